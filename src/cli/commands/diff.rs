//! `dbshape diff FROM TO`: the plan between any two sources, each a
//! database or a schema file (two files need no database).

use super::stdout_error;
use crate::cli::args::{DialectArg, Format};
use crate::cli::output;
use crate::cli::style::Style;
use crate::cli::{EXIT_DRIFT, EXIT_OK};
use crate::database::{Access, Database, connect};
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::{self};
use crate::sql::Dialect;
use crate::url::DatabaseUrl;
use std::path::Path;

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
