//! Table constraints: primary key, unique, check and foreign key.

use super::{Expr, IndexPart};
use std::fmt;

/// A table's primary key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrimaryKey {
    /// The constraint's name (`<table>_pkey` by convention).
    pub name: String,
    /// Its columns, in key order.
    pub columns: Vec<String>,
    /// Whether the check may be deferred to commit (PostgreSQL).
    pub deferrable: bool,
    /// Whether it is deferred to commit unless set otherwise (PostgreSQL).
    pub initially_deferred: bool,
    /// Free text about it.
    pub comment: Option<String>,
}

impl PrimaryKey {
    /// A primary key on `columns`, checked at once.
    pub fn new(name: impl Into<String>, columns: Vec<String>) -> PrimaryKey {
        PrimaryKey { name: name.into(), columns, deferrable: false, initially_deferred: false, comment: None }
    }

    /// Whether `other` is this key but for its name and comment.
    pub fn same_definition(&self, other: &PrimaryKey) -> bool {
        self.columns == other.columns
            && self.deferrable == other.deferrable
            && self.initially_deferred == other.initially_deferred
    }
}

/// A unique constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unique {
    /// The constraint's name (`<table>_<columns>_key` by convention).
    pub name: String,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// NULLs count as equal to each other (`NULLS NOT DISTINCT`).
    pub nulls_not_distinct: bool,
    /// Whether the check may be deferred to commit (PostgreSQL).
    pub deferrable: bool,
    /// Whether it is deferred to commit unless set otherwise (PostgreSQL).
    pub initially_deferred: bool,
    /// Free text about it.
    pub comment: Option<String>,
}

impl Unique {
    /// A unique constraint on `columns`, NULLs distinct.
    pub fn new(name: impl Into<String>, columns: Vec<String>) -> Unique {
        Unique {
            name: name.into(),
            columns,
            nulls_not_distinct: false,
            deferrable: false,
            initially_deferred: false,
            comment: None,
        }
    }
}

/// A check constraint.
#[derive(Clone, Debug, Eq)]
#[non_exhaustive]
pub struct Check {
    /// The constraint's name (`<table>_<column>_check` by convention).
    pub name: String,
    /// The condition every row must meet.
    pub expr: Expr,
    /// Free text about it.
    pub comment: Option<String>,
    /// PostgreSQL: added `NOT VALID` and not validated: on purpose (the
    /// file's `validated: false`: kept so, and added so), or by an
    /// `--online` apply that stopped before validating it (the plan
    /// validates it). Not part of the definition: a live constraint that
    /// waits for validation is the same constraint.
    pub not_valid: bool,
}

impl Check {
    /// A check that rows meet `expr`.
    pub fn new(name: impl Into<String>, expr: Expr) -> Check {
        Check { name: name.into(), expr, comment: None, not_valid: false }
    }
}

/// Whether it still waits for `VALIDATE CONSTRAINT` is no difference of definition.
impl PartialEq for Check {
    fn eq(&self, other: &Check) -> bool {
        self.name == other.name && self.expr == other.expr && self.comment == other.comment
    }
}

/// A foreign key.
#[derive(Clone, Debug, Default, Eq)]
#[non_exhaustive]
pub struct ForeignKey {
    /// The constraint's name (`<table>_<columns>_fkey` by convention).
    pub name: String,
    /// The referencing columns.
    pub columns: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// The referenced columns, in the same order.
    pub ref_columns: Vec<String>,
    /// What deleting a referenced row does.
    pub on_delete: ReferentialAction,
    /// What changing a referenced key does.
    pub on_update: ReferentialAction,
    /// Whether the check may be deferred to commit (PostgreSQL).
    pub deferrable: bool,
    /// Whether it is deferred to commit unless set otherwise (PostgreSQL).
    pub initially_deferred: bool,
    /// Free text about it.
    pub comment: Option<String>,
    /// PostgreSQL: added `NOT VALID` and not validated (see
    /// [`Check::not_valid`]); not part of the definition.
    pub not_valid: bool,
    /// MySQL: the index the server made for this key, by its name: the
    /// key's, or its first column's for a key made without a name (set by
    /// the inspector, which shows no such index; not compared). It stays
    /// when the key is dropped, so it is dropped with it.
    pub own_index: Option<String>,
}

impl ForeignKey {
    /// Whether `other` is this key but for its name and comment: the same
    /// columns, referenced columns and actions.
    pub fn same_definition(&self, other: &ForeignKey) -> bool {
        self.columns == other.columns
            && self.ref_table == other.ref_table
            && self.ref_columns == other.ref_columns
            && self.on_delete == other.on_delete
            && self.on_update == other.on_update
            && self.deferrable == other.deferrable
            && self.initially_deferred == other.initially_deferred
    }
}

/// Whether it still waits for `VALIDATE CONSTRAINT` is no difference of definition.
impl PartialEq for ForeignKey {
    fn eq(&self, other: &ForeignKey) -> bool {
        self.name == other.name && self.comment == other.comment && self.same_definition(other)
    }
}

/// An exclusion constraint (PostgreSQL): no two rows whose elements all
/// compare true with their operators (`room WITH =, during WITH &&`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Exclusion {
    /// The constraint's name.
    pub name: String,
    /// The index access method (`gist` by default).
    pub method: String,
    /// Each key and the operator it is compared with.
    pub elements: Vec<ExclusionElement>,
    /// Only rows meeting this condition are constrained.
    pub predicate: Option<Expr>,
    /// Whether the check may be deferred to commit.
    pub deferrable: bool,
    /// Whether it is deferred to commit unless set otherwise.
    pub initially_deferred: bool,
    /// Free text about it.
    pub comment: Option<String>,
}

/// One element of an exclusion constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExclusionElement {
    /// The key, as an index key.
    pub part: IndexPart,
    /// The operator: `=`, `&&`, or `OPERATOR(schema.op)`.
    pub operator: String,
}

/// What a foreign key does when its referenced row goes or changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    /// Fail, at the end of the statement (the default).
    #[default]
    NoAction,
    /// Fail at once.
    Restrict,
    /// Delete or update the referencing rows too.
    Cascade,
    /// Set the referencing columns to NULL.
    SetNull,
    /// Set the referencing columns to their defaults.
    SetDefault,
}

impl ReferentialAction {
    /// The names the file accepts.
    pub const NAMES: &'static [&'static str] = &["no action", "restrict", "cascade", "set null", "set default"];

    /// Accepts `set null`, `SET_NULL`, `set-null` and the like.
    pub fn parse(text: &str) -> Option<ReferentialAction> {
        let words = text.to_ascii_lowercase().replace(['_', '-'], " ");
        match words.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
            "no action" => Some(ReferentialAction::NoAction),
            "restrict" => Some(ReferentialAction::Restrict),
            "cascade" => Some(ReferentialAction::Cascade),
            "set null" => Some(ReferentialAction::SetNull),
            "set default" => Some(ReferentialAction::SetDefault),
            _ => None,
        }
    }

    /// The SQL spelling: `SET NULL`.
    pub fn sql(self) -> &'static str {
        match self {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        }
    }
}

impl fmt::Display for ReferentialAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql().to_ascii_lowercase())
    }
}
