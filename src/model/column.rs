//! A table column.

use super::{DefaultValue, Expr, SequenceOptions, SqlType};

/// A column of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Its type, in canonical form.
    pub sql_type: SqlType,
    /// Whether it may hold NULL.
    pub nullable: bool,
    /// Its default, if any.
    pub default: Option<DefaultValue>,
    /// Whether the database numbers it (SQLite `AUTOINCREMENT`, PostgreSQL
    /// identity).
    pub autoincrement: bool,
    /// With `autoincrement` on PostgreSQL: `GENERATED ALWAYS` rather than
    /// `BY DEFAULT AS IDENTITY`.
    pub identity_always: bool,
    /// With `autoincrement` on PostgreSQL: how the identity counts.
    pub identity_options: SequenceOptions,
    /// A generated column's expression (stored unless `generated_virtual`).
    pub generated: Option<Expr>,
    /// A generated column computed when read, not stored (SQLite `VIRTUAL`).
    pub generated_virtual: bool,
    /// Its collation, when not the type's default (on MySQL: when not the
    /// table's).
    pub collation: Option<String>,
    /// MySQL: its character set, as the file says it; the MySQL
    /// normaliser turns it into the set's default collation, so it is never
    /// compared (nor set by an inspector).
    pub charset: Option<String>,
    /// MySQL: what the column is set to whenever its row is updated
    /// (`ON UPDATE CURRENT_TIMESTAMP`).
    pub on_update: Option<Expr>,
    /// Free text about it.
    pub comment: Option<String>,
    /// Rename hint from the file; never set by an inspector.
    pub renamed_from: Option<String>,
    /// The sequence behind a serial column, as the database names it (set
    /// by an inspector; a file never names it, so it is not compared).
    pub serial_sequence: Option<String>,
    /// The type as the file or the database spells it, when that is not
    /// the canonical spelling (`DATETIME` for `timestamp`, upper-cased):
    /// SQLite stores only this text, so it declares what was written.
    /// Never compared: a synonym is no change.
    pub declared_type: Option<String>,
    /// PostgreSQL: the column is its table's parent's (`INHERITS`), not
    /// declared by the table itself. Never compared: PostgreSQL merges a
    /// declared column with an inherited one, and no statement tells them
    /// apart.
    pub inherited: bool,
    /// How existing values become `sql_type` when it changes (hint from
    /// the file, used once; never set by an inspector, never compared).
    pub using: Option<Expr>,
    /// What NULLs become when the column turns NOT NULL, or is added NOT
    /// NULL without a default (hint from the file, used once; never set by
    /// an inspector, never compared).
    pub backfill: Option<Expr>,
}

impl Column {
    /// A nullable column of `sql_type`, with nothing else set.
    pub fn new(name: impl Into<String>, sql_type: SqlType) -> Column {
        Column {
            name: name.into(),
            sql_type,
            nullable: true,
            default: None,
            autoincrement: false,
            identity_always: false,
            identity_options: SequenceOptions::default(),
            generated: None,
            generated_virtual: false,
            collation: None,
            charset: None,
            on_update: None,
            comment: None,
            renamed_from: None,
            serial_sequence: None,
            declared_type: None,
            inherited: false,
            using: None,
            backfill: None,
        }
    }

    /// Equality of everything a database stores (ignores the rename hint).
    pub fn same_definition(&self, other: &Column) -> bool {
        self.sql_type == other.sql_type
            && self.nullable == other.nullable
            && self.default == other.default
            && self.autoincrement == other.autoincrement
            && self.identity_always == other.identity_always
            && self.identity_options == other.identity_options
            && self.generated == other.generated
            && self.generated_virtual == other.generated_virtual
            && self.collation.as_deref().map(str::to_ascii_lowercase)
                == other.collation.as_deref().map(str::to_ascii_lowercase)
            && self.on_update == other.on_update
            && self.comment == other.comment
    }
}
