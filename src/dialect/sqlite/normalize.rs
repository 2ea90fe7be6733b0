//! What of a schema file SQLite can store, so that comparing the file with
//! an inspected database is exact: SQLite keeps no comments, an
//! AUTOINCREMENT key is always declared INTEGER, and PostgreSQL-only
//! options (deferrable keys, index methods, INCLUDE, NULLS order) have no
//! SQLite form. What SQLite cannot have at all (enums, sequences, NULLS
//! NOT DISTINCT, an AUTOINCREMENT that is not the lone key) is refused,
//! at the file's line, rather than dropped.

use super::types::{affinity, declared_integer, lone_key, needs_declaring};
use crate::error::Result;
use crate::file::Finding;
use crate::model::{Schema, SqlType, Table};
use std::collections::HashMap;

/// What of `schema` SQLite cannot store.
pub(super) fn check(schema: &Schema) -> Vec<Finding> {
    let mut found = Vec::new();
    for name in schema.enums.keys() {
        let message = format!("enum \"{name}\": enum types exist on PostgreSQL only; on SQLite use text with a check");
        found.push(Finding::section("enums", Some(name), message));
    }
    for aggregate in schema.aggregates.values() {
        let message = format!("aggregate \"{}\": SQLite has no stored aggregates", aggregate.name);
        found.push(Finding::section("aggregates", Some(&aggregate.name), message));
    }
    for name in schema.domains.keys() {
        let message = format!("domain \"{name}\": domains exist on PostgreSQL only");
        found.push(Finding::section("domains", Some(name), message).hint("use the base type with a check"));
    }
    for name in schema.collations.keys() {
        let message = format!("collation \"{name}\": collations of a schema's own exist on PostgreSQL only");
        found.push(Finding::section("collations", Some(name), message).hint("SQLite has BINARY, NOCASE and RTRIM"));
    }
    for name in schema.composite_types.keys() {
        let message = format!("type \"{name}\": composite types exist on PostgreSQL only");
        found.push(Finding::section("types", Some(name), message));
    }
    for name in schema.sequences.keys() {
        let message = format!("sequence \"{name}\": SQLite has no sequences");
        found.push(Finding::section("sequences", Some(name), message).hint("use `autoincrement: true` on the key"));
    }
    for table in schema.tables.values() {
        let t = table.name.as_str();
        if table.columns.is_empty() {
            let message = format!("table \"{t}\" has no columns, which SQLite does not allow");
            found.push(Finding::table(t, Some("columns"), message));
        }
        for name in table.exclusions.keys() {
            let message =
                format!("exclusion constraint \"{name}\" of table \"{t}\": SQLite has no exclusion constraints");
            found.push(Finding::entry(t, "exclusions", name, message));
        }
        if table.row_level_security.is_some() || !table.policies.is_empty() {
            let message = format!("table \"{t}\": row level security and policies exist on PostgreSQL only");
            found.push(Finding::table(t, Some("policies"), message));
        }
        if !table.statistics.is_empty() {
            let message = format!("table \"{t}\" has extended statistics, which exist on PostgreSQL only");
            found.push(Finding::table(t, Some("statistics"), message));
        }
        if table.inherits.is_some() {
            let message = format!("table \"{t}\" inherits from another table, which exists on PostgreSQL only");
            found.push(Finding::table(t, Some("inherits"), message));
        }
        if table.unlogged {
            let message = format!("table \"{t}\" is unlogged, which exists on PostgreSQL only");
            found.push(Finding::table(t, Some("unlogged"), message));
        }
        if !table.storage.is_empty() {
            let message = format!("table \"{t}\" has storage parameters, which exist on PostgreSQL only");
            found.push(Finding::table(t, Some("storage"), message));
        }
        if table.partition_by.is_some() {
            let message = format!("table \"{t}\" is partitioned, which SQLite tables cannot be");
            found.push(Finding::table(t, Some("partition_by"), message));
        }
        if table.partition_of.is_some() {
            let message = format!("table \"{t}\" is a partition, which SQLite tables cannot be");
            found.push(Finding::table(t, Some("partition_of"), message));
        }
        if table.without_rowid && table.primary_key.is_none() {
            let message = format!("table \"{t}\" is WITHOUT ROWID, which needs a primary key");
            found.push(Finding::table(t, Some("without_rowid"), message));
        }
        for column in table.columns.values() {
            let c = column.name.as_str();
            let strict_type =
                matches!(column.sql_type, SqlType::Integer | SqlType::Real | SqlType::Text | SqlType::Blob)
                    || column.sql_type == SqlType::Other("any".into());
            if table.strict && !strict_type {
                let message = format!("column \"{t}.{c}\" has type {} in a STRICT table", column.sql_type);
                found.push(
                    Finding::column(t, c, Some("type"), message)
                        .hint("a STRICT table's columns are integer, real, text, blob or any"),
                );
            }
            if table.without_rowid && column.autoincrement {
                let message = format!("column \"{t}.{c}\": a WITHOUT ROWID table has no AUTOINCREMENT");
                found.push(Finding::column(t, c, Some("autoincrement"), message));
            }
            let sole_key = table.primary_key.as_ref().is_some_and(|pk| pk.columns == [c]);
            if column.autoincrement && !sole_key {
                let message = format!("autoincrement column \"{t}.{c}\" must be the table's only primary key column");
                found.push(Finding::column(t, c, Some("autoincrement"), message).hint(
                    "SQLite numbers only its INTEGER PRIMARY KEY: add `primary_key: true`, or remove `autoincrement`",
                ));
            }
            if column.autoincrement && !column.identity_options.is_default() {
                let message = format!("column \"{t}.{c}\": SQLite's AUTOINCREMENT has no sequence options");
                found.push(Finding::column(t, c, Some("identity"), message));
            }
        }
        let nulls_not_distinct = table.uniques.values().filter(|u| u.nulls_not_distinct).map(|u| ("uniques", &u.name));
        let indexes = table.indexes.values().filter(|i| i.nulls_not_distinct).map(|i| ("indexes", &i.name));
        for (section, name) in nulls_not_distinct.chain(indexes) {
            let message = format!(
                "\"{name}\" of table \"{t}\" counts NULLs as equal (NULLS NOT DISTINCT), which SQLite cannot do"
            );
            found.push(Finding::entry(t, section, name, message));
        }
    }
    for table in schema.tables.values() {
        check_type_names(table, &mut found);
    }
    check_objects(schema, &mut found);
    found
}

