//! Cases the random tests once failed, shrunk, kept so they never return.
//! Each runs the same properties as the random run.

use super::{Bench, Case, Flavor, Outcome};

fn regression(flavor: Flavor, a: &str, b: &str, rows_seed: u64, max_rows: usize) {
    let Some(bench) = Bench::new(flavor) else { return };
    let case = Case { a: a.into(), b: b.into(), rows_seed, max_rows };
    match bench.run(&case) {
        Ok(Outcome::Passed(_)) => {}
        Ok(Outcome::Discarded) => panic!("the regression's rows no longer fit schema A"),
        Err(error) => panic!("{error}"),
    }
}

/// SQLite makes no index for a unique constraint on the primary key's
/// columns; the inspector read uniques from indexes only and missed it.
#[test]
fn sqlite_seed_14_unique_repeating_the_primary_key() {
    let yaml = r#"tables:
  "CamelCase":
    columns:
      "id": { type: "bigint", primary_key: true, nullable: false }
    uniques:
      "uq_44bd771e": ["id"]
"#;
    regression(Flavor::Sqlite, yaml, yaml, 11173108927110291012, 0);
}

/// `inspect` dropped a named unique on a column that also had the
/// conventional one (`unique: true`).
#[test]
fn sqlite_seed_69_second_unique_on_a_column() {
    let yaml = r#"tables:
  "x'y":
    columns:
      "a": { type: "integer", nullable: false, unique: true }
      "b": { type: "integer", nullable: false }
    primary_key: ["a", "b"]
    uniques:
      "uq_24bae9a1": ["a"]
"#;
    regression(Flavor::Sqlite, yaml, yaml, 1, 3);
}

/// PostgreSQL stores `varchar_column IN (...)` as a form that, sent back,
/// it stores differently again: plans must send the file's text.
#[test]
fn postgres_seed_24_varchar_in_check() {
    let yaml = r#"enums:
  "mood": ["l0", "l1"]
tables:
  "ñandú":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "total": { type: "varchar(32)", nullable: false, check: "\"total\" IN ('red', 'green', 'it''s')" }
"#;
    regression(Flavor::Postgres, yaml, yaml, 1, 3);
}

/// PostgreSQL plans dropped a renamed table's constraint by the new name
/// before the rename ran.
#[test]
fn postgres_seed_1019_drop_on_a_renamed_table() {
    regression(
        Flavor::Postgres,
        r#"tables:
  "orders":
    columns:
      "id": { type: "bigint", primary_key: true, autoincrement: true, nullable: false }
      "note": "real"
    uniques:
      "uq_267ee903": ["note"]
"#,
        r#"tables:
  "ñandú":
    renamed_from: "orders"
    columns:
      "id": { type: "bigint", primary_key: true, autoincrement: true, nullable: false }
"#,
        17033120590904985302,
        3,
    );
}

/// A partition key the file spells its own way (`range ("id")`) is the one
/// the server prints (`RANGE (id)`): no change is planned.
#[test]
fn postgres_quoted_partition_key_is_the_printed_one() {
    let yaml = r#"tables:
  "ledger":
    columns:
      "id": { type: "integer", nullable: false }
      "v": integer
    primary_key: ["id"]
    partition_by: "range (\"id\")"
  "ledger_low":
    partition_of: "ledger"
    bound: "FROM (MINVALUE) TO (50)"
  "ledger_rest":
    partition_of: "ledger"
    bound: "DEFAULT"
"#;
    regression(Flavor::Postgres, yaml, yaml, 1, 5);
}

