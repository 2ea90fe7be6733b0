//! A trigger on a table or view: when it fires, and what it runs (a
//! function on PostgreSQL, a body of statements on SQLite).

use super::Expr;

/// A trigger.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Trigger {
    /// Its name.
    pub name: String,
    /// The table or view it is on.
    pub table: String,
    /// `before`, `after` or `instead of`.
    pub timing: String,
    /// The events, in the order `insert`, `update`, `delete`, `truncate`.
    pub events: Vec<String>,
    /// With an `update` event: the columns whose update fires it (`UPDATE
    /// OF a, b`), in order; empty for any update.
    pub update_of: Vec<String>,
    /// `FOR EACH ROW` rather than `FOR EACH STATEMENT`.
    pub for_each_row: bool,
    /// The `WHEN` condition.
    pub when: Option<Expr>,
    /// PostgreSQL `REFERENCING OLD TABLE AS`.
    pub old_table: Option<String>,
    /// PostgreSQL `REFERENCING NEW TABLE AS`.
    pub new_table: Option<String>,
    /// PostgreSQL: the function it executes.
    pub function: Option<String>,
    /// PostgreSQL: the literal arguments passed to the function.
    pub arguments: Vec<String>,
    /// SQLite: the statements between `BEGIN` and `END`.
    pub body: Option<Expr>,
    /// Free text about it (PostgreSQL).
    pub comment: Option<String>,
    /// The file the body was read from (`sql_file:`), kept so that `fmt`
    /// writes it back as such; not part of what it is.
    pub sql_file: Option<String>,
}

impl PartialEq for Trigger {
    fn eq(&self, other: &Trigger) -> bool {
        (&self.name, &self.table, &self.timing, &self.events, &self.update_of, self.for_each_row, &self.when)
            == (
                &other.name,
                &other.table,
                &other.timing,
                &other.events,
                &other.update_of,
                other.for_each_row,
                &other.when,
            )
            && (&self.old_table, &self.new_table, &self.function, &self.arguments, &self.body, &self.comment)
                == (&other.old_table, &other.new_table, &other.function, &other.arguments, &other.body, &other.comment)
    }
}

impl Eq for Trigger {}

/// The events a trigger may fire on, in the order they are written.
pub const TRIGGER_EVENTS: &[&str] = &["insert", "update", "delete", "truncate"];

impl Trigger {
    /// Whether `other` is the same trigger apart from the comment.
    pub fn same_definition(&self, other: &Trigger) -> bool {
        Trigger { comment: other.comment.clone(), ..self.clone() } == *other
    }
}
