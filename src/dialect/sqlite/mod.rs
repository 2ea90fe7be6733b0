//! SQLite, compiled in (rusqlite's bundled build): no system library.
//!
//! Built in layers, each file importing only those above it in this list:
//!
//! - `session.rs`: URLs, opening the file (created on first apply), the
//!   dialect's value [`Sqlite`];
//! - `types.rs`: declared types, their affinity, the rowid's `INTEGER`;
//! - `parse.rs`: the CREATE text SQLite keeps, read back;
//! - `inspect.rs`: `sqlite_schema` and the pragmas, in a fixed number of
//!   queries;
//! - `diff.rs`: the differ's SQLite rules (none);
//! - `ddl.rs`: the text of every statement a plan runs;
//! - `normalize.rs`: what of a schema file SQLite can store, as it stores it;
//! - `plan.rs`: ALTER where SQLite can, table rebuilds where it can't;
//! - `hazards.rs`: which steps copy a table or build an index;
//! - `preflight.rs`: the data checks' row names and their time limit;
//! - `execute.rs`: one `BEGIN IMMEDIATE` transaction with foreign keys off;
//! - `connection.rs`: the `Connection` a session is; this file, the `Dialect`.

mod connection;
mod ddl;
mod diff;
mod execute;
mod hazards;
mod inspect;
mod normalize;
mod parse;
mod plan;
mod preflight;
mod session;
mod types;

#[cfg(feature = "fuzzing")]
pub(crate) use parse::{parse_create_index, parse_create_table};
pub(crate) use session::Sqlite;

use super::{Connection, Dialect};
use crate::diff::{Change, Diff, DiffHooks};
use crate::error::Result;
use crate::file::Finding;
use crate::model::Schema;
use crate::plan::{Hazard, PlanCheck, Step};
use crate::preflight::PreflightSql;
use crate::scope::Scope;
use session::Session;

impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn title(&self) -> &'static str {
        "SQLite"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["sqlite"]
    }

    fn example_urls(&self) -> &'static str {
        "sqlite:///app.db (relative), sqlite:////abs/path.db, sqlite:// (in memory)"
    }

    fn connect(&self, url: &str, scope: &Scope) -> Result<Box<dyn Connection>> {
        Ok(Box::new(Session::open(url, scope)?))
    }

    /// SQLite compares identifiers ignoring ASCII case: `users` is `USERS`.
    fn folds_case(&self) -> bool {
        true
    }

    fn hooks(&self) -> &dyn DiffHooks {
        self
    }

    fn check(&self, schema: &Schema) -> Vec<Finding> {
        let mut found = crate::file::index_names_in_the_database(schema);
        found.extend(crate::file::mysql_only(schema, self.title()));
        found.extend(crate::file::postgres_only(schema, self.title()));
        found.extend(normalize::check(schema));
        found
    }

    fn adapt(&self, schema: Schema) -> Result<Schema> {
        normalize::adapt(schema)
    }

    /// Online or not, an SQLite apply holds the database's one write lock.
    fn plan(&self, diff: &Diff, desired: &Schema, _online: bool) -> Result<(Vec<Step>, Vec<PlanCheck>)> {
        plan::plan(diff, desired)
    }

    fn preflight(&self) -> &dyn PreflightSql {
        self
    }

    /// Every apply holds SQLite's one write lock; what differs is whether
    /// a change rebuilds its table or builds an index.
    fn hazards(&self, step: &Step, change: &Change, current: &Schema, _renamed: &[(String, String)]) -> Vec<Hazard> {
        hazards::hazards(step, change, current)
    }
}
