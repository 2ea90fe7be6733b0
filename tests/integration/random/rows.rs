//! Rows for a case: random values that satisfy schema A and, where a column
//! lives on in schema B, B's constraints too (so that the apply can keep
//! them), and the queries that read back the columns A and B share.
//!
//! Works from dbshape's own model of the two files, so a regression case is
//! just two YAML texts and a seed.

use dbshape::model::{Schema, SqlType, Table};
use fastrand::Rng;
use std::collections::HashMap;

/// A table of A that lives on in B, with the columns that live on.
pub struct Shared {
    pub a_table: String,
    pub b_table: String,
    /// (name in A, name in B)
    pub columns: Vec<(String, String)>,
}

/// B's counterpart of A's table (same name, or renamed from it, or, where
/// names fold case as on SQLite, the same name in another case), as the
/// differ pairs them.
fn counterpart<'b>(a: &Schema, b: &'b Schema, table: &str, fold_case: bool) -> Option<&'b Table> {
    b.tables.get(table).or_else(|| {
        b.tables.values().find(|t| {
            let same = t.renamed_from.as_deref() == Some(table)
                || (fold_case && t.renamed_from.is_none() && t.name.eq_ignore_ascii_case(table));
            same && !a.tables.contains_key(&t.name)
        })
    })
}

fn column_counterpart<'b>(
    a: &Table,
    b: &'b Table,
    column: &str,
    fold_case: bool,
) -> Option<&'b dbshape::model::Column> {
    b.columns.get(column).or_else(|| {
        b.columns.values().find(|c| {
            let same = c.renamed_from.as_deref() == Some(column)
                || (fold_case && c.renamed_from.is_none() && c.name.eq_ignore_ascii_case(column));
            same && !a.columns.contains_key(&c.name)
        })
    })
}

pub fn shared(a: &Schema, b: &Schema, fold_case: bool) -> Vec<Shared> {
    let mut out = Vec::new();
    // A partitioned table's rows are its partitions': they are compared
    // there, where a dropped partition takes its rows with it.
    for table in a.tables.values().filter(|t| t.partition_by.is_none()) {
        let Some(bt) = counterpart(a, b, &table.name, fold_case) else { continue };
        let columns = table
            .columns
            .keys()
            .filter_map(|c| column_counterpart(table, bt, c, fold_case).map(|bc| (c.clone(), bc.name.clone())))
            .collect();
        out.push(Shared { a_table: table.name.clone(), b_table: bt.name.clone(), columns });
    }
    out
}

pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The string literals of an `IN (...)` check on `column`, if any.
fn in_list(table: &Table, column: &str) -> Option<Vec<String>> {
    // MySQL files quote names with backticks.
    let prefixes = [ident(column) + " IN (", format!("`{}` IN (", column.replace('`', "``"))];
    table.checks.values().find_map(|check| {
        let text = check.expr.unwrapped();
        let list = prefixes.iter().find_map(|p| text.strip_prefix(p.as_str()))?.strip_suffix(')')?;
        Some(list.split(", ").map(|v| v.trim_matches('\'').replace("''", "'")).collect())
    })
}

