//! The PostgreSQL planner: every change is an ALTER in place, ordered by
//! dependency so that any plan runs front to back inside one transaction:
//!
//! 1. renames (the differ names everything after them by its new name);
//! 2. drop foreign keys, then indexes, checks, uniques and primary keys
//!    that go away or change;
//! 3. drop generated columns (they may read other columns), create tables
//!    (without their foreign keys), add and alter columns, drop columns;
//!    then add back generated columns that had to be recreated;
//! 4. detach partitions whose bound changes, then attach partitions;
//! 5. add primary keys, uniques and checks, create indexes;
//! 6. add foreign keys (after every table exists, so cycles work);
//! 7. comments; 8. drop tables.

use super::objects;
use crate::diff::{Change, CommentOn, Diff};
use crate::error::{Error, Result};
use crate::model::naming::serial_sequence as serial_sequence_name;
use crate::model::{
    Column, DefaultValue, Exclusion, ForeignKey, Index, IndexKey, IndexPart, Sequence, SequenceOptions, SqlType, Table,
    Trigger, Unique,
};
use crate::plan::{Operation, Step};
use crate::sql::lexer::mentions;
use crate::sql::{ident_list, quote_ident, quote_literal};

/// A step while planning: on PostgreSQL every operation is plain SQL.
struct Draft {
    changes: Vec<Change>,
    statements: Vec<String>,
    note: Option<String>,
}

impl From<Draft> for Step {
    fn from(draft: Draft) -> Step {
        Step {
            changes: draft.changes,
            operations: draft.statements.into_iter().map(Operation::Sql).collect(),
            note: draft.note,
        }
    }
}

