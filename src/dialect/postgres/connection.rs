//! The connection to a PostgreSQL server, and which of its schemas a run
//! reads: the default schema (unqualified names live there) and the schemas
//! the desired schema names, or every user schema.

use super::config::{self, SslMode};
use super::error::database_error;
use super::plan::schema_of;
use super::{Postgres, execute, inspect, normalize, reproduce};
use crate::apply::Applied;
use crate::dialect::{ApplyRun, Connection, Dialect, redact};
use crate::error::{DatabaseError, Error, Result};
use crate::model::Schema;
use crate::plan::Plan;
use crate::preflight::DataCheckReport;
use crate::scope::Scope;
use crate::sql::{quote_ident, quote_literal};
use postgres::{Client, NoTls, SimpleQueryMessage};

pub(crate) struct PostgresConnection {
    pub(super) client: Client,
    /// Where unqualified names live: the session's `current_schema()`.
    pub(super) default_schema: String,
    /// The URL, password hidden.
    url: String,
}

impl PostgresConnection {
    pub(super) fn open(url: &str, scope: &Scope) -> Result<PostgresConnection> {
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
        Ok(PostgresConnection { client, default_schema, url: display })
    }

    /// The default schema and the schemas `within` names.
    fn managed_schemas(&self, within: &Schema) -> Vec<String> {
        self.schemas_of(within.tables.keys().chain(within.enums.keys()))
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
    fn schemas(&mut self, within: Option<&Schema>) -> Result<Vec<String>> {
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

impl Connection for PostgresConnection {
    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    fn inspect(&mut self, within: Option<&Schema>) -> Result<Schema> {
        let schemas = self.schemas(within)?;
        let namespaces = inspect::Namespaces { schemas: &schemas, default_schema: &self.default_schema };
        let mut schema = inspect::inspect(&mut self.client, &namespaces)?;
        schema.unmanaged = super::inspect_objects::unmanaged(&mut self.client, &namespaces)?;
        Ok(schema)
    }

    fn restrict(&self, mut everything: Schema, within: &Schema) -> Schema {
        let schemas = self.managed_schemas(within);
        let managed = |name: &String| schema_of(name).is_none_or(|schema| schemas.iter().any(|s| s == schema));
        everything.tables.retain(|name, _| managed(name));
        everything.enums.retain(|name, _| managed(name));
        everything.views.retain(|name, _| managed(name));
        everything.domains.retain(|name, _| managed(name));
        everything.aggregates.retain(|_, a| managed(&a.name));
        everything.composite_types.retain(|name, _| managed(name));
        everything.functions.retain(|_, f| managed(&f.name));
        everything.triggers.retain(|(table, _), _| managed(table));
        everything.unmanaged.retain(|line| line.rsplit_once(' ').is_none_or(|(_, name)| managed(&name.to_string())));
        everything
    }

    fn reproducible(&mut self, live: Schema) -> Result<Schema> {
        reproduce::reproducible(self, live)
    }

    fn normalize(&mut self, desired: Schema, current: &Schema) -> Result<Schema> {
        normalize::normalize(self, &desired, current)
    }

    fn data_checks(&mut self, plan: &Plan, timeout: std::time::Duration) -> Result<Vec<DataCheckReport>> {
        let changes: Vec<_> = plan.changes().collect();
        let checks = crate::preflight::build(&changes, plan.current(), plan.desired(), &Postgres);
        if checks.is_empty() {
            return Ok(Vec::new());
        }
        // Rolled back when dropped: nothing a check does stays.
        let mut tx = self.client.transaction().map_err(|e| Error::Database {
            doing: "begin the data checks' transaction".into(),
            cause: database_error(e),
        })?;
        Ok(crate::preflight::run(checks, &mut super::data_checks::Runner { client: &mut tx }, timeout))
    }

    fn apply(&mut self, plan: &Plan, run: &ApplyRun) -> Result<Applied> {
        let schemas = self.managed_schemas(plan.desired());
        let namespaces = inspect::Namespaces { schemas: &schemas, default_schema: &self.default_schema };
        execute::apply(&mut self.client, &namespaces, plan, run)
    }
}
