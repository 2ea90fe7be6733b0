//! An aggregate function (PostgreSQL) of the simple kind applications
//! write: a state type, a transition function, optionally a final
//! function and an initial state.

use super::SqlType;

/// An aggregate, matched by name and argument types.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Aggregate {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// Its argument types, in order.
    pub arguments: Vec<SqlType>,
    /// The transition function (`SFUNC`).
    pub sfunc: String,
    /// The state type (`STYPE`).
    pub stype: SqlType,
    /// The final function (`FINALFUNC`).
    pub finalfunc: Option<String>,
    /// The initial state (`INITCOND`), as text.
    pub initcond: Option<String>,
    /// Free text about it.
    pub comment: Option<String>,
}

impl Aggregate {
    /// `name(type, type)`: what it is matched and dropped by.
    pub fn key(&self) -> String {
        let types: Vec<String> = self.arguments.iter().map(ToString::to_string).collect();
        format!("{}({})", self.name, types.join(", "))
    }
}
