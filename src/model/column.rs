//! A table column.

use super::{DefaultValue, Expr, SqlType};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub sql_type: SqlType,
    pub nullable: bool,
    pub default: Option<DefaultValue>,
    pub autoincrement: bool,
    /// With `autoincrement` on PostgreSQL: `GENERATED ALWAYS` rather than
    /// `BY DEFAULT AS IDENTITY`.
    pub identity_always: bool,
    /// A stored generated column's expression.
    pub generated: Option<Expr>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    /// Rename hint from the file; never set by an inspector.
    pub renamed_from: Option<String>,
}

impl Column {
    pub fn new(name: impl Into<String>, sql_type: SqlType) -> Column {
        Column {
            name: name.into(),
            sql_type,
            nullable: true,
            default: None,
            autoincrement: false,
            identity_always: false,
            generated: None,
            collation: None,
            comment: None,
            renamed_from: None,
        }
    }

    /// Equality of everything a database stores (ignores the rename hint).
    pub fn same_definition(&self, other: &Column) -> bool {
        self.sql_type == other.sql_type
            && self.nullable == other.nullable
            && self.default == other.default
            && self.autoincrement == other.autoincrement
            && self.identity_always == other.identity_always
            && self.generated == other.generated
            && self.collation.as_deref().map(str::to_ascii_lowercase)
                == other.collation.as_deref().map(str::to_ascii_lowercase)
            && self.comment == other.comment
    }
}
