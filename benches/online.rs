//! Write latency during an apply, default against `--online`:
//! `cargo bench --bench online` (needs the local PostgreSQL at
//! 127.0.0.1:5432, user postgres).
//!
//! A table of 5,000,000 rows (DBSHAPE_BENCH_ROWS to change it) and a writer
//! on its own connection that, in a loop, inserts a row and updates a
//! random one, timing each statement. For each change (an index build, a
//! foreign key, a NOT NULL) and each mode, the table is put back as it was,
//! the writer runs for a second, the apply runs, the writer runs a second
//! more; reported: the apply's wall time and the longest one write waited
//! while it ran (with the writes done in that time).

use dbshape::{ApplyOptions, Migrator, Schema};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const ADMIN: &str = "host=127.0.0.1 port=5432 user=postgres dbname=postgres";
const DB: &str = "dbshape_bench_online";

const BASE: &str = "tables:
  parents:
    columns:
      id: { type: integer, primary_key: true }
  big:
    columns:
      id: { type: bigint, primary_key: true }
      parent_id: integer
      v: text
      n: integer
";

fn main() {
    let rows: u64 = std::env::var("DBSHAPE_BENCH_ROWS").map(|v| v.parse().expect("a number")).unwrap_or(5_000_000);
    let mut admin = postgres::Client::connect(ADMIN, postgres::NoTls).expect("PostgreSQL at 127.0.0.1:5432");
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)")).unwrap();
    admin.batch_execute(&format!("CREATE DATABASE {DB}")).unwrap();
    let url = format!("postgresql://postgres@127.0.0.1:5432/{DB}?sslmode=disable");
    let mut db = Migrator::connect(&url).unwrap();
    apply(&mut db, BASE, false);
    let mut client = connect();
    let started = Instant::now();
    client
        .batch_execute(&format!(
            "INSERT INTO parents SELECT g FROM generate_series(1, 1000) g;
             INSERT INTO big SELECT g, 1 + g % 1000, md5(g::text), g % 97 FROM generate_series(1, {rows}) g;"
        ))
        .unwrap();
    client.batch_execute("VACUUM ANALYZE big").unwrap();
    println!("{rows} rows loaded in {:.1} s\n", started.elapsed().as_secs_f64());
    let cases = [
        (
            "index build",
            BASE.replace("      n: integer\n", "      n: integer\n    indexes:\n      big_v_idx: { columns: [v] }\n"),
        ),
        (
            "foreign key",
            BASE.replace("      parent_id: integer\n", "      parent_id: { type: integer, references: parents.id }\n"),
        ),
        ("NOT NULL", BASE.replace("      n: integer\n", "      n: { type: integer, nullable: false }\n")),
    ];
    println!("{:<12} {:>8} {:>10} {:>18} {:>8}", "change", "mode", "apply", "longest write wait", "writes");
    for (label, file) in &cases {
        for online in [false, true] {
            apply(&mut db, BASE, false);
            let (wall, longest, writes) = measure(&mut db, file, online);
            println!(
                "{label:<12} {:>8} {:>8.2} s {:>15.1} ms {writes:>8}",
                if online { "online" } else { "default" },
                wall.as_secs_f64(),
                longest.as_secs_f64() * 1000.0
            );
        }
    }
    drop(db);
    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {DB} WITH (FORCE)")).unwrap();
}

fn connect() -> postgres::Client {
    postgres::Client::connect(&format!("host=127.0.0.1 port=5432 user=postgres dbname={DB}"), postgres::NoTls).unwrap()
}

fn apply(db: &mut Migrator, yaml: &str, online: bool) {
    let plan = plan(db, yaml, online);
    run(db, &plan);
}

fn plan(db: &mut Migrator, yaml: &str, online: bool) -> dbshape::Plan {
    db.set_online(online);
    db.plan(&Schema::from_yaml_str(yaml).unwrap()).unwrap()
}

/// Runs `plan` (its data checks again, its statements, the check that the
/// database then matches); returns how long that took.
fn run(db: &mut Migrator, plan: &dbshape::Plan) -> Duration {
    let started = Instant::now();
    if !plan.is_empty() {
        db.apply(plan, &ApplyOptions::default().allow_destructive(true).lock_timeout(Duration::from_secs(60))).unwrap();
    }
    started.elapsed()
}

/// Applies `yaml` while the writer runs; returns the apply's wall time, the
/// longest write that overlapped it, and the writes done meanwhile.
fn measure(db: &mut Migrator, yaml: &str, online: bool) -> (Duration, Duration, usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut client = connect();
            let insert = client.prepare("INSERT INTO big (id, parent_id, v, n) VALUES ($1, 1, 'w', 1)").unwrap();
            let update = client.prepare("UPDATE big SET v = 'u' WHERE id = $1").unwrap();
            let mut next: i64 = 1_000_000_000;
            // (start, end) of each write.
            let mut writes = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                next += 1;
                let began = Instant::now();
                client.execute(&insert, &[&next]).unwrap();
                writes.push((began, Instant::now()));
                let began = Instant::now();
                client.execute(&update, &[&(next % 1_000_000 + 1)]).unwrap();
                writes.push((began, Instant::now()));
            }
            client.batch_execute("DELETE FROM big WHERE id > 1000000000").unwrap();
            writes
        })
    };
    let plan = plan(db, yaml, online);
    std::thread::sleep(Duration::from_secs(1));
    let began = Instant::now();
    let wall = run(db, &plan);
    let ended = Instant::now();
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let writes = writer.join().unwrap();
    let during: Vec<Duration> = writes
        .iter()
        .filter(|(start, end)| *end >= began && *start <= ended)
        .map(|(start, end)| *end - *start)
        .collect();
    (wall, during.iter().copied().max().unwrap_or_default(), during.len())
}
