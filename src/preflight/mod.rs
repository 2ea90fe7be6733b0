//! Pre-flight data checks: for every change of a plan that can fail (or
//! lose meaning) on the rows a table already has, one query that counts the
//! rows that would break it, with a few of their keys as examples. `plan`
//! shows them; `apply` runs them under its lock, before its first
//! statement, and refuses when one fails.
//!
//! - `report.rs`: what a check is and what running it found, as shown;
//! - `dialect.rs`: what a dialect supplies (its spelling, a query runner),
//!   implemented by each dialect's `preflight.rs`;
//! - `build.rs`: the checks a plan's changes need;
//! - `run.rs`: running them, each within its time.

mod build;
mod dialect;
mod report;
mod run;

pub(crate) use build::build;
pub(crate) use dialect::{Conversion, PreflightSql, QueryFailure, QueryRunner};
pub use report::{DataCheck, DataCheckKind, DataCheckReport, DataCheckStatus};
pub(crate) use run::run;
