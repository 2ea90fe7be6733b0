//! dbshape: declarative schema migrations. A schema file (`schema.yaml`)
//! is the truth; the database is inspected, compared with it and made to
//! match, with no revision files.
//!
//! The same engine runs the `dbshape` command line and applications that
//! migrate themselves at start-up:
//!
//! ```no_run
//! let schema = dbshape::Schema::from_path("schema.yaml")?;      // or Schema::from_yaml_str(&str)
//! let mut db = dbshape::Migrator::connect("sqlite:///app.db")?;  // any URL the CLI accepts
//! let plan = db.plan(&schema)?;                                  // is_empty(), changes(), statements(), destructive()
//! db.apply(&plan, &dbshape::ApplyOptions::default())?;          // refuses destructive plans unless allowed
//! let live: dbshape::Schema = db.inspect()?;                     // the database as a schema
//! println!("{}", live.to_yaml_string());
//! # Ok::<(), dbshape::Error>(())
//! ```
//!
//! # How it is built
//!
//! - [`model`]: the dialect-neutral schema (tables, columns, keys, types);
//! - `file/`: schema.yaml, read into the model and written from it;
//!   `schema.rs`: [`Schema`], a loaded file and where it came from;
//! - `diff/`: compares two models into typed [`Change`]s, with a few
//!   per-dialect rules coming through hooks;
//! - `dialect/`: one folder per database (SQLite, PostgreSQL, MySQL and
//!   MariaDB), each built in the same layers from its session up to its
//!   executor, behind the `Dialect` and `Connection` traits;
//! - `plan/`: a [`Plan`] of typed steps; `preflight/`: the data checks a
//!   plan runs on the live rows ([`DataCheckReport`]);
//! - `migrator.rs`: [`Migrator`] runs the sequence (connect, read,
//!   normalise, plan, apply); [`Schema`], [`Scope`] (`scope.rs`) and
//!   [`ApplyOptions`] (`apply.rs`) are what it takes;
//! - `error.rs`: [`Error`], with [`Refusal`] for each reason dbshape
//!   refuses to go on; `sql/`: quoting and a small SQL lexer;
//!   `suggest.rs`: "did you mean" hints; `fuzzing.rs`: entry points for
//!   the fuzz targets.
//!
//! The command line (`src/main.rs`, `src/cli/`) is a separate, thin
//! binary on top of this library.

#![warn(missing_docs)]

mod apply;
mod dialect;
mod diff;
mod error;
mod file;
mod migrator;
pub mod model;
mod plan;
mod preflight;
mod schema;
mod scope;
mod sql;
mod suggest;

#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

pub use apply::{Applied, ApplyOptions, RowsCopied, StatementDone};
pub use diff::{Change, CommentOn};
pub use error::{Consent, DatabaseError, Error, Refusal, Result, SchemaProblem};
pub use migrator::{Migrator, dialects, is_database_url};
pub use plan::{Hazard, JSON_FORMAT_VERSION, Operation, Plan, PlanCheck, SavedPlan, Step, fingerprint};
pub use preflight::{DataCheck, DataCheckKind, DataCheckReport, DataCheckStatus};
pub use schema::Schema;
pub use scope::Scope;

/// A unified diff of two texts (`context` lines around each change), in
/// about linear time on any input: what `check` and `fmt --check` show.
pub fn unified_diff(from: &str, to: &str, labels: (&str, &str), context: usize) -> String {
    file::unified_diff(from, to, labels, context)
}

/// The JSON Schema (draft-07) of the schema.yaml format, for editors
/// (`# yaml-language-server: $schema=...`).
pub fn json_schema() -> serde_json::Value {
    file::json_schema()
}
