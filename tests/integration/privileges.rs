//! Who may do what (PostgreSQL): owners, grants, column grants, default
//! privileges and extension versions in the file, each change planned
//! exactly, applied and converged; a revoke or a lost owner needs consent;
//! a role the server lacks is refused before any statement; the
//! application's role really can (and cannot) read what the plan says.

use crate::adoption::{adopt, change};
use crate::harness::Test;

/// Makes `roles` on the server (roles are the cluster's: never dropped),
/// safe against another test making the same role at the same time.
fn roles(t: &Test, roles: &[&str]) {
    for role in roles {
        t.sql(&format!(
            "DO $$ BEGIN CREATE ROLE {role} LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ));
    }
}

fn fixture() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/postgres/privileges.sql");
    std::fs::read_to_string(path).expect("the privileges fixture")
}

#[test]
fn postgres_each_kind_of_privilege_change_is_planned_exactly_and_converges() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(&t, &fixture());
    assert!(file.contains("owner: dbshape_fx_owner\n"), "one owner, said once:\n{file}");
    assert!(file.contains("hstore: \"1.7\""), "the extension's version:\n{file}");
    assert!(file.contains("pg_trgm: { schema: ext }") && file.contains("  archive: { owner: postgres }\n"), "{file}");
    assert!(file.contains("sequence_grants: { dbshape_fx_app: [select, usage] }"), "a serial's sequence:\n{file}");

    // A grant added needs nothing.
    let added = "grants: { dbshape_fx_app: [insert, select] }";
    change(
        &t,
        &file,
        "grants: { dbshape_fx_app: [insert] }",
        added,
        &["GRANT SELECT ON TABLE \"app\".\"audit_log\" TO \"dbshape_fx_app\""],
    );
    let file = file.replacen("grants: { dbshape_fx_app: [insert] }", added, 1);

    // A default privilege changed.
    let more = "sequences: { dbshape_fx_app: [select, usage] }";
    change(
        &t,
        &file,
        "sequences: { dbshape_fx_app: [usage] }",
        more,
        &["ALTER DEFAULT PRIVILEGES FOR ROLE \"dbshape_fx_owner\" IN SCHEMA \"app\" GRANT SELECT ON SEQUENCES TO \
         \"dbshape_fx_app\""],
    );
    let file = file.replacen("sequences: { dbshape_fx_app: [usage] }", more, 1);

    // The extension updated to the version asked; another moved.
    change(&t, &file, "hstore: \"1.7\"", "hstore: \"1.8\"", &["ALTER EXTENSION \"hstore\" UPDATE TO '1.8'"]);
    let file = file.replacen("hstore: \"1.7\"", "hstore: \"1.8\"", 1);
    change(
        &t,
        &file,
        "pg_trgm: { schema: ext }",
        "pg_trgm: { schema: archive }",
        &["ALTER EXTENSION \"pg_trgm\" SET SCHEMA \"archive\""],
    );
    let file = file.replacen("pg_trgm: { schema: ext }", "pg_trgm: { schema: archive }", 1);

    // A column grant narrowed is a revoke: refused without consent,
    // nothing run; with it, exactly that.
    let narrowed = file.replacen("\"select(email, id, name)\"", "\"select(email, id)\"", 1);
    assert_ne!(narrowed, file, "the column grant is in the file:\n{file}");
    t.schema(&narrowed);
    let before = t.dump();
    let plan = t.run(&["plan"]).success().stdout;
    assert!(
        plan.contains("revoke select(name) on table app.customers from dbshape_fx_report   [DESTRUCTIVE"),
        "{plan}"
    );
    assert!(
        plan.contains("REVOKE SELECT (\"name\") ON TABLE \"app\".\"customers\" FROM \"dbshape_fx_report\""),
        "{plan}"
    );
    t.run(&["apply", "--yes"]).code(2).stderr_has("--allow-destructive was not given");
    assert_eq!(t.dump(), before, "nothing was executed");
    let acl = "SELECT count(*) FROM information_schema.column_privileges WHERE grantee = 'dbshape_fx_report' \
               AND table_name = 'customers' AND column_name = 'name'";
    assert_eq!(t.query(acl), [["1"]]);
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    assert_eq!(t.query(acl), [["0"]]);
    t.assert_in_sync();

    // An owner changed: the old owner loses what only an owner may do.
    let owned = narrowed.replacen("  app.audit_log:\n", "  app.audit_log:\n    owner: postgres\n", 1);
    t.schema(&owned);
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("set owner of table app.audit_log: dbshape_fx_owner → postgres   [DESTRUCTIVE"), "{plan}");
    assert!(plan.contains("ALTER TABLE \"app\".\"audit_log\" OWNER TO \"postgres\""), "{plan}");
    t.run(&["apply", "--yes"]).code(2);
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    let owner = "SELECT tableowner FROM pg_tables WHERE schemaname = 'app' AND tablename = 'audit_log'";
    assert_eq!(t.query(owner), [["postgres"]]);
}

