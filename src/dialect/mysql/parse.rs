//! Reading the SQL text MySQL and MariaDB print: the expressions of a
//! `SHOW CREATE TABLE` (a temporary table's, to learn how the server stores
//! the file's), and quotes inside strings as MariaDB writes them.

use std::collections::HashMap;

/// An expression as MariaDB prints it, with a quote inside a string written
/// `''` rather than `\'`: the same expression to MySQL, and one the file's
/// SQL reader (standard quoting) reads as one.
pub(super) fn standard_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut quoted: Option<char> = None;
    while let Some(c) = chars.next() {
        match quoted {
            Some('\'') if c == '\\' => match chars.next() {
                Some('\'') => out.push_str("''"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            Some(q) if c == q => {
                quoted = None;
                out.push(c);
            }
            Some(_) => out.push(c),
            None => {
                if matches!(c, '\'' | '"' | '`') {
                    quoted = Some(c);
                }
                out.push(c);
            }
        }
    }
    out
}

/// A string literal as MariaDB reports a default: quoted, a quote written
/// `\'` or `''`, backslash escapes.
pub(super) fn mariadb_string(text: &str) -> Option<String> {
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(match chars.next()? {
                '0' => '\0',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'Z' => '\u{1a}',
                'b' => '\u{8}',
                other => other,
            }),
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            // A lone quote inside: not one literal.
            '\'' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// The expressions of a SHOW CREATE TABLE text.
#[derive(Debug, Default)]
pub(super) struct Spelled {
    pub(super) checks: HashMap<String, String>,
    pub(super) generated: HashMap<String, String>,
    pub(super) defaults: HashMap<String, String>,
}

pub(super) fn parse_show_create(text: &str) -> Spelled {
    let mut spelled = Spelled::default();
    for line in text.lines().map(str::trim) {
        let line = line.strip_suffix(',').unwrap_or(line);
        if let Some(rest) = line.strip_prefix("CONSTRAINT ") {
            let Some((name, rest)) = backquoted(rest) else { continue };
            if let Some(body) = rest.trim_start().strip_prefix("CHECK ")
                && let Some(expr) = parenthesised(body)
            {
                spelled.checks.insert(name, expr.to_string());
            }
        } else if line.starts_with('`') {
            let Some((name, rest)) = backquoted(line) else { continue };
            if let Some(at) = find_top_level(rest, " GENERATED ALWAYS AS ")
                && let Some(expr) = parenthesised(&rest[at + " GENERATED ALWAYS AS ".len()..])
            {
                spelled.generated.insert(name.clone(), expr.to_string());
            }
            if let Some(at) = find_top_level(rest, " DEFAULT ") {
                let value = &rest[at + " DEFAULT ".len()..];
                let end = [" ON UPDATE ", " COMMENT ", " CHECK ", " INVISIBLE"]
                    .iter()
                    .filter_map(|k| find_top_level(value, k))
                    .min()
                    .unwrap_or(value.len());
                spelled.defaults.insert(name, value[..end].trim().to_string());
            }
        }
    }
    spelled
}

/// `` `a``b` rest `` → (a`b, rest).
fn backquoted(text: &str) -> Option<(String, &str)> {
    let inner = text.strip_prefix('`')?;
    let mut name = String::new();
    let mut chars = inner.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            if chars.peek().map(|(_, n)| *n) == Some('`') {
                chars.next();
                name.push('`');
                continue;
            }
            return Some((name, &inner[i + 1..]));
        }
        name.push(c);
    }
    None
}

/// The text inside the parentheses `text` starts with.
fn parenthesised(text: &str) -> Option<&str> {
    let text = text.trim_start();
    if !text.starts_with('(') {
        return None;
    }
    let end = matching(text, 0)?;
    Some(&text[1..end])
}

/// The first character of `text` outside quotes for which `found` holds,
/// given how many parentheses are open before it.
fn first_unquoted(text: &str, mut found: impl FnMut(usize, char, usize) -> bool) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' && q == '\'' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        if found(i, c, depth) {
            return Some(i);
        }
        match c {
            '\'' | '"' | '`' => quote = Some(c),
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Index of the parenthesis closing the one at `open`, quotes respected.
fn matching(text: &str, open: usize) -> Option<usize> {
    first_unquoted(&text[open..], |_, c, depth| c == ')' && depth == 1).map(|i| open + i)
}

/// Where `needle` first occurs outside quotes and parentheses.
fn find_top_level(text: &str, needle: &str) -> Option<usize> {
    first_unquoted(text, |i, _, depth| depth == 0 && text[i..].starts_with(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_inside_strings_are_doubled() {
        assert_eq!(super::standard_quotes(r"`a` in ('it\'s','x\\')"), r"`a` in ('it''s','x\\')");
        assert_eq!(super::standard_quotes(r"`it\'s` > 0"), r"`it\'s` > 0");
    }

    #[test]
    fn mariadb_default_strings() {
        assert_eq!(mariadb_string(r"'it\'s\\x'").as_deref(), Some(r"it's\x"));
        assert_eq!(mariadb_string("'a''b'").as_deref(), Some("a'b"));
        assert_eq!(mariadb_string("'a' || 'b'"), None);
        assert_eq!(mariadb_string("0"), None);
    }

    #[test]
    fn show_create_table_expressions() {
        let text = "CREATE TEMPORARY TABLE `_dbshape_spell` (\n  `a` int(11) DEFAULT (1 + 2),\n  \
                    `b``x` varchar(20) DEFAULT concat('a,(','b') COMMENT 'c',\n  \
                    `c` int(11) GENERATED ALWAYS AS (`a` * 2) STORED,\n  \
                    CONSTRAINT `k` CHECK (octet_length(`b``x`) > 0 and `a` in (1,2))\n) ENGINE=InnoDB";
        let spelled = parse_show_create(text);
        assert_eq!(spelled.defaults["a"], "(1 + 2)");
        assert_eq!(spelled.defaults["b`x"], "concat('a,(','b')");
        assert_eq!(spelled.generated["c"], "`a` * 2");
        assert_eq!(spelled.checks["k"], "octet_length(`b``x`) > 0 and `a` in (1,2)");
    }
}
