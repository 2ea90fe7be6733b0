//! The two traits a dialect implements: [`Dialect`], what a database
//! family is without a connection, and [`Connection`], a live database of
//! it, with what an apply hands its connection ([`ApplyRun`], whose
//! shared steps are in `apply_run.rs`). They name each other, so they live
//! together.

use crate::apply::{Applied, ApplyOptions};
use crate::diff::{Change, Diff, DiffHooks};
use crate::error::Result;
use crate::file::Finding;
use crate::model::Schema;
use crate::plan::{Hazard, Plan, PlanCheck, Step};
use crate::preflight::{DataCheckReport, PreflightSql};
use crate::scope::Scope;

/// A database family: everything that needs no connection.
pub(crate) trait Dialect: Sync {
    /// The name in plans and on the command line: `sqlite`.
    fn name(&self) -> &'static str;

    /// Other names accepted for it on the command line.
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }

    /// How people write the name: `SQLite`.
    fn title(&self) -> &'static str;

    /// URL schemes, as SQLAlchemy writes them before any `+driver`.
    fn schemes(&self) -> &'static [&'static str];

    /// Example URLs, for error hints.
    fn example_urls(&self) -> &'static str;

    /// Whether `text`, which has no `scheme://`, is one of this dialect's
    /// connection strings.
    fn is_connection_string(&self, _text: &str) -> bool {
        false
    }

    /// Opens `url` (one this dialect accepts). Opening never creates
    /// anything: a database that does not exist yet reads as empty where
    /// the dialect can create it on apply.
    fn connect(&self, url: &str, scope: &Scope) -> Result<Box<dyn Connection>>;

    /// The longest name, in bytes, the database keeps without cutting it.
    fn identifier_limit(&self) -> Option<usize> {
        None
    }

    /// Whether names that differ only in ASCII case are one name.
    fn folds_case(&self) -> bool {
        false
    }

    /// What of a schema file this dialect cannot store, each at the part
    /// of the file it concerns.
    fn check(&self, _schema: &Schema) -> Vec<Finding> {
        Vec::new()
    }

    /// The differ's rules for this dialect.
    fn hooks(&self) -> &dyn DiffHooks;

    /// A schema file's schema as this dialect stores it, as far as that is
    /// known without a database; refuses what the dialect cannot store.
    fn adapt(&self, schema: Schema) -> Result<Schema>;

    /// The steps that carry out `diff`, and the checks to run before
    /// committing them. `desired` is the schema the diff arrives at;
    /// `online`: plan what would block a busy table so that it doesn't.
    fn plan(&self, diff: &Diff, desired: &Schema, online: bool) -> Result<(Vec<Step>, Vec<PlanCheck>)>;

    /// Whether a plan runs in one transaction that a failure rolls back
    /// (MySQL commits each DDL statement on its own).
    fn transactional_ddl(&self) -> bool {
        true
    }

    /// How the pre-flight data checks are spelled here.
    fn preflight(&self) -> &dyn PreflightSql;

    /// What `change` (made by `step`) does to a busy table of `current`;
    /// `renamed` holds the (old, new) names of the tables the plan renames.
    fn hazards(&self, step: &Step, change: &Change, current: &Schema, renamed: &[(String, String)]) -> Vec<Hazard> {
        let _ = (step, current, renamed);
        if change.destructive().is_some() { vec![Hazard::DeletesData] } else { Vec::new() }
    }
}

/// A live database of one dialect.
pub(crate) trait Connection: Send {
    /// Its dialect.
    fn dialect(&self) -> &'static dyn Dialect;

    /// The database's URL, password hidden.
    fn url(&self) -> String;

    /// The database file the URL names, made absolute, when it does not
    /// exist yet (SQLite): reads see an empty database and an apply
    /// creates the file.
    fn missing_file(&self) -> Option<std::path::PathBuf> {
        None
    }

    /// Reads the live schema: what `within` (a desired schema) manages
    /// (on PostgreSQL the default schema and the schemas it names), or,
    /// without it, everything.
    fn inspect(&mut self, within: Option<&Schema>) -> Result<Schema>;

    /// Narrows a schema read without `within` to what `within` manages, as
    /// `inspect(Some(within))` would have read it.
    fn restrict(&self, everything: Schema, _within: &Schema) -> Schema {
        everything
    }

    /// Normalises an adapted desired schema so that comparing it with
    /// [`Connection::inspect`]'s result is exact (PostgreSQL spells it
    /// through the server). `current` is the live schema in the same scope:
    /// tables that already match it need no work.
    fn normalize(&mut self, desired: Schema, _current: &Schema) -> Result<Schema> {
        Ok(desired)
    }

    /// The live schema as a file should say it: where the server's printed
    /// form of an expression does not make that same expression again
    /// (PostgreSQL prints `status IN ('a')` on a varchar as a form that
    /// parses to another), the text that does, still comparing as stored.
    fn reproducible(&mut self, live: Schema) -> Result<Schema> {
        Ok(live)
    }

    /// Runs the pre-flight data checks of `plan` on the live rows, each
    /// within `timeout`, changing nothing.
    fn data_checks(&mut self, plan: &Plan, timeout: std::time::Duration) -> Result<Vec<DataCheckReport>>;

    /// Runs `plan` atomically: takes the lock, re-plans under it
    /// ([`ApplyRun::replan`]), runs the data checks
    /// ([`ApplyRun::data_checks`]), the statements and the plan's checks,
    /// commits.
    fn apply(&mut self, plan: &Plan, run: &ApplyRun) -> Result<Applied>;
}

/// One apply in progress: on which dialect, how it runs and what it manages.
pub(crate) struct ApplyRun<'a> {
    pub(crate) dialect: &'static dyn Dialect,
    pub(crate) options: &'a ApplyOptions,
    pub(crate) scope: &'a Scope,
}
