//! A row level security policy (PostgreSQL): which rows of a table a
//! command may see or write, for which roles.

use super::Expr;

/// A policy on a table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Policy {
    /// Its name (unique per table).
    pub name: String,
    /// Permissive (the default: any one of them lets a row through) rather
    /// than restrictive (every one of them must).
    pub permissive: bool,
    /// `all`, `select`, `insert`, `update` or `delete`.
    pub command: String,
    /// The roles it applies to, sorted; `public` for every role.
    pub roles: Vec<String>,
    /// `USING`: the rows it lets through.
    pub using: Option<Expr>,
    /// `WITH CHECK`: the rows it lets be written.
    pub with_check: Option<Expr>,
    /// Free text about it.
    pub comment: Option<String>,
}

/// The commands a policy may be for.
pub const POLICY_COMMANDS: &[&str] = &["all", "select", "insert", "update", "delete"];
