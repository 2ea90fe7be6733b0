//! PostgreSQL-only features: identity and serial, generated columns, arrays,
//! jsonb, enums, extensions, schemas, index methods, deferrable keys,
//! comments; plans that converge after each of many edits; failures that
//! leave everything as it was; locking.

use crate::harness::Test;
use std::time::{Duration, Instant};

const FEATURES: &str = r#"extensions: [citext]
enums:
  account_kind: [personal, business]
tables:
  accounts:
    comment: Customer accounts
    columns:
      id:         { type: bigint, primary_key: true, identity: always }
      uid:        { type: uuid, nullable: false, default: { sql: gen_random_uuid() }, unique: true }
      email:      { type: citext, nullable: false, comment: login address }
      kind:       { type: account_kind, nullable: false, default: personal }
      status:     { type: text, nullable: false, default: active, check: "status IN ('active', 'closed')" }
      tags:       { type: "text[]", nullable: false, default: { sql: "'{}'" } }
      settings:   { type: jsonb, nullable: false, default: { sql: "'{}'::jsonb" } }
      ip:         { type: inet }
      balance:    { type: "numeric(12,2)", nullable: false, default: 0 }
      created_at: { type: timestamptz, nullable: false, default: { sql: now() } }
      day:        { type: date, default: { sql: CURRENT_DATE } }
      legacy_id:  { type: serial }
      name:       { type: varchar(80), collation: C }
    indexes:
      accounts_email_lower: { columns: [{ expr: lower(email) }], unique: true }
      accounts_tags_gin:    { columns: [tags], using: gin }
      accounts_created:     { columns: [{ column: created_at, order: desc, nulls: last }], include: [email] }
      accounts_business:    { columns: [email], where: "kind = 'business'" }
      accounts_hash:        { columns: [uid], using: hash }
  orders:
    columns:
      account_id:    { type: bigint, nullable: false }
      number:        { type: integer, nullable: false }
      qty:           { type: integer, nullable: false, default: 1 }
      price:         { type: "numeric(10,2)", nullable: false }
      total:         { type: "numeric(12,2)", generated: "qty * price" }
      parent_number: { type: integer }
      cast_default:  { type: varchar(10), default: { sql: "'x'::character varying" } }
    primary_key: [account_id, number]
    uniques:
      orders_account_number_qty: [account_id, number, qty]
    checks:
      orders_qty_positive: "qty > 0 AND qty < 1000"
    foreign_keys:
      orders_account_fk: { columns: [account_id], references: { table: accounts, columns: [id] }, on_delete: cascade, initially_deferred: true }
      orders_parent_fk:  { columns: [account_id, parent_number], references: { table: orders, columns: [account_id, number] } }
  billing.invoices:
    columns:
      id:         { type: integer, primary_key: true, autoincrement: true }
      account_id: { type: bigint, references: accounts.id, deferrable: true }
      amount:     { type: "numeric(10,2)", check: "amount > 0" }
"#;

fn postgres() -> Option<Test> {
    Test::postgres()
}

#[test]
fn every_feature_round_trips_without_phantom_diffs() {
    let Some(t) = postgres() else { return };
    t.schema(FEATURES);
    t.apply();
    t.assert_in_sync();
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(inspected.contains("legacy_id:  { type: serial, nullable: false }"), "{inspected}");
    assert!(inspected.contains("id:         { type: bigint, primary_key: true, identity: always }"), "{inspected}");
    t.schema(&inspected);
    t.assert_in_sync();
    assert_eq!(t.run(&["inspect"]).success().stdout, inspected, "stable");

    let fresh = postgres().unwrap();
    fresh.schema(&inspected);
    fresh.apply();
    assert_eq!(fresh.run(&["inspect"]).success().stdout, inspected, "the inspected file rebuilds the same database");
}

