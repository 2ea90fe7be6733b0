//! The fixture corpus (`tests/fixtures/`): schemas written the way real
//! projects write them (a `pg_dump --schema-only` file with standalone
//! sequences; Django, Rails, SQLAlchemy and Prisma schemas; a DBA's
//! hand-written one; SQLite files with STRICT, WITHOUT ROWID and generated
//! columns; WordPress and Django on MariaDB), each with a few rows. Every one holds the three adoption
//! properties: (1) and (2) as in `adoption`, and (3) a column added to a
//! table with rows plans exactly that, keeps every row and converges.

use crate::adoption::{adopt, change};
use crate::harness::Test;
use std::path::{Path, PathBuf};

fn corpus(dialect: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(dialect);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
}

/// The rows of every table, counted.
fn row_counts(t: &Test, file: &str) -> Vec<(String, String)> {
    let schema = dbshape::Schema::from_yaml_str(file).expect("the inspected file loads");
    let quoted = |name: &str| name.split('.').map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(".");
    let mut counts: Vec<(String, String)> = schema
        .model()
        .tables
        .keys()
        .map(|name| (name.clone(), t.query(&format!("SELECT count(*) FROM {}", quoted(name)))[0][0].clone()))
        .collect();
    counts.sort();
    counts
}

fn holds_the_properties(t: &Test, fixture: &Path) {
    let sql = std::fs::read_to_string(fixture).expect("a fixture");
    let file = adopt(t, &sql);
    let before = row_counts(t, &file);
    assert!(before.iter().any(|(_, n)| n != "0"), "{}: the fixture has rows", fixture.display());
    // The first table with rows that is no partition gets a column.
    let schema = dbshape::Schema::from_yaml_str(&file).expect("the inspected file loads");
    let (name, _) = before
        .iter()
        .filter(|(_, n)| n != "0")
        .find(|(name, _)| schema.model().tables[name].partition_of.is_none())
        .expect("a table with rows");
    let at = [format!("\n  {name}:\n"), format!("\n  \"{name}\":\n")]
        .iter()
        .find_map(|key| file.find(key.as_str()))
        .unwrap_or_else(|| panic!("table {name} in\n{file}"));
    let columns = at + file[at..].find("    columns:\n").expect("its columns") + "    columns:\n".len();
    let added =
        format!("{}      dbshape_note: {{ type: text, default: none }}\n{}", &file[..columns], &file[columns..]);
    change(t, &file, &file, &added, &[&format!("ADD COLUMN {}", t.quoted("dbshape_note"))]);
    assert_eq!(row_counts(t, &file), before, "{}: every row is kept", fixture.display());
}

#[test]
fn postgres_fixtures_hold_the_adoption_properties() {
    for fixture in corpus("postgres") {
        let Some(t) = Test::postgres() else { return };
        holds_the_properties(&t, &fixture);
    }
}

/// MariaDB: a WordPress database (with a plugin's table: ENUM, SET,
/// FULLTEXT, ON UPDATE CURRENT_TIMESTAMP, a generated column, a MyISAM
/// table) and a Django one, as those tools create them.
#[test]
fn mysql_fixtures_hold_the_adoption_properties() {
    for fixture in corpus("mysql") {
        let Some(t) = Test::mysql() else { return };
        holds_the_properties(&t, &fixture);
    }
}

#[test]
fn sqlite_fixtures_hold_the_adoption_properties() {
    for fixture in corpus("sqlite") {
        holds_the_properties(&Test::sqlite(), &fixture);
    }
}
