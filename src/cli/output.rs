//! How plans and drift look: text for people, SQL for scripts, JSON for
//! tools.

use super::style::Style;
use dbshape::{Change, Hazard, Plan, RowsCopied};
use indexmap::IndexMap;
use std::io::{self, Write};
use std::time::Duration;

/// What a plan is about: the database it changes, and the sentence that
/// says there is nothing to do.
pub struct Heading {
    pub target: String,
    pub in_sync: String,
}

impl Heading {
    /// A database and the schema file it is compared with.
    pub fn database(url: &str, schema_name: &str) -> Heading {
        Heading { target: url.to_string(), in_sync: format!("No changes. The database matches {schema_name}.") }
    }
}

/// How much of a plan to print: all of it (`plan`, `apply`), or, in a
/// drift report (`check`), enough to read, with a count of the rest.
#[derive(Clone, Copy)]
enum Length {
    Full,
    Summary,
}

/// In a drift report: at most this many lines of schema diff, tables of
/// changes, and statements.
const SUMMARY_DIFF_LINES: usize = 200;
const SUMMARY_TABLES: usize = 50;
const SUMMARY_STATEMENTS: usize = 50;

/// One table's changes (with their hazards) and the notes of their steps.
type Group<'p> = (Vec<(&'p Change, &'p [Hazard])>, Vec<&'p str>);

pub fn plan_text(out: &mut dyn Write, plan: &Plan, heading: &Heading, style: Style) -> io::Result<()> {
    plan_text_of_length(out, plan, heading, style, Length::Full)
}

fn plan_text_of_length(
    out: &mut dyn Write,
    plan: &Plan,
    heading: &Heading,
    style: Style,
    length: Length,
) -> io::Result<()> {
    let (table_limit, statement_limit) = match length {
        Length::Full => (usize::MAX, usize::MAX),
        Length::Summary => (SUMMARY_TABLES, SUMMARY_STATEMENTS),
    };
    if plan.is_empty() {
        return writeln!(out, "{}", heading.in_sync);
    }
    let count = plan.changes().count();
    writeln!(out, "Plan for {} ({count} change{}):", heading.target, plural(count))?;
    // Grouped by table, in the order the plan first touches them.
    let mut groups: IndexMap<&str, Group> = IndexMap::new();
    let mut hazards = plan.hazards().map(|(_, h)| h);
    for step in plan.steps() {
        for change in &step.changes {
            let group = groups.entry(change.table()).or_default();
            group.0.push((change, hazards.next().unwrap_or_default()));
            if let Some(note) = &step.note
                && !group.1.contains(&note.as_str())
            {
                group.1.push(note);
            }
        }
    }
    for (table, (changes, notes)) in groups.iter().take(table_limit) {
        writeln!(out, "\n  {}", style.bold(table))?;
        for note in notes {
            writeln!(out, "    {}", style.dim(&format!("note: {note}")))?;
        }
        for (change, hazards) in changes {
            let line = format!("{} {change}", change.marker());
            write!(out, "    {}", style.marked(change.marker(), &line))?;
            if let Some(why) = change.destructive() {
                write!(out, "   {}", style.danger(&format!("[DESTRUCTIVE: {why}]")))?;
            }
            writeln!(out)?;
            // Deleting data is said by the DESTRUCTIVE mark already.
            let shown: Vec<String> = hazards
                .iter()
                .filter(|h| !matches!(h, Hazard::DeletesData | Hazard::RemovesAccess))
                .map(|h| h.to_string())
                .collect();
            if !shown.is_empty() {
                writeln!(out, "      {}", style.dim(&format!("hazards: {}", shown.join(", "))))?;
            }
        }
    }
    if groups.len() > table_limit {
        let rest: usize = groups.values().skip(table_limit).map(|(changes, _)| changes.len()).sum();
        writeln!(out, "\n  … and {rest} more change{} to {} more tables", plural(rest), groups.len() - table_limit)?;
    }
    if !plan.data_checks().is_empty() {
        writeln!(out, "\nData checks (on the rows the tables have now):")?;
        for report in plan.data_checks() {
            let line = report.to_string();
            let painted = match report.marker() {
                '✓' => style.added(&line),
                '-' => style.dim(&line),
                _ => style.danger(&line),
            };
            writeln!(out, "  {painted}")?;
        }
    }
    if plan.transactional() {
        writeln!(out, "\nSQL (one transaction):")?;
    } else {
        writeln!(out, "\nSQL (each statement commits on its own; the data checks run before the first):")?;
    }
    let mut after_commit = false;
    for operation in plan.operations().take(statement_limit) {
        if operation.after_commit() && !after_commit {
            after_commit = true;
            writeln!(out, "Then, after the commit, each on its own (--online):")?;
        }
        writeln!(out, "  {};", operation.sql().replace('\n', "\n  "))?;
    }
    let statements = plan.statements().count();
    if statements > statement_limit {
        writeln!(
            out,
            "  … and {} more statements (`dbshape plan --format sql` prints them all)",
            statements - statement_limit
        )?;
    }
    let tally = |marker: char| plan.changes().filter(|c| c.marker() == marker).count();
    writeln!(
        out,
        "\n{count} change{}: {} to add, {} to change, {} to remove.",
        plural(count),
        tally('+'),
        tally('~'),
        tally('-')
    )?;
    let failed = plan.failed_data_checks().count();
    let unknown = plan.data_checks().iter().filter(|r| r.marker() == '?').count();
    if failed > 0 {
        let line =
            format!("{failed} data check{} failed: apply would stop before its first statement.", plural(failed));
        writeln!(out, "{}", style.danger(&line))?;
    } else if unknown > 0 {
        let line = format!(
            "{unknown} data check{} could not finish: apply needs a longer --check-timeout, or --skip-data-checks.",
            plural(unknown)
        );
        writeln!(out, "{}", style.danger(&line))?;
    }
    let destructive = plan.destructive().len();
    if destructive > 0 {
        let line = format!("{destructive} destructive change{}: apply needs --allow-destructive.", plural(destructive));
        writeln!(out, "{}", style.danger(&line))?;
    }
    Ok(())
}

