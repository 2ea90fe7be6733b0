//! The MySQL/MariaDB inspector: `information_schema` of the URL's database
//! read into the model in a fixed number of queries, whatever the number of
//! tables. What MySQL adds on its own reads as if it were not there: the
//! index it makes for a foreign key, collations inherited from the table or
//! the database, integer display widths, MariaDB's JSON check.

use super::parse::{mariadb_string, standard_quotes};
use super::session::{Row, ServerDefaults, database_error, literal, quote, rows};
use super::types::{self, canonical_default, canonical_now, from_column_type, is_text};
use crate::error::{Error, Result};
use crate::model::{
    Check, Column, DefaultValue, Expr, ForeignKey, Index, IndexKey, IndexPart, Literal, PrimaryKey, ReferentialAction,
    Schema, Sequence, SequenceOptions, SqlType, Table, Unique, UnmanagedDependent, naming,
};
use mysql::Conn;
use mysql::prelude::Queryable;
use std::collections::{HashMap, HashSet};

/// Tables dbshape never manages: its own scratch names.
pub(super) fn is_internal(name: &str) -> bool {
    name.to_ascii_lowercase().starts_with("_dbshape_")
}

fn read_failed(e: mysql::Error) -> Error {
    Error::Database { doing: "read the database schema".into(), cause: database_error(e) }
}

pub(super) fn inspect(conn: &mut Conn, defaults: &ServerDefaults) -> Result<Schema> {
    let mut schema = Schema::default();
    let database: String = conn.query_first("SELECT DATABASE()").map_err(read_failed)?.unwrap_or_default();
    read_tables(conn, defaults, &mut schema)?;
    read_unmanaged(conn, &mut schema)?;
    read_columns(conn, defaults, &mut schema)?;
    read_checks(conn, defaults, &mut schema)?;
    let indexes = read_indexes(conn, defaults, &schema)?;
    read_foreign_keys(conn, &database, &mut schema)?;
    place_indexes(&mut schema, indexes);
    Ok(schema)
}

