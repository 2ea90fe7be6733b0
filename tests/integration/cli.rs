//! The command-line contract: defaults, exit codes, formats, confirmation.

use crate::harness::Test;

const SCHEMA: &str = "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n";

#[test]
fn check_exit_codes() {
    Test::each(check_codes);
}

fn check_codes(t: &Test) {
    t.schema(SCHEMA);
    if !t.is_postgres() && !t.is_mysql() {
        t.run(&["check"]).code(2).stderr_has("does not exist");
        t.create_empty_file();
    }
    let drift = t.run(&["check"]).code(1);
    assert!(drift.stdout.starts_with("Drift: the database differs from schema.yaml (1 change)."), "{}", drift.stdout);
    assert!(drift.stdout.contains("+++ schema.yaml"), "a diff of the two schemas:\n{}", drift.stdout);
    assert!(drift.stdout.contains(&format!("CREATE TABLE {}", t.quoted("a"))), "and the SQL:\n{}", drift.stdout);
    let json: serde_json::Value = serde_json::from_str(&t.run(&["check", "--format", "json"]).code(1).stdout).unwrap();
    assert_eq!((json["in_sync"].as_bool(), json["change_count"].as_u64()), (Some(false), Some(1)));
    t.apply();
    t.run(&["check"]).success().stdout_has("In sync: the database matches schema.yaml.");
    let json: serde_json::Value =
        serde_json::from_str(&t.run(&["check", "--format", "json"]).success().stdout).unwrap();
    assert_eq!((json["in_sync"].as_bool(), json["change_count"].as_u64()), (Some(true), Some(0)));
    t.run(&["check", "--schema", "missing.yaml"]).code(2);
}

#[test]
fn plan_does_not_create_a_missing_database_file() {
    let t = Test::sqlite();
    t.schema(SCHEMA);
    let run = t.run(&["plan"]).success().stdout_has("+ create table a");
    let absolute = t.db_path().display().to_string();
    assert!(run.stderr.contains(&format!("note: SQLite database file {absolute} does not exist")), "{}", run.stderr);
    t.run(&["apply", "--dry-run"]).success().stdout_has("+ create table a");
    assert!(!t.db_path().exists());
}

