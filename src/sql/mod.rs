//! SQL text helpers shared by every dialect: identifier quoting (here) and
//! a small lexer (`lexer.rs`) for reading back DDL that catalogs only give
//! as text.

pub(crate) mod lexer;

/// `name` as a double-quoted identifier; inner quotes are doubled, so any
/// name (spaces, quotes, reserved words, SQL fragments) is one identifier.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` as a single-quoted string literal.
pub(crate) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Comma-separated quoted identifiers.
pub(crate) fn ident_list(names: &[String]) -> String {
    names.iter().map(|n| quote_ident(n)).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_quotes() {
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
