//! An application that migrates its own database at start-up, with
//! dbshape as a library: the schema ships inside the binary, and every
//! start makes the database match it (or does nothing, quickly, when it
//! already does).
//!
//! ```sh
//! cargo run --example embed -- sqlite:///demo.db    # creates the tables
//! cargo run --example embed -- sqlite:///demo.db    # nothing to do
//! ```

use dbshape::{ApplyOptions, Migrator, Schema};
use std::process::ExitCode;

/// The application's schema, as it would keep it in `schema.yaml`.
const SCHEMA: &str = "
tables:
  users:
    columns:
      id:       { type: integer, primary_key: true, autoincrement: true }
      email:    { type: varchar(120), nullable: false, unique: true }
      created:  { type: timestamp, nullable: false, default: { sql: CURRENT_TIMESTAMP } }
  notes:
    columns:
      id:       { type: integer, primary_key: true, autoincrement: true }
      user_id:  { type: integer, nullable: false, references: users.id, on_delete: cascade }
      body:     { type: text, nullable: false }
    indexes:
      notes_user_idx: { columns: [user_id] }
";

fn main() -> ExitCode {
    let url = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite:///demo.db".into());
    match migrate(&url) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            if let Some(hint) = error.hint() {
                eprintln!("hint: {hint}");
            }
            ExitCode::FAILURE
        }
    }
}

/// What an application runs before it serves anything.
fn migrate(url: &str) -> dbshape::Result<()> {
    let schema = Schema::from_yaml_str(SCHEMA)?;
    let mut db = Migrator::connect(url)?;
    let plan = db.plan(&schema)?;
    if plan.is_empty() {
        println!("{}: the schema is up to date, nothing to do.", db.url());
        return Ok(());
    }
    println!("Migrating {} ({} changes):", db.url(), plan.changes().count());
    for change in plan.changes() {
        println!("  {} {change}", change.marker());
    }
    // Destructive changes (dropping a table or column) stay refused: an
    // application should not drop data on its own at start-up.
    let options = ApplyOptions::default().on_statement(|done| {
        println!("  [{}/{}] {}", done.number, done.total, done.sql.lines().next().unwrap_or_default())
    });
    let applied = db.apply(&plan, &options)?;
    println!("Applied {} statements in {:.1} ms.", applied.statements, applied.elapsed.as_secs_f64() * 1000.0);
    Ok(())
}
