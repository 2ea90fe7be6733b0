//! Parsers of the file's small values: types, defaults, primary keys,
//! index items and references.

use super::raw::RawIndexExpr;
use crate::model::{
    DefaultValue, Expr, IndexKey, IndexPart, KNOWN_TYPES, Literal, PrimaryKey, Schema, SqlType, Table, naming,
};
use crate::suggest::did_you_mean;
use serde_yaml::Value;

/// Real type names (PostgreSQL built-ins and common extension types) that
/// are close enough to a canonical name to look like typos of it.
const OTHER_KNOWN_TYPES: &[&str] = &[
    "inet",
    "cidr",
    "citext",
    "bit",
    "varbit",
    "money",
    "interval",
    "point",
    "line",
    "box",
    "path",
    "circle",
    "xml",
    "macaddr",
    "macaddr8",
    "serial",
    "bigserial",
    "smallserial",
    "name",
    "oid",
    "bpchar",
    "tsvector",
    "tsquery",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "hstore",
    "timetz",
];

pub(super) fn parse_type(text: &str) -> Result<SqlType, (String, Option<String>)> {
    if text.trim().is_empty() {
        // SQLite allows columns with no declared type; keep them representable.
        return Ok(SqlType::Other(String::new()));
    }
    let sql_type = SqlType::parse(text).map_err(|m| (m, None))?;
    if let SqlType::Other(name) = &sql_type
        && (name.starts_with("enum(") || name.starts_with("set("))
    {
        // MySQL's inline ENUM and SET: pasted into SQL, so only a list of
        // plain quoted labels.
        let labels = &name[name.find('(').unwrap_or_default()..];
        return match inline_labels(labels) {
            Some(_) => Ok(sql_type),
            None => Err((
                format!("invalid labels in type \"{text}\""),
                Some("write the labels quoted, a quote doubled, no backslash: \"enum('draft','it''s')\"".into()),
            )),
        };
    }
    if let SqlType::Other(name) = &sql_type {
        let base = name.split('(').next().unwrap_or(name).trim();
        let typo = !OTHER_KNOWN_TYPES.contains(&base) && !KNOWN_TYPES.contains(&base) && base.len() >= 4;
        if let Some(known) = did_you_mean(base, KNOWN_TYPES)
            .filter(|k| typo && strsim::damerau_levenshtein(base, k) <= 1 + usize::from(base.len() >= 7))
        {
            return Err((format!("unknown type \"{text}\""), Some(format!("did you mean \"{known}\"?"))));
        }
        if !base.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '.' | '[' | ']' | '"'))
            || !plain_type_text(text)
        {
            return Err((
                format!("invalid type \"{text}\""),
                Some("a type is a name such as integer, varchar(50) or numeric(10,2)".into()),
            ));
        }
    }
    Ok(sql_type)
}

/// The labels of `('a','it''s')`: quoted, quotes doubled, separated by
/// commas, no backslash (MySQL would read it as an escape).
pub(crate) fn inline_labels(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    let mut labels = Vec::new();
    let mut rest = inner.trim_start();
    loop {
        let mut chars = rest.strip_prefix('\'')?.char_indices();
        let mut label = String::new();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '\\' => return None,
                '\'' if rest[1 + i + 1..].starts_with('\'') => {
                    label.push('\'');
                    chars.next();
                }
                '\'' => break 1 + i + 1,
                c => label.push(c),
            }
        };
        labels.push(label);
        rest = rest[end..].trim_start();
        if rest.is_empty() {
            return Some(labels);
        }
        rest = rest.strip_prefix(',')?.trim_start();
    }
}

/// A type name is pasted into SQL as written (a type can't be quoted as a
/// whole), so only the shape of a type is allowed: words starting with a
/// letter, one level of parentheses holding numbers or words, `[]`.
fn plain_type_text(text: &str) -> bool {
    let text = text.trim();
    let mut depth = 0;
    text.chars().next().is_some_and(|c| c.is_alphabetic() || c == '"' || c == '_')
        && text.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (0..=1).contains(&depth)
                && (c.is_alphanumeric() || matches!(c, '_' | ' ' | '.' | ',' | '(' | ')' | '[' | ']' | '"'))
        })
        && depth == 0
        && text.matches('"').count() % 2 == 0
}