/// Ten edits to a database holding data: each plan is exact, each apply
/// keeps the rows, and each leaves nothing to do.
#[test]
fn ten_edits_each_exact_and_keeping_data() {
    let Some(t) = postgres() else { return };
    let mut schema = FEATURES.to_string();
    t.schema(&schema);
    t.apply();
    t.sql(
        "INSERT INTO accounts (email, kind, name, ip) VALUES ('a@x', 'personal', 'Ada', '10.0.0.1'), ('b@x', 'business', 'Bob', NULL);
         INSERT INTO orders (account_id, number, qty, price) VALUES (1, 1, 2, 9.50), (1, 2, 1, 3.00), (2, 1, 5, 1.25);
         INSERT INTO billing.invoices (account_id, amount) VALUES (1, 12.5);",
    );
    let count_rows = |accounts: &str| {
        [t.count(accounts), t.count("orders"), t.query("SELECT count(*) FROM billing.invoices")[0][0].parse().unwrap()]
    };
    let rows = count_rows("accounts");

    let edits: [(&str, &str, &str); 10] = [
        // 1. add a column with a default
        (
            "      day:        { type: date, default: { sql: CURRENT_DATE } }\n",
            "      day:        { type: date, default: { sql: CURRENT_DATE } }\n      score:      { type: integer, nullable: false, default: 10 }\n",
            "+ add column accounts.score integer not null default 10",
        ),
        // 2. rename a column
        (
            "      name:       { type: varchar(80), collation: C }",
            "      full_name:  { type: varchar(80), collation: C, renamed_from: name }",
            "~ rename column accounts.name to full_name",
        ),
        // 3. widen a type
        (
            "      number:        { type: integer, nullable: false }",
            "      number:        { type: bigint, nullable: false }",
            "~ alter column orders.number: type integer → bigint",
        ),
        // 4. an expression index with a partial predicate
        (
            "      accounts_hash:",
            "      accounts_day_idx:     { columns: [{ expr: \"upper(full_name)\" }], where: \"balance > 0\" }\n      accounts_hash:",
            "+ create index accounts_day_idx on accounts",
        ),
        // 5. a check with IN, which PostgreSQL rewrites as = ANY (ARRAY[...])
        (
            "      ip:         { type: inet }",
            "      ip:         { type: inet, check: \"family(ip) IN (4, 6)\" }",
            "+ add check accounts_ip_check",
        ),
        // 6. set not null on a column without NULLs
        (
            "      parent_number: { type: integer }",
            "      parent_number: { type: integer }\n      note:          { type: text, nullable: false, default: '' }",
            "+ add column orders.note text not null",
        ),
        // 7. a new enum label in the middle
        (
            "  account_kind: [personal, business]",
            "  account_kind: [personal, family, business]",
            "~ add values to enum account_kind: family",
        ),
        // 8. change a default
        (
            "      balance:    { type: \"numeric(12,2)\", nullable: false, default: 0 }",
            "      balance:    { type: \"numeric(12,2)\", nullable: false, default: 100.5 }",
            "~ alter column accounts.balance: default 100.5",
        ),
        // 9. rename a table that other tables reference
        (
            "  accounts:\n    comment: Customer accounts",
            "  customers:\n    renamed_from: accounts\n    comment: Customer accounts",
            "~ rename table accounts to customers",
        ),
        // 10. a text column becomes an integer (destructive: needs consent, converted with USING)
        (
            "      status:     { type: text, nullable: false, default: active, check: \"status IN ('active', 'closed')\" }",
            "      status:     { type: text, nullable: false, default: active, check: \"status IN ('active', 'closed')\" }\n      code:       { type: text, default: '42' }",
            "+ add column",
        ),
    ];
    for (i, (from, to, expected)) in edits.iter().enumerate() {
        assert!(schema.contains(from), "edit {}: {from:?} not in the schema", i + 1);
        schema = schema.replacen(from, to, 1);
        if i >= 8 {
            schema = schema
                .replace("references: { table: accounts,", "references: { table: customers,")
                .replace("references: accounts.id", "references: customers.id");
        }
        t.schema(&schema);
        let plan = t.run(&["plan"]).success();
        assert!(plan.stdout.contains(expected), "edit {}: expected {expected:?} in\n{}", i + 1, plan.stdout);
        t.apply();
        t.assert_in_sync();
    }
    assert_eq!(count_rows("customers"), rows);
    assert_eq!(
        t.query("SELECT full_name, score, code FROM customers ORDER BY id"),
        [["Ada", "10", "42"], ["Bob", "10", "42"]]
    );

    // The destructive type change: text → integer, converted with USING.
    schema = schema
        .replace("      code:       { type: text, default: '42' }", "      code:       { type: integer, default: 42 }");
    t.schema(&schema);
    t.run(&["plan"]).success().stdout_has("USING \"code\"::integer").stdout_has("DESTRUCTIVE");
    t.run(&["apply", "--yes"]).code(2).stderr_has("--allow-destructive");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT code + 1 FROM customers ORDER BY id"), [["43"], ["43"]]);
    assert_eq!(count_rows("customers"), rows);
}

