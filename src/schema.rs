//! [`Schema`]: a database schema as the library hands it around: read from
//! a schema.yaml file or text, or from a live database, and written back as
//! schema.yaml. The tables, columns and keys themselves are the
//! dialect-neutral [`model`](mod@crate::model).

use crate::error::{Error, Result};
use crate::file::{self, Source};
use crate::model;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A database schema: what a schema.yaml file says, or what a database
/// holds.
///
/// ```
/// let schema = dbshape::Schema::from_yaml_str(
///     "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n",
/// )?;
/// assert_eq!(schema.model().tables.len(), 1);
/// assert!(schema.to_yaml_string().starts_with("tables:\n  users:\n"));
/// # Ok::<(), dbshape::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Schema {
    model: model::Schema,
    /// The text it was read from, to locate problems found later.
    source: Option<Arc<SourceText>>,
}

#[derive(Debug)]
struct SourceText {
    path: PathBuf,
    text: String,
}

/// The name text from no file goes by in messages.
const NO_FILE: &str = "<string>";

impl Schema {
    /// Reads and validates a schema file. Every problem is reported at
    /// once, each with its line (see [`Error::Schema`](crate::Error::Schema)).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Schema> {
        let path = path.as_ref();
        let text = file::read(path)?;
        Schema::load(text, path)
    }

    /// Validates schema.yaml text. Problems are located as in a file named
    /// `<string>`.
    pub fn from_yaml_str(text: &str) -> Result<Schema> {
        Schema::load(text.to_string(), Path::new(NO_FILE))
    }

    fn load(text: String, path: &Path) -> Result<Schema> {
        let model = file::load_str(&text, path)?;
        Ok(Schema { model, source: Some(Arc::new(SourceText { path: path.to_path_buf(), text })) })
    }

    /// The schema as schema.yaml text, tables in this schema's order (a
    /// file's own order; parents before children for a schema read from a
    /// database), short forms where the conventional names allow.
    ///
    /// A type is written as the database declares it where that is
    /// another spelling of the same type (SQLite keeps `datetime` as
    /// written, so a rebuild declares it so again); a file's types are
    /// written in their canonical spellings (`dbshape fmt`).
    pub fn to_yaml_string(&self) -> String {
        if self.source.is_none() {
            return file::render_in_order(&self.model);
        }
        let mut canonical = self.model.clone();
        for column in canonical.tables.values_mut().flat_map(|t| t.columns.values_mut()) {
            if !matches!(column.sql_type, model::SqlType::Other(_)) {
                column.declared_type = None;
            }
        }
        file::render_in_order(&canonical)
    }

    /// The tables, columns, keys and types.
    pub fn model(&self) -> &model::Schema {
        &self.model
    }

    /// The model, taken out.
    pub fn into_model(self) -> model::Schema {
        self.model
    }

    /// The text the schema was read from; `None` for a schema read from a
    /// database.
    pub fn source_text(&self) -> Option<&str> {
        self.source.as_deref().map(|source| source.text.as_str())
    }

    /// Only the file this schema was read from (the model left behind),
    /// for locating problems found after the model has gone.
    pub(crate) fn source_only(&self) -> Schema {
        Schema { model: model::Schema::default(), source: self.source.clone() }
    }

    /// `error` with the place in this schema's file of the object it is
    /// about, where it has one and the file says where.
    pub(crate) fn locate_error(&self, error: Error) -> Error {
        match error {
            Error::Rejected { what, path, at: None, cause } if !path.is_empty() => {
                let at = self.locate(&path);
                Error::Rejected { what, path, at, cause }
            }
            Error::UnknownRole { role, path, at: None } => {
                let at = self.locate(&path);
                Error::UnknownRole { role, path, at }
            }
            other => other,
        }
    }

    /// `file:line:column` of the key at `path` (`["tables", "orders"]`) in
    /// the file this schema was read from.
    pub(crate) fn locate(&self, path: &[String]) -> Option<String> {
        let source = self.source.as_deref()?;
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let position = crate::file::Locator::new(&source.text).find(&keys)?;
        Some(format!("{}:{}:{}", source.path.display(), position.line, position.column))
    }

    /// Where the schema was read from, for locating problems.
    pub(crate) fn source(&self) -> Source<'_> {
        match &self.source {
            Some(source) => Source { path: &source.path, text: &source.text },
            None => Source { path: Path::new(NO_FILE), text: "" },
        }
    }
}

impl From<model::Schema> for Schema {
    fn from(model: model::Schema) -> Schema {
        Schema { model, source: None }
    }
}

/// Schemas are equal when their models are, wherever they came from.
impl PartialEq for Schema {
    fn eq(&self, other: &Schema) -> bool {
        self.model == other.model
    }
}
