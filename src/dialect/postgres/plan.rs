//! The PostgreSQL planner: every change is an ALTER in place, ordered by
//! dependency so that any plan runs front to back inside one transaction.
//! [`plan`] lists the phases in the order they run; each phase is a
//! function that takes its part of every change, in the diff's order. What
//! the statements say is `ddl.rs` and `ddl_objects.rs`.

use super::ddl;
use super::ddl_objects as objects;
use super::ddl_privileges as privileges;
use super::session::{qualified, schema_of, table_ident};
use crate::diff::{Change, CommentOn, Diff, GrantOn};
use crate::error::{Error, Result};
use crate::model::naming::{bare, serial_sequence as serial_sequence_name};
use crate::model::{Function, Partition, SecurableKind, Trigger};
use crate::plan::{Operation, Step};
use crate::sql::lexer::mentions;
use crate::sql::{quote_ident, quote_literal};

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

impl Draft {
    /// The statements of `change`.
    fn of(change: &Change, statements: Vec<String>) -> Draft {
        Draft { changes: vec![change.clone()], statements, note: None }
    }

    /// Statements no change stands for on its own.
    fn unlisted(statements: Vec<String>) -> Draft {
        Draft { changes: Vec::new(), statements, note: None }
    }
}

/// A phase: its part of the plan of `diff`.
type Phase = fn(&Diff) -> Result<Vec<Draft>>;

/// The phases, in the order they run.
const PHASES: [Phase; 23] = [
    // Triggers, policies and views that go or are made again, and functions
    // made again, before anything they rest on changes.
    drop_objects,
    // Before the objects they should cover.
    default_privileges,
    // Extensions, enums, sequences, domains and composite types: before the
    // tables that use them.
    types,
    // Before the tables: defaults, checks and indexes may call them.
    functions,
    // Renames: every later statement names the new names.
    renames,
    drop_foreign_keys,
    // Indexes, checks, uniques and primary keys that go or change.
    drop_constraints,
    // Generated columns dropped (they may read other columns), tables made
    // (without their foreign keys), columns added, altered and dropped.
    tables,
    // Generated columns that had to be made again, once what they read has
    // its new type.
    recreated_columns,
    // Functions whose arguments or result are the row type of a new table,
    // and aggregates (after the functions they call).
    late_functions,
    // Partitions detached and attached again once the parent's column
    // changes reached them, and before its new keys and indexes do.
    partitions,
    // Primary keys, uniques, checks, exclusions and indexes.
    add_constraints,
    // Tables made logged again, each after the tables it references: a
    // logged table may not reference an unlogged one.
    set_logged,
    // Foreign keys, once every table exists (so cycles work).
    add_foreign_keys,
    comments,
    drop_tables,
    // Tables made unlogged, once no logged table references them (the
    // keys of dropped tables are gone too), each after the tables that
    // reference it; then their new foreign keys.
    set_unlogged,
    // Once every table and column they read is there.
    views,
    triggers_and_policies,
    // Owners, then grants, once every object exists.
    owners_and_grants,
    // After the tables whose defaults may call them.
    drop_functions,
    drop_types,
    // Once nothing of the schema uses them.
    drop_extensions,
];

pub(super) fn plan(diff: &Diff) -> Result<Vec<Step>> {
    refuse_unsupported(diff)?;
    let mut steps = Vec::new();
    for phase in PHASES {
        steps.extend(phase(diff)?.into_iter().map(Step::from));
    }
    Ok(steps)
}

