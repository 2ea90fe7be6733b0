//! The session: the connection to a PostgreSQL server (TLS by rustls),
//! its default schema, which schemas a run reads (the default one and
//! those the desired schema names, or every user schema), driver errors as
//! the server said them, catalog queries, and how (schema-qualified) names
//! are quoted. Also the dialect's own value, [`Postgres`].

use super::config::{self, SslMode};
use crate::dialect::redact;
use crate::error::{DatabaseError, Error, Result};
use crate::model::Schema;
use crate::scope::Scope;
use crate::sql::{quote_ident, quote_literal};
use postgres::{Client, GenericClient, NoTls, SimpleQueryMessage};

/// The PostgreSQL dialect.
pub(crate) struct Postgres;

/// An open connection.
pub(crate) struct Session {
    pub(super) client: Client,
    /// Where unqualified names live: the session's `current_schema()`.
    pub(super) default_schema: String,
    /// The URL, password hidden.
    pub(super) url: String,
    /// The schema of each unmanaged object the last read listed: its line
    /// names it in words (`rule r on t`), so that narrowing a read of
    /// every schema cannot tell from the line alone.
    pub(super) unmanaged_schemas: std::collections::HashMap<String, String>,
}

impl Session {
    pub(super) fn open(url: &str, scope: &Scope) -> Result<Session> {
        let url = config::without_driver(url);
        let display = redact(&url);
        let settings = config::parse(&url, &display)?;
        let connect_error = |e: postgres::Error| Error::Connect { what: display.clone(), cause: database_error(e) };
        let mut client = match settings.ssl_mode {
            SslMode::Disable => settings.config.connect(NoTls).map_err(connect_error)?,
            mode => {
                let tls = config::tls_config(mode, settings.root_cert.as_ref())?;
                settings.config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls)).map_err(connect_error)?
            }
        };
        // Constants (a timestamptz default, an interval) print in the
        // session's settings: make them the same on every machine. One round
        // trip with reading the default schema.
        let mut setup =
            String::from("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'; ");
        if let Some(schema) = scope.default_schema_name() {
            setup.push_str(&format!(
                "SELECT set_config('search_path', {}, false); ",
                quote_literal(&quote_ident(schema))
            ));
        }
        setup.push_str("SELECT current_schema()");
        let replies = client.simple_query(&setup).map_err(connect_error)?;
        let current_schema = replies
            .iter()
            .filter_map(|reply| match reply {
                SimpleQueryMessage::Row(row) => Some(row),
                _ => None,
            })
            .last();
        let default_schema = current_schema.and_then(|row| row.get(0)).map(str::to_string);
        let default_schema = default_schema.ok_or_else(|| Error::Connect {
            what: display.clone(),
            cause: DatabaseError::message(match scope.default_schema_name() {
                Some(schema) => format!("schema \"{schema}\" does not exist"),
                None => "the search_path names no existing schema to manage".into(),
            }),
        })?;
        Ok(Session { client, default_schema, url: display, unmanaged_schemas: Default::default() })
    }

    /// The default schema and the schemas `within` names.
    pub(super) fn managed_schemas(&self, within: &Schema) -> Vec<String> {
        // Every kind of object counts: a schema may hold no table, only a
        // domain, a view over another schema's table, or a function.
        let names = (within.tables.keys().chain(within.enums.keys()).chain(within.domains.keys()))
            .chain(within.composite_types.keys().chain(within.sequences.keys()).chain(within.views.keys()))
            .chain(within.functions.values().map(|f| &f.name).chain(within.aggregates.values().map(|a| &a.name)))
            .chain(within.collations.keys());
        let mut schemas = self.schemas_of(names);
        // Schemas the file gives owners or grants, or default privileges in.
        let listed =
            within.privileges.keys().filter(|o| o.kind == crate::model::SecurableKind::Schema).map(|o| &o.name);
        for schema in listed.chain(within.default_privileges.keys().filter_map(|s| s.schema.as_ref())) {
            if !schemas.contains(schema) {
                schemas.push(schema.clone());
            }
        }
        schemas
    }

    /// The default schema, then the schemas of these qualified names.
    pub(super) fn schemas_of<'a>(&self, names: impl Iterator<Item = &'a String>) -> Vec<String> {
        let mut schemas = vec![self.default_schema.clone()];
        for name in names {
            if let Some(schema) = schema_of(name)
                && !schemas.iter().any(|s| s == schema)
            {
                schemas.push(schema.to_string());
            }
        }
        schemas
    }

    /// The schemas a run reads: what `within` manages, or every user schema
    /// (none of PostgreSQL's own, none an extension made).
    pub(super) fn schemas(&mut self, within: Option<&Schema>) -> Result<Vec<String>> {
        if let Some(within) = within {
            return Ok(self.managed_schemas(within));
        }
        let rows = self
            .client
            .query(
                "SELECT nspname::text FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'
                 AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = pg_namespace.oid AND d.deptype = 'e')
                 ORDER BY 1",
                &[],
            )
            .map_err(|e| Error::Database { doing: "read the database schema".into(), cause: database_error(e) })?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}

