//! Databases dbshape did not create: built by hand, by an ORM or from a
//! dump. For each feature: (1) `inspect` succeeds and `plan` against the
//! same database prints no changes; (2) the inspected file builds an empty
//! database whose `inspect` is byte-identical, but for what the source
//! names as not managed; (3) changing the feature in
//! the file plans the exact change, keeps the data and converges.

use crate::harness::Test;

/// Properties (1) and (2) for a database built by `sql`; returns the
/// inspected file, which is also `t`'s schema.yaml afterwards.
pub fn adopt(t: &Test, sql: &str) -> String {
    t.sql(sql);
    let inspected = t.run(&["inspect"]).success().stdout;
    t.schema(&inspected);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.starts_with("No changes"), "(1) inspect → plan:\n{plan}\n{inspected}");
    let fresh = t.another();
    fresh.schema(&inspected);
    fresh.apply();
    let again = fresh.run(&["inspect"]).success().stdout;
    // What the source names as not managed the rebuild may lack (that is
    // what naming it says); everything else is byte-identical.
    let (named, body) = split_named(&inspected);
    let (named_again, body_again) = split_named(&again);
    assert_eq!(body_again, body, "(2) the inspected file rebuilds the same database");
    for line in &named_again {
        assert!(named.contains(line), "(2) the rebuild has {line:?}, which its source has not:\n{again}");
    }
    inspected
}

/// The "Not managed" lines of an inspected file, and the rest.
fn split_named(inspected: &str) -> (Vec<&str>, String) {
    let named = inspected.lines().filter(|l| l.starts_with("#   ")).collect();
    let body = inspected.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    (named, body)
}

/// Property (3): `from` → `to` in the file plans `expected` (text found in
/// the plan), applies, and converges.
pub fn change(t: &Test, file: &str, from: &str, to: &str, expected: &[&str]) {
    assert!(file.contains(from), "{from:?} is not in:\n{file}");
    t.schema(&file.replacen(from, to, 1));
    let plan = t.run(&["plan"]).success().stdout;
    for text in expected {
        assert!(plan.contains(text), "(3) the plan lacks {text:?}:\n{plan}");
    }
    t.run(&["apply", "--yes"]).success();
    t.assert_in_sync();
}

#[test]
fn postgres_defaults_that_need_parentheses() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(&t, "CREATE TABLE t (id integer PRIMARY KEY, at timestamp DEFAULT (now() AT TIME ZONE 'utc'));");
    t.sql("INSERT INTO t (id) VALUES (1)");
    change(&t, &file, "'utc'", "'cet'", &["SET DEFAULT (now() AT TIME ZONE 'cet'::text)"]);
    assert_eq!(t.count("t"), 1);
}

#[test]
fn postgres_literal_defaults_keep_their_exact_text() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE TABLE t (id integer PRIMARY KEY, amount numeric(12,2) DEFAULT 0.00, rate numeric DEFAULT -1.50,
           tiny numeric(20,10) DEFAULT 1e-7, f8 double precision DEFAULT 0.1, m money DEFAULT 12.34,
           iv interval DEFAULT '1 year 2 mons', ts timestamp DEFAULT '0001-01-01 00:00:00',
           tsz timestamptz DEFAULT '2020-06-01 12:00:00+02', bits varbit DEFAULT B'101', arr integer[] DEFAULT '{1,2}',
           j jsonb DEFAULT '{\"a\": 1}', t3 varchar(10) DEFAULT '007', yes text DEFAULT 'yes');",
    );
    assert!(file.contains("default: 0.00 }") && file.contains("default: -1.50 }"), "{file}");
    // Time stamps with a zone are read in UTC, whatever the server's zone.
    assert!(file.contains("default: \"2020-06-01 10:00:00+00\""), "{file}");
    assert_eq!(t.query("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adnum = 2"), [["0.00"]]);
    t.sql("INSERT INTO t (id) VALUES (1)");
    change(&t, &file, "default: 0.00 }", "default: 0.10 }", &["SET DEFAULT 0.10;"]);
    assert_eq!(t.query("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adnum = 2"), [["0.10"]]);
    assert_eq!(t.count("t"), 1);
}

#[test]
fn a_float_default_written_by_hand_keeps_its_text() {
    Test::each(|t| {
        t.schema(
            "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
             a: { type: \"numeric(12,2)\", default: 0.00 }\n      b: { type: numeric, default: 1.50 }\n",
        );
        let plan = t.run(&["plan"]).success().stdout;
        assert!(plan.contains("DEFAULT 0.00") && plan.contains("DEFAULT 1.50"), "{plan}");
        t.apply();
        t.assert_in_sync();
        let inspected = t.run(&["inspect"]).success().stdout;
        if t.is_mysql() {
            // MySQL keeps a decimal at its scale (and an unbounded numeric is decimal(65,30)).
            assert!(inspected.contains("default: 0.00 }") && inspected.contains("default: 1.500000"), "{inspected}");
            t.schema(&inspected);
            t.assert_in_sync();
            return;
        }
        assert!(inspected.contains("default: 0.00 }") && inspected.contains("default: 1.50 }"), "{inspected}");
    });
}

#[test]
fn sqlite_literal_defaults_keep_their_exact_text() {
    let t = Test::sqlite();
    adopt(
        &t,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n NUMERIC DEFAULT 0.00, r REAL DEFAULT -1.50, e NUMERIC DEFAULT 1e3,
           s TEXT DEFAULT '0.00', x BLOB DEFAULT x'00ff');",
    );
}

