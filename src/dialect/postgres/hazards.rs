//! What each change's statements do to a busy PostgreSQL table: the lock
//! mode `ALTER TABLE` and friends take (from the ALTER TABLE reference and
//! `AlterTableGetLockLevel`), and whether the statement rewrites or scans
//! the table or builds an index while holding it. Tables the plan creates
//! have no traffic to hurt and carry none.

use super::types::{rewrites, serial_base};
use crate::diff::Change;
use crate::model::{Column, DefaultValue, Schema, SecurableKind};
use crate::plan::Hazard;
use crate::sql::lexer::identifiers;

const ACCESS_EXCLUSIVE: &str = "ACCESS EXCLUSIVE";
const SHARE: &str = "SHARE";
const SHARE_ROW_EXCLUSIVE: &str = "SHARE ROW EXCLUSIVE";
const SHARE_UPDATE_EXCLUSIVE: &str = "SHARE UPDATE EXCLUSIVE";

/// Functions whose value a default computes row by row: adding a column
/// with such a default writes every row.
const VOLATILE: &[&str] =
    &["random", "clock_timestamp", "timeofday", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "nextval"];

/// `renamed`: (old, new) names of the tables the plan renames;
/// `concurrently`: the change runs `CONCURRENTLY` (`--online`), which
/// takes only a SHARE UPDATE EXCLUSIVE lock (reads and writes go on).
pub(super) fn hazards(
    change: &Change,
    current: &Schema,
    renamed: &[(String, String)],
    concurrently: bool,
) -> Vec<Hazard> {
    let table = change.table();
    let live = |name: &str| {
        let name = renamed.iter().find(|(_, new)| new == name).map_or(name, |(old, _)| old.as_str());
        current.tables.contains_key(name) || current.views.contains_key(name)
    };
    let mut found =
        if concurrently && live(table) { online(change, &live) } else { in_transaction(change, current, &live) };
    if change.destructive().is_some() {
        let access = matches!(change, Change::Revoke { .. } | Change::SetOwner { .. });
        found.push(if access { Hazard::RemovesAccess } else { Hazard::DeletesData });
    }
    found
}

fn lock(mode: &'static str, on: &str) -> Hazard {
    Hazard::Lock { mode, table: on.to_string() }
}

/// `--online`: a brief strong lock in the transaction at most, then the
/// slow part under SHARE UPDATE EXCLUSIVE (reads and writes go on).
fn online(change: &Change, live: &dyn Fn(&str) -> bool) -> Vec<Hazard> {
    let table = change.table();
    let mut found = Vec::new();
    let slow = lock(SHARE_UPDATE_EXCLUSIVE, table);
    match change {
        Change::CreateIndex { .. } => found.extend([slow, Hazard::BuildsIndex]),
        Change::DropIndex { .. } => found.push(slow),
        Change::AddCheck { .. } | Change::AlterColumn { .. } => {
            found.extend([lock(ACCESS_EXCLUSIVE, table), slow, Hazard::ScansTable])
        }
        Change::AddForeignKey { foreign_key, .. } => {
            found.push(lock(SHARE_ROW_EXCLUSIVE, table));
            if foreign_key.ref_table != table && live(&foreign_key.ref_table) {
                found.push(lock(SHARE_ROW_EXCLUSIVE, &foreign_key.ref_table));
            }
            found.extend([slow, Hazard::ScansTable]);
        }
        Change::AddUnique { .. } | Change::SetPrimaryKey { .. } => {
            found.extend([slow, Hazard::BuildsIndex, lock(ACCESS_EXCLUSIVE, table)])
        }
        _ => {}
    }
    found
}

