//! Executors: run a plan against a live database, atomically. One module
//! per dialect; the common contract is here.

pub mod postgres;
pub mod sqlite;

use crate::database::ApplyOptions;
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::{self, Plan};
use crate::sql::Dialect;
use std::time::{Duration, Instant};

/// Reported to the caller while a plan runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// A statement finished.
    Statement { number: usize, total: usize, sql: &'a str, elapsed: Duration },
}

/// How far a SQLite rebuild's row copy has got. `done` is sent once, after
/// the copy, if any progress was reported (so a drawn line can be cleared).
#[derive(Debug)]
pub struct RowsCopied<'a> {
    pub table: &'a str,
    pub copied: u64,
    pub total: u64,
    pub done: bool,
}

/// What an apply did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub statements: usize,
    pub elapsed: Duration,
    /// Set when, once the lock was held, the database turned out to match
    /// already (another apply got there first): nothing was run.
    pub already_in_sync: bool,
}

/// Re-plans once the lock is held, since another apply may have committed
/// between the plan a person confirmed and the lock. `None`: nothing to do
/// any more. A plan other than the confirmed one is refused.
pub(crate) fn replan_under_lock(
    dialect: Dialect,
    mut current: Schema,
    desired: &Schema,
    expected: &Plan,
    options: &ApplyOptions,
) -> Result<Option<Plan>> {
    current.exclude_tables(&options.exclude);
    let plan = plan::build(dialect, &current, desired)?;
    if plan.is_empty() {
        return Ok(None);
    }
    if plan != *expected {
        return Err(Error::Refused(
            "the database changed after the plan was made (another apply?); nothing was run: plan again".into(),
        ));
    }
    Ok(Some(plan))
}

/// Runs the plan's statements in order through `execute`, reporting each;
/// the first failure becomes an error naming the statement. Returns the
/// number of statements run.
pub(crate) fn run_statements(
    plan: &Plan,
    observer: &mut dyn FnMut(&Event),
    mut execute: impl FnMut(&str) -> std::result::Result<(), String>,
) -> Result<usize> {
    let statements: Vec<&str> = plan.statements().collect();
    let total = statements.len();
    for (i, sql) in statements.iter().enumerate() {
        let began = Instant::now();
        execute(sql).map_err(|message| Error::Statement { number: i + 1, total, sql: sql.to_string(), message })?;
        observer(&Event::Statement { number: i + 1, total, sql, elapsed: began.elapsed() });
    }
    Ok(total)
}
