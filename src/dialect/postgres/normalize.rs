//! The desired schema in the server's own spelling. The file's tables are
//! created in scratch schemas inside a transaction that is always rolled
//! back, and read back with the same inspector as the live tables. Checks,
//! defaults, index expressions and types are then compared in the server's
//! spelling on both sides, so `IN ('a', 'b')` in the file and
//! `= ANY (ARRAY['a'::text, 'b'::text])` in the catalog are equal.

use super::Postgres;
use super::connection::PostgresConnection;
use super::error::database_error;
use super::inspect::{Namespaces, inspect, serial_of};
use super::plan as planner;
use crate::error::{Error, Result};
use crate::model::naming::serial_sequence as serial_sequence_name;
use crate::model::{
    Column, DefaultValue, Expr, Index, IndexKey, IndexPart, Schema, Sequence, SqlType, Table, inherited_column,
};
use crate::sql::quote_ident;

pub(super) fn normalize(conn: &mut PostgresConnection, desired: &Schema, current: &Schema) -> Result<Schema> {
    let mut normalized = spell(conn, desired, current)?;
    keep_tablespaces(&mut normalized, current);
    fold_serials(&mut normalized);
    Ok(normalized)
}

/// A sequence the file spells out, that is exactly what `serial` makes (the
/// conventional name, the column's type, default options, owned by the
/// column, read by its default), makes the column a serial one: the
/// inspector reads that database state so, and one state has one model.
fn fold_serials(schema: &mut Schema) {
    let mut folded = Vec::new();
    for (name, sequence) in &schema.sequences {
        let Some((table_name, column_name)) = &sequence.owned_by else { continue };
        let Some(column) = schema.tables.get_mut(table_name).and_then(|t| t.columns.get_mut(column_name)) else {
            continue;
        };
        let reads_it = matches!(&column.default, Some(DefaultValue::Expr(e)) if nextval_of(e.compared_text()).as_deref() == Some(name));
        let serial = serial_of(&column.sql_type);
        let table_schema = table_name.split_once('.').map(|(schema, _)| schema);
        let conventional = match table_schema {
            Some(schema) => format!("{schema}.{}", serial_sequence_name(table_name, column_name)),
            None => serial_sequence_name(table_name, column_name),
        };
        if let Some(serial) = serial.filter(|_| {
            reads_it
                && *name == conventional
                && sequence.sql_type == column.sql_type
                && sequence.options.is_default()
                && sequence.comment.is_none()
        }) {
            column.sql_type = serial;
            column.default = None;
            folded.push(name.clone());
        }
    }
    for name in folded {
        schema.sequences.shift_remove(&name);
    }
}

/// The sequence `nextval('…'::regclass)` reads, as the model names it.
fn nextval_of(default: &str) -> Option<String> {
    let inner = default.strip_prefix("nextval('")?;
    let inner = inner.strip_suffix("'::regclass)").or(inner.strip_suffix("')"))?;
    let unquote = |part: &str| match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => part.to_string(),
    };
    // `schema.name`, either part quoted (a quoted part may hold a dot).
    let inner = inner.replace("''", "'");
    let tokens = crate::sql::lexer::tokenize(&inner);
    let parts: Vec<String> = tokens.iter().filter(|t| !t.is_punct('.')).map(|t| unquote(t.text)).collect();
    Some(parts.join("."))
}

/// An index the file leaves in the default tablespace stays where it lives
/// when it is made again: tablespaces are kept, not managed.
fn keep_tablespaces(normalized: &mut Schema, current: &Schema) {
    for (name, table) in normalized.tables.iter_mut() {
        let live = table.renamed_from.as_ref().and_then(|old| current.tables.get(old)).or(current.tables.get(name));
        let Some(live) = live else { continue };
        for index in table.indexes.values_mut().filter(|i| i.tablespace.is_none()) {
            index.tablespace = live.indexes.get(&index.name).and_then(|l| l.tablespace.clone());
        }
    }
}

