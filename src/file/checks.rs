//! Cross-checks of a converted schema: names unique where the database
//! needs them, rename hints that make sense, characters no database can
//! store, names a dialect would cut, and SQL expressions that are single
//! expressions.

use super::Source;
use super::finding::Finding;
use super::problems::Problems;
use crate::error::Result;
use crate::model::{DefaultValue, IndexKey, Schema, naming};
use std::collections::HashMap;

/// Every SQL expression of the file must be one expression: balanced
/// parentheses, no `;`, no comment. An expression that closes its own
/// parenthesis could otherwise end the statement it is pasted into and
/// start another one (`1=1); DROP TABLE users; --`), which would run
/// without the consent destructive changes need.
pub(super) fn check_expressions(problems: &mut Problems, schema: &Schema) {
    for table in schema.tables.values() {
        let t = table.name.as_str();
        for column in table.columns.values() {
            if let Some(DefaultValue::Expr(expr)) = &column.default {
                check_expression(problems, &["tables", t, "columns", &column.name, "default"], expr.as_str());
            }
            if let Some(expr) = &column.generated {
                check_expression(problems, &["tables", t, "columns", &column.name, "generated"], expr.as_str());
            }
        }
        for check in table.checks.values() {
            let column = table.columns.keys().find(|c| naming::check(t, c) == check.name);
            match column {
                Some(c) => check_expression(problems, &["tables", t, "columns", c, "check"], check.expr.as_str()),
                None => check_expression(problems, &["tables", t, "checks", &check.name], check.expr.as_str()),
            }
        }
        for exclusion in table.exclusions.values() {
            let path = ["tables", t, "exclusions", &exclusion.name];
            for element in &exclusion.elements {
                if let IndexKey::Expr(expr) = &element.part.key {
                    check_expression(problems, &path, expr.as_str());
                }
            }
            if let Some(predicate) = &exclusion.predicate {
                check_expression(problems, &path, predicate.as_str());
            }
        }
        for index in table.indexes.values() {
            for part in &index.parts {
                if let IndexKey::Expr(expr) = &part.key {
                    check_expression(problems, &["tables", t, "indexes", &index.name, "columns"], expr.as_str());
                }
            }
            if let Some(predicate) = &index.predicate {
                check_expression(problems, &["tables", t, "indexes", &index.name, "where"], predicate.as_str());
            }
        }
    }
}

fn check_expression(problems: &mut Problems, path: &[&str], sql: &str) {
    if let Err(problem) = single_expression(sql) {
        problems.report(path, format!("invalid SQL expression \"{sql}\": {problem}"), None);
    }
}

