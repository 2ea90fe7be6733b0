//! The library API as an application uses it: `Schema`, `Migrator`,
//! `Plan`, `ApplyOptions`, `Scope`, on both dialects, in process.

use crate::harness::Test;
use dbshape::{ApplyOptions, Error, Migrator, Operation, Plan, Refusal, Schema, Scope};
use std::error::Error as _;
use std::sync::{Arc, Mutex};

const V1: &str = "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true, autoincrement: true }\n      \
                  email: { type: varchar(120), nullable: false, unique: true }\n";
const V2: &str = "tables:\n  users:\n    columns:\n      id: { type: integer, primary_key: true, autoincrement: true }\n      \
                  email: { type: varchar(120), nullable: false, unique: true }\n      age: integer\n";

/// Plans `yaml` and applies it (nothing destructive).
fn migrate(db: &mut Migrator, yaml: &str) {
    let plan = db.plan(&Schema::from_yaml_str(yaml).unwrap()).unwrap();
    db.apply(&plan, &ApplyOptions::default()).unwrap();
}

#[test]
fn an_application_migrates_itself_and_then_has_nothing_to_do() {
    Test::each(|t| {
        let schema = Schema::from_yaml_str(V1).unwrap();
        let mut db = Migrator::connect(&t.url()).unwrap();
        let plan = db.plan(&schema).unwrap();
        assert!(!plan.is_empty());
        assert_eq!(plan.dialect(), db.dialect());
        assert_eq!(plan.changes().map(|c| c.kind()).collect::<Vec<_>>(), ["create_table"]);
        assert!(plan.destructive().is_empty());
        let statements = Arc::new(Mutex::new(Vec::new()));
        let seen = statements.clone();
        let options = ApplyOptions::default().on_statement(move |done| seen.lock().unwrap().push(done.sql.to_string()));
        let applied = db.apply(&plan, &options).unwrap();
        assert!(!applied.already_in_sync);
        assert_eq!(applied.statements, plan.statements().count());
        assert_eq!(*statements.lock().unwrap(), plan.statements().collect::<Vec<_>>());

        // A second start: a new connection, nothing to do.
        let mut db = Migrator::connect(&t.url()).unwrap();
        assert!(db.plan(&schema).unwrap().is_empty());
        let live = db.inspect().unwrap();
        assert!(live.to_yaml_string().contains("email: { type: varchar(120), nullable: false, unique: true }"));
        t.schema(V1).assert_in_sync();
    });
}

#[test]
fn connecting_and_planning_never_create_a_sqlite_file() {
    let t = Test::sqlite();
    let mut db = Migrator::connect(&t.url()).unwrap();
    let plan = db.plan(&Schema::from_yaml_str(V1).unwrap()).unwrap();
    // Inspecting a file that is not there is an error, not an empty schema.
    assert!(matches!(db.inspect(), Err(dbshape::Error::NoDatabaseFile { path }) if path.is_absolute()));
    assert!(db.missing_file().is_some());
    assert!(!t.db_path().exists(), "connect, plan and inspect leave no file");
    db.apply(&plan, &ApplyOptions::default()).unwrap();
    assert!(t.db_path().exists(), "the first apply creates it");
    assert_eq!(t.count("users"), 0);
}

#[test]
fn destructive_plans_are_refused_unless_allowed() {
    Test::each(|t| {
        let mut db = Migrator::connect(&t.url()).unwrap();
        let v2 = db.plan(&Schema::from_yaml_str(V2).unwrap()).unwrap();
        db.apply(&v2, &ApplyOptions::default()).unwrap();
        let back = db.plan(&Schema::from_yaml_str(V1).unwrap()).unwrap();
        assert_eq!(back.destructive().len(), 1);
        let refused = db.apply(&back, &ApplyOptions::default()).unwrap_err();
        assert!(matches!(refused, Error::Refused(_)), "{refused}");
        // A program tells this reason from any other without reading the message.
        assert!(matches!(refused, Error::Refused(Refusal::Destructive { changes: 1, .. })), "{refused}");
        assert!(refused.to_string().contains("1 destructive change"), "{refused}");
        assert!(db.plan(&Schema::from_yaml_str(V2).unwrap()).unwrap().is_empty(), "nothing ran");
        db.apply(&back, &ApplyOptions::default().allow_destructive(true)).unwrap();
        assert!(db.plan(&Schema::from_yaml_str(V1).unwrap()).unwrap().is_empty());
    });
}

