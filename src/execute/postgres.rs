//! Runs a plan on PostgreSQL: a session advisory lock (so concurrent applies
//! run one after the other), then one transaction with `lock_timeout` (and
//! `client_connection_check_interval`) set,
//! a re-plan under the lock, every statement, COMMIT. Any failure rolls the
//! whole transaction back.

use super::{Applied, Event, replan_under_lock, run_statements};
use crate::database::{ApplyOptions, pg_error};
use crate::diff::Change;
use crate::error::{Error, Result};
use crate::inspect::postgres::{Scope, inspect};
use crate::model::Schema;
use crate::plan::Plan;
use crate::sql::Dialect;
use postgres::Client;
use std::time::Instant;

/// The advisory lock key every dbshape apply takes: "dbshape" in ASCII.
pub const LOCK_KEY: i64 = 0x0064_6273_6861_7065;

pub fn apply(
    client: &mut Client,
    scope: &Scope,
    expected: &Plan,
    desired: &Schema,
    options: &ApplyOptions,
    observer: &mut dyn FnMut(&Event),
) -> Result<Applied> {
    let started = Instant::now();
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .map_err(|e| Error::Refused(format!("cannot take the dbshape lock: {}", pg_error(&e))))?;
    let result = run(client, scope, expected, desired, options, observer, started);
    // Ending the session would release it too; release it now for long-lived callers.
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]);
    result
}

fn run(
    client: &mut Client,
    scope: &Scope,
    expected: &Plan,
    desired: &Schema,
    options: &ApplyOptions,
    observer: &mut dyn FnMut(&Event),
    started: Instant,
) -> Result<Applied> {
    let mut tx = client.transaction().map_err(|e| Error::RolledBack(pg_error(&e)))?;
    tx.batch_execute(&format!("SET LOCAL lock_timeout = {}", options.lock_timeout.as_millis()))
        .map_err(|e| Error::RolledBack(pg_error(&e)))?;
    // Should dbshape be killed mid-statement, the server gives up on the
    // statement (and its locks) within a second instead of finishing, say,
    // a long index build for nobody (PostgreSQL 14+, Linux servers).
    tx.batch_execute(
        "SELECT set_config('client_connection_check_interval', '1000', true) \
         WHERE current_setting('server_version_num')::int >= 140000",
    )
    .map_err(|e| Error::RolledBack(pg_error(&e)))?;
    let current = inspect(&mut tx, scope)?;
    let Some(plan) = replan_under_lock(Dialect::Postgres, current, desired, expected, options)? else {
        return Ok(Applied { already_in_sync: true, elapsed: started.elapsed(), ..Applied::default() });
    };
    if plan.changes().any(|c| matches!(c, Change::AddEnumValues { .. })) {
        let version: String =
            tx.query_one("SHOW server_version_num", &[]).map_err(|e| Error::RolledBack(pg_error(&e)))?.get(0);
        if version.parse::<u32>().unwrap_or(0) < 120_000 {
            return Err(Error::Refused(
                "PostgreSQL before 12 cannot add enum labels inside a transaction, and dbshape runs every plan in one: \
                 upgrade, or add the labels by hand (ALTER TYPE ... ADD VALUE) and plan again"
                    .into(),
            ));
        }
    }
    let total = run_statements(&plan, observer, |sql| {
        // One statement per call (extended protocol): none can smuggle in another.
        tx.execute(sql, &[]).map(drop).map_err(|e| {
            let mut message = pg_error(&e);
            if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
                message.push_str(&format!(
                    " (waited {} ms for a table lock: another session holds it; retry, or raise --lock-timeout)",
                    options.lock_timeout.as_millis()
                ));
            }
            message
        })
    })?;
    tx.commit().map_err(|e| Error::RolledBack(format!("commit failed: {}", pg_error(&e))))?;
    Ok(Applied { statements: total, elapsed: started.elapsed(), already_in_sync: false })
}