pub(super) fn plan(diff: &Diff) -> Result<Vec<Step>> {
    let mut phases: [Vec<Draft>; 18] = Default::default();
    // Triggers and views that go or are made again, and functions made
    // again, before anything they rest on changes.
    const DROP_OBJECTS: usize = 0;
    const TYPES: usize = 1;
    // Before the tables: defaults, checks and indexes may call them.
    const FUNCTIONS: usize = 2;
    // Renames come first: every later statement names the new names.
    const RENAMES: usize = 3;
    const DROP_FKS: usize = 4;
    const DROP_OTHERS: usize = 5;
    const TABLES: usize = 6;
    const RECREATED: usize = 7;
    // Functions whose arguments or result are the row type of a new table.
    const LATE_FUNCTIONS: usize = 8;
    // Partitions are detached and attached again once the parent's column
    // changes have reached them, and before its new keys and indexes do.
    const PARTITIONS: usize = 9;
    const ADD_CONSTRAINTS: usize = 10;
    const ADD_FKS: usize = 11;
    const COMMENTS: usize = 12;
    const DROP_TABLES: usize = 13;
    // Once every table and column they read is there.
    const VIEWS: usize = 14;
    const TRIGGERS: usize = 15;
    // After the tables whose defaults may call them.
    const DROP_FUNCTIONS: usize = 16;
    const DROP_TYPES: usize = 17;

    let mut dropped_tables = Vec::new();
    for change in &diff.changes {
        let one = |sql: String| Draft { changes: vec![change.clone()], statements: vec![sql], note: None };
        match change {
            Change::CreateTable(table) => {
                let mut statements = Vec::new();
                if let Some(schema) = schema_of(&table.name) {
                    statements.push(format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema)));
                }
                statements.push(create_table(table));
                statements.extend(repeated_uniques(table));
                statements.extend(table.indexes.values().map(|i| create_index(&table.name, i)));
                statements.extend(comments(table));
                phases[TABLES].push(Draft { changes: vec![change.clone()], statements, note: None });
                // Added once every table exists, so that cycles work.
                for fk in table.foreign_keys.values() {
                    let change = Change::AddForeignKey { table: table.name.clone(), foreign_key: fk.clone() };
                    let mut statements = vec![add_foreign_key(&table.name, fk)];
                    statements.extend(constraint_comment(&table.name, &fk.name, &fk.comment));
                    phases[ADD_FKS].push(Draft { changes: vec![change], statements, note: None });
                }
            }
            Change::DropTable(table) => dropped_tables.push(table),
            Change::RenameTable { from, to } => {
                let new_name = to.rsplit_once('.').map_or(to.as_str(), |(_, n)| n);
                if schema_of(from) != schema_of(to) {
                    return Err(Error::Unsupported(format!(
                        "moving table {from} to another schema ({to}) is not supported"
                    )));
                }
                let mut statements =
                    vec![format!("ALTER TABLE {} RENAME TO {}", table_ident(from), quote_ident(new_name))];
                statements.extend(serial_sequence_renames(diff, to, None));
                phases[RENAMES].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::RenameColumn { table, from, to } => {
                let mut statements = vec![format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    table_ident(table),
                    quote_ident(from),
                    quote_ident(to)
                )];
                let table_renamed =
                    diff.changes.iter().any(|c| matches!(c, Change::RenameTable { to, .. } if to == table));
                if !table_renamed {
                    statements.extend(serial_sequence_renames(diff, table, Some(to)));
                }
                phases[RENAMES].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::AddColumn { table, column } => {
                let mut statements = match &column.backfill {
                    // Added NULL, filled, then made NOT NULL (all in the one transaction).
                    Some(backfill) if !column.nullable && column.default.is_none() && column.generated.is_none() => {
                        let nullable = Column { nullable: true, ..column.clone() };
                        vec![
                            format!("ALTER TABLE {} ADD COLUMN {}", table_ident(table), column_definition(&nullable)),
                            backfill_sql(table, &column.name, backfill),
                            format!(
                                "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
                                table_ident(table),
                                quote_ident(&column.name)
                            ),
                        ]
                    }
                    _ => vec![format!("ALTER TABLE {} ADD COLUMN {}", table_ident(table), column_definition(column))],
                };
                statements.extend(column_comment(table, column));
                phases[TABLES].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropColumn { table, column } => {
                let step = one(format!("ALTER TABLE {} DROP COLUMN {}", table_ident(table), quote_ident(&column.name)));
                // A generated column goes before the other column changes: it
                // may read one of them (and it holds no data of its own).
                if column.generated.is_some() {
                    phases[TABLES].insert(0, step);
                } else {
                    phases[TABLES].push(step);
                }
            }
            Change::AlterColumn { table, to, recreate: true, .. } => {
                // Dropped before the other column changes, added once every
                // column it reads has its new type; the change is listed with
                // the latter.
                let drop = format!("ALTER TABLE {} DROP COLUMN {}", table_ident(table), quote_ident(&to.name));
                phases[TABLES].insert(0, Draft { changes: Vec::new(), statements: vec![drop], note: None });
                let mut statements =
                    vec![format!("ALTER TABLE {} ADD COLUMN {}", table_ident(table), column_definition(to))];
                statements.extend(column_comment(table, to));
                phases[RECREATED].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::AlterColumn { table, from, to, .. } => phases[TABLES].push(Draft {
                changes: vec![change.clone()],
                statements: alter_column(table, from, to)?,
                note: None,
            }),
            Change::SetPrimaryKey { table, from: Some(from), to: Some(to) } if from.columns == to.columns => {
                // Only the name changes: nothing that rests on the key moves.
                let mut statements = vec![format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    table_ident(table),
                    quote_ident(&from.name),
                    quote_ident(&to.name)
                )];
                if from.comment != to.comment {
                    statements.push(comment_on_constraint(table, &to.name, &to.comment));
                }
                phases[DROP_OTHERS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::SetPrimaryKey { table, from, to } => {
                // The old key goes early (with the other drops), the new one
                // once its columns exist; the change is listed with the latter.
                if let Some(pk) = from {
                    let changes = if to.is_none() { vec![change.clone()] } else { vec![] };
                    phases[DROP_OTHERS].push(Draft {
                        changes,
                        statements: vec![drop_constraint(table, &pk.name)],
                        note: None,
                    });
                }
                if let Some(pk) = to {
                    let mut statements = vec![format!(
                        "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})",
                        table_ident(table),
                        quote_ident(&pk.name),
                        ident_list(&pk.columns)
                    )];
                    statements.extend(constraint_comment(table, &pk.name, &pk.comment));
                    phases[ADD_CONSTRAINTS].push(Draft { changes: vec![change.clone()], statements, note: None });
                }
            }
            Change::AddUnique { table, unique } => {
                let mut statements = vec![add_unique(table, unique)];
                statements.extend(constraint_comment(table, &unique.name, &unique.comment));
                phases[ADD_CONSTRAINTS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropUnique { table, unique } => phases[DROP_OTHERS].push(one(drop_constraint(table, &unique.name))),
            Change::AddCheck { table, check } => {
                let mut statements = vec![format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
                    table_ident(table),
                    quote_ident(&check.name),
                    check.expr.unwrapped()
                )];
                statements.extend(constraint_comment(table, &check.name, &check.comment));
                phases[ADD_CONSTRAINTS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropCheck { table, check } => phases[DROP_OTHERS].push(one(drop_constraint(table, &check.name))),
            Change::AddForeignKey { table, foreign_key } => {
                let mut statements = vec![add_foreign_key(table, foreign_key)];
                statements.extend(constraint_comment(table, &foreign_key.name, &foreign_key.comment));
                phases[ADD_FKS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropForeignKey { table, foreign_key } => {
                phases[DROP_FKS].push(one(drop_constraint(table, &foreign_key.name)))
            }
            Change::AddExclusion { table, exclusion } => {
                let mut statements = vec![format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {}",
                    table_ident(table),
                    quote_ident(&exclusion.name),
                    exclude_clause(exclusion)
                )];
                statements.extend(constraint_comment(table, &exclusion.name, &exclusion.comment));
                phases[ADD_CONSTRAINTS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropExclusion { table, exclusion } => {
                phases[DROP_OTHERS].push(one(drop_constraint(table, &exclusion.name)))
            }
            Change::CreateIndex { table, index } => {
                let mut statements = vec![create_index(table, index)];
                if index.comment.is_some() {
                    statements.push(comment_on_index(table, &index.name, &index.comment));
                }
                phases[ADD_CONSTRAINTS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropIndex { table, index } => {
                phases[DROP_OTHERS].push(one(format!("DROP INDEX {}", qualified(schema_of(table), &index.name))))
            }
            Change::ValidateConstraint { table, name } => phases[ADD_FKS].push(one(format!(
                "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                table_ident(table),
                quote_ident(name)
            ))),
            Change::CreateExtension { name } => {
                phases[TYPES].insert(0, one(format!("CREATE EXTENSION IF NOT EXISTS {}", quote_ident(name))))
            }
            Change::CreateEnum { name, values } => {
                let mut statements = Vec::new();
                if let Some(schema) = schema_of(name) {
                    statements.push(format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema)));
                }
                statements.push(create_enum(name, values));
                phases[TYPES].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropEnum { name } => phases[DROP_TYPES].push(one(format!("DROP TYPE {}", table_ident(name)))),
            Change::AddEnumValues { name, values } => {
                let statements = values
                    .iter()
                    .map(|(value, before)| {
                        let mut sql = format!("ALTER TYPE {} ADD VALUE {}", table_ident(name), quote_literal(value));
                        if let Some(before) = before {
                            sql.push_str(&format!(" BEFORE {}", quote_literal(before)));
                        }
                        sql
                    })
                    .collect();
                phases[TYPES].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::RecreateEnum { name, to, .. } => {
                phases[TABLES].push(Draft {
                    changes: vec![change.clone()],
                    statements: recreate_enum(name, to, &diff.base),
                    note: Some(format!(
                        "enum {name} loses or reorders labels: it is recreated and its columns are cast through text"
                    )),
                });
            }
            Change::SetComment { table, on: CommentOn::Index(name), comment } => {
                phases[COMMENTS].push(one(comment_on_index(table, name, comment)))
            }
            Change::SetComment { table, on: CommentOn::Constraint(name), comment } => {
                phases[COMMENTS].push(one(comment_on_constraint(table, name, comment)))
            }
            Change::CreateSequence(sequence) => {
                let mut statements = Vec::new();
                if let Some(schema) = schema_of(&sequence.name) {
                    statements.push(format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema)));
                }
                statements.push(create_sequence(sequence));
                statements.extend(sequence.comment.as_ref().map(|_| comment_on_sequence(sequence)));
                phases[TYPES].push(Draft { changes: vec![change.clone()], statements, note: None });
                if sequence.owned_by.is_some() {
                    phases[ADD_FKS].push(Draft {
                        changes: Vec::new(),
                        statements: vec![owned_by(sequence)],
                        note: None,
                    });
                }
            }
            Change::AlterSequence { from, to } => {
                let mut statements = Vec::new();
                if from.sql_type != to.sql_type || from.options != to.options {
                    // Every option said, so that one left out returns to its
                    // default; no RESTART: the current value stays.
                    let options = to.options.effective(&to.sql_type);
                    let mut clauses = sequence_clauses(&options);
                    if !options.cycle {
                        clauses.push("NO CYCLE".into());
                    }
                    statements.push(format!(
                        "ALTER SEQUENCE {} AS {} {}",
                        table_ident(&to.name),
                        type_sql(&to.sql_type),
                        clauses.join(" ")
                    ));
                }
                if from.comment != to.comment {
                    statements.push(comment_on_sequence(to));
                }
                // A new owner must exist first, and the old one may go later:
                // the owner changes with the foreign keys, after the tables.
                let owner = (from.owned_by != to.owned_by).then(|| owned_by(to));
                match (statements.is_empty(), owner) {
                    (false, owner) => {
                        phases[TYPES].push(Draft { changes: vec![change.clone()], statements, note: None });
                        phases[ADD_FKS].extend(owner.map(|sql| Draft {
                            changes: Vec::new(),
                            statements: vec![sql],
                            note: None,
                        }));
                    }
                    (true, Some(sql)) => phases[ADD_FKS].push(one(sql)),
                    (true, None) => {}
                }
            }
            Change::DropSequence(sequence) => {
                // An owned sequence may already have gone with its column.
                phases[DROP_TYPES].push(one(format!("DROP SEQUENCE IF EXISTS {}", table_ident(&sequence.name))))
            }
            Change::SetTableOptions { table, .. } => {
                return Err(Error::Unsupported(format!("{table}: STRICT and WITHOUT ROWID are SQLite table options")));
            }
            Change::SetStorage { table, .. } => {
                return Err(Error::Unsupported(format!("{table}: engines and row formats are MySQL table options")));
            }
            Change::SetPartition { table, from, to: Some(to), checks }
                if from.as_ref().is_none_or(|from| from.parent == to.parent) =>
            {
                // Every detach before any attach: bounds may move between
                // partitions. Attaching checks every row against the bound
                // (and the default partition's rows against it).
                if let Some(from) = from {
                    phases[PARTITIONS].insert(
                        0,
                        Draft {
                            changes: Vec::new(),
                            statements: vec![format!(
                                "ALTER TABLE {} DETACH PARTITION {}",
                                table_ident(&from.parent),
                                table_ident(table)
                            )],
                            note: None,
                        },
                    );
                }
                let mut statements: Vec<String> = checks
                    .iter()
                    .map(|c| {
                        format!(
                            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
                            table_ident(table),
                            quote_ident(&c.name),
                            c.expr.unwrapped()
                        )
                    })
                    .collect();
                statements.push(format!(
                    "ALTER TABLE {} ATTACH PARTITION {} {}",
                    table_ident(&to.parent),
                    table_ident(table),
                    to.bound_clause()
                ));
                phases[PARTITIONS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::SetPartition { table, from, to, .. } => {
                let what = match (from, to) {
                    (Some(from), Some(to)) => {
                        format!("moving partition {table} from {} to {} is not supported", from.parent, to.parent)
                    }
                    (Some(from), None) => {
                        format!("making partition {table} of {} a table of its own is not supported", from.parent)
                    }
                    _ => unreachable!("attaching is planned above"),
                };
                return Err(Error::Unsupported(format!(
                    "{what}: detach it yourself (ALTER TABLE … DETACH PARTITION …), and the next plan takes it \
                     from there"
                )));
            }
            Change::SetPartitionBy { table, from, to } => {
                let key = |k: &Option<String>| {
                    k.as_deref().map_or("not partitioned".to_string(), |k| format!("PARTITION BY {k}"))
                };
                return Err(Error::Unsupported(format!(
                    "table {table} would change from {} to {}: PostgreSQL cannot change how a table is \
                     partitioned in place; create the new table under another name, move the rows, and drop \
                     the old one",
                    key(from),
                    key(to)
                )));
            }
            Change::DropPolicy { table, policy, .. } => {
                phases[DROP_OBJECTS].push(one(objects::drop_policy(&before_renames(diff, table), policy)))
            }
            Change::CreatePolicy { table, policy } => phases[TRIGGERS].push(Draft {
                changes: vec![change.clone()],
                statements: objects::create_policy(table, policy),
                note: None,
            }),
            Change::AlterPolicy { table, from, to } => phases[TRIGGERS].push(Draft {
                changes: vec![change.clone()],
                statements: objects::alter_policy(table, from, to),
                note: None,
            }),
            Change::SetRowLevelSecurity { table, from, to } => phases[TRIGGERS].push(Draft {
                changes: vec![change.clone()],
                statements: objects::set_row_level_security(table, from.as_deref(), to.as_deref()),
                note: None,
            }),
            // After the functions they call, and with them.
            Change::CreateAggregate { aggregate, replace } => phases[LATE_FUNCTIONS].push(Draft {
                changes: vec![change.clone()],
                statements: objects::create_aggregate(aggregate, *replace),
                note: None,
            }),
            Change::DropAggregate(aggregate) => phases[DROP_OBJECTS].push(one(objects::drop_aggregate(aggregate))),
            Change::CreateDomain(domain) => phases[TYPES].push(Draft {
                changes: vec![change.clone()],
                statements: objects::create_domain(domain),
                note: None,
            }),
            Change::AlterDomain { from, to } => {
                if from.base != to.base {
                    return Err(Error::Unsupported(format!(
                        "domain {} would change from {} to {}: PostgreSQL cannot change a domain's base type; \
                         make a new domain and move the columns to it",
                        to.name, from.base, to.base
                    )));
                }
                phases[TYPES].push(Draft {
                    changes: vec![change.clone()],
                    statements: objects::alter_domain(from, to),
                    note: None,
                })
            }
            Change::DropDomain(domain) => {
                phases[DROP_TYPES].insert(0, one(format!("DROP DOMAIN {}", table_ident(&domain.name))))
            }
            Change::CreateCompositeType(composite) => phases[TYPES].push(Draft {
                changes: vec![change.clone()],
                statements: objects::create_composite_type(composite),
                note: None,
            }),
            Change::AlterCompositeType { from, to } => phases[TYPES].push(Draft {
                changes: vec![change.clone()],
                statements: objects::alter_composite_type(from, to),
                note: None,
            }),
            Change::DropCompositeType(composite) => {
                phases[DROP_TYPES].insert(0, one(format!("DROP TYPE {}", table_ident(&composite.name))))
            }
            Change::DropView { view, .. } => phases[DROP_OBJECTS].push(one(objects::drop_view(view))),
            Change::CreateView(view) => {
                let mut statements = objects::create_view(view, None);
                statements.extend(view.comment.as_ref().map(|_| objects::comment_on_view(view)));
                for index in view.indexes.values() {
                    statements.push(create_index(&view.name, index));
                    if index.comment.is_some() {
                        statements.push(comment_on_index(&view.name, &index.name, &index.comment));
                    }
                }
                phases[VIEWS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::ReplaceView { from, to } => {
                let mut statements =
                    if from.same_definition(to) { Vec::new() } else { objects::create_view(to, Some(from)) };
                if from.comment != to.comment {
                    statements.push(objects::comment_on_view(to));
                }
                phases[VIEWS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropFunction(function) => {
                let remade =
                    diff.changes.iter().any(|c| matches!(c, Change::CreateFunction(f) if f.name == function.name));
                let phase = if remade { DROP_OBJECTS } else { DROP_FUNCTIONS };
                phases[phase].push(one(objects::drop_function(function)));
            }
            Change::CreateFunction(function) | Change::ReplaceFunction { to: function, .. } => {
                let from = match change {
                    Change::ReplaceFunction { from, .. } => Some(from),
                    _ => None,
                };
                let mut statements = Vec::new();
                let signature =
                    format!("{} {}", function.arguments, function.returns.as_ref().map_or("", |r| r.as_str()));
                let phase = if diff.changes.iter().any(|c| {
                    matches!(c, Change::CreateTable(t) if mentions(&signature, crate::model::naming::bare(&t.name)))
                }) {
                    LATE_FUNCTIONS
                } else {
                    FUNCTIONS
                };
                if from.is_none_or(|from| !from.same_definition(function)) {
                    // Bodies may read tables made later in the plan.
                    let unchecked = |d: &Draft| d.statements.iter().any(|s| s.contains("check_function_bodies"));
                    if !phases[FUNCTIONS].iter().chain(&phases[LATE_FUNCTIONS]).any(unchecked) {
                        statements.push("SET LOCAL check_function_bodies = off".to_string());
                    }
                    if let Some(schema) = schema_of(&function.name).filter(|_| from.is_none()) {
                        statements.push(format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema)));
                    }
                    statements.push(objects::create_function(function, from.is_some()));
                }
                if from.map_or(function.comment.is_some(), |from| from.comment != function.comment) {
                    statements.push(objects::comment_on_function(function));
                }
                phases[phase].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::DropTrigger(trigger) => {
                let on = Trigger { table: before_renames(diff, &trigger.table), ..trigger.clone() };
                phases[DROP_OBJECTS].push(one(objects::drop_trigger(&on)))
            }
            Change::CreateTrigger(trigger) | Change::ReplaceTrigger { to: trigger, .. } => {
                let from = match change {
                    Change::ReplaceTrigger { from, .. } => Some(from),
                    _ => None,
                };
                let mut statements = Vec::new();
                if from.is_none_or(|from| !from.same_definition(trigger)) {
                    statements.push(objects::create_trigger(trigger, from.is_some()));
                }
                if from.map_or(trigger.comment.is_some(), |from| from.comment != trigger.comment) {
                    statements.push(objects::comment_on_trigger(trigger));
                }
                phases[TRIGGERS].push(Draft { changes: vec![change.clone()], statements, note: None });
            }
            Change::SetTableComment { table, comment } => phases[COMMENTS].push(one(format!(
                "COMMENT ON TABLE {} IS {}",
                table_ident(table),
                comment.as_deref().map_or("NULL".into(), quote_literal)
            ))),
        }
    }
    let (drops, adds) = rest_foreign_keys(diff);
    phases[DROP_FKS].extend(drops);
    phases[ADD_FKS].extend(adds);
    if !dropped_tables.is_empty() {
        // A partition of a table that stays is detached first: PostgreSQL
        // refuses to drop one while a foreign key references its parent
        // (the key has a copy on every partition), and detaching checks
        // that no row references the partition's rows.
        let mut statements: Vec<String> = dropped_tables
            .iter()
            .filter_map(|t| t.partition_of.as_ref().map(|p| (t, p)))
            .filter(|(_, p)| !dropped_tables.iter().any(|d| d.name == p.parent))
            .map(|(t, p)| format!("ALTER TABLE {} DETACH PARTITION {}", table_ident(&p.parent), table_ident(&t.name)))
            .collect();
        // One statement: PostgreSQL resolves the dependencies among them.
        let names: Vec<String> = dropped_tables.iter().map(|t| table_ident(&t.name)).collect();
        statements.push(format!("DROP TABLE {}", names.join(", ")));
        phases[DROP_TABLES].push(Draft {
            changes: dropped_tables.iter().map(|t| Change::DropTable((*t).clone())).collect(),
            statements,
            note: None,
        });
    }
    Ok(phases.into_iter().flatten().map(Step::from).collect())
}

/// The name `table` has before the plan's renames: what runs before them
/// (dropping triggers and policies) names the table so.
fn before_renames(diff: &Diff, table: &str) -> String {
    diff.changes
        .iter()
        .find_map(|c| match c {
            Change::RenameTable { from, to } if to == table => Some(from.clone()),
            _ => None,
        })
        .unwrap_or_else(|| table.to_string())
}

/// A foreign key rests on a unique index of the columns it references (a
/// primary key's, a unique constraint's or a unique index's), and
/// PostgreSQL refuses to drop that index under it. The foreign keys resting
/// on a key or index the plan drops go first, and come back once the new
/// keys exist (unless the plan drops them anyway).
fn rest_foreign_keys(diff: &Diff) -> (Vec<Draft>, Vec<Draft>) {
    let (mut drops, mut adds) = (Vec::new(), Vec::new());
    let mut dropped_keys: Vec<(&str, Vec<String>)> = Vec::new();
    let mut dropping_fk = std::collections::HashSet::new();
    let mut dropped_tables = std::collections::HashSet::new();
    for change in &diff.changes {
        match change {
            Change::SetPrimaryKey { table, from: Some(pk), to }
                if to.as_ref().is_none_or(|to| to.columns != pk.columns) =>
            {
                dropped_keys.push((table, pk.columns.clone()))
            }
            Change::DropUnique { table, unique } => dropped_keys.push((table, unique.columns.clone())),
            Change::DropIndex { table, index } if index.unique && index.predicate.is_none() => {
                let columns: Vec<String> = index.columns().map(str::to_string).collect();
                if columns.len() == index.parts.len() {
                    dropped_keys.push((table, columns));
                }
            }
            Change::DropForeignKey { table, foreign_key } => {
                dropping_fk.insert((table.as_str(), foreign_key.name.as_str()));
            }
            Change::DropTable(table) => {
                dropped_tables.insert(table.name.as_str());
            }
            _ => {}
        }
    }
    let same_set = |a: &[String], b: &[String]| a.len() == b.len() && a.iter().all(|c| b.contains(c));
    let mut moved = std::collections::HashSet::new();
    for child in diff.base.tables.values() {
        for fk in child.foreign_keys.values() {
            let rests = dropped_keys
                .iter()
                .any(|(table, columns)| fk.ref_table == *table && same_set(&fk.ref_columns, columns));
            let key = (child.name.as_str(), fk.name.as_str());
            if !rests || dropping_fk.contains(&key) || !moved.insert(key) {
                continue;
            }
            let note = Some(format!("foreign key {} rests on a key of {} that is replaced", fk.name, fk.ref_table));
            drops.push(Draft {
                changes: Vec::new(),
                statements: vec![drop_constraint(&child.name, &fk.name)],
                note: note.clone(),
            });
            if !dropped_tables.contains(child.name.as_str()) {
                adds.push(Draft { changes: Vec::new(), statements: vec![add_foreign_key(&child.name, fk)], note });
            }
        }
    }
    (drops, adds)
}

pub(super) fn create_sequence(sequence: &Sequence) -> String {
    let mut sql = format!("CREATE SEQUENCE {} AS {}", table_ident(&sequence.name), type_sql(&sequence.sql_type));
    for clause in sequence_clauses(&sequence.options) {
        sql.push(' ');
        sql.push_str(&clause);
    }
    sql
}

/// `ALTER SEQUENCE … OWNED BY table.column` (or `NONE`).
fn owned_by(sequence: &Sequence) -> String {
    let owner = match &sequence.owned_by {
        Some((table, column)) => format!("{}.{}", table_ident(table), quote_ident(column)),
        None => "NONE".into(),
    };
    format!("ALTER SEQUENCE {} OWNED BY {owner}", table_ident(&sequence.name))
}

fn comment_on_sequence(sequence: &Sequence) -> String {
    let text = sequence.comment.as_deref().map_or("NULL".into(), quote_literal);
    format!("COMMENT ON SEQUENCE {} IS {text}", table_ident(&sequence.name))
}

pub(super) fn create_enum(name: &str, values: &[String]) -> String {
    let labels: Vec<String> = values.iter().map(|v| quote_literal(v)).collect();
    format!("CREATE TYPE {} AS ENUM ({})", table_ident(name), labels.join(", "))
}

/// Renames the old type out of the way, creates the new one, casts every
/// column of the type through text (a value with no label left fails the
/// cast, and the transaction with it), then drops the old type.
fn recreate_enum(name: &str, values: &[String], base: &crate::model::Schema) -> Vec<String> {
    let bare = name.rsplit_once('.').map_or(name, |(_, n)| n);
    let old = format!("{bare}__dbshape_old");
    let old_qualified = match name.split_once('.') {
        Some((schema, _)) => format!("{}.{}", quote_ident(schema), quote_ident(&old)),
        None => quote_ident(&old),
    };
    let mut statements =
        vec![format!("ALTER TYPE {} RENAME TO {}", table_ident(name), quote_ident(&old)), create_enum(name, values)];
    let enum_type = SqlType::Other(name.to_string());
    let array_type = SqlType::Array(Box::new(enum_type.clone()));
    for table in base.tables.values() {
        for column in table.columns.values() {
            let suffix = if column.sql_type == enum_type {
                ""
            } else if column.sql_type == array_type {
                "[]"
            } else {
                continue;
            };
            let alter = |clause: String| {
                format!("ALTER TABLE {} ALTER COLUMN {} {clause}", table_ident(&table.name), quote_ident(&column.name))
            };
            if column.default.is_some() {
                statements.push(alter("DROP DEFAULT".into()));
            }
            let new_type = format!("{}{suffix}", table_ident(name));
            statements
                .push(alter(format!("TYPE {new_type} USING {}::text{suffix}::{new_type}", quote_ident(&column.name))));
            if let Some(default) = &column.default {
                statements.push(alter(format!("SET DEFAULT {}", default_sql(default))));
            }
        }
    }
    statements.push(format!("DROP TYPE {old_qualified}"));
    statements
}

/// `schema.table` → `"schema"."table"`; `table` → `"table"`.
pub(super) fn table_ident(name: &str) -> String {
    match name.split_once('.') {
        Some((schema, table)) => format!("{}.{}", quote_ident(schema), quote_ident(table)),
        None => quote_ident(name),
    }
}

/// The schema of a qualified name (`billing.invoices` → `billing`).
pub(super) fn schema_of(table: &str) -> Option<&str> {
    table.split_once('.').map(|(schema, _)| schema)
}

fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(name)),
        None => quote_ident(name),
    }
}

fn drop_constraint(table: &str, name: &str) -> String {
    format!("ALTER TABLE {} DROP CONSTRAINT {}", table_ident(table), quote_ident(name))
}

/// CREATE TABLE with its keys and checks; foreign keys come separately.
pub(super) fn create_table(table: &Table) -> String {
    let mut lines: Vec<String> = table.columns.values().map(column_definition).collect();
    if let Some(pk) = &table.primary_key {
        lines.push(format!("CONSTRAINT {} PRIMARY KEY ({})", quote_ident(&pk.name), ident_list(&pk.columns)));
    }
    for unique in table.uniques.values().filter(|u| !repeats_a_key(table, u)) {
        lines.push(format!("CONSTRAINT {} {}", quote_ident(&unique.name), unique_clause(unique)));
    }
    for check in table.checks.values() {
        lines.push(format!("CONSTRAINT {} CHECK ({})", quote_ident(&check.name), check.expr.unwrapped()));
    }
    for exclusion in table.exclusions.values() {
        lines.push(format!("CONSTRAINT {} {}", quote_ident(&exclusion.name), exclude_clause(exclusion)));
    }
    let partition_by = table.partition_by.as_ref().map(|key| format!(" PARTITION BY {key}")).unwrap_or_default();
    match &table.partition_of {
        // Its columns are its parent's; its own constraints may follow.
        Some(partition) => {
            let constraints = lines.split_off(table.columns.len());
            let constraints =
                if constraints.is_empty() { String::new() } else { format!(" (\n  {}\n)", constraints.join(",\n  ")) };
            format!(
                "CREATE TABLE {} PARTITION OF {}{constraints} {}{partition_by}",
                table_ident(&table.name),
                table_ident(&partition.parent),
                partition.bound_clause()
            )
        }
        None => format!("CREATE TABLE {} (\n  {}\n){partition_by}", table_ident(&table.name), lines.join(",\n  ")),
    }
}

/// CREATE TABLE silently leaves out a unique constraint on the same columns
/// as the primary key or an earlier unique constraint; ALTER TABLE adds it.
/// These statements follow `create_table`.
pub(super) fn repeated_uniques(table: &Table) -> Vec<String> {
    table.uniques.values().filter(|u| repeats_a_key(table, u)).map(|u| add_unique(&table.name, u)).collect()
}

fn repeats_a_key(table: &Table, unique: &Unique) -> bool {
    table.primary_key.as_ref().is_some_and(|pk| pk.columns == unique.columns)
        || table.uniques.values().take_while(|u| u.name != unique.name).any(|u| u.columns == unique.columns)
}

fn add_unique(table: &str, unique: &Unique) -> String {
    format!("ALTER TABLE {} ADD CONSTRAINT {} {}", table_ident(table), quote_ident(&unique.name), unique_clause(unique))
}

/// `UNIQUE [NULLS NOT DISTINCT] (columns)`.
fn unique_clause(unique: &Unique) -> String {
    let nulls = if unique.nulls_not_distinct { " NULLS NOT DISTINCT" } else { "" };
    format!("UNIQUE{nulls} ({})", ident_list(&unique.columns))
}

/// The comments of a new table: its own, its columns', and its keys',
/// checks' and indexes' (foreign keys' come with the foreign keys).
pub(super) fn comments(table: &Table) -> Vec<String> {
    let t = table.name.as_str();
    let mut statements = Vec::new();
    if let Some(comment) = &table.comment {
        statements.push(format!("COMMENT ON TABLE {} IS {}", table_ident(t), quote_literal(comment)));
    }
    // A partition's column comments are changes of their own (the differ
    // lists where a partition differs from its parent).
    for column in table.columns.values().filter(|_| table.partition_of.is_none()) {
        statements.extend(column_comment(t, column));
    }
    if let Some(pk) = &table.primary_key {
        statements.extend(constraint_comment(t, &pk.name, &pk.comment));
    }
    for unique in table.uniques.values() {
        statements.extend(constraint_comment(t, &unique.name, &unique.comment));
    }
    for check in table.checks.values() {
        statements.extend(constraint_comment(t, &check.name, &check.comment));
    }
    for exclusion in table.exclusions.values() {
        statements.extend(constraint_comment(t, &exclusion.name, &exclusion.comment));
    }
    for index in table.indexes.values().filter(|i| i.comment.is_some()) {
        statements.push(comment_on_index(t, &index.name, &index.comment));
    }
    statements
}

/// `COMMENT ON CONSTRAINT`, for a constraint that has a comment.
fn constraint_comment(table: &str, name: &str, comment: &Option<String>) -> Option<String> {
    comment.as_ref().map(|_| comment_on_constraint(table, name, comment))
}

fn comment_on_constraint(table: &str, name: &str, comment: &Option<String>) -> String {
    let text = comment.as_deref().map_or("NULL".into(), quote_literal);
    format!("COMMENT ON CONSTRAINT {} ON {} IS {text}", quote_ident(name), table_ident(table))
}

fn comment_on_index(table: &str, name: &str, comment: &Option<String>) -> String {
    let text = comment.as_deref().map_or("NULL".into(), quote_literal);
    format!("COMMENT ON INDEX {} IS {text}", qualified(schema_of(table), name))
}

fn column_comment(table: &str, column: &Column) -> Option<String> {
    column.comment.as_ref().map(|comment| {
        format!("COMMENT ON COLUMN {}.{} IS {}", table_ident(table), quote_ident(&column.name), quote_literal(comment))
    })
}

pub(super) fn add_foreign_key(table: &str, fk: &ForeignKey) -> String {
    let mut sql = format!(
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        table_ident(table),
        quote_ident(&fk.name),
        ident_list(&fk.columns),
        table_ident(&fk.ref_table),
        ident_list(&fk.ref_columns)
    );
    for (clause, action) in [("ON DELETE", fk.on_delete), ("ON UPDATE", fk.on_update)] {
        if action != Default::default() {
            sql.push_str(&format!(" {clause} {}", action.sql()));
        }
    }
    if fk.deferrable {
        sql.push_str(if fk.initially_deferred { " DEFERRABLE INITIALLY DEFERRED" } else { " DEFERRABLE" });
    }
    sql
}

/// The type as PostgreSQL spells it.
pub(super) fn type_sql(sql_type: &SqlType) -> String {
    match sql_type {
        SqlType::Blob => "bytea".into(),
        SqlType::Array(element) => format!("{}[]", type_sql(element)),
        other => other.to_string(),
    }
}

/// A default as SQL. An expression is parenthesised: a column's DEFAULT
/// takes only a restricted expression (`now() AT TIME ZONE 'utc'` must be
/// wrapped).
fn default_sql(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Literal(literal) => literal.to_string(),
        DefaultValue::Expr(expr) => format!("({})", expr.unwrapped()),
    }
}

fn column_definition(column: &Column) -> String {
    let mut sql = format!("{} {}", quote_ident(&column.name), type_sql(&column.sql_type));
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    if let Some(generated) = &column.generated {
        sql.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", generated.unwrapped()));
    } else if column.autoincrement {
        sql.push_str(&format!(" {}", identity_clause(column)));
    } else if let Some(default) = &column.default {
        sql.push_str(&format!(" DEFAULT {}", default_sql(default)));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    sql
}

/// `GENERATED … AS IDENTITY`, with the options that are not the defaults.
fn identity_clause(column: &Column) -> String {
    let kind = if column.identity_always { "ALWAYS" } else { "BY DEFAULT" };
    let options = sequence_clauses(&column.identity_options);
    match options.is_empty() {
        true => format!("GENERATED {kind} AS IDENTITY"),
        false => format!("GENERATED {kind} AS IDENTITY ({})", options.join(" ")),
    }
}

/// `START WITH 100`, `INCREMENT BY 5`, … for each option that is set.
fn sequence_clauses(options: &SequenceOptions) -> Vec<String> {
    let mut clauses = Vec::new();
    let numbers = [
        ("START WITH", options.start),
        ("INCREMENT BY", options.increment),
        ("MINVALUE", options.min),
        ("MAXVALUE", options.max),
        ("CACHE", options.cache),
    ];
    for (clause, value) in numbers {
        if let Some(value) = value {
            clauses.push(format!("{clause} {value}"));
        }
    }
    if options.cycle {
        clauses.push("CYCLE".into());
    }
    clauses
}

/// PostgreSQL keeps a serial column's sequence name when the table or
/// column is renamed; it must follow (`<table>_<column>_seq`) for the
/// column to stay a serial one. `column`: only that column's; otherwise
/// every serial column's of `table` (named as after the renames).
fn serial_sequence_renames(diff: &Diff, table: &str, column: Option<&str>) -> Vec<String> {
    let Some(renamed) = diff.base.tables.get(table) else { return Vec::new() };
    let columns = renamed.columns.values().filter(|c| column.is_none_or(|name| name == c.name));
    columns
        .filter_map(|c| {
            let live = c.serial_sequence.as_ref()?;
            let wanted = serial_sequence_name(table, &c.name);
            let live_bare = live.rsplit_once('.').map_or(live.as_str(), |(_, bare)| bare);
            (live_bare != wanted)
                .then(|| format!("ALTER SEQUENCE {} RENAME TO {}", table_ident(live), quote_ident(&wanted)))
        })
        .collect()
}

/// The integer type behind a serial type (`serial` → `integer`).
fn serial_base(sql_type: &SqlType) -> Option<SqlType> {
    let base = sql_type.without_serial();
    (base != *sql_type).then_some(base)
}

/// A serial column's sequence: the one the database has (`<table>_<column>_seq`
/// unless a rename left it another name), unqualified and qualified.
fn serial_sequence(table: &str, column: &Column) -> (String, String) {
    let name = column.serial_sequence.clone().unwrap_or_else(|| serial_sequence_name(table, &column.name));
    let bare = name.rsplit_once('.').map_or(name.as_str(), |(_, bare)| bare).to_string();
    (bare, table_ident(&name))
}

pub(super) fn alter_column(table: &str, from: &Column, to: &Column) -> Result<Vec<String>> {
    let alter =
        |clause: String| format!("ALTER TABLE {} ALTER COLUMN {} {clause}", table_ident(table), quote_ident(&to.name));
    let mut statements = Vec::new();
    // Serial columns change type with their sequence, or become identity
    // columns that go on from its current value; `from` then stands for
    // the column as those statements leave it.
    let mut from = from.clone();
    match (serial_base(&from.sql_type), serial_base(&to.sql_type)) {
        (Some(_), Some(base)) if from.sql_type != to.sql_type => {
            let (_, sequence) = serial_sequence(table, &from);
            statements.push(alter(format!("TYPE {}", type_sql(&base))));
            statements.push(format!("ALTER SEQUENCE {sequence} AS {}", type_sql(&base)));
            from.sql_type = to.sql_type.clone();
        }
        (Some(base), None) if to.autoincrement && to.sql_type.is_integer() => {
            // The identity's own sequence takes the serial one's name: that
            // one steps aside, hands over its current value, and goes.
            let (name, sequence) = serial_sequence(table, &from);
            let old_name = format!("{name}_dbshape_old");
            let old = qualified(schema_of(table), &old_name);
            if base != to.sql_type {
                statements.push(alter(format!("TYPE {}", type_sql(&to.sql_type))));
            }
            statements.push(alter("DROP DEFAULT".into()));
            statements.push(format!("ALTER SEQUENCE {sequence} RENAME TO {}", quote_ident(&old_name)));
            // No longer the column's: `pg_get_serial_sequence` must find the identity's.
            statements.push(format!("ALTER SEQUENCE {old} OWNED BY NONE"));
            statements.push(alter(format!("ADD {}", identity_clause(to))));
            statements.push(format!(
                "SELECT setval(pg_get_serial_sequence({}, {}), last_value, is_called) FROM {old}",
                quote_literal(&table_ident(table)),
                quote_literal(&to.name)
            ));
            statements.push(format!("DROP SEQUENCE {old}"));
            from = Column { nullable: from.nullable, comment: from.comment.clone(), ..to.clone() };
        }
        (Some(_), None) | (None, Some(_)) if from.sql_type != to.sql_type => {
            return Err(Error::Unsupported(format!(
                "changing {table}.{} from {} to {} is not supported: a serial column can become another serial \
                 type or an identity column (`autoincrement: true` or `identity:`)",
                to.name, from.sql_type, to.sql_type
            )));
        }
        _ => {}
    }
    let type_changes = from.sql_type != to.sql_type || from.collation != to.collation;
    if from.autoincrement && !to.autoincrement {
        statements.push(alter("DROP IDENTITY".into()));
    }
    if from.default.is_some() && (to.default.is_none() || type_changes) {
        statements.push(alter("DROP DEFAULT".into()));
    }
    if type_changes {
        let mut clause = format!("TYPE {}", type_sql(&to.sql_type));
        if let Some(collation) = &to.collation {
            clause.push_str(&format!(" COLLATE {}", quote_ident(collation)));
        }
        if let Some(using) = &to.using {
            clause.push_str(&format!(" USING ({})", using.unwrapped()));
        } else if needs_using(&from.sql_type, &to.sql_type) {
            clause.push_str(&format!(" USING {}::{}", quote_ident(&to.name), type_sql(&to.sql_type)));
        }
        statements.push(alter(clause));
    }
    if let Some(default) = &to.default
        && (from.default.as_ref() != Some(default) || type_changes)
    {
        statements.push(alter(format!("SET DEFAULT {}", default_sql(default))));
    }
    if from.nullable
        && !to.nullable
        && let Some(backfill) = &to.backfill
    {
        statements.push(backfill_sql(table, &to.name, backfill));
    }
    if from.nullable != to.nullable {
        statements.push(alter(if to.nullable { "DROP NOT NULL".into() } else { "SET NOT NULL".into() }));
    }
    if to.autoincrement && !from.autoincrement {
        statements.push(alter(format!("ADD {}", identity_clause(to))));
        // Rows the column already has: the identity goes on past them.
        let options = to.identity_options.effective(&to.sql_type);
        let (start, ascending) = (options.start.unwrap_or(1), options.increment.unwrap_or(1) > 0);
        let column = quote_ident(&to.name);
        let (edge, next) = if ascending {
            (format!("greatest(max({column}), {})", start.saturating_sub(1)), "max")
        } else {
            (format!("least(min({column}), {})", start.saturating_add(1)), "min")
        };
        statements.push(format!(
            "SELECT setval(pg_get_serial_sequence({}, {}), {edge}) FROM {} HAVING {next}({column}) IS NOT NULL",
            quote_literal(&table_ident(table)),
            quote_literal(&to.name),
            table_ident(table)
        ));
    } else if to.autoincrement && from.identity_always != to.identity_always {
        statements.push(alter(format!("SET GENERATED {}", if to.identity_always { "ALWAYS" } else { "BY DEFAULT" })));
    }
    if to.autoincrement && from.autoincrement && from.identity_options != to.identity_options {
        // Every option said, so that one left out returns to its default;
        // nothing here restarts the sequence.
        let options = to.identity_options.effective(&to.sql_type);
        let clauses: Vec<String> = sequence_clauses(&options).into_iter().map(|c| format!("SET {c}")).collect();
        let cycle = if options.cycle { "" } else { " SET NO CYCLE" };
        statements.push(alter(format!("{}{cycle}", clauses.join(" "))));
    }
    if from.comment != to.comment {
        statements.push(format!(
            "COMMENT ON COLUMN {}.{} IS {}",
            table_ident(table),
            quote_ident(&to.name),
            to.comment.as_deref().map_or("NULL".into(), quote_literal)
        ));
    }
    Ok(statements)
}

/// The file's `backfill`: NULLs of a column that becomes NOT NULL get it.
fn backfill_sql(table: &str, column: &str, backfill: &crate::model::Expr) -> String {
    let column = quote_ident(column);
    format!("UPDATE {} SET {column} = ({}) WHERE {column} IS NULL", table_ident(table), backfill.unwrapped())
}

/// Whether PostgreSQL needs an explicit `USING col::type` for the change:
/// it has no implicit cast between different type families.
pub(super) fn needs_using(from: &SqlType, to: &SqlType) -> bool {
    use SqlType::*;
    let family = |t: &SqlType| match t {
        SmallInt | Integer | BigInt | Real | Double | Numeric { .. } => 1,
        Varchar(_) | Char(_) | Text => 2,
        Timestamp | TimestampTz | Date => 3,
        Json | Jsonb => 4,
        _ => 0,
    };
    family(from) == 0 || family(from) != family(to)
}

/// An index key as SQL: `"a" COLLATE "C" text_pattern_ops DESC NULLS LAST`.
fn index_key(part: &IndexPart) -> String {
    let mut key = match &part.key {
        IndexKey::Column(c) => quote_ident(c),
        IndexKey::Expr(e) => format!("({})", e.unwrapped()),
    };
    if let Some(collation) = &part.collation {
        key.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    if let Some(opclass) = &part.opclass {
        key.push_str(&format!(" {}", table_ident(opclass)));
    }
    if part.descending {
        key.push_str(" DESC");
    }
    match part.nulls_first {
        Some(true) => key.push_str(" NULLS FIRST"),
        Some(false) => key.push_str(" NULLS LAST"),
        None => {}
    }
    key
}

/// `EXCLUDE USING gist ("room" WITH =, …) [WHERE (…)] [DEFERRABLE …]`.
pub(super) fn exclude_clause(exclusion: &Exclusion) -> String {
    let elements: Vec<String> =
        exclusion.elements.iter().map(|e| format!("{} WITH {}", index_key(&e.part), e.operator)).collect();
    let mut sql = format!("EXCLUDE USING {} ({})", quote_ident(&exclusion.method), elements.join(", "));
    if let Some(predicate) = &exclusion.predicate {
        sql.push_str(&format!(" WHERE ({})", predicate.unwrapped()));
    }
    if exclusion.deferrable {
        sql.push_str(if exclusion.initially_deferred { " DEFERRABLE INITIALLY DEFERRED" } else { " DEFERRABLE" });
    }
    sql
}

pub(super) fn create_index(table: &str, index: &Index) -> String {
    let parts: Vec<String> = index.parts.iter().map(index_key).collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {}",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        table_ident(table)
    );
    if let Some(method) = &index.method {
        sql.push_str(&format!(" USING {}", quote_ident(method)));
    }
    sql.push_str(&format!(" ({})", parts.join(", ")));
    if !index.include.is_empty() {
        sql.push_str(&format!(" INCLUDE ({})", ident_list(&index.include)));
    }
    if index.nulls_not_distinct {
        sql.push_str(" NULLS NOT DISTINCT");
    }
    if !index.with.is_empty() {
        let parameters: Vec<String> = index
            .with
            .iter()
            .map(|(name, value)| format!("{} = {}", quote_ident(name), quote_literal(value)))
            .collect();
        sql.push_str(&format!(" WITH ({})", parameters.join(", ")));
    }
    if let Some(tablespace) = &index.tablespace {
        sql.push_str(&format!(" TABLESPACE {}", quote_ident(tablespace)));
    }
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {}", predicate.unwrapped()));
    }
    sql
}