#[test]
fn lock_timeout_fails_cleanly_instead_of_waiting() {
    let Some(t) = postgres() else { return };
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n");
    t.apply();
    // Another session holds a lock on the table.
    let mut blocker = postgres::Client::connect(&t.url(), postgres::NoTls).unwrap();
    let mut tx = blocker.transaction().unwrap();
    tx.batch_execute("LOCK TABLE a IN ACCESS SHARE MODE").unwrap();
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      b: { type: text }\n");
    let started = Instant::now();
    let run = t.run(&["apply", "--yes", "--lock-timeout", "300ms"]).code(2);
    assert!(started.elapsed() < Duration::from_secs(10), "gave up after the timeout");
    assert!(run.stderr.contains("lock timeout") || run.stderr.contains("lock"), "{}", run.stderr);
    tx.rollback().unwrap();
    t.run(&["plan"]).success().stdout_has("+ add column a.b text");
}

#[test]
fn tls_require_and_connection_errors() {
    let Some(t) = postgres() else { return };
    t.schema("tables:\n  a:\n    columns:\n      id: { type: integer }\n");
    // The local server has SSL with a self-signed certificate.
    t.run(&["plan", "--url", &format!("{}?sslmode=require", t.url())]).success();
    t.run(&["plan", "--url", &format!("{}?sslmode=disable", t.url())]).success();
    // verify-full against a self-signed certificate fails cleanly.
    let run = t.run(&["plan", "--url", &format!("{}?sslmode=verify-full", t.url())]).code(2);
    assert!(run.stderr.starts_with("error: cannot open postgresql://"), "{}", run.stderr);

    let run = t.run(&["plan", "--url", "postgresql://postgres:s3cret@127.0.0.1:5432/no_such_database_here"]).code(2);
    assert!(run.stderr.contains("no_such_database_here"), "{}", run.stderr);
    assert!(!run.stderr.contains("s3cret"), "password printed: {}", run.stderr);
    let run = t.run(&["plan", "--url", "postgresql+psycopg2://bob:s3cret@127.0.0.1:1/app"]).code(2);
    assert!(run.stderr.contains("bob:***@127.0.0.1:1"), "{}", run.stderr);
    assert!(!run.stderr.contains("s3cret"), "password printed: {}", run.stderr);
    let run = t.run(&["plan", "--url", "host=127.0.0.1 port=1 user=bob password=s3cret dbname=app"]).code(2);
    assert!(!run.stderr.contains("s3cret"), "password printed: {}", run.stderr);
}

#[test]
fn excluded_and_unmentioned_schemas_are_left_alone() {
    let Some(t) = postgres() else { return };
    t.sql("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL); CREATE SCHEMA other; CREATE TABLE other.keep (x int);");
    t.schema("tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n");
    t.run(&["plan"]).success().stdout_has("- drop table alembic_version");
    t.run(&["plan", "--exclude", "alembic_*"]).success().stdout_has("(1 change)");
    t.run(&["apply", "--yes", "--exclude", "alembic_*"]).success();
    t.run(&["plan", "--exclude", "alembic_*"]).success().stdout_has("No changes");
    assert_eq!(t.count("alembic_version"), 0);
    assert_eq!(t.query("SELECT count(*) FROM other.keep"), [["0"]]);
}

#[test]
fn recreating_an_enum_casts_its_columns_or_fails_cleanly() {
    let Some(t) = postgres() else { return };
    let schema = |labels: &str| {
        format!(
            "enums:\n  mood: [{labels}]\ntables:\n  p:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      m: {{ type: mood, default: happy }}\n      ms: {{ type: \"mood[]\" }}\n"
        )
    };
    t.schema(&schema("happy, sad, meh"));
    t.apply();
    t.sql("INSERT INTO p VALUES (1, 'sad', '{meh,sad}'), (2, 'happy', NULL)");
    let before = t.dump();
    t.schema(&schema("sad, happy"));
    t.run(&["apply", "--yes"]).code(2).stderr_has("invalid input value for enum mood: \"meh\"");
    assert_eq!(t.dump(), before);
    t.sql("UPDATE p SET ms = '{sad}' WHERE id = 1");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT m::text, ms::text FROM p ORDER BY id"), [["sad", "{sad}"], ["happy", "NULL"]]);
}

