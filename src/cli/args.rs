//! Command-line arguments (clap derive).

use super::style::ColorChoice;
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit codes:
  0  success; for `check`: the database matches the schema file
  1  `check`: the database has drifted from the schema file; `diff`: the two sides differ;
     `fmt --check`: the file is not formatted
  2  error: bad input, connection failure, failed or refused apply (nothing was changed)";

#[derive(Debug, Parser)]
#[command(
    name = "dbshape",
    version,
    about = "Declarative schema migrations: schema.yaml is the truth, the database is made to match it.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to use colour (NO_COLOR turns `auto` off)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the changes that would make the database match the schema file
    #[command(after_help = "Examples:\n  dbshape plan\n  dbshape plan --url sqlite:///app.db --format sql\n  dbshape plan --out plan.json   # for review, then apply --plan plan.json\n\n".to_string() + EXIT_CODES)]
    Plan {
        #[command(flatten)]
        target: Target,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        data_checks: DataChecksArg,
        /// Also save the plan to this file, with fingerprints of the live schema
        /// and of the schema file, for `apply --plan` (the JSON document, see the README)
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        #[command(flatten)]
        online: OnlineArg,
    },
    /// Change the database to match the schema file, in one transaction
    #[command(after_help = "Examples:\n  dbshape apply\n  dbshape apply --yes --allow-destructive\n  dbshape plan --out plan.json && dbshape apply --plan plan.json --yes\n\n".to_string() + EXIT_CODES)]
    Apply {
        #[command(flatten)]
        target: Target,
        /// Don't ask for confirmation (required when not on a terminal)
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print the plan and stop, like `plan`
        #[arg(long)]
        dry_run: bool,
        /// Allow changes that can lose data (drop table, drop column, narrowing type change)
        #[arg(long)]
        allow_destructive: bool,
        /// PostgreSQL: how long a statement may wait for a table lock held by
        /// another session before the apply fails cleanly (e.g. 500ms, 5s, 1m)
        #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
        lock_timeout: Duration,
        #[command(flatten)]
        data_checks: DataChecksArg,
        /// Run exactly the plan `plan --out` saved: refused (exit 2, nothing run)
        /// if the schema file or the live schema changed since
        #[arg(long, value_name = "PATH")]
        plan: Option<PathBuf>,
        #[command(flatten)]
        online: OnlineArg,
    },
    /// Exit 0 if the database matches the schema file, 1 if it has drifted
    #[command(
        after_help = "Examples:\n  dbshape check --url \"$DATABASE_URL\"\n  dbshape check --format json > drift.json\n\n"
            .to_string()
            + EXIT_CODES
    )]
    Check {
        #[command(flatten)]
        target: Target,
        /// Output format (text: the schema diff and the plan; json: the plan document, with in_sync)
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the plan that turns FROM into TO; each is a database URL or a schema file
    #[command(after_help = "FROM and TO are each a database URL or a schema file. Between two files no database is \
needed: the plan is for --dialect.\n\nExamples:\n  dbshape diff old.yaml schema.yaml --dialect postgresql\n  \
dbshape diff postgresql://prod/app schema.yaml\n  dbshape diff sqlite:///staging.db sqlite:///app.db --format sql\n\n\
Exit codes:\n  0  FROM and TO are the same schema\n  1  they differ (the plan is printed)\n  2  error")]
    Diff {
        /// The schema to start from
        from: String,
        /// The schema to arrive at
        to: String,
        /// The dialect to plan for when neither side is a database
        #[arg(long, value_parser = dialects(), default_value = embedded_dialect())]
        dialect: String,
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Leave tables matching this glob alone (repeatable)
        #[arg(long, value_name = "GLOB")]
        exclude: Vec<String>,
    },
    /// Rewrite the schema file in canonical form (short forms, one spelling)
    #[command(after_help = "The leading comment block of the file is kept; other comments cannot be placed in the \
canonical form, so fmt stops rather than drop them (move them into `comment:` keys, or pass --drop-comments).\n\n\
Examples:\n  dbshape fmt\n  dbshape fmt --check        # in CI: exit 1 if the file is not formatted\n\n\
Exit codes:\n  0  formatted (or, with --check, already formatted)\n  1  --check: the file is not formatted\n  2  error")]
    Fmt {
        /// The schema file
        #[arg(long, short = 's', value_name = "PATH", default_value = "schema.yaml")]
        schema: PathBuf,
        /// Change nothing; exit 1 and show the difference if the file is not formatted
        #[arg(long)]
        check: bool,
        /// Rewrite even if comments other than the leading block would be lost
        #[arg(long)]
        drop_comments: bool,
    },
    /// Print the JSON Schema (draft-07) of schema.yaml, for editors
    #[command(after_help = "Examples:\n  dbshape json-schema > dbshape.schema.json\n  \
# then, as the first line of schema.yaml:\n  # yaml-language-server: $schema=dbshape.schema.json")]
    JsonSchema,
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  dbshape completions bash > ~/.local/share/bash-completion/completions/dbshape\n  dbshape completions zsh > ~/.zfunc/_dbshape\n  dbshape completions fish > ~/.config/fish/completions/dbshape.fish"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the live database's schema as schema.yaml
    #[command(after_help = "Examples:\n  dbshape inspect --url sqlite:///app.db --output schema.yaml\n\n".to_string() + EXIT_CODES)]
    Inspect {
        #[command(flatten)]
        database: DatabaseArg,
        /// Write to this file instead of standard output
        #[arg(long, short = 'o', value_name = "PATH")]
        output: Option<PathBuf>,
    },
}

