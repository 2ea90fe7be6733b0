//! What a SQLite plan's steps do to a busy database: every apply holds
//! SQLite's one write lock; what differs is whether a change rebuilds its
//! table (copying every row) or builds an index.

use crate::diff::Change;
use crate::model::Schema;
use crate::plan::{Hazard, Operation, Step};

/// What `change` (made by `step`) does to a busy database of `current`.
pub(super) fn hazards(step: &Step, change: &Change, current: &Schema) -> Vec<Hazard> {
    let mut found = Vec::new();
    if step.operations.iter().any(|o| matches!(o, Operation::CopyRows { .. })) {
        found.push(Hazard::CopiesTable);
    }
    if let Change::CreateIndex { table, .. } = change
        && current.tables.contains_key(table)
    {
        found.push(Hazard::BuildsIndex);
    }
    if change.destructive().is_some() {
        found.push(Hazard::DeletesData);
    }
    found
}
