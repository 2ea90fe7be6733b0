//! Reading schema.yaml into the model: deserialise, validate, fill in
//! conventional constraint names. All problems are collected and reported
//! together, each with its line.

use super::locator::Locator;
use super::raw::{RawColumn, RawFile, RawForeignKey, RawIndex, RawIndexExpr, RawTable};
use crate::error::{Error, Result, SchemaProblem};
use crate::model::{
    Check, Column, DefaultValue, Expr, ForeignKey, Index, IndexKey, IndexPart, KNOWN_TYPES, Literal, PrimaryKey,
    ReferentialAction, Schema, SqlType, Table, Unique, naming,
};
use crate::suggest::did_you_mean;
use serde_yaml::Value;
use std::collections::HashMap;
use std::path::Path;

/// Reads and validates a schema file.
pub fn load_path(path: &Path) -> Result<Schema> {
    let bytes =
        std::fs::read(path).map_err(|source| Error::Io { action: "read schema file", path: path.into(), source })?;
    let text = String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        Error::Schema(vec![SchemaProblem {
            file: path.into(),
            line: Some(line),
            column: Some(column),
            message: "the file is not UTF-8 text".into(),
            hint: Some("save it as UTF-8".into()),
            source_line: None,
        }])
    })?;
    load_str(&text, path)
}

/// Validates schema text; `path` is only used in messages.
pub fn load_str(text: &str, path: &Path) -> Result<Schema> {
    let mut loader = Loader { path, text, enums: Vec::new(), pending: Vec::new() };
    if text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        loader.report(&[], "the schema file is empty", Some("expected a top-level `tables:` mapping"));
        return Err(loader.into_error());
    }
    let raw: RawFile = match serde_yaml::from_str(text) {
        Ok(raw) => raw,
        Err(error) => return Err(Error::Schema(vec![loader.serde_problem(&error)])),
    };
    let schema = loader.convert(raw);
    if loader.pending.is_empty() { Ok(schema) } else { Err(loader.into_error()) }
}

struct Loader<'a> {
    path: &'a Path,
    /// The file's enum type names.
    enums: Vec<String>,
    text: &'a str,
    /// Problems with the YAML path they concern; located only if there are
    /// any, since locating means parsing the file a second time.
    pending: Vec<(Vec<String>, String, Option<String>)>,
}