/// The first change PostgreSQL cannot make in place, refused before any
/// phase is planned.
fn refuse_unsupported(diff: &Diff) -> Result<()> {
    for change in &diff.changes {
        match change {
            Change::RenameTable { from, to } if schema_of(from) != schema_of(to) => {
                return Err(Error::Unsupported(format!(
                    "moving table {from} to another schema ({to}) is not supported"
                )));
            }
            Change::AlterColumn { table, from, to, recreate: false } => ddl::serial_change(table, from, to)?,
            Change::SetTableOptions { table, .. } => {
                return Err(Error::Unsupported(format!("{table}: STRICT and WITHOUT ROWID are SQLite table options")));
            }
            Change::SetStorage { table, .. } => {
                return Err(Error::Unsupported(format!("{table}: engines and row formats are MySQL table options")));
            }
            Change::SetPartition { table, from, to, .. }
                if !(to.is_some()
                    && from.as_ref().is_none_or(|from| Some(&from.parent) == to.as_ref().map(|t| &t.parent))) =>
            {
                return Err(partition_move(table, from.as_ref(), to.as_ref()));
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
            Change::AlterCollation { from, to } if !from.same_definition(to) => {
                if let Some(user) = collation_user(&diff.base, &to.name) {
                    return Err(Error::Unsupported(format!(
                        "collation {} would change, and PostgreSQL cannot change a collation in place: {user} \
                         uses it. Make a new collation, move the columns to it, then drop this one",
                        to.name
                    )));
                }
            }
            Change::AddColumn { table, column }
                if column.autoincrement && diff.base.tables.values().any(|t| t.inherits.as_deref() == Some(table)) =>
            {
                return Err(Error::Unsupported(format!(
                    "identity column {table}.{}: PostgreSQL cannot add an identity column to a table other \
                     tables inherit from; add it without `identity`/`autoincrement` (a default reading a \
                     sequence of its own does the same)",
                    column.name
                )));
            }
            Change::SetInherits { table, from, to } => {
                let what = match (from, to) {
                    (None, Some(to)) => format!("table {table} would start to inherit from {to}"),
                    (Some(from), None) => format!("table {table} would stop inheriting from {from}"),
                    (Some(from), Some(to)) => format!("table {table} would inherit from {to} instead of {from}"),
                    (None, None) => unreachable!("a change"),
                };
                return Err(Error::Unsupported(format!(
                    "{what}: dbshape does not attach or detach inheriting tables; run ALTER TABLE … INHERIT / \
                     NO INHERIT yourself (the table must have the parent's columns and checks to attach), and \
                     the next plan takes it from there"
                )));
            }
            Change::AlterDomain { from, to } if from.base != to.base => {
                return Err(Error::Unsupported(format!(
                    "domain {} would change from {} to {}: PostgreSQL cannot change a domain's base type; \
                     make a new domain and move the columns to it",
                    to.name, from.base, to.base
                )));
            }
            // Every other change has its phase. Listed, not `_`: a new kind
            // of change must be given a phase (or refused) here.
            Change::CreateTable(_)
            | Change::DropTable(_)
            | Change::RenameTable { .. }
            | Change::AddColumn { .. }
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
            | Change::ValidateConstraint { .. }
            | Change::AddExclusion { .. }
            | Change::DropExclusion { .. }
            | Change::CreateIndex { .. }
            | Change::DropIndex { .. }
            | Change::SetTableComment { .. }
            | Change::SetUnlogged { .. }
            | Change::SetStorageParameters { .. }
            | Change::CreateStatistics { .. }
            | Change::DropStatistics { .. }
            | Change::AlterStatistics { .. }
            | Change::SetPartition { .. }
            | Change::SetComment { .. }
            | Change::CreateExtension { .. }
            | Change::UpdateExtension { .. }
            | Change::CreateSchema { .. }
            | Change::MoveExtension { .. }
            | Change::DropExtension { .. }
            | Change::SetOwner { .. }
            | Change::Grant { .. }
            | Change::Revoke { .. }
            | Change::CreateEnum { .. }
            | Change::DropEnum { .. }
            | Change::AddEnumValues { .. }
            | Change::RecreateEnum { .. }
            | Change::CreateSequence(_)
            | Change::DropSequence(_)
            | Change::AlterSequence { .. }
            | Change::SetRowLevelSecurity { .. }
            | Change::CreatePolicy { .. }
            | Change::DropPolicy { .. }
            | Change::AlterPolicy { .. }
            | Change::CreateAggregate { .. }
            | Change::DropAggregate(_)
            | Change::CreateDomain(_)
            | Change::DropDomain(_)
            | Change::AlterDomain { .. }
            | Change::CreateCollation(_)
            | Change::DropCollation(_)
            | Change::AlterCollation { .. }
            | Change::CreateCompositeType(_)
            | Change::DropCompositeType(_)
            | Change::AlterCompositeType { .. }
            | Change::CreateView(_)
            | Change::DropView { .. }
            | Change::ReplaceView { .. }
            | Change::CreateFunction(_)
            | Change::DropFunction(_)
            | Change::ReplaceFunction { .. }
            | Change::CreateTrigger(_)
            | Change::DropTrigger(_)
            | Change::ReplaceTrigger { .. } => {}
        }
    }
    Ok(())
}

/// Why a partition cannot move to another parent, or out of one.
fn partition_move(table: &str, from: Option<&Partition>, to: Option<&Partition>) -> Error {
    let what = match (from, to) {
        (Some(from), Some(to)) => {
            format!("moving partition {table} from {} to {} is not supported", from.parent, to.parent)
        }
        (Some(from), None) => {
            format!("making partition {table} of {} a table of its own is not supported", from.parent)
        }
        _ => unreachable!("attaching is planned"),
    };
    Error::Unsupported(format!(
        "{what}: detach it yourself (ALTER TABLE … DETACH PARTITION …), and the next plan takes it from there"
    ))
}

fn drop_objects(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        let statement = match change {
            Change::DropPolicy { table, policy, .. } => objects::drop_policy(&before_renames(diff, table), policy),
            Change::DropAggregate(aggregate) => objects::drop_aggregate(aggregate),
            Change::DropView { view, .. } => objects::drop_view(view),
            Change::DropFunction(function) if remade(diff, function) => objects::drop_function(function),
            Change::DropTrigger(trigger) => {
                let on = Trigger { table: before_renames(diff, &trigger.table), ..trigger.clone() };
                objects::drop_trigger(&on)
            }
            _ => continue,
        };
        drafts.push(Draft::of(change, vec![statement]));
    }
    Ok(drafts)
}

