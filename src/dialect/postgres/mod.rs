//! PostgreSQL, through the synchronous `postgres` crate with TLS by rustls.
//!
//! Built in layers, each file importing only those above it in this list:
//!
//! - `config.rs`: URLs, libpq `key=value` strings, environment, `sslmode`;
//! - `session.rs`: the connection, its default schema, which schemas a run
//!   reads, catalog queries, driver errors, qualified names; [`Postgres`];
//! - `types.rs`: type spelling both ways, serial columns, what a type
//!   change needs (USING, a rewrite);
//! - `inspect_objects.rs`: views, functions, triggers, types, policies,
//!   aggregates, and what is not managed; `inspect_privileges.rs`: owners,
//!   grants, default privileges; `inspect.rs`: tables, keys,
//!   indexes, sequences, enums, in a fixed number of `pg_catalog` queries;
//! - `diff.rs`: the differ's PostgreSQL rules;
//! - `ddl.rs` (tables, columns, keys, indexes, enums, sequences) and
//!   `ddl_objects.rs` (views, functions, triggers, types, policies) and
//!   `ddl_privileges.rs` (owners, grants, extension versions): the text of
//!   every statement, plans and scratch schemas alike;
//! - `scratch.rs`: the file made in scratch schemas, rolled back, read back;
//!   `probe.rs`: each distinct expression spelled once, on small scratch
//!   tables; `reproduce.rs`: printed texts that make the same thing again;
//! - `normalize_objects.rs` (views, functions, triggers, types, policies)
//!   and `normalize.rs`: the desired schema in the server's spelling;
//! - `online.rs`: `--online`, index builds `CONCURRENTLY` after the commit;
//!   `plan.rs`: the phases of one transaction;
//! - `hazards.rs`: the lock each change takes, and what it rewrites or scans;
//! - `preflight.rs`: the data checks' conversions, run in savepoints;
//! - `execute.rs`: advisory lock, `lock_timeout`, re-plan under the lock;
//! - `connection.rs`: the `Connection` a session is; this file, the `Dialect`.

mod config;
mod connection;
mod ddl;
mod ddl_objects;
mod ddl_privileges;
mod diff;
mod execute;
mod hazards;
mod inspect;
mod inspect_objects;
mod inspect_privileges;
mod normalize;
mod normalize_objects;
mod online;
mod plan;
mod preflight;
mod probe;
mod reproduce;
mod scratch;
mod session;
mod types;

pub(crate) use session::Postgres;

