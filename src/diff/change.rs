//! One typed difference between two schemas.

use crate::model::{
    Aggregate, Check, Collation, Column, CompositeType, DefaultScope, Domain, Exclusion, ForeignKey, Function, Held,
    Index, Partition, Policy, PrimaryKey, Securable, Sequence, Statistics, Table, Trigger, Unique, View,
};
use indexmap::IndexMap;
use std::fmt;

/// One difference between two schemas, as a change to make. Tables are
/// named by their (possibly schema-qualified) name.
// A plan holds few changes: boxing the two columns of an alter would cost
// every match over them more than the bytes it saves.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Change {
    /// A new table, with its keys, checks, indexes and foreign keys.
    CreateTable(Table),
    /// A table that goes, with its rows.
    DropTable(Table),
    /// A table renamed (from a `renamed_from` hint).
    RenameTable {
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A new column.
    AddColumn {
        /// The table.
        table: String,
        /// The column.
        column: Column,
    },
    /// A column that goes, with its values.
    DropColumn {
        /// The table.
        table: String,
        /// The column as it was.
        column: Column,
    },
    /// A column renamed (from a `renamed_from` hint).
    RenameColumn {
        /// The table (by its new name, if it is renamed too).
        table: String,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A column whose type, nullability, default, identity, generation,
    /// collation or comment changes.
    AlterColumn {
        /// The table.
        table: String,
        /// The column as it is.
        from: Column,
        /// The column as it will be.
        to: Column,
        /// Dropped and added again rather than altered (the dialect cannot
        /// alter it in place, e.g. a generated column whose expression
        /// changes, or that reads a column whose type changes on PostgreSQL).
        recreate: bool,
    },
    /// The primary key is added, dropped or changed.
    SetPrimaryKey {
        /// The table.
        table: String,
        /// The key as it is.
        from: Option<PrimaryKey>,
        /// The key as it will be.
        to: Option<PrimaryKey>,
    },
    /// A new unique constraint.
    AddUnique {
        /// The table.
        table: String,
        /// The constraint.
        unique: Unique,
    },
    /// A unique constraint that goes (or changes: dropped, then added).
    DropUnique {
        /// The table.
        table: String,
        /// The constraint.
        unique: Unique,
    },
    /// A new check constraint.
    AddCheck {
        /// The table.
        table: String,
        /// The constraint.
        check: Check,
    },
    /// A check constraint that goes (or changes: dropped, then added).
    DropCheck {
        /// The table.
        table: String,
        /// The constraint.
        check: Check,
    },
    /// A new foreign key.
    AddForeignKey {
        /// The table.
        table: String,
        /// The foreign key.
        foreign_key: ForeignKey,
    },
    /// A foreign key that goes (or changes: dropped, then added).
    DropForeignKey {
        /// The table.
        table: String,
        /// The foreign key.
        foreign_key: ForeignKey,
    },
    /// A constraint added `NOT VALID` (an `--online` apply that stopped
    /// before validating it) is validated: `VALIDATE CONSTRAINT`.
    ValidateConstraint {
        /// The table.
        table: String,
        /// The check or foreign key.
        name: String,
    },
    /// A new exclusion constraint.
    AddExclusion {
        /// The table.
        table: String,
        /// The constraint.
        exclusion: Exclusion,
    },
    /// An exclusion constraint that goes (or changes: dropped, then added).
    DropExclusion {
        /// The table.
        table: String,
        /// The constraint.
        exclusion: Exclusion,
    },
    /// A new index.
    CreateIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// An index that goes (or changes: dropped, then created).
    DropIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// The table's comment is set or removed.
    SetTableComment {
        /// The table.
        table: String,
        /// The new comment.
        comment: Option<String>,
    },
    /// SQLite table options (`STRICT`, `WITHOUT ROWID`) change: a rebuild.
    SetTableOptions {
        /// The table.
        table: String,
        /// Whether it will be `STRICT`.
        strict: bool,
        /// Whether it will be `WITHOUT ROWID`.
        without_rowid: bool,
    },
    /// MySQL table options change: the storage engine, the row format, or
    /// the default collation (its text columns converted with it).
    SetStorage {
        /// The table.
        table: String,
        /// The engine, when not the server's default.
        engine: Option<String>,
        /// The row format, when one is declared.
        row_format: Option<String>,
        /// The default collation, when not the database's.
        collation: Option<String>,
    },
    /// PostgreSQL: extended statistics are made.
    CreateStatistics {
        /// The table.
        table: String,
        /// The statistics.
        statistics: Statistics,
    },
    /// PostgreSQL: extended statistics are dropped.
    DropStatistics {
        /// The table.
        table: String,
        /// The statistics.
        statistics: Statistics,
    },
    /// PostgreSQL: extended statistics change: made again, or only their
    /// comment set.
    AlterStatistics {
        /// The table.
        table: String,
        /// As they are.
        from: Statistics,
        /// As they will be.
        to: Statistics,
    },
    /// PostgreSQL: a table starts or stops inheriting from a parent, or
    /// moves to another (refused: see the plan).
    SetInherits {
        /// The table.
        table: String,
        /// The parent it inherits from now.
        from: Option<String>,
        /// The parent it will inherit from.
        to: Option<String>,
    },
    /// PostgreSQL: a table becomes `UNLOGGED`, or logged again (either
    /// rewrites it).
    SetUnlogged {
        /// The table.
        table: String,
        /// Whether it will be unlogged.
        unlogged: bool,
    },
    /// PostgreSQL: a table's storage parameters are set or reset.
    SetStorageParameters {
        /// The table.
        table: String,
        /// The parameters it has.
        from: IndexMap<String, String>,
        /// The parameters it will have.
        to: IndexMap<String, String>,
    },
    /// A table becomes a partition, or a partition's bound changes
    /// (PostgreSQL: `ATTACH PARTITION`, after `DETACH PARTITION`).
    SetPartition {
        /// The table.
        table: String,
        /// What it is a partition of now, if anything.
        from: Option<Partition>,
        /// What it will be a partition of, if anything.
        to: Option<Partition>,
        /// The parent's checks it lacks, added before it is attached.
        checks: Vec<Check>,
    },
    /// How a partitioned table splits its rows changes (which PostgreSQL
    /// cannot alter in place).
    SetPartitionBy {
        /// The table.
        table: String,
        /// Its `PARTITION BY` now, if any.
        from: Option<String>,
        /// Its wanted `PARTITION BY`, if any.
        to: Option<String>,
    },
    /// The comment of an index or constraint is set or removed.
    SetComment {
        /// The table.
        table: String,
        /// The index or constraint (by its name in the database).
        on: CommentOn,
        /// The new comment.
        comment: Option<String>,
    },
    /// A schema the file lists that the database does not have.
    CreateSchema {
        /// The schema.
        name: String,
    },
    /// An extension is created.
    CreateExtension {
        /// The extension.
        name: String,
        /// At this version (`None`: the server's default).
        version: Option<String>,
        /// In this schema (`None`: the default schema).
        schema: Option<String>,
    },
    /// An extension's objects move to another schema (`ALTER EXTENSION …
    /// SET SCHEMA`: only a relocatable extension's can).
    MoveExtension {
        /// The extension.
        name: String,
        /// Its schema now (`None`: the default schema).
        from: Option<String>,
        /// Its schema to be.
        to: String,
    },
    /// An extension is updated to another version (`ALTER EXTENSION ...
    /// UPDATE TO`).
    UpdateExtension {
        /// The extension.
        name: String,
        /// Its version now.
        from: Option<String>,
        /// The version asked.
        to: String,
    },
    /// An extension the file leaves out goes (and what it made).
    DropExtension {
        /// The extension.
        name: String,
    },
    /// An object gets another owner.
    SetOwner {
        /// The object.
        object: Securable,
        /// Its owner now.
        from: String,
        /// Its owner to be.
        to: String,
        /// Made by this plan: no one relies on its owner yet.
        fresh: bool,
    },
    /// Privileges granted (`GRANT`, or `ALTER DEFAULT PRIVILEGES ... GRANT`).
    Grant {
        /// What they are on.
        on: GrantOn,
        /// A role, or `public`.
        grantee: String,
        /// Each privilege (on a column, or the whole object), and whether
        /// `WITH GRANT OPTION`.
        privileges: Held,
    },
    /// Privileges revoked.
    Revoke {
        /// What they are on.
        on: GrantOn,
        /// A role, or `public`.
        grantee: String,
        /// Each privilege (on a column, or the whole object), and whether
        /// only its grant option goes (`REVOKE GRANT OPTION FOR`).
        privileges: Held,
        /// On an object made by this plan (what default privileges gave
        /// it beyond the file): no one relies on it yet.
        fresh: bool,
    },
    /// A new enum type.
    CreateEnum {
        /// The type.
        name: String,
        /// Its labels, in order.
        values: Vec<String>,
    },
    /// An enum type that goes.
    DropEnum {
        /// The type.
        name: String,
    },
    /// New labels only, each placed before an existing one (or at the end).
    AddEnumValues {
        /// The type.
        name: String,
        /// Each new label, and the existing label it goes before.
        values: Vec<(String, Option<String>)>,
    },
    /// Labels removed or reordered: the type is recreated and columns cast.
    RecreateEnum {
        /// The type.
        name: String,
        /// Its labels as they are.
        from: Vec<String>,
        /// Its labels as they will be.
        to: Vec<String>,
    },
    /// A new sequence.
    CreateSequence(Sequence),
    /// A sequence that goes, with its current value.
    DropSequence(Sequence),
    /// A sequence's type, options, owner or comment changes (never its
    /// current value).
    AlterSequence {
        /// The sequence as it is.
        from: Sequence,
        /// The sequence as it will be.
        to: Sequence,
    },
    /// Row level security is switched on, forced or off.
    SetRowLevelSecurity {
        /// The table.
        table: String,
        /// `enabled`, `forced`, or `None` (off).
        from: Option<String>,
        /// The same, as it will be.
        to: Option<String>,
    },
    /// A new row level security policy (or one made again).
    CreatePolicy {
        /// The table.
        table: String,
        /// The policy.
        policy: Policy,
    },
    /// A policy that goes (or is made again).
    DropPolicy {
        /// The table.
        table: String,
        /// The policy.
        policy: Policy,
        /// Made again in the same plan.
        remade: bool,
    },
    /// A policy's roles, expressions or comment change (`ALTER POLICY`).
    AlterPolicy {
        /// The table.
        table: String,
        /// The policy as it is.
        from: Policy,
        /// The policy as it will be.
        to: Policy,
    },
    /// A new aggregate, or one changed (`CREATE OR REPLACE AGGREGATE`).
    CreateAggregate {
        /// The aggregate.
        aggregate: Aggregate,
        /// It exists, and is replaced.
        replace: bool,
    },
    /// An aggregate that goes.
    DropAggregate(Aggregate),
    /// A collation is made (PostgreSQL).
    CreateCollation(Collation),
    /// A collation is dropped.
    DropCollation(Collation),
    /// A collation's comment changes, or it is made again (PostgreSQL cannot
    /// change one in place; refused while a column or index uses it).
    AlterCollation {
        /// As it is.
        from: Collation,
        /// As it will be.
        to: Collation,
    },
    /// A new domain.
    CreateDomain(Domain),
    /// A domain that goes.
    DropDomain(Domain),
    /// A domain's default, NOT NULL, checks or comment change.
    AlterDomain {
        /// The domain as it is.
        from: Domain,
        /// The domain as it will be.
        to: Domain,
    },
    /// A new composite type.
    CreateCompositeType(CompositeType),
    /// A composite type that goes.
    DropCompositeType(CompositeType),
    /// A composite type's attributes or comment change.
    AlterCompositeType {
        /// The type as it is.
        from: CompositeType,
        /// The type as it will be.
        to: CompositeType,
    },
    /// A new view (or one made again: after a [`Change::DropView`] of the
    /// same name).
    CreateView(View),
    /// A view that goes (or is made again, when something it reads
    /// changes in a way the database refuses under a view).
    DropView {
        /// The view as it is.
        view: View,
        /// Made again in the same plan (a materialized view then keeps no
        /// rows of its own to lose: they are computed again).
        remade: bool,
    },
    /// A view changed in place: `CREATE OR REPLACE VIEW` (its columns kept,
    /// new ones appended), or only its comment.
    ReplaceView {
        /// The view as it is.
        from: View,
        /// The view as it will be.
        to: View,
    },
    /// A new function or procedure.
    CreateFunction(Function),
    /// A function or procedure that goes (or is made again).
    DropFunction(Function),
    /// A function changed in place (`CREATE OR REPLACE`: same arguments
    /// and return type), or only its comment.
    ReplaceFunction {
        /// The function as it is.
        from: Function,
        /// The function as it will be.
        to: Function,
    },
    /// A new trigger.
    CreateTrigger(Trigger),
    /// A trigger that goes (or is made again).
    DropTrigger(Trigger),
    /// A trigger changed in place (`CREATE OR REPLACE TRIGGER`), or only
    /// its comment.
    ReplaceTrigger {
        /// The trigger as it is.
        from: Trigger,
        /// The trigger as it will be.
        to: Trigger,
    },
}

/// What a [`Change::Grant`] or [`Change::Revoke`] is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrantOn {
    /// An object.
    Object(Securable),
    /// The objects a role makes later (`ALTER DEFAULT PRIVILEGES`).
    Default(DefaultScope),
}

