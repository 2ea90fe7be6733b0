//! Reading owners, grants and default privileges from `pg_catalog`: one
//! query for every kind of object, returning only objects whose owner is
//! not the connection's role or whose ACL is not the default (so a
//! database without grants costs one near-empty round trip), and every
//! schema in scope.

use super::inspect_objects::own;
use super::session::{Namespaces, query};
use crate::error::Result;
use crate::model::{DefaultObjects, DefaultScope, Grants, Privilege, Privileges, Schema, Securable, SecurableKind};
use postgres::GenericClient;
use std::collections::{BTreeMap, HashMap, HashSet};

/// kind, schema, name, owner, column, grantee (`public`), privilege,
/// grantable: one row per ACL entry (or one with no grantee for an object
/// with the default ACL and another owner).
fn privileges_query() -> String {
    format!(
        "WITH me AS (SELECT oid FROM pg_roles WHERE rolname = current_user),
         o AS (
             SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                     ELSE 'table' END AS kind,
                 c.relnamespace AS ns, c.relname::text AS name, c.relowner AS owner, c.relacl AS acl, NULL::text AS col,
                 c.oid AS oid
               FROM pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND {c}
                 AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY($1))
                 AND (c.relacl IS NOT NULL
                      -- A column's sequence (serial, identity) has its table's owner.
                      OR (c.relowner <> (SELECT oid FROM me) AND NOT EXISTS (
                          SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                          WHERE c.relkind = 'S' AND d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
                            AND t.relowner = c.relowner))
                      -- An identity column's sequence that kept an old name
                      -- (its table or column renamed): what a grant names.
                      OR (c.relkind = 'S' AND EXISTS (
                          SELECT 1 FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype = 'i'
                            AND c.relname <> t.relname || '_' || a.attname || '_seq')))
           UNION ALL SELECT 'column', c.relnamespace, c.relname::text, c.relowner, a.attacl, a.attname::text, NULL
               FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
               WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND {c}
                 AND c.relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY($1))
           UNION ALL SELECT CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, p.pronamespace,
                   p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.proowner, p.proacl, NULL, NULL
               FROM pg_proc p WHERE p.pronamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY($1))
                 AND (p.proacl IS NOT NULL OR p.proowner <> (SELECT oid FROM me)) AND {p}
           UNION ALL SELECT CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END, t.typnamespace, t.typname::text,
                   t.typowner, t.typacl, NULL, NULL
               FROM pg_type t WHERE t.typnamespace IN (SELECT oid FROM pg_namespace WHERE nspname = ANY($1))
                 AND (t.typtype IN ('e', 'd', 'r')
                      OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
                 AND (t.typacl IS NOT NULL OR t.typowner <> (SELECT oid FROM me)) AND {t}
           UNION ALL SELECT 'schema', s.oid, s.nspname::text, s.nspowner, s.nspacl, NULL, NULL
               FROM pg_namespace s WHERE s.nspname = ANY($1)
           UNION ALL SELECT 'default ' || d.defaclobjtype::text, d.defaclnamespace, NULL, d.defaclrole, d.defaclacl, NULL,
                   NULL
               FROM pg_default_acl d
         )
         SELECT o.kind, n.nspname::text, o.name, pg_get_userbyid(o.owner)::text, o.col,
             CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END,
             x.privilege_type, x.is_grantable, current_user::text, s.of_ns, s.of_table, s.of_col
         FROM o LEFT JOIN pg_namespace n ON n.oid = o.ns LEFT JOIN LATERAL aclexplode(o.acl) x ON true
           -- A sequence's column (serial, identity).
           LEFT JOIN LATERAL (
             SELECT tn.nspname::text AS of_ns, t.relname::text AS of_table, a.attname::text AS of_col
             FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
             WHERE o.kind = 'sequence' AND d.classid = 'pg_class'::regclass AND d.objid = o.oid
               AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') LIMIT 1
           ) s ON true
         WHERE o.kind LIKE 'default %' AND (o.ns = 0 OR n.nspname = ANY($1)) OR o.kind NOT LIKE 'default %'
         UNION ALL SELECT 'me', NULL, NULL, NULL, NULL, NULL, NULL, NULL, current_user::text, NULL, NULL, NULL",
        c = own("pg_class", "c.oid"),
        p = own("pg_proc", "p.oid"),
        t = own("pg_type", "t.oid"),
    )
}

