//! Secondary indexes.

use super::Expr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub parts: Vec<IndexPart>,
    pub unique: bool,
    pub predicate: Option<Expr>,
    /// Access method (`btree` when `None`): `gin`, `gist`, `brin`, `hash`.
    pub method: Option<String>,
    /// Non-key columns stored in the index (`INCLUDE`).
    pub include: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexPart {
    pub key: IndexKey,
    pub descending: bool,
    /// `NULLS FIRST` (`Some(true)`) or `NULLS LAST`, when not the default
    /// for the direction.
    pub nulls_first: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexKey {
    Column(String),
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
