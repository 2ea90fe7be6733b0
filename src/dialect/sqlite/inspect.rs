//! The SQLite inspector: reads `sqlite_schema` and the pragmas into the
//! model, in a fixed number of queries whatever the number of tables (the
//! pragmas are used as table-valued functions joined to `sqlite_schema`).

use super::parse::{
    ConstraintDdl, ConstraintKind, IndexItem, TableDdl, parse_create_index, parse_create_table, parse_trigger,
    parse_view,
};
use super::types;
use crate::error::{DatabaseError, Error, Result};
use crate::model::{
    Check, Column, DefaultValue, Expr, ForeignKey, Index, IndexKey, IndexPart, PrimaryKey, ReferentialAction, Schema,
    Table, Unique, naming,
};
use rusqlite::Connection;
use std::collections::HashMap;

/// Tables dbshape never manages: SQLite's own, and our rebuild scratch names.
fn is_internal(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("sqlite_") || lower.starts_with("_dbshape_")
}

/// Why reading failed: the driver, or dbshape refusing what it found.
enum Failure {
    Driver(rusqlite::Error),
    Refused(Error),
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Failure {
        Failure::Driver(error)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Refused(error)
    }
}

fn unreadable(message: String) -> Error {
    Error::Database { doing: "read the database schema".into(), cause: DatabaseError::message(message) }
}

pub(super) fn inspect(conn: &Connection) -> Result<Schema> {
    read(conn).map_err(|failure| match failure {
        Failure::Driver(e) => {
            Error::Database { doing: "read the database schema".into(), cause: DatabaseError::from_driver(e) }
        }
        Failure::Refused(error) => error,
    })
}

/// Reads the database in six steps, one query (or none) each.
fn read(conn: &Connection) -> std::result::Result<Schema, Failure> {
    let mut schema = Schema::default();
    let (table_ddl, index_sql) = read_objects(conn, &mut schema)?;
    read_columns(conn, &mut schema, &table_ddl)?;
    read_uniques(conn, &mut schema, &table_ddl)?;
    read_checks(&mut schema, &table_ddl);
    read_foreign_keys(conn, &mut schema, &table_ddl)?;
    read_indexes(&mut schema, index_sql)?;
    Ok(schema)
}

/// The CREATE text of each table, parsed.
type TableTexts = HashMap<String, TableDdl>;

/// Each index made with CREATE INDEX: (table, name, CREATE text).
type IndexTexts = Vec<(String, String, String)>;

