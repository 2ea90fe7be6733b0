//! The SQL text of every statement a SQLite plan runs: CREATE TABLE (with
//! its constraints and column definitions), CREATE INDEX, views and
//! triggers, and the short ALTER and DROP statements.

use super::types::declared_type;
use crate::model::{Column, DefaultValue, Index, IndexKey, Table, Trigger, View};
use crate::sql::{ident_list, quote_ident, quote_literal};

pub(super) fn create_view(view: &View) -> String {
    let columns = if view.columns.is_empty() { String::new() } else { format!(" ({})", ident_list(&view.columns)) };
    format!("CREATE VIEW {}{columns} AS {}", quote_ident(&view.name), view.query)
}

pub(super) fn create_trigger(trigger: &Trigger) -> String {
    let mut sql = format!("CREATE TRIGGER {} {}", quote_ident(&trigger.name), trigger.timing.to_ascii_uppercase());
    for event in &trigger.events {
        sql.push(' ');
        sql.push_str(&event.to_ascii_uppercase());
    }
    if !trigger.update_of.is_empty() {
        sql.push_str(&format!(" OF {}", ident_list(&trigger.update_of)));
    }
    sql.push_str(&format!(" ON {} FOR EACH ROW", quote_ident(&trigger.table)));
    if let Some(when) = &trigger.when {
        sql.push_str(&format!(" WHEN {when}"));
    }
    let body = trigger.body.as_ref().map_or("", |b| b.as_str());
    sql.push_str(&format!("\nBEGIN\n  {body}\nEND"));
    sql
}

/// CREATE TABLE for `table` under `name`.
pub(super) fn create_table(table: &Table, name: &str) -> String {
    let inline_pk = table
        .primary_key
        .as_ref()
        .filter(|pk| pk.columns.len() == 1 && table.columns.get(&pk.columns[0]).is_some_and(|c| c.autoincrement));
    let mut lines: Vec<String> = table
        .columns
        .values()
        .map(|column| {
            let pk_name = inline_pk.filter(|pk| pk.columns[0] == column.name).map(|pk| pk.name.as_str());
            column_definition(column, pk_name)
        })
        .collect();
    if let Some(pk) = table.primary_key.as_ref().filter(|_| inline_pk.is_none()) {
        lines.push(format!("CONSTRAINT {} PRIMARY KEY ({})", quote_ident(&pk.name), ident_list(&pk.columns)));
    }
    for unique in table.uniques.values() {
        lines.push(format!("CONSTRAINT {} UNIQUE ({})", quote_ident(&unique.name), ident_list(&unique.columns)));
    }
    for check in table.checks.values() {
        lines.push(format!("CONSTRAINT {} CHECK ({})", quote_ident(&check.name), check.expr));
    }
    for fk in table.foreign_keys.values() {
        let mut line = format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
            quote_ident(&fk.name),
            ident_list(&fk.columns),
            quote_ident(&fk.ref_table),
            ident_list(&fk.ref_columns)
        );
        for (clause, action) in [("ON DELETE", fk.on_delete), ("ON UPDATE", fk.on_update)] {
            if action != Default::default() {
                line.push_str(&format!(" {clause} {}", action.sql()));
            }
        }
        lines.push(line);
    }
    let mut options = Vec::new();
    if table.without_rowid {
        options.push("WITHOUT ROWID");
    }
    if table.strict {
        options.push("STRICT");
    }
    let options = if options.is_empty() { String::new() } else { format!(" {}", options.join(", ")) };
    format!("CREATE TABLE {} (\n  {}\n){options}", quote_ident(name), lines.join(",\n  "))
}

/// A column definition; `inline_pk` names the primary key declared on the
/// column itself (needed for AUTOINCREMENT).
fn column_definition(column: &Column, inline_pk: Option<&str>) -> String {
    let mut sql = quote_ident(&column.name);
    let declared = column.declared_type.clone().unwrap_or_else(|| declared_type(&column.sql_type));
    if !declared.is_empty() {
        sql.push(' ');
        sql.push_str(&declared);
    }
    if let Some(generated) = &column.generated {
        let kind = if column.generated_virtual { "VIRTUAL" } else { "STORED" };
        sql.push_str(&format!(" GENERATED ALWAYS AS ({}) {kind}", generated.unwrapped()));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(pk_name) = inline_pk {
        sql.push_str(&format!(" CONSTRAINT {} PRIMARY KEY AUTOINCREMENT", quote_ident(pk_name)));
    }
    match &column.default {
        Some(DefaultValue::Literal(literal)) => sql.push_str(&format!(" DEFAULT {literal}")),
        Some(DefaultValue::Expr(expr)) => sql.push_str(&format!(" DEFAULT ({expr})")),
        None => {}
    }
    if let Some(collation) = &column.collation {
        sql.push_str(&format!(" COLLATE {}", quote_ident(collation)));
    }
    sql
}

pub(super) fn create_index(table: &str, index: &Index) -> String {
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| {
            let mut key = match &part.key {
                IndexKey::Column(c) => quote_ident(c),
                IndexKey::Expr(e) => format!("({})", e.unwrapped()),
            };
            if let Some(collation) = &part.collation {
                key.push_str(&format!(" COLLATE {}", quote_ident(collation)));
            }
            if part.descending { format!("{key} DESC") } else { key }
        })
        .collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if index.unique { "UNIQUE " } else { "" },
        quote_ident(&index.name),
        quote_ident(table),
        parts.join(", ")
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
}

