//! The library's error type. Every variant is something a user can act on
//! and says what was being done; errors from a database driver are kept
//! whole as the [`source`](std::error::Error::source) of a
//! [`DatabaseError`], which shows them the way the server said them.

use std::fmt;
use std::path::PathBuf;

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, from a bad schema file to a failed apply.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// One or more problems in a schema file, each located where possible.
    #[error("{}", problems_summary(.0))]
    Schema(Vec<SchemaProblem>),

    /// A database URL that names no supported database or is malformed.
    #[error("invalid database URL \"{url}\": {message}")]
    Url {
        /// The URL with any password hidden.
        url: String,
        /// What is wrong with it.
        message: String,
        /// Example URLs of every supported database.
        examples: String,
    },

    /// The database could not be opened or connected to.
    #[error("cannot open {what}: {cause}")]
    Connect {
        /// The database, e.g. `SQLite database app.db`.
        what: String,
        /// What the driver or server said.
        #[source]
        cause: DatabaseError,
    },

    /// A SQLite URL names a file that does not exist, where reading it as
    /// an empty database would mislead (`inspect`, `check`, `diff`).
    #[error("SQLite database file {} does not exist", .path.display())]
    NoDatabaseFile {
        /// The file, made absolute.
        path: PathBuf,
    },

    /// A database operation outside an apply's transaction failed.
    #[error("cannot {doing}: {cause}")]
    Database {
        /// What was being done, e.g. `read the database schema`.
        doing: String,
        /// What the driver or server said.
        #[source]
        cause: DatabaseError,
    },

    /// The server rejected an object of the schema file when dbshape made
    /// it (in a transaction that is always rolled back) to learn its
    /// spelling: nothing was changed. `at` is the object's place in the
    /// file (`schema.yaml:12:3`), where it is known.
    #[error("{}cannot check {what} of the schema file with the server: {cause}", .at.as_ref().map(|at| format!("{at}: ")).unwrap_or_default())]
    Rejected {
        /// The object, e.g. `table "orders"`.
        what: String,
        /// Its keys in the file, e.g. `["tables", "orders"]` (empty: not
        /// one object).
        path: Vec<String>,
        /// `file:line:column` of `path`.
        at: Option<String>,
        /// What the server said.
        #[source]
        cause: DatabaseError,
    },

    /// The file names a role the server does not have (as an owner, a
    /// grantee, or whose default privileges): refused before any
    /// statement. `at` is where the file names it (`schema.yaml:12:5`).
    #[error("{}role \"{role}\" does not exist on the server", .at.as_ref().map(|at| format!("{at}: ")).unwrap_or_default())]
    UnknownRole {
        /// The role.
        role: String,
        /// Where the file names it, as keys (`["tables", "orders", "grants", "app"]`).
        path: Vec<String>,
        /// `file:line:column` of `path`.
        at: Option<String>,
    },

    /// Something dbshape does not support (yet), found in the file or the database.
    #[error("{0}")]
    Unsupported(String),

    /// A statement of an apply failed; the transaction was rolled back.
    #[error("statement {number} of {total} failed: {cause}\n  SQL: {sql}")]
    Statement {
        /// 1-based position of the statement in the plan.
        number: usize,
        /// Number of statements in the plan.
        total: usize,
        /// The statement.
        sql: String,
        /// What the server said.
        #[source]
        cause: DatabaseError,
    },

    /// A statement run after the plan's transaction committed (`--online`:
    /// `CREATE INDEX CONCURRENTLY`) failed: the transaction's changes stay,
    /// and the statements before this one ran; the next plan shows what is
    /// left (an index the failed build left `INVALID` is built again).
    #[error("statement {number} of {total} failed after the transaction committed: {cause}\n  SQL: {sql}")]
    AfterCommit {
        /// 1-based position of the statement in the plan.
        number: usize,
        /// Number of statements in the plan.
        total: usize,
        /// The statement.
        sql: String,
        /// What the server said.
        #[source]
        cause: DatabaseError,
    },

    /// A statement failed on a database that commits each DDL statement on
    /// its own (MySQL): the statements before it ran and stay, it and those
    /// after it did not; the next plan shows what is left.
    #[error("statement {number} of {total} failed: {cause}\n  SQL: {sql}")]
    PartlyApplied {
        /// 1-based position of the statement in the plan.
        number: usize,
        /// Number of statements in the plan.
        total: usize,
        /// The statement.
        sql: String,
        /// What the server said.
        #[source]
        cause: DatabaseError,
    },

    /// An apply failed outside its statements (starting, checking,
    /// committing); the transaction was rolled back.
    #[error("the apply was rolled back: {what}{}", .cause.as_ref().map(|c| format!(": {c}")).unwrap_or_default())]
    RolledBack {
        /// What failed, e.g. `commit failed` or a foreign key violation.
        what: String,
        /// What the driver or server said, when it said something.
        #[source]
        cause: Option<DatabaseError>,
    },

    /// The pre-flight data checks found rows that a change would fail on
    /// (or could not say in time); nothing was run.
    #[error("{}", data_checks_summary(.0))]
    DataChecks(Vec<crate::preflight::DataCheckReport>),

    /// dbshape refused to go on, for the [`Refusal`] it names; nothing
    /// was changed.
    #[error("{0}")]
    Refused(Refusal),

    /// Something dbshape itself got wrong: a bug to report, not something
    /// the schema file or the database can fix.
    #[error("{0}")]
    Internal(String),

    /// A file could not be read or written.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done, e.g. `read schema file`.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// Why dbshape refused to go on; nothing was changed. A program that
