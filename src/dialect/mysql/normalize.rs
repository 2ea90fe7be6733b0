//! What of a schema file MySQL can store, and the file's schema as MySQL
//! stores it, so that comparing it with an inspected database is exact:
//!
//! - without a server ([`check`], [`adapt`]): the portable types as MySQL
//!   stores them, the file's enums inline, `RESTRICT` as `NO ACTION`, plain
//!   unique indexes as unique constraints, `now()` as `current_timestamp()`;
//! - with one ([`normalize`]): character sets as their default collations,
//!   what the table or database already has left out, engines as the
//!   server spells them, and check, generated and default expressions as
//!   the server stores them (`length(a)` is `octet_length(`a`)`), learnt
//!   from a temporary table that is gone with the statement after.

use super::inspect::shaped_as_own_index;
use super::parse::{parse_show_create, standard_quotes};
use super::session::{Session, database_error, literal, quote, rows};
use super::types::{self, canonical_default, canonical_now, column_type, is_integer, is_long, is_text};
use crate::error::{Error, Result};
use crate::file::Finding;
use crate::model::{Column, DefaultValue, Expr, IndexKey, ReferentialAction, Schema, SqlType, Table, Unique, naming};
use mysql::prelude::Queryable;
use std::collections::HashMap;

/// What of `schema` MySQL cannot store.
pub(super) fn check(schema: &Schema) -> Vec<Finding> {
    let mut found = Vec::new();
    let postgres_only = |section: &str, what: &str, name: &str| {
        Finding::section(section, Some(name), format!("{what} \"{name}\": {what}s exist on PostgreSQL only"))
    };
    for name in schema.domains.keys() {
        found.push(postgres_only("domains", "domain", name).hint("use the base type with a check"));
    }
    for name in schema.collations.keys() {
        found.push(postgres_only("collations", "collation", name).hint("use the server's own collations by name"));
    }
    for name in schema.composite_types.keys() {
        found.push(postgres_only("types", "composite type", name));
    }
    // MariaDB's sequences count in bigint, belong to no column, and keep
    // no comment dbshape reads.
    for sequence in schema.sequences.values() {
        let name = sequence.name.as_str();
        let problem = if sequence.owned_by.is_some() {
            Some("`owned_by` is PostgreSQL's")
        } else if sequence.comment.is_some() {
            Some("dbshape does not keep a MariaDB sequence's comment")
        } else if sequence.sql_type != SqlType::BigInt {
            Some("a MariaDB sequence counts in bigint")
        } else {
            None
        };
        if let Some(problem) = problem {
            found.push(Finding::section("sequences", Some(name), format!("sequence \"{name}\": {problem}")));
        }
    }
    for aggregate in schema.aggregates.values() {
        found.push(postgres_only("aggregates", "aggregate", &aggregate.name));
    }
    for function in schema.functions.values() {
        let message = format!("function \"{}\": dbshape does not manage MySQL routines yet", function.name);
        found.push(Finding::section("functions", Some(&function.name), message));
    }
    for view in schema.views.values() {
        let message = format!("view \"{}\": dbshape does not manage MySQL views yet", view.name);
        found.push(Finding::section("views", Some(&view.name), message));
    }
    for trigger in schema.triggers.values() {
        let message =
            format!("trigger \"{}\" on {}: dbshape does not manage MySQL triggers yet", trigger.name, trigger.table);
        found.push(Finding::trigger(schema, &trigger.table, &trigger.name, "timing", message));
    }
    for name in schema.extensions.keys() {
        found.push(Finding::section(
            "extensions",
            None,
            format!("extension \"{name}\": extensions exist on PostgreSQL only"),
        ));
    }
    for table in schema.tables.values() {
        check_table(schema, table, &mut found);
    }
    // Index names are the table's own on MySQL; foreign key names are the
    // database's.
    let mut keys: HashMap<String, &str> = HashMap::new();
    for table in schema.tables.values() {
        for fk in table.foreign_keys.values() {
            if let Some(other) = keys.insert(fk.name.to_ascii_lowercase(), &table.name) {
                let message = format!(
                    "foreign key \"{}\" of \"{}\": table \"{other}\" has a foreign key of that name, and MySQL \
                     names foreign keys in the database",
                    fk.name, table.name
                );
                found.push(Finding::entry(&table.name, "foreign_keys", &fk.name, message));
            }
        }
    }
    found
}

