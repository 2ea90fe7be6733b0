//! MySQL and MariaDB, through the synchronous `mysql` crate with TLS by
//! rustls. One folder for both: they differ in a few spellings (MariaDB's
//! `IGNORED` index is MySQL's `INVISIBLE`, its JSON is a checked longtext),
//! so the dialect comes in two flavours and a connection picks the one its
//! server is.
//!
//! - `connection.rs`: URLs, TLS, the session and the server's defaults;
//! - `types.rs`: the portable types as MySQL stores them, and back;
//! - `inspect.rs`: `information_schema` in a fixed number of queries;
//! - `normalize.rs`: what of a file MySQL can store, as it stores it;
//! - `plan.rs`: one `ALTER TABLE` per table, with its algorithm and lock;
//! - `data_checks.rs`: the data checks' spelling, time limit and conversions;
//! - `execute.rs`: `GET_LOCK`, re-plan under it, data checks, statements.

mod connection;
mod data_checks;
mod error;
mod execute;
mod inspect;
mod normalize;
mod plan;
mod types;

use super::{Connection, Dialect};
use crate::diff::{Change, Diff, DiffHooks};
use crate::error::Result;
use crate::file::Finding;
use crate::model::{Column, Schema};
use crate::plan::{Hazard, PlanCheck, Step};
use crate::scope::Scope;
use connection::ServerDefaults;
use plan::Algorithm;

/// The MySQL dialect, in its MySQL or MariaDB flavour.
pub(crate) struct Mysql {
    mariadb: bool,
    name: &'static str,
    title: &'static str,
}

/// MySQL 8.
pub(crate) static MYSQL: Mysql = Mysql { mariadb: false, name: "mysql", title: "MySQL" };

/// MariaDB 10.5 and later.
pub(crate) static MARIADB: Mysql = Mysql { mariadb: true, name: "mariadb", title: "MariaDB" };

/// The flavour a server is.
fn for_server(defaults: &ServerDefaults) -> &'static Mysql {
    if defaults.mariadb { &MARIADB } else { &MYSQL }
}

impl Dialect for Mysql {
    fn name(&self) -> &'static str {
        self.name
    }

    fn title(&self) -> &'static str {
        self.title
    }

    fn schemes(&self) -> &'static [&'static str] {
        if self.mariadb { &["mariadb"] } else { &["mysql"] }
    }

    fn example_urls(&self) -> &'static str {
        if self.mariadb { "mariadb://user@host/db" } else { "mysql://user@host/db" }
    }

    /// Whichever the URL says, the server decides the flavour.
    fn connect(&self, url: &str, scope: &Scope) -> Result<Box<dyn Connection>> {
        Ok(Box::new(connection::MysqlConnection::open(url, scope)?))
    }

    /// MySQL keeps names of up to 64 characters and refuses longer ones.
    fn identifier_limit(&self) -> Option<usize> {
        Some(64)
    }

    fn check(&self, schema: &Schema) -> Vec<Finding> {
        normalize::check(schema)
    }

    fn hooks(&self) -> &dyn DiffHooks {
        self
    }

    fn adapt(&self, schema: Schema) -> Result<Schema> {
        normalize::adapt(schema)
    }

    /// Online or not, each statement is as online as its algorithm allows.
    fn plan(&self, diff: &Diff, desired: &Schema, _online: bool) -> Result<(Vec<Step>, Vec<PlanCheck>)> {
        plan::plan(self, diff, desired)
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn preflight(&self) -> &dyn crate::preflight::PreflightSql {
        self
    }

    /// What a statement blocks follows from its algorithm: `INSTANT`
    /// changes metadata only, `INPLACE, LOCK=NONE` lets reads and writes
    /// go on (an index is still built), anything else may copy the table
    /// while writes wait.
    fn hazards(&self, step: &Step, change: &Change, current: &Schema, _renamed: &[(String, String)]) -> Vec<Hazard> {
        let mut found = Vec::new();
        let table = change.table();
        let live = current.tables.contains_key(table);
        if live && !matches!(change, Change::DropTable(_)) {
            let algorithm = step.statements().filter_map(Algorithm::of).max();
            match algorithm {
                Some(Algorithm::ServerChoice) => {
                    found.push(Hazard::Lock { mode: "SHARED (writes wait)", table: table.to_string() });
                    found.push(Hazard::CopiesTable);
                }
                Some(Algorithm::InplaceNoLock) => {
                    if matches!(change, Change::CreateIndex { .. } | Change::AddUnique { .. }) {
                        found.push(Hazard::BuildsIndex);
                    }
                }
                _ => {}
            }
        }
        if change.destructive().is_some() {
            found.push(Hazard::DeletesData);
        }
        found
    }
}

impl DiffHooks for Mysql {
    /// A generated column's expression or kind cannot be altered in place.
    fn recreates_column(&self, from: &Column, to: &Column, _retyped: &[&str]) -> bool {
        (from.generated.is_some() || to.generated.is_some())
            && (from.generated != to.generated || from.generated_virtual != to.generated_virtual)
    }
}
