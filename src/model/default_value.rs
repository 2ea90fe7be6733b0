//! Column defaults: a literal value, or an SQL expression.
//!
//! Whatever the source (a YAML scalar, `{ sql: ... }`, a catalog's default
//! text), a default that is really a plain literal becomes a
//! [`Literal`], so `default: 0` and `default: { sql: "0" }` and SQLite's
//! stored `0` are all the same value.

use super::expr::{Expr, strip_outer_parens};
use std::fmt;

/// A column's default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// A constant value.
    Literal(Literal),
    /// An SQL expression evaluated for each new row (`CURRENT_TIMESTAMP`).
    Expr(Expr),
}

/// A constant value.
#[derive(Clone, Debug)]
pub enum Literal {
    /// `TRUE` or `FALSE`.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// Kept as text so that the exact digits round-trip; compared as numbers.
    Float(String),
    /// A string.
    Text(String),
}

impl PartialEq for Literal {
    fn eq(&self, other: &Literal) -> bool {
        match (self, other) {
            (Literal::Bool(a), Literal::Bool(b)) => a == b,
            (Literal::Int(a), Literal::Int(b)) => a == b,
            (Literal::Float(a), Literal::Float(b)) => match (plain_decimal(a), plain_decimal(b)) {
                // Exactly, digit by digit: a decimal(31,30) default differs
                // past what a double holds.
                (Some(a), Some(b)) => a == b,
                _ => a.parse::<f64>().ok() == b.parse::<f64>().ok(),
            },
            (Literal::Text(a), Literal::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for Literal {}

/// A number written without exponent, as (negative, whole digits, fraction
/// digits) with the zeros that do not count left out; `None` otherwise.
fn plain_decimal(text: &str) -> Option<(bool, &str, &str)> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.is_empty() && fraction.is_empty() || !(whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (whole, fraction) = (whole.trim_start_matches('0'), fraction.trim_end_matches('0'));
    let zero = whole.is_empty() && fraction.is_empty();
    Some((negative && !zero, whole, fraction))
}

impl DefaultValue {
    /// Classifies SQL default text. `None` for `NULL`, which is the same as
    /// having no default.
    pub fn from_sql(text: &str) -> Option<DefaultValue> {
        let inner = strip_outer_parens(text);
        if inner.eq_ignore_ascii_case("null") {
            return None;
        }
        Some(match parse_literal(inner).or_else(|| parse_cast_literal(inner)) {
            Some(literal) => DefaultValue::Literal(literal),
            None => DefaultValue::Expr(Expr::new(inner)),
        })
    }

    /// True for defaults SQLite's `ALTER TABLE ADD COLUMN` accepts.
    pub fn is_literal(&self) -> bool {
        matches!(self, DefaultValue::Literal(_))
    }
}

impl fmt::Display for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Literal(literal) => write!(f, "{literal}"),
            DefaultValue::Expr(expr) => write!(f, "{expr}"),
        }
    }
}

impl fmt::Display for Literal {
    /// Standard SQL spelling of the literal.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Bool(true) => f.write_str("TRUE"),
            Literal::Bool(false) => f.write_str("FALSE"),
            Literal::Int(n) => write!(f, "{n}"),
            Literal::Float(text) => f.write_str(text),
            Literal::Text(text) => write!(f, "'{}'", text.replace('\'', "''")),
        }
    }
}

/// PostgreSQL's spelling of a literal default: `'active'::text`,
/// `'-1'::integer`, `'x'::character varying`. The cast is the column's own
/// type, so the value alone says the same thing.
fn parse_cast_literal(text: &str) -> Option<Literal> {
    let (value, cast) = text.rsplit_once("::")?;
    let cast = cast.trim().trim_matches('"');
    if cast.is_empty()
        || !cast.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '(' | ')' | ',' | '.'))
    {
        return None;
    }
    match parse_literal(strip_outer_parens(value))? {
        Literal::Text(inner) if is_numeric_type(cast) => {
            parse_literal(&inner).filter(|l| matches!(l, Literal::Int(_) | Literal::Float(_)))
        }
        Literal::Text(inner) if cast == "boolean" => match inner.as_str() {
            "true" | "t" => Some(Literal::Bool(true)),
            "false" | "f" => Some(Literal::Bool(false)),
            _ => None,
        },
        literal => Some(literal),
    }
}

