//! The dialect rules the differ needs: how some differences must be
//! expressed as changes on a given database. Each dialect implements this
//! trait; the defaults are what a database that can alter everything in
//! place would want.

use crate::model::{Column, Schema, Table};

/// Per-dialect decisions of the differ.
pub trait DiffHooks {
    /// Whether `added`, labels new to enum type `name` (the existing labels
    /// keeping their order), can be added to the type in place. If not, the
    /// type is recreated.
    fn adds_enum_labels_in_place(&self, _name: &str, _added: &[&str], _desired: &Schema) -> bool {
        true
    }

    /// Whether the existing column `from` must be dropped and added again
    /// as `to` rather than altered; `retyped` names the columns of the same
    /// table whose type changes. What depends on a recreated column (keys,
    /// checks, indexes on it) is made again after it.
    fn recreates_column(&self, _from: &Column, _to: &Column, _retyped: &[&str]) -> bool {
        false
    }

    /// Whether a column's type change makes the database store the checks
    /// and index expressions and predicates that read it otherwise than a
    /// new one written the same way: those are dropped before the change
    /// and made again after it.
    fn remakes_expressions_on_retype(&self) -> bool {
        false
    }

    /// Whether a view whose columns keep their names and types (new ones
    /// appended) is changed in place (`CREATE OR REPLACE VIEW`) rather
    /// than dropped and made again.
    fn replaces_views(&self) -> bool {
        false
    }

    /// Whether the database rewrites the views that read a column of `table`
    /// (as it is after the rename) when the column is renamed to `to`. If
    /// not, those views differ from the file's and are made again.
    fn views_follow_column_rename(&self, _table: &Table, _to: &str) -> bool {
        true
    }

    /// Whether a trigger is changed in place (`CREATE OR REPLACE TRIGGER`)
    /// rather than dropped and made again.
    fn replaces_triggers(&self) -> bool {
        false
    }
}

/// No dialect's rules: every difference is a change in place. For
/// comparing two schemas for equality.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) struct Neutral;

#[cfg(any(test, feature = "fuzzing"))]
impl DiffHooks for Neutral {}
