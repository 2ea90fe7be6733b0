//! Compares two schemas of one dialect and plans the changes: the differ
//! with the dialect's rules, the dialect's planner, and what each change
//! does to a busy table, in one place for every caller (a plan, the
//! re-plan under an apply's lock, the check after it).

use super::traits::Dialect;
use crate::diff::{Change, diff};
use crate::error::{Error, Refusal, Result};
use crate::model::{Schema, UnmanagedDependent};
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
    refuse_under_unmanaged(&diff.changes, &current)?;
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

/// Refuses, before anything runs, a change that would drop or reshape a
/// table under an object dbshape does not manage: dropping the table or
/// dropping or retyping its columns (which PostgreSQL would cascade to a
/// rule or statistics, or refuse half-way), and for an inheritance tree
/// any change to its columns (which reaches the other tables).
fn refuse_under_unmanaged(changes: &[Change], current: &Schema) -> Result<()> {
    if current.unmanaged_on.is_empty() {
        return Ok(());
    }
    let renamed_from = |name: &str| {
        changes.iter().find_map(|c| match c {
            Change::RenameTable { from, to } if to == name => Some(from.clone()),
            _ => None,
        })
    };
    for change in changes {
        let table = change.table();
        let live = renamed_from(table).unwrap_or_else(|| table.to_string());
        let dependents = current.unmanaged_on.get(&live).or_else(|| current.unmanaged_on.get(table));
        if let Some(dependent) = dependents.into_iter().flatten().find(|d| touches(change, d)) {
            return Err(Error::Refused(Refusal::UnmanagedDependent {
                change: change.to_string(),
                dependent: dependent.line.clone(),
            }));
        }
    }
    Ok(())
}

/// Whether `change` (of the table `dependent` hangs on) would drop or
/// reshape it.
fn touches(change: &Change, dependent: &UnmanagedDependent) -> bool {
    let column = match change {
        Change::DropTable(_) => return dependent.column.is_none(),
        Change::DropColumn { column, .. } => &column.name,
        Change::AlterColumn { from, .. } => &from.name,
        Change::AddColumn { .. } | Change::RenameColumn { .. } => return dependent.follows_columns,
        _ => return false,
    };
    dependent.follows_columns || dependent.column.as_ref().is_none_or(|c| c == column)
}
