//! The SQL text of every statement a MySQL plan runs: one `ALTER TABLE`
//! per table put together clause by clause with the algorithm and lock it
//! asks for ([`Alter`], [`Algorithm`]), `CREATE TABLE`, and the column,
//! index and foreign key definitions they hold.

use super::session::{Mysql, literal, quote, quote_list};
use super::types::{column_type, is_long};
use crate::model::{
    Check, Column, DefaultValue, Expr, ForeignKey, Index, IndexKey, Literal, ReferentialAction, Sequence,
    SequenceOptions, Table,
};

/// How much of the table an `ALTER TABLE` clause blocks, weakest last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Algorithm {
    /// Metadata only.
    Instant,
    /// Built in place, reads and writes go on.
    InplaceNoLock,
    /// The server's choice: may copy the table, blocking writes.
    ServerChoice,
}

impl Algorithm {
    fn clause(self) -> &'static str {
        match self {
            Algorithm::Instant => ", ALGORITHM=INSTANT",
            Algorithm::InplaceNoLock => ", ALGORITHM=INPLACE, LOCK=NONE",
            Algorithm::ServerChoice => "",
        }
    }

    /// What the statement `sql` (made by this planner) says it is.
    pub(super) fn of(sql: &str) -> Option<Algorithm> {
        if !sql.starts_with("ALTER TABLE ") {
            return None;
        }
        Some(if sql.ends_with(Algorithm::Instant.clause()) {
            Algorithm::Instant
        } else if sql.ends_with(Algorithm::InplaceNoLock.clause()) || sql.ends_with(", ALGORITHM=INPLACE") {
            Algorithm::InplaceNoLock
        } else {
            Algorithm::ServerChoice
        })
    }
}

/// One table's `ALTER TABLE` being put together.
#[derive(Default)]
pub(super) struct Alter {
    pub(super) clauses: Vec<(String, Algorithm)>,
    /// The table has columns MariaDB keeps out of sight (a virtual column,
    /// the hash of a unique key on text), which it refuses to add or drop
    /// with any other action under an explicit algorithm: the server
    /// chooses.
    hidden_columns: bool,
}

/// Whether MariaDB keeps virtual columns in `table`: generated ones, or the
/// hash of a unique key on a text or blob column.
pub(super) fn has_hidden_columns(table: Option<&Table>) -> bool {
    table.is_some_and(|t| {
        t.columns.values().any(|c| c.generated.is_some() && c.generated_virtual)
            || t.uniques
                .values()
                .any(|u| u.columns.iter().any(|c| t.columns.get(c).is_some_and(|c| is_long(&c.sql_type))))
    })
}

impl Alter {
    pub(super) fn on(current: Option<&Table>, target: Option<&Table>) -> Alter {
        Alter { clauses: Vec::new(), hidden_columns: has_hidden_columns(current) || has_hidden_columns(target) }
    }

    pub(super) fn push(&mut self, clause: String, algorithm: Algorithm) {
        self.clauses.push((clause, algorithm));
    }

    pub(super) fn sql(&self, table: &str) -> Option<String> {
        // Clauses of different kinds may not run together in place (MariaDB
        // refuses an instant ADD COLUMN with an in-place ADD INDEX): only a
        // statement whose clauses all allow one algorithm asks for it.
        let first = self.clauses.first()?.1;
        // MariaDB renames no column instantly next to a new table comment.
        let starts = |prefix: &str| self.clauses.iter().any(|(c, _)| c.starts_with(prefix));
        let renamed_and_commented = (starts("RENAME COLUMN ") || starts("CHANGE COLUMN ")) && starts("COMMENT = ");
        let algorithm =
            if self.clauses.iter().all(|(_, a)| *a == first) && !self.hidden_columns && !renamed_and_commented {
                first
            } else {
                Algorithm::ServerChoice
            };
        let clauses: Vec<&str> = self.clauses.iter().map(|(c, _)| c.as_str()).collect();
        Some(format!("ALTER TABLE {} {}{}", quote(table), clauses.join(", "), algorithm.clause()))
    }
}

