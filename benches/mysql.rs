//! MySQL/MariaDB benchmark: `cargo bench --bench mysql` (needs the local
//! server at 127.0.0.1:3306, user root).
//!
//! For N = 100, 1,000 and 5,000 generated tables (10 columns, a primary
//! key, a unique, a check, a foreign key and a prefix index each) it
//! measures, in a fresh process each time, `read` (connect and the
//! `information_schema` queries alone), `plan` of the unchanged schema
//! (read, normalise, diff), `inspect`, and `plan-inspected` (the plan of the
//! file `inspect` wrote): wall time, peak memory (VmHWM) and the statements
//! the server counted (`Questions`, global, measured around the child with
//! nothing else running).
//!
//! DBSHAPE_BENCH_TABLES=100,1000 picks the sizes; DBSHAPE_BENCH_KEEP=1
//! keeps each database and its file afterwards.

mod common;

use dbshape::{ApplyOptions, Migrator, Schema};
use mysql::prelude::Queryable;
use std::process::Command;
use std::time::Instant;

const ADMIN: &str = "mysql://root@127.0.0.1:3306/";

fn main() {
    if let Ok(spec) = std::env::var("DBSHAPE_BENCH_CHILD") {
        return common::child(&spec, url);
    }
    let sizes: Vec<usize> = std::env::var("DBSHAPE_BENCH_TABLES")
        .map(|v| v.split(',').map(|n| n.parse().expect("number")).collect())
        .unwrap_or_else(|_| vec![100, 1000, 5000]);
    println!(
        "{:>6} {:>15} {:>10} {:>12} {:>10} {:>12}",
        "tables", "command", "wall", "peak RSS", "queries", "apply (once)"
    );
    for &n in &sizes {
        run(n);
    }
}

fn url(db: &str) -> String {
    format!("mysql://root@127.0.0.1:3306/{db}")
}

/// The shared schema, with the text column indexed by a prefix (MySQL
/// indexes no more of a text column).
fn yaml(n: usize) -> String {
    common::schema_yaml(n).replace("columns: [c5]", "columns: [\"c5(20)\"]")
}

fn questions(admin: &mut mysql::Conn) -> u64 {
    let row: Option<(String, String)> = admin.query_first("SHOW GLOBAL STATUS LIKE 'Questions'").unwrap();
    row.map(|(_, n)| n.parse().unwrap()).unwrap_or(0)
}

fn run(n: usize) {
    let db = format!("dbshape_bench_{n}");
    let mut admin = mysql::Conn::new(mysql::Opts::from_url(ADMIN).unwrap()).expect("MariaDB at 127.0.0.1:3306");
    admin.query_drop(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    admin.query_drop(format!("CREATE DATABASE {db}")).unwrap();
    let file = std::env::temp_dir().join(format!("{db}.yaml"));
    std::fs::write(&file, yaml(n)).unwrap();

    let started = Instant::now();
    let mut database = Migrator::connect(&url(&db)).unwrap();
    let plan = database.plan(&Schema::from_yaml_str(&yaml(n)).unwrap()).unwrap();
    database.apply(&plan, &ApplyOptions::default()).unwrap();
    let apply = started.elapsed();
    drop(database);

    for command in ["read", "plan", "inspect", "plan-inspected"] {
        let mut samples = Vec::new();
        for _ in 0..3 {
            let (child_command, child_file) = match command {
                "plan-inspected" => ("plan", format!("{}.out", file.display())),
                _ => (command, file.display().to_string()),
            };
            let before = questions(&mut admin);
            let output = Command::new(std::env::current_exe().unwrap())
                .env("DBSHAPE_BENCH_CHILD", format!("{child_command} {db} {child_file}"))
                .output()
                .unwrap();
            // Less the one statement that read the counter.
            let queries = questions(&mut admin) - before - 1;
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            assert!(
                !command.starts_with("plan") || text.contains("no changes"),
                "the benchmark must converge:\n{text}"
            );
            let mut fields = text.lines().last().unwrap_or_default().split_whitespace();
            let seconds: f64 = fields.next().unwrap().parse().unwrap();
            let peak_kb: u64 = fields.next().unwrap().parse().unwrap();
            samples.push((seconds, peak_kb, queries));
        }
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (seconds, peak_kb, queries) = samples[1];
        println!(
            "{n:>6} {command:>15} {:>8.0}ms {:>9.1}MiB {queries:>10} {:>10.0}ms",
            seconds * 1000.0,
            peak_kb as f64 / 1024.0,
            apply.as_secs_f64() * 1000.0
        );
    }
    if std::env::var_os("DBSHAPE_BENCH_KEEP").is_some() {
        println!("kept database {db} and its file {}", file.display());
        return;
    }
    admin.query_drop(format!("DROP DATABASE IF EXISTS {db}")).unwrap();
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(format!("{}.out", file.display()));
}
