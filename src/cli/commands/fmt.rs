//! `dbshape fmt`: rewrite schema.yaml in canonical form, never dropping
//! comments silently.

use super::stdout_error;
use crate::cli::exit::{EXIT_DRIFT, EXIT_OK};
use crate::cli::style::Style;
use dbshape::{Error, Refusal, Result, Schema};
use std::io::Write;
use std::path::Path;

pub fn fmt(path: &Path, check: bool, drop_comments: bool, style: Style) -> Result<i32> {
    let schema = Schema::from_path(path)?;
    // The text too: the model keeps no comments.
    let text = schema.source_text().unwrap_or_default();
    let header: String = text
        .lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let header_lines = header.lines().count();
    let formatted = format!("{header}{}", schema.to_yaml_string());
    let name = path.display();
    let mut out = std::io::stdout().lock();
    if formatted == text {
        writeln!(out, "{name} is formatted.").map_err(stdout_error)?;
        return Ok(EXIT_OK);
    }
    if check {
        writeln!(out, "{name} is not formatted; `dbshape fmt` would change it:\n").map_err(stdout_error)?;
        for line in dbshape::unified_diff(text, &formatted, (&name.to_string(), "formatted"), 2).lines() {
            let painted = match line.chars().next() {
                Some('+') if !line.starts_with("+++") => style.added(line),
                Some('-') if !line.starts_with("---") => style.removed(line),
                _ => line.to_string(),
            };
            writeln!(out, "{painted}").map_err(stdout_error)?;
        }
        return Ok(EXIT_DRIFT);
    }
    let lost: Vec<usize> =
        text.lines().enumerate().skip(header_lines).filter(|(_, line)| has_comment(line)).map(|(i, _)| i + 1).collect();
    if !lost.is_empty() && !drop_comments {
        return Err(Error::Refused(Refusal::CommentsWouldBeLost { file: name.to_string(), lines: lost }));
    }
    std::fs::write(path, &formatted).map_err(|source| Error::Io { action: "write", path: path.into(), source })?;
    writeln!(out, "Formatted {name}.").map_err(stdout_error)?;
    Ok(EXIT_OK)
}

/// Whether a YAML line holds a comment: a `#` at its start or after a
/// space, outside quotes.
fn has_comment(line: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if (c == '"' || c == '\'') && (previous.is_whitespace() || "{[,:".contains(previous)) => {
                quote = Some(c)
            }
            None if c == '#' && previous.is_whitespace() => return true,
            None => {}
        }
        previous = c;
    }
    false
}
