//! Compares two schemas of one dialect and plans the changes: the differ
//! with the dialect's rules, the dialect's planner, and what each change
//! does to a busy table, in one place for every caller (a plan, the
//! re-plan under an apply's lock, the check after it).

use super::traits::Dialect;
use crate::diff::{Change, diff};
use crate::error::Result;
use crate::model::Schema;
use crate::plan::Plan;

/// Compares `current` with `desired` (both in `dialect`'s terms) and plans
/// the changes.
pub(crate) fn build_plan(dialect: &'static dyn Dialect, current: Schema, desired: Schema) -> Result<Plan> {
    build_plan_online(dialect, current, desired, false)
}

/// [`build_plan`], `online` or not.
pub(crate) fn build_plan_online(
    dialect: &'static dyn Dialect,
    current: Schema,
    desired: Schema,
    online: bool,
) -> Result<Plan> {
    let diff = diff(&current, &desired, dialect.hooks());
    let (steps, checks) = dialect.plan(&diff, &desired, online)?;
    let renamed: Vec<(String, String)> = steps
        .iter()
        .flat_map(|s| &s.changes)
        .filter_map(|c| match c {
            Change::RenameTable { from, to } => Some((from.clone(), to.clone())),
            _ => None,
        })
        .collect();
    let hazards = steps
        .iter()
        .flat_map(|step| step.changes.iter().map(move |change| (step, change)))
        .map(|(step, change)| dialect.hazards(step, change, &current, &renamed))
        .collect();
    let mut plan = Plan::new(dialect.name(), steps, checks, current, desired);
    plan.set_hazards(hazards);
    plan.set_online(online);
    plan.set_transactional(dialect.transactional_ddl());
    Ok(plan)
}