/// Every object: the tables (with their parsed CREATE text), views and
/// triggers, and the indexes' CREATE text, read later. pragma_table_list
/// tells virtual and shadow tables from ordinary ones (a join with it
/// would re-run the pragma per row).
fn read_objects(conn: &Connection, schema: &mut Schema) -> std::result::Result<(TableTexts, IndexTexts), Failure> {
    let mut index_sql: IndexTexts = Vec::new();
    let mut list = conn
        .prepare("SELECT name, type FROM pragma_table_list WHERE schema = 'main' AND type NOT IN ('table', 'view')")?;
    let special: HashMap<String, String> =
        list.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<_, _>>()?;
    let mut objects = conn.prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid")?;
    let mut rows = objects.query([])?;
    let mut table_ddl = HashMap::new();
    while let Some(row) = rows.next()? {
        let (kind, name, table, sql): (String, String, String, Option<String>) =
            (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
        if is_internal(&name) {
            continue;
        }
        let sql = sql.unwrap_or_default();
        match kind.as_str() {
            // A virtual table (FTS5, R*Tree) is named, not managed; its
            // shadow tables are its own.
            "table" if special.get(&name).is_some_and(|kind| kind == "virtual") => {
                let module = sql.split_whitespace().skip_while(|w| !w.eq_ignore_ascii_case("USING")).nth(1);
                let module = module.map(|m| m.split('(').next().unwrap_or(m).to_ascii_lowercase());
                let mut shadows: Vec<&str> = special
                    .iter()
                    .filter(|(shadow, kind)| *kind == "shadow" && shadow.starts_with(&format!("{name}_")))
                    .map(|(shadow, _)| shadow.as_str())
                    .collect();
                shadows.sort_unstable();
                let mut about: Vec<String> = module.map(|m| format!("using {m}")).into_iter().collect();
                if !shadows.is_empty() {
                    about.push(format!("its tables {}", shadows.join(", ")));
                }
                let about = if about.is_empty() { String::new() } else { format!(" ({})", about.join("; ")) };
                schema.unmanaged.push(format!("virtual table {name}{about}"));
            }
            "table" if !special.contains_key(&name) => {
                let ddl = parse_create_table(&sql)
                    .ok_or_else(|| unreadable(format!("cannot parse the definition of table \"{name}\"")))?;
                let words: Vec<&str> = ddl.options.iter().map(String::as_str).collect();
                let strict = words.contains(&"STRICT");
                let without_rowid = words.windows(2).any(|pair| pair == ["WITHOUT", "ROWID"]);
                let known = words.iter().filter(|w| matches!(**w, "STRICT" | "WITHOUT" | "ROWID")).count();
                if known != words.len() {
                    return Err(Failure::Refused(Error::Unsupported(format!(
                        "table \"{name}\" is declared {}, which dbshape does not support yet",
                        ddl.options.join(" ")
                    ))));
                }
                schema.tables.insert(name.clone(), Table { strict, without_rowid, ..Table::new(&name) });
                table_ddl.insert(name, ddl);
            }
            "index" if !sql.is_empty() => index_sql.push((table, name, sql)),
            "trigger" => {
                let trigger = parse_trigger(&sql)
                    .ok_or_else(|| unreadable(format!("cannot parse the definition of trigger \"{name}\"")))?;
                schema.triggers.insert((trigger.table.clone(), name), trigger);
            }
            "view" => {
                let view = parse_view(&sql)
                    .ok_or_else(|| unreadable(format!("cannot parse the definition of view \"{name}\"")))?;
                schema.views.insert(name, view);
            }
            _ => {}
        }
    }
    Ok((table_ddl, index_sql))
}

/// The columns (`pragma_table_xinfo`), and the primary keys they make up.
fn read_columns(conn: &Connection, schema: &mut Schema, table_ddl: &TableTexts) -> std::result::Result<(), Failure> {
    let mut columns = conn.prepare(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
         FROM sqlite_schema m, pragma_table_xinfo(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid",
    )?;
    let mut rows = columns.query([])?;
    let mut pk_positions: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    while let Some(row) = rows.next()? {
        let table_name: String = row.get(0)?;
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        let (name, declared, notnull, default, pk, hidden): (String, String, bool, Option<String>, i64, i64) =
            (row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?);
        // 2: a virtual generated column, 3: a stored one (1 only appears in
        // virtual tables, which are not read).
        if hidden == 1 {
            return Err(Failure::Refused(Error::Unsupported(format!(
                "column \"{table_name}.{name}\" is a hidden column, which dbshape does not support"
            ))));
        }
        let (sql_type, declared_type) = types::read(&declared);
        let mut column = Column::new(&name, sql_type);
        column.declared_type = declared_type;
        column.nullable = !notnull && pk == 0;
        column.default = default.as_deref().and_then(DefaultValue::from_sql);
        if let Some(ddl) = table_ddl[&table_name].columns.iter().find(|c| c.name.eq_ignore_ascii_case(&name)) {
            column.autoincrement = ddl.autoincrement;
            column.collation = ddl.collation.clone();
            if let Some((expr, _)) = &ddl.generated {
                column.generated = Some(Expr::new(expr.clone()));
                column.generated_virtual = hidden == 2;
            }
        }
        if pk > 0 {
            pk_positions.entry(table_name.clone()).or_default().push((pk, name.clone()));
        }
        table.columns.insert(name, column);
    }
    for (table_name, mut positions) in pk_positions {
        positions.sort();
        let columns: Vec<String> = positions.into_iter().map(|(_, c)| c).collect();
        let ddl = &table_ddl[&table_name];
        let name = all_constraints(ddl)
            .find(|c| matches!(c.kind, ConstraintKind::PrimaryKey(_)))
            .and_then(|c| c.name.clone())
            .unwrap_or_else(|| naming::primary_key(&table_name));
        schema.tables[&table_name].primary_key = Some(PrimaryKey::new(name, columns));
    }
    Ok(())
}

/// Unique constraints (indexes SQLite made for them).
fn read_uniques(conn: &Connection, schema: &mut Schema, table_ddl: &TableTexts) -> std::result::Result<(), Failure> {
    let mut uniques = conn.prepare(
        "SELECT m.name, il.name, ii.name FROM sqlite_schema m, pragma_index_list(m.name) il, pragma_index_info(il.name) ii \
         WHERE m.type = 'table' AND il.origin = 'u' ORDER BY m.name, il.seq DESC, ii.seqno",
    )?;
    let mut rows = uniques.query([])?;
    let mut unique_columns: Vec<(String, String, Vec<String>)> = Vec::new();
    while let Some(row) = rows.next()? {
        let (table, index, column): (String, String, Option<String>) = (row.get(0)?, row.get(1)?, row.get(2)?);
        match unique_columns.last_mut() {
            Some((t, i, columns)) if *t == table && *i == index => columns.extend(column),
            _ => unique_columns.push((table, index, column.into_iter().collect())),
        }
    }
    for (table_name, _, columns) in unique_columns {
        let Some(ddl) = table_ddl.get(&table_name) else {
            continue;
        };
        let declared = all_constraints(ddl).find_map(|c| match &c.kind {
            ConstraintKind::Unique(cols) if same_columns(cols, &columns) => Some(c.name.clone()),
            _ => None,
        });
        let name = declared.flatten().unwrap_or_else(|| naming::unique(&table_name, &columns));
        schema.tables[&table_name].uniques.insert(name.clone(), Unique::new(name, columns));
    }
    // SQLite makes no index for a unique constraint that repeats the primary
    // key or another unique constraint; the CREATE text still declares it.
    for (table_name, ddl) in table_ddl {
        let table = &mut schema.tables[table_name];
        for constraint in all_constraints(ddl) {
            if let ConstraintKind::Unique(columns) = &constraint.kind {
                let name = constraint.name.clone().unwrap_or_else(|| naming::unique(table_name, columns));
                if !table.uniques.contains_key(&name) {
                    table.uniques.insert(name.clone(), Unique::new(name, columns.clone()));
                }
            }
        }
    }
    Ok(())
}

/// The foreign keys (`pragma_foreign_key_list`), named as their CREATE text
/// names them, else conventionally.
fn read_foreign_keys(
    conn: &Connection,
    schema: &mut Schema,
    table_ddl: &TableTexts,
) -> std::result::Result<(), Failure> {
    let mut fks = conn.prepare(
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM sqlite_schema m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table' ORDER BY m.name, f.id DESC, f.seq",
    )?;
    let mut rows = fks.query([])?;
    let mut found: Vec<(String, i64, ForeignKey, Vec<Option<String>>)> = Vec::new();
    while let Some(row) = rows.next()? {
        let (table, id, parent, from, to, on_update, on_delete): (
            String,
            i64,
            String,
            String,
            Option<String>,
            String,
            String,
        ) = (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?);
        match found.last_mut() {
            Some((t, i, fk, to_columns)) if *t == table && *i == id => {
                fk.columns.push(from);
                to_columns.push(to);
            }
            _ => {
                let fk = ForeignKey {
                    name: String::new(),
                    columns: vec![from],
                    ref_table: parent,
                    ref_columns: Vec::new(),
                    on_delete: ReferentialAction::parse(&on_delete).unwrap_or_default(),
                    on_update: ReferentialAction::parse(&on_update).unwrap_or_default(),
                    deferrable: false,
                    initially_deferred: false,
                    comment: None,
                    not_valid: false,
                    own_index: None,
                };
                found.push((table, id, fk, vec![to]));
            }
        }
    }
    let by_lower_name: HashMap<String, String> =
        schema.tables.keys().map(|name| (name.to_lowercase(), name.clone())).collect();
    let mut used_names: HashMap<String, usize> = HashMap::new();
    for (table_name, _, mut fk, to_columns) in found {
        if !schema.tables.contains_key(&table_name) {
            continue;
        }
        // A reference to the parent's primary key may omit the columns.
        let parent_key = by_lower_name
            .get(&fk.ref_table.to_lowercase())
            .map(|name| (name.clone(), schema.tables[name].primary_key.clone()));
        if let Some((parent_name, _)) = &parent_key {
            fk.ref_table = parent_name.clone();
        }
        fk.ref_columns = match to_columns.iter().cloned().collect::<Option<Vec<_>>>() {
            Some(columns) => columns,
            None => parent_key.and_then(|(_, pk)| pk).map(|pk| pk.columns).unwrap_or_default(),
        };
        let ddl = &table_ddl[&table_name];
        let declared: Vec<Option<String>> = all_constraints(ddl)
            .filter_map(|c| match &c.kind {
                ConstraintKind::ForeignKey(cols, parent)
                    if same_columns(cols, &fk.columns) && parent.eq_ignore_ascii_case(&fk.ref_table) =>
                {
                    Some(c.name.clone())
                }
                _ => None,
            })
            .collect();
        let seen =
            used_names.entry(format!("{table_name}\u{0}{}\u{0}{}", fk.columns.join(","), fk.ref_table)).or_default();
        let name =
            declared.get(*seen).cloned().flatten().unwrap_or_else(|| naming::foreign_key(&table_name, &fk.columns));
        *seen += 1;
        fk.name = name.clone();
        schema.tables[&table_name].foreign_keys.insert(name, fk);
    }
    Ok(())
}

/// Checks: only the CREATE text has them.
fn read_checks(schema: &mut Schema, table_ddl: &TableTexts) {
    for (table_name, ddl) in table_ddl {
        let table = &mut schema.tables[table_name];
        let mut unnamed = 0;
        for column in &ddl.columns {
            for constraint in &column.constraints {
                if let ConstraintKind::Check(body) = &constraint.kind {
                    let name = constraint.name.clone().unwrap_or_else(|| naming::check(table_name, &column.name));
                    table.checks.insert(name.clone(), Check::new(name, Expr::new(body.clone())));
                }
            }
        }
        for constraint in &ddl.constraints {
            if let ConstraintKind::Check(body) = &constraint.kind {
                let name = constraint.name.clone().unwrap_or_else(|| {
                    unnamed += 1;
                    naming::table_check(table_name, unnamed - 1)
                });
                table.checks.insert(name.clone(), Check::new(name, Expr::new(body.clone())));
            }
        }
    }
}

/// Indexes made with CREATE INDEX.
fn read_indexes(schema: &mut Schema, index_sql: IndexTexts) -> std::result::Result<(), Failure> {
    for (table_name, name, sql) in index_sql {
        let Some(table) = schema.tables.get_mut(&table_name) else {
            continue;
        };
        let ddl = parse_create_index(&sql)
            .ok_or_else(|| unreadable(format!("cannot parse the definition of index \"{name}\"")))?;
        let parts = ddl
            .parts
            .into_iter()
            .zip(ddl.collations)
            .map(|((item, descending), collation)| IndexPart {
                descending,
                collation,
                ..IndexPart::new(match item {
                    IndexItem::Column(column) => IndexKey::Column(column),
                    IndexItem::Expr(expr) => IndexKey::Expr(Expr::new(expr)),
                })
            })
            .collect();
        let index =
            Index { unique: ddl.unique, predicate: ddl.predicate.map(Expr::new), ..Index::new(name.clone(), parts) };
        table.indexes.insert(name, index);
    }
    Ok(())
}

fn all_constraints(ddl: &TableDdl) -> impl Iterator<Item = &ConstraintDdl> {
    ddl.columns.iter().flat_map(|c| c.constraints.iter()).chain(ddl.constraints.iter())
}

fn same_columns(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}
