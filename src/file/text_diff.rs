//! Unified diffs of schema.yaml texts, in about linear time whatever the
//! input. The patience algorithm anchors on lines that occur once on each
//! side (every table's own line), so an unformatted or much-changed file
//! splits into small pieces; a deadline bounds the worst case, after which
//! the rest is shown as a plain replacement (still a correct diff). The
//! hunks are rendered here: `similar`'s own text diff tidies its edits
//! with a pass that is quadratic in their number.

use similar::algorithms::{Algorithm, Capture, Replace, diff_deadline};
use similar::{DiffTag, group_diff_ops};
use std::fmt::Write;
use std::ops::Range;
use std::time::{Duration, Instant};

/// How long the diff may search for the smallest edit.
const DEADLINE: Duration = Duration::from_secs(1);

/// A unified diff of `from` → `to` with `context` lines around changes;
/// empty when the texts are the same.
pub(crate) fn unified_diff(from: &str, to: &str, labels: (&str, &str), context: usize) -> String {
    let old: Vec<&str> = from.split_inclusive('\n').collect();
    let new: Vec<&str> = to.split_inclusive('\n').collect();
    let mut capture = Replace::new(Capture::new());
    let deadline = Some(Instant::now() + DEADLINE);
    let Ok(()) = diff_deadline(Algorithm::Patience, &mut capture, &old, 0..old.len(), &new, 0..new.len(), deadline);
    let groups = group_diff_ops(capture.into_inner().into_ops(), context);
    if groups.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {}\n+++ {}\n", labels.0, labels.1);
    for group in groups {
        let (Some(first), Some(last)) = (group.first(), group.last()) else { continue };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let _ = writeln!(out, "@@ -{} +{} @@", hunk_range(old_range), hunk_range(new_range));
        for op in &group {
            let (tag, old_lines, new_lines) = op.as_tag_tuple();
            if tag == DiffTag::Equal {
                push_lines(&mut out, ' ', &old[old_lines]);
                continue;
            }
            push_lines(&mut out, '-', &old[old_lines]);
            push_lines(&mut out, '+', &new[new_lines]);
        }
    }
    out
}

/// `start,length` of a hunk, 1-based; one line is just its number, and an
/// empty range starts at the line before it.
fn hunk_range(range: Range<usize>) -> String {
    match range.len() {
        1 => (range.start + 1).to_string(),
        0 => format!("{},0", range.start),
        len => format!("{},{len}", range.start + 1),
    }
}

fn push_lines(out: &mut String, sign: char, lines: &[&str]) {
    for line in lines {
        out.push(sign);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unified_diff;

    #[test]
    fn hunks_with_context() {
        let from = "a\nb\nc\nd\ne\nf\ng\n";
        let to = "a\nb\nC\nd\ne\nf\ng\nh\n";
        assert_eq!(
            unified_diff(from, to, ("old", "new"), 1),
            "--- old\n+++ new\n@@ -2,3 +2,3 @@\n b\n-c\n+C\n d\n@@ -7 +7,2 @@\n g\n+h\n"
        );
        assert_eq!(unified_diff(from, from, ("old", "new"), 3), "");
        assert_eq!(
            unified_diff("x", "x\n", ("a", "b"), 0),
            "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+x\n"
        );
    }

    #[test]
    fn thousands_of_changed_sections() {
        let (mut from, mut to) = (String::new(), String::new());
        for i in 0..20_000 {
            from.push_str(&format!("  t{i}:\n    columns:\n      id: {{type: integer}}\n"));
            to.push_str(&format!("  t{i}:\n    columns:\n      id: {{ type: integer }}\n"));
        }
        // (Timed in `benches/sqlite.rs`: the tidying pass this replaces made
        // a diff this size take minutes.)
        let diff = unified_diff(&from, &to, ("a", "b"), 2);
        assert_eq!(diff.lines().filter(|l| l.starts_with('-') && !l.starts_with("---")).count(), 20_000);
        assert_eq!(diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).count(), 20_000);
    }
}