impl Loader<'_> {
    fn problem_at(&self, at: Option<(usize, usize)>, message: String, hint: Option<String>) -> SchemaProblem {
        SchemaProblem {
            file: self.path.to_path_buf(),
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
            source_line: at.and_then(|(line, _)| self.text.lines().nth(line.wrapping_sub(1))).map(str::to_string),
            message,
            hint,
        }
    }

    fn report(&mut self, path: &[&str], message: impl Into<String>, hint: Option<&str>) {
        self.pending.push((path.iter().map(|p| p.to_string()).collect(), message.into(), hint.map(str::to_string)));
    }

    fn into_error(self) -> Error {
        let locator = Locator::new(self.text);
        let problems = self
            .pending
            .iter()
            .map(|(path, message, hint)| {
                let path: Vec<&str> = path.iter().map(String::as_str).collect();
                let at = locator.find(&path).map(|p| (p.line, p.column));
                self.problem_at(at, message.clone(), hint.clone())
            })
            .collect();
        Error::Schema(problems)
    }

    fn serde_problem(&self, error: &serde_yaml::Error) -> SchemaProblem {
        let mut message = error.to_string();
        // serde_yaml appends " at line L column C"; we print the location up front.
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        let mut hint = None;
        if let Some((unknown, expected)) = parse_unknown_field(&message) {
            hint = did_you_mean(&unknown, &expected).map(|s| format!("did you mean \"{s}\"?"));
            let field_path = message.split(": unknown field").next().filter(|p| *p != message).unwrap_or("");
            message = if field_path.is_empty() {
                format!("unknown key \"{unknown}\"")
            } else {
                format!("unknown key \"{unknown}\" in {field_path}")
            };
            if unknown.ends_with(')') && unknown.trim_end_matches(')').trim().chars().all(|c| c.is_ascii_digit()) {
                hint = Some("inside { }, a comma ends the value: quote types like \"numeric(10,2)\"".into());
            }
            if hint.is_none() {
                hint = Some(format!("expected one of: {}", expected.join(", ")));
            }
        }
        let mut at = error.location().map(|l| (l.line(), l.column()));
        if let Some(start) = message.find("duplicate key \"") {
            // serde points at the mapping; point at the repeated key instead.
            let key = message[start + "duplicate key \"".len()..].trim_end_matches('"').to_string();
            let repeat = Locator::new(self.text).duplicates.into_iter().find(|(path, _)| path.last() == Some(&key));
            if let Some((path, position)) = repeat {
                at = Some((position.line, position.column));
                message = format!("duplicate key \"{key}\" in {}", path[..path.len() - 1].join("."));
                hint = Some("each table, column and constraint name may appear only once".into());
            }
        }
        if message.contains("repetition limit exceeded") {
            hint = Some("YAML aliases (*name) here expand to too much data".into());
        } else if message.contains("recursion limit exceeded") {
            hint = Some("the YAML is nested too deeply".into());
        }
        for (internal, plain) in [
            ("struct RawFile", "a mapping with `tables:`"),
            ("struct RawTable", "a table (a mapping with `columns:`)"),
            ("struct RawIndex", "an index (a mapping with `columns:`)"),
            ("struct RawForeignKey", "a foreign key (a mapping with `columns:` and `references:`)"),
            ("struct RawReference", "a mapping with `table:` and `columns:`"),
            ("struct RawIndexExpr", "an index part (`{ column: x }` or `{ expr: SQL }`)"),
        ] {
            message = message.replace(internal, plain);
        }
        self.problem_at(at, message.replace('`', "\""), hint)
    }

    fn convert(&mut self, raw: RawFile) -> Schema {
        let mut schema = Schema::default();
        for name in raw.extensions.unwrap_or_default() {
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-')) {
                self.report(
                    &["extensions"],
                    format!("invalid extension name \"{name}\""),
                    Some("an extension is a name such as citext, pgcrypto or uuid-ossp"),
                );
            }
            if schema.extensions.contains(&name) {
                self.report(&["extensions"], format!("extension \"{name}\" is listed twice"), None);
            }
            schema.extensions.push(name);
        }
        for (name, values) in raw.enums.unwrap_or_default().0 {
            let mut seen = std::collections::HashSet::new();
            if values.is_empty() {
                self.report(&["enums", &name], format!("enum \"{name}\" has no values"), None);
            }
            for value in &values {
                if !seen.insert(value) {
                    self.report(&["enums", &name], format!("enum \"{name}\" lists \"{value}\" twice"), None);
                }
            }
            self.enums.push(name.clone());
            schema.enums.insert(name, values);
        }
        let raw_tables = raw.tables.unwrap_or_default().0;
        for (name, raw_table) in &raw_tables {
            let table = self.table(name, raw_table);
            schema.tables.insert(name.clone(), table);
        }
        self.resolve_foreign_keys(&mut schema, &raw_tables);
        self.check_names(&schema);
        self.check_expressions(&schema);
        schema
    }

    fn table(&mut self, name: &str, raw: &RawTable) -> Table {
        let mut table = Table::new(name);
        table.comment = raw.comment.clone();
        table.renamed_from = raw.renamed_from.clone();
        if name.is_empty() {
            self.report(&["tables"], "a table name is empty", None);
        }
        let raw_columns = raw.columns.clone().unwrap_or_default().0;
        if raw_columns.is_empty() {
            self.report(
                &["tables", name],
                format!("table \"{name}\" has no columns"),
                Some("add a `columns:` mapping"),
            );
        }
        let mut pk_columns = Vec::new();
        for (column_name, raw_column) in &raw_columns {
            let column = self.column(&mut table, column_name, raw_column);
            if raw_column.primary_key == Some(true) {
                pk_columns.push(column_name.clone());
            }
            table.columns.insert(column_name.clone(), column);
        }
        if !pk_columns.is_empty() {
            table.primary_key = Some(PrimaryKey { name: naming::primary_key(name), columns: pk_columns });
        }
        if let Some(value) = &raw.primary_key {
            let here = ["tables", name, "primary_key"];
            match parse_primary_key(name, value) {
                Ok(_) if table.primary_key.is_some() => self.report(
                    &here,
                    format!("table \"{name}\" declares its primary key twice"),
                    Some("use either `primary_key: true` on columns or the table-level `primary_key:` list"),
                ),
                Ok(pk) => table.primary_key = Some(pk),
                Err(message) => self.report(&here, message, None),
            }
        }
        if let Some(pk) = table.primary_key.clone() {
            for column in &pk.columns {
                match table.columns.get_mut(column) {
                    None => self.unknown_column(&["tables", name, "primary_key"], &table, column, "the primary key"),
                    Some(col) if col.nullable && raw_columns[column].nullable == Some(true) => self.report(
                        &["tables", name, "columns", column, "nullable"],
                        format!("primary key column \"{name}.{column}\" cannot be nullable"),
                        Some("remove `nullable: true`: primary key columns are always NOT NULL"),
                    ),
                    Some(col) => col.nullable = false,
                }
            }
        }
        for (column_name, column) in &table.columns {
            if column.autoincrement {
                let sole_pk = table.primary_key.as_ref().is_some_and(|pk| pk.columns == [column_name.clone()]);
                if !sole_pk {
                    self.report(
                        &["tables", name, "columns", column_name, "autoincrement"],
                        format!(
                            "autoincrement column \"{name}.{column_name}\" must be the table's only primary key column"
                        ),
                        Some("add `primary_key: true`, or remove `autoincrement`"),
                    );
                }
            }
        }
        for (unique_name, columns) in raw.uniques.clone().unwrap_or_default().0 {
            for column in &columns {
                if !table.columns.contains_key(column) {
                    self.unknown_column(
                        &["tables", name, "uniques", &unique_name],
                        &table,
                        column,
                        &format!("unique constraint \"{unique_name}\""),
                    );
                }
            }
            if columns.is_empty() {
                self.report(
                    &["tables", name, "uniques", &unique_name],
                    format!("unique constraint \"{unique_name}\" lists no columns"),
                    None,
                );
            }
            self.insert_unique(
                &mut table,
                Unique { name: unique_name.clone(), columns },
                &["tables", name, "uniques", &unique_name],
            );
        }
        for (check_name, expr) in raw.checks.clone().unwrap_or_default().0 {
            let path = ["tables", name, "checks", &check_name];
            if expr.trim().is_empty() {
                self.report(&path, format!("check \"{check_name}\" is empty"), None);
            }
            if table
                .checks
                .insert(check_name.clone(), Check { name: check_name.clone(), expr: Expr::new(expr) })
                .is_some()
            {
                self.report(&path, format!("check \"{check_name}\" is declared twice in table \"{name}\""), None);
            }
        }
        for (index_name, raw_index) in raw.indexes.clone().unwrap_or_default().0 {
            if let Some(index) = self.index(&table, &index_name, &raw_index) {
                table.indexes.insert(index_name, index);
            }
        }
        table
    }

    fn column(&mut self, table: &mut Table, name: &str, raw: &RawColumn) -> Column {
        let t = table.name.clone();
        let base_type = raw.sql_type.trim().trim_end_matches("[]");
        let sql_type = match parse_type(&raw.sql_type) {
            // An enum of this file is a type, however close to a built-in name.
            _ if self.enums.iter().any(|e| e == base_type) => {
                SqlType::parse(&raw.sql_type).unwrap_or_else(|_| SqlType::Other(raw.sql_type.clone()))
            }
            Ok(sql_type) => sql_type,
            Err((message, hint)) => {
                self.report(&["tables", &t, "columns", name, "type"], message, hint.as_deref());
                SqlType::Other(raw.sql_type.clone())
            }
        };
        let mut column = Column::new(name, sql_type);
        if name.is_empty() {
            self.report(&["tables", &t, "columns"], format!("a column name in table \"{t}\" is empty"), None);
        }
        column.nullable = raw.nullable.unwrap_or(raw.primary_key != Some(true));
        column.autoincrement = raw.autoincrement.unwrap_or(false);
        match raw.identity.as_deref().map(|i| i.to_ascii_lowercase().replace('_', " ")).as_deref() {
            None => {}
            Some("always") => {
                column.autoincrement = true;
                column.identity_always = true;
            }
            Some("by default") => column.autoincrement = true,
            Some(other) => self.report(
                &["tables", &t, "columns", name, "identity"],
                format!("unknown identity \"{other}\""),
                Some("expected always or by default"),
            ),
        }
        column.generated = raw.generated.clone().map(Expr::new);
        if column.generated.is_some() && raw.default.is_some() {
            self.report(
                &["tables", &t, "columns", name, "generated"],
                format!("generated column \"{t}.{name}\" cannot also have a default"),
                None,
            );
        }
        column.collation = raw.collation.clone();
        column.comment = raw.comment.clone();
        column.renamed_from = raw.renamed_from.clone();
        if column.autoincrement && !column.sql_type.is_integer() {
            self.report(
                &["tables", &t, "columns", name, "autoincrement"],
                format!("autoincrement column \"{t}.{name}\" has type {}, not an integer type", column.sql_type),
                Some("use integer or bigint"),
            );
        }
        if let Some(value) = &raw.default {
            match parse_default(value) {
                Ok(default) => column.default = default,
                Err(message) => self.report(
                    &["tables", &t, "columns", name, "default"],
                    message,
                    Some("write a YAML scalar, or `{ sql: EXPRESSION }` for an SQL expression"),
                ),
            }
        }
        if raw.unique == Some(true) {
            let unique = Unique { name: naming::unique(&t, &[name.to_string()]), columns: vec![name.to_string()] };
            self.insert_unique(table, unique, &["tables", &t, "columns", name, "unique"]);
        }
        if let Some(expr) = &raw.check {
            let check_name = naming::check(&t, name);
            table.checks.insert(check_name.clone(), Check { name: check_name, expr: Expr::new(expr.clone()) });
        }
        if raw.references.is_none() && (raw.on_delete.is_some() || raw.on_update.is_some()) {
            self.report(
                &["tables", &t, "columns", name],
                format!("column \"{t}.{name}\" has on_delete/on_update but no `references`"),
                Some("add `references: table.column`"),
            );
        }
        column
    }

    fn insert_unique(&mut self, table: &mut Table, unique: Unique, path: &[&str]) {
        let name = unique.name.clone();
        if table.uniques.insert(name.clone(), unique).is_some() {
            self.report(
                path,
                format!("unique constraint \"{name}\" is declared twice in table \"{}\"", table.name),
                None,
            );
        }
    }

    fn index(&mut self, table: &Table, name: &str, raw: &RawIndex) -> Option<Index> {
        let t = table.name.as_str();
        let path = ["tables", t, "indexes", name, "columns"];
        if raw.columns.is_empty() {
            self.report(&path, format!("index \"{name}\" lists no columns"), None);
            return None;
        }
        let mut parts = Vec::new();
        for value in &raw.columns {
            match parse_index_part(value) {
                Ok(part) => {
                    if let IndexKey::Column(column) = &part.key
                        && !table.columns.contains_key(column)
                    {
                        self.unknown_column(&path, table, column, &format!("index \"{name}\""));
                    }
                    parts.push(part);
                }
                Err(message) => self.report(&path, message, None),
            }
        }
        for column in raw.include.iter().flatten() {
            if !table.columns.contains_key(column) {
                self.unknown_column(
                    &["tables", t, "indexes", name, "include"],
                    table,
                    column,
                    &format!("the INCLUDE of index \"{name}\""),
                );
            }
        }
        if let Some(method) = &raw.using
            && (method.is_empty() || !method.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            self.report(
                &["tables", t, "indexes", name, "using"],
                format!("invalid index method \"{method}\""),
                Some("a method is a name such as btree, hash, gin, gist or brin"),
            );
        }
        Some(Index {
            name: name.to_string(),
            parts,
            unique: raw.unique.unwrap_or(false),
            predicate: raw.predicate.clone().map(Expr::new),
            method: raw.using.as_ref().map(|m| m.to_ascii_lowercase()).filter(|m| m != "btree"),
            include: raw.include.clone().unwrap_or_default(),
        })
    }

    fn unknown_column(&mut self, path: &[&str], table: &Table, column: &str, what: &str) {
        let known: Vec<&str> = table.columns.keys().map(String::as_str).collect();
        let hint = did_you_mean(column, &known).map(|s| format!("did you mean \"{s}\"?"));
        self.report(
            path,
            format!("unknown column \"{column}\" in {what} of table \"{}\"", table.name),
            hint.as_deref(),
        );
    }

    /// Foreign keys are resolved once every table is known, since a column
    /// may reference a table defined further down the file.
    fn resolve_foreign_keys(&mut self, schema: &mut Schema, raw_tables: &indexmap::IndexMap<String, RawTable>) {
        let mut found: Vec<(String, ForeignKey, Vec<String>)> = Vec::new();
        for (table_name, raw_table) in raw_tables {
            for (column_name, raw_column) in raw_table.columns.iter().flat_map(|m| m.0.iter()) {
                let Some(reference) = &raw_column.references else {
                    continue;
                };
                let path: Vec<String> =
                    ["tables", table_name, "columns", column_name, "references"].map(String::from).to_vec();
                let (ref_table, ref_column) = split_reference(reference, schema);
                let fk = ForeignKey {
                    name: naming::foreign_key(table_name, std::slice::from_ref(column_name)),
                    columns: vec![column_name.clone()],
                    ref_table,
                    ref_columns: ref_column.into_iter().collect(),
                    on_delete: self.action(raw_column.on_delete.as_deref(), &path),
                    on_update: self.action(raw_column.on_update.as_deref(), &path),
                    deferrable: raw_column.deferrable.unwrap_or(false) || raw_column.initially_deferred == Some(true),
                    initially_deferred: raw_column.initially_deferred.unwrap_or(false),
                };
                found.push((table_name.clone(), fk, path));
            }
            for (fk_name, raw_fk) in raw_table.foreign_keys.iter().flat_map(|m| m.0.iter()) {
                let path: Vec<String> = ["tables", table_name, "foreign_keys", fk_name].map(String::from).to_vec();
                found.push((table_name.clone(), self.long_foreign_key(fk_name, raw_fk, &path), path));
            }
        }
        for (table_name, mut fk, path) in found {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            let Some(target) = schema.tables.get(&fk.ref_table) else {
                let known: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
                let hint = did_you_mean(&fk.ref_table, &known).map(|s| format!("did you mean \"{s}\"?"));
                self.report(
                    &path,
                    format!(
                        "foreign key \"{}\" of table \"{table_name}\" references unknown table \"{}\"",
                        fk.name, fk.ref_table
                    ),
                    hint.as_deref().or(Some("every referenced table must be defined in this file")),
                );
                continue;
            };
            if fk.ref_columns.is_empty() {
                match &target.primary_key {
                    Some(pk) => fk.ref_columns = pk.columns.clone(),
                    None => {
                        self.report(
                            &path,
                            format!("table \"{}\" has no primary key to reference", fk.ref_table),
                            Some("name the referenced column: `references: table.column`"),
                        );
                        continue;
                    }
                }
            }
            for column in fk.ref_columns.clone() {
                if !target.columns.contains_key(&column) {
                    let target = target.clone();
                    self.unknown_column(&path, &target, &column, &format!("the target of foreign key \"{}\"", fk.name));
                }
            }
            let table = &schema.tables[&table_name];
            for column in &fk.columns {
                if !table.columns.contains_key(column) {
                    let table = table.clone();
                    self.unknown_column(&path, &table, column, &format!("foreign key \"{}\"", fk.name));
                }
            }
            if fk.columns.len() != fk.ref_columns.len() {
                self.report(
                    &path,
                    format!(
                        "foreign key \"{}\" has {} columns but references {}",
                        fk.name,
                        fk.columns.len(),
                        fk.ref_columns.len()
                    ),
                    None,
                );
            } else if !is_unique_key(target, &fk.ref_columns) {
                self.report(
                    &path,
                    format!(
                        "foreign key \"{}\" references {}({}), which is not a primary key or unique",
                        fk.name,
                        fk.ref_table,
                        fk.ref_columns.join(", ")
                    ),
                    Some("referenced columns need a primary key or unique constraint"),
                );
            }
            let table = schema.tables.get_mut(&table_name).expect("table exists");
            let name = fk.name.clone();
            if table.foreign_keys.insert(name.clone(), fk).is_some() {
                self.report(&path, format!("foreign key \"{name}\" is declared twice in table \"{table_name}\""), None);
            }
        }
    }

    fn long_foreign_key(&mut self, name: &str, raw: &RawForeignKey, path: &[String]) -> ForeignKey {
        ForeignKey {
            name: name.to_string(),
            columns: raw.columns.clone(),
            ref_table: raw.references.table.clone(),
            ref_columns: raw.references.columns.clone().unwrap_or_default(),
            on_delete: self.action(raw.on_delete.as_deref(), path),
            on_update: self.action(raw.on_update.as_deref(), path),
            deferrable: raw.deferrable.unwrap_or(false) || raw.initially_deferred == Some(true),
            initially_deferred: raw.initially_deferred.unwrap_or(false),
        }
    }

    fn action(&mut self, text: Option<&str>, path: &[String]) -> ReferentialAction {
        let Some(text) = text else {
            return ReferentialAction::NoAction;
        };
        ReferentialAction::parse(text).unwrap_or_else(|| {
            let hint = did_you_mean(text, ReferentialAction::NAMES).map(|s| format!("did you mean \"{s}\"?"));
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            self.report(
                &path,
                format!("unknown referential action \"{text}\""),
                hint.as_deref().or(Some("expected cascade, restrict, set null, set default or no action")),
            );
            ReferentialAction::NoAction
        })
    }

    /// Every SQL expression of the file must be one expression: balanced
    /// parentheses, no `;`, no comment. An expression that closes its own
    /// parenthesis could otherwise end the statement it is pasted into and
    /// start another one (`1=1); DROP TABLE users; --`), which would run
    /// without the consent destructive changes need.
    fn check_expressions(&mut self, schema: &Schema) {
        for table in schema.tables.values() {
            let t = table.name.as_str();
            for column in table.columns.values() {
                if let Some(DefaultValue::Expr(expr)) = &column.default {
                    self.check_expression(&["tables", t, "columns", &column.name, "default"], expr.as_str());
                }
                if let Some(expr) = &column.generated {
                    self.check_expression(&["tables", t, "columns", &column.name, "generated"], expr.as_str());
                }
            }
            for check in table.checks.values() {
                let column = table.columns.keys().find(|c| naming::check(t, c) == check.name);
                match column {
                    Some(c) => self.check_expression(&["tables", t, "columns", c, "check"], check.expr.as_str()),
                    None => self.check_expression(&["tables", t, "checks", &check.name], check.expr.as_str()),
                }
            }
            for index in table.indexes.values() {
                for part in &index.parts {
                    if let IndexKey::Expr(expr) = &part.key {
                        self.check_expression(&["tables", t, "indexes", &index.name, "columns"], expr.as_str());
                    }
                }
                if let Some(predicate) = &index.predicate {
                    self.check_expression(&["tables", t, "indexes", &index.name, "where"], predicate.as_str());
                }
            }
        }
    }

    fn check_expression(&mut self, path: &[&str], sql: &str) {
        if let Err(problem) = single_expression(sql) {
            self.report(path, format!("invalid SQL expression \"{sql}\": {problem}"), None);
        }
    }

    /// Index, unique and primary-key names share one namespace per database
    /// (and with tables); so do constraint names within a table.
    fn check_names(&mut self, schema: &Schema) {
        let mut renamed: HashMap<&str, &str> = HashMap::new();
        for table in schema.tables.values() {
            if let Some(old) = &table.renamed_from
                && let Some(first) = renamed.insert(old, &table.name)
            {
                self.report(
                    &["tables", &table.name, "renamed_from"],
                    format!("tables \"{first}\" and \"{}\" are both renamed from \"{old}\"", table.name),
                    Some("a table can be renamed to one new name only"),
                );
            }
        }
        self.check_characters(schema);
        let mut global: HashMap<String, String> =
            schema.tables.keys().map(|t| (t.to_lowercase(), format!("table \"{t}\""))).collect();
        for table in schema.tables.values() {
            let t = table.name.as_str();
            let mut names: Vec<(&str, String, Vec<&str>)> = Vec::new();
            if let Some(pk) = &table.primary_key {
                names.push((&pk.name, format!("primary key of \"{t}\""), vec!["tables", t, "primary_key"]));
            }
            for u in table.uniques.values() {
                names.push((
                    &u.name,
                    format!("unique constraint \"{}\" of \"{t}\"", u.name),
                    vec!["tables", t, "uniques", &u.name],
                ));
            }
            for i in table.indexes.values() {
                names.push((
                    &i.name,
                    format!("index \"{}\" of \"{t}\"", i.name),
                    vec!["tables", t, "indexes", &i.name],
                ));
            }
            for (name, what, path) in names {
                if let Some(previous) = global.insert(name.to_lowercase(), what.clone()) {
                    self.report(
                        &path,
                        format!("the name \"{name}\" of the {what} is already used by the {previous}"),
                        Some("index, key and table names must be unique in the database"),
                    );
                }
            }
            let mut local: HashMap<String, &str> = HashMap::new();
            for (name, kind) in
                table.checks.keys().map(|n| (n, "check")).chain(table.foreign_keys.keys().map(|n| (n, "foreign key")))
            {
                if let Some(previous) = local.insert(name.to_lowercase(), kind) {
                    self.report(
                        &["tables", t],
                        format!("the {kind} name \"{name}\" is already used by a {previous} in table \"{t}\""),
                        None,
                    );
                }
            }
            if let Some(old) = &table.renamed_from
                && schema.tables.contains_key(old)
            {
                self.report(
                    &["tables", t, "renamed_from"],
                    format!("table \"{t}\" is renamed from \"{old}\", which is still defined in this file"),
                    Some("remove the old table, or the `renamed_from` hint"),
                );
            }
            let mut renamed: HashMap<&str, &str> = HashMap::new();
            for column in table.columns.values() {
                if let Some(old) = &column.renamed_from
                    && let Some(first) = renamed.insert(old, &column.name)
                {
                    self.report(
                        &["tables", t, "columns", &column.name, "renamed_from"],
                        format!("columns \"{t}.{first}\" and \"{t}.{}\" are both renamed from \"{old}\"", column.name),
                        Some("a column can be renamed to one new name only"),
                    );
                }
                if let Some(old) = &column.renamed_from
                    && table.columns.contains_key(old)
                {
                    self.report(
                        &["tables", t, "columns", &column.name, "renamed_from"],
                        format!(
                            "column \"{t}.{}\" is renamed from \"{old}\", which is still a column of the table",
                            column.name
                        ),
                        None,
                    );
                }
            }
        }
    }
}