/// What was read of one object: its owner and its whole ACL (`None`: the
/// default).
struct Read {
    owner: String,
    acl: Option<Grants>,
    /// A sequence's column (serial, identity): (table, column).
    column: Option<(String, String)>,
}

/// Reads owners, grants and default privileges into `schema` (whose
/// objects are already read): an object's owner where it is not the most
/// common one, its grants as a file writes them. Returns the lines of
/// what has privileges but is not modelled, with their schema.
pub(super) fn read_privileges(
    client: &mut impl GenericClient,
    within: &Namespaces,
    schema: &mut Schema,
) -> Result<Vec<(String, String)>> {
    let rows = query(client, &privileges_query(), &within.schemas.to_vec())?;
    let mut objects: BTreeMap<Securable, Read> = BTreeMap::new();
    let mut columns: Vec<(Securable, String, String, Privilege, bool)> = Vec::new();
    let mut defaults: BTreeMap<DefaultScope, Grants> = BTreeMap::new();
    let mut unmanaged = Vec::new();
    let mut odd: HashSet<String> = HashSet::new();
    for row in &rows {
        let kind: String = row.get(0);
        let (namespace, name, owner): (Option<String>, Option<String>, Option<String>) =
            (row.get(1), row.get(2), row.get(3));
        let (column, grantee, privilege, grantable): (Option<String>, Option<String>, Option<String>, Option<bool>) =
            (row.get(4), row.get(5), row.get(6), row.get(7));
        if kind == "me" {
            schema.role = row.get(8);
            continue;
        }
        let privilege = privilege.as_deref().map(|p| (p, Privilege::parse(p)));
        if let Some(objects) = kind.strip_prefix("default ") {
            let scope =
                DefaultScope { role: owner.unwrap_or_default(), schema: namespace, objects: objects_of(objects) };
            let entry = defaults.entry(scope).or_default();
            if let (Some(grantee), Some((_, Some(privilege)))) = (grantee, privilege) {
                entry.0.entry(grantee).or_default().insert((privilege, None), grantable.unwrap_or(false));
            }
            continue;
        }
        let (Some(namespace), Some(name), Some(owner)) = (namespace, name, owner) else { continue };
        let object_kind = match kind.as_str() {
            "schema" => SecurableKind::Schema,
            "table" | "column" => SecurableKind::Table,
            "view" => SecurableKind::View,
            "materialized view" => SecurableKind::MaterializedView,
            "sequence" => SecurableKind::Sequence,
            "function" => SecurableKind::Function,
            "procedure" => SecurableKind::Procedure,
            "domain" => SecurableKind::Domain,
            _ => SecurableKind::Type,
        };
        let qualified = if object_kind == SecurableKind::Schema { name } else { within.name(&namespace, &name) };
        let object = Securable::new(object_kind, qualified);
        if let Some((word, None)) = privilege {
            odd.insert(format!("privilege {word} on {object}"));
            continue;
        }
        let privilege = privilege.and_then(|(_, p)| p);
        if let Some(column) = column {
            // Views' columns are granted on as tables' are.
            if let (Some(grantee), Some(privilege)) = (grantee, privilege) {
                columns.push((object, column, grantee, privilege, grantable.unwrap_or(false)));
            }
            continue;
        }
        let of_column = match (row.get::<_, Option<String>>(9), row.get::<_, Option<String>>(10), row.get(11)) {
            (Some(schema), Some(table), Some(column)) => Some((within.name(&schema, &table), column)),
            _ => None,
        };
        let read = objects.entry(object).or_insert(Read { owner, acl: None, column: of_column });
        if let (Some(grantee), Some(privilege)) = (grantee, privilege) {
            let acl = read.acl.get_or_insert_with(Grants::default);
            acl.0.entry(grantee).or_default().insert((privilege, None), grantable.unwrap_or(false));
        }
    }
    // Column grants are on tables, views or materialized views alike.
    let kinds = [SecurableKind::Table, SecurableKind::View, SecurableKind::MaterializedView];
    for (object, column, grantee, privilege, grantable) in columns {
        let object = kinds
            .iter()
            .map(|k| Securable::new(*k, object.name.clone()))
            .find(|o| objects.contains_key(o) || in_model(schema, o))
            .unwrap_or(object);
        let owner = objects.get(&object).map(|r| r.owner.clone());
        let read = objects.entry(object).or_insert(Read { owner: owner.unwrap_or_default(), acl: None, column: None });
        if read.owner.is_empty() {
            read.owner = schema.role.clone().unwrap_or_default();
        }
        let acl = read.acl.get_or_insert_with(Grants::default);
        acl.0.entry(grantee).or_default().insert((privilege, Some(column)), grantable);
    }
    let me = schema.role.clone().unwrap_or_default();
    let dominant = dominant_owner(schema, &objects, &me);
    schema.owner = Some(dominant.clone());
    for (object, read) in objects {
        let is_schema = object.kind == SecurableKind::Schema;
        // A serial or identity column's own sequence: its grants are the
        // column's `sequence_grants`; its owner is its table's.
        let of_column = read.column.as_ref().filter(|(table, column)| {
            schema
                .tables
                .get(table)
                .and_then(|t| t.columns.get(column))
                .is_some_and(|c| c.sql_type.is_serial() || c.autoincrement)
        });
        if let (Some(column), false) = (of_column, in_model(schema, &object)) {
            // Kept with no grants too: its name is what a grant must say.
            let grants = read.acl.as_ref().map(|acl| acl.explicit(object.kind, &read.owner)).unwrap_or_default();
            let privileges = Privileges { grants, column: Some(column.clone()), ..Privileges::default() };
            schema.privileges.insert(object, privileges);
            continue;
        }
        if !is_schema && !in_model(schema, &object) {
            let of = |what: &str| (format!("{what} {object}"), object_schema(&object, within));
            if read.acl.is_some() {
                unmanaged.push(of("grants on"));
            }
            if read.owner != me {
                unmanaged.push(of(&format!("owner {} of", read.owner)));
            }
            continue;
        }
        let mut privileges = Privileges::default();
        if is_schema || read.owner != dominant {
            privileges.owner = Some(read.owner.clone());
        }
        if let Some(acl) = &read.acl {
            privileges.grants = acl.explicit(object.kind, &read.owner);
        }
        if is_schema || privileges.owner.is_some() || !privileges.grants.0.is_empty() {
            schema.privileges.insert(object, privileges);
        }
    }
    for (scope, grants) in defaults {
        let explicit = scope.explicit(&grants);
        schema.default_privileges.insert(scope, explicit);
    }
    for line in odd {
        unmanaged.push((line, within.default_schema.to_string()));
    }
    Ok(unmanaged)
}