impl std::fmt::Display for GrantOn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantOn::Object(object) => write!(f, "{object}"),
            GrantOn::Default(scope) => write!(f, "default privileges {}", scope.describe()),
        }
    }
}

/// `select, update(email)`: what a grant or revoke names.
fn privilege_words(privileges: &Held) -> String {
    let words: Vec<String> = privileges
        .keys()
        .map(|(p, column)| match column {
            Some(c) => format!("{}({c})", p.keyword().to_ascii_lowercase()),
            None => p.keyword().to_ascii_lowercase(),
        })
        .collect();
    words.join(", ")
}

/// What a [`Change::SetComment`] comments on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentOn {
    /// An index, by name.
    Index(String),
    /// A constraint (primary key, unique, check, foreign key), by name.
    Constraint(String),
}

impl CommentOn {
    /// The index's or constraint's name.
    pub fn name(&self) -> &str {
        match self {
            CommentOn::Index(name) | CommentOn::Constraint(name) => name,
        }
    }
}

impl Change {
    /// The table this change belongs to (the new name for renames).
    pub fn table(&self) -> &str {
        match self {
            Change::CreateTable(t) | Change::DropTable(t) => &t.name,
            Change::RenameTable { to, .. } => to,
            Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table, .. }
            | Change::AlterColumn { table, .. }
            | Change::SetPrimaryKey { table, .. }
            | Change::AddUnique { table, .. }
            | Change::DropUnique { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddExclusion { table, .. }
            | Change::DropExclusion { table, .. }
            | Change::CreateIndex { table, .. }
            | Change::DropIndex { table, .. }
            | Change::SetTableComment { table, .. }
            | Change::SetTableOptions { table, .. }
            | Change::SetStorage { table, .. }
            | Change::SetUnlogged { table, .. }
            | Change::SetStorageParameters { table, .. }
            | Change::SetInherits { table, .. }
            | Change::CreateStatistics { table, .. }
            | Change::DropStatistics { table, .. }
            | Change::AlterStatistics { table, .. }
            | Change::SetPartition { table, .. }
            | Change::SetPartitionBy { table, .. }
            | Change::SetComment { table, .. }
            | Change::ValidateConstraint { table, .. }
            | Change::SetRowLevelSecurity { table, .. }
            | Change::CreatePolicy { table, .. }
            | Change::DropPolicy { table, .. }
            | Change::AlterPolicy { table, .. } => table,
            Change::CreateExtension { name, .. }
            | Change::CreateSchema { name }
            | Change::UpdateExtension { name, .. }
            | Change::MoveExtension { name, .. }
            | Change::DropExtension { name }
            | Change::CreateEnum { name, .. }
            | Change::DropEnum { name }
            | Change::AddEnumValues { name, .. }
            | Change::RecreateEnum { name, .. } => name,
            Change::SetOwner { object, .. }
            | Change::Grant { on: GrantOn::Object(object), .. }
            | Change::Revoke { on: GrantOn::Object(object), .. } => object.name.split('(').next().unwrap_or_default(),
            Change::Grant { on: GrantOn::Default(scope), .. } | Change::Revoke { on: GrantOn::Default(scope), .. } => {
                &scope.role
            }
            Change::CreateSequence(sequence) | Change::DropSequence(sequence) => &sequence.name,
            Change::AlterSequence { to, .. } => &to.name,
            Change::CreateAggregate { aggregate: a, .. } | Change::DropAggregate(a) => &a.name,
            Change::CreateDomain(d) | Change::DropDomain(d) | Change::AlterDomain { to: d, .. } => &d.name,
            Change::CreateCollation(c) | Change::DropCollation(c) | Change::AlterCollation { to: c, .. } => &c.name,
            Change::CreateCompositeType(t)
            | Change::DropCompositeType(t)
            | Change::AlterCompositeType { to: t, .. } => &t.name,
            Change::CreateView(view) | Change::DropView { view, .. } | Change::ReplaceView { to: view, .. } => {
                &view.name
            }
            Change::CreateFunction(function)
            | Change::DropFunction(function)
            | Change::ReplaceFunction { to: function, .. } => &function.name,
            Change::CreateTrigger(trigger)
            | Change::DropTrigger(trigger)
            | Change::ReplaceTrigger { to: trigger, .. } => &trigger.table,
        }
    }

