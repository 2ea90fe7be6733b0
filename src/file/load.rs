//! Reading schema.yaml into the model: read the text, deserialise it,
//! convert it, cross-check it. All problems are collected and reported
//! together, each with its line.

use super::convert::convert;
use super::problems::Problems;
use super::raw::RawFile;
use super::serde_error::serde_problem;
use crate::error::{Error, Result, SchemaProblem};
use crate::model::Schema;
use std::path::Path;

/// Reads a schema file as UTF-8 text.
pub(crate) fn read(path: &Path) -> Result<String> {
    let bytes =
        std::fs::read(path).map_err(|source| Error::Io { action: "read schema file", path: path.into(), source })?;
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        Error::Schema(vec![SchemaProblem {
            file: path.into(),
            line: Some(line),
            column: Some(column),
            message: "the file is not UTF-8 text".into(),
            hint: Some("save it as UTF-8".into()),
            source_line: None,
        }])
    })
}

/// Validates schema text; `path` is only used in messages.
pub(crate) fn load_str(text: &str, path: &Path) -> Result<Schema> {
    let mut problems = Problems::new(path, text);
    if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        problems.report(&[], "the schema file is empty", Some("expected a top-level `tables:` mapping"));
        return Err(problems.into_error());
    }
    let raw: RawFile = match serde_yaml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => return Err(Error::Schema(vec![serde_problem(&problems, &error)])),
    };
    let schema = convert(&mut problems, raw);
    if problems.is_empty() { Ok(schema) } else { Err(problems.into_error()) }
}
