//! The SQL of owners, grants, default privileges and extension versions:
//! `ALTER … OWNER TO`, `GRANT`, `REVOKE`, `ALTER DEFAULT PRIVILEGES`,
//! `ALTER EXTENSION … UPDATE TO`.

use super::session::table_ident;
use crate::diff::GrantOn;
use crate::model::{DefaultScope, Held, PUBLIC, Privilege, Securable, SecurableKind};
use crate::sql::{quote_ident, quote_literal as escape_literal};

/// A role as SQL: `PUBLIC`, or the quoted name.
fn role(name: &str) -> String {
    if name == PUBLIC { "PUBLIC".into() } else { quote_ident(name) }
}

/// `"app"."f"(integer, text)` from a routine's key `app.f(integer, text)`.
fn routine(key: &str) -> String {
    match key.split_once('(') {
        Some((name, arguments)) => format!("{}({arguments}", table_ident(name)),
        None => table_ident(key),
    }
}

/// The object as `GRANT … ON` names it.
fn grant_target(object: &Securable) -> String {
    let name = &object.name;
    match object.kind {
        SecurableKind::Schema => format!("SCHEMA {}", quote_ident(name)),
        SecurableKind::Table | SecurableKind::View | SecurableKind::MaterializedView => {
            format!("TABLE {}", table_ident(name))
        }
        SecurableKind::Sequence => format!("SEQUENCE {}", table_ident(name)),
        SecurableKind::Function => format!("FUNCTION {}", routine(name)),
        SecurableKind::Procedure => format!("PROCEDURE {}", routine(name)),
        SecurableKind::Type => format!("TYPE {}", table_ident(name)),
        SecurableKind::Domain => format!("DOMAIN {}", table_ident(name)),
    }
}

/// `ALTER … OWNER TO`.
pub(super) fn set_owner(object: &Securable, owner: &str) -> String {
    let name = &object.name;
    let what = match object.kind {
        SecurableKind::Schema => format!("SCHEMA {}", quote_ident(name)),
        SecurableKind::Table => format!("TABLE {}", table_ident(name)),
        SecurableKind::View => format!("VIEW {}", table_ident(name)),
        SecurableKind::MaterializedView => format!("MATERIALIZED VIEW {}", table_ident(name)),
        _ => grant_target(object),
    };
    format!("ALTER {what} OWNER TO {}", role(owner))
}

/// The privileges of one statement: `SELECT, UPDATE (a, b)`, grouped by
/// privilege.
fn privilege_list(keys: &[Key]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for privilege in Privilege::ALL {
        if keys.iter().any(|(p, c)| *p == privilege && c.is_none()) {
            parts.push(privilege.keyword().to_string());
        }
        let columns: Vec<String> = keys
            .iter()
            .filter(|(p, c)| *p == privilege && c.is_some())
            .filter_map(|(_, c)| c.as_deref().map(quote_ident))
            .collect();
        if !columns.is_empty() {
            parts.push(format!("{} ({})", privilege.keyword(), columns.join(", ")));
        }
    }
    parts.join(", ")
}

/// A privilege on a column, or on the whole object.
type Key = (Privilege, Option<String>);

/// `held` split by its flag: (those without, those with).
fn by_flag(held: &Held) -> [(bool, Vec<Key>); 2] {
    let of = |flag: bool| held.iter().filter(|(_, f)| **f == flag).map(|(k, _)| k.clone()).collect();
    [(false, of(false)), (true, of(true))]
}

/// `ALTER DEFAULT PRIVILEGES FOR ROLE r [IN SCHEMA s]`.
fn default_prefix(scope: &DefaultScope) -> String {
    let mut prefix = format!("ALTER DEFAULT PRIVILEGES FOR ROLE {}", quote_ident(&scope.role));
    if let Some(schema) = &scope.schema {
        prefix.push_str(&format!(" IN SCHEMA {}", quote_ident(schema)));
    }
    prefix
}

/// `GRANT`s: one without and one with the grant option, as needed.
pub(super) fn grant(on: &GrantOn, grantee: &str, privileges: &Held) -> Vec<String> {
    acl_statements(on, grantee, privileges, true)
}

/// `REVOKE`s: the privileges, and the grant options that go alone.
pub(super) fn revoke(on: &GrantOn, grantee: &str, privileges: &Held) -> Vec<String> {
    acl_statements(on, grantee, privileges, false)
}

/// A `GRANT` or `REVOKE` (on an object, or of default privileges) for
/// each value of the flag: the grant option granted with the privileges,
/// or revoked alone.
fn acl_statements(on: &GrantOn, grantee: &str, privileges: &Held, granting: bool) -> Vec<String> {
    let mut statements = Vec::new();
    for (flag, keys) in by_flag(privileges) {
        if keys.is_empty() {
            continue;
        }
        let (verb, option_for, to, with) = match (granting, flag) {
            (true, option) => ("GRANT", "", "TO", if option { " WITH GRANT OPTION" } else { "" }),
            (false, only_option) => ("REVOKE", if only_option { "GRANT OPTION FOR " } else { "" }, "FROM", ""),
        };
        let list = privilege_list(&keys);
        let (prefix, target) = match on {
            GrantOn::Object(object) => (String::new(), grant_target(object)),
            GrantOn::Default(scope) => {
                (format!("{} ", default_prefix(scope)), scope.objects.word().to_ascii_uppercase())
            }
        };
        statements.push(format!("{prefix}{verb} {option_for}{list} ON {target} {to} {}{with}", role(grantee)));
    }
    statements
}

/// `CREATE EXTENSION`, in a schema and at a version if they are asked.
pub(super) fn create_extension(name: &str, version: Option<&str>, schema: Option<&str>) -> String {
    let mut sql = format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(name));
    if let Some(schema) = schema {
        sql.push_str(&format!(" SCHEMA {}", quote_ident(schema)));
    }
    if let Some(version) = version {
        sql.push_str(&format!(" VERSION {}", escape_literal(version)));
    }
    sql
}

pub(super) fn update_extension(name: &str, version: &str) -> String {
    format!("ALTER EXTENSION {} UPDATE TO {}", quote_ident(name), escape_literal(version))
}

pub(super) fn move_extension(name: &str, schema: &str) -> String {
    format!("ALTER EXTENSION {} SET SCHEMA {}", quote_ident(name), quote_ident(schema))
}

pub(super) fn drop_extension(name: &str) -> String {
    format!("DROP EXTENSION {}", quote_ident(name))
}
