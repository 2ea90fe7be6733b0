//! A table: columns, keys, constraints and indexes.

use super::{Check, Column, ForeignKey, Index, PrimaryKey, Trigger, Unique};
use indexmap::IndexMap;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: IndexMap<String, Column>,
    pub primary_key: Option<PrimaryKey>,
    pub uniques: IndexMap<String, Unique>,
    pub checks: IndexMap<String, Check>,
    pub foreign_keys: IndexMap<String, ForeignKey>,
    pub indexes: IndexMap<String, Index>,
    pub comment: Option<String>,
    /// Rename hint from the file; never set by an inspector.
    pub renamed_from: Option<String>,
    /// Triggers found in the database: not managed, recreated after rebuilds.
    pub triggers: Vec<Trigger>,
}

impl Table {
    pub fn new(name: impl Into<String>) -> Table {
        Table { name: name.into(), ..Table::default() }
    }

    pub fn is_primary_key_column(&self, column: &str) -> bool {
        self.primary_key.as_ref().is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    }
}
