//! MySQL's rules for the differ.

use super::session::Mysql;
use crate::diff::DiffHooks;
use crate::model::Column;

impl DiffHooks for Mysql {
    /// A generated column's expression or kind cannot be altered in place.
    fn recreates_column(&self, from: &Column, to: &Column, _retyped: &[&str]) -> bool {
        (from.generated.is_some() || to.generated.is_some())
            && (from.generated != to.generated || from.generated_virtual != to.generated_virtual)
    }
}
