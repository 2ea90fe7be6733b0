//! The differ: compares the current schema with the desired one and lists
//! the typed changes that turn one into the other. Dialect-neutral: the few
//! dialect rules it needs come through [`DiffHooks`], and each dialect's
//! planner decides how a change becomes SQL.
//!
//! Renames come first: a `renamed_from` hint whose old name exists (and
//! whose new name doesn't) becomes a rename, and the rest of the comparison
//! runs against the current schema *as it will be after the renames*, so
//! that keys, indexes and foreign keys that merely follow a renamed column
//! are not dropped and recreated.
//!
//! - `change.rs`: [`Change`], one variant per kind of change;
//! - `hooks.rs`: [`DiffHooks`], the dialects' rules;
//! - `objects.rs`: views, functions and triggers, and what forces one to be
//!   made again;
//! - `privileges.rs`: owners, grants, default privileges, extensions;
//! - this file: tables, columns, keys, indexes, types and sequences.

mod change;
mod hooks;
mod objects;
mod privileges;

pub use change::{Change, CommentOn, GrantOn};
pub use hooks::DiffHooks;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) use hooks::Neutral;
pub use privileges::roles_named;

use crate::model::{
    Check, Column, Exclusion, Expr, ForeignKey, Index, IndexKey, PrimaryKey, Schema, Securable, SecurableKind, Table,
    Unique, inherited_column, inheriting_column, naming,
};
use crate::sql::lexer::{Kind, mentions, tokenize};
use indexmap::IndexMap;
use std::collections::HashSet;

