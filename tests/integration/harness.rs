//! A throw-away database and a runner for the real binary.
//!
//! Every test gets its own directory and its own database: an SQLite file,
//! or a PostgreSQL or MariaDB database created for it and dropped
//! afterwards, so tests run in parallel and never share state. `Test::each`
//! runs a test body on every dialect. Server tests skip (with a notice)
//! only when no server is reachable and `DBSHAPE_REQUIRE_PG` /
//! `DBSHAPE_REQUIRE_MYSQL` is unset. SQL a test runs on MariaDB runs with
//! `ANSI_QUOTES` and `PIPES_AS_CONCAT`, so that one text quotes names and
//! joins strings on every dialect.

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tempfile::TempDir;

const PG_ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";
const MYSQL_ADMIN: &str = "mysql://root@127.0.0.1:3306/";

pub struct Test {
    dir: TempDir,
    db_path: PathBuf,
    /// The PostgreSQL database's name, for PostgreSQL tests.
    pg: Option<String>,
    /// The MariaDB database's name, for MariaDB tests.
    my: Option<String>,
}

impl Drop for Test {
    fn drop(&mut self) {
        if let Some(name) = &self.pg
            && let Ok(mut admin) = postgres::Client::connect(PG_ADMIN, postgres::NoTls)
        {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
        }
        if let Some(name) = &self.my
            && let Ok(mut admin) = mysql_admin()
        {
            use mysql::prelude::Queryable;
            let _ = admin.query_drop(format!("DROP DATABASE IF EXISTS `{name}`"));
        }
    }
}

fn mysql_admin() -> Result<mysql::Conn, mysql::Error> {
    mysql::Conn::new(mysql::Opts::from_url(MYSQL_ADMIN).expect("admin URL"))
}

