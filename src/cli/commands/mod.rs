//! The commands, one file each (`apply.rs`, `check.rs`, `diff.rs`,
//! `fmt.rs`, `inspect.rs`, `plan.rs`). Each asks the library for what it
//! needs (a plan, an apply, the live schema) and decides what to print and
//! which exit code to return. What several share is here.

mod apply;
mod check;
mod diff;
mod fmt;
mod inspect;
mod plan;

pub use apply::{ApplyArgs, apply};
pub use check::check;
pub use diff::diff;
pub use fmt::fmt;
pub use inspect::inspect;
pub use plan::plan;

use super::args::{DatabaseArg, Target};
use dbshape::{Error, Migrator, Plan, Result, Scope};

/// The scope `--exclude` gives.
fn scope(database: &DatabaseArg) -> Scope {
    database.exclude.iter().fold(Scope::default(), |scope, glob| scope.exclude(glob.clone()))
}

/// Connects to `--url` in the scope of `--exclude`.
fn connect(database: &DatabaseArg) -> Result<Migrator> {
    Migrator::connect_with(&database.url, scope(database))
}

/// The open database and the plan that makes it match `--schema`, with
/// its data checks run within `check_timeout` each (`None`: not run),
/// planned `online` or not. A SQLite file that does not exist is planned
/// as an empty database, saying so, where the command `may_create` it
/// (`plan`, `apply`), and an error otherwise (`check`).
fn plan_target(
    target: &Target,
    check_timeout: Option<std::time::Duration>,
    online: bool,
    may_create: bool,
) -> Result<(Migrator, Plan)> {
    let mut db = connect(&target.database)?;
    let missing = db.missing_file();
    if missing.is_some() && !may_create {
        db.require_existing()?;
    }
    db.set_check_timeout(check_timeout);
    db.set_online(online);
    let plan = db.plan_file(&target.schema)?;
    if let Some(path) = missing {
        eprintln!(
            "note: SQLite database file {} does not exist: planned against an empty database, which `dbshape apply` \
             creates",
            path.display()
        );
    }
    report_unmanaged(plan.unmanaged());
    Ok((db, plan))
}

/// What the database holds that dbshape leaves alone, on standard error
/// (it is not part of any plan).
fn report_unmanaged(unmanaged: &[String]) {
    if unmanaged.is_empty() {
        return;
    }
    let shown: Vec<&str> = unmanaged.iter().take(10).map(String::as_str).collect();
    let more = unmanaged.len().saturating_sub(shown.len());
    let more = if more > 0 { format!(", and {more} more") } else { String::new() };
    eprintln!(
        "note: dbshape does not manage {} object{} of this database, left as they are: {}{more}",
        unmanaged.len(),
        if unmanaged.len() == 1 { "" } else { "s" },
        shown.join(", ")
    );
}

fn schema_name(target: &Target) -> String {
    target.schema.file_name().map_or_else(|| target.schema.display().to_string(), |n| n.to_string_lossy().into_owned())
}

fn stdout_error(source: std::io::Error) -> Error {
    Error::Io { action: "write to", path: "standard output".into(), source }
}