impl Loader<'_> {
    /// No name may hold a NUL byte: neither database can store one, and it
    /// would cut the statement's text short.
    fn check_characters(&mut self, schema: &Schema) {
        let mut bad: Vec<(Vec<String>, String)> = Vec::new();
        for (name, labels) in &schema.enums {
            for label in std::iter::once(name).chain(labels) {
                if label.contains('\0') {
                    bad.push((vec!["enums".into(), name.clone()], format!("enum \"{}\"", name.replace('\0', "\\0"))));
                }
            }
        }
        for_each_name(schema, |path, what, name| {
            if name.contains('\0') {
                bad.push((path, what.replace('\0', "\\0")));
            }
        });
        for (path, what) in bad {
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            self.report(&path, format!("{what} contains a NUL character"), Some("remove the \\0 from the name"));
        }
        for table in schema.tables.values() {
            for column in table.columns.values() {
                if let Some(collation) = &column.collation
                    && (collation.is_empty()
                        || !collation.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')))
                {
                    self.report(
                        &["tables", &table.name, "columns", &column.name, "collation"],
                        format!("invalid collation name \"{collation}\""),
                        Some("a collation is a name such as C, nocase, en_US.utf8 or und-x-icu"),
                    );
                }
            }
        }
    }
}

/// Calls `visit(yaml path, description, name)` for every table, column,
/// constraint and index name a schema file states.
fn for_each_name(schema: &Schema, mut visit: impl FnMut(Vec<String>, String, &str)) {
    let path = |parts: &[&str]| parts.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    for table in schema.tables.values() {
        let t = table.name.as_str();
        visit(path(&["tables", t]), format!("table \"{t}\""), t);
        for c in table.columns.keys() {
            visit(path(&["tables", t, "columns", c]), format!("column \"{t}.{c}\""), c);
        }
        let named = [
            ("uniques", "unique constraint"),
            ("checks", "check"),
            ("foreign_keys", "foreign key"),
            ("indexes", "index"),
        ];
        // Names dbshape made up are left out: the differ matches those
        // constraints by definition, whatever the server calls them.
        let lists: [Vec<&String>; 4] = [
            table.uniques.values().filter(|u| u.name != naming::unique(t, &u.columns)).map(|u| &u.name).collect(),
            table.checks.keys().filter(|name| !table.columns.keys().any(|c| naming::check(t, c) == **name)).collect(),
            table
                .foreign_keys
                .values()
                .filter(|f| f.name != naming::foreign_key(t, &f.columns))
                .map(|f| &f.name)
                .collect(),
            table.indexes.keys().collect(),
        ];
        for ((section, what), names) in named.iter().zip(lists) {
            for name in names {
                visit(path(&["tables", t, section, name]), format!("{what} \"{name}\" of table \"{t}\""), name);
            }
        }
    }
}