#[test]
fn a_plan_that_no_longer_fits_the_database_is_refused() {
    Test::each(|t| {
        let mut db = Migrator::connect(&t.url()).unwrap();
        let plan = db.plan(&Schema::from_yaml_str(V1).unwrap()).unwrap();
        t.sql("CREATE TABLE other (id integer)");
        let error = db.apply(&plan, &ApplyOptions::default()).unwrap_err();
        assert!(error.to_string().contains("changed after the plan was made"), "{error}");
        assert_eq!(t.count("other"), 0, "nothing ran");
    });
}

#[test]
fn another_apply_getting_there_first_is_already_in_sync() {
    Test::each(|t| {
        let schema = Schema::from_yaml_str(V1).unwrap();
        let mut first = Migrator::connect(&t.url()).unwrap();
        let mut second = Migrator::connect(&t.url()).unwrap();
        let plan = second.plan(&schema).unwrap();
        let done = first.plan(&schema).unwrap();
        first.apply(&done, &ApplyOptions::default()).unwrap();
        let applied = second.apply(&plan, &ApplyOptions::default()).unwrap();
        assert!(applied.already_in_sync);
        assert_eq!(applied.statements, 0);
    });
}

#[test]
fn a_failed_statement_keeps_the_driver_error_as_its_source() {
    Test::each(|t| {
        let mut db = Migrator::connect(&t.url()).unwrap();
        // MySQL gives a new NOT NULL column its type's zero: the column
        // exists first there, and the failing statement is the SET NOT NULL.
        migrate(&mut db, if t.is_mysql() { V2 } else { V1 });
        t.sql("INSERT INTO users (email) VALUES ('a@example.com')");
        // NOT NULL on a column that holds a NULL fails as the statement runs
        // (the data checks, skipped here, would refuse it before).
        let v3 = V2.replace("age: integer", "age: { type: integer, nullable: false }");
        let plan = db.plan(&Schema::from_yaml_str(&v3).unwrap()).unwrap();
        let error = db.apply(&plan, &ApplyOptions::default().skip_data_checks(true)).unwrap_err();
        let (number, total, sql) = match &error {
            Error::Statement { number, total, sql, .. } if !t.is_mysql() => (*number, *total, sql),
            // MySQL commits each statement: a failure is after those before it.
            Error::PartlyApplied { number, total, sql, .. } if t.is_mysql() => (*number, *total, sql),
            _ => panic!("a statement error: {error}"),
        };
        assert!(number <= total && !sql.is_empty());
        let cause = error.source().expect("the database's error");
        let driver = cause.source().expect("the driver's own error");
        if t.is_postgres() {
            assert!(driver.downcast_ref::<postgres::Error>().is_some(), "{driver:?}");
        } else if t.is_mysql() {
            assert!(driver.downcast_ref::<mysql::Error>().is_some(), "{driver:?}");
        } else {
            assert!(driver.downcast_ref::<rusqlite::Error>().is_some(), "{driver:?}");
        }
        assert!(error.hint().unwrap().contains(if t.is_mysql() { "undone whole" } else { "rolled back" }));
        assert_eq!(t.count("users"), 1, "rolled back, rows kept");
    });
}

#[test]
fn connection_errors_keep_their_cause() {
    let error = Migrator::connect("postgresql://nobody:s3cret@127.0.0.1:1/none?connect_timeout=2").err().unwrap();
    assert!(matches!(error, Error::Connect { .. }), "{error}");
    assert!(error.source().is_some_and(|cause| cause.source().is_some()), "{error:?}");
    assert!(!format!("{error} {error:?}").contains("s3cret"));
    let error = Migrator::connect("oracle://db/app").err().unwrap();
    assert!(matches!(error, Error::Url { .. }) && error.hint().unwrap().contains("postgresql://"), "{error}");
}

#[test]
fn the_scope_is_set_once_and_holds_for_plan_apply_and_inspect() {
    Test::each(|t| {
        t.sql("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL)");
        let scope = Scope::default().exclude("alembic_*");
        let mut db = Migrator::connect_with(&t.url(), scope.clone()).unwrap();
        assert_eq!(db.scope(), &scope);
        let plan = db.plan(&Schema::from_yaml_str(V1).unwrap()).unwrap();
        assert_eq!(plan.changes().count(), 1, "alembic_version is left alone");
        db.apply(&plan, &ApplyOptions::default()).unwrap();
        assert!(!db.inspect().unwrap().model().tables.contains_key("alembic_version"));
        assert_eq!(t.count("alembic_version"), 0, "still there");
    });
}