fn check_table(schema: &Schema, table: &Table, found: &mut Vec<Finding>) {
    let t = table.name.as_str();
    if table.name.contains('.') {
        let message = format!("table \"{t}\": on MySQL the URL's database is the one managed, names are not qualified");
        found.push(Finding::table(t, None, message));
    }
    if table.columns.is_empty() {
        found.push(Finding::table(
            t,
            Some("columns"),
            format!("table \"{t}\" has no columns, which MySQL does not allow"),
        ));
    }
    for (what, key, set) in [
        ("STRICT", "strict", table.strict),
        ("WITHOUT ROWID", "without_rowid", table.without_rowid),
        ("partitioned", "partition_by", table.partition_by.is_some()),
        ("a partition", "partition_of", table.partition_of.is_some()),
        ("row level security", "row_level_security", table.row_level_security.is_some() || !table.policies.is_empty()),
        ("unlogged", "unlogged", table.unlogged),
        ("inheriting from another table", "inherits", table.inherits.is_some()),
        ("given extended statistics", "statistics", !table.statistics.is_empty()),
        ("given storage parameters", "storage", !table.storage.is_empty()),
    ] {
        if set {
            found.push(Finding::table(
                t,
                Some(key),
                format!("table \"{t}\" is {what}, which dbshape does not support on MySQL"),
            ));
        }
    }
    for name in table.exclusions.keys() {
        let message =
            format!("exclusion constraint \"{name}\" of table \"{t}\": exclusion constraints exist on PostgreSQL only");
        found.push(Finding::entry(t, "exclusions", name, message));
    }
    if let Some(pk) = &table.primary_key
        && pk.comment.is_some()
    {
        found.push(Finding::table(
            t,
            Some("primary_key"),
            format!("the primary key of \"{t}\": MySQL keeps no comment on it"),
        ));
    }
    for column in table.columns.values() {
        check_column(schema, table, column, found);
    }
    check_keys(schema, table, found);
    if t.chars().any(|ch| ch > '\u{ffff}') {
        let message = format!("table \"{t}\": MySQL names hold no characters beyond U+FFFF (such as emoji)");
        found.push(Finding::table(t, None, message));
    }
    check_foreign_keys(schema, table, found);
    check_indexes(schema, table, found);
}

/// What of one column MySQL cannot store.
fn check_column(schema: &Schema, table: &Table, column: &Column, found: &mut Vec<Finding>) {
    let t = table.name.as_str();
    let c = column.name.as_str();
    let sql_type = resolved_type(schema, &column.sql_type);
    if matches!(sql_type, SqlType::Array(_)) {
        let message = format!("column \"{t}.{c}\" has type {}: MySQL has no arrays", column.sql_type);
        found.push(Finding::column(t, c, Some("type"), message).hint("use json"));
    }
    if sql_type == SqlType::Varchar(None) {
        let message = format!("column \"{t}.{c}\": a MySQL varchar needs a length");
        found.push(Finding::column(t, c, Some("type"), message).hint("write varchar(255), or use text"));
    }
    if column.autoincrement && !is_integer(&sql_type) {
        let message = format!("autoincrement column \"{t}.{c}\" has type {}, not an integer type", column.sql_type);
        found.push(Finding::column(t, c, Some("autoincrement"), message));
    }
    if column.autoincrement && (column.identity_always || !column.identity_options.is_default()) {
        let message = format!("column \"{t}.{c}\": MySQL's AUTO_INCREMENT has no identity options");
        found.push(Finding::column(t, c, Some("identity"), message).hint("write `autoincrement: true`"));
    }
    if column.autoincrement && !leads_a_key(table, c) {
        let message =
            format!("autoincrement column \"{t}.{c}\" is not the first column of a key, which MySQL requires");
        found.push(Finding::column(t, c, Some("autoincrement"), message).hint("add `primary_key: true`"));
    }
    if (column.collation.is_some() || column.charset.is_some()) && !is_text(&sql_type) {
        let message =
            format!("column \"{t}.{c}\" has type {}, which has no character set or collation", column.sql_type);
        found.push(Finding::column(t, c, Some("collation"), message));
    }
    if column.name.chars().any(|ch| ch > '\u{ffff}') {
        let message = format!("column \"{t}.{c}\": MySQL names hold no characters beyond U+FFFF (such as emoji)");
        found.push(Finding::column(t, c, None, message));
    }
    if column.using.is_some() {
        let message = format!("column \"{t}.{c}\": MySQL has no USING for a type change");
        found.push(
            Finding::column(t, c, Some("using"), message).hint(
                "remove `using:`: MODIFY COLUMN converts each value itself (the data checks count those it cannot)",
            ),
        );
    }
    if let Some(generated) = &column.generated {
        let named = crate::sql::lexer::identifiers(generated.as_str());
        let counted = table.columns.values().find(|o| o.autoincrement && named.contains(&o.name.to_ascii_lowercase()));
        if let Some(counted) = counted {
            let message = format!(
                "generated column \"{t}.{c}\" reads \"{}\", which is AUTO_INCREMENT: MySQL computes generated \
                 columns before it numbers the row",
                counted.name
            );
            found.push(Finding::column(t, c, Some("generated"), message));
        }
    }
    if column.generated.is_some() && !column.nullable {
        let message = format!("generated column \"{t}.{c}\" cannot be NOT NULL on MariaDB");
        found.push(Finding::column(t, c, Some("nullable"), message).hint("remove `nullable: false`"));
    }
    if let Some(on_update) = &column.on_update
        && canonical_now(on_update.as_str()).is_empty()
    {
        let message = format!("column \"{t}.{c}\": MySQL updates a column only to CURRENT_TIMESTAMP, not {on_update}");
        found.push(Finding::column(t, c, Some("on_update"), message));
    }
}

