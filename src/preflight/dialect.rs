//! What a dialect supplies to the data checks: how it spells the parts of
//! a check that differ between databases ([`PreflightSql`]), and how it
//! runs one query within a time limit ([`QueryRunner`]). Each dialect's
//! `preflight.rs` implements both.

use crate::model::{Column, Expr, Schema, Table};
use crate::sql::quote_ident;
use std::time::Duration;

/// A dialect's spelling of what the checks need.
pub(crate) trait PreflightSql: Sync {
    /// A table's name as SQL.
    fn table_sql(&self, name: &str) -> String {
        quote_ident(name)
    }

    /// A table's own rows as SQL, without those of the tables inheriting
    /// from it (PostgreSQL's `ONLY`): keys and foreign keys are not
    /// inherited, so their checks read these.
    fn own_rows_sql(&self, name: &str) -> String {
        self.table_sql(name)
    }

    /// The type a value is cast to, to be shown as text.
    fn text_type(&self) -> &'static str {
        "TEXT"
    }

    /// What names a row of a table without a primary key (`ctid`,
    /// `rowid`), if anything.
    fn row_id(&self, _table: &Table) -> Option<&'static str> {
        None
    }

    /// How to find the rows whose value does not become `to` (the column
    /// as it will be; `using` the file's conversion, if any) in `table`,
    /// or `None` where the dialect's conversion never fails.
    /// `current` is the live schema the table is in.
    fn conversion(
        &self,
        _current: &Schema,
        _table: &Table,
        _from: &Column,
        _to: &Column,
        _using: Option<&Expr>,
    ) -> Option<Conversion> {
        None
    }
}

/// Rows whose value does not convert, found in up to two steps.
pub(crate) struct Conversion {
    /// A query that succeeds only when every row converts: run first, since
    /// it is much cheaper than counting the rows that don't.
    pub probe: Option<String>,
    /// Statements that make what `failing` calls (undone after the check).
    pub setup: Vec<String>,
    /// A condition true for each row that does not convert.
    pub failing: String,
}

/// Why a check's query gave no rows.
pub(crate) enum QueryFailure {
    /// It ran out of its time.
    TimedOut,
    /// The database refused or failed it (the message as it said it).
    Failed(String),
}

/// Runs one check's queries on a live database: read only, and leaving
/// nothing behind (on PostgreSQL each check runs in a savepoint that is
/// rolled back).
pub(crate) trait QueryRunner {
    /// Runs `setup`, then `query`, and returns `query`'s rows as text, all
    /// within `timeout`.
    fn rows(
        &mut self,
        setup: &[String],
        query: &str,
        timeout: Duration,
    ) -> Result<Vec<Vec<Option<String>>>, QueryFailure>;
}
