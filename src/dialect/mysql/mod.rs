//! MySQL and MariaDB, through the synchronous `mysql` crate with TLS by
//! rustls. One folder for both: they differ in a few spellings (MariaDB's
//! `IGNORED` index is MySQL's `INVISIBLE`, its JSON is a checked longtext),
//! so the dialect comes in two flavours and a connection picks the one its
//! server is.
//!
//! Built in layers, each file importing only those above it in this list:
//!
//! - `config.rs`: URLs and TLS settings;
//! - `session.rs`: the connection, the server's defaults, the flavour
//!   ([`Mysql`]), driver errors, quoting;
//! - `types.rs`: the portable types as MySQL stores them, and back; how a
//!   value of each type is stored;
//! - `parse.rs`: the SQL text the server prints, read back;
//! - `inspect.rs`: `information_schema` in a fixed number of queries;
//! - `diff.rs`: the differ's MySQL rules;
//! - `ddl.rs`: the text of every statement, each `ALTER TABLE` with its
//!   algorithm and lock;
//! - `normalize.rs`: what of a file MySQL can store, as it stores it;
//! - `plan.rs`: one `ALTER TABLE` per table, in phases;
//! - `hazards.rs`: what each statement's algorithm blocks;
//! - `preflight.rs`: the data checks' spelling, time limit and conversions;
//! - `execute.rs`: `GET_LOCK`, re-plan under it, data checks, statements;
//! - `connection.rs`: the `Connection` a session is; this file, the `Dialect`.

mod config;
mod connection;
mod ddl;
mod diff;
mod execute;
mod hazards;
mod inspect;
mod normalize;
mod parse;
mod plan;
mod preflight;
mod session;
mod types;

pub(crate) use session::{MARIADB, MYSQL, Mysql};

use super::{Connection, Dialect};
use crate::diff::{Change, Diff, DiffHooks};
use crate::error::Result;
use crate::file::Finding;
use crate::model::Schema;
use crate::plan::{Hazard, PlanCheck, Step};
use crate::preflight::PreflightSql;
use crate::scope::Scope;
use session::Session;

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
        Ok(Box::new(Session::open(url, scope)?))
    }

    /// MySQL keeps names of up to 64 characters and refuses longer ones.
    fn identifier_limit(&self) -> Option<usize> {
        Some(64)
    }

    fn check(&self, schema: &Schema) -> Vec<Finding> {
        let mut found = normalize::check(schema);
        found.extend(crate::file::postgres_only(schema, self.title()));
        found
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

    fn preflight(&self) -> &dyn PreflightSql {
        self
    }

    /// What a statement blocks follows from its algorithm.
    fn hazards(&self, step: &Step, change: &Change, current: &Schema, _renamed: &[(String, String)]) -> Vec<Hazard> {
        hazards::hazards(step, change, current)
    }
}
