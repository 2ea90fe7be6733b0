//! From the file's views, functions, procedures and triggers to the model:
//! bodies read from `sql_file`s, keywords checked, each problem reported
//! at its YAML path.

use super::parse::parse_parameter;
use super::problems::Problems;
use super::raw::{RawFunction, RawMaterializedView, RawPolicy, RawTrigger, RawView};
use crate::model::{Expr, Function, POLICY_COMMANDS, Policy, TRIGGER_EVENTS, Trigger, View};
use crate::sql::lexer::{Kind, split_top_level, tokenize};
use std::path::Path;

/// Reads the SQL of an object: written inline (`key`) or in `sql_file`.
fn sql_text(
    problems: &mut Problems,
    path: &[&str],
    what: &str,
    key: &str,
    inline: Option<&String>,
    file: Option<&String>,
) -> Option<String> {
    match (inline, file) {
        (Some(text), None) => Some(text.clone()),
        (None, Some(file)) => {
            let base = problems.path.parent().unwrap_or(Path::new(""));
            let full = base.join(file);
            match std::fs::read_to_string(&full) {
                Ok(text) => Some(text),
                Err(error) => {
                    let at: Vec<&str> = path.iter().copied().chain(["sql_file"]).collect();
                    problems.report(
                        &at,
                        format!("{what}: cannot read sql_file \"{file}\": {error}"),
                        Some("the path is relative to the schema file"),
                    );
                    None
                }
            }
        }
        (Some(_), Some(_)) => {
            problems.report(path, format!("{what} has both `{key}` and `sql_file`"), Some("keep one of them"));
            None
        }
        (None, None) => {
            problems.report(
                path,
                format!("{what} has no `{key}`"),
                Some(&format!("write its SQL as `{key}: |` or put it in a file named by `sql_file:`")),
            );
            None
        }
    }
}

/// Whether `sql` is one statement's worth of text: no `;` outside quotes
/// and parentheses (which would end the statement it is pasted into).
fn one_statement(sql: &str) -> bool {
    let tokens = tokenize(sql);
    let mut depth = 0i32;
    tokens.iter().all(|t| {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth -= 1;
        }
        depth >= 0 && !(depth == 0 && t.is_punct(';') && t.end != sql.trim_end().len())
    }) && depth == 0
}

/// A view's query, read and checked.
fn query(
    problems: &mut Problems,
    section: &str,
    name: &str,
    raw: (Option<&String>, Option<&String>),
) -> Option<String> {
    let what = format!("{} \"{name}\"", if section == "views" { "view" } else { "materialized view" });
    if name.is_empty() {
        problems.report(&[section], format!("a {} name is empty", &what[..what.find(' ').unwrap_or(0)]), None);
    }
    let query = sql_text(problems, &[section, name], &what, "query", raw.0, raw.1)?;
    let query = query.trim().trim_end_matches(';').trim_end().to_string();
    if query.is_empty() || !one_statement(&query) {
        problems.report(
            &[section, name, "query"],
            format!("{what}: the query must be one SELECT (or VALUES) statement"),
            Some("no `;` between statements; balanced parentheses"),
        );
    }
    Some(query)
}

/// A materialized view, without its indexes (the converter reads those
/// as a table's).
pub(super) fn materialized_view(problems: &mut Problems, name: &str, raw: &RawMaterializedView) -> Option<View> {
    let query = query(problems, "materialized_views", name, (raw.query.as_ref(), raw.sql_file.as_ref()))?;
    Some(View {
        columns: raw.columns.clone().unwrap_or_default(),
        comment: raw.comment.clone(),
        materialized: true,
        with_data: raw.with_data.unwrap_or(true),
        sql_file: raw.sql_file.clone(),
        ..View::new(name, query)
    })
}

pub(super) fn view(problems: &mut Problems, name: &str, raw: &RawView) -> Option<View> {
    let what = format!("view \"{name}\"");
    let query = query(problems, "views", name, (raw.query.as_ref(), raw.sql_file.as_ref()))?;
    let check_option = raw.check_option.as_deref().map(str::to_ascii_lowercase);
    if let Some(option) = &check_option
        && option != "local"
        && option != "cascaded"
    {
        problems.report(
            &["views", name, "check_option"],
            format!("{what}: check_option is `local` or `cascaded`, not `{option}`"),
            None,
        );
    }
    Some(View {
        name: name.to_string(),
        query: Expr::new(query),
        columns: raw.columns.clone().unwrap_or_default(),
        column_types: Vec::new(),
        security_barrier: raw.security_barrier.unwrap_or(false),
        security_invoker: raw.security_invoker.unwrap_or(false),
        check_option,
        comment: raw.comment.clone(),
        materialized: false,
        with_data: true,
        indexes: Default::default(),
        sql_file: raw.sql_file.clone(),
    })
}