use super::{Connection, Dialect};
use crate::diff::{Change, Diff, DiffHooks};
use crate::error::Result;
use crate::file::Finding;
use crate::model::{Schema, SqlType};
use crate::plan::{Hazard, PlanCheck, Step};
use crate::preflight::PreflightSql;
use crate::scope::Scope;
use session::Session;

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["postgres"]
    }

    fn title(&self) -> &'static str {
        "PostgreSQL"
    }

    fn schemes(&self) -> &'static [&'static str] {
        &["postgresql", "postgres"]
    }

    fn example_urls(&self) -> &'static str {
        "postgresql://user@host/db"
    }

    /// A libpq `key=value` connection string: `host=db dbname=app`.
    fn is_connection_string(&self, text: &str) -> bool {
        text.split_whitespace().next().is_some_and(|w| w.contains('='))
    }

    fn connect(&self, url: &str, scope: &Scope) -> Result<Box<dyn Connection>> {
        Ok(Box::new(Session::open(url, scope)?))
    }

    /// PostgreSQL keeps at most 63 bytes of a name and silently cuts the
    /// rest, so a longer name in a file would never match the database.
    fn identifier_limit(&self) -> Option<usize> {
        Some(63)
    }

    fn hooks(&self) -> &dyn DiffHooks {
        self
    }

    /// A virtual generated column (PostgreSQL stores them all); a NOT VALID
    /// foreign key of a partitioned table; a trigger with a body instead of
    /// a function.
    fn check(&self, schema: &Schema) -> Vec<Finding> {
        let mut found = crate::file::index_names_in_the_database(schema);
        found.extend(crate::file::mysql_only(schema, self.title()));
        for table in schema.tables.values() {
            for column in table.columns.values().filter(|c| c.generated.is_some() && c.generated_virtual) {
                let message = format!(
                    "column \"{}.{}\" is a virtual generated column: PostgreSQL stores generated columns",
                    table.name, column.name
                );
                found.push(
                    Finding::column(&table.name, &column.name, Some("generated"), message)
                        .hint("remove `virtual: true`"),
                );
            }
        }
        // A table of fixed-width columns alone has no TOAST table, and
        // PostgreSQL drops its `toast.` parameters without a word: every
        // plan would set them again.
        for table in schema.tables.values().filter(|t| t.storage.keys().any(|k| k.starts_with("toast."))) {
            let fixed = |t: &SqlType| {
                matches!(
                    t.without_serial(),
                    SqlType::SmallInt
                        | SqlType::Integer
                        | SqlType::BigInt
                        | SqlType::Boolean
                        | SqlType::Real
                        | SqlType::Double
                        | SqlType::Date
                        | SqlType::Time
                        | SqlType::Timestamp
                        | SqlType::TimestampTz
                        | SqlType::Uuid
                )
            };
            if table.columns.values().all(|c| fixed(&c.sql_type)) {
                let message = format!(
                    "table \"{}\" has `toast.` storage parameters, but no column PostgreSQL would TOAST, so no \
                     TOAST table to keep them",
                    table.name
                );
                found.push(Finding::table(&table.name, Some("storage"), message).hint("leave out the `toast.` ones"));
            }
        }
        // PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned
        // table (nor to a partition, whose keys are the parent's).
        for table in schema.tables.values().filter(|t| t.partition_by.is_some()) {
            for fk in table.foreign_keys.values().filter(|fk| fk.not_valid) {
                let message = format!(
                    "foreign key \"{}\" of partitioned table \"{}\": PostgreSQL cannot keep a partitioned \
                     table's foreign key NOT VALID",
                    fk.name, table.name
                );
                found.push(
                    Finding::entry(&table.name, "foreign_keys", &fk.name, message).hint("remove `validated: false`"),
                );
            }
        }
        for trigger in schema.triggers.values() {
            let (t, n) = (trigger.table.as_str(), trigger.name.as_str());
            if trigger.function.is_none() {
                let message = format!("trigger \"{n}\" on {t}: a PostgreSQL trigger executes a function");
                let hint = "name it with `function:` (a function that `returns: trigger`) instead of a `body:`";
                found.push(Finding::trigger(schema, t, n, "body", message).hint(hint));
            }
        }
        found
    }

    /// Files are compared as written: only the server knows its spelling,
    /// which [`Connection::normalize`] asks for. SQLite's table options have
    /// nothing to say here (PostgreSQL tables are strict, and have no rowid).
    fn adapt(&self, mut schema: Schema) -> Result<Schema> {
        for table in schema.tables.values_mut() {
            table.strict = false;
            table.without_rowid = false;
        }
        for sequence in schema.sequences.values_mut() {
            sequence.options = sequence.options.canonical(&sequence.sql_type);
        }
        Ok(schema)
    }

    fn plan(&self, diff: &Diff, _desired: &Schema, online: bool) -> Result<(Vec<Step>, Vec<PlanCheck>)> {
        let steps = plan::plan(diff)?;
        Ok((if online { online::online(diff, steps) } else { steps }, Vec::new()))
    }

    fn preflight(&self) -> &dyn PreflightSql {
        self
    }

    fn hazards(&self, step: &Step, change: &Change, current: &Schema, renamed: &[(String, String)]) -> Vec<Hazard> {
        let concurrently = step.operations.iter().any(|o| o.after_commit());
        hazards::hazards(change, current, renamed, concurrently)
    }
}
