//! Problems found in a schema file, collected with the YAML path they
//! concern and located (line, column, the line's text) only when there are
//! any to report, since locating means reading the file a second time.

use super::locator::Locator;
use crate::error::{Error, SchemaProblem};
use std::path::Path;

/// The problems of one file.
pub(super) struct Problems<'a> {
    pub(super) path: &'a Path,
    pub(super) text: &'a str,
    pending: Vec<(Vec<String>, String, Option<String>)>,
}

impl<'a> Problems<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str) -> Problems<'a> {
        Problems { path, text, pending: Vec::new() }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    pub(super) fn problem_at(
        &self,
        at: Option<(usize, usize)>,
        message: String,
        hint: Option<String>,
    ) -> SchemaProblem {
        SchemaProblem {
            file: self.path.to_path_buf(),
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
            source_line: at.and_then(|(line, _)| self.text.lines().nth(line.wrapping_sub(1))).map(str::to_string),
            message,
            hint,
        }
    }

    pub(super) fn report(&mut self, path: &[&str], message: impl Into<String>, hint: Option<&str>) {
        self.pending.push((path.iter().map(|p| p.to_string()).collect(), message.into(), hint.map(str::to_string)));
    }

    pub(super) fn into_error(self) -> Error {
        let locator = Locator::new(self.text);
        let problems = self
            .pending
            .iter()
            .map(|(path, message, hint)| {
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                let at = locator.find(&path).map(|p| (p.line, p.column));
                self.problem_at(at, message.clone(), hint.clone())
            })
            .collect();
        Error::Schema(problems)
    }
}
