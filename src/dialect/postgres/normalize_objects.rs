//! Views, functions and triggers of the file in the server's spelling.
//!
//! An object that already equals its live counterpart by dbshape's own
//! comparison is taken as it lives (no server round trip: the steady state
//! of a file written by `inspect` costs nothing). The others are made in
//! scratch schemas, in one transaction that is always rolled back: the
//! functions first (bodies unchecked), then what the triggers sit on and
//! what the views read where the file changes it, the views in dependency
//! order, the triggers; then read back with the inspector's own queries.

use super::connection::PostgresConnection;
use super::objects;
use super::plan as planner;
use super::scratch::Scratch;
use crate::error::{Error, Result};
use crate::model::naming::bare;
use crate::model::view_order;
use crate::model::{CompositeType, Domain, Expr, Function, Index, Schema, SqlType, Table, Trigger, View};
use crate::sql::lexer::{identifiers, mentions};
use std::collections::{HashMap, HashSet};

/// A name as the inspector gives it: unqualified in the default schema.
fn local(name: &str, default_schema: &str) -> String {
    name.strip_prefix(&format!("{default_schema}.")).unwrap_or(name).to_string()
}

fn function_matches(live: &Function, wanted: &Function) -> bool {
    live.name == wanted.name
        && live.arguments == wanted.arguments
        && Function { comment: None, identity: String::new(), ..live.clone() }.same_definition(&Function {
            comment: None,
            identity: String::new(),
            ..wanted.clone()
        })
}

fn view_matches(live: &View, wanted: &View) -> bool {
    let columns = if wanted.columns.is_empty() { live.columns.clone() } else { wanted.columns.clone() };
    let same_indexes = live.indexes.len() == wanted.indexes.len()
        && wanted.indexes.values().all(|i| {
            live.indexes.get(&i.name).is_some_and(|l| Index { comment: i.comment.clone(), ..l.clone() } == *i)
        });
    same_indexes && live.same_definition(&View { columns, comment: live.comment.clone(), ..wanted.clone() })
}

/// The live view, with what the file says of how to make it and of its
/// comments.
fn kept_view(live: &View, wanted: &View) -> View {
    let mut view = View { comment: wanted.comment.clone(), with_data: wanted.with_data, ..live.clone() };
    for index in view.indexes.values_mut() {
        index.comment = wanted.indexes.get(&index.name).and_then(|i| i.comment.clone());
    }
    view
}