/// The outcome of a comparison.
#[derive(Clone, Debug)]
pub(crate) struct Diff {
    pub changes: Vec<Change>,
    /// The current schema with the planned renames applied: what the
    /// remaining changes start from.
    pub base: Schema,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The changes that turn `current` into `desired` under `hooks`' rules.
pub(crate) fn diff(current: &Schema, desired: &Schema, hooks: &dyn DiffHooks) -> Diff {
    let mut changes = Vec::new();
    let mut base = current.clone();

    privileges::diff_extensions(current, desired, &mut changes);
    for (name, values) in &desired.enums {
        match current.enums.get(name) {
            None => changes.push(Change::CreateEnum { name: name.clone(), values: values.clone() }),
            Some(existing) if existing == values => {}
            Some(existing) => changes.push(enum_change(name, existing, values, desired, hooks)),
        }
    }

    for (name, collation) in &desired.collations {
        match current.collations.get(name) {
            None => changes.push(Change::CreateCollation(collation.clone())),
            Some(existing) if existing == collation => {}
            Some(existing) => changes.push(Change::AlterCollation { from: existing.clone(), to: collation.clone() }),
        }
    }
    for (name, domain) in &desired.domains {
        match current.domains.get(name) {
            None => changes.push(Change::CreateDomain(domain.clone())),
            Some(existing) if existing == domain => {}
            Some(existing) => changes.push(Change::AlterDomain { from: existing.clone(), to: domain.clone() }),
        }
    }
    for (name, composite) in &desired.composite_types {
        match current.composite_types.get(name) {
            None => changes.push(Change::CreateCompositeType(composite.clone())),
            Some(existing) if existing == composite => {}
            Some(existing) => {
                changes.push(Change::AlterCompositeType { from: existing.clone(), to: composite.clone() })
            }
        }
    }
    for table in desired.tables.values() {
        if let Some(old) = &table.renamed_from
            && !base.tables.contains_key(&table.name)
            && base.tables.contains_key(old)
            && !desired.tables.contains_key(old)
        {
            rename_table(&mut base, old, &table.name);
            changes.push(Change::RenameTable { from: old.clone(), to: table.name.clone() });
        }
    }
    for table in desired.tables.values() {
        let Some(current_table) = base.tables.get(&table.name) else {
            continue;
        };
        let mut renames = Vec::new();
        for column in table.columns.values() {
            if let Some(old) = &column.renamed_from
                && !current_table.columns.contains_key(&column.name)
                && current_table.columns.contains_key(old)
                && !table.columns.contains_key(old)
            {
                renames.push((old.clone(), column.name.clone()));
            }
        }
        for (from, to) in renames {
            rename_column(&mut base, &table.name, &from, &to, hooks);
            changes.push(Change::RenameColumn { table: table.name.clone(), from, to });
        }
    }

    for (name, sequence) in &desired.sequences {
        match base.sequences.get(name) {
            None => changes.push(Change::CreateSequence(sequence.clone())),
            Some(existing) if existing == sequence => {}
            Some(existing) => changes.push(Change::AlterSequence { from: existing.clone(), to: sequence.clone() }),
        }
    }
    for table in parents_first(desired) {
        let parent = table.partition_of.as_ref().and_then(|p| desired.tables.get(&p.parent));
        let inherited_from = table.inherits.as_ref().and_then(|p| desired.tables.get(p));
        match base.tables.get(&table.name) {
            None => {
                changes.push(Change::CreateTable(table.clone()));
                for policy in table.policies.values() {
                    changes.push(Change::CreatePolicy { table: table.name.clone(), policy: policy.clone() });
                }
                if table.row_level_security.is_some() {
                    changes.push(Change::SetRowLevelSecurity {
                        table: table.name.clone(),
                        from: None,
                        to: table.row_level_security.clone(),
                    });
                }
                // Made with its parent's columns; then what differs.
                if let Some(parent) = parent {
                    for column in table.columns.values() {
                        let Some(inherited) = parent.columns.get(&column.name).map(|c| inherited_column(parent, c))
                        else {
                            continue;
                        };
                        if let Some(change) = partition_column_change(&table.name, inherited, column) {
                            changes.push(change);
                        }
                    }
                }
            }
            Some(current_table) => {
                let same_parent = current_table.partition_of.as_ref().map(|p| &p.parent)
                    == table.partition_of.as_ref().map(|p| &p.parent);
                let partition = parent.map(|parent| PartitionParent {
                    before: if same_parent { base.tables.get(&parent.name) } else { None },
                    after: parent,
                    inheriting: false,
                });
                // A table that keeps inheriting from the same parent.
                let inheritance = inherited_from.filter(|_| current_table.inherits == table.inherits).map(|parent| {
                    PartitionParent { before: base.tables.get(&parent.name), after: parent, inheriting: true }
                });
                diff_table(current_table, table, partition.or(inheritance), hooks, &mut changes)
            }
        }
    }
    let mut dropped: Vec<&str> =
        base.dependency_order().into_iter().filter(|t| !desired.tables.contains_key(*t)).collect();
    dropped.reverse();
    for name in dropped {
        changes.push(Change::DropTable(base.tables[name].clone()));
    }
    for (name, collation) in &current.collations {
        if !desired.collations.contains_key(name) {
            changes.push(Change::DropCollation(collation.clone()));
        }
    }
    for (name, domain) in &current.domains {
        if !desired.domains.contains_key(name) {
            changes.push(Change::DropDomain(domain.clone()));
        }
    }
    for (name, composite) in &current.composite_types {
        if !desired.composite_types.contains_key(name) {
            changes.push(Change::DropCompositeType(composite.clone()));
        }
    }
    for name in current.enums.keys() {
        if !desired.enums.contains_key(name) {
            changes.push(Change::DropEnum { name: name.clone() });
        }
    }
    for (name, sequence) in &current.sequences {
        if !desired.sequences.contains_key(name) {
            changes.push(Change::DropSequence(sequence.clone()));
        }
    }
    objects::diff_objects(&base, desired, hooks, &mut changes);
    privileges::drop_extensions(current, desired, &mut changes);
    privileges::diff_privileges(&base, desired, &mut changes);
    Diff { changes, base }
}

/// Adding labels (keeping the existing ones in order) is an `ADD VALUE`
/// each, unless the dialect says it can't add these in place; anything
/// else recreates the type.
fn enum_change(name: &str, existing: &[String], wanted: &[String], desired: &Schema, hooks: &dyn DiffHooks) -> Change {
    let kept: Vec<&String> = wanted.iter().filter(|v| existing.contains(v)).collect();
    let only_additions = kept.len() == existing.len() && kept.iter().zip(existing).all(|(a, b)| *a == b);
    let added: Vec<&str> = wanted.iter().filter(|v| !existing.contains(v)).map(String::as_str).collect();
    if !only_additions || !hooks.adds_enum_labels_in_place(name, &added, desired) {
        return Change::RecreateEnum { name: name.to_string(), from: existing.to_vec(), to: wanted.to_vec() };
    }
    let mut values = Vec::new();
    for (i, value) in wanted.iter().enumerate() {
        if !existing.contains(value) {
            let before = wanted[i + 1..].iter().find(|v| existing.contains(v)).cloned();
            values.push((value.clone(), before));
        }
    }
    Change::AddEnumValues { name: name.to_string(), values }
}

/// The tables of `schema`, each partitioned table before its partitions
/// (otherwise in their order).
fn parents_first(schema: &Schema) -> Vec<&Table> {
    let depth = |table: &Table| {
        let mut depth = 0;
        let mut current = table;
        while let Some(parent) = (current.partition_of.as_ref().map(|p| &p.parent).or(current.inherits.as_ref()))
            .and_then(|p| schema.tables.get(p))
        {
            depth += 1;
            current = parent;
            if depth > schema.tables.len() {
                break;
            }
        }
        depth
    };
    let mut tables: Vec<&Table> = schema.tables.values().collect();
    tables.sort_by_key(|t| depth(t));
    tables
}

/// A partition's parent: as it is (when the table already is its
/// partition, else `None`) and as it will be.
struct PartitionParent<'a> {
    before: Option<&'a Table>,
    after: &'a Table,
    /// The table inherits from it (`INHERITS`) rather than being its
    /// partition: it has columns of its own too.
    inheriting: bool,
}