/// The portable names a mistyped one is compared with.
const KNOWN_TYPES: &[&str] =
    &["text", "integer", "bigint", "real", "double", "numeric", "decimal", "boolean", "blob", "date", "timestamp"];

/// A type name SQLite does not know gets NUMERIC affinity, which turns
/// `'00123'` into the integer 123: a name no dialect knows is refused
/// unless `declared_type:` asks for it on purpose (one that says INT,
/// CHAR, TEXT, BLOB, REAL, FLOA or DOUB gets the affinity it reads as).
fn check_type_names(table: &Table, found: &mut Vec<Finding>) {
    let t = table.name.as_str();
    for column in table.columns.values() {
        let SqlType::Other(name) = &column.sql_type else { continue };
        if column.declared_type.is_some() || !needs_declaring(name) {
            continue;
        }
        let c = column.name.as_str();
        let message = format!(
            "column \"{t}.{c}\": SQLite does not know type \"{name}\" and would give it NUMERIC affinity (text such \
             as '00123' would be stored as the number 123)"
        );
        let guess = crate::suggest::did_you_mean(name, KNOWN_TYPES).unwrap_or("text");
        let hint = format!("did you mean {guess}? To declare \"{name}\" on purpose, write `declared_type: {name}`");
        found.push(Finding::column(t, c, Some("type"), message).hint(&hint));
    }
}

/// Functions, and what SQLite views and triggers cannot say.
fn check_objects(schema: &Schema, found: &mut Vec<Finding>) {
    for function in schema.functions.values() {
        let section = if function.procedure { "procedures" } else { "functions" };
        let message =
            format!("{} \"{}\": SQLite has no stored functions or procedures", function.kind(), function.name);
        found.push(Finding::section(section, Some(&function.name), message));
    }
    for view in schema.views.values().filter(|v| v.materialized) {
        let message = format!("materialized view \"{}\": SQLite has no materialized views", view.name);
        found.push(Finding::section("materialized_views", Some(&view.name), message).hint("use a view or a table"));
    }
    for view in schema.views.values().filter(|v| !v.materialized) {
        let v = view.name.as_str();
        for (on, key) in [(view.security_barrier, "security_barrier"), (view.security_invoker, "security_invoker")] {
            if on {
                found.push(Finding::view(v, key, format!("view \"{v}\": `{key}` is a PostgreSQL view option")));
            }
        }
        if view.check_option.is_some() {
            found.push(Finding::view(v, "check_option", format!("view \"{v}\": SQLite views have no check option")));
        }
    }
    for trigger in schema.triggers.values() {
        let (t, n) = (trigger.table.as_str(), trigger.name.as_str());
        let what = format!("trigger \"{n}\" on {t}");
        let mut refuse = |key: &str, message: String, hint: &str| {
            found.push(Finding::trigger(schema, t, n, key, message).hint(hint));
        };
        if trigger.function.is_some() {
            refuse(
                "function",
                format!("{what} calls a function, which SQLite triggers cannot"),
                "write the statements it runs as `body:`",
            );
        }
        if !trigger.for_each_row {
            refuse(
                "for_each",
                format!("{what}: SQLite triggers fire for each row only"),
                "remove `for_each: statement`",
            );
        }
        if trigger.events.len() != 1 {
            refuse("events", format!("{what}: a SQLite trigger fires on one event"), "make one trigger per event");
        }
        if trigger.events.iter().any(|e| e == "truncate") {
            refuse("events", format!("{what}: SQLite has no TRUNCATE"), "use `delete`");
        }
        if trigger.old_table.is_some() || trigger.new_table.is_some() {
            refuse(
                "referencing",
                format!("{what}: SQLite triggers have no transition tables"),
                "use OLD and NEW in the body",
            );
        }
        if !trigger.arguments.is_empty() {
            refuse("arguments", format!("{what}: SQLite triggers take no arguments"), "remove `arguments`");
        }
        if !schema.tables.contains_key(t) && !schema.views.contains_key(t) {
            refuse(
                "timing",
                format!("{what}: no table or view \"{t}\" in this file"),
                "put the trigger under its table",
            );
        }
    }
}

