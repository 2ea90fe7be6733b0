//! Runs a plan on SQLite: foreign key enforcement off (set before the
//! transaction, where the pragma takes effect), `BEGIN IMMEDIATE` to hold
//! the write lock, a re-plan under that lock, every statement, a
//! `foreign_key_check` of the tables the plan touched, then COMMIT. Any
//! failure rolls the whole transaction back.

use super::{Applied, Event};
use crate::database::ApplyOptions;
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::{self, Plan};
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
    // Another apply may have committed between our plan and our lock.
    let mut current = crate::inspect::sqlite::inspect(&tx)?;
    current.exclude_tables(&options.exclude);
    let plan = plan::build(Dialect::Sqlite, &current, desired)?;
    if plan.is_empty() {
        return Ok(Applied { already_in_sync: true, elapsed: started.elapsed(), ..Applied::default() });
    }
    if plan != *expected {
        return Err(Error::Refused(
            "the database changed after the plan was made (another apply?); nothing was run: plan again".into(),
        ));
    }
    let statements: Vec<&str> = plan.statements().collect();
    let total = statements.len();
    for (i, sql) in statements.iter().enumerate() {
        let began = Instant::now();
        tx.execute_batch(sql).map_err(|e| Error::Statement {
            number: i + 1,
            total,
            sql: sql.to_string(),
            message: e.to_string(),
        })?;
        observer(&Event::Statement { number: i + 1, total, sql, elapsed: began.elapsed() });
    }
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
