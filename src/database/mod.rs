//! A connection to a live database, behind one small trait so the CLI
//! doesn't care which dialect it talks to.

mod postgres;
mod postgres_config;
mod sqlite;

use crate::error::Result;
use crate::execute::{Applied, Event, RowsCopied};
use crate::model::Schema;
use crate::plan::Plan;
use crate::sql::Dialect;
use crate::url::DatabaseUrl;

pub use postgres::{PostgresDatabase, pg_error};
pub use sqlite::SqliteDatabase;
use std::time::Duration;

/// How an apply runs.
#[derive(Clone, Debug)]
pub struct ApplyOptions {
    /// How long a statement may wait for a lock another session holds
    /// (PostgreSQL `lock_timeout`; SQLite's busy timeout).
    pub lock_timeout: Duration,
    /// Glob patterns of tables left alone (`--exclude`).
    pub exclude: Vec<String>,
    /// Called while a SQLite rebuild copies rows, a few times a second once
    /// the copy has run for half a second (the CLI draws a progress line on
    /// a terminal). A plain function: SQLite calls it from inside a query.
    pub progress: Option<fn(&RowsCopied)>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions { lock_timeout: Duration::from_secs(5), exclude: Vec::new(), progress: None }
    }
}

pub trait Database {
    fn dialect(&self) -> Dialect;

    /// Reads the live schema. With `scope` (a schema file), only what that
    /// file manages: on PostgreSQL the default schema and the schemas the
    /// file names. Without, everything.
    fn inspect(&mut self, scope: Option<&Schema>) -> Result<Schema>;

    /// Narrows an unscoped [`Database::inspect`] to what `file` manages, as
    /// `inspect(Some(file))` would have read it (and scopes later applies).
    fn restrict(&mut self, everything: Schema, file: &Schema) -> Schema;

    /// Adapts a desired schema to what this database can store, so that
    /// comparing it with [`Database::inspect`]'s result is exact.
    /// `current` is the live schema in the same scope: tables that already
    /// match it need no further work.
    fn normalize(&mut self, desired: &Schema, current: &Schema) -> Result<Schema>;

    /// Runs `plan` in one transaction, re-planning under the lock first.
    fn apply(
        &mut self,
        plan: &Plan,
        desired: &Schema,
        options: &ApplyOptions,
        observer: &mut dyn FnMut(&Event),
    ) -> Result<Applied>;
}

/// How a connection will be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Inspect only: a missing SQLite file reads as empty and is not created.
    Read,
    /// Apply: a missing SQLite file is created.
    Write,
}

pub fn connect(url: &DatabaseUrl, access: Access) -> Result<Box<dyn Database>> {
    match url {
        DatabaseUrl::Sqlite(path) => Ok(Box::new(SqliteDatabase::open(path.as_deref(), access)?)),
        DatabaseUrl::Postgres(text) => Ok(Box::new(PostgresDatabase::open(text, &url.to_string())?)),
    }
}
