//! How an apply runs ([`ApplyOptions`]), what it reports while it runs
//! ([`StatementDone`], [`RowsCopied`]) and what it did ([`Applied`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// How long a pre-flight data check may run unless told otherwise.
pub const DEFAULT_CHECK_TIMEOUT: Duration = Duration::from_secs(30);

/// Called after each statement of an apply.
pub type StatementObserver = Arc<dyn Fn(&StatementDone) + Send + Sync>;
/// Called while a table rebuild copies rows.
pub type CopyObserver = Arc<dyn Fn(&RowsCopied) + Send + Sync>;

/// How [`Migrator::apply`](crate::Migrator::apply) runs a plan.
///
/// ```
/// use std::time::Duration;
/// let options = dbshape::ApplyOptions::default()
///     .allow_destructive(true)
///     .lock_timeout(Duration::from_secs(2))
///     .on_statement(|done| println!("[{}/{}] {}", done.number, done.total, done.sql));
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct ApplyOptions {
    pub(crate) allow_destructive: bool,
    pub(crate) lock_timeout: Duration,
    pub(crate) on_statement: Option<StatementObserver>,
    pub(crate) on_rows_copied: Option<CopyObserver>,
    pub(crate) check_timeout: Duration,
    pub(crate) skip_data_checks: bool,
    pub(crate) expected_live_schema: Option<String>,
    /// Fault injection: this statement (1-based) is reported but not run.
    pub(crate) fault_skip_statement: Option<usize>,
}

impl Default for ApplyOptions {
    /// Destructive changes refused, a 5 s lock timeout, data checks of
    /// at most 30 s each, nobody told.
    fn default() -> Self {
        ApplyOptions {
            allow_destructive: false,
            lock_timeout: Duration::from_secs(5),
            on_statement: None,
            on_rows_copied: None,
            check_timeout: DEFAULT_CHECK_TIMEOUT,
            skip_data_checks: false,
            expected_live_schema: None,
            fault_skip_statement: None,
        }
    }
}

impl ApplyOptions {
    /// Whether changes that can lose data (drop table, drop column,
    /// narrowing type change) may run; without it such a plan is refused
    /// and nothing runs.
    pub fn allow_destructive(mut self, allow: bool) -> Self {
        self.allow_destructive = allow;
        self
    }

    /// How long a statement may wait for a lock another session holds
    /// before the apply fails cleanly (PostgreSQL's `lock_timeout`; on
    /// SQLite the wait for the write lock is the connection's busy timeout).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// How long each pre-flight data check may run. Under the lock,
    /// before the first statement, the apply counts the rows that would
    /// break each change (see [`Plan::data_checks`](crate::Plan::data_checks))
    /// and refuses, running nothing, if any does; a check that runs out of
    /// time is not known, and refuses the apply too unless data checks are
    /// skipped.
    pub fn check_timeout(mut self, timeout: Duration) -> Self {
        self.check_timeout = timeout;
        self
    }

    /// Runs no pre-flight data checks: the database still refuses what
    /// its rows cannot take, and the apply then rolls back.
    pub fn skip_data_checks(mut self, skip: bool) -> Self {
        self.skip_data_checks = skip;
        self
    }

    /// Runs only if, under the apply's lock, the live schema is still
    /// `live_schema` (as a saved plan holds it, see
    /// [`SavedPlan`](crate::SavedPlan)); otherwise the apply is refused,
    /// running nothing, with what differs.
    pub fn expected_live_schema(mut self, live_schema: impl Into<String>) -> Self {
        self.expected_live_schema = Some(live_schema.into());
        self
    }

    /// Fault injection for the tests: statement `number` (1-based) of the
    /// plan is reported as run but is not run, as if the planner had
    /// forgotten it. Not for use outside tests.
    #[doc(hidden)]
    pub fn fault_skip_statement(mut self, number: usize) -> Self {
        self.fault_skip_statement = Some(number);
        self
    }

    /// Called after each statement that succeeded.
    pub fn on_statement(mut self, observer: impl Fn(&StatementDone) + Send + Sync + 'static) -> Self {
        self.on_statement = Some(Arc::new(observer));
        self
    }

    /// Called a few times a second while a table rebuild copies rows, once
    /// the copy has run for half a second, and once more (`done`) after it
    /// if it was called at all. It is called from inside the database's own
    /// query loop: keep it quick.
    pub fn on_rows_copied(mut self, observer: impl Fn(&RowsCopied) + Send + Sync + 'static) -> Self {
        self.on_rows_copied = Some(Arc::new(observer));
        self
    }
}

impl fmt::Debug for ApplyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplyOptions")
            .field("allow_destructive", &self.allow_destructive)
            .field("lock_timeout", &self.lock_timeout)
            .field("check_timeout", &self.check_timeout)
            .field("skip_data_checks", &self.skip_data_checks)
            .field("expected_live_schema", &self.expected_live_schema.is_some())
            .field("on_statement", &self.on_statement.is_some())
            .field("on_rows_copied", &self.on_rows_copied.is_some())
            .finish()
    }
}

/// A statement of an apply finished.
#[derive(Debug)]
#[non_exhaustive]
pub struct StatementDone<'a> {
    /// 1-based position in the plan.
    pub number: usize,
    /// Number of statements in the plan.
    pub total: usize,
    /// The statement.
    pub sql: &'a str,
    /// How long it ran.
    pub elapsed: Duration,
}

/// How far a table rebuild's row copy has got.
#[derive(Debug)]
#[non_exhaustive]
pub struct RowsCopied<'a> {
    /// The table whose rows are copied.
    pub table: &'a str,
    /// Rows copied so far.
    pub copied: u64,
    /// Rows the table had when the copy began.
    pub total: u64,
    /// Set on the last report, sent once after the copy (so a drawn
    /// progress line can be cleared).
    pub done: bool,
}

/// What an apply did.
#[derive(Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Applied {
    /// Statements run.
    pub statements: usize,
    /// Time from taking the lock to committing.
    pub elapsed: Duration,
    /// Set when, once the lock was held, the database turned out to match
    /// already (another apply got there first): nothing was run.
    pub already_in_sync: bool,
}
