//! SQLite table rebuilds keep every row, index, trigger, view and child row,
//! and a failed apply leaves the database exactly as it was.

use crate::harness::Test;

const PARENT_AND_CHILD: &str = "tables:
  users:
    columns:
      id:    { type: integer, primary_key: true, autoincrement: true }
      name:  { type: text }
      score: { type: text }
    indexes:
      users_name_idx: { columns: [name] }
  posts:
    columns:
      id:      { type: integer, primary_key: true }
      user_id: { type: integer, nullable: false, references: users.id, on_delete: cascade }
      title:   { type: text }
    indexes:
      posts_user_idx: { columns: [user_id] }
";

fn seeded() -> Test {
    let t = Test::sqlite();
    t.schema(PARENT_AND_CHILD);
    t.apply();
    t.sql(
        "INSERT INTO users (name, score) VALUES ('ada', '10'), ('bob', '20'), ('cy', NULL);
         INSERT INTO posts (user_id, title) VALUES (1, 'a'), (1, 'b'), (2, 'c'), (3, 'd');
         DELETE FROM users WHERE name = 'cy';
         INSERT INTO users (name, score) VALUES ('dee', '5');",
    );
    t
}

#[test]
fn rebuilding_a_parent_never_cascades_into_children() {
    let t = seeded();
    // posts(user_id=3) lost its parent above: cascade removed it.
    assert_eq!(t.count("posts"), 3);
    let users = t.query("SELECT id, name, score FROM users ORDER BY id");
    let posts = t.query("SELECT id, user_id, title FROM posts ORDER BY id");
    t.schema(&PARENT_AND_CHILD.replace("name:  { type: text }", "name:  { type: text, nullable: false }"));
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains("table users is rebuilt"), "{}", plan.stdout);
    t.apply();
    assert_eq!(t.query("SELECT id, name, score FROM users ORDER BY id"), users);
    assert_eq!(t.query("SELECT id, user_id, title FROM posts ORDER BY id"), posts);
    assert_eq!(
        t.query("SELECT name FROM sqlite_schema WHERE type = 'index' AND name = 'users_name_idx'"),
        [["users_name_idx"]]
    );
    t.assert_in_sync();
    // The cascade itself still works after the rebuild.
    t.sql("PRAGMA foreign_keys = ON; DELETE FROM users WHERE name = 'ada';");
    assert_eq!(t.count("posts"), 1);
}

#[test]
fn type_change_rebuild_converts_values_and_keeps_rows() {
    let t = seeded();
    t.schema(&PARENT_AND_CHILD.replace("score: { type: text }", "score: { type: integer }"));
    // text → integer can lose information: gated.
    t.run(&["apply", "--yes"]).code(2).stderr_has("--allow-destructive");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    assert_eq!(
        t.query("SELECT name, score, typeof(score) FROM users ORDER BY id"),
        [["ada", "10", "integer"], ["bob", "20", "integer"], ["dee", "5", "integer"]]
    );
    assert_eq!(t.count("posts"), 3);
    t.assert_in_sync();
}

#[test]
fn rebuild_keeps_triggers_views_and_autoincrement_high_water_mark() {
    let t = seeded();
    t.sql(
        "CREATE TABLE audit (msg TEXT);
         CREATE TRIGGER users_audit AFTER INSERT ON users BEGIN INSERT INTO audit VALUES (new.name); END;
         CREATE VIEW user_names AS SELECT name FROM users;",
    );
    let seq_before = t.query("SELECT seq FROM sqlite_sequence WHERE name = 'users'");
    // The file says what the database has (made by hand above), so the
    // rebuild of users must keep them.
    let mut schema = PARENT_AND_CHILD.replace(
        "score: { type: text }",
        "score: { type: text, check: \"score <> ''\" }\n    triggers:\n      users_audit: { timing: after, events: [insert], body: \"INSERT INTO audit VALUES (new.name);\" }",
    );
    schema.push_str(
        "  audit:\n    columns:\n      msg: { type: text }\nviews:\n  user_names: { query: SELECT name FROM users }\n",
    );
    t.schema(&schema);
    t.apply();
    assert_eq!(t.query("SELECT seq FROM sqlite_sequence WHERE name = 'users'"), seq_before);
    t.sql("INSERT INTO users (name, score) VALUES ('eve', '1')");
    assert_eq!(t.query("SELECT msg FROM audit"), [["eve"]], "trigger survived");
    assert_eq!(t.query("SELECT id FROM users WHERE name = 'eve'"), [["5"]], "ids are not reused");
    assert_eq!(t.query("SELECT count(*) FROM user_names"), [["4"]], "view survived");
    t.assert_in_sync();
}

