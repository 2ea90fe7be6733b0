//! Randomized differential testing: random schema A, random edits giving B,
//! rows that satisfy both; apply A, insert, apply B, then check that
//!
//! 1. `check` against B says in sync (the database, inspected and compared
//!    as models after normalisation, is B) and so does a second plan;
//! 2. the file `inspect` writes is itself in sync (it describes the database
//!    exactly);
//! 3. every row survives in every column A and B share (same or renamed
//!    name), with the same value read as text.
//!
//! Seeded and reproducible: `DBSHAPE_RANDOM_SEED` (first seed) and
//! `DBSHAPE_RANDOM_CASES` (how many) choose the run; `DBSHAPE_RANDOM_SHOW`
//! prints every case; `DBSHAPE_RANDOM_NO_SHRINK` reports a failure as
//! generated. A failing case is
//! shrunk, then printed with its seed and as a ready-to-paste regression
//! test for `regressions.rs`.

mod regressions;
mod rows;
mod schema_gen;
mod shrink;

use crate::harness::Test;
pub use schema_gen::Flavor;
use schema_gen::{Edit, GSchema, Generator};
use std::panic::AssertUnwindSafe;
use std::time::Instant;

/// One case: the two files and how to fill the database.
#[derive(Clone, Debug)]
pub struct Case {
    pub a: String,
    pub b: String,
    pub rows_seed: u64,
    pub max_rows: usize,
}

/// A case as the generator made it, which the shrinker can take apart.
#[derive(Clone, Debug)]
pub struct Generated {
    pub a: GSchema,
    pub edits: Vec<Edit>,
    pub rows_seed: u64,
    pub max_rows: usize,
}

impl Generated {
    pub fn new(seed: u64, flavor: Flavor) -> Generated {
        let mut generator = Generator::new(seed, flavor);
        let a = generator.schema();
        let edits = generator.edits(&a);
        Generated { a, edits, rows_seed: generator.rng.u64(..), max_rows: generator.rng.usize(0..16) }
    }

    pub fn case(&self) -> Case {
        let mut b = self.a.clone();
        for edit in &self.edits {
            schema_gen::apply(&mut b, edit);
        }
        schema_gen::fill_new_columns(&self.a, &mut b);
        Case {
            a: schema_gen::render(&self.a),
            b: schema_gen::render(&b),
            rows_seed: self.rows_seed,
            max_rows: self.max_rows,
        }
    }
}

pub enum Outcome {
    /// With how many rows were compared after the apply.
    Passed(usize),
    /// The generated rows broke one of A's constraints: not a dbshape case.
    Discarded,
}

/// An empty database to run cases in, reused across cases.
pub struct Bench {
    test: Test,
}

impl Bench {
    pub fn new(flavor: Flavor) -> Option<Bench> {
        let test = match flavor {
            Flavor::Postgres => Test::postgres()?,
            Flavor::Mysql => Test::mysql()?,
            Flavor::Sqlite => Test::sqlite(),
        };
        Some(Bench { test })
    }

    fn reset(&self) {
        if self.test.is_postgres() {
            self.test.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
            // The role the cases grant to: the cluster's, made once, kept.
            self.test.sql(&format!(
                "DO $$ BEGIN CREATE ROLE {}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
                schema_gen::RANDOM_ROLE
            ));
        } else if self.test.is_mysql() {
            self.test.reset_mysql();
        } else {
            let _ = std::fs::remove_file(self.test.db_path());
        }
    }

    /// Runs one case; `Err` says which property failed.
    pub fn run(&self, case: &Case) -> Result<Outcome, String> {
        std::panic::catch_unwind(AssertUnwindSafe(|| self.run_unguarded(case)))
            .unwrap_or_else(|panic| Err(format!("panicked: {}", panic_text(&*panic))))
    }