/// Unique keys and checks MySQL or MariaDB cannot keep.
fn check_keys(schema: &Schema, table: &Table, found: &mut Vec<Finding>) {
    let t = table.name.as_str();
    // MariaDB keeps a unique key on text as a hash, which cannot hold an
    // AUTO_INCREMENT column.
    let unique_keys = table.uniques.values().map(|u| ("uniques", &u.name, u.columns.clone())).chain(
        table
            .indexes
            .values()
            .filter(|i| i.unique)
            .map(|i| ("indexes", &i.name, i.columns().map(str::to_string).collect())),
    );
    for (section, name, columns) in unique_keys {
        let column = |name: &String| table.columns.get(name);
        let long = columns.iter().filter_map(column).any(|c| is_long(&resolved_type(schema, &c.sql_type)));
        if let Some(counted) = columns.iter().filter_map(column).find(|c| c.autoincrement)
            && long
        {
            let message = format!(
                "unique key \"{name}\" of \"{t}\" holds a text column and the AUTO_INCREMENT column {}, which \
                 MariaDB cannot keep together",
                counted.name
            );
            found.push(Finding::entry(t, section, name, message).hint("use varchar(n) for the text column"));
        }
    }
    for unique in table.uniques.values().filter(|u| u.nulls_not_distinct) {
        let message = format!("unique constraint \"{}\" of \"{t}\": MySQL cannot count NULLs as equal", unique.name);
        found.push(Finding::entry(t, "uniques", &unique.name, message));
    }
    for check in table.checks.values() {
        let named = crate::sql::lexer::identifiers(check.expr.as_str());
        if let Some(counted) =
            table.columns.values().find(|o| o.autoincrement && named.contains(&o.name.to_ascii_lowercase()))
        {
            let message = format!(
                "check \"{}\" of \"{t}\" reads \"{}\", which is AUTO_INCREMENT: MySQL checks a row before it numbers it",
                check.name, counted.name
            );
            found.push(Finding::entry(t, "checks", &check.name, message));
        }
    }
    for check in table.checks.values().filter(|c| c.comment.is_some()) {
        let message = format!("check \"{}\" of \"{t}\": MySQL keeps no comment on a check", check.name);
        found.push(Finding::entry(t, "checks", &check.name, message));
    }
}