/// One of `allowed`, lower-cased, or the first (the default) when absent.
fn keyword(problems: &mut Problems, path: &[&str], what: &str, value: Option<&String>, allowed: &[&str]) -> String {
    let Some(value) = value else { return allowed[0].to_string() };
    let lower = value.trim().to_ascii_lowercase();
    if !allowed.contains(&lower.as_str()) {
        problems.report(path, format!("{what}: `{value}` is not one of {}", allowed.join(", ")), None);
    }
    lower
}

pub(super) fn function(problems: &mut Problems, key: &str, raw: &RawFunction, procedure: bool) -> Option<Function> {
    let section = if procedure { "procedures" } else { "functions" };
    let kind = if procedure { "procedure" } else { "function" };
    let name = key.split_once('(').map_or(key, |(name, _)| name).trim().to_string();
    let what = format!("{kind} \"{name}\"");
    let at = |field: &str| [section, key, field].map(String::from);
    let path = [section, key];
    if name.is_empty() {
        problems.report(&[section], format!("a {kind} name is empty"), None);
    }
    let body = sql_text(problems, &path, &what, "body", raw.body.as_ref(), raw.sql_file.as_ref())?;
    let language = match &raw.language {
        Some(language) if !language.trim().is_empty() => language.trim().to_ascii_lowercase(),
        _ => {
            problems.report(
                &path,
                format!("{what} has no `language`"),
                Some("write `language: plpgsql` or `language: sql`"),
            );
            String::new()
        }
    };
    let returns = raw.returns.as_ref().map(|r| Expr::new(r.trim()));
    match (&returns, procedure) {
        (None, false) => problems.report(
            &path,
            format!("{what} has no `returns`"),
            Some("write what it returns: `returns: integer`, `returns: trigger`, `returns: SETOF users`"),
        ),
        (Some(_), true) => {
            let path = at("returns");
            problems.report(
                &[path[0].as_str(), &path[1], &path[2]],
                format!("{what}: a procedure returns nothing"),
                None,
            )
        }
        _ => {}
    }
    let arguments = raw.arguments.clone().unwrap_or_default();
    for (field, text) in [("arguments", Some(&arguments)), ("returns", raw.returns.as_ref())] {
        if let Some(text) = text
            && (!one_statement(text) || text.contains(';'))
        {
            problems.report(&[section, key, field], format!("{what}: `{field}` is not a single SQL clause"), None);
        }
    }
    let mut keyword_of = |field: &str, value: Option<&String>, allowed: &[&str]| {
        keyword(problems, &[section, key, field], &what, value, allowed)
    };
    let volatility = keyword_of("volatility", raw.volatility.as_ref(), &["volatile", "stable", "immutable"]);
    let security = keyword_of("security", raw.security.as_ref(), &["invoker", "definer"]);
    let parallel = keyword_of("parallel", raw.parallel.as_ref(), &["unsafe", "restricted", "safe"]);
    let mut config = Vec::new();
    for (setting, value) in raw.config.iter().flat_map(|c| c.0.iter()) {
        let text = match value {
            serde_yaml::Value::String(s) => Some(s.clone()),
            other => parse_parameter(other),
        };
        let valid_name = !setting.is_empty() && setting.chars().all(|c| c.is_ascii_alphanumeric() || "_.".contains(c));
        match text {
            Some(text) if valid_name => config.push((setting.to_ascii_lowercase(), text)),
            _ => problems.report(&[section, key, "set", setting], format!("{what}: invalid setting `{setting}`"), None),
        }
    }
    let mut function = Function {
        name,
        procedure,
        arguments: Expr::new(arguments),
        identity: String::new(),
        returns: if procedure { None } else { returns },
        language,
        volatility: if procedure { "volatile".into() } else { volatility },
        strict: raw.strict.unwrap_or(false),
        security_definer: security == "definer",
        parallel: if procedure { "unsafe".into() } else { parallel },
        config,
        body,
        comment: raw.comment.clone(),
        sql_file: raw.sql_file.clone(),
    };
    function.identity = identity_of(function.arguments.as_str());
    Some(function)
}

/// The identifying argument types of an argument list as written: each
/// argument without its default, `OUT` arguments left out. The server's
/// spelling replaces it when the file is normalised through a database.
pub(crate) fn identity_of(arguments: &str) -> String {
    let tokens = tokenize(arguments);
    let mut kept = Vec::new();
    for argument in split_top_level(&tokens) {
        let end = argument.iter().position(|t| t.is("DEFAULT") || t.is_punct('=')).unwrap_or(argument.len());
        let argument = &argument[..end];
        if argument.first().is_some_and(|t| t.is("OUT")) || argument.is_empty() {
            continue;
        }
        let words: Vec<String> = argument
            .iter()
            .map(|t| if t.kind == Kind::Word { t.text.to_ascii_lowercase() } else { t.text.to_string() })
            .collect();
        kept.push(words.join(" ").replace(" ( ", "(").replace(" )", ")").replace(" ,", ","));
    }
    kept.join(", ")
}

