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

use super::objects::{create_trigger, create_view};
use crate::diff::{Change, Diff};
use crate::error::{Error, Result};
use crate::model::{Column, DefaultValue, Index, IndexKey, Schema, SqlType, Table};
use crate::plan::{Operation, PlanCheck, Step};
use crate::sql::lexer::mentions;
use crate::sql::{ident_list, quote_ident, quote_literal};
use indexmap::IndexMap;

/// Prefix of the scratch table a rebuild copies rows into.
const REBUILD_PREFIX: &str = "_dbshape_new_";

pub(super) fn plan(diff: &Diff, desired: &Schema) -> Result<(Vec<Step>, Vec<PlanCheck>)> {
    let base = &diff.base;
    let mut renames = Vec::new();
    // Column renames SQLite cannot make in place: (table, from, to).
    let mut renamed_by_rebuild: Vec<(&str, &str, &str)> = Vec::new();
    let mut per_table: IndexMap<&str, Vec<&Change>> = IndexMap::new();
    let mut creates = Vec::new();
    let mut drops = Vec::new();
    // Views and triggers that go or change are dropped before any table
    // changes, and made (again) after them all.
    let mut object_drops = Vec::new();
    let mut object_creates = Vec::new();
    for change in &diff.changes {
        match change {
            Change::DropView { view, .. } => {
                object_drops.push(step(change, format!("DROP VIEW {}", quote_ident(&view.name))))
            }
            Change::DropTrigger(trigger) => {
                object_drops.push(step(change, format!("DROP TRIGGER {}", quote_ident(&trigger.name))))
            }
            Change::CreateView(view) => object_creates.push(step(change, create_view(view))),
            Change::CreateTrigger(trigger) => object_creates.push(step(change, create_trigger(trigger))),
            // SQLite replaces nothing in place (and keeps no comments).
            Change::ReplaceView { from, to } => {
                object_drops.push(Step {
                    changes: Vec::new(),
                    operations: vec![Operation::Sql(format!("DROP VIEW {}", quote_ident(&from.name)))],
                    note: None,
                });
                object_creates.push(step(change, create_view(to)));
            }
            Change::ReplaceTrigger { from, to } => {
                object_drops.push(Step {
                    changes: Vec::new(),
                    operations: vec![Operation::Sql(format!("DROP TRIGGER {}", quote_ident(&from.name)))],
                    note: None,
                });
                object_creates.push(step(change, create_trigger(to)));
            }
            Change::CreateFunction(_) | Change::DropFunction(_) | Change::ReplaceFunction { .. } => {
                return Err(Error::Unsupported(format!("{change}: functions exist on PostgreSQL only")));
            }
            Change::RenameTable { from, to } if from.eq_ignore_ascii_case(to) => {
                // SQLite finds the table itself under its new name: rename
                // through a scratch name.
                let scratch = format!("{REBUILD_PREFIX}{to}");
                let statements = [(from, &scratch), (&scratch, to)].map(|(a, b)| {
                    Operation::Sql(format!("ALTER TABLE {} RENAME TO {}", quote_ident(a), quote_ident(b)))
                });
                renames.push(Step { changes: vec![change.clone()], operations: statements.to_vec(), note: None });
            }
            Change::RenameTable { from, to } => {
                renames.push(step(change, format!("ALTER TABLE {} RENAME TO {}", quote_ident(from), quote_ident(to))))
            }
            Change::RenameColumn { table, from, to } if rename_in_place_fails(&base.tables[table], to) => {
                renamed_by_rebuild.push((table, from, to));
                per_table.entry(table).or_default().push(change);
            }
            Change::RenameColumn { table, from, to } => renames.push(step(
                change,
                format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    quote_ident(table),
                    quote_ident(from),
                    quote_ident(to)
                ),
            )),
            Change::CreateTable(_) => creates.push(change),
            Change::DropTable(_) => drops.push(change),
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
            | Change::AlterCompositeType { .. } => {
                return Err(Error::Unsupported(format!(
                    "{change}: enums, domains, types, extensions and sequences exist on PostgreSQL only"
                )));
            }
            _ => per_table.entry(change.table()).or_default().push(change),
        }
    }

    let mut index_drops = Vec::new();
    let mut alters = Vec::new();
    let mut index_creates = Vec::new();
    let mut rebuilt = Vec::new();
    let mut foreign_key_checks = Vec::new();
    let in_order = desired.dependency_order();
    per_table.sort_by_key(|table, _| in_order.iter().position(|t| t == table));
    // A rebuild does not rewrite the foreign keys of other tables that
    // name a renamed column, as RENAME COLUMN does: those tables are
    // rebuilt too, in their own step if they have one, else in the
    // renamed table's.
    let mut children: IndexMap<&str, Vec<&str>> = IndexMap::new();
    let mut forced: Vec<&str> = Vec::new();
    for &(table, _, to) in &renamed_by_rebuild {
        for child in desired.tables.values() {
            let names_it =
                child.foreign_keys.values().any(|fk| fk.ref_table == table && fk.ref_columns.iter().any(|c| c == to));
            if child.name == table || !names_it || !base.tables.contains_key(&child.name) {
                continue;
            }
            if per_table.contains_key(child.name.as_str()) {
                forced.push(&child.name);
            } else if !children.get(table).is_some_and(|c| c.contains(&child.name.as_str())) {
                children.entry(table).or_default().push(&child.name);
            }
        }
    }
    let views_or_triggers = !base.views.is_empty() || !base.triggers.is_empty();
    // A rebuilt table's triggers go with the old table: those that stay as
    // they are are made again with the new one.
    let kept_triggers = |table: &str| -> Vec<String> {
        desired
            .triggers
            .values()
            .filter(|t| t.table == table)
            .filter(|t| {
                !diff.changes.iter().any(|c| {
                    matches!(c, Change::CreateTrigger(n) | Change::ReplaceTrigger { to: n, .. } if n.table == t.table && n.name == t.name)
                })
            })
            .map(create_trigger)
            .collect()
    };
    for (table_name, changes) in &per_table {
        let current = &base.tables[*table_name];
        let target = &desired.tables[*table_name];
        if !forced.contains(table_name) && changes.iter().all(|c| can_alter_in_place(c, current, target)) {
            for change in changes {
                match change {
                    Change::DropIndex { index, .. } => {
                        index_drops.push(step(change, format!("DROP INDEX {}", quote_ident(&index.name))))
                    }
                    Change::CreateIndex { table, index } => {
                        index_creates.push(step(change, create_index(table, index)))
                    }
                    Change::AddColumn { table, column } => alters.push(step(
                        change,
                        format!("ALTER TABLE {} ADD COLUMN {}", quote_ident(table), column_definition(column, None)),
                    )),
                    Change::DropColumn { table, column } => alters.push(step(
                        change,
                        format!("ALTER TABLE {} DROP COLUMN {}", quote_ident(table), quote_ident(&column.name)),
                    )),
                    _ => unreachable!("can_alter_in_place admits only these"),
                }
            }
        } else {
            let renamed: Vec<(&str, &str)> =
                renamed_by_rebuild.iter().filter(|r| r.0 == *table_name).map(|&(_, from, to)| (to, from)).collect();
            let mut operations = rebuild(current, target, views_or_triggers, &renamed, &kept_triggers(table_name));
            for child in children.get(table_name).into_iter().flatten() {
                operations.extend(rebuild(
                    &base.tables[*child],
                    &desired.tables[*child],
                    views_or_triggers,
                    &[],
                    &kept_triggers(child),
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
            alters.push(Step { changes: changes.iter().map(|c| (*c).clone()).collect(), operations, note: Some(note) });
            rebuilt.push(*table_name);
            foreign_key_checks.push(table_name.to_string());
        }
        if changes.iter().any(|c| matches!(c, Change::AddForeignKey { .. }))
            && !foreign_key_checks.iter().any(|t| t == table_name)
        {
            foreign_key_checks.push(table_name.to_string());
        }
    }
    // Children of a rebuilt table are verified too: a changed parent key
    // type could stop their values matching.
    for table in desired.tables.values() {
        let references_rebuilt = table.foreign_keys.values().any(|fk| rebuilt.contains(&fk.ref_table.as_str()));
        if references_rebuilt && !foreign_key_checks.contains(&table.name) && base.tables.contains_key(&table.name) {
            foreign_key_checks.push(table.name.clone());
        }
    }

    let mut steps = object_drops;
    steps.extend(renames);
    steps.extend(index_drops);
    let create_order: Vec<&str> =
        in_order.iter().copied().filter(|t| creates.iter().any(|c| c.table() == *t)).collect();
    for name in create_order {
        let change = creates.iter().find(|c| c.table() == name).expect("create exists");
        let table = &desired.tables[name];
        let mut statements = vec![create_table(table, &table.name)];
        statements.extend(table.indexes.values().map(|index| create_index(name, index)));
        let operations = statements.into_iter().map(Operation::Sql).collect();
        steps.push(Step { changes: vec![(*change).clone()], operations, note: None });
        if !table.foreign_keys.is_empty() {
            foreign_key_checks.push(name.to_string());
        }
    }
    steps.extend(alters);
    steps.extend(index_creates);
    for change in drops {
        steps.push(step(change, format!("DROP TABLE {}", quote_ident(change.table()))));
    }
    steps.extend(object_creates);
    let checks = foreign_key_checks.into_iter().map(|table| PlanCheck::ForeignKeys { table }).collect();
    Ok((steps, checks))
}

/// Whether `ALTER TABLE … RENAME COLUMN` to `to` fails: SQLite (3.50)
/// leaves the old name in a UNIQUE constraint that repeats the one-column
/// primary key of a WITHOUT ROWID table (it keeps no index for it, and the
/// rename finds the names to rewrite through the indexes), then refuses
/// the result ("expressions prohibited in PRIMARY KEY and UNIQUE
/// constraints"). `table` is the table after the rename.
fn rename_in_place_fails(table: &Table, to: &str) -> bool {
    table.without_rowid
        && table.primary_key.as_ref().is_some_and(|pk| pk.columns == [to])
        && table.uniques.values().any(|u| u.columns == [to])
}

fn step(change: &Change, sql: String) -> Step {
    Step { changes: vec![change.clone()], operations: vec![Operation::Sql(sql)], note: None }
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
                _ => quote_ident(source_of(renamed, &c.name)),
            };
            let value = match backfill {
                Some(backfill) if live.nullable => format!("coalesce({value}, {backfill})"),
                _ => value,
            };
            Some((c.name.clone(), value))
        })
        .collect();
    let mut operations = vec![Operation::Sql(create_table(target, &scratch))];
    if !copied.is_empty() {
        let (columns, values): (Vec<String>, Vec<String>) = copied.into_iter().unzip();
        operations.push(Operation::CopyRows {
            source: name.clone(),
            target: scratch.clone(),
            sql: format!(
                "INSERT INTO {} ({}) SELECT {} FROM {}",
                quote_ident(&scratch),
                ident_list(&columns),
                values.join(", "),
                quote_ident(name)
            ),
        });
    }
    let mut statements = Vec::new();
    let autoincrement = |t: &Table| t.columns.values().any(|c| c.autoincrement);
    if autoincrement(current) && autoincrement(target) {
        // Keep AUTOINCREMENT's high-water mark: ids of deleted rows stay unused.
        statements.push(format!("DELETE FROM sqlite_sequence WHERE name = {}", quote_literal(&scratch)));
        statements.push(format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence WHERE name = {}",
            quote_literal(&scratch),
            quote_literal(name)
        ));
    }
    statements.push(format!("DROP TABLE {}", quote_ident(name)));
    // Views and triggers naming the table would make a checked RENAME fail
    // while the table is briefly missing; the legacy rename leaves them be.
    if schema_has_views_or_triggers {
        statements.push("PRAGMA legacy_alter_table = ON".into());
    }
    statements.push(format!("ALTER TABLE {} RENAME TO {}", quote_ident(&scratch), quote_ident(name)));
    if schema_has_views_or_triggers {
        statements.push("PRAGMA legacy_alter_table = OFF".into());
    }
    statements.extend(target.indexes.values().map(|index| create_index(name, index)));
    statements.extend(triggers.iter().cloned());
    operations.extend(statements.into_iter().map(Operation::Sql));
    operations
}

