//! `dbshape inspect`: write the live schema as schema.yaml.

use super::stdout_error;
use crate::cli::EXIT_OK;
use crate::cli::args::DatabaseArg;
use crate::database::{Access, connect};
use crate::error::{Error, Result};
use crate::url::DatabaseUrl;
use std::io::Write;
use std::path::Path;

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