/// Foreign keys InnoDB refuses.
fn check_foreign_keys(schema: &Schema, table: &Table, found: &mut Vec<Finding>) {
    let t = table.name.as_str();
    for fk in table.foreign_keys.values() {
        let n = fk.name.as_str();
        // InnoDB keys integers of one type only to the same type.
        let parent = schema.tables.get(&fk.ref_table);
        for (column, referenced) in fk.columns.iter().zip(&fk.ref_columns) {
            let ty = |t: &Table, c: &str| t.columns.get(c).map(|c| types::stored(&resolved_type(schema, &c.sql_type)));
            if let (Some(own), Some(theirs)) = (ty(table, column), parent.and_then(|p| ty(p, referenced)))
                && (is_integer(&own) || is_integer(&theirs))
                && own != theirs
            {
                let message = format!(
                    "foreign key \"{n}\" of \"{t}\": column {column} is {own} but {}.{referenced} is {theirs}, and \
                     MySQL keys an integer only to the same type",
                    fk.ref_table
                );
                found.push(Finding::entry(t, "foreign_keys", n, message).hint("give both columns the same type"));
            }
        }
        let not_null = fk.columns.iter().any(|c| table.columns.get(c).is_some_and(|c| !c.nullable));
        if not_null && (fk.on_delete == ReferentialAction::SetNull || fk.on_update == ReferentialAction::SetNull) {
            let message = format!("foreign key \"{n}\" of \"{t}\" sets NOT NULL columns to NULL, which MySQL refuses");
            found.push(
                Finding::entry(t, "foreign_keys", n, message).hint("make the columns nullable, or pick another action"),
            );
        }
        if fk.deferrable || fk.initially_deferred {
            found.push(Finding::entry(
                t,
                "foreign_keys",
                n,
                format!("foreign key \"{n}\" of \"{t}\": MySQL checks keys at once, never deferred"),
            ));
        }
        if fk.on_delete == ReferentialAction::SetDefault || fk.on_update == ReferentialAction::SetDefault {
            found.push(Finding::entry(
                t,
                "foreign_keys",
                n,
                format!("foreign key \"{n}\" of \"{t}\": InnoDB has no SET DEFAULT action"),
            ));
        }
        if fk.comment.is_some() {
            found.push(Finding::entry(
                t,
                "foreign_keys",
                n,
                format!("foreign key \"{n}\" of \"{t}\": MySQL keeps no comment on it"),
            ));
        }
    }
}

/// Index options MySQL does not have.
fn check_indexes(schema: &Schema, table: &Table, found: &mut Vec<Finding>) {
    let t = table.name.as_str();
    for index in table.indexes.values() {
        let n = index.name.as_str();
        let mut refuse = |what: &str| {
            found.push(Finding::entry(t, "indexes", n, format!("index \"{n}\" of \"{t}\": {what}")));
        };
        if index.predicate.is_some() {
            refuse("MySQL has no partial indexes (`where:`)");
        }
        if !index.include.is_empty() {
            refuse("MySQL has no INCLUDE columns");
        }
        if index.nulls_not_distinct {
            refuse("MySQL cannot count NULLs as equal");
        }
        if !index.with.is_empty() {
            refuse("MySQL indexes have no storage parameters (`with:`)");
        }
        if let Some(method) = &index.method
            && !matches!(method.as_str(), "hash" | "fulltext" | "spatial")
        {
            refuse(&format!("MySQL has no \"{method}\" indexes (btree, hash, fulltext or spatial)"));
        }
        if index.parts.iter().any(|p| p.nulls_first.is_some() || p.opclass.is_some() || p.collation.is_some()) {
            refuse("MySQL index keys have no NULLS order, operator class or collation");
        }
        let plain = index.method.is_none() || index.method.as_deref() == Some("hash");
        for part in index.parts.iter().filter(|p| p.length.is_none() && plain && !index.unique) {
            if let IndexKey::Column(name) = &part.key
                && let Some(column) = table.columns.get(name)
                && is_long(&resolved_type(schema, &column.sql_type))
            {
                let message = format!(
                    "index \"{n}\" of \"{t}\": MySQL indexes a {} column only by a prefix of it",
                    column.sql_type
                );
                found.push(
                    Finding::entry(t, "indexes", n, message)
                        .hint(&format!("give the prefix length: `{name}(100)`, or use varchar(n)")),
                );
            }
        }
    }
}

fn leads_a_key(table: &Table, column: &str) -> bool {
    let first = |columns: &[String]| columns.first().is_some_and(|c| c == column);
    table.primary_key.as_ref().is_some_and(|pk| first(&pk.columns))
        || table.uniques.values().any(|u| first(&u.columns))
        || table.indexes.values().any(|i| i.parts.first().is_some_and(|p| p.key == IndexKey::Column(column.into())))
}

