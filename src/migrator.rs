//! [`Migrator`]: the run's sequence in one place, whatever the dialect:
//! connect, scope, read the live schema, adapt and normalise the desired
//! one, plan, apply, verify. The command line, the tests and the
//! benchmarks all go through it.

use crate::apply::{Applied, ApplyOptions, DEFAULT_CHECK_TIMEOUT};
use crate::dialect::{self, ApplyRun, Connection, Dialect};
use crate::error::{Consent, Error, Refusal, Result};
use crate::file;
use crate::model;
use crate::plan::Plan;
use crate::schema::Schema;
use crate::scope::Scope;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A connection to a live database, and the part of it that is managed.
///
/// ```no_run
/// let schema = dbshape::Schema::from_path("schema.yaml")?;
/// let mut db = dbshape::Migrator::connect("sqlite:///app.db")?;
/// let plan = db.plan(&schema)?;
/// if !plan.is_empty() {
///     db.apply(&plan, &dbshape::ApplyOptions::default())?;
/// }
/// # Ok::<(), dbshape::Error>(())
/// ```
pub struct Migrator {
    conn: Box<dyn Connection>,
    scope: Scope,
    /// How long each data check of a plan may run; `None`: none are run.
    check_timeout: Option<Duration>,
    /// Plan `--online`.
    online: bool,
}

impl Migrator {
    /// Connects to the database at `url`, any URL the command line accepts:
    /// SQLAlchemy's (`sqlite:///app.db`, `postgresql+psycopg2://u@h/db`)
    /// or a libpq `key=value` string. Nothing is created: a SQLite file that
    /// does not exist reads as empty, and the first apply creates it.
    pub fn connect(url: &str) -> Result<Migrator> {
        Migrator::connect_with(url, Scope::default())
    }

    /// Connects, managing only `scope` (excluded tables, default schema).
    pub fn connect_with(url: &str, scope: Scope) -> Result<Migrator> {
        let conn = dialect::connect(url, &scope)?;
        Ok(Migrator { conn, scope, check_timeout: Some(DEFAULT_CHECK_TIMEOUT), online: false })
    }

    /// Plans from now on `online` (PostgreSQL): what would block a busy
    /// table is planned so that it doesn't, e.g. an index on a live table is
    /// built `CONCURRENTLY` after the transaction commits (see the README
    /// for what stays atomic). SQLite plans are the same either way.
    pub fn set_online(&mut self, online: bool) {
        self.online = online;
    }

    /// How long each pre-flight data check of a plan may run (30 s unless
    /// set); `None` makes plans without running them. The checks count, on
    /// the live rows, what each change would fail on (see
    /// [`Plan::data_checks`]); they change nothing.
    pub fn set_check_timeout(&mut self, timeout: Option<Duration>) {
        self.check_timeout = timeout;
    }