/// The file's schemas that hold nothing else, then `ALTER DEFAULT
/// PRIVILEGES`.
fn default_privileges(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::CreateSchema { name } => drafts.push(Draft::of(change, vec![ensure_schema(name)])),
            Change::Revoke { on: on @ GrantOn::Default(_), grantee, privileges: held, .. } => {
                drafts.push(Draft::of(change, privileges::revoke(on, grantee, held)))
            }
            Change::Grant { on: on @ GrantOn::Default(scope), grantee, privileges: held } => {
                // Default privileges in a schema need the schema.
                let mut statements: Vec<String> = scope.schema.iter().map(|s| ensure_schema(s)).collect();
                statements.extend(privileges::grant(on, grantee, held));
                drafts.push(Draft::of(change, statements))
            }
            _ => {}
        }
    }
    Ok(drafts)
}

/// Owners first (a new owner holds what the old one did), then what is
/// revoked, then what is granted.
fn owners_and_grants(diff: &Diff) -> Result<Vec<Draft>> {
    let mut owners = Vec::new();
    let mut grants = Vec::new();
    for change in &diff.changes {
        match change {
            Change::SetOwner { object, to, fresh, .. } => {
                // A schema of the file that holds nothing else is made here.
                let mut statements = Vec::new();
                if *fresh && object.kind == SecurableKind::Schema {
                    statements.push(ensure_schema(&object.name));
                }
                statements.push(privileges::set_owner(object, to));
                owners.push(Draft::of(change, statements))
            }
            Change::Revoke { on: on @ GrantOn::Object(_), grantee, privileges: held, .. } => {
                grants.push(Draft::of(change, privileges::revoke(on, grantee, held)))
            }
            Change::Grant { on: on @ GrantOn::Object(object), grantee, privileges: held } => {
                let mut statements = Vec::new();
                if object.kind == SecurableKind::Schema {
                    statements.push(ensure_schema(&object.name));
                }
                statements.extend(privileges::grant(on, grantee, held));
                grants.push(Draft::of(change, statements))
            }
            _ => {}
        }
    }
    owners.extend(grants);
    Ok(owners)
}

fn drop_extensions(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        if let Change::DropExtension { name } = change {
            drafts.push(Draft::of(change, vec![privileges::drop_extension(name)]));
        }
    }
    Ok(drafts)
}

fn types(diff: &Diff) -> Result<Vec<Draft>> {
    // Extensions first, the last one listed at the front.
    let mut extensions = Vec::new();
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::CreateExtension { name, version, schema } => {
                let mut statements: Vec<String> = schema.iter().map(|s| ensure_schema(s)).collect();
                statements.push(privileges::create_extension(name, version.as_deref(), schema.as_deref()));
                extensions.push(Draft::of(change, statements))
            }
            Change::MoveExtension { name, to, .. } => {
                let statements = vec![ensure_schema(to), privileges::move_extension(name, to)];
                extensions.push(Draft::of(change, statements))
            }
            Change::UpdateExtension { name, to, .. } => {
                extensions.push(Draft::of(change, vec![privileges::update_extension(name, to)]))
            }
            Change::CreateEnum { name, values } => {
                let mut statements: Vec<String> = create_schema(name).into_iter().collect();
                statements.push(ddl::create_enum(name, values));
                drafts.push(Draft::of(change, statements));
            }
            Change::AddEnumValues { name, values } => {
                drafts.push(Draft::of(change, ddl::add_enum_values(name, values)))
            }
            Change::CreateSequence(sequence) => {
                let mut statements: Vec<String> = create_schema(&sequence.name).into_iter().collect();
                statements.push(ddl::create_sequence(sequence));
                statements.extend(sequence.comment.as_ref().map(|_| ddl::comment_on_sequence(sequence)));
                drafts.push(Draft::of(change, statements));
            }
            Change::AlterSequence { from, to } => {
                let statements = ddl::alter_sequence(from, to);
                if !statements.is_empty() {
                    drafts.push(Draft::of(change, statements));
                }
            }
            Change::CreateCollation(collation) => {
                let mut statements: Vec<String> = create_schema(&collation.name).into_iter().collect();
                statements.extend(objects::create_collation(collation));
                drafts.push(Draft::of(change, statements));
            }
            Change::AlterCollation { from, to } if from.same_definition(to) => {
                drafts.push(Draft::of(change, vec![objects::comment_on_collation(to)]))
            }
            Change::AlterCollation { from, to } => {
                let mut statements = vec![objects::drop_collation(from)];
                statements.extend(objects::create_collation(to));
                drafts.push(Draft::of(change, statements));
            }
            Change::CreateDomain(domain) => {
                drafts.extend(functions_for(diff, domain));
                drafts.push(Draft::of(change, objects::create_domain(domain)))
            }
            Change::AlterDomain { from, to } => {
                drafts.extend(functions_for(diff, to));
                drafts.push(Draft::of(change, objects::alter_domain(from, to)))
            }
            Change::CreateCompositeType(composite) => {
                drafts.push(Draft::of(change, objects::create_composite_type(composite)))
            }
            Change::AlterCompositeType { from, to } => {
                drafts.push(Draft::of(change, objects::alter_composite_type(from, to)))
            }
            _ => {}
        }
    }
    extensions.reverse();
    extensions.extend(drafts);
    Ok(extensions)
}

fn functions(diff: &Diff) -> Result<Vec<Draft>> {
    Ok(function_drafts(diff, false))
}