/// A column type with the file's enum names replaced by their inline ENUM.
fn resolved_type(schema: &Schema, sql_type: &SqlType) -> SqlType {
    if let SqlType::Other(name) = sql_type {
        let bare = name.trim_matches('"');
        if let Some(labels) = schema.enums.get(name).or_else(|| schema.enums.get(bare)) {
            let labels: Vec<String> = labels.iter().map(|l| literal(l)).collect();
            return SqlType::Other(format!("enum({})", labels.join(",")));
        }
    }
    sql_type.clone()
}

/// The schema file's schema as MySQL stores it, as far as that is known
/// without a server.
pub(super) fn adapt(mut schema: Schema) -> Result<Schema> {
    for sequence in schema.sequences.values_mut() {
        sequence.options = types::sequence_options(&sequence.options);
    }
    let enums = std::mem::take(&mut schema.enums);
    let with_enums = Schema { enums, ..Schema::default() };
    for table in schema.tables.values_mut() {
        for column in table.columns.values_mut() {
            column.sql_type = types::stored(&resolved_type(&with_enums, &column.sql_type));
            column.declared_type = None;
            column.default = column.default.take().map(|d| canonical_default(d, &column.sql_type));
            column.on_update = column.on_update.take().map(|e| Expr::new(canonical_now(e.as_str())));
            column.collation = column.collation.take().map(|c| c.to_ascii_lowercase());
            column.charset = column.charset.take().map(|c| c.to_ascii_lowercase());
            if column.autoincrement {
                column.nullable = false;
            }
        }
        if let Some(pk) = &mut table.primary_key {
            pk.name = naming::primary_key(&table.name);
        }
        for fk in table.foreign_keys.values_mut() {
            for action in [&mut fk.on_delete, &mut fk.on_update] {
                if *action == ReferentialAction::Restrict {
                    *action = ReferentialAction::NoAction;
                }
            }
        }
        // MariaDB keeps a unique index over text as a hash, which has no
        // order: its keys read back ascending.
        for index in table.indexes.values_mut().filter(|i| i.unique && i.method.is_none()) {
            let long = index.parts.iter().any(
                |p| matches!(&p.key, IndexKey::Column(c) if table.columns.get(c).is_some_and(|c| is_long(&c.sql_type))),
            );
            if long && index.parts.iter().all(|p| p.length.is_none()) {
                for part in &mut index.parts {
                    part.descending = false;
                }
            }
        }
        // A plain unique index is what MySQL makes for a unique constraint.
        let plain_unique: Vec<String> = table
            .indexes
            .values()
            .filter(|i| {
                i.unique
                    && i.method.is_none()
                    && !i.invisible
                    && i.parts
                        .iter()
                        .all(|p| p.length.is_none() && !p.descending && matches!(p.key, IndexKey::Column(_)))
            })
            .map(|i| i.name.clone())
            .collect();
        for name in plain_unique {
            if let Some(index) = table.indexes.shift_remove(&name) {
                let columns = index.columns().map(str::to_string).collect();
                table.uniques.insert(name.clone(), Unique { comment: index.comment, ..Unique::new(name, columns) });
            }
        }
        for index in table.indexes.values_mut() {
            index.method = index.method.take().filter(|m| m != "btree");
            index.tablespace = None;
        }
        table.row_format = table.row_format.take().map(|f| f.to_ascii_uppercase());
        table.collation = table.collation.take().map(|c| c.to_ascii_lowercase());
        table.charset = table.charset.take().map(|c| c.to_ascii_lowercase());
    }
    Ok(schema)
}

