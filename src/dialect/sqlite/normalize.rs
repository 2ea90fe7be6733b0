//! What of a schema file SQLite can store, so that comparing the file with
//! an inspected database is exact: SQLite keeps no comments, an
//! AUTOINCREMENT key is always declared INTEGER, and PostgreSQL-only
//! options (deferrable keys, index methods, INCLUDE, NULLS order) have no
//! SQLite form. Enums and generated columns are refused rather than
//! dropped.

use crate::error::{Error, Result};
use crate::model::{Schema, SqlType};
use std::collections::HashMap;

pub(super) fn adapt(mut schema: Schema) -> Result<Schema> {
    if let Some(name) = schema.enums.keys().next() {
        return Err(Error::Unsupported(format!(
            "enum \"{name}\": enum types exist on PostgreSQL only; on SQLite use text with a check"
        )));
    }
    // Extensions are a PostgreSQL notion; SQLite has nothing to install.
    schema.extensions.clear();
    for table in schema.tables.values_mut() {
        if table.columns.is_empty() {
            return Err(Error::Unsupported(format!(
                "table \"{}\" has no columns, which SQLite does not allow",
                table.name
            )));
        }
        table.comment = None;
        for column in table.columns.values_mut() {
            if column.generated.is_some() {
                return Err(Error::Unsupported(format!(
                    "column \"{}.{}\" is a generated column, which dbshape supports on PostgreSQL only",
                    table.name, column.name
                )));
            }
            column.comment = None;
            column.identity_always = false;
            if column.autoincrement {
                column.sql_type = SqlType::Integer;
            }
        }
        for fk in table.foreign_keys.values_mut() {
            fk.deferrable = false;
            fk.initially_deferred = false;
        }
        let nulls_not_distinct = table.uniques.values().find(|u| u.nulls_not_distinct).map(|u| &u.name);
        if let Some(name) =
            nulls_not_distinct.or(table.indexes.values().find(|i| i.nulls_not_distinct).map(|i| &i.name))
        {
            return Err(Error::Unsupported(format!(
                "\"{name}\" of table \"{}\" counts NULLs as equal (NULLS NOT DISTINCT), which SQLite cannot do",
                table.name
            )));
        }
        if let Some(pk) = &mut table.primary_key {
            pk.comment = None;
        }
        table.uniques.values_mut().for_each(|u| u.comment = None);
        table.checks.values_mut().for_each(|c| c.comment = None);
        table.foreign_keys.values_mut().for_each(|fk| fk.comment = None);
        for index in table.indexes.values_mut() {
            index.comment = None;
            index.method = None;
            index.include.clear();
            index.with.clear();
            index.tablespace = None;
            for part in &mut index.parts {
                part.nulls_first = None;
                part.opclass = None;
            }
        }
    }
    Ok(schema)
}

/// SQLite compares names ignoring ASCII case: a table or column the file
/// spells otherwise than the database (`users`, `USERS`) is the same one,
/// renamed to the file's spelling. So is the old name a `renamed_from`
/// hint gives.
pub(super) fn match_case(mut desired: Schema, current: &Schema) -> Schema {
    let live_tables = by_folded_name(current.tables.keys());
    for table in desired.tables.values_mut() {
        if let Some(live) = live_spelling(&table.name, table.renamed_from.as_deref(), &live_tables) {
            table.renamed_from = Some(live);
        }
        let live_name = table.renamed_from.as_deref().unwrap_or(&table.name);
        let Some(live_table) = current.tables.get(live_name) else {
            continue;
        };
        let live_columns = by_folded_name(live_table.columns.keys());
        for column in table.columns.values_mut() {
            if let Some(live) = live_spelling(&column.name, column.renamed_from.as_deref(), &live_columns) {
                column.renamed_from = Some(live);
            }
        }
    }
    desired
}

fn by_folded_name<'a>(names: impl Iterator<Item = &'a String>) -> HashMap<String, &'a String> {
    names.map(|name| (name.to_ascii_lowercase(), name)).collect()
}

/// The database's spelling of `name` (or of the name it is renamed from),
/// when the database has it only in another case.
fn live_spelling(name: &str, renamed_from: Option<&str>, live: &HashMap<String, &String>) -> Option<String> {
    let exact = |n: &str| live.get(&n.to_ascii_lowercase()).is_some_and(|l| *l == n);
    if exact(name) || renamed_from.is_some_and(exact) {
        return None;
    }
    let wanted = renamed_from.unwrap_or(name);
    live.get(&wanted.to_ascii_lowercase()).map(|l| l.to_string())
}