fn renames(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::RenameTable { from, to } => {
                let new_name = bare(to);
                let mut statements =
                    vec![format!("ALTER TABLE {} RENAME TO {}", table_ident(from), quote_ident(new_name))];
                statements.extend(serial_sequence_renames(diff, to, None));
                drafts.push(Draft::of(change, statements));
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
                drafts.push(Draft::of(change, statements));
            }
            _ => {}
        }
    }
    Ok(drafts)
}

fn drop_foreign_keys(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        if let Change::DropForeignKey { table, foreign_key } = change {
            drafts.push(Draft::of(change, vec![ddl::drop_constraint(table, &foreign_key.name)]));
        }
    }
    drafts.extend(rest_foreign_keys(diff).0);
    Ok(drafts)
}

fn drop_constraints(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::SetPrimaryKey { table, from: Some(from), to: Some(to) } if from.same_definition(to) => {
                // Only the name changes: nothing that rests on the key moves.
                let mut statements = vec![format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    table_ident(table),
                    quote_ident(&from.name),
                    quote_ident(&to.name)
                )];
                if from.comment != to.comment {
                    statements.push(ddl::comment_on_constraint(table, &to.name, &to.comment));
                }
                drafts.push(Draft::of(change, statements));
            }
            // The old key goes early, the new one once its columns exist;
            // the change is listed with the latter.
            Change::SetPrimaryKey { table, from: Some(pk), to } => {
                let changes = if to.is_none() { vec![change.clone()] } else { vec![] };
                drafts.push(Draft { changes, statements: vec![ddl::drop_constraint(table, &pk.name)], note: None });
            }
            Change::DropUnique { table, unique } => {
                drafts.push(Draft::of(change, vec![ddl::drop_constraint(table, &unique.name)]))
            }
            Change::DropCheck { table, check } => {
                drafts.push(Draft::of(change, vec![ddl::drop_constraint(table, &check.name)]))
            }
            Change::DropExclusion { table, exclusion } => {
                drafts.push(Draft::of(change, vec![ddl::drop_constraint(table, &exclusion.name)]))
            }
            Change::DropIndex { table, index } => {
                drafts.push(Draft::of(change, vec![format!("DROP INDEX {}", qualified(schema_of(table), &index.name))]))
            }
            // Before the columns they read change or go.
            Change::DropStatistics { table, statistics } => {
                drafts.push(Draft::of(change, vec![ddl::drop_statistics(table, statistics)]))
            }
            // Made again below; listed there.
            Change::AlterStatistics { table, from, to } if !from.same_definition(to) => {
                drafts.push(Draft::unlisted(vec![ddl::drop_statistics(table, from)]))
            }
            _ => {}
        }
    }
    Ok(drafts)
}

fn tables(diff: &Diff) -> Result<Vec<Draft>> {
    // Generated columns dropped before any other column changes (the last
    // one listed at the front): they may read one of them.
    let mut first = Vec::new();
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::CreateTable(table) => {
                let mut statements: Vec<String> = create_schema(&table.name).into_iter().collect();
                statements.push(ddl::create_table(table));
                statements.extend(ddl::repeated_uniques(table));
                statements.extend(ddl::unvalidated_checks(table));
                statements.extend(table.indexes.values().map(|i| ddl::create_index(&table.name, i)));
                statements.extend(table.statistics.values().flat_map(|s| ddl::create_statistics(&table.name, s)));
                statements.extend(ddl::comments(table));
                drafts.push(Draft::of(change, statements));
            }
            Change::AddColumn { table, column } => drafts.push(Draft::of(change, ddl::add_column(table, column))),
            Change::DropColumn { table, column } => {
                let statements = match inherited_drop(diff, table, &column.name) {
                    InheritedDrop::Carried => Vec::new(),
                    InheritedDrop::Only => {
                        vec![ddl::drop_column(table, &column.name).replacen("ALTER TABLE ", "ALTER TABLE ONLY ", 1)]
                    }
                    InheritedDrop::Whole => vec![ddl::drop_column(table, &column.name)],
                };
                let draft = Draft::of(change, statements);
                if column.generated.is_some() { first.push(draft) } else { drafts.push(draft) }
            }
            // Dropped first, added back once every column it reads has its
            // new type; the change is listed with the latter.
            Change::AlterColumn { table, to, recreate: true, .. } => {
                first.push(Draft::unlisted(vec![ddl::drop_column(table, &to.name)]))
            }
            Change::AlterColumn { table, from, to, .. } => {
                drafts.push(Draft::of(change, ddl::alter_column(table, from, to, &diff.base.enums)?))
            }
            Change::SetStorageParameters { table, from, to } => {
                drafts.push(Draft::of(change, ddl::set_storage_parameters(table, from, to)))
            }
            Change::RecreateEnum { name, to, .. } => drafts.push(Draft {
                changes: vec![change.clone()],
                statements: ddl::recreate_enum(name, to, &diff.base),
                note: Some(format!(
                    "enum {name} loses or reorders labels: it is recreated and its columns are cast through text"
                )),
            }),
            _ => {}
        }
    }
    first.reverse();
    first.extend(drafts);
    Ok(first)
}

