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
use crate::model::Schema;
use crate::plan::{Plan, postgres as planner};
use crate::sql::{Dialect, quote_ident};
use postgres::{Client, NoTls};

pub struct PostgresDatabase {
    client: Client,
    default_schema: String,
    /// Schemas the schema file mentions (always including the default).
    /// Empty until [`Database::normalize`]; then `inspect` reads all user schemas.
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

    fn inspect(&mut self) -> Result<Schema> {
        let schemas = self.scope_schemas()?;
        let default_schema = self.default_schema.clone();
        inspect(&mut self.client, &Scope { schemas: &schemas, default_schema: &default_schema })
    }

    fn normalize(&mut self, desired: &Schema) -> Result<Schema> {
        let mut schemas = vec![self.default_schema.clone()];
        for name in desired.tables.keys() {
            if let Some(schema) = schema_of(name)
                && !schemas.iter().any(|s| s == schema)
            {
                schemas.push(schema.to_string());
            }
        }
        self.schemas = schemas.clone();
        let mut tx = self.client.transaction().map_err(|e| Error::Inspect(pg_error(&e)))?;
        let pid: i32 = tx.query_one("SELECT pg_backend_pid()", &[]).map_err(|e| Error::Inspect(pg_error(&e)))?.get(0);
        // Scratch schema i stands in for schemas[i].
        let scratch: Vec<String> = (0..schemas.len()).map(|i| format!("dbshape_scratch_{pid}_{i}")).collect();
        let to_scratch = |name: &str| -> String {
            match name.split_once('.') {
                Some((schema, table)) => {
                    let i = schemas.iter().position(|s| s == schema).unwrap_or(0);
                    if i == 0 { table.to_string() } else { format!("{}.{table}", scratch[i]) }
                }
                None => name.to_string(),
            }
        };
        let mut setup = String::new();
        for name in &scratch {
            setup.push_str(&format!("CREATE SCHEMA {};\n", quote_ident(name)));
        }
        setup.push_str(&format!(
            "SET LOCAL search_path = {}, {};",
            quote_ident(&scratch[0]),
            quote_ident(&self.default_schema)
        ));
        tx.batch_execute(&setup).map_err(|e| Error::Inspect(pg_error(&e)))?;

        let rejected =
            |what: String, e: postgres::Error| Error::Refused(format!("PostgreSQL rejects {what}: {}", pg_error(&e)));
        for extension in &desired.extensions {
            tx.batch_execute(&format!(
                "CREATE EXTENSION IF NOT EXISTS {} SCHEMA {}",
                quote_ident(extension),
                quote_ident(&self.default_schema)
            ))
            .map_err(|e| rejected(format!("extension \"{extension}\""), e))?;
        }
        for (name, values) in &desired.enums {
            tx.batch_execute(&planner::create_enum(&to_scratch(name), values))
                .map_err(|e| rejected(format!("enum \"{name}\""), e))?;
        }
        let mut mapped = desired.clone();
        mapped.tables = desired
            .tables
            .values()
            .map(|table| {
                let mut table = table.clone();
                table.name = to_scratch(&table.name);
                for fk in table.foreign_keys.values_mut() {
                    fk.ref_table = to_scratch(&fk.ref_table);
                }
                (table.name.clone(), table)
            })
            .collect();
        for (original, table) in desired.tables.keys().zip(mapped.tables.values()) {
            tx.batch_execute(&planner::create_table(table))
                .map_err(|e| rejected(format!("table \"{original}\""), e))?;
        }
        for (original, table) in desired.tables.keys().zip(mapped.tables.values()) {
            for index in table.indexes.values() {
                tx.batch_execute(&planner::create_index(&table.name, index))
                    .map_err(|e| rejected(format!("index \"{}\" on \"{original}\"", index.name), e))?;
            }
            for fk in table.foreign_keys.values() {
                tx.batch_execute(&planner::add_foreign_key(&table.name, fk))
                    .map_err(|e| rejected(format!("foreign key \"{}\" on \"{original}\"", fk.name), e))?;
            }
            for statement in planner::comments(table) {
                tx.batch_execute(&statement).map_err(|e| rejected(format!("a comment on \"{original}\""), e))?;
            }
        }
        let read = inspect(&mut tx, &Scope { schemas: &scratch, default_schema: &scratch[0] })?;
        let _ = tx.rollback();

        let from_scratch = |name: &str| -> String {
            match name.split_once('.') {
                Some((schema, table)) => match scratch.iter().position(|s| s == schema) {
                    Some(i) => format!("{}.{table}", schemas[i]),
                    None => name.to_string(),
                },
                None => name.to_string(),
            }
        };
        let mut normalized = Schema {
            enums: desired.enums.clone(),
            extensions: desired.extensions.clone(),
            tables: Default::default(),
            views: Vec::new(),
        };
        for (original, table) in desired.tables.iter().zip(mapped.tables.keys()) {
            let original_name = original.0;
            let mut read_table = read.tables.get(table).cloned().ok_or_else(|| {
                Error::Inspect(format!("table \"{original_name}\" was not found after creating it in a scratch schema"))
            })?;
            read_table.name = original_name.clone();
            read_table.renamed_from = original.1.renamed_from.clone();
            for column in read_table.columns.values_mut() {
                column.renamed_from = original.1.columns.get(&column.name).and_then(|c| c.renamed_from.clone());
            }
            for fk in read_table.foreign_keys.values_mut() {
                fk.ref_table = from_scratch(&fk.ref_table);
            }
            normalized.tables.insert(original_name.clone(), read_table);
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