/// Renaming the column a partition key reads: PostgreSQL renames it in the
/// key too, so the differ must (and compare the renamed key, which it
/// quotes, as an expression), or it refuses a changed partition key.
#[test]
fn postgres_renamed_partition_key_column() {
    let a = r#"tables:
  "ledger":
    columns:
      "id": { type: "integer", nullable: false }
      "v": integer
    primary_key: ["id"]
    partition_by: "HASH (\"id\")"
  "ledger_0":
    partition_of: "ledger"
    bound: "WITH (modulus 2, remainder 0)"
  "ledger_1":
    partition_of: "ledger"
    bound: "WITH (modulus 2, remainder 1)"
"#;
    let b = r#"tables:
  "ledger":
    columns:
      "entry": { type: "integer", nullable: false, renamed_from: "id" }
      "v": integer
    primary_key: ["entry"]
    partition_by: "HASH (\"entry\")"
  "ledger_0":
    partition_of: "ledger"
    bound: "WITH (modulus 2, remainder 0)"
  "ledger_1":
    partition_of: "ledger"
    bound: "WITH (modulus 2, remainder 1)"
"#;
    regression(Flavor::Postgres, a, b, 1, 5);
}

/// SQLite cannot RENAME COLUMN the one-column key of a WITHOUT ROWID table
/// that a UNIQUE constraint repeats: the rename is a rebuild.
#[test]
fn sqlite_seed_22058_rename_of_a_without_rowid_key_that_a_unique_repeats() {
    regression(
        Flavor::Sqlite,
        r#"tables:
  "we\"ird":
    without_rowid: true
    columns:
      "id": { type: "integer", primary_key: true, nullable: false, unique: true }
"#,
        r#"tables:
  "we\"ird":
    without_rowid: true
    columns:
      "total": { type: "integer", primary_key: true, nullable: false, unique: true, renamed_from: "id" }
"#,
        8323000615897718494,
        0,
    );
}

/// PostgreSQL refuses to drop a partition while a foreign key references
/// its partitioned table (the key has a copy on every partition): the
/// partition is detached first.
#[test]
fn postgres_seed_20443_drop_a_partition_of_a_referenced_table() {
    regression(
        Flavor::Postgres,
        r#"tables:
  "orders":
    columns:
      "id": { type: "bigint", primary_key: true, autoincrement: true, nullable: false }
  "events":
    partition_by: "RANGE (\"id\")"
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
  "part_ac4c38bb":
    partition_of: "events"
    bound: "DEFAULT"
"#,
        r#"tables:
  "orders":
    columns:
      "id": { type: "bigint", primary_key: true, autoincrement: true, nullable: false }
      "events_id": { type: "integer" }
      "qu\"ote": { type: "text", nullable: false, default: "abc" }
    foreign_keys:
      "fk_5c13827f": { columns: ["events_id"], references: { table: "EVENTS", columns: ["id"] } }
  "EVENTS":
    renamed_from: "events"
    partition_by: "RANGE (\"id\")"
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
"#,
        1260880399267054000,
        0,
    );
}

/// PostgreSQL re-parses a check on a retyped column from its stored text,
/// which stores an IN list on a varchar otherwise than the same check
/// written anew: the check is made again after the type change.
#[test]
fn postgres_seed_21739_check_on_a_retyped_varchar() {
    let a = r#"tables:
  "posts":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "amount": { type: "varchar(39)" }
    checks:
      "ck_3bf13605": "\"amount\" IN ('red', 'green', 'it''s')"
"#;
    regression(Flavor::Postgres, a, &a.replace("varchar(39)", "varchar(49)"), 17248875186405533228, 0);
}

/// PostgreSQL plans dropped the trigger of a renamed table by the table's
/// new name, before the rename ran.
#[test]
fn postgres_seed_5770_trigger_dropped_on_a_renamed_table() {
    regression(
        Flavor::Postgres,
        r#"tables:
  "ñandú":
    columns:
      "id": { type: "bigint", primary_key: true, autoincrement: true, nullable: false }
      "status": { type: "real" }
    triggers:
      "keep_rows": { timing: before, events: [insert, "update of status"], function: keep_row }
functions:
  keep_row: { returns: trigger, language: plpgsql, body: "BEGIN RETURN NEW; END" }
views:
  "view_rows": { query: "SELECT \"id\", \"status\" FROM \"ñandú\"" }
"#,
        r#"tables:
  "CamelCase":
    renamed_from: "ñandú"
    comment: "a note"
    columns:
      "id": { type: "bigint", primary_key: true, autoincrement: true, nullable: false }
      "label": { type: "uuid", default: { sql: gen_random_uuid() } }
    triggers:
      "keep_rows": { timing: before, events: [insert, "update"], function: keep_row }
functions:
  keep_row: { returns: trigger, language: plpgsql, body: "BEGIN RETURN NEW; END" }
views:
  "view_rows": { query: "SELECT \"id\", \"label\" FROM \"CamelCase\"" }
"#,
        10884388941793489460,
        0,
    );
}