    /// A stable machine name for the JSON output.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::CreateTable(_) => "create_table",
            Change::DropTable(_) => "drop_table",
            Change::RenameTable { .. } => "rename_table",
            Change::AddColumn { .. } => "add_column",
            Change::DropColumn { .. } => "drop_column",
            Change::RenameColumn { .. } => "rename_column",
            Change::AlterColumn { .. } => "alter_column",
            Change::SetPrimaryKey { .. } => "set_primary_key",
            Change::AddUnique { .. } => "add_unique",
            Change::DropUnique { .. } => "drop_unique",
            Change::AddCheck { .. } => "add_check",
            Change::DropCheck { .. } => "drop_check",
            Change::AddForeignKey { .. } => "add_foreign_key",
            Change::DropForeignKey { .. } => "drop_foreign_key",
            Change::AddExclusion { .. } => "add_exclusion",
            Change::DropExclusion { .. } => "drop_exclusion",
            Change::CreateIndex { .. } => "create_index",
            Change::DropIndex { .. } => "drop_index",
            Change::ValidateConstraint { .. } => "validate_constraint",
            Change::SetTableComment { .. } => "set_table_comment",
            Change::SetComment { .. } => "set_comment",
            Change::SetTableOptions { .. } => "set_table_options",
            Change::SetStorage { .. } => "set_storage",
            Change::SetUnlogged { .. } => "set_unlogged",
            Change::SetInherits { .. } => "set_inherits",
            Change::CreateStatistics { .. } => "create_statistics",
            Change::DropStatistics { .. } => "drop_statistics",
            Change::AlterStatistics { .. } => "alter_statistics",
            Change::SetStorageParameters { .. } => "set_storage_parameters",
            Change::SetPartition { .. } => "set_partition",
            Change::SetPartitionBy { .. } => "set_partition_by",
            Change::CreateExtension { .. } => "create_extension",
            Change::CreateSchema { .. } => "create_schema",
            Change::UpdateExtension { .. } => "update_extension",
            Change::MoveExtension { .. } => "move_extension",
            Change::DropExtension { .. } => "drop_extension",
            Change::SetOwner { .. } => "set_owner",
            Change::Grant { .. } => "grant",
            Change::Revoke { .. } => "revoke",
            Change::CreateEnum { .. } => "create_enum",
            Change::DropEnum { .. } => "drop_enum",
            Change::AddEnumValues { .. } => "add_enum_values",
            Change::RecreateEnum { .. } => "recreate_enum",
            Change::CreateSequence(_) => "create_sequence",
            Change::DropSequence(_) => "drop_sequence",
            Change::AlterSequence { .. } => "alter_sequence",
            Change::SetRowLevelSecurity { .. } => "set_row_level_security",
            Change::CreatePolicy { .. } => "create_policy",
            Change::DropPolicy { .. } => "drop_policy",
            Change::AlterPolicy { .. } => "alter_policy",
            Change::CreateAggregate { .. } => "create_aggregate",
            Change::DropAggregate(_) => "drop_aggregate",
            Change::CreateCollation(_) => "create_collation",
            Change::DropCollation(_) => "drop_collation",
            Change::AlterCollation { .. } => "alter_collation",
            Change::CreateDomain(_) => "create_domain",
            Change::DropDomain(_) => "drop_domain",
            Change::AlterDomain { .. } => "alter_domain",
            Change::CreateCompositeType(_) => "create_type",
            Change::DropCompositeType(_) => "drop_type",
            Change::AlterCompositeType { .. } => "alter_type",
            Change::CreateView(_) => "create_view",
            Change::DropView { .. } => "drop_view",
            Change::ReplaceView { .. } => "replace_view",
            Change::CreateFunction(_) => "create_function",
            Change::DropFunction(_) => "drop_function",
            Change::ReplaceFunction { .. } => "replace_function",
            Change::CreateTrigger(_) => "create_trigger",
            Change::DropTrigger(_) => "drop_trigger",
            Change::ReplaceTrigger { .. } => "replace_trigger",
        }
    }

    /// The object changed, e.g. `users.email` or `users_email_idx`.
    pub fn object(&self) -> String {
        match self {
            Change::CreateTable(t) | Change::DropTable(t) => t.name.clone(),
            Change::RenameTable { to, .. } => to.clone(),
            Change::AddColumn { table, column } | Change::DropColumn { table, column } => {
                format!("{table}.{}", column.name)
            }
            Change::AlterColumn { table, to, .. } => format!("{table}.{}", to.name),
            Change::RenameColumn { table, to, .. } => format!("{table}.{to}"),
            Change::SetPrimaryKey { table, .. }
            | Change::SetTableComment { table, .. }
            | Change::SetTableOptions { table, .. }
            | Change::SetStorage { table, .. }
            | Change::SetUnlogged { table, .. }
            | Change::SetStorageParameters { table, .. }
            | Change::SetInherits { table, .. }
            | Change::SetPartition { table, .. }
            | Change::SetPartitionBy { table, .. } => table.clone(),
            Change::CreateStatistics { statistics, .. } | Change::DropStatistics { statistics, .. } => {
                statistics.name.clone()
            }
            Change::AlterStatistics { to, .. } => to.name.clone(),
            Change::AddUnique { unique, .. } | Change::DropUnique { unique, .. } => unique.name.clone(),
            Change::AddCheck { check, .. } | Change::DropCheck { check, .. } => check.name.clone(),
            Change::ValidateConstraint { name, .. } => name.clone(),
            Change::AddForeignKey { foreign_key, .. } | Change::DropForeignKey { foreign_key, .. } => {
                foreign_key.name.clone()
            }
            Change::CreateIndex { index, .. } | Change::DropIndex { index, .. } => index.name.clone(),
            Change::AddExclusion { exclusion, .. } | Change::DropExclusion { exclusion, .. } => exclusion.name.clone(),
            Change::SetComment { on, .. } => on.name().to_string(),
            Change::CreateExtension { name, .. }
            | Change::CreateSchema { name }
            | Change::UpdateExtension { name, .. }
            | Change::MoveExtension { name, .. }
            | Change::DropExtension { name }
            | Change::CreateEnum { name, .. }
            | Change::DropEnum { name }
            | Change::AddEnumValues { name, .. }
            | Change::RecreateEnum { name, .. } => name.clone(),
            Change::SetOwner { object, .. } => object.name.clone(),
            Change::Grant { on, grantee, .. } | Change::Revoke { on, grantee, .. } => format!("{on} ({grantee})"),
            Change::CreateSequence(sequence) | Change::DropSequence(sequence) => sequence.name.clone(),
            Change::AlterSequence { to, .. } => to.name.clone(),
            Change::SetRowLevelSecurity { table, .. } => table.clone(),
            Change::CreatePolicy { policy, .. }
            | Change::DropPolicy { policy, .. }
            | Change::AlterPolicy { to: policy, .. } => policy.name.clone(),
            Change::CreateAggregate { aggregate: a, .. } | Change::DropAggregate(a) => a.key(),
            Change::CreateDomain(d) | Change::DropDomain(d) | Change::AlterDomain { to: d, .. } => d.name.clone(),
            Change::CreateCollation(c) | Change::DropCollation(c) | Change::AlterCollation { to: c, .. } => {
                c.name.clone()
            }
            Change::CreateCompositeType(t)
            | Change::DropCompositeType(t)
            | Change::AlterCompositeType { to: t, .. } => t.name.clone(),
            Change::CreateView(view) | Change::DropView { view, .. } | Change::ReplaceView { to: view, .. } => {
                view.name.clone()
            }
            Change::CreateFunction(function)
            | Change::DropFunction(function)
            | Change::ReplaceFunction { to: function, .. } => function.key(),
            Change::CreateTrigger(trigger)
            | Change::DropTrigger(trigger)
            | Change::ReplaceTrigger { to: trigger, .. } => trigger.name.clone(),
        }
    }

    /// Why this change can lose data, if it can.
    pub fn destructive(&self) -> Option<String> {
        match self {
            Change::DropTable(t) => Some(format!("drops table {} and all its rows", t.name)),
            Change::DropSequence(s) => Some(format!("drops sequence {} and its current value", s.name)),
            Change::DropExtension { name } => Some(format!("drops extension {name} and everything it made")),
            Change::SetOwner { object, from, fresh: false, .. } => {
                Some(format!("takes {object} from its owner {from}, who loses what only an owner may do"))
            }
            // Default privileges only shape objects made later.
            Change::Revoke { on: on @ GrantOn::Object(_), grantee, privileges, fresh: false } => {
                Some(format!("revokes {} on {on} from {grantee}, which may rely on it", privilege_words(privileges)))
            }
            Change::AlterCompositeType { from, to }
                if from.attributes.keys().any(|a| !to.attributes.contains_key(a)) =>
            {
                Some(format!("drops attributes of type {} and their values", to.name))
            }
            Change::DropPolicy { table, policy, remade: false } if policy.permissive => Some(format!(
                "drops policy {} on {table}: the rows it opens to {} are no longer theirs to see or write",
                policy.name,
                policy.roles.join(", ")
            )),
            Change::SetRowLevelSecurity { table, to: None, .. } => {
                Some(format!("switches row level security off on {table}: its policies stop filtering rows"))
            }
            Change::DropView { view, remade: false } if view.materialized => {
                Some(format!("drops materialized view {} and its rows", view.name))
            }
            Change::DropColumn { table, column } => {
                Some(format!("drops column {table}.{} and its values", column.name))
            }
            Change::AlterColumn { table, from, to, .. } if !from.sql_type.widens_to(&to.sql_type) => Some(format!(
                "changes {table}.{} from {} to {}, which can lose or reject values",
                to.name, from.sql_type, to.sql_type
            )),
            _ => None,
        }
    }

    /// `+`, `~` or `-`: what the change does to the schema's contents.
    pub fn marker(&self) -> char {
        match self {
            Change::CreateTable(_)
            | Change::AddColumn { .. }
            | Change::AddUnique { .. }
            | Change::AddCheck { .. }
            | Change::AddForeignKey { .. }
            | Change::AddExclusion { .. }
            | Change::CreateIndex { .. }
            | Change::CreateExtension { .. }
            | Change::CreateSchema { .. }
            | Change::Grant { .. }
            | Change::CreateEnum { .. }
            | Change::CreateSequence(_)
            | Change::CreatePolicy { .. }
            | Change::CreateAggregate { replace: false, .. }
            | Change::CreateDomain(_)
            | Change::CreateCollation(_)
            | Change::CreateCompositeType(_)
            | Change::CreateView(_)
            | Change::CreateFunction(_)
            | Change::CreateTrigger(_)
            | Change::CreateStatistics { .. } => '+',
            Change::DropTable(_)
            | Change::DropColumn { .. }
            | Change::DropUnique { .. }
            | Change::DropCheck { .. }
            | Change::DropForeignKey { .. }
            | Change::DropExclusion { .. }
            | Change::DropIndex { .. }
            | Change::DropEnum { .. }
            | Change::DropExtension { .. }
            | Change::Revoke { .. }
            | Change::DropSequence(_)
            | Change::DropPolicy { .. }
            | Change::DropAggregate(_)
            | Change::DropDomain(_)
            | Change::DropCollation(_)
            | Change::DropCompositeType(_)
            | Change::DropView { .. }
            | Change::DropFunction(_)
            | Change::DropTrigger(_)
            | Change::DropStatistics { .. } => '-',
            _ => '~',
        }
    }
}