/// The desired schema in the server's spelling.
fn spell(conn: &mut PostgresConnection, desired: &Schema, current: &Schema) -> Result<Schema> {
    // A table that already equals its live counterpart, comparing with
    // dbshape's own (spelling-insensitive) rules, is equal for certain:
    // take the live table as its normal form. Only the others go through
    // the server.
    let mut normalized = Schema {
        enums: desired.enums.clone(),
        extensions: desired.extensions.clone(),
        sequences: desired.sequences.clone(),
        ..Schema::default()
    };
    let mut pending = Vec::new();
    for (name, table) in &desired.tables {
        match current.tables.get(name) {
            Some(live) if table_matches(live, table) => {
                // Foreign keys hold only names, which the server never rewrites.
                let mut live = live.clone();
                live.foreign_keys = table.foreign_keys.clone();
                normalized.tables.insert(name.clone(), live);
            }
            _ => {
                normalized.tables.insert(name.clone(), table.clone());
                pending.push(name.clone());
            }
        }
    }
    if pending.is_empty() {
        return Ok(normalized);
    }
    // Bounded transactions: every relation created holds a lock until the
    // end of its transaction, and the lock table is finite.
    let live_of = |name: &String| {
        let wanted = &desired.tables[name];
        current.tables.get(wanted.renamed_from.as_deref().unwrap_or(name)).or(current.tables.get(name))
    };
    for chunk in pending.chunks(SCRATCH_TABLES_PER_TRANSACTION) {
        let read = through_server(conn, desired, chunk)?;
        let mut second_look = Vec::new();
        for (name, table) in chunk.iter().zip(read) {
            let live = live_of(name).map(|l| Live { table: l, read: None });
            let merged = merge_normalized(&desired.tables[name], table.clone(), live);
            if live_of(name).is_some_and(|l| !table_matches(l, &merged)) {
                second_look.push((name.clone(), table));
            }
            normalized.tables.insert(name.clone(), merged);
        }
        if second_look.is_empty() {
            continue;
        }
        // Still different from the live table: the live counterparts go
        // through the same parse, so that a live expression and the file's
        // are compared in one spelling even when PostgreSQL's printed form
        // does not parse back to itself.
        let live_names: Vec<String> = second_look.iter().map(|(name, _)| name.clone()).collect();
        let mut live_schema = Schema {
            enums: current.enums.clone(),
            extensions: current.extensions.clone(),
            sequences: current.sequences.clone(),
            ..Schema::default()
        };
        for name in &live_names {
            let mut table = live_of(name).expect("has a live table").clone();
            table.name = name.clone();
            live_schema.tables.insert(name.clone(), table);
        }
        // A partition is made in the scratch schema under its parents.
        for name in &live_names {
            let mut parent = live_schema.tables[name].partition_of.as_ref().map(|p| p.parent.clone());
            while let Some(name) = parent.filter(|p| !live_schema.tables.contains_key(p)) {
                let Some(table) = current.tables.get(&name) else { break };
                parent = table.partition_of.as_ref().map(|p| p.parent.clone());
                live_schema.tables.insert(name, table.clone());
            }
        }
        // Should a live table not recreate (it always should), the
        // comparison keeps the file's server spelling alone.
        let live_read: std::collections::HashMap<String, Table> = through_server(conn, &live_schema, &live_names)
            .map(|tables| live_names.iter().cloned().zip(tables).collect())
            .unwrap_or_default();
        for (name, table) in second_look {
            let live = live_of(&name).map(|l| Live { table: l, read: live_read.get(&name) });
            normalized.tables.insert(name.clone(), merge_normalized(&desired.tables[&name], table, live));
        }
    }
    Ok(normalized)
}

/// Renames a user type (or the element type of an array) by `rename`.
fn map_type_schema(sql_type: &mut SqlType, rename: &dyn Fn(&str) -> Option<String>) {
    match sql_type {
        SqlType::Other(name) => {
            if let Some(renamed) = rename(name) {
                *name = renamed;
            }
        }
        SqlType::Array(element) => map_type_schema(element, rename),
        _ => {}
    }
}

