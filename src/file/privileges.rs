//! From the file's owners, grants, default privileges and extensions to
//! the model, each problem reported at its YAML path; and back (a grantee's
//! privileges as the file writes them).
//!
//! A grant is written as `GRANT` says it, in lower case: `select`,
//! `update(email, name)`, `all`, each optionally `with grant option`.

use super::locator::Locator;
use super::problems::Problems;
use super::raw::RawGrants;
use crate::model::{
    DefaultObjects, DefaultScope, Extension, Grants, Held, PUBLIC, Privilege, Privileges, Schema, Securable,
    SecurableKind, Table,
};
use indexmap::IndexMap;
use serde_yaml::Value;

const WITH_GRANT_OPTION: &str = "with grant option";

/// One written grant: its privileges, its columns (none: the whole
/// object) and whether it may be granted on.
fn parse_grant(text: &str, kind: SecurableKind) -> Result<(Vec<Privilege>, Vec<String>, bool), String> {
    let lower = text.trim().to_ascii_lowercase();
    let (head, option) = match lower.strip_suffix(WITH_GRANT_OPTION) {
        Some(head) => (head.trim_end(), true),
        None => (lower.as_str(), false),
    };
    let (word, columns) = match head.split_once('(') {
        Some((word, _)) => {
            // Column names keep the case they were written in, and may be
            // double-quoted (`update("Name", "a,b")`).
            let start = text.find('(').map_or(0, |i| i + 1);
            let end = text.trim_end().len() - if option { WITH_GRANT_OPTION.len() } else { 0 };
            let inside = text[start..end]
                .trim_end()
                .strip_suffix(')')
                .ok_or_else(|| format!("\"{text}\" has no closing `)`"))?;
            let columns = column_list(inside).ok_or_else(|| format!("\"{text}\": its column list does not read"))?;
            if columns.iter().any(String::is_empty) {
                return Err(format!("\"{text}\" lists an empty column name"));
            }
            (word.trim(), columns)
        }
        None => (head.trim(), Vec::new()),
    };
    let privileges: Vec<Privilege> = if word == "all" || word == "all privileges" {
        kind.privileges().iter().copied().filter(|p| columns.is_empty() || p.on_columns()).collect()
    } else {
        match Privilege::parse(word) {
            Some(p) if kind.privileges().contains(&p) => vec![p],
            _ => return Err(format!("a {} has no privilege \"{word}\"", kind.noun())),
        }
    };
    if !columns.is_empty() && (!kind.has_columns() || privileges.iter().any(|p| !p.on_columns())) {
        return Err(format!("\"{word}\" cannot be granted on columns of a {}", kind.noun()));
    }
    Ok((privileges, columns, option))
}

/// `a, "B", "c,d"`: names split at commas outside double quotes.
fn column_list(text: &str) -> Option<Vec<String>> {
    let mut columns = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                current.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => columns.push(std::mem::take(&mut current).trim().to_string()),
            c if quoted => current.push(c),
            c => current.push(c),
        }
    }
    if quoted {
        return None;
    }
    columns.push(current.trim().to_string());
    Some(columns)
}

/// A column name as a grant writes it: bare where that reads back.
fn column_name(name: &str) -> String {
    let bare = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if bare { name.to_string() } else { format!("\"{}\"", name.replace('"', "\"\"")) }
}

/// The privileges of `kind`, as a hint.
fn valid(kind: SecurableKind) -> String {
    let words: Vec<String> = kind.privileges().iter().map(|p| p.keyword().to_ascii_lowercase()).collect();
    let columns = if kind.has_columns() { ", or one on columns: `update(email, name)`" } else { "" };
    format!(
        "a {} takes {}, or `all`{columns}; add `with grant option` to let the grantee grant it on",
        kind.noun(),
        words.join(", ")
    )
}