/// Which schemas to read.
pub(super) struct Namespaces<'a> {
    /// Schemas to read; objects in `default_schema` get unqualified names.
    pub(super) schemas: &'a [String],
    pub(super) default_schema: &'a str,
}

impl Namespaces<'_> {
    pub(super) fn name(&self, schema: &str, table: &str) -> String {
        if schema == self.default_schema { table.to_string() } else { format!("{schema}.{table}") }
    }
}

pub(super) fn query(client: &mut impl GenericClient, sql: &str, schemas: &Vec<String>) -> Result<Vec<postgres::Row>> {
    client.query(sql, &[schemas]).map_err(unreadable)
}

pub(super) fn unreadable(error: postgres::Error) -> Error {
    Error::Database { doing: "read the database schema".into(), cause: database_error(error) }
}

/// `error` shown with the server's message, detail and hint (or, for a
/// connection failure, each cause in turn), kept whole as the source.
pub(super) fn database_error(error: postgres::Error) -> DatabaseError {
    DatabaseError::new(render(&error), error)
}

fn render(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut message = db.message().to_string();
        if let Some(detail) = db.detail() {
            message.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            message.push_str(&format!("; hint: {hint}"));
        }
        // The server speaks of a RESTART that no plan asked for: it checks
        // the current value against the new range.
        if db.message().starts_with("RESTART value") {
            message.push_str(
                " (the sequence's current value lies outside its new range, and dbshape never restarts a \
                 sequence: keep the range around the current value, or restart it yourself with ALTER SEQUENCE \
                 … RESTART, or ALTER TABLE … ALTER COLUMN … RESTART for an identity)",
            );
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

/// `schema.table` → `"schema"."table"`; `table` → `"table"`.
pub(super) fn table_ident(name: &str) -> String {
    match name.split_once('.') {
        Some((schema, table)) => format!("{}.{}", quote_ident(schema), quote_ident(table)),
        None => quote_ident(name),
    }
}

/// A collation as SQL: `app.natural` → `"app"."natural"`, `en_US.utf8` →
/// `"en_US.utf8"`. Many built-in collation names hold a dot, so a name is
/// read as schema-qualified only when what comes before the first dot is a
/// plain lower-case identifier, which begins no collation PostgreSQL or a
/// C library makes; `inspect` writes collations outside `pg_catalog` and
/// `public` that way.
pub(super) fn collation_ident(name: &str) -> String {
    let plain = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
    };
    match name.split_once('.') {
        Some((schema, collation)) if plain(schema) => {
            format!("{}.{}", quote_ident(schema), quote_ident(collation))
        }
        _ => quote_ident(name),
    }
}

/// The schema of a qualified name (`billing.invoices` → `billing`).
pub(super) fn schema_of(table: &str) -> Option<&str> {
    table.split_once('.').map(|(schema, _)| schema)
}

pub(super) fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(name)),
        None => quote_ident(name),
    }
}
