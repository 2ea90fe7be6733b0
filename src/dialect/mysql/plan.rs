//! The MySQL/MariaDB planner. DDL commits statement by statement there, so
//! the plan is made of few statements, each atomic on InnoDB: every change
//! to one table in one `ALTER TABLE`, with `ALGORITHM=INSTANT` or
//! `ALGORITHM=INPLACE, LOCK=NONE` when all its clauses allow it (left to
//! the server otherwise, which may copy the table). Statements run in this
//! order: table renames (one `RENAME TABLE`), foreign keys dropped early
//! (those whose parent the plan alters), new tables, each altered table
//! (parents first), foreign keys added late (those whose parent the plan
//! makes or alters), and the tables dropped (one `DROP TABLE`).

use super::ddl::{
    self, Algorithm, Alter, column_definition, comment_clause, create_table, default_sql, foreign_key,
    has_hidden_columns, index_definition,
};
use super::session::{Mysql, literal, quote, quote_list};
use super::types::is_long;
use crate::diff::{Change, CommentOn, Diff};
use crate::error::{Error, Result};
use crate::model::{Check, Column, DefaultValue, ForeignKey, Index, IndexKey, Schema, Table};
use crate::plan::{Operation, PlanCheck, Step};
use indexmap::IndexMap;

/// The steps in the order they run: table renames (one `RENAME TABLE`),
/// foreign keys dropped early (those whose parent the plan alters), new
/// tables, each altered table (parents first), foreign keys added late
/// (those whose parent the plan makes or alters), and the tables dropped
/// (one `DROP TABLE`).
pub(super) fn plan(dialect: &Mysql, diff: &Diff, desired: &Schema) -> Result<(Vec<Step>, Vec<PlanCheck>)> {
    let mut planner = Planner::new(dialect, diff, desired)?;
    let mut steps = Vec::new();
    steps.extend(planner.rename_tables());
    steps.extend(planner.drop_foreign_keys_early());
    // Sequences before the tables whose defaults read them, and dropped
    // after.
    steps.extend(sequences(dialect, diff, false)?);
    steps.extend(planner.create_tables());
    steps.extend(planner.alter_tables());
    steps.extend(planner.add_foreign_keys_late());
    steps.extend(planner.drop_tables());
    steps.extend(sequences(dialect, diff, true)?);
    Ok((steps, Vec::new()))
}

/// MariaDB's sequences made or changed (`dropping`: dropped).
fn sequences(dialect: &Mysql, diff: &Diff, dropping: bool) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    for change in &diff.changes {
        let sql = match change {
            Change::CreateSequence(sequence) if !dropping => ddl::create_sequence(sequence),
            Change::AlterSequence { to, .. } if !dropping => ddl::alter_sequence(to),
            Change::DropSequence(sequence) if dropping => ddl::drop_sequence(&sequence.name),
            _ => continue,
        };
        if !dialect.mariadb {
            return Err(Error::Unsupported(format!("{change}: MySQL has no sequences (MariaDB has)")));
        }
        steps.push(Step { changes: vec![change.clone()], operations: vec![Operation::Sql(sql)], note: None });
    }
    Ok(steps)
}

/// A plan being made: the diff's changes sorted by phase, and what one
/// phase leaves to a later one.
struct Planner<'a> {
    dialect: &'a Mysql,
    diff: &'a Diff,
    desired: &'a Schema,
    renames: Vec<&'a Change>,
    creates: Vec<&'a Table>,
    drops: Vec<&'a Table>,
    /// Every other change, by table, parents first.
    per_table: IndexMap<&'a str, Vec<&'a Change>>,
    /// The desired tables, parents first.
    order: Vec<&'a str>,
    /// Foreign keys dropped before the tables change, by table.
    early_drops: IndexMap<&'a str, Vec<String>>,
    /// Of those, the live keys the file keeps: added again at the end.
    remade: IndexMap<&'a str, Vec<&'a ForeignKey>>,
    /// Foreign keys added once every table has changed, by table.
    late: IndexMap<&'a str, Vec<&'a ForeignKey>>,
}