fn is_numeric_type(name: &str) -> bool {
    let base = name.split('(').next().unwrap_or(name).trim();
    matches!(base, "integer" | "bigint" | "smallint" | "numeric" | "real" | "double precision")
}

fn parse_literal(text: &str) -> Option<Literal> {
    if text.eq_ignore_ascii_case("true") {
        return Some(Literal::Bool(true));
    }
    if text.eq_ignore_ascii_case("false") {
        return Some(Literal::Bool(false));
    }
    if let Some(body) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        // A single string literal: every inner quote must be doubled.
        if !body.replace("''", "").contains('\'') {
            return Some(Literal::Text(body.replace("''", "'")));
        }
        return None;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return text.trim_start_matches('+').parse::<i64>().ok().map(Literal::Int);
    }
    let looks_numeric = !unsigned.is_empty()
        && unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned.as_bytes()[0] != b'e';
    if looks_numeric && text.parse::<f64>().is_ok_and(f64::is_finite) {
        return Some(Literal::Float(text.trim_start_matches('+').to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_digit_by_digit() {
        let float = |text: &str| Literal::Float(text.into());
        assert_eq!(float("1.50"), float("1.5"));
        assert_eq!(float("-0.0"), float("0.00"));
        assert_eq!(float("+2.5"), float("2.50"));
        assert_ne!(float("0.123456789012345678901234567891"), float("0.123456789012345678901234567890"));
        assert_eq!(float("1e3"), float("1000.0"));
    }

    #[test]
    fn literals_are_recognised() {
        assert_eq!(DefaultValue::from_sql("0"), Some(DefaultValue::Literal(Literal::Int(0))));
        assert_eq!(DefaultValue::from_sql("(-12)"), Some(DefaultValue::Literal(Literal::Int(-12))));
        assert_eq!(DefaultValue::from_sql("'it''s'"), Some(DefaultValue::Literal(Literal::Text("it's".into()))));
        assert_eq!(DefaultValue::from_sql("TRUE"), Some(DefaultValue::Literal(Literal::Bool(true))));
        assert_eq!(DefaultValue::from_sql("1.50"), Some(DefaultValue::Literal(Literal::Float("1.5".into()))));
        assert_eq!(DefaultValue::from_sql("NULL"), None);
    }

    #[test]
    fn postgres_casts_of_literals_are_literals() {
        let text = |s: &str| Some(DefaultValue::Literal(Literal::Text(s.into())));
        assert_eq!(DefaultValue::from_sql("'active'::text"), text("active"));
        assert_eq!(DefaultValue::from_sql("'x'::character varying"), text("x"));
        assert_eq!(DefaultValue::from_sql("'-1'::integer"), Some(DefaultValue::Literal(Literal::Int(-1))));
        assert_eq!(DefaultValue::from_sql("'{}'::jsonb"), text("{}"));
        assert!(matches!(DefaultValue::from_sql("nextval('t_id_seq'::regclass)"), Some(DefaultValue::Expr(_))));
        assert!(matches!(DefaultValue::from_sql("('now'::text)::date"), Some(DefaultValue::Expr(_))));
    }

    #[test]
    fn expressions_stay_expressions() {
        for text in ["CURRENT_TIMESTAMP", "datetime('now')", "'a' || 'b'", "1 + 2", "e5"] {
            assert!(matches!(DefaultValue::from_sql(text), Some(DefaultValue::Expr(_))), "{text}");
        }
    }

    #[test]
    fn display_quotes_text() {
        assert_eq!(Literal::Text("it's".into()).to_string(), "'it''s'");
    }
}