/// A URL naming a file that is not there (three slashes for four, or a
/// Flask app's `instance/` folder forgotten) is not an empty database to
/// the commands that only read: they say so, with the absolute path.
#[test]
fn reads_of_a_missing_sqlite_file_say_it_is_missing() {
    let t = Test::sqlite();
    t.schema(SCHEMA);
    let absolute = t.db_path().display().to_string();
    for args in [vec!["inspect"], vec!["check"], vec!["diff", "DATABASE_URL", "schema.yaml"]] {
        let args: Vec<String> = args.iter().map(|a| a.replace("DATABASE_URL", &t.url())).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = t.run(&args).code(2);
        assert!(
            run.stderr.contains(&format!("SQLite database file {absolute} does not exist")),
            "{args:?}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("four"), "the hint names absolute paths: {}", run.stderr);
    }
    // A Flask app's database is in instance/: the hint finds it.
    std::fs::create_dir(t.dir().join("instance")).unwrap();
    std::fs::write(t.dir().join("instance/app.db"), b"").unwrap();
    t.run(&["check"]).code(2).stderr_has("did you mean sqlite:///instance/app.db?");
    assert!(!t.db_path().exists(), "nothing was created");
    // apply creates it.
    t.run(&["apply", "--yes"]).success();
    t.run(&["check"]).success();
}

#[test]
fn apply_refuses_without_yes_when_not_interactive() {
    let t = Test::sqlite();
    t.schema(SCHEMA);
    t.run(&["apply"]).code(2).stderr_has("pass --yes");
    assert!(!t.db_path().exists() || t.query("SELECT name FROM sqlite_schema").is_empty());
}

#[test]
fn apply_prints_each_statement_and_a_summary() {
    let t = Test::sqlite();
    t.schema(SCHEMA);
    let run = t.apply();
    assert!(run.stdout.contains("[1/1]"), "{}", run.stdout);
    assert!(run.stdout.contains(" ms  CREATE TABLE \"a\" ("), "{}", run.stdout);
    assert!(run.stdout.contains("Applied 1 change (1 statements) in"), "{}", run.stdout);
    t.apply().stdout_has("No changes.");
}

#[test]
fn default_url_is_app_db_in_the_current_directory() {
    let t = Test::sqlite();
    t.schema(SCHEMA);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dbshape"));
    let status = command.args(["apply", "--yes"]).current_dir(t.dir()).env_remove("DATABASE_URL").output().unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    assert!(t.dir().join("app.db").exists());
}

#[test]
fn json_plan_is_a_stable_document() {
    let t = Test::sqlite();
    t.schema(SCHEMA);
    let run = t.run(&["plan", "--format", "json"]).success();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(
        json,
        serde_json::json!({
            "format_version": 1,
            "dialect": "sqlite",
            "in_sync": false,
            "change_count": 1,
            "destructive_count": 0,
            "steps": [{
                "changes": [{
                    "kind": "create_table",
                    "table": "a",
                    "object": "a",
                    "description": "create table a (1 columns)",
                    "destructive": false,
                    "destructive_reason": null,
                    "hazards": []
                }],
                "note": null,
                "sql": ["CREATE TABLE \"a\" (\n  \"id\" INTEGER NOT NULL,\n  CONSTRAINT \"a_pkey\" PRIMARY KEY (\"id\")\n)"]
            }],
            "sql": ["CREATE TABLE \"a\" (\n  \"id\" INTEGER NOT NULL,\n  CONSTRAINT \"a_pkey\" PRIMARY KEY (\"id\")\n)"],
            "online": false,
            "transactional": true,
            "after_commit": [],
            "unmanaged": [],
            "data_checks": []
        })
    );
    t.apply();
    let json: serde_json::Value = serde_json::from_str(&t.run(&["plan", "--format", "json"]).success().stdout).unwrap();
    assert_eq!(json["in_sync"], true);
    assert_eq!(json["steps"], serde_json::json!([]));
}

#[test]
fn help_documents_exit_codes() {
    let t = Test::sqlite();
    for args in [vec!["--help"], vec!["check", "--help"], vec!["apply", "--help"]] {
        t.run(&args).success().stdout_has("Exit codes:").stdout_has("1  `check`: the database has drifted");
    }
    t.run(&["--version"]).success().stdout_has("dbshape ");
    t.run(&["frobnicate"]).code(2);
}

#[test]
fn odd_identifiers_are_quoted_everywhere() {
    Test::each(odd_identifiers);
}

fn odd_identifiers(t: &Test) {
    let schema = "tables:\n  \"users\\\"; DROP TABLE x; --\":\n    columns:\n      \"select\": { type: integer, primary_key: true }\n      \"a b\": { type: text, unique: true }\n    indexes:\n      \"weird \\\"idx\\\"\": { columns: [\"a b\"] }\n  x:\n    columns:\n      id: { type: integer }\n";
    // MySQL indexes a text column by a prefix of it.
    let schema = if t.is_mysql() { schema.replace("[\"a b\"]", "[\"a b(100)\"]") } else { schema.to_string() };
    t.schema(&schema);
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.count("x"), 0, "table x still exists");
    let inspected = t.run(&["inspect"]).success().stdout;
    t.schema(&inspected);
    t.assert_in_sync();
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let t = Test::sqlite();
    t.schema(SCHEMA);
    // Not a terminal (and NO_COLOR set by the harness): plain text.
    assert!(!t.run(&["plan"]).success().stdout.contains('\x1b'));
    assert!(!t.run(&["plan", "--color", "auto"]).success().stdout.contains('\x1b'));
    let coloured = t.run(&["plan", "--color", "always"]).success().stdout;
    assert!(coloured.contains("\x1b[32m+ create table a"), "{coloured:?}");
    t.run(&["plan", "--color", "sometimes"]).code(2);
}