#[test]
fn postgres_tables_without_columns() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(&t, "CREATE TABLE marker (); CREATE TABLE t (id integer PRIMARY KEY);");
    assert!(file.contains("  marker:\n    columns: {}\n"), "{file}");
    change(&t, &file, "columns: {}", "columns:\n      note: text", &["+ add column marker.note text"]);
    // And back to none: the column is dropped (destructive, as ever).
    t.schema(&file);
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
}

#[test]
fn sqlite_refuses_a_table_without_columns() {
    let t = Test::sqlite();
    t.schema("tables:\n  marker:\n    columns: {}\n");
    t.run(&["plan"]).code(2).stderr_has("table \"marker\" has no columns, which SQLite does not allow");
    assert!(!t.db_path().exists());
    // Leaving `columns:` out altogether is still a mistake.
    t.schema("tables:\n  marker: {}\n");
    t.run(&["plan"]).code(2).stderr_has("has no columns").stderr_has("columns: {}");
}

/// Foreign keys rest on the key or unique index of the columns they
/// reference; PostgreSQL refuses to drop it from under them.
#[test]
fn postgres_replacing_a_key_that_foreign_keys_rest_on() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE TABLE users (id integer PRIMARY KEY, tenant integer NOT NULL DEFAULT 0, email text NOT NULL UNIQUE,
           code text NOT NULL);
         CREATE UNIQUE INDEX users_code_idx ON users (code);
         CREATE TABLE posts (id integer PRIMARY KEY, user_id integer REFERENCES users (id),
           email text REFERENCES users (email), code text REFERENCES users (code));
         INSERT INTO users VALUES (1, 0, 'a@example.com', 'A');
         INSERT INTO posts VALUES (1, 1, 'a@example.com', 'A');",
    );
    // The primary key takes a second column; `id` stays unique on its own.
    let key = file.replacen(
        "      id:     { type: integer, primary_key: true }",
        "      id:     { type: integer, unique: true }",
        1,
    );
    let key = key.replacen("  users:\n    columns:\n", "  users:\n    primary_key: [id, tenant]\n    columns:\n", 1);
    t.schema(&key);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("DROP CONSTRAINT \"posts_user_id_fkey\""), "{plan}");
    t.run(&["apply", "--yes"]).success();
    t.assert_in_sync();
    // The unique constraint on email gets a name of its own.
    let named = key.replacen(
        "email:  { type: text, nullable: false, unique: true }",
        "email:  { type: text, nullable: false }",
        1,
    );
    let named = named.replacen("  users:\n", "  users:\n    uniques:\n      users_email_uq: [email]\n", 1);
    change(&t, &key, &key, &named, &["DROP CONSTRAINT \"posts_email_fkey\"", "ADD CONSTRAINT \"users_email_uq\""]);
    // The unique index on code becomes a unique constraint.
    let index = named.replacen("    indexes:\n      users_code_idx: { columns: [code], unique: true }\n", "", 1);
    let index = index.replacen(
        "code:   { type: text, nullable: false }",
        "code:   { type: text, nullable: false, unique: true }",
        1,
    );
    change(&t, &named, &named, &index, &["DROP CONSTRAINT \"posts_code_fkey\"", "DROP INDEX \"users_code_idx\""]);
    assert_eq!(t.count("posts"), 1);
    // A key that only changes its name is renamed: nothing rests on a name.
    let renamed =
        index.replacen("primary_key: [id, tenant]", "primary_key: { name: users_pk, columns: [id, tenant] }", 1);
    change(&t, &index, &index, &renamed, &["RENAME CONSTRAINT \"users_pkey\" TO \"users_pk\""]);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.starts_with("No changes"), "{plan}");
}

/// PostgreSQL tells `"Users"` from `users`: conventional names follow the
/// exact name, and the loader sees no collision where the server sees none.
#[test]
fn postgres_names_that_differ_only_in_case() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE TABLE \"Users\" (id integer PRIMARY KEY, \"Email\" text UNIQUE, email text UNIQUE);
         CREATE TABLE users (id integer PRIMARY KEY, \"ID\" integer);
         CREATE INDEX \"Users_idx\" ON \"Users\" (email);
         CREATE INDEX users_idx ON users (\"ID\");",
    );
    assert!(file.contains("      Email: { type: text, unique: true }"), "{file}");
    change(
        &t,
        &file,
        "      ID: integer",
        "      ID: bigint",
        &["ALTER TABLE \"users\" ALTER COLUMN \"ID\" TYPE bigint"],
    );
}

