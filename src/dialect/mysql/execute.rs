//! Runs a plan on MySQL/MariaDB, where every DDL statement commits on its
//! own: `GET_LOCK` serialises applies, the plan is made again under it, the
//! data checks run before any statement (so that rows a statement would
//! fail on stop the apply while nothing has changed), then the statements
//! one by one. A failure stops there: the statements before it stay, it is
//! undone whole (InnoDB DDL is atomic per statement), and the next plan
//! shows what is left.

use super::inspect;
use super::preflight::Runner;
use super::session::{Session, database_error};
use crate::apply::Applied;
use crate::dialect::{ApplyRun, Phase};
use crate::error::{DatabaseError, Error, Result};
use crate::plan::Plan;
use mysql::prelude::Queryable;
use std::time::Instant;

/// How long an apply waits for another to finish.
const LOCK_WAIT_SECONDS: u32 = 60;

pub(super) fn apply(conn: &mut Session, expected: &Plan, run: &ApplyRun) -> Result<Applied> {
    let started = Instant::now();
    let lock = format!("dbshape:{}", conn.database);
    let failed = |doing: &str| {
        let doing = doing.to_string();
        move |e| Error::Database { doing, cause: database_error(e) }
    };
    let got: Option<Option<i64>> = conn
        .conn
        .exec_first("SELECT GET_LOCK(?, ?)", (&lock, LOCK_WAIT_SECONDS))
        .map_err(failed("take the apply lock"))?;
    if got.flatten() != Some(1) {
        return Err(Error::Database {
            doing: "take the apply lock".into(),
            cause: DatabaseError::message(format!(
                "another apply has held GET_LOCK('{lock}') for {LOCK_WAIT_SECONDS} seconds; nothing was run"
            )),
        });
    }
    let result = apply_locked(conn, expected, run, started);
    let _ = conn.conn.exec_drop("DO RELEASE_LOCK(?)", (&lock,));
    result
}

fn apply_locked(conn: &mut Session, expected: &Plan, run: &ApplyRun, started: Instant) -> Result<Applied> {
    let current = inspect::inspect(&mut conn.conn, &conn.defaults)?;
    let Some(plan) = run.replan(current, expected)? else {
        return Ok(Applied { already_in_sync: true, elapsed: started.elapsed(), ..Applied::default() });
    };
    let mariadb = conn.defaults.mariadb;
    run.data_checks(&plan, &mut Runner { conn: &mut conn.conn, mariadb })?;
    // Prepared, so that a statement is always exactly one.
    let total = run.run_operations(&plan, Phase::EachCommits, |operation| {
        conn.conn.exec_drop(operation.sql(), ()).map_err(database_error)
    })?;
    Ok(Applied { statements: total, elapsed: started.elapsed(), already_in_sync: false })
}
