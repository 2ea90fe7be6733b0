//! `dbshape check`: exit 0 in sync, 1 on drift (with the schema diff and
//! the plan), for CI.

use super::{plan_target, schema_name, stdout_error};
use crate::cli::args::{Format, Target};
use crate::cli::exit::{EXIT_DRIFT, EXIT_OK};
use crate::cli::output;
use crate::cli::style::Style;
use dbshape::Result;
use std::io::Write;

pub fn check(target: &Target, format: Format, style: Style) -> Result<i32> {
    let (db, plan) = plan_target(target, None, false, false)?;
    let mut out = std::io::stdout().lock();
    let code = if plan.is_empty() { EXIT_OK } else { EXIT_DRIFT };
    match format {
        Format::Json => return output::plan_json(&mut out, &plan).map(|()| code).map_err(stdout_error),
        Format::Sql => return output::plan_sql(&mut out, &plan).map(|()| code).map_err(stdout_error),
        Format::Text => {}
    }
    if plan.is_empty() {
        writeln!(out, "In sync: the database matches {}.", schema_name(target)).map_err(stdout_error)?;
        return Ok(EXIT_OK);
    }
    output::drift(&mut out, &plan, &db.url(), &schema_name(target), style).map_err(stdout_error)?;
    Ok(EXIT_DRIFT)
}