impl<'a> Planner<'a> {
    fn new(dialect: &'a Mysql, diff: &'a Diff, desired: &'a Schema) -> Result<Planner<'a>> {
        let mut renames = Vec::new();
        let mut creates: Vec<&Table> = Vec::new();
        let mut drops: Vec<&Table> = Vec::new();
        let mut per_table: IndexMap<&str, Vec<&Change>> = IndexMap::new();
        for change in &diff.changes {
            match change {
                Change::RenameTable { .. } => renames.push(change),
                Change::CreateTable(table) => creates.push(table),
                Change::DropTable(table) => drops.push(table),
                Change::AddColumn { .. }
                | Change::DropColumn { .. }
                | Change::RenameColumn { .. }
                | Change::AlterColumn { .. }
                | Change::SetPrimaryKey { .. }
                | Change::AddUnique { .. }
                | Change::DropUnique { .. }
                | Change::AddCheck { .. }
                | Change::DropCheck { .. }
                | Change::AddForeignKey { .. }
                | Change::DropForeignKey { .. }
                | Change::CreateIndex { .. }
                | Change::DropIndex { .. }
                | Change::SetTableComment { .. }
                | Change::SetStorage { .. }
                | Change::SetComment { on: CommentOn::Index(_), .. } => {
                    per_table.entry(change.table()).or_default().push(change)
                }
                // Never made on MySQL: constraints are validated as they are added.
                Change::ValidateConstraint { .. } => {}
                // Their own steps, before and after the tables.
                Change::CreateSequence(_) | Change::AlterSequence { .. } | Change::DropSequence(_) => {}
                other => {
                    return Err(Error::Unsupported(format!(
                        "{other}: not something dbshape can do on {}",
                        dialect.title
                    )));
                }
            }
        }
        let order = desired.dependency_order();
        per_table.sort_by_key(|table, _| order.iter().position(|t| t == table));
        Ok(Planner {
            dialect,
            diff,
            desired,
            renames,
            creates,
            drops,
            per_table,
            order,
            early_drops: IndexMap::new(),
            remade: IndexMap::new(),
            late: IndexMap::new(),
        })
    }

    fn base(&self) -> &'a Schema {
        &self.diff.base
    }

    /// Whether the plan alters `table` (in its per-table statement).
    fn altered(&self, table: &str) -> bool {
        self.per_table.contains_key(table)
    }

    /// Whether the plan changes the type (or collation) of `column` of `table`.
    fn retyped(&self, table: &str, column: &str) -> bool {
        self.per_table.get(table).is_some_and(|changes| {
            changes.iter().any(|c| {
                matches!(c, Change::AlterColumn { from, to, .. } if to.name == column && (from.sql_type != to.sql_type || from.collation != to.collation))
            })
        })
    }

    /// Whether the plan drops `column` of `table`.
    fn dropped(&self, table: &str, column: &str) -> bool {
        self.per_table.get(table).is_some_and(|changes| {
            changes.iter().any(|c| matches!(c, Change::DropColumn { column: dropped, .. } if dropped.name == column))
        })
    }

    /// Whether the plan renames a column of `table` to `column` (the base
    /// names columns as the plan leaves them).
    fn renamed(&self, table: &str, column: &str) -> bool {
        self.per_table
            .get(table)
            .is_some_and(|changes| changes.iter().any(|c| matches!(c, Change::RenameColumn { to, .. } if to == column)))
    }

    /// Every table rename in one `RENAME TABLE`.
    fn rename_tables(&self) -> Option<Step> {
        if self.renames.is_empty() {
            return None;
        }
        let pairs: Vec<(&str, &str)> = self
            .renames
            .iter()
            .filter_map(|c| match c {
                Change::RenameTable { from, to } => Some((from.as_str(), to.as_str())),
                _ => None,
            })
            .collect();
        Some(Step {
            changes: self.renames.iter().map(|c| (*c).clone()).collect(),
            operations: vec![Operation::Sql(ddl::rename_tables(&pairs))],
            note: None,
        })
    }

    /// Foreign keys that must go before their parent changes: those dropped
    /// whose parent is altered, and those kept whose columns change type
    /// (MySQL refuses to retype a column a key uses), which are added again
    /// at the end; and the keys of a table the plan drops to columns its
    /// parent renames or retypes.
    fn drop_foreign_keys_early(&mut self) -> Vec<Step> {
        let base = self.base();
        let desired = self.desired;
        for (table, changes) in &self.per_table {
            for change in changes {
                if let Change::DropForeignKey { foreign_key, .. } = change
                    && self.altered(&foreign_key.ref_table)
                {
                    self.early_drops.entry(table).or_default().push(foreign_key.name.clone());
                }
            }
        }
        for table in desired.tables.values() {
            let Some(live) = base.tables.get(&table.name) else { continue };
            for fk in table.foreign_keys.values() {
                let kept = live_key(live, fk);
                // MariaDB renames a column a key uses only in place, and a
                // table with hidden columns not in place: the key goes first.
                let renamed_hidden =
                    |t: &str, column: &str| has_hidden_columns(base.tables.get(t)) && self.renamed(t, column);
                let touches_retyped =
                    fk.columns.iter().any(|c| self.retyped(&table.name, c) || renamed_hidden(&table.name, c))
                        || fk
                            .ref_columns
                            .iter()
                            .any(|c| self.retyped(&fk.ref_table, c) || renamed_hidden(&fk.ref_table, c));
                if let Some(live_fk) = kept
                    && touches_retyped
                {
                    self.early_drops.entry(&table.name).or_default().push(live_fk.name.clone());
                    self.remade.entry(&table.name).or_default().push(live_fk);
                }
            }
        }
        // A table the plan drops keeps its keys until the end: those to
        // columns its parent renames, retypes or drops go first (MySQL
        // refuses all three under a key).
        for table in self.drops.iter().filter_map(|t| base.tables.get(&t.name)) {
            for fk in table.foreign_keys.values() {
                let parent = fk.ref_table.as_str();
                let moved = |c: &String| self.renamed(parent, c) || self.retyped(parent, c) || self.dropped(parent, c);
                if parent != table.name && fk.ref_columns.iter().any(moved) {
                    self.early_drops.entry(&table.name).or_default().push(fk.name.clone());
                }
            }
        }
        self.early_drops.iter().map(|(table, names)| self.early_drop_step(table, names)).collect()
    }

