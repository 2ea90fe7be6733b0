//! PostgreSQL benchmark: `cargo bench --bench postgres` (needs the local
//! server at 127.0.0.1:5432, user postgres).
//!
//! For N = 10, 100, 1,000 and 5,000 generated tables (10 columns, a primary
//! key, a unique, a check, a foreign key and an index each) it measures, in
//! a fresh process each time, what `dbshape plan` and `dbshape inspect` run
//! (through the library, as the command line does): `plan` with no changes
//! (connect, read the database while the file is parsed, normalise, diff),
//! `read` (connect and the catalog queries alone: the floor a plan is
//! measured against), `inspect` (read and render) and `plan-inspected` (the
//! plan of the file `inspect` wrote), wall time and peak memory (VmHWM).
//! `read` runs first: every plan that makes objects in the rolled-back
//! scratch schema leaves dead catalog rows, which slow later catalog reads
//! until (auto)vacuum, and a floor measured after them would flatter plans.
//! Three variants: checks the server keeps as written (`qty >= 0`); checks
//! it rewrites (`qty IN (...)`); and tables written the way people write
//! them (`handwritten`: a check with `IN`, one with `BETWEEN`, a varchar
//! default, an expression index and a partial index each), whose text
//! differs from the server's in every one of them; `objects`: those tables
//! with a view and a trigger on each and a trigger function per five
//! tables, all in their own spelling).
//!
//! Round trips are counted from the server's own log: the benchmark sets
//! `log_statement = 'all'` on its database and counts the statements the
//! server logged for it (needs read access to the server log, e.g. as root).
//!
//! DBSHAPE_BENCH_TABLES=100,1000 picks the sizes, DBSHAPE_BENCH_CHECKS=kept
//! (or rewritten, handwritten, objects) the variants. DBSHAPE_BENCH_KEEP=1
//! keeps each database and its file afterwards, to profile by hand.

mod common;

use dbshape::{ApplyOptions, Migrator, Schema};
use std::process::Command;
use std::time::Instant;

const ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";
const LOG: &str = "/var/log/postgresql/postgresql-15-main.log";

fn main() {
    if let Ok(spec) = std::env::var("DBSHAPE_BENCH_CHILD") {
        return common::child(&spec, url);
    }
    let sizes: Vec<usize> = std::env::var("DBSHAPE_BENCH_TABLES")
        .map(|v| v.split(',').map(|n| n.parse().expect("number")).collect())
        .unwrap_or_else(|_| vec![10, 100, 1000, 5000]);
    let variants: Vec<String> = std::env::var("DBSHAPE_BENCH_CHECKS")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_else(|_| vec!["kept".into(), "rewritten".into(), "handwritten".into()]);
    println!(
        "{:>6} {:>10} {:>10} {:>10} {:>12} {:>10} {:>12}",
        "tables", "check", "command", "wall", "peak RSS", "queries", "apply (once)"
    );
    for &n in &sizes {
        let cases = [("kept", "qty >= 0"), ("rewritten", "qty IN (0, 1, 2, 3)"), ("handwritten", ""), ("objects", "")];
        for (label, check) in cases {
            if variants.iter().any(|v| v == label) {
                run(n, label, check);
            }
        }
    }
}

fn url(db: &str) -> String {
    format!("postgresql://postgres@127.0.0.1:5432/{db}?sslmode=disable")
}

fn run(n: usize, label: &str, check: &str) {
    let db = format!("dbshape_bench_{n}_{label}");
    let mut admin = postgres::Client::connect(ADMIN, postgres::NoTls).expect("PostgreSQL at 127.0.0.1:5432");
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
    let generate = |n: usize| match label {
        "handwritten" => common::schema_yaml_handwritten(n),
        "objects" => common::schema_yaml_objects(n),
        _ => common::schema_yaml_with(n, check),
    };
    let yaml = generate(n);
    let file = std::env::temp_dir().join(format!("{db}.yaml"));
    std::fs::write(&file, &yaml).unwrap();

    // Create the tables once, a thousand at a time: every table created
    // holds locks until its transaction ends, and the lock table is finite.
    let started = Instant::now();
    let mut database = Migrator::connect(&url(&db)).unwrap();
    for upto in (1..=n.div_ceil(1000)).map(|k| (k * 1000).min(n)) {
        let desired = Schema::from_yaml_str(&generate(upto)).unwrap();
        let plan = database.plan(&desired).unwrap();
        database.apply(&plan, &ApplyOptions::default()).unwrap();
    }
    let apply = started.elapsed();
    drop(database);
    admin.batch_execute(&format!("ALTER DATABASE {db} SET log_statement = 'all'")).unwrap();

    // `plan-inspected`: the plan of the file `inspect` just wrote (the
    // server's own spelling of everything).
    for command in ["read", "plan", "inspect", "plan-inspected"] {
        let mut samples = Vec::new();
        for _ in 0..3 {
            let log_start = std::fs::metadata(LOG).map(|m| m.len()).ok();
            let (child_command, child_file) = match command {
                "plan-inspected" => ("plan", format!("{}.out", file.display())),
                _ => (command, file.display().to_string()),
            };
            let output = Command::new(std::env::current_exe().unwrap())
                .env("DBSHAPE_BENCH_CHILD", format!("{child_command} {db} {child_file}"))
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let text = String::from_utf8_lossy(&output.stdout).into_owned();
            assert!(
                !command.starts_with("plan") || text.contains("no changes"),
                "the benchmark must converge:\n{text}"
            );
            let mut fields = text.lines().last().unwrap_or_default().split_whitespace();
            let seconds: f64 = fields.next().unwrap().parse().unwrap();
            let peak_kb: u64 = fields.next().unwrap().parse().unwrap();
            let queries = log_start.map(|start| count_statements(start, &db));
            samples.push((seconds, peak_kb, queries));
        }
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (seconds, peak_kb, queries) = samples[1];
        println!(
            "{n:>6} {label:>10} {command:>10} {:>8.0}ms {:>9.1}MiB {:>10} {:>10.0}ms",
            seconds * 1000.0,
            peak_kb as f64 / 1024.0,
            queries.map_or("n/a".into(), |q| q.to_string()),
            apply.as_secs_f64() * 1000.0
        );
    }
    if std::env::var_os("DBSHAPE_BENCH_KEEP").is_some() {
        println!("kept database {db} and its file {}", file.display());
        return;
    }
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).unwrap();
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(format!("{}.out", file.display()));
}

/// Statements the server logged for `db` since byte `start` of its log.
fn count_statements(start: u64, db: &str) -> usize {
    // The server writes its log asynchronously: give it a moment.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let log = std::fs::read(LOG).unwrap_or_default();
    let text = String::from_utf8_lossy(&log[(start as usize).min(log.len())..]).into_owned();
    let marker = format!("@{db} LOG:");
    text.lines()
        .filter(|l| l.contains(&marker) && (l.contains("LOG:  statement:") || l.contains("LOG:  execute")))
        .count()
}
