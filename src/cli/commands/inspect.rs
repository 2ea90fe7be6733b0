//! `dbshape inspect`: write the live schema as schema.yaml.

use super::{connect, stdout_error};
use crate::cli::args::DatabaseArg;
use crate::cli::exit::EXIT_OK;
use dbshape::{Error, Result};
use std::io::Write;
use std::path::Path;

pub fn inspect(database: &DatabaseArg, output_path: Option<&Path>) -> Result<i32> {
    let yaml = connect(database)?.inspect()?.to_yaml_string();
    match output_path {
        Some(path) => {
            std::fs::write(path, yaml).map_err(|source| Error::Io { action: "write", path: path.into(), source })?
        }
        None => std::io::stdout().lock().write_all(yaml.as_bytes()).map_err(stdout_error)?,
    }
    Ok(EXIT_OK)
}