#[test]
fn plan_groups_changes_by_table_and_counts_them() {
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n  b:\n    columns:\n      id: { type: integer }\n");
    t.apply();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: { type: text }\n    indexes:\n      a_n: { columns: [n] }\n");
    let run = t.run(&["plan"]).success();
    assert!(run.stdout.contains("\n  a\n    + add column a.n text\n    + create index a_n on a\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\n  b\n    - drop table b"), "{}", run.stdout);
    assert!(run.stdout.contains("3 changes: 2 to add, 0 to change, 1 to remove."), "{}", run.stdout);
}

#[test]
fn diff_between_any_two_sources() {
    let t = Test::sqlite();
    let v1 = "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n";
    let v2 = "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: { type: text }\n";
    std::fs::write(t.dir().join("v1.yaml"), v1).unwrap();
    std::fs::write(t.dir().join("v2.yaml"), v2).unwrap();
    // File to file, offline, for either dialect.
    t.run(&["diff", "v1.yaml", "v1.yaml"]).success().stdout_has("No changes: both sides are the same schema.");
    let run = t.run(&["diff", "v1.yaml", "v2.yaml", "--format", "sql"]).code(1);
    assert_eq!(run.stdout, "ALTER TABLE \"a\" ADD COLUMN \"n\" TEXT;\n");
    let run = t.run(&["diff", "v1.yaml", "v2.yaml", "--dialect", "postgresql", "--format", "sql"]).code(1);
    assert_eq!(run.stdout, "ALTER TABLE \"a\" ADD COLUMN \"n\" text;\n");
    t.run(&["diff", "v2.yaml", "v1.yaml"])
        .code(1)
        .stdout_has("- drop column a.n")
        .stdout_has("v2.yaml → v1.yaml (sqlite)");
    // Database to file is the plan; database to database compares two live schemas.
    t.schema(v1);
    t.apply();
    t.run(&["diff", &t.url(), "v2.yaml"]).code(1).stdout_has("+ add column a.n text");
    t.run(&["diff", &t.url(), "v1.yaml"]).success();
    let other = Test::sqlite();
    other.schema(v2);
    other.apply();
    t.run(&["diff", &t.url(), &other.url()]).code(1).stdout_has("+ add column a.n text");
    t.run(&["diff", "missing.yaml", "v1.yaml"]).code(2);
}

#[test]
fn completions_for_common_shells() {
    let t = Test::sqlite();
    for shell in ["bash", "zsh", "fish"] {
        let run = t.run(&["completions", shell]).success();
        assert!(run.stdout.contains("inspect") && run.stdout.contains("allow-destructive"), "{shell}");
    }
}

/// Every schema file the project ships validates against the JSON Schema
/// that `json-schema` prints, and a misspelt key does not.
#[test]
fn json_schema_validates_every_example() {
    let t = Test::sqlite();
    let schema: serde_json::Value = serde_json::from_str(&t.run(&["json-schema"]).success().stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("schema.yaml")];
    for entry in std::fs::read_dir(root.join("examples/seed")).unwrap() {
        files.push(entry.unwrap().path());
    }
    for file in &files {
        let yaml: serde_json::Value = serde_yaml::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&yaml).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
    let typo: serde_json::Value =
        serde_yaml::from_str("tables:\n  a:\n    columns:\n      id: { type: integer, nulable: false }\n").unwrap();
    assert!(!validator.is_valid(&typo));
}

/// The `+`/`-` lines of a unified diff, without its headers.
fn changed_lines(diff: &str) -> Vec<&str> {
    diff.lines()
        .filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---"))
        .collect()
}

#[test]
fn drift_diff_ignores_column_order() {
    Test::each(|t| {
        t.schema("tables:\n  a:\n    columns:\n      x: { type: integer }\n      y: { type: text }\n");
        t.apply();
        t.schema("tables:\n  a:\n    columns:\n      y: { type: text }\n      z: { type: integer }\n      x: { type: integer }\n");
        let run = t.run(&["check"]).code(1);
        let changed = changed_lines(&run.stdout);
        assert_eq!(changed.len(), 1, "only the new column differs:\n{}", run.stdout);
        assert!(changed[0].starts_with("+") && changed[0].contains("z:"), "{}", run.stdout);
    });
}

