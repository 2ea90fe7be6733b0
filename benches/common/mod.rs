//! What both benchmarks share: the generated schema.

use std::fmt::Write;

/// N tables of 10 columns with a PK, a unique, a check, an FK and an index.
#[allow(dead_code)] // each benchmark uses one of the two
pub fn schema_yaml(n: usize) -> String {
    schema_yaml_with(n, "qty >= 0")
}

/// The same, with `check` as each table's check on `qty`.
pub fn schema_yaml_with(n: usize, check: &str) -> String {
    let mut yaml = String::from("tables:\n");
    for i in 0..n {
        let _ = write!(
            yaml,
            "  t{i}:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      \
             code: {{ type: varchar(40), nullable: false, unique: true }}\n      \
             qty: {{ type: integer, default: 0, check: \"{check}\" }}\n      \
             parent: {{ type: integer{} }}\n      c5: {{ type: text }}\n      c6: {{ type: boolean, default: false }}\n      \
             c7: {{ type: \"numeric(10,2)\" }}\n      c8: {{ type: timestamp, default: {{ sql: CURRENT_TIMESTAMP }} }}\n      \
             c9: {{ type: bigint }}\n      c10: {{ type: date }}\n    indexes:\n      t{i}_c5_idx: {{ columns: [c5] }}\n",
            if i > 0 { format!(", references: t{}.id", i - 1) } else { String::new() }
        );
    }
    yaml
}

/// N tables as people write them by hand, each spelled otherwise than
/// PostgreSQL stores it: a check with `IN`, a check with `BETWEEN`, a
/// varchar default, an expression index and a partial index.
#[allow(dead_code)]
pub fn schema_yaml_handwritten(n: usize) -> String {
    let mut yaml = String::from("tables:\n");
    for i in 0..n {
        let _ = write!(
            yaml,
            "  h{i}:\n    columns:\n      id: {{ type: integer, primary_key: true }}\n      \
             status: {{ type: varchar(20), nullable: false, default: new, check: \"status IN ('new', 'open', 'closed')\" }}\n      \
             qty: {{ type: integer, default: 0, check: \"qty BETWEEN 0 AND 1000\" }}\n      \
             email: {{ type: text }}\n      placed: {{ type: date }}\n    indexes:\n      \
             h{i}_email_idx: {{ columns: [{{ expr: lower(email) }}] }}\n      \
             h{i}_open_idx: {{ columns: [placed], where: \"status <> 'closed'\" }}\n"
        );
    }
    yaml
}

/// The hand-written tables with what rests on them, as people write it
/// (their own spelling, not the server's): a trigger on every table, a view
/// over every table, and functions (one trigger function per five tables).
#[allow(dead_code)] // PostgreSQL only
pub fn schema_yaml_objects(n: usize) -> String {
    let functions = n.div_ceil(5);
    let mut yaml = String::new();
    for (i, table) in schema_yaml_handwritten(n).split("\n  h").enumerate() {
        if i == 0 {
            yaml.push_str(table.trim_end_matches('\n'));
            yaml.push('\n');
            continue;
        }
        let t = i - 1;
        let _ = write!(
            yaml,
            "  h{}\n    triggers:\n      h{t}_stamp:\n        timing: before\n        events: [insert, update of status]\n        \
             when: \"new.qty > 0\"\n        function: stamp_{}\n",
            table.trim_end_matches('\n'),
            t % functions
        );
    }
    yaml.push_str("views:\n");
    for t in 0..n {
        let _ = write!(
            yaml,
            "  h{t}_open:\n    query: |\n      select id, status, qty * 2 as double_qty\n      from h{t}\n      where status in ('new', 'open')\n"
        );
    }
    yaml.push_str("functions:\n");
    for f in 0..functions {
        let _ = write!(
            yaml,
            "  stamp_{f}:\n    returns: trigger\n    language: plpgsql\n    body: |\n      begin\n        new.placed := coalesce(new.placed, current_date);\n        return new;\n      end\n"
        );
    }
    yaml
}

/// One measured run (`plan`, `read` or `inspect` of `spec`: "COMMAND DB
/// FILE") in its own process, so peak memory is this run's; prints the
/// seconds and the peak memory (VmHWM, KiB).
#[allow(dead_code)] // the server benchmarks
pub fn child(spec: &str, url: fn(&str) -> String) {
    let mut parts = spec.splitn(3, ' ');
    let (command, db, file) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
    let started = std::time::Instant::now();
    // What the command line runs, in this process, so its peak memory is ours.
    let mut db = dbshape::Migrator::connect(&url(db)).expect("connect");
    match command {
        "plan" => {
            let plan = db.plan_file(file).expect("plan");
            println!("{}", if plan.is_empty() { "no changes" } else { "changes" });
        }
        // The floor: connecting and the catalog queries, nothing else.
        "read" => db.read_catalog().expect("read"),
        _ => std::fs::write(format!("{file}.out"), db.inspect().expect("inspect").to_yaml_string()).unwrap(),
    }
    let seconds = started.elapsed().as_secs_f64();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0);
    println!("{seconds} {peak_kb}");
}