/// How many tables one scratch transaction creates.
const SCRATCH_TABLES_PER_TRANSACTION: usize = 500;

/// What the server must spell for us: column types, defaults, generated
/// expressions, checks, and indexes with expressions or predicates. Keys,
/// plain indexes, identity, foreign keys and comments are names and flags
/// that the server keeps as given, and cost far more to create.
fn server_part(table: &Table) -> Table {
    let mut part = table.clone();
    part.primary_key = None;
    part.uniques.clear();
    part.foreign_keys.clear();
    part.comment = None;
    for column in part.columns.values_mut() {
        column.autoincrement = false;
        column.identity_always = false;
        column.comment = None;
    }
    part.indexes.retain(|_, index| needs_server(index.predicate.as_ref(), &index.parts));
    part.exclusions.retain(|_, exclusion| {
        let parts: Vec<IndexPart> = exclusion.elements.iter().map(|e| e.part.clone()).collect();
        needs_server(exclusion.predicate.as_ref(), &parts)
    });
    for check in part.checks.values_mut() {
        check.comment = None;
    }
    for index in part.indexes.values_mut() {
        index.comment = None;
    }
    for exclusion in part.exclusions.values_mut() {
        exclusion.comment = None;
    }
    part
}

fn needs_server(predicate: Option<&Expr>, parts: &[IndexPart]) -> bool {
    predicate.is_some() || parts.iter().any(|p| matches!(p.key, IndexKey::Expr(_)))
}

/// A live table, and the same table recreated in a scratch schema.
struct Live<'a> {
    table: &'a Table,
    read: Option<&'a Table>,
}