/// The pre-flight data checks: before any statement, the rows each change
/// would fail on are counted.
#[derive(Debug, Args)]
pub struct DataChecksArg {
    /// How long each data check may run (e.g. 500ms, 30s, 2m); one that runs
    /// out is reported as not known, and apply then stops
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub check_timeout: Duration,
    /// Run no data checks (the database still refuses rows a change cannot
    /// take; the apply then rolls back)
    #[arg(long)]
    pub skip_data_checks: bool,
}

impl DataChecksArg {
    /// The time limit of each check, or `None` when they are skipped.
    pub fn timeout(&self) -> Option<Duration> {
        (!self.skip_data_checks).then_some(self.check_timeout)
    }
}

/// `--online`, or `DBSHAPE_ONLINE=1` for a project that always wants it.
#[derive(Debug, Args)]
pub struct OnlineArg {
    /// PostgreSQL: plan changes that would block a busy table so that they
    /// don't (indexes built CONCURRENTLY after the transaction commits; see
    /// the README for what stays atomic)
    #[arg(long, env = "DBSHAPE_ONLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub online: bool,
}

#[derive(Debug, Args)]
pub struct Target {
    /// The schema file
    #[arg(long, short = 's', value_name = "PATH", default_value = "schema.yaml")]
    pub schema: PathBuf,
    #[command(flatten)]
    pub database: DatabaseArg,
}

#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// Leave tables matching this glob alone (repeatable), e.g. --exclude alembic_version
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Database URL, e.g. sqlite:///app.db or postgresql://user@host/db
    #[arg(
        long,
        short = 'u',
        value_name = "URL",
        env = "DATABASE_URL",
        hide_env_values = true,
        default_value = "sqlite:///app.db"
    )]
    pub url: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary of the changes and the SQL
    Text,
    /// Only the SQL statements
    Sql,
    /// A JSON document (see the README for its fields)
    Json,
}

/// `500ms`, `5s`, `2m`, or a bare number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().map_err(|_| format!("\"{text}\" is not a duration such as 500ms, 5s or 1m"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" | "min" => value * 60.0,
        _ => return Err(format!("unknown unit \"{unit}\" (ms, s or m)")),
    };
    Ok(Duration::from_secs_f64(seconds))
}

/// The dialects the library knows, with their aliases.
fn dialects() -> PossibleValuesParser {
    PossibleValuesParser::new(dbshape::dialects().map(|(name, aliases)| PossibleValue::new(name).aliases(aliases)))
}

/// The dialect of the built-in database, the library's first.
fn embedded_dialect() -> &'static str {
    dbshape::dialects().next().map_or("", |(name, _)| name)
}
