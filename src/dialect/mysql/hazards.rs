//! What a MySQL plan's statements do to a busy table. That follows from
//! each `ALTER TABLE`'s algorithm: `INSTANT` changes metadata only,
//! `INPLACE, LOCK=NONE` lets reads and writes go on (an index is still
//! built), anything else may copy the table while writes wait.

use super::ddl::Algorithm;
use crate::diff::Change;
use crate::model::Schema;
use crate::plan::{Hazard, Step};

/// What `change` (made by `step`) does to a busy table of `current`.
pub(super) fn hazards(step: &Step, change: &Change, current: &Schema) -> Vec<Hazard> {
    let mut found = Vec::new();
    let table = change.table();
    let live = current.tables.contains_key(table);
    if live && !matches!(change, Change::DropTable(_)) {
        let algorithm = step.statements().filter_map(Algorithm::of).max();
        match algorithm {
            Some(Algorithm::ServerChoice) => {
                found.push(Hazard::Lock { mode: "SHARED (writes wait)", table: table.to_string() });
                found.push(Hazard::CopiesTable);
            }
            Some(Algorithm::InplaceNoLock) => {
                if matches!(change, Change::CreateIndex { .. } | Change::AddUnique { .. }) {
                    found.push(Hazard::BuildsIndex);
                }
            }
            _ => {}
        }
    }
    if change.destructive().is_some() {
        found.push(Hazard::DeletesData);
    }
    found
}
