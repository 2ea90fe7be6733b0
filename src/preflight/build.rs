//! Which checks a plan's typed changes need ([`build`]): one counting
//! query per change that can fail on the live rows, in the dialect's
//! spelling ([`PreflightSql`]), naming the rows as they are before the
//! plan's renames.

use super::dialect::{Conversion, PreflightSql};
use super::report::{DataCheck, DataCheckKind};
use crate::diff::Change;
use crate::model::{Column, IndexKey, Schema, Table};
use crate::sql::lexer::identifiers;
use crate::sql::quote_ident;
use std::collections::HashMap;

/// How many failing rows (or duplicate values) a check shows.
const EXAMPLES: usize = 5;

/// The checks a plan's `changes` need on the live rows of `current`, on
/// the way to `desired`.
pub(crate) fn build(changes: &[&Change], current: &Schema, desired: &Schema, sql: &dyn PreflightSql) -> Vec<DataCheck> {
    let names = LiveNames::of(changes);
    let mut checks = Vec::new();
    for &change in changes {
        let table = change.table();
        let Some(live) = names.table(table).and_then(|t| current.tables.get(t)) else { continue };
        let on = On { sql, live, file_table: table, names: &names };
        // Columns the plan adds to this table: the live rows do not have
        // them yet, so nothing that reads them can be counted beforehand.
        let added: Vec<String> = desired.tables.get(table).map_or(Vec::new(), |t| {
            t.columns.keys().filter(|c| !live.columns.contains_key(&names.column(table, c))).cloned().collect()
        });
        let reads_added = |sql: &str| {
            let named = identifiers(sql);
            added.iter().find(|c| named.contains(&c.to_ascii_lowercase())).cloned()
        };
        let keys_added = |columns: &[String]| added.iter().find(|c| columns.contains(c)).cloned();
        let added_reason = |column: String| format!("it reads column {column}, which the plan adds");
        let renamed_reason = "the plan renames columns of this table, which its expression names";
        match change {
            Change::AddColumn { column, .. }
                if !column.nullable
                    && column.default.is_none()
                    && column.generated.is_none()
                    && !column.autoincrement
                    && column.serial_sequence.is_none()
                    && column.backfill.is_none() =>
            {
                checks.push(on.new_not_null(column));
            }
            Change::AlterColumn { from, to, recreate: false, .. } => {
                // Named as it is before the plan's renames.
                let from_live = live.columns.get(&names.column(table, &from.name)).unwrap_or(from);
                // A widening keeps every value; the file's `using` may not.
                if from.sql_type != to.sql_type
                    && (to.using.is_some() || !from.sql_type.widens_to(&to.sql_type))
                    && let Some(conversion) = sql.conversion(current, live, from_live, to, to.using.as_ref())
                {
                    checks.push(on.conversion(from_live, to, conversion));
                }
                if from.nullable && !to.nullable && to.backfill.is_none() {
                    checks.push(on.not_null(&from_live.name, &to.name));
                }
            }
            Change::SetPrimaryKey { to: Some(key), .. } => {
                let columns: Vec<String> = key.columns.iter().map(|c| names.column(table, c)).collect();
                let nullable: Vec<&String> = columns
                    .iter()
                    .filter(|c| live.columns.get(*c).is_none_or(|col| col.nullable))
                    .filter(|c| {
                        // A column the plan backfills has no NULL left when the key is added.
                        !desired.tables.get(table).is_some_and(|t| {
                            t.columns
                                .values()
                                .any(|col| names.column(table, &col.name) == **c && col.backfill.is_some())
                        })
                    })
                    .collect();
                for column in nullable.into_iter().filter(|c| live.columns.contains_key(*c)) {
                    let file_name = desired
                        .tables
                        .get(table)
                        .and_then(|t| t.columns.values().find(|col| names.column(table, &col.name) == *column))
                        .map_or(column.clone(), |c| c.name.clone());
                    checks.push(on.not_null(column, &file_name));
                }
                let keys: Vec<String> = columns.iter().map(|c| quote_ident(c)).collect();
                let mut check = on.duplicates(DataCheckKind::PrimaryKey, &key.name, &key.columns, &keys, None, false);
                if let Some(column) = keys_added(&key.columns) {
                    check.query = Err(added_reason(column));
                }
                checks.push(check);
            }
            Change::AddUnique { unique, .. } => {
                let keys: Vec<String> = unique.columns.iter().map(|c| quote_ident(&names.column(table, c))).collect();
                let mut check = on.duplicates(
                    DataCheckKind::Unique,
                    &unique.name,
                    &unique.columns,
                    &keys,
                    None,
                    unique.nulls_not_distinct,
                );
                if let Some(column) = keys_added(&unique.columns) {
                    check.query = Err(added_reason(column));
                }
                checks.push(check);
            }
            Change::CreateIndex { index, .. } if index.unique => {
                let keys: Vec<String> = index
                    .parts
                    .iter()
                    .map(|part| {
                        let key = match &part.key {
                            IndexKey::Column(c) => quote_ident(&names.column(table, c)),
                            IndexKey::Expr(e) => format!("({})", e.unwrapped()),
                        };
                        match &part.collation {
                            Some(collation) => format!("{key} COLLATE {}", quote_ident(collation)),
                            None => key,
                        }
                    })
                    .collect();
                let shown: Vec<String> = index
                    .parts
                    .iter()
                    .map(|p| match &p.key {
                        IndexKey::Column(c) => c.clone(),
                        IndexKey::Expr(e) => e.unwrapped().to_string(),
                    })
                    .collect();
                let predicate = index.predicate.as_ref().map(|p| p.as_str().to_string());
                let mut check = on.duplicates(
                    DataCheckKind::UniqueIndex,
                    &index.name,
                    &shown,
                    &keys,
                    predicate.as_deref(),
                    index.nulls_not_distinct,
                );
                let expressions: Vec<&str> = index
                    .parts
                    .iter()
                    .filter_map(|p| match &p.key {
                        IndexKey::Expr(e) => Some(e.as_str()),
                        IndexKey::Column(_) => None,
                    })
                    .chain(predicate.as_deref())
                    .collect();
                let columns: Vec<String> = index
                    .parts
                    .iter()
                    .filter_map(|p| match &p.key {
                        IndexKey::Column(c) => Some(c.clone()),
                        IndexKey::Expr(_) => None,
                    })
                    .collect();
                if let Some(column) = keys_added(&columns).or_else(|| expressions.iter().find_map(|e| reads_added(e))) {
                    check.query = Err(added_reason(column));
                } else if !expressions.is_empty() && names.renames_columns(table) {
                    check.query = Err(renamed_reason.into());
                }
                checks.push(check);
            }
            // Added NOT VALID on purpose: the rows there are not checked.
            Change::AddCheck { check, .. } if check.not_valid => {}
            Change::AddForeignKey { foreign_key, .. } if foreign_key.not_valid => {}
            Change::AddCheck { check, .. } => {
                let mut data_check = on.check(&check.name, check.expr.as_str());
                if let Some(column) = reads_added(check.expr.as_str()) {
                    data_check.query = Err(added_reason(column));
                } else if names.renames_columns(table) {
                    data_check.query = Err(renamed_reason.into());
                }
                checks.push(data_check);
            }
            Change::AddForeignKey { foreign_key, .. } => {
                let parent_file = &foreign_key.ref_table;
                let parent = names.table(parent_file).filter(|t| current.tables.contains_key(*t));
                let columns: Vec<String> = foreign_key.columns.iter().map(|c| names.column(table, c)).collect();
                let parent_columns: Vec<String> =
                    foreign_key.ref_columns.iter().map(|c| names.column(parent_file, c)).collect();
                let mut check = on.orphans(&foreign_key.name, parent_file, parent, &columns, &parent_columns);
                if let Some(column) = keys_added(&foreign_key.columns) {
                    check.query = Err(added_reason(column));
                }
                checks.push(check);
            }
            _ => {}
        }
    }
    // Labels an enum loses, on every live column of that type.
    for &change in changes {
        let Change::RecreateEnum { name, from, to } = change else { continue };
        let removed: Vec<&String> = from.iter().filter(|l| !to.contains(l)).collect();
        if removed.is_empty() {
            continue;
        }
        for live in current.tables.values() {
            for column in live.columns.values() {
                if column.sql_type.is_or_holds(name) {
                    let file_table = names.file_table(&live.name);
                    let on = On { sql, live, file_table: &file_table, names: &names };
                    checks.push(on.enum_labels(name, column, &removed));
                }
            }
        }
    }
    // A key's column may also be made NOT NULL by its own change.
    let mut seen = std::collections::HashSet::new();
    checks.retain(|c| seen.insert((c.kind, c.table.clone(), c.subject.clone())));
    checks
}

