//! Partitioned tables (PostgreSQL): the parent says how its rows are split
//! (`PARTITION BY RANGE (at)`), each partition which rows it holds
//! (`FOR VALUES FROM (…) TO (…)`), and a partition takes its columns from
//! its parent.

use super::{Column, DefaultValue, Table, naming};

/// What makes a table a partition of another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    /// The partitioned table it belongs to.
    pub parent: String,
    /// Which rows it holds, as after `FOR VALUES` (`FROM ('2026-01-01') TO
    /// ('2026-02-01')`, `IN ('a', 'b')`, `WITH (modulus 4, remainder 0)`),
    /// or `DEFAULT`.
    pub bound: String,
}

impl Partition {
    /// `bound` as it follows `PARTITION OF parent`.
    pub fn bound_clause(&self) -> String {
        if self.bound.eq_ignore_ascii_case("default") { "DEFAULT".into() } else { format!("FOR VALUES {}", self.bound) }
    }
}

/// The column a partition made with `PARTITION OF` gets from its parent's
/// `column`: the same type, default, nullability, collation and generated
/// expression; a serial column's integer type reading the parent's
/// sequence; no comment.
pub fn inherited_column(parent: &Table, column: &Column) -> Column {
    let mut inherited = column.clone();
    if column.sql_type.is_serial() {
        let sequence = column.serial_sequence.clone().unwrap_or_else(|| {
            let name = naming::serial_sequence(&parent.name, &column.name);
            match parent.name.split_once('.') {
                Some((schema, _)) => format!("{schema}.{name}"),
                None => name,
            }
        });
        let quoted: Vec<String> = sequence.split('.').map(regclass_part).collect();
        inherited.sql_type = column.sql_type.without_serial();
        inherited.default = DefaultValue::from_sql(&format!("nextval('{}'::regclass)", quoted.join(".")));
    }
    inherited.comment = None;
    inherited.renamed_from = None;
    inherited.serial_sequence = None;
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
    fn a_serial_column_is_inherited_as_its_integer_reading_the_parent_sequence() {
        let parent = Table::new("Logs");
        let inherited = inherited_column(&parent, &Column::new("id", SqlType::Other("bigserial".into())));
        assert_eq!(inherited.sql_type, SqlType::BigInt);
        assert_eq!(inherited.default, DefaultValue::from_sql("nextval('\"Logs_id_seq\"'::regclass)"));
    }
}
