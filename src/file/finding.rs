//! Problems that others find in a loaded schema (a dialect refusing what
//! its database cannot store), placed by what they concern so that they
//! are reported at the file's line like the loader's own.

use super::Source;
use super::problems::Problems;
use crate::error::Result;

/// A problem with a table, column, index or other part of a schema.
pub(crate) struct Finding {
    path: Vec<String>,
    message: String,
    hint: Option<String>,
}

impl Finding {
    fn at(path: &[&str], message: String) -> Finding {
        Finding { path: path.iter().map(|p| p.to_string()).collect(), message, hint: None }
    }

    /// About a top-level section (`enums`, `extensions`) or an entry of it.
    pub(crate) fn section(section: &str, name: Option<&str>, message: String) -> Finding {
        Finding::at(&[section, name.unwrap_or_default()], message)
    }

    /// About a table, or one of its keys (`primary_key`, `comment`).
    pub(crate) fn table(table: &str, key: Option<&str>, message: String) -> Finding {
        Finding::at(&["tables", table, key.unwrap_or_default()], message)
    }

    /// About a column, or one of its keys (`autoincrement`, `generated`).
    pub(crate) fn column(table: &str, column: &str, key: Option<&str>, message: String) -> Finding {
        Finding::at(&["tables", table, "columns", column, key.unwrap_or_default()], message)
    }

    /// About an entry of a table's section (`indexes`, `uniques`).
    pub(crate) fn entry(table: &str, section: &str, name: &str, message: String) -> Finding {
        Finding::at(&["tables", table, section, name], message)
    }

    /// About a trigger (of a table or of a view), or one of its keys.
    pub(crate) fn trigger(
        schema: &crate::model::Schema,
        table: &str,
        name: &str,
        key: &str,
        message: String,
    ) -> Finding {
        let section = if schema.views.contains_key(table) { "views" } else { "tables" };
        Finding::at(&[section, table, "triggers", name, key], message)
    }

    /// About a view, or one of its keys.
    pub(crate) fn view(name: &str, key: &str, message: String) -> Finding {
        Finding::at(&["views", name, key], message)
    }

    /// About the keys at `path`.
    pub(crate) fn keys(path: &[String], message: String) -> Finding {
        Finding { path: path.to_vec(), message, hint: None }
    }

    /// With a suggestion.
    pub(crate) fn hint(mut self, hint: &str) -> Finding {
        self.hint = Some(hint.to_string());
        self
    }
}

/// The findings as located schema problems, if there are any.
pub(crate) fn report(findings: Vec<Finding>, source: Source) -> Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let mut problems = Problems::new(source.path, source.text);
    for finding in findings {
        let path: Vec<&str> = finding.path.iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
        problems.report(&path, finding.message, finding.hint.as_deref());
    }
    Err(problems.into_error())
}