/// INSERT statements, parents first.
pub fn inserts(a: &Schema, b: &Schema, seed: u64, max_rows: usize, fold_case: bool) -> Vec<String> {
    let mut rng = Rng::with_seed(seed);
    // The values each table's rows got, by column, for foreign keys.
    let mut inserted: HashMap<String, Vec<HashMap<String, String>>> = HashMap::new();
    let mut statements = Vec::new();
    // Parent rows a foreign key has taken, where each may be taken once.
    let mut used: std::collections::HashSet<(String, usize)> = Default::default();
    for name in a.dependency_order() {
        let table = &a.tables[name];
        // A partition's rows come through its parent.
        if table.partition_of.is_some() {
            continue;
        }
        let bt = counterpart(a, b, name, fold_case);
        // A table inheriting from another that B drops gets no rows: its
        // parent's changes, which reach it, come before the drop, and the
        // data checks rightly refuse a NOT NULL its rows would break.
        if table.inherits.is_some() && bt.is_none() {
            continue;
        }
        let count = rng.usize(0..=max_rows);
        let bases: HashMap<&str, (u64, u64)> =
            table.columns.keys().map(|c| (c.as_str(), (rng.u64(0..100), rng.u64(1..5)))).collect();
        for i in 0..count as u64 {
            let mut row: HashMap<String, String> = HashMap::new();
            let mut skip = false;
            for fk in table.foreign_keys.values() {
                // A foreign key column that is (part of) a key in A or B takes
                // each parent row once, or the key would repeat.
                let distinct = fk.columns.iter().any(|c| {
                    in_a_key(table, c)
                        || bt.is_some_and(|bt| {
                            column_counterpart(table, bt, c, fold_case).is_some_and(|bc| in_a_key(bt, &bc.name))
                        })
                });
                let parents: Vec<usize> = inserted
                    .get(&fk.ref_table)
                    .map(|rows| {
                        (0..rows.len()).filter(|i| !distinct || !used.contains(&(fk.name.clone(), *i))).collect()
                    })
                    .unwrap_or_default();
                match parents.is_empty() {
                    false if rng.u8(0..10) > 0 => {
                        let index = parents[rng.usize(0..parents.len())];
                        used.insert((fk.name.clone(), index));
                        let parent = &inserted[&fk.ref_table][index];
                        for (c, r) in fk.columns.iter().zip(&fk.ref_columns) {
                            row.insert(c.clone(), parent[r].clone());
                        }
                    }
                    _ => {
                        let nullable = fk.columns.iter().all(|c| {
                            table.columns[c].nullable
                                && bt
                                    .and_then(|bt| column_counterpart(table, bt, c, fold_case))
                                    .is_none_or(|bc| bc.nullable)
                        });
                        if !nullable {
                            skip = true;
                        }
                        for c in &fk.columns {
                            row.insert(c.clone(), "NULL".into());
                        }
                    }
                }
            }
            if skip {
                continue;
            }
            for column in table.columns.values() {
                if row.contains_key(&column.name) {
                    continue;
                }
                let b_column = bt.and_then(|bt| column_counterpart(table, bt, &column.name, fold_case));
                // A column a table inherits is its parent's in B too (a
                // rename there reaches it, and so does its NOT NULL).
                let parent_column = table.inherits.as_ref().and_then(|parent| {
                    let a_parent = a.tables.get(parent)?;
                    a_parent.columns.get(&column.name)?;
                    let b_parent = counterpart(a, b, parent, fold_case)?;
                    column_counterpart(a_parent, b_parent, &column.name, fold_case)
                });
                let may_be_null = column.nullable
                    && !table.is_primary_key_column(&column.name)
                    && b_column.is_none_or(|bc| bc.nullable)
                    && parent_column.is_none_or(|pc| pc.nullable);
                if may_be_null && rng.u8(0..5) == 0 {
                    row.insert(column.name.clone(), "NULL".into());
                    continue;
                }
                let domain = in_list(table, &column.name)
                    .or_else(|| bt.zip(b_column).and_then(|(bt, bc)| in_list(bt, &bc.name)));
                let (base, step) = bases[column.name.as_str()];
                let n = base + i * step;
                let value = match domain {
                    Some(values) => literal(&values[rng.usize(0..values.len())]),
                    None => value(&column.sql_type, n, &mut rng, a),
                };
                row.insert(column.name.clone(), value);
            }
            // Generated columns compute their own values, and so do
            // GENERATED ALWAYS identity columns.
            let columns: Vec<&String> = table
                .columns
                .values()
                .filter(|c| c.generated.is_none() && !(c.autoincrement && c.identity_always))
                .map(|c| &c.name)
                .collect();
            statements.push(format!(
                "INSERT INTO {} ({}) VALUES ({})",
                ident(name),
                columns.iter().map(|c| ident(c)).collect::<Vec<_>>().join(", "),
                columns.iter().map(|c| row[*c].clone()).collect::<Vec<_>>().join(", ")
            ));
            inserted.entry(name.to_string()).or_default().push(row);
        }
    }
    statements
}

/// Whether `column` is part of the table's primary key, a unique
/// constraint or a unique index.
fn in_a_key(table: &Table, column: &str) -> bool {
    table.is_primary_key_column(column)
        || table.uniques.values().any(|u| u.columns.iter().any(|c| c == column))
        || table.indexes.values().any(|i| {
            i.unique && i.parts.iter().any(|p| matches!(&p.key, dbshape::model::IndexKey::Column(c) if c == column))
        })
}

/// A value of `sql_type`, distinct for each `n` where the type allows.
fn value(sql_type: &SqlType, n: u64, rng: &mut Rng, schema: &Schema) -> String {
    const WORDS: &[&str] = &["a", "it's", "ünï", "x y", "red", "0"];
    match sql_type {
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => n.to_string(),
        SqlType::Boolean => if rng.bool() { "TRUE" } else { "FALSE" }.into(),
        SqlType::Real | SqlType::Double => format!("{}", n as f64 * 0.25),
        SqlType::Numeric { scale: Some(s), .. } if *s > 0 => format!("{n}.5"),
        SqlType::Numeric { .. } => n.to_string(),
        SqlType::Date => literal(&date(n)),
        SqlType::Timestamp | SqlType::TimestampTz => literal(&format!("{} 10:20:30", date(n))),
        SqlType::Uuid => literal(&format!("00000000-0000-4000-8000-{n:012x}")),
        SqlType::Json | SqlType::Jsonb => literal(&format!("{{\"k\": {n}}}")),
        SqlType::Array(_) => literal(&format!("{{a,b{n}}}")),
        SqlType::Other(name) if schema.enums.contains_key(name) => {
            let labels = &schema.enums[name];
            literal(&labels[rng.usize(0..labels.len())])
        }
        _ => literal(&format!("{}{n}", WORDS[rng.usize(0..WORDS.len())])),
    }
}

fn date(n: u64) -> String {
    format!("{}-{:02}-{:02}", 2000 + n / 336, 1 + (n / 28) % 12, 1 + n % 28)
}

/// Reads the shared columns of one table as text, in a stable order;
/// `only`: its own rows, not those of the tables inheriting from it
/// (PostgreSQL), which are read as theirs.
pub fn snapshot_sql(table: &str, columns: &[&str], text: &str, only: bool) -> String {
    let list: Vec<String> = columns.iter().map(|c| format!("CAST({} AS {text})", ident(c))).collect();
    let select = if list.is_empty() { "1".to_string() } else { list.join(", ") };
    format!("SELECT {select} FROM {}{}", if only { "ONLY " } else { "" }, ident(table))
}
