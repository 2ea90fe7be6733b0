//! Plans: the ordered SQL that carries out a diff on one dialect.
//!
//! A plan is a list of steps; each step names the changes it carries out
//! and the statements that do it (several changes share one step when
//! SQLite has to rebuild a table for them).

pub mod postgres;
pub mod sqlite;

use crate::diff::{Change, diff};
use crate::error::Result;
use crate::model::Schema;
use crate::sql::Dialect;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub dialect: Dialect,
    pub steps: Vec<Step>,
    /// Tables whose foreign keys are verified before commit (SQLite runs
    /// with enforcement off during an apply, so that rebuilding a parent
    /// never cascades into its children).
    pub foreign_key_checks: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub changes: Vec<Change>,
    pub statements: Vec<String>,
    /// Why the step is done the way it is (e.g. a table rebuild).
    pub note: Option<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.steps.iter().flat_map(|s| s.changes.iter())
    }

    pub fn statements(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().flat_map(|s| s.statements.iter().map(String::as_str))
    }

    /// The changes that can lose data, with the reason.
    pub fn destructive(&self) -> Vec<(&Change, String)> {
        self.changes().filter_map(|c| c.destructive().map(|why| (c, why))).collect()
    }
}

/// Compares `current` with `desired` and plans the changes for `dialect`.
/// `desired` must already be normalised for the dialect.
pub fn build(dialect: Dialect, current: &Schema, desired: &Schema) -> Result<Plan> {
    let diff = diff(current, desired);
    match dialect {
        Dialect::Sqlite => sqlite::plan(&diff, desired),
        Dialect::Postgres => postgres::plan(&diff),
    }
}
