//! The command line: parse arguments, run one command, print, exit.
//! All the work is done by the library (only its public API is used
//! here); this layer only talks to people.
//!
//! - `args.rs`: the arguments (clap), `style.rs`: colour, `exit.rs`: the
//!   exit codes;
//! - `commands/`: one file per command; `output.rs`: plans and progress
//!   as text.

mod args;
mod commands;
mod exit;
mod output;
mod style;

use args::{Cli, Command};
use clap::Parser;
use dbshape::Error;
use exit::{EXIT_ERROR, EXIT_OK};
use std::io::Write;

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    run(std::env::args_os())
}

/// Runs one command line (`args` starts with the program name), printing
/// as the binary does, and returns its exit code.
fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let style = style::Style::new(cli.color);
    let result = match cli.command {
        Command::Plan { target, format, data_checks, out, online } => {
            commands::plan(&target, format, &data_checks, out.as_deref(), online.online, style)
        }
        Command::Apply { target, yes, dry_run, allow_destructive, lock_timeout, data_checks, plan, online } => {
            let online = online.online;
            let options =
                commands::ApplyArgs { yes, dry_run, allow_destructive, lock_timeout, data_checks, plan, online };
            commands::apply(&target, &options, style)
        }
        Command::Check { target, format } => commands::check(&target, format, style),
        Command::Inspect { database, output } => commands::inspect(&database, output.as_deref()),
        Command::Diff { from, to, dialect, format, exclude } => {
            commands::diff(&from, &to, &dialect, format, &exclude, style)
        }
        Command::Fmt { schema, check, drop_comments } => commands::fmt(&schema, check, drop_comments, style),
        Command::JsonSchema => {
            let schema = serde_json::to_string_pretty(&dbshape::json_schema()).expect("a JSON value serialises");
            println!("{schema}");
            Ok(EXIT_OK)
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "dbshape",
                &mut std::io::stdout(),
            );
            Ok(EXIT_OK)
        }
    };
    match result {
        Ok(code) => code,
        // A closed pipe (`dbshape plan | head`) is the reader's choice, not an error to report.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => EXIT_ERROR,
        Err(error) => {
            report(&error);
            EXIT_ERROR
        }
    }
}

/// At most 100 characters of a source line, around `column` (1-based), and
/// where the caret goes under them: a 1 MB line is not worth printing.
fn excerpt(text: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= WIDTH {
        return (text.to_string(), column.saturating_sub(1));
    }
    let at = column.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(WIDTH / 2).min(chars.len() - WIDTH);
    let end = start + WIDTH;
    let mut shown: String = chars[start..end].iter().collect();
    let mut caret = at - start;
    if start > 0 {
        shown.insert(0, '…');
        caret += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    (shown, caret)
}

/// Prints an error for people: one `error:` line, context, a hint.
fn report(error: &Error) {
    let mut err = std::io::stderr().lock();
    match error {
        Error::Schema(problems) => {
            for problem in problems {
                let _ = writeln!(err, "error: {problem}");
                if let (Some(line), Some(text)) = (problem.line, &problem.source_line) {
                    let (shown, caret) = excerpt(text, problem.column.unwrap_or(1));
                    let _ = writeln!(err, "{line:>5} | {shown}");
                    if problem.column.is_some() {
                        let _ = writeln!(err, "{:>5} | {}^", "", " ".repeat(caret));
                    }
                }
            }
            if problems.len() > 1 {
                let _ = writeln!(err, "error: {} problems in the schema file; nothing was changed", problems.len());
            }
        }
        other => {
            let _ = writeln!(err, "error: {other}");
            if let Some(hint) = other.hint() {
                let _ = writeln!(err, "hint: {hint}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn long_source_lines_are_cut_around_the_column() {
        assert_eq!(excerpt("short", 3), ("short".to_string(), 2));
        let line = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let (shown, caret) = excerpt(&line, 501);
        assert_eq!(shown.chars().count(), 102);
        assert_eq!(shown.chars().nth(caret), Some('X'));
        let (shown, caret) = excerpt(&line, 1);
        assert!(shown.starts_with('a') && shown.ends_with('…') && caret == 0);
    }
}