/// The names the live database has for what the file names: the plan's
/// checks run before its renames.
struct LiveNames {
    /// File table name → live table name.
    tables: HashMap<String, String>,
    /// (file table name, file column name) → live column name.
    columns: HashMap<(String, String), String>,
}

impl LiveNames {
    fn of(changes: &[&Change]) -> LiveNames {
        let mut names = LiveNames { tables: HashMap::new(), columns: HashMap::new() };
        for &change in changes {
            match change {
                Change::RenameTable { from, to } => {
                    names.tables.insert(to.clone(), from.clone());
                }
                Change::RenameColumn { table, from, to } => {
                    names.columns.insert((table.clone(), to.clone()), from.clone());
                }
                _ => {}
            }
        }
        names
    }

    fn table<'a>(&'a self, file: &'a str) -> Option<&'a str> {
        Some(self.tables.get(file).map_or(file, String::as_str))
    }

    fn file_table(&self, live: &str) -> String {
        self.tables.iter().find(|(_, l)| *l == live).map_or(live.to_string(), |(f, _)| f.clone())
    }

    fn column(&self, table: &str, column: &str) -> String {
        self.columns.get(&(table.to_string(), column.to_string())).cloned().unwrap_or_else(|| column.to_string())
    }

    /// Whether the plan renames columns of `table` (whose expressions then
    /// name columns the live table does not have yet).
    fn renames_columns(&self, table: &str) -> bool {
        self.columns.keys().any(|(t, _)| t == table)
    }
}