pub(super) fn comment_clause(comment: &Option<String>) -> String {
    comment.as_deref().map_or(String::new(), |c| format!(" COMMENT {}", literal(c)))
}

pub(super) fn default_sql(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Literal(Literal::Bool(b)) => if *b { "1" } else { "0" }.into(),
        DefaultValue::Literal(Literal::Int(n)) => n.to_string(),
        DefaultValue::Literal(Literal::Float(f)) => f.clone(),
        DefaultValue::Literal(Literal::Text(t)) => literal(t),
        DefaultValue::Expr(e) if e.as_str().starts_with("current_timestamp(") => e.as_str().to_string(),
        DefaultValue::Expr(e) => format!("({})", e.unwrapped()),
    }
}

/// A column as `CREATE TABLE` and `ADD`/`MODIFY COLUMN` declare it.
pub(super) fn column_definition(dialect: &Mysql, column: &Column) -> String {
    let _ = dialect;
    let mut sql = format!("{} {}", quote(&column.name), column_type(&column.sql_type));
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {collation}"));
    }
    if let Some(generated) = &column.generated {
        let kind = if column.generated_virtual { "VIRTUAL" } else { "STORED" };
        sql.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", generated.unwrapped()));
    } else {
        // NULL said only where it is not the default: a TIMESTAMP column
        // is NOT NULL unless said otherwise on servers with
        // explicit_defaults_for_timestamp off.
        let timestamp = column_type(&column.sql_type).starts_with("timestamp");
        if !column.nullable {
            sql.push_str(" NOT NULL");
        } else if timestamp {
            sql.push_str(" NULL");
        }
        if let Some(default) = &column.default {
            sql.push_str(&format!(" DEFAULT {}", default_sql(default)));
        }
        if column.autoincrement {
            sql.push_str(" AUTO_INCREMENT");
        }
        if let Some(on_update) = &column.on_update {
            sql.push_str(&format!(" ON UPDATE {on_update}"));
        }
    }
    if let Some(comment) = &column.comment {
        sql.push_str(&format!(" COMMENT {}", literal(comment)));
    }
    sql
}

/// MariaDB's column-level check of `column` in `table`: the one named as
/// the column (MariaDB names them so), which `MODIFY COLUMN` drops unless
/// it says it again.
pub(super) fn column_check<'a>(dialect: &Mysql, table: &'a Table, column: &str) -> Option<&'a Check> {
    // One that reads another column is a table's check, whatever its
    // name (a check written on a column reads that column).
    let alone = |check: &&Check| {
        crate::sql::lexer::identifiers(check.expr.as_str()).iter().all(|word| {
            word.eq_ignore_ascii_case(column) || !table.columns.keys().any(|c| c.eq_ignore_ascii_case(word))
        })
    };
    table.checks.get(column).filter(|_| dialect.mariadb && table.columns.contains_key(column)).filter(alone)
}

/// [`column_definition`] with the column's own check, where it has one.
pub(super) fn column_definition_with_check(dialect: &Mysql, column: &Column, check: Option<&Check>) -> String {
    let mut sql = column_definition(dialect, column);
    if let Some(check) = check {
        sql.push_str(&format!(" CHECK ({})", check.expr.unwrapped()));
    }
    sql
}

/// Whether `fk` is named as the server names a key made without a name
/// (`<table>_ibfk_<n>`), and the table's such keys are numbered 1, 2, …
/// in order: made without names, they get the same names back, and their
/// indexes the names the server gives them (the first column's), as the
/// source had.
fn server_numbered(table: &Table, foreign_keys: &[&ForeignKey]) -> bool {
    let prefix = format!("{}_ibfk_", table.name);
    let numbers: Vec<Option<usize>> =
        foreign_keys.iter().map(|fk| fk.name.strip_prefix(&prefix).and_then(|n| n.parse().ok())).collect();
    !numbers.is_empty() && numbers.iter().enumerate().all(|(i, n)| *n == Some(i + 1))
}

