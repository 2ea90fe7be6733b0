//! What of a schema file SQLite can store, so that comparing the file with
//! an inspected database is exact: SQLite keeps no comments, an
//! AUTOINCREMENT key is always declared INTEGER, and PostgreSQL-only
//! options (deferrable keys, index methods, INCLUDE, NULLS order) have no
//! SQLite form. Enums and generated columns are refused rather than
//! dropped.

use crate::error::{Error, Result};
use crate::model::{Schema, SqlType};

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
        for index in table.indexes.values_mut() {
            index.method = None;
            index.include.clear();
            for part in &mut index.parts {
                part.nulls_first = None;
            }
        }
    }
    Ok(schema)
}