pub(super) fn trigger(problems: &mut Problems, parent: (&str, &str), name: &str, raw: &RawTrigger) -> Option<Trigger> {
    let (section, table) = parent;
    let path = [section, table, "triggers", name];
    let at = |field: &'static str| [section, table, "triggers", name, field];
    let what = format!("trigger \"{name}\" on {table}");
    if name.is_empty() {
        problems.report(&[section, table, "triggers"], "a trigger name is empty", None);
    }
    let timing = raw.timing.trim().to_ascii_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
    if !["before", "after", "instead of"].contains(&timing.as_str()) {
        problems.report(
            &at("timing"),
            format!("{what}: timing is `before`, `after` or `instead of`, not `{}`", raw.timing),
            None,
        );
    }
    let mut events = Vec::new();
    let mut update_of = Vec::new();
    for event in &raw.events {
        let lower = event.trim().to_ascii_lowercase();
        let (event_name, columns) = match lower.strip_prefix("update of ") {
            Some(_) => ("update", Some(event.trim()[10..].trim())),
            None => (lower.as_str(), None),
        };
        if !TRIGGER_EVENTS.contains(&event_name) {
            problems.report(
                &at("events"),
                format!("{what}: `{event}` is not an event"),
                Some("events are insert, update (or `update of a, b`), delete and truncate"),
            );
            continue;
        }
        if events.iter().any(|e| e == event_name) {
            problems.report(&at("events"), format!("{what} lists `{event_name}` twice"), None);
            continue;
        }
        events.push(event_name.to_string());
        if let Some(columns) = columns {
            update_of
                .extend(columns.split(',').map(|c| c.trim().trim_matches('"').to_string()).filter(|c| !c.is_empty()));
        }
    }
    if events.is_empty() && !raw.events.is_empty() {
        return None;
    }
    if raw.events.is_empty() {
        problems.report(&at("events"), format!("{what} has no events"), Some("write `events: [insert, update]`"));
    }
    events.sort_by_key(|e| TRIGGER_EVENTS.iter().position(|k| k == e));
    let for_each = keyword(problems, &at("for_each"), &what, raw.for_each.as_ref(), &["row", "statement"]);
    let when = raw.condition.as_ref().map(|w| Expr::new(w.clone()));
    if let Some(when) = &when
        && (!one_statement(when.as_str()) || when.as_str().contains(';'))
    {
        problems.report(&at("when"), format!("{what}: `when` must be one expression"), None);
    }
    let function = raw.function.as_ref().map(|f| f.trim().trim_end_matches("()").trim().to_string());
    let body = match (&function, &raw.body, &raw.sql_file) {
        (Some(_), None, None) => None,
        (Some(_), _, _) => {
            problems.report(
                &path,
                format!("{what} has both a `function` and a `body`"),
                Some("PostgreSQL triggers call a function; SQLite triggers have a body"),
            );
            None
        }
        (None, body, file) => {
            let text = sql_text(problems, &path, &what, "body", body.as_ref(), file.as_ref())?;
            let text = text.trim().to_string();
            Some(Expr::new(if text.ends_with(';') { text } else { format!("{text};") }))
        }
    };
    Some(Trigger {
        name: name.to_string(),
        table: table.to_string(),
        timing,
        events,
        update_of,
        for_each_row: for_each == "row",
        when,
        old_table: raw.referencing.as_ref().and_then(|r| r.old_table.clone()),
        new_table: raw.referencing.as_ref().and_then(|r| r.new_table.clone()),
        function,
        arguments: raw.arguments.clone().unwrap_or_default(),
        body,
        comment: raw.comment.clone(),
        sql_file: raw.sql_file.clone(),
    })
}

pub(super) fn policy(problems: &mut Problems, table: &str, name: &str, raw: &RawPolicy) -> Policy {
    let what = format!("policy \"{name}\" on {table}");
    let at = |field: &'static str| ["tables", table, "policies", name, field];
    let command = keyword(problems, &at("for"), &what, raw.command.as_ref(), POLICY_COMMANDS);
    let kind = keyword(problems, &at("as"), &what, raw.kind.as_ref(), &["permissive", "restrictive"]);
    let mut roles: Vec<String> = raw.roles.clone().unwrap_or_else(|| vec!["public".into()]);
    for role in roles.iter_mut() {
        if role.eq_ignore_ascii_case("public") {
            *role = "public".into();
        }
    }
    roles.sort();
    roles.dedup();
    let mut expr = |field: &'static str, text: &Option<String>| {
        let text = text.as_ref()?;
        if !one_statement(text) || text.contains(';') {
            problems.report(&at(field), format!("{what}: `{field}` must be one expression"), None);
        }
        Some(Expr::new(text.clone()))
    };
    let using = expr("using", &raw.using);
    let with_check = expr("with_check", &raw.with_check);
    if using.is_none() && with_check.is_none() {
        problems.report(
            &["tables", table, "policies", name],
            format!("{what} has neither `using` nor `with_check`"),
            Some("`using: \"owner = current_user\"` says which rows it lets through"),
        );
    }
    Policy {
        name: name.to_string(),
        permissive: kind == "permissive",
        command,
        roles,
        using,
        with_check,
        comment: raw.comment.clone(),
    }
}
