//! A plan: the ordered, typed steps that turn one schema into another on
//! one dialect, with the two schemas it was made from. Dialect-neutral:
//! each dialect's planner builds the steps (see `dialect/`), and
//! [`Migrator`](crate::Migrator) makes and applies plans.
//!
//! - this file: [`Plan`]; `step.rs`: its steps, operations and checks;
//! - `hazard.rs`: what a change does to a busy database;
//! - `json.rs`: the JSON document; `saved.rs`: a plan saved and read back.

mod hazard;
mod json;
mod saved;
mod step;

pub use hazard::Hazard;
pub use json::JSON_FORMAT_VERSION;
pub use saved::{SavedPlan, fingerprint};
pub(crate) use saved::{live_schema_moved, schema_text};
pub use step::{Operation, PlanCheck, Step};

use crate::diff::Change;
use crate::model::Schema;
use crate::preflight::DataCheckReport;

/// What a database needs to match a schema: ordered steps of typed
/// operations, the checks to run before committing, and the schemas it
/// was made from.
#[derive(Clone, Debug)]
pub struct Plan {
    dialect: &'static str,
    steps: Vec<Step>,
    checks: Vec<PlanCheck>,
    /// The schema the plan starts from (a live database, as read).
    current: Schema,
    /// The schema it arrives at, as the dialect stores it.
    desired: Schema,
    /// What the pre-flight data checks found on the live rows, when they
    /// were run (a plan made without a database has none).
    data_checks: Vec<DataCheckReport>,
    /// What each change (in the order of [`Plan::changes`]) does to a busy
    /// table.
    hazards: Vec<Vec<Hazard>>,
    /// Planned `--online`.
    online: bool,
    /// Whether the dialect runs the plan in one transaction (MySQL commits
    /// each DDL statement on its own).
    transactional: bool,
}

impl Plan {
    pub(crate) fn new(
        dialect: &'static str,
        steps: Vec<Step>,
        checks: Vec<PlanCheck>,
        current: Schema,
        desired: Schema,
    ) -> Plan {
        Plan {
            dialect,
            steps,
            checks,
            current,
            desired,
            data_checks: Vec::new(),
            hazards: Vec::new(),
            online: false,
            transactional: true,
        }
    }

    pub(crate) fn set_hazards(&mut self, hazards: Vec<Vec<Hazard>>) {
        self.hazards = hazards;
    }

    pub(crate) fn set_data_checks(&mut self, reports: Vec<DataCheckReport>) {
        self.data_checks = reports;
    }

    /// Whether there is nothing to do: the two schemas are the same.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The dialect the plan is for: `sqlite`, `postgresql`, `mysql` or `mariadb`.
    pub fn dialect(&self) -> &'static str {
        self.dialect
    }

    /// The steps, in the order they run.
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// Every change, in the order the steps make them.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.steps.iter().flat_map(|s| s.changes.iter())
    }

    /// Every change with its hazards: the lock its statements take, and
    /// whether they rewrite, scan or copy the table, build an index or
    /// delete data.
    pub fn hazards(&self) -> impl Iterator<Item = (&Change, &[Hazard])> {
        self.changes().enumerate().map(|(i, c)| (c, self.hazards.get(i).map_or(&[][..], Vec::as_slice)))
    }

    /// Every statement, in the order they run: the transaction's, then
    /// those that run after it commits ([`Operation::AfterCommit`]).
    pub fn statements(&self) -> impl Iterator<Item = &str> {
        self.operations().map(Operation::sql)
    }

    /// Every operation, in the order they run (see [`Plan::statements`]).
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        let all = || self.steps.iter().flat_map(|s| &s.operations);
        all().filter(|o| !o.after_commit()).chain(all().filter(|o| o.after_commit()))
    }

    /// Whether it was planned `--online`: changes that would block traffic
    /// planned so that they don't (PostgreSQL).
    pub fn online(&self) -> bool {
        self.online
    }

    pub(crate) fn set_online(&mut self, online: bool) {
        self.online = online;
    }

    /// Whether the plan runs in one transaction, all or nothing. On MySQL
    /// and MariaDB each statement commits on its own: a failure leaves the
    /// statements before it applied, and the next plan shows what is left.
    pub fn transactional(&self) -> bool {
        self.transactional
    }

    pub(crate) fn set_transactional(&mut self, transactional: bool) {
        self.transactional = transactional;
    }

    /// The pre-flight data checks and what they found on the live rows
    /// when the plan was made: each change that can fail on existing rows
    /// (NOT NULL over NULLs, UNIQUE over duplicates, a CHECK, a foreign
    /// key, a type conversion, a removed enum label) with the number of
    /// rows that would break it. An apply runs them again under its lock.
    pub fn data_checks(&self) -> &[DataCheckReport] {
        &self.data_checks
    }

    /// The data checks that found rows that break their change.
    pub fn failed_data_checks(&self) -> impl Iterator<Item = &DataCheckReport> {
        self.data_checks.iter().filter(|r| matches!(r.status, crate::preflight::DataCheckStatus::Failed { .. }))
    }

    /// The checks an apply runs after the statements, before it commits.
    pub fn checks(&self) -> &[PlanCheck] {
        &self.checks
    }

    /// The changes that can lose data, each with the reason.
    pub fn destructive(&self) -> Vec<(&Change, String)> {
        self.changes().filter_map(|c| c.destructive().map(|why| (c, why))).collect()
    }

    /// What the database holds that dbshape does not manage (`domain
    /// posint`, `policy users.own_rows`): left as it is, whatever the file
    /// says.
    pub fn unmanaged(&self) -> &[String] {
        &self.current.unmanaged
    }

    /// The schema the plan starts from, as read from the database.
    pub fn current(&self) -> &Schema {
        &self.current
    }

    /// The schema the plan arrives at, in the dialect's own terms (as the
    /// database will report it once the plan has run).
    pub fn desired(&self) -> &Schema {
        &self.desired
    }

    /// A unified diff of the two schemas as schema.yaml text, `from_label`
    /// the current side and `to_label` the desired one: what `check` shows
    /// on drift. Column order is not managed, so the current side's columns
    /// are shown in the desired side's order.
    pub fn schema_diff(&self, from_label: &str, to_label: &str) -> String {
        let mut current = self.current.clone();
        for (name, table) in current.tables.iter_mut() {
            if let Some(wanted) = self.desired.tables.get(name) {
                table.columns.sort_by_cached_key(|column, _| wanted.columns.get_index_of(column).unwrap_or(usize::MAX));
            }
        }
        let (from, to) = crate::file::render_pair(&current, &self.desired);
        crate::file::unified_diff(&from, &to, (from_label, to_label), 3)
    }

    /// Whether `other` runs exactly the same operations and checks.
    pub(crate) fn runs_like(&self, other: &Plan) -> bool {
        self.dialect == other.dialect
            && self.steps == other.steps
            && self.checks == other.checks
            && self.online == other.online
    }
}