/// The desired table in the server's spelling: `read` is its server part
/// read back from the scratch schema. Where an object is unchanged (the
/// file says what the live object says, by dbshape's comparison or once
/// both went through the server) the live spelling is kept, so it compares
/// equal.
fn merge_normalized(wanted: &Table, read: Table, live: Option<Live>) -> Table {
    let mut table = wanted.clone();
    for (name, column) in table.columns.iter_mut() {
        let Some(spelled) = read.columns.get(name) else { continue };
        let live_name = column.renamed_from.clone().unwrap_or_else(|| name.clone());
        let live_column = live.as_ref().and_then(|l| l.table.columns.get(&live_name).or(l.table.columns.get(name)));
        let live_spelled = live.as_ref().and_then(|l| l.read?.columns.get(&live_name).or(l.read?.columns.get(name)));
        column.default = match (live_column, live_spelled) {
            (Some(l), _) if l.default == column.default => l.default.clone(),
            (Some(l), Some(ls)) if ls.default == spelled.default => l.default.clone(),
            _ => written_default(column.default.as_ref(), spelled.default.as_ref()),
        };
        column.generated = match (live_column, live_spelled) {
            (Some(l), _) if l.generated == column.generated => l.generated.clone(),
            (Some(l), Some(ls)) if ls.generated == spelled.generated => l.generated.clone(),
            _ => written(column.generated.as_ref(), spelled.generated.as_ref()),
        };
        column.sql_type = spelled.sql_type.clone();
        column.collation = spelled.collation.clone();
        column.nullable = spelled.nullable;
    }
    // How rows are split, and a partition's bound, in the server's words
    // unless the live table says the same.
    let live_table = live.as_ref().map(|l| l.table);
    let live_read = live.as_ref().and_then(|l| l.read);
    table.partition_by = match (live_table, live_read) {
        (Some(l), _) if l.partition_by == table.partition_by => l.partition_by.clone(),
        (Some(l), Some(r)) if r.partition_by == read.partition_by => l.partition_by.clone(),
        _ => read.partition_by.clone(),
    };
    if let (Some(partition), Some(spelled)) = (&mut table.partition_of, &read.partition_of) {
        let live_bound = |t: Option<&Table>| t.and_then(|t| t.partition_of.as_ref()).map(|p| p.bound.clone());
        partition.bound = match (live_bound(live_table), live_bound(live_read)) {
            (Some(l), _) if l == partition.bound => l,
            (Some(l), Some(r)) if r == spelled.bound => l,
            _ => spelled.bound.clone(),
        };
    }
    for (name, mut check) in read.checks {
        let written = &wanted.checks[&name].expr;
        let same_text = live.as_ref().and_then(|l| l.table.checks.values().find(|c| &c.expr == written));
        let same_meaning = live.as_ref().and_then(|l| {
            let recreated = l.read?.checks.values().find(|c| c.expr == check.expr)?;
            l.table.checks.get(&recreated.name)
        });
        check.expr = match same_text.or(same_meaning) {
            Some(same) => same.expr.clone(),
            None => Expr::written_as(written, &check.expr),
        };
        check.comment = wanted.checks[&name].comment.clone();
        table.checks.insert(name, check);
    }
    for (name, index) in table.indexes.iter_mut() {
        let Some(spelled) = read.indexes.get(name) else { continue };
        let live_index = live.as_ref().and_then(|l| l.table.indexes.get(name));
        let live_spelled = live.as_ref().and_then(|l| l.read?.indexes.get(name));
        let comment = index.comment.clone();
        *index = match (live_index, live_spelled) {
            (Some(same), _) if same == index => same.clone(),
            (Some(same), Some(recreated)) if recreated == spelled => same.clone(),
            _ => written_index(index, spelled),
        };
        // The scratch copy has no comment: the file's is the one wanted.
        index.comment = comment;
    }
    for (name, exclusion) in table.exclusions.iter_mut() {
        let Some(spelled) = read.exclusions.get(name) else { continue };
        let live_exclusion = live.as_ref().and_then(|l| l.table.exclusions.get(name));
        let live_spelled = live.as_ref().and_then(|l| l.read?.exclusions.get(name));
        let comment = exclusion.comment.clone();
        *exclusion = match (live_exclusion, live_spelled) {
            (Some(same), _) if same == exclusion => same.clone(),
            (Some(same), Some(recreated)) if recreated == spelled => same.clone(),
            _ => {
                let mut written = spelled.clone();
                written.predicate = self::written(exclusion.predicate.as_ref(), spelled.predicate.as_ref());
                written_parts(
                    written.elements.iter_mut().map(|e| &mut e.part),
                    exclusion.elements.iter().map(|e| &e.part),
                );
                written
            }
        };
        exclusion.comment = comment;
    }
    table
}

/// The server's form of an expression, keeping the file's text for SQL.
fn written(wanted: Option<&Expr>, spelled: Option<&Expr>) -> Option<Expr> {
    match (wanted, spelled) {
        (Some(wanted), Some(spelled)) => Some(Expr::written_as(wanted, spelled)),
        (_, spelled) => spelled.cloned(),
    }
}

fn written_default(wanted: Option<&DefaultValue>, spelled: Option<&DefaultValue>) -> Option<DefaultValue> {
    match (wanted, spelled) {
        (Some(DefaultValue::Expr(wanted)), Some(DefaultValue::Expr(spelled))) => {
            Some(DefaultValue::Expr(Expr::written_as(wanted, spelled)))
        }
        (_, spelled) => spelled.cloned(),
    }
}

fn written_index(wanted: &Index, spelled: &Index) -> Index {
    let mut index = spelled.clone();
    index.predicate = written(wanted.predicate.as_ref(), spelled.predicate.as_ref());
    written_parts(index.parts.iter_mut(), wanted.parts.iter());
    index
}

/// Expression keys in the server's form, keeping the file's text for SQL.
fn written_parts<'a>(
    spelled: impl ExactSizeIterator<Item = &'a mut IndexPart>,
    wanted: impl ExactSizeIterator<Item = &'a IndexPart>,
) {
    if spelled.len() != wanted.len() {
        return;
    }
    for (part, wanted) in spelled.zip(wanted) {
        if let (IndexKey::Expr(stored), IndexKey::Expr(written)) = (&part.key, &wanted.key) {
            part.key = IndexKey::Expr(Expr::written_as(written, stored));
        }
    }
}