/// migrates itself can tell one reason from another without reading the
/// message: `Error::Refused(Refusal::Destructive { .. })`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The plan has destructive changes and they were not allowed.
    #[error(
        "the plan has {changes} destructive change{} and {}; nothing was changed",
        if *changes == 1 { "" } else { "s" },
        consent.missing()
    )]
    Destructive {
        /// How many.
        changes: usize,
        /// The consent that was not given.
        consent: Consent,
    },

    /// A change would drop or reshape a table that an object dbshape does
    /// not manage hangs on (a rule, a constraint trigger, extended
    /// statistics, an inheriting child or parent).
    #[error(
        "{change}: {dependent} is not managed by dbshape, and this change would drop or reshape it; nothing was \
         changed"
    )]
    UnmanagedDependent {
        /// The change, as the plan lists it.
        change: String,
        /// The unmanaged object's line (`rule keep on t`).
        dependent: String,
    },

    /// The plan was made for another dialect than the database's.
    #[error("the plan is for {plan}, the database is {database}; nothing was changed")]
    WrongDialect {
        /// The plan's dialect.
        plan: String,
        /// The database's.
        database: String,
    },

    /// Two databases of different dialects cannot be compared.
    #[error("cannot diff a {from} database against a {to} one: a plan is for one dialect")]
    DialectsDiffer {
        /// The dialect of the side to start from.
        from: String,
        /// The dialect of the side to arrive at.
        to: String,
    },

    /// Under the apply's lock, the database no longer makes the plan that
    /// was confirmed (another apply ran in between).
    #[error("the database changed after the plan was made (another apply?); nothing was run: plan again")]
    DatabaseChanged,

    /// Under the apply's lock, the live schema is not the one the saved
    /// plan was made against.
    #[error("{headline}; nothing was run: plan again\n{diff}")]
    LiveSchemaChanged {
        /// What changed, in one line.
        headline: String,
        /// The live schema then and now, as a unified diff.
        diff: String,
    },

    /// A saved plan (`plan --out`) no longer fits the schema file or the
    /// database.
    #[error("the saved plan no longer fits; nothing was run: {why}")]
    SavedPlanStale {
        /// Why, with what differs.
        why: String,
    },

    /// A document that is not a saved plan.
    #[error("not a saved dbshape plan: {why}")]
    NotASavedPlan {
        /// What is wrong with it.
        why: String,
    },

    /// The server cannot do what the plan needs.
    #[error("{what}")]
    ServerTooOld {
        /// What it cannot do, and what to do instead.
        what: String,
    },

    /// An apply that needs confirmation did not get it.
    #[error("{why}")]
    NotConfirmed {
        /// Why none could be had.
        why: String,
    },

    /// Formatting the schema file would lose comments.
    #[error(
        "formatting {file} would drop the comments on line{} {}: move them into `comment:` keys or above the first \
         key, or pass --drop-comments",
        if lines.len() == 1 { "" } else { "s" },
        lines.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
    )]
    CommentsWouldBeLost {
        /// The file.
        file: String,
        /// The lines whose comments would go.
        lines: Vec<usize>,
    },
}

/// Consent a destructive change needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Consent {
    /// [`ApplyOptions::allow_destructive`](crate::ApplyOptions::allow_destructive).
    ApplyOption,
    /// The command line's `--allow-destructive`.
    Flag,
}

impl Consent {
    fn missing(self) -> &'static str {
        match self {
            Consent::ApplyOption => "they are not allowed (ApplyOptions::allow_destructive)",
            Consent::Flag => "--allow-destructive was not given",
        }
    }
}

impl Error {
    /// The server rejected `what` of the schema file (`table "orders"`,
    /// `view "x.data"`): its place in the file is the section of its kind.
    pub(crate) fn rejected(what: &str, cause: DatabaseError) -> Error {
        let section = |kind: &str| match kind {
            "table" | "probe" => Some("tables"),
            "view" => Some("views"),
            "domain" => Some("domains"),
            "enum" => Some("enums"),
            "sequence" => Some("sequences"),
            "type" => Some("types"),
            "collation" => Some("collations"),
            "aggregate" => Some("aggregates"),
            "function" => Some("functions"),
            _ => None,
        };
        let path = what
            .split_once(" \"")
            .and_then(|(kind, name)| Some(vec![section(kind)?.to_string(), name.strip_suffix('"')?.to_string()]))
            .unwrap_or_default();
        Error::Rejected { what: what.to_string(), path, at: None, cause }
    }

