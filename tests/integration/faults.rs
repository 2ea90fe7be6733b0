//! Faults: a statement that fails half way, the process killed (SIGKILL)
//! in the middle of a long apply, the server ending the session, and two
//! applies at once. After each, the database is entirely as before or
//! entirely as planned, never in between, and the next plan is right.

use crate::harness::Test;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn spawn_apply(t: &Test, schema: &str) -> Child {
    spawn_apply_with(t, schema, &[])
}

fn spawn_apply_with(t: &Test, schema: &str, more: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dbshape"))
        .args(["apply", "--yes", "--allow-destructive", "--schema", schema])
        .args(more)
        .current_dir(t.dir())
        .env("DATABASE_URL", t.url())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dbshape")
}

#[test]
fn failing_statement_leaves_database_exactly_as_before() {
    Test::each(|t| {
        t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: text\n      n: text\n");
        t.apply();
        t.sql("INSERT INTO a VALUES (1, 'x', '1'), (2, 'x', NULL), (3, 'y', 'three')");
        let before = t.dump();
        let mut cases = vec![
            // A unique constraint on duplicates, after a first statement that succeeds.
            (
                "name: { type: text, unique: true }\n      n: text\n      extra: text\n",
                ["could not create unique index", "UNIQUE constraint failed", "Duplicate entry"],
            ),
            // NOT NULL on a column holding NULLs.
            (
                "name: text\n      n: { type: text, nullable: false }\n",
                ["contains null values", "NOT NULL constraint failed", "Data truncated"],
            ),
            // A check the rows break.
            (
                "name: { type: text, check: \"name = 'y'\" }\n      n: text\n",
                ["is violated by some row", "CHECK constraint failed", "CONSTRAINT `a_name_check` failed"],
            ),
        ];
        if t.is_postgres() || t.is_mysql() {
            // A cast that fails half way through the rows (SQLite stores the text as it is).
            cases.push((
                "name: text\n      n: integer\n",
                ["invalid input syntax for type integer", "-", "Truncated incorrect INTEGER value"],
            ));
        }
        for (columns, reasons) in cases {
            t.schema(&format!(
                "tables:\n  a:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      {columns}"
            ));
            // The data checks would stop these before any statement
            // (preflight.rs tests that): here the statement itself fails.
            let run = t.run(&["apply", "--yes", "--allow-destructive", "--skip-data-checks"]).code(2);
            let reason = reasons[if t.is_postgres() {
                0
            } else if t.is_mysql() {
                2
            } else {
                1
            }];
            assert!(run.stderr.contains(reason), "the reason: {}", run.stderr);
            assert!(run.stderr.contains(" failed: ") && run.stderr.contains("SQL: "), "the statement: {}", run.stderr);
            // MySQL: one statement per table, which InnoDB undoes whole.
            let undone = if t.is_mysql() { "undone whole" } else { "rolled back" };
            assert!(run.stderr.contains(undone), "{}", run.stderr);
            assert_eq!(t.dump(), before, "nothing changed after: {reason}");
        }
    });
}

/// Rows of `big`, summed, so that a million rows compare cheaply.
fn fingerprint(t: &Test) -> Vec<Vec<String>> {
    t.query("SELECT count(*), sum(id), sum(n), sum(length(v)) FROM big")
}

#[test]
fn sqlite_apply_killed_mid_rebuild_leaves_the_old_database() {
    let t = Test::sqlite();
    t.schema(
        "tables:\n  big:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n      n: integer\n    \
         indexes:\n      big_v_idx: { columns: [v] }\n  child:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         big_id: { type: integer, references: big.id, on_delete: cascade }\n",
    );
    t.apply();
    t.sql(
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000000)
           INSERT INTO big SELECT i, 'row ' || i, i % 1000 FROM s;
         INSERT INTO child SELECT id, id FROM big WHERE id % 1000 = 0;",
    );
    let before = fingerprint(&t);
    let pristine = t.dir().join("pristine.db");
    std::fs::copy(t.db_path(), &pristine).unwrap();
    let b = "tables:\n  big:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n      n: bigint\n    \
             indexes:\n      big_v_idx: { columns: [v] }\n  child:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
             big_id: { type: integer, references: big.id, on_delete: cascade }\n";
    std::fs::write(t.dir().join("b.yaml"), b).unwrap();

    // Kill at each point the output shows: before the first statement, and
    // after statements 1 (scratch table made: the copy is running) to 3.
    let mut outcomes = Vec::new();
    for kill_after in ["Applying:", "[1/", "[2/", "[3/"] {
        std::fs::copy(&pristine, t.db_path()).unwrap();
        let mut child = spawn_apply(&t, "b.yaml");
        let stdout = BufReader::new(child.stdout.take().unwrap());
        for line in stdout.lines() {
            if line.unwrap().contains(kill_after) {
                break;
            }
        }
        child.kill().unwrap();
        let status = child.wait().unwrap();
        // A kill that came after the commit is still a fine outcome; note which.
        let killed = status.signal() == Some(9);
        assert_eq!(t.query("PRAGMA integrity_check"), [["ok"]], "after a kill at {kill_after}");
        assert!(t.query("PRAGMA foreign_key_check").is_empty(), "after a kill at {kill_after}");
        assert_eq!(fingerprint(&t), before, "every row kept after a kill at {kill_after}");
        assert_eq!(t.count("child"), 1000);
        let plan = t.run(&["plan", "--schema", "b.yaml"]).success();
        let old = plan.stdout.contains("~ alter column big.n: type integer → bigint");
        let new = plan.stdout.starts_with("No changes.");
        assert!(old != new, "entirely old or entirely new after a kill at {kill_after}:\n{}", plan.stdout);
        assert!(
            t.query("SELECT name FROM sqlite_schema WHERE name LIKE '_dbshape%'").is_empty(),
            "no scratch table is left"
        );
        outcomes.push((kill_after, killed, if old { "old" } else { "new" }));
    }
    // The kill while the rows were being copied must have caught the apply
    // running, and left the old database.
    assert!(outcomes.iter().any(|(at, killed, state)| *at == "[1/" && *killed && *state == "old"), "{outcomes:?}");
    eprintln!("SQLite kill points: {outcomes:?}");
    t.run(&["apply", "--yes", "--schema", "b.yaml"]).success();
    t.run(&["plan", "--schema", "b.yaml"]).success().stdout_has("No changes.");
    assert_eq!(fingerprint(&t), before);
}