/// A partition's own default, NOT NULL and comment, where `column` differs
/// from what it has (`from`): the rest of a partition's column is its
/// parent's, changed with it.
fn partition_column_change(table: &str, from: Column, column: &Column) -> Option<Change> {
    if from.default == column.default && from.nullable == column.nullable && from.comment == column.comment {
        return None;
    }
    let to = Column {
        default: column.default.clone(),
        nullable: column.nullable,
        comment: column.comment.clone(),
        ..from.clone()
    };
    Some(Change::AlterColumn { table: table.to_string(), from, to, recreate: false })
}

/// The columns of a table that stays a partition of the same parent: the
/// parent's column changes reach it by themselves (PostgreSQL recurses
/// them), so only its own differences are changes.
fn diff_partition_columns(current: &Table, desired: &Table, parent: &PartitionParent, changes: &mut Vec<Change>) {
    for column in desired.columns.values() {
        let after = parent.after.columns.get(&column.name).map(|c| inherited_column(parent.after, c));
        let before = parent.before.and_then(|p| p.columns.get(&column.name).map(|c| inherited_column(p, c)));
        let from = match (current.columns.get(&column.name), after) {
            (Some(existing), Some(after)) => {
                let mut from = existing.clone();
                let before = before.unwrap_or_else(|| after.clone());
                if before.default != after.default {
                    from.default = after.default.clone();
                }
                if before.nullable != after.nullable {
                    from.nullable = after.nullable;
                }
                Column { default: from.default, nullable: from.nullable, comment: from.comment, ..after }
            }
            // Added to the parent, and so to the partition.
            (None, Some(after)) => after,
            _ => continue,
        };
        if let Some(change) = partition_column_change(&desired.name, from, column) {
            changes.push(change);
        }
    }
}

/// The columns of a table that keeps inheriting from the same parent: the
/// parent's columns as for a partition (their changes are the parent's,
/// and reach it); a column the parent drops stays (it is dropped `ONLY`
/// from the parent) unless the table lets it go too; its own columns as
/// any table's.
fn diff_inheriting_columns(current: &Table, desired: &Table, parent: &PartitionParent, changes: &mut Vec<Change>) {
    let t = || desired.name.clone();
    let in_parent = |table: Option<&Table>, name: &str| table.is_some_and(|p| p.columns.contains_key(name));
    for column in desired.columns.values() {
        if in_parent(Some(parent.after), &column.name) {
            let after = inheriting_column(parent.after, &parent.after.columns[&column.name]);
            let before = parent.before.and_then(|p| p.columns.get(&column.name).map(|c| inheriting_column(p, c)));
            let from = match (current.columns.get(&column.name), before) {
                (Some(existing), Some(before)) => {
                    let mut from = existing.clone();
                    if before.default != after.default {
                        from.default = after.default.clone();
                    }
                    if before.nullable != after.nullable {
                        from.nullable = after.nullable;
                    }
                    Column { default: from.default, nullable: from.nullable, comment: from.comment, ..after }
                }
                // The table's own column, now the parent's too: merged as
                // the parent adds it (the types must agree).
                (Some(existing), None) => Column { sql_type: after.sql_type.clone(), ..existing.clone() },
                // Added to the parent, and so to the table.
                (None, _) => after,
            };
            if let Some(change) = partition_column_change(&desired.name, from, column) {
                changes.push(change);
            }
            continue;
        }
        match current.columns.get(&column.name) {
            None => changes.push(Change::AddColumn { table: t(), column: column.clone() }),
            Some(existing) if !existing.same_definition(column) => changes.push(Change::AlterColumn {
                table: t(),
                from: existing.clone(),
                to: column.clone(),
                recreate: false,
            }),
            Some(_) => {}
        }
    }
    for column in current.columns.values() {
        if !desired.columns.contains_key(&column.name) && !in_parent(Some(parent.after), &column.name) {
            changes.push(Change::DropColumn { table: t(), column: column.clone() });
        }
    }
}