impl fmt::Display for Change {
    /// One line for the plan summary, e.g. `add column users.age integer`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::CreateTable(t) => {
                write!(f, "create table {} ({} columns)", t.name, t.columns.len())
            }
            Change::DropTable(t) => write!(f, "drop table {}", t.name),
            Change::ValidateConstraint { table, name } => {
                write!(f, "validate constraint {name} on {table} (added NOT VALID, not validated yet)")
            }
            Change::RenameTable { from, to } => write!(f, "rename table {from} to {to}"),
            Change::AddColumn { table, column } => {
                write!(f, "add column {table}.{} {}", column.name, column.sql_type)?;
                if !column.nullable {
                    f.write_str(" not null")?;
                }
                if let Some(default) = &column.default {
                    write!(f, " default {default}")?;
                }
                Ok(())
            }
            Change::DropColumn { table, column } => {
                write!(f, "drop column {table}.{}", column.name)
            }
            Change::RenameColumn { table, from, to } => {
                write!(f, "rename column {table}.{from} to {to}")
            }
            Change::AlterColumn { table, from, to, recreate } => {
                write!(f, "alter column {table}.{}:", to.name)?;
                let mut parts = Vec::new();
                if from.sql_type != to.sql_type {
                    parts.push(format!("type {} → {}", from.sql_type, to.sql_type));
                }
                if from.nullable != to.nullable {
                    parts.push(if to.nullable { "drop not null".into() } else { "set not null".into() });
                }
                if from.default != to.default {
                    parts.push(match &to.default {
                        Some(default) => format!("default {default}"),
                        None => "drop default".into(),
                    });
                }
                if from.autoincrement != to.autoincrement {
                    parts.push(if to.autoincrement { "autoincrement".into() } else { "no autoincrement".into() });
                } else if from.identity_always != to.identity_always {
                    parts.push(if to.identity_always {
                        "identity always".into()
                    } else {
                        "identity by default".into()
                    });
                }
                if from.autoincrement && to.autoincrement && from.identity_options != to.identity_options {
                    parts.push("identity options".into());
                }
                if from.collation != to.collation {
                    parts.push(format!("collation {}", to.collation.as_deref().unwrap_or("default")));
                }
                if from.comment != to.comment {
                    parts.push("comment".into());
                }
                if from.generated != to.generated || from.generated_virtual != to.generated_virtual {
                    parts.push(match &to.generated {
                        Some(expr) => format!("generated as {} (column recreated)", expr.unwrapped()),
                        None => "not generated".into(),
                    });
                } else if *recreate {
                    parts.push("recreated (a column it is generated from changes type)".into());
                }
                write!(f, " {}", parts.join(", "))
            }
            Change::SetPrimaryKey { table, to, .. } => match to {
                Some(pk) => write!(f, "set primary key of {table} to ({})", pk.columns.join(", ")),
                None => write!(f, "drop primary key of {table}"),
            },
            Change::AddUnique { table, unique } => {
                write!(f, "add unique {} on {table} ({})", unique.name, unique.columns.join(", "))
            }
            Change::DropUnique { table, unique } => {
                write!(f, "drop unique {} on {table}", unique.name)
            }
            Change::AddCheck { table, check } => {
                write!(f, "add check {} on {table}: {}", check.name, check.expr)
            }
            Change::DropCheck { table, check } => write!(f, "drop check {} on {table}", check.name),
            Change::AddForeignKey { table, foreign_key: fk } => write!(
                f,
                "add foreign key {} on {table} ({}) → {} ({})",
                fk.name,
                fk.columns.join(", "),
                fk.ref_table,
                fk.ref_columns.join(", ")
            ),
            Change::DropForeignKey { table, foreign_key } => {
                write!(f, "drop foreign key {} on {table}", foreign_key.name)
            }
            Change::AddExclusion { table, exclusion } => write!(f, "add exclusion {} on {table}", exclusion.name),
            Change::DropExclusion { table, exclusion } => write!(f, "drop exclusion {} on {table}", exclusion.name),
            Change::CreateIndex { table, index } => {
                write!(f, "create {}index {} on {table}", if index.unique { "unique " } else { "" }, index.name)
            }
            Change::DropIndex { table, index } if index.invalid => {
                write!(f, "drop index {} on {table} (invalid: its build did not finish)", index.name)
            }
            Change::DropIndex { table, index } => write!(f, "drop index {} on {table}", index.name),
            Change::SetTableComment { table, .. } => write!(f, "set comment on {table}"),
            Change::SetTableOptions { table, strict, without_rowid } => {
                let flag = |on: bool, name: &str| if on { name.to_string() } else { format!("not {name}") };
                write!(
                    f,
                    "set options of {table}: {}, {}",
                    flag(*strict, "strict"),
                    flag(*without_rowid, "without rowid")
                )
            }
            Change::CreateStatistics { table, statistics } => {
                write!(f, "create statistics {} on {table} ({})", statistics.name, statistics.columns.join(", "))
            }
            Change::DropStatistics { table, statistics } => write!(f, "drop statistics {} on {table}", statistics.name),
            Change::AlterStatistics { table, from, to } if from.same_definition(to) => {
                write!(f, "comment on statistics {} on {table}", to.name)
            }
            Change::AlterStatistics { table, to, .. } => {
                write!(f, "recreate statistics {} on {table} ({})", to.name, to.columns.join(", "))
            }
            Change::SetInherits { table, to, .. } => match to {
                Some(parent) => write!(f, "{table} inherits from {parent}"),
                None => write!(f, "{table} inherits from no table"),
            },
            Change::SetUnlogged { table, unlogged } => {
                write!(f, "set {table} {}", if *unlogged { "unlogged" } else { "logged" })
            }
            Change::SetStorageParameters { table, from, to } => {
                let mut parts: Vec<String> =
                    to.iter().filter(|(k, v)| from.get(*k) != Some(*v)).map(|(k, v)| format!("{k}={v}")).collect();
                parts.extend(from.keys().filter(|k| !to.contains_key(*k)).map(|k| format!("reset {k}")));
                write!(f, "set storage parameters of {table}: {}", parts.join(", "))
            }
            Change::SetStorage { table, engine, row_format, collation } => {
                let shown = |value: &Option<String>, default: &str| value.clone().unwrap_or_else(|| default.into());
                write!(
                    f,
                    "set storage of {table}: engine {}, row format {}, collation {}",
                    shown(engine, "default"),
                    shown(row_format, "default"),
                    shown(collation, "the database's")
                )
            }
            Change::SetPartition { table, from, to: Some(to), .. } => match from {
                Some(from) if from.parent == to.parent => {
                    write!(f, "move partition {table} of {} to {}", to.parent, to.bound_clause())
                }
                _ => write!(f, "attach {table} to {} {}", to.parent, to.bound_clause()),
            },
            Change::SetPartition { table, from, to: None, .. } => match from {
                Some(from) => write!(f, "detach partition {table} from {}", from.parent),
                None => write!(f, "leave {table} unpartitioned"),
            },
            Change::SetPartitionBy { table, from, to } => {
                let key =
                    |k: &Option<String>| k.as_deref().map_or("not partitioned".into(), |k| format!("PARTITION BY {k}"));
                write!(f, "partition {table}: {} → {}", key(from), key(to))
            }
            Change::SetComment { table, on: CommentOn::Index(name), .. } => {
                write!(f, "set comment on index {name} on {table}")
            }
            Change::SetComment { table, on: CommentOn::Constraint(name), .. } => {
                write!(f, "set comment on constraint {name} on {table}")
            }
            Change::CreateExtension { name, version, schema } => {
                write!(f, "create extension {name}")?;
                if let Some(version) = version {
                    write!(f, " version {version}")?;
                }
                match schema {
                    Some(schema) => write!(f, " in schema {schema}"),
                    None => Ok(()),
                }
            }
            Change::CreateSchema { name } => write!(f, "create schema {name}"),
            Change::MoveExtension { name, from, to } => {
                write!(f, "move extension {name}: schema {} → {to}", from.as_deref().unwrap_or("(default)"))
            }
            Change::UpdateExtension { name, from, to } => {
                write!(f, "update extension {name}: {} → {to}", from.as_deref().unwrap_or("?"))
            }
            Change::DropExtension { name } => write!(f, "drop extension {name}"),
            Change::SetOwner { object, from, to, .. } => write!(f, "set owner of {object}: {from} → {to}"),
            Change::Grant { on, grantee, privileges } => {
                let option = if privileges.values().any(|o| *o) { " with grant option" } else { "" };
                write!(f, "grant {} on {on} to {grantee}{option}", privilege_words(privileges))
            }
            Change::Revoke { on, grantee, privileges, .. } => {
                let option = if privileges.values().all(|o| *o) { "grant option for " } else { "" };
                write!(f, "revoke {option}{} on {on} from {grantee}", privilege_words(privileges))
            }
            Change::CreateEnum { name, values } => write!(f, "create enum {name} ({})", values.join(", ")),
            Change::DropEnum { name } => write!(f, "drop enum {name}"),
            Change::AddEnumValues { name, values } => {
                let labels: Vec<&str> = values.iter().map(|(v, _)| v.as_str()).collect();
                write!(f, "add values to enum {name}: {}", labels.join(", "))
            }
            Change::RecreateEnum { name, from, to } => {
                write!(f, "recreate enum {name}: ({}) → ({}), columns cast", from.join(", "), to.join(", "))
            }
            Change::CreateSequence(sequence) => write!(f, "create sequence {} ({})", sequence.name, sequence.sql_type),
            Change::DropSequence(sequence) => write!(f, "drop sequence {}", sequence.name),
            Change::AlterSequence { to, .. } => write!(f, "alter sequence {}", to.name),
            Change::SetRowLevelSecurity { table, to, .. } => match to {
                Some(mode) => write!(f, "row level security on {table}: {mode}"),
                None => write!(f, "row level security on {table}: off"),
            },
            Change::CreatePolicy { table, policy } => write!(f, "create policy {} on {table}", policy.name),
            Change::DropPolicy { table, policy, .. } => write!(f, "drop policy {} on {table}", policy.name),
            Change::AlterPolicy { table, to, .. } => write!(f, "alter policy {} on {table}", to.name),
            Change::CreateAggregate { aggregate, replace } => {
                write!(f, "{} aggregate {}", if *replace { "replace" } else { "create" }, aggregate.key())
            }
            Change::DropAggregate(aggregate) => write!(f, "drop aggregate {}", aggregate.key()),
            Change::CreateCollation(c) => {
                write!(
                    f,
                    "create collation {} ({} {})",
                    c.name,
                    c.provider,
                    c.locale.as_deref().unwrap_or("locale pair")
                )
            }
            Change::DropCollation(c) => write!(f, "drop collation {}", c.name),
            Change::AlterCollation { from, to } if from.same_definition(to) => {
                write!(f, "comment on collation {}", to.name)
            }
            Change::AlterCollation { to, .. } => write!(f, "recreate collation {}", to.name),
            Change::CreateDomain(d) => write!(f, "create domain {} ({})", d.name, d.base),
            Change::DropDomain(d) => write!(f, "drop domain {}", d.name),
            Change::AlterDomain { to, .. } => write!(f, "alter domain {}", to.name),
            Change::CreateCompositeType(t) => write!(f, "create type {} ({} attributes)", t.name, t.attributes.len()),
            Change::DropCompositeType(t) => write!(f, "drop type {}", t.name),
            Change::AlterCompositeType { to, .. } => write!(f, "alter type {}", to.name),
            Change::CreateView(view) => write!(f, "create {} {}", view.kind(), view.name),
            Change::DropView { view, .. } => write!(f, "drop {} {}", view.kind(), view.name),
            Change::ReplaceView { from, to } if from.same_definition(to) => {
                write!(f, "set comment on {} {}", to.kind(), to.name)
            }
            Change::ReplaceView { to, .. } => write!(f, "replace view {}", to.name),
            Change::CreateFunction(function) => write!(f, "create {} {}", function.kind(), function.key()),
            Change::DropFunction(function) => write!(f, "drop {} {}", function.kind(), function.key()),
            Change::ReplaceFunction { from, to } if from.same_definition(to) => {
                write!(f, "set comment on {} {}", to.kind(), to.key())
            }
            Change::ReplaceFunction { to, .. } => write!(f, "replace {} {}", to.kind(), to.key()),
            Change::CreateTrigger(trigger) => write!(f, "create trigger {} on {}", trigger.name, trigger.table),
            Change::DropTrigger(trigger) => write!(f, "drop trigger {} on {}", trigger.name, trigger.table),
            Change::ReplaceTrigger { from, to } if from.same_definition(to) => {
                write!(f, "set comment on trigger {} on {}", to.name, to.table)
            }
            Change::ReplaceTrigger { to, .. } => write!(f, "replace trigger {} on {}", to.name, to.table),
        }
    }
}
