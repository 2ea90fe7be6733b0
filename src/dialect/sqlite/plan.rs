//! The SQLite planner.
//!
//! SQLite's ALTER TABLE can rename tables and columns, add a column (with a
//! constant default) and drop a plain column; indexes are separate objects.
//! Every other change goes through the documented table rebuild: create the
//! new table under a scratch name, copy the rows, drop the old table,
//! rename the new one, recreate indexes and triggers. The executor runs the
//! whole plan with foreign key enforcement off (so dropping the old parent
//! table never cascades into child rows) and verifies foreign keys before
//! committing.

use super::ddl;
use super::diff::rename_in_place_fails;
use crate::diff::{Change, Diff};
use crate::error::{Error, Result};
use crate::model::{DefaultValue, Index, IndexKey, Schema, Table};
use crate::plan::{Operation, PlanCheck, Step};
use crate::sql::lexer::mentions;
use indexmap::IndexMap;

/// Prefix of the scratch table a rebuild copies rows into.
const REBUILD_PREFIX: &str = "_dbshape_new_";

/// The steps in the order they run: views and triggers that go or change
/// are dropped before any table changes and made (again) after them all;
/// renames come first, so that every later statement names the new names;
/// a new table is made before the tables that change (they may reference
/// it), and the tables that go are dropped last.
pub(super) fn plan(diff: &Diff, desired: &Schema) -> Result<(Vec<Step>, Vec<PlanCheck>)> {
    let sorted = Sorted::of(diff, desired)?;
    let mut foreign_key_checks = Vec::new();
    let tables = alter_tables(&sorted, diff, desired, &mut foreign_key_checks);
    check_children_of_rebuilt(&tables.rebuilt, diff, desired, &mut foreign_key_checks);
    let created = create_tables(&sorted.creates, desired, &mut foreign_key_checks);
    let mut steps = sorted.object_drops;
    steps.extend(sorted.renames);
    steps.extend(tables.index_drops);
    steps.extend(created);
    steps.extend(tables.alters);
    steps.extend(tables.index_creates);
    steps.extend(sorted.drops.into_iter().map(|change| step(change, ddl::drop_table(change.table()))));
    steps.extend(sorted.object_creates);
    let checks = foreign_key_checks.into_iter().map(|table| PlanCheck::ForeignKeys { table }).collect();
    Ok((steps, checks))
}

/// The changes of a diff sorted by when SQLite makes them.
struct Sorted<'a> {
    /// Views and triggers that go or are made again.
    object_drops: Vec<Step>,
    /// Table and column renames made in place.
    renames: Vec<Step>,
    /// Column renames SQLite cannot make in place: (table, from, to).
    renamed_by_rebuild: Vec<(&'a str, &'a str, &'a str)>,
    /// Every other change of each live table, parents first.
    per_table: IndexMap<&'a str, Vec<&'a Change>>,
    creates: Vec<&'a Change>,
    drops: Vec<&'a Change>,
    /// Views and triggers made (again).
    object_creates: Vec<Step>,
}