#[test]
fn a_default_schema_places_unqualified_tables_on_postgres() {
    let Some(t) = Test::postgres() else { return };
    t.sql("CREATE SCHEMA app");
    let scope = Scope::default().default_schema("app");
    let mut db = Migrator::connect_with(&t.url(), scope.clone()).unwrap();
    migrate(&mut db, V1);
    assert_eq!(t.query("SELECT count(*) FROM app.users"), [["0"]]);
    assert_eq!(t.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), [["0"]]);
    let mut again = Migrator::connect_with(&t.url(), scope).unwrap();
    assert!(again.plan(&Schema::from_yaml_str(V1).unwrap()).unwrap().is_empty());
    assert!(again.inspect().unwrap().model().tables.contains_key("users"), "unqualified in its own schema");
    let missing = Migrator::connect_with(&t.url(), Scope::default().default_schema("nope")).err().unwrap();
    assert!(missing.to_string().contains("schema \"nope\" does not exist"), "{missing}");
    let sqlite = Migrator::connect_with("sqlite://", Scope::default().default_schema("app")).err().unwrap();
    assert!(matches!(sqlite, Error::Unsupported(_)), "{sqlite}");
}

#[test]
fn plans_between_two_files_need_no_database() {
    let (v1, v2) = (Schema::from_yaml_str(V1).unwrap(), Schema::from_yaml_str(V2).unwrap());
    let plan = Plan::between("sqlite", &v1, &v2, &Scope::default()).unwrap();
    assert_eq!(plan.statements().collect::<Vec<_>>(), ["ALTER TABLE \"users\" ADD COLUMN \"age\" INTEGER"]);
    let plan = Plan::between("postgres", &v2, &v1, &Scope::default()).unwrap();
    assert_eq!(plan.dialect(), "postgresql");
    assert_eq!(plan.destructive().len(), 1);
    assert!(Plan::between("sqlite", &v1, &v1, &Scope::default()).unwrap().is_empty());
    assert!(Plan::between("oracle", &v1, &v1, &Scope::default()).is_err());
    let names: Vec<&str> = dbshape::dialects().map(|(name, _)| name).collect();
    assert_eq!(names, ["sqlite", "postgresql", "mysql", "mariadb"]);
    let plan = Plan::between("mariadb", &v1, &v2, &Scope::default()).unwrap();
    assert_eq!(plan.statements().collect::<Vec<_>>(), ["ALTER TABLE `users` ADD COLUMN `age` int, ALGORITHM=INSTANT"]);
}

#[test]
fn a_sqlite_rebuild_is_a_typed_row_copy_with_progress() {
    let t = Test::sqlite();
    let mut db = Migrator::connect(&t.url()).unwrap();
    migrate(&mut db, V2);
    t.sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000) \
         INSERT INTO users (email, age) SELECT 'u' || i || '@example.com', i FROM n",
    );
    let v3 = V2.replace("age: integer", "age: { type: integer, nullable: false }");
    let plan = db.plan(&Schema::from_yaml_str(&v3).unwrap()).unwrap();
    let copy = plan.steps().iter().flat_map(|s| &s.operations).find_map(|o| match o {
        Operation::CopyRows { source, target, .. } => Some((source.clone(), target.clone())),
        _ => None,
    });
    assert_eq!(copy, Some(("users".to_string(), "_dbshape_new_users".to_string())));
    assert!(!plan.checks().is_empty(), "the rebuilt table's foreign keys are checked before commit");
    let reports = Arc::new(Mutex::new(Vec::new()));
    let seen = reports.clone();
    // Reports start once a copy has run for half a second; count calls only.
    let options = ApplyOptions::default().on_rows_copied(move |p| seen.lock().unwrap().push((p.copied, p.total)));
    db.apply(&plan, &options).unwrap();
    assert_eq!(t.count("users"), 50000);
    for (copied, total) in reports.lock().unwrap().iter() {
        assert!(*copied <= *total && *total == 50000);
    }
}

#[test]
fn a_file_problem_found_at_plan_time_is_located() {
    let Some(t) = Test::postgres() else { return };
    let long = "x".repeat(64);
    std::fs::write(t.dir().join("long.yaml"), format!("tables:\n  t:\n    columns:\n      {long}: integer\n")).unwrap();
    let schema = Schema::from_path(t.dir().join("long.yaml")).unwrap();
    let error = Migrator::connect(&t.url()).unwrap().plan(&schema).unwrap_err();
    let Error::Schema(problems) = &error else { panic!("a schema error: {error}") };
    assert_eq!((problems[0].line, problems[0].column), (Some(4), Some(7)), "{error}");
    assert!(problems[0].message.contains("PostgreSQL keeps only 63"), "{error}");
}
