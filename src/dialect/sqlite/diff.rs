//! SQLite's rules for the differ. What SQLite cannot alter in place, its
//! planner rebuilds, so nearly every difference is a change in place; but a
//! column it can only rename by rebuilding its table is not renamed in the
//! views that read it.

use super::session::Sqlite;
use crate::diff::DiffHooks;
use crate::model::Table;

impl DiffHooks for Sqlite {
    /// `RENAME COLUMN` rewrites the views; a rebuild (which renames the
    /// table back with the legacy rename, leaving them be) does not.
    fn views_follow_column_rename(&self, table: &Table, to: &str) -> bool {
        !rename_in_place_fails(table, to)
    }
}

/// Whether `ALTER TABLE … RENAME COLUMN` to `to` fails: SQLite (3.50)
/// leaves the old name in a UNIQUE constraint that repeats the one-column
/// primary key of a WITHOUT ROWID table (it keeps no index for it, and the
/// rename finds the names to rewrite through the indexes), then refuses
/// the result ("expressions prohibited in PRIMARY KEY and UNIQUE
/// constraints"). `table` is the table after the rename.
pub(super) fn rename_in_place_fails(table: &Table, to: &str) -> bool {
    table.without_rowid
        && table.primary_key.as_ref().is_some_and(|pk| pk.columns == [to])
        && table.uniques.values().any(|u| u.columns == [to])
}