/// MySQL keeps a decimal default at the column's scale (rounded): the
/// file's `1.25` on numeric(9,1) is the database's 1.3, no change.
#[test]
fn mysql_seed_2_decimal_default_is_rounded_to_its_scale() {
    let b = r#"tables:
  "ñandú":
    columns:
      "id": { type: "integer", primary_key: true }
      "with space": { type: "numeric(9,1)", default: "1.25" }
      "n": { type: "integer", default: 2.5 }
"#;
    regression(Flavor::Mysql, "tables: {}\n", b, 1, 3);
}

/// A text default of a boolean column (`"false"`) is the boolean, as on
/// PostgreSQL; MySQL refused the text.
#[test]
fn mysql_boolean_default_written_as_text() {
    let a = r#"tables:
  "order":
    columns:
      "id": { type: "integer", primary_key: true }
      "label": { type: "boolean", nullable: false, default: "false" }
"#;
    regression(Flavor::Mysql, a, a, 1, 3);
}

/// A column renamed and altered in one plan: one CHANGE COLUMN (MySQL
/// reads every clause of a statement against the columns as they were).
/// A column a foreign key uses is renamed in a statement of its own
/// (InnoDB renames it only in place, which ADD CHECK does not allow).
#[test]
fn mysql_renamed_and_altered_columns_and_keyed_renames() {
    let a = r#"tables:
  "my table":
    columns:
      "id": { type: "integer", primary_key: true }
      "total": { type: "text" }
  "users":
    columns:
      "a": { type: "integer", nullable: false }
      "b": { type: "integer", nullable: false }
      "status": { type: "integer" }
    primary_key: ["a", "b"]
  "child":
    columns:
      "id": { type: "integer", primary_key: true }
      "ua": { type: "integer" }
      "ub": { type: "integer" }
    foreign_keys:
      "fk_1": { columns: ["ua", "ub"], references: { table: "users", columns: ["a", "b"] } }
"#;
    let b = r#"tables:
  "my table":
    columns:
      "id": { type: "integer", primary_key: true }
      "score": { type: "text", default: "abc", renamed_from: "total" }
  "users":
    columns:
      "Mixed": { type: "integer", nullable: false, renamed_from: "a" }
      "b": { type: "integer", nullable: false }
      "status": { type: "integer", unique: true, check: "`status` >= 0" }
    primary_key: ["Mixed", "b"]
  "child":
    columns:
      "id": { type: "integer", primary_key: true }
      "ua": { type: "integer" }
      "ub": { type: "integer" }
    foreign_keys:
      "fk_1": { columns: ["ua", "ub"], references: { table: "users", columns: ["Mixed", "b"] } }
"#;
    regression(Flavor::Mysql, a, b, 7, 5);
}

/// MariaDB keeps a unique key on text as a hash in a hidden virtual column,
/// and refuses an explicit algorithm for a statement that would touch it
/// with anything else; its CHECK clauses write a quote in a string `\'`.
#[test]
fn mysql_hidden_hash_columns_and_quotes_in_checks() {
    let a = r#"tables:
  "CamelCase":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true }
      "qu\"ote": { type: "text", default: "it's" }
      "score": { type: "varchar(20)", check: "`score` in ('red', 'green', 'it''s')" }
    uniques:
      "uq_1": ["qu\"ote"]
