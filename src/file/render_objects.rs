//! Writing views, functions, procedures and triggers as schema.yaml text.
//! SQL bodies become block scalars where that reads back exactly.

use super::render_fields::{block, index_fields, list, scalar};
use super::render_privileges::{privilege_fields, render_privilege_lines};
use crate::model::SecurableKind;
use crate::model::{Function, Schema, Trigger, View};
use std::fmt::Write;

/// The `triggers:` of a table or view, at `indent` spaces.
pub(super) fn render_triggers(out: &mut String, triggers: &[&Trigger], indent: usize) {
    if triggers.is_empty() {
        return;
    }
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}triggers:");
    let mut triggers = triggers.to_vec();
    triggers.sort_by(|a, b| a.name.cmp(&b.name));
    for trigger in triggers {
        let _ = writeln!(out, "{pad}  {}:", scalar(&trigger.name));
        let field = format!("{pad}    ");
        let _ = writeln!(out, "{field}timing: {}", scalar(&trigger.timing));
        let events: Vec<String> = trigger
            .events
            .iter()
            .map(|e| {
                if e == "update" && !trigger.update_of.is_empty() {
                    format!("update of {}", trigger.update_of.join(", "))
                } else {
                    e.clone()
                }
            })
            .collect();
        let _ = writeln!(out, "{field}events: {}", list(&events));
        if !trigger.for_each_row {
            let _ = writeln!(out, "{field}for_each: statement");
        }
        if let Some(when) = &trigger.when {
            let _ = writeln!(out, "{field}when: {}", block(when.unwrapped(), indent + 6));
        }
        if trigger.old_table.is_some() || trigger.new_table.is_some() {
            let mut parts = Vec::new();
            if let Some(old) = &trigger.old_table {
                parts.push(format!("old_table: {}", scalar(old)));
            }
            if let Some(new) = &trigger.new_table {
                parts.push(format!("new_table: {}", scalar(new)));
            }
            let _ = writeln!(out, "{field}referencing: {{ {} }}", parts.join(", "));
        }
        if let Some(function) = &trigger.function {
            let _ = writeln!(out, "{field}function: {}", scalar(function));
        }
        if !trigger.arguments.is_empty() {
            let _ = writeln!(out, "{field}arguments: {}", list(&trigger.arguments));
        }
        if let Some(file) = &trigger.sql_file {
            let _ = writeln!(out, "{field}sql_file: {}", scalar(file));
        } else if let Some(body) = &trigger.body {
            let _ = writeln!(out, "{field}body: {}", block(body.as_str(), indent + 6));
        }
        if let Some(comment) = &trigger.comment {
            let _ = writeln!(out, "{field}comment: {}", scalar(comment));
        }
    }
}

fn render_view(out: &mut String, view: &View, triggers: &[&Trigger]) {
    let _ = writeln!(out, "  {}:", scalar(&view.name));
    if let Some(comment) = &view.comment {
        let _ = writeln!(out, "    comment: {}", scalar(comment));
    }
    if view.materialized && !view.with_data {
        out.push_str("    with_data: false\n");
    }
    if !view.columns.is_empty() {
        let _ = writeln!(out, "    columns: {}", list(&view.columns));
    }
    if view.security_barrier {
        out.push_str("    security_barrier: true\n");
    }
    if view.security_invoker {
        out.push_str("    security_invoker: true\n");
    }
    if let Some(option) = &view.check_option {
        let _ = writeln!(out, "    check_option: {}", scalar(option));
    }
    match &view.sql_file {
        Some(file) => {
            let _ = writeln!(out, "    sql_file: {}", scalar(file));
        }
        None => {
            let _ = writeln!(out, "    query: {}", block(view.query.as_str(), 6));
        }
    }
    if !view.indexes.is_empty() {
        out.push_str("    indexes:\n");
        let mut indexes: Vec<_> = view.indexes.values().collect();
        indexes.sort_by(|a, b| a.name.cmp(&b.name));
        for index in indexes {
            let _ = writeln!(out, "      {}: {{ {} }}", scalar(&index.name), index_fields(index).join(", "));
        }
    }
    render_triggers(out, triggers, 4);
}