/// The adapted desired schema as this server stores it.
pub(super) fn normalize(conn: &mut Session, mut desired: Schema, current: &Schema) -> Result<Schema> {
    let failed =
        |e: mysql::Error| Error::Database { doing: "read the server's defaults".into(), cause: database_error(e) };
    let needs_charsets =
        desired.tables.values().any(|t| t.charset.is_some() || t.columns.values().any(|c| c.charset.is_some()));
    let mut default_collation: HashMap<String, String> = HashMap::new();
    if needs_charsets {
        for row in rows(
            &mut conn.conn,
            "SELECT CHARACTER_SET_NAME, DEFAULT_COLLATE_NAME FROM information_schema.CHARACTER_SETS",
        )
        .map_err(failed)?
        {
            if let [Some(set), Some(collation)] = row.as_slice() {
                default_collation.insert(set.to_ascii_lowercase(), collation.clone());
            }
        }
    }
    let needs_engines = desired.tables.values().any(|t| t.engine.is_some());
    let mut engines: HashMap<String, String> = HashMap::new();
    if needs_engines {
        for row in rows(&mut conn.conn, "SELECT ENGINE FROM information_schema.ENGINES").map_err(failed)? {
            if let Some(Some(engine)) = row.first() {
                engines.insert(engine.to_ascii_lowercase(), engine.clone());
            }
        }
    }
    let charset_collation = |charset: &str, what: &str| -> Result<String> {
        default_collation
            .get(charset)
            .cloned()
            .ok_or_else(|| Error::Unsupported(format!("{what}: the server has no character set \"{charset}\"")))
    };
    let database_collation = conn.defaults.collation.clone();
    for table in desired.tables.values_mut() {
        if let Some(engine) = table.engine.take() {
            let spelled = engines.get(&engine.to_ascii_lowercase()).cloned().unwrap_or(engine);
            table.engine = Some(spelled).filter(|e| !e.eq_ignore_ascii_case(&conn.defaults.engine));
        }
        if let Some(charset) = table.charset.take()
            && table.collation.is_none()
        {
            table.collation = Some(charset_collation(&charset, &format!("table \"{}\"", table.name))?);
        }
        table.collation = table.collation.take().filter(|c| *c != database_collation);
        let effective = table.collation.clone().unwrap_or_else(|| database_collation.clone());
        for column in table.columns.values_mut() {
            if let Some(charset) = column.charset.take()
                && column.collation.is_none()
            {
                column.collation =
                    Some(charset_collation(&charset, &format!("column \"{}.{}\"", table.name, column.name))?);
            }
            if column.sql_type == SqlType::Json {
                column.collation = None;
            }
            column.collation = column.collation.take().filter(|c| *c != effective);
        }
    }
    drop_own_indexes(&mut desired, current);
    spell_expressions(conn, &mut desired, current)?;
    Ok(desired)
}

/// A file's index that is the one MySQL made for a live foreign key the file
/// keeps (a file written from an inspector that showed it, or by hand) is
/// that key's own, as the inspector reads it: not an index to make again.
fn drop_own_indexes(desired: &mut Schema, current: &Schema) {
    for table in desired.tables.values_mut() {
        let Some(live) = current.tables.get(&table.name) else { continue };
        for fk in live.foreign_keys.values() {
            let Some(name) = &fk.own_index else { continue };
            let own = table.indexes.get(name).is_some_and(|i| shaped_as_own_index(i, &fk.columns));
            // Kept as it is: a changed key is made again, with an index of
            // its own, and the file's index then is one of its own too.
            if own && table.foreign_keys.values().any(|d| fk.same_definition(d)) {
                table.indexes.shift_remove(name);
            }
        }
    }
}

/// Whether every expression of `wanted` is already spelled as the live
/// table has it.
fn expressions_match(wanted: &Table, live: Option<&Table>) -> bool {
    let Some(live) = live else {
        return !has_expressions(wanted);
    };
    wanted.checks.values().all(|c| live.checks.get(&c.name).is_some_and(|l| l.expr == c.expr))
        && wanted.columns.values().all(|c| {
            let live_column = live.columns.get(&c.name);
            (c.generated.is_none() || live_column.is_some_and(|l| l.generated == c.generated))
                && (!matches!(c.default, Some(DefaultValue::Expr(_)))
                    || live_column.is_some_and(|l| l.default == c.default))
        })
}

fn has_expressions(table: &Table) -> bool {
    !table.checks.is_empty()
        || table.columns.values().any(|c| c.generated.is_some() || matches!(c.default, Some(DefaultValue::Expr(_))))
}