/// SQLite compares names ignoring ASCII case: the file's `users` is the
/// database's `USERS`, renamed to the file's spelling with its rows.
#[test]
fn sqlite_names_match_ignoring_case() {
    let t = Test::sqlite();
    let file = adopt(
        &t,
        "CREATE TABLE USERS (Id INTEGER PRIMARY KEY, Email TEXT UNIQUE);
         CREATE TABLE Posts (id INTEGER PRIMARY KEY, author INTEGER REFERENCES USERS (Id));
         CREATE INDEX Users_Email_Idx ON USERS (Email);
         INSERT INTO USERS VALUES (1, 'a@example.com'); INSERT INTO Posts VALUES (1, 1);",
    );
    let lower = file.replace("USERS", "users").replace("Posts", "posts").replace("Id", "id").replace("Email", "email");
    let lower = lower.replace("Users_email_Idx", "users_email_idx");
    change(
        &t,
        &file,
        &file,
        &lower,
        &["~ rename table USERS to users", "~ rename column users.Email to email", "~ rename table Posts to posts"],
    );
    assert_eq!(t.query("SELECT id, email FROM users"), [["1", "a@example.com"]]);
    assert_eq!(t.query("SELECT author FROM posts"), [["1"]]);
    // A name the file spells two ways is one name to SQLite.
    t.schema("tables:\n  users:\n    columns:\n      id: integer\n      ID: integer\n");
    t.run(&["plan"]).code(2).stderr_has("SQLite does not tell names apart by case");
}

/// Operator classes (an extension's too), per-key collations, NULLS NOT
/// DISTINCT and storage parameters are kept and managed.
#[test]
fn postgres_index_details() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE EXTENSION pg_trgm;
         CREATE TABLE t (id int PRIMARY KEY, body text, name text COLLATE \"C\", doc jsonb, code varchar(20), u int);
         CREATE INDEX t_trgm ON t USING gin (body gin_trgm_ops);
         CREATE INDEX t_pat ON t (code varchar_pattern_ops DESC NULLS LAST) WITH (fillfactor = 70);
         CREATE INDEX t_coll ON t (body COLLATE \"C\", name COLLATE \"default\", lower(name) COLLATE \"POSIX\");
         CREATE INDEX t_json ON t USING gin (doc jsonb_path_ops) WITH (fastupdate = off);
         CREATE UNIQUE INDEX t_nnd ON t (u) NULLS NOT DISTINCT;
         ALTER TABLE t ADD CONSTRAINT t_code_uq UNIQUE NULLS NOT DISTINCT (code);
         INSERT INTO t VALUES (1, 'hello', 'n', '{}', 'c', 1);",
    );
    assert!(file.contains("{ column: body, opclass: gin_trgm_ops }"), "{file}");
    assert!(file.contains("t_code_uq: { columns: [code], nulls_not_distinct: true }"), "{file}");
    change(
        &t,
        &file,
        "with: { fillfactor: 70 }",
        "with: { fillfactor: 90 }",
        &["DROP INDEX \"t_pat\"", "WITH (\"fillfactor\" = '90')"],
    );
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "opclass: varchar_pattern_ops, ",
        "",
        &["CREATE INDEX \"t_pat\" ON \"t\" (\"code\" DESC NULLS LAST)"],
    );
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "{ columns: [code], nulls_not_distinct: true }",
        "[code]",
        &["ADD CONSTRAINT \"t_code_uq\" UNIQUE (\"code\")"],
    );
    assert_eq!(t.count("t"), 1);
}

#[test]
fn sqlite_index_collations() {
    let t = Test::sqlite();
    let file = adopt(
        &t,
        "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT);
         CREATE INDEX t_name ON t (name COLLATE NOCASE DESC, lower(email) COLLATE BINARY);",
    );
    assert!(file.contains("{ column: name, collation: NOCASE, order: desc }"), "{file}");
    change(&t, &file, "collation: NOCASE", "collation: RTRIM", &["COLLATE \"RTRIM\""]);
    // A PostgreSQL-only detail on SQLite: NULLS NOT DISTINCT cannot be had.
    t.schema("tables:\n  t:\n    columns:\n      u: integer\n    indexes:\n      i: { columns: [u], unique: true, nulls_not_distinct: true }\n");
    t.run(&["plan"]).code(2).stderr_has("NULLS NOT DISTINCT");
}

/// Comments on keys, checks, foreign keys and indexes are read, kept and
/// changed on their own (no constraint or index is remade for a comment).
#[test]
fn postgres_comments_on_indexes_and_constraints() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE TABLE p (id int PRIMARY KEY, code text UNIQUE, n int CHECK (n > 0), CONSTRAINT p_n_small CHECK (n < 100));
         CREATE TABLE c (id int PRIMARY KEY, p_id int REFERENCES p (id), x int);
         CREATE INDEX c_x_idx ON c (x);
         COMMENT ON CONSTRAINT p_pkey ON p IS 'the key';
         COMMENT ON CONSTRAINT p_code_key ON p IS 'codes are unique';
         COMMENT ON CONSTRAINT p_n_small ON p IS 'small; it''s checked';
         COMMENT ON CONSTRAINT c_p_id_fkey ON c IS 'parent';
         COMMENT ON INDEX c_x_idx IS 'for lookups';",
    );
    assert!(file.contains("c_x_idx: { columns: [x], comment: for lookups }"), "{file}");
    t.schema(&file.replace("comment: for lookups", "comment: by x").replace("comment: parent", "comment: the parent"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("COMMENT ON INDEX \"c_x_idx\" IS 'by x';"), "{plan}");
    assert!(plan.contains("COMMENT ON CONSTRAINT \"c_p_id_fkey\" ON \"c\" IS 'the parent';"), "{plan}");
    assert!(!plan.contains("DROP") && plan.contains("2 changes: 0 to add, 2 to change"), "{plan}");
    t.run(&["apply", "--yes"]).success();
    t.assert_in_sync();
    // A new constraint gets its comment as it is made.
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "p_n_small: { expr: \"n < 100\", comment: \"small; it's checked\" }",
        "p_n_small: { expr: \"n < 100\", comment: \"small; it's checked\" }\n      p_n_even:  { expr: \"n % 2 = 0\", comment: even }",
        &["ADD CONSTRAINT \"p_n_even\" CHECK", "COMMENT ON CONSTRAINT \"p_n_even\" ON \"p\" IS 'even'"],
    );
}

