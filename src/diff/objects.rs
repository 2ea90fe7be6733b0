//! The differ for what rests on tables: functions, views and triggers.
//!
//! An object that changes is replaced in place where the dialect allows it
//! ([`DiffHooks`]), else dropped and made again. Something else can force
//! that too: a view reads a column whose type changes or that goes, a view
//! it reads is made again, a function it calls is made again. Such a view
//! is dropped before the table changes and made again after them, and so
//! is every view that reads it. Drops are listed dependants first, creates
//! dependencies first, so each dialect's planner keeps that order.

use super::{Change, CommentOn, DiffHooks};
use crate::model::{Function, Index, Reads, Schema, Trigger, View, and_readers, view_order};

/// What the table changes do to the columns views and triggers read: the
/// (table, column) pairs retyped or dropped, and the tables dropped.
struct Moved<'a> {
    columns: Vec<(&'a str, &'a str)>,
    tables: Vec<&'a str>,
}

impl Moved<'_> {
    fn of(changes: &[Change]) -> Moved<'_> {
        let mut moved = Moved { columns: Vec::new(), tables: Vec::new() };
        for change in changes {
            match change {
                Change::DropTable(table) => moved.tables.push(&table.name),
                Change::SetPartitionBy { table, .. } => moved.tables.push(table),
                Change::DropColumn { table, column } => moved.columns.push((table, &column.name)),
                Change::AlterColumn { table, from, to, recreate } if *recreate || from.sql_type != to.sql_type => {
                    moved.columns.push((table, &to.name))
                }
                _ => {}
            }
        }
        moved
    }

    /// Whether text that `reads` so reads something moved.
    fn touches(&self, reads: &Reads) -> bool {
        self.tables.iter().any(|t| reads.names(t))
            || self.columns.iter().any(|(t, c)| reads.names(t) && reads.names_column(c))
    }
}