impl<'a> Sorted<'a> {
    fn of(diff: &'a Diff, desired: &Schema) -> Result<Sorted<'a>> {
        let mut sorted = Sorted {
            object_drops: Vec::new(),
            renames: Vec::new(),
            renamed_by_rebuild: Vec::new(),
            per_table: IndexMap::new(),
            creates: Vec::new(),
            drops: Vec::new(),
            object_creates: Vec::new(),
        };
        for change in &diff.changes {
            sorted.place(change, diff)?;
        }
        let in_order = desired.dependency_order();
        sorted.per_table.sort_by_key(|table, _| in_order.iter().position(|t| t == table));
        Ok(sorted)
    }

    fn place(&mut self, change: &'a Change, diff: &'a Diff) -> Result<()> {
        match change {
            Change::DropView { view, .. } => self.object_drops.push(step(change, ddl::drop_view(&view.name))),
            Change::DropTrigger(trigger) => self.object_drops.push(step(change, ddl::drop_trigger(&trigger.name))),
            Change::CreateView(view) => self.object_creates.push(step(change, ddl::create_view(view))),
            Change::CreateTrigger(trigger) => self.object_creates.push(step(change, ddl::create_trigger(trigger))),
            // SQLite replaces nothing in place (and keeps no comments).
            Change::ReplaceView { from, to } => {
                self.object_drops.push(unlisted(ddl::drop_view(&from.name)));
                self.object_creates.push(step(change, ddl::create_view(to)));
            }
            Change::ReplaceTrigger { from, to } => {
                self.object_drops.push(unlisted(ddl::drop_trigger(&from.name)));
                self.object_creates.push(step(change, ddl::create_trigger(to)));
            }
            Change::CreateFunction(_) | Change::DropFunction(_) | Change::ReplaceFunction { .. } => {
                return Err(Error::Unsupported(format!("{change}: functions exist on PostgreSQL only")));
            }
            Change::RenameTable { from, to } if from.eq_ignore_ascii_case(to) => {
                // SQLite finds the table itself under its new name: rename
                // through a scratch name.
                let scratch = format!("{REBUILD_PREFIX}{to}");
                let statements =
                    [(from, &scratch), (&scratch, to)].map(|(a, b)| Operation::Sql(ddl::rename_table(a, b)));
                self.renames.push(Step { changes: vec![change.clone()], operations: statements.to_vec(), note: None });
            }
            Change::RenameTable { from, to } => self.renames.push(step(change, ddl::rename_table(from, to))),
            Change::RenameColumn { table, from, to } if rename_in_place_fails(&diff.base.tables[table], to) => {
                self.renamed_by_rebuild.push((table, from, to));
                self.per_table.entry(table).or_default().push(change);
            }
            Change::RenameColumn { table, from, to } => {
                self.renames.push(step(change, ddl::rename_column(table, from, to)))
            }
            Change::CreateTable(_) => self.creates.push(change),
            Change::DropTable(_) => self.drops.push(change),
            // SQLite keeps no comments; normalisation removed them already.
            Change::SetTableComment { .. } | Change::SetComment { .. } => {}
            Change::CreateExtension { .. }
            | Change::CreateEnum { .. }
            | Change::DropEnum { .. }
            | Change::AddEnumValues { .. }
            | Change::RecreateEnum { .. }
            | Change::CreateSequence(_)
            | Change::DropSequence(_)
            | Change::AlterSequence { .. }
            | Change::AddExclusion { .. }
            | Change::DropExclusion { .. }
            | Change::CreateAggregate { .. }
            | Change::DropAggregate(_)
            | Change::SetRowLevelSecurity { .. }
            | Change::CreatePolicy { .. }
            | Change::DropPolicy { .. }
            | Change::AlterPolicy { .. }
            | Change::CreateDomain(_)
            | Change::DropDomain(_)
            | Change::AlterDomain { .. }
            | Change::CreateCompositeType(_)
            | Change::DropCompositeType(_)
            | Change::AlterCompositeType { .. }
            | Change::CreateCollation(_)
            | Change::DropCollation(_)
            | Change::AlterCollation { .. } => {
                return Err(Error::Unsupported(format!(
                    "{change}: enums, domains, types, extensions and sequences exist on PostgreSQL only"
                )));
            }
            _ => self.per_table.entry(change.table()).or_default().push(change),
        }
        Ok(())
    }
}

/// The steps of the live tables' changes.
#[derive(Default)]
struct TableSteps<'a> {
    index_drops: Vec<Step>,
    /// ALTERs in place, and rebuilds.
    alters: Vec<Step>,
    index_creates: Vec<Step>,
    rebuilt: Vec<&'a str>,
}