    /// The database's dialect: `sqlite`, `postgresql`, `mysql` or `mariadb`.
    pub fn dialect(&self) -> &'static str {
        self.conn.dialect().name()
    }

    /// The database's URL, password hidden.
    pub fn url(&self) -> String {
        self.conn.url()
    }

    /// What this migrator manages.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The catalog queries alone, with nothing made of their answer: the
    /// floor the benchmarks measure a plan against.
    #[doc(hidden)]
    pub fn read_catalog(&mut self) -> Result<()> {
        self.conn.inspect(None).map(drop)
    }

    /// The SQLite database file the URL names, made absolute, when it does
    /// not exist: plans read it as empty and an apply creates it.
    pub fn missing_file(&self) -> Option<PathBuf> {
        self.conn.missing_file()
    }

    /// Fails with [`Error::NoDatabaseFile`] when the URL names a SQLite
    /// file that does not exist: for reads that would mislead if they saw
    /// an empty database (`inspect`, `check`, `diff`).
    pub fn require_existing(&self) -> Result<()> {
        match self.missing_file() {
            Some(path) => Err(Error::NoDatabaseFile { path }),
            None => Ok(()),
        }
    }

    /// Reads the live schema (every table in scope; on PostgreSQL every
    /// user schema), tables ordered parents first. A SQLite file that does
    /// not exist is [`Error::NoDatabaseFile`].
    pub fn inspect(&mut self) -> Result<Schema> {
        self.require_existing()?;
        let mut live = self.conn.inspect(None)?;
        self.scope.narrow(&mut live);
        let mut live = self.conn.reproducible(live)?;
        live.sort_tables_by_dependency();
        Ok(Schema::from(live))
    }

    /// The plan that makes the database match `schema`.
    pub fn plan(&mut self, schema: &Schema) -> Result<Plan> {
        let file = self.prepare(schema)?;
        let live = self.read(&file)?;
        self.plan_towards(file, live).map_err(|e| schema.locate_error(e))
    }

    /// The plan that makes the database match the schema file at `path`,
    /// reading the database while the file is parsed. Problems of the file
    /// are reported first.
    pub fn plan_file(&mut self, path: impl AsRef<Path>) -> Result<Plan> {
        let path = path.as_ref();
        let conn = &mut self.conn;
        let (file, everything) = std::thread::scope(|s| {
            let loading = s.spawn(|| Schema::from_path(path));
            let everything = conn.inspect(None);
            (loading.join(), everything)
        });
        let loaded = file.unwrap_or_else(|_| Err(Error::Internal("reading the schema file failed".into())))?;
        let file = self.prepare(&loaded)?;
        let source = loaded.source_only();
        drop(loaded);
        let mut live = self.conn.restrict(everything?, &file);
        self.scope.narrow(&mut live);
        self.plan_towards(file, live).map_err(|e| source.locate_error(e))
    }

    /// The reverse of [`Migrator::plan`]: the plan that turns `schema` into
    /// what this database holds (for comparing a file with a database in
    /// that direction; it is not for applying here).
    pub fn plan_from(&mut self, schema: &Schema) -> Result<Plan> {
        let file = self.prepare(schema)?;
        let live = self.read(&file)?;
        let normalized = self.conn.normalize(file, &live).map_err(|e| schema.locate_error(e))?;
        dialect::build_plan(self.conn.dialect(), normalized, live)
    }

    /// Runs `plan` in one transaction (on MySQL, statement by statement: see
    /// [`Error::PartlyApplied`]). Refuses (running nothing) a plan with
    /// destructive changes unless `options` allow them
    /// ([`Refusal::Destructive`]), and a plan that no longer fits: under the
    /// lock the database is read again and re-planned, and anything but the
    /// same plan (or nothing left to do, reported as
    /// [`Applied::already_in_sync`]) stops the apply
    /// ([`Refusal::DatabaseChanged`]). Before committing (on MySQL, and for
    /// `--online` plans whose index builds follow the commit: after), the
    /// database is read once more: it must match the schema, or the error
    /// is [`Error::Internal`], and where DDL is transactional nothing was
    /// changed.
    pub fn apply(&mut self, plan: &Plan, options: &ApplyOptions) -> Result<Applied> {
        if plan.dialect() != self.dialect() {
            return Err(Error::Refused(Refusal::WrongDialect {
                plan: plan.dialect().into(),
                database: self.dialect().into(),
            }));
        }
        let destructive = plan.destructive().len();
        if destructive > 0 && !options.allow_destructive {
            return Err(Error::Refused(Refusal::Destructive { changes: destructive, consent: Consent::ApplyOption }));
        }
        let applied = self.conn.apply(plan, &ApplyRun { dialect: self.conn.dialect(), options, scope: &self.scope })?;
        // Principle: apply → plan prints nothing. Verified inside the
        // transaction where it can be (a difference rolls back); else here.
        if !applied.already_in_sync && !dialect::verifies_before_commit(self.conn.dialect(), plan) {
            let live = self.read(plan.desired())?;
            let after = dialect::build_plan(self.conn.dialect(), live, plan.desired().clone())?;
            if !after.is_empty() {
                return Err(Error::Internal(dialect::mismatch(true, &after)));
            }
        }
        Ok(applied)
    }

    fn prepare(&self, schema: &Schema) -> Result<model::Schema> {
        prepare(self.conn.dialect(), schema, &self.scope)
    }

    /// The live schema in `within`'s scope.
    fn read(&mut self, within: &model::Schema) -> Result<model::Schema> {
        let mut live = self.conn.inspect(Some(within))?;
        self.scope.narrow(&mut live);
        Ok(live)
    }

    fn plan_towards(&mut self, file: model::Schema, live: model::Schema) -> Result<Plan> {
        let desired = self.conn.normalize(file, &live)?;
        let mut plan = dialect::build_plan_online(self.conn.dialect(), live, desired, self.online)?;
        if let Some(timeout) = self.check_timeout
            && !plan.is_empty()
        {
            let reports = self.conn.data_checks(&plan, timeout)?;
            plan.set_data_checks(reports);
        }
        Ok(plan)
    }
}

/// A schema file's schema made ready to compare in `dialect`: its names
/// checked against the dialect's limit, the excluded tables taken out, and
/// adapted to what the dialect stores (refusing what it can't).
fn prepare(dialect: &dyn Dialect, schema: &Schema, scope: &Scope) -> Result<model::Schema> {
    if let Some(limit) = dialect.identifier_limit() {
        file::check_name_lengths(schema.model(), schema.source(), limit, dialect.title())?;
    }
    if dialect.folds_case() {
        file::check_case_collisions(schema.model(), schema.source(), dialect.title())?;
    }
    let mut model = schema.model().clone();
    scope.narrow(&mut model);
    file::report(dialect.check(&model), schema.source())?;
    dialect.adapt(model)
}

impl Plan {
    /// The plan that turns `from` into `to` on `dialect` (a name such as
    /// `sqlite`, `postgresql`, `mysql` or `mariadb`), without a database:
    /// schema files are compared as the dialect would store them, as far as
    /// that is known offline (on PostgreSQL, as written). Tables `scope`
    /// excludes are left out on both sides.
    pub fn between(dialect: &str, from: &Schema, to: &Schema, scope: &Scope) -> Result<Plan> {
        let dialect = dialect::named(dialect)?;
        let (from, to) = (prepare(dialect, from, scope)?, prepare(dialect, to, scope)?);
        dialect::build_plan(dialect, from, to)
    }
}

/// Whether `text` is a database URL (or connection string) rather than,
/// say, a file name.
pub fn is_database_url(text: &str) -> bool {
    text.contains("://") || dialect::for_url(text).is_ok()
}

/// Every dialect's name and its aliases, the embedded default (`sqlite`)
/// first.
pub fn dialects() -> impl Iterator<Item = (&'static str, &'static [&'static str])> {
    dialect::all()
}

#[cfg(test)]
mod tests {
    /// Applications move a migrator to a worker thread and put errors in
    /// boxes that must be `Send + Sync`.
    #[test]
    fn migrators_and_errors_cross_threads() {
        fn send<T: Send>() {}
        fn send_sync<T: Send + Sync + 'static>() {}
        send::<super::Migrator>();
        send_sync::<crate::Error>();
        send_sync::<crate::Plan>();
    }
}