/// Learns how the server stores the expressions of the desired tables
/// that differ from the live ones: each such table is made as a temporary
/// table (no keys, no indexes) and read back with SHOW CREATE TABLE.
fn spell_expressions(conn: &mut Session, desired: &mut Schema, current: &Schema) -> Result<()> {
    let names: Vec<String> = desired
        .tables
        .values()
        .filter(|t| {
            let live = current
                .tables
                .get(t.renamed_from.as_deref().unwrap_or(&t.name))
                .or_else(|| current.tables.get(&t.name));
            !expressions_match(t, live)
        })
        .map(|t| t.name.clone())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    let sequence_failed = |e: mysql::Error| Error::Database {
        doing: "make the file's new sequences as temporary ones, for the defaults that read them".into(),
        cause: database_error(e),
    };
    // A default reading a sequence the plan makes reads a temporary one
    // of its name (dropped below); the server names it with the database.
    let new_sequences: Vec<String> =
        desired.sequences.keys().filter(|s| !current.sequences.contains_key(*s)).cloned().collect();
    for sequence in &new_sequences {
        conn.conn.query_drop(format!("CREATE TEMPORARY SEQUENCE {}", quote(sequence))).map_err(sequence_failed)?;
    }
    let database: Option<String> = conn.conn.query_first("SELECT DATABASE()").map_err(sequence_failed)?;
    let qualifier = format!("`{}`.", database.unwrap_or_default());
    let spelled = spell_tables(conn, desired, &names, &qualifier);
    for sequence in &new_sequences {
        conn.conn.query_drop(format!("DROP TEMPORARY SEQUENCE {}", quote(sequence))).map_err(sequence_failed)?;
    }
    spelled
}

/// [`spell_expressions`] for the tables `names`, the database's
/// `qualifier` taken out of what the server prints.
fn spell_tables(conn: &mut Session, desired: &mut Schema, names: &[String], qualifier: &str) -> Result<()> {
    const SCRATCH: &str = "_dbshape_spell";
    for name in names {
        let table = &desired.tables[name];
        let mut parts: Vec<String> = table
            .columns
            .values()
            .map(|c| {
                let mut sql = format!("{} {}", quote(&c.name), column_type(&c.sql_type));
                if let Some(collation) = &c.collation {
                    sql.push_str(&format!(" COLLATE {collation}"));
                }
                if let Some(generated) = &c.generated {
                    let kind = if c.generated_virtual { "VIRTUAL" } else { "STORED" };
                    sql.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", generated.unwrapped()));
                } else if let Some(DefaultValue::Expr(expr)) = &c.default {
                    sql.push_str(&format!(" DEFAULT ({})", expr.unwrapped()));
                }
                sql
            })
            .collect();
        parts.extend(
            table.checks.values().map(|c| format!("CONSTRAINT {} CHECK ({})", quote(&c.name), c.expr.unwrapped())),
        );
        let create = format!("CREATE TEMPORARY TABLE {} ({})", quote(SCRATCH), parts.join(", "));
        let refused = |e: mysql::Error| Error::Database {
            doing: format!("check the definition of table \"{name}\" (made as a temporary table, then dropped)"),
            cause: database_error(e),
        };
        let _ = conn.conn.query_drop(format!("DROP TEMPORARY TABLE IF EXISTS {}", quote(SCRATCH)));
        conn.conn.query_drop(&create).map_err(|e| Error::rejected(&format!("table \"{name}\""), database_error(e)))?;
        let shown: Option<(String, String)> =
            conn.conn.query_first(format!("SHOW CREATE TABLE {}", quote(SCRATCH))).map_err(refused)?;
        conn.conn.query_drop(format!("DROP TEMPORARY TABLE {}", quote(SCRATCH))).map_err(refused)?;
        let text = shown.map(|(_, text)| text).unwrap_or_default().replace(qualifier, "");
        let spelled = parse_show_create(&standard_quotes(&text));
        let table = &mut desired.tables[name];
        for check in table.checks.values_mut() {
            if let Some(expr) = spelled.checks.get(&check.name) {
                check.expr = Expr::spelled(&check.expr, &Expr::new(expr.clone()), None);
            }
        }
        for column in table.columns.values_mut() {
            if let (Some(generated), Some(expr)) = (&column.generated, spelled.generated.get(&column.name)) {
                column.generated = Some(Expr::spelled(generated, &Expr::new(expr.clone()), None));
            }
            if let (Some(DefaultValue::Expr(written)), Some(expr)) =
                (&column.default, spelled.defaults.get(&column.name))
            {
                column.default = match DefaultValue::from_sql(expr) {
                    Some(DefaultValue::Expr(stored)) => Some(DefaultValue::Expr(Expr::spelled(written, &stored, None))),
                    // `(1)` is stored as the literal 1.
                    other => other.map(|d| canonical_default(d, &column.sql_type)),
                };
            }
        }
    }
    Ok(())
}
