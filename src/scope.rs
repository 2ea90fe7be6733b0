//! What a [`Migrator`](crate::Migrator) manages: every table but the
//! excluded ones, and (on PostgreSQL) which schema unqualified names live
//! in. Set once, when connecting.

use crate::model;

/// The part of a database a [`Migrator`](crate::Migrator) manages.
///
/// ```
/// let scope = dbshape::Scope::default().exclude("alembic_version").exclude("tmp_*");
/// # let _ = scope;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    exclude: Vec<String>,
    default_schema: Option<String>,
}

impl Scope {
    /// Leaves tables whose name matches `glob` alone, in the database and
    /// in the file: `*` is any run of characters, `?` one character. A
    /// schema-qualified name (`billing.invoices`) matches on its full text
    /// or on the bare table name.
    pub fn exclude(mut self, glob: impl Into<String>) -> Self {
        self.exclude.push(glob.into());
        self
    }

    /// PostgreSQL: the schema unqualified names live in (and that new
    /// objects are created in), instead of the connection's `search_path`.
    /// The session's search path is set to this schema alone.
    pub fn default_schema(mut self, schema: impl Into<String>) -> Self {
        self.default_schema = Some(schema.into());
        self
    }

    /// The glob patterns of excluded tables.
    pub fn excluded(&self) -> &[String] {
        &self.exclude
    }

    /// The default schema set with [`Scope::default_schema`], if any.
    pub fn default_schema_name(&self) -> Option<&str> {
        self.default_schema.as_deref()
    }

    /// `schema` without the excluded tables.
    pub(crate) fn narrow(&self, schema: &mut model::Schema) {
        schema.exclude_tables(&self.exclude);
    }
}
