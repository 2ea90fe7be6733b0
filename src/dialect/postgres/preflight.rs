//! Pre-flight data checks on PostgreSQL: rows named by `ctid` where a table
//! has no primary key; type conversions tried the way `ALTER COLUMN ...
//! TYPE` does them; each check in a savepoint, under `statement_timeout`,
//! rolled back whatever it found.

use super::session::{Postgres, database_error, table_ident};
use super::types::{type_sql, using_cast};
use crate::model::naming::bare;
use crate::model::{Column, Expr, Schema, SqlType, Table};
use crate::preflight::{Conversion, PreflightSql, QueryFailure, QueryRunner};
use crate::sql::quote_ident;
use postgres::{GenericClient, SimpleQueryMessage};
use std::time::Duration;

impl PreflightSql for Postgres {
    fn table_sql(&self, name: &str) -> String {
        table_ident(name)
    }

    fn own_rows_sql(&self, name: &str) -> String {
        format!("ONLY {}", table_ident(name))
    }

    fn row_id(&self, _table: &Table) -> Option<&'static str> {
        Some("ctid")
    }

    fn conversion(
        &self,
        current: &Schema,
        table: &Table,
        from: &Column,
        to: &Column,
        using: Option<&Expr>,
    ) -> Option<Conversion> {
        let column = quote_ident(&from.name);
        let target = type_sql(&to.sql_type);
        // What ALTER COLUMN ... TYPE computes: the file's USING, the
        // explicit cast the planner writes across type families, or else
        // the assignment cast.
        let source = match using {
            Some(using) => format!("({})", using.unwrapped()),
            None => using_cast(&column, &from.sql_type, &to.sql_type, &current.enums).unwrap_or_else(|| column.clone()),
        };
        if let SqlType::Varchar(Some(n)) | SqlType::Char(n) = &to.sql_type {
            // An explicit cast cuts long text where the assignment refuses
            // it (unless what is cut is spaces): say which rows are long,
            // which are also those an explicit cast would cut.
            let text = using.map_or(column.clone(), |u| format!("({})", u.unwrapped()));
            return Some(Conversion {
                probe: None,
                setup: Vec::new(),
                failing: format!("char_length(rtrim(CAST({text} AS text))) > {n}"),
            });
        }
        let table_sql = table_ident(&table.name);
        let alias = quote_ident(bare(&table.name));
        Some(Conversion {
            probe: Some(format!("SELECT count(*) FROM {table_sql} WHERE CAST({source} AS {target}) IS NULL")),
            // Counting the rows that fail needs each conversion tried on
            // its own: a function that catches the error, per row.
            setup: vec![format!(
                "CREATE FUNCTION pg_temp.dbshape_converts(r {table_sql}) RETURNS boolean LANGUAGE plpgsql AS \
                 $dbshape_check$ DECLARE v {target}; BEGIN v := (SELECT {source} FROM (SELECT (r).*) AS {alias}); \
                 RETURN true; EXCEPTION WHEN OTHERS THEN RETURN false; END $dbshape_check$"
            )],
            failing: format!("NOT pg_temp.dbshape_converts({alias})"),
        })
    }
}

/// Runs checks on a transaction (the apply's, or one of their own that is
/// rolled back).
pub(super) struct Runner<'a, C: GenericClient> {
    pub(super) client: &'a mut C,
}

impl<C: GenericClient> QueryRunner for Runner<'_, C> {
    fn rows(
        &mut self,
        setup: &[String],
        query: &str,
        timeout: Duration,
    ) -> Result<Vec<Vec<Option<String>>>, QueryFailure> {
        let failed = |e: postgres::Error| {
            if e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED) {
                QueryFailure::TimedOut
            } else {
                QueryFailure::Failed(database_error(e).to_string())
            }
        };
        self.client.batch_execute("SAVEPOINT dbshape_check").map_err(failed)?;
        let result = (|| {
            self.client
                .batch_execute(&format!("SET LOCAL statement_timeout = {}", timeout.as_millis().max(1)))
                .map_err(failed)?;
            for statement in setup {
                self.client.batch_execute(statement).map_err(failed)?;
            }
            let messages = self.client.simple_query(query).map_err(failed)?;
            Ok(messages
                .iter()
                .filter_map(|m| match m {
                    SimpleQueryMessage::Row(row) => {
                        Some((0..row.len()).map(|i| row.get(i).map(str::to_string)).collect())
                    }
                    _ => None,
                })
                .collect())
        })();
        // Whatever the check made or set goes with the savepoint.
        self.client
            .batch_execute("ROLLBACK TO SAVEPOINT dbshape_check; RELEASE SAVEPOINT dbshape_check")
            .map_err(failed)?;
        result
    }
}
