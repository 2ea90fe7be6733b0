//! Makes a failing generated case small: takes parts away (edits, tables,
//! columns, keys, indexes, rows) one at a time, keeping each removal after
//! which the case still fails, until none helps.

use super::{Case, Generated};

/// At most this many re-runs: shrinking a PostgreSQL case costs ~0.3 s a run.
const BUDGET: usize = 300;

pub fn shrink(mut current: Generated, mut fails: impl FnMut(&Case) -> bool) -> Generated {
    let mut runs = 0;
    'search: loop {
        for candidate in smaller(&current) {
            if runs >= BUDGET {
                break 'search;
            }
            runs += 1;
            if fails(&candidate.case()) {
                current = candidate;
                continue 'search;
            }
        }
        break;
    }
    current
}

/// Every case one step smaller than `g`.
fn smaller(g: &Generated) -> Vec<Generated> {
    let mut out = Vec::new();
    let with = |f: &dyn Fn(&mut Generated)| {
        let mut c = g.clone();
        f(&mut c);
        c
    };
    if g.max_rows > 0 {
        out.push(with(&|c| c.max_rows = 0));
        out.push(with(&|c| c.max_rows -= 1));
    }
    for i in 0..g.edits.len() {
        out.push(with(&|c| {
            c.edits.remove(i);
        }));
    }
    for (i, table) in g.a.tables.iter().enumerate() {
        let name = table.name.clone();
        out.push(with(&|c| c.a.remove_table(&name)));
        for column in &table.columns {
            if !table.pk.contains(&column.name) && table.columns.len() > 1 {
                let column = column.name.clone();
                let name = name.clone();
                out.push(with(&|c| c.a.remove_column(&name, &column)));
            }
        }
        for k in 0..table.uniques.len() {
            out.push(with(&|c| drop(c.a.tables[i].uniques.remove(k))));
        }
        for k in 0..table.indexes.len() {
            out.push(with(&|c| drop(c.a.tables[i].indexes.remove(k))));
        }
        for k in 0..table.checks.len() {
            out.push(with(&|c| drop(c.a.tables[i].checks.remove(k))));
        }
        for k in 0..table.fks.len() {
            out.push(with(&|c| drop(c.a.tables[i].fks.remove(k))));
        }
    }
    out
}