    /// The statement dropping `names`, keys of `table`, early.
    fn early_drop_step(&self, table: &str, names: &[String]) -> Step {
        let (base, desired) = (self.base(), self.desired);
        let mut alter = Alter::on(base.tables.get(table), desired.tables.get(table));
        for name in names {
            alter.push(ddl::drop_foreign_key(name), Algorithm::InplaceNoLock);
            let live = base.tables.get(table).and_then(|t| t.foreign_keys.get(name));
            // A table that is dropped later takes its indexes with it.
            if let Some(fk) = live
                && let Some(target) = desired.tables.get(table)
                && let Some(index) = own_index_goes(fk, base.tables.get(table), target)
                && !self.remade.get(table).is_some_and(|r| r.iter().any(|k| k.name == *name))
            {
                alter.push(ddl::drop_index(index), Algorithm::InplaceNoLock);
            }
        }
        // A child with no change of its own drops a key its parent's
        // changes need gone.
        let changes: Vec<Change> = self
            .per_table
            .get(table)
            .into_iter()
            .flatten()
            .filter(|c| matches!(c, Change::DropForeignKey { foreign_key, .. } if names.contains(&foreign_key.name)))
            .map(|c| (*c).clone())
            .collect();
        let note = if !desired.tables.contains_key(table) {
            Some(format!("the keys of {table} to columns that change go first; the table is dropped at the end"))
        } else {
            (changes.len() < names.len()).then(|| {
                format!("foreign keys of {table} over columns that change are dropped first and added again after")
            })
        };
        Step { changes, operations: vec![Operation::Sql(alter.sql(table).expect("clauses"))], note }
    }

    /// New tables, parents first; a key to a table made later or altered by
    /// the plan is added at the end.
    fn create_tables(&mut self) -> Vec<Step> {
        let base = self.base();
        let mut steps = Vec::new();
        let mut made: Vec<&str> = Vec::new();
        let created: Vec<&'a str> =
            self.order.iter().copied().filter(|t| self.creates.iter().any(|c| c.name == *t)).collect();
        for name in created {
            let table = &self.desired.tables[name];
            let (inline, deferred): (Vec<&ForeignKey>, Vec<&ForeignKey>) =
                table.foreign_keys.values().partition(|fk| {
                    let parent = fk.ref_table.as_str();
                    (parent == name || made.contains(&parent) || base.tables.contains_key(parent))
                        && !self.altered(parent)
                });
            if !deferred.is_empty() {
                self.late.entry(name).or_default().extend(deferred);
            }
            let change =
                self.diff.changes.iter().find(|c| matches!(c, Change::CreateTable(t) if t.name == name)).expect("made");
            steps.push(Step {
                changes: vec![change.clone()],
                operations: vec![Operation::Sql(create_table(self.dialect, table, &inline))],
                note: None,
            });
            made.push(name);
        }
        steps
    }

    /// Each altered table in one statement (with what must run around it).
    fn alter_tables(&mut self) -> Vec<Step> {
        let tables: Vec<(&'a str, Vec<&'a Change>)> =
            self.per_table.iter().map(|(table, changes)| (*table, changes.clone())).collect();
        tables.into_iter().filter_map(|(table, changes)| self.alter_table(table, &changes)).collect()
    }

