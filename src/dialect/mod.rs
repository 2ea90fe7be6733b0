//! The database dialects, one folder each (`sqlite/`, `postgres/`,
//! `mysql/`). A dialect implements four traits: `Dialect`, what a database
//! family is without a connection (its names and URL schemes, how a schema
//! file is adapted to what it can store, its planner, what its statements
//! do to a busy table), and `Connection`, a live database (inspect it,
//! normalise a desired schema through it, run the data checks, apply a
//! plan), both in `traits.rs`; the differ's rules, `DiffHooks`, and the
//! data checks' spelling, `PreflightSql`.
//!
//! Every folder is built in the same layers, each file importing only the
//! ones before it:
//!
//! 1. `session.rs` (the connection, server facts, quoting, the dialect's
//!    value) and `types.rs` (type spelling both ways, what a type change
//!    needs); PostgreSQL and MySQL put URLs and TLS in `config.rs` below;
//! 2. `inspect.rs`: the catalog read into the model;
//! 3. `diff.rs`: the `DiffHooks`;
//! 4. `ddl.rs`: the text of every statement;
//! 5. `normalize.rs`: what of a file the dialect stores, as it stores it;
//! 6. `plan.rs`: the changes in phases; `hazards.rs`: what they block;
//! 7. `preflight.rs`: the `PreflightSql` and the query runner;
//! 8. `execute.rs`: locks, re-plan under them, data checks, statements;
//! 9. `connection.rs` (the `Connection`) and `mod.rs` (the `Dialect`).
//!
//! A dialect may add files within a layer (SQLite's and MySQL's
//! `parse.rs` read the SQL text the server keeps; PostgreSQL's
//! `scratch.rs`, `probe.rs` and `reproduce.rs` spell the file through the
//! server). Adding a dialect is adding a folder, its `mod` line and its
//! entry in [`DIALECTS`].
//!
//! What every dialect shares lives here: `build_plan.rs` (diff, plan and
//! hazards in one call), `apply_run.rs` (re-planning under the apply's lock,
//! the data checks, running the statements), `url.rs` (passwords hidden in
//! URLs, the error for a bad one). Nothing outside this folder names a
//! dialect, and no dialect imports another.

mod apply_run;
mod build_plan;
mod mysql;
mod postgres;
mod sqlite;
mod traits;
mod url;

pub(crate) use apply_run::{Phase, mismatch, verifies_before_commit};
pub(crate) use build_plan::{build_plan, build_plan_online};
pub(crate) use traits::{ApplyRun, Connection, Dialect};
pub(crate) use url::redact;

use crate::error::{Error, Result};
use crate::scope::Scope;

/// Every dialect dbshape knows, the embedded default first.
static DIALECTS: &[&dyn Dialect] = &[&sqlite::Sqlite, &postgres::Postgres, &mysql::MYSQL, &mysql::MARIADB];

/// Connects to the database at `url`, through the dialect it names.
pub(crate) fn connect(url: &str, scope: &Scope) -> Result<Box<dyn Connection>> {
    for_url(url)?.connect(url, scope).map_err(with_examples)
}

/// The error for `url`, with every dialect's example URLs.
fn url_error(url: &str, message: &str) -> Error {
    with_examples(url::url_error(url, message))
}

/// A URL error a dialect made knows only that dialect: it gets the
/// example URLs of every dialect here.
fn with_examples(error: Error) -> Error {
    match error {
        Error::Url { url, message, examples } if examples.is_empty() => {
            Error::Url { url, message, examples: example_urls() }
        }
        other => other,
    }
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
