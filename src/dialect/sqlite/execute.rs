//! Runs a plan on SQLite: foreign key enforcement off (set before the
//! transaction, where the pragma takes effect), `BEGIN IMMEDIATE` to hold
//! the write lock, a re-plan under that lock, every statement, the plan's
//! foreign key checks, then COMMIT. Any failure rolls the whole
//! transaction back.

use super::inspect;
use super::preflight::Runner;
use crate::apply::{Applied, CopyObserver, RowsCopied};
use crate::dialect::ApplyRun;
use crate::error::{DatabaseError, Error, Result};
use crate::plan::{Operation, Plan, PlanCheck};
use crate::sql::quote_ident;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, TransactionBehavior};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// SQLite has no lock_timeout: waiting for the write lock is governed by the
// connection's busy timeout.
pub(super) fn apply(conn: &mut Connection, expected: &Plan, run: &ApplyRun) -> Result<Applied> {
    let failed = |doing: &str| {
        let doing = doing.to_string();
        move |e| Error::Database { doing, cause: DatabaseError::from_driver(e) }
    };
    let enforcing: bool =
        conn.query_row("PRAGMA foreign_keys", [], |row| row.get(0)).map_err(failed("read the foreign_keys pragma"))?;
    conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(failed("turn foreign key enforcement off"))?;
    let result = run_in_transaction(conn, expected, run);
    if enforcing {
        conn.execute_batch("PRAGMA foreign_keys = ON").map_err(failed("turn foreign key enforcement back on"))?;
    }
    result
}

fn run_in_transaction(conn: &mut Connection, expected: &Plan, run: &ApplyRun) -> Result<Applied> {
    let started = Instant::now();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| Error::Database {
        doing: "lock the database for writing".into(),
        cause: DatabaseError::from_driver(e),
    })?;
    let current = inspect::inspect(&tx)?;
    let Some(plan) = run.replan(current, expected)? else {
        return Ok(Applied { already_in_sync: true, elapsed: started.elapsed(), ..Applied::default() });
    };
    run.data_checks(&plan, &mut Runner { conn: &tx })?;
    // One statement per call: a plan's statement can never smuggle in another.
    let total = run.run_operations(&plan, crate::dialect::Phase::Transaction, |operation| {
        match (operation, &run.options.on_rows_copied) {
            (Operation::CopyRows { source, sql, .. }, Some(observer)) => {
                copy_with_progress(&tx, sql, source, observer.clone(), QUIET_FOR)
            }
            (operation, _) => tx.execute(operation.sql(), []).map(drop),
        }
        .map_err(DatabaseError::from_driver)
    })?;
    for check in plan.checks() {
        match check {
            PlanCheck::ForeignKeys { table } => check_foreign_keys(&tx, table)?,
        }
    }
    if run.verifies_before_commit(&plan) {
        run.verify(inspect::inspect(&tx)?, &plan)?;
    }
    tx.commit()
        .map_err(|e| Error::RolledBack { what: "commit failed".into(), cause: Some(DatabaseError::from_driver(e)) })?;
    Ok(Applied { statements: total, elapsed: started.elapsed(), already_in_sync: false })
}

/// Fails (rolling the apply back) if a row of `table` lacks a parent row.
fn check_foreign_keys(conn: &Connection, table: &str) -> Result<()> {
    let failed = |e| Error::RolledBack {
        what: format!("cannot check the foreign keys of \"{table}\""),
        cause: Some(DatabaseError::from_driver(e)),
    };
    let mut check =
        conn.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(?1) LIMIT 5").map_err(failed)?;
    let violations: Vec<(String, Option<i64>, String)> = check
        .query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .and_then(|rows| rows.collect())
        .map_err(failed)?;
    match violations.first() {
        None => Ok(()),
        Some((child, rowid, parent)) => Err(Error::RolledBack {
            what: format!(
                "foreign key check failed: row {} of table \"{child}\" has no matching row in \"{parent}\"",
                rowid.map_or("?".into(), |r| r.to_string())
            ),
            cause: None,
        }),
    }
}

/// A copy shorter than this shows no progress line (it would only flash).
const QUIET_FOR: Duration = Duration::from_millis(500);

/// Runs a rebuild's row copy with a per-row counter, so that a long copy
/// can show how far it has got. The counter is a filter that is always
/// true (SQLite calls it once per row, in the copy's own scan); the
/// statement is otherwise the planned one.
fn copy_with_progress(
    conn: &Connection,
    sql: &str,
    table: &str,
    report: CopyObserver,
    quiet_for: Duration,
) -> rusqlite::Result<()> {
    const FUNCTION: &str = "dbshape_row_copied";
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM {}", quote_ident(table)), [], |row| row.get(0))?;
    let total = total.max(0) as u64;
    let copied = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    // When progress was last reported; None: not yet.
    let last: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let (counter, shown, name, reporter) = (copied.clone(), last.clone(), table.to_string(), report.clone());
    conn.create_scalar_function(FUNCTION, 0, FunctionFlags::SQLITE_UTF8, move |_| {
        let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
        if n % 4096 == 0 && started.elapsed() >= quiet_for {
            let mut last = shown.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if last.is_none_or(|at| at.elapsed() >= Duration::from_millis(100)) {
                *last = Some(Instant::now());
                reporter(&RowsCopied { table: &name, copied: n, total, done: false });
            }
        }
        Ok(true)
    })?;
    let result = conn.execute(&format!("{sql} WHERE {FUNCTION}()"), []).map(drop);
    conn.remove_function(FUNCTION, 0)?;
    if last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).is_some() {
        report(&RowsCopied { table, copied: copied.load(Ordering::Relaxed), total, done: true });
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuild_copy_reports_rows_copied_and_copies_every_row() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE \"odd \"\"name\" (id INTEGER PRIMARY KEY, v TEXT);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO \"odd \"\"name\" SELECT i, 'row ' || i FROM n;
             CREATE TABLE \"_dbshape_new_odd \"\"name\" (id INTEGER PRIMARY KEY, v TEXT);",
        )
        .unwrap();
        let sql =
            "INSERT INTO \"_dbshape_new_odd \"\"name\" (\"id\", \"v\") SELECT \"id\", \"v\" FROM \"odd \"\"name\"";
        type Report = (String, u64, u64, bool);
        let reports: Arc<Mutex<Vec<Report>>> = Arc::default();
        let record = reports.clone();
        let observer: CopyObserver = Arc::new(move |progress: &RowsCopied| {
            record.lock().unwrap().push((progress.table.into(), progress.copied, progress.total, progress.done))
        });
        copy_with_progress(&conn, sql, "odd \"name", observer, Duration::ZERO).unwrap();
        let copied: i64 =
            conn.query_row("SELECT count(*) FROM \"_dbshape_new_odd \"\"name\"", [], |r| r.get(0)).unwrap();
        assert_eq!(copied, 20000);
        let reports = reports.lock().unwrap();
        assert_eq!(reports.first().map(|r| (r.1, r.2, r.3)), Some((4096, 20000, false)));
        assert_eq!(reports.last(), Some(&("odd \"name".to_string(), 20000, 20000, true)));
        // The counter is gone afterwards: it never outlives the copy.
        assert!(conn.query_row("SELECT dbshape_row_copied()", [], |r| r.get::<_, bool>(0)).is_err());
    }
}
