//! What every executor shares: re-planning once the lock is held, the data
//! checks, running a plan's statements in order while reporting each, and
//! the check that the database then matches the schema (before COMMIT
//! where DDL is transactional, so that a planner's mistake rolls back
//! instead of landing). The dialects' executors (`execute.rs` in each
//! folder) add their own locking and transaction around these.

use super::build_plan::{build_plan, build_plan_online};
use super::traits::{ApplyRun, Dialect};
use crate::apply::StatementDone;
use crate::error::{DatabaseError, Error, Refusal, Result};
use crate::model::Schema;
use crate::plan::{Operation, Plan};
use crate::preflight::{self, QueryRunner};
use std::time::Instant;

/// Which statements of a plan run: its transaction's, or those after it
/// commits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Transaction,
    AfterCommit,
    /// A plan whose every statement commits on its own (MySQL DDL).
    EachCommits,
}

impl ApplyRun<'_> {
    /// Re-plans from `live` (read under the lock), since another apply may
    /// have committed between the plan a person confirmed and the lock.
    /// `None`: nothing to do any more. A plan other than the confirmed one
    /// is refused.
    pub(crate) fn replan(&self, mut live: Schema, expected: &Plan) -> Result<Option<Plan>> {
        self.scope.narrow(&mut live);
        if let Some(saved) = &self.options.expected_live_schema
            && let Some((headline, diff)) = crate::plan::live_schema_moved(saved, &crate::plan::schema_text(&live))
        {
            return Err(Error::Refused(Refusal::LiveSchemaChanged { headline, diff }));
        }
        let plan = build_plan_online(self.dialect, live, expected.desired().clone(), expected.online())?;
        if plan.is_empty() {
            return Ok(None);
        }
        if !plan.runs_like(expected) {
            return Err(Error::Refused(Refusal::DatabaseChanged));
        }
        Ok(Some(plan))
    }

    /// Whether `plan` is checked inside its transaction, before COMMIT: on a
    /// dialect with transactional DDL, when no statement of it runs after
    /// the commit (`--online`'s index builds leave the transaction's state
    /// short of the schema on purpose). Otherwise the caller checks after
    /// the apply.
    pub(crate) fn verifies_before_commit(&self, plan: &Plan) -> bool {
        verifies_before_commit(self.dialect, plan)
    }

    /// Checks that `live`, read after the plan's statements (inside the
    /// transaction, where [`ApplyRun::verifies_before_commit`]), is the
    /// schema the plan arrives at: planning again must find nothing. A
    /// difference is dbshape's mistake: the error names it, and the caller
    /// rolls the transaction back.
    pub(crate) fn verify(&self, mut live: Schema, plan: &Plan) -> Result<()> {
        self.scope.narrow(&mut live);
        let after = build_plan(self.dialect, live, plan.desired().clone())?;
        if after.is_empty() {
            return Ok(());
        }
        Err(Error::Internal(mismatch(false, &after)))
    }

    /// Runs the pre-flight data checks of `plan` (re-planned under the
    /// lock) through `runner`, before any statement: rows that a change
    /// would fail on, or a check that could not say, stop the apply.
    pub(crate) fn data_checks(&self, plan: &Plan, runner: &mut dyn QueryRunner) -> Result<()> {
        if self.options.skip_data_checks {
            return Ok(());
        }
        let changes: Vec<_> = plan.changes().collect();
        let checks = preflight::build(&changes, plan.current(), plan.desired(), self.dialect.preflight());
        let reports = preflight::run(checks, runner, self.options.check_timeout);
        if reports.iter().any(|r| r.blocks()) { Err(Error::DataChecks(reports)) } else { Ok(()) }
    }

    /// Runs the plan's operations of one `phase` (those of its transaction,
    /// or those after it commits) in order through `execute`, reporting
    /// each; the first failure becomes an error naming the statement.
    /// Returns the number of statements run.
    pub(crate) fn run_operations(
        &self,
        plan: &Plan,
        phase: Phase,
        mut execute: impl FnMut(&Operation) -> std::result::Result<(), DatabaseError>,
    ) -> Result<usize> {
        let operations: Vec<&Operation> = plan.operations().collect();
        let total = operations.len();
        let mut ran = 0;
        for (i, operation) in operations.into_iter().enumerate() {
            if operation.after_commit() != (phase == Phase::AfterCommit) {
                continue;
            }
            let began = Instant::now();
            let sql = operation.sql();
            let run = if self.options.fault_skip_statement == Some(i + 1) { Ok(()) } else { execute(operation) };
            run.map_err(|cause| match phase {
                Phase::Transaction => Error::Statement { number: i + 1, total, sql: sql.to_string(), cause },
                Phase::AfterCommit => Error::AfterCommit { number: i + 1, total, sql: sql.to_string(), cause },
                Phase::EachCommits => Error::PartlyApplied { number: i + 1, total, sql: sql.to_string(), cause },
            })?;
            ran += 1;
            if let Some(observer) = &self.options.on_statement {
                observer(&StatementDone { number: i + 1, total, sql, elapsed: began.elapsed() });
            }
        }
        Ok(ran)
    }
}

/// See [`ApplyRun::verifies_before_commit`].
pub(crate) fn verifies_before_commit(dialect: &dyn Dialect, plan: &Plan) -> bool {
    dialect.transactional_ddl() && !plan.operations().any(|o| o.after_commit())
}

/// The report of a database that differs from the schema after an apply's
/// statements (`after` plans what is left), `committed` or rolled back:
/// the changes left, and both sides as schema files.
pub(crate) fn mismatch(committed: bool, after: &Plan) -> String {
    let remaining: Vec<String> = after.changes().map(|c| c.to_string()).collect();
    let what = if committed {
        format!("the apply committed, but the database still differs from the schema ({})", remaining.join("; "))
    } else {
        format!(
            "the plan's statements left the database differing from the schema ({}), so the apply was rolled back \
             and nothing was changed",
            remaining.join("; ")
        )
    };
    format!(
        "{what}; this is a dbshape bug, please report it with what differs:\n{}",
        after.schema_diff("the database after the plan", "the schema")
    )
}
