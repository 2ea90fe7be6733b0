//! What a database holds on a table that dbshape does not manage (a rule,
//! a constraint trigger, extended statistics, an inheriting child, a
//! compressed column): the plan may not change the table, or that column,
//! under it.

/// An unmanaged object that hangs on a table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnmanagedDependent {
    /// Its line in the unmanaged list (`rule keep on t`).
    pub line: String,
    /// A column added to or dropped from the table reaches it too (table
    /// inheritance): any change to the table's columns is refused.
    pub follows_columns: bool,
    /// It is a property of this column alone (MariaDB's `COMPRESSED`):
    /// only dropping or retyping this column is refused.
    pub column: Option<String>,
}

impl UnmanagedDependent {
    /// The object named by `line`.
    pub fn new(line: impl Into<String>, follows_columns: bool) -> UnmanagedDependent {
        UnmanagedDependent { line: line.into(), follows_columns, column: None }
    }

    /// The property `line` of `column` alone.
    pub fn on_column(line: impl Into<String>, column: impl Into<String>) -> UnmanagedDependent {
        UnmanagedDependent { line: line.into(), follows_columns: false, column: Some(column.into()) }
    }
}
