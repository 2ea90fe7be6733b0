//! The dump oracle: a database rebuilt from its inspected file is its
//! source, object by object as `pg_dump --schema-only` writes them, or the
//! object is named in `inspect`'s list of what dbshape does not manage.
//! No judgement: a difference that is not named is a failure. Run over the
//! fixture corpus of each dialect and `tests/fixtures/edges/`, the schemas
//! that exercise the catalogs' edges. MariaDB's dump is its `SHOW CREATE
//! TABLE`; SQLite keeps the `CREATE` text as written, so a rebuild is
//! compared by what SQLite reads from it (see [`sqlite_objects`]).

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

/// `mariadb-dump --no-data --compact`: each `CREATE TABLE` (the server's
/// own `SHOW CREATE TABLE`) by table, the counter of the next
/// AUTO_INCREMENT value left out (a rebuild has no rows), its keys apart
/// (as a set).
fn mysql_objects(t: &Test) -> Objects {
    let name = t.url().rsplit('/').next().expect("a database name").to_string();
    let dump =
        run(Command::new("mariadb-dump").args(["--no-data", "--compact", "-h", "127.0.0.1", "-u", "root", &name]));
    // The database's own name, where the server writes it (a default
    // reading a sequence), is the database's, not a name of the file.
    let dump = dump.replace(&format!("`{name}`."), "`DATABASE`.");
    let mut objects = Objects::new();
    let mut current: Option<String> = None;
    for line in dump.lines() {
        // Sequences, views and triggers: each a statement of its own.
        let named_after = |marker: &str| {
            line.find(marker).map(|at| {
                let rest = line[at + marker.len()..].trim_start_matches('`');
                rest.split(['`', ' ']).next().unwrap_or_default().to_string()
            })
        };
        let other = [("CREATE SEQUENCE ", "SEQUENCE"), ("/*!50001 VIEW ", "VIEW"), ("/*!50003 TRIGGER ", "TRIGGER")]
            .iter()
            .find_map(|(marker, kind)| named_after(marker).map(|name| format!("{kind}|-|{name}")));
        if let Some(key) = other {
            objects.entry(key.clone()).or_default().push_str(line);
            current = None;
            continue;
        }
        if line.starts_with("/*") || line.starts_with("DO SETVAL") || line.starts_with("SET ") {
            current = None;
            continue;
        }
        // The server orders a table's keys itself (by kind, and the keys
        // foreign keys made among them): compared as a set.
        let key = ["  KEY ", "  UNIQUE KEY ", "  FULLTEXT KEY ", "  SPATIAL KEY "].iter().any(|k| line.starts_with(k));
        if key && let Some(table) = &current {
            objects.entry(format!("{table} keys")).or_default();
            let keys = objects.get_mut(&format!("{table} keys")).expect("made above");
            let mut lines: Vec<&str> = keys.lines().collect();
            let line = line.trim_end_matches(',');
            lines.push(line);
            lines.sort_unstable();
            *keys = lines.iter().map(|l| format!("{l}\n")).collect();
            continue;
        }
        if let Some(rest) = line.strip_prefix("CREATE TABLE `") {
            current = Some(format!("TABLE|-|{}", rest.split('`').next().unwrap_or_default()));
        }
        if let Some(key) = &current {
            let line = match line.find(" AUTO_INCREMENT=") {
                Some(at) => {
                    let end = line[at + 16..].find(' ').map_or(line.len(), |e| at + 16 + e);
                    format!("{}{}", &line[..at], &line[end..])
                }
                None => line.to_string(),
            };
            let body = objects.entry(key.clone()).or_default();
            body.push_str(&line);
            body.push('\n');
        }
    }
    objects
}