fn diff_table(
    current: &Table,
    desired: &Table,
    partition: Option<PartitionParent>,
    hooks: &dyn DiffHooks,
    changes: &mut Vec<Change>,
) {
    // A column the dialect recreates (drops and adds again) loses the keys,
    // checks and indexes on it: compare against a table without them, so
    // that they are made again.
    let retyped: Vec<&str> = desired
        .columns
        .values()
        .filter(|c| current.columns.get(&c.name).is_some_and(|old| old.sql_type != c.sql_type))
        .map(|c| c.name.as_str())
        .collect();
    let recreates =
        |c: &Column| current.columns.get(&c.name).is_some_and(|old| hooks.recreates_column(old, c, &retyped));
    let recreated: Vec<&str> = desired.columns.values().filter(|c| recreates(c)).map(|c| c.name.as_str()).collect();
    let without;
    let current = if recreated.is_empty() {
        current
    } else {
        without = without_dependents(current, &recreated);
        &without
    };
    let remade;
    let current = if hooks.remakes_expressions_on_retype() && !retyped.is_empty() {
        remade = remake_on_retype(current, &desired.name, &retyped, changes);
        &remade
    } else {
        current
    };
    let t = || desired.name.clone();
    // A table to be attached keeps the checks it shares with its parent
    // (attaching requires them, and they are the parent's thereafter) and
    // gets those it lacks.
    let mut parent_checks = Vec::new();
    let kept_checks;
    let current = match partition.as_ref().filter(|p| p.before.is_none() && !p.inheriting) {
        Some(parent) => {
            parent_checks =
                parent.after.checks.values().filter(|c| !current.checks.contains_key(&c.name)).cloned().collect();
            let mut table = current.clone();
            table.checks.retain(|name, _| !parent.after.checks.contains_key(name));
            kept_checks = table;
            &kept_checks
        }
        None => current,
    };
    if let Some(parent) = partition.as_ref().filter(|p| p.inheriting) {
        diff_inheriting_columns(current, desired, parent, changes);
    } else if let Some(parent) = partition.as_ref().filter(|p| p.before.is_some()) {
        diff_partition_columns(current, desired, parent, changes);
    } else {
        for column in desired.columns.values() {
            let recreate = recreated.contains(&column.name.as_str());
            match current.columns.get(&column.name) {
                None => changes.push(Change::AddColumn { table: t(), column: column.clone() }),
                Some(existing) if !existing.same_definition(column) || recreate => changes.push(Change::AlterColumn {
                    table: t(),
                    from: existing.clone(),
                    to: column.clone(),
                    recreate,
                }),
                Some(_) => {}
            }
        }
        for column in current.columns.values() {
            if !desired.columns.contains_key(&column.name) {
                changes.push(Change::DropColumn { table: t(), column: column.clone() });
            }
        }
    }
    let t_name = desired.name.as_str();
    let pk_matches = match (&current.primary_key, &desired.primary_key) {
        (Some(c), Some(d)) => {
            let same = same_apart_from_comment(c, d) || (c.same_definition(d) && d.name == naming::primary_key(t_name));
            if same && c.comment != d.comment {
                changes.push(Change::SetComment {
                    table: t(),
                    on: PrimaryKey::comment_on(&c.name),
                    comment: d.comment.clone(),
                });
            }
            same
        }
        (c, d) => c == d,
    };
    if !pk_matches {
        changes.push(Change::SetPrimaryKey {
            table: t(),
            from: current.primary_key.clone(),
            to: desired.primary_key.clone(),
        });
    }
    diff_named(
        &current.uniques,
        &desired.uniques,
        changes,
        t_name,
        |a, b| a.columns == b.columns && a.nulls_not_distinct == b.nulls_not_distinct,
        |u| u.name == naming::unique(t_name, &u.columns),
        |u| Change::DropUnique { table: t(), unique: u.clone() },
        |u| Change::AddUnique { table: t(), unique: u.clone() },
    );
    diff_named(
        &current.checks,
        &desired.checks,
        changes,
        t_name,
        |a, b| a.expr == b.expr,
        |c| is_conventional_check_name(desired, &c.name),
        |c| Change::DropCheck { table: t(), check: c.clone() },
        |c| Change::AddCheck { table: t(), check: c.clone() },
    );
    diff_named(
        &current.foreign_keys,
        &desired.foreign_keys,
        changes,
        t_name,
        |a, b| a.same_definition(b),
        |fk| fk.name == naming::foreign_key(t_name, &fk.columns),
        |fk| Change::DropForeignKey { table: t(), foreign_key: fk.clone() },
        |fk| Change::AddForeignKey { table: t(), foreign_key: fk.clone() },
    );
    // Kept, but added NOT VALID by an apply that stopped before validating
    // (one the file keeps `validated: false` stays so).
    for (name, live) in &current.checks {
        if live.not_valid && desired.checks.get(name).is_some_and(|c| c.expr == live.expr && !c.not_valid) {
            changes.push(Change::ValidateConstraint { table: t(), name: name.clone() });
        }
    }
    for (name, live) in &current.foreign_keys {
        let same = |fk: &ForeignKey| !fk.not_valid && ForeignKey { comment: fk.comment.clone(), ..live.clone() } == *fk;
        if live.not_valid && desired.foreign_keys.get(name).is_some_and(same) {
            changes.push(Change::ValidateConstraint { table: t(), name: name.clone() });
        }
    }
    diff_named(
        &current.exclusions,
        &desired.exclusions,
        changes,
        t_name,
        |_, _| false,
        |_| false,
        |x| Change::DropExclusion { table: t(), exclusion: x.clone() },
        |x| Change::AddExclusion { table: t(), exclusion: x.clone() },
    );
    diff_named(
        &current.indexes,
        &desired.indexes,
        changes,
        t_name,
        |_, _| false,
        |_| false,
        |i| Change::DropIndex { table: t(), index: i.clone() },
        |i| Change::CreateIndex { table: t(), index: i.clone() },
    );
    for (name, wanted) in &desired.statistics {
        match current.statistics.get(name) {
            None => changes.push(Change::CreateStatistics { table: t(), statistics: wanted.clone() }),
            Some(live) if !live.same_definition(wanted) || live.comment != wanted.comment => {
                changes.push(Change::AlterStatistics { table: t(), from: live.clone(), to: wanted.clone() })
            }
            Some(_) => {}
        }
    }
    for (name, live) in &current.statistics {
        if !desired.statistics.contains_key(name) {
            changes.push(Change::DropStatistics { table: t(), statistics: live.clone() });
        }
    }
    if current.comment != desired.comment {
        changes.push(Change::SetTableComment { table: t(), comment: desired.comment.clone() });
    }
    if current.inherits != desired.inherits {
        changes.push(Change::SetInherits { table: t(), from: current.inherits.clone(), to: desired.inherits.clone() });
    }
    let key = |k: &Option<String>| k.as_ref().map(|k| Expr::new(k.clone()));
    if key(&current.partition_by) != key(&desired.partition_by) {
        changes.push(Change::SetPartitionBy {
            table: t(),
            from: current.partition_by.clone(),
            to: desired.partition_by.clone(),
        });
    }
    if current.partition_of != desired.partition_of {
        changes.push(Change::SetPartition {
            table: t(),
            from: current.partition_of.clone(),
            to: desired.partition_of.clone(),
            checks: parent_checks,
        });
    }
    diff_policies(current, desired, &retyped, changes);
    if current.unlogged != desired.unlogged {
        changes.push(Change::SetUnlogged { table: t(), unlogged: desired.unlogged });
    }
    if current.storage != desired.storage {
        changes.push(Change::SetStorageParameters {
            table: t(),
            from: current.storage.clone(),
            to: desired.storage.clone(),
        });
    }
    let storage =
        |t: &Table| (t.engine.clone(), t.row_format.clone(), t.collation.as_deref().map(str::to_ascii_lowercase));
    if storage(current) != storage(desired) {
        changes.push(Change::SetStorage {
            table: t(),
            engine: desired.engine.clone(),
            row_format: desired.row_format.clone(),
            collation: desired.collation.clone(),
        });
    }
    if (current.strict, current.without_rowid) != (desired.strict, desired.without_rowid) {
        changes.push(Change::SetTableOptions {
            table: t(),
            strict: desired.strict,
            without_rowid: desired.without_rowid,
        });
    }
}

