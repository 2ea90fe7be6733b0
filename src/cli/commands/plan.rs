//! `dbshape plan`: print what `apply` would do.

use super::{prepare, schema_name, stdout_error};
use crate::cli::EXIT_OK;
use crate::cli::args::{Format, Target};
use crate::cli::output;
use crate::cli::style::Style;
use crate::database::Access;
use crate::error::Result;

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
