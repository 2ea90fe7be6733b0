//! PostgreSQL's type knowledge, in one place: how a type is spelled in SQL
//! and read back from the server's spelling (`format_type`), what makes a
//! column a serial one, and what a column's type change needs (an explicit
//! `USING` cast, a rewrite of the table). Whether a change keeps every
//! value is the model's ([`SqlType::widens_to`]), the same on every
//! dialect.

use crate::model::{Column, Sequence, SqlType, naming};

/// The type as PostgreSQL spells it.
pub(super) fn type_sql(sql_type: &SqlType) -> String {
    match sql_type {
        SqlType::Blob => "bytea".into(),
        SqlType::Array(element) => format!("{}[]", type_sql(element)),
        other => other.to_string(),
    }
}

/// A type as the server spells it (`format_type`), in the model; what the
/// model has no name for is kept as the server wrote it.
pub(super) fn read(text: &str) -> SqlType {
    SqlType::parse(text).unwrap_or_else(|_| SqlType::Other(text.to_string()))
}

/// The integer type behind a serial type (`serial` → `integer`).
pub(super) fn serial_base(sql_type: &SqlType) -> Option<SqlType> {
    let base = sql_type.without_serial();
    (base != *sql_type).then_some(base)
}

/// Whether `sequence` is exactly what `serial` makes for column `column`
/// (of type `column_type`, the integer type) of table `table`: the
/// conventional name in the table's schema, the column's type, default
/// options, no comment. Who owns it and whether the default reads it is
/// for the caller to say.
pub(super) fn is_serial_sequence(sequence: &Sequence, table: &str, column: &str, column_type: &SqlType) -> bool {
    column_type.serial().is_some()
        && sequence.name == naming::serial_sequence_in_schema(table, column)
        && sequence.sql_type == *column_type
        && sequence.options.is_default()
        && sequence.comment.is_none()
}

/// Whether PostgreSQL needs an explicit `USING col::type` for a change of
/// type:
/// it has no implicit cast between different type families.
pub(super) fn needs_using(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    let family = |t: &SqlType| match t {
        SmallInt | Integer | BigInt | Real | Double | Numeric { .. } => 1,
        Varchar(_) | Char(_) | Text => 2,
        Timestamp | TimestampTz | Date => 3,
        Json | Jsonb => 4,
        _ => 0,
    };
    family(from) == 0 || family(from) != family(to)
}

/// The cast `USING` makes of `column` (its SQL) for a change of type from
/// `from` to `to` where the assignment cast will not do; `None` where it
/// will. An enum casts to no other enum (nor to a domain or an array of
/// them): it goes through text, which every type reads. `enums` are the
/// enum types of the schema the column is in now.
pub(super) fn using_cast(
    column: &str,
    from: &SqlType,
    to: &SqlType,
    enums: &indexmap::IndexMap<String, Vec<String>>,
) -> Option<String> {
    if !needs_using(from, to) {
        return None;
    }
    let target = type_sql(to);
    let is_enum = |t: &SqlType| matches!(t, SqlType::Other(name) if enums.contains_key(name));
    Some(match (from, to) {
        (from, SqlType::Other(_)) if is_enum(from) => format!("{column}::text::{target}"),
        (SqlType::Array(from), SqlType::Array(to)) if is_enum(from) && matches!(**to, SqlType::Other(_)) => {
            format!("{column}::text[]::{target}")
        }
        _ => format!("{column}::{target}"),
    })
}

/// Whether a type (or collation) change rewrites the table: all do but
/// the binary-coercible ones PostgreSQL skips (a longer `varchar`,
/// `varchar` to `text`, more numeric precision at the same scale).
pub(super) fn rewrites(from: &Column, to: &Column) -> bool {
    use SqlType::*;
    if to.using.is_some() {
        return true;
    }
    if from.sql_type == to.sql_type {
        // Only the collation changes: indexes are rebuilt, rows are kept,
        // for a deterministic collation; say the worst.
        return true;
    }
    !matches!(
        (&from.sql_type, &to.sql_type),
        (Varchar(Some(_)), Varchar(None) | Text) | (Varchar(None), Text) | (Text, Varchar(None))
    ) && !matches!((&from.sql_type, &to.sql_type), (Varchar(Some(a)), Varchar(Some(b))) if a <= b)
        && !matches!(
            (&from.sql_type, &to.sql_type),
            (Numeric { precision: Some(p1), scale: s1 }, Numeric { precision: p2, scale: s2 })
                if s1 == s2 && p2.is_none_or(|p2| p2 >= *p1)
        )
}