/// Row level security and its policies. A policy that reads a retyped
/// column is made again (PostgreSQL refuses the type change under it), as
/// is one whose kind or command changes, or that loses its `USING` or
/// `WITH CHECK` (which `ALTER POLICY` cannot remove).
fn diff_policies(current: &Table, desired: &Table, retyped: &[&str], changes: &mut Vec<Change>) {
    let t = || desired.name.clone();
    let reads_retyped = |p: &crate::model::Policy| {
        [&p.using, &p.with_check].into_iter().flatten().any(|e| retyped.iter().any(|c| mentions(e.as_str(), c)))
    };
    for (name, live) in &current.policies {
        match desired.policies.get(name) {
            None => changes.push(Change::DropPolicy { table: t(), policy: live.clone(), remade: false }),
            Some(wanted) if live == wanted && !reads_retyped(live) => {}
            Some(wanted) => {
                let alterable = live.permissive == wanted.permissive
                    && live.command == wanted.command
                    && live.using.is_some() == wanted.using.is_some()
                    && live.with_check.is_some() == wanted.with_check.is_some()
                    && !reads_retyped(live);
                if alterable {
                    changes.push(Change::AlterPolicy { table: t(), from: live.clone(), to: wanted.clone() });
                } else {
                    changes.push(Change::DropPolicy { table: t(), policy: live.clone(), remade: true });
                    changes.push(Change::CreatePolicy { table: t(), policy: wanted.clone() });
                }
            }
        }
    }
    for (name, wanted) in &desired.policies {
        if !current.policies.contains_key(name) {
            changes.push(Change::CreatePolicy { table: t(), policy: wanted.clone() });
        }
    }
    if current.row_level_security != desired.row_level_security {
        changes.push(Change::SetRowLevelSecurity {
            table: t(),
            from: current.row_level_security.clone(),
            to: desired.row_level_security.clone(),
        });
    }
}

