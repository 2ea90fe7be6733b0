//! Conventional names for implicit constraints, as PostgreSQL chooses them
//! (`users_pkey`, `users_email_key`, `posts_author_id_fkey`,
//! `posts_score_check`). Files and inspectors both use them, so a constraint
//! declared in short form on a column compares equal to the same constraint
//! read back from a database.

pub(crate) fn primary_key(table: &str) -> String {
    format!("{}_pkey", bare(table))
}

pub(crate) fn unique(table: &str, columns: &[String]) -> String {
    format!("{}_{}_key", bare(table), columns.join("_"))
}

pub(crate) fn foreign_key(table: &str, columns: &[String]) -> String {
    format!("{}_{}_fkey", bare(table), columns.join("_"))
}

pub(crate) fn check(table: &str, column: &str) -> String {
    format!("{}_{column}_check", bare(table))
}

/// Name of the n-th (0-based) unnamed table-level check.
pub(crate) fn table_check(table: &str, n: usize) -> String {
    match n {
        0 => format!("{}_check", bare(table)),
        n => format!("{}_check{n}", bare(table)),
    }
}

/// The sequence a serial column gets (`users_id_seq`), unqualified.
pub(crate) fn serial_sequence(table: &str, column: &str) -> String {
    format!("{}_{column}_seq", bare(table))
}

/// The sequence a serial column gets, in its table's schema
/// (`billing.invoices` → `billing.invoices_id_seq`).
pub(crate) fn serial_sequence_in_schema(table: &str, column: &str) -> String {
    match table.split_once('.') {
        Some((schema, _)) => format!("{schema}.{}", serial_sequence(table, column)),
        None => serial_sequence(table, column),
    }
}

/// The unqualified part of a possibly schema-qualified name
/// (`billing.invoices` → `invoices`): what SQL text names it by.
pub(crate) fn bare(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, n)| n)
}
