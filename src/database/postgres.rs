//! PostgreSQL through the `postgres` crate, TLS through rustls.
//!
//! Normalisation is done by the server itself: the desired tables are
//! created in scratch schemas inside a transaction that is always rolled
//! back, and read back with the same inspector as the live tables. Checks,
//! defaults, index expressions and types are then compared in the server's
//! own spelling on both sides, so `IN ('a', 'b')` in the file and
//! `= ANY (ARRAY['a'::text, 'b'::text])` in the catalog are equal.

use super::postgres_config::{self, SslMode};
use super::{ApplyOptions, Database};
use crate::error::{Error, Result};
use crate::execute::{Applied, Event};
use crate::inspect::postgres::{Scope, inspect};
use crate::model::{Schema, Table};
use crate::plan::{Plan, postgres as planner};
use crate::sql::{Dialect, quote_ident};
use postgres::{Client, NoTls};

pub struct PostgresDatabase {
    client: Client,
    default_schema: String,
    /// Schemas the schema file mentions (always including the default), set
    /// by a scoped [`Database::inspect`]; empty means every user schema.
    schemas: Vec<String>,
}

/// `pg_error` renders driver errors with the server's message, detail and hint.
pub fn pg_error(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut message = db.message().to_string();
        if let Some(detail) = db.detail() {
            message.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            message.push_str(&format!("; hint: {hint}"));
        }
        return message;
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(&format!(": {text}"));
        }
        source = cause.source();
    }
    message
}

impl PostgresDatabase {
    pub fn open(url: &str, display: &str) -> Result<PostgresDatabase> {
        let settings = postgres_config::parse(url, display)?;
        let connect_error = |e: postgres::Error| Error::Connect { what: display.to_string(), message: pg_error(&e) };
        let mut client = match settings.ssl_mode {
            SslMode::Disable => settings.config.connect(NoTls).map_err(connect_error)?,
            mode => {
                let tls = postgres_config::tls_config(mode, settings.root_cert.as_ref())?;
                settings.config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls)).map_err(connect_error)?
            }
        };
        let default_schema: Option<String> =
            client.query_one("SELECT current_schema()", &[]).map_err(connect_error)?.get(0);
        let default_schema = default_schema.ok_or_else(|| Error::Connect {
            what: display.to_string(),
            message: "the search_path names no existing schema to manage".into(),
        })?;
        Ok(PostgresDatabase { client, default_schema, schemas: Vec::new() })
    }

    fn scope_schemas(&mut self) -> Result<Vec<String>> {
        if !self.schemas.is_empty() {
            return Ok(self.schemas.clone());
        }
        let rows = self
            .client
            .query(
                "SELECT nspname::text FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = pg_namespace.oid AND d.deptype = 'e')
                 ORDER BY 1",
                &[],
            )
            .map_err(|e| Error::Inspect(pg_error(&e)))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}

fn schema_of(table: &str) -> Option<&str> {
    table.split_once('.').map(|(schema, _)| schema)
}

impl Database for PostgresDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn inspect(&mut self, scope: Option<&Schema>) -> Result<Schema> {
        match scope {
            Some(desired) => {
                let mut schemas = vec![self.default_schema.clone()];
                for name in desired.tables.keys().chain(desired.enums.keys()) {
                    if let Some(schema) = schema_of(name)
                        && !schemas.iter().any(|s| s == schema)
                    {
                        schemas.push(schema.to_string());
                    }
                }
                self.schemas = schemas;
            }
            None => self.schemas.clear(),
        }
        let schemas = self.scope_schemas()?;
        let default_schema = self.default_schema.clone();
        inspect(&mut self.client, &Scope { schemas: &schemas, default_schema: &default_schema })
    }

    fn normalize(&mut self, desired: &Schema, current: &Schema) -> Result<Schema> {
        // A table that already equals its live counterpart, comparing with
        // dbshape's own (spelling-insensitive) rules, is equal for certain:
        // take the live table as its normal form. Only the others go through
        // the server.
        let mut normalized = Schema { enums: desired.enums.clone(), extensions: desired.extensions.clone(), ..Schema::default() };
        let mut pending = Vec::new();
        for (name, table) in &desired.tables {
            match current.tables.get(name) {
                Some(live) if table_matches(live, table) => {
                    // Foreign keys hold only names, which the server never rewrites.
                    let mut live = live.clone();
                    live.foreign_keys = table.foreign_keys.clone();
                    normalized.tables.insert(name.clone(), live);
                }
                _ => {
                    normalized.tables.insert(name.clone(), table.clone());
                    pending.push(name.clone());
                }
            }
        }
        if pending.is_empty() {
            return Ok(normalized);
        }
        let read = self.through_server(desired, &pending)?;
        for (name, mut table) in pending.into_iter().zip(read) {
            let wanted = &desired.tables[&name];
            table.name = name.clone();
            table.renamed_from = wanted.renamed_from.clone();
            for column in table.columns.values_mut() {
                column.renamed_from = wanted.columns.get(&column.name).and_then(|c| c.renamed_from.clone());
            }
            table.foreign_keys = wanted.foreign_keys.clone();
            normalized.tables.insert(name, table);
        }
        Ok(normalized)
    }

    fn apply(
        &mut self,
        plan: &Plan,
        desired: &Schema,
        options: &ApplyOptions,
        observer: &mut dyn FnMut(&Event),
    ) -> Result<Applied> {
        let schemas = self.scope_schemas()?;
        let scope = Scope { schemas: &schemas, default_schema: &self.default_schema };
        crate::execute::postgres::apply(&mut self.client, &scope, plan, desired, options, observer)
    }
}

