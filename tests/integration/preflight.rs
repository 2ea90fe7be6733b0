//! Pre-flight data checks: each change that existing rows would break is
//! counted on the live rows before anything runs, shown by `plan`, and
//! refused by `apply` (exit 2, nothing executed); `backfill:` and `using:`
//! say how the rows change instead, once.

use crate::harness::Test;
use dbshape::{ApplyOptions, DataCheckStatus, Error, Migrator, Schema};

const BEFORE: &str = "tables:
  teams:
    columns:
      id: { type: integer, primary_key: true }
      name: { type: text }
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: { type: text }
      name: { type: text }
      team_id: { type: integer }
";

const AFTER: &str = "tables:
  teams:
    columns:
      id: { type: integer, primary_key: true }
      name: { type: text }
  users:
    columns:
      id: { type: integer, primary_key: true }
      email: { type: text, nullable: false, unique: true }
      name: { type: text, check: \"length(name) > 2\" }
      team_id: { type: integer, references: teams.id }
      age: { type: integer, nullable: false }
";

fn seeded(t: &Test) {
    t.schema(BEFORE);
    t.apply();
    t.sql(
        "INSERT INTO teams VALUES (1, 'core');
         INSERT INTO users VALUES (17, NULL, 'Al', 1), (42, 'a@x', 'Bob', 1), (98, NULL, 'Cyd', 7),
                                  (99, 'a@x', 'Dee', 1), (100, 'b@x', 'Eve', NULL);",
    );
}

#[test]
fn every_check_fires_on_the_rows_and_apply_runs_nothing() {
    Test::each(|t| {
        seeded(t);
        let before = t.dump();
        t.schema(AFTER);
        let plan = t.run(&["plan"]).success();
        for line in [
            "✗ 2 rows of users have NULL in email (id 17, 98)",
            "✗ 5 rows of users would have NULL in the new column age (id 17, 42, 98, 99, 100)",
            "✗ 2 rows of users have the same email as another row (1 duplicated value: 'a@x' ×2)",
            "✗ 1 row of users violates check users_name_check (length(name) > 2) (id 17)",
            "✗ 1 row of users has no matching row in teams (foreign key users_team_id_fkey) (id 98)",
            "5 data checks failed: apply would stop before its first statement.",
        ] {
            assert!(plan.stdout.contains(line), "missing {line:?}:\n{}", plan.stdout);
        }
        let json: serde_json::Value =
            serde_json::from_str(&t.run(&["plan", "--format", "json"]).success().stdout).unwrap();
        let checks = json["data_checks"].as_array().unwrap();
        assert_eq!(checks.len(), 5, "{checks:#?}");
        let not_null = checks.iter().find(|c| c["kind"] == "not_null").unwrap();
        assert_eq!(not_null["status"], "failed");
        assert_eq!(not_null["rows"], 2);
        assert_eq!(not_null["examples"], serde_json::json!(["17", "98"]));
        let unique = checks.iter().find(|c| c["kind"] == "unique").unwrap();
        assert_eq!((unique["rows"].as_u64(), unique["groups"].as_u64()), (Some(2), Some(1)));

        let run = t.run(&["apply", "--yes"]).code(2);
        assert!(
            run.stderr.contains("the data checks found rows the plan would fail on; nothing was run"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("✗ 2 rows of users have NULL in email (id 17, 98)"), "{}", run.stderr);
        assert!(run.stderr.contains("backfill:"), "the hint says how to go on: {}", run.stderr);
        assert!(!run.stdout.contains("Applying:"), "{}", run.stdout);
        assert_eq!(t.dump(), before, "nothing was executed");

        // Fixed rows pass every check, and the plan applies.
        t.sql(
            "UPDATE users SET email = 'user' || id || '@x' WHERE email IS NULL OR id = 99;
             UPDATE users SET name = 'Alf' WHERE id = 17; UPDATE users SET team_id = 1 WHERE id = 98;",
        );
        t.schema(
            &AFTER.replace(
                "age: { type: integer, nullable: false }",
                "age: { type: integer, nullable: false, default: 0 }",
            ),
        );
        let plan = t.run(&["plan"]).success();
        assert!(plan.stdout.contains("✓ NOT NULL on users.email: no row fails it"), "{}", plan.stdout);
        assert!(!plan.stdout.contains('✗'), "{}", plan.stdout);
        t.apply();
        t.assert_in_sync();
    });
}

#[test]
fn apply_checks_again_under_its_lock() {
    Test::each(|t| {
        seeded(t);
        t.sql("UPDATE users SET email = 'user' || id || '@x'");
        let mut db = Migrator::connect(&t.url()).unwrap();
        let schema =
            Schema::from_yaml_str(&BEFORE.replace("email: { type: text }", "email: { type: text, nullable: false }"))
                .unwrap();
        let plan = db.plan(&schema).unwrap();
        assert!(plan.data_checks().iter().all(|r| r.status == DataCheckStatus::Passed), "{:?}", plan.data_checks());
        // A NULL arrives between the plan and the apply.
        t.sql("UPDATE users SET email = NULL WHERE id = 42");
        let before = t.dump();
        let error = db.apply(&plan, &ApplyOptions::default()).unwrap_err();
        let Error::DataChecks(reports) = &error else { panic!("data checks refused it: {error}") };
        assert!(reports[0].to_string().contains("1 row of users has NULL in email (id 42)"), "{error}");
        assert_eq!(t.dump(), before, "nothing was executed");
    });
}

#[test]
fn postgres_conversions_and_removed_enum_labels_are_counted() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "enums:\n  mood: [happy, sad, meh]\ntables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         code: text\n      nick: varchar(100)\n      big: bigint\n      placed: text\n      m: mood\n",
    );
    t.apply();
    t.sql(
        "INSERT INTO users VALUES
           (1, '12', 'short', 1, '2024-01-02', 'happy'),
           (2, 'abc', 'a much longer nickname', 5000000000, 'not a date', 'meh'),
           (3, '7', 'ok        ', 3, '2024-02-30', 'meh'),
           (17, 'x1', 'fine', -4, '2024-03-01', 'sad')",
    );
    let before = t.dump();
    t.schema(
        "enums:\n  mood: [happy, sad]\ntables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         code: integer\n      nick: varchar(5)\n      big: integer\n      placed: date\n      m: mood\n",
    );
    let plan = t.run(&["plan"]).success();
    for line in [
        "✗ 2 rows of users have a value in code that does not convert to integer (id 2, 17)",
        // 'ok' and eight spaces fits: PostgreSQL cuts trailing spaces without complaint.
        "✗ 1 row of users has a value in nick that does not convert to varchar(5) (id 2)",
        "✗ 1 row of users has a value in big that does not convert to integer (id 2)",
        "✗ 2 rows of users have a value in placed that does not convert to date (id 2, 3)",
        "✗ 2 rows of users use a label of mood the plan removes, in m (id 2, 3)",
    ] {
        assert!(plan.stdout.contains(line), "missing {line:?}:\n{}", plan.stdout);
    }
    t.run(&["apply", "--yes", "--allow-destructive"]).code(2).stderr_has("nothing was run");
    assert_eq!(t.dump(), before);
}