/// SQLite keeps each object's `CREATE` text as written, so a rebuild (made
/// from dbshape's own statements) is compared by what SQLite makes of the
/// text: a table by `table_list`, `table_xinfo`, `index_list` and
/// `index_xinfo`, `foreign_key_list` (sorted: their numbering follows the
/// text's order) and its CHECK clauses; a view or trigger by its text with
/// white space collapsed.
fn sqlite_objects(t: &Test) -> Objects {
    let conn = t.connection();
    let rows = |sql: &str| -> Vec<String> {
        let mut statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let count = statement.column_count();
        statement
            .query_map([], |row| {
                let values: Vec<String> = (0..count)
                    .map(|i| match row.get_ref(i).expect("a value") {
                        rusqlite::types::ValueRef::Null => "NULL".to_string(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(x) => x.to_string(),
                        rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                            String::from_utf8_lossy(b).into_owned()
                        }
                    })
                    .collect();
                Ok(values.join("|"))
            })
            .expect("rows")
            .map(|r| r.expect("a row"))
            .collect()
    };
    let quoted = |name: &str| format!("'{}'", name.replace('\'', "''"));
    let mut objects = Objects::new();
    for entry in
        rows("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'")
    {
        let fields: Vec<&str> = entry.splitn(4, '|').collect();
        let (kind, name, sql) = (fields[0], fields[1], fields[3]);
        let body = match kind {
            "table" => {
                let q = quoted(name);
                let mut lines = rows(&format!("SELECT type, ncol, wr, strict FROM pragma_table_list({q})"));
                // What SQLite reads the same way is compared so: a declared
                // type's name without regard to case or spaces, a keyword
                // default (`false`, `CURRENT_TIMESTAMP`) likewise, and NOT
                // NULL on the rowid (an INTEGER PRIMARY KEY alone), which
                // holds no NULL either way.
                lines.extend(rows(&format!(
                    "SELECT cid, name, replace(lower(type), ' ', ''), \
                     CASE WHEN pk = 1 AND lower(type) = 'integer' AND (SELECT count(*) FROM pragma_table_xinfo({q}) \
                          WHERE pk > 0) = 1 THEN 1 ELSE \"notnull\" END, \
                     CASE WHEN dflt_value GLOB '[A-Za-z_]*' AND dflt_value NOT GLOB '*[^A-Za-z_]*' \
                          THEN lower(dflt_value) ELSE dflt_value END, pk, hidden FROM pragma_table_xinfo({q})"
                )));
                let mut indexes =
                    rows(&format!("SELECT name, \"unique\", origin, partial FROM pragma_index_list({q})"));
                indexes.sort();
                for index in &indexes {
                    let index_name = index.split('|').next().unwrap_or_default();
                    lines.push(format!("index {index}"));
                    lines.extend(rows(&format!(
                        "SELECT seqno, cid, name, desc, coll, key FROM pragma_index_xinfo({})",
                        quoted(index_name)
                    )));
                }
                let mut keys = rows(&format!(
                    "SELECT \"table\", \"from\", \"to\", on_update, on_delete, \"match\", seq FROM pragma_foreign_key_list({q})"
                ));
                keys.sort();
                lines.extend(keys.into_iter().map(|k| format!("foreign key {k}")));
                let mut checks = check_clauses(sql);
                checks.sort();
                lines.extend(checks.into_iter().map(|c| format!("check {c}")));
                lines.join("\n")
            }
            // Indexes are compared with their tables.
            "index" => continue,
            // The head (`CREATE VIEW v AS`, `CREATE TRIGGER t … BEGIN`) as
            // SQLite reads it: names quoted or not, `FOR EACH ROW` (the only
            // kind SQLite has) said or not; the body as written.
            _ => {
                let text = sql.split_whitespace().collect::<Vec<_>>().join(" ");
                let at = if kind == "view" { text.find(" AS ") } else { text.find(" BEGIN ") }.unwrap_or(0);
                let head = text[..at].replace('"', "").replace(" FOR EACH ROW", "");
                format!("{head}{}", &text[at..])
            }
        };
        objects.insert(format!("{}|-|{name}", kind.to_uppercase()), body);
    }
    objects
}

/// The bodies of the CHECK clauses of a `CREATE TABLE` text, white space
/// collapsed and quotes dropped.
fn check_clauses(sql: &str) -> Vec<String> {
    let upper = sql.to_ascii_uppercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = upper[from..].find("CHECK") {
        let start = from + at + 5;
        from = start;
        let Some(open) = sql[start..].find('(').map(|o| start + o) else { break };
        if !sql[start..open].trim().is_empty() {
            continue;
        }
        let mut depth = 0;
        for (i, c) in sql[open..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let body = &sql[open + 1..open + i];
                        found.push(without_outer_parentheses(
                            &body.replace(['"', '`'], "").split_whitespace().collect::<Vec<_>>().join(" "),
                        ));
                        from = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// `(a OR b)` → `a OR b`: parentheses around the whole are no part of
/// what a check says.
fn without_outer_parentheses(text: &str) -> String {
    let mut text = text.trim();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        let mut depth = 0i32;
        let balanced = inner.chars().all(|c| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            depth >= 0
        });
        if !balanced || depth != 0 {
            break;
        }
        text = inner.trim();
    }
    text.to_string()
}

fn objects(t: &Test) -> Objects {
    if t.is_postgres() {
        pg_objects(t)
    } else if t.is_mysql() {
        mysql_objects(t)
    } else {
        sqlite_objects(t)
    }
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
fn sqlite_rebuilds_are_their_source_or_named() {
    holds(|| Some(Test::sqlite()), "sqlite", "sqlite");
    holds(|| Some(Test::sqlite()), "sqlite", "edges");
}

#[test]
fn mysql_rebuilds_are_their_source_or_named() {
    holds(Test::mysql, "mysql", "mysql");
    holds(Test::mysql, "mysql", "edges");
}

#[test]
fn postgres_rebuilds_are_their_source_or_named() {
    holds(Test::postgres, "postgres", "postgres");
    holds(Test::postgres, "postgres", "edges");
}