/// Each live table's changes: in place where SQLite can make them all so,
/// else one rebuild. `foreign_key_checks` gains the tables whose keys the
/// executor checks before committing.
fn alter_tables<'a>(
    sorted: &Sorted<'a>,
    diff: &Diff,
    desired: &Schema,
    foreign_key_checks: &mut Vec<String>,
) -> TableSteps<'a> {
    let base = &diff.base;
    let (children, forced) = rebuilt_for_renames(sorted, diff, desired);
    let views_or_triggers = !base.views.is_empty() || !base.triggers.is_empty();
    let mut steps = TableSteps::default();
    for (table_name, changes) in &sorted.per_table {
        let current = &base.tables[*table_name];
        let target = &desired.tables[*table_name];
        if !forced.contains(table_name) && changes.iter().all(|c| can_alter_in_place(c, current, target)) {
            for change in changes {
                match change {
                    Change::DropIndex { index, .. } => {
                        steps.index_drops.push(step(change, ddl::drop_index(&index.name)))
                    }
                    Change::CreateIndex { table, index } => {
                        steps.index_creates.push(step(change, ddl::create_index(table, index)))
                    }
                    Change::AddColumn { table, column } => {
                        steps.alters.push(step(change, ddl::add_column(table, column)))
                    }
                    Change::DropColumn { table, column } => {
                        steps.alters.push(step(change, ddl::drop_column(table, &column.name)))
                    }
                    _ => unreachable!("can_alter_in_place admits only these"),
                }
            }
        } else {
            let renamed: Vec<(&str, &str)> = sorted
                .renamed_by_rebuild
                .iter()
                .filter(|r| r.0 == *table_name)
                .map(|&(_, from, to)| (to, from))
                .collect();
            let kept = kept_triggers(diff, desired, table_name);
            let mut operations = rebuild(current, target, views_or_triggers, &renamed, &kept);
            for child in children.get(table_name).into_iter().flatten() {
                let kept = kept_triggers(diff, desired, child);
                operations.extend(rebuild(
                    &base.tables[*child],
                    &desired.tables[*child],
                    views_or_triggers,
                    &[],
                    &kept,
                ));
                foreign_key_checks.push(child.to_string());
            }
            let note = if let Some((_, from)) = renamed.first() {
                format!(
                    "SQLite cannot rename column {from} in place (a UNIQUE constraint repeats the one-column key \
                     of a WITHOUT ROWID table): table {table_name} is rebuilt (rows copied into a new table){}",
                    if children.contains_key(table_name) {
                        ", and so are the tables whose foreign keys name it"
                    } else {
                        ""
                    }
                )
            } else if forced.contains(table_name) {
                format!(
                    "a foreign key names a column that is renamed by a rebuild: table {table_name} is rebuilt \
                     (rows copied into a new table)"
                )
            } else {
                let reason = changes
                    .iter()
                    .find(|c| !can_alter_in_place(c, current, target))
                    .map(|c| c.kind().replace('_', " "));
                format!(
                    "SQLite cannot {} in place: table {table_name} is rebuilt (rows copied into a new table)",
                    reason.unwrap_or_default()
                )
            };
            let changes = changes.iter().map(|c| (*c).clone()).collect();
            steps.alters.push(Step { changes, operations, note: Some(note) });
            steps.rebuilt.push(*table_name);
            foreign_key_checks.push(table_name.to_string());
        }
        if changes.iter().any(|c| matches!(c, Change::AddForeignKey { .. }))
            && !foreign_key_checks.iter().any(|t| t == table_name)
        {
            foreign_key_checks.push(table_name.to_string());
        }
    }
    steps
}

/// A rebuild does not rewrite the foreign keys of other tables that name a
/// renamed column, as RENAME COLUMN does: those tables are rebuilt too, in
/// their own step if they have one (`forced`), else in the renamed table's
/// (`children`, by that table).
fn rebuilt_for_renames<'a>(
    sorted: &Sorted<'a>,
    diff: &Diff,
    desired: &'a Schema,
) -> (IndexMap<&'a str, Vec<&'a str>>, Vec<&'a str>) {
    let mut children: IndexMap<&str, Vec<&str>> = IndexMap::new();
    let mut forced: Vec<&str> = Vec::new();
    for &(table, _, to) in &sorted.renamed_by_rebuild {
        for child in desired.tables.values() {
            let names_it =
                child.foreign_keys.values().any(|fk| fk.ref_table == table && fk.ref_columns.iter().any(|c| c == to));
            if child.name == table || !names_it || !diff.base.tables.contains_key(&child.name) {
                continue;
            }
            if sorted.per_table.contains_key(child.name.as_str()) {
                forced.push(&child.name);
            } else if !children.get(table).is_some_and(|c| c.contains(&child.name.as_str())) {
                children.entry(table).or_default().push(&child.name);
            }
        }
    }
    (children, forced)
}

