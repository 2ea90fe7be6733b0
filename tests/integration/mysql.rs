//! MySQL and MariaDB (MariaDB runs here): the keys only MySQL has, MySQL's
//! habits that are no change, one ALTER TABLE per table with its
//! algorithm, and applies that fail or are killed at any statement of a
//! plan that cannot be one transaction.

use crate::adoption::adopt;
use crate::harness::Test;
use std::process::{Command, Stdio};

/// Everything MySQL-only the file can say, made, read back and made again.
#[test]
fn mysql_only_keys_round_trip() {
    let Some(t) = Test::mysql() else { return };
    t.schema(
        "enums:
  mood: [happy, \"it's\", meh]
tables:
  accounts:
    engine: InnoDB
    row_format: DYNAMIC
    charset: utf8mb4
    collation: utf8mb4_unicode_ci
    comment: people who pay
    columns:
      id:      { type: bigint unsigned, primary_key: true, autoincrement: true }
      name:    { type: varchar(200), nullable: false, comment: shown name }
      code:    { type: varchar(20), charset: ascii }
      slug:    { type: varchar(50), collation: utf8mb4_bin }
      mood:    { type: mood, default: happy }
      level:   { type: \"enum('free','pro')\", nullable: false, default: free }
      perks:   { type: \"set('a','b','c')\" }
      small:   { type: tinyint unsigned, nullable: false, default: 0 }
      flag:    { type: boolean, nullable: false, default: true }
      data:    json
      ident:   uuid
      price:   { type: \"numeric(10,2)\", check: \"price >= 0\" }
      cents:   { type: bigint, generated: \"price * 100\" }
      upper:   { type: varchar(200), generated: { expr: \"upper(name)\", virtual: true } }
      created: { type: timestamptz, nullable: false, default: { sql: CURRENT_TIMESTAMP } }
      changed: { type: timestamp, default: { sql: now() }, on_update: CURRENT_TIMESTAMP }
      bio:     text
    checks:
      accounts_name_long: \"char_length(name) > 1\"
    indexes:
      accounts_bio_ft:     { columns: [bio], using: fulltext }
      accounts_name_pre:   { columns: [\"name(20)\", slug desc] }
      accounts_code_hidden: { columns: [code], invisible: true, comment: for reports }
  logs:
    engine: MyISAM
    columns:
      id: { type: integer, primary_key: true, autoincrement: true }
      line: { type: varchar(255), nullable: false }
",
    );
    t.apply();
    t.assert_in_sync();
    let first = t.run(&["inspect"]).success().stdout;
    for text in [
        "engine: MyISAM",
        "collation: utf8mb4_unicode_ci",
        "comment: people who pay",
        "type: bigint unsigned",
        "type: \"enum('happy','it''s','meh')\"",
        "collation: ascii_general_ci",
        "on_update: current_timestamp()",
        "generated: { expr: \"ucase(`name`)\", virtual: true }",
        "using: fulltext",
        "columns: [name(20), slug desc]",
        "row_format: DYNAMIC",
        "invisible: true",
        "ident:   char(36)",
        "data:    json",
    ] {
        assert!(first.contains(text), "{text:?} in:\n{first}");
    }
    t.schema(&first);
    t.assert_in_sync();
    let fresh = t.another();
    fresh.schema(&first);
    fresh.apply();
    assert_eq!(fresh.run(&["inspect"]).success().stdout, first);
    // Rows: the ENUM, the generated columns and ON UPDATE work as declared.
    t.sql("INSERT INTO accounts (name, price, perks) VALUES ('ada', 1.25, 'a,c')");
    assert_eq!(
        t.query("SELECT mood, level, cents, upper, perks FROM accounts"),
        [["happy", "free", "125", "ADA", "a,c"]]
    );
    t.sql("UPDATE accounts SET name = 'bob'");
    assert_eq!(t.query("SELECT changed IS NOT NULL FROM accounts"), [["1"]]);
}

/// A table written the way MySQL users and tools write it (display widths,
/// quoted numbers, `CURRENT_TIMESTAMP` and `now()`, `utf8`, a collation
/// equal to the table's, the index MySQL makes for a foreign key) reads as
/// the portable file says it, and neither plans anything.
#[test]
fn mysql_habits_are_no_difference() {
    let Some(t) = Test::mysql() else { return };
    adopt(
        &t,
        "CREATE TABLE parent (id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
         CREATE TABLE child (
           id bigint(20) NOT NULL AUTO_INCREMENT,
           parent_id int(11) DEFAULT NULL,
           active tinyint(1) NOT NULL DEFAULT '1',
           n int(11) NOT NULL DEFAULT '0',
           at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
           seen timestamp NULL DEFAULT now(),
           label varchar(20) CHARACTER SET utf8 DEFAULT 'x',
           body varchar(20) COLLATE utf8mb4_general_ci,
           PRIMARY KEY (id),
           CONSTRAINT child_parent FOREIGN KEY (parent_id) REFERENCES parent (id) ON DELETE RESTRICT
         ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
    );
    let portable = "tables:
  parent:
    columns:
      id: { type: integer, primary_key: true, autoincrement: true }
  child:
    columns:
      id:        { type: bigint, primary_key: true, autoincrement: true }
      parent_id: integer
      active:    { type: boolean, nullable: false, default: true }
      n:         { type: integer, nullable: false, default: 0 }
      at:        { type: timestamp, nullable: false, default: { sql: CURRENT_TIMESTAMP } }
      seen:      { type: timestamptz, default: { sql: CURRENT_TIMESTAMP } }
      label:     { type: varchar(20), charset: utf8mb3, default: x }
      body:      varchar(20)
    foreign_keys:
      child_parent: { columns: [parent_id], references: { table: parent, columns: [id] }, on_delete: restrict }
";
    t.schema(portable);
    t.assert_in_sync();
    // The key's own index goes with it, and is back with it.
    let without = portable[..portable.find("    foreign_keys:").unwrap()].to_string();
    t.schema(&without);
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'child'"), [["1"]]);
    t.schema(portable);
    t.apply();
    t.assert_in_sync();
}

/// Every change to one table is one ALTER TABLE; its algorithm is said when
/// every clause allows it, and left to the server when the kinds mix.
#[test]
fn mysql_plans_one_alter_per_table_with_its_algorithm() {
    let Some(t) = Test::mysql() else { return };
    let before = "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      old: integer\n      n: varchar(10)\n  \
                  b:\n    columns:\n      id: { type: integer, primary_key: true }\n      x: integer\n";
    t.schema(before);
    t.apply();
    t.sql("INSERT INTO a VALUES (1, 7, 'x'); INSERT INTO b VALUES (1, 2)");
    t.schema(
        "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      old: integer\n      n: varchar(10)\n      \
         extra: { type: integer, default: 3 }\n      more: text\n  \
         b:\n    columns:\n      id: { type: integer, primary_key: true }\n      x: integer\n    indexes:\n      b_x: { columns: [x] }\n",
    );
    let sql = t.run(&["plan", "--format", "sql"]).success().stdout;
    assert_eq!(
        sql,
        "ALTER TABLE `a` ADD COLUMN `extra` int DEFAULT 3, ADD COLUMN `more` text, ALGORITHM=INSTANT;\n\
         ALTER TABLE `b` ADD INDEX `b_x` (`x`), ALGORITHM=INPLACE, LOCK=NONE;\n"
    );
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("+ create index b_x on b\n      hazards: builds an index"), "{plan}");
    t.apply();
    t.assert_in_sync();
    // Kinds mixed in one statement: the server chooses, and the plan says it may copy.
    t.schema(
        "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: varchar(10)\n      \
         extra: { type: bigint, default: 3 }\n      more: text\n    uniques:\n      a_n: [n]\n  \
         b:\n    columns:\n      id: { type: integer, primary_key: true }\n      x: integer\n    indexes:\n      b_x: { columns: [x] }\n",
    );
    let sql = t.run(&["plan", "--format", "sql"]).success().stdout;
    assert_eq!(
        sql,
        "ALTER TABLE `a` MODIFY COLUMN `extra` bigint DEFAULT 3, DROP COLUMN `old`, ADD UNIQUE KEY `a_n` (`n`);\n"
    );
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("hazards: SHARED (writes wait) lock on a, copies the table"), "{plan}");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id, n, extra FROM a"), [["1", "x", "3"]]);
}

#[test]
fn a_using_on_mysql_is_refused() {
    let Some(t) = Test::mysql() else { return };
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: { type: integer, using: \"n * 2\" }\n");
    t.run(&["plan"]).code(2).stderr_has("schema.yaml:5:").stderr_has("MySQL has no USING");
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      body: text\n    indexes:\n      a_body: { columns: [body] }\n");
    t.run(&["plan"]).code(2).stderr_has("MySQL indexes a text column only by a prefix of it").stderr_has("body(100)");
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      v: varchar\n");
    t.run(&["plan"]).code(2).stderr_has("a MySQL varchar needs a length");
    // What MySQL cannot have: a generated column or a check over the
    // AUTO_INCREMENT key, a key between integers of two types, SET NULL on
    // a NOT NULL column, a name beyond U+FFFF.
    for (yaml, said) in [
        (
            "      id: { type: integer, primary_key: true, autoincrement: true }\n      twice: { type: bigint, generated: \"id * 2\" }\n",
            "which is AUTO_INCREMENT",
        ),
        (
            "      id: { type: integer, primary_key: true, autoincrement: true, check: \"id > 0\" }\n",
            "MySQL checks a row before it numbers it",
        ),
        (
            "      id: { type: integer, primary_key: true }\n      up: { type: bigint, references: a.id }\n",
            "MySQL keys an integer only to the same type",
        ),
        (
            "      id: { type: integer, primary_key: true }\n      up: { type: integer, nullable: false, references: a.id, on_delete: set null }\n",
            "sets NOT NULL columns to NULL",
        ),
        ("      id: { type: integer, primary_key: true }\n      \"😀\": integer\n", "beyond U+FFFF"),
        (
            "      id: { type: integer, primary_key: true, autoincrement: true }\n      t: text\n    uniques:\n      u: [t, id]\n",
            "MariaDB cannot keep together",
        ),
    ] {
        t.schema(&format!("tables:\n  a:\n    columns:\n{yaml}"));
        t.run(&["plan"]).code(2).stderr_has("schema.yaml:").stderr_has(said);
    }
    // And what only MySQL has is refused elsewhere, at its line.
    let other = Test::sqlite();
    other.schema("tables:\n  a:\n    engine: InnoDB\n    columns:\n      id: { type: integer, primary_key: true }\n");
    other.run(&["plan"]).code(2).stderr_has("schema.yaml:3:").stderr_has("SQLite has no table `engine`");
}

/// The plan of the fault tests: four tables, each with its own statement,
/// each of which the rows of that table can make fail.
const FOUR: &str = "tables:
  t1:
    columns:
      id: { type: integer, primary_key: true }
      v: varchar(20)
  t2:
    columns:
      id: { type: integer, primary_key: true }
      v: varchar(20)
  t3:
    columns:
      id: { type: integer, primary_key: true }
      v: varchar(20)
  t4:
    columns:
      id: { type: integer, primary_key: true }
      v: varchar(20)
";

fn four_after() -> String {
    FOUR.replace(
        "      v: varchar(20)\n",
        "      v: { type: varchar(20), unique: true }\n      w: { type: integer, default: 1 }\n",
    )
}

fn seeded_four() -> Option<Test> {
    let t = Test::mysql()?;
    t.schema(FOUR);
    t.apply();
    for n in 1..=4 {
        t.sql(&format!("INSERT INTO t{n} VALUES (1, 'a'), (2, 'b'), (3, 'c')"));
    }
    t.schema(&four_after());
    Some(t)
}

fn changed_tables(t: &Test) -> Vec<String> {
    let json: serde_json::Value = serde_json::from_str(&t.run(&["plan", "--format", "json"]).success().stdout).unwrap();
    let mut tables: Vec<String> = json["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["changes"].as_array().unwrap().iter().map(|c| c["table"].as_str().unwrap().to_string()))
        .collect();
    tables.dedup();
    tables
}

/// A statement that fails at statement k of 4: the error says which ran and
/// which did not, the tables before k have their change, and the next plan
/// is exactly the rest.
#[test]
fn mysql_a_failure_at_any_statement_says_what_ran_and_the_next_plan_finishes() {
    for k in 1..=4 {
        let Some(t) = seeded_four() else { return };
        assert_eq!(changed_tables(&t), ["t1", "t2", "t3", "t4"]);
        // A duplicate makes table k's unique key fail.
        t.sql(&format!("UPDATE t{k} SET v = 'a' WHERE id = 2"));
        let run = t.run(&["apply", "--yes", "--skip-data-checks"]).code(2);
        assert!(run.stderr.contains(&format!("statement {k} of 4 failed: ERROR 1062")), "{}", run.stderr);
        let said = match k {
            1 => "nothing was changed: the failed statement is undone whole, and statements 2 to 4 did not run",
            2 => "statement 1 ran and stays, statement 2 is undone whole, and statements 3 to 4 did not run",
            3 => "statements 1 to 2 ran and stay, statement 3 is undone whole, and statement 4 did not run",
            _ => "statements 1 to 3 ran and stay, statement 4 is undone whole, and it was the last",
        };
        assert!(run.stderr.contains(said), "{said:?} in {}", run.stderr);
        let left: Vec<String> = (k..=4).map(|n| format!("t{n}")).collect();
        assert_eq!(changed_tables(&t), left, "the next plan is the rest");
        t.sql(&format!("UPDATE t{k} SET v = 'b' WHERE id = 2"));
        t.apply();
        t.assert_in_sync();
        for n in 1..=4 {
            assert_eq!(
                t.query(&format!("SELECT id, v, w FROM t{n} ORDER BY id")),
                [["1", "a", "1"], ["2", "b", "1"], ["3", "c", "1"]]
            );
        }
    }
}

/// The process dies right after statement k (k = 1..3 of 4): each statement
/// before it is committed, and the next plan is exactly the rest, which
/// applies and converges with every row.
#[test]
fn mysql_killed_after_any_statement_is_finished_by_the_next_plan() {
    for k in 1..=3 {
        let Some(t) = seeded_four() else { return };
        let output = Command::new(env!("CARGO_BIN_EXE_dbshape"))
            .args(["apply", "--yes"])
            .current_dir(t.dir())
            .env("DATABASE_URL", t.url())
            .env("NO_COLOR", "1")
            .env("DBSHAPE_FAULT_ABORT_AFTER_STATEMENT", k.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert!(!output.status.success(), "the apply was killed after statement {k}");
        let left: Vec<String> = (k + 1..=4).map(|n| format!("t{n}")).collect();
        assert_eq!(changed_tables(&t), left, "after statement {k}");
        t.apply();
        t.assert_in_sync();
        for n in 1..=4 {
            assert_eq!(t.count(&format!("t{n}")), 3);
        }
    }
}

/// Two applies at once: GET_LOCK makes the second wait, and it then finds
/// nothing left to do.
#[test]
fn mysql_applies_take_turns() {
    let Some(t) = seeded_four() else { return };
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_dbshape"))
            .args(["apply", "--yes"])
            .current_dir(t.dir())
            .env("DATABASE_URL", t.url())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outputs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let texts: Vec<String> = outputs.iter().map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).collect();
    let applied = texts.iter().filter(|s| s.contains("Applied 8 changes")).count();
    assert_eq!(applied, 1, "{texts:#?} {outputs:#?}");
    for output in &outputs {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success() || stderr.contains("changed after the plan was made"), "{stderr}");
    }
    t.assert_in_sync();
}

/// What dbshape does not manage on MySQL is reported and left alone (views,
/// triggers, routines), or refused (a type it cannot read back exactly).
#[test]
fn mysql_what_is_not_managed_is_reported_or_refused() {
    let Some(t) = Test::mysql() else { return };
    t.sql(
        "CREATE TABLE a (id int PRIMARY KEY, n int);
         CREATE VIEW v AS SELECT id FROM a;
         CREATE TRIGGER a_touch BEFORE UPDATE ON a FOR EACH ROW SET NEW.n = 1;
         CREATE PROCEDURE p() SELECT 1;",
    );
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: integer\n");
    let run = t.run(&["plan"]).success();
    assert!(run.stdout.starts_with("No changes"), "{}", run.stdout);
    for object in ["view v", "trigger a_touch", "procedure p"] {
        assert!(run.stderr.contains(object), "{object} is reported: {}", run.stderr);
    }
    t.sql("CREATE TABLE u (id uuid PRIMARY KEY)");
    t.run(&["plan"]).code(2).stderr_has("MariaDB's own type uuid");
    assert_eq!(t.query("SELECT count(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()"), [["1"]]);
}

/// A foreign key made without a name (as SQLAlchemy's `create_all` and
/// Alembic make them) gets an index MySQL names after its column
/// (`user_id`): that index is the key's own, not shown and not a change,
/// whether the file leaves it out (where dropping it failed: "needed in a
/// foreign key constraint") or lists it; it goes with the key unless the
/// file keeps it.
#[test]
fn mysql_index_made_for_an_unnamed_foreign_key_is_the_keys_own() {
    let Some(t) = Test::mysql() else { return };
    t.sql("CREATE TABLE users (id INTEGER NOT NULL AUTO_INCREMENT, PRIMARY KEY (id))");
    t.sql(
        "CREATE TABLE posts (id INTEGER NOT NULL AUTO_INCREMENT, user_id INTEGER NOT NULL, editor_id INTEGER, \
         PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES users (id), \
         FOREIGN KEY(editor_id) REFERENCES users (id) ON DELETE SET NULL)",
    );
    t.sql("INSERT INTO users VALUES (1), (2)");
    t.sql("INSERT INTO posts VALUES (1, 1, 2), (2, 2, NULL)");
    let file = |user: &str, editor: &str, indexes: &str| {
        format!(
            "tables:
  users:
    columns:
      id: {{ type: integer, primary_key: true, autoincrement: true }}
  posts:
    columns:
      id:        {{ type: integer, primary_key: true, autoincrement: true }}
      user_id:   {user}
      editor_id: {editor}
{indexes}"
        )
    };
    let user = "{ type: integer, nullable: false, references: users.id }";
    let editor = "{ type: integer, references: users.id, on_delete: set null }";
    t.schema(&file(user, editor, ""));
    t.assert_in_sync();
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(!inspected.contains("indexes:"), "{inspected}");
    t.schema(&inspected);
    t.assert_in_sync();
    // Listed, by a file written when the inspector showed them.
    let user_index = "    indexes:\n      user_id: { columns: [user_id] }\n";
    t.schema(&file(user, editor, &format!("{user_index}      editor_id: {{ columns: [editor_id] }}\n")));
    t.assert_in_sync();
    // A key goes, and its index with it ...
    t.schema(&file(user, "integer", user_index));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("DROP FOREIGN KEY `posts_ibfk_2`, DROP INDEX `editor_id`"), "{plan}");
    t.apply();
    t.assert_in_sync();
    // ... unless the file keeps the index: made again as an index of its
    // own, which MariaDB would still drop for a covering index later.
    t.schema(&file("{ type: integer, nullable: false }", "integer", user_index));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(
        plan.contains("DROP FOREIGN KEY `posts_ibfk_1`, DROP INDEX `user_id`, ADD INDEX `user_id` (`user_id`)"),
        "{plan}"
    );
    t.apply();
    t.assert_in_sync();
    t.schema(&file(
        "{ type: integer, nullable: false }",
        "integer",
        &format!("{user_index}      both: {{ columns: [user_id, editor_id] }}\n"),
    ));
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = database() AND INDEX_NAME = 'user_id'"), [["1"]]);
    assert_eq!(t.count("posts"), 2);
}

/// The server's own index of one key serving another, a file that changes
/// such an index, a key whose action changes next to its listed index, and
/// an index of the column's name under a key that has a name of its own.
#[test]
fn mysql_own_indexes_of_unnamed_keys_under_changes() {
    let Some(t) = Test::mysql() else { return };
    t.sql("CREATE TABLE p (x INTEGER NOT NULL, y INTEGER NOT NULL, PRIMARY KEY (x, y))");
    t.sql("CREATE TABLE q (id INTEGER NOT NULL, PRIMARY KEY (id))");
    // One index, `a` over (a, b), serves both keys.
    t.sql(
        "CREATE TABLE d (id INTEGER NOT NULL, a INTEGER, b INTEGER, PRIMARY KEY (id), \
         FOREIGN KEY (a, b) REFERENCES p (x, y), FOREIGN KEY (a) REFERENCES q (id))",
    );
    t.sql("CREATE TABLE e (id INTEGER NOT NULL, q_id INTEGER, org INTEGER, PRIMARY KEY (id), FOREIGN KEY (q_id) REFERENCES q (id))");
    t.sql("CREATE TABLE f (id INTEGER NOT NULL, q_id INTEGER, PRIMARY KEY (id), KEY q_id (q_id), CONSTRAINT f_q FOREIGN KEY (q_id) REFERENCES q (id))");
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(inspected.contains("      q_id: { columns: [q_id] }"), "the index is f's own, not the key's:\n{inspected}");
    t.schema(&inspected);
    t.assert_in_sync();
    let base = "tables:
  p:
    columns:
      x: { type: integer, primary_key: true }
      y: { type: integer, primary_key: true }
  q:
    columns:
      id: { type: integer, primary_key: true }
  f:
    columns:
      id:   { type: integer, primary_key: true }
      q_id: { type: integer }
    foreign_keys:
      f_q: { columns: [q_id], references: { table: q, columns: [id] } }
    indexes:
      q_id: { columns: [q_id] }
";
    // `d` with its key to q as given; `e` makes its key's index part of
    // another.
    let file = |key: &str, indexes: &str| {
        format!(
            "{base}  d:
    columns:
      id: {{ type: integer, primary_key: true }}
      a:  {{ type: integer, references: q.id{key} }}
      b:  integer
{indexes}  e:
    columns:
      id:   {{ type: integer, primary_key: true }}
      q_id: {{ type: integer, references: q.id }}
      org:  integer
    indexes:
      q_id: {{ columns: [org, q_id] }}
"
        )
    };
    // The composite key goes; the single one still needs an index.
    t.schema(&file("", ""));
    t.apply();
    t.assert_in_sync();
    // A key whose action changes, its index listed: one apply.
    t.schema(&file(", on_delete: cascade", "    indexes:\n      a: { columns: [a] }\n"));
    t.apply();
    t.assert_in_sync();
}

/// A SPATIAL index inspected as `location(32)` (the server's SUB_PART for
/// it), which the rebuild refused (`Incorrect prefix key`); it is read
/// without a prefix and rebuilds the same.
#[test]
fn a_spatial_index_has_no_prefix_length() {
    let Some(t) = Test::mysql() else { return };
    t.sql("CREATE TABLE places (id int PRIMARY KEY, location point NOT NULL, SPATIAL INDEX location (location))");
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(inspected.contains("location: { columns: [location], using: spatial }"), "{inspected}");
    t.schema(&inspected).assert_in_sync();
    let rebuilt = t.another();
    rebuilt.schema(&inspected);
    rebuilt.apply();
    rebuilt.assert_in_sync();
    let create = rebuilt.query("SHOW CREATE TABLE places")[0][1].clone();
    assert!(create.contains(r#"SPATIAL KEY "location" ("location")"#), "{create}");
}

/// MariaDB table options vanished from `inspect`, and a COMPRESSED column
/// inspected as `"varchar(100) /*m!100301 compressed*/"`, which the loader
/// refused. Both are named as not managed (the column's type is read
/// plainly, and retyping or dropping it is refused, which would lose the
/// compression); and a `decimal(31,30)` default that differs only in its
/// last digit is a change (it compared as a double).
#[test]
fn mariadb_table_options_compressed_columns_and_long_decimals() {
    let Some(t) = Test::mysql() else { return };
    t.sql(
        "CREATE TABLE a (id int PRIMARY KEY, body varchar(100) COMPRESSED, note text, \
         n decimal(31,30) DEFAULT 0.123456789012345678901234567891) STATS_PERSISTENT=0 CHECKSUM=1",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    for line in ["table option stats_persistent=0 on a", "table option checksum=1 on a", "compressed column a.body"] {
        assert!(inspected.contains(&format!("#   {line}\n")), "{line}:\n{inspected}");
    }
    assert!(inspected.contains("body: varchar(100)\n"), "{inspected}");
    t.schema(&inspected);
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    assert!(plan.stderr.contains("compressed column a.body"), "{}", plan.stderr);
    // The last digit of a long decimal default is a change.
    t.schema(&inspected.replace("567891", "567890"));
    t.run(&["plan"]).success().stdout_has("default 0.123456789012345678901234567890");
    // Retyping the compressed column would make it plain: refused.
    t.schema(&inspected.replace("body: varchar(100)", "body: varchar(200)"));
    t.run(&["plan"]).code(2).stderr_has("compressed column a.body is not managed");
    // Another column of the table may change, and the options stay.
    t.schema(&inspected.replace("note: text", "note: text\n      more: integer"));
    t.run(&["apply", "--yes"]).success();
    let create = t.query("SHOW CREATE TABLE a")[0][1].to_ascii_uppercase();
    assert!(create.contains("`MORE`") || create.contains("\"MORE\""), "the column was added: {create}");
    assert!(create.contains("COMPRESSED") && create.contains("STATS_PERSISTENT=0"), "{create}");
}

/// A plan that drops a child table and the parent's column its foreign key
/// references dropped the column first (`Cannot drop column 'id': needed
/// in a foreign key constraint`), half-way through: the key goes first.
#[test]
fn a_parent_column_dropped_with_the_child_that_references_it() {
    let Some(t) = Test::mysql() else { return };
    t.schema(
        "tables:\n  parent:\n    columns:\n      pk: { type: integer, primary_key: true }\n      id: { type: integer, nullable: false, unique: true }\n  \
         child:\n    columns:\n      id: { type: integer, primary_key: true }\n      parent_id: { type: integer, references: parent.id }\n",
    );
    t.apply();
    t.schema("tables:\n  parent:\n    columns:\n      pk: { type: integer, primary_key: true }\n");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
}

/// MariaDB sequences were only named, and a default reading one was
/// written with the database's name (``nextval(`db`.`order_seq`)``), so
/// the file did not move to another database and a rebuild failed on it.
/// Now `sequences:` makes, changes and drops them, and the default names
/// the sequence alone.
#[test]
fn mariadb_sequences_are_managed_and_defaults_name_them_without_the_database() {
    let Some(t) = Test::mysql() else { return };
    t.sql(
        "CREATE SEQUENCE order_seq START WITH 100 INCREMENT BY 5 CACHE 10;
         CREATE TABLE orders (id bigint NOT NULL DEFAULT nextval(order_seq) PRIMARY KEY, note text);
         INSERT INTO orders (note) VALUES ('first');",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(
        inspected.contains("sequences:\n  order_seq: { type: bigint, start: 100, increment: 5, cache: 10 }\n"),
        "{inspected}"
    );
    assert!(inspected.contains("default: { sql: \"nextval(`order_seq`)\" }"), "{inspected}");
    assert!(!inspected.contains("Not managed"), "{inspected}");
    t.schema(&inspected);
    t.assert_in_sync();
    // The file moves to another database: made there from nothing.
    let rebuilt = t.another();
    rebuilt.schema(&inspected);
    rebuilt.apply();
    rebuilt.assert_in_sync();
    rebuilt.sql("INSERT INTO orders (note) VALUES ('x')");
    assert_eq!(rebuilt.query("SELECT id FROM orders"), [["100"]]);
    // Changed in place (the next value stays), then a new one, then gone.
    t.schema(&inspected.replace("increment: 5, cache: 10", "increment: 7"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("alter sequence order_seq"), "{plan}");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT increment, cache_size FROM order_seq"), [["7", "1000"]]);
    assert_eq!(t.query("SELECT count(*) FROM orders"), [["1"]]);
    let with_another = inspected
        .replace("  order_seq:", "  invoice_seq: { type: bigint, start: 1, cycle: true, max: 9 }\n  order_seq:");
    t.schema(&with_another);
    t.apply();
    t.assert_in_sync();
    t.schema(&inspected);
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(
        t.query(
            "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE'"
        ),
        [["1"]]
    );
    // A cache of 1 is MariaDB's to keep (PostgreSQL's default, not its
    // own), and a start the file leaves out goes back to the default
    // (review: both were lost).
    t.schema(&inspected.replace("start: 100, increment: 5, cache: 10", "increment: 5, cache: 1"));
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT start_value, cache_size FROM order_seq"), [["1", "1"]]);
}

/// MariaDB drops a column's own check (`q int CHECK (q >= 0)`) when
/// `MODIFY COLUMN` redeclares the column without it, and a rebuild made
/// such a check a table-level one: the check is said with the column
/// both times.
#[test]
fn mariadb_column_checks_stay_the_columns_own() {
    let Some(t) = Test::mysql() else { return };
    if !t.query("SELECT VERSION()")[0][0].to_ascii_lowercase().contains("mariadb") {
        return;
    }
    // `total` is a table's check named as a column, reading another one:
    // not the column's own (review: a rebuild declared it on the column,
    // so it came back column-level).
    t.sql(
        "CREATE TABLE stock (id int PRIMARY KEY, q int CHECK (q >= 0), CONSTRAINT sane CHECK (id > 0));
         CREATE TABLE bill (subtotal int, total int, CONSTRAINT total CHECK (total >= subtotal))",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    t.schema(&inspected);
    t.assert_in_sync();
    let rebuilt = t.another();
    rebuilt.schema(&inspected);
    rebuilt.apply();
    let level = "SELECT CONSTRAINT_NAME, LEVEL FROM information_schema.CHECK_CONSTRAINTS \
                 WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1";
    assert_eq!(rebuilt.query(level), [["q", "Column"], ["sane", "Table"], ["total", "Table"]]);
    // Retyped: the check is said again with the column.
    t.schema(&inspected.replace("q:  integer", "q:  bigint").replace("q: integer", "q: bigint"));
    let run = t.apply();
    assert!(run.stdout.contains("CHECK (`q` >= 0)"), "{}", run.stdout);
    t.assert_in_sync();
    assert_eq!(t.query(level), [["q", "Column"], ["sane", "Table"], ["total", "Table"]]);
}
