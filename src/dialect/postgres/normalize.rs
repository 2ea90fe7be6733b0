//! The desired schema in the server's own spelling. The file's tables are
//! created in scratch schemas inside a transaction that is always rolled
//! back, and read back with the same inspector as the live tables. Checks,
//! defaults, index expressions and types are then compared in the server's
//! spelling on both sides, so `IN ('a', 'b')` in the file and
//! `= ANY (ARRAY['a'::text, 'b'::text])` in the catalog are equal.

use super::normalize_objects::normalize_objects;
use super::probe;
use super::scratch::{
    SCRATCH_TABLES_PER_TRANSACTION, whole_tables, written, written_default, written_index, written_parts,
};
use super::session::{Postgres, Session};
use super::types;
use crate::error::Result;
use crate::model::{DefaultValue, Expr, Schema, Table};
use std::collections::HashMap;

pub(super) fn normalize(conn: &mut Session, desired: &Schema, current: &Schema) -> Result<Schema> {
    check_roles(conn, desired)?;
    let mut normalized = spell(conn, desired, current)?;
    keep_tablespaces(&mut normalized, current);
    fold_serials(&mut normalized);
    normalize_objects(conn, desired, &mut normalized, current)?;
    carry_privileges(desired, &mut normalized);
    Ok(normalized)
}

/// The first role the file names that the server does not have: an error
/// before any statement, at the place the file names it. One query, and
/// none for a file that names no role.
fn check_roles(conn: &mut Session, desired: &Schema) -> Result<()> {
    let named = crate::diff::roles_named(desired);
    if named.is_empty() || desired.privileges_unmanaged {
        return Ok(());
    }
    let roles: Vec<&str> = named.iter().map(|(role, _)| role.as_str()).collect();
    let rows = conn
        .client
        .query("SELECT r FROM unnest($1::text[]) r WHERE r NOT IN (SELECT rolname FROM pg_roles)", &[&roles])
        .map_err(super::session::unreadable)?;
    let Some(missing) = rows.first().map(|row| row.get::<_, String>(0)) else { return Ok(()) };
    let path = named.into_iter().find(|(role, _)| *role == missing).map(|(_, path)| path).unwrap_or_default();
    Err(crate::error::Error::UnknownRole { role: missing, path, at: None })
}

