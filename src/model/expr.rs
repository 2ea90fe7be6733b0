//! SQL expression text (CHECK bodies, index predicates, default expressions)
//! compared by meaning-preserving normal form rather than by spelling.
//!
//! Two expressions are equal when they differ only in whitespace, in the
//! case of keywords and unquoted identifiers, or in redundant outer
//! parentheses. Quoted strings and quoted identifiers are compared exactly.

use std::fmt;

/// An SQL expression as written, compared through [`Expr::key`].
#[derive(Clone, Debug, Default)]
pub struct Expr {
    text: String,
    /// How the server stores `text`, when that was asked: the expression
    /// then compares as this, and SQL still uses `text`.
    stored_as: Option<String>,
}

impl Expr {
    /// The expression `text`, surrounding whitespace removed.
    pub fn new(text: impl Into<String>) -> Expr {
        Expr { text: text.into().trim().to_string(), stored_as: None }
    }

    /// `written` (the file's text, which plans send to the server) that
    /// compares as `stored` (what the server made of it). Sending the
    /// server's own spelling back would not do: PostgreSQL's printed form of
    /// some expressions parses to yet another form, so the live object
    /// would never match.
    pub(crate) fn written_as(written: &Expr, stored: &Expr) -> Expr {
        Expr { text: written.text.clone(), stored_as: Some(stored.compared_text().to_string()) }
    }

    /// What a normaliser gives the differ for the file's `written` text,
    /// which the server stores as `stored`: the live text where the live
    /// object (`live`) is stored the same, so that it compares equal and
    /// keeps its own spelling; else the file's text, comparing as `stored`.
    /// The one rule for "the file's text, the server's spelling of it, the
    /// live text" on every dialect.
    pub(crate) fn spelled(written: &Expr, stored: &Expr, live: Option<&Expr>) -> Expr {
        match live {
            Some(live) if live == stored => live.clone(),
            _ => Expr::written_as(written, stored),
        }
    }

    /// The text as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text it compares as: the server's spelling, when that was asked.
    pub(crate) fn compared_text(&self) -> &str {
        self.stored_as.as_deref().unwrap_or(&self.text)
    }

    /// The normal form used for comparison.
    pub fn key(&self) -> String {
        normalize(self.compared_text())
    }

    /// The text with one layer of enclosing parentheses removed, if the
    /// whole expression is wrapped in them.
    pub fn unwrapped(&self) -> &str {
        strip_outer_parens(&self.text)
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Expr) -> bool {
        // Equal texts need no normal form: the steady state compares many.
        self.compared_text() == other.compared_text() || self.key() == other.key()
    }
}

impl Eq for Expr {}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Removes enclosing parentheses (repeatedly) when they wrap the whole text.
pub(crate) fn strip_outer_parens(text: &str) -> &str {
    let mut text = text.trim();
    while text.starts_with('(') && text.ends_with(')') && closing_paren(text) == Some(text.len() - 1) {
        text = text[1..text.len() - 1].trim();
    }
    text
}

/// Byte index of the parenthesis closing the one at index 0.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' | '`' => quote = Some(c),
                '[' => quote = Some(']'),
                '(' => depth += 1,
                ')' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

fn normalize(text: &str) -> String {
    use crate::sql::lexer::{Kind, tokenize};
    let text = strip_outer_parens(text);
    let mut out = String::with_capacity(text.len());
    let mut previous_wordy = false;
    for token in tokenize(text) {
        let piece = match token.kind {
            Kind::Word => token.text.to_ascii_lowercase(),
            // "score" and score are the same identifier; "Score" is not.
            Kind::QuotedIdent if is_plain_identifier(&token.ident()) => token.ident(),
            _ => token.text.to_string(),
        };
        let wordy = token.kind != Kind::Punct;
        if wordy && previous_wordy {
            out.push(' ');
        }
        previous_wordy = wordy;
        out.push_str(&piece);
    }
    out
}

/// Lower-case names that need no quoting.
fn is_plain_identifier(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_does_not_matter() {
        assert_eq!(Expr::new("score >= 0"), Expr::new("(score>=0)"));
        assert_eq!(Expr::new("length(body) > 0"), Expr::new("LENGTH( body )  >  0"));
        assert_eq!(Expr::new("CURRENT_TIMESTAMP"), Expr::new("(current_timestamp)"));
    }

    #[test]
    fn quoted_text_matters() {
        assert_ne!(Expr::new("status = 'A'"), Expr::new("status = 'a'"));
        assert_ne!(Expr::new("\"Name\" > 0"), Expr::new("\"name\" > 0"));
        assert_eq!(Expr::new("x = 'a  b'").key(), "x='a  b'");
        assert_eq!(Expr::new("\"score\" >= 0"), Expr::new("score >= 0"));
    }

    #[test]
    fn only_enclosing_parens_are_stripped() {
        assert_eq!(strip_outer_parens("(a) + (b)"), "(a) + (b)");
        assert_eq!(strip_outer_parens("((a + b))"), "a + b");
        assert_eq!(strip_outer_parens("(')')"), "')'");
    }
}