pub(super) fn normalize_objects(
    conn: &mut PostgresConnection,
    desired: &Schema,
    normalized: &mut Schema,
    current: &Schema,
) -> Result<()> {
    let default_schema = conn.default_schema.clone();
    // Aggregates are names and types: the inspector's names are local.
    for aggregate in desired.aggregates.values() {
        let mut aggregate = aggregate.clone();
        aggregate.sfunc = local(&aggregate.sfunc, &default_schema);
        aggregate.finalfunc = aggregate.finalfunc.map(|f| local(&f, &default_schema));
        normalized.aggregates.insert(aggregate.key(), aggregate);
    }
    let mut pending_types = false;
    for (name, domain) in &desired.domains {
        match current.domains.get(name) {
            Some(live) if live == domain => {
                normalized.domains.insert(name.clone(), live.clone());
            }
            _ => {
                normalized.domains.insert(name.clone(), domain.clone());
                pending_types = true;
            }
        }
    }
    for (name, composite) in &desired.composite_types {
        if current.composite_types.get(name) != Some(composite) {
            pending_types = true;
        }
        normalized.composite_types.insert(name.clone(), composite.clone());
    }
    let mut live_functions: HashMap<&str, Vec<&Function>> = std::collections::HashMap::new();
    for live in current.functions.values() {
        live_functions.entry(live.name.as_str()).or_default().push(live);
    }
    let mut pending_functions = Vec::new();
    for function in desired.functions.values() {
        let same_name = live_functions.get(function.name.as_str()).map_or(&[][..], Vec::as_slice);
        match same_name.iter().copied().find(|live| function_matches(live, function)) {
            Some(live) => {
                let kept = Function { comment: function.comment.clone(), ..live.clone() };
                normalized.functions.insert(kept.key(), kept);
            }
            None => pending_functions.push(function),
        }
    }
    let changed: HashSet<String> = normalized
        .tables
        .iter()
        .filter(|(name, table)| current.tables.get(*name) != Some(*table))
        .map(|(name, _)| name.clone())
        .collect();
    let changed_bare: HashSet<String> = changed.iter().map(|t| bare(t).to_ascii_lowercase()).collect();
    let changed_table = |name: &str| changed.contains(name);
    // What the server stores of a view or trigger can change with the
    // tables it reads (a retyped column gains casts): only one over
    // unchanged tables and views is taken as it lives.
    let all_views = view_order(&desired.views);
    let named: HashMap<&str, HashSet<String>> =
        all_views.iter().map(|v| (*v, identifiers(desired.views[*v].query.as_str()))).collect();
    let mut pending_views: Vec<&str> = Vec::new();
    let mut pending_bare: HashSet<String> = HashSet::new();
    for &name in &all_views {
        let view = &desired.views[name];
        let reads = &named[name];
        let settled = reads.is_disjoint(&changed_bare) && reads.is_disjoint(&pending_bare);
        match current.views.get(name) {
            Some(live) if settled && view_matches(live, view) => {
                normalized.views.insert(name.to_string(), kept_view(live, view));
            }
            _ => {
                pending_views.push(name);
                pending_bare.insert(bare(name).to_ascii_lowercase());
            }
        }
    }
    let mut pending_triggers = Vec::new();
    for (key, trigger) in &desired.triggers {
        let mut wanted = trigger.clone();
        wanted.function = wanted.function.map(|f| local(&f, &default_schema));
        match current.triggers.get(key) {
            Some(live) if !changed_table(&trigger.table) && live.same_definition(&wanted) => {
                normalized.triggers.insert(key.clone(), Trigger { comment: wanted.comment, ..live.clone() });
            }
            _ => pending_triggers.push((key, wanted)),
        }
    }
    // Policies whose expressions differ from the live ones by dbshape's
    // rules are spelled on a scratch copy of their table.
    let pending_policies: Vec<String> = normalized
        .tables
        .iter()
        .filter(|(name, t)| {
            !t.policies.is_empty() && current.tables.get(*name).map(|l| &l.policies) != Some(&t.policies)
        })
        .map(|(name, _)| name.clone())
        .collect();
    if !pending_types
        && pending_functions.is_empty()
        && pending_views.is_empty()
        && pending_triggers.is_empty()
        && pending_policies.is_empty()
    {
        return Ok(());
    }

    // What must exist in the scratch schemas: the tables the triggers sit
    // on, and the tables the views read where the file changes them (the
    // others are read where they live).
    let mut tables: Vec<&str> = Vec::new();
    let mut scratch_views: Vec<&str> = Vec::new();
    for (_, trigger) in &pending_triggers {
        if desired.views.contains_key(&trigger.table) {
            scratch_views.push(&trigger.table);
        } else if normalized.tables.contains_key(&trigger.table) || current.tables.contains_key(&trigger.table) {
            tables.push(&trigger.table);
        }
    }
    scratch_views.extend(pending_views.iter().copied());
    // A view read by a view made in scratch is made there too when it is.
    let scratch_views: HashSet<&str> = scratch_views.into_iter().collect();
    let mut in_scratch: Vec<&str> = Vec::new();
    let mut read_in_scratch: HashSet<&str> = HashSet::new();
    for &name in all_views.iter().rev() {
        if scratch_views.contains(name) || read_in_scratch.contains(bare(name).to_ascii_lowercase().as_str()) {
            in_scratch.push(name);
            read_in_scratch.extend(named[name].iter().map(String::as_str));
        }
    }
    in_scratch.reverse();
    for &view in &in_scratch {
        for table in &changed {
            if named[view].contains(&bare(table).to_ascii_lowercase()) && !tables.contains(&table.as_str()) {
                tables.push(table);
            }
        }
    }
    for name in &pending_policies {
        tables.push(name);
    }
    for function in &pending_functions {
        let signature = format!("{} {}", function.arguments, function.returns.as_ref().map_or("", |r| r.as_str()));
        for table in &changed {
            if mentions(&signature, bare(table)) {
                tables.push(table);
            }
        }
    }
    tables.sort_unstable();
    tables.dedup();

    let names: Vec<String> = tables
        .iter()
        .map(|t| t.to_string())
        .chain(in_scratch.iter().map(|v| v.to_string()))
        .chain(pending_functions.iter().map(|f| f.name.clone()))
        .collect();
    let mut scratch = Scratch::new(conn, normalized, names.iter())?;
    scratch.objects = true;
    scratch.statements.push(("function bodies unchecked".into(), "SET LOCAL check_function_bodies = off".into()));
    for &name in &tables {
        let table = normalized.tables.get(name).or(current.tables.get(name)).expect("a table of either side");
        let mut columns_only = Table::new(scratch.to_scratch(name));
        for column in table.columns.values() {
            let mut column = column.clone();
            column.default = None;
            column.generated = None;
            column.autoincrement = false;
            column.comment = None;
            column.serial_sequence = None;
            if let crate::model::SqlType::Other(t) = &column.sql_type
                && let Some(base) = serial_base(t)
            {
                column.sql_type = base;
            }
            scratch.scratch_type(normalized, &mut column.sql_type);
            columns_only.columns.insert(column.name.clone(), column);
        }
        scratch.statements.push((format!("table \"{name}\""), planner::create_table(&columns_only)));
    }
    for function in &pending_functions {
        let made = Function { name: scratch.to_scratch(&function.name), ..(*function).clone() };
        let what = format!("{} \"{}\"", function.kind(), function.name);
        scratch.statements.push((what, objects::create_function(&made, false)));
    }
    // Views may call the file's new aggregates.
    for aggregate in normalized.aggregates.values() {
        if current.aggregates.get(&aggregate.key()) != Some(aggregate) && !in_scratch.is_empty() {
            let made = crate::model::Aggregate {
                name: scratch.to_scratch(&aggregate.name),
                comment: None,
                ..aggregate.clone()
            };
            for sql in objects::create_aggregate(&made, false) {
                scratch.statements.push((format!("aggregate \"{}\"", aggregate.key()), sql));
            }
        }
    }
    for &name in &in_scratch {
        // Empty: what is asked is how the server spells it, not its rows.
        let view = View { name: scratch.to_scratch(name), with_data: false, ..desired.views[name].clone() };
        let what = format!("{} \"{name}\"", view.kind());
        for statement in objects::create_view(&view, None) {
            scratch.statements.push((what.clone(), statement));
        }
        for index in view.indexes.values() {
            let sql = planner::create_index(&view.name, index);
            scratch.statements.push((format!("index \"{}\" on \"{name}\"", index.name), sql));
        }
    }
    let mut made_triggers = Vec::new();
    for ((table, name), trigger) in &pending_triggers {
        let on = scratch.to_scratch(table);
        let function = trigger.function.as_deref().map(|name| {
            let made_here = pending_functions.iter().any(|f| local(&f.name, &default_schema) == name);
            if made_here { scratch.to_scratch(name) } else { name.to_string() }
        });
        let made = Trigger { table: on, function, ..trigger.clone() };
        made_triggers.push(made.clone());
        scratch.statements.push((format!("trigger \"{name}\" on \"{table}\""), objects::create_trigger(&made, false)));
    }
    for name in &pending_policies {
        for policy in normalized.tables[name].policies.values() {
            let plain = crate::model::Policy { comment: None, ..policy.clone() };
            for sql in objects::create_policy(&scratch.to_scratch(name), &plain) {
                scratch.statements.push((format!("policy \"{}\" on \"{name}\"", policy.name), sql));
            }
        }
    }
    let read = scratch.run(conn, true)?;
    for name in &pending_policies {
        let Some(spelled) = read.tables.get(&scratch.to_scratch(name)) else { continue };
        let live = current.tables.get(name);
        let table = normalized.tables.get_mut(name).expect("listed above");
        for policy in table.policies.values_mut() {
            let Some(stored) = spelled.policies.get(&policy.name) else { continue };
            let live_policy = live.and_then(|l| l.policies.get(&policy.name));
            let spell =
                |written: &Option<Expr>, stored: &Option<Expr>, live: Option<&Option<Expr>>| match (written, stored) {
                    (Some(written), Some(stored)) => {
                        let stored = Expr::new(scratch.real_text(stored.as_str()));
                        match live {
                            Some(Some(live)) if *live == stored => Some(live.clone()),
                            _ => Some(Expr::written_as(written, &stored)),
                        }
                    }
                    (written, _) => written.clone(),
                };
            policy.using = spell(&policy.using, &stored.using, live_policy.map(|l| &l.using));
            policy.with_check = spell(&policy.with_check, &stored.with_check, live_policy.map(|l| &l.with_check));
            policy.roles = stored.roles.clone();
        }
    }

    if pending_types {
        spell_types(&scratch, desired, current, &read, normalized);
    }
    for function in pending_functions {
        let scratch_name = scratch.to_scratch(&function.name);
        let candidates: Vec<&Function> = read.functions.values().filter(|f| f.name == scratch_name).collect();
        let wanted_identity = crate::file::identity_of(function.arguments.as_str());
        let spelled = match candidates.as_slice() {
            [one] => *one,
            many => many
                .iter()
                .find(|f| f.identity.eq_ignore_ascii_case(&wanted_identity))
                .or(many.first())
                .copied()
                .ok_or_else(|| not_found(function.kind(), &function.name))?,
        };
        let real = |e: &Expr| Expr::new(scratch.real_text(e.as_str()));
        let normalized_function = Function {
            arguments: Expr::written_as(&function.arguments, &real(&spelled.arguments)),
            identity: scratch.real_text(&spelled.identity),
            returns: match (&function.returns, &spelled.returns) {
                (Some(written), Some(stored)) => Some(Expr::written_as(written, &real(stored))),
                _ => None,
            },
            language: spelled.language.clone(),
            volatility: spelled.volatility.clone(),
            config: spelled.config.clone(),
            body: if function.standard_body() { spelled.body.clone() } else { function.body.clone() },
            ..function.clone()
        };
        normalized.functions.insert(normalized_function.key(), normalized_function);
    }
    for name in pending_views {
        let spelled = read.views.get(&scratch.to_scratch(name)).ok_or_else(|| not_found("view", name))?;
        let wanted = &desired.views[name];
        let stored = Expr::new(scratch.real_text(spelled.query.as_str()));
        let query = match current.views.get(name) {
            Some(live) if live.query == stored => live.query.clone(),
            _ => Expr::written_as(&wanted.query, &stored),
        };
        let live = current.views.get(name);
        let indexes = wanted
            .indexes
            .iter()
            .map(|(index_name, index)| {
                let spelled_index = spelled.indexes.get(index_name);
                let live_index = live.and_then(|l| l.indexes.get(index_name));
                let mut normalized_index = match (spelled_index, live_index) {
                    (Some(s), Some(l)) if Index { comment: None, ..l.clone() } == *s => l.clone(),
                    (Some(s), _) => super::normalize::written_index(index, s),
                    (None, _) => index.clone(),
                };
                normalized_index.comment = index.comment.clone();
                (index_name.clone(), normalized_index)
            })
            .collect();
        let view = View {
            query,
            indexes,
            columns: spelled.columns.clone(),
            column_types: spelled.column_types.iter().map(|t| scratch.real_text(t)).collect(),
            security_barrier: spelled.security_barrier,
            security_invoker: spelled.security_invoker,
            check_option: spelled.check_option.clone(),
            ..wanted.clone()
        };
        normalized.views.insert(name.to_string(), view);
    }
    for ((key, trigger), made) in pending_triggers.into_iter().zip(made_triggers) {
        let spelled = read
            .triggers
            .get(&(made.table.clone(), made.name.clone()))
            .ok_or_else(|| not_found("trigger", &trigger.name))?;
        let when = match (&trigger.when, &spelled.when) {
            (Some(written), Some(stored)) => {
                let stored = Expr::new(scratch.real_text(stored.as_str()));
                match current.triggers.get(key).and_then(|l| l.when.clone()) {
                    Some(live) if live == stored => Some(live),
                    _ => Some(Expr::written_as(written, &stored)),
                }
            }
            _ => None,
        };
        let normalized_trigger = Trigger { when, update_of: spelled.update_of.clone(), ..trigger };
        normalized.triggers.insert(key.clone(), normalized_trigger);
    }
    // Keep the file's order of views (dependencies first).
    let order = view_order(&normalized.views).into_iter().map(str::to_string).collect::<Vec<_>>();
    normalized.views.sort_by_cached_key(|name, _| order.iter().position(|n| n == name));
    Ok(())
}