pub(super) fn parse_default(value: &Value) -> Result<Option<DefaultValue>, String> {
    Ok(match value {
        Value::Null => None,
        Value::Bool(b) => Some(DefaultValue::Literal(Literal::Bool(*b))),
        Value::Number(n) => Some(DefaultValue::Literal(match n.as_i64() {
            Some(i) => Literal::Int(i),
            None => Literal::Float(n.to_string()),
        })),
        Value::String(s) => Some(DefaultValue::Literal(Literal::Text(s.clone()))),
        Value::Mapping(map) => {
            let sql = map.get("sql").and_then(Value::as_str);
            match (sql, map.len()) {
                (Some(sql), 1) if !sql.trim().is_empty() => DefaultValue::from_sql(sql),
                _ => return Err("a default mapping must be exactly `{ sql: EXPRESSION }`".into()),
            }
        }
        _ => return Err("a default must be a scalar or `{ sql: EXPRESSION }`".into()),
    })
}

pub(super) fn parse_primary_key(table: &str, value: &Value) -> Result<PrimaryKey, String> {
    let columns_of = |v: &Value| -> Option<Vec<String>> {
        v.as_sequence()?.iter().map(|c| c.as_str().map(str::to_string)).collect()
    };
    match value {
        Value::Sequence(_) => match columns_of(value) {
            Some(columns) if !columns.is_empty() => Ok(PrimaryKey::new(naming::primary_key(table), columns)),
            _ => Err(format!("the primary key of \"{table}\" must list at least one column name")),
        },
        Value::Mapping(map) => {
            let name = map
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| naming::primary_key(table));
            let columns = map.get("columns").and_then(columns_of).filter(|c| !c.is_empty());
            let known = |k: Option<&str>| {
                matches!(k, Some("name" | "columns" | "comment" | "deferrable" | "initially_deferred"))
            };
            if map.keys().any(|k| !known(k.as_str())) {
                return Err(
                    "a primary key mapping takes only `name`, `columns`, `deferrable`, `initially_deferred` and `comment`"
                        .into(),
                );
            }
            let flag = |key: &str| match map.get(key) {
                None => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(_) => Err(format!("a primary key's `{key}` must be true or false")),
            };
            let initially_deferred = flag("initially_deferred")?;
            let deferrable = flag("deferrable")? || initially_deferred;
            let comment = match map.get("comment") {
                None => None,
                Some(Value::String(text)) => Some(text.clone()),
                Some(_) => return Err("a primary key's `comment` must be text".into()),
            };
            columns
                .map(|columns| PrimaryKey { comment, deferrable, initially_deferred, ..PrimaryKey::new(name, columns) })
                .ok_or_else(|| format!("the primary key of \"{table}\" needs `columns: [...]`"))
        }
        _ => Err("`primary_key` must be a list of columns, e.g. [id]".into()),
    }
}

pub(super) fn parse_index_part(value: &Value) -> Result<IndexPart, String> {
    match value {
        Value::String(text) => {
            let trimmed = text.trim();
            let lower = trimmed.to_ascii_lowercase();
            let (name, descending) = if let Some(name) = lower.strip_suffix(" desc") {
                (&trimmed[..name.len()], true)
            } else if let Some(name) = lower.strip_suffix(" asc") {
                (&trimmed[..name.len()], false)
            } else {
                (trimmed, false)
            };
            let name = name.trim_end();
            // `name(20)`: a MySQL prefix index on the first 20 characters.
            let prefix = name.strip_suffix(')').and_then(|n| n.rsplit_once('(')).and_then(|(column, length)| {
                length.parse::<u32>().ok().filter(|l| *l > 0).map(|l| (column.trim_end(), l))
            });
            let (name, length) = match prefix {
                Some((column, length)) if !column.is_empty() => (column, Some(length)),
                _ => (name, None),
            };
            Ok(IndexPart { descending, length, ..IndexPart::new(IndexKey::Column(name.to_string())) })
        }
        Value::Mapping(_) => {
            let raw: RawIndexExpr =
                serde_yaml::from_value(value.clone()).map_err(|e| format!("invalid index item: {e}"))?;
            index_part(raw)
        }
        _ => Err("index columns must be column names or `{ expr: SQL }` items".into()),
    }
}

