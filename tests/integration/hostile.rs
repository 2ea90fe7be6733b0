//! Hostile input: every file in `tests/corpus/hostile/` is applied on each
//! dialect it names. Its header says what must happen:
//!
//! - `# expect: error`: exit 2, an `error: FILE:LINE:COL: ...` report
//!   (`error (file)`: `error: FILE: ...`; `error (not located)`: neither),
//!   nothing on stdout, the database untouched;
//! - `# expect: ok`: the apply succeeds, the database is then in sync, and
//!   it holds exactly the file's tables (a name full of SQL is a name).
//!
//! `# dialect: sqlite` or `postgres` keeps a file to one dialect; the rest
//! run on all three. `# mysql: error` (or `error (file)`, `ok`) says what
//! MySQL does where it differs: what it cannot store is refused there.
//!
//! The harness fails any run that panics.

use crate::harness::Test;
use std::path::PathBuf;

#[derive(PartialEq)]
enum Located {
    /// `error: FILE:LINE:COL: ...`
    Line,
    /// `error: FILE: ...` (a whole-file problem)
    File,
    Nowhere,
}

struct Entry {
    path: PathBuf,
    name: String,
    expect_ok: bool,
    located: Located,
    sqlite: bool,
    postgres: bool,
    mysql: bool,
    /// What MySQL does instead, if that differs.
    on_mysql: Option<(bool, Located)>,
}

fn expectation(expect: &str) -> (bool, Located) {
    let located = match expect {
        "error" => Located::Line,
        "error (file)" => Located::File,
        _ => Located::Nowhere,
    };
    (expect == "ok", located)
}

fn corpus() -> Vec<Entry> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/hostile");
    let mut entries: Vec<Entry> = std::fs::read_dir(&dir)
        .expect("the corpus folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|path| {
            let bytes = std::fs::read(&path).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            let header = |key: &str| {
                text.lines().take(4).find_map(|l| {
                    l.trim_start_matches('\u{feff}').strip_prefix(&format!("# {key}: ")).map(str::to_string)
                })
            };
            let expect = header("expect").unwrap_or_else(|| panic!("{} has no `# expect:` line", path.display()));
            let dialect = header("dialect").unwrap_or_else(|| "all".into());
            let (expect_ok, located) = expectation(&expect);
            Entry {
                name: path.file_name().unwrap().to_string_lossy().into_owned(),
                expect_ok,
                located,
                sqlite: dialect == "all" || dialect == "sqlite",
                postgres: dialect == "all" || dialect == "postgres",
                mysql: dialect == "all" || dialect == "mysql",
                on_mysql: header("mysql").map(|e| expectation(&e)),
                path,
            }
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    entries
}

/// Runs every corpus file against one database, reset between files.
fn run_corpus(t: &Test) {
    let entries = corpus();
    assert!(entries.len() >= 60, "the corpus has {} files", entries.len());
    let mut ran = 0;
    let runs_here = |e: &&Entry| {
        if t.is_postgres() {
            e.postgres
        } else if t.is_mysql() {
            e.mysql
        } else {
            e.sqlite
        }
    };
    for entry in entries.iter().filter(runs_here) {
        ran += 1;
        let (expect_ok, located) = match (&entry.on_mysql, t.is_mysql()) {
            (Some((ok, located)), true) => (*ok, located),
            _ => (entry.expect_ok, &entry.located),
        };
        if t.is_postgres() {
            t.sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
        } else if t.is_mysql() {
            t.reset_mysql();
        } else {
            let _ = std::fs::remove_file(t.db_path());
        }
        std::fs::copy(&entry.path, t.dir().join(&entry.name)).unwrap();
        let run = t.run(&["apply", "--yes", "--schema", &entry.name]);
        let context = format!("{}:\nstdout:\n{}\nstderr:\n{}", entry.name, run.stdout, run.stderr);
        if expect_ok {
            assert_eq!(run.code, 0, "{context}");
            t.run(&["check", "--schema", &entry.name]).success();
            let file = dbshape::Schema::from_path(&entry.path).unwrap().into_model();
            let inspected = t.run(&["inspect"]).success().stdout;
            std::fs::write(t.dir().join("inspected.yaml"), &inspected).unwrap();
            let live = dbshape::Schema::from_path(t.dir().join("inspected.yaml")).unwrap().into_model();
            let names = |s: &dbshape::model::Schema| {
                let mut names: Vec<String> = s.tables.keys().cloned().collect();
                names.sort();
                names
            };
            assert_eq!(names(&live), names(&file), "exactly the file's tables: {context}");
        } else {
            assert_eq!(run.code, 2, "{context}");
            assert!(run.stdout.is_empty(), "nothing is planned: {context}");
            assert!(run.stderr.starts_with("error: "), "{context}");
            let after_file = run.stderr.strip_prefix(&format!("error: {}:", entry.name));
            match located {
                Located::Line => {
                    let line = after_file.and_then(|rest| rest.split(':').next()).unwrap_or("");
                    assert!(!line.is_empty() && line.chars().all(|c| c.is_ascii_digit()), "FILE:LINE: {context}");
                }
                Located::File => assert!(after_file.is_some(), "the error names the file: {context}"),
                Located::Nowhere => {}
            }
            if t.is_postgres() {
                let tables = t.query("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace");
                assert_eq!(tables, [["0"]], "nothing was created: {context}");
            } else if t.is_mysql() {
                let tables = t.query("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()");
                assert_eq!(tables, [["0"]], "nothing was created: {context}");
            } else {
                assert!(!t.db_path().exists(), "no database file was created: {context}");
            }
        }
    }
    let dialect = if t.is_postgres() {
        "PostgreSQL"
    } else if t.is_mysql() {
        "MariaDB"
    } else {
        "SQLite"
    };
    eprintln!("hostile corpus: {ran} files on {dialect}");
}

#[test]
fn hostile_corpus_on_sqlite() {
    run_corpus(&Test::sqlite());
}

#[test]
fn hostile_corpus_on_postgres() {
    if let Some(t) = Test::postgres() {
        run_corpus(&t);
    }
}

#[test]
fn hostile_corpus_on_mysql() {
    if let Some(t) = Test::mysql() {
        run_corpus(&t);
    }
}

/// A large file is just a file: 5,000 tables plan without trouble.
#[test]
fn huge_schema_file_plans() {
    let t = Test::sqlite();
    let mut yaml = String::from("tables:\n");
    for i in 0..5000 {
        yaml.push_str(&format!(
            "  t{i}:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      name: text\n"
        ));
    }
    t.schema(&yaml);
    let run = t.run(&["plan"]).success();
    assert!(run.stdout.contains("5000 changes: 5000 to add"), "{}", &run.stdout[run.stdout.len() - 200..]);
}
