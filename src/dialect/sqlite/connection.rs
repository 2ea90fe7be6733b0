//! The [`Connection`] a SQLite session is: the layers below put together
//! in the order a run needs them.

use super::preflight::Runner;
use super::session::{Session, Sqlite};
use super::{execute, inspect, normalize};
use crate::apply::Applied;
use crate::dialect::{ApplyRun, Connection, Dialect};
use crate::error::Result;
use crate::model::Schema;
use crate::plan::Plan;
use crate::preflight::{self, DataCheckReport};
use std::path::PathBuf;
use std::time::Duration;

impl Connection for Session {
    fn dialect(&self) -> &'static dyn Dialect {
        &Sqlite
    }

    fn url(&self) -> String {
        match &self.path {
            None => "sqlite://".into(),
            Some(path) => format!("sqlite:///{}", path.display()),
        }
    }

    fn missing_file(&self) -> Option<PathBuf> {
        self.missing_file()
    }

    fn inspect(&mut self, _within: Option<&Schema>) -> Result<Schema> {
        inspect::inspect(&self.conn)
    }

    fn normalize(&mut self, desired: Schema, current: &Schema) -> Result<Schema> {
        let desired = normalize::match_case(desired, current);
        Ok(normalize::keep_live_spellings(desired, current))
    }

    fn data_checks(&mut self, plan: &Plan, timeout: Duration) -> Result<Vec<DataCheckReport>> {
        let changes: Vec<_> = plan.changes().collect();
        let checks = preflight::build(&changes, plan.current(), plan.desired(), &Sqlite);
        Ok(preflight::run(checks, &mut Runner { conn: &self.conn }, timeout))
    }

    fn apply(&mut self, plan: &Plan, run: &ApplyRun) -> Result<Applied> {
        execute::apply(self.writable()?, plan, run)
    }
}