    fn alter_table(&mut self, table_name: &'a str, changes: &[&'a Change]) -> Option<Step> {
        let (dialect, base) = (self.dialect, self.base());
        let target = &self.desired.tables[table_name];
        let current = base.tables.get(table_name);
        let mut alter = Alter::on(current, Some(target));
        let mut before = Vec::new();
        let mut renames_first: Vec<String> = Vec::new();
        let mut kept_changes: Vec<Change> = Vec::new();
        let early = self.early_drops.get(table_name).cloned();
        for &change in changes {
            let is_early = matches!(change, Change::DropForeignKey { foreign_key, .. } if early.as_ref().is_some_and(|e| e.contains(&foreign_key.name)));
            if is_early {
                continue;
            }
            // InnoDB refuses to add a key under the name of one the same
            // statement drops ("Duplicate key on write or update").
            let replaces = |fk: &ForeignKey| {
                changes.iter().any(
                    |c| matches!(c, Change::DropForeignKey { foreign_key: d, .. } if d.name.eq_ignore_ascii_case(&fk.name)),
                )
            };
            match change {
                // A key to a table the plan alters (itself too, when that
                // renames the columns it references), or one that replaces
                // a key of its name, comes after.
                Change::AddForeignKey { foreign_key, .. }
                    if (self.altered(&foreign_key.ref_table)
                        && (foreign_key.ref_table != table_name
                            || changes.iter().any(|c| matches!(c, Change::RenameColumn { .. }))))
                        || replaces(foreign_key) =>
                {
                    self.late.entry(table_name).or_default().push(foreign_key);
                    continue;
                }
                Change::AlterColumn { table, to, from, .. } if from.nullable && !to.nullable => {
                    if let Some(backfill) = &to.backfill {
                        before.push(ddl::backfill(table, &to.name, backfill));
                    }
                }
                _ => {}
            }
            // A column renamed and altered: one CHANGE COLUMN (the clauses
            // of one statement name a column as it was).
            let renamed_from = |name: &str| {
                changes.iter().find_map(|c| match c {
                    Change::RenameColumn { from, to, .. } if to == name => Some(from.clone()),
                    _ => None,
                })
            };
            // InnoDB renames a column a foreign key uses only in place (not
            // by copying, which other clauses or MariaDB's hidden columns may
            // make the server choose): a statement of its own, before the
            // table's ALTER, which then names the column as it is called.
            let own_statement = |from: &str, to: &str| {
                (keyed(base, table_name, from) || keyed(base, table_name, to)) && !has_hidden_columns(current)
            };
            match change {
                Change::RenameColumn { from, to, .. } if own_statement(from, to) => {
                    renames_first.push(ddl::rename_column_in_place(table_name, from, to));
                }
                Change::RenameColumn { to, .. }
                    if changes
                        .iter()
                        .any(|c| matches!(c, Change::AlterColumn { to: t, recreate: false, .. } if t.name == *to)) => {}
                Change::AlterColumn { to, recreate: false, .. }
                    if renamed_from(&to.name).is_some_and(|from| !own_statement(&from, &to.name)) =>
                {
                    let from = renamed_from(&to.name).unwrap_or_default();
                    let check = kept_column_check(dialect, current, target, &from, &to.name);
                    alter.push(
                        format!(
                            "CHANGE COLUMN {} {}",
                            quote(&from),
                            ddl::column_definition_with_check(dialect, to, check)
                        ),
                        Algorithm::ServerChoice,
                    );
                }
                _ => clauses(dialect, change, current, target, &mut alter),
            }
            kept_changes.push(change.clone());
        }
        keep_foreign_key_indexes(changes, current, target, &mut alter);
        let mut operations: Vec<Operation> = renames_first.into_iter().chain(before).map(Operation::Sql).collect();
        operations.extend(alter.sql(table_name).map(Operation::Sql));
        // A new NOT NULL column with a backfill: added nullable (in the
        // ALTER above), filled, then made NOT NULL.
        for change in changes {
            if let Change::AddColumn { table, column } = change
                && !column.nullable
                && let Some(backfill) = &column.backfill
            {
                operations.push(Operation::Sql(ddl::backfill(table, &column.name, backfill)));
                operations.push(Operation::Sql(ddl::modify_column(dialect, table, column)));
            }
        }
        (!operations.is_empty() || !kept_changes.is_empty()).then(|| Step {
            changes: kept_changes,
            operations,
            note: None,
        })
    }

    /// Foreign keys added last: those left for later, then the kept keys
    /// dropped early.
    fn add_foreign_keys_late(&mut self) -> Vec<Step> {
        let (base, desired) = (self.base(), self.desired);
        for (table, fks) in std::mem::take(&mut self.remade) {
            self.late.entry(table).or_default().extend(fks);
        }
        let mut steps = Vec::new();
        for (table, fks) in &self.late {
            let mut alter = Alter::on(base.tables.get(*table), desired.tables.get(*table));
            for fk in fks {
                alter.push(format!("ADD {}", foreign_key(fk)), Algorithm::ServerChoice);
            }
            let changes: Vec<Change> = self
                .per_table
                .get(table)
                .into_iter()
                .flatten()
                .filter(|c| matches!(c, Change::AddForeignKey { foreign_key, .. } if fks.iter().any(|f| f.name == foreign_key.name)))
                .map(|c| (*c).clone())
                .collect();
            steps.push(Step {
                changes,
                operations: vec![Operation::Sql(alter.sql(table).expect("clauses"))],
                note: None,
            });
        }
        steps
    }

    /// The tables that go, children before parents, in one statement.
    fn drop_tables(&self) -> Vec<Step> {
        if self.drops.is_empty() {
            return Vec::new();
        }
        let base = self.base();
        let base_order = base.dependency_order();
        let mut names: Vec<&str> = self.drops.iter().map(|t| t.name.as_str()).collect();
        names.sort_by_key(|n| std::cmp::Reverse(base_order.iter().position(|t| t == n)));
        let mut steps = Vec::new();
        // A cycle of keys among them has no such order, and MariaDB drops
        // no parent before its child even in one statement: the keys that
        // point back go first.
        for (i, name) in names.iter().enumerate() {
            let back: Vec<&str> = base.tables[*name]
                .foreign_keys
                .values()
                .filter(|fk| fk.ref_table != *name && names[..i].contains(&fk.ref_table.as_str()))
                .map(|fk| fk.name.as_str())
                .collect();
            if !back.is_empty() {
                steps.push(Step {
                    changes: Vec::new(),
                    operations: vec![Operation::Sql(ddl::drop_foreign_keys(name, &back))],
                    note: Some(format!("the keys of {name} to tables dropped before it go first")),
                });
            }
        }
        let changes = names
            .iter()
            .filter_map(|n| {
                self.diff.changes.iter().find(|c| matches!(c, Change::DropTable(t) if t.name == *n)).cloned()
            })
            .collect();
        steps.push(Step { changes, operations: vec![Operation::Sql(ddl::drop_tables(&names))], note: None });
        steps
    }
}