pub(super) fn rename_table(from: &str, to: &str) -> String {
    format!("ALTER TABLE {} RENAME TO {}", quote_ident(from), quote_ident(to))
}

pub(super) fn rename_column(table: &str, from: &str, to: &str) -> String {
    format!("ALTER TABLE {} RENAME COLUMN {} TO {}", quote_ident(table), quote_ident(from), quote_ident(to))
}

pub(super) fn add_column(table: &str, column: &Column) -> String {
    format!("ALTER TABLE {} ADD COLUMN {}", quote_ident(table), column_definition(column, None))
}

pub(super) fn drop_column(table: &str, column: &str) -> String {
    format!("ALTER TABLE {} DROP COLUMN {}", quote_ident(table), quote_ident(column))
}

pub(super) fn drop_table(name: &str) -> String {
    format!("DROP TABLE {}", quote_ident(name))
}

pub(super) fn drop_index(name: &str) -> String {
    format!("DROP INDEX {}", quote_ident(name))
}

pub(super) fn drop_view(name: &str) -> String {
    format!("DROP VIEW {}", quote_ident(name))
}

pub(super) fn drop_trigger(name: &str) -> String {
    format!("DROP TRIGGER {}", quote_ident(name))
}

/// A rebuild's row copy: `values` (SQL) into `columns` of `target`.
pub(super) fn copy_rows(source: &str, target: &str, columns: &[String], values: &[String]) -> String {
    format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        quote_ident(target),
        ident_list(columns),
        values.join(", "),
        quote_ident(source)
    )
}

/// AUTOINCREMENT's high-water mark of `source` given to `target`.
pub(super) fn copy_autoincrement(source: &str, target: &str) -> [String; 2] {
    [
        format!("DELETE FROM sqlite_sequence WHERE name = {}", quote_literal(target)),
        format!(
            "INSERT INTO sqlite_sequence (name, seq) SELECT {}, seq FROM sqlite_sequence WHERE name = {}",
            quote_literal(target),
            quote_literal(source)
        ),
    ]
}

/// Renames that leave views and triggers naming the table alone.
pub(super) fn legacy_alter_table(on: bool) -> String {
    format!("PRAGMA legacy_alter_table = {}", if on { "ON" } else { "OFF" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::sqlite::parse::{parse_trigger, parse_view};

    #[test]
    fn views_and_triggers_read_back_as_written() {
        let view = parse_view("CREATE VIEW IF NOT EXISTS \"v\" (a, \"B\") AS SELECT 1, 2;").unwrap();
        assert_eq!(
            (view.name.as_str(), view.columns.clone(), view.query.as_str()),
            ("v", vec!["a".into(), "B".into()], "SELECT 1, 2")
        );
        assert_eq!(parse_view(&create_view(&view)), Some(view));
        let trigger = parse_trigger(
            "CREATE TRIGGER t_upd AFTER UPDATE OF a, b ON main.t WHEN new.a > 0 BEGIN UPDATE t SET c = CASE WHEN 1 THEN 2 END; END",
        )
        .unwrap();
        assert_eq!(trigger.timing, "after");
        assert_eq!(trigger.update_of, ["a", "b"]);
        assert_eq!(trigger.table, "t");
        assert_eq!(trigger.when.as_ref().unwrap().as_str(), "new.a > 0");
        assert_eq!(trigger.body.as_ref().unwrap().as_str(), "UPDATE t SET c = CASE WHEN 1 THEN 2 END;");
        assert_eq!(parse_trigger(&create_trigger(&trigger)), Some(trigger));
        assert_eq!(parse_trigger("CREATE TRIGGER x DELETE ON t BEGIN SELECT 1; END").unwrap().timing, "before");
    }
}