/// Appends the changes to functions, views and triggers; `table_changes`
/// are the changes already found (tables, columns, types).
pub(super) fn diff_objects(base: &Schema, desired: &Schema, hooks: &dyn DiffHooks, changes: &mut Vec<Change>) {
    let moved = Moved::of(changes);
    let mut drops = Vec::new();
    let mut creates = Vec::new();
    let mut replaces = Vec::new();

    // Functions first: views and triggers call them.
    let mut remade_functions: Vec<&Function> = Vec::new();
    for (key, function) in &desired.functions {
        match base.functions.get(key) {
            None => creates.push(Change::CreateFunction(function.clone())),
            Some(live) if live.same_definition(function) && live.comment == function.comment => {}
            Some(live) if live.same_definition(function) || live.replaceable_by(function) => {
                replaces.push(Change::ReplaceFunction { from: live.clone(), to: function.clone() })
            }
            Some(live) => {
                remade_functions.push(live);
                drops.push(Change::DropFunction(live.clone()));
                creates.push(Change::CreateFunction(function.clone()));
            }
        }
    }
    for (key, aggregate) in &desired.aggregates {
        match base.aggregates.get(key) {
            Some(live) if live == aggregate => {}
            live => creates.push(Change::CreateAggregate { aggregate: aggregate.clone(), replace: live.is_some() }),
        }
    }
    let gone_aggregates: Vec<Change> = base
        .aggregates
        .iter()
        .filter(|(key, _)| !desired.aggregates.contains_key(*key))
        .map(|(_, a)| Change::DropAggregate(a.clone()))
        .collect();
    let gone_functions: Vec<&Function> =
        base.functions.iter().filter(|(key, _)| !desired.functions.contains_key(*key)).map(|(_, f)| f).collect();
    let function_moved = |reads: &Reads| remade_functions.iter().chain(&gone_functions).any(|f| reads.names(&f.name));

    // Views: which live ones must be dropped and made again (and with them
    // every view that reads one).
    let remade = and_readers(&base.views, |name, live, reads| {
        let wanted = desired.views.get(name);
        let changed_shape =
            wanted.is_some_and(|w| !(live.same_definition(w) || hooks.replaces_views() && live.replaceable_by(w)));
        wanted.is_none() || changed_shape || moved.touches(reads) || function_moved(reads)
    });
    let mut view_drops: Vec<Change> = Vec::new();
    for &name in remade.iter().rev() {
        let remade = desired.views.contains_key(name);
        view_drops.push(Change::DropView { view: base.views[name].clone(), remade });
    }
    let mut view_creates = Vec::new();
    for name in view_order(&desired.views) {
        let view = &desired.views[name];
        match base.views.get(name) {
            Some(live) if !remade.contains(name) => {
                if !(live.same_definition(view) && live.comment == view.comment) {
                    replaces.push(Change::ReplaceView { from: live.clone(), to: view.clone() });
                }
                view_indexes(live, view, &mut replaces);
            }
            _ => view_creates.push(Change::CreateView(view.clone())),
        }
    }

    // Triggers: made again when what they fire on or call is.
    let table_dropped = |table: &str| changes.iter().any(|c| matches!(c, Change::DropTable(t) if t.name == table));
    let trigger_moved = |trigger: &Trigger| {
        // `update of` names columns (any name, `x-y` too); `when` is SQL.
        let when = trigger.when.as_ref().map(|w| Reads::of(w.as_str()));
        let reads = |column: &str| {
            trigger.update_of.iter().any(|c| c == column) || when.as_ref().is_some_and(|w| w.names_column(column))
        };
        remade.contains(trigger.table.as_str())
            || trigger.function.as_ref().is_some_and(|f| function_moved(&Reads::of(f)))
            || moved.columns.iter().any(|(t, c)| *t == trigger.table && reads(c))
    };
    let mut trigger_drops = Vec::new();
    let mut trigger_creates = Vec::new();
    for (key, live) in &base.triggers {
        let gone_with_table = table_dropped(&live.table) || remade.contains(live.table.as_str());
        match desired.triggers.get(key) {
            None if gone_with_table => {}
            None => trigger_drops.push(Change::DropTrigger(live.clone())),
            Some(wanted) if trigger_moved(live) => {
                if !gone_with_table {
                    trigger_drops.push(Change::DropTrigger(live.clone()));
                }
                trigger_creates.push(Change::CreateTrigger(wanted.clone()));
            }
            Some(wanted) if live.same_definition(wanted) && live.comment == wanted.comment => {}
            Some(wanted) if live.same_definition(wanted) || hooks.replaces_triggers() => {
                replaces.push(Change::ReplaceTrigger { from: live.clone(), to: wanted.clone() })
            }
            Some(wanted) => {
                trigger_drops.push(Change::DropTrigger(live.clone()));
                trigger_creates.push(Change::CreateTrigger(wanted.clone()));
            }
        }
    }
    for (key, trigger) in &desired.triggers {
        if !base.triggers.contains_key(key) {
            trigger_creates.push(Change::CreateTrigger(trigger.clone()));
        }
    }

    // Dependants go first and come back last.
    changes.extend(trigger_drops);
    changes.extend(view_drops);
    changes.extend(gone_aggregates);
    changes.extend(drops);
    changes.extend(gone_functions.into_iter().map(|f| Change::DropFunction(f.clone())));
    changes.extend(creates);
    changes.extend(replaces);
    changes.extend(view_creates);
    changes.extend(trigger_creates);
}

/// The index changes of a materialized view that stays.
fn view_indexes(live: &View, wanted: &View, changes: &mut Vec<Change>) {
    let on = || wanted.name.clone();
    for (name, index) in &live.indexes {
        match wanted.indexes.get(name) {
            Some(same) if Index { comment: same.comment.clone(), ..index.clone() } == *same => {}
            _ => changes.push(Change::DropIndex { table: on(), index: index.clone() }),
        }
    }
    for (name, index) in &wanted.indexes {
        match live.indexes.get(name) {
            Some(same) if *same == *index => {}
            Some(same) if Index { comment: index.comment.clone(), ..same.clone() } == *index => {
                changes.push(Change::SetComment {
                    table: on(),
                    on: CommentOn::Index(name.clone()),
                    comment: index.comment.clone(),
                })
            }
            _ => changes.push(Change::CreateIndex { table: on(), index: index.clone() }),
        }
    }
}
