//! `--online`: the changes that would block a busy table, planned so that
//! they don't. On a table that exists and is not partitioned:
//!
//! - an index is built (or dropped) `CONCURRENTLY`, which PostgreSQL runs
//!   only outside a transaction: after the plan's transaction commits;
//! - a check or foreign key is added `NOT VALID` in the transaction (a brief
//!   lock, no scan) and validated after the commit (`VALIDATE CONSTRAINT`
//!   takes a lock that lets reads and writes go on);
//! - `SET NOT NULL` becomes a `CHECK (col IS NOT NULL) NOT VALID`, validated
//!   after the commit, then `SET NOT NULL` (PostgreSQL 12+ skips its scan
//!   for a validated check) and the check dropped;
//! - a unique constraint or a new primary key is built as a unique index
//!   `CONCURRENTLY`, then attached: `ADD CONSTRAINT … USING INDEX`.
//!
//! Each statement after the commit runs on its own. What one leaves behind
//! when it fails or is killed, the next plan sees and finishes: an
//! `INVALID` index is built again, a `NOT VALID` constraint validated, a
//! helper check dropped and NOT NULL set again, a bare unique index
//! replaced by the constraint.

use super::ddl::create_index;
use super::session::table_ident;
use crate::diff::{Change, Diff};
use crate::model::naming::bare;
use crate::model::{Index, IndexKey, IndexPart};
use crate::plan::{Operation, Step};
use crate::sql::quote_ident;

/// The note on a step that runs (in part) after the commit.
const NOTE: &str = "--online: the blocking part runs after the transaction commits";

