//! A table: columns, keys, constraints and indexes.

use super::{
    Check, Column, DefaultValue, Exclusion, ForeignKey, Index, Partition, Policy, PrimaryKey, Statistics, Unique,
    naming,
};
use indexmap::IndexMap;

/// A table: its columns, keys, constraints and indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Table {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// Columns by name, in order.
    pub columns: IndexMap<String, Column>,
    /// The primary key, if any.
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints by name.
    pub uniques: IndexMap<String, Unique>,
    /// Check constraints by name.
    pub checks: IndexMap<String, Check>,
    /// Foreign keys by name.
    pub foreign_keys: IndexMap<String, ForeignKey>,
    /// Exclusion constraints (PostgreSQL) by name.
    pub exclusions: IndexMap<String, Exclusion>,
    /// Indexes by name.
    pub indexes: IndexMap<String, Index>,
    /// PostgreSQL extended statistics by name.
    pub statistics: IndexMap<String, Statistics>,
    /// Free text about it.
    pub comment: Option<String>,
    /// SQLite `STRICT`: values must have the column's type.
    pub strict: bool,
    /// SQLite `WITHOUT ROWID`: stored by its primary key.
    pub without_rowid: bool,
    /// PostgreSQL: how a partitioned table splits its rows, as after
    /// `PARTITION BY` (`RANGE (at)`, `LIST (lower(region))`, `HASH (id)`).
    pub partition_by: Option<String>,
    /// PostgreSQL: the table it inherits from (`INHERITS (parent)`): it has
    /// the parent's columns (first, marked [`Column::inherited`]) and
    /// checks, and a change to them is made on the parent and reaches it.
    pub inherits: Option<String>,
    /// PostgreSQL: the table it is a partition of, and which rows it holds.
    pub partition_of: Option<Partition>,
    /// PostgreSQL `UNLOGGED`: not written to the write-ahead log, so
    /// emptied after a crash and not replicated.
    pub unlogged: bool,
    /// PostgreSQL storage parameters (`WITH (fillfactor = 50)`), by
    /// lower-case name (`toast.` ones for its TOAST table), each value as
    /// [`storage_value`] spells it; in the order written, which equality
    /// ignores.
    pub storage: IndexMap<String, String>,
    /// PostgreSQL row level security: `None` (off), `enabled`, or `forced`
    /// (the owner too).
    pub row_level_security: Option<String>,
    /// PostgreSQL row level security policies by name.
    pub policies: IndexMap<String, Policy>,
    /// MySQL: the storage engine, when not the server's default (`MyISAM`).
    pub engine: Option<String>,
    /// MySQL: the row format, when one is declared (`COMPRESSED`).
    pub row_format: Option<String>,
    /// MySQL: the default collation of its text columns, when not the
    /// database's.
    pub collation: Option<String>,
    /// MySQL: its character set, as the file says it (see
    /// [`Column::charset`]).
    pub charset: Option<String>,
    /// Rename hint from the file; never set by an inspector.
    pub renamed_from: Option<String>,
}

impl Table {
    /// An empty table.
    pub fn new(name: impl Into<String>) -> Table {
        Table { name: name.into(), ..Table::default() }
    }

    /// Whether `column` is (part of) the primary key.
    pub fn is_primary_key_column(&self, column: &str) -> bool {
        self.primary_key.as_ref().is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    }
}

/// A storage parameter's value in one spelling, so the file's `false` or
/// `0.10` and the server's `off` or `0.1` compare equal: booleans (in any
/// spelling PostgreSQL takes, for the parameters that are booleans) as
/// `true`/`false`, numbers without a `+`, trailing zeros or a trailing
/// point, anything else in lower case.
pub fn storage_value(name: &str, value: &str) -> String {
    let value = value.trim().to_ascii_lowercase();
    let boolean = ["autovacuum_enabled", "vacuum_truncate", "user_catalog_table"]
        .iter()
        .any(|b| name.rsplit('.').next() == Some(*b));
    if boolean {
        match value.as_str() {
            "t" | "tr" | "tru" | "true" | "y" | "ye" | "yes" | "on" | "1" => return "true".into(),
            "f" | "fa" | "fal" | "fals" | "false" | "n" | "no" | "of" | "off" | "0" => return "false".into(),
            _ => {}
        }
    }
    let digits = value.strip_prefix('+').unwrap_or(&value);
    let numeric = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !numeric {
        return value;
    }
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if fraction.is_empty() { whole.to_string() } else { format!("{whole}.{fraction}") }
}

/// The column a partition made with `PARTITION OF` gets from its parent's
/// `column`: the same type, default, nullability, collation and generated
/// expression; a serial column's integer type reading the parent's
/// sequence; no comment.
pub fn inherited_column(parent: &Table, column: &Column) -> Column {
    let mut inherited = column.clone();
    if column.sql_type.is_serial() {
        let sequence = column
            .serial_sequence
            .clone()
            .unwrap_or_else(|| naming::serial_sequence_in_schema(&parent.name, &column.name));
        let quoted: Vec<String> = sequence.split('.').map(regclass_part).collect();
        inherited.sql_type = column.sql_type.without_serial();
        inherited.default = DefaultValue::from_sql(&format!("nextval('{}'::regclass)", quoted.join(".")));
    }
    inherited.comment = None;
    inherited.renamed_from = None;
    inherited.serial_sequence = None;
    inherited
}

/// The column a table made with `INHERITS (parent)` gets from the parent's
/// `column`: as a partition's ([`inherited_column`]), but an identity is
/// not inherited (the column is plain, NOT NULL).
pub fn inheriting_column(parent: &Table, column: &Column) -> Column {
    let mut inherited = inherited_column(parent, column);
    inherited.autoincrement = false;
    inherited.identity_always = false;
    inherited.identity_options = Default::default();
    inherited.inherited = true;
    inherited
}

/// A name as PostgreSQL prints it in a `regclass` literal: quoted unless
/// plain lower case.
fn regclass_part(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain { name.to_string() } else { format!("\"{}\"", name.replace('"', "\"\"")).replace('\'', "''") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SqlType;

    #[test]
    fn storage_values_compare_in_one_spelling() {
        assert_eq!(storage_value("autovacuum_enabled", "OFF"), "false");
        assert_eq!(storage_value("toast.autovacuum_enabled", "yes"), "true");
        assert_eq!(storage_value("fillfactor", "050"), "50");
        assert_eq!(storage_value("autovacuum_vacuum_scale_factor", "0.10"), "0.1");
        assert_eq!(storage_value("autovacuum_vacuum_scale_factor", ".5"), "0.5");
        assert_eq!(storage_value("vacuum_index_cleanup", "AUTO"), "auto");
        assert_eq!(storage_value("fillfactor", "1"), "1");
    }

    #[test]
    fn a_serial_column_is_inherited_as_its_integer_reading_the_parent_sequence() {
        let parent = Table::new("Logs");
        let inherited = inherited_column(&parent, &Column::new("id", SqlType::Other("bigserial".into())));
        assert_eq!(inherited.sql_type, SqlType::BigInt);
        assert_eq!(inherited.default, DefaultValue::from_sql("nextval('\"Logs_id_seq\"'::regclass)"));
    }
}