/// Whether `live` already is `wanted` (names, columns, keys, checks,
/// indexes, comments), by the differ's own comparison.
fn table_matches(live: &Table, wanted: &Table) -> bool {
    let one = |table: &Table| {
        let mut schema = Schema::default();
        let mut table = table.clone();
        table.foreign_keys.clear();
        schema.tables.insert(table.name.clone(), table);
        schema
    };
    crate::diff::diff(&one(live), &one(wanted)).is_empty()
}

impl PostgresDatabase {
    /// Creates `names` (tables of `desired`) in scratch schemas inside a
    /// transaction that is always rolled back, and reads them back.
    fn through_server(&mut self, desired: &Schema, names: &[String]) -> Result<Vec<Table>> {
        let mut schemas = vec![self.default_schema.clone()];
        for name in names {
            if let Some(schema) = schema_of(name)
                && !schemas.iter().any(|s| s == schema)
            {
                schemas.push(schema.to_string());
            }
        }
        let pid: i32 =
            self.client.query_one("SELECT pg_backend_pid()", &[]).map_err(|e| Error::Inspect(pg_error(&e)))?.get(0);
        // Scratch schema i stands in for schemas[i].
        let scratch: Vec<String> = (0..schemas.len()).map(|i| format!("dbshape_scratch_{pid}_{i}")).collect();
        let to_scratch = |name: &str| -> String {
            match name.split_once('.') {
                Some((schema, table)) => match schemas.iter().position(|s| s == schema) {
                    Some(i) if i > 0 => format!("{}.{table}", scratch[i]),
                    _ => table.to_string(),
                },
                None => name.to_string(),
            }
        };

        // (what, statement): run as one batch; statement by statement only
        // to find the culprit when the batch fails.
        let mut statements: Vec<(String, String)> = Vec::new();
        for name in &scratch {
            statements.push(("a scratch schema".into(), format!("CREATE SCHEMA {}", quote_ident(name))));
        }
        statements.push((
            "the search path".into(),
            format!("SET LOCAL search_path = {}, {}", quote_ident(&scratch[0]), quote_ident(&self.default_schema)),
        ));
        for extension in &desired.extensions {
            statements.push((
                format!("extension \"{extension}\""),
                format!(
                    "CREATE EXTENSION IF NOT EXISTS {} SCHEMA {}",
                    quote_ident(extension),
                    quote_ident(&self.default_schema)
                ),
            ));
        }
        for (name, values) in &desired.enums {
            statements.push((format!("enum \"{name}\""), planner::create_enum(&to_scratch(name), values)));
        }
        for name in names {
            let mut table = desired.tables[name].clone();
            table.name = to_scratch(name);
            statements.push((format!("table \"{name}\""), planner::create_table(&table)));
            for index in table.indexes.values() {
                statements.push((
                    format!("index \"{}\" on \"{name}\"", index.name),
                    planner::create_index(&table.name, index),
                ));
            }
            for statement in planner::comments(&table) {
                statements.push((format!("a comment on \"{name}\""), statement));
            }
        }

        let batch: String = statements.iter().map(|(_, sql)| format!("{sql};\n")).collect();
        let mut tx = self.client.transaction().map_err(|e| Error::Inspect(pg_error(&e)))?;
        if let Err(error) = tx.batch_execute(&batch) {
            drop(tx);
            return Err(self.find_rejected(&statements).unwrap_or_else(|| Error::Refused(pg_error(&error))));
        }
        let scratch_names: Vec<String> = names.iter().map(|n| to_scratch(n)).collect();
        let read = inspect(&mut tx, &Scope { schemas: &scratch, default_schema: &scratch[0] })?;
        let _ = tx.rollback();
        scratch_names
            .iter()
            .zip(names)
            .map(|(scratch_name, name)| {
                read.tables.get(scratch_name).cloned().ok_or_else(|| {
                    Error::Inspect(format!("table \"{name}\" was not found after creating it in a scratch schema"))
                })
            })
            .collect()
    }

    /// Replays `statements` one by one (rolled back) to name the one the
    /// server rejects.
    fn find_rejected(&mut self, statements: &[(String, String)]) -> Option<Error> {
        let mut tx = self.client.transaction().ok()?;
        for (what, sql) in statements {
            if let Err(error) = tx.batch_execute(sql) {
                return Some(Error::Refused(format!("PostgreSQL rejects {what}: {}", pg_error(&error))));
            }
        }
        None
    }
}
