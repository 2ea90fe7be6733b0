//! Runs a plan on SQLite: foreign key enforcement off (set before the
//! transaction, where the pragma takes effect), `BEGIN IMMEDIATE` to hold
//! the write lock, a re-plan under that lock, every statement, a
//! `foreign_key_check` of the tables the plan touched, then COMMIT. Any
//! failure rolls the whole transaction back.

use super::{Applied, Event, replan_under_lock, run_statements};
use crate::database::ApplyOptions;
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::Plan;
use crate::sql::Dialect;
use rusqlite::{Connection, TransactionBehavior};
use std::time::Instant;

pub fn apply(
    conn: &mut Connection,
    expected: &Plan,
    desired: &Schema,
    // SQLite has no lock_timeout; waiting for the write lock is governed by
    // the connection's busy timeout.
    options: &ApplyOptions,
    observer: &mut dyn FnMut(&Event),
) -> Result<Applied> {
    let enforcing: bool = conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    let result = run(conn, expected, desired, options, observer);
    if enforcing {
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
    }
    result
}

fn run(
    conn: &mut Connection,
    expected: &Plan,
    desired: &Schema,
    options: &ApplyOptions,
    observer: &mut dyn FnMut(&Event),
) -> Result<Applied> {
    let started = Instant::now();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| Error::Refused(format!("cannot lock the database for writing: {e}")))?;
    let current = crate::inspect::sqlite::inspect(&tx)?;
    let Some(plan) = replan_under_lock(Dialect::Sqlite, current, desired, expected, options)? else {
        return Ok(Applied { already_in_sync: true, elapsed: started.elapsed(), ..Applied::default() });
    };
    // One statement per call: a plan's statement can never smuggle in another.
    let total = run_statements(&plan, observer, |sql| tx.execute(sql, []).map(drop).map_err(|e| e.to_string()))?;
    for table in &plan.foreign_key_checks {
        let mut check = tx.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(?1) LIMIT 5")?;
        let violations: Vec<(String, Option<i64>, String)> =
            check.query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<_, _>>()?;
        if let Some((child, rowid, parent)) = violations.first() {
            return Err(Error::RolledBack(format!(
                "foreign key check failed: row {} of table \"{child}\" has no matching row in \"{parent}\"",
                rowid.map_or("?".into(), |r| r.to_string())
            )));
        }
    }
    tx.commit().map_err(|e| Error::RolledBack(format!("commit failed: {e}")))?;
    Ok(Applied { statements: total, elapsed: started.elapsed(), already_in_sync: false })
}
