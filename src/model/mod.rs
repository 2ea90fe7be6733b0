//! The dialect-neutral schema model.
//!
//! Every source of schema (a schema.yaml file, a live SQLite, PostgreSQL
//! or MySQL database) is read into these types, and the differ compares two
//! of them.
//! Constraint and index names are always filled in: sources that leave them
//! implicit get the conventional names PostgreSQL would give them
//! (`users_pkey`, `users_email_key`, `posts_author_id_fkey`).
//!
//! One file per kind of object: `schema.rs` holds them all; `table.rs`,
//! `column.rs`, `constraint.rs` (primary keys, uniques, checks, foreign
//! keys, exclusions), `index.rs`, `partition.rs`, `policy.rs`,
//! `statistics.rs` (extended statistics), `privilege.rs` (owners, grants),
//! `extension.rs`, `unmanaged.rs` (what hangs on a
//! table unmanaged); `view.rs`
//! (and what SQL text reads), `function.rs`, `aggregate.rs`, `trigger.rs`;
//! `sequence.rs`, `user_type.rs` (domains, composite types), `collation.rs`;
//! the values:
//! `sql_type.rs`, `default_value.rs`, `expr.rs`; and `naming.rs`, the
//! conventional names.

mod aggregate;
mod collation;
mod column;
mod constraint;
mod default_value;
mod expr;
mod extension;
mod function;
mod index;
pub(crate) mod naming;
mod partition;
mod policy;
mod privilege;
mod schema;
mod sequence;
mod sql_type;
mod statistics;
mod table;
mod trigger;
mod unmanaged;
mod user_type;
mod view;

pub use aggregate::Aggregate;
pub use collation::Collation;
pub use column::Column;
pub use constraint::{Check, Exclusion, ExclusionElement, ForeignKey, PrimaryKey, ReferentialAction, Unique};
pub use default_value::{DefaultValue, Literal};
pub use expr::Expr;
pub use extension::Extension;
pub use function::Function;
pub use index::{Index, IndexKey, IndexPart};
pub use partition::Partition;
pub use policy::{POLICY_COMMANDS, Policy};
pub use privilege::{
    DefaultObjects, DefaultPrivileges, DefaultScope, Grants, Held, PUBLIC, Privilege, Privileges, Securable,
    SecurableKind,
};
pub use schema::Schema;
pub use sequence::{Sequence, SequenceOptions};
pub(crate) use sql_type::KNOWN_TYPES;
pub use sql_type::SqlType;
pub use statistics::{STATISTICS_KINDS, Statistics};
pub use table::{Table, inherited_column, inheriting_column, storage_value};
pub use trigger::{TRIGGER_EVENTS, Trigger};
pub use unmanaged::UnmanagedDependent;
pub use user_type::{CompositeType, Domain};
pub(crate) use view::{Reads, and_readers};
pub use view::{View, view_order};