fn recreated_columns(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        if let Change::AlterColumn { table, to, recreate: true, .. } = change {
            let mut statements =
                vec![format!("ALTER TABLE {} ADD COLUMN {}", table_ident(table), ddl::column_definition(to))];
            statements.extend(ddl::column_comment(table, to));
            drafts.push(Draft::of(change, statements));
        }
    }
    Ok(drafts)
}

fn late_functions(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        if let Change::CreateAggregate { aggregate, replace } = change {
            drafts
                .push((diff_position(diff, change), Draft::of(change, objects::create_aggregate(aggregate, *replace))));
        }
    }
    drafts.extend(function_drafts(diff, true).into_iter().map(|d| (diff_position(diff, &d.changes[0]), d)));
    // In the diff's order, aggregates and functions alike.
    drafts.sort_by_key(|(position, _)| *position);
    Ok(drafts.into_iter().map(|(_, d)| d).collect())
}

fn partitions(diff: &Diff) -> Result<Vec<Draft>> {
    // Every detach before any attach (the last detach listed first): bounds
    // may move between partitions. Attaching checks every row against the
    // bound (and the default partition's rows against it).
    let mut detaches = Vec::new();
    let mut attaches = Vec::new();
    for change in &diff.changes {
        let Change::SetPartition { table, from, to: Some(to), checks } = change else { continue };
        if let Some(from) = from {
            detaches.push(Draft::unlisted(vec![format!(
                "ALTER TABLE {} DETACH PARTITION {}",
                table_ident(&from.parent),
                table_ident(table)
            )]));
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
        attaches.push(Draft::of(change, statements));
    }
    detaches.reverse();
    detaches.extend(attaches);
    Ok(detaches)
}

fn add_constraints(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        let statements = match change {
            Change::SetPrimaryKey { table, from, to: Some(pk) }
                if from.as_ref().is_none_or(|from| !from.same_definition(pk)) =>
            {
                let mut statements = vec![ddl::add_primary_key(table, pk)];
                statements.extend(ddl::constraint_comment(table, &pk.name, &pk.comment));
                statements
            }
            Change::AddUnique { table, unique } => {
                let mut statements = vec![ddl::add_unique(table, unique)];
                statements.extend(ddl::constraint_comment(table, &unique.name, &unique.comment));
                statements
            }
            Change::AddCheck { table, check } => {
                let mut statements = vec![ddl::add_check(table, check)];
                statements.extend(ddl::constraint_comment(table, &check.name, &check.comment));
                statements
            }
            Change::AddExclusion { table, exclusion } => {
                let mut statements = vec![format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} {}",
                    table_ident(table),
                    quote_ident(&exclusion.name),
                    ddl::exclude_clause(exclusion)
                )];
                statements.extend(ddl::constraint_comment(table, &exclusion.name, &exclusion.comment));
                statements
            }
            Change::CreateIndex { table, index } => {
                let mut statements = vec![ddl::create_index(table, index)];
                if index.comment.is_some() {
                    statements.push(ddl::comment_on_index(table, &index.name, &index.comment));
                }
                statements
            }
            Change::CreateStatistics { table, statistics } => ddl::create_statistics(table, statistics),
            Change::AlterStatistics { table, from, to } if !from.same_definition(to) => {
                ddl::create_statistics(table, to)
            }
            _ => continue,
        };
        drafts.push(Draft::of(change, statements));
    }
    Ok(drafts)
}

fn add_foreign_keys(diff: &Diff) -> Result<Vec<Draft>> {
    let unlogging = persistence_changes(diff, true);
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::AddForeignKey { table, .. } if unlogging.contains(&table.as_str()) => {}
            // A new table's keys, once every table exists.
            Change::CreateTable(table) => {
                for fk in table.foreign_keys.values() {
                    let change = Change::AddForeignKey { table: table.name.clone(), foreign_key: fk.clone() };
                    let mut statements = vec![ddl::add_foreign_key(&table.name, fk)];
                    statements.extend(ddl::constraint_comment(&table.name, &fk.name, &fk.comment));
                    drafts.push(Draft::of(&change, statements));
                }
            }
            Change::AddForeignKey { table, foreign_key } => {
                let mut statements = vec![ddl::add_foreign_key(table, foreign_key)];
                statements.extend(ddl::constraint_comment(table, &foreign_key.name, &foreign_key.comment));
                drafts.push(Draft::of(change, statements));
            }
            Change::ValidateConstraint { table, name } => drafts.push(Draft::of(
                change,
                vec![format!("ALTER TABLE {} VALIDATE CONSTRAINT {}", table_ident(table), quote_ident(name))],
            )),
            // A new owner must exist first, and the old one may go later:
            // the owner changes with the foreign keys, after the tables.
            Change::CreateSequence(sequence) if sequence.owned_by.is_some() => {
                drafts.push(Draft::unlisted(vec![ddl::owned_by(sequence)]))
            }
            Change::AlterSequence { from, to } if from.owned_by != to.owned_by => {
                let statements = vec![ddl::owned_by(to)];
                // Listed with the owner when nothing else of it changes.
                if ddl::alter_sequence(from, to).is_empty() {
                    drafts.push(Draft::of(change, statements));
                } else {
                    drafts.push(Draft::unlisted(statements));
                }
            }
            _ => {}
        }
    }
    drafts.extend(rest_foreign_keys(diff).1);
    Ok(drafts)
}

