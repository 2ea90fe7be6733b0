//! SQLite through rusqlite (SQLite compiled in).

use super::{Access, ApplyOptions, Database};
use crate::error::{Error, Result};
use crate::execute::{Applied, Event};
use crate::model::Schema;
use crate::plan::Plan;
use crate::sql::Dialect;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

pub struct SqliteDatabase {
    conn: Connection,
}

impl SqliteDatabase {
    pub fn open(path: Option<&Path>, access: Access) -> Result<SqliteDatabase> {
        let connect_error =
            |what: &str, e: &dyn std::fmt::Display| Error::Connect { what: what.to_string(), message: e.to_string() };
        let conn = match path {
            // A file that doesn't exist yet reads as an empty database.
            Some(path) if access == Access::Read && !path.exists() => Connection::open_in_memory(),
            Some(path) => {
                let mut flags =
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
                if access == Access::Write {
                    flags |= OpenFlags::SQLITE_OPEN_CREATE;
                }
                Connection::open_with_flags(path, flags)
            }
            None => Connection::open_in_memory(),
        }
        .map_err(|e| connect_error("SQLite database", &e))?;
        let what = path.map_or("the in-memory database".to_string(), |p| format!("SQLite database {}", p.display()));
        // Wait for a concurrent writer rather than failing at once.
        conn.busy_timeout(Duration::from_secs(30)).map_err(|e| connect_error(&what, &e))?;
        // Reading the schema proves the file is a database at all.
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
            .map_err(|e| connect_error(&what, &e))?;
        Ok(SqliteDatabase { conn })
    }
}

impl Database for SqliteDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn inspect(&mut self, _scope: Option<&Schema>) -> Result<Schema> {
        crate::inspect::sqlite::inspect(&self.conn)
    }

    fn restrict(&mut self, everything: Schema, _file: &Schema) -> Schema {
        everything
    }

    fn normalize(&mut self, desired: &Schema, _current: &Schema) -> Result<Schema> {
        crate::plan::sqlite::normalize(desired)
    }

    fn apply(
        &mut self,
        plan: &Plan,
        desired: &Schema,
        options: &ApplyOptions,
        observer: &mut dyn FnMut(&Event),
    ) -> Result<Applied> {
        crate::execute::sqlite::apply(&mut self.conn, plan, desired, options, observer)
    }
}