/// Whether live column `column` of `table` is in a foreign key, its own or
/// another table's to it.
fn keyed(base: &Schema, table: &str, column: &str) -> bool {
    base.tables.values().any(|t| {
        t.foreign_keys.values().any(|fk| {
            (t.name == table && fk.columns.iter().any(|c| c == column))
                || (fk.ref_table == table && fk.ref_columns.iter().any(|c| c == column))
        })
    })
}

/// The clauses of `change` in its table's ALTER TABLE.
fn clauses(dialect: &Mysql, change: &Change, current: Option<&Table>, target: &Table, alter: &mut Alter) {
    match change {
        Change::AddColumn { .. }
        | Change::DropColumn { .. }
        | Change::RenameColumn { .. }
        | Change::AlterColumn { .. } => column_clauses(dialect, change, current, target, alter),
        Change::SetTableComment { .. } | Change::SetStorage { .. } => table_clauses(change, current, alter),
        _ => key_clauses(dialect, change, current, target, alter),
    }
}

/// The clauses of a column change, each with the algorithm it allows.
fn column_clauses(dialect: &Mysql, change: &Change, current: Option<&Table>, target: &Table, alter: &mut Alter) {
    use Algorithm::*;
    match change {
        Change::AddColumn { column, .. } => {
            let mut column = column.clone();
            if column.backfill.is_some() {
                column.nullable = true;
            }
            let instant = column.generated.as_ref().is_none_or(|_| column.generated_virtual)
                && !column.autoincrement
                && column.default.as_ref().is_none_or(DefaultValue::is_literal)
                && !target.is_primary_key_column(&column.name);
            alter.push(
                format!("ADD COLUMN {}", column_definition(dialect, &column)),
                if instant { Instant } else { ServerChoice },
            );
        }
        Change::DropColumn { column, .. } => {
            let indexed = current.is_some_and(|t| {
                t.is_primary_key_column(&column.name)
                    || t.uniques.values().any(|u| u.columns.contains(&column.name))
                    || t.indexes.values().any(|i| i.columns().any(|c| c == column.name))
            });
            alter.push(format!("DROP COLUMN {}", quote(&column.name)), if indexed { ServerChoice } else { Instant });
        }
        Change::RenameColumn { from, to, .. } => {
            // A virtual column that reads it is made again by the server.
            let read = target.columns.values().any(|c| {
                c.generated
                    .as_ref()
                    .is_some_and(|g| crate::sql::lexer::identifiers(g.as_str()).contains(&to.to_ascii_lowercase()))
            });
            // So does MariaDB the hidden hash of a unique key on text.
            let hashed = target.columns.get(to).is_some_and(|c| is_long(&c.sql_type))
                && target.uniques.values().any(|u| u.columns.contains(to));
            let algorithm = if read || hashed { ServerChoice } else { Instant };
            alter.push(format!("RENAME COLUMN {} TO {}", quote(from), quote(to)), algorithm)
        }
        Change::AlterColumn { from, to, recreate: true, .. } => {
            // The differ makes again what stood on the column; MariaDB
            // would keep its indexes on the column added under the same
            // name (and refuse the new ones) and its checks stop the drop.
            if let Some(current) = current {
                drop_dependents(current, &from.name, alter);
            }
            alter.push(format!("DROP COLUMN {}", quote(&from.name)), ServerChoice);
            alter.push(format!("ADD COLUMN {}", column_definition(dialect, to)), ServerChoice);
        }
        Change::AlterColumn { from, to, .. } => {
            let only_default = Column { default: to.default.clone(), ..from.clone() }.same_definition(to);
            let only_comment = Column { comment: to.comment.clone(), ..from.clone() }.same_definition(to);
            if only_default {
                let clause = match &to.default {
                    None => format!("ALTER COLUMN {} DROP DEFAULT", quote(&to.name)),
                    Some(default) => format!("ALTER COLUMN {} SET DEFAULT {}", quote(&to.name), default_sql(default)),
                };
                alter.push(clause, Instant);
            } else {
                // Relaxing a column of the implicit clustered key drops it.
                let keyed = current.is_some_and(|t| {
                    let on_column = |i: &Index| {
                        i.unique && i.parts.iter().any(|p| matches!(&p.key, IndexKey::Column(c) if *c == from.name))
                    };
                    t.uniques.values().any(|u| u.columns.contains(&from.name) && clusters_on(t, &u.name))
                        || t.indexes.values().any(|i| on_column(i) && clusters_on(t, &i.name))
                });
                let relaxed =
                    Column { nullable: to.nullable, ..from.clone() }.same_definition(to) && to.nullable && !keyed;
                let algorithm = if to.generated.is_some() || from.generated.is_some() {
                    // A generated column is computed again: never instant.
                    ServerChoice
                } else if only_comment {
                    Instant
                } else if relaxed {
                    InplaceNoLock
                } else {
                    ServerChoice
                };
                let check = kept_column_check(dialect, current, target, &from.name, &to.name);
                alter.push(
                    format!("MODIFY COLUMN {}", ddl::column_definition_with_check(dialect, to, check)),
                    algorithm,
                );
            }
        }
        _ => {}
    }
}

