//! SQLite's type knowledge: the type a column is declared with, the
//! affinity a declared type gives (SQLite's documented rules), reading a
//! declared type back into the model, and which columns SQLite declares
//! `INTEGER` whatever the file writes (the rowid).

use crate::model::{Column, SqlType, Table};

/// The model's type of a column declared `declared`, and the declared
/// spelling when it is not the canonical one (`DATETIME` for `timestamp`;
/// a name that is no known type, as declared).
pub(super) fn read(declared: &str) -> (SqlType, Option<String>) {
    let sql_type = SqlType::parse(declared).unwrap_or_else(|_| SqlType::Other(declared.to_ascii_lowercase()));
    // A name no dialect knows that gets NUMERIC affinity is kept as
    // declared: the file says it with `declared_type:` (see the check).
    let spelled = match &sql_type {
        SqlType::Other(name) if needs_declaring(name) => {
            Some(declared.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        SqlType::Other(_) => None,
        known => known.other_spelling(declared),
    };
    (sql_type, spelled)
}

/// The declared type SQLite stores. The canonical name, upper-cased, gives
/// the intended affinity (INTEGER, TEXT for CHAR/TEXT, REAL for DOUBLE,
/// NUMERIC otherwise) and parses back to the same [`SqlType`].
pub(super) fn declared_type(sql_type: &SqlType) -> String {
    match sql_type {
        SqlType::Other(text) => text.clone(),
        other => other.to_string().to_ascii_uppercase(),
    }
}

/// Whether a type name no dialect knows must be asked for with
/// `declared_type:`: SQLite would give it NUMERIC affinity (`string`),
/// which is seldom what was meant. STRICT tables' `any` is SQLite's own.
pub(super) fn needs_declaring(name: &str) -> bool {
    affinity(name) == "numeric" && !name.eq_ignore_ascii_case("any")
}

/// SQLite's type affinity of a declared type (its documented rules, in order).
pub(super) fn affinity(declared: &str) -> &'static str {
    let upper = declared.to_ascii_uppercase();
    if upper.contains("INT") {
        "integer"
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|s| upper.contains(s)) {
        "text"
    } else if upper.contains("BLOB") || upper.is_empty() {
        "blob"
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|s| upper.contains(s)) {
        "real"
    } else {
        "numeric"
    }
}

/// The column of a one-column primary key.
pub(super) fn lone_key(table: &Table) -> Option<String> {
    table.primary_key.as_ref().filter(|pk| pk.columns.len() == 1).map(|pk| pk.columns[0].clone())
}

/// Whether SQLite must declare `column` `INTEGER` whatever the file
/// writes: an autoincrement column, or an integer lone key (the rowid).
pub(super) fn declared_integer(column: &Column, lone_key: Option<&str>) -> bool {
    column.autoincrement || (lone_key == Some(column.name.as_str()) && column.sql_type.is_integer())
}
