//! The [`Connection`] a PostgreSQL session is: the layers below put
//! together in the order a run needs them.

use super::preflight::Runner;
use super::session::{Namespaces, Postgres, Session, database_error, schema_of};
use super::{execute, inspect, inspect_objects, normalize, reproduce};
use crate::apply::Applied;
use crate::dialect::{ApplyRun, Connection, Dialect};
use crate::error::{Error, Result};
use crate::model::{Schema, UnmanagedDependent};
use crate::plan::Plan;
use crate::preflight::{self, DataCheckReport};
use std::time::Duration;

impl Connection for Session {
    fn dialect(&self) -> &'static dyn Dialect {
        &Postgres
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    fn inspect(&mut self, within: Option<&Schema>) -> Result<Schema> {
        let schemas = self.schemas(within)?;
        let namespaces = Namespaces { schemas: &schemas, default_schema: &self.default_schema };
        let (mut schema, unmodelled) = inspect::inspect_privileged(&mut self.client, &namespaces)?;
        let unmanaged = inspect_objects::unmanaged(&mut self.client, &namespaces)?;
        schema.unmanaged = unmanaged.iter().map(|u| u.line.clone()).collect();
        schema.unmanaged.extend(unmodelled.iter().map(|(line, _)| line.clone()));
        for object in &unmanaged {
            for table in object.hangs_on() {
                let dependent = UnmanagedDependent::new(object.line.clone(), object.follows_columns());
                schema.unmanaged_on.entry(table.clone()).or_default().push(dependent);
            }
        }
        self.unmanaged_schemas =
            unmanaged.into_iter().filter_map(|u| u.schema.map(|schema| (u.line, schema))).chain(unmodelled).collect();
        Ok(schema)
    }

    fn restrict(&self, mut everything: Schema, within: &Schema) -> Schema {
        let schemas = self.managed_schemas(within);
        let managed = |name: &String| schema_of(name).is_none_or(|schema| schemas.iter().any(|s| s == schema));
        everything.tables.retain(|name, _| managed(name));
        everything.enums.retain(|name, _| managed(name));
        everything.views.retain(|name, _| managed(name));
        everything.domains.retain(|name, _| managed(name));
        everything.collations.retain(|name, _| managed(name));
        everything.aggregates.retain(|_, a| managed(&a.name));
        everything.composite_types.retain(|name, _| managed(name));
        everything.functions.retain(|_, f| managed(&f.name));
        everything.triggers.retain(|(table, _), _| managed(table));
        everything.privileges.retain(|object, _| match object.kind {
            crate::model::SecurableKind::Schema => schemas.contains(&object.name),
            _ => managed(&object.name),
        });
        everything.default_privileges.retain(|scope, _| scope.schema.as_ref().is_none_or(|s| schemas.contains(s)));
        let in_scope = |line: &String| self.unmanaged_schemas.get(line).is_none_or(|s| schemas.contains(s));
        everything.unmanaged.retain(in_scope);
        everything.unmanaged_on.retain(|table, _| managed(table));
        everything
    }

    fn reproducible(&mut self, live: Schema) -> Result<Schema> {
        reproduce::reproducible(self, live)
    }

    fn normalize(&mut self, desired: Schema, current: &Schema) -> Result<Schema> {
        normalize::normalize(self, &desired, current)
    }

    fn data_checks(&mut self, plan: &Plan, timeout: Duration) -> Result<Vec<DataCheckReport>> {
        let changes: Vec<_> = plan.changes().collect();
        let checks = preflight::build(&changes, plan.current(), plan.desired(), &Postgres);
        if checks.is_empty() {
            return Ok(Vec::new());
        }
        // Rolled back when dropped: nothing a check does stays.
        let mut tx = self.client.transaction().map_err(|e| Error::Database {
            doing: "begin the data checks' transaction".into(),
            cause: database_error(e),
        })?;
        Ok(preflight::run(checks, &mut Runner { client: &mut tx }, timeout))
    }

    fn apply(&mut self, plan: &Plan, run: &ApplyRun) -> Result<Applied> {
        let schemas = self.managed_schemas(plan.desired());
        let namespaces = Namespaces { schemas: &schemas, default_schema: &self.default_schema };
        execute::apply(&mut self.client, &namespaces, plan, run)
    }
}