#[test]
fn failed_statement_leaves_database_exactly_as_before() {
    let t = seeded();
    t.sql("INSERT INTO users (name, score) VALUES ('ada', '99')");
    let before = t.dump();
    // A unique constraint on data with duplicates fails inside the rebuild
    // (the data checks, skipped here, would stop it before: preflight.rs).
    t.schema(&PARENT_AND_CHILD.replace("name:  { type: text }", "name:  { type: text, unique: true }"));
    let run = t.run(&["apply", "--yes", "--skip-data-checks"]).code(2);
    assert!(run.stderr.contains("UNIQUE constraint failed"), "{}", run.stderr);
    assert!(run.stderr.contains("SQL: INSERT INTO"), "the error names the statement:\n{}", run.stderr);
    assert!(run.stderr.contains("rolled back"), "{}", run.stderr);
    assert_eq!(t.dump(), before);
}

#[test]
fn not_null_column_without_default_on_rows_fails_cleanly() {
    let t = seeded();
    let before = t.dump();
    t.schema(
        &PARENT_AND_CHILD
            .replace("score: { type: text }", "score: { type: text }\n      level: { type: integer, nullable: false }"),
    );
    // The data checks (skipped here; preflight.rs) would stop it before the copy.
    t.run(&["apply", "--yes", "--skip-data-checks"]).code(2).stderr_has("NOT NULL constraint failed");
    assert_eq!(t.dump(), before);
    // With a default it is a plain ADD COLUMN.
    t.schema(&PARENT_AND_CHILD.replace(
        "score: { type: text }",
        "score: { type: text }\n      level: { type: integer, nullable: false, default: 1 }",
    ));
    t.run(&["plan"]).success().stdout_has("ALTER TABLE \"users\" ADD COLUMN \"level\" INTEGER NOT NULL DEFAULT 1");
    t.apply();
    assert_eq!(t.query("SELECT DISTINCT level FROM users"), [["1"]]);
    t.assert_in_sync();
}

#[test]
fn expression_default_column_is_added_by_rebuild() {
    let t = seeded();
    t.schema(&PARENT_AND_CHILD.replace(
        "score: { type: text }",
        "score: { type: text }\n      created: { type: timestamp, default: { sql: CURRENT_TIMESTAMP } }",
    ));
    t.apply();
    assert_eq!(t.query("SELECT count(*) FROM users WHERE created IS NOT NULL"), [["3"]]);
    assert_eq!(t.count("posts"), 3);
    t.assert_in_sync();
}

#[test]
fn dangling_foreign_key_rolls_back() {
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n  b:\n    columns:\n      a_id: { type: integer }\n");
    t.apply();
    t.sql("INSERT INTO a VALUES (1); INSERT INTO b VALUES (1), (2);");
    let before = t.dump();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n  b:\n    columns:\n      a_id: { type: integer, references: a.id }\n");
    // The data checks (skipped here; preflight.rs) would find the orphan first.
    t.run(&["apply", "--yes", "--skip-data-checks"]).code(2).stderr_has("foreign key check failed");
    assert_eq!(t.dump(), before);
}

#[test]
fn drop_and_add_indexes_in_place() {
    let t = seeded();
    t.schema(&PARENT_AND_CHILD.replace(
        "users_name_idx: { columns: [name] }",
        "users_name_score_idx: { columns: [name, score desc], unique: true, where: \"score IS NOT NULL\" }",
    ));
    let plan = t.run(&["plan", "--format", "sql"]).success();
    assert_eq!(
        plan.stdout,
        "DROP INDEX \"users_name_idx\";\nCREATE UNIQUE INDEX \"users_name_score_idx\" ON \"users\" (\"name\", \"score\" DESC) WHERE score IS NOT NULL;\n"
    );
    t.apply();
    t.assert_in_sync();
}
