//! `dbshape apply`: show the plan, ask (or `--yes`), refuse destructive
//! changes without consent, run it, and verify the database now matches.

use super::{Prepared, prepare, schema_name, stdout_error};
use crate::cli::args::Target;
use crate::cli::output;
use crate::cli::style::Style;
use crate::cli::{EXIT_ERROR, EXIT_OK};
use crate::database::{Access, ApplyOptions};
use crate::error::{Error, Result};
use crate::execute::{Event, RowsCopied};
use crate::plan::{self};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

pub fn apply(
    target: &Target,
    yes: bool,
    dry_run: bool,
    allow_destructive: bool,
    lock_timeout: Duration,
    style: Style,
) -> Result<i32> {
    let Prepared { url, mut db, desired, plan, .. } =
        prepare(target, if dry_run { Access::Read } else { Access::Write })?;
    let name = schema_name(target);
    let mut out = std::io::stdout().lock();
    output::plan_text(&mut out, &plan, &output::Heading::database(&url, &name), style).map_err(stdout_error)?;
    if plan.is_empty() || dry_run {
        return Ok(EXIT_OK);
    }
    let destructive = plan.destructive();
    if !destructive.is_empty() && !allow_destructive {
        return Err(Error::Refused(format!(
            "the plan has {} destructive change{} and --allow-destructive was not given; nothing was changed",
            destructive.len(),
            if destructive.len() == 1 { "" } else { "s" }
        )));
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Refused(
                "standard input is not a terminal: pass --yes to apply without confirmation".into(),
            ));
        }
        write!(
            out,
            "\nApply {} change{} to {url}? [y/N] ",
            plan.changes().count(),
            if plan.changes().count() == 1 { "" } else { "s" }
        )
        .map_err(stdout_error)?;
        out.flush().map_err(stdout_error)?;
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|e| Error::Refused(format!("cannot read the answer: {e}")))?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(out, "Cancelled; nothing was changed.").map_err(stdout_error)?;
            return Ok(EXIT_ERROR);
        }
    }
    writeln!(out, "\nApplying:").map_err(stdout_error)?;
    let mut observer = |event: &Event| {
        let Event::Statement { number, total, sql, elapsed } = event;
        let _ = writeln!(
            std::io::stdout(),
            "  [{number}/{total}] {:>9}  {}",
            output::duration(*elapsed),
            output::first_line(sql)
        );
    };
    let progress = std::io::stderr().is_terminal().then_some(output::rows_copied as fn(&RowsCopied));
    let options = ApplyOptions { lock_timeout, exclude: target.database.exclude.clone(), progress };
    let applied = db.apply(&plan, &desired, &options, &mut observer)?;
    if applied.already_in_sync {
        writeln!(out, "Nothing to do: the database already matched {name} when the lock was taken (another apply?).")
            .map_err(stdout_error)?;
        return Ok(EXIT_OK);
    }
    // Principle: apply → plan prints nothing. Verify it instead of trusting it.
    let mut after = db.inspect(Some(&desired))?;
    after.exclude_tables(&target.database.exclude);
    let after = plan::build(db.dialect(), &after, &desired)?;
    writeln!(
        out,
        "Applied {} change{} ({} statements) in {}.",
        plan.changes().count(),
        if plan.changes().count() == 1 { "" } else { "s" },
        applied.statements,
        output::duration(applied.elapsed)
    )
    .map_err(stdout_error)?;
    if !after.is_empty() {
        let remaining: Vec<String> = after.changes().map(|c| c.to_string()).collect();
        return Err(Error::Refused(format!(
            "the apply committed, but the database still differs from {name} ({}); this is a dbshape bug, please report it",
            remaining.join("; ")
        )));
    }
    writeln!(out, "The database matches {name}.").map_err(stdout_error)?;
    Ok(EXIT_OK)
}