"#;
    let b = a
        .replace(
            "\"qu\\\"ote\": { type: \"text\", default: \"it's\" }",
            "\"Mixed\": { type: \"text\", default: \"it's\", renamed_from: \"qu\\\"ote\" }",
        )
        .replace("[\"qu\\\"ote\"]", "[\"Mixed\"]");
    assert_ne!(a, b);
    regression(Flavor::Mysql, a, &b, 3, 0);
}

/// A key column renamed on its own, in a table with MariaDB's hidden hash
/// column: the server chose to copy, which InnoDB refuses for a column a
/// foreign key uses; the rename now says ALGORITHM=INPLACE.
#[test]
fn mysql_seed_1011_keyed_rename_next_to_a_hidden_hash() {
    let a = r#"tables:
  "events":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "Mixed": { type: "text", unique: true, check: "length(`Mixed`) > 0" }
      "events_id": { type: "integer" }
    foreign_keys:
      "fk_c3d30f95": { columns: ["events_id"], references: { table: "events", columns: ["id"] } }
"#;
    let b = a
        .replace(
            "\"id\": { type: \"integer\", primary_key: true, nullable: false }",
            "\"email\": { type: \"integer\", primary_key: true, nullable: false, renamed_from: \"id\" }",
        )
        .replace("columns: [\"id\"]", "columns: [\"email\"]");
    regression(Flavor::Mysql, a, &b, 1, 0);
}

/// A comment set on a stored generated column, with a column added: MariaDB
/// computes the column again, so the statement is not instant.
#[test]
fn mysql_seed_1026_comment_on_a_generated_column() {
    let a = r#"tables:
  "orders":
    columns:
      "id": { type: "integer", primary_key: true }
      "email": { type: "smallint", default: "1" }
      "ünï": { type: "bigint", generated: "`email` * 2" }
"#;
    let b = a.replace("generated: \"`email` * 2\" }", "generated: \"`email` * 2\", comment: \"it's \\\"quoted\\\"\" }\n      \"label\": { type: \"real\", nullable: false, default: \"0.5\" }");
    assert_ne!(a, b);
    regression(Flavor::Mysql, a, &b, 1, 3);
}

/// A table renames a column and gains a foreign key to itself on it in one
/// plan: the key is added after the rename, in a statement of its own.
#[test]
fn mysql_seed_1031_self_key_to_a_renamed_column() {
    let a = r#"tables:
  "accounts":
    columns:
      "a": { type: "integer", nullable: false }
      "b": { type: "integer", nullable: false }
    primary_key: ["a", "b"]
"#;
    let b = r#"tables:
  "accounts":
    columns:
      "with space": { type: "integer", nullable: false, renamed_from: "a" }
      "b": { type: "integer", nullable: false }
      "accounts_with space": { type: "integer" }
      "accounts_b": { type: "integer" }
    primary_key: ["with space", "b"]
    foreign_keys:
      "fk_1": { columns: ["accounts_with space", "accounts_b"], references: { table: "accounts", columns: ["with space", "b"] }, on_delete: cascade }
"#;
    regression(Flavor::Mysql, a, b, 5, 4);
}

/// A unique index over a text column with a descending key: MariaDB keeps
/// it as a hash, which has no order, and it reads back as the unique key.
#[test]
fn mysql_seed_1139_descending_unique_over_text() {
    let a = r#"tables:
  "Group":
    columns:
      "id": { type: "integer", primary_key: true }
      "created": { type: "date" }
      "note": { type: "text" }
    indexes:
      "ix_e1fa2c98": { columns: [{ column: "created", order: desc }, { column: "note" }], unique: true }
"#;
    regression(Flavor::Mysql, a, a, 1, 3);
}

/// A table without a primary key is clustered on its unique NOT NULL
/// column: making that column nullable drops the implicit key, which
/// MariaDB refuses in place.
#[test]
fn mysql_seed_1363_nullable_column_of_the_implicit_primary_key() {
    let a = r#"tables:
  "ñandú":
    columns:
      "status": { type: "timestamp", nullable: false, default: { sql: CURRENT_TIMESTAMP }, unique: true }
"#;
    let b = r#"tables:
  "tags":
    renamed_from: "ñandú"
    columns:
      "status": { type: "timestamp", default: { sql: CURRENT_TIMESTAMP }, unique: true }
"#;
    regression(Flavor::Mysql, a, b, 8, 8);
}

