//! `dbshape apply`: show the plan, ask (or `--yes`), refuse destructive
//! changes without consent, and run it (the library verifies that the
//! database then matches).

use super::{plan_target, schema_name, stdout_error};
use crate::cli::args::{DataChecksArg, Target};
use crate::cli::exit::{EXIT_ERROR, EXIT_OK};
use crate::cli::output;
use crate::cli::style::Style;
use dbshape::{ApplyOptions, Consent, Error, Refusal, Result};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

/// How `apply` was asked to run.
pub struct ApplyArgs {
    pub yes: bool,
    pub dry_run: bool,
    pub allow_destructive: bool,
    pub lock_timeout: Duration,
    pub data_checks: DataChecksArg,
    /// A plan saved by `plan --out`, to run exactly.
    pub plan: Option<std::path::PathBuf>,
    /// `--online`.
    pub online: bool,
}

pub fn apply(target: &Target, args: &ApplyArgs, style: Style) -> Result<i32> {
    let ApplyArgs { yes, dry_run, allow_destructive, lock_timeout, ref data_checks, plan: ref saved_path, online } =
        *args;
    let saved = saved_path.as_deref().map(|path| saved_plan(path, &target.schema)).transpose()?;
    let (mut db, plan) = plan_target(target, data_checks.timeout(), online, true)?;
    if let Some(saved) = &saved
        && !plan.runs_statements_of(saved)
    {
        let why = match plan.live_schema_moved(saved) {
            Some((headline, diff)) => format!("{headline}:\n{diff}"),
            None => "the same schema file and live schema now make another plan (another dbshape version?)".into(),
        };
        return Err(Error::Refused(Refusal::SavedPlanStale { why }));
    }
    let url = db.url();
    let name = schema_name(target);
    let mut out = std::io::stdout().lock();
    output::plan_text(&mut out, &plan, &output::Heading::database(&url, &name), style).map_err(stdout_error)?;
    if plan.is_empty() || dry_run {
        return Ok(EXIT_OK);
    }
    // Refused before asking: a "yes" could not make it run. The apply runs
    // the checks again under its lock.
    if plan.data_checks().iter().any(|r| r.blocks()) {
        return Err(Error::DataChecks(plan.data_checks().to_vec()));
    }
    let destructive = plan.destructive();
    if !destructive.is_empty() && !allow_destructive {
        return Err(Error::Refused(Refusal::Destructive { changes: destructive.len(), consent: Consent::Flag }));
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(Error::Refused(Refusal::NotConfirmed {
                why: "standard input is not a terminal: pass --yes to apply without confirmation".into(),
            }));
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
            .map_err(|e| Error::Refused(Refusal::NotConfirmed { why: format!("cannot read the answer: {e}") }))?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(out, "Cancelled; nothing was changed.").map_err(stdout_error)?;
            return Ok(EXIT_ERROR);
        }
    }
    writeln!(out, "\nApplying:").map_err(stdout_error)?;
    // The observer runs while `out` is held: it writes through its own handle.
    drop(out);
    // Fault injection for the tests of interrupted applies: the process
    // dies (as if killed) right after statement N.
    let abort_after: Option<usize> =
        std::env::var("DBSHAPE_FAULT_ABORT_AFTER_STATEMENT").ok().and_then(|n| n.parse().ok());
    let mut options = ApplyOptions::default()
        .allow_destructive(allow_destructive)
        .lock_timeout(lock_timeout)
        .check_timeout(data_checks.check_timeout)
        .skip_data_checks(data_checks.skip_data_checks)
        .on_statement(move |done| {
            let _ = writeln!(
                std::io::stdout(),
                "  [{}/{}] {:>9}  {}",
                done.number,
                done.total,
                output::duration(done.elapsed),
                output::first_line(done.sql)
            );
            if abort_after == Some(done.number) {
                std::process::abort();
            }
        });
    if std::io::stderr().is_terminal() {
        options = options.on_rows_copied(output::rows_copied);
    }
    if let Some(saved) = saved {
        options = options.expected_live_schema(saved.live_schema);
    }
    // Fault injection for the tests of a planner's mistake: statement N
    // is reported but not run.
    if let Some(skipped) = std::env::var("DBSHAPE_FAULT_SKIP_STATEMENT").ok().and_then(|n| n.parse().ok()) {
        options = options.fault_skip_statement(skipped);
    }
    let applied = db.apply(&plan, &options)?;
    let mut out = std::io::stdout().lock();
    if applied.already_in_sync {
        writeln!(out, "Nothing to do: the database already matched {name} when the lock was taken (another apply?).")
            .map_err(stdout_error)?;
        return Ok(EXIT_OK);
    }
    writeln!(
        out,
        "Applied {} change{} ({} statements) in {}.",
        plan.changes().count(),
        if plan.changes().count() == 1 { "" } else { "s" },
        applied.statements,
        output::duration(applied.elapsed)
    )
    .map_err(stdout_error)?;
    writeln!(out, "The database matches {name}.").map_err(stdout_error)?;
    Ok(EXIT_OK)
}

/// The plan `plan --out` saved at `path`, if `schema` is still the file it
/// was made from.
fn saved_plan(path: &std::path::Path, schema: &std::path::Path) -> Result<dbshape::SavedPlan> {
    let text =
        std::fs::read_to_string(path).map_err(|source| Error::Io { action: "read", path: path.into(), source })?;
    let saved = dbshape::SavedPlan::from_json(&text)?;
    let file = std::fs::read(schema).map_err(|source| Error::Io { action: "read", path: schema.into(), source })?;
    let now = dbshape::fingerprint(&file);
    if now != saved.schema_file_fingerprint {
        return Err(Error::Refused(Refusal::SavedPlanStale {
            why: format!(
                "{} changed since the plan was made (fingerprint {}, now {now}): plan again",
                schema.display(),
                saved.schema_file_fingerprint
            ),
        }));
    }
    Ok(saved)
}
