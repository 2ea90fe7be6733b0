//! Secondary indexes.

use super::Expr;

/// An index made with `CREATE INDEX` (the indexes behind keys and unique
/// constraints are part of those).
#[derive(Clone, Debug, Eq)]
#[non_exhaustive]
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
    /// A unique index that counts NULLs as equal (`NULLS NOT DISTINCT`).
    pub nulls_not_distinct: bool,
    /// Storage parameters (`WITH (fillfactor = 70)`), in order.
    pub with: Vec<(String, String)>,
    /// The tablespace, when not the default. Kept when the index is made,
    /// but not managed: it never makes a difference on its own.
    pub tablespace: Option<String>,
    /// Free text about it.
    pub comment: Option<String>,
    /// PostgreSQL: a build that did not finish (a `CREATE INDEX
    /// CONCURRENTLY` that failed or was killed) left it unusable. Set by the
    /// inspector only; such an index never matches a file's, so the next
    /// plan builds it again.
    pub invalid: bool,
    /// MySQL `INVISIBLE` (MariaDB `IGNORED`): kept up to date, but not used
    /// by the optimizer.
    pub invisible: bool,
}

/// Indexes are the same whatever tablespace they live in.
impl PartialEq for Index {
    fn eq(&self, other: &Index) -> bool {
        self.name == other.name
            && self.parts == other.parts
            && self.unique == other.unique
            && self.predicate == other.predicate
            && self.method == other.method
            && self.include == other.include
            && self.nulls_not_distinct == other.nulls_not_distinct
            && self.with == other.with
            && self.comment == other.comment
            && self.invalid == other.invalid
            && self.invisible == other.invisible
    }
}

/// One key of an index.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexPart {
    /// A column or an expression.
    pub key: IndexKey,
    /// Sorted high to low.
    pub descending: bool,
    /// `NULLS FIRST` (`Some(true)`) or `NULLS LAST`, when not the default
    /// for the direction.
    pub nulls_first: Option<bool>,
    /// The key's collation, when not its own (`COLLATE "C"`).
    pub collation: Option<String>,
    /// The operator class, when not the type's default (`gin_trgm_ops`,
    /// `text_pattern_ops`, `jsonb_path_ops`).
    pub opclass: Option<String>,
    /// MySQL: only the first this many characters (or bytes) of the column
    /// are indexed (`name(20)`).
    pub length: Option<u32>,
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
    /// An index of `parts` with nothing else set.
    pub fn new(name: impl Into<String>, parts: Vec<IndexPart>) -> Index {
        Index {
            name: name.into(),
            parts,
            unique: false,
            predicate: None,
            method: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            with: Vec::new(),
            tablespace: None,
            comment: None,
            invalid: false,
            invisible: false,
        }
    }

    /// The plain columns this index covers (expressions are skipped).
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match &p.key {
            IndexKey::Column(c) => Some(c.as_str()),
            IndexKey::Expr(_) => None,
        })
    }
}

impl IndexPart {
    /// An ascending key on `key`, nothing else set.
    pub fn new(key: IndexKey) -> IndexPart {
        IndexPart { key, descending: false, nulls_first: None, collation: None, opclass: None, length: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tablespace_alone_is_no_difference() {
        let index = Index::new("i", vec![IndexPart::new(IndexKey::Column("a".into()))]);
        let elsewhere = Index { tablespace: Some("fast".into()), ..index.clone() };
        assert_eq!(index, elsewhere);
        assert_ne!(index, Index { with: vec![("fillfactor".into(), "70".into())], ..index.clone() });
    }
}