/// A generated column made again (its expression reads a renamed column)
/// with an index and a check on it: MariaDB keeps the index on the column
/// added under the same name and refuses the drop under the check, so both
/// are dropped first.
#[test]
fn mysql_seed_1408_recreated_generated_column_keeps_its_index() {
    let a = r#"tables:
  "items":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "label": { type: "text", nullable: false }
      "name": { type: "bigint", generated: "`id` * 2" }
    checks:
      "ck_name": "`name` >= 0"
    indexes:
      "ix_e315f15c": { columns: [{ column: "name", order: desc }] }
      "ix_both": { columns: [{ column: "label", length: 10 }, { column: "name" }] }
"#;
    let b = r#"tables:
  "items":
    columns:
      "ünï": { type: "integer", primary_key: true, nullable: false, renamed_from: "id" }
      "label": { type: "text", nullable: false }
      "name": { type: "bigint", generated: "`ünï` * 2" }
    checks:
      "ck_name": "`name` >= 0"
    indexes:
      "ix_e315f15c": { columns: [{ column: "name", order: desc }] }
      "ix_both": { columns: [{ column: "label", length: 10 }, { column: "name" }] }
"#;
    regression(Flavor::Mysql, a, b, 3, 6);
}

/// The rows of a case keep to B's `IN (...)` check also where MySQL's
/// files quote the column with backticks.
#[test]
fn mysql_seed_5205_rows_keep_to_a_backticked_in_check() {
    let a = r#"tables:
  "items":
    columns:
      "id": { type: "bigint", primary_key: true, nullable: false }
      "flag": "text"
"#;
    let b = r#"tables:
  "items":
    columns:
      "id": { type: "bigint", primary_key: true, nullable: false }
      "flag": { type: "text", check: "`flag` IN ('red', 'green', 'it''s')" }
"#;
    regression(Flavor::Mysql, a, b, 7, 15);
}

/// A child whose only link to the plan is a key to a renamed column of a
/// parent with a virtual column: the key is dropped first and made again,
/// though the child has no change of its own (the planner panicked).
#[test]
fn mysql_seed_1695_key_to_a_renamed_column_from_an_unchanged_child() {
    let a = r#"tables:
  "CamelCase":
    columns:
      "id": { type: "bigint", primary_key: true, autoincrement: true, nullable: false }
      "ratio": { type: "smallint", nullable: false }
      "with space": { type: "bigint", generated: { expr: "`ratio` * 2", virtual: true } }
  "accounts":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "CamelCase_id": { type: "bigint", nullable: false, references: "CamelCase.id" }
"#;
    let b = r#"tables:
  "CamelCase":
    columns:
      "Mixed": { type: "bigint", primary_key: true, autoincrement: true, nullable: false, renamed_from: "id" }
      "ratio": { type: "smallint", nullable: false }
      "with space": { type: "bigint", generated: { expr: "`ratio` * 2", virtual: true } }
  "accounts":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "CamelCase_id": { type: "bigint", nullable: false, references: "CamelCase.Mixed" }
"#;
    regression(Flavor::Mysql, a, b, 4, 8);
}

/// MariaDB renames no column instantly in the statement that sets the
/// table's comment.
#[test]
fn mysql_seed_5280_column_rename_next_to_a_table_comment() {
    let a = r#"tables:
  "users":
    comment: "it's \"quoted\""
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "ratio": { type: "timestamp" }
"#;
    let b = r#"tables:
  "users":
    comment: "a note"
    columns:
      "total": { type: "integer", primary_key: true, nullable: false, renamed_from: "id" }
      "ratio": { type: "timestamp" }
"#;
    regression(Flavor::Mysql, a, b, 2, 5);
}