#[test]
fn sqlite_keeps_no_comments_and_plans_none() {
    let t = Test::sqlite();
    t.schema(
        "tables:\n  t:\n    columns:\n      id: integer\n      x: integer\n    primary_key: { columns: [id], comment: key }\n    \
         indexes:\n      t_x: { columns: [x], comment: lookups }\n",
    );
    t.apply();
    t.assert_in_sync();
}

/// Identity columns anywhere (not only a lone key), with their sequence
/// options; every change keeps the rows and the sequence's position.
#[test]
fn postgres_identity_columns_anywhere() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 10 CACHE 20),
           seq_no integer GENERATED BY DEFAULT AS IDENTITY, name text, plain integer, PRIMARY KEY (name));
         CREATE TABLE b (x int, y int, n smallint GENERATED BY DEFAULT AS IDENTITY (INCREMENT BY -1 MINVALUE -500 MAXVALUE -1 CYCLE),
           PRIMARY KEY (x, y));
         INSERT INTO a (name, plain) VALUES ('one', 7), ('two', 41);",
    );
    assert!(file.contains("identity: { generated: always, start: 1000, increment: 10, cache: 20 }"), "{file}");
    assert!(file.contains("identity: { generated: by default, increment: -1, min: -500, cycle: true }"), "{file}");
    // ALWAYS → BY DEFAULT, and new options: the sequence goes on from where it is.
    // (With CACHE 20 the inserting session took 20 values at once: the
    // sequence stands where that left it.)
    let options = "identity: { generated: always, start: 1000, increment: 10, cache: 20 }";
    let position = t.query("SELECT last_value FROM a_id_seq");
    change(
        &t,
        &file,
        options,
        "identity: { generated: by default, start: 1000, increment: 5 }",
        &["SET GENERATED BY DEFAULT", "SET INCREMENT BY 5"],
    );
    assert_eq!(t.query("SELECT last_value FROM a_id_seq"), position, "not restarted");
    t.sql("INSERT INTO a (name, plain) VALUES ('three', 40)");
    let next = position[0][0].parse::<i64>().unwrap() + 5;
    assert_eq!(t.query("SELECT id FROM a WHERE name = 'three'"), [[next.to_string()]]);
    // An identity added to a column with values goes on past them.
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "plain:  integer",
        "plain:  { type: integer, autoincrement: true, nullable: false }",
        &["ADD GENERATED BY DEFAULT AS IDENTITY", "setval"],
    );
    t.sql("INSERT INTO a (name) VALUES ('four')");
    assert_eq!(t.query("SELECT plain FROM a WHERE name = 'four'"), [["42"]]);
    // And dropped again.
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "plain:  { type: integer, autoincrement: true, nullable: false }",
        "plain:  { type: integer, nullable: false }",
        &["DROP IDENTITY"],
    );
    assert_eq!(t.count("a"), 4);
}

/// serial ↔ bigserial ↔ smallserial, and serial → identity, keeping the
/// sequence's current value.
#[test]
fn postgres_serial_columns_change_type_and_become_identities() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE TABLE s (id serial PRIMARY KEY, other smallserial, note text);
         INSERT INTO s (note) VALUES ('a'), ('b'), ('c');",
    );
    change(
        &t,
        &file,
        "id:    { type: serial, primary_key: true }",
        "id:    { type: bigserial, primary_key: true }",
        &["ALTER SEQUENCE \"s_id_seq\" AS bigint"],
    );
    t.sql("INSERT INTO s (note) VALUES ('d')");
    assert_eq!(t.query("SELECT id, other FROM s WHERE note = 'd'"), [["4", "4"]]);
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "other: { type: smallserial, nullable: false }",
        "other: { type: integer, autoincrement: true, nullable: false }",
        &["ADD GENERATED BY DEFAULT AS IDENTITY", "DROP SEQUENCE"],
    );
    t.sql("INSERT INTO s (note) VALUES ('e')");
    assert_eq!(t.query("SELECT id, other FROM s WHERE note = 'e'"), [["5", "5"]]);
    assert_eq!(t.count("s"), 5);
}