#[test]
fn backfill_and_using_change_the_rows_once() {
    Test::each(|t| {
        t.schema("tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      email: text\n      active: text\n");
        t.apply();
        t.sql("INSERT INTO users VALUES (1, 'a@x', 'yes'), (2, NULL, 'no'), (3, NULL, 'yes')");
        let (active_type, using) = if t.is_postgres() {
            ("boolean", "active = 'yes'")
        } else {
            ("integer", "CASE active WHEN 'yes' THEN 1 ELSE 0 END")
        };
        // MySQL has no `using` (a_using_on_mysql_is_refused), and joins text with concat().
        let (active, email) = if t.is_mysql() {
            ("text".to_string(), "concat('user', id, '@unknown')")
        } else {
            (format!("{{ type: {active_type}, using: \"{using}\" }}"), "'user' || id || '@unknown'")
        };
        let after = format!(
            "tables:\n  users:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      \
             email: {{ type: text, nullable: false, backfill: \"{email}\" }}\n      \
             active: {active}\n      \
             level: {{ type: integer, nullable: false, backfill: \"id * 10\" }}\n"
        );
        t.schema(&after);
        let plan = t.run(&["plan"]).success();
        assert!(!plan.stdout.contains('✗'), "backfilled columns have no NULL to find:\n{}", plan.stdout);
        if t.is_postgres() {
            assert!(
                plan.stdout
                    .contains("UPDATE \"users\" SET \"email\" = ('user' || id || '@unknown') WHERE \"email\" IS NULL"),
                "{}",
                plan.stdout
            );
            assert!(plan.stdout.contains("USING (active = 'yes')"), "{}", plan.stdout);
            assert!(plan.stdout.contains("✓ users.active from text to boolean: no row fails it"), "{}", plan.stdout);
        }
        t.run(&["apply", "--yes", "--allow-destructive"]).success();
        let truth = if t.is_postgres() {
            ["t", "f", "t"]
        } else if t.is_mysql() {
            ["yes", "no", "yes"]
        } else {
            ["1", "0", "1"]
        };
        assert_eq!(
            t.query("SELECT email, active, level FROM users ORDER BY id"),
            [
                ["a@x".to_string(), truth[0].into(), "10".into()],
                ["user2@unknown".into(), truth[1].into(), "20".into()],
                ["user3@unknown".into(), truth[2].into(), "30".into()],
            ]
        );
        // The hints acted once: the same file now plans nothing, and
        // inspect never writes them.
        t.assert_in_sync();
        let inspected = t.run(&["inspect"]).success().stdout;
        assert!(!inspected.contains("backfill") && !inspected.contains("using"), "{inspected}");
    });
}