/// `steps` (the plan of `diff`) planned online.
pub(super) fn online(diff: &Diff, steps: Vec<Step>) -> Vec<Step> {
    let created = |table: &str| diff.changes.iter().any(|c| matches!(c, Change::CreateTable(t) if t.name == table));
    let live = |table: &str| diff.base.tables.get(table).is_some_and(|t| t.partition_by.is_none()) && !created(table);
    // A new foreign key may rest on a new unique key of the table it
    // references: that key stays in the transaction.
    let referenced: Vec<&str> = diff
        .changes
        .iter()
        .flat_map(|c| match c {
            Change::AddForeignKey { foreign_key, .. } => vec![foreign_key.ref_table.as_str()],
            Change::CreateTable(t) => t.foreign_keys.values().map(|fk| fk.ref_table.as_str()).collect(),
            _ => Vec::new(),
        })
        .collect();
    let referenced = |table: &str| referenced.contains(&table);
    let remade_in_transaction = |table: &str, name: &str| {
        diff.changes.iter().any(|c| {
            matches!(c, Change::CreateIndex { table: t, index } if t == table && index.name == name && index.unique && referenced(table))
        })
    };
    // What an earlier online apply that stopped half way left to reuse: the
    // helper check of a column still to be made NOT NULL, and a unique
    // index built for a key still to be attached.
    let helper = |table: &str, column: &str| {
        diff.base
            .tables
            .get(table)
            .and_then(|t| t.checks.get(&not_null_check(column)))
            .filter(|c| c.expr.unwrapped().replace('"', "").eq_ignore_ascii_case(&format!("{column} IS NOT NULL")))
    };
    let sets_not_null = |table: &str, column: &str| {
        diff.changes.iter().any(|c| {
            matches!(c, Change::AlterColumn { table: t, from, to, recreate: false }
                if t == table && to.name == column && from.nullable && !to.nullable)
        })
    };
    let built = |table: &str, name: &str, columns: &[String], nulls_not_distinct: bool| {
        diff.base.tables.get(table).and_then(|t| t.indexes.get(name)).is_some_and(|i| {
            i.unique
                && !i.invalid
                && i.predicate.is_none()
                && i.include.is_empty()
                && i.method.is_none()
                && i.nulls_not_distinct == nulls_not_distinct
                && i.parts.len() == columns.len()
                && i.parts.iter().zip(columns).all(|(p, c)| *p == part(c))
        })
    };
    let attached = |table: &str, name: &str| {
        diff.changes.iter().any(|c| match c {
            Change::AddUnique { table: t, unique } => {
                t == table && unique.name == name && built(table, name, &unique.columns, unique.nulls_not_distinct)
            }
            Change::SetPrimaryKey { table: t, from: None, to: Some(key) } => {
                t == table && key.name == name && built(table, name, &key.columns, false)
            }
            _ => false,
        })
    };
    steps
        .into_iter()
        .map(|mut step| {
            let operations = match step.changes.as_slice() {
                [Change::CreateIndex { table, index }] if live(table) && !(index.unique && referenced(table)) => {
                    Some(step.operations.iter().map(|o| Operation::AfterCommit(concurrently(o.sql()))).collect())
                }
                // Kept, and attached below as the key it was built for (the
                // step goes: nothing is dropped).
                [Change::DropIndex { table, index }]
                    if live(table) && !referenced(table) && attached(table, &index.name) =>
                {
                    Some(Vec::new())
                }
                // Dropped after NOT NULL is set, below (the step goes).
                [Change::DropCheck { table, check }]
                    if live(table)
                        && check.name.starts_with("dbshape_not_null_")
                        && diff.base.tables[table.as_str()].columns.keys().any(|c| {
                            not_null_check(c) == check.name && helper(table, c).is_some() && sets_not_null(table, c)
                        }) =>
                {
                    Some(Vec::new())
                }
                // A unique index may be what a foreign key rests on: dropped in the
                // transaction; so is one whose name an index made in the transaction takes.
                [Change::DropIndex { table, index }]
                    if live(table) && !index.unique && !remade_in_transaction(table, &index.name) =>
                {
                    Some(step.operations.iter().map(|o| Operation::AfterCommit(concurrently(o.sql()))).collect())
                }
                // One the file keeps `validated: false` is added NOT VALID
                // already, and stays so.
                [Change::AddCheck { table, check }] if live(table) && !check.not_valid => {
                    Some(not_valid(&step, table, &check.name))
                }
                [Change::AddForeignKey { table, foreign_key }] if live(table) && !foreign_key.not_valid => {
                    Some(not_valid(&step, table, &foreign_key.name))
                }
                [Change::AlterColumn { table, from, to, recreate: false }]
                    if live(table) && from.nullable && !to.nullable =>
                {
                    set_not_null(&step, table, &to.name, helper(table, &to.name).map(|c| c.not_valid))
                }
                [Change::AddUnique { table, unique }] if live(table) && !referenced(table) => {
                    let columns: Vec<IndexPart> = unique.columns.iter().map(|c| part(c)).collect();
                    let index = Index {
                        unique: true,
                        nulls_not_distinct: unique.nulls_not_distinct,
                        ..Index::new(unique.name.clone(), columns)
                    };
                    let built = built(table, &unique.name, &unique.columns, unique.nulls_not_distinct);
                    Some(using_index(&step, table, &index, "UNIQUE", built))
                }
                [Change::SetPrimaryKey { table, from: None, to: Some(key) }] if live(table) && !referenced(table) => {
                    let columns: Vec<IndexPart> = key.columns.iter().map(|c| part(c)).collect();
                    let index = Index { unique: true, ..Index::new(key.name.clone(), columns) };
                    let built = built(table, &key.name, &key.columns, false);
                    Some(using_index(&step, table, &index, "PRIMARY KEY", built))
                }
                [Change::ValidateConstraint { table, name }] if live(table) => Some(vec![validate(table, name)]),
                _ => None,
            };
            if let Some(operations) = operations {
                step.operations = operations;
                step.note = Some(NOTE.into());
            }
            step
        })
        // What is reused instead of dropped is no change at all.
        .filter(|step| !step.operations.is_empty() || step.changes.is_empty())
        .collect()
}

fn part(column: &str) -> IndexPart {
    IndexPart {
        key: IndexKey::Column(column.to_string()),
        descending: false,
        nulls_first: None,
        collation: None,
        opclass: None,
        length: None,
    }
}

