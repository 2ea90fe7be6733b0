//! A lexer for SQL DDL text, enough to split CREATE TABLE / CREATE INDEX
//! statements into their parts while keeping each part's original text.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word: keyword or unquoted identifier.
    Word,
    /// `"x"`, `` `x` `` or `[x]`.
    QuotedIdent,
    /// `'x'`, or a blob literal `x'00'`.
    String,
    Number,
    /// Any other single character: `(`, `)`, `,`, operators.
    Punct,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: Kind,
    pub text: &'a str,
    /// Byte range in the source.
    pub start: usize,
    pub end: usize,
}

impl Token<'_> {
    /// Case-insensitive keyword test (quoted identifiers never match).
    pub fn is(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(keyword)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.starts_with(c)
    }

    /// The identifier this token names, unquoted.
    /// The text inside the opening character and, if the input did not end
    /// first, the closing one.
    fn inner(&self, close: char) -> &str {
        let rest = &self.text[1..];
        rest.strip_suffix(close).unwrap_or(rest)
    }

    pub fn ident(&self) -> String {
        match self.kind {
            Kind::QuotedIdent => match self.text.as_bytes()[0] {
                b'"' => self.inner('"').replace("\"\"", "\""),
                b'`' => self.inner('`').replace("``", "`"),
                _ => self.inner(']').to_string(),
            },
            // SQLite accepts 'x' as an identifier in some places.
            Kind::String if self.text.starts_with('\'') => self.inner('\'').replace("''", "'"),
            _ => self.text.to_string(),
        }
    }
}

/// Splits `sql` into tokens, skipping whitespace and comments. Unterminated
/// quotes run to the end of the text rather than failing.
pub(crate) fn tokenize(sql: &str) -> Vec<Token<'_>> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let kind = match c {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'"' | b'`' => {
                i = end_of_quoted(bytes, i, c);
                Kind::QuotedIdent
            }
            b'[' => {
                i = sql[i..].find(']').map_or(bytes.len(), |n| i + n + 1);
                Kind::QuotedIdent
            }
            b'\'' => {
                i = end_of_quoted(bytes, i, b'\'');
                Kind::String
            }
            b'x' | b'X' if bytes.get(i + 1) == Some(&b'\'') => {
                i = end_of_quoted(bytes, i + 1, b'\'');
                Kind::String
            }
            b if b.is_ascii_digit() || (b == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    let exponent_sign =
                        matches!(bytes[i], b'e' | b'E') && matches!(bytes.get(i + 1), Some(b'+' | b'-'));
                    i += if exponent_sign { 2 } else { 1 };
                }
                Kind::Number
            }
            b if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$' || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                i += sql[i..].chars().next().map_or(1, char::len_utf8);
                Kind::Punct
            }
        };
        tokens.push(Token { kind, text: &sql[start..i], start, end: i });
    }
    tokens
}

fn end_of_quoted(bytes: &[u8], open: usize, quote: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// Whether an SQL expression names `identifier` (as a word or a quoted
/// identifier).
pub(crate) fn mentions(sql: &str, identifier: &str) -> bool {
    tokenize(sql).iter().any(|t| match t.kind {
        Kind::Word | Kind::QuotedIdent => t.ident().eq_ignore_ascii_case(identifier),
        _ => false,
    })
}

/// The identifiers an SQL text names (words and quoted identifiers),
/// lower-cased: to ask [`mentions`] of many names at the cost of one pass.
pub(crate) fn identifiers(sql: &str) -> std::collections::HashSet<String> {
    tokenize(sql)
        .iter()
        .filter(|t| matches!(t.kind, Kind::Word | Kind::QuotedIdent))
        .map(|t| t.ident().to_ascii_lowercase())
        .collect()
}

/// Splits tokens at top-level commas (outside parentheses).
pub(crate) fn split_top_level<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, token) in tokens.iter().enumerate() {
        if token.is_punct('(') {
            depth += 1;
        } else if token.is_punct(')') {
            depth -= 1;
        } else if token.is_punct(',') && depth == 0 {
            parts.push(&tokens[start..i]);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        parts.push(&tokens[start..]);
    }
    parts
}

/// Index of the `)` matching the `(` at `open`.
pub(crate) fn matching_paren(tokens: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        if token.is_punct('(') {
            depth += 1;
        } else if token.is_punct(')') {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// The source text spanned by `tokens` (with its original spacing).
pub(crate) fn text_of<'a>(sql: &'a str, tokens: &[Token<'_>]) -> &'a str {
    match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => &sql[first.start..last.end],
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_keep_quotes_and_skip_comments() {
        let sql = "CREATE TABLE \"a\"\"b\" (x INT -- note\n, 'it''s' /* c */ [y z] 1.5e-3)";
        let tokens = tokenize(sql);
        let texts: Vec<&str> = tokens.iter().map(|t| t.text).collect();
        assert_eq!(texts, ["CREATE", "TABLE", "\"a\"\"b\"", "(", "x", "INT", ",", "'it''s'", "[y z]", "1.5e-3", ")"]);
        assert_eq!(tokens[2].ident(), "a\"b");
        assert_eq!(tokens[8].ident(), "y z");
    }

    /// Found by fuzzing: a quote opened at the very end of the text made
    /// `ident` slice out of bounds.
    #[test]
    fn unterminated_quotes_are_not_a_panic() {
        for sql in [
            "\"",
            "`",
            "[",
            "'",
            "x'",
            "a \"b",
            "CREATE TABLE \"t\" (\"idg])::te\" INTEGER NOT NULL CONSTRAINT \"t_pkey\"",
        ] {
            for token in tokenize(sql) {
                let _ = token.ident();
            }
        }
        assert_eq!(tokenize("\"ab").last().unwrap().ident(), "ab");
        assert_eq!(tokenize("[x y").last().unwrap().ident(), "x y");
    }

    #[test]
    fn splits_at_top_level_commas() {
        let sql = "a INT, b NUMERIC(10, 2), CHECK (a IN (1, 2))";
        let tokens = tokenize(sql);
        let parts = split_top_level(&tokens);
        assert_eq!(parts.len(), 3);
        assert_eq!(text_of(sql, parts[1]), "b NUMERIC(10, 2)");
    }
}