fn render_function(out: &mut String, key: &str, function: &Function) {
    let _ = writeln!(out, "  {}:", scalar(key));
    if let Some(comment) = &function.comment {
        let _ = writeln!(out, "    comment: {}", scalar(comment));
    }
    if !function.arguments.as_str().is_empty() {
        let _ = writeln!(
            out,
            "    arguments: {}",
            serde_json::to_string(function.arguments.as_str()).expect("strings serialise")
        );
    }
    if let Some(returns) = &function.returns {
        let _ = writeln!(out, "    returns: {}", serde_json::to_string(returns.as_str()).expect("strings serialise"));
    }
    let _ = writeln!(out, "    language: {}", scalar(&function.language));
    if !function.procedure {
        if function.volatility != "volatile" {
            let _ = writeln!(out, "    volatility: {}", function.volatility);
        }
        if function.strict {
            out.push_str("    strict: true\n");
        }
        if function.parallel != "unsafe" {
            let _ = writeln!(out, "    parallel: {}", function.parallel);
        }
    }
    if function.security_definer {
        out.push_str("    security: definer\n");
    }
    if !function.config.is_empty() {
        let settings: Vec<String> = function
            .config
            .iter()
            .map(|(name, value)| {
                format!("{}: {}", scalar(name), serde_json::to_string(value).expect("strings serialise"))
            })
            .collect();
        let _ = writeln!(out, "    set: {{ {} }}", settings.join(", "));
    }
    match &function.sql_file {
        Some(file) => {
            let _ = writeln!(out, "    sql_file: {}", scalar(file));
        }
        None => {
            let _ = writeln!(out, "    body: {}", block(&function.body, 6));
        }
    }
}

/// The `views:`, `functions:` and `procedures:` sections.
pub(super) fn render_objects(out: &mut String, schema: &Schema) {
    let order = crate::model::view_order(&schema.views);
    for (title, materialized) in [("views", false), ("materialized_views", true)] {
        let names: Vec<&str> =
            order.iter().copied().filter(|n| schema.views[*n].materialized == materialized).collect();
        if names.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for (i, name) in names.into_iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let triggers: Vec<&Trigger> = schema.triggers.values().filter(|t| t.table == name).collect();
            render_view(out, &schema.views[name], &triggers);
            let kind = if materialized { SecurableKind::MaterializedView } else { SecurableKind::View };
            render_privilege_lines(out, schema, kind, name, 4);
        }
    }
    if !schema.aggregates.is_empty() {
        out.push_str("\naggregates:\n");
        for aggregate in schema.aggregates.values() {
            let overloaded = schema.aggregates.values().filter(|a| a.name == aggregate.name).count() > 1;
            let key = if overloaded { aggregate.key() } else { aggregate.name.clone() };
            let arguments: Vec<String> = aggregate.arguments.iter().map(ToString::to_string).collect();
            let mut fields = vec![
                format!("arguments: {}", list(&arguments)),
                format!("sfunc: {}", scalar(&aggregate.sfunc)),
                format!("stype: {}", scalar(&aggregate.stype.to_string())),
            ];
            if let Some(finalfunc) = &aggregate.finalfunc {
                fields.push(format!("finalfunc: {}", scalar(finalfunc)));
            }
            if let Some(initcond) = &aggregate.initcond {
                fields.push(format!("initcond: {}", serde_json::to_string(initcond).expect("strings serialise")));
            }
            if let Some(comment) = &aggregate.comment {
                fields.push(format!("comment: {}", scalar(comment)));
            }
            let _ = writeln!(out, "  {}: {{ {} }}", scalar(&key), fields.join(", "));
        }
    }
    for (title, procedures) in [("functions", false), ("procedures", true)] {
        let mut functions: Vec<&Function> = schema.functions.values().filter(|f| f.procedure == procedures).collect();
        if functions.is_empty() {
            continue;
        }
        functions.sort_by_key(|f| f.key());
        let _ = writeln!(out, "\n{title}:");
        for (i, function) in functions.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            // The bare name, unless another function shares it.
            let overloaded = schema.functions.values().filter(|f| f.name == function.name).count() > 1;
            let key = if overloaded { function.key() } else { function.name.clone() };
            render_function(out, &key, function);
            let kind = if procedures { SecurableKind::Procedure } else { SecurableKind::Function };
            render_privilege_lines(out, schema, kind, &function.key(), 4);
        }
    }
}