/// On SQLite, AUTOINCREMENT is its lone INTEGER PRIMARY KEY's: anything
/// else is refused at the file's line.
#[test]
fn sqlite_autoincrement_outside_the_key_is_refused_at_its_line() {
    let t = Test::sqlite();
    t.schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: { type: integer, autoincrement: true }\n");
    t.run(&["plan"]).code(2).stderr_has("schema.yaml:5:").stderr_has("must be the table's only primary key column");
}

/// Sequences of their own, as pg_dump writes them: created before the
/// tables that read them, owned by a column once it exists, and never
/// reset by a plan.
#[test]
fn postgres_sequences_of_their_own() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE SEQUENCE public.invoice_no AS integer START WITH 1000 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
         CREATE SEQUENCE public.orders_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
         CREATE TABLE public.orders (id integer NOT NULL DEFAULT nextval('orders_id_seq'::regclass),
           invoice integer DEFAULT nextval('invoice_no'), CONSTRAINT orders_pkey PRIMARY KEY (id));
         ALTER SEQUENCE public.orders_id_seq OWNED BY public.orders.id;
         CREATE SEQUENCE public.shared_counter AS smallint INCREMENT BY -2 CYCLE;
         INSERT INTO orders DEFAULT VALUES; INSERT INTO orders DEFAULT VALUES;",
    );
    assert!(file.contains("  invoice_no: { type: integer, start: 1000 }\n"), "{file}");
    assert!(file.contains("  orders_id_seq: { type: bigint, owned_by: orders.id }\n"), "{file}");
    // New options and a comment: the sequence goes on from where it is.
    change(
        &t,
        &file,
        "invoice_no: { type: integer, start: 1000 }",
        "invoice_no: { type: bigint, start: 2000, increment: 10, comment: invoices }",
        &["ALTER SEQUENCE \"invoice_no\" AS bigint START WITH 2000 INCREMENT BY 10", "COMMENT ON SEQUENCE"],
    );
    t.sql("INSERT INTO orders DEFAULT VALUES");
    assert_eq!(t.query("SELECT invoice FROM orders ORDER BY id DESC LIMIT 1"), [["1011"]], "1000, 1001, then +10");
    // A new sequence, owned by a new column.
    let file = t.run(&["inspect"]).success().stdout;
    let with_new = file
        .replacen("sequences:\n", "sequences:\n  batch_no: { type: integer, owned_by: orders.batch }\n", 1)
        .replacen(
            "    columns:\n",
            "    columns:\n      batch: { type: integer, default: { sql: \"nextval('batch_no')\" } }\n",
            1,
        );
    change(&t, &file, &file, &with_new, &["CREATE SEQUENCE \"batch_no\" AS integer", "OWNED BY \"orders\".\"batch\""]);
    // A sequence the file no longer has goes (destructive: its value goes).
    let file = t.run(&["inspect"]).success().stdout;
    t.schema(&file.replace("  shared_counter: { type: smallint, increment: -2, cycle: true }\n", ""));
    t.run(&["apply", "--yes"]).code(2).stderr_has("--allow-destructive");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(t.count("orders"), 3);
}

/// A file that spells out exactly what `serial` makes (the sequence, owned
/// by the column, read by its default) is that serial column: one database
/// state has one model, whichever way the file writes it.
#[test]
fn postgres_a_spelled_out_serial_is_a_serial() {
    let Some(t) = Test::postgres() else { return };
    t.schema(
        "sequences:\n  t_id_seq: { type: integer, owned_by: t.id }\ntables:\n  t:\n    columns:\n      \
         id: { type: integer, primary_key: true, default: { sql: \"nextval('t_id_seq')\" } }\n",
    );
    t.apply();
    t.assert_in_sync();
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(inspected.contains("id: { type: serial, primary_key: true }"), "{inspected}");
    // And a serial column follows its table's rename, sequence and all.
    t.schema("tables:\n  u:\n    renamed_from: t\n    columns:\n      id: { type: serial, primary_key: true }\n");
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("ALTER SEQUENCE \"t_id_seq\" RENAME TO \"u_id_seq\""), "{plan}");
    t.run(&["apply", "--yes"]).success();
    t.assert_in_sync();
}

