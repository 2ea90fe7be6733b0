//! Turning serde_yaml's errors into located, readable problems: "unknown
//! key" with a "did you mean", the repeated key of a duplicate, plain words
//! for the loader's internal types.

use super::locator::Locator;
use super::problems::Problems;
use crate::error::SchemaProblem;
use crate::suggest::did_you_mean;

/// A serde_yaml error as a problem of the file: located, in the file's
/// own terms (keys, not Rust types), with a hint where one helps.
pub(super) fn serde_problem(problems: &Problems, error: &serde_yaml::Error) -> SchemaProblem {
    let mut message = error.to_string();
    // serde_yaml appends " at line L column C"; we print the location up front.
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    let mut hint = None;
    if let Some((unknown, expected)) = parse_unknown_field(&message) {
        hint = did_you_mean(&unknown, &expected).map(|s| format!("did you mean \"{s}\"?"));
        let field_path = message.split(": unknown field").next().filter(|p| *p != message).unwrap_or("");
        message = if field_path.is_empty() {
            format!("unknown key \"{unknown}\"")
        } else {
            format!("unknown key \"{unknown}\" in {field_path}")
        };
        if unknown.ends_with(')') && unknown.trim_end_matches(')').trim().chars().all(|c| c.is_ascii_digit()) {
            hint = Some("inside { }, a comma ends the value: quote types like \"numeric(10,2)\"".into());
        }
        if hint.is_none() {
            hint = Some(format!("expected one of: {}", expected.join(", ")));
        }
    }
    let mut at = error.location().map(|l| (l.line(), l.column()));
    if let Some(start) = message.find("duplicate key \"") {
        // serde points at the mapping; point at the repeated key instead.
        let key = message[start + "duplicate key \"".len()..].trim_end_matches('"').to_string();
        let repeat = Locator::new(problems.text).duplicates.into_iter().find(|(path, _)| path.last() == Some(&key));
        if let Some((path, position)) = repeat {
            at = Some((position.line, position.column));
            message = format!("duplicate key \"{key}\" in {}", path[..path.len() - 1].join("."));
            hint = Some("each table, column and constraint name may appear only once".into());
        }
    }
    if message.contains("repetition limit exceeded") {
        hint = Some("YAML aliases (*name) here expand to too much data".into());
    } else if message.contains("recursion limit exceeded") {
        hint = Some("the YAML is nested too deeply".into());
    }
    for (internal, plain) in [
        ("struct RawFile", "a mapping with `tables:`"),
        ("struct RawTable", "a table (a mapping with `columns:`)"),
        ("struct RawIndex", "an index (a mapping with `columns:`)"),
        ("struct RawForeignKey", "a foreign key (a mapping with `columns:` and `references:`)"),
        ("struct RawReference", "a mapping with `table:` and `columns:`"),
        ("struct RawIndexExpr", "an index part (`{ column: x }` or `{ expr: SQL }`)"),
    ] {
        message = message.replace(internal, plain);
    }
    problems.problem_at(at, message.replace('`', "\""), hint)
}

/// Extracts `x` and the expected names from serde's
/// "unknown field `x`, expected one of `a`, `b`" message.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((unknown.to_string(), expected))
}
