//! A PostgreSQL extended statistics object (`CREATE STATISTICS`): what the
//! planner learns about several columns of a table together.

/// The kinds PostgreSQL gathers when none are named, in its order.
pub const STATISTICS_KINDS: [&str; 3] = ["ndistinct", "dependencies", "mcv"];

/// Extended statistics on columns of one table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Statistics {
    /// Its name, in its table's schema.
    pub name: String,
    /// The columns, in the table's order (PostgreSQL keeps them so).
    pub columns: Vec<String>,
    /// The kinds gathered, in [`STATISTICS_KINDS`]' order; empty for all.
    pub kinds: Vec<String>,
    /// Free text about it.
    pub comment: Option<String>,
}

impl Statistics {
    /// Statistics of every kind on `columns`.
    pub fn new(name: impl Into<String>, columns: Vec<String>) -> Statistics {
        Statistics { name: name.into(), columns, kinds: Vec::new(), comment: None }
    }

    /// `kinds` in PostgreSQL's order, unknown ones left out; all of them
    /// is the same as none named (empty).
    pub fn canonical_kinds(kinds: &[String]) -> Vec<String> {
        let kinds: Vec<String> =
            STATISTICS_KINDS.iter().filter(|k| kinds.iter().any(|w| w == *k)).map(|k| k.to_string()).collect();
        if kinds.len() == STATISTICS_KINDS.len() { Vec::new() } else { kinds }
    }

    /// Whether `other` gathers the same (its comment aside). The columns
    /// as a set: PostgreSQL keeps them in column-number order, which a
    /// file's column order need not be.
    pub fn same_definition(&self, other: &Statistics) -> bool {
        let sorted = |columns: &[String]| {
            let mut columns = columns.to_vec();
            columns.sort_unstable();
            columns
        };
        sorted(&self.columns) == sorted(&other.columns) && self.kinds == other.kinds
    }
}