pub(super) fn index_definition(dialect: &Mysql, index: &Index) -> String {
    let kind = match index.method.as_deref() {
        Some("fulltext") => "FULLTEXT INDEX",
        Some("spatial") => "SPATIAL INDEX",
        _ if index.unique => "UNIQUE INDEX",
        _ => "INDEX",
    };
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| {
            let mut key = match &part.key {
                IndexKey::Column(c) => quote(c),
                IndexKey::Expr(e) => format!("({})", e.unwrapped()),
            };
            if let Some(length) = part.length {
                key.push_str(&format!("({length})"));
            }
            if part.descending {
                key.push_str(" DESC");
            }
            key
        })
        .collect();
    let mut sql = format!("{kind} {} ({})", quote(&index.name), parts.join(", "));
    if index.method.as_deref() == Some("hash") {
        sql.push_str(" USING HASH");
    }
    sql.push_str(&comment_clause(&index.comment));
    if index.invisible {
        sql.push_str(if dialect.mariadb { " IGNORED" } else { " INVISIBLE" });
    }
    sql
}

pub(super) fn foreign_key(fk: &ForeignKey) -> String {
    let mut sql = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        quote(&fk.name),
        quote_list(&fk.columns),
        quote(&fk.ref_table),
        quote_list(&fk.ref_columns)
    );
    if fk.on_delete != ReferentialAction::NoAction {
        sql.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != ReferentialAction::NoAction {
        sql.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    sql
}

pub(super) fn create_table(dialect: &Mysql, table: &Table, foreign_keys: &[&ForeignKey]) -> String {
    let mut parts: Vec<String> = table
        .columns
        .values()
        .map(|c| column_definition_with_check(dialect, c, column_check(dialect, table, &c.name)))
        .collect();
    if let Some(pk) = &table.primary_key {
        parts.push(format!("PRIMARY KEY ({})", quote_list(&pk.columns)));
    }
    for unique in table.uniques.values() {
        parts.push(format!(
            "UNIQUE KEY {} ({}){}",
            quote(&unique.name),
            quote_list(&unique.columns),
            comment_clause(&unique.comment)
        ));
    }
    parts.extend(table.indexes.values().map(|i| index_definition(dialect, i)));
    let table_checks = table.checks.values().filter(|c| column_check(dialect, table, &c.name).is_none());
    parts.extend(table_checks.map(|c| format!("CONSTRAINT {} CHECK ({})", quote(&c.name), c.expr.unwrapped())));
    // Keys of their own index name it after the key; a key the server
    // named, made without a name again.
    let unnamed = server_numbered(table, foreign_keys)
        && foreign_keys.iter().all(|fk| fk.own_index.as_ref().is_none_or(|i| *i != fk.name));
    for fk in foreign_keys {
        let sql = foreign_key(fk);
        parts.push(if unnamed { sql.replacen(&format!("CONSTRAINT {} ", quote(&fk.name)), "", 1) } else { sql });
    }
    let mut sql = format!("CREATE TABLE {} (\n  {}\n)", quote(&table.name), parts.join(",\n  "));
    if let Some(engine) = &table.engine {
        sql.push_str(&format!(" ENGINE={engine}"));
    }
    if let Some(format) = &table.row_format {
        sql.push_str(&format!(" ROW_FORMAT={format}"));
    }
    if let Some(collation) = &table.collation {
        let charset = collation.split('_').next().unwrap_or_default();
        sql.push_str(&format!(" DEFAULT CHARSET={charset} COLLATE={collation}"));
    }
    if let Some(comment) = &table.comment {
        sql.push_str(&format!(" COMMENT={}", literal(comment)));
    }
    sql
}

/// The clauses of a MariaDB sequence's options (`START WITH 100 CACHE 10`);
/// `all`: the defaults too, so that an `ALTER SEQUENCE` returns what the
/// file leaves out to them.
fn sequence_clauses(options: &SequenceOptions, all: bool) -> Vec<String> {
    let increment = options.increment.unwrap_or(1);
    let ascending = increment > 0;
    let min = options.min.unwrap_or(if ascending { 1 } else { i64::MIN + 1 });
    let max = options.max.unwrap_or(if ascending { i64::MAX - 1 } else { -1 });
    let mut clauses = Vec::new();
    match options.start {
        Some(start) => clauses.push(format!("START WITH {start}")),
        None if all => clauses.push(format!("START WITH {}", if ascending { min } else { max })),
        None => {}
    }
    for (said, clause) in [
        (options.increment.is_some(), format!("INCREMENT BY {increment}")),
        (options.min.is_some(), format!("MINVALUE {min}")),
        (options.max.is_some(), format!("MAXVALUE {max}")),
        (options.cache.is_some(), format!("CACHE {}", options.cache.unwrap_or(1000))),
    ] {
        if said || all {
            clauses.push(clause);
        }
    }
    if options.cycle {
        clauses.push("CYCLE".into());
    } else if all {
        clauses.push("NOCYCLE".into());
    }
    clauses
}

pub(super) fn create_sequence(sequence: &Sequence) -> String {
    let clauses = sequence_clauses(&sequence.options, false);
    let mut sql = format!("CREATE SEQUENCE {}", quote(&sequence.name));
    for clause in clauses {
        sql.push(' ');
        sql.push_str(&clause);
    }
    sql
}

/// Every option said (no RESTART: the next value stays where it is).
pub(super) fn alter_sequence(sequence: &Sequence) -> String {
    format!("ALTER SEQUENCE {} {}", quote(&sequence.name), sequence_clauses(&sequence.options, true).join(" "))
}

pub(super) fn drop_sequence(name: &str) -> String {
    format!("DROP SEQUENCE {}", quote(name))
}

/// Every rename of `pairs` (from, to) in one statement.
pub(super) fn rename_tables(pairs: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = pairs.iter().map(|(from, to)| format!("{} TO {}", quote(from), quote(to))).collect();
    format!("RENAME TABLE {}", pairs.join(", "))
}

/// A column rename in a statement of its own, in place.
pub(super) fn rename_column_in_place(table: &str, from: &str, to: &str) -> String {
    format!("ALTER TABLE {} RENAME COLUMN {} TO {}, ALGORITHM=INPLACE", quote(table), quote(from), quote(to))
}

/// The clause dropping foreign key `name`.
pub(super) fn drop_foreign_key(name: &str) -> String {
    format!("DROP FOREIGN KEY {}", quote(name))
}

/// The clause dropping index (or unique key) `name`.
pub(super) fn drop_index(name: &str) -> String {
    format!("DROP INDEX {}", quote(name))
}

/// Foreign keys `names` of `table` dropped in one statement.
pub(super) fn drop_foreign_keys(table: &str, names: &[&str]) -> String {
    let clauses: Vec<String> = names.iter().map(|n| drop_foreign_key(n)).collect();
    format!("ALTER TABLE {} {}", quote(table), clauses.join(", "))
}

/// Every table of `names` dropped in one statement.
pub(super) fn drop_tables(names: &[&str]) -> String {
    let list: Vec<String> = names.iter().map(|n| quote(n)).collect();
    format!("DROP TABLE {}", list.join(", "))
}

/// The file's `backfill` given to the NULLs of `column`.
pub(super) fn backfill(table: &str, column: &str, backfill: &Expr) -> String {
    format!("UPDATE {} SET {} = {backfill} WHERE {} IS NULL", quote(table), quote(column), quote(column))
}

/// `column` declared again as it is in the file.
pub(super) fn modify_column(dialect: &Mysql, table: &str, column: &Column) -> String {
    format!("ALTER TABLE {} MODIFY COLUMN {}", quote(table), column_definition(dialect, column))
}