/// A database made by an application (by hand-written SQL, as ORMs and
/// migration tools make them): `inspect` reads it, the file plans nothing,
/// and the file rebuilds the same database from scratch.
#[test]
fn an_existing_application_database_round_trips() {
    let Some(t) = postgres() else { return };
    t.sql(include_str!("../fixtures/postgres_shop.sql"));
    let before = t.dump();
    let inspected = t.run(&["inspect"]).success().stdout;
    t.schema(&inspected);
    t.assert_in_sync();
    assert_eq!(t.dump(), before, "plan and check change nothing");

    let fresh = postgres().unwrap();
    fresh.schema(&inspected);
    fresh.apply();
    fresh.assert_in_sync();
    // PostgreSQL does not always print a parsed expression the same way
    // twice (`x IN (...)` on varchar), so the texts may differ: the two
    // databases must still be the same schema to dbshape, both ways.
    let again = fresh.run(&["inspect"]).success().stdout;
    t.schema(&again);
    t.assert_in_sync();

    // An edit next to such an expression changes only what was edited.
    let edited = inspected.replacen(
        "      seats:                { type: integer, nullable: false, default: 1, check: \"seats > 0\" }",
        "      seats:                { type: integer, nullable: false, default: 2, check: \"seats > 0\" }",
        1,
    );
    assert_ne!(edited, inspected, "the fixture has billing.subscriptions.seats");
    t.schema(&edited);
    let plan = t.run(&["plan", "--format", "sql"]).success();
    assert_eq!(plan.stdout, "ALTER TABLE \"billing\".\"subscriptions\" ALTER COLUMN \"seats\" SET DEFAULT 2;\n");
    t.apply();
    t.assert_in_sync();
}

/// Found by the random tests: a plan sent PostgreSQL's own spelling of
/// `varchar_column IN (...)` back to it, which the server stores in yet
/// another spelling, so a new table's check never matched the file.
#[test]
fn varchar_in_check_on_a_new_table_converges() {
    let Some(t) = postgres() else { return };
    t.schema(
        "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         colour: { type: varchar(32), check: \"colour IN ('red', 'it''s')\" }\n",
    );
    t.apply();
    t.assert_in_sync();
    t.schema(
        "tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         colour: { type: varchar(32), check: \"colour IN ('red', 'it''s')\" }\n      \
         size: { type: varchar(8), default: { sql: \"lower('M')\" } }\n    \
         checks:\n      size_known: \"size IN ('s', 'm')\"\n    \
         indexes:\n      t_size_idx: { columns: [{ expr: \"lower(size)\" }], where: \"size IN ('s')\" }\n",
    );
    t.apply();
    t.assert_in_sync();
}

/// Found by the random tests: a plan added an enum label with ADD VALUE and
/// used it as a default in the same transaction, which PostgreSQL refuses.
/// Such a plan recreates the type instead.
#[test]
fn new_enum_label_used_by_the_same_plan() {
    let Some(t) = postgres() else { return };
    t.schema("enums:\n  mood: [happy, sad]\ntables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      m: { type: mood, default: happy }\n");
    t.apply();
    t.sql("INSERT INTO t VALUES (1, 'sad'), (2, DEFAULT)");
    t.schema(
        "enums:\n  mood: [meh, happy, sad]\ntables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         m: { type: mood, default: meh, check: \"m <> 'meh' OR id > 0\" }\n",
    );
    t.run(&["plan"]).success().stdout_has("recreate");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id, m::text FROM t ORDER BY id"), [["1", "sad"], ["2", "happy"]]);
    t.sql("INSERT INTO t (id) VALUES (3)");
    assert_eq!(t.query("SELECT m::text FROM t WHERE id = 3"), [["meh"]]);
}

