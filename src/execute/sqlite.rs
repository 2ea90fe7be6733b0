//! Runs a plan on SQLite: foreign key enforcement off (set before the
//! transaction, where the pragma takes effect), `BEGIN IMMEDIATE` to hold
//! the write lock, a re-plan under that lock, every statement, a
//! `foreign_key_check` of the tables the plan touched, then COMMIT. Any
//! failure rolls the whole transaction back.

use super::{Applied, Event, RowsCopied, replan_under_lock, run_statements};
use crate::database::ApplyOptions;
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::Plan;
use crate::sql::Dialect;
use crate::sql::quote_ident;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, TransactionBehavior};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    let total = run_statements(&plan, observer, |sql| {
        match (options.progress, crate::plan::sqlite::copy_source(sql)) {
            (Some(report), Some(source)) => copy_with_progress(&tx, sql, &source, report, QUIET_FOR),
            _ => tx.execute(sql, []).map(drop),
        }
        .map_err(|e| e.to_string())
    })?;
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
    report: fn(&RowsCopied),
    quiet_for: Duration,
) -> rusqlite::Result<()> {
    const FUNCTION: &str = "dbshape_row_copied";
    let total: i64 = conn.query_row(&format!("SELECT count(*) FROM {}", quote_ident(table)), [], |row| row.get(0))?;
    let total = total.max(0) as u64;
    let copied = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    // When progress was last reported; None: not yet.
    let last: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let (counter, shown, name) = (copied.clone(), last.clone(), table.to_string());
    conn.create_scalar_function(FUNCTION, 0, FunctionFlags::SQLITE_UTF8, move |_| {
        let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
        if n % 4096 == 0 && started.elapsed() >= quiet_for {
            let mut last = shown.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if last.is_none_or(|at| at.elapsed() >= Duration::from_millis(100)) {
                *last = Some(Instant::now());
                report(&RowsCopied { table: &name, copied: n, total, done: false });
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

    static REPORTS: Mutex<Vec<(String, u64, u64, bool)>> = Mutex::new(Vec::new());

    fn record(progress: &RowsCopied) {
        REPORTS.lock().unwrap().push((progress.table.into(), progress.copied, progress.total, progress.done));
    }

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
        let source = crate::plan::sqlite::copy_source(sql).unwrap();
        assert_eq!(source, "odd \"name");
        copy_with_progress(&conn, sql, &source, record, Duration::ZERO).unwrap();
        let copied: i64 =
            conn.query_row("SELECT count(*) FROM \"_dbshape_new_odd \"\"name\"", [], |r| r.get(0)).unwrap();
        assert_eq!(copied, 20000);
        let reports = REPORTS.lock().unwrap();
        assert_eq!(reports.first().map(|r| (r.1, r.2, r.3)), Some((4096, 20000, false)));
        assert_eq!(reports.last(), Some(&("odd \"name".to_string(), 20000, 20000, true)));
        // The counter is gone afterwards: it never outlives the copy.
        assert!(conn.query_row("SELECT dbshape_row_copied()", [], |r| r.get::<_, bool>(0)).is_err());
    }
}
