//! Plans are exact: inspect → plan and apply → plan print nothing.

use crate::harness::Test;

const ROOT_SCHEMA: &str = include_str!("../../schema.yaml");

#[test]
fn root_schema_applies_and_converges() {
    Test::each(|t| {
        t.schema(ROOT_SCHEMA);
        t.apply();
        t.assert_in_sync();
    });
}

#[test]
fn inspect_output_plans_no_changes_and_is_stable() {
    Test::each(inspect_round_trip);
}

fn inspect_round_trip(t: &Test) {
    t.schema(ROOT_SCHEMA);
    t.apply();
    let first = t.run(&["inspect"]).success().stdout;
    let second = t.run(&["inspect"]).success().stdout;
    assert_eq!(first, second, "inspect output must be byte-identical");
    t.schema(&first);
    t.assert_in_sync();

    // The inspected file builds an identical database from scratch.
    let fresh = t.another();
    fresh.schema(&first);
    fresh.apply();
    assert_eq!(fresh.run(&["inspect"]).success().stdout, first);
}

#[test]
fn inspect_output_option_writes_the_file() {
    let t = Test::sqlite();
    t.schema(ROOT_SCHEMA);
    t.apply();
    t.run(&["inspect", "--output", "out.yaml"]).success();
    let written = std::fs::read_to_string(t.dir().join("out.yaml")).unwrap();
    assert_eq!(written, t.run(&["inspect"]).success().stdout);
}

#[test]
fn every_common_type_round_trips() {
    Test::each(common_types);
}

fn common_types(t: &Test) {
    t.schema(
        "tables:\n  t:\n    columns:\n      \
         a: { type: integer, primary_key: true }\n      b: { type: bigint }\n      c: { type: smallint }\n      \
         d: { type: boolean, default: true }\n      e: { type: real }\n      f: { type: double precision }\n      \
         g: { type: \"numeric(10,2)\", default: 1.5 }\n      h: { type: varchar(20), default: \"it's\" }\n      \
         i: { type: char(3) }\n      j: { type: text, default: \"0\" }\n      k: { type: date }\n      l: { type: time }\n      \
         m: { type: timestamp }\n      n: { type: timestamptz, default: { sql: CURRENT_TIMESTAMP } }\n      \
         o: { type: json }\n      p: { type: uuid }\n      q: { type: blob }\n      r: { type: int, default: -3 }\n      \
         s: { type: character varying(9) }\n      u: { type: bytea }\n      v: { type: \"decimal(8, 3)\" }\n",
    );
    t.apply();
    t.assert_in_sync();
    let inspected = t.run(&["inspect"]).success().stdout;
    let squeezed = inspected.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ");
    // SQLite keeps each type as it was declared (`INT`, `CHARACTER
    // VARYING(9)`, `DECIMAL(8, 3)`: the file's spellings, upper-cased),
    // and `inspect` writes that spelling so that a rebuild declares it
    // again (`bytea` is declared BLOB: its affinity differs); the servers
    // keep the canonical types.
    let sqlite = !t.is_postgres() && !t.is_mysql();
    let spelled = |sqlite_text: &'static str, server_text: &'static str| if sqlite { sqlite_text } else { server_text };
    for expected in [
        spelled("r: { type: int, default: -3 }", "r: { type: integer, default: -3 }"),
        spelled("s: character varying(9)", "s: varchar(9)"),
        "u: blob",
        spelled("v: \"decimal(8, 3)\"", "v: \"numeric(8,3)\""),
        "h: { type: varchar(20), default: \"it's\" }",
        "j: { type: text, default: \"0\" }",
        "d: { type: boolean, default: true }",
    ] {
        assert!(squeezed.contains(expected), "inspect lacks {expected:?}:\n{inspected}");
    }
    t.schema(&inspected);
    t.assert_in_sync();
}