/// The grants written at `path` (the grantees' mapping); column names are checked against
/// `table` when there is one.
pub(super) fn grants(
    problems: &mut Problems,
    path: &[&str],
    kind: SecurableKind,
    raw: &RawGrants,
    table: Option<&Table>,
) -> Grants {
    let mut grants = Grants::default();
    for (grantee, written) in &raw.0 {
        let at: Vec<&str> = path.iter().copied().chain([grantee.as_str()]).collect();
        let grantee = if grantee.eq_ignore_ascii_case(PUBLIC) { PUBLIC.to_string() } else { grantee.clone() };
        if grantee.is_empty() {
            problems.report(&at, "a grantee's name is empty", Some("name a role, or `public` for every role"));
            continue;
        }
        let held: &mut Held = grants.0.entry(grantee).or_default();
        for text in written {
            match parse_grant(text, kind) {
                Ok((privileges, columns, option)) => {
                    for column in &columns {
                        if let Some(table) = table.filter(|t| !t.columns.contains_key(column)) {
                            problems.report(
                                &at,
                                format!(
                                    "grant \"{text}\" names column \"{column}\", which \"{}\" does not have",
                                    table.name
                                ),
                                None,
                            );
                        }
                    }
                    let columns: Vec<Option<String>> =
                        if columns.is_empty() { vec![None] } else { columns.into_iter().map(Some).collect() };
                    for privilege in privileges {
                        for column in &columns {
                            let entry = held.entry((privilege, column.clone())).or_insert(false);
                            *entry |= option;
                        }
                    }
                }
                Err(message) => problems.report(&at, message, Some(&valid(kind))),
            }
        }
    }
    grants
}

/// An object's `owner:` and `grants:`, if it says either.
pub(super) fn object(
    problems: &mut Problems,
    path: &[&str],
    kind: SecurableKind,
    owner: Option<&String>,
    raw: Option<&RawGrants>,
    table: Option<&Table>,
) -> Option<Privileges> {
    if owner.is_none() && raw.is_none() {
        return None;
    }
    if let Some(owner) = owner.filter(|o| o.is_empty() || o.eq_ignore_ascii_case(PUBLIC)) {
        let at: Vec<&str> = path.iter().copied().chain(["owner"]).collect();
        problems.report(&at, format!("\"{owner}\" cannot own anything"), Some("name a role"));
    }
    let at: Vec<&str> = path.iter().copied().chain(["grants"]).collect();
    let grants = raw.map(|raw| grants(problems, &at, kind, raw, table)).unwrap_or_default();
    Some(Privileges { owner: owner.cloned(), grants, at: path.iter().map(|p| p.to_string()).collect(), column: None })
}

/// A serial or identity column's `sequence_grants:`, kept under the name
/// its sequence has (`<table>_<column>_seq`, in the table's schema).
pub(super) fn column_sequence(
    problems: &mut Problems,
    schema: &mut Schema,
    table: &Table,
    column: &str,
    raw: &RawGrants,
) {
    let path = ["tables", table.name.as_str(), "columns", column];
    let has_sequence = table.columns.get(column).is_some_and(|c| c.sql_type.is_serial() || c.autoincrement);
    if !has_sequence {
        let at: Vec<&str> = path.iter().copied().chain(["sequence_grants"]).collect();
        let hint = "only a serial or identity (`autoincrement`) column has a sequence of its own";
        problems.report(&at, format!("column \"{}.{column}\" has no sequence to grant on", table.name), Some(hint));
        return;
    }
    let at: Vec<&str> = path.iter().copied().chain(["sequence_grants"]).collect();
    let grants = grants(problems, &at, SecurableKind::Sequence, raw, None);
    let name = crate::model::naming::serial_sequence_in_schema(&table.name, column);
    let privileges = Privileges {
        owner: None,
        grants,
        at: path.iter().map(|p| p.to_string()).collect(),
        column: Some((table.name.clone(), column.to_string())),
    };
    schema.privileges.insert(Securable::new(SecurableKind::Sequence, name), privileges);
}

/// Records `privileges` of `object`.
pub(super) fn keep(schema: &mut Schema, kind: SecurableKind, name: &str, privileges: Option<Privileges>) {
    if let Some(privileges) = privileges {
        schema.privileges.insert(Securable::new(kind, name), privileges);
    }
}

