//! PostgreSQL types of the schema's own: domains (a base type with a
//! default, NOT NULL and checks) and composite types (named attributes).

use super::{Check, Expr, SqlType};
use indexmap::IndexMap;

/// A domain: a base type narrowed by checks.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Domain {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// The type it narrows.
    pub base: SqlType,
    /// Its default, as SQL.
    pub default: Option<Expr>,
    /// `NOT NULL`.
    pub not_null: bool,
    /// Its checks by name (`VALUE > 0`).
    pub checks: IndexMap<String, Check>,
    /// Free text about it.
    pub comment: Option<String>,
}

/// A composite type: attributes, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompositeType {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// Attribute name → type, in order.
    pub attributes: IndexMap<String, SqlType>,
    /// Free text about it.
    pub comment: Option<String>,
}