#[test]
fn postgres_the_application_role_reads_what_it_was_granted_and_nothing_else() {
    let Some(t) = Test::postgres() else { return };
    roles(&t, &["dbshape_test_reader"]);
    t.schema(
        "tables:\n  granted:\n    columns: { id: integer }\n    grants: { dbshape_test_reader: [select] }\n  \
         secret:\n    columns: { id: integer }\n",
    );
    t.apply();
    t.sql("INSERT INTO granted VALUES (1); INSERT INTO secret VALUES (2);");
    t.assert_in_sync();
    let database = t.url().rsplit('/').next().expect("a database name").to_string();
    let mut reader = postgres::Client::connect(
        &format!("host=127.0.0.1 user=dbshape_test_reader dbname={database}"),
        postgres::NoTls,
    )
    .expect("the role logs in");
    let rows = reader.query("SELECT id FROM granted", &[]).expect("granted: readable");
    assert_eq!(rows.len(), 1);
    let refused = reader.query("SELECT id FROM secret", &[]).expect_err("secret: not granted");
    let message = refused.as_db_error().map(|e| e.message().to_string()).unwrap_or_default();
    assert!(message.contains("permission denied"), "{refused:?}");
}

#[test]
fn postgres_a_role_the_server_lacks_is_refused_at_its_line_before_any_statement() {
    let Some(t) = Test::postgres() else { return };
    t.schema("tables:\n  t:\n    columns: { id: integer }\n    grants: { dbshape_no_such_role: [select] }\n");
    let run = t.run(&["apply", "--yes"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("schema.yaml:4:") && run.stderr.contains("role \"dbshape_no_such_role\" does not exist"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("CREATE ROLE dbshape_no_such_role"), "{}", run.stderr);
    t.sql_fails("SELECT * FROM t");
}

#[test]
fn postgres_implicit_privileges_are_no_changes_and_public_can_lose_them() {
    let Some(t) = Test::postgres() else { return };
    // The owner's own privileges and PUBLIC's EXECUTE are not written and
    // not changes.
    let function =
        "functions:\n  f:\n    arguments: a integer\n    returns: integer\n    language: sql\n    body: SELECT a\n";
    t.schema(&format!("tables:\n  t:\n    columns: {{ id: integer }}\n{function}"));
    t.apply();
    t.assert_in_sync();
    let inspected = t.run(&["inspect"]).success().stdout;
    assert!(!inspected.contains("grants"), "{inspected}");
    // `public: []` revokes what PUBLIC holds implicitly.
    t.schema(&format!("tables:\n  t:\n    columns: {{ id: integer }}\n{function}    grants: {{ public: [] }}\n"));
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("REVOKE EXECUTE ON FUNCTION \"f\"(a integer) FROM PUBLIC"), "{plan}");
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    t.assert_in_sync();
    assert!(t.run(&["inspect"]).success().stdout.contains("grants: { public: [] }"));
}

#[test]
fn postgres_privileges_left_alone_when_the_file_says_so() {
    let Some(t) = Test::postgres() else { return };
    roles(&t, &["dbshape_test_reader"]);
    t.sql("CREATE TABLE t (id integer); GRANT SELECT ON t TO dbshape_test_reader;");
    t.schema("tables:\n  t:\n    columns: { id: integer }\n");
    let plan = t.run(&["plan"]).success().stdout;
    assert!(plan.contains("revoke select on table t from dbshape_test_reader   [DESTRUCTIVE"), "{plan}");
    // Drift like any other; in the JSON, a hazard of its own kind.
    t.run(&["check"]).code(1).stdout_has("dbshape_test_reader");
    let json = t.run(&["plan", "--format", "json"]).success().stdout;
    assert!(json.contains("\"removes_access\"") && !json.contains("\"deletes_data\""), "{json}");
    t.schema("manage: { privileges: false }\ntables:\n  t:\n    columns: { id: integer }\n");
    t.run(&["plan"]).success().stdout_has("No changes");
    t.run(&["check"]).success();
}

#[test]
fn postgres_an_extension_the_file_leaves_out_is_dropped_only_with_consent() {
    let Some(t) = Test::postgres() else { return };
    t.sql("CREATE EXTENSION hstore VERSION '1.6'");
    t.schema("extensions: { hstore: {} }\ntables: {}\n");
    t.run(&["plan"]).success().stdout_has("No changes");
    t.schema("tables: {}\n");
    t.run(&["plan"]).success().stdout_has("drop extension hstore   [DESTRUCTIVE");
    t.run(&["apply", "--yes"]).code(2);
    t.run(&["apply", "--yes", "--allow-destructive"]).success();
    assert_eq!(t.query("SELECT count(*) FROM pg_extension WHERE extname = 'hstore'"), [["0"]]);
    t.schema("extensions: { hstore: \"1.7\" }\ntables: {}\n");
    t.run(&["plan"]).success().stdout_has("CREATE EXTENSION IF NOT EXISTS \"hstore\" VERSION '1.7'");
    t.apply();
    assert_eq!(t.query("SELECT extversion FROM pg_extension WHERE extname = 'hstore'"), [["1.7"]]);
}

/// What the applying role's default privileges would give an object the
/// plan makes is not what the file says: the object gets the file's grants
/// exactly, and the default privileges stay for objects made elsewhere.
#[test]
fn postgres_a_new_table_gets_the_files_grants_whatever_default_privileges_give() {
    let Some(t) = Test::postgres() else { return };
    roles(&t, &["dbshape_test_reader"]);
    let file = "default_privileges:\n  postgres in public:\n    tables: { dbshape_test_reader: [select] }\n\
                tables:\n  plain:\n    columns: { id: integer }\n  shared:\n    columns: { id: integer }\n    \
                grants: { dbshape_test_reader: [select, insert] }\n";
    t.schema(file);
    t.apply();
    t.assert_in_sync();
    let granted = |table: &str| {
        t.query(&format!(
            "SELECT string_agg(privilege_type, ',' ORDER BY privilege_type) FROM information_schema.table_privileges \
             WHERE grantee = 'dbshape_test_reader' AND table_name = '{table}'"
        ))
    };
    assert_eq!(granted("plain"), [["NULL"]], "the file gives plain no grant");
    assert_eq!(granted("shared"), [["INSERT,SELECT"]]);
    // A table made outside dbshape gets the default privileges, which is
    // drift from a file that does not list it.
    t.sql("CREATE TABLE other (id integer)");
    assert_eq!(granted("other"), [["SELECT"]]);
}

#[test]
fn sqlite_refuses_grants_at_their_line() {
    let t = Test::sqlite();
    t.schema("tables:\n  t:\n    columns: { id: integer }\n    grants: { app: [select] }\n");
    t.run(&["plan"]).code(2).stderr_has("schema.yaml:4:").stderr_has("SQLite has no users or privileges");
}

/// MySQL and MariaDB privileges belong to the server's accounts: named as
/// not managed, and a file that gives grants is refused at its line.
#[test]
fn mysql_account_grants_are_named_and_file_grants_refused() {
    let Some(t) = Test::mysql() else { return };
    let user = format!("dbshape_app_{}", std::process::id());
    let url = t.url();
    let database = url.rsplit('/').next().and_then(|d| d.split('?').next()).expect("a database name").to_string();
    t.sql("CREATE TABLE t (id int)");
    t.sql(&format!("CREATE USER IF NOT EXISTS '{user}'@'%'"));
    t.sql(&format!("GRANT SELECT ON `{database}`.t TO '{user}'@'%'"));
    let inspected = t.run(&["inspect"]).success().stdout;
    t.sql(&format!("DROP USER '{user}'@'%'"));
    assert!(inspected.contains(&format!("#   grants to '{user}'@'%' on table t\n")), "{inspected}");
    t.schema("tables:\n  t:\n    columns: { id: integer }\n    grants: { app: [select] }\n");
    t.run(&["plan"]).code(2).stderr_has("schema.yaml:4:").stderr_has("server's accounts");
}

#[test]
fn postgres_extensions_the_file_leaves_out_stay_when_the_file_says_so() {
    let Some(t) = Test::postgres() else { return };
    t.sql("CREATE EXTENSION hstore");
    t.schema("manage: { extensions: false }\ntables: {}\n");
    t.run(&["plan"]).success().stdout_has("No changes");
    t.run(&["fmt", "--check"]).success();
}

/// A schema with nothing in it is written, and made by a rebuild (it was
/// lost before); one the file does not list is never dropped.
#[test]
fn postgres_an_empty_schema_is_written_and_made() {
    let Some(t) = Test::postgres() else { return };
    let file = adopt(&t, "CREATE SCHEMA archive; CREATE TABLE t (id integer);");
    assert!(file.contains("schemas:\n  archive: {}\n"), "{file}");
    t.schema(&file.replacen("schemas:\n  archive: {}\n", "", 1));
    t.run(&["plan"]).success().stdout_has("No changes");
}