/// Found by the random tests: renaming the column a generated column reads
/// planned a needless drop and add of the generated column, which also
/// dropped the index on it, so the apply never converged. And a real change
/// of the expression must make that index again.
#[test]
fn generated_column_source_rename_and_expression_change() {
    let Some(t) = postgres() else { return };
    let schema = |source: &str, expr: &str, renamed: &str| {
        format!(
            "tables:\n  t:\n    columns:\n      id: {{ type: bigint, primary_key: true }}\n      \
             {source}: {{ type: bigint{renamed} }}\n      \
             doubled: {{ type: bigint, generated: \"{expr}\" }}\n    \
             indexes:\n      t_doubled_idx: {{ columns: [doubled, id], where: \"doubled IS NOT NULL\" }}\n"
        )
    };
    t.schema(&schema("status", "status * 2", ""));
    t.apply();
    t.sql("INSERT INTO t (id, status) VALUES (1, 10), (2, NULL)");
    t.schema(&schema("created", "created * 2", ", renamed_from: status"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("~ rename column t.status to created") && plan.contains("1 change"), "{plan}");
    t.apply();
    t.assert_in_sync();
    t.schema(&schema("created", "created * 3", ""));
    t.run(&["plan"])
        .success()
        .stdout_has("generated as created * 3 (column recreated)")
        .stdout_has("+ create index t_doubled_idx");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id, created, doubled FROM t ORDER BY id"), [["1", "10", "30"], ["2", "NULL", "NULL"]]);
}

/// Found by the random tests: PostgreSQL cannot change the type of a column
/// a generated column reads ("cannot alter type of a column used by a
/// generated column"). The plan drops the generated column first, retypes,
/// then adds it (and its index) back.
#[test]
fn retyping_the_source_of_a_generated_column() {
    let Some(t) = postgres() else { return };
    let schema = |id_type: &str| {
        format!(
            "tables:\n  t:\n    columns:\n      id: {{ type: {id_type}, primary_key: true }}\n      \
             doubled: {{ type: bigint, generated: \"id * 2\", comment: kept }}\n    \
             indexes:\n      t_doubled_idx: {{ columns: [doubled] }}\n"
        )
    };
    t.schema(&schema("integer"));
    t.apply();
    t.sql("INSERT INTO t (id) VALUES (1), (2)");
    t.schema(&schema("bigint"));
    t.run(&["plan"])
        .success()
        .stdout_has("~ alter column t.id: type integer → bigint")
        .stdout_has("~ alter column t.doubled: recreated (a column it is generated from changes type)")
        .stdout_has("+ create index t_doubled_idx");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id, doubled FROM t ORDER BY id"), [["1", "2"], ["2", "4"]]);
    // Found by the random tests too: dropping a generated column and the
    // column it reads in one plan must drop the generated one first.
    t.schema("tables:\n  t:\n    columns:\n      other: integer\n");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
}

/// A file written by hand spells every check, default and index otherwise
/// than PostgreSQL stores it. Such a file plans nothing against the
/// database it made, and each real change in it is still seen: the
/// server spells the file's text in its own context (probes), nothing is
/// taken as equal by guesswork. `qty BETWEEN 0 AND 9` reads an integer on
/// one table and a numeric on the other, which PostgreSQL spells apart.
#[test]
fn hand_written_text_plans_nothing_and_every_real_change_is_seen() {
    let Some(t) = postgres() else { return };
    let file = "tables:\n  a:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         status: { type: varchar(20), nullable: false, default: new, check: \"status IN ('new', 'open', 'closed')\" }\n      \
         qty: { type: integer, default: 0, check: \"qty BETWEEN 0 AND 9\" }\n      email: text\n      placed: date\n    \
         indexes:\n      a_email: { columns: [{ expr: lower(email) }] }\n      \
         a_open: { columns: [placed], where: \"status <> 'closed'\" }\n  \
         b:\n    columns:\n      id: { type: integer, primary_key: true }\n      \
         qty: { type: \"numeric(4,1)\", check: \"qty BETWEEN 0 AND 9\" }\n";
    t.schema(file);
    t.apply();
    t.sql("INSERT INTO a (id, email) VALUES (1, 'X@Y'); INSERT INTO b VALUES (1, 2.5)");
    t.assert_in_sync();
    for (from, to, expected) in [
        ("'open', 'closed')\" }", "'open', 'done')\" }", "DROP CONSTRAINT \"a_status_check\""),
        ("default: new,", "default: open,", "ALTER COLUMN \"status\" SET DEFAULT 'open'"),
        ("qty BETWEEN 0 AND 9\" }\n      email", "qty BETWEEN 0 AND 8\" }\n      email", "CHECK (qty BETWEEN 0 AND 8)"),
        ("expr: lower(email)", "expr: upper(email)", "DROP INDEX \"a_email\""),
        ("status <> 'closed'", "status <> 'open'", "WHERE status <> 'open'"),
        ("AND 9\" }\n", "AND 9.5\" }\n", "CHECK (qty BETWEEN 0 AND 9.5)"),
    ] {
        let changed = file.replacen(from, to, 1);
        assert_ne!(changed, file, "{from:?}");
        t.schema(&changed);
        t.run(&["plan", "--format", "sql"]).success().stdout_has(expected);
    }
}

/// PostgreSQL refuses `DROP TABLE` on a partition while a foreign key
/// references its partitioned table ("other objects depend on it"): the
/// plan detaches the partition first, which also checks that no row still
/// references the partition's rows (found by the random tests, seed 20443).
#[test]
fn dropping_a_partition_of_a_referenced_table() {
    let Some(t) = postgres() else { return };
    let both = "tables:
  events:
    partition_by: RANGE (id)
    columns:
      id: { type: integer, primary_key: true }
  events_low:
    partition_of: events
    bound: FROM (MINVALUE) TO (100)
  events_high:
    partition_of: events
    bound: FROM (100) TO (MAXVALUE)
  orders:
    columns:
      id:       { type: integer, primary_key: true }
      event_id: { type: integer, references: events.id }
";
    t.schema(both);
    t.apply();
    t.sql("INSERT INTO events VALUES (1), (150); INSERT INTO orders VALUES (1, 1), (2, NULL);");
    let without = |partition: &str| {
        let start = both.find(&format!("  {partition}:\n")).unwrap();
        let end = start + both[start..].find("  orders:").unwrap();
        format!("{}{}", &both[..start], &both[end..])
    };
    // A row of orders references events_low: detaching it fails, nothing
    // changes.
    t.schema(&without("events_low"));
    let before = t.dump();
    t.run(&["apply", "--yes", "--allow-destructive"])
        .code(2)
        .stderr_has("DETACH PARTITION")
        .stderr_has("violates foreign key constraint");
    assert_eq!(t.dump(), before);
    // No row references events_high: detached and dropped.
    t.schema(&without("events_high"));
    t.run(&["plan"])
        .success()
        .stdout_has("ALTER TABLE \"events\" DETACH PARTITION \"events_high\";\n  DROP TABLE \"events_high\";");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id FROM events ORDER BY id"), [["1"]]);
    assert_eq!(t.query("SELECT id, event_id FROM orders ORDER BY id"), [["1", "1"], ["2", "NULL"]]);
}

/// An identity turned to count the other way: its new range leaves out the
/// current value, which PostgreSQL refuses to keep ("RESTART value (3)
/// cannot be greater than MAXVALUE (-1)", though nothing asked for a
/// RESTART). dbshape never restarts a sequence: the apply fails whole, and
/// the error says why and what to do.
#[test]
fn identity_range_that_leaves_out_the_current_value_is_explained() {
    let Some(t) = postgres() else { return };
    t.schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: { type: bigint, identity: by default }\n");
    t.apply();
    t.sql("INSERT INTO t (id) VALUES (1), (2), (3)");
    t.schema("tables:\n  t:\n    columns:\n      id: { type: integer, primary_key: true }\n      n: { type: bigint, identity: { generated: by default, increment: -1 } }\n");
    let before = t.dump();
    t.run(&["apply", "--yes"])
        .code(2)
        .stderr_has("cannot be greater than MAXVALUE (-1)")
        .stderr_has("the sequence's current value lies outside its new range, and dbshape never restarts a sequence");
    assert_eq!(t.dump(), before);
}

/// `ALTER COLUMN … TYPE` stores the checks and index predicates that read
/// the column as their stored text re-parsed, which for an IN list on a
/// varchar is another form than the one written: without remaking them
/// the plan never converged (found by the random tests, seed 21739).
#[test]
fn retyping_a_column_remakes_the_checks_and_partial_indexes_that_read_it() {
    let Some(t) = postgres() else { return };
    let file = |n: u32| {
        format!(
            "tables:\n  p:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      \
             amount: {{ type: varchar({n}), check: \"amount IN ('red', 'green')\" }}\n      note: text\n    \
             indexes:\n      p_red: {{ columns: [id], where: \"amount IN ('red')\" }}\n      p_note: {{ columns: [note] }}\n"
        )
    };
    t.schema(&file(39));
    t.apply();
    t.sql("INSERT INTO p VALUES (1, 'red', 'a'), (2, 'green', NULL)");
    t.schema(&file(49));
    let plan = t.run(&["plan", "--format", "sql"]).success().stdout;
    let lines: Vec<&str> = plan.lines().collect();
    assert_eq!(lines.len(), 5, "{plan}");
    assert_eq!(lines[0], "ALTER TABLE \"p\" DROP CONSTRAINT \"p_amount_check\";");
    assert_eq!(lines[1], "DROP INDEX \"p_red\";");
    assert_eq!(lines[2], "ALTER TABLE \"p\" ALTER COLUMN \"amount\" TYPE varchar(49);");
    assert_eq!(lines[3], "ALTER TABLE \"p\" ADD CONSTRAINT \"p_amount_check\" CHECK (amount IN ('red', 'green'));");
    assert!(lines[4].starts_with("CREATE INDEX \"p_red\" ON \"p\" (\"id\") WHERE "), "{plan}");
    assert!(!plan.contains("p_note"), "the index on another column is left alone:\n{plan}");
    t.apply();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id, amount FROM p ORDER BY id"), [["1", "red"], ["2", "green"]]);
}

/// Inspect reads a few tables by oid and many through a subquery on their
/// schemas (see `TablesRead`): the second way holds the same properties.
#[test]
fn a_database_of_many_tables_reads_the_same_as_a_few() {
    let Some(t) = postgres() else { return };
    let table = |i: usize| {
        format!(
            "  t{i}:\n    comment: number {i}\n    columns:\n      id: {{ type: serial, primary_key: true }}\n      \
             n: {{ type: bigint, identity: always }}\n      code: {{ type: varchar(20), nullable: false, unique: true, \
             check: \"code IN ('a', 'b')\" }}\n      up: {{ type: integer{} }}\n    indexes:\n      \
             t{i}_lower: {{ columns: [{{ expr: lower(code) }}], where: \"up > 0\" }}\n",
            if i > 0 { format!(", references: t{}.id", i - 1) } else { String::new() }
        )
    };
    let file: String = std::iter::once("tables:\n".to_string()).chain((0..130).map(table)).collect();
    t.schema(&file);
    t.apply();
    t.assert_in_sync();
    let inspected = t.run(&["inspect"]).success().stdout;
    t.schema(&inspected);
    t.assert_in_sync();
    assert!(inspected.contains("  t129:\n    comment: number 129\n"), "{inspected}");
}

/// A column moved from one enum type to another: PostgreSQL has no cast
/// between two enums (`USING "c"::other.e2` failed), so the value goes
/// through text; the data check counts the rows whose label the new type
/// lacks, through the same cast.
#[test]
fn a_column_moves_from_one_enum_type_to_another_through_text() {
    let Some(t) = postgres() else { return };
    let schema = |column: &str| {
        format!(
            "enums:\n  other.e1: [a, b, x]\n  other.e2: [a, b, c]\ntables:\n  t:\n    columns:\n      \
             id: {{ type: integer, primary_key: true }}\n      c: {{ type: {column} }}\n"
        )
    };
    t.schema(&schema("other.e1"));
    t.apply();
    t.sql("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    t.schema(&schema("other.e2"));
    let plan = t.run(&["plan"]).success();
    assert!(plan.stdout.contains(r#"USING "c"::text::other.e2"#), "{}", plan.stdout);
    assert!(plan.stdout.contains("no row fails it"), "{}", plan.stdout);
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert_eq!(t.query("SELECT id, c::text FROM t ORDER BY id"), [["1", "a"], ["2", "b"]]);
    // Back, with a label the old type lacks: the data check names the row.
    t.sql("INSERT INTO t VALUES (3, 'c')");
    t.schema(&schema("other.e1"));
    t.run(&["plan"]).success().stdout_has("✗ 1 row of t has a value in c that does not convert to other.e1");
}

/// A function's `SET` values are sent as literals: `UTC` keeps its case
/// (it came back as `utc`, a change on every plan) and `30s` is a value
/// (it was a syntax error); a list stays a list.
#[test]
fn function_settings_keep_their_case_units_and_lists() {
    let Some(t) = postgres() else { return };
    t.schema(
        "tables: {}\nfunctions:\n  f:\n    returns: integer\n    language: sql\n    \
         set: { TimeZone: UTC, statement_timeout: 30s, search_path: 'public, pg_temp' }\n    body: select 1\n",
    );
    t.apply();
    t.assert_in_sync();
    assert_eq!(
        t.query("SELECT array_to_string(proconfig, ';') FROM pg_proc WHERE proname = 'f'"),
        [["TimeZone=UTC;statement_timeout=30s;search_path=public, pg_temp"]]
    );
}

/// A key or check added `NOT VALID` on purpose (Rails dumps do this) is
/// `validated: false` in the file: inspected so, planned as no change
/// (it was a `VALIDATE CONSTRAINT` on every plan), rebuilt `NOT VALID`,
/// and added so to a table whose rows would fail it, with no data check.
#[test]
fn constraints_kept_not_valid_are_validated_false() {
    let Some(t) = postgres() else { return };
    t.sql(
        "CREATE TABLE p (id integer PRIMARY KEY); \
         CREATE TABLE c (id integer PRIMARY KEY, p_id integer, n integer); \
         INSERT INTO c VALUES (1, 99, -1); \
         ALTER TABLE c ADD CONSTRAINT c_p_id_fkey FOREIGN KEY (p_id) REFERENCES p (id) NOT VALID; \
         ALTER TABLE c ADD CONSTRAINT c_n_check CHECK (n > 0) NOT VALID",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    assert_eq!(inspected.matches("validated: false").count(), 2, "{inspected}");
    t.schema(&inspected);
    t.assert_in_sync();
    let not_valid = "SELECT conname::text FROM pg_constraint WHERE NOT convalidated ORDER BY 1";
    // A rebuild keeps them NOT VALID, the check too (CREATE TABLE would validate it).
    let rebuilt = t.another();
    rebuilt.schema(&inspected);
    rebuilt.apply();
    rebuilt.assert_in_sync();
    assert_eq!(rebuilt.query(not_valid), [["c_n_check"], ["c_p_id_fkey"]]);
    // Added to rows that fail it: no data check, no scan, kept NOT VALID.
    t.sql("INSERT INTO c VALUES (2, NULL, 5)");
    let more = inspected.replace("    checks:\n", "    checks:\n      c_n_small: { expr: n < 0, validated: false }\n").replace(
        "    foreign_keys:\n",
        "    foreign_keys:\n      c_n_fkey: { columns: [n], references: { table: p, columns: [id] }, validated: false }\n",
    );
    assert_ne!(more, inspected, "{inspected}");
    t.schema(&more);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("CHECK (n < 0) NOT VALID") && plan.contains("NOT VALID"), "{plan}");
    assert!(!plan.contains("row"), "no data check for what is not validated: {plan}");
    t.run(&["apply", "--yes"]).success();
    t.assert_in_sync();
    assert_eq!(t.query(not_valid).len(), 4);
    // --online leaves them as the file says, too.
    t.run(&["plan", "--online"]).success().stdout_has("No changes.");
    // Without `validated: false` the plan validates, and the data check
    // names the rows that stand in the way.
    t.schema(&more.replace(", validated: false", "").replace("{ expr: n > 0, validated: false }", "n > 0"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("VALIDATE CONSTRAINT"), "{plan}");
    // Only PostgreSQL keeps a constraint NOT VALID.
    let lite = Test::sqlite();
    lite.schema(
        "tables:\n  a:\n    columns:\n      n: integer\n    checks:\n      a_n: { expr: n > 0, validated: false }\n",
    );
    lite.run(&["plan"]).code(2).stderr_has("schema.yaml:6").stderr_has("validated: false");
}

/// A domain whose check calls a function the same file creates was checked
/// against the server before the function existed (`function
/// is_email(text) does not exist`): the function is made first.
#[test]
fn a_domain_check_may_call_a_function_of_the_file() {
    let Some(t) = postgres() else { return };
    t.schema(
        "functions:\n  is_email:\n    arguments: \"address text\"\n    returns: boolean\n    language: sql\n    \
         volatility: immutable\n    body: \"select $1 like '%@%'\"\n\
         domains:\n  email:\n    type: text\n    check: is_email(VALUE)\n\
         tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true }\n      mail: email\n",
    );
    t.apply();
    t.assert_in_sync();
    t.sql("INSERT INTO users VALUES (1, 'a@b')");
    assert!(t.try_sql("INSERT INTO users VALUES (2, 'nope')").is_err(), "the domain's check holds");
}

/// `DEFERRABLE [INITIALLY DEFERRED]` on a primary key or unique constraint
/// came back plain from a rebuild. The file says it (`deferrable: true`,
/// `initially_deferred: true`, on `primary_key:` and `uniques:`), inspect
/// writes it, a rebuild keeps it, and changing it remakes the key.
#[test]
fn deferrable_primary_keys_and_uniques_round_trip() {
    let Some(t) = postgres() else { return };
    t.sql(
        "CREATE TABLE d (id integer, a integer, b integer, \
           CONSTRAINT d_pkey PRIMARY KEY (id) DEFERRABLE, \
           CONSTRAINT d_a UNIQUE (a) DEFERRABLE INITIALLY DEFERRED, CONSTRAINT d_b UNIQUE (b))",
    );
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(inspected.contains("primary_key: { columns: [id], deferrable: true }"), "{inspected}");
    assert!(inspected.contains("d_a: { columns: [a], initially_deferred: true }"), "{inspected}");
    t.schema(&inspected).assert_in_sync();
    let deferrable = "SELECT conname::text, condeferrable::text, condeferred::text FROM pg_constraint \
                      WHERE conrelid = 'd'::regclass ORDER BY 1";
    let rebuilt = t.another();
    rebuilt.schema(&inspected);
    rebuilt.apply();
    rebuilt.assert_in_sync();
    assert_eq!(rebuilt.query(deferrable), t.query(deferrable));
    // Deferring the check of rows until commit now works on the rebuild.
    rebuilt.sql("BEGIN; INSERT INTO d VALUES (1, 1, 1); INSERT INTO d VALUES (2, 1, 2); UPDATE d SET a = 2 WHERE id = 2; COMMIT");
    // Making one plain again remakes it.
    t.schema(&inspected.replace("d_a: { columns: [a], initially_deferred: true }", "d_a: [a]"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(
        plan.contains("DROP CONSTRAINT \"d_a\"") && plan.contains("ADD CONSTRAINT \"d_a\" UNIQUE (\"a\")"),
        "{plan}"
    );
    t.run(&["apply", "--yes"]).success();
    t.assert_in_sync();
    // Only PostgreSQL defers keys.
    let lite = Test::sqlite();
    lite.schema("tables:\n  a:\n    columns:\n      n: integer\n    primary_key: { columns: [n], deferrable: true }\n");
    lite.run(&["plan"]).code(2).stderr_has("never deferred");
}
