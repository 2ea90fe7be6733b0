//! `dbshape diff FROM TO`: the plan between any two sources, each a
//! database or a schema file (two files need no database).

use super::stdout_error;
use crate::cli::args::Format;
use crate::cli::exit::{EXIT_DRIFT, EXIT_OK};
use crate::cli::output;
use crate::cli::style::Style;
use dbshape::{Error, Migrator, Plan, Refusal, Result, Schema, Scope};

/// One side: a schema file, or an open database.
enum Side {
    File(Box<Schema>),
    Database(Migrator),
}

pub fn diff(from: &str, to: &str, dialect: &str, format: Format, exclude: &[String], style: Style) -> Result<i32> {
    let scope = exclude.iter().fold(Scope::default(), |scope, glob| scope.exclude(glob.clone()));
    // Files first: their problems are reported before any connection.
    let load = |text: &str| -> Result<Option<Schema>> {
        if dbshape::is_database_url(text) { Ok(None) } else { Schema::from_path(text).map(Some) }
    };
    let (from_file, to_file) = (load(from)?, load(to)?);
    let open = |text: &str, file: Option<Schema>| -> Result<Side> {
        match file {
            Some(file) => Ok(Side::File(Box::new(file))),
            None => {
                let db = Migrator::connect_with(text, scope.clone())?;
                db.require_existing()?;
                Ok(Side::Database(db))
            }
        }
    };
    let (from_side, to_side) = (open(from, from_file)?, open(to, to_file)?);
    let name = |text: &str, side: &Side| match side {
        Side::Database(db) => db.url(),
        Side::File(_) => text.to_string(),
    };
    let (from_name, to_name) = (name(from, &from_side), name(to, &to_side));
    // A database is read in the scope of the file on the other side, if any.
    let plan = match (from_side, to_side) {
        (Side::Database(mut a), Side::Database(mut b)) => {
            if a.dialect() != b.dialect() {
                return Err(Error::Refused(Refusal::DialectsDiffer {
                    from: a.dialect().into(),
                    to: b.dialect().into(),
                }));
            }
            Plan::between(a.dialect(), &a.inspect()?, &b.inspect()?, &scope)?
        }
        (Side::Database(mut db), Side::File(file)) => db.plan(&file)?,
        (Side::File(file), Side::Database(mut db)) => db.plan_from(&file)?,
        (Side::File(a), Side::File(b)) => Plan::between(dialect, &a, &b, &scope)?,
    };
    let heading = output::Heading {
        target: format!("{from_name} → {to_name} ({})", plan.dialect()),
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