fn set_logged(diff: &Diff) -> Result<Vec<Draft>> {
    Ok(persistence_drafts(diff, false))
}

fn set_unlogged(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = persistence_drafts(diff, true);
    let unlogging = persistence_changes(diff, true);
    for change in &diff.changes {
        if let Change::AddForeignKey { table, foreign_key } = change
            && unlogging.contains(&table.as_str())
        {
            let mut statements = vec![ddl::add_foreign_key(table, foreign_key)];
            statements.extend(ddl::constraint_comment(table, &foreign_key.name, &foreign_key.comment));
            drafts.push(Draft::of(change, statements));
        }
    }
    Ok(drafts)
}

/// The tables the plan makes unlogged (`unlogged`) or logged again.
fn persistence_changes(diff: &Diff, unlogged: bool) -> Vec<&str> {
    diff.changes
        .iter()
        .filter_map(|c| match c {
            Change::SetUnlogged { table, unlogged: to } if *to == unlogged => Some(table.as_str()),
            _ => None,
        })
        .collect()
}

/// `SET LOGGED` for each table made logged, the tables it references
/// first; `SET UNLOGGED`, the tables referencing it first. PostgreSQL
/// checks the keys at each statement. A cycle keeps the plan's order (and
/// fails, rolled back, on the server's word).
fn persistence_drafts(diff: &Diff, unlogged: bool) -> Vec<Draft> {
    let mut pending = persistence_changes(diff, unlogged);
    let references = |from: &str, to: &str| {
        from != to
            && (diff.base.tables.get(from).is_some_and(|t| t.foreign_keys.values().any(|fk| fk.ref_table == to))
                || diff.changes.iter().any(|c| {
                    matches!(c, Change::AddForeignKey { table, foreign_key } if table == from && foreign_key.ref_table == to)
                }))
    };
    // `first` must wait for `then` when it references it (logged) or is
    // referenced by it (unlogged).
    let waits = |first: &str, then: &str| if unlogged { references(then, first) } else { references(first, then) };
    let mut drafts = Vec::new();
    while !pending.is_empty() {
        let next = pending.iter().position(|t| !pending.iter().any(|o| waits(t, o))).unwrap_or(0);
        let table = pending.remove(next);
        let change = Change::SetUnlogged { table: table.to_string(), unlogged };
        drafts.push(Draft::of(&change, vec![ddl::set_unlogged(table, unlogged)]));
    }
    drafts
}

fn comments(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        let statement = match change {
            Change::SetComment { table, on: CommentOn::Index(name), comment } => {
                ddl::comment_on_index(table, name, comment)
            }
            Change::SetComment { table, on: CommentOn::Constraint(name), comment } => {
                ddl::comment_on_constraint(table, name, comment)
            }
            Change::AlterStatistics { table, from, to } if from.same_definition(to) => {
                ddl::comment_on_statistics(table, to)
            }
            Change::SetTableComment { table, comment } => format!(
                "COMMENT ON TABLE {} IS {}",
                table_ident(table),
                comment.as_deref().map_or("NULL".into(), quote_literal)
            ),
            _ => continue,
        };
        drafts.push(Draft::of(change, vec![statement]));
    }
    Ok(drafts)
}

/// Every table that goes, in one statement: PostgreSQL resolves the
/// dependencies among them. A partition of a table that stays is detached
/// first: PostgreSQL refuses to drop one while a foreign key references its
/// parent (the key has a copy on every partition), and detaching checks
/// that no row references the partition's rows.
fn drop_tables(diff: &Diff) -> Result<Vec<Draft>> {
    let dropped: Vec<&crate::model::Table> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable(table) => Some(table),
            _ => None,
        })
        .collect();
    if dropped.is_empty() {
        return Ok(Vec::new());
    }
    let mut statements: Vec<String> = dropped
        .iter()
        .filter_map(|t| t.partition_of.as_ref().map(|p| (t, p)))
        .filter(|(_, p)| !dropped.iter().any(|d| d.name == p.parent))
        .map(|(t, p)| format!("ALTER TABLE {} DETACH PARTITION {}", table_ident(&p.parent), table_ident(&t.name)))
        .collect();
    let names: Vec<String> = dropped.iter().map(|t| table_ident(&t.name)).collect();
    statements.push(format!("DROP TABLE {}", names.join(", ")));
    Ok(vec![Draft {
        changes: dropped.iter().map(|t| Change::DropTable((*t).clone())).collect(),
        statements,
        note: None,
    }])
}

fn views(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::CreateView(view) => {
                let mut statements = objects::create_view(view, None);
                statements.extend(view.comment.as_ref().map(|_| objects::comment_on_view(view)));
                for index in view.indexes.values() {
                    statements.push(ddl::create_index(&view.name, index));
                    if index.comment.is_some() {
                        statements.push(ddl::comment_on_index(&view.name, &index.name, &index.comment));
                    }
                }
                drafts.push(Draft::of(change, statements));
            }
            Change::ReplaceView { from, to } => {
                let mut statements =
                    if from.same_definition(to) { Vec::new() } else { objects::create_view(to, Some(from)) };
                if from.comment != to.comment {
                    statements.push(objects::comment_on_view(to));
                }
                drafts.push(Draft::of(change, statements));
            }
            _ => {}
        }
    }
    Ok(drafts)
}