/// Whether `live` already is `wanted` (names, columns, keys, checks,
/// indexes, comments), by the differ's own comparison.
fn table_matches(live: &Table, wanted: &Table) -> bool {
    let one = |table: &Table| {
        let mut schema = Schema::default();
        let mut table = table.clone();
        table.foreign_keys.clear();
        schema.tables.insert(table.name.clone(), table);
        schema
    };
    crate::diff::diff(&one(live), &one(wanted), &Postgres).is_empty()
}

/// Creates `names` (tables of `desired`) in scratch schemas inside a
/// transaction that is always rolled back, and reads them back.
fn through_server(conn: &mut PostgresConnection, desired: &Schema, names: &[String]) -> Result<Vec<Table>> {
    let failed = |doing: &str| {
        let doing = doing.to_string();
        move |e| Error::Database { doing, cause: database_error(e) }
    };
    let schemas = conn.schemas_of(names.iter().chain(desired.enums.keys()));
    let pid: i32 =
        conn.client.query_one("SELECT pg_backend_pid()", &[]).map_err(failed("read the session's process id"))?.get(0);
    // Scratch schema i stands in for schemas[i].
    let scratch: Vec<String> = (0..schemas.len()).map(|i| format!("dbshape_scratch_{pid}_{i}")).collect();
    let to_scratch = |name: &str| -> String {
        match name.split_once('.') {
            Some((schema, table)) => match schemas.iter().position(|s| s == schema) {
                Some(i) if i > 0 => format!("{}.{table}", scratch[i]),
                _ => table.to_string(),
            },
            None => name.to_string(),
        }
    };

    // (what, statement): run as one batch; statement by statement only
    // to find the culprit when the batch fails.
    let mut statements: Vec<(String, String)> = Vec::new();
    for name in &scratch {
        statements.push(("a scratch schema".into(), format!("CREATE SCHEMA {}", quote_ident(name))));
    }
    statements.push((
        "the search path".into(),
        format!("SET LOCAL search_path = {}, {}", quote_ident(&scratch[0]), quote_ident(&conn.default_schema)),
    ));
    for extension in &desired.extensions {
        statements.push((
            format!("extension \"{extension}\""),
            format!(
                "CREATE EXTENSION IF NOT EXISTS {} SCHEMA {}",
                quote_ident(extension),
                quote_ident(&conn.default_schema)
            ),
        ));
    }
    for (name, values) in &desired.enums {
        statements.push((format!("enum \"{name}\""), planner::create_enum(&to_scratch(name), values)));
    }
    // Defaults may read the file's sequences (`nextval('invoice_no')`).
    for (name, sequence) in &desired.sequences {
        let scratch_sequence = Sequence { name: to_scratch(name), ..sequence.clone() };
        statements.push((format!("sequence \"{name}\""), planner::create_sequence(&scratch_sequence)));
    }
    for name in with_parents(desired, names) {
        let name = &name;
        let mut table = server_part(&desired.tables[name]);
        table.name = to_scratch(name);
        let parent = table.partition_of.as_ref().and_then(|p| desired.tables.get(&p.parent)).map(server_part);
        if let Some(partition) = &mut table.partition_of {
            partition.parent = to_scratch(&partition.parent);
        }
        // Columns of a schema-qualified enum use its scratch copy.
        for column in table.columns.values_mut() {
            map_type_schema(&mut column.sql_type, &|type_name| {
                desired.enums.contains_key(type_name).then(|| to_scratch(type_name))
            });
        }
        statements.push((format!("table \"{name}\""), planner::create_table(&table)));
        // A partition's own defaults and NOT NULL, where not its parent's.
        for column in parent.iter().flat_map(|parent| table.columns.values().map(move |c| (parent, c))) {
            let (parent, column) = column;
            let Some(inherited) = parent.columns.get(&column.name).map(|c| inherited_column(parent, c)) else {
                continue;
            };
            let own = Column { default: column.default.clone(), nullable: column.nullable, ..inherited.clone() };
            for statement in planner::alter_column(&table.name, &inherited, &own)? {
                statements.push((format!("column \"{}\" of \"{name}\"", column.name), statement));
            }
        }
        for index in table.indexes.values() {
            statements
                .push((format!("index \"{}\" on \"{name}\"", index.name), planner::create_index(&table.name, index)));
        }
        for statement in planner::comments(&table) {
            statements.push((format!("a comment on \"{name}\""), statement));
        }
    }

    let batch: String = statements.iter().map(|(_, sql)| format!("{sql};\n")).collect();
    let mut tx = conn.client.transaction().map_err(failed("begin the scratch transaction"))?;
    if let Err(error) = tx.batch_execute(&batch) {
        drop(tx);
        return Err(find_rejected(conn, &statements).unwrap_or_else(|| rejected("the schema file", error)));
    }
    let scratch_names: Vec<String> = names.iter().map(|n| to_scratch(n)).collect();
    let read = inspect(&mut tx, &Namespaces { schemas: &scratch, default_schema: &scratch[0] })?;
    let _ = tx.rollback();
    // And back: scratch-qualified type names become the real ones.
    let from_scratch = |type_name: &str| -> Option<String> {
        let (schema, rest) = type_name.split_once('.')?;
        let i = scratch.iter().position(|s| s == schema)?;
        Some(format!("{}.{rest}", schemas[i]))
    };
    let real_table = |name: &str| -> String {
        match from_scratch(name) {
            Some(real) if real.starts_with(&format!("{}.", schemas[0])) => real[schemas[0].len() + 1..].to_string(),
            Some(real) => real,
            None => name.to_string(),
        }
    };
    scratch_names
        .iter()
        .zip(names)
        .map(|(scratch_name, name)| {
            let mut table = read.tables.get(scratch_name).cloned().ok_or_else(|| {
                Error::Unsupported(format!("table \"{name}\" was not found after creating it in a scratch schema"))
            })?;
            for column in table.columns.values_mut() {
                map_type_schema(&mut column.sql_type, &from_scratch);
            }
            if let Some(partition) = &mut table.partition_of {
                partition.parent = real_table(&partition.parent);
            }
            Ok(table)
        })
        .collect()
}