/// The file's owners, grants and default privileges, with each routine's
/// under its key in the server's words.
fn carry_privileges(desired: &Schema, normalized: &mut Schema) {
    use crate::model::SecurableKind;
    normalized.owner = desired.owner.clone();
    normalized.privileges_unmanaged = desired.privileges_unmanaged;
    normalized.extensions_unmanaged = desired.extensions_unmanaged;
    normalized.default_privileges = desired.default_privileges.clone();
    for (object, privileges) in &desired.privileges {
        let mut object = object.clone();
        if matches!(object.kind, SecurableKind::Function | SecurableKind::Procedure)
            && let Some(function) = desired.functions.get(&object.name)
        {
            let identity = crate::file::identity_of(function.arguments.as_str());
            let same_name: Vec<_> = normalized.functions.values().filter(|f| f.name == function.name).collect();
            let found = match same_name.as_slice() {
                [one] => Some(*one),
                many => many.iter().find(|f| f.identity.eq_ignore_ascii_case(&identity)).copied(),
            };
            if let Some(found) = found {
                object.name = found.key();
            }
        }
        normalized.privileges.insert(object, privileges.clone());
    }
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
        if let Some(serial) = column
            .sql_type
            .serial()
            .filter(|_| reads_it && types::is_serial_sequence(sequence, table_name, column_name, &column.sql_type))
        {
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
fn spell(conn: &mut Session, desired: &Schema, current: &Schema) -> Result<Schema> {
    // A table that already equals its live counterpart, comparing with
    // dbshape's own (spelling-insensitive) rules, is equal for certain:
    // take the live table as its normal form. Only the others go through
    // the server.
    let mut normalized = Schema {
        enums: desired.enums.clone(),
        collations: desired.collations.clone(),
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
    let live_of = |name: &String| {
        let wanted = &desired.tables[name];
        current.tables.get(wanted.renamed_from.as_deref().unwrap_or(name)).or(current.tables.get(name))
    };
    let read = spelled_tables(conn, desired, &pending)?;
    let mut second_look = Vec::new();
    for (name, table) in pending.iter().zip(read) {
        let live = live_of(name).map(|l| Live { table: l, read: None });
        let merged = merge_normalized(&desired.tables[name], table.clone(), live);
        if live_of(name).is_some_and(|l| !table_matches(l, &merged)) {
            second_look.push((name.clone(), table));
        }
        normalized.tables.insert(name.clone(), merged);
    }
    if second_look.is_empty() {
        return Ok(normalized);
    }
    // Still different from the live table: the live counterparts go
    // through the same parse, so that a live expression and the file's
    // are compared in one spelling even when PostgreSQL's printed form
    // does not parse back to itself.
    let live_names: Vec<String> = second_look.iter().map(|(name, _)| name.clone()).collect();
    let mut live_schema = Schema {
        enums: current.enums.clone(),
        collations: current.collations.clone(),
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
    let live_read: HashMap<String, Table> = spelled_tables(conn, &live_schema, &live_names)
        .map(|tables| live_names.iter().cloned().zip(tables).collect())
        .unwrap_or_default();
    for (name, table) in second_look {
        let live = live_of(&name).map(|l| Live { table: l, read: live_read.get(&name) });
        normalized.tables.insert(name.clone(), merge_normalized(&desired.tables[&name], table, live));
    }
    Ok(normalized)
}

/// `names` of `schema` read back in the server's spelling: through probes
/// (each distinct expression once) where they can say, else each table
/// made whole, which also names what the server rejects.
fn spelled_tables(conn: &mut Session, schema: &Schema, names: &[String]) -> Result<Vec<Table>> {
    let (probed, mut whole): (Vec<String>, Vec<String>) =
        names.iter().cloned().partition(|name| probe::can_probe(&schema.tables[name]));
    let mut read: HashMap<String, Table> = HashMap::new();
    if !probed.is_empty() {
        match probe::probe(conn, schema, &probed) {
            Some(tables) => read.extend(probed.into_iter().zip(tables)),
            None => whole.extend(probed),
        }
    }
    // Bounded transactions: every relation created holds a lock until the
    // end of its transaction, and the lock table is finite.
    for chunk in whole.chunks(SCRATCH_TABLES_PER_TRANSACTION) {
        read.extend(chunk.iter().cloned().zip(whole_tables(conn, schema, chunk)?));
    }
    Ok(names.iter().map(|name| read.remove(name).expect("every table is read")).collect())
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
fn merge_normalized<'a>(wanted: &Table, read: Table, live: Option<Live<'a>>) -> Table {
    let mut table = wanted.clone();
    for (name, column) in table.columns.iter_mut() {
        let Some(spelled) = read.columns.get(name) else { continue };
        let live_name = column.renamed_from.clone().unwrap_or_else(|| name.clone());
        let live_column = live.as_ref().and_then(|l| l.table.columns.get(&live_name).or(l.table.columns.get(name)));
        let live_spelled = live.as_ref().and_then(|l| l.read?.columns.get(&live_name).or(l.read?.columns.get(name)));
        column.default = keep_live(
            &column.default,
            &spelled.default,
            live_column.map(|l| &l.default),
            live_spelled.map(|l| &l.default),
            || written_default(column.default.as_ref(), spelled.default.as_ref()),
        );
        column.generated = keep_live(
            &column.generated,
            &spelled.generated,
            live_column.map(|l| &l.generated),
            live_spelled.map(|l| &l.generated),
            || written(column.generated.as_ref(), spelled.generated.as_ref()),
        );
        column.sql_type = spelled.sql_type.clone();
        column.collation = spelled.collation.clone();
        column.nullable = spelled.nullable;
    }
    // How rows are split, and a partition's bound, in the server's words
    // unless the live table says the same.
    let live_table = live.as_ref().map(|l| l.table);
    let live_read = live.as_ref().and_then(|l| l.read);
    table.partition_by = keep_live(
        &table.partition_by,
        &read.partition_by,
        live_table.map(|l| &l.partition_by),
        live_read.map(|r| &r.partition_by),
        || read.partition_by.clone(),
    );
    if let (Some(partition), Some(spelled)) = (&mut table.partition_of, &read.partition_of) {
        let live_bound = |t: Option<&'a Table>| t.and_then(|t| t.partition_of.as_ref()).map(|p| &p.bound);
        partition.bound =
            keep_live(&partition.bound, &spelled.bound, live_bound(live_table), live_bound(live_read), || {
                spelled.bound.clone()
            });
    }
    for (name, mut check) in read.checks {
        let written = &wanted.checks[&name].expr;
        let same_text = live.as_ref().and_then(|l| l.table.checks.values().find(|c| &c.expr == written));
        let same_meaning = live.as_ref().and_then(|l| {
            let recreated = l.read?.checks.values().find(|c| c.expr == check.expr)?;
            l.table.checks.get(&recreated.name)
        });
        check.expr = Expr::spelled(written, &check.expr, same_text.or(same_meaning).map(|same| &same.expr));
        check.comment = wanted.checks[&name].comment.clone();
        // The scratch copy's checks are validated: the file says whether.
        check.not_valid = wanted.checks[&name].not_valid;
        table.checks.insert(name, check);
    }
    for (name, index) in table.indexes.iter_mut() {
        let Some(spelled) = read.indexes.get(name) else { continue };
        let live_index = live.as_ref().and_then(|l| l.table.indexes.get(name));
        let live_spelled = live.as_ref().and_then(|l| l.read?.indexes.get(name));
        let comment = index.comment.clone();
        *index = keep_live(&*index, spelled, live_index, live_spelled, || written_index(index, spelled));
        // The scratch copy has no comment: the file's is the one wanted.
        index.comment = comment;
    }
    for (name, exclusion) in table.exclusions.iter_mut() {
        let Some(spelled) = read.exclusions.get(name) else { continue };
        let live_exclusion = live.as_ref().and_then(|l| l.table.exclusions.get(name));
        let live_spelled = live.as_ref().and_then(|l| l.read?.exclusions.get(name));
        let comment = exclusion.comment.clone();
        *exclusion = keep_live(&*exclusion, spelled, live_exclusion, live_spelled, || {
            let mut kept = spelled.clone();
            kept.predicate = written(exclusion.predicate.as_ref(), spelled.predicate.as_ref());
            written_parts(kept.elements.iter_mut().map(|e| &mut e.part), exclusion.elements.iter().map(|e| &e.part));
            kept
        });
        exclusion.comment = comment;
    }
    table
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

/// What the normalised table keeps of a live value: the live one where it
/// says what the file says, by dbshape's comparison (`live == wanted`) or
/// once both went through the server (`live_spelled == spelled`), else
/// `written()`, the file's text in the server's spelling. The rule of
/// [`Expr::spelled`], for values read back whole.
fn keep_live<T: PartialEq + Clone>(
    wanted: &T,
    spelled: &T,
    live: Option<&T>,
    live_spelled: Option<&T>,
    written: impl FnOnce() -> T,
) -> T {
    match (live, live_spelled) {
        (Some(live), _) if live == wanted => live.clone(),
        (Some(live), Some(live_spelled)) if live_spelled == spelled => live.clone(),
        _ => written(),
    }
}
