//! `dbshape plan`: print what `apply` would do.

use super::{plan_target, schema_name, stdout_error};
use crate::cli::args::{DataChecksArg, Format, Target};
use crate::cli::exit::EXIT_OK;
use crate::cli::output;
use crate::cli::style::Style;
use dbshape::{Error, Result};
use std::path::Path;

pub fn plan(
    target: &Target,
    format: Format,
    data_checks: &DataChecksArg,
    out: Option<&Path>,
    online: bool,
    style: Style,
) -> Result<i32> {
    let (db, plan) = plan_target(target, data_checks.timeout(), online, true)?;
    if let Some(out) = out {
        let schema_file = std::fs::read(&target.schema).map_err(|source| Error::Io {
            action: "read",
            path: target.schema.clone(),
            source,
        })?;
        let text = serde_json::to_string_pretty(&plan.to_saved_json(&schema_file)).expect("a JSON value serialises");
        std::fs::write(out, text + "\n").map_err(|source| Error::Io { action: "write", path: out.into(), source })?;
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Text => {
            let heading = output::Heading::database(&db.url(), &schema_name(target));
            output::plan_text(&mut out, &plan, &heading, style)
        }
        Format::Sql => output::plan_sql(&mut out, &plan),
        Format::Json => output::plan_json(&mut out, &plan),
    }
    .map_err(stdout_error)?;
    Ok(EXIT_OK)
}
