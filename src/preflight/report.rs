//! What a data check is ([`DataCheck`]) and what running it found
//! ([`DataCheckReport`]), worded the way the plan shows it and as the JSON
//! plan holds it.

use std::fmt;

/// What a data check looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataCheckKind {
    /// NULLs in a column that becomes NOT NULL.
    NotNull,
    /// Rows of a table that gains a NOT NULL column without a default.
    NewNotNullColumn,
    /// Duplicates under a new primary key.
    PrimaryKey,
    /// Duplicates under a new unique constraint.
    Unique,
    /// Duplicates under a new unique index.
    UniqueIndex,
    /// Rows a new check constraint refuses.
    Check,
    /// Rows a new foreign key finds no parent for.
    ForeignKey,
    /// Values that do not convert to a column's new type.
    Conversion,
    /// Rows that use an enum label the plan removes.
    EnumLabel,
}

impl DataCheckKind {
    /// The name in the JSON plan: `not_null`, `unique`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            DataCheckKind::NotNull => "not_null",
            DataCheckKind::NewNotNullColumn => "new_not_null_column",
            DataCheckKind::PrimaryKey => "primary_key",
            DataCheckKind::Unique => "unique",
            DataCheckKind::UniqueIndex => "unique_index",
            DataCheckKind::Check => "check",
            DataCheckKind::ForeignKey => "foreign_key",
            DataCheckKind::Conversion => "conversion",
            DataCheckKind::EnumLabel => "enum_label",
        }
    }
}

/// A query over a live table that counts the rows a change would fail on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataCheck {
    /// What it looks for.
    pub kind: DataCheckKind,
    /// The table (as the file names it).
    pub table: String,
    /// What is checked: `NOT NULL on users.email`.
    pub subject: String,
    /// The end of the sentence that reports failing rows: `of users have
    /// NULL in email`.
    pub(crate) failure: String,
    /// What the examples are: `id`, `(a, b)`, `email`.
    pub(crate) example_label: String,
    /// Rows come in groups (duplicates): the first column counts groups,
    /// the second rows, the third the rows of each group.
    pub(crate) grouped: bool,
    /// A cheaper query whose success means that no row fails.
    pub(crate) probe: Option<String>,
    /// Statements `query` needs first, undone after the check.
    pub(crate) setup: Vec<String>,
    /// The counting query, or why there is none for this plan (the check
    /// is then reported as not run).
    pub(crate) query: Result<String, String>,
}

/// How a data check came out.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataCheckStatus {
    /// No row breaks the change.
    Passed,
    /// Rows break it.
    Failed {
        /// How many rows.
        rows: u64,
        /// For duplicates: how many distinct duplicated values.
        groups: Option<u64>,
        /// Up to five examples: key values of failing rows, or duplicated
        /// values with their number of rows.
        examples: Vec<String>,
    },
    /// The check ran out of its time: whether rows break the change is not
    /// known (an apply then stops, unless data checks are skipped).
    Unknown {
        /// Why.
        reason: String,
    },
    /// The check could not be run before the plan's statements (it reads
    /// a column the plan adds, or its query failed): the database still
    /// refuses rows the change cannot take when the statement runs, and
    /// the apply then rolls back. It does not stop an apply.
    NotRun {
        /// Why.
        reason: String,
    },
}

/// A data check and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataCheckReport {
    /// The check.
    pub check: DataCheck,
    /// What it found.
    pub status: DataCheckStatus,
}

impl DataCheckReport {
    /// `✓`, `✗`, `?` or `-`.
    pub fn marker(&self) -> char {
        match self.status {
            DataCheckStatus::Passed => '✓',
            DataCheckStatus::Failed { .. } => '✗',
            DataCheckStatus::Unknown { .. } => '?',
            DataCheckStatus::NotRun { .. } => '-',
        }
    }

    /// Whether it stops an apply: rows break the change, or the check ran
    /// out of time.
    pub fn blocks(&self) -> bool {
        matches!(self.status, DataCheckStatus::Failed { .. } | DataCheckStatus::Unknown { .. })
    }

    /// The report as JSON (one entry of the plan's `data_checks`).
    pub fn to_json(&self) -> serde_json::Value {
        let (status, rows, groups, examples, reason) = match &self.status {
            DataCheckStatus::Passed => ("passed", Some(0), None, Vec::new(), None),
            DataCheckStatus::Failed { rows, groups, examples } => {
                ("failed", Some(*rows), *groups, examples.clone(), None)
            }
            DataCheckStatus::Unknown { reason } => ("unknown", None, None, Vec::new(), Some(reason.clone())),
            DataCheckStatus::NotRun { reason } => ("not_run", None, None, Vec::new(), Some(reason.clone())),
        };
        serde_json::json!({
            "kind": self.check.kind.as_str(),
            "table": self.check.table,
            "subject": self.check.subject,
            "status": status,
            "rows": rows,
            "groups": groups,
            "examples": examples,
            "reason": reason,
            "description": self.to_string(),
        })
    }
}

impl fmt::Display for DataCheckReport {
    /// `✗ 3 rows of users have NULL in email (id 17, 42, 98)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let check = &self.check;
        match &self.status {
            DataCheckStatus::Passed => write!(f, "✓ {}: no row fails it", check.subject),
            DataCheckStatus::Unknown { reason } => write!(f, "? {}: not known, {reason}", check.subject),
            DataCheckStatus::NotRun { reason } => {
                write!(
                    f,
                    "- {}: not checked beforehand ({reason}); the database checks it as the statement runs",
                    check.subject
                )
            }
            DataCheckStatus::Failed { rows, groups, examples } => {
                let row_word = if *rows == 1 { "row" } else { "rows" };
                let failure = if *rows == 1 { singular(&check.failure) } else { check.failure.clone() };
                write!(f, "✗ {rows} {row_word} {failure}")?;
                if let Some(groups) = groups {
                    let more = if (*groups as usize) > examples.len() { ", …" } else { "" };
                    let values = if *groups == 1 { "value" } else { "values" };
                    return write!(f, " ({groups} duplicated {values}: {}{more})", examples.join(", "));
                }
                if !examples.is_empty() {
                    let more = if (*rows as usize) > examples.len() && !check.grouped { ", …" } else { "" };
                    let label = if check.example_label.is_empty() {
                        String::new()
                    } else {
                        format!("{} ", check.example_label)
                    };
                    write!(f, " ({label}{}{more})", examples.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// `of users have NULL` as `of users has NULL`.
fn singular(failure: &str) -> String {
    if failure.contains(" would have ") {
        return failure.to_string();
    }
    for (plural, one) in [(" have ", " has "), (" violate ", " violates "), (" use ", " uses ")] {
        if let Some(i) = failure.find(plural) {
            return format!("{}{one}{}", &failure[..i], &failure[i + plural.len()..]);
        }
    }
    failure.to_string()
}
