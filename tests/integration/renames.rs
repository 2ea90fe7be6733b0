//! Renames are renames: `renamed_from` keeps the data, and stays harmless
//! once applied.

use crate::harness::Test;

const BEFORE: &str = "tables:
  articles:
    columns:
      id:      { type: integer, primary_key: true }
      content: { type: text, check: \"length(content) > 0\" }
    indexes:
      articles_content_idx: { columns: [content] }
  comments:
    columns:
      id:         { type: integer, primary_key: true }
      article_id: { type: integer, references: articles.id, on_delete: cascade }
";

const AFTER: &str = "tables:
  posts:
    renamed_from: articles
    columns:
      id:   { type: integer, primary_key: true }
      body: { type: text, renamed_from: content, check: \"length(body) > 0\" }
    indexes:
      articles_content_idx: { columns: [body] }
  comments:
    columns:
      id:         { type: integer, primary_key: true }
      article_id: { type: integer, references: posts.id, on_delete: cascade }
";

#[test]
fn table_and_column_renames_keep_data_and_references() {
    Test::each(renames_keep_data);
}

/// The schemas as `t`'s dialect takes them: MySQL indexes a text column
/// by a prefix of it.
fn on(t: &Test, yaml: &str) -> String {
    if t.is_mysql() {
        yaml.replace("[content]", "[\"content(100)\"]").replace("[body]", "[\"body(100)\"]")
    } else {
        yaml.into()
    }
}

fn renames_keep_data(t: &Test) {
    t.schema(&on(t, BEFORE));
    t.apply();
    t.sql("INSERT INTO articles VALUES (1, 'hello'), (2, 'world'); INSERT INTO comments VALUES (1, 1), (2, 2);");
    t.schema(&on(t, AFTER));
    let plan = t.run(&["plan", "--format", "sql"]).success();
    let expected = if t.is_mysql() {
        "RENAME TABLE `articles` TO `posts`;\nALTER TABLE `posts` RENAME COLUMN `content` TO `body`, ALGORITHM=INSTANT;\n"
    } else {
        "ALTER TABLE \"articles\" RENAME TO \"posts\";\nALTER TABLE \"posts\" RENAME COLUMN \"content\" TO \"body\";\n"
    };
    assert_eq!(plan.stdout, expected, "a rename and nothing else");
    t.run(&["plan"])
        .success()
        .stdout_has("~ rename table articles to posts")
        .stdout_has("~ rename column posts.content to body");
    t.apply();
    assert_eq!(t.query("SELECT id, body FROM posts ORDER BY id"), [["1", "hello"], ["2", "world"]]);
    t.assert_in_sync();
    t.sql(if t.is_postgres() || t.is_mysql() {
        "DELETE FROM posts WHERE id = 1"
    } else {
        "PRAGMA foreign_keys = ON; DELETE FROM posts WHERE id = 1;"
    });
    assert_eq!(t.count("comments"), 1, "the child's foreign key follows the rename");
}

#[test]
fn without_a_hint_a_rename_is_a_destructive_drop_and_add() {
    Test::each(drop_and_add);
}

fn drop_and_add(t: &Test) {
    t.schema(&on(t, BEFORE));
    t.apply();
    t.sql("INSERT INTO articles VALUES (1, 'hello')");
    t.schema(&on(
        t,
        &BEFORE
            .replace("content: { type: text, check: \"length(content) > 0\" }", "body: { type: text }")
            .replace("[content]", "[body]"),
    ));
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains("- drop column articles.content"), "{}", plan.stdout);
    assert!(plan.stdout.contains("DESTRUCTIVE"), "{}", plan.stdout);
    t.run(&["apply", "--yes"]).code(2);
    assert_eq!(t.query("SELECT content FROM articles"), [["hello"]]);
}

/// Found by the random tests: on PostgreSQL the plan dropped a constraint
/// of a renamed table by the table's new name, before the rename.
#[test]
fn renamed_table_loses_a_unique_and_a_foreign_key_in_the_same_plan() {
    Test::each(|t| {
        t.schema(
            "tables:\n  p:\n    columns:\n      id: { type: integer, primary_key: true }\n  orders:\n    columns:\n      \
             id: { type: integer, primary_key: true }\n      note: real\n      p_id: { type: integer, references: p.id }\n    \
             uniques:\n      uq_note: [note]\n",
        );
        t.apply();
        t.sql("INSERT INTO p (id) VALUES (1); INSERT INTO orders (id, note, p_id) VALUES (1, 0.5, 1), (2, 1.5, NULL);");
        t.schema(
            "tables:\n  p:\n    columns:\n      id: { type: integer, primary_key: true }\n  purchases:\n    renamed_from: orders\n    \
             columns:\n      id: { type: integer, primary_key: true }\n      note: real\n      p_id: integer\n",
        );
        t.apply();
        t.assert_in_sync();
        assert_eq!(
            t.query("SELECT id, note, p_id FROM purchases ORDER BY id"),
            [["1", "0.5", "1"], ["2", "1.5", "NULL"]]
        );
    });
}

/// SQLite's RENAME COLUMN leaves the old name in a UNIQUE constraint that
/// repeats the one-column key of a WITHOUT ROWID table, then refuses its
/// own result ("expressions prohibited in PRIMARY KEY and UNIQUE
/// constraints"): found by the random tests (SQLite seed 22058). Such a
/// rename is a rebuild, and so are the tables whose foreign keys name the
/// column (a rebuild does not rewrite them, as RENAME COLUMN does).
#[test]
fn sqlite_rename_of_a_without_rowid_key_that_a_unique_repeats() {
    let t = Test::sqlite();
    t.schema(
        "tables:
  t:
    without_rowid: true
    columns:
      id: { type: integer, primary_key: true, unique: true }
      v: integer
  c:
    columns:
      id: { type: integer, primary_key: true }
      t_id: { type: integer, references: t.id, on_delete: cascade }
",
    );
    t.apply();
    t.sql("INSERT INTO t VALUES (1, 10), (2, 20); INSERT INTO c VALUES (5, 2), (6, 1);");
    t.schema(
        "tables:
  t:
    without_rowid: true
    columns:
      k: { type: integer, primary_key: true, unique: true, renamed_from: id }
      v: integer
  c:
    columns:
      id: { type: integer, primary_key: true }
      t_id: { type: integer, references: t.k, on_delete: cascade }
",
    );
    t.run(&["plan"])
        .success()
        .stdout_has("~ rename column t.id to k")
        .stdout_has("table t is rebuilt")
        .stdout_has("INSERT INTO \"_dbshape_new_t\" (\"k\", \"v\") SELECT \"id\", \"v\" FROM \"t\"")
        .stdout_has("REFERENCES \"t\" (\"k\")");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT k, v FROM t ORDER BY k"), [["1", "10"], ["2", "20"]]);
    assert_eq!(t.query("SELECT id, t_id FROM c ORDER BY id"), [["5", "2"], ["6", "1"]]);
    assert!(t.query("PRAGMA foreign_key_check").is_empty());
    // The child's key follows the rename: deleting a parent cascades.
    t.sql("PRAGMA foreign_keys = ON; DELETE FROM t WHERE k = 1;");
    assert_eq!(t.query("SELECT id FROM c"), [["5"]]);
}
