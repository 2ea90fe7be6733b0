//! One step of a plan: the changes it carries out and the operations that
//! do it, each saying what it is, so that no executor has to read SQL text
//! back to find out.

use crate::diff::Change;

/// A group of changes and the operations that carry them out (an SQLite
/// table rebuild carries out several changes at once).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The changes this step makes; empty for a step that only prepares a
    /// later one (e.g. dropping a column that is added back afterwards).
    pub changes: Vec<Change>,
    /// What runs, in order.
    pub operations: Vec<Operation>,
    /// Why the step is done the way it is (e.g. a table rebuild).
    pub note: Option<String>,
}

impl Step {
    /// The SQL of every operation, in order.
    pub fn statements(&self) -> impl Iterator<Item = &str> {
        self.operations.iter().map(Operation::sql)
    }
}

/// One statement of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Operation {
    /// A statement run as it is.
    Sql(String),
    /// A table rebuild's row copy (`INSERT INTO target … SELECT … FROM
    /// source`): the statement that may run for a long time, and whose
    /// progress can be reported.
    CopyRows {
        /// The table the rows are read from.
        source: String,
        /// The scratch table they are copied into.
        target: String,
        /// The statement.
        sql: String,
    },
    /// A statement that cannot run in a transaction, or must not hold its
    /// locks for the whole of one (`--online`: `CREATE INDEX
    /// CONCURRENTLY`): run on its own after the plan's transaction commits,
    /// in plan order.
    AfterCommit(String),
}

impl Operation {
    /// The statement's SQL.
    pub fn sql(&self) -> &str {
        match self {
            Operation::Sql(sql) | Operation::CopyRows { sql, .. } | Operation::AfterCommit(sql) => sql,
        }
    }

    /// Whether it runs after the plan's transaction commits.
    pub fn after_commit(&self) -> bool {
        matches!(self, Operation::AfterCommit(_))
    }
}

/// A verification an apply runs after every statement and before it
/// commits; a failure rolls the whole apply back.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlanCheck {
    /// Every row of the table has its foreign keys' parent rows (needed
    /// where the plan ran with enforcement off, as SQLite rebuilds do).
    ForeignKeys {
        /// The table whose rows are checked.
        table: String,
    },
}