/// `default_privileges:` keyed by `role` or `role in schema`, then by the
/// kind of object.
pub(super) fn default_privileges(
    problems: &mut Problems,
    schema: &mut Schema,
    raw: &IndexMap<String, super::unique_map::UniqueMap<RawGrants>>,
) {
    for (key, kinds) in raw {
        let (role, in_schema) = match key.split_once(" in ") {
            Some((role, in_schema)) => (role.trim(), Some(in_schema.trim().to_string())),
            None => (key.trim(), None),
        };
        if role.is_empty() || role.eq_ignore_ascii_case(PUBLIC) || in_schema.as_ref().is_some_and(String::is_empty) {
            problems.report(
                &["default_privileges", key],
                format!("\"{key}\" is not a role, or a role `in` a schema"),
                Some("key default privileges by the role whose new objects they cover: `app_owner`, or `app_owner in reporting`"),
            );
            continue;
        }
        for (word, raw_grants) in &kinds.0 {
            let path = ["default_privileges", key.as_str(), word.as_str()];
            let Some(objects) = DefaultObjects::parse(word) else {
                let hint = "default privileges are on tables, sequences, functions, types or schemas";
                problems.report(&path, format!("default privileges on \"{word}\"?"), Some(hint));
                continue;
            };
            if objects == DefaultObjects::Schemas && in_schema.is_some() {
                let hint = "default privileges on schemas are for the whole database: key them by the role alone";
                problems.report(&path, "default privileges on schemas cannot be in a schema", Some(hint));
                continue;
            }
            let parsed = grants(problems, &path, objects.kind(), raw_grants, None);
            let scope = DefaultScope { role: role.to_string(), schema: in_schema.clone(), objects };
            schema.default_privileges.insert(scope, parsed);
        }
    }
}

/// `extensions:` as a list of names, or names → version (`"1.6"`, or `{}`
/// for any).
pub(super) fn extensions(problems: &mut Problems, schema: &mut Schema, raw: Option<Value>) {
    let check_name = |problems: &mut Problems, name: &str| {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')) {
            problems.report(
                &["extensions"],
                format!("invalid extension name \"{name}\""),
                Some("an extension is a name such as citext, pgcrypto or uuid-ossp"),
            );
        }
    };
    match raw {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(items)) => {
            for item in items {
                let Value::String(name) = item else {
                    problems.report(&["extensions"], "an extension in the list is not a name", None);
                    continue;
                };
                check_name(problems, &name);
                if schema.extensions.contains_key(&name) {
                    problems.report(&["extensions"], format!("extension \"{name}\" is listed twice"), None);
                }
                schema.extensions.insert(name, Extension::default());
            }
        }
        Some(Value::Mapping(map)) => {
            let mut numbers = std::collections::HashSet::new();
            let mut entries = Vec::new();
            for (key, value) in map {
                let Value::String(name) = key else {
                    problems.report(&["extensions"], "an extension's name is not text", None);
                    continue;
                };
                check_name(problems, &name);
                let (version, schema_name) = match value {
                    Value::String(version) => (Some(version), None),
                    Value::Number(number) => {
                        numbers.insert(vec!["extensions".to_string(), name.clone()]);
                        (Some(number.to_string()), None)
                    }
                    Value::Null => (None, None),
                    Value::Mapping(options) => {
                        let mut version = None;
                        let mut in_schema = None;
                        for (key, value) in options {
                            match (key.as_str(), value) {
                                (Some("version"), Value::String(v)) => version = Some(v),
                                (Some("version"), Value::Number(n)) => {
                                    numbers.insert(vec!["extensions".into(), name.clone(), "version".into()]);
                                    version = Some(n.to_string());
                                }
                                (Some("schema"), Value::String(s)) if !s.is_empty() => in_schema = Some(s),
                                _ => {
                                    let hint =
                                        "write `name: \"1.6\"`, or `name: { version: \"1.6\", schema: extensions }`";
                                    let message =
                                        format!("extension \"{name}\": only a version and a schema can be asked");
                                    problems.report(&["extensions", &name], message, Some(hint));
                                }
                            }
                        }
                        (version, in_schema)
                    }
                    _ => {
                        let message = format!("extension \"{name}\": a version is text, `\"1.6\"`");
                        problems.report(&["extensions", &name], message, None);
                        (None, None)
                    }
                };
                entries.push((name, version, schema_name));
            }
            // A version written as a number (`1.10`) is read as written.
            let texts =
                if numbers.is_empty() { Default::default() } else { Locator::plain_scalars(problems.text, numbers) };
            for (name, version, in_schema) in entries {
                let path = vec!["extensions".to_string(), name.clone()];
                let nested = vec!["extensions".to_string(), name.clone(), "version".to_string()];
                let version = texts.get(&path).or(texts.get(&nested)).cloned().or(version);
                schema.extensions.insert(name, Extension { schema: in_schema, ..Extension::at(version) });
            }
        }
        Some(_) => problems.report(&["extensions"], "`extensions:` is a list of names, or names with versions", None),
    }
}

