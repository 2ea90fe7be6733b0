//! PostgreSQL's rules for the differ.

use super::session::Postgres;
use crate::diff::DiffHooks;
use crate::model::{Column, DefaultValue, Expr, Literal, Schema};
use crate::sql::lexer::mentions;
use crate::sql::quote_literal;

impl DiffHooks for Postgres {
    /// PostgreSQL refuses a label added by `ALTER TYPE … ADD VALUE` until
    /// the transaction that added it commits, and a plan is one: a label
    /// the schema already uses (a default, a check) recreates the type.
    fn adds_enum_labels_in_place(&self, _name: &str, added: &[&str], desired: &Schema) -> bool {
        !added.iter().any(|label| uses_label(desired, label))
    }

    /// PostgreSQL before 17 cannot change a generated column's expression,
    /// and refuses to retype a column a generated column reads: such a
    /// generated column is dropped and added again.
    fn recreates_column(&self, from: &Column, to: &Column, retyped: &[&str]) -> bool {
        from.generated != to.generated
            || to.generated.as_ref().is_some_and(|g| retyped.iter().any(|r| mentions(g.as_str(), r)))
    }

    /// `ALTER COLUMN … TYPE` re-parses the stored text of what reads the
    /// column, and that text can parse to another stored form than the one
    /// written (`amount IN ('a', 'b')` on a varchar comes back as
    /// `ARRAY[('a'::character varying)::text, …]`): the plan would not
    /// converge. The table is rewritten or its checks re-validated anyway.
    fn remakes_expressions_on_retype(&self) -> bool {
        true
    }

    fn replaces_views(&self) -> bool {
        true
    }

    fn replaces_triggers(&self) -> bool {
        true
    }
}

/// Whether a default, check, index predicate or generated expression of
/// `schema` holds the string `label`.
fn uses_label(schema: &Schema, label: &str) -> bool {
    let quoted = quote_literal(label);
    let in_expr = |e: &Expr| e.as_str().contains(&quoted);
    schema.tables.values().any(|table| {
        table.columns.values().any(|c| {
            c.generated.as_ref().is_some_and(in_expr)
                || match &c.default {
                    Some(DefaultValue::Literal(Literal::Text(text))) => text == label,
                    Some(DefaultValue::Expr(e)) => in_expr(e),
                    _ => false,
                }
        }) || table.checks.values().any(|c| in_expr(&c.expr))
            || table.indexes.values().any(|i| i.predicate.as_ref().is_some_and(in_expr))
    })
}