/// A rebuilt table's triggers go with the old table: those that stay as
/// they are are made again with the new one.
fn kept_triggers(diff: &Diff, desired: &Schema, table: &str) -> Vec<String> {
    desired
        .triggers
        .values()
        .filter(|t| t.table == table)
        .filter(|t| {
            !diff.changes.iter().any(|c| {
                matches!(c, Change::CreateTrigger(n) | Change::ReplaceTrigger { to: n, .. } if n.table == t.table && n.name == t.name)
            })
        })
        .map(ddl::create_trigger)
        .collect()
}

/// Children of a rebuilt table are verified too: a changed parent key type
/// could stop their values matching.
fn check_children_of_rebuilt(rebuilt: &[&str], diff: &Diff, desired: &Schema, foreign_key_checks: &mut Vec<String>) {
    for table in desired.tables.values() {
        let references_rebuilt = table.foreign_keys.values().any(|fk| rebuilt.contains(&fk.ref_table.as_str()));
        if references_rebuilt && !foreign_key_checks.contains(&table.name) && diff.base.tables.contains_key(&table.name)
        {
            foreign_key_checks.push(table.name.clone());
        }
    }
}

/// The new tables, parents first, each with its indexes.
fn create_tables(creates: &[&Change], desired: &Schema, foreign_key_checks: &mut Vec<String>) -> Vec<Step> {
    let mut steps = Vec::new();
    for name in desired.dependency_order().into_iter().filter(|t| creates.iter().any(|c| c.table() == *t)) {
        let change = creates.iter().find(|c| c.table() == name).expect("create exists");
        let table = &desired.tables[name];
        let mut statements = vec![ddl::create_table(table, &table.name)];
        statements.extend(table.indexes.values().map(|index| ddl::create_index(name, index)));
        let operations = statements.into_iter().map(Operation::Sql).collect();
        steps.push(Step { changes: vec![(*change).clone()], operations, note: None });
        if !table.foreign_keys.is_empty() {
            foreign_key_checks.push(name.to_string());
        }
    }
    steps
}

fn step(change: &Change, sql: String) -> Step {
    Step { changes: vec![change.clone()], operations: vec![Operation::Sql(sql)], note: None }
}

/// A statement no change of the diff stands for on its own.
fn unlisted(sql: String) -> Step {
    Step { changes: Vec::new(), operations: vec![Operation::Sql(sql)], note: None }
}

/// Whether SQLite can make this change without rebuilding the table.
fn can_alter_in_place(change: &Change, current: &Table, target: &Table) -> bool {
    match change {
        Change::CreateIndex { .. } | Change::DropIndex { .. } => true,
        // ADD COLUMN: no key, a constant default, NOT NULL only with one;
        // generated only if virtual.
        Change::AddColumn { column, .. } => {
            !target.is_primary_key_column(&column.name)
                && column.default.as_ref().is_none_or(DefaultValue::is_literal)
                && (column.nullable || column.default.is_some())
                && (column.generated.is_none() || column.generated_virtual)
        }
        // DROP COLUMN: refused by SQLite for key, indexed, constrained columns.
        Change::DropColumn { column, .. } => {
            let name = column.name.as_str();
            let mentioned = |text: &str| mentions(text, name);
            !current.is_primary_key_column(name)
                && !current.uniques.values().any(|u| u.columns.iter().any(|c| c == name))
                && !current.foreign_keys.values().any(|fk| fk.columns.iter().any(|c| c == name))
                && !current.checks.values().any(|c| mentioned(c.expr.as_str()))
                && !current.columns.values().any(|c| c.generated.as_ref().is_some_and(|g| mentioned(g.as_str())))
                && !current
                    .indexes
                    .values()
                    .filter(|i| target.indexes.get(&i.name) == Some(i))
                    .any(|i| index_mentions(i, name))
        }
        _ => false,
    }
}

fn index_mentions(index: &Index, column: &str) -> bool {
    index.parts.iter().any(|p| match &p.key {
        IndexKey::Column(c) => c == column,
        IndexKey::Expr(e) => mentions(e.as_str(), column),
    }) || index.predicate.as_ref().is_some_and(|p| mentions(p.as_str(), column))
}