    /// A suggestion printed under the error, when there is a useful one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Statement { .. } | Error::RolledBack { .. } => {
                Some("nothing was changed: the whole plan ran in one transaction, which was rolled back".into())
            }
            Error::AfterCommit { number, .. } => Some(format!(
                "the transaction's changes are committed, and the statements after it up to {}: run `dbshape plan` to \
                 see what is left, and apply it",
                number - 1
            )),
            Error::PartlyApplied { number, total, .. } => Some(partly_applied(*number, *total)),
            Error::Url { examples, .. } => Some(format!("expected e.g. {examples}")),
            Error::NoDatabaseFile { path } => Some(no_database_file(path)),
            Error::UnknownRole { role, .. } => Some(format!(
                "roles belong to the whole server, and dbshape does not create them: run `CREATE ROLE {role}` (as an \
                 administrator) first, or correct the name"
            )),
            Error::DataChecks(reports) => {
                Some(if reports.iter().any(|r| matches!(r.status, crate::preflight::DataCheckStatus::Failed { .. })) {
                    "fix those rows, or say in the schema file how they change (`backfill:` for NULLs, `using:` for a \
                     type change), and plan again"
                        .into()
                } else {
                    "raise --check-timeout, or pass --skip-data-checks to let the database itself refuse bad rows \
                     (the apply then rolls back)"
                        .into()
                })
            }
            _ => None,
        }
    }
}

/// Where the file might be instead: four slashes make a path absolute,
/// and a Flask app keeps its database in `instance/`.
fn no_database_file(path: &std::path::Path) -> String {
    let name = path.file_name().map(std::path::Path::new);
    let cwd = std::env::current_dir().ok();
    let in_instance = name.zip(cwd).map(|(name, cwd)| cwd.join("instance").join(name)).filter(|p| p.exists());
    let mut hint = String::from(
        "`sqlite:///app.db` (three slashes) is relative to the current directory, `sqlite:////srv/app.db` (four) is \
         absolute; `dbshape apply` creates a missing file",
    );
    if let Some(found) = in_instance {
        hint = format!(
            "there is {}: did you mean sqlite:///instance/{}? ",
            found.display(),
            found.file_name().unwrap_or_default().to_string_lossy()
        ) + &hint;
    }
    hint
}

/// What ran of a plan whose statement `number` of `total` failed, on a
/// database that commits each statement on its own.
fn partly_applied(number: usize, total: usize) -> String {
    let span = |from: usize, to: usize| match to - from {
        0 => format!("statement {from}"),
        _ => format!("statements {from} to {to}"),
    };
    let after = match total - number {
        0 => "and it was the last".to_string(),
        _ => format!("and {} did not run", span(number + 1, total)),
    };
    if number == 1 {
        return match total {
            1 => "nothing was changed: the failed statement is undone whole".into(),
            _ => format!("nothing was changed: the failed statement is undone whole, {after}"),
        };
    }
    let ran = span(1, number - 1);
    let stay = if number == 2 { "ran and stays" } else { "ran and stay" };
    format!(
        "this database commits each DDL statement on its own: {ran} {stay}, statement {number} is undone whole, \
         {after}: run `dbshape plan` to see what is left, and apply it"
    )
}

fn data_checks_summary(reports: &[crate::preflight::DataCheckReport]) -> String {
    let failed = reports.iter().any(|r| matches!(r.status, crate::preflight::DataCheckStatus::Failed { .. }));
    let mut text = String::from(if failed {
        "the data checks found rows the plan would fail on; nothing was run:"
    } else {
        "the data checks could not say whether the rows fit the plan; nothing was run:"
    });
    for report in reports.iter().filter(|r| r.blocks()) {
        text.push_str("\n  ");
        text.push_str(&report.to_string());
    }
    text
}

/// What a database or its driver reported: shown as the server said it
/// (message, detail, hint), with the driver's own error as its source.
#[derive(Debug)]
pub struct DatabaseError {
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl DatabaseError {
    /// `source` shown as `message`.
    pub(crate) fn new(message: String, source: impl std::error::Error + Send + Sync + 'static) -> DatabaseError {
        DatabaseError { message, source: Some(Box::new(source)) }
    }

    /// A driver error shown as it displays itself.
    pub(crate) fn from_driver(source: impl std::error::Error + Send + Sync + 'static) -> DatabaseError {
        DatabaseError::new(source.to_string(), source)
    }

    /// A problem found without a driver error behind it.
    pub(crate) fn message(message: impl Into<String>) -> DatabaseError {
        DatabaseError { message: message.into(), source: None }
    }

    /// Adds `text` to the message (what the server said, then why).
    pub(crate) fn append(&mut self, text: &str) {
        self.message.push_str(text);
    }
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// One problem in a schema file, located as precisely as we can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaProblem {
    /// The file (or `<string>` for text that came from no file).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is a likely fix.
    pub hint: Option<String>,
    /// The offending line of the file, shown under the message.
    pub source_line: Option<String>,
}

impl fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

fn problems_summary(problems: &[SchemaProblem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => {
            let mut text = format!("{} problems in the schema file:", many.len());
            for problem in many {
                text.push_str("\n  ");
                text.push_str(&problem.to_string());
            }
            text
        }
    }
}
