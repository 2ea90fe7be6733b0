//! The [`Connection`] a MySQL or MariaDB session is: the layers below put
//! together in the order a run needs them.

use super::preflight::Runner;
use super::session::{Session, for_server};
use super::{execute, inspect, normalize};
use crate::apply::Applied;
use crate::dialect::{ApplyRun, Connection, Dialect};
use crate::error::Result;
use crate::model::Schema;
use crate::plan::Plan;
use crate::preflight::{self, DataCheckReport};
use std::time::Duration;

impl Connection for Session {
    fn dialect(&self) -> &'static dyn Dialect {
        for_server(&self.defaults)
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    fn inspect(&mut self, _within: Option<&Schema>) -> Result<Schema> {
        inspect::inspect(&mut self.conn, &self.defaults)
    }

    fn normalize(&mut self, desired: Schema, current: &Schema) -> Result<Schema> {
        normalize::normalize(self, desired, current)
    }

    fn data_checks(&mut self, plan: &Plan, timeout: Duration) -> Result<Vec<DataCheckReport>> {
        let changes: Vec<_> = plan.changes().collect();
        let checks = preflight::build(&changes, plan.current(), plan.desired(), for_server(&self.defaults));
        let mut runner = Runner { conn: &mut self.conn, mariadb: self.defaults.mariadb };
        Ok(preflight::run(checks, &mut runner, timeout))
    }

    fn apply(&mut self, plan: &Plan, run: &ApplyRun) -> Result<Applied> {
        execute::apply(self, plan, run)
    }
}