/// The 12-step rebuild, steps 4 to 8 (the executor does the rest: foreign
/// keys off, one transaction, foreign_key_check, commit).
/// `renamed` pairs (new name, old name) of columns the rebuild renames: the
/// table still has the old ones.
fn rebuild(
    current: &Table,
    target: &Table,
    schema_has_views_or_triggers: bool,
    renamed: &[(&str, &str)],
    triggers: &[String],
) -> Vec<Operation> {
    let name = &target.name;
    let scratch = format!("{REBUILD_PREFIX}{name}");
    // A generated column computes its own values: it is not copied into.
    // A new column is, when the file says how to fill it (`backfill`).
    fn source_of<'a>(renamed: &[(&'a str, &'a str)], column: &'a str) -> &'a str {
        renamed.iter().find(|(to, _)| *to == column).map_or(column, |(_, from)| from)
    }
    let copied: Vec<(String, String)> = target
        .columns
        .values()
        .filter(|c| c.generated.is_none())
        .filter_map(|c| {
            let backfill = c.backfill.as_ref().filter(|_| !c.nullable).map(|b| format!("({})", b.unwrapped()));
            let Some(live) = current.columns.get(&c.name) else {
                return backfill.map(|b| (c.name.clone(), b));
            };
            // The file's conversion, while the type still changes.
            let value = match &c.using {
                Some(using) if live.sql_type != c.sql_type => format!("({})", using.unwrapped()),
                _ => crate::sql::quote_ident(source_of(renamed, &c.name)),
            };
            let value = match backfill {
                Some(backfill) if live.nullable => format!("coalesce({value}, {backfill})"),
                _ => value,
            };
            Some((c.name.clone(), value))
        })
        .collect();
    let mut operations = vec![Operation::Sql(ddl::create_table(target, &scratch))];
    if !copied.is_empty() {
        let (columns, values): (Vec<String>, Vec<String>) = copied.into_iter().unzip();
        let sql = ddl::copy_rows(name, &scratch, &columns, &values);
        operations.push(Operation::CopyRows { source: name.clone(), target: scratch.clone(), sql });
    }
    let mut statements = Vec::new();
    let autoincrement = |t: &Table| t.columns.values().any(|c| c.autoincrement);
    if autoincrement(current) && autoincrement(target) {
        // Keep AUTOINCREMENT's high-water mark: ids of deleted rows stay unused.
        statements.extend(ddl::copy_autoincrement(name, &scratch));
    }
    statements.push(ddl::drop_table(name));
    // Views and triggers naming the table would make a checked RENAME fail
    // while the table is briefly missing; the legacy rename leaves them be.
    if schema_has_views_or_triggers {
        statements.push(ddl::legacy_alter_table(true));
    }
    statements.push(ddl::rename_table(&scratch, name));
    if schema_has_views_or_triggers {
        statements.push(ddl::legacy_alter_table(false));
    }
    statements.extend(target.indexes.values().map(|index| ddl::create_index(name, index)));
    statements.extend(triggers.iter().cloned());
    operations.extend(statements.into_iter().map(Operation::Sql));
    operations
}

#[cfg(test)]
mod tests {
    use super::super::Sqlite;
    use crate::dialect::build_plan;
    use crate::model::Schema;
    use crate::plan::Operation;
    use std::path::Path;

    fn schema(yaml: &str) -> Schema {
        crate::file::load_str(yaml, Path::new("test.yaml")).unwrap()
    }

    /// The executor used to find a rebuild's row copy by re-reading the
    /// plan's SQL; the plan now says what the copy is.
    #[test]
    fn a_rebuild_says_which_rows_it_copies_where() {
        let current = schema(
            "tables:\n  'odd \"name':\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n",
        );
        let desired = schema(
            "tables:\n  'odd \"name':\n    columns:\n      id: { type: integer, primary_key: true }\n      v: { type: text, nullable: false }\n",
        );
        let plan = build_plan(&Sqlite, current, desired).unwrap();
        let copies: Vec<(&str, &str, &str)> = plan
            .steps()
            .iter()
            .flat_map(|s| &s.operations)
            .filter_map(|o| match o {
                Operation::CopyRows { source, target, sql } => Some((source.as_str(), target.as_str(), sql.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            copies,
            [(
                "odd \"name",
                "_dbshape_new_odd \"name",
                "INSERT INTO \"_dbshape_new_odd \"\"name\" (\"id\", \"v\") SELECT \"id\", \"v\" FROM \"odd \"\"name\""
            )]
        );
        assert_eq!(plan.statements().filter(|s| s.starts_with("INSERT INTO")).count(), 1);
    }
}
