//! Pre-flight data checks on SQLite: rows named by `rowid` where a table
//! has no primary key; no conversion check (a rebuild's copy converts by
//! type affinity and never fails on a value); each query interrupted when
//! it runs out of time.

use super::session::Sqlite;
use crate::model::Table;
use crate::preflight::{PreflightSql, QueryFailure, QueryRunner};
use rusqlite::Connection;
use std::sync::mpsc;
use std::time::Duration;

impl PreflightSql for Sqlite {
    fn row_id(&self, table: &Table) -> Option<&'static str> {
        (!table.without_rowid).then_some("rowid")
    }
}

/// Runs checks on a connection (inside the apply's transaction, or not).
pub(super) struct Runner<'a> {
    pub(super) conn: &'a Connection,
}

impl QueryRunner for Runner<'_> {
    fn rows(
        &mut self,
        _setup: &[String],
        query: &str,
        timeout: Duration,
    ) -> Result<Vec<Vec<Option<String>>>, QueryFailure> {
        // SQLite has no statement timeout: a watchdog interrupts the query.
        let interrupt = self.conn.get_interrupt_handle();
        let (done, finished) = mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if finished.recv_timeout(timeout) == Err(mpsc::RecvTimeoutError::Timeout) {
                interrupt.interrupt();
                true
            } else {
                false
            }
        });
        let result = (|| {
            let mut statement = self.conn.prepare(query)?;
            let columns = statement.column_count();
            let rows =
                statement.query_map([], |row| (0..columns).map(|i| row.get::<_, Option<String>>(i)).collect())?;
            rows.collect::<rusqlite::Result<Vec<Vec<Option<String>>>>>()
        })();
        let _ = done.send(());
        let interrupted = watchdog.join().unwrap_or(false);
        result.map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::OperationInterrupted) if interrupted => QueryFailure::TimedOut,
            _ => QueryFailure::Failed(e.to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_that_runs_out_of_time_is_interrupted() {
        let conn = Connection::open_in_memory().unwrap();
        let endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
        let started = std::time::Instant::now();
        let result = Runner { conn: &conn }.rows(&[], endless, Duration::from_millis(50));
        assert!(matches!(result, Err(QueryFailure::TimedOut)));
        assert!(started.elapsed() < Duration::from_secs(5));
        // The connection is usable afterwards, and a quick query is not cut.
        let rows = Runner { conn: &conn }.rows(&[], "SELECT CAST(1 AS TEXT)", Duration::from_secs(5)).ok().unwrap();
        assert_eq!(rows, [[Some("1".to_string())]]);
    }
}