/// A check being built on one live table.
struct On<'a> {
    sql: &'a dyn PreflightSql,
    live: &'a Table,
    /// The table's name in the file (and the plan).
    file_table: &'a str,
    names: &'a LiveNames,
}

impl On<'_> {
    fn from(&self) -> String {
        self.sql.table_sql(&self.live.name)
    }

    /// The key columns shown as examples (as text), how they are labelled,
    /// and the columns they are ordered by.
    fn example_keys(&self) -> (Vec<String>, String, Vec<String>) {
        let text = self.sql.text_type();
        match &self.live.primary_key {
            Some(key) if !key.columns.is_empty() => {
                let label = if key.columns.len() == 1 {
                    key.columns[0].clone()
                } else {
                    format!("({})", key.columns.join(", "))
                };
                let keys = key.columns.iter().map(|c| format!("CAST({} AS {text})", quote_ident(c))).collect();
                (keys, label, key.columns.iter().map(|c| quote_ident(c)).collect())
            }
            _ => match self.sql.row_id(self.live) {
                Some(id) => (vec![format!("CAST({id} AS {text})")], id.to_string(), vec![id.to_string()]),
                None => (Vec::new(), String::new(), Vec::new()),
            },
        }
    }

    /// A query listing up to [`EXAMPLES`] rows matching `condition` (the
    /// first by key, so that every database shows the same), each with the
    /// number of all of them first.
    fn rows_where(&self, condition: &str) -> (String, String) {
        let (keys, label, order) = self.example_keys();
        let mut select = vec![format!("CAST(count(*) OVER () AS {})", self.sql.text_type())];
        select.extend(keys);
        // Qualified: an output column may carry the key's name (as text).
        let order: Vec<String> = order.iter().map(|o| format!("{}.{o}", self.from())).collect();
        let order = if order.is_empty() { String::new() } else { format!(" ORDER BY {}", order.join(", ")) };
        let sql =
            format!("SELECT {} FROM {} WHERE {condition}{order} LIMIT {EXAMPLES}", select.join(", "), self.from());
        (sql, label)
    }

    fn check_of(&self, kind: DataCheckKind, subject: String, condition: &str, failure: String) -> DataCheck {
        let (query, label) = self.rows_where(condition);
        DataCheck {
            kind,
            table: self.file_table.to_string(),
            subject,
            failure,
            example_label: label,
            grouped: false,
            probe: None,
            setup: Vec::new(),
            query: Ok(query),
        }
    }

    fn new_not_null(&self, column: &Column) -> DataCheck {
        self.check_of(
            DataCheckKind::NewNotNullColumn,
            format!("new NOT NULL column {}.{} (no default)", self.file_table, column.name),
            "1 = 1",
            format!("of {} would have NULL in the new column {}", self.file_table, column.name),
        )
    }

    fn not_null(&self, live_column: &str, file_column: &str) -> DataCheck {
        self.check_of(
            DataCheckKind::NotNull,
            format!("NOT NULL on {}.{file_column}", self.file_table),
            &format!("{} IS NULL", quote_ident(live_column)),
            format!("of {} have NULL in {file_column}", self.file_table),
        )
    }

    fn check(&self, name: &str, expr: &str) -> DataCheck {
        self.check_of(
            DataCheckKind::Check,
            format!("check {name} on {}", self.file_table),
            &format!("NOT ({expr})"),
            format!("of {} violate check {name} ({expr})", self.file_table),
        )
    }

    fn conversion(&self, from: &Column, to: &Column, conversion: Conversion) -> DataCheck {
        let mut check = self.check_of(
            DataCheckKind::Conversion,
            format!("{}.{} from {} to {}", self.file_table, to.name, from.sql_type, to.sql_type),
            &conversion.failing,
            format!("of {} have a value in {} that does not convert to {}", self.file_table, to.name, to.sql_type),
        );
        check.probe = conversion.probe;
        check.setup = conversion.setup;
        check
    }

    fn enum_labels(&self, name: &str, column: &Column, removed: &[&String]) -> DataCheck {
        let labels: Vec<String> = removed.iter().map(|l| crate::sql::quote_literal(l)).collect();
        let file_column = self
            .names
            .columns
            .iter()
            .find(|((t, _), live)| t == self.file_table && **live == column.name)
            .map_or(column.name.clone(), |((_, c), _)| c.clone());
        let shown: Vec<&str> = removed.iter().map(|l| l.as_str()).collect();
        self.check_of(
            DataCheckKind::EnumLabel,
            format!("labels {} removed from {name}, used by {}.{file_column}", shown.join(", "), self.file_table),
            &format!("CAST({} AS {}) IN ({})", quote_ident(&column.name), self.sql.text_type(), labels.join(", ")),
            format!("of {} use a label of {name} the plan removes, in {file_column}", self.file_table),
        )
    }

    /// Groups of rows with the same values of `keys` (SQL), more than one
    /// row each: what a UNIQUE, PRIMARY KEY or unique index refuses.
    fn duplicates(
        &self,
        kind: DataCheckKind,
        name: &str,
        shown: &[String],
        keys: &[String],
        predicate: Option<&str>,
        nulls_not_distinct: bool,
    ) -> DataCheck {
        let mut conditions: Vec<String> =
            if nulls_not_distinct { Vec::new() } else { keys.iter().map(|k| format!("{k} IS NOT NULL")).collect() };
        if let Some(predicate) = predicate {
            conditions.push(format!("({predicate})"));
        }
        let filter = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        let text = self.sql.text_type();
        let values: Vec<String> = keys.iter().map(|k| format!("CAST({k} AS {text})")).collect();
        let query = format!(
            "SELECT CAST(count(*) OVER () AS {text}), CAST(sum(count(*)) OVER () AS {text}), CAST(count(*) AS {text}), {} \
             FROM {}{filter} GROUP BY {} HAVING count(*) > 1 LIMIT {EXAMPLES}",
            values.join(", "),
            self.sql.own_rows_sql(&self.live.name),
            keys.join(", ")
        );
        let what = match kind {
            DataCheckKind::PrimaryKey => "primary key",
            DataCheckKind::UniqueIndex => "unique index",
            _ => "unique",
        };
        let columns = if shown.len() == 1 { shown[0].clone() } else { format!("({})", shown.join(", ")) };
        DataCheck {
            kind,
            table: self.file_table.to_string(),
            subject: format!("{what} {name} on {} ({})", self.file_table, shown.join(", ")),
            failure: format!("of {} have the same {columns} as another row", self.file_table),
            example_label: columns,
            grouped: true,
            probe: None,
            setup: Vec::new(),
            query: Ok(query),
        }
    }

    /// Rows whose foreign key columns (all set) name no row of the parent
    /// (`parent`: its live name, `None` when the plan creates it).
    fn orphans(
        &self,
        name: &str,
        parent_file: &str,
        parent: Option<&str>,
        columns: &[String],
        parent_columns: &[String],
    ) -> DataCheck {
        let set: Vec<String> = columns.iter().map(|c| format!("c.{} IS NOT NULL", quote_ident(c))).collect();
        let missing = match parent {
            Some(parent) => {
                let matched: Vec<String> = columns
                    .iter()
                    .zip(parent_columns)
                    .map(|(c, p)| format!("p.{} = c.{}", quote_ident(p), quote_ident(c)))
                    .collect();
                format!(
                    " AND NOT EXISTS (SELECT 1 FROM {} AS p WHERE {})",
                    self.sql.own_rows_sql(parent),
                    matched.join(" AND ")
                )
            }
            None => String::new(),
        };
        let (keys, label, order) = self.example_keys();
        let keys: Vec<String> = keys.iter().map(|k| k.replacen("CAST(", "CAST(c.", 1)).collect();
        let mut select = vec![format!("CAST(count(*) OVER () AS {})", self.sql.text_type())];
        select.extend(keys);
        let order: Vec<String> = order.iter().map(|o| format!("c.{o}")).collect();
        let order = if order.is_empty() { String::new() } else { format!(" ORDER BY {}", order.join(", ")) };
        let query = format!(
            "SELECT {} FROM {} AS c WHERE {}{missing}{order} LIMIT {EXAMPLES}",
            select.join(", "),
            self.sql.own_rows_sql(&self.live.name),
            set.join(" AND ")
        );
        DataCheck {
            kind: DataCheckKind::ForeignKey,
            table: self.file_table.to_string(),
            subject: format!("foreign key {name} on {} to {parent_file}", self.file_table),
            failure: format!("of {} have no matching row in {parent_file} (foreign key {name})", self.file_table),
            example_label: label,
            grouped: false,
            probe: None,
            setup: Vec::new(),
            query: Ok(query),
        }
    }
}
