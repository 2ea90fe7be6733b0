//! Running data checks through a dialect's [`QueryRunner`], each under a
//! time limit: what a check cannot finish in time is not known, never
//! taken as passed.

use super::dialect::{QueryFailure, QueryRunner};
use super::report::{DataCheck, DataCheckReport, DataCheckStatus};
use std::time::Duration;

/// Runs `checks`, each within `timeout`.
pub(crate) fn run(checks: Vec<DataCheck>, runner: &mut dyn QueryRunner, timeout: Duration) -> Vec<DataCheckReport> {
    checks
        .into_iter()
        .map(|check| {
            let status = status_of(&check, runner, timeout);
            DataCheckReport { check, status }
        })
        .collect()
}

fn status_of(check: &DataCheck, runner: &mut dyn QueryRunner, timeout: Duration) -> DataCheckStatus {
    let timed_out = || DataCheckStatus::Unknown {
        reason: format!("the check ran out of its {} (--check-timeout)", seconds(timeout)),
    };
    let query = match &check.query {
        Ok(query) => query,
        Err(reason) => return DataCheckStatus::NotRun { reason: reason.clone() },
    };
    if let Some(probe) = &check.probe {
        match runner.rows(&[], probe, timeout) {
            Ok(_) => return DataCheckStatus::Passed,
            Err(QueryFailure::TimedOut) => return timed_out(),
            // Some row does not convert: count them.
            Err(QueryFailure::Failed(_)) => {}
        }
    }
    let rows = match runner.rows(&check.setup, query, timeout) {
        Ok(rows) => rows,
        Err(QueryFailure::TimedOut) => return timed_out(),
        Err(QueryFailure::Failed(message)) => {
            return DataCheckStatus::NotRun { reason: format!("its query failed: {message}") };
        }
    };
    let Some(first) = rows.first() else { return DataCheckStatus::Passed };
    let number = |row: &[Option<String>], i: usize| -> u64 {
        row.get(i).and_then(|v| v.as_deref()).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    let shown = |values: &[Option<String>]| -> String {
        let values: Vec<String> = values.iter().map(|v| v.as_deref().map_or("NULL".to_string(), shown_value)).collect();
        if values.len() == 1 { values[0].clone() } else { format!("({})", values.join(", ")) }
    };
    if check.grouped {
        let examples = rows.iter().map(|row| format!("{} ×{}", shown(&row[3..]), number(row, 2))).collect();
        DataCheckStatus::Failed { rows: number(first, 1), groups: Some(number(first, 0)), examples }
    } else {
        let examples = rows.iter().filter(|row| row.len() > 1).map(|row| shown(&row[1..])).collect();
        DataCheckStatus::Failed { rows: number(first, 0), groups: None, examples }
    }
}

/// A value as an example: numbers bare, anything else quoted and cut short.
fn shown_value(value: &str) -> String {
    if !value.is_empty() && value.parse::<f64>().is_ok() {
        return value.to_string();
    }
    let cut: String = value.chars().take(40).collect();
    let ellipsis = if cut.len() < value.len() { "…" } else { "" };
    format!("'{}{ellipsis}'", cut.replace('\'', "''"))
}

fn seconds(timeout: Duration) -> String {
    let secs = timeout.as_secs_f64();
    if secs.fract() == 0.0 { format!("{secs:.0} s") } else { format!("{secs} s") }
}
