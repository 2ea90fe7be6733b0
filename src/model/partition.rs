//! Partitioned tables (PostgreSQL): the parent says how its rows are split
//! (`PARTITION BY RANGE (at)`), each partition which rows it holds
//! (`FOR VALUES FROM (…) TO (…)`). A partition takes its columns from its
//! parent ([`inherited_column`](super::inherited_column), in `table.rs`).

/// What makes a table a partition of another.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
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