/// `pg_default_acl.defaclobjtype` as the kind of objects it covers.
fn objects_of(objtype: &str) -> DefaultObjects {
    match objtype {
        "r" => DefaultObjects::Tables,
        "S" => DefaultObjects::Sequences,
        "f" => DefaultObjects::Functions,
        "T" => DefaultObjects::Types,
        _ => DefaultObjects::Schemas,
    }
}

/// The most common owner of what the model holds (the role's own, `me`,
/// are not read: they are the rest).
fn dominant_owner(schema: &Schema, objects: &BTreeMap<Securable, Read>, me: &str) -> String {
    let total = schema.securables().iter().filter(|s| s.kind != SecurableKind::Schema).count();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (object, read) in objects {
        if object.kind != SecurableKind::Schema && read.owner != me && in_model(schema, object) {
            *counts.entry(read.owner.as_str()).or_default() += 1;
        }
    }
    let others: usize = counts.values().sum();
    counts.insert(me, total.saturating_sub(others));
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(owner, _)| owner.to_string())
        .unwrap_or(me.to_string())
}

/// The schema an object is in.
fn object_schema(object: &Securable, within: &Namespaces) -> String {
    match object.name.split_once('.') {
        Some((schema, _)) if !object.name.starts_with('(') => schema.to_string(),
        _ => within.default_schema.to_string(),
    }
}

/// Whether the model holds `object`.
fn in_model(schema: &Schema, object: &Securable) -> bool {
    let name = &object.name;
    match object.kind {
        SecurableKind::Schema => true,
        SecurableKind::Table => schema.tables.contains_key(name),
        SecurableKind::View => schema.views.get(name).is_some_and(|v| !v.materialized),
        SecurableKind::MaterializedView => schema.views.get(name).is_some_and(|v| v.materialized),
        SecurableKind::Sequence => schema.sequences.contains_key(name),
        SecurableKind::Function => schema.functions.get(name).is_some_and(|f| !f.procedure),
        SecurableKind::Procedure => schema.functions.get(name).is_some_and(|f| f.procedure),
        SecurableKind::Type => schema.enums.contains_key(name) || schema.composite_types.contains_key(name),
        SecurableKind::Domain => schema.domains.contains_key(name),
    }
}
