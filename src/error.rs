//! The library's error type. Every variant is something a user can act on;
//! the CLI prints it as `error: ...` plus an optional hint and exits 2.

use std::fmt;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in a schema file.
    #[error("{}", problems_summary(.0))]
    Schema(Vec<SchemaProblem>),

    #[error("invalid database URL \"{url}\": {message}")]
    Url { url: String, message: String },

    #[error("cannot open {what}: {message}")]
    Connect { what: String, message: String },

    #[error("cannot read the database schema: {0}")]
    Inspect(String),

    #[error("{0}")]
    Unsupported(String),

    #[error("statement {number} of {total} failed: {message}\n  SQL: {sql}")]
    Statement { number: usize, total: usize, sql: String, message: String },

    #[error("the apply was rolled back: {0}")]
    RolledBack(String),

    #[error("{0}")]
    Refused(String),

    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A suggestion printed under the error, when there is a useful one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Statement { .. } | Error::RolledBack(_) => {
                Some("nothing was changed: the whole plan ran in one transaction, which was rolled back".into())
            }
            Error::Url { .. } => Some(
                "expected e.g. sqlite:///app.db (relative), sqlite:////abs/path.db, sqlite:// (in memory) \
                 or postgresql://user@host/db"
                    .into(),
            ),
            _ => None,
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Error {
        Error::Inspect(error.to_string())
    }
}

/// One problem in a schema file, located as precisely as we can.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaProblem {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
    /// The offending line of the file, shown under the message.
    pub source_line: Option<String>,
}

impl fmt::Display for SchemaProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

fn problems_summary(problems: &[SchemaProblem]) -> String {
    match problems {
        [one] => one.to_string(),
        many => {
            let mut text = format!("{} problems in the schema file:", many.len());
            for problem in many {
                text.push_str("\n  ");
                text.push_str(&problem.to_string());
            }
            text
        }
    }
}
