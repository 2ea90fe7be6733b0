//! The database dialects, one folder each, behind two small traits:
//!
//! - [`Dialect`]: what a database family is without a connection: its
//!   names and URL schemes, the differ's rules for it ([`DiffHooks`]), how
//!   a schema file is adapted to what it can store, and its planner.
//! - [`Connection`]: a live database: inspect it, normalise a desired
//!   schema through it, apply a plan to it.
//!
//! A folder (`sqlite/`, `postgres/`) holds the connection and URL handling,
//! inspector, normaliser, planner and executor of one dialect; adding a
//! dialect is adding a folder, its `mod` line and its entry in
//! [`DIALECTS`]. What every
//! executor shares (re-planning under the lock, running the statements) is
//! in [`apply`]; URL helpers are in [`url`]. Nothing outside this folder
//! names a dialect.

mod apply;
pub(crate) mod data_checks;
mod mysql;
mod postgres;
mod sqlite;
mod url;

pub(crate) use apply::{ApplyRun, Phase};
pub(crate) use url::{redact, url_error};

use crate::apply::Applied;
use crate::diff::{Change, Diff, DiffHooks, diff};
use crate::error::{Error, Result};
use crate::file::Finding;
use crate::model::Schema;
use crate::plan::{Hazard, Plan, PlanCheck, Step};
use crate::preflight::DataCheckReport;
use crate::scope::Scope;
use data_checks::PreflightSql;

/// Every dialect dbshape knows, the embedded default first.
static DIALECTS: &[&dyn Dialect] = &[&sqlite::Sqlite, &postgres::Postgres, &mysql::MYSQL, &mysql::MARIADB];

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

/// The one place a URL picks its dialect.
pub(crate) fn for_url(url: &str) -> Result<&'static dyn Dialect> {
    let Some((scheme, _)) = url.split_once("://") else {
        return DIALECTS
            .iter()
            .copied()
            .find(|d| d.is_connection_string(url))
            .ok_or_else(|| url_error(url, "expected SCHEME://..., e.g. sqlite:///app.db"));
    };
    let family = scheme.split('+').next().unwrap_or_default().to_ascii_lowercase();
    DIALECTS.iter().copied().find(|d| d.schemes().contains(&family.as_str())).ok_or_else(|| {
        let names: Vec<&str> = DIALECTS.iter().map(|d| d.name()).collect();
        url_error(url, &format!("unsupported database \"{scheme}\" (supported: {})", names.join(", ")))
    })
}

/// The dialect with this name or alias.
pub(crate) fn named(name: &str) -> Result<&'static dyn Dialect> {
    let name = name.to_ascii_lowercase();
    DIALECTS.iter().copied().find(|d| d.name() == name || d.aliases().contains(&name.as_str())).ok_or_else(|| {
        Error::Unsupported(format!("unknown dialect \"{name}\" (known: {})", names().collect::<Vec<_>>().join(", ")))
    })
}

/// Every dialect's name and aliases, the embedded default first.
pub(crate) fn all() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    DIALECTS.iter().map(|d| (d.name(), d.aliases()))
}

fn names() -> impl Iterator<Item = &'static str> {
    DIALECTS.iter().map(|d| d.name())
}

/// Example URLs of every dialect, for hints: `a, b or c`.
fn example_urls() -> String {
    let examples: Vec<&str> = DIALECTS.iter().map(|d| d.example_urls()).collect();
    match examples.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => examples.concat(),
    }
}

/// For `fuzz/`: SQLite's CREATE-text parsers on arbitrary text.
#[cfg(feature = "fuzzing")]
pub(crate) fn parse_sqlite_ddl(text: &str) {
    let _ = sqlite::parse_create_table(text);
    let _ = sqlite::parse_create_index(text);
}

/// Compares `current` with `desired` (both in `dialect`'s terms) and plans
/// the changes.
pub(crate) fn build_plan(dialect: &'static dyn Dialect, current: Schema, desired: Schema) -> Result<Plan> {
    build_plan_online(dialect, current, desired, false)
}

/// [`build_plan`], `online` or not.
pub(crate) fn build_plan_online(
    dialect: &'static dyn Dialect,
    current: Schema,
    desired: Schema,
    online: bool,
) -> Result<Plan> {
    let diff = diff(&current, &desired, dialect.hooks());
    let (steps, checks) = dialect.plan(&diff, &desired, online)?;
    let renamed: Vec<(String, String)> = steps
        .iter()
        .flat_map(|s| &s.changes)
        .filter_map(|c| match c {
            Change::RenameTable { from, to } => Some((from.clone(), to.clone())),
            _ => None,
        })
        .collect();
    let hazards = steps
        .iter()
        .flat_map(|step| step.changes.iter().map(move |change| (step, change)))
        .map(|(step, change)| dialect.hazards(step, change, &current, &renamed))
        .collect();
    let mut plan = Plan::new(dialect.name(), steps, checks, current, desired);
    plan.set_hazards(hazards);
    plan.set_online(online);
    plan.set_transactional(dialect.transactional_ddl());
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_dialect() {
        let name = |url: &str| for_url(url).map(|d| d.name());
        assert_eq!(name("sqlite:///app.db").unwrap(), "sqlite");
        assert_eq!(name("sqlite+pysqlite:///x.db").unwrap(), "sqlite");
        assert_eq!(name("postgresql+psycopg2://u@h/db").unwrap(), "postgresql");
        assert_eq!(name("POSTGRES://u@h/db").unwrap(), "postgresql");
        assert_eq!(name("host=db dbname=app").unwrap(), "postgresql");
        assert!(name("app.db").is_err());
        assert!(name("mssql://x").is_err());
        let error = for_url("oracle://bob:s3cret@db/app").err().unwrap().to_string();
        assert!(
            error.contains("unsupported database \"oracle\" (supported: sqlite, postgresql, mysql, mariadb)"),
            "{error}"
        );
        assert_eq!(name("mysql+pymysql://u@h/db").unwrap(), "mysql");
        assert_eq!(name("mariadb+mariadbconnector://u@h/db").unwrap(), "mariadb");
        assert!(!error.contains("s3cret"), "{error}");
    }

    #[test]
    fn names_and_aliases() {
        assert_eq!(named("postgres").unwrap().name(), "postgresql");
        assert_eq!(named("SQLite").unwrap().name(), "sqlite");
        assert!(named("oracle").is_err());
    }

    #[test]
    fn url_hint_lists_every_dialect() {
        assert_eq!(
            url_error("x", "y").hint().unwrap(),
            "expected e.g. sqlite:///app.db (relative), sqlite:////abs/path.db, sqlite:// (in memory), \
             postgresql://user@host/db, mysql://user@host/db or mariadb://user@host/db"
        );
    }
}