/// MariaDB's column-level check of a column that `MODIFY`/`CHANGE
/// COLUMN` redeclares (which drops it unless said again), where the plan
/// keeps it as it is.
fn kept_column_check<'a>(
    dialect: &Mysql,
    current: Option<&Table>,
    target: &'a Table,
    from: &str,
    to: &str,
) -> Option<&'a Check> {
    let live = current.and_then(|t| ddl::column_check(dialect, t, from))?;
    ddl::column_check(dialect, target, to).filter(|wanted| wanted.expr == live.expr)
}

/// The clauses of a change to a key, check or index.
fn key_clauses(dialect: &Mysql, change: &Change, current: Option<&Table>, target: &Table, alter: &mut Alter) {
    use Algorithm::*;
    match change {
        Change::SetPrimaryKey { from, to, .. } => {
            if from.is_some() {
                alter.push("DROP PRIMARY KEY".into(), ServerChoice);
            }
            if let Some(key) = to {
                alter.push(format!("ADD PRIMARY KEY ({})", quote_list(&key.columns)), ServerChoice);
            }
        }
        Change::AddUnique { unique, .. } => alter.push(
            format!(
                "ADD UNIQUE KEY {} ({}){}",
                quote(&unique.name),
                quote_list(&unique.columns),
                comment_clause(&unique.comment)
            ),
            InplaceNoLock,
        ),
        Change::DropUnique { unique, .. } => {
            alter.push(format!("DROP INDEX {}", quote(&unique.name)), drop_key(current, &unique.name))
        }
        Change::AddCheck { check, .. } => alter
            .push(format!("ADD CONSTRAINT {} CHECK ({})", quote(&check.name), check.expr.unwrapped()), ServerChoice),
        Change::DropCheck { check, .. } => alter.push(format!("DROP CONSTRAINT {}", quote(&check.name)), Instant),
        Change::AddForeignKey { foreign_key: fk, .. } => alter.push(format!("ADD {}", foreign_key(fk)), ServerChoice),
        Change::DropForeignKey { foreign_key: fk, .. } => {
            alter.push(format!("DROP FOREIGN KEY {}", quote(&fk.name)), InplaceNoLock);
            // The index MySQL made for the key stays behind it.
            if let Some(index) = own_index_goes(fk, current, target) {
                alter.push(format!("DROP INDEX {}", quote(index)), InplaceNoLock);
            }
        }
        Change::CreateIndex { index, .. } => {
            // The index MySQL made for a live key is not shown: a file that
            // keeps it past the key (or changes it) makes it again, as an
            // index of its own, which MariaDB would otherwise still drop
            // when a covering index or another key comes.
            if owner_of_index(current, &index.name).is_some() {
                alter.push(format!("DROP INDEX {}", quote(&index.name)), InplaceNoLock);
            }
            let algorithm = if index.method.is_some() { ServerChoice } else { InplaceNoLock };
            alter.push(format!("ADD {}", index_definition(dialect, index)), algorithm);
        }
        Change::DropIndex { index, .. } => {
            alter.push(format!("DROP INDEX {}", quote(&index.name)), drop_key(current, &index.name))
        }
        Change::SetComment { on: CommentOn::Index(name), .. } => {
            // MySQL alters no index comment in place: the index is made again.
            if let Some(index) = target.indexes.get(name) {
                alter.push(format!("DROP INDEX {}", quote(name)), drop_key(current, name));
                let algorithm = if index.method.is_some() { ServerChoice } else { InplaceNoLock };
                alter.push(format!("ADD {}", index_definition(dialect, index)), algorithm);
            } else if let Some(unique) = target.uniques.get(name) {
                alter.push(format!("DROP INDEX {}", quote(name)), drop_key(current, name));
                alter.push(
                    format!(
                        "ADD UNIQUE KEY {} ({}){}",
                        quote(name),
                        quote_list(&unique.columns),
                        comment_clause(&unique.comment)
                    ),
                    InplaceNoLock,
                );
            }
        }
        _ => {}
    }
}

