//! The dump oracle: a database rebuilt from its inspected file is its
//! source, object by object as `pg_dump --schema-only` writes them, or the
//! object is named in `inspect`'s list of what dbshape does not manage.
//! No judgement: a difference that is not named is a failure. Run over the
//! PostgreSQL fixture corpus and `tests/fixtures/edges/`, the schemas that
//! exercise the catalog's edges. (MariaDB and SQLite do not hold it yet:
//! the README's "Status and known limits" says where.)

use crate::harness::Test;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every object of the database, by "type|schema|name", as its dump tool
/// writes it (comments and blank lines left out).
type Objects = BTreeMap<String, String>;

fn fixtures(folder: &str, dialect: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .filter(|path| folder != "edges" || path.file_stem().is_some_and(|s| s.to_string_lossy().starts_with(dialect)))
        .collect();
    files.sort();
    files
}

fn run(command: &mut Command) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("a dump is UTF-8")
}

/// `pg_dump --schema-only`, cut at its table-of-contents headers
/// (`-- Name: t; Type: TABLE; Schema: public; Owner: postgres`).
fn pg_objects(t: &Test) -> Objects {
    let name = t.url().rsplit('/').next().expect("a database name").to_string();
    let dump = run(Command::new("pg_dump").args(["--schema-only", "-h", "127.0.0.1", "-U", "postgres", &name]));
    let mut objects = Objects::new();
    let mut current: Option<String> = None;
    for line in dump.lines() {
        if let Some(header) = line.strip_prefix("-- Name: ") {
            let field = |key: &str| header.split("; ").find_map(|f| f.strip_prefix(key)).unwrap_or("-").to_string();
            let name = header.split("; ").next().unwrap_or_default();
            current = Some(format!("{}|{}|{name}", field("Type: "), field("Schema: ")));
            continue;
        }
        // `\restrict KEY` lines carry a random key of each run.
        // and the session settings before each object are the dump's own.
        let setting = line.starts_with("SET ") || line.starts_with("SELECT pg_catalog.set_config(");
        if line.starts_with("--") || line.starts_with('\\') || setting || line.trim().is_empty() {
            continue;
        }
        if let Some(key) = &current {
            let body = objects.entry(key.clone()).or_default();
            body.push_str(line);
            body.push('\n');
        }
    }
    objects
}

fn objects(t: &Test) -> Objects {
    assert!(t.is_postgres(), "the oracle compares pg_dump output (MariaDB and SQLite: see the README's known limits)");
    pg_objects(t)
}

/// Whether `key`'s object is named by one of the unmanaged lines: every
/// word of its name (`DEFAULT PRIVILEGES FOR TABLES`: `tables`) is a word
/// of one line, or, for a name of symbols (an operator), it is in one.
fn named(key: &str, unmanaged: &[String]) -> bool {
    let name = key.rsplit('|').next().unwrap_or(key);
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    // pg_dump's words for the kind of object (`COMMENT` on `TYPE mood`),
    // which the lines say their own way.
    const GENERIC: &[&str] =
        &["table", "sequence", "view", "function", "type", "schema", "column", "default", "privileges", "for", "on"];
    let wanted: Vec<String> = words(name).into_iter().filter(|w| !GENERIC.contains(&w.as_str())).collect();
    unmanaged.iter().any(|line| match wanted.is_empty() {
        true => line.contains(name.trim()),
        false => wanted.iter().all(|w| words(line).contains(w)),
    })
}

/// Loads `sql` into `t`, inspects it, rebuilds an empty database from the
/// file, and returns every object whose dump differs and is not named as
/// not managed (empty when the oracle holds).
pub fn unexplained_differences(t: &Test, sql: &str) -> Vec<String> {
    t.sql(sql);
    let inspected = t.run(&["inspect"]).success().stdout;
    let unmanaged: Vec<String> = inspected.lines().filter_map(|l| l.strip_prefix("#   ")).map(str::to_string).collect();
    let rebuilt = t.another();
    rebuilt.schema(&inspected);
    rebuilt.run(&["apply", "--yes"]).success();
    let (source, copy) = (objects(t), objects(&rebuilt));
    let mut keys: Vec<&String> = source.keys().chain(copy.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| source.get(*key) != copy.get(*key))
        .filter(|key| !named(key, &unmanaged))
        .map(|key| {
            let (a, b) = (source.get(key).map_or("", String::as_str), copy.get(key).map_or("", String::as_str));
            let gone = a.lines().filter(|l| !b.lines().any(|m| m == *l)).map(|l| format!("\n  - {l}"));
            let came = b.lines().filter(|l| !a.lines().any(|m| m == *l)).map(|l| format!("\n  + {l}"));
            format!("{key}{}", gone.chain(came).collect::<String>())
        })
        .collect()
}

fn holds(t: impl Fn() -> Option<Test>, dialect: &str, folder: &str) {
    let mut failures = Vec::new();
    for fixture in fixtures(folder, dialect) {
        let Some(t) = t() else { return };
        let sql = std::fs::read_to_string(&fixture).expect("a fixture");
        let unexplained = unexplained_differences(&t, &sql);
        if !unexplained.is_empty() {
            failures.push(format!("{}:\n{}", fixture.display(), unexplained.join("\n")));
        }
    }
    assert!(
        failures.is_empty(),
        "rebuilds that differ from their source where nothing names the object as not managed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn postgres_rebuilds_are_their_source_or_named() {
    holds(Test::postgres, "postgres", "postgres");
    holds(Test::postgres, "postgres", "edges");
}