/// A PostgreSQL table big enough that building an index on it takes a
/// while, and the plan that builds one.
fn postgres_big_table() -> Option<Test> {
    let t = Test::postgres()?;
    t.schema("tables:\n  big:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n      n: integer\n");
    t.apply();
    t.sql("INSERT INTO big SELECT i, md5(i::text) || md5((i * 7)::text), i % 1000 FROM generate_series(1, 1500000) i");
    std::fs::write(
        t.dir().join("b.yaml"),
        "tables:\n  big:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n      n: integer\n    \
         indexes:\n      big_v_n_idx: { columns: [v, n] }\n",
    )
    .unwrap();
    Some(t)
}

/// Waits until the apply's session is building the index; returns its pid.
fn wait_for_index_build(t: &Test, child: &mut Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let rows = t.query(
            // The apply's own session, not a parallel worker of its build.
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' \
             AND backend_type = 'client backend' AND query LIKE 'CREATE INDEX%'",
        );
        if let Some(row) = rows.first() {
            return row[0].parse().unwrap();
        }
        assert!(child.try_wait().unwrap().is_none(), "the apply ended before its index build was seen");
        assert!(Instant::now() < deadline, "no index build seen");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until no other session is connected to the test database.
fn wait_for_sessions_to_end(t: &Test) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while t
        .query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        != [["0"]]
    {
        assert!(Instant::now() < deadline, "a killed apply's session never ended");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_old_and_plan_right(t: &Test, rows: &[Vec<String>]) {
    assert_eq!(fingerprint(t), rows, "every row kept");
    assert!(t.query("SELECT 1 FROM pg_indexes WHERE indexname = 'big_v_n_idx'").is_empty(), "no index");
    assert!(
        t.query(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        .is_empty(),
        "the apply lock is gone"
    );
    t.run(&["plan", "--schema", "b.yaml"]).success().stdout_has("+ create index big_v_n_idx on big");
}

#[test]
fn postgres_apply_killed_mid_index_build_changes_nothing() {
    let Some(t) = postgres_big_table() else { return };
    let rows = fingerprint(&t);
    let mut child = spawn_apply(&t, "b.yaml");
    wait_for_index_build(&t, &mut child);
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9), "killed while running");
    let killed = Instant::now();
    wait_for_sessions_to_end(&t);
    // client_connection_check_interval (1 s): the server stops the build
    // rather than finishing it for nobody.
    assert!(killed.elapsed() < Duration::from_secs(10), "the session lasted {:?} after the kill", killed.elapsed());
    eprintln!("PostgreSQL session ended {:?} after the kill", killed.elapsed());
    assert_old_and_plan_right(&t, &rows);
    t.run(&["apply", "--yes", "--schema", "b.yaml"]).success();
    t.run(&["plan", "--schema", "b.yaml"]).success().stdout_has("No changes.");
}

#[test]
fn postgres_online_index_build_killed_leaves_an_invalid_index_the_next_plan_builds_again() {
    let Some(t) = postgres_big_table() else { return };
    let rows = fingerprint(&t);
    let mut child = spawn_apply_with(&t, "b.yaml", &["--online"]);
    wait_for_index_build(&t, &mut child);
    child.kill().unwrap();
    assert_eq!(child.wait().unwrap().signal(), Some(9), "killed while running");
    wait_for_sessions_to_end(&t);
    assert_eq!(fingerprint(&t), rows, "every row kept");
    // CREATE INDEX CONCURRENTLY runs outside a transaction: killed, it
    // leaves the index behind, INVALID.
    assert_eq!(
        t.query("SELECT x.indisvalid::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = 'big_v_n_idx'"),
        [["false"]]
    );
    let plan = t.run(&["plan", "--online", "--schema", "b.yaml"]).success().stdout;
    assert!(plan.contains("- drop index big_v_n_idx on big (invalid: its build did not finish)"), "{plan}");
    assert!(plan.contains("+ create index big_v_n_idx on big"), "{plan}");
    assert!(plan.contains("DROP INDEX CONCURRENTLY IF EXISTS \"big_v_n_idx\""), "{plan}");
    t.run(&["apply", "--yes", "--online", "--schema", "b.yaml"]).success();
    t.run(&["plan", "--schema", "b.yaml"]).success().stdout_has("No changes.");
    assert_eq!(
        t.query("SELECT x.indisvalid::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = 'big_v_n_idx'"),
        [["true"]]
    );
}

#[test]
fn postgres_session_terminated_mid_apply_is_a_clear_error() {
    let Some(t) = postgres_big_table() else { return };
    let rows = fingerprint(&t);
    let mut child = spawn_apply(&t, "b.yaml");
    let pid = wait_for_index_build(&t, &mut child);
    t.sql(&format!("SELECT pg_terminate_backend({pid})"));
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("terminating connection") || stderr.contains("connection"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    wait_for_sessions_to_end(&t);
    assert_old_and_plan_right(&t, &rows);
}

#[test]
fn concurrent_applies_run_one_after_the_other() {
    Test::each(|t| {
        t.schema("tables:\n  big:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: text\n      n: integer\n");
        t.apply();
        t.sql(if t.is_postgres() {
            "INSERT INTO big SELECT i, md5(i::text), i FROM generate_series(1, 200000) i"
        } else if t.is_mysql() {
            "SET SESSION max_recursive_iterations = 1000000; INSERT INTO big WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000) SELECT i, 'r' || i, i FROM s"
        } else {
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000) INSERT INTO big SELECT i, 'r' || i, i FROM s"
        });
        let before = fingerprint(t);
        // A rebuild on SQLite, an index build on PostgreSQL: long enough to overlap.
        // MySQL indexes a text column by a prefix of it.
        let key = if t.is_mysql() { "\"v(100)\"" } else { "v" };
        t.schema(&format!(
            "tables:\n  big:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      v: text\n      n: bigint\n    \
             indexes:\n      big_v_idx: {{ columns: [{key}] }}\n",
        ));
        let (first, second) = std::thread::scope(|s| {
            let a = s.spawn(|| spawn_apply(t, "schema.yaml").wait_with_output().unwrap());
            let b = s.spawn(|| spawn_apply(t, "schema.yaml").wait_with_output().unwrap());
            (a.join().unwrap(), b.join().unwrap())
        });
        let runs = [&first, &second].map(|o| {
            (
                o.status.code(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        });
        let applied = runs.iter().filter(|r| r.0 == Some(0) && r.1.contains("Applied 2 changes")).count();
        assert_eq!(applied, 1, "exactly one apply made the change: {runs:#?}");
        for (code, stdout, stderr) in &runs {
            let waited = *code == Some(0)
                && (stdout.contains("Applied 2 changes")
                    || stdout.contains("Nothing to do: the database already matched")
                    || stdout.starts_with("No changes."));
            let refused = *code == Some(2) && stderr.contains("changed after the plan was made");
            assert!(waited || refused, "each applies, finds nothing left to do, or refuses a stale plan: {runs:#?}");
        }
        t.assert_in_sync();
        assert_eq!(fingerprint(t), before);
    });
}

/// A planner that gets a plan wrong (made so by skipping one of its
/// statements) must never land its mistake where DDL is transactional: the
/// check that the database matches the schema runs before COMMIT, and the
/// apply rolls back whole with the report of what differs. MySQL commits
/// each statement, so there the check after the apply names what ran.
#[test]
fn a_planner_mistake_is_rolled_back_whole_with_the_bug_report() {
    Test::each(|t| {
        t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: text\n");
        t.apply();
        t.sql("INSERT INTO a VALUES (1, 'x'), (2, 'y')");
        let before = t.dump();
        t.schema(
            "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: text\n      \
             age: integer\n  b:\n    columns:\n      id: { type: integer, primary_key: true }\n",
        );
        let output = Command::new(env!("CARGO_BIN_EXE_dbshape"))
            .args(["apply", "--yes"])
            .current_dir(t.dir())
            .env("DATABASE_URL", t.url())
            .env("NO_COLOR", "1")
            .env("DBSHAPE_FAULT_SKIP_STATEMENT", "1")
            .output()
            .expect("run dbshape");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("this is a dbshape bug, please report it"), "{stderr}");
        // Both sides, as schema files.
        assert!(stderr.contains("the database after the plan") && stderr.contains("the schema"), "{stderr}");
        if t.is_mysql() {
            assert!(stderr.contains("the apply committed, but the database still differs"), "{stderr}");
        } else {
            assert!(stderr.contains("so the apply was rolled back and nothing was changed"), "{stderr}");
            assert_eq!(t.dump(), before, "nothing changed");
            // The plan is still the whole plan, and it applies.
            t.run(&["apply", "--yes"]).success();
            t.assert_in_sync();
        }
    });
}
