//! Runs a plan on PostgreSQL: a session advisory lock (so concurrent applies
//! run one after the other), then one transaction with `lock_timeout` (and
//! `client_connection_check_interval`) set, a re-plan under the lock, every
//! statement, COMMIT. Any failure rolls the whole transaction back. Then,
//! for `--online` plans, the statements that run after the commit
//! (`CREATE INDEX CONCURRENTLY`), each on its own, still under the lock.

use super::inspect::inspect;
use super::preflight::Runner;
use super::session::{Namespaces, database_error};
use crate::apply::Applied;
use crate::dialect::{ApplyRun, Phase};
use crate::diff::Change;
use crate::error::{Error, Refusal, Result};
use crate::plan::Plan;
use postgres::Client;
use std::time::Instant;

/// The advisory lock key every dbshape apply takes: "dbshape" in ASCII.
const LOCK_KEY: i64 = 0x0064_6273_6861_7065;

pub(super) fn apply(client: &mut Client, within: &Namespaces, expected: &Plan, run: &ApplyRun) -> Result<Applied> {
    let started = Instant::now();
    client
        .execute("SELECT pg_advisory_lock($1)", &[&LOCK_KEY])
        .map_err(|e| Error::Database { doing: "take the dbshape lock".into(), cause: database_error(e) })?;
    // Online, a transaction that could not get a table lock in time is
    // rolled back (holding nothing while it waits) and tried again.
    let mut wait = RETRY_AFTER;
    let mut attempt = 1;
    let transaction = loop {
        let waited = std::cell::Cell::new(false);
        match run_in_transaction(client, within, expected, run, started, &waited) {
            Err(_) if waited.get() && expected.online() && attempt < LOCK_ATTEMPTS => {
                std::thread::sleep(wait);
                wait *= 2;
                attempt += 1;
            }
            result => break result,
        }
    };
    let result = transaction.and_then(|(applied, plan)| {
        let Some(plan) = plan else { return Ok(applied) };
        let after = run_after_commit(client, &plan, run)?;
        Ok(Applied { statements: applied.statements + after, elapsed: started.elapsed(), ..applied })
    });
    // Ending the session would release it too; release it now for long-lived callers.
    let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&LOCK_KEY]);
    result
}

/// How often an online apply's transaction, or a statement after its
/// commit, is tried when it cannot get a lock within `lock_timeout`, and how
/// long to wait before the first retry (doubled each time).
const LOCK_ATTEMPTS: u32 = 3;
const RETRY_AFTER: std::time::Duration = std::time::Duration::from_millis(500);

/// The statements that run after the transaction commits (`--online`), each
/// on its own, under `lock_timeout` with a bounded retry.
fn run_after_commit(client: &mut Client, plan: &Plan, run: &ApplyRun) -> Result<usize> {
    if !plan.operations().any(|o| o.after_commit()) {
        return Ok(0);
    }
    let lock_timeout = run.options.lock_timeout;
    let setup = format!(
        "SET lock_timeout = {}; SELECT set_config('client_connection_check_interval', '1000', false) \
         WHERE current_setting('server_version_num')::int >= 140000",
        lock_timeout.as_millis()
    );
    client
        .batch_execute(&setup)
        .map_err(|e| Error::Database { doing: "set lock_timeout".into(), cause: database_error(e) })?;
    let result = run.run_operations(plan, Phase::AfterCommit, |operation| {
        let mut wait = RETRY_AFTER;
        for attempt in 1.. {
            match client.batch_execute(operation.sql()) {
                Ok(()) => return Ok(()),
                Err(e)
                    if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) && attempt < LOCK_ATTEMPTS =>
                {
                    std::thread::sleep(wait);
                    wait *= 2;
                }
                Err(e) => {
                    let waited = e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE);
                    let mut cause = database_error(e);
                    if waited {
                        cause.append(&format!(
                            " (tried {LOCK_ATTEMPTS} times, waiting {} ms each for a table lock another session holds)",
                            lock_timeout.as_millis()
                        ));
                    }
                    return Err(cause);
                }
            }
        }
        unreachable!("the loop returns")
    });
    let _ = client.batch_execute("RESET lock_timeout; RESET client_connection_check_interval");
    result
}

fn rolled_back(what: &str) -> impl FnOnce(postgres::Error) -> Error {
    let what = what.to_string();
    move |e| Error::RolledBack { what, cause: Some(database_error(e)) }
}

/// Runs the plan's transaction; returns what it did and the plan it ran
/// (re-planned under the lock; `None` when there was nothing to do).
fn run_in_transaction(
    client: &mut Client,
    within: &Namespaces,
    expected: &Plan,
    run: &ApplyRun,
    started: Instant,
    lock_timed_out: &std::cell::Cell<bool>,
) -> Result<(Applied, Option<Plan>)> {
    let lock_timeout = run.options.lock_timeout;
    let mut tx = client.transaction().map_err(rolled_back("cannot begin the transaction"))?;
    tx.batch_execute(&format!("SET LOCAL lock_timeout = {}", lock_timeout.as_millis()))
        .map_err(rolled_back("cannot set lock_timeout"))?;
    // Should dbshape be killed mid-statement, the server gives up on the
    // statement (and its locks) within a second instead of finishing, say,
    // a long index build for nobody (PostgreSQL 14+, Linux servers).
    tx.batch_execute(
        "SELECT set_config('client_connection_check_interval', '1000', true) \
         WHERE current_setting('server_version_num')::int >= 140000",
    )
    .map_err(rolled_back("cannot set client_connection_check_interval"))?;
    let current = inspect(&mut tx, within)?;
    let Some(plan) = run.replan(current, expected)? else {
        return Ok((Applied { already_in_sync: true, elapsed: started.elapsed(), ..Applied::default() }, None));
    };
    if plan.changes().any(|c| matches!(c, Change::AddEnumValues { .. })) {
        let version: String =
            tx.query_one("SHOW server_version_num", &[]).map_err(rolled_back("cannot read the server version"))?.get(0);
        if version.parse::<u32>().unwrap_or(0) < 120_000 {
            return Err(Error::Refused(Refusal::ServerTooOld {
                what: "PostgreSQL before 12 cannot add enum labels inside a transaction, and dbshape runs every plan \
                       in one: upgrade, or add the labels by hand (ALTER TYPE ... ADD VALUE) and plan again"
                    .into(),
            }));
        }
    }
    run.data_checks(&plan, &mut Runner { client: &mut tx })?;
    let total = run.run_operations(&plan, Phase::Transaction, |operation| {
        // One statement per call (extended protocol): none can smuggle in another.
        tx.execute(operation.sql(), &[]).map(drop).map_err(|e| {
            let waited = e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE);
            lock_timed_out.set(waited);
            let mut cause = database_error(e);
            if waited {
                cause.append(&format!(
                    " (waited {} ms for a table lock: another session holds it; retry, or raise --lock-timeout)",
                    lock_timeout.as_millis()
                ));
            }
            cause
        })
    })?;
    if run.verifies_before_commit(&plan) {
        run.verify(inspect(&mut tx, within)?, &plan)?;
    }
    tx.commit().map_err(rolled_back("commit failed"))?;
    Ok((Applied { statements: total, elapsed: started.elapsed(), already_in_sync: false }, Some(plan)))
}
