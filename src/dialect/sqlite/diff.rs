//! SQLite's rules for the differ: none. What SQLite cannot alter in place,
//! its planner rebuilds, so every difference is a change in place.

use super::session::Sqlite;
use crate::diff::DiffHooks;

/// SQLite needs none of the differ's special cases: what it cannot alter in
/// place, the planner rebuilds.
impl DiffHooks for Sqlite {}