/// CREATE TABLE for `table` under `name`.
fn create_table(table: &Table, name: &str) -> String {
    let inline_pk = table
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.len() == 1 && table.columns.get(&pk.columns[0]).is_some_and(|c| c.autoincrement));
    let mut lines: Vec<String> = table
        .columns
        .values()
        .map(|column| {
            let pk_name = inline_pk.filter(|pk| pk.columns[0] == column.name).map(|pk| pk.name.as_str());
            column_definition(column, pk_name)
        })
        .collect();
    if let Some(pk) = table.primary_key.as_ref().filter(|_| inline_pk.is_none()) {
        lines.push(format!("CONSTRAINT {} PRIMARY KEY ({})", quote_ident(&pk.name), ident_list(&pk.columns)));
    }
    for unique in table.uniques.values() {
        lines.push(format!("CONSTRAINT {} UNIQUE ({})", quote_ident(&unique.name), ident_list(&unique.columns)));
    }
    for check in table.checks.values() {
        lines.push(format!("CONSTRAINT {} CHECK ({})", quote_ident(&check.name), check.expr));
    }
    for fk in table.foreign_keys.values() {
        let mut line = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            quote_ident(&fk.name),
            ident_list(&fk.columns),
            quote_ident(&fk.ref_table),
            ident_list(&fk.ref_columns)
        );
        for (clause, action) in [("ON DELETE", fk.on_delete), ("ON UPDATE", fk.on_update)] {
            if action != Default::default() {
                line.push_str(&format!(" {clause} {}", action.sql()));
            }
        }
        lines.push(line);
    }
    let mut options = Vec::new();
    if table.without_rowid {
        options.push("WITHOUT ROWID");
    }
    if table.strict {
        options.push("STRICT");
    }
    let options = if options.is_empty() { String::new() } else { format!(" {}", options.join(", ")) };
    format!("CREATE TABLE {} (\n  {}\n){options}", quote_ident(name), lines.join(",\n  "))
}

