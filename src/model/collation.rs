//! A PostgreSQL collation of the schema's own (`CREATE COLLATION`).

/// A collation: how text sorts and compares, from a C library locale or an
/// ICU one.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Collation {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// `libc` or `icu`.
    pub provider: String,
    /// The locale: the ICU one, or the C library's when sorting and
    /// character classes use the same one.
    pub locale: Option<String>,
    /// The C library's locale for sorting, when not `locale`.
    pub lc_collate: Option<String>,
    /// The C library's locale for character classes, when not `locale`.
    pub lc_ctype: Option<String>,
    /// `false`: strings that compare equal need not be byte-wise equal
    /// (case- or accent-insensitive ICU collations).
    pub deterministic: bool,
    /// Free text about it.
    pub comment: Option<String>,
}

impl Collation {
    /// A collation of `provider` for `locale`, deterministic.
    pub fn new(name: impl Into<String>, provider: impl Into<String>, locale: impl Into<String>) -> Collation {
        Collation {
            name: name.into(),
            provider: provider.into(),
            locale: Some(locale.into()),
            lc_collate: None,
            lc_ctype: None,
            deterministic: true,
            comment: None,
        }
    }

    /// Whether `other` sorts and compares as this one does (its comment
    /// aside): if not, it must be made again.
    pub fn same_definition(&self, other: &Collation) -> bool {
        Collation { comment: None, ..self.clone() } == Collation { comment: None, ..other.clone() }
    }

    /// The same collation with a C library locale pair written as one
    /// `locale` when both halves are the same: one spelling for the file
    /// and the catalog.
    pub fn canonical(mut self) -> Collation {
        if self.locale.is_none() && self.lc_collate.is_some() && self.lc_collate == self.lc_ctype {
            self.locale = self.lc_collate.take();
            self.lc_ctype = None;
        }
        self
    }
}