/// SQLite's STRICT and WITHOUT ROWID tables and generated columns (virtual
/// and stored, long and short form): read, kept through rebuilds, changed
/// with the rows kept.
#[test]
fn sqlite_strict_without_rowid_and_generated_columns() {
    let t = Test::sqlite();
    let file = adopt(
        &t,
        "CREATE TABLE t (a INTEGER PRIMARY KEY, b INT, c TEXT AS (b * 2), d INT GENERATED ALWAYS AS (a + b) STORED, e ANY) STRICT;
         CREATE TABLE w (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID, STRICT;
         CREATE TABLE x (id INTEGER PRIMARY KEY, total REAL GENERATED ALWAYS AS (id * 1.5) VIRTUAL NOT NULL);
         INSERT INTO t (a, b, e) VALUES (1, 2, 'x'), (2, 5, 3); INSERT INTO w VALUES ('k', x'00');",
    );
    assert!(file.contains("c: { type: text, generated: { expr: \"b * 2\", virtual: true } }"), "{file}");
    // A generated column's expression changes: a rebuild, rows kept, the
    // table still STRICT.
    change(&t, &file, "generated: \"a + b\"", "generated: \"a * b\"", &["rebuilt", ") STRICT"]);
    assert_eq!(
        t.query("SELECT a, b, c, d, e FROM t ORDER BY a"),
        [["1", "2", "4", "2", "x"], ["2", "5", "10", "10", "3"]]
    );
    // Not STRICT any more, and w not WITHOUT ROWID: rebuilds.
    let file = t.run(&["inspect"]).success().stdout;
    let relaxed = file.replacen("    strict: true\n", "", 1).replacen("    without_rowid: true\n", "", 1);
    change(
        &t,
        &file,
        &file,
        &relaxed,
        &["set options of t: not strict, not without rowid", "set options of w: strict, not without rowid"],
    );
    assert_eq!(t.query("SELECT count(*) FROM w"), [["1"]]);
    // A virtual generated column is added in place.
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "      e: any\n",
        "      e: any\n      f: { type: integer, generated: { expr: \"a * 10\", virtual: true } }\n",
        &["ALTER TABLE \"t\" ADD COLUMN \"f\" INTEGER GENERATED ALWAYS AS (a * 10) VIRTUAL"],
    );
    assert_eq!(t.query("SELECT f FROM t ORDER BY a"), [["10"], ["20"]]);
    // What SQLite cannot have is refused at its line.
    t.schema("tables:\n  s:\n    strict: true\n    columns:\n      id: { type: integer, primary_key: true }\n      at: timestamp\n");
    t.run(&["plan"])
        .code(2)
        .stderr_has("schema.yaml:6:")
        .stderr_has("a STRICT table's columns are integer, real, text, blob or any");
}

#[test]
fn postgres_exclusion_constraints() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(
        &t,
        "CREATE EXTENSION btree_gist;
         CREATE TABLE booking (id int PRIMARY KEY, room int NOT NULL, during tsrange NOT NULL,
           cancelled boolean NOT NULL DEFAULT false,
           CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (NOT cancelled)
             DEFERRABLE INITIALLY DEFERRED);
         COMMENT ON CONSTRAINT no_overlap ON booking IS 'one booking per room at a time';
         CREATE TABLE circles (c circle, EXCLUDE USING gist (c WITH &&));
         CREATE TABLE lowered (name text, EXCLUDE USING btree (lower(name) COLLATE \"C\" text_pattern_ops DESC WITH =));
         INSERT INTO booking VALUES (1, 7, '[2026-01-01,2026-01-05)', false), (2, 7, '[2026-01-03,2026-01-06)', true);",
    );
    assert!(file.contains("no_overlap: { elements: [{ column: room, with: \"=\" }, { column: during, with: \"&&\" }], where: \"NOT cancelled\", initially_deferred: true, comment: one booking per room at a time }"), "{file}");
    // A changed condition remakes the constraint; a changed comment does not.
    change(
        &t,
        &file,
        "where: \"NOT cancelled\"",
        "where: \"NOT cancelled AND room > 0\"",
        &["drop exclusion no_overlap on booking", "WHERE (NOT cancelled AND room > 0) DEFERRABLE INITIALLY DEFERRED"],
    );
    let file = t.run(&["inspect"]).success().stdout;
    change(
        &t,
        &file,
        "comment: one booking",
        "comment: at most one booking",
        &["COMMENT ON CONSTRAINT \"no_overlap\""],
    );
    // A renamed column keeps the constraint that reads it.
    let file = t.run(&["inspect"]).success().stdout;
    let renamed = file
        .replacen(
            "room:      { type: integer, nullable: false }",
            "chamber:   { type: integer, nullable: false, renamed_from: room }",
            1,
        )
        .replacen("column: room", "column: chamber", 1)
        .replacen("room > 0", "chamber > 0", 1);
    change(&t, &file, &file, &renamed, &["RENAME COLUMN \"room\" TO \"chamber\""]);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.starts_with("No changes"), "{plan}");
    // An added constraint the rows break fails, and nothing changes.
    t.sql("CREATE TABLE spans (r int4range); INSERT INTO spans VALUES ('[1,5)'), ('[3,8)')");
    let file = t.run(&["inspect"]).success().stdout;
    let spans = "  spans:\n    columns:\n      r: int4range\n";
    t.schema(&file.replacen(
        spans,
        &format!("{spans}    exclusions:\n      apart: {{ elements: [{{ column: r, with: \"&&\" }}] }}\n"),
        1,
    ));
    t.run(&["apply", "--yes"]).code(2).stderr_has("rolled back");
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("add exclusion apart on spans"), "{plan}");
    assert_eq!(t.count("spans"), 2);
}

#[test]
fn sqlite_refuses_exclusion_constraints_at_their_line() {
    let t = Test::sqlite();
    t.schema("tables:\n  b:\n    columns:\n      r: integer\n    exclusions:\n      x: { elements: [{ column: r, with: \"=\" }] }\n");
    t.run(&["plan"]).code(2).stderr_has("schema.yaml:6:").stderr_has("exclusion");
}

