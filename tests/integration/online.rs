//! `--online` (PostgreSQL): what would block a busy table runs after the
//! transaction commits, in steps that each take only a brief strong lock
//! (indexes CONCURRENTLY, constraints NOT VALID then validated, NOT NULL
//! through a validated check, unique keys through a concurrent index).
//! Interrupted anywhere, the next plan shows what is left and finishes it.

use crate::harness::Test;
use std::process::Command;
use std::time::{Duration, Instant};

const BEFORE: &str = "tables:
  teams:
    columns:
      id: { type: integer, primary_key: true }
  t:
    columns:
      id: integer
      a: integer
      b: text
      team_id: integer
";

const AFTER: &str = "tables:
  teams:
    columns:
      id: { type: integer, primary_key: true }
  t:
    columns:
      id: { type: integer, primary_key: true }
      a: { type: integer, nullable: false, check: \"a >= 0\" }
      b: { type: text, unique: true }
      team_id: { type: integer }
    indexes:
      t_a_idx: { columns: [a] }
    foreign_keys:
      t_team_fk: { columns: [team_id], references: { table: teams, columns: [id] } }
";

fn seeded() -> Option<Test> {
    let t = Test::postgres()?;
    t.schema(BEFORE);
    t.apply();
    t.sql("INSERT INTO teams VALUES (1); INSERT INTO t SELECT g, g % 100, 'x' || g, 1 FROM generate_series(1, 2000) g");
    t.schema(AFTER);
    Some(t)
}

/// The statements of `plan --online`, the transaction's and those after the commit.
fn statements(t: &Test) -> (Vec<String>, Vec<String>) {
    let json: serde_json::Value =
        serde_json::from_str(&t.run(&["plan", "--online", "--format", "json"]).success().stdout).unwrap();
    assert_eq!(json["online"], true);
    let after: Vec<String> =
        json["after_commit"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().into()).collect();
    let all: Vec<String> = json["sql"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().into()).collect();
    (all[..all.len() - after.len()].to_vec(), after)
}

/// `apply --online`, the process dying (as if killed) right after statement `k`.
fn apply_until(t: &Test, k: usize) {
    let run = Command::new(env!("CARGO_BIN_EXE_dbshape"))
        .args(["apply", "--yes", "--online"])
        .current_dir(t.dir())
        .env("DATABASE_URL", t.url())
        .env("DBSHAPE_FAULT_ABORT_AFTER_STATEMENT", k.to_string())
        .output()
        .unwrap();
    assert!(!run.status.success(), "the process was to die after statement {k}");
}

#[test]
fn postgres_online_runs_the_blocking_parts_after_the_commit() {
    let Some(t) = seeded() else { return };
    let (transaction, after) = statements(&t);
    // Only brief, scan-free statements in the transaction.
    assert!(transaction.iter().all(|s| s.ends_with("NOT VALID")), "{transaction:#?}");
    for expected in [
        "ALTER TABLE \"t\" VALIDATE CONSTRAINT \"dbshape_not_null_a\"",
        "ALTER TABLE \"t\" ALTER COLUMN \"a\" SET NOT NULL",
        "ALTER TABLE \"t\" DROP CONSTRAINT \"dbshape_not_null_a\"",
        "CREATE UNIQUE INDEX CONCURRENTLY \"t_pkey\" ON \"t\" (\"id\")",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"t_pkey\" PRIMARY KEY USING INDEX \"t_pkey\"",
        "CREATE UNIQUE INDEX CONCURRENTLY \"t_b_key\" ON \"t\" (\"b\")",
        "ALTER TABLE \"t\" ADD CONSTRAINT \"t_b_key\" UNIQUE USING INDEX \"t_b_key\"",
        "CREATE INDEX CONCURRENTLY \"t_a_idx\" ON \"t\" (\"a\")",
        "ALTER TABLE \"t\" VALIDATE CONSTRAINT \"t_a_check\"",
        "ALTER TABLE \"t\" VALIDATE CONSTRAINT \"t_team_fk\"",
    ] {
        assert!(after.iter().any(|s| s == expected), "missing {expected:?} in {after:#?}");
    }
    let text = t.run(&["plan", "--online"]).success().stdout;
    assert!(text.contains("Then, after the commit, each on its own (--online):"), "{text}");
    assert!(
        text.contains("+ create index t_a_idx on t\n      hazards: SHARE UPDATE EXCLUSIVE lock on t, builds an index"),
        "{text}"
    );
    // Without --online the same changes run in the transaction.
    let json: serde_json::Value = serde_json::from_str(&t.run(&["plan", "--format", "json"]).success().stdout).unwrap();
    assert_eq!(json["after_commit"], serde_json::json!([]));
    t.run(&["apply", "--yes", "--online"]).success();
    t.assert_in_sync();
    assert_eq!(t.count("t"), 2000);
    assert!(t.query("SELECT 1 FROM pg_constraint WHERE conname LIKE 'dbshape_not_null%'").is_empty());
}

#[test]
fn postgres_online_interrupted_after_any_statement_is_finished_by_the_next_plan() {
    let Some(probe) = seeded() else { return };
    let (transaction, after) = statements(&probe);
    let total = transaction.len() + after.len();
    drop(probe);
    for k in 1..total {
        let t = seeded().unwrap();
        apply_until(&t, k);
        let plan = t.run(&["plan", "--online"]).success().stdout;
        if k < transaction.len() {
            // The transaction never committed: everything is left.
            assert_eq!(statements(&t), (transaction.clone(), after.clone()), "after statement {k}:\n{plan}");
        } else {
            assert!(!plan.starts_with("No changes"), "after statement {k} of {total} something is left:\n{plan}");
            // Nothing that ran is planned again.
            let done = &after[..k - transaction.len()];
            let (_, left) = statements(&t);
            for statement in done.iter().filter(|s| s.contains("VALIDATE") || s.contains("CREATE")) {
                assert!(!left.contains(statement), "after statement {k}, {statement:?} is planned again:\n{plan}");
            }
        }
        t.run(&["apply", "--yes", "--online"]).success();
        t.assert_in_sync();
        assert_eq!(t.count("t"), 2000, "after statement {k}: every row kept");
        assert!(t.query("SELECT 1 FROM pg_index WHERE NOT indisvalid").is_empty());
    }
}

#[test]
fn postgres_online_after_the_last_validation_only_validation_is_left() {
    let Some(t) = seeded() else { return };
    let (transaction, after) = statements(&t);
    let last = transaction.len() + after.len() - 1;
    apply_until(&t, last);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("(1 change)"), "{plan}");
    assert!(plan.contains("~ validate constraint t_team_fk on t (added NOT VALID, not validated yet)"), "{plan}");
    t.apply();
    t.assert_in_sync();
}