/// PostgreSQL keeps at most 63 bytes of a name and silently cuts the rest,
/// so a longer name in the file would never match the database. Names
/// dbshape makes up (conventional constraint names) are exempt: the differ
/// matches those constraints by definition.
pub fn check_postgres_names(schema: &Schema, path: &Path) -> Result<()> {
    const MAX: usize = 63;
    let mut long: Vec<(Vec<String>, String, usize)> = Vec::new();
    for (name, labels) in &schema.enums {
        for label in std::iter::once(name).chain(labels) {
            if label.len() > MAX {
                let what = if label == name {
                    format!("enum \"{name}\"")
                } else {
                    format!("label \"{label}\" of enum \"{name}\"")
                };
                long.push((vec!["enums".into(), name.clone()], what, label.len()));
            }
        }
    }
    for_each_name(schema, |path, what, name| {
        // A qualified table name is two names, each with the limit.
        if name.split('.').any(|part| part.len() > MAX) && (path.len() != 2 || name.len() > MAX) {
            long.push((path, what, name.len()));
        }
    });
    if long.is_empty() {
        return Ok(());
    }
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut loader = Loader { path, text: &text, enums: Vec::new(), pending: Vec::new() };
    for (yaml_path, what, bytes) in long {
        let yaml_path: Vec<&str> = yaml_path.iter().map(String::as_str).collect();
        loader.report(
            &yaml_path,
            format!("{what} is {bytes} bytes long; PostgreSQL keeps only {MAX} and would silently cut it"),
            Some("use a shorter name"),
        );
    }
    Err(loader.into_error())
}