/// Whether MariaDB tests run: a reachable server, or a hard failure when
/// `DBSHAPE_REQUIRE_MYSQL` is set.
fn mysql_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| match mysql_admin() {
        Ok(_) => true,
        Err(error) if std::env::var_os("DBSHAPE_REQUIRE_MYSQL").is_some() => {
            panic!("DBSHAPE_REQUIRE_MYSQL is set but MariaDB is unreachable at 127.0.0.1:3306: {error}")
        }
        Err(error) => {
            eprintln!("NOTICE: MariaDB tests skipped: no server at 127.0.0.1:3306 ({error})");
            false
        }
    })
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
    /// A SQLite URL whose file does not exist yet: `plan` and `apply` see
    /// an empty database (`check` and `inspect` refuse it: see
    /// [`Test::create_empty_file`]).
    pub fn sqlite() -> Test {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_path = dir.path().join("app.db");
        Test { dir, db_path, pg: None, my: None }
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

    /// A fresh MariaDB database, or `None` when MariaDB tests skip.
    pub fn mysql() -> Option<Test> {
        use mysql::prelude::Queryable;
        if !mysql_available() {
            return None;
        }
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!("dbshape_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let mut admin = mysql_admin().expect("connect as admin");
        admin.query_drop(format!("DROP DATABASE IF EXISTS `{name}`")).expect("drop stale test database");
        admin.query_drop(format!("CREATE DATABASE `{name}`")).expect("create test database");
        let mut test = Test::sqlite();
        test.my = Some(name);
        Some(test)
    }

    /// Runs `body` on a fresh SQLite database, then on a fresh PostgreSQL
    /// one, then on a fresh MariaDB one.
    pub fn each(body: impl Fn(&Test)) {
        body(&Test::sqlite());
        if let Some(t) = Test::postgres() {
            body(&t);
        }
        if let Some(t) = Test::mysql() {
            body(&t);
        }
    }

    /// A second fresh database of the same dialect.
    pub fn another(&self) -> Test {
        if self.is_postgres() {
            Test::postgres().expect("a second database")
        } else if self.is_mysql() {
            Test::mysql().expect("a second database")
        } else {
            Test::sqlite()
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }

    pub fn is_mysql(&self) -> bool {
        self.my.is_some()
    }

    /// A name quoted as this test's dialect quotes it in plans.
    pub fn quoted(&self, name: &str) -> String {
        if self.is_mysql() {
            format!("`{}`", name.replace('`', "``"))
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    }

    pub fn url(&self) -> String {
        match (&self.pg, &self.my) {
            (Some(name), _) => format!("postgresql://postgres@127.0.0.1:5432/{name}"),
            (_, Some(name)) => format!("mysql://root@127.0.0.1:3306/{name}"),
            _ => format!("sqlite:///{}", self.db_path.display()),
        }
    }

    /// Empties the MariaDB test database (dropped and made again).
    pub fn reset_mysql(&self) {
        use mysql::prelude::Queryable;
        let name = self.my.as_ref().expect("a MariaDB test");
        let mut admin = mysql_admin().expect("connect as admin");
        admin.query_drop(format!("DROP DATABASE IF EXISTS `{name}`")).expect("drop the test database");
        admin.query_drop(format!("CREATE DATABASE `{name}`")).expect("create the test database");
    }

    /// A session on the MariaDB test database, with ANSI quotes.
    pub fn my_client(&self) -> mysql::Conn {
        use mysql::prelude::Queryable;
        let name = self.my.as_ref().expect("a MariaDB test");
        let mut conn = mysql::Conn::new(mysql::Opts::from_url(&format!("{MYSQL_ADMIN}{name}")).unwrap())
            .expect("connect to the test database");
        conn.query_drop("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES,PIPES_AS_CONCAT')").unwrap();
        conn
    }

    pub fn pg_client(&self) -> postgres::Client {
        let name = self.pg.as_ref().expect("a PostgreSQL test");
        postgres::Client::connect(&format!("host=127.0.0.1 port=5432 user=postgres dbname={name}"), postgres::NoTls)
            .expect("connect to the test database")
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Makes a fresh SQLite test's file: an empty database, as a fresh
    /// server database is (nothing for a server test).
    pub fn create_empty_file(&self) -> &Test {
        if !self.is_postgres() && !self.is_mysql() && !self.db_path.exists() {
            std::fs::write(&self.db_path, b"").expect("create the database file");
        }
        self
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
        if self.is_mysql() {
            use mysql::prelude::Queryable;
            return self.my_client().query_drop(sql).map_err(|e| e.to_string());
        }
        if self.is_postgres() {
            return self.pg_client().batch_execute(sql).map_err(|e| format!("{e:?}"));
        }
        self.connection().execute_batch(sql).map_err(|e| e.to_string())
    }

    /// Runs SQL expecting it to fail; returns the error text.
    pub fn sql_fails(&self, sql: &str) -> String {
        if self.is_mysql() {
            return self.try_sql(sql).expect_err(sql);
        }
        if self.is_postgres() {
            return format!("{:?}", self.pg_client().batch_execute(sql).expect_err(sql));
        }
        self.connection().execute_batch(sql).expect_err(sql).to_string()
    }

    /// Rows of a query, each value rendered as text (NULL as "NULL").
    pub fn query(&self, sql: &str) -> Vec<Vec<String>> {
        if self.is_mysql() {
            use mysql::prelude::Queryable;
            let rows: Vec<mysql::Row> = self.my_client().query(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
            return rows
                .into_iter()
                .map(|row| {
                    (0..row.len())
                        .map(|i| match row.as_ref(i) {
                            None | Some(mysql::Value::NULL) => "NULL".to_string(),
                            Some(mysql::Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
                            Some(mysql::Value::Int(n)) => n.to_string(),
                            Some(mysql::Value::UInt(n)) => n.to_string(),
                            Some(other) => other.as_sql(true),
                        })
                        .collect()
                })
                .collect();
        }
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
        if self.is_mysql() {
            return self.my_dump();
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
    fn my_dump(&self) -> String {
        let mut dump = String::new();
        let tables = self.query(
            "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
        );
        for table in tables {
            let name = &table[0];
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            // The next AUTO_INCREMENT value is no part of the schema.
            let create = self.query(&format!("SHOW CREATE TABLE {quoted}"))[0][1].clone();
            let create: Vec<&str> = create.split(' ').filter(|w| !w.starts_with("AUTO_INCREMENT=")).collect();
            dump.push_str(&create.join(" "));
            dump.push('\n');
            for row in self.query(&format!("SELECT * FROM {quoted} ORDER BY 1")) {
                dump.push_str(&format!("  {}\n", row.join(", ")));
            }
        }
        dump
    }

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