/// Objects matched by name: missing ones are added, extra ones dropped,
/// and changed ones dropped then added; a comment that alone changes is a
/// change of its own.
///
/// A desired object whose name is only the conventional one (the file
/// never named it) also matches an existing object with the same
/// definition under another name: after a table or column rename the old
/// conventional names live on in the database, and a rename must not turn
/// into rebuilding constraints that are unchanged.
#[allow(clippy::too_many_arguments)]
fn diff_named<T: Commented>(
    current: &IndexMap<String, T>,
    desired: &IndexMap<String, T>,
    changes: &mut Vec<Change>,
    table: &str,
    same_definition: impl Fn(&T, &T) -> bool,
    conventional: impl Fn(&T) -> bool,
    drop: impl Fn(&T) -> Change,
    add: impl Fn(&T) -> Change,
) {
    let mut kept: HashSet<&str> = HashSet::new();
    let mut to_add = Vec::new();
    let mut comments = Vec::new();
    let mut comment = |live_name: &str, existing: &T, object: &T| {
        if existing.comment() != object.comment() {
            comments.push(Change::SetComment {
                table: table.to_string(),
                on: T::comment_on(live_name),
                comment: object.comment().clone(),
            });
        }
    };
    for (name, object) in desired {
        if let Some(existing) = current.get(name)
            && same_apart_from_comment(existing, object)
        {
            kept.insert(name);
            comment(name, existing, object);
            continue;
        }
        let adopted = conventional(object).then(|| {
            current.iter().find(|(old, existing)| {
                !kept.contains(old.as_str()) && !desired.contains_key(*old) && same_definition(existing, object)
            })
        });
        match adopted.flatten() {
            Some((old, existing)) => {
                kept.insert(old);
                comment(old, existing, object);
            }
            None => to_add.push(object),
        }
    }
    for (name, object) in current {
        if !kept.contains(name.as_str()) {
            changes.push(drop(object));
        }
    }
    changes.extend(to_add.into_iter().map(add));
    changes.extend(comments);
}

/// An index or a constraint: its comment changes on its own, without
/// remaking it.
trait Commented: Clone + PartialEq {
    fn comment(&self) -> &Option<String>;
    fn comment_mut(&mut self) -> &mut Option<String>;
    fn comment_on(name: &str) -> CommentOn;
}

fn same_apart_from_comment<T: Commented>(a: &T, b: &T) -> bool {
    if a.comment() == b.comment() {
        return a == b;
    }
    let mut a = a.clone();
    *a.comment_mut() = b.comment().clone();
    a == *b
}

macro_rules! commented {
    ($($type:ty => $on:ident),*) => {$(
        impl Commented for $type {
            fn comment(&self) -> &Option<String> {
                &self.comment
            }
            fn comment_mut(&mut self) -> &mut Option<String> {
                &mut self.comment
            }
            fn comment_on(name: &str) -> CommentOn {
                CommentOn::$on(name.to_string())
            }
        }
    )*};
}
commented!(
    PrimaryKey => Constraint,
    Unique => Constraint,
    Check => Constraint,
    ForeignKey => Constraint,
    Exclusion => Constraint,
    Index => Index
);

/// Whether `name` is one of the names a check gets when the file doesn't
/// name it.
fn is_conventional_check_name(table: &Table, name: &str) -> bool {
    table.columns.keys().any(|c| naming::check(&table.name, c) == name)
        || (0..=table.checks.len()).any(|n| naming::table_check(&table.name, n) == name)
}

/// Renames a table in `schema`, including the references to it.
/// The grants on the sequences of `from`'s serial and identity columns
/// (one column's, or the table's) follow a rename to `to`. A serial
/// column's sequence is renamed with it (`<table>_<column>_seq`).
fn follow_column_sequences(schema: &mut Schema, from: (&str, Option<&str>), to: (&str, Option<&str>)) {
    let moved: Vec<Securable> = schema
        .privileges
        .iter()
        .filter(|(_, p)| p.column.as_ref().is_some_and(|(t, c)| t == from.0 && from.1.is_none_or(|f| f == c)))
        .map(|(object, _)| object.clone())
        .collect();
    for object in moved {
        let mut privileges = schema.privileges.shift_remove(&object).expect("listed above");
        let (_, column) = privileges.column.clone().expect("a column's sequence");
        let column = to.1.map_or(column, str::to_string);
        let serial = schema
            .tables
            .get(to.0)
            .or(schema.tables.get(from.0))
            .and_then(|t| t.columns.get(&column).or(from.1.and_then(|f| t.columns.get(f))));
        let name = if serial.is_some_and(|c| c.sql_type.is_serial()) {
            naming::serial_sequence_in_schema(to.0, &column)
        } else {
            object.name.clone()
        };
        privileges.column = Some((to.0.to_string(), column));
        schema.privileges.insert(Securable::new(SecurableKind::Sequence, name), privileges);
    }
}

fn rename_table(schema: &mut Schema, from: &str, to: &str) {
    let Some(index) = schema.tables.get_index_of(from) else {
        return;
    };
    let (_, mut table) = schema.tables.shift_remove_index(index).expect("index is valid");
    table.name = to.to_string();
    schema.tables.shift_insert(index, to.to_string(), table);
    // Its owner and grants go with it, and its columns' sequences' grants
    // (a serial column's sequence is renamed with it).
    if let Some(privileges) = schema.privileges.shift_remove(&Securable::new(SecurableKind::Table, from)) {
        schema.privileges.insert(Securable::new(SecurableKind::Table, to), privileges);
    }
    follow_column_sequences(schema, (from, None), (to, None));
    for table in schema.tables.values_mut() {
        for fk in table.foreign_keys.values_mut() {
            if fk.ref_table == from {
                fk.ref_table = to.to_string();
            }
        }
        if let Some(partition) = &mut table.partition_of
            && partition.parent == from
        {
            partition.parent = to.to_string();
        }
        if table.inherits.as_deref() == Some(from) {
            table.inherits = Some(to.to_string());
        }
    }
    for sequence in schema.sequences.values_mut() {
        if let Some((table, _)) = &mut sequence.owned_by
            && table == from
        {
            *table = to.to_string();
        }
    }
    // The database follows the rename in what names the table.
    for view in schema.views.values_mut() {
        view.query = rename_in_expr(&view.query, naming::bare(from), naming::bare(to));
    }
    schema.triggers = std::mem::take(&mut schema.triggers)
        .into_iter()
        .map(|((table, name), mut trigger)| {
            if table == from {
                trigger.table = to.to_string();
                ((to.to_string(), name), trigger)
            } else {
                ((table, name), trigger)
            }
        })
        .collect();
}