/// What a change does inside the plan's transaction. `live`: whether a
/// table (by its name after the plan's renames) exists before the plan.
fn in_transaction(change: &Change, current: &Schema, live: &dyn Fn(&str) -> bool) -> Vec<Hazard> {
    let table = change.table();
    let mut found = Vec::new();
    match change {
        Change::CreateTable(created) => {
            // A foreign key locks its parent against writes while it is made.
            for fk in created.foreign_keys.values() {
                if live(&fk.ref_table) {
                    found.push(lock(SHARE_ROW_EXCLUSIVE, &fk.ref_table));
                }
            }
        }
        _ if !live(table) && !matches!(change, Change::RenameTable { .. } | Change::RecreateEnum { .. }) => {}
        Change::DropTable(_) | Change::DropColumn { .. } | Change::RenameColumn { .. } => {
            found.push(lock(ACCESS_EXCLUSIVE, table))
        }
        Change::RenameTable { from, .. } => found.push(lock(ACCESS_EXCLUSIVE, from)),
        // `ALTER TABLE … OWNER TO` (a view's and a sequence's too).
        Change::SetOwner { object, fresh: false, .. } if object.kind != SecurableKind::Schema => {
            found.push(lock(ACCESS_EXCLUSIVE, &object.name))
        }
        Change::AddColumn { column, .. } => {
            found.push(lock(ACCESS_EXCLUSIVE, table));
            if adds_rewrite(column) {
                found.push(Hazard::RewritesTable);
            }
            if !column.nullable && column.backfill.is_some() && column.default.is_none() {
                found.extend([Hazard::UpdatesRows, Hazard::ScansTable]);
            }
        }
        Change::AlterColumn { from, to, recreate, .. } => {
            let only_comment = Column { comment: to.comment.clone(), ..from.clone() }.same_definition(to);
            found.push(lock(if only_comment { SHARE_UPDATE_EXCLUSIVE } else { ACCESS_EXCLUSIVE }, table));
            if *recreate {
                if to.generated.is_some() && !to.generated_virtual {
                    found.push(Hazard::RewritesTable);
                }
            } else if (from.sql_type != to.sql_type || from.collation != to.collation) && rewrites(from, to) {
                found.extend([Hazard::RewritesTable, Hazard::BuildsIndex]);
            }
            if from.nullable && !to.nullable {
                if to.backfill.is_some() {
                    found.push(Hazard::UpdatesRows);
                }
                found.push(Hazard::ScansTable);
            }
            if to.autoincrement && !from.autoincrement {
                found.push(Hazard::ScansTable);
            }
        }
        Change::SetPrimaryKey { to, .. } => {
            found.push(lock(ACCESS_EXCLUSIVE, table));
            if to.is_some() {
                found.push(Hazard::BuildsIndex);
            }
        }
        Change::AddUnique { .. } | Change::AddExclusion { .. } => {
            found.extend([lock(ACCESS_EXCLUSIVE, table), Hazard::BuildsIndex]);
        }
        Change::AddCheck { check, .. } => {
            found.push(lock(ACCESS_EXCLUSIVE, table));
            if !check.not_valid {
                found.push(Hazard::ScansTable);
            }
        }
        Change::AddForeignKey { foreign_key, .. } => {
            found.push(lock(SHARE_ROW_EXCLUSIVE, table));
            if foreign_key.ref_table != table && live(&foreign_key.ref_table) {
                found.push(lock(SHARE_ROW_EXCLUSIVE, &foreign_key.ref_table));
            }
            if !foreign_key.not_valid {
                found.push(Hazard::ScansTable);
            }
        }
        Change::DropUnique { .. }
        | Change::DropCheck { .. }
        | Change::DropExclusion { .. }
        | Change::DropIndex { .. }
        | Change::SetPartitionBy { .. }
        | Change::SetRowLevelSecurity { .. }
        | Change::CreatePolicy { .. }
        | Change::DropPolicy { .. }
        | Change::AlterPolicy { .. }
        | Change::DropTrigger(_) => found.push(lock(ACCESS_EXCLUSIVE, table)),
        Change::DropForeignKey { foreign_key, .. } => {
            found.push(lock(ACCESS_EXCLUSIVE, table));
            if foreign_key.ref_table != table && live(&foreign_key.ref_table) {
                found.push(lock(SHARE_ROW_EXCLUSIVE, &foreign_key.ref_table));
            }
        }
        Change::CreateIndex { .. } => found.extend([lock(SHARE, table), Hazard::BuildsIndex]),
        // The planner's statistics: no rows are read until ANALYZE.
        Change::CreateStatistics { .. } | Change::DropStatistics { .. } | Change::AlterStatistics { .. } => {
            found.push(lock(SHARE_UPDATE_EXCLUSIVE, table))
        }
        // Writes the table (and its indexes) anew, in or out of the log.
        Change::SetUnlogged { .. } => found.extend([lock(ACCESS_EXCLUSIVE, table), Hazard::RewritesTable]),
        // fillfactor, autovacuum and toast parameters take the weaker lock;
        // the rest (parallel_workers aside, rarely set) the strong one.
        Change::SetStorageParameters { from, to, .. } => {
            let weak = |k: &String| {
                k.starts_with("toast.") || k.starts_with("autovacuum_") || k == "fillfactor" || k == "parallel_workers"
            };
            let strong = from.keys().chain(to.keys()).any(|k| !weak(k));
            found.push(lock(if strong { ACCESS_EXCLUSIVE } else { SHARE_UPDATE_EXCLUSIVE }, table));
        }
        Change::CreateTrigger(_) | Change::ReplaceTrigger { .. } => found.push(lock(SHARE_ROW_EXCLUSIVE, table)),
        Change::ValidateConstraint { .. } => found.extend([lock(SHARE_UPDATE_EXCLUSIVE, table), Hazard::ScansTable]),
        Change::SetPartition { to, .. } => {
            found.push(lock(ACCESS_EXCLUSIVE, table));
            if let Some(parent) = to {
                found.push(lock(SHARE_UPDATE_EXCLUSIVE, &parent.parent));
                found.push(Hazard::ScansTable);
            }
        }
        Change::RecreateEnum { name, .. } => {
            // Every column of the type is cast: each of its tables is rewritten.
            for live_table in current.tables.values() {
                if live_table.columns.values().any(|c| c.sql_type.is_or_holds(name)) {
                    found.push(lock(ACCESS_EXCLUSIVE, &live_table.name));
                }
            }
            if !found.is_empty() {
                found.extend([Hazard::RewritesTable, Hazard::BuildsIndex]);
            }
        }
        Change::CreateView(view) | Change::ReplaceView { to: view, .. } if view.materialized => {
            found.push(Hazard::BuildsIndex);
        }
        Change::DropView { .. } | Change::ReplaceView { .. } => found.push(lock(ACCESS_EXCLUSIVE, table)),
        _ => {}
    }
    found
}

/// Whether ADD COLUMN writes every row: a volatile default, a stored
/// generated column, or an identity (PostgreSQL 11+ stores any other
/// default once, in the catalog).
fn adds_rewrite(column: &Column) -> bool {
    if column.generated.is_some()
        || column.autoincrement
        || column.serial_sequence.is_some()
        || serial_base(&column.sql_type).is_some()
    {
        return true;
    }
    match &column.default {
        Some(DefaultValue::Expr(e)) => {
            let named = identifiers(e.as_str());
            VOLATILE.iter().any(|f| named.contains(*f))
        }
        _ => false,
    }
}