/// The clauses of a change to the table itself: its comment and storage.
fn table_clauses(change: &Change, current: Option<&Table>, alter: &mut Alter) {
    use Algorithm::*;
    match change {
        Change::SetTableComment { comment, .. } => {
            alter.push(format!("COMMENT = {}", literal(comment.as_deref().unwrap_or(""))), Instant)
        }
        Change::SetStorage { engine, row_format, collation, .. } => {
            let live = current.cloned().unwrap_or_default();
            if *engine != live.engine {
                alter.push(format!("ENGINE = {}", engine.clone().unwrap_or_else(|| "InnoDB".into())), ServerChoice);
            }
            if *row_format != live.row_format {
                alter.push(
                    format!("ROW_FORMAT = {}", row_format.clone().unwrap_or_else(|| "DEFAULT".into())),
                    ServerChoice,
                );
            }
            if collation.as_deref().map(str::to_ascii_lowercase)
                != live.collation.as_deref().map(str::to_ascii_lowercase)
            {
                let clause = match collation {
                    Some(collation) => {
                        let charset = collation.split('_').next().unwrap_or_default();
                        format!("CONVERT TO CHARACTER SET {charset} COLLATE {collation}")
                    }
                    // Back to the database's own.
                    None => "CONVERT TO CHARACTER SET DEFAULT".into(),
                };
                alter.push(clause, ServerChoice);
            }
        }
        _ => {}
    }
}

/// Whether the live unique key or unique index `name` may be the key InnoDB
/// clusters `table` on: without a primary key it takes the first unique key
/// whose columns are all NOT NULL (any such key counts here, to be safe).
/// Dropping it, or letting one of its columns hold NULL, drops the
/// clustered index, which InnoDB only does by copying the table.
fn clusters_on(table: &Table, name: &str) -> bool {
    let not_null = |column: &str| table.columns.get(column).is_some_and(|c| !c.nullable);
    if table.primary_key.is_some() {
        return false;
    }
    if let Some(unique) = table.uniques.get(name) {
        return unique.columns.iter().all(|c| not_null(c));
    }
    table.indexes.get(name).is_some_and(|index| {
        index.unique && index.parts.iter().all(|p| matches!(&p.key, IndexKey::Column(c) if not_null(c)))
    })
}

/// How a unique key or index of the live table is dropped: in place, unless
/// it may be the implicit clustered key (see [`clusters_on`]).
fn drop_key(current: Option<&Table>, name: &str) -> Algorithm {
    if current.is_some_and(|t| clusters_on(t, name)) { Algorithm::ServerChoice } else { Algorithm::InplaceNoLock }
}