/// Renames a column, including every key, index, expression and foreign
/// key that names it, the way the database's own RENAME COLUMN does.
fn rename_column(schema: &mut Schema, table_name: &str, from: &str, to: &str, hooks: &dyn DiffHooks) {
    let rename = |c: &mut String| {
        if c == from {
            *c = to.to_string();
        }
    };
    follow_column_sequences(schema, (table_name, Some(from)), (table_name, Some(to)));
    if let Some(privileges) = schema.privileges.get_mut(&Securable::new(SecurableKind::Table, table_name)) {
        for held in privileges.grants.0.values_mut() {
            let moved: Vec<_> = held.keys().filter(|(_, c)| c.as_deref() == Some(from)).cloned().collect();
            for key in moved {
                let option = held.remove(&key).unwrap_or_default();
                held.insert((key.0, Some(to.to_string())), option);
            }
        }
    }
    let Some(table) = schema.tables.get_mut(table_name) else {
        return;
    };
    if let Some(index) = table.columns.get_index_of(from) {
        let (_, mut column) = table.columns.shift_remove_index(index).expect("index is valid");
        column.name = to.to_string();
        table.columns.shift_insert(index, to.to_string(), column);
    }
    if let Some(pk) = &mut table.primary_key {
        pk.columns.iter_mut().for_each(rename);
    }
    for unique in table.uniques.values_mut() {
        unique.columns.iter_mut().for_each(rename);
    }
    for fk in table.foreign_keys.values_mut() {
        fk.columns.iter_mut().for_each(rename);
    }
    for check in table.checks.values_mut() {
        check.expr = rename_in_expr(&check.expr, from, to);
    }
    for statistics in table.statistics.values_mut() {
        statistics.columns.iter_mut().for_each(rename);
    }
    // PostgreSQL renames the column in the partition key too.
    if let Some(key) = &table.partition_by {
        table.partition_by = Some(rename_in_expr(&Expr::new(key.clone()), from, to).as_str().to_string());
    }
    // Databases rewrite a generated column's expression on a rename.
    for column in table.columns.values_mut() {
        if let Some(generated) = &column.generated {
            column.generated = Some(rename_in_expr(generated, from, to));
        }
    }
    for index in table.indexes.values_mut() {
        for part in &mut index.parts {
            match &mut part.key {
                IndexKey::Column(c) => rename(c),
                IndexKey::Expr(e) => *e = rename_in_expr(e, from, to),
            }
        }
        if let Some(predicate) = &index.predicate {
            index.predicate = Some(rename_in_expr(predicate, from, to));
        }
    }
    for exclusion in table.exclusions.values_mut() {
        for element in &mut exclusion.elements {
            match &mut element.part.key {
                IndexKey::Column(c) => rename(c),
                IndexKey::Expr(e) => *e = rename_in_expr(e, from, to),
            }
        }
        if let Some(predicate) = &exclusion.predicate {
            exclusion.predicate = Some(rename_in_expr(predicate, from, to));
        }
    }
    for other in schema.tables.values_mut() {
        for fk in other.foreign_keys.values_mut() {
            if fk.ref_table == table_name {
                fk.ref_columns.iter_mut().for_each(rename);
            }
        }
    }
    for sequence in schema.sequences.values_mut() {
        if let Some((table, column)) = &mut sequence.owned_by
            && table == table_name
        {
            rename(column);
        }
    }
    let views_follow = schema.tables.get(table_name).is_some_and(|t| hooks.views_follow_column_rename(t, to));
    for view in schema.views.values_mut().filter(|_| views_follow) {
        if mentions(view.query.as_str(), naming::bare(table_name)) {
            view.query = rename_in_expr(&view.query, from, to);
        }
    }
    for trigger in schema.triggers.values_mut().filter(|t| t.table == table_name) {
        trigger.update_of.iter_mut().for_each(rename);
        if let Some(when) = &trigger.when {
            trigger.when = Some(rename_in_expr(when, from, to));
        }
    }
    // A partitioned table's column is renamed in its partitions too, and a
    // parent's in the tables inheriting it.
    let partitions: Vec<String> = schema
        .tables
        .values()
        .filter(|t| {
            (t.partition_of.as_ref().is_some_and(|p| p.parent == table_name)
                || t.inherits.as_deref() == Some(table_name))
                && t.name != table_name
        })
        .map(|t| t.name.clone())
        .collect();
    for partition in partitions {
        rename_column(schema, &partition, from, to, hooks);
    }
}

