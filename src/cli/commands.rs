//! The four commands. Each loads what it needs, asks the library for a
//! plan, and decides what to print and which exit code to return.

use super::args::{DatabaseArg, Format, Target};
use super::output;
use super::style::Style;
use super::{EXIT_DRIFT, EXIT_ERROR, EXIT_OK};
use crate::database::{Access, ApplyOptions, Database, connect};
use crate::error::{Error, Result};
use crate::execute::Event;
use crate::model::Schema;
use crate::plan::{self, Plan};
use crate::url::DatabaseUrl;
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

/// Everything a plan needs: the open database, the normalised desired
/// schema, the live schema and the plan between them.
struct Prepared {
    url: DatabaseUrl,
    db: Box<dyn Database>,
    desired: Schema,
    current: Schema,
    plan: Plan,
}

fn prepare(target: &Target, access: Access) -> Result<Prepared> {
    let url = DatabaseUrl::parse(&target.database.url)?;
    let (mut file, mut db, mut current) = match url {
        // A server is read while the file is parsed (two cores, two jobs);
        // the file's problems are still reported first.
        DatabaseUrl::Postgres(_) => std::thread::scope(|s| {
            let loading = s.spawn(|| crate::file::load_path(&target.schema));
            let reading = connect(&url, access).and_then(|mut db| {
                let everything = db.inspect(None)?;
                Ok((db, everything))
            });
            let file =
                loading.join().unwrap_or_else(|_| Err(Error::Refused("reading the schema file failed".into())))?;
            let (mut db, everything) = reading?;
            let current = db.restrict(everything, &file);
            Ok::<_, Error>((file, db, current))
        })?,
        // Opening an SQLite file for writing creates it: only once the file is known good.
        DatabaseUrl::Sqlite(_) => {
            let file = crate::file::load_path(&target.schema)?;
            let mut db = connect(&url, access)?;
            let current = db.inspect(Some(&file))?;
            (file, db, current)
        }
    };
    file.exclude_tables(&target.database.exclude);
    current.exclude_tables(&target.database.exclude);
    let desired = db.normalize(&file, &current)?;
    let plan = plan::build(db.dialect(), &current, &desired)?;
    Ok(Prepared { url, db, desired, current, plan })
}

fn schema_name(target: &Target) -> String {
    target.schema.file_name().map_or_else(|| target.schema.display().to_string(), |n| n.to_string_lossy().into_owned())
}

pub fn plan(target: &Target, format: Format, style: Style) -> Result<i32> {
    let prepared = prepare(target, Access::Read)?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Text => output::plan_text(&mut out, &prepared.plan, &prepared.url, &schema_name(target), style),
        Format::Sql => output::plan_sql(&mut out, &prepared.plan),
        Format::Json => output::plan_json(&mut out, &prepared.plan),
    }
    .map_err(stdout_error)?;
    Ok(EXIT_OK)
}

pub fn check(target: &Target, style: Style) -> Result<i32> {
    let prepared = prepare(target, Access::Read)?;
    let mut out = std::io::stdout().lock();
    if prepared.plan.is_empty() {
        writeln!(out, "In sync: the database matches {}.", schema_name(target)).map_err(stdout_error)?;
        return Ok(EXIT_OK);
    }
    output::drift(
        &mut out,
        &prepared.current,
        &prepared.desired,
        &prepared.plan,
        &prepared.url,
        &schema_name(target),
        style,
    )
    .map_err(stdout_error)?;
    Ok(EXIT_DRIFT)
}

pub fn apply(
    target: &Target,
    yes: bool,
    dry_run: bool,
    allow_destructive: bool,
    lock_timeout: Duration,
    style: Style,
) -> Result<i32> {
    let Prepared { url, mut db, desired, plan, .. } =
        prepare(target, if dry_run { Access::Read } else { Access::Write })?;
    let name = schema_name(target);
    let mut out = std::io::stdout().lock();
    output::plan_text(&mut out, &plan, &url, &name, style).map_err(stdout_error)?;
    if plan.is_empty() || dry_run {
        return Ok(EXIT_OK);
    }
    let destructive = plan.destructive();
    if !destructive.is_empty() && !allow_destructive {
        return Err(Error::Refused(format!(
            "the plan has {} destructive change{} and --allow-destructive was not given; nothing was changed",
            destructive.len(),
            if destructive.len() == 1 { "" } else { "s" }
        )));
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Refused(
                "standard input is not a terminal: pass --yes to apply without confirmation".into(),
            ));
        }
        write!(
            out,
            "\nApply {} change{} to {url}? [y/N] ",
            plan.changes().count(),
            if plan.changes().count() == 1 { "" } else { "s" }
        )
        .map_err(stdout_error)?;
        out.flush().map_err(stdout_error)?;
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Error::Refused(format!("cannot read the answer: {e}")))?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(out, "Cancelled; nothing was changed.").map_err(stdout_error)?;
            return Ok(EXIT_ERROR);
        }
    }
    writeln!(out, "\nApplying:").map_err(stdout_error)?;
    let mut observer = |event: &Event| {
        let Event::Statement { number, total, sql, elapsed } = event;
        let _ = writeln!(
            std::io::stdout(),
            "  [{number}/{total}] {:>9}  {}",
            output::duration(*elapsed),
            output::first_line(sql)
        );
    };
    let options = ApplyOptions { lock_timeout, exclude: target.database.exclude.clone() };
    let applied = db.apply(&plan, &desired, &options, &mut observer)?;
    if applied.already_in_sync {
        writeln!(out, "Nothing to do: the database already matched {name} when the lock was taken (another apply?).")
            .map_err(stdout_error)?;
        return Ok(EXIT_OK);
    }
    // Principle: apply → plan prints nothing. Verify it instead of trusting it.
    let mut after = db.inspect(Some(&desired))?;
    after.exclude_tables(&target.database.exclude);
    let after = plan::build(db.dialect(), &after, &desired)?;
    writeln!(
        out,
        "Applied {} change{} ({} statements) in {}.",
        plan.changes().count(),
        if plan.changes().count() == 1 { "" } else { "s" },
        applied.statements,
        output::duration(applied.elapsed)
    )
    .map_err(stdout_error)?;
    if !after.is_empty() {
        let remaining: Vec<String> = after.changes().map(|c| c.to_string()).collect();
        return Err(Error::Refused(format!(
            "the apply committed, but the database still differs from {name} ({}); this is a dbshape bug, please report it",
            remaining.join("; ")
        )));
    }
    writeln!(out, "The database matches {name}.").map_err(stdout_error)?;
    Ok(EXIT_OK)
}

pub fn inspect(database: &DatabaseArg, output_path: Option<&Path>) -> Result<i32> {
    let url = DatabaseUrl::parse(&database.url)?;
    let mut db = connect(&url, Access::Read)?;
    let mut schema = db.inspect(None)?;
    schema.exclude_tables(&database.exclude);
    let yaml = crate::file::render(&schema);
    match output_path {
        Some(path) => {
            std::fs::write(path, yaml).map_err(|source| Error::Io { action: "write", path: path.into(), source })?
        }
        None => std::io::stdout().lock().write_all(yaml.as_bytes()).map_err(stdout_error)?,
    }
    Ok(EXIT_OK)
}

fn stdout_error(source: std::io::Error) -> Error {
    Error::Io { action: "write to", path: "standard output".into(), source }
}
