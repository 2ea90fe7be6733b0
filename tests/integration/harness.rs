//! A throw-away database and a runner for the real binary.
//!
//! Every test gets its own directory and its own database: an SQLite file,
//! or a PostgreSQL database created for it and dropped afterwards, so tests
//! run in parallel and never share state. `Test::each` runs a test body on
//! every dialect. PostgreSQL tests skip (with a notice) only when no server
//! is reachable and `DBSHAPE_REQUIRE_PG` is unset.

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tempfile::TempDir;

const PG_ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";

pub struct Test {
    dir: TempDir,
    db_path: PathBuf,
    /// The PostgreSQL database's name, for PostgreSQL tests.
    pg: Option<String>,
}

impl Drop for Test {
    fn drop(&mut self) {
        if let Some(name) = &self.pg
            && let Ok(mut admin) = postgres::Client::connect(PG_ADMIN, postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
    }
}

/// Whether PostgreSQL tests run: a reachable server, or a hard failure when
/// `DBSHAPE_REQUIRE_PG` is set.
fn postgres_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| match postgres::Client::connect(PG_ADMIN, postgres::NoTls) {
        Ok(_) => true,
        Err(error) if std::env::var_os("DBSHAPE_REQUIRE_PG").is_some() => {
            panic!("DBSHAPE_REQUIRE_PG is set but PostgreSQL is unreachable at 127.0.0.1:5432: {error}")
        }
        Err(error) => {
            eprintln!("NOTICE: PostgreSQL tests skipped: no server at 127.0.0.1:5432 ({error})");
            false
        }
    })
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Test {
    pub fn sqlite() -> Test {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_path = dir.path().join("app.db");
        Test { dir, db_path, pg: None }
    }

    /// A fresh PostgreSQL database, or `None` when PostgreSQL tests skip.
    pub fn postgres() -> Option<Test> {
        if !postgres_available() {
            return None;
        }
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!("dbshape_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut admin = postgres::Client::connect(PG_ADMIN, postgres::NoTls).expect("connect as admin");
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .expect("drop stale test database");
        // CREATE DATABASE fails while another session uses the template: retry.
        for attempt in 0.. {
            match admin.batch_execute(&format!("CREATE DATABASE \"{name}\"")) {
                Ok(()) => break,
                Err(error) if attempt < 50 => {
                    let _ = error;
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                Err(error) => panic!("create test database: {error:?}"),
            }
        }
        let mut test = Test::sqlite();
        test.pg = Some(name);
        Some(test)
    }

    /// Runs `body` on a fresh SQLite database, then on a fresh PostgreSQL one.
    pub fn each(body: impl Fn(&Test)) {
        body(&Test::sqlite());
        if let Some(t) = Test::postgres() {
            body(&t);
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    pub fn url(&self) -> String {
        match &self.pg {
            Some(name) => format!("postgresql://postgres@127.0.0.1:5432/{name}"),
            None => format!("sqlite:///{}", self.db_path.display()),
        }
    }

    pub fn pg_client(&self) -> postgres::Client {
        let name = self.pg.as_ref().expect("a PostgreSQL test");
        postgres::Client::connect(&format!("host=127.0.0.1 port=5432 user=postgres dbname={name}"), postgres::NoTls)
            .expect("connect to the test database")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    /// Writes `schema.yaml` in the test directory.
    pub fn schema(&self, yaml: &str) -> &Test {
        std::fs::write(self.dir.path().join("schema.yaml"), yaml).expect("write schema");
        self
    }

    /// Runs `dbshape ARGS` in the test directory with DATABASE_URL set.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, None)
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dbshape"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("DATABASE_URL", self.url())
            .env("NO_COLOR", "1")
            .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("run dbshape");
        if let Some(input) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        }
        let output = child.wait_with_output().expect("wait for dbshape");
        let run = Run {
            code: output.status.code().expect("exited normally, not by a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(!run.stderr.contains("panicked"), "dbshape panicked:\n{}", run.stderr);
        assert!(!run.stderr.contains("RUST_BACKTRACE"), "dbshape panicked:\n{}", run.stderr);
        run
    }

    /// `apply --yes`, asserting success.
    pub fn apply(&self) -> Run {
        self.run(&["apply", "--yes"]).success()
    }

    /// Asserts that `plan` reports nothing to do.
    pub fn assert_in_sync(&self) {
        let run = self.run(&["plan"]).success();
        assert_eq!(
            run.stdout, "No changes. The database matches schema.yaml.\n",
            "expected no changes:\n{}",
            run.stdout
        );
        self.run(&["check"]).success();
    }

    pub fn connection(&self) -> Connection {
        Connection::open(&self.db_path).expect("open test database")
    }

    /// Runs SQL directly on the database.
    pub fn sql(&self, sql: &str) {
        self.try_sql(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Runs SQL directly on the database, returning the error's text.
    pub fn try_sql(&self, sql: &str) -> Result<(), String> {
        if self.is_postgres() {
            return self.pg_client().batch_execute(sql).map_err(|e| format!("{e:?}"));
        }
        self.connection().execute_batch(sql).map_err(|e| e.to_string())
    }

    /// Runs SQL expecting it to fail; returns the error text.
    pub fn sql_fails(&self, sql: &str) -> String {
        if self.is_postgres() {
            return format!("{:?}", self.pg_client().batch_execute(sql).expect_err(sql));
        }
        self.connection().execute_batch(sql).expect_err(sql).to_string()
    }

    /// Rows of a query, each value rendered as text (NULL as "NULL").
    pub fn query(&self, sql: &str) -> Vec<Vec<String>> {
        if self.is_postgres() {
            let messages = self.pg_client().simple_query(sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"));
            return messages
                .into_iter()
                .filter_map(|m| match m {
                    postgres::SimpleQueryMessage::Row(row) => {
                        Some((0..row.len()).map(|i| row.get(i).unwrap_or("NULL").to_string()).collect())
                    }
                    _ => None,
                })
                .collect();
        }
        let conn = self.connection();
        let mut statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        let width = statement.column_count();
        let rows = statement
            .query_map([], |row| {
                (0..width)
                    .map(|i| {
                        Ok(match row.get_ref(i)? {
                            rusqlite::types::ValueRef::Null => "NULL".to_string(),
                            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                            rusqlite::types::ValueRef::Real(f) => f.to_string(),
                            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                            rusqlite::types::ValueRef::Blob(b) => format!("{b:?}"),
                        })
                    })
                    .collect()
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    pub fn count(&self, table: &str) -> i64 {
        self.query(&format!("SELECT count(*) FROM \"{table}\""))[0][0].parse().unwrap()
    }

    /// Everything in the database: schema text and every row, for
    /// "nothing changed" assertions.
    pub fn dump(&self) -> String {
        if self.is_postgres() {
            return self.pg_dump();
        }
        let mut dump = String::new();
        for row in self.query("SELECT type, name, sql FROM sqlite_schema ORDER BY name") {
            dump.push_str(&row.join(" | "));
            dump.push('\n');
            if row[0] == "table" {
                for data in self.query(&format!("SELECT * FROM \"{}\" ORDER BY rowid", row[1].replace('"', "\"\""))) {
                    dump.push_str(&format!("  {}\n", data.join(", ")));
                }
            }
        }
        dump
    }
}

impl Test {
    fn pg_dump(&self) -> String {
        let mut dump = String::new();
        let objects = self.query(
            "SELECT c.relkind::text, quote_ident(n.nspname) || '.' || quote_ident(c.relname), coalesce(pg_get_indexdef(c.oid), ''), \
               (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' ' \
                  || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ', ' ORDER BY a.attnum) \
                FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
                WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 2",
        );
        for row in objects {
            dump.push_str(&row.join(" | "));
            dump.push('\n');
            if row[0] == "r" {
                for data in self.query(&format!("SELECT t::text FROM {} t ORDER BY 1", row[1])) {
                    dump.push_str(&format!("  {}\n", data.join(", ")));
                }
            }
        }
        for row in self.query("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2") {
            dump.push_str(&row.join(" | "));
            dump.push('\n');
        }
        dump
    }
}

impl Run {
    pub fn success(self) -> Run {
        assert_eq!(self.code, 0, "expected success\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn code(self, code: i32) -> Run {
        assert_eq!(self.code, code, "expected exit {code}\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }

    pub fn stdout_has(self, text: &str) -> Run {
        assert!(self.stdout.contains(text), "stdout lacks {text:?}:\n{}", self.stdout);
        self
    }

    pub fn stderr_has(self, text: &str) -> Run {
        assert!(self.stderr.contains(text), "stderr lacks {text:?}:\n{}", self.stderr);
        self
    }
}