/// A longer column name re-aligns the file's column section; the drift
/// diff must still show only the new column, not every realigned line.
#[test]
fn drift_diff_is_not_noisy_when_alignment_changes() {
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: text\n");
    t.apply();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: text\n      much_longer_name: text\n");
    let run = t.run(&["check"]).code(1);
    let changed = changed_lines(&run.stdout);
    assert_eq!(changed, ["+      much_longer_name: text"], "{}", run.stdout);
}

#[test]
fn shipped_schema_files_are_formatted() {
    let t = Test::sqlite();
    let root = env!("CARGO_MANIFEST_DIR");
    for file in ["schema.yaml", "examples/seed/before.yaml", "examples/seed/after.yaml"] {
        t.run(&["fmt", "--check", "--schema", &format!("{root}/{file}")]).success();
    }
}

#[test]
fn fmt_rewrites_to_the_canonical_form_and_keeps_the_meaning() {
    let t = Test::sqlite();
    let messy = "# Header comment, kept.\n\ntables:\n  b:\n    columns:\n      ID: {type: INT, primary_key: true}\n      name: {type: character varying(20), nullable: true, default: {sql: \"'x'\"}}\n      a_id: {type: int4, references: a.id, on_delete: CASCADE}\n    indexes:\n      z_idx: {columns: [name]}\n      a_idx: {columns: [\"a_id DESC\"]}\n  a:\n    columns:\n      id: {type: integer, primary_key: true}\n";
    t.schema(messy);
    t.run(&["fmt", "--check"]).code(1).stdout_has("is not formatted");
    t.run(&["fmt"]).success().stdout_has("Formatted schema.yaml.");
    let formatted = std::fs::read_to_string(t.dir().join("schema.yaml")).unwrap();
    assert!(formatted.starts_with("# Header comment, kept.\n\ntables:\n  b:\n"), "file order is kept:\n{formatted}");
    assert!(formatted.contains("name: { type: varchar(20), default: x }"), "{formatted}");
    assert!(formatted.contains("a_id: { type: integer, references: a.id, on_delete: cascade }"), "{formatted}");
    t.run(&["fmt", "--check"]).success();
    // Same meaning: a database made from either file plans nothing for the other.
    t.apply();
    t.schema(messy);
    t.assert_in_sync();
}

#[test]
fn fmt_does_not_drop_comments_silently() {
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer }   # the key\n      # a note\n      n: { type: text }\n");
    t.run(&["fmt"]).code(2).stderr_has("would drop the comments on lines 4, 5");
    t.run(&["fmt", "--drop-comments"]).success();
    assert!(!std::fs::read_to_string(t.dir().join("schema.yaml")).unwrap().contains('#'));
}

/// A drift report of hundreds of tables stays readable: `check` summarises
/// past a limit, `plan` stays complete.
#[test]
fn a_drift_report_of_many_tables_is_summarised() {
    let t = Test::sqlite();
    let tables: String = (0..300)
        .map(|i| format!("  t{i}:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n"))
        .collect();
    t.schema(&format!("tables:\n{tables}")).create_empty_file();
    let run = t.run(&["check"]).code(1);
    assert!(run.stdout.contains("more lines of differences"), "{}", run.stdout);
    assert!(run.stdout.contains("… and 250 more changes to 250 more tables"), "{}", run.stdout);
    assert!(run.stdout.contains("… and 250 more statements (`dbshape plan --format sql` prints them all)"));
    assert!(run.stdout.contains("300 changes: 300 to add"), "the count covers every change");
    assert!(run.stdout.lines().count() < 600, "{} lines", run.stdout.lines().count());
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("+ create table t299") && !plan.contains("more tables"), "{plan}");
}
