//! SQLite benchmarks: `cargo bench --bench sqlite`.
//!
//! 1. Inspect + plan (no changes) of a file with N tables.
//! 2. A table rebuild of 1,000,000 rows against a bare `INSERT … SELECT`
//!    copy of the same table.
//!
//! Set DBSHAPE_BENCH_ROWS / DBSHAPE_BENCH_TABLES to change the sizes.

use dbshape::{ApplyOptions, Migrator, Schema};
use std::time::{Duration, Instant};

mod common;
use common::schema_yaml;

fn main() {
    let tables: Vec<usize> = std::env::var("DBSHAPE_BENCH_TABLES")
        .map(|v| v.split(',').map(|n| n.parse().expect("number")).collect())
        .unwrap_or_else(|_| vec![10, 100, 1000, 5000]);
    for n in tables {
        plan_many_tables(n);
    }
    for n in [1_000, 4_000, 20_000] {
        text_diff(n);
    }
    let rows = std::env::var("DBSHAPE_BENCH_ROWS").map(|v| v.parse().expect("number")).unwrap_or(1_000_000);
    rebuild_vs_copy(rows, false);
    rebuild_vs_copy(rows, true);
}

fn plan_many_tables(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:///{}", dir.path().join("bench.db").display());
    let yaml = schema_yaml(n);
    let desired = Schema::from_yaml_str(&yaml).unwrap();
    let mut db = Migrator::connect(&url).unwrap();
    let plan = db.plan(&desired).unwrap();
    db.apply(&plan, &ApplyOptions::default()).unwrap();

    let mut timings = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let loaded = Schema::from_yaml_str(&yaml).unwrap();
        let load = started.elapsed();
        let mut db = Migrator::connect(&url).unwrap();
        let connected = started.elapsed();
        let plan = db.plan(&loaded).unwrap();
        assert!(plan.is_empty(), "benchmark schema must converge: {:?}", plan.changes().next());
        timings.push((started.elapsed(), load, connected - load));
    }
    timings.sort();
    let (total, load, connect) = timings[timings.len() / 2];
    println!(
        "plan, no changes, {n:>5} tables: {:>10} (load file {:>9}, open {:>9}, inspect + diff + plan {:>9}), median of 5",
        ms(total),
        ms(load),
        ms(connect),
        ms(total - load - connect)
    );
}

/// A unified diff of an unformatted file of N tables against its canonical
/// form (what `fmt --check` shows; `check`'s drift report is the same
/// code): every section differs.
fn text_diff(n: usize) {
    let unformatted: String = (0..n)
        .map(|i| {
            format!(
                "  t{i}:\n    columns:\n      id: {{type: integer, primary_key: true}}\n      name: {{type: text}}\n"
            )
        })
        .collect();
    let unformatted = format!("tables:\n{unformatted}");
    let formatted = Schema::from_yaml_str(&unformatted).unwrap().to_yaml_string();
    let mut timings: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            let diff = dbshape::unified_diff(&unformatted, &formatted, ("a", "b"), 2);
            assert!(!diff.is_empty());
            started.elapsed()
        })
        .collect();
    timings.sort();
    println!("unified diff, unformatted file of {n:>6} tables: {:>10}, median of 3", ms(timings[1]));
}

fn rebuild_vs_copy(rows: usize, with_index: bool) {
    let index_yaml = if with_index { "    indexes:\n      big_name_idx: { columns: [name] }\n" } else { "" };
    let index_sql = if with_index { "CREATE INDEX big_name_idx ON big (name);" } else { "" };
    let dir = tempfile::tempdir().unwrap();
    let yaml = "tables:\n  big:\n    columns:\n      id: { type: integer, primary_key: true }\n      name: { type: text, nullable: false }\n      \
                qty: { type: integer }\n      note: { type: text }\n"
        .to_string()
        + index_yaml;
    let make = |file: &str| {
        let file = format!("{}-{file}", if with_index { "indexed" } else { "plain" });
        let path = dir.path().join(file);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE big (id INTEGER NOT NULL, name TEXT NOT NULL, qty INTEGER, note TEXT, CONSTRAINT big_pkey PRIMARY KEY (id)); {index_sql}"
        ))
        .unwrap();
        conn.execute_batch(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {rows}) \
             INSERT INTO big SELECT i, 'name-' || (i * 7919 % {rows}), i % 100, 'some note text ' || i FROM n;"
        ))
        .unwrap();
        path
    };

    // Baselines: the bare copy into an identical table, then its index.
    let path = make("copy.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let started = Instant::now();
    conn.execute_batch(
        "BEGIN; CREATE TABLE big2 (id INTEGER NOT NULL, name TEXT NOT NULL, qty INTEGER, note TEXT, CONSTRAINT big_pkey PRIMARY KEY (id));
         INSERT INTO big2 (id, name, qty, note) SELECT id, name, qty, note FROM big; COMMIT;",
    )
    .unwrap();
    let copy = started.elapsed();
    if with_index {
        conn.execute_batch("CREATE INDEX big2_name_idx ON big2 (name)").unwrap();
    }
    let copy_and_index = started.elapsed();

    // dbshape: a NOT NULL on qty forces the full rebuild.
    let path = make("rebuild.db");
    let desired =
        Schema::from_yaml_str(&yaml.replace("qty: { type: integer }", "qty: { type: integer, nullable: false }"))
            .unwrap();
    let mut db = Migrator::connect(&format!("sqlite:///{}", path.display())).unwrap();
    let started = Instant::now();
    let plan = db.plan(&desired).unwrap();
    assert!(plan.steps()[0].note.as_deref().is_some_and(|n| n.contains("rebuilt")));
    db.apply(&plan, &ApplyOptions::default()).unwrap();
    let rebuild = started.elapsed();
    println!(
        "rebuild of {rows} rows, {} secondary index: {:>9}; bare INSERT … SELECT copy: {:>9} (ratio {:.2}); copy + indexes: {:>9} (ratio {:.2})",
        if with_index { "1" } else { "no" },
        ms(rebuild),
        ms(copy),
        rebuild.as_secs_f64() / copy.as_secs_f64(),
        ms(copy_and_index),
        rebuild.as_secs_f64() / copy_and_index.as_secs_f64()
    );
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