/// Whether `sql` is a single expression that cannot end the statement it is
/// placed in.
fn single_expression(sql: &str) -> Result<(), &'static str> {
    use crate::sql::lexer::{Kind, tokenize};
    let tokens = tokenize(sql);
    if tokens.is_empty() {
        return Err("it is empty");
    }
    let mut depth = 0i32;
    let mut previous_end = 0;
    for token in &tokens {
        let gap = &sql[previous_end..token.start];
        if gap.contains("--") || gap.contains("/*") {
            return Err("comments are not allowed in expressions");
        }
        previous_end = token.end;
        let quoted_to_end = matches!(token.kind, Kind::String | Kind::QuotedIdent)
            && (token.text.len() < 2 || !token.text.ends_with(['\'', '"', '`', ']']));
        if quoted_to_end {
            return Err("a quote is not closed");
        }
        if token.is_punct(';') {
            return Err("`;` would end the statement");
        }
        if token.is_punct('(') {
            depth += 1;
        } else if token.is_punct(')') {
            depth -= 1;
            if depth < 0 {
                return Err("a `)` closes a parenthesis the expression did not open");
            }
        }
    }
    if sql[previous_end..].contains("--") || sql[previous_end..].contains("/*") {
        return Err("comments are not allowed in expressions");
    }
    if depth != 0 {
        return Err("a `(` is not closed");
    }
    Ok(())
}