pub(super) fn adapt(mut schema: Schema) -> Result<Schema> {
    // Extensions are a PostgreSQL notion; SQLite has nothing to install.
    schema.extensions.clear();
    // SQLite keeps no comments.
    schema.views.values_mut().for_each(|v| v.comment = None);
    schema.triggers.values_mut().for_each(|t| t.comment = None);
    for table in schema.tables.values_mut() {
        table.comment = None;
        for column in table.columns.values_mut() {
            column.comment = None;
            column.identity_always = false;
            if column.autoincrement {
                column.sql_type = SqlType::Integer;
            }
        }
        keep_declared_types(table);
        for fk in table.foreign_keys.values_mut() {
            fk.deferrable = false;
            fk.initially_deferred = false;
        }
        if let Some(pk) = &mut table.primary_key {
            pk.comment = None;
        }
        table.uniques.values_mut().for_each(|u| u.comment = None);
        table.checks.values_mut().for_each(|c| c.comment = None);
        table.foreign_keys.values_mut().for_each(|fk| fk.comment = None);
        for index in table.indexes.values_mut() {
            index.comment = None;
            index.method = None;
            index.include.clear();
            index.with.clear();
            index.tablespace = None;
            for part in &mut index.parts {
                part.nulls_first = None;
                part.opclass = None;
            }
        }
    }
    Ok(schema)
}

/// Which written spellings of a type SQLite declares as written: those
/// with the affinity of the canonical spelling (`DATETIME` for `timestamp`,
/// not `BYTEA` for `blob`, which would store numbers as numbers), except
/// on a lone integer key, which stays `INTEGER` (the rowid; `INT PRIMARY
/// KEY` would not be).
fn keep_declared_types(table: &mut Table) {
    let key = lone_key(table);
    for column in table.columns.values_mut() {
        let Some(spelled) = &column.declared_type else { continue };
        let canonical = column.sql_type.to_string();
        if declared_integer(column, key.as_deref()) || affinity(spelled) != affinity(&canonical) {
            column.declared_type = None;
        }
    }
}

/// A desired column the file spells canonically keeps the database's own
/// spelling of the same type (`DATETIME`), so a rebuild declares it again.
pub(super) fn keep_live_spellings(mut desired: Schema, current: &Schema) -> Schema {
    for table in desired.tables.values_mut() {
        let live_name = table.renamed_from.as_deref().unwrap_or(&table.name);
        let Some(live_table) = current.tables.get(live_name) else { continue };
        let key = lone_key(table);
        for column in table.columns.values_mut() {
            let live_name = column.renamed_from.as_deref().unwrap_or(&column.name);
            if column.declared_type.is_some() || declared_integer(column, key.as_deref()) {
                continue;
            }
            if let Some(live) = live_table.columns.get(live_name).filter(|l| l.sql_type == column.sql_type) {
                column.declared_type = live.declared_type.clone();
            }
        }
    }
    desired
}

/// SQLite compares names ignoring ASCII case: a table or column the file
/// spells otherwise than the database (`users`, `USERS`) is the same one,
/// renamed to the file's spelling. So is the old name a `renamed_from`
/// hint gives.
pub(super) fn match_case(mut desired: Schema, current: &Schema) -> Schema {
    let live_tables = by_folded_name(current.tables.keys());
    for table in desired.tables.values_mut() {
        if let Some(live) = live_spelling(&table.name, table.renamed_from.as_deref(), &live_tables) {
            table.renamed_from = Some(live);
        }
        let live_name = table.renamed_from.as_deref().unwrap_or(&table.name);
        let Some(live_table) = current.tables.get(live_name) else {
            continue;
        };
        let live_columns = by_folded_name(live_table.columns.keys());
        for column in table.columns.values_mut() {
            if let Some(live) = live_spelling(&column.name, column.renamed_from.as_deref(), &live_columns) {
                column.renamed_from = Some(live);
            }
        }
    }
    desired
}

fn by_folded_name<'a>(names: impl Iterator<Item = &'a String>) -> HashMap<String, &'a String> {
    names.map(|name| (name.to_ascii_lowercase(), name)).collect()
}

/// The database's spelling of `name` (or of the name it is renamed from),
/// when the database has it only in another case.
fn live_spelling(name: &str, renamed_from: Option<&str>, live: &HashMap<String, &String>) -> Option<String> {
    let exact = |n: &str| live.get(&n.to_ascii_lowercase()).is_some_and(|l| *l == n);
    if exact(name) || renamed_from.is_some_and(exact) {
        return None;
    }
    let wanted = renamed_from.unwrap_or(name);
    live.get(&wanted.to_ascii_lowercase()).map(|l| l.to_string())
}