/// The `collations:`, `domains:` and `types:` sections.
pub(super) fn render_types(out: &mut String, schema: &Schema) {
    if !schema.collations.is_empty() {
        out.push_str("collations:\n");
        for collation in schema.collations.values() {
            let mut fields = Vec::new();
            if collation.provider != "libc" {
                fields.push(format!("provider: {}", scalar(&collation.provider)));
            }
            for (key, value) in [
                ("locale", &collation.locale),
                ("lc_collate", &collation.lc_collate),
                ("lc_ctype", &collation.lc_ctype),
            ] {
                if let Some(value) = value {
                    fields.push(format!("{key}: {}", scalar(value)));
                }
            }
            if !collation.deterministic {
                fields.push("deterministic: false".into());
            }
            if let Some(comment) = &collation.comment {
                fields.push(format!("comment: {}", scalar(comment)));
            }
            let _ = writeln!(out, "  {}: {{ {} }}", scalar(&collation.name), fields.join(", "));
        }
    }
    if !schema.domains.is_empty() {
        out.push_str("domains:\n");
        for domain in schema.domains.values() {
            let mut fields = vec![format!("type: {}", scalar(&domain.base.to_string()))];
            if let Some(default) = &domain.default {
                fields
                    .push(format!("default: {}", serde_json::to_string(default.as_str()).expect("strings serialise")));
            }
            if domain.not_null {
                fields.push("nullable: false".into());
            }
            let conventional = format!("{}_check", crate::model::naming::bare(&domain.name));
            let mut named = Vec::new();
            for check in domain.checks.values() {
                let expr = serde_json::to_string(check.expr.unwrapped()).expect("strings serialise");
                if check.name == conventional && check.comment.is_none() {
                    fields.push(format!("check: {expr}"));
                } else if let Some(comment) = &check.comment {
                    named.push(format!("{}: {{ expr: {expr}, comment: {} }}", scalar(&check.name), scalar(comment)));
                } else {
                    named.push(format!("{}: {expr}", scalar(&check.name)));
                }
            }
            if !named.is_empty() {
                fields.push(format!("checks: {{ {} }}", named.join(", ")));
            }
            if let Some(comment) = &domain.comment {
                fields.push(format!("comment: {}", scalar(comment)));
            }
            fields.extend(privilege_fields(schema, SecurableKind::Domain, &domain.name));
            let _ = writeln!(out, "  {}: {{ {} }}", scalar(&domain.name), fields.join(", "));
        }
    }
    if !schema.composite_types.is_empty() {
        out.push_str("types:\n");
        for composite in schema.composite_types.values() {
            let attributes: Vec<String> = composite
                .attributes
                .iter()
                .map(|(name, t)| format!("{}: {}", scalar(name), scalar(&t.to_string())))
                .collect();
            let mut fields = vec![format!("attributes: {{ {} }}", attributes.join(", "))];
            if let Some(comment) = &composite.comment {
                fields.push(format!("comment: {}", scalar(comment)));
            }
            fields.extend(privilege_fields(schema, SecurableKind::Type, &composite.name));
            let _ = writeln!(out, "  {}: {{ {} }}", scalar(&composite.name), fields.join(", "));
        }
    }
}

/// A table's `row_level_security` and `policies`.
pub(super) fn render_policies(out: &mut String, table: &crate::model::Table) {
    if let Some(mode) = &table.row_level_security {
        let _ = writeln!(out, "    row_level_security: {mode}");
    }
    if table.policies.is_empty() {
        return;
    }
    out.push_str("    policies:\n");
    let mut policies: Vec<_> = table.policies.values().collect();
    policies.sort_by(|a, b| a.name.cmp(&b.name));
    for policy in policies {
        let mut fields = Vec::new();
        if policy.command != "all" {
            fields.push(format!("for: {}", policy.command));
        }
        if !policy.permissive {
            fields.push("as: restrictive".into());
        }
        if policy.roles != ["public"] {
            fields.push(format!("to: {}", list(&policy.roles)));
        }
        let quoted = |e: &crate::model::Expr| serde_json::to_string(e.unwrapped()).expect("strings serialise");
        if let Some(using) = &policy.using {
            fields.push(format!("using: {}", quoted(using)));
        }
        if let Some(check) = &policy.with_check {
            fields.push(format!("with_check: {}", quoted(check)));
        }
        if let Some(comment) = &policy.comment {
            fields.push(format!("comment: {}", scalar(comment)));
        }
        let _ = writeln!(out, "      {}: {{ {} }}", scalar(&policy.name), fields.join(", "));
    }
}