/// `CREATE [UNIQUE] INDEX` and `DROP INDEX` made `CONCURRENTLY` (a drop
/// also `IF EXISTS`: a column the transaction dropped took the index with
/// it). Other statements (a comment on the new index) are kept.
fn concurrently(sql: &str) -> String {
    for prefix in ["CREATE UNIQUE INDEX ", "CREATE INDEX "] {
        if let Some(rest) = sql.strip_prefix(prefix) {
            return format!("{prefix}CONCURRENTLY {rest}");
        }
    }
    match sql.strip_prefix("DROP INDEX ") {
        Some(rest) => format!("DROP INDEX CONCURRENTLY IF EXISTS {rest}"),
        None => sql.to_string(),
    }
}

fn validate(table: &str, name: &str) -> Operation {
    Operation::AfterCommit(format!("ALTER TABLE {} VALIDATE CONSTRAINT {}", table_ident(table), quote_ident(name)))
}

/// The step's `ADD CONSTRAINT` made `NOT VALID`, and validated after the
/// commit.
fn not_valid(step: &Step, table: &str, name: &str) -> Vec<Operation> {
    let mut operations: Vec<Operation> = step
        .operations
        .iter()
        .map(|o| match o.sql() {
            sql if sql.starts_with("ALTER TABLE ") && sql.contains(" ADD CONSTRAINT ") => {
                Operation::Sql(format!("{sql} NOT VALID"))
            }
            _ => o.clone(),
        })
        .collect();
    operations.push(validate(table, name));
    operations
}

/// The helper check that stands for NOT NULL while it is validated.
pub(super) fn not_null_check(column: &str) -> String {
    let name = format!("dbshape_not_null_{column}");
    // PostgreSQL keeps 63 bytes of a name.
    let mut end = name.len().min(63);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// The step's `SET NOT NULL` through a validated check, or `None` when the
/// step does not have one on its own. `helper`: the check is there already
/// (from an apply that stopped), and whether it still waits for validation.
fn set_not_null(step: &Step, table: &str, column: &str, helper: Option<bool>) -> Option<Vec<Operation>> {
    let set = format!("ALTER TABLE {} ALTER COLUMN {} SET NOT NULL", table_ident(table), quote_ident(column));
    let at = step.operations.iter().position(|o| o.sql() == set)?;
    let check = not_null_check(column);
    let mut operations = step.operations.clone();
    // What followed SET NOT NULL in the step follows it after the commit.
    let rest: Vec<Operation> =
        operations.drain(at + 1..).map(|o| Operation::AfterCommit(o.sql().to_string())).collect();
    operations.pop();
    if helper.is_none() {
        operations.push(Operation::Sql(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
            table_ident(table),
            quote_ident(&check),
            quote_ident(column)
        )));
    }
    if helper != Some(false) {
        operations.push(validate(table, &check));
    }
    operations.push(Operation::AfterCommit(set));
    operations.push(Operation::AfterCommit(format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        table_ident(table),
        quote_ident(&check)
    )));
    operations.extend(rest);
    Some(operations)
}

/// A unique constraint or primary key (`kind`) built as `index`
/// `CONCURRENTLY` (unless `built` already), then attached to the table
/// under its own name; the step's other statements (a comment) follow.
fn using_index(step: &Step, table: &str, index: &Index, kind: &str, built: bool) -> Vec<Operation> {
    let mut operations = Vec::new();
    if !built {
        operations.push(Operation::AfterCommit(concurrently(&create_index(table, index))));
    }
    operations.push(Operation::AfterCommit(format!(
        "ALTER TABLE {} ADD CONSTRAINT {} {kind} USING INDEX {}",
        table_ident(table),
        quote_ident(&index.name),
        quote_ident(bare(&index.name))
    )));
    operations.extend(step.operations.iter().skip(1).map(|o| Operation::AfterCommit(o.sql().to_string())));
    operations
}