/// Extracts `x` and the expected names from serde's
/// "unknown field `x`, expected one of `a`, `b`" message.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    let (unknown, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).map(str::to_string).collect();
    Some((unknown.to_string(), expected))
}

/// Real type names (PostgreSQL built-ins and common extension types) that
/// are close enough to a canonical name to look like typos of it.
const OTHER_KNOWN_TYPES: &[&str] = &[
    "inet",
    "cidr",
    "citext",
    "bit",
    "varbit",
    "money",
    "interval",
    "point",
    "line",
    "box",
    "path",
    "circle",
    "xml",
    "macaddr",
    "macaddr8",
    "serial",
    "bigserial",
    "smallserial",
    "name",
    "oid",
    "bpchar",
    "tsvector",
    "tsquery",
    "int4range",
    "int8range",
    "numrange",
    "tsrange",
    "tstzrange",
    "daterange",
    "hstore",
    "timetz",
];

fn parse_type(text: &str) -> Result<SqlType, (String, Option<String>)> {
    if text.trim().is_empty() {
        // SQLite allows columns with no declared type; keep them representable.
        return Ok(SqlType::Other(String::new()));
    }
    let sql_type = SqlType::parse(text).map_err(|m| (m, None))?;
    if let SqlType::Other(name) = &sql_type {
        let base = name.split('(').next().unwrap_or(name).trim();
        let typo = !OTHER_KNOWN_TYPES.contains(&base) && !KNOWN_TYPES.contains(&base) && base.len() >= 4;
        if let Some(known) = did_you_mean(base, KNOWN_TYPES)
            .filter(|k| typo && strsim::damerau_levenshtein(base, k) <= 1 + usize::from(base.len() >= 7))
        {
            return Err((format!("unknown type \"{text}\""), Some(format!("did you mean \"{known}\"?"))));
        }
        if !base.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ' ' | '.' | '[' | ']' | '"'))
            || !plain_type_text(text)
        {
            return Err((
                format!("invalid type \"{text}\""),
                Some("a type is a name such as integer, varchar(50) or numeric(10,2)".into()),
            ));
        }
    }
    Ok(sql_type)
}