#[test]
fn postgres_online_retries_a_lock_a_while_then_says_what_is_left() {
    let Some(t) = Test::postgres() else { return };
    t.schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: integer\n");
    t.apply();
    t.sql("INSERT INTO t SELECT g, g FROM generate_series(1, 1000) g");
    t.schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: integer\n    indexes:\n      t_a_idx: { columns: [a] }\n");
    let hold = |for_how_long: Duration| {
        let mut client = t.pg_client();
        std::thread::spawn(move || {
            let mut tx = client.transaction().unwrap();
            tx.batch_execute("LOCK TABLE t IN SHARE UPDATE EXCLUSIVE MODE").unwrap();
            std::thread::sleep(for_how_long);
            tx.commit().unwrap();
        })
    };
    // Held a little longer than one wait: a retry gets it.
    let holder = hold(Duration::from_millis(900));
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    t.run(&["apply", "--yes", "--online", "--lock-timeout", "200ms"]).success();
    assert!(started.elapsed() > Duration::from_millis(700), "it waited for the lock: {:?}", started.elapsed());
    holder.join().unwrap();
    t.assert_in_sync();

    // The transaction's own brief lock (a check added NOT VALID) is waited
    // for the same way: rolled back, and tried again.
    t.schema(
        "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: { type: integer, check: \"a > 0\" }\n    \
         indexes:\n      t_a_idx: { columns: [a] }\n",
    );
    let reader = {
        let mut client = t.pg_client();
        std::thread::spawn(move || {
            let mut tx = client.transaction().unwrap();
            tx.batch_execute("LOCK TABLE t IN ACCESS SHARE MODE").unwrap();
            std::thread::sleep(Duration::from_millis(900));
            tx.commit().unwrap();
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    t.run(&["apply", "--yes", "--online", "--lock-timeout", "200ms"]).success();
    assert!(started.elapsed() > Duration::from_millis(700), "it waited for the lock: {:?}", started.elapsed());
    reader.join().unwrap();
    t.assert_in_sync();
    t.schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: integer\n    indexes:\n      t_a_idx: { columns: [a] }\n");
    t.apply();

    // Held past every retry: the apply stops, says so, and the plan shows the index left to build.
    t.sql("DROP INDEX t_a_idx");
    let holder = hold(Duration::from_secs(6));
    std::thread::sleep(Duration::from_millis(100));
    let run = t.run(&["apply", "--yes", "--online", "--lock-timeout", "200ms"]).code(2);
    assert!(run.stderr.contains("failed after the transaction committed"), "{}", run.stderr);
    assert!(run.stderr.contains("tried 3 times"), "{}", run.stderr);
    assert!(run.stderr.contains("run `dbshape plan` to see what is left"), "{}", run.stderr);
    holder.join().unwrap();
    t.run(&["plan"]).success().stdout_has("+ create index t_a_idx on t");
}

#[test]
fn postgres_online_keeps_in_the_transaction_the_unique_index_a_new_foreign_key_needs() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "tables:\n  p:\n    columns:\n      id: { type: integer, primary_key: true }\n      code: integer\n    \
         indexes:\n      p_code_idx: { columns: [code] }\n  c:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         code: integer\n",
    );
    t.apply();
    t.sql("INSERT INTO p VALUES (1, 10), (2, 20); INSERT INTO c VALUES (1, 10)");
    // The index becomes unique (dropped and made again under its name), and
    // a new foreign key rests on it: both must happen in the transaction.
    t.schema(
        "tables:\n  p:\n    columns:\n      id: { type: integer, primary_key: true }\n      code: integer\n    \
         indexes:\n      p_code_idx: { columns: [code], unique: true }\n  c:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         code: { type: integer, references: p.code }\n",
    );
    let (transaction, _) = statements(&t);
    assert!(transaction.iter().any(|s| s == "DROP INDEX \"p_code_idx\""), "{transaction:#?}");
    assert!(transaction.iter().any(|s| s.starts_with("CREATE UNIQUE INDEX \"p_code_idx\"")), "{transaction:#?}");
    t.run(&["apply", "--yes", "--online"]).success();
    t.assert_in_sync();
}
