//! `dbshape check`: exit 0 in sync, 1 on drift (with the schema diff and
//! the plan), for CI.

use super::{prepare, schema_name, stdout_error};
use crate::cli::args::{Format, Target};
use crate::cli::output;
use crate::cli::style::Style;
use crate::cli::{EXIT_DRIFT, EXIT_OK};
use crate::database::Access;
use crate::error::Result;
use std::io::Write;

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