const PARTITIONED: &str = "
    CREATE TABLE m (id bigserial, at timestamptz NOT NULL DEFAULT now(), city text, v int CHECK (v > 0),
      PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
    CREATE INDEX m_city ON m (lower(city));
    CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
    -- Attached (as pg_dump restores them): no defaults of its own.
    CREATE TABLE m2 (id bigint NOT NULL, at timestamptz NOT NULL, city text, v int CONSTRAINT m_v_check CHECK (v > 0));
    ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
    CREATE TABLE md PARTITION OF m DEFAULT;
    CREATE INDEX md_own ON md (v);
    COMMENT ON COLUMN md.v IS 'value';
    CREATE TABLE l (k text, n int) PARTITION BY LIST (lower(k));
    CREATE TABLE l1 PARTITION OF l FOR VALUES IN ('a', 'b') PARTITION BY HASH (n);
    CREATE TABLE l1h0 PARTITION OF l1 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
    CREATE TABLE l1h1 PARTITION OF l1 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
    INSERT INTO m (at, v) VALUES ('2026-01-05', 1), ('2026-02-05', 2), ('2027-01-01', 3);
    INSERT INTO l VALUES ('A', 1), ('b', 2);";

#[test]
fn postgres_partitioned_tables() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(&t, PARTITIONED);
    // Partitions made with PARTITION OF leave their columns to the parent.
    assert!(file.contains("  m1:\n    partition_of: m\n    bound: \"FROM ('2026-01-01 00:00:00+00') TO ('2026-02-01 00:00:00+00')\"\n\n"), "{file}");
    assert!(
        file.contains("  l1:\n    partition_by: HASH (n)\n    partition_of: l\n    bound: \"IN ('a', 'b')\"\n"),
        "{file}"
    );
    assert!(file.contains("    bound: DEFAULT\n    columns:\n"), "{file}");
    let rows = || t.query("SELECT tableoid::regclass::text, id FROM m ORDER BY id");

    // A narrower bound, a new partition, a column and a default on the
    // parent (which reach the partitions), a partition's own default.
    let changed = file
        .replacen(
            "TO ('2026-02-01 00:00:00+00')\"\n",
            "TO ('2026-01-15')\"\n\n  m3:\n    partition_of: m\n    bound: \"FROM ('2026-03-01') TO ('2026-04-01')\"\n",
            1,
        )
        .replacen(
            "      v:    { type: integer, check: \"v > 0\" }\n",
            "      v:    { type: integer, check: \"v > 0\" }\n      z:    { type: integer, default: 7 }\n",
            1,
        )
        .replacen(
            "default: { sql: now() } }\n      city: text\n      v:    { type: integer, check",
            "default: { sql: clock_timestamp() } }\n      city: text\n      v:    { type: integer, check",
            1,
        )
        .replacen("      v:    integer\n", "      v:    integer\n      z:    { type: integer, default: 7 }\n", 1)
        .replacen(
            "      v:    { type: integer, comment: value }\n",
            "      v:    { type: integer, comment: value }\n      z:    { type: integer, default: 8 }\n",
            1,
        );
    change(
        &t,
        &file,
        &file,
        &changed,
        &[
            "ALTER TABLE \"m\" DETACH PARTITION \"m1\"",
            "ALTER TABLE \"m\" ADD COLUMN \"z\" integer DEFAULT 7;",
            "CREATE TABLE \"m3\" PARTITION OF \"m\" FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00')",
            "ALTER TABLE \"m2\" ALTER COLUMN \"at\" DROP DEFAULT",
            "ALTER TABLE \"md\" ALTER COLUMN \"at\" SET DEFAULT (now())",
            "ALTER TABLE \"md\" ALTER COLUMN \"z\" SET DEFAULT 8",
            "ALTER TABLE \"m\" ATTACH PARTITION \"m1\" FOR VALUES FROM ('2026-01-01 00:00:00+00') TO ('2026-01-15 00:00:00+00')",
        ],
    );
    assert_eq!(rows(), [["m1", "1"], ["m2", "2"], ["md", "3"]]);
    assert_eq!(t.query("SELECT DISTINCT z FROM m"), [["7"]]);

    // A column renamed on the parent is renamed everywhere, with its index.
    let file = t.run(&["inspect"]).success().stdout;
    let renamed = file
        .replacen("      city: text\n", "      town: { type: text, renamed_from: city }\n", 1)
        .replacen("lower(city)", "lower(town)", 1)
        .replace("      city: text\n", "      town: text\n");
    change(
        &t,
        &file,
        &file,
        &renamed,
        &["rename column m.city to town\n      hazards: ACCESS EXCLUSIVE lock on m\n\nSQL"],
    );

    // A table of its own becomes a partition: what it lacks is added
    // first (the parent's check), then it is attached with its rows.
    t.sql(
        "CREATE TABLE m4 (id bigint NOT NULL, at timestamptz NOT NULL, town text, v int, z int);
           INSERT INTO m4 VALUES (9, '2026-04-02', 'x', 5, 1)",
    );
    let file = t.run(&["inspect"]).success().stdout;
    let start = file.find("  m4:\n").expect("m4 is inspected");
    let end = file[start..].find("\n\n").map_or(file.len(), |e| start + e + 1);
    let attached = format!(
        "{}  m4:\n    partition_of: m\n    bound: \"FROM ('2026-04-01') TO ('2026-05-01')\"\n    columns:\n      id: {{ type: bigint, nullable: false }}\n      at: {{ type: timestamptz, nullable: false }}\n      town: text\n      v: integer\n      z: integer\n{}",
        &file[..start],
        &file[end..]
    );
    change(
        &t,
        &file,
        &file,
        &attached,
        &[
            "ALTER TABLE \"m4\" ADD CONSTRAINT \"m_v_check\" CHECK (v > 0);\n  ALTER TABLE \"m\" ATTACH PARTITION \"m4\"",
        ],
    );
    assert_eq!(rows(), [["m1", "1"], ["m2", "2"], ["md", "3"], ["m4", "9"]]);

    // Dropping a partition drops its rows: destructive.
    let file = t.run(&["inspect"]).success().stdout;
    let start = file.find("  l1h1:\n").expect("l1h1 is inspected");
    let end = start + file[start..].find("\n\n").expect("not the last table") + 2;
    let dropped = format!("{}{}", &file[..start], &file[end..]);
    t.schema(&dropped);
    t.run(&["apply", "--yes"]).code(2).stderr_has("--allow-destructive");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();

    // How rows are split cannot change in place: refused, nothing done.
    let file = t.run(&["inspect"]).success().stdout;
    t.schema(&file.replacen("partition_by: HASH (n)", "partition_by: HASH (k)", 1));
    t.run(&["plan"]).code(2).stderr_has("cannot change how a table is partitioned");
}

