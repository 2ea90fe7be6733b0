//! Secondary indexes.

use super::Expr;

/// An index made with `CREATE INDEX` (the indexes behind keys and unique
/// constraints are part of those).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    /// Its name.
    pub name: String,
    /// Its keys, in order.
    pub parts: Vec<IndexPart>,
    /// Whether it refuses duplicate keys.
    pub unique: bool,
    /// Partial index: only rows meeting this condition are indexed.
    pub predicate: Option<Expr>,
    /// Access method (`btree` when `None`): `gin`, `gist`, `brin`, `hash`.
    pub method: Option<String>,
    /// Non-key columns stored in the index (`INCLUDE`).
    pub include: Vec<String>,
}

/// One key of an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexPart {
    /// A column or an expression.
    pub key: IndexKey,
    /// Sorted high to low.
    pub descending: bool,
    /// `NULLS FIRST` (`Some(true)`) or `NULLS LAST`, when not the default
    /// for the direction.
    pub nulls_first: Option<bool>,
}

/// What an index key is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexKey {
    /// A column, by name.
    Column(String),
    /// An expression (`lower(email)`).
    Expr(Expr),
}

impl Index {
    /// The plain columns this index covers (expressions are skipped).
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match &p.key {
            IndexKey::Column(c) => Some(c.as_str()),
            IndexKey::Expr(_) => None,
        })
    }
}