/// A type name is pasted into SQL as written (a type can't be quoted as a
/// whole), so only the shape of a type is allowed: words starting with a
/// letter, one level of parentheses holding numbers or words, `[]`.
fn plain_type_text(text: &str) -> bool {
    let text = text.trim();
    let mut depth = 0;
    text.chars().next().is_some_and(|c| c.is_alphabetic() || c == '"' || c == '_')
        && text.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (0..=1).contains(&depth)
                && (c.is_alphanumeric() || matches!(c, '_' | ' ' | '.' | ',' | '(' | ')' | '[' | ']' | '"'))
        })
        && depth == 0
        && text.matches('"').count() % 2 == 0
}

fn parse_default(value: &Value) -> Result<Option<DefaultValue>, String> {
    Ok(match value {
        Value::Null => None,
        Value::Bool(b) => Some(DefaultValue::Literal(Literal::Bool(*b))),
        Value::Number(n) => Some(DefaultValue::Literal(match n.as_i64() {
            Some(i) => Literal::Int(i),
            None => Literal::Float(n.to_string()),
        })),
        Value::String(s) => Some(DefaultValue::Literal(Literal::Text(s.clone()))),
        Value::Mapping(map) => {
            let sql = map.get("sql").and_then(Value::as_str);
            match (sql, map.len()) {
                (Some(sql), 1) if !sql.trim().is_empty() => DefaultValue::from_sql(sql),
                _ => return Err("a default mapping must be exactly `{ sql: EXPRESSION }`".into()),
            }
        }
        _ => return Err("a default must be a scalar or `{ sql: EXPRESSION }`".into()),
    })
}