fn triggers_and_policies(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        let statements = match change {
            Change::CreatePolicy { table, policy } => objects::create_policy(table, policy),
            Change::AlterPolicy { table, from, to } => objects::alter_policy(table, from, to),
            Change::SetRowLevelSecurity { table, from, to } => {
                objects::set_row_level_security(table, from.as_deref(), to.as_deref())
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
                statements
            }
            _ => continue,
        };
        drafts.push(Draft::of(change, statements));
    }
    Ok(drafts)
}

fn drop_functions(diff: &Diff) -> Result<Vec<Draft>> {
    let mut drafts = Vec::new();
    for change in &diff.changes {
        if let Change::DropFunction(function) = change
            && !remade(diff, function)
        {
            drafts.push(Draft::of(change, vec![objects::drop_function(function)]));
        }
    }
    Ok(drafts)
}

fn drop_types(diff: &Diff) -> Result<Vec<Draft>> {
    // Domains and composite types first (the last one listed at the
    // front), then enums and sequences.
    let mut first = Vec::new();
    let mut drafts = Vec::new();
    for change in &diff.changes {
        match change {
            Change::DropDomain(domain) => {
                first.push(Draft::of(change, vec![format!("DROP DOMAIN {}", table_ident(&domain.name))]))
            }
            Change::DropCollation(collation) => first.push(Draft::of(change, vec![objects::drop_collation(collation)])),
            Change::DropCompositeType(composite) => {
                first.push(Draft::of(change, vec![format!("DROP TYPE {}", table_ident(&composite.name))]))
            }
            Change::DropEnum { name } => {
                drafts.push(Draft::of(change, vec![format!("DROP TYPE {}", table_ident(name))]))
            }
            // An owned sequence may already have gone with its column.
            Change::DropSequence(sequence) => {
                drafts.push(Draft::of(change, vec![format!("DROP SEQUENCE IF EXISTS {}", table_ident(&sequence.name))]))
            }
            _ => {}
        }
    }
    first.reverse();
    first.extend(drafts);
    Ok(first)
}

/// How a column is dropped from a table in an inheritance tree.
enum InheritedDrop {
    /// With its copies in the tables inheriting it (none keeps one).
    Whole,
    /// From this table alone: a table inheriting it keeps its copy (as its
    /// own column), and the others drop theirs as their own changes.
    Only,
    /// Already gone with its parent's.
    Carried,
}

fn inherited_drop(diff: &Diff, table: &str, column: &str) -> InheritedDrop {
    let drops = |t: &str| {
        diff.changes
            .iter()
            .any(|c| matches!(c, Change::DropColumn { table, column: c } if table == t && c.name == column))
    };
    let live = diff.base.tables.get(table);
    // Gone with the parent's only if it is the parent's alone: a column
    // the table declared too stays when the parent's goes.
    let inherited = live.and_then(|t| t.columns.get(column)).is_some_and(|c| c.inherited);
    if let Some(parent) = live.and_then(|t| t.inherits.as_deref())
        && inherited
        && drops(parent)
        && !matches!(inherited_drop(diff, parent, column), InheritedDrop::Only)
    {
        return InheritedDrop::Carried;
    }
    if kept_below(diff, table, column, &drops, 0) { InheritedDrop::Only } else { InheritedDrop::Whole }
}

/// Whether a table inheriting (at any depth) from `table` keeps `column`:
/// a plain drop would cascade down to it.
fn kept_below(diff: &Diff, table: &str, column: &str, drops: &dyn Fn(&str) -> bool, depth: usize) -> bool {
    depth <= diff.base.tables.len()
        && diff.base.tables.values().filter(|t| t.inherits.as_deref() == Some(table)).any(|child| {
            child.columns.contains_key(column)
                && (!drops(&child.name) || kept_below(diff, &child.name, column, drops, depth + 1))
        })
}

/// A column or index key of `schema` that uses collation `name`, as
/// `column t.c` or `index i on t`.
fn collation_user(schema: &crate::model::Schema, name: &str) -> Option<String> {
    for table in schema.tables.values() {
        if let Some(column) = table.columns.values().find(|c| c.collation.as_deref() == Some(name)) {
            return Some(format!("column {}.{}", table.name, column.name));
        }
        if let Some(index) =
            table.indexes.values().find(|i| i.parts.iter().any(|p| p.collation.as_deref() == Some(name)))
        {
            return Some(format!("index {} on {}", index.name, table.name));
        }
    }
    None
}

/// `CREATE SCHEMA IF NOT EXISTS schema`.
fn ensure_schema(schema: &str) -> String {
    format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema))
}

/// `CREATE SCHEMA IF NOT EXISTS` for the schema of a qualified name.
fn create_schema(name: &str) -> Option<String> {
    schema_of(name).map(ensure_schema)
}

/// Whether `function`, which the plan drops, is made again by it: dropped
/// before what rests on it changes, not after the tables.
fn remade(diff: &Diff, function: &Function) -> bool {
    diff.changes.iter().any(|c| matches!(c, Change::CreateFunction(f) if f.name == function.name))
}

