//! Pre-flight data checks on MySQL/MariaDB: the shared queries (spelled
//! with ANSI quotes, which the runner turns on for them), values cast to
//! `CHAR`, the rows a narrowing type change would refuse, and each query
//! cut off by the server when it runs out of time.

use super::session::{Mysql, code, literal};
use super::types::{integer_range, is_number, is_text};
use crate::model::{Column, Expr, Schema, SqlType, Table};
use crate::preflight::{Conversion, PreflightSql, QueryFailure, QueryRunner};
use crate::sql::quote_ident;
use mysql::Conn;
use mysql::prelude::Queryable;
use std::time::Duration;

impl PreflightSql for Mysql {
    fn text_type(&self) -> &'static str {
        "CHAR"
    }

    fn conversion(
        &self,
        _current: &Schema,
        _table: &Table,
        from: &Column,
        to: &Column,
        using: Option<&Expr>,
    ) -> Option<Conversion> {
        if using.is_some() {
            return None;
        }
        let column = quote_ident(&from.name);
        let as_text = if is_text(&from.sql_type) { column.clone() } else { format!("CAST({column} AS CHAR)") };
        let numeric_text = format!(
            "{as_text} NOT REGEXP '^[[:space:]]*[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?[[:space:]]*$'"
        );
        // A number out of the new type's range; from text, also text that is
        // no number at all.
        let out_of_range = match &to.sql_type {
            SqlType::Varchar(Some(n)) | SqlType::Char(n) => {
                return Some(Conversion {
                    probe: None,
                    setup: Vec::new(),
                    failing: format!("{column} IS NOT NULL AND CHAR_LENGTH({as_text}) > {n}"),
                });
            }
            target if integer_range(target).is_some() => {
                let (low, high) = integer_range(target)?;
                format!("CAST({column} AS DECIMAL(65,0)) NOT BETWEEN {low} AND {high}")
            }
            SqlType::Numeric { precision: Some(p), scale } => {
                format!("ABS(CAST({column} AS DECIMAL(65,30))) >= 1e{}", p - scale.unwrap_or(0))
            }
            _ => return None,
        };
        let failing = if is_number(&from.sql_type) {
            out_of_range
        } else if is_text(&from.sql_type) {
            format!("({numeric_text} OR {out_of_range})")
        } else {
            return None;
        };
        Some(Conversion { probe: None, setup: Vec::new(), failing: format!("{column} IS NOT NULL AND {failing}") })
    }
}

/// Runs checks on the apply's (or plan's) session.
pub(super) struct Runner<'a> {
    pub(super) conn: &'a mut Conn,
    pub(super) mariadb: bool,
}

impl QueryRunner for Runner<'_> {
    fn rows(
        &mut self,
        _setup: &[String],
        query: &str,
        timeout: Duration,
    ) -> Result<Vec<Vec<Option<String>>>, QueryFailure> {
        let failed = |e: mysql::Error| QueryFailure::Failed(e.to_string());
        let saved: Option<String> = self.conn.query_first("SELECT @@SESSION.sql_mode").map_err(failed)?;
        self.conn.query_drop("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES')").map_err(failed)?;
        // The server cuts the query off: MariaDB's max_statement_time, MySQL's hint.
        let timed = if self.mariadb {
            format!("SET STATEMENT max_statement_time = {} FOR {query}", timeout.as_secs_f64().max(0.001))
        } else {
            query.replacen("SELECT", &format!("SELECT /*+ MAX_EXECUTION_TIME({}) */", timeout.as_millis().max(1)), 1)
        };
        // Prepared: one statement, whatever the file's expressions hold.
        let result = (|| {
            let mut out = Vec::new();
            for row in self.conn.exec_iter(&timed, ())? {
                let row = row?;
                out.push((0..row.len()).map(|i| row.get::<Option<String>, usize>(i).flatten()).collect());
            }
            Ok::<_, mysql::Error>(out)
        })();
        let restore = format!("SET SESSION sql_mode = {}", literal(&saved.unwrap_or_default()));
        self.conn.query_drop(restore).map_err(failed)?;
        result.map_err(|e| match code(&e) {
            // ER_STATEMENT_TIMEOUT (MariaDB), ER_QUERY_TIMEOUT (MySQL).
            Some(1969 | 3024) => QueryFailure::TimedOut,
            _ => failed(e),
        })
    }
}