fn parse_primary_key(table: &str, value: &Value) -> Result<PrimaryKey, String> {
    let columns_of = |v: &Value| -> Option<Vec<String>> {
        v.as_sequence()?.iter().map(|c| c.as_str().map(str::to_string)).collect()
    };
    match value {
        Value::Sequence(_) => match columns_of(value) {
            Some(columns) if !columns.is_empty() => Ok(PrimaryKey { name: naming::primary_key(table), columns }),
            _ => Err(format!("the primary key of \"{table}\" must list at least one column name")),
        },
        Value::Mapping(map) => {
            let name = map
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| naming::primary_key(table));
            let columns = map.get("columns").and_then(columns_of).filter(|c| !c.is_empty());
            if map.keys().any(|k| !matches!(k.as_str(), Some("name" | "columns"))) {
                return Err("a primary key mapping takes only `name` and `columns`".into());
            }
            columns
                .map(|columns| PrimaryKey { name, columns })
                .ok_or_else(|| format!("the primary key of \"{table}\" needs `columns: [...]`"))
        }
        _ => Err("`primary_key` must be a list of columns, e.g. [id]".into()),
    }
}

fn parse_index_part(value: &Value) -> Result<IndexPart, String> {
    match value {
        Value::String(text) => {
            let trimmed = text.trim();
            let lower = trimmed.to_ascii_lowercase();
            let (name, descending) = if let Some(name) = lower.strip_suffix(" desc") {
                (&trimmed[..name.len()], true)
            } else if let Some(name) = lower.strip_suffix(" asc") {
                (&trimmed[..name.len()], false)
            } else {
                (trimmed, false)
            };
            Ok(IndexPart { key: IndexKey::Column(name.trim_end().to_string()), descending, nulls_first: None })
        }
        Value::Mapping(_) => {
            let raw: RawIndexExpr =
                serde_yaml::from_value(value.clone()).map_err(|e| format!("invalid index item: {e}"))?;
            let descending = match raw.order.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => return Err(format!("index order \"{other}\" must be asc or desc")),
            };
            let key = match (raw.expr, raw.column) {
                (Some(expr), None) => IndexKey::Expr(Expr::new(expr)),
                (None, Some(column)) => IndexKey::Column(column),
                _ => {
                    return Err("an index item mapping needs exactly one of `column` or `expr`".into());
                }
            };
            let nulls_first = match raw.nulls.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None => None,
                Some("first") => Some(true),
                Some("last") => Some(false),
                Some(other) => {
                    return Err(format!("index nulls \"{other}\" must be first or last"));
                }
            };
            // The default for the direction is no setting at all.
            let nulls_first = nulls_first.filter(|first| *first != descending);
            Ok(IndexPart { key, descending, nulls_first })
        }
        _ => Err("index columns must be column names or `{ expr: SQL }` items".into()),
    }
}

/// `users.id` → (users, id); `users` → (users, primary key). A dotted name
/// that is itself a table (a schema-qualified one) references its key.
fn split_reference(reference: &str, schema: &Schema) -> (String, Option<String>) {
    if schema.tables.contains_key(reference) {
        return (reference.to_string(), None);
    }
    match reference.rsplit_once('.') {
        Some((table, column)) => (table.to_string(), Some(column.to_string())),
        None => (reference.to_string(), None),
    }
}

fn is_unique_key(table: &Table, columns: &[String]) -> bool {
    let same = |other: &[String]| {
        let mut a = other.to_vec();
        let mut b = columns.to_vec();
        a.sort();
        b.sort();
        a == b
    };
    table.primary_key.as_ref().is_some_and(|pk| same(&pk.columns))
        || table.uniques.values().any(|u| same(&u.columns))
        || table.indexes.values().any(|i| {
            i.unique
                && i.predicate.is_none()
                && i.parts.len() == columns.len()
                && same(&i.columns().map(String::from).collect::<Vec<_>>())
        })
}