/// A key written as `references:` keeps its live name when its column is
/// renamed; in a table with MariaDB's hidden hash, next to a change that
/// copies the table, it still goes first and comes back after.
#[test]
fn mysql_seed_7213_renamed_column_of_a_conventionally_named_key() {
    let a = r#"tables:
  "x'y":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "check": { type: "text", nullable: false, unique: true }
      "tags_id": { type: "bigint", references: "tags.id", on_delete: restrict }
  "tags":
    columns:
      "id": { type: "bigint", primary_key: true, nullable: false }
"#;
    let b = r#"tables:
  "x'y":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "check": { type: "text", unique: true }
      "flag": { type: "bigint", references: "tags.id", on_delete: restrict, renamed_from: "tags_id" }
  "tags":
    columns:
      "id": { type: "bigint", primary_key: true, nullable: false }
"#;
    regression(Flavor::Mysql, a, b, 5, 6);
}

/// Two dropped tables whose keys point at each other: MariaDB's DROP TABLE
/// of both still refuses the parent, so the key back goes first.
#[test]
fn mysql_seed_2081_drop_of_tables_in_a_key_cycle() {
    let a = r#"tables:
  "Group":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "mytable_id": { type: "integer" }
    foreign_keys:
      "fk_a6ee13ce": { columns: ["mytable_id"], references: { table: "my table", columns: ["id"] }, on_delete: restrict }
  "my table":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "Group_id": { type: "integer", nullable: false }
    foreign_keys:
      "fk_4306f4b1": { columns: ["Group_id"], references: { table: "Group", columns: ["id"] } }
  "kept":
    columns:
      "id": { type: "integer", primary_key: true }
"#;
    let b = r#"tables:
  "kept":
    columns:
      "id": { type: "integer", primary_key: true }
"#;
    regression(Flavor::Mysql, a, b, 9, 8);
}

/// A table without a primary key is clustered on its unique key over a NOT
/// NULL column: dropping that key drops the clustered index, which MariaDB
/// refuses in place ("Try ALGORITHM=COPY").
#[test]
fn mysql_seed_22320_drop_of_the_implicit_clustered_key() {
    let a = r#"tables:
  "my table":
    columns:
      "qu\"ote": { type: "date", nullable: false }
      "amount": { type: "boolean", nullable: false }
      "ünï": "integer"
    uniques:
      "uq_f424b2f9": ["qu\"ote"]
"#;
    let b = r#"tables:
  "my table":
    columns:
      "qu\"ote": { type: "date", nullable: false }
      "amount": { type: "boolean", nullable: false }
      "ünï": "integer"
"#;
    regression(Flavor::Mysql, a, b, 6655572520056669250, 8);
}

/// A column another table's key references, renamed and altered (a
/// comment) next to new checks: one `CHANGE COLUMN` left the server to
/// copy, which InnoDB refuses for a keyed rename; the rename goes first,
/// in place, on its own.
#[test]
fn mysql_seed_22455_keyed_column_renamed_and_altered() {
    let a = r#"tables:
  "items":
    columns:
      "a": { type: "integer", nullable: false }
      "b": { type: "integer", nullable: false }
      "label": "real"
    primary_key: ["a", "b"]
    checks:
      "ck_2f748931": "`a` >= 0"
  "select":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "score": { type: "boolean", nullable: false }
      "items_a": { type: "integer", nullable: false }
      "items_b": { type: "integer", nullable: false }
    foreign_keys:
      "fk_eb4da5ea": { columns: ["items_a", "items_b"], references: { table: "items", columns: ["a", "b"] } }
"#;
    let b = r#"tables:
  "items":
    columns:
      "x-y": { type: "integer", nullable: false, comment: "a note", renamed_from: "a" }
      "b": { type: "integer", nullable: false }
      "label": { type: "real", check: "`label` >= 0" }
    primary_key: ["x-y", "b"]
    checks:
      "ck_2f748931": "`x-y` >= 0"
  "select":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "x-y": { type: "boolean", nullable: false, renamed_from: "score" }
      "items_a": { type: "integer", nullable: false }
      "items_b": { type: "integer", nullable: false }
    foreign_keys:
      "fk_eb4da5ea": { columns: ["items_a", "items_b"], references: { table: "items", columns: ["x-y", "b"] } }
"#;
    regression(Flavor::Mysql, a, b, 303104844644976246, 8);
}