/// A grantee's privileges as the file writes them, in `kind`'s order:
/// `all` where it holds all of them alike, and columns grouped.
pub(crate) fn written(kind: SecurableKind, held: &Held) -> Vec<String> {
    let suffix = |option: bool| if option { format!(" {WITH_GRANT_OPTION}") } else { String::new() };
    let mut out = Vec::new();
    let whole: Vec<(Privilege, bool)> =
        held.iter().filter(|((_, c), _)| c.is_none()).map(|((p, _), o)| (*p, *o)).collect();
    let all = kind.privileges();
    let uniform = whole.first().map(|(_, o)| *o).filter(|o| whole.iter().all(|(_, x)| x == o));
    match uniform {
        Some(option) if whole.len() == all.len() && all.len() > 1 => out.push(format!("all{}", suffix(option))),
        _ => {
            for privilege in all {
                if let Some((_, option)) = whole.iter().find(|(p, _)| p == privilege) {
                    out.push(format!("{}{}", privilege.keyword().to_ascii_lowercase(), suffix(*option)));
                }
            }
        }
    }
    for privilege in all {
        for option in [false, true] {
            let columns: Vec<String> = held
                .iter()
                .filter(|((p, c), o)| p == privilege && c.is_some() && **o == option)
                .filter_map(|((_, c), _)| c.as_deref().map(column_name))
                .collect();
            if !columns.is_empty() {
                out.push(format!(
                    "{}({}){}",
                    privilege.keyword().to_ascii_lowercase(),
                    columns.join(", "),
                    suffix(option)
                ));
            }
        }
    }
    out
}

/// The key a default privileges entry is written under.
pub(crate) fn default_key(scope: &DefaultScope) -> String {
    match &scope.schema {
        Some(schema) => format!("{} in {schema}", scope.role),
        None => scope.role.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_read_as_written_and_back() {
        let (privileges, columns, option) =
            parse_grant("UPDATE (email, Name) WITH GRANT OPTION", SecurableKind::Table).unwrap();
        assert_eq!((privileges, columns, option), (vec![Privilege::Update], vec!["email".into(), "Name".into()], true));
        assert!(parse_grant("execute", SecurableKind::Table).is_err());
        assert!(parse_grant("usage(a)", SecurableKind::Sequence).is_err());
        let mut held = Held::new();
        for p in SecurableKind::Table.privileges() {
            held.insert((*p, None), false);
        }
        held.insert((Privilege::Update, Some("b".into())), true);
        assert_eq!(written(SecurableKind::Table, &held), ["all", "update(b) with grant option"]);
        let (_, columns, _) = parse_grant(r#"select("a,b", "Q""x", c)"#, SecurableKind::Table).unwrap();
        assert_eq!(columns, ["a,b", "Q\"x", "c"]);
        held.insert((Privilege::Select, Some("a,b".into())), false);
        assert!(written(SecurableKind::Table, &held).contains(&r#"select("a,b")"#.to_string()));
    }
}