pub fn plan_sql(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    for sql in plan.statements() {
        writeln!(out, "{sql};")?;
    }
    Ok(())
}

/// The stable JSON plan document (documented in the README).
pub fn plan_json(out: &mut dyn Write, plan: &Plan) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &plan.to_json())?;
    writeln!(out)
}

/// What `check` prints on drift: a unified diff of the two schemas as
/// schema.yaml text, then the plan.
pub fn drift(out: &mut dyn Write, plan: &Plan, url: &str, schema_name: &str, style: Style) -> io::Result<()> {
    let count = plan.changes().count();
    writeln!(out, "Drift: the database differs from {schema_name} ({count} change{}).\n", plural(count))?;
    let diff = plan.schema_diff("database", schema_name);
    let lines = diff.lines().count();
    for line in diff.lines().take(SUMMARY_DIFF_LINES) {
        let painted = match line.chars().next() {
            Some('+') if !line.starts_with("+++") => style.added(line),
            Some('-') if !line.starts_with("---") => style.removed(line),
            Some('@') => style.dim(line),
            _ => line.to_string(),
        };
        writeln!(out, "{painted}")?;
    }
    if lines > SUMMARY_DIFF_LINES {
        writeln!(out, "{}", style.dim(&format!("… and {} more lines of differences", lines - SUMMARY_DIFF_LINES)))?;
    }
    writeln!(out)?;
    plan_text_of_length(out, plan, &Heading::database(url, schema_name), style, Length::Summary)
}

pub fn duration(elapsed: Duration) -> String {
    let ms = elapsed.as_secs_f64() * 1000.0;
    if ms < 1000.0 { format!("{ms:.1} ms") } else { format!("{:.2} s", ms / 1000.0) }
}

pub fn first_line(sql: &str) -> String {
    match sql.split_once('\n') {
        Some((first, _)) => format!("{first} …"),
        None => sql.to_string(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Draws (or, when done, clears) a one-line row-copy progress indicator on
/// standard error, which the caller has checked is a terminal.
pub fn rows_copied(progress: &RowsCopied) {
    let mut err = std::io::stderr().lock();
    let _ = if progress.done {
        write!(err, "\r\x1b[2K")
    } else {
        let percent =
            if progress.total == 0 { 100 } else { progress.copied * 100 / progress.total.max(progress.copied) };
        write!(
            err,
            "\r\x1b[2K  copying rows of \"{}\": {} of {} ({percent}%)",
            progress.table.replace('"', "\"\""),
            thousands(progress.copied),
            thousands(progress.total)
        )
    };
    let _ = err.flush();
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