/// Where `change` stands in the diff.
fn diff_position(diff: &Diff, change: &Change) -> usize {
    diff.changes.iter().position(|c| c == change).unwrap_or(usize::MAX)
}

/// The functions made or replaced in the phase `late` says: before the
/// tables, or (their arguments or result naming a new table's row type)
/// after them. Bodies may read tables made later in the plan, so the first
/// function made turns body checks off for the rest of the transaction.
/// Positions of the functions the plan makes that a domain it makes or
/// changes calls in a check or default: made just before that domain (the
/// server checks the domain's expressions at once), unless their signature
/// names a type or table the plan makes.
fn domain_functions(diff: &Diff) -> Vec<(usize, &str)> {
    let new_type = |signature: &str| {
        diff.changes.iter().any(|c| match c {
            Change::CreateDomain(d) => mentions(signature, bare(&d.name)),
            Change::CreateEnum { name, .. } => mentions(signature, bare(name)),
            Change::CreateCompositeType(t) => mentions(signature, bare(&t.name)),
            Change::CreateTable(t) => mentions(signature, bare(&t.name)),
            _ => false,
        })
    };
    let mut found = Vec::new();
    for change in &diff.changes {
        let domain = match change {
            Change::CreateDomain(domain) | Change::AlterDomain { to: domain, .. } => domain,
            _ => continue,
        };
        let texts: Vec<&str> = domain
            .checks
            .values()
            .map(|c| c.expr.as_str())
            .chain(domain.default.as_ref().map(|d| d.as_str()))
            .collect();
        for (position, c) in diff.changes.iter().enumerate() {
            let Some((from, function)) = made(c) else { continue };
            let signature = format!("{} {}", function.arguments, function.returns.as_ref().map_or("", |r| r.as_str()));
            let called = texts.iter().any(|text| mentions(text, bare(&function.name)));
            let changed = from.is_none_or(|from| !from.same_definition(function));
            if called && changed && !new_type(&signature) && !found.iter().any(|(p, _)| *p == position) {
                found.push((position, domain.name.as_str()));
            }
        }
    }
    found
}

/// The drafts of the functions `domain` needs made before it.
fn functions_for(diff: &Diff, domain: &crate::model::Domain) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for (position, _) in domain_functions(diff).into_iter().filter(|(_, d)| *d == domain.name) {
        let change = &diff.changes[position];
        let Some((from, function)) = made(change) else { continue };
        drafts.push(Draft::of(change, function_statements(from, function, true)));
    }
    drafts
}

fn function_drafts(diff: &Diff, late: bool) -> Vec<Draft> {
    let with_domains: Vec<usize> = domain_functions(diff).into_iter().map(|(p, _)| p).collect();
    let first_made = diff.changes.iter().position(|change| {
        made(change).is_some_and(|(from, function)| from.is_none_or(|from| !from.same_definition(function)))
    });
    let mut drafts = Vec::new();
    for (position, change) in diff.changes.iter().enumerate() {
        let Some((from, function)) = made(change) else { continue };
        if with_domains.contains(&position) {
            continue;
        }
        let signature = format!("{} {}", function.arguments, function.returns.as_ref().map_or("", |r| r.as_str()));
        let names_new_table =
            diff.changes.iter().any(|c| matches!(c, Change::CreateTable(t) if mentions(&signature, bare(&t.name))));
        if names_new_table != late {
            continue;
        }
        drafts.push(Draft::of(change, function_statements(from, function, Some(position) == first_made)));
    }
    drafts
}

/// Makes `function` (replacing `from`) if its definition changes, in its
/// schema, bodies unchecked from here on if `first`; and its comment.
fn function_statements(from: Option<&Function>, function: &Function, first: bool) -> Vec<String> {
    let mut statements = Vec::new();
    if from.is_none_or(|from| !from.same_definition(function)) {
        if first {
            statements.push("SET LOCAL check_function_bodies = off".to_string());
        }
        if let Some(schema) = schema_of(&function.name).filter(|_| from.is_none()) {
            statements.push(ensure_schema(schema));
        }
        statements.push(objects::create_function(function, from.is_some()));
    }
    if from.map_or(function.comment.is_some(), |from| from.comment != function.comment) {
        statements.push(objects::comment_on_function(function));
    }
    statements
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
                if to.as_ref().is_none_or(|to| !to.same_definition(pk)) =>
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
                statements: vec![ddl::drop_constraint(&child.name, &fk.name)],
                note: note.clone(),
            });
            if !dropped_tables.contains(child.name.as_str()) {
                adds.push(Draft { changes: Vec::new(), statements: vec![ddl::add_foreign_key(&child.name, fk)], note });
            }
        }
    }
    (drops, adds)
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
            let live_bare = bare(live);
            (live_bare != wanted)
                .then(|| format!("ALTER SEQUENCE {} RENAME TO {}", table_ident(live), quote_ident(&wanted)))
        })
        .collect()
}

/// The function `change` makes (or replaces), and the one it replaces.
fn made(change: &Change) -> Option<(Option<&Function>, &Function)> {
    match change {
        Change::CreateFunction(function) => Some((None, function)),
        Change::ReplaceFunction { from, to } => Some((Some(from), to)),
        _ => None,
    }
}