/// An index key written as a mapping (`{ column: a, order: desc }`).
pub(super) fn index_part(raw: RawIndexExpr) -> Result<IndexPart, String> {
    let descending = match raw.order.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None | Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(format!("index order \"{other}\" must be asc or desc")),
    };
    let key = match (raw.expr, raw.column) {
        (Some(expr), None) => IndexKey::Expr(Expr::new(expr)),
        (None, Some(column)) => IndexKey::Column(column),
        _ => return Err("an index item mapping needs exactly one of `column` or `expr`".into()),
    };
    let nulls_first = match raw.nulls.as_deref().map(str::to_ascii_lowercase).as_deref() {
        None => None,
        Some("first") => Some(true),
        Some("last") => Some(false),
        Some(other) => return Err(format!("index nulls \"{other}\" must be first or last")),
    };
    // The default for the direction is no setting at all.
    let nulls_first = nulls_first.filter(|first| *first != descending);
    for (what, name) in [("collation", &raw.collation), ("operator class", &raw.opclass)] {
        if let Some(name) = name
            && !is_object_name(name)
        {
            return Err(format!("invalid {what} name \"{name}\""));
        }
    }
    if raw.length == Some(0) || (raw.length.is_some() && !matches!(key, IndexKey::Column(_))) {
        return Err("an index `length` is a number of characters (1 or more) of a column".into());
    }
    Ok(IndexPart { key, descending, nulls_first, collation: raw.collation, opclass: raw.opclass, length: raw.length })
}

/// An operator of an exclusion constraint: symbols (`=`, `&&`, `<->`), or
/// `OPERATOR(schema.op)`. It is pasted into SQL as written.
pub(super) fn is_operator(text: &str) -> bool {
    let symbols = |s: &str| !s.is_empty() && s.chars().all(|c| "+-*/<>=~!@#%^&|`?".contains(c));
    if let Some(inner) = text.strip_prefix("OPERATOR(").and_then(|t| t.strip_suffix(')')) {
        let (schema, op) = inner.rsplit_once('.').unwrap_or(("", inner));
        return schema.chars().all(|c| c.is_alphanumeric() || c == '_') && symbols(op);
    }
    symbols(text)
}

/// A name of a database object that is pasted into SQL quoted: a
/// collation, an operator class, a tablespace, possibly schema-qualified.
pub(super) fn is_object_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'))
}

/// A storage parameter's value (`70`, `off`, `true`) as text.
pub(super) fn parse_parameter(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-')) => {
            Some(s.clone())
        }
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `users.id` → (users, id); `users` → (users, primary key). A dotted name
/// that is itself a table (a schema-qualified one) references its key.
pub(super) fn split_reference(reference: &str, schema: &Schema) -> (String, Option<String>) {
    if schema.tables.contains_key(reference) {
        return (reference.to_string(), None);
    }
    match reference.rsplit_once('.') {
        Some((table, column)) => (table.to_string(), Some(column.to_string())),
        None => (reference.to_string(), None),
    }
}

pub(super) fn is_unique_key(table: &Table, columns: &[String]) -> bool {
    let same = |other: &[String]| {
        let mut a = other.to_vec();
        let mut b = columns.to_vec();
        a.sort();
        b.sort();
        a == b
    };
    table.primary_key.as_ref().is_some_and(|pk| same(&pk.columns))
        || table.uniques.values().any(|u| same(&u.columns))
        || table.indexes.values().any(|i| {
            i.unique
                && i.predicate.is_none()
                && i.parts.len() == columns.len()
                && same(&i.columns().map(String::from).collect::<Vec<_>>())
        })
}