/// Index, unique and primary-key names share one namespace per database
/// (and with tables); so do constraint names within a table.
pub(super) fn check_names(problems: &mut Problems, schema: &Schema) {
    let mut renamed: HashMap<&str, &str> = HashMap::new();
    for table in schema.tables.values() {
        if let Some(old) = &table.renamed_from
            && let Some(first) = renamed.insert(old, &table.name)
        {
            problems.report(
                &["tables", &table.name, "renamed_from"],
                format!("tables \"{first}\" and \"{}\" are both renamed from \"{old}\"", table.name),
                Some("a table can be renamed to one new name only"),
            );
        }
    }
    check_characters(problems, schema);
    name_collisions(problems, schema, &|name| name.to_string(), None);
    for table in schema.tables.values() {
        let t = table.name.as_str();
        if let Some(old) = &table.renamed_from
            && schema.tables.contains_key(old)
        {
            problems.report(
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
                problems.report(
                    &["tables", t, "columns", &column.name, "renamed_from"],
                    format!("columns \"{t}.{first}\" and \"{t}.{}\" are both renamed from \"{old}\"", column.name),
                    Some("a column can be renamed to one new name only"),
                );
            }
            if let Some(old) = &column.renamed_from
                && table.columns.contains_key(old)
            {
                problems.report(
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
/// Names that must be unique: tables in the database, indexes and keys in
/// their table (in the database too on most dialects: see
/// [`index_names_in_the_database`]), checks and foreign keys in their
/// table, and (where names are folded) columns in their table; compared as
/// `fold` makes them. `why` explains a collision that only folding makes.
fn name_collisions(problems: &mut Problems, schema: &Schema, fold: &dyn Fn(&str) -> String, why: Option<&str>) {
    let hint = |default: &str| why.unwrap_or(default).to_string();
    let mut global: HashMap<String, String> = HashMap::new();
    // Folded, index names collide across tables too: the dialects that
    // fold names (SQLite) keep them in one namespace.
    let mut folded_indexes: HashMap<String, (String, String)> = HashMap::new();
    for t in schema.tables.keys() {
        if let Some(previous) = global.insert(fold(t), format!("table \"{t}\"")) {
            problems.report(
                &["tables", t],
                format!("the name of table \"{t}\" is already used by the {previous}"),
                Some(&hint("table names must be unique")),
            );
        }
    }
    for table in schema.tables.values() {
        let t = table.name.as_str();
        if why.is_some() {
            let mut columns: HashMap<String, &str> = HashMap::new();
            for c in table.columns.keys() {
                if let Some(previous) = columns.insert(fold(c), c) {
                    problems.report(
                        &["tables", t, "columns", c],
                        format!("column \"{t}.{c}\" has the name of column \"{t}.{previous}\""),
                        why,
                    );
                }
            }
        }
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
            names.push((&i.name, format!("index \"{}\" of \"{t}\"", i.name), vec!["tables", t, "indexes", &i.name]));
        }
        for x in table.exclusions.values() {
            let what = format!("exclusion constraint \"{}\" of \"{t}\"", x.name);
            names.push((&x.name, what, vec!["tables", t, "exclusions", &x.name]));
        }
        let mut in_table: HashMap<String, String> = HashMap::new();
        for (name, what, path) in names {
            if let Some(previous) = in_table.insert(fold(name), what.clone()) {
                problems.report(
                    &path,
                    format!("the name \"{name}\" of the {what} is already used by the {previous}"),
                    Some(&hint("index and key names must be unique in their table")),
                );
                continue;
            }
            if why.is_none() {
                continue;
            }
            let collision = global.get(&fold(name)).cloned().or_else(|| {
                folded_indexes.get(&fold(name)).filter(|(exact, _)| exact != name).map(|(_, what)| what.clone())
            });
            match collision {
                Some(previous) => problems.report(
                    &path,
                    format!("the name \"{name}\" of the {what} is already used by the {previous}"),
                    Some(&hint("index, key and table names must be unique in the database")),
                ),
                None => {
                    folded_indexes.insert(fold(name), (name.to_string(), what));
                }
            }
        }
        let mut local: HashMap<String, &str> = HashMap::new();
        for (name, kind) in
            table.checks.keys().map(|n| (n, "check")).chain(table.foreign_keys.keys().map(|n| (n, "foreign key")))
        {
            if let Some(previous) = local.insert(fold(name), kind) {
                problems.report(
                    &["tables", t],
                    format!("the {kind} name \"{name}\" is already used by a {previous} in table \"{t}\""),
                    why,
                );
            }
        }
    }
}

/// Index and key names that another table (or a table) of the file also
/// uses: one namespace per database on PostgreSQL and SQLite, not on
/// MySQL, where they are the table's own.
pub(crate) fn index_names_in_the_database(schema: &Schema) -> Vec<Finding> {
    let mut found = Vec::new();
    let mut seen: HashMap<&str, String> =
        schema.tables.keys().map(|t| (t.as_str(), format!("table \"{t}\""))).collect();
    for table in schema.tables.values() {
        let t = table.name.as_str();
        let pk = table.primary_key.iter().map(|pk| (&pk.name, format!("primary key of \"{t}\""), None));
        let uniques = table
            .uniques
            .values()
            .map(|u| (&u.name, format!("unique constraint \"{}\" of \"{t}\"", u.name), Some(("uniques", &u.name))));
        let indexes = table
            .indexes
            .values()
            .map(|i| (&i.name, format!("index \"{}\" of \"{t}\"", i.name), Some(("indexes", &i.name))));
        let exclusions = table.exclusions.values().map(|x| {
            (&x.name, format!("exclusion constraint \"{}\" of \"{t}\"", x.name), Some(("exclusions", &x.name)))
        });
        let mut own: Vec<&str> = Vec::new();
        for (name, what, at) in pk.chain(uniques).chain(indexes).chain(exclusions) {
            match seen.get(name.as_str()) {
                // The same name twice in one table is the file's own error.
                Some(_) if own.contains(&name.as_str()) => {}
                Some(previous) => {
                    let message = format!("the name \"{name}\" of the {what} is already used by the {previous}");
                    let finding = match at {
                        Some((section, entry)) => Finding::entry(t, section, entry, message),
                        None => Finding::table(t, Some("primary_key"), message),
                    };
                    found.push(finding.hint("index, key and table names must be unique in the database"));
                }
                None => {
                    seen.insert(name, what);
                }
            }
            own.push(name);
        }
    }
    found
}

/// On a dialect that does not tell names apart by ASCII case (SQLite),
/// names of the file that differ only in case are one name.
pub(crate) fn check_case_collisions(schema: &Schema, source: Source, dialect: &str) -> Result<()> {
    let mut problems = Problems::new(source.path, source.text);
    let why = format!("{dialect} does not tell names apart by case");
    name_collisions(&mut problems, schema, &|name| name.to_ascii_lowercase(), Some(&why));
    if problems.is_empty() { Ok(()) } else { Err(problems.into_error()) }
}

/// No name may hold a NUL byte: neither database can store one, and it
/// would cut the statement's text short.
fn check_characters(problems: &mut Problems, schema: &Schema) {
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
        problems.report(&path, format!("{what} contains a NUL character"), Some("remove the \\0 from the name"));
    }
    for table in schema.tables.values() {
        for column in table.columns.values() {
            if let Some(collation) = &column.collation
                && (collation.is_empty()
                    || !collation.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@')))
            {
                problems.report(
                    &["tables", &table.name, "columns", &column.name, "collation"],
                    format!("invalid collation name \"{collation}\""),
                    Some("a collation is a name such as C, nocase, en_US.utf8 or und-x-icu"),
                );
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
            ("exclusions", "exclusion constraint"),
        ];
        // Names dbshape made up are left out: the differ matches those
        // constraints by definition, whatever the server calls them.
        let lists: [Vec<&String>; 5] = [
            table.uniques.values().filter(|u| u.name != naming::unique(t, &u.columns)).map(|u| &u.name).collect(),
            table.checks.keys().filter(|name| !table.columns.keys().any(|c| naming::check(t, c) == **name)).collect(),
            table
                .foreign_keys
                .values()
                .filter(|f| f.name != naming::foreign_key(t, &f.columns))
                .map(|f| &f.name)
                .collect(),
            table.indexes.keys().collect(),
            table.exclusions.keys().collect(),
        ];
        for ((section, what), names) in named.iter().zip(lists) {
            for name in names {
                visit(path(&["tables", t, section, name]), format!("{what} \"{name}\" of table \"{t}\""), name);
            }
        }
    }
}

/// Names longer than `max` bytes, which `dialect` would silently cut, so
/// that they would never match the database. Names dbshape makes up
/// (conventional constraint names) are exempt: the differ matches those
/// constraints by definition.
pub(crate) fn check_name_lengths(schema: &Schema, source: Source, max: usize, dialect: &str) -> Result<()> {
    let mut long: Vec<(Vec<String>, String, usize)> = Vec::new();
    for (name, labels) in &schema.enums {
        for label in std::iter::once(name).chain(labels) {
            if label.len() > max {
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
        if name.split('.').any(|part| part.len() > max) && (path.len() != 2 || name.len() > max) {
            long.push((path, what, name.len()));
        }
    });
    if long.is_empty() {
        return Ok(());
    }
    let mut problems = Problems::new(source.path, source.text);
    for (yaml_path, what, bytes) in long {
        let yaml_path: Vec<&str> = yaml_path.iter().map(String::as_str).collect();
        problems.report(
            &yaml_path,
            format!("{what} is {bytes} bytes long; {dialect} keeps only {max} and would silently cut it"),
            Some("use a shorter name"),
        );
    }
    Err(problems.into_error())
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