/// A row's value at `i`.
fn get(row: &Row, i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

/// A row's value at `i`, NULL as empty.
fn has(row: &Row, i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

/// The tables; what is there that dbshape does not manage is listed, or
/// refused when a plan could not leave it alone.
fn read_tables(conn: &mut Conn, defaults: &ServerDefaults, schema: &mut Schema) -> Result<()> {
    let mut sequences = Vec::new();
    for row in rows(
        conn,
        "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_COLLATION, CREATE_OPTIONS, TABLE_COMMENT \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME",
    )
    .map_err(read_failed)?
    {
        let name = has(&row, 0);
        if is_internal(&name) {
            continue;
        }
        match has(&row, 1).as_str() {
            "BASE TABLE" => {}
            "VIEW" => {
                schema.unmanaged.push(format!("view {name}"));
                continue;
            }
            "SEQUENCE" => {
                sequences.push(name);
                continue;
            }
            "SYSTEM VERSIONED" => {
                return Err(Error::Unsupported(format!(
                    "table \"{name}\" is system-versioned, which dbshape does not support yet"
                )));
            }
            other => {
                schema.unmanaged.push(format!("{} {name}", other.to_ascii_lowercase()));
                continue;
            }
        }
        let options = has(&row, 4).to_ascii_lowercase();
        if options.split_whitespace().any(|o| o == "partitioned") {
            return Err(Error::Unsupported(format!(
                "table \"{name}\" is partitioned, which dbshape does not support on MySQL yet"
            )));
        }
        // Options dbshape does not model (STATS_PERSISTENT, PAGE_COMPRESSED,
        // KEY_BLOCK_SIZE, CHECKSUM, ...) are named; a plan's ALTER keeps them.
        for option in has(&row, 4).split_whitespace() {
            let option = option.replace(['`', '\''], "");
            let lower = option.to_ascii_lowercase();
            if !lower.starts_with("row_format=") && lower != "partitioned" {
                schema.unmanaged.push(format!("table option {lower} on {name}"));
            }
        }
        let mut table = Table::new(&name);
        table.engine = get(&row, 2).filter(|e| !e.eq_ignore_ascii_case(&defaults.engine));
        table.collation = get(&row, 3).filter(|c| *c != defaults.collation);
        table.row_format =
            options.split_whitespace().find_map(|o| o.strip_prefix("row_format=")).map(|f| f.to_ascii_uppercase());
        table.comment = get(&row, 5).filter(|c| !c.is_empty());
        schema.tables.insert(name, table);
    }
    read_sequences(conn, &sequences, schema)
}

/// MariaDB's sequences, all in one read (each is a table of one row).
fn read_sequences(conn: &mut Conn, names: &[String], schema: &mut Schema) -> Result<()> {
    if names.is_empty() {
        return Ok(());
    }
    let reads: Vec<String> = names
        .iter()
        .map(|name| {
            format!(
                "SELECT {}, start_value, increment, minimum_value, maximum_value, cache_size, cycle_option FROM {}",
                literal(name),
                quote(name)
            )
        })
        .collect();
    for row in rows(conn, &reads.join(" UNION ALL ")).map_err(read_failed)? {
        let number = |i: usize| has(&row, i).parse::<i64>().ok();
        let options = SequenceOptions {
            start: number(1),
            increment: number(2),
            min: number(3),
            max: number(4),
            cache: number(5),
            cycle: has(&row, 6) == "1",
        };
        let name = has(&row, 0);
        let sequence = Sequence {
            name: name.clone(),
            sql_type: SqlType::BigInt,
            options: types::sequence_options(&options),
            owned_by: None,
            comment: None,
        };
        schema.sequences.insert(name, sequence);
    }
    Ok(())
}

/// Triggers, routines, events and the accounts' grants on this database
/// (privileges are the server's, granted to `user@host`): not managed, listed.
fn read_unmanaged(conn: &mut Conn, schema: &mut Schema) -> Result<()> {
    for row in rows(
        conn,
        "SELECT 'trigger', TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() \
         UNION ALL SELECT LOWER(ROUTINE_TYPE), ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() \
         UNION ALL SELECT 'event', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() \
         UNION ALL SELECT DISTINCT 'grants to', CONCAT(GRANTEE, ' on the database') \
           FROM information_schema.SCHEMA_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE() \
         UNION ALL SELECT DISTINCT 'grants to', CONCAT(GRANTEE, ' on table ', TABLE_NAME) \
           FROM information_schema.TABLE_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE() \
         UNION ALL SELECT DISTINCT 'column grants to', CONCAT(GRANTEE, ' on table ', TABLE_NAME) \
           FROM information_schema.COLUMN_PRIVILEGES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1, 2",
    )
    .map_err(read_failed)?
    {
        schema.unmanaged.push(format!("{} {}", has(&row, 0), has(&row, 1)));
    }
    Ok(())
}

/// The columns, their types, defaults, collations and comments.
fn read_columns(conn: &mut Conn, defaults: &ServerDefaults, schema: &mut Schema) -> Result<()> {
    let mut compressed: Vec<(String, String)> = Vec::new();
    let mut display_widths: Vec<String> = Vec::new();
    for row in rows(
        conn,
        // A default reading a sequence names it with the database, which a
        // file must not (it moves between databases): said without.
        "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, \
         REPLACE(COLUMN_DEFAULT, CONCAT('`', DATABASE(), '`.'), ''), EXTRA, GENERATION_EXPRESSION, \
         COLLATION_NAME, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
         ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .map_err(read_failed)?
    {
        let Some(table) = schema.tables.get_mut(&has(&row, 0)) else { continue };
        let name = has(&row, 1);
        let mut column_type = has(&row, 2);
        // MariaDB's COMPRESSED, printed as a versioned comment: named, and
        // the column may not be dropped or retyped under it.
        if let Some(at) = column_type.find(" /*M!") {
            if column_type[at..].to_ascii_uppercase().contains("COMPRESSED") {
                compressed.push((table.name.clone(), name.clone()));
            }
            column_type.truncate(at);
        }
        let extra = has(&row, 5).to_ascii_lowercase();
        if extra.split_whitespace().any(|w| w == "invisible") {
            return Err(Error::Unsupported(format!(
                "column \"{}.{name}\" is INVISIBLE, which dbshape does not support yet",
                table.name
            )));
        }
        if matches!(column_type.to_ascii_lowercase().as_str(), "uuid" | "inet4" | "inet6") {
            return Err(Error::Unsupported(format!(
                "column \"{}.{name}\" has MariaDB's own type {column_type}, which dbshape does not support yet \
                 (its `uuid` is char(36))",
                table.name
            )));
        }
        if let Some(width) = odd_display_width(&column_type) {
            display_widths.push(format!("display width of column {}.{name}: {width}", table.name));
        }
        let mut column = Column::new(&name, from_column_type(&column_type));
        column.nullable = has(&row, 3) == "YES";
        column.autoincrement = extra.contains("auto_increment");
        if extra.contains("generated") && !extra.contains("default_generated") {
            column.generated = get(&row, 6).map(|e| Expr::new(standard_quotes(&e)));
            column.generated_virtual = extra.contains("virtual");
        } else {
            column.default =
                read_default(get(&row, 4), &column.sql_type, extra.contains("default_generated"), defaults);
        }
        if let Some(at) = extra.find("on update ") {
            column.on_update = Some(Expr::new(canonical_now(&extra[at + "on update ".len()..])));
        }
        let table_collation = table.collation.clone().unwrap_or_else(|| defaults.collation.clone());
        column.collation = get(&row, 7).filter(|c| *c != table_collation);
        column.comment = get(&row, 8).filter(|c| !c.is_empty());
        table.columns.insert(name, column);
    }
    schema.unmanaged.extend(display_widths);
    for (table, column) in compressed {
        let line = format!("compressed column {table}.{column}");
        schema.unmanaged.push(line.clone());
        schema.unmanaged_on.entry(table).or_default().push(UnmanagedDependent::on_column(line, column));
    }
    Ok(())
}

/// An integer type's display width when it is not the server's own for
/// the type (`bigint(10)`; MariaDB prints `int(11)` for every `int`):
/// the model has no display widths, so such a column is named, not
/// rebuilt with it. `tinyint(1)` is a boolean.
fn odd_display_width(column_type: &str) -> Option<String> {
    let lower = column_type.to_ascii_lowercase();
    let (name, rest) = lower.split_once('(')?;
    let (width, attributes) = rest.split_once(')')?;
    let unsigned = attributes.contains("unsigned");
    let usual = match (name, unsigned) {
        ("tinyint", false) => 4,
        ("tinyint", true) => 3,
        ("smallint", false) => 6,
        ("smallint", true) => 5,
        ("mediumint", false) => 9,
        ("mediumint", true) => 8,
        ("int" | "integer", false) => 11,
        ("int" | "integer", true) => 10,
        ("bigint", _) => 20,
        _ => return None,
    };
    let width: u32 = width.trim().parse().ok()?;
    let boolean = name == "tinyint" && width == 1 && !unsigned;
    (width != usual && !boolean && !attributes.contains("zerofill")).then(|| column_type.to_string())
}

/// The checks (MariaDB: also the JSON check it adds to a `json` column,
/// which makes that column `json` again).
fn read_checks(conn: &mut Conn, defaults: &ServerDefaults, schema: &mut Schema) -> Result<()> {
    let checks_sql = if defaults.mariadb {
        "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY TABLE_NAME, CONSTRAINT_NAME"
    } else {
        "SELECT tc.TABLE_NAME, cc.CONSTRAINT_NAME, cc.CHECK_CLAUSE FROM information_schema.TABLE_CONSTRAINTS tc \
         JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA \
         AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.CONSTRAINT_SCHEMA = DATABASE() \
         AND tc.CONSTRAINT_TYPE = 'CHECK' ORDER BY 1, 2"
    };
    for row in rows(conn, checks_sql).map_err(read_failed)? {
        let Some(table) = schema.tables.get_mut(&has(&row, 0)) else { continue };
        let (name, clause) = (has(&row, 1), standard_quotes(&has(&row, 2)));
        if let Some(column) = table.columns.get_mut(&name)
            && column.sql_type == SqlType::Other("longtext".into())
            && Expr::new(&clause) == Expr::new(format!("json_valid(`{}`)", name.replace('`', "``")))
        {
            column.sql_type = SqlType::Json;
            column.collation = None;
            continue;
        }
        table.checks.insert(name.clone(), Check::new(name, Expr::new(clause)));
    }
    Ok(())
}

/// Every index, the primary key and unique constraints among them (one
/// thing on MySQL), by table: sorted out by [`place_indexes`].
fn read_indexes(conn: &mut Conn, defaults: &ServerDefaults, schema: &Schema) -> Result<Vec<(String, Index)>> {
    let hidden = if defaults.mariadb { "IGNORED = 'YES'" } else { "IS_VISIBLE = 'NO'" };
    let expression = if defaults.mariadb { "NULL" } else { "EXPRESSION" };
    let mut indexes: Vec<(String, Index)> = Vec::new();
    for row in rows(
        conn,
        &format!(
            "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, COLLATION, INDEX_COMMENT, \
             {hidden}, {expression} FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
             ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
        ),
    )
    .map_err(read_failed)?
    {
        let (table, name) = (has(&row, 0), has(&row, 1));
        if !schema.tables.contains_key(&table) {
            continue;
        }
        let key = match (get(&row, 3), get(&row, 9)) {
            (Some(column), _) => IndexKey::Column(column),
            (None, Some(expr)) => IndexKey::Expr(Expr::new(expr)),
            (None, None) => IndexKey::Expr(Expr::new("")),
        };
        // A SPATIAL index's SUB_PART is the server's own (32), no prefix
        // a file could ask for.
        let spatial = has(&row, 5).eq_ignore_ascii_case("SPATIAL");
        let part = IndexPart {
            descending: get(&row, 6).as_deref() == Some("D"),
            length: get(&row, 4).and_then(|n| n.parse().ok()).filter(|_| !spatial),
            ..IndexPart::new(key)
        };
        match indexes.last_mut() {
            Some((t, index)) if *t == table && index.name == name => index.parts.push(part),
            _ => {
                let method = match has(&row, 5).to_ascii_uppercase().as_str() {
                    "BTREE" | "" => None,
                    other => Some(other.to_ascii_lowercase()),
                };
                let index = Index {
                    unique: has(&row, 2) == "0",
                    method,
                    comment: get(&row, 7).filter(|c| !c.is_empty()),
                    invisible: has(&row, 8) == "1",
                    ..Index::new(name, vec![part])
                };
                indexes.push((table, index));
            }
        }
    }
    Ok(indexes)
}

/// The foreign keys: their rules, then their columns. Two reads joined
/// here, because MariaDB joins these two views row by row (4.4 s of a
/// 5,000-table read, against 0.45 s for both alone).
fn read_foreign_keys(conn: &mut Conn, database: &str, schema: &mut Schema) -> Result<()> {
    let mut rules: HashMap<(String, String), (String, String)> = HashMap::new();
    for row in rows(
        conn,
        "SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = DATABASE()",
    )
    .map_err(read_failed)?
    {
        rules.insert((has(&row, 0), has(&row, 1)), (has(&row, 2), has(&row, 3)));
    }
    let mut foreign_keys: Vec<(String, ForeignKey)> = Vec::new();
    for row in rows(
        conn,
        "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, \
         REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE \
         WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL \
         ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
    )
    .map_err(read_failed)?
    {
        let (table, name) = (has(&row, 0), has(&row, 1));
        if !schema.tables.contains_key(&table) {
            continue;
        }
        let (column, ref_column) = (has(&row, 2), has(&row, 5));
        match foreign_keys.last_mut() {
            Some((t, fk)) if *t == table && fk.name == name => {
                fk.columns.push(column);
                fk.ref_columns.push(ref_column);
            }
            _ => {
                let (ref_schema, ref_table) = (has(&row, 3), has(&row, 4));
                let ref_table = if ref_schema == database { ref_table } else { format!("{ref_schema}.{ref_table}") };
                let (on_update, on_delete) = rules.get(&(table.clone(), name.clone())).cloned().unwrap_or_default();
                let fk = ForeignKey {
                    name,
                    columns: vec![column],
                    ref_table,
                    ref_columns: vec![ref_column],
                    on_delete: action(&on_delete),
                    on_update: action(&on_update),
                    deferrable: false,
                    initially_deferred: false,
                    comment: None,
                    not_valid: false,
                    own_index: None,
                };
                foreign_keys.push((table, fk));
            }
        }
    }
    for (table_name, fk) in foreign_keys {
        if fk.ref_table.contains('.') {
            return Err(Error::Unsupported(format!(
                "foreign key \"{}\" of table \"{table_name}\" references {}, in another database: dbshape manages one",
                fk.name, fk.ref_table
            )));
        }
        schema.tables[&table_name].foreign_keys.insert(fk.name.clone(), fk);
    }
    Ok(())
}

/// Indexes into keys and indexes; the one MySQL made for a foreign key is
/// the key's own, not an index of the file's.
fn place_indexes(schema: &mut Schema, indexes: Vec<(String, Index)>) {
    let owners = index_owners(schema, &indexes);
    for (table_name, index) in indexes {
        let table = &mut schema.tables[&table_name];
        let columns: Vec<String> = index.columns().map(str::to_string).collect();
        // MariaDB keeps a unique key on text too long for a B-tree as a hash
        // of it: still the unique constraint the file says.
        let mut index = index;
        if index.unique && index.method.as_deref() == Some("hash") && table.engine.is_none() {
            index.method = None;
        }
        let plain = is_plain(&index);
        if index.name == "PRIMARY" {
            table.primary_key = Some(PrimaryKey::new(naming::primary_key(&table_name), columns));
        } else if index.unique && plain && columns.len() == index.parts.len() {
            let unique = Unique { comment: index.comment.clone(), ..Unique::new(index.name.clone(), columns) };
            table.uniques.insert(index.name.clone(), unique);
        } else if let Some(owner) = owners.get(&(table_name.clone(), index.name.clone())) {
            table.foreign_keys[owner].own_index = Some(index.name.clone());
        } else {
            table.indexes.insert(index.name.clone(), index);
        }
    }
}

/// The foreign key whose own index each index is, by (table, index name):
/// a plain index over exactly the key's columns, named as MySQL names the
/// index it makes for a key: the key's name, or, for a key made without a
/// name (which the server names `<table>_ibfk_<n>`), its first column's
/// (`user_id`, or `user_id_2` when that is taken). An index of the key's
/// name is its own before one of its column's.
fn index_owners(schema: &Schema, indexes: &[(String, Index)]) -> HashMap<(String, String), String> {
    let mut owners: HashMap<(String, String), String> = HashMap::new();
    let mut claimed: HashSet<(&str, &str)> = HashSet::new();
    let auto_name = |index: &str, column: &str| {
        index.eq_ignore_ascii_case(column)
            || index.get(..column.len()).is_some_and(|head| head.eq_ignore_ascii_case(column))
                && index[column.len()..].strip_prefix('_').and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n >= 2)
    };
    for by_name in [true, false] {
        for (table_name, index) in indexes {
            let key = (table_name.clone(), index.name.clone());
            if owners.contains_key(&key) {
                continue;
            }
            let owner = schema.tables[table_name].foreign_keys.values().find(|fk| {
                let named = if by_name {
                    fk.name == index.name
                } else {
                    server_named(&fk.name) && auto_name(&index.name, &fk.columns[0])
                };
                named
                    && shaped_as_own_index(index, &fk.columns)
                    && !claimed.contains(&(table_name.as_str(), fk.name.as_str()))
            });
            if let Some(fk) = owner {
                claimed.insert((table_name, &fk.name));
                owners.insert(key, fk.name.clone());
            }
        }
    }
    owners
}

/// Whether `index` is plain: no method, visible, each part a whole column in
/// ascending order.
fn is_plain(index: &Index) -> bool {
    index.method.is_none()
        && !index.invisible
        && index.parts.iter().all(|p| p.length.is_none() && !p.descending && matches!(p.key, IndexKey::Column(_)))
}

/// Whether `index` is shaped as the one MySQL makes for a foreign key over
/// `columns`: plain, not unique, without a comment, over exactly those.
pub(super) fn shaped_as_own_index(index: &Index, columns: &[String]) -> bool {
    !index.unique
        && index.comment.is_none()
        && index.predicate.is_none()
        && is_plain(index)
        && index.columns().eq(columns.iter().map(String::as_str))
}

/// Whether a foreign key's name is one the server gives a key made without
/// one (`posts_ibfk_1`).
fn server_named(name: &str) -> bool {
    name.rsplit_once("_ibfk_")
        .is_some_and(|(table, n)| !table.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// InnoDB checks `NO ACTION` at once, as `RESTRICT`: the two are one.
fn action(rule: &str) -> ReferentialAction {
    match ReferentialAction::parse(rule).unwrap_or_default() {
        ReferentialAction::Restrict => ReferentialAction::NoAction,
        other => other,
    }
}

/// A column default as `information_schema` reports it, in the model.
fn read_default(
    text: Option<String>,
    sql_type: &SqlType,
    expression: bool,
    defaults: &ServerDefaults,
) -> Option<DefaultValue> {
    let text = text?;
    // MariaDB: `NULL` is "default NULL", a quoted 'NULL' the text.
    if defaults.mariadb && text.eq_ignore_ascii_case("null") {
        return None;
    }
    let value = if defaults.mariadb
        && let Some(text) = mariadb_string(&text)
    {
        DefaultValue::Literal(Literal::Text(text))
    } else if defaults.mariadb || expression {
        DefaultValue::from_sql(&standard_quotes(&text))?
    } else if is_text(sql_type) || matches!(sql_type, SqlType::Date | SqlType::Time) {
        // MySQL 8 reports a literal without its quotes.
        DefaultValue::Literal(Literal::Text(text))
    } else {
        DefaultValue::from_sql(&text).unwrap_or(DefaultValue::Literal(Literal::Text(text)))
    };
    Some(canonical_default(value, sql_type))
}
