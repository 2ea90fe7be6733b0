//! A throw-away database and a runner for the real binary.
//!
//! `Test::sqlite()` gives each test its own directory and SQLite file, so
//! tests run in parallel and never share state.

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

pub struct Test {
    dir: TempDir,
    db_path: PathBuf,
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
        Test { dir, db_path }
    }

    pub fn url(&self) -> String {
        format!("sqlite:///{}", self.db_path.display())
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
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("run dbshape");
        if let Some(input) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        let output = child.wait_with_output().expect("wait for dbshape");
        let run = Run {
            code: output
                .status
                .code()
                .expect("exited normally, not by a signal"),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !run.stderr.contains("panicked"),
            "dbshape panicked:\n{}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("RUST_BACKTRACE"),
            "dbshape panicked:\n{}",
            run.stderr
        );
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
        self.connection()
            .execute_batch(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Rows of a query, each value rendered as text (NULL as "NULL").
    pub fn query(&self, sql: &str) -> Vec<Vec<String>> {
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
                            rusqlite::types::ValueRef::Text(t) => {
                                String::from_utf8_lossy(t).into_owned()
                            }
                            rusqlite::types::ValueRef::Blob(b) => format!("{b:?}"),
                        })
                    })
                    .collect()
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    }

    pub fn count(&self, table: &str) -> i64 {
        self.query(&format!("SELECT count(*) FROM \"{table}\""))[0][0]
            .parse()
            .unwrap()
    }

    /// Everything in the database: schema text and every row, for
    /// "nothing changed" assertions.
    pub fn dump(&self) -> String {
        let mut dump = String::new();
        for row in self.query("SELECT type, name, sql FROM sqlite_schema ORDER BY name") {
            dump.push_str(&row.join(" | "));
            dump.push('\n');
            if row[0] == "table" {
                for data in self.query(&format!(
                    "SELECT * FROM \"{}\" ORDER BY rowid",
                    row[1].replace('"', "\"\"")
                )) {
                    dump.push_str(&format!("  {}\n", data.join(", ")));
                }
            }
        }
        dump
    }
}

impl Run {
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn stdout_has(self, text: &str) -> Run {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}:\n{}",
            self.stdout
        );
        self
    }

    pub fn stderr_has(self, text: &str) -> Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }
}
