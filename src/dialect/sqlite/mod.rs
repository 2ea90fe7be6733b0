//! SQLite, compiled in (rusqlite's bundled build): no system library.
//!
//! - `connection.rs`: URLs and opening the file (created on first apply);
//! - `inspect.rs` and `ddl.rs`: reading the catalog and the stored CREATE text;
//! - `normalize.rs`: what of a schema file SQLite can store;
//! - `plan.rs`: ALTER where SQLite can, table rebuilds where it can't;
//! - `data_checks.rs`: the data checks' row names and their time limit;
//! - `execute.rs`: one `BEGIN IMMEDIATE` transaction with foreign keys off.

mod connection;
mod data_checks;
mod ddl;
mod execute;
mod inspect;
mod normalize;
mod objects;
mod plan;

#[cfg(feature = "fuzzing")]
pub(crate) use ddl::{parse_create_index, parse_create_table};

use super::{Connection, Dialect};
use crate::diff::{Diff, DiffHooks};
use crate::error::Result;
use crate::file::Finding;
use crate::model::Schema;
use crate::plan::{PlanCheck, Step};
use crate::scope::Scope;

/// The SQLite dialect.
pub(crate) struct Sqlite;

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
        Ok(Box::new(connection::SqliteConnection::open(url, scope)?))
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

    fn preflight(&self) -> &dyn crate::preflight::PreflightSql {
        self
    }

    /// Every apply holds SQLite's one write lock; what differs is whether
    /// a change rebuilds its table (copying every row) or builds an index.
    fn hazards(
        &self,
        step: &Step,
        change: &crate::diff::Change,
        current: &Schema,
        _renamed: &[(String, String)],
    ) -> Vec<crate::plan::Hazard> {
        use crate::plan::{Hazard, Operation};
        let mut found = Vec::new();
        if step.operations.iter().any(|o| matches!(o, Operation::CopyRows { .. })) {
            found.push(Hazard::CopiesTable);
        }
        if let crate::diff::Change::CreateIndex { table, .. } = change
            && current.tables.contains_key(table)
        {
            found.push(Hazard::BuildsIndex);
        }
        if change.destructive().is_some() {
            found.push(Hazard::DeletesData);
        }
        found
    }
}

/// SQLite needs none of the differ's special cases: what it cannot alter in
/// place, the planner rebuilds.
impl DiffHooks for Sqlite {}