/// `table` without the keys, checks, foreign keys, indexes and statistics
/// that involve any of `columns`.
fn without_dependents(table: &Table, columns: &[&str]) -> Table {
    let named = |list: &[String]| list.iter().any(|c| columns.contains(&c.as_str()));
    let in_expr = |e: &Expr| columns.iter().any(|c| mentions(e.as_str(), c));
    let mut table = table.clone();
    if table.primary_key.as_ref().is_some_and(|pk| named(&pk.columns)) {
        table.primary_key = None;
    }
    table.uniques.retain(|_, u| !named(&u.columns));
    table.checks.retain(|_, c| !in_expr(&c.expr));
    table.exclusions.retain(|_, x| {
        let element_uses = x.elements.iter().any(|e| match &e.part.key {
            IndexKey::Column(c) => columns.contains(&c.as_str()),
            IndexKey::Expr(e) => in_expr(e),
        });
        !element_uses && !x.predicate.as_ref().is_some_and(in_expr)
    });
    table.foreign_keys.retain(|_, fk| !named(&fk.columns));
    table.statistics.retain(|_, s| !named(&s.columns));
    table.indexes.retain(|_, i| {
        let part_uses = i.parts.iter().any(|p| match &p.key {
            IndexKey::Column(c) => columns.contains(&c.as_str()),
            IndexKey::Expr(e) => in_expr(e),
        });
        !part_uses && !named(&i.include) && !i.predicate.as_ref().is_some_and(in_expr)
    });
    table
}

/// Drops the checks, and the indexes with an expression or a predicate,
/// that read a retyped column; returns `table` without them, so that the
/// differ makes them again.
fn remake_on_retype(table: &Table, name: &str, retyped: &[&str], changes: &mut Vec<Change>) -> Table {
    let in_expr = |e: &Expr| retyped.iter().any(|c| mentions(e.as_str(), c));
    let mut table = table.clone();
    let checks: Vec<String> = table.checks.values().filter(|c| in_expr(&c.expr)).map(|c| c.name.clone()).collect();
    for check in checks {
        let check = table.checks.shift_remove(&check).expect("listed above");
        changes.push(Change::DropCheck { table: name.to_string(), check });
    }
    let indexes: Vec<String> = table
        .indexes
        .values()
        .filter(|i| {
            i.parts.iter().any(|p| matches!(&p.key, IndexKey::Expr(e) if in_expr(e)))
                || i.predicate.as_ref().is_some_and(in_expr)
        })
        .map(|i| i.name.clone())
        .collect();
    for index in indexes {
        let index = table.indexes.shift_remove(&index).expect("listed above");
        changes.push(Change::DropIndex { table: name.to_string(), index });
    }
    table
}

/// Replaces identifier tokens naming `from` by `to` (quoted).
fn rename_in_expr(expr: &Expr, from: &str, to: &str) -> Expr {
    let text = expr.as_str();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for token in tokenize(text) {
        let names_it = match token.kind {
            Kind::Word => token.text.eq_ignore_ascii_case(from),
            Kind::QuotedIdent => token.ident() == from,
            _ => false,
        };
        if names_it {
            out.push_str(&text[last..token.start]);
            out.push_str(&crate::sql::quote_ident(to));
            last = token.end;
        }
    }
    out.push_str(&text[last..]);
    Expr::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::file::load_str;
    use std::path::Path;

    fn schema(yaml: &str) -> Schema {
        load_str(yaml, Path::new("test.yaml")).unwrap()
    }

    #[test]
    fn identical_schemas_have_no_changes() {
        let s = schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n");
        assert!(diff(&s, &s, &Neutral).is_empty());
    }

    #[test]
    fn renamed_column_keeps_its_index_and_check() {
        let before = schema(
            "tables:\n  t:\n    columns:\n      a: { type: integer, check: \"a > 0\" }\n    indexes:\n      t_a: { columns: [a] }\n",
        );
        let mut after = schema(
            "tables:\n  t:\n    columns:\n      b: { type: integer, renamed_from: a }\n    checks:\n      t_a_check: \"b > 0\"\n    indexes:\n      t_a: { columns: [b] }\n",
        );
        after.tables[0].renamed_from = None;
        let d = diff(&before, &after, &Neutral);
        assert_eq!(d.changes, [Change::RenameColumn { table: "t".into(), from: "a".into(), to: "b".into() }]);
    }

    #[test]
    fn removed_and_added_column_without_hint_is_drop_and_add() {
        let before = schema("tables:\n  t:\n    columns:\n      a: { type: integer }\n");
        let after = schema("tables:\n  t:\n    columns:\n      b: { type: integer }\n");
        let kinds: Vec<_> = diff(&before, &after, &Neutral).changes.iter().map(Change::kind).collect();
        assert_eq!(kinds, ["add_column", "drop_column"]);
    }
}