/// `names` and the partitioned tables they are partitions of, parents
/// first: a partition is made under its parent.
fn with_parents(schema: &Schema, names: &[String]) -> Vec<String> {
    let mut all: Vec<(usize, String)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for name in names {
        let mut chain = vec![name.clone()];
        while let Some(parent) =
            schema.tables.get(chain.last().expect("not empty")).and_then(|t| t.partition_of.as_ref())
        {
            if chain.contains(&parent.parent) || !schema.tables.contains_key(&parent.parent) {
                break;
            }
            chain.push(parent.parent.clone());
        }
        let depth = chain.len();
        for (i, name) in chain.into_iter().enumerate() {
            if seen.insert(name.clone()) {
                all.push((depth - i, name));
            }
        }
    }
    all.sort_by_key(|(depth, _)| *depth);
    all.into_iter().map(|(_, name)| name).collect()
}

/// Replays `statements` one by one (rolled back) to name the one the
/// server rejects.
fn find_rejected(conn: &mut PostgresConnection, statements: &[(String, String)]) -> Option<Error> {
    let mut tx = conn.client.transaction().ok()?;
    for (what, sql) in statements {
        if let Err(error) = tx.batch_execute(sql) {
            return Some(rejected(what, error));
        }
    }
    None
}

/// The server refused to create `what` of the schema file.
fn rejected(what: &str, error: postgres::Error) -> Error {
    Error::Database { doing: format!("check {what} of the schema file with the server"), cause: database_error(error) }
}