/// A column definition; `inline_pk` names the primary key declared on the
/// column itself (needed for AUTOINCREMENT).
fn column_definition(column: &Column, inline_pk: Option<&str>) -> String {
    let mut sql = quote_ident(&column.name);
    let declared = column.declared_type.clone().unwrap_or_else(|| declared_type(&column.sql_type));
    if !declared.is_empty() {
        sql.push(' ');
        sql.push_str(&declared);
    }
    if let Some(generated) = &column.generated {
        let kind = if column.generated_virtual { "VIRTUAL" } else { "STORED" };
        sql.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", generated.unwrapped()));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(pk_name) = inline_pk {
        sql.push_str(&format!(" CONSTRAINT {} PRIMARY KEY AUTOINCREMENT", quote_ident(pk_name)));
    }
    match &column.default {
        Some(DefaultValue::Literal(literal)) => sql.push_str(&format!(" DEFAULT {literal}")),
        Some(DefaultValue::Expr(expr)) => sql.push_str(&format!(" DEFAULT ({expr})")),
        None => {}
    }
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    sql
}

/// The declared type SQLite stores. The canonical name, upper-cased, gives
/// the intended affinity (INTEGER, TEXT for CHAR/TEXT, REAL for DOUBLE,
/// NUMERIC otherwise) and parses back to the same [`SqlType`].
fn declared_type(sql_type: &SqlType) -> String {
    match sql_type {
        SqlType::Other(text) => text.clone(),
        other => other.to_string().to_ascii_uppercase(),
    }
}

fn create_index(table: &str, index: &Index) -> String {
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| {
            let mut key = match &part.key {
                IndexKey::Column(c) => quote_ident(c),
                IndexKey::Expr(e) => format!("({})", e.unwrapped()),
            };
            if let Some(collation) = &part.collation {
                key.push_str(&format!(" COLLATE {}", quote_ident(collation)));
            }
            if part.descending { format!("{key} DESC") } else { key }
        })
        .collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        quote_ident(table),
        parts.join(", ")
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
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