/// A key whose action changes is dropped and added under the same name:
/// InnoDB refuses both in one statement ("Duplicate key on write or
/// update"), so the new key comes in a statement after.
#[test]
fn mysql_seed_70708_key_action_changed_under_the_same_name() {
    let a = r#"tables:
  "x'y":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "and_id": { type: "bigint", references: "ñandú.id", on_delete: set null }
  "ñandú":
    columns:
      "id": { type: "bigint", primary_key: true, nullable: false }
"#;
    let b = r#"tables:
  "x'y":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "and_id": { type: "bigint", references: "ñandú.id", on_delete: cascade }
  "ñandú":
    columns:
      "id": { type: "bigint", primary_key: true, nullable: false }
"#;
    regression(Flavor::Mysql, a, b, 8629778550598951378, 13);
}

/// A table the plan drops still has its key to a column its parent renames
/// (in a table with MariaDB's hidden hash columns, so not in place): the key
/// goes first, the table at the end.
#[test]
fn mysql_seed_60876_key_of_a_dropped_table_to_a_renamed_column() {
    let a = r#"tables:
  "Group":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "events_id": { type: "integer", references: "events.id", on_delete: restrict }
  "events":
    columns:
      "id": { type: "integer", primary_key: true, autoincrement: true, nullable: false }
      "value": { type: "text", nullable: false, collation: utf8mb4_bin }
    uniques:
      "uq_a76d5803": ["value"]
"#;
    let b = r#"tables:
  "events":
    columns:
      "ratio": { type: "integer", primary_key: true, autoincrement: true, nullable: false, renamed_from: "id" }
      "value": { type: "text", nullable: false, collation: utf8mb4_bin }
      "x-y": "double precision"
    uniques:
      "uq_a76d5803": ["value"]
"#;
    regression(Flavor::Mysql, a, b, 15684891831909201062, 4);
}

/// A WITHOUT ROWID table's key column that SQLite can only rename by
/// rebuilding the table, with a view over it and a view over that: the
/// rebuild's rename leaves views as they are, so the differ must not take
/// them as renamed with the column (the apply left the old views; it now
/// drops and makes them again).
#[test]
fn sqlite_seed_778127_views_over_a_column_renamed_by_a_rebuild() {
    regression(
        Flavor::Sqlite,
        r#"tables:
  "x'y":
    without_rowid: true
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
    uniques:
      "uq_200a2b1": ["id"]
    triggers:
      "keep_rows": { timing: before, events: ["update"], body: "SELECT 1;" }
views:
  "view_rows": { query: "SELECT \"id\" FROM \"x'y\"" }
  "view_count": { query: "SELECT count(*) AS n FROM \"view_rows\"" }
"#,
        r#"tables:
  "x'y":
    without_rowid: true
    columns:
      "name": { type: "integer", primary_key: true, nullable: false, renamed_from: "id" }
    uniques:
      "uq_200a2b1": ["name"]
    triggers:
      "keep_rows": { timing: before, events: ["update"], body: "SELECT 1;" }
views:
  "view_rows": { query: "SELECT \"name\" FROM \"x'y\"" }
  "view_count": { query: "SELECT count(*) AS n FROM \"view_rows\"" }
"#,
        15845788692192332182,
        0,
    );
}