#[test]
fn postgres_a_check_out_of_time_stops_the_apply_unless_skipped() {
    let Some(t) = Test::postgres() else { return };
    t.schema("tables:\n  slow:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: integer\n");
    t.apply();
    t.sql("INSERT INTO slow VALUES (1, 1)");
    t.schema(
        "tables:\n  slow:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         n: { type: integer, check: \"pg_sleep(0.4) IS NOT NULL AND n > 0\" }\n",
    );
    let plan = t.run(&["plan", "--check-timeout", "100ms"]).success();
    assert!(
        plan.stdout
            .contains("? check slow_n_check on slow: not known, the check ran out of its 0.1 s (--check-timeout)"),
        "{}",
        plan.stdout
    );
    t.run(&["apply", "--yes", "--check-timeout", "100ms"]).code(2).stderr_has("--skip-data-checks");
    t.run(&["apply", "--yes", "--check-timeout", "100ms", "--skip-data-checks"]).success();
    t.assert_in_sync();
}

#[test]
fn a_check_over_a_column_the_plan_adds_is_left_to_the_database() {
    Test::each(|t| {
        t.schema("tables:\n  items:\n    columns:\n      id: { type: integer, primary_key: true }\n");
        t.apply();
        t.sql("INSERT INTO items VALUES (1), (2)");
        t.schema(
            "tables:\n  items:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
             size: { type: integer, default: 3, check: \"size > 0\" }\n",
        );
        let plan = t.run(&["plan"]).success();
        assert!(
            plan.stdout.contains(
                "- check items_size_check on items: not checked beforehand (it reads column size, which the plan adds)"
            ),
            "{}",
            plan.stdout
        );
        t.apply();
        assert_eq!(t.query("SELECT size FROM items ORDER BY id"), [["3"], ["3"]]);
        t.assert_in_sync();
    });
}

/// A column renamed and made NOT NULL in one plan is checked under the
/// name its rows have before the plan (the check's query named the new
/// one, failed, and the apply ran into the NULLs: random seed 819493).
#[test]
fn a_column_renamed_and_made_not_null_is_checked_under_its_old_name() {
    Test::each(|t| {
        t.schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      a: integer\n");
        t.apply();
        t.sql("INSERT INTO t VALUES (1, NULL), (2, 5)");
        t.schema(
            "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
             b: { type: integer, nullable: false, renamed_from: a }\n",
        );
        let run = t.run(&["apply", "--yes"]).code(2);
        assert!(run.stderr.contains("1 row of t") && run.stderr.contains("NULL in b"), "{}", run.stderr);
        assert!(!run.stderr.contains("query failed"), "{}", run.stderr);
        assert_eq!(t.count("t"), 2);
    });
}