    fn run_unguarded(&self, case: &Case) -> Result<Outcome, String> {
        let t = &self.test;
        self.reset();
        let load = |text: &str| dbshape::Schema::from_yaml_str(text).map(dbshape::Schema::into_model);
        let a = load(&case.a).map_err(|e| format!("A does not load: {e}"))?;
        let b = load(&case.b).map_err(|e| format!("B does not load: {e}"))?;
        t.schema(&case.a);
        let run = t.run(&["apply", "--yes"]);
        if run.code != 0 {
            return Err(format!("apply A failed (exit {}):\n{}{}", run.code, run.stdout, run.stderr));
        }
        // SQLite tells no names apart by case; MySQL's tables do differ by
        // case (its columns don't, but the MySQL cases rename none by case).
        let fold_case = !t.is_postgres() && !t.is_mysql();
        let text = if t.is_mysql() { "CHAR" } else { "TEXT" };
        let inserts = rows::inserts(&a, &b, case.rows_seed, case.max_rows, fold_case);
        if !inserts.is_empty() && t.try_sql(&inserts.join(";\n")).is_err() {
            return Ok(Outcome::Discarded);
        }
        let shared = rows::shared(&a, &b, fold_case);
        let read = |table: &str, columns: Vec<&str>| {
            let mut rows = t.query(&rows::snapshot_sql(table, &columns, text, t.is_postgres()));
            rows.sort();
            rows
        };
        let before: Vec<_> =
            shared.iter().map(|s| read(&s.a_table, s.columns.iter().map(|c| c.0.as_str()).collect())).collect();

        t.schema(&case.b);
        let run = t.run(&["apply", "--yes", "--allow-destructive"]);
        if run.code != 0 {
            return Err(format!("apply B failed (exit {}):\n{}{}", run.code, run.stdout, run.stderr));
        }
        let plan = t.run(&["check"]);
        if plan.code != 0 {
            return Err(format!(
                "B is not in sync after its apply (exit {}):\n{}{}",
                plan.code, plan.stdout, plan.stderr
            ));
        }
        let inspected = t.run(&["inspect"]);
        if inspected.code != 0 {
            return Err(format!("inspect failed:\n{}", inspected.stderr));
        }
        std::fs::write(t.dir().join("inspected.yaml"), &inspected.stdout).unwrap();
        let again = t.run(&["check", "--schema", "inspected.yaml"]);
        if again.code != 0 {
            return Err(format!(
                "the inspected file is not in sync (exit {}):\n{}\n{}{}",
                again.code, inspected.stdout, again.stdout, again.stderr
            ));
        }
        let mut compared = 0;
        for (shared, before) in shared.iter().zip(before) {
            compared += before.len();
            let after = read(&shared.b_table, shared.columns.iter().map(|c| c.1.as_str()).collect());
            if after != before {
                return Err(format!(
                    "rows of {} changed (columns {:?}):\nbefore: {before:?}\nafter:  {after:?}",
                    shared.a_table, shared.columns
                ));
            }
        }
        Ok(Outcome::Passed(compared))
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "?".into())
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.parse().unwrap_or_else(|_| panic!("{name} must be a number")))
}

/// Runs the generated cases for one dialect; on a failure, shrinks it and
/// fails with the reproduction.
fn run_random(flavor: Flavor, default_cases: u64) {
    let Some(bench) = Bench::new(flavor) else { return };
    let dialect = flavor.name();
    let cases = env_number("DBSHAPE_RANDOM_CASES").unwrap_or(default_cases);
    let first = env_number("DBSHAPE_RANDOM_SEED").unwrap_or(1);
    let started = Instant::now();
    let (mut passed, mut discarded, mut rows) = (0u64, 0u64, 0usize);
    let mut edits: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let (mut with_views, mut with_triggers) = (0, 0);
    for seed in first..first + cases {
        let generated = Generated::new(seed, flavor);
        let case = generated.case();
        with_views += usize::from(case.a.contains("\nviews:"));
        with_triggers += usize::from(case.a.contains("triggers:"));
        for edit in &generated.edits {
            *edits.entry(edit.kind()).or_default() += 1;
        }
        if std::env::var_os("DBSHAPE_RANDOM_SHOW").is_some() {
            eprintln!("--- seed {seed}: A\n{}--- B\n{}", case.a, case.b);
        }
        match bench.run(&case) {
            Ok(Outcome::Passed(compared)) => {
                passed += 1;
                rows += compared;
            }
            Ok(Outcome::Discarded) => discarded += 1,
            Err(error) => {
                // Only a failure of the same kind counts, so that shrinking
                // does not wander off to some other problem.
                let kind = |error: &str| {
                    let first = error.lines().next().unwrap_or("");
                    let reported = error.lines().find(|l| l.starts_with("error: ")).unwrap_or("");
                    format!("{first} {}", reported.chars().take(40).collect::<String>())
                };
                let small = if std::env::var_os("DBSHAPE_RANDOM_NO_SHRINK").is_some() {
                    generated
                } else {
                    shrink::shrink(generated, |case| bench.run(case).err().is_some_and(|e| kind(&e) == kind(&error)))
                };
                let case = small.case();
                let error = bench.run(&case).err().unwrap_or(error);
                panic!(
                    "random case failed: dialect {dialect}, seed {seed}\n\
                     reproduce: DBSHAPE_RANDOM_SEED={seed} DBSHAPE_RANDOM_CASES=1 cargo test --test integration random_{dialect}\n\n\
                     {error}\n\n--- A (shrunk)\n{}\n--- B (shrunk)\n{}\n\
                     regression test for tests/integration/random/regressions.rs:\n\n\
                     #[test]\nfn {dialect}_seed_{seed}() {{\n    regression(Flavor::{flavor:?}, r#\"{}\"#, r#\"{}\"#, {}, {});\n}}\n",
                    case.a, case.b, case.a, case.b, case.rows_seed, case.max_rows
                );
            }
        }
    }
    eprintln!(
        "random {dialect}: {passed} cases passed ({rows} rows kept), {discarded} discarded, seeds {first}..{}, {:.1} s; \
         {with_views} cases with views, {with_triggers} with triggers; edits: {edits:?}",
        first + cases,
        started.elapsed().as_secs_f64()
    );
    // A generator that mostly makes unusable rows would test nothing.
    assert!(discarded * 10 <= cases, "{discarded} of {cases} cases discarded: the row generator needs fixing");
}

#[test]
fn random_sqlite() {
    run_random(Flavor::Sqlite, 200);
}

#[test]
fn random_postgres() {
    run_random(Flavor::Postgres, 100);
}

#[test]
fn random_mysql() {
    run_random(Flavor::Mysql, 60);
}