#[test]
fn sqlite_refuses_partitions_at_their_line() {
    let t = Test::sqlite();
    t.schema("tables:\n  m:\n    partition_by: RANGE (at)\n    columns:\n      at: integer\n  m1:\n    partition_of: m\n    bound: \"FROM (1) TO (2)\"\n");
    t.run(&["plan"]).code(2).stderr_has("schema.yaml:3:").stderr_has("schema.yaml:7:").stderr_has("partition");
}

/// SQLite gives a type name it does not know NUMERIC affinity: `type:
/// string` stored '00123' as the number 123. Such a name is refused at its
/// line with a hint; `declared_type:` declares it on purpose, and a
/// database that has such a column inspects to that and rebuilds it.
#[test]
fn sqlite_refuses_a_type_name_it_would_give_numeric_affinity() {
    let t = Test::sqlite();
    let file = |column: &str| {
        format!("tables:\n  a:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      code: {column}\n")
    };
    t.schema(&file("string"));
    t.run(&["plan"])
        .code(2)
        .stderr_has("schema.yaml:5")
        .stderr_has("NUMERIC affinity")
        .stderr_has("did you mean text?");
    t.schema(&file("{ type: text, declared_type: string }"));
    t.run(&["plan"]).code(2).stderr_has("schema.yaml:5").stderr_has("not both");
    t.schema(&file("{ declared_type: string }"));
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT type FROM pragma_table_info('a') WHERE name = 'code'"), [["string"]]);
    // A database that has one inspects to `declared_type:` and rebuilds it.
    let source = Test::sqlite();
    source.sql("CREATE TABLE b (id INTEGER PRIMARY KEY, s STRING NOT NULL, m mediumtext)");
    let inspected = source.run(&["inspect"]).success().stdout;
    assert!(inspected.contains("{ declared_type: STRING, nullable: false }"), "{inspected}");
    assert!(inspected.contains("m:  mediumtext"), "a name that reads as TEXT needs no escape: {inspected}");
    source.schema(&inspected).assert_in_sync();
    let rebuilt = Test::sqlite();
    rebuilt.schema(&inspected);
    rebuilt.apply();
    assert_eq!(rebuilt.query("SELECT type FROM pragma_table_info('b') WHERE name = 's'"), [["STRING"]]);
}

/// A SQLite virtual table (FTS5 here) and its shadow tables were left out
/// of `inspect` with no note, so a rebuild lacked it and the trigger that
/// feeds it failed on the first INSERT. It is named as not managed, by
/// `inspect`, `plan` and the JSON, and nothing plans to touch it.
#[test]
fn sqlite_virtual_tables_are_named_as_not_managed() {
    let t = Test::sqlite();
    t.sql(
        "CREATE TABLE docs (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
         CREATE VIRTUAL TABLE docs_fts USING fts5(body, content='docs', content_rowid='id');
         CREATE TRIGGER docs_ai AFTER INSERT ON docs BEGIN INSERT INTO docs_fts(rowid, body) VALUES (new.id, new.body); END;",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    // Its shadow tables are its own: named with it, not tables of the file.
    let line = "virtual table docs_fts (using fts5; its tables docs_fts_config, docs_fts_data, docs_fts_docsize, docs_fts_idx)";
    assert!(inspected.contains(&format!("#   {line}\n")), "{inspected}");
    assert!(!inspected.contains("  docs_fts_"), "{inspected}");
    t.schema(&inspected);
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    assert!(plan.stderr.contains("virtual table docs_fts"), "{}", plan.stderr);
    let json: serde_json::Value =
        serde_json::from_str(&t.run(&["check", "--format", "json"]).success().stdout).unwrap();
    assert_eq!(json["unmanaged"], serde_json::json!([line]));
}