/// A database made by another tool: unnamed constraints, lower-case and
/// SQLAlchemy-style types, column-level constraints, odd spacing.
#[test]
fn foreign_database_inspects_without_phantom_diffs() {
    let t = Test::sqlite();
    t.sql(
        "CREATE TABLE user (id INTEGER NOT NULL, username VARCHAR(50) NOT NULL, email VARCHAR(120) NOT NULL, \
           created DATETIME DEFAULT (datetime('now')), flag BOOLEAN DEFAULT 1, PRIMARY KEY (id), UNIQUE (email));
         CREATE TABLE post (id integer primary key autoincrement, user_id int references user(id) on delete cascade, \
           body text check(length(body)  >  0), kind text default 'a' not null collate nocase, \
           check (kind in ('a','b')), foreign key (kind) references kinds(name));
         CREATE TABLE kinds (name text primary key);
         CREATE TABLE tag (post_id int, name text, primary key (post_id, name), foreign key (post_id) references post);
         CREATE INDEX ix_post_user ON post (user_id);
         CREATE UNIQUE INDEX ix_lower ON post (lower(body), kind desc) WHERE kind = 'a';
         CREATE VIEW v AS SELECT * FROM post;
         CREATE TRIGGER tr AFTER INSERT ON post BEGIN UPDATE post SET kind = 'a' WHERE id = new.id; END;",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    t.schema(&inspected);
    t.assert_in_sync();
    assert!(inspected.contains("email:    { type: varchar(120), nullable: false, unique: true }"), "{inspected}");
    assert!(inspected.contains("primary_key: [post_id, name]"), "{inspected}");
    assert!(inspected.contains("references: post.id"), "{inspected}");
}

#[test]
fn short_column_form_is_a_nullable_column_of_that_type() {
    let t = Test::sqlite();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      note: text\n");
    t.apply();
    t.assert_in_sync();
    t.run(&["inspect"]).success().stdout_has("note: text\n");
}

/// Found by the random tests: SQLite makes no index for a unique constraint
/// on exactly the primary key's columns, so the inspector missed it and
/// every plan tried to add it again.
#[test]
fn unique_constraint_repeating_the_primary_key_round_trips() {
    Test::each(|t| {
        t.schema(
            "tables:\n  t:\n    columns:\n      id: { type: bigint, primary_key: true }\n      a: integer\n    \
             uniques:\n      uq_id: [id]\n      uq_a: [a]\n      uq_a_again: [a]\n",
        );
        t.apply();
        t.assert_in_sync();
    });
}

/// Found by the random tests: `inspect` folded a column's conventional
/// unique into `unique: true` and dropped a second, named unique constraint
/// on the same column, so the inspected file planned a drop.
#[test]
fn second_unique_on_a_column_survives_inspect() {
    Test::each(|t| {
        t.schema(
            "tables:\n  t:\n    columns:\n      a: { type: integer, nullable: false, unique: true }\n      b: integer\n    \
             uniques:\n      uq_a: [a]\n",
        );
        t.apply();
        let inspected = t.run(&["inspect"]).success().stdout;
        assert!(inspected.contains("uq_a: [a]"), "{inspected}");
        t.schema(&inspected);
        t.assert_in_sync();
    });
}

/// SQLite stores a column's declared type as text: a synonym the file
/// writes (`datetime`, `float`, as SQLAlchemy does) is declared as written
/// where SQLite gives it the same affinity, and a table rebuilt for another
/// change keeps the database's own spelling. A spelling is never a change.
#[test]
fn sqlite_declares_types_as_written() {
    let t = Test::sqlite();
    t.schema(
        "tables:\n  t:\n    columns:\n      id: { type: int, primary_key: true }\n      at: datetime\n      \
         ratio: float\n      raw: bytea\n      name: character varying(9)\n",
    );
    t.apply();
    let declared = || t.query("SELECT name, type FROM pragma_table_info('t') ORDER BY cid");
    assert_eq!(
        declared(),
        [
            ["id", "INTEGER"], // the rowid, as `INT PRIMARY KEY` would not be
            ["at", "DATETIME"],
            ["ratio", "FLOAT"],
            ["raw", "BLOB"], // BYTEA would have numeric affinity
            ["name", "CHARACTER VARYING(9)"],
        ]
    );
    // The canonical spellings are the same types: no change.
    t.schema(
        "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      at: timestamp\n      \
         ratio: double precision\n      raw: blob\n      name: varchar(9)\n",
    );
    t.assert_in_sync();
    // A rebuild (a new NOT NULL) keeps the database's spellings.
    t.schema(
        "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         at: { type: timestamp, nullable: false, default: { sql: CURRENT_TIMESTAMP } }\n      \
         ratio: double precision\n      raw: blob\n      name: varchar(9)\n",
    );
    t.run(&["plan"]).success().stdout_has("\"at\" DATETIME NOT NULL DEFAULT (CURRENT_TIMESTAMP)");
    t.apply();
    assert_eq!(declared()[1], ["at", "DATETIME"]);
    assert_eq!(declared()[2], ["ratio", "FLOAT"]);
    t.assert_in_sync();
}
