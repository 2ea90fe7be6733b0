//! What a change costs the application while it runs: the lock it takes,
//! whether it rewrites, scans or copies a table, builds an index,
//! deletes data or takes privileges away. Each dialect says which of these its statements do; the
//! plan shows them next to each change, as a reviewer would flag them.

use std::fmt;

/// One way a change can hurt a busy database.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Hazard {
    /// Takes this table lock (`ACCESS EXCLUSIVE`, `SHARE`, ...) on `table`
    /// for as long as the statement runs.
    Lock {
        /// PostgreSQL's name of the lock mode.
        mode: &'static str,
        /// The table (or view) locked.
        table: String,
    },
    /// Writes every row of the table again (under its lock).
    RewritesTable,
    /// Reads every row of the table to validate it (under its lock).
    ScansTable,
    /// Updates rows (a backfill) before the change.
    UpdatesRows,
    /// Builds an index, reading the whole table.
    BuildsIndex,
    /// Copies every row into a new table (an SQLite rebuild).
    CopiesTable,
    /// Deletes data (see [`Change::destructive`](crate::Change::destructive)).
    DeletesData,
    /// Takes privileges away (a revoke, an owner changed): what relied on
    /// them starts to fail.
    RemovesAccess,
}

impl Hazard {
    /// The name in the JSON plan: `lock`, `rewrites_table`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            Hazard::Lock { .. } => "lock",
            Hazard::RewritesTable => "rewrites_table",
            Hazard::ScansTable => "scans_table",
            Hazard::UpdatesRows => "updates_rows",
            Hazard::BuildsIndex => "builds_index",
            Hazard::CopiesTable => "copies_table",
            Hazard::DeletesData => "deletes_data",
            Hazard::RemovesAccess => "removes_access",
        }
    }

    /// The hazard as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Hazard::Lock { mode, table } => serde_json::json!({ "kind": self.kind(), "lock": mode, "table": table }),
            _ => serde_json::json!({ "kind": self.kind() }),
        }
    }
}

impl fmt::Display for Hazard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Hazard::Lock { mode, table } => write!(f, "{mode} lock on {table}"),
            Hazard::RewritesTable => f.write_str("rewrites the table"),
            Hazard::ScansTable => f.write_str("scans the table to validate"),
            Hazard::UpdatesRows => f.write_str("updates rows"),
            Hazard::BuildsIndex => f.write_str("builds an index"),
            Hazard::CopiesTable => f.write_str("copies the table"),
            Hazard::DeletesData => f.write_str("deletes data"),
            Hazard::RemovesAccess => f.write_str("takes privileges away"),
        }
    }
}