/// Drops, in `alter`, what on `table` stands on `column`: what the differ
/// takes to be gone with a recreated column (`without_dependents`).
fn drop_dependents(table: &Table, column: &str, alter: &mut Alter) {
    let named = |list: &[String]| list.iter().any(|c| c == column);
    let mut drops = Vec::new();
    if table.primary_key.as_ref().is_some_and(|k| named(&k.columns)) {
        drops.push("DROP PRIMARY KEY".to_string());
    }
    for fk in table.foreign_keys.values().filter(|fk| named(&fk.columns)) {
        drops.push(format!("DROP FOREIGN KEY {}", quote(&fk.name)));
    }
    for unique in table.uniques.values().filter(|u| named(&u.columns)) {
        drops.push(format!("DROP INDEX {}", quote(&unique.name)));
    }
    let reads = |e: &str| crate::sql::lexer::mentions(e, column);
    for index in table.indexes.values() {
        let uses = index.parts.iter().any(|p| match &p.key {
            IndexKey::Column(c) => c == column,
            IndexKey::Expr(e) => reads(e.as_str()),
        });
        if uses {
            drops.push(format!("DROP INDEX {}", quote(&index.name)));
        }
    }
    for check in table.checks.values().filter(|c| reads(c.expr.as_str())) {
        drops.push(format!("DROP CONSTRAINT {}", quote(&check.name)));
    }
    for clause in drops {
        if !alter.clauses.iter().any(|(c, _)| *c == clause) {
            alter.push(clause, Algorithm::ServerChoice);
        }
    }
}

/// Dropping an index a kept foreign key of the table still needs (MySQL
/// refuses that): its own index is made in the same statement, under the
/// key's name, as MySQL would have made it.
fn keep_foreign_key_indexes(changes: &[&Change], current: Option<&Table>, target: &Table, alter: &mut Alter) {
    let Some(current) = current else { return };
    // What the statement drops: the file's indexes and keys, and the
    // server's own indexes of the keys it drops or that the file makes again.
    let dropped: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropIndex { index, .. } => Some(index.name.as_str()),
            Change::DropUnique { unique, .. } => Some(unique.name.as_str()),
            Change::SetPrimaryKey { from: Some(_), .. } => Some("PRIMARY"),
            Change::DropForeignKey { foreign_key, .. } => own_index_goes(foreign_key, Some(current), target),
            Change::CreateIndex { index, .. } => {
                owner_of_index(Some(current), &index.name).map(|_| index.name.as_str())
            }
            _ => None,
        })
        .collect();
    if dropped.is_empty() {
        return;
    }
    let leading = |columns: &[String], fk: &ForeignKey| {
        columns.len() >= fk.columns.len() && columns[..fk.columns.len()] == fk.columns[..]
    };
    // The server's own indexes are not in the model: they cover too, before
    // the statement, and after it those it keeps.
    let own_covers = |fk: &ForeignKey, after: bool| {
        current.foreign_keys.values().any(|l| {
            l.own_index.as_deref().is_some_and(|n| !(after && dropped.contains(&n))) && leading(&l.columns, fk)
        })
    };
    let covers = |table: &Table, fk: &ForeignKey| {
        table.primary_key.as_ref().is_some_and(|pk| leading(&pk.columns, fk))
            || table.uniques.values().any(|u| leading(&u.columns, fk))
            || table.indexes.values().any(|i| {
                let columns: Vec<String> = i.columns().map(str::to_string).collect();
                i.method.is_none() && columns.len() == i.parts.len() && leading(&columns, fk)
            })
    };
    for fk in target.foreign_keys.values() {
        if let Some(live) = live_key(current, fk)
            && (covers(current, fk) || own_covers(fk, false))
            && !covers(target, fk)
            && !own_covers(fk, true)
        {
            // Under the key's live name, as MySQL would have made it.
            alter.push(
                format!("ADD INDEX {} ({})", quote(&live.name), quote_list(&fk.columns)),
                Algorithm::InplaceNoLock,
            );
        }
    }
}

/// The key of `live` that the file's `fk` keeps: the one of its name and
/// definition, or, for a key of the conventional name, one of any name with
/// its definition (as the differ adopts it).
fn live_key<'a>(live: &'a Table, fk: &ForeignKey) -> Option<&'a ForeignKey> {
    live.foreign_keys.get(&fk.name).filter(|l| l.same_definition(fk)).or_else(|| {
        (fk.name == crate::model::naming::foreign_key(&live.name, &fk.columns))
            .then(|| live.foreign_keys.values().find(|l| l.same_definition(fk)))
            .flatten()
    })
}

/// The live key whose own (unshown) index is `name`.
fn owner_of_index<'a>(current: Option<&'a Table>, name: &str) -> Option<&'a ForeignKey> {
    current?.foreign_keys.values().find(|fk| fk.own_index.as_deref() == Some(name))
}

/// The index MySQL made for `fk` (as it is live) that dropping the key
/// should drop too: it has one, and the table will not have a key, index
/// or foreign key of that name.
fn own_index_goes<'a>(fk: &'a ForeignKey, current: Option<&'a Table>, target: &Table) -> Option<&'a str> {
    let live = current.and_then(|t| t.foreign_keys.get(&fk.name)).unwrap_or(fk);
    let name = live.own_index.as_deref()?;
    (!target.indexes.contains_key(name)
        && !target.uniques.contains_key(name)
        && !target.foreign_keys.contains_key(name))
    .then_some(name)
}
