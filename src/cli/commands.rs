//! The four commands. Each loads what it needs, asks the library for a
//! plan, and decides what to print and which exit code to return.

use super::args::{DatabaseArg, DialectArg, Format, Target};
use super::output;
use super::style::Style;
use super::{EXIT_DRIFT, EXIT_ERROR, EXIT_OK};
use crate::database::{Access, ApplyOptions, Database, connect};
use crate::error::{Error, Result};
use crate::execute::{Event, RowsCopied};
use crate::model::Schema;
use crate::plan::{self, Plan};
use crate::sql::Dialect;
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
            let loading = s.spawn(|| {
                let file = crate::file::load_path(&target.schema)?;
                crate::file::check_postgres_names(&file, &target.schema).map(|()| file)
            });
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
            // What SQLite cannot store is refused before the file is created.
            crate::plan::sqlite::normalize(&file)?;
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
        Format::Text => {
            let heading = output::Heading::database(&prepared.url, &schema_name(target));
            output::plan_text(&mut out, &prepared.plan, &heading, style)
        }
        Format::Sql => output::plan_sql(&mut out, &prepared.plan),
        Format::Json => output::plan_json(&mut out, &prepared.plan),
    }
    .map_err(stdout_error)?;
    Ok(EXIT_OK)
}

pub fn check(target: &Target, format: Format, style: Style) -> Result<i32> {
    let prepared = prepare(target, Access::Read)?;
    let mut out = std::io::stdout().lock();
    let code = if prepared.plan.is_empty() { EXIT_OK } else { EXIT_DRIFT };
    match format {
        Format::Json => return output::plan_json(&mut out, &prepared.plan).map(|()| code).map_err(stdout_error),
        Format::Sql => return output::plan_sql(&mut out, &prepared.plan).map(|()| code).map_err(stdout_error),
        Format::Text => {}
    }
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
    output::plan_text(&mut out, &plan, &output::Heading::database(&url, &name), style).map_err(stdout_error)?;
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
    let progress = std::io::stderr().is_terminal().then_some(output::rows_copied as fn(&RowsCopied));
    let options = ApplyOptions { lock_timeout, exclude: target.database.exclude.clone(), progress };
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

/// An open database and the schema read from it.
struct Opened {
    url: DatabaseUrl,
    db: Box<dyn Database>,
    live: Schema,
}

pub fn diff(
    from: &str,
    to: &str,
    dialect: DialectArg,
    format: Format,
    exclude: &[String],
    style: Style,
) -> Result<i32> {
    let is_database =
        |text: &str| text.contains("://") || text.split_whitespace().next().is_some_and(|w| w.contains('='));
    // Files first: their problems are reported before any connection.
    let load = |text: &str| -> Result<Option<Schema>> {
        if is_database(text) { Ok(None) } else { crate::file::load_path(Path::new(text)).map(Some) }
    };
    let (from_file, to_file) = (load(from)?, load(to)?);
    // A database is read in the scope of the file on the other side, if any.
    let scope = from_file.as_ref().or(to_file.as_ref());
    let open = |text: &str| -> Result<Option<Opened>> {
        if !is_database(text) {
            return Ok(None);
        }
        let url = DatabaseUrl::parse(text)?;
        let mut db = connect(&url, Access::Read)?;
        let mut live = db.inspect(scope)?;
        live.exclude_tables(exclude);
        Ok(Some(Opened { url, db, live }))
    };
    let (mut from_db, mut to_db) = (open(from)?, open(to)?);
    let dialect = match (&from_db, &to_db) {
        (Some(a), Some(b)) if a.db.dialect() != b.db.dialect() => {
            return Err(Error::Refused(format!(
                "cannot diff a {} database against a {} one: a plan is for one dialect",
                a.db.dialect(),
                b.db.dialect()
            )));
        }
        (Some(opened), _) | (_, Some(opened)) => opened.db.dialect(),
        (None, None) => match dialect {
            DialectArg::Sqlite => Dialect::Sqlite,
            DialectArg::Postgresql => Dialect::Postgres,
        },
    };
    if dialect == Dialect::Postgres {
        for (text, file) in [(from, &from_file), (to, &to_file)] {
            if let Some(file) = file {
                crate::file::check_postgres_names(file, Path::new(text))?;
            }
        }
    }
    let from_schema = side_schema(from_file, from_db.as_ref(), to_db.as_mut(), dialect, exclude)?;
    let to_schema = side_schema(to_file, to_db.as_ref(), from_db.as_mut(), dialect, exclude)?;
    let plan = plan::build(dialect, &from_schema, &to_schema)?;
    let name = |text: &str, opened: &Option<Opened>| opened.as_ref().map_or(text.to_string(), |o| o.url.to_string());
    let heading = output::Heading {
        target: format!("{} → {} ({dialect})", name(from, &from_db), name(to, &to_db)),
        in_sync: "No changes: both sides are the same schema.".into(),
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Text => output::plan_text(&mut out, &plan, &heading, style),
        Format::Sql => output::plan_sql(&mut out, &plan),
        Format::Json => output::plan_json(&mut out, &plan),
    }
    .map_err(stdout_error)?;
    Ok(if plan.is_empty() { EXIT_OK } else { EXIT_DRIFT })
}

/// One side of `diff` as a schema in the dialect's terms: what a database
/// holds, or a file normalised (through the other side's server, when that
/// is a PostgreSQL database; offline, PostgreSQL files are compared as
/// written).
fn side_schema(
    file: Option<Schema>,
    own: Option<&Opened>,
    other: Option<&mut Opened>,
    dialect: Dialect,
    exclude: &[String],
) -> Result<Schema> {
    if let Some(opened) = own {
        return Ok(opened.live.clone());
    }
    let mut file = file.expect("a side is a file or a database");
    file.exclude_tables(exclude);
    match (dialect, other) {
        (Dialect::Sqlite, _) => crate::plan::sqlite::normalize(&file),
        (Dialect::Postgres, Some(other)) => other.db.normalize(&file, &other.live),
        (Dialect::Postgres, None) => Ok(file),
    }
}

pub fn fmt(path: &Path, check: bool, drop_comments: bool, style: Style) -> Result<i32> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "read schema file",
        path: path.into(),
        source,
    })?;
    let schema = crate::file::load_str(&text, path)?;
    let header: String = text
        .lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let header_lines = header.lines().count();
    let formatted = format!("{header}{}", crate::file::render_in_order(&schema));
    let name = path.display();
    let mut out = std::io::stdout().lock();
    if formatted == text {
        writeln!(out, "{name} is formatted.").map_err(stdout_error)?;
        return Ok(EXIT_OK);
    }
    if check {
        writeln!(out, "{name} is not formatted; `dbshape fmt` would change it:\n").map_err(stdout_error)?;
        let diff = similar::TextDiff::from_lines(&text, &formatted);
        for line in diff.unified_diff().context_radius(2).header(&name.to_string(), "formatted").to_string().lines() {
            let painted = match line.chars().next() {
                Some('+') if !line.starts_with("+++") => style.added(line),
                Some('-') if !line.starts_with("---") => style.removed(line),
                _ => line.to_string(),
            };
            writeln!(out, "{painted}").map_err(stdout_error)?;
        }
        return Ok(EXIT_DRIFT);
    }
    let lost: Vec<usize> =
        text.lines().enumerate().skip(header_lines).filter(|(_, line)| has_comment(line)).map(|(i, _)| i + 1).collect();
    if !lost.is_empty() && !drop_comments {
        let lines: Vec<String> = lost.iter().map(usize::to_string).collect();
        return Err(Error::Refused(format!(
            "formatting {name} would drop the comments on line{} {}: move them into `comment:` keys or above the first key, \
             or pass --drop-comments",
            if lost.len() == 1 { "" } else { "s" },
            lines.join(", ")
        )));
    }
    std::fs::write(path, &formatted).map_err(|source| Error::Io { action: "write", path: path.into(), source })?;
    writeln!(out, "Formatted {name}.").map_err(stdout_error)?;
    Ok(EXIT_OK)
}

/// Whether a YAML line holds a comment: a `#` at its start or after a
/// space, outside quotes.
fn has_comment(line: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && (previous.is_whitespace() || "{[,:".contains(previous)) => {
                quote = Some(c)
            }
            None if c == '#' && previous.is_whitespace() => return true,
            None => {}
        }
        previous = c;
    }
    false
}

fn stdout_error(source: std::io::Error) -> Error {
    Error::Io { action: "write to", path: "standard output".into(), source }
}