/// `serial` and friends as the plain integer types a scratch copy needs.
fn serial_base(name: &str) -> Option<crate::model::SqlType> {
    use crate::model::SqlType;
    match name {
        "smallserial" => Some(SqlType::SmallInt),
        "serial" => Some(SqlType::Integer),
        "bigserial" => Some(SqlType::BigInt),
        _ => None,
    }
}

fn not_found(kind: &str, name: &str) -> Error {
    Error::Unsupported(format!("{kind} \"{name}\" was not found after creating it in a scratch schema"))
}

/// Domains and composite types that differ from the live ones by
/// dbshape's rules, in the server's spelling (read from the scratch copies
/// `Scratch::new` made of every one).
fn spell_types(scratch: &Scratch, desired: &Schema, current: &Schema, read: &Schema, normalized: &mut Schema) {
    let real_type = |t: &SqlType| {
        let mut t = t.clone();
        super::scratch::map_type_schema(&mut t, &|name| Some(scratch.real_text(name)));
        t
    };
    for (name, domain) in &desired.domains {
        let Some(spelled) = read.domains.get(&scratch.to_scratch(name)) else { continue };
        let live = current.domains.get(name);
        if live == Some(domain) {
            continue;
        }
        let spell = |written: &Expr, stored: &Expr, live: Option<&Expr>| {
            let stored = Expr::new(scratch.real_text(stored.as_str()));
            match live {
                Some(live) if *live == stored => live.clone(),
                _ => Expr::written_as(written, &stored),
            }
        };
        let default = match (&domain.default, &spelled.default) {
            (Some(written), Some(stored)) => Some(spell(written, stored, live.and_then(|l| l.default.as_ref()))),
            _ => None,
        };
        let mut checks = domain.checks.clone();
        for (check_name, check) in checks.iter_mut() {
            if let Some(stored) = spelled.checks.get(check_name) {
                let live_check = live.and_then(|l| l.checks.get(check_name)).map(|c| &c.expr);
                check.expr = spell(&check.expr, &stored.expr, live_check);
            }
        }
        let spelled_domain = Domain { base: real_type(&spelled.base), default, checks, ..domain.clone() };
        normalized.domains.insert(name.clone(), spelled_domain);
    }
    for (name, composite) in &desired.composite_types {
        let Some(spelled) = read.composite_types.get(&scratch.to_scratch(name)) else { continue };
        let attributes = spelled.attributes.iter().map(|(a, t)| (a.clone(), real_type(t))).collect();
        normalized.composite_types.insert(name.clone(), CompositeType { attributes, ..composite.clone() });
    }
}