/// A trigger `update of` a column whose name is no plain word (`x-y`): the
/// column is dropped, so the trigger must go first and come back (its
/// columns were matched as SQL words, `x` and `y`, and the drop failed).
#[test]
fn postgres_seed_778160_trigger_on_a_dropped_column_named_x_y() {
    regression(
        Flavor::Postgres,
        r#"sequences:
  "seq_4a6f34c8": { type: bigint, start: 278, increment: 1, owned_by: "accounts.x-y" }
tables:
  "accounts":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
      "x-y": { type: "smallint", nullable: false, default: { sql: "nextval('seq_4a6f34c8')" } }
    triggers:
      "keep_rows": { timing: before, events: [insert, "update of x-y"], function: keep_row }
functions:
  keep_row: { returns: trigger, language: plpgsql, body: "BEGIN RETURN NEW; END" }
"#,
        r#"tables:
  "accounts":
    columns:
      "id": { type: "integer", primary_key: true, nullable: false }
    triggers:
      "keep_rows": { timing: before, events: [insert, "update"], function: keep_row }
functions:
  keep_row: { returns: trigger, language: plpgsql, body: "BEGIN RETURN NEW; END" }
"#,
        1,
        3,
    );
}

/// A table made with a NOT VALID check whose server spelling differs
/// (`"check" >= (0)::numeric`): the scratch copy left the check out, so
/// the file's spelling stayed and the verification before commit rolled
/// the apply back.
#[test]
fn postgres_seed_800231_not_valid_check_on_a_new_table_in_the_servers_spelling() {
    regression(
        Flavor::Postgres,
        r#"enums:
  "mood": ["l0", "l1"]
sequences:
  "seq_26943f22": { type: bigint, start: 364, increment: 5 }
tables:
  "select":
    columns:
      "a": { type: "integer", nullable: false }
      "b": { type: "integer", nullable: false }
      "check": { type: "numeric(11,1)", default: "1.25" }
      "name": { type: "bigint", generated: "\"b\" * 2" }
    primary_key: ["a", "b"]
    checks:
      "ck_887afd84": "\"name\" >= 0"
      "ck_10957abd": { expr: "\"check\" >= 0", validated: false }
views:
  "view_rows": { query: "SELECT \"a\", \"b\", \"check\", \"name\" FROM \"select\"" }
"#,
        r#"enums:
  "mood": ["l0", "l1"]
sequences:
  "seq_26943f22": { type: bigint, start: 364, increment: 5 }
tables:
  "select":
    columns:
      "a": { type: "integer", nullable: false }
      "b": { type: "integer", nullable: false }
      "check": { type: "numeric(11,1)", default: "1.25" }
      "name": { type: "bigint", generated: "\"b\" * 2" }
    primary_key: ["a", "b"]
    checks:
      "ck_887afd84": "\"name\" >= 0"
      "ck_10957abd": { expr: "\"check\" >= 0", validated: false }
views:
  "view_rows": { query: "SELECT \"a\", \"b\", \"check\", \"name\" FROM \"select\"" }
"#,
        10760255072610062036,
        0,
    );
}

/// A parent's column renamed and made NOT NULL in one plan: the data check
/// named the column by its new name on the live rows (its query failed,
/// so the apply ran into the child's NULLs); it counts them by the old name
/// now, and the case's rows respect the parent's NOT NULL in the child.
#[test]
fn postgres_seed_819493_not_null_on_a_renamed_parent_column() {
    regression(
        Flavor::Postgres,
        r#"enums:
  "mood": ["l0", "l1", "l2"]
tables:
  "posts":
    comment: "ünï; DROP TABLE x; --"
    unlogged: true
    columns:
      "total": { type: "integer", default: "4", comment: "a note" }
  "posts_kid":
    inherits: "posts"
    columns:
      kid_extra: text
views:
  "view_rows": { query: "SELECT \"total\" FROM \"posts\"" }
  "view_count": { query: "SELECT count(*) AS n FROM \"view_rows\"" }
"#,
        r#"enums:
  "mood": ["l0", "n3", "l1", "l2"]
tables:
  "posts":
    comment: "ünï; DROP TABLE x; --"
    unlogged: true
    columns:
      "x-y": { type: "integer", nullable: false, default: "4", comment: "a note", renamed_from: "total" }
  "posts_kid":
    inherits: "posts"
    columns:
      kid_extra: text
views:
  "view_rows": { query: "SELECT \"x-y\" FROM \"posts\"" }
  "view_count": { query: "SELECT count(*) AS n FROM \"view_rows\"" }
"#,
        4015813872905704661,
        1,
    );
}
