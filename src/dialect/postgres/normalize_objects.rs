//! Views, functions and triggers of the file in the server's spelling.
//!
//! An object that already equals its live counterpart by dbshape's own
//! comparison is taken as it lives (no server round trip: the steady state
//! of a file written by `inspect` costs nothing). The others are made in
//! scratch schemas, in one transaction that is always rolled back: the
//! functions first (bodies unchecked), then what the triggers sit on and
//! what the views read where the file changes it, the views in dependency
//! order, the triggers; then read back with the inspector's own queries.

use super::ddl as planner;
use super::ddl_objects as objects;
use super::scratch::{Scratch, map_type_schema, written_index};
use super::session::Session;
use super::types;
use crate::error::{Error, Result};
use crate::model::naming::bare;
use crate::model::{
    Aggregate, CompositeType, Domain, Expr, Function, Index, Policy, Reads, Schema, SqlType, Table, Trigger, View,
    and_readers, view_order,
};
use crate::sql::lexer::mentions;
use indexmap::IndexSet;
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
    conn: &mut Session,
    desired: &Schema,
    normalized: &mut Schema,
    current: &Schema,
) -> Result<()> {
    let default_schema = conn.default_schema.clone();
    let pending = Pending::settle(desired, normalized, current, &default_schema);
    if pending.is_empty() {
        return Ok(());
    }
    let (tables, in_scratch) = scratch_tables(desired, normalized, current, &pending);
    let names: Vec<String> = tables
        .iter()
        .map(|t| t.to_string())
        .chain(in_scratch.iter().map(|v| v.to_string()))
        .chain(pending.functions.iter().map(|f| f.name.clone()))
        .collect();
    let mut scratch = Scratch::new(conn, normalized, &desired.functions, names.iter())?;
    scratch.objects = true;
    let made_triggers =
        make_in_scratch(&mut scratch, desired, normalized, current, &pending, &tables, &in_scratch, &default_schema);
    let read = scratch.run(conn, true)?;
    spell_policies(&scratch, &read, &pending.policies, current, normalized);
    if pending.types {
        spell_types(&scratch, desired, current, &read, normalized);
    }
    spell_functions(&scratch, &read, &pending.functions, normalized)?;
    spell_views(&scratch, &read, &pending.views, desired, current, normalized)?;
    spell_triggers(&scratch, &read, pending.triggers, made_triggers, current, normalized)?;
    // Keep the file's order of views (dependencies first).
    let order = view_order(&normalized.views).into_iter().map(str::to_string).collect::<Vec<_>>();
    normalized.views.sort_by_cached_key(|name, _| order.iter().position(|n| n == name));
    Ok(())
}

/// What of the file's objects the server must spell; the others are
/// settled in the normalised schema as they live.
struct Pending<'a> {
    /// Domains and composite types that differ from the live ones.
    types: bool,
    functions: Vec<&'a Function>,
    /// In dependency order.
    views: IndexSet<&'a str>,
    triggers: Vec<(&'a (String, String), Trigger)>,
    /// Tables whose policies differ from the live ones.
    policies: Vec<String>,
    /// The tables the normalised file changes.
    changed: HashSet<String>,
}

impl<'a> Pending<'a> {
    /// Settles in `normalized` every object of `desired` that already
    /// equals its live counterpart by dbshape's own comparison, and lists
    /// the others.
    fn settle(desired: &'a Schema, normalized: &mut Schema, current: &Schema, default_schema: &str) -> Pending<'a> {
        // Aggregates are names and types: the inspector's names are local.
        for aggregate in desired.aggregates.values() {
            let mut aggregate = aggregate.clone();
            aggregate.sfunc = local(&aggregate.sfunc, default_schema);
            aggregate.finalfunc = aggregate.finalfunc.map(|f| local(&f, default_schema));
            normalized.aggregates.insert(aggregate.key(), aggregate);
        }
        let mut types = false;
        for (name, domain) in &desired.domains {
            match current.domains.get(name) {
                Some(live) if live == domain => {
                    normalized.domains.insert(name.clone(), live.clone());
                }
                _ => {
                    normalized.domains.insert(name.clone(), domain.clone());
                    types = true;
                }
            }
        }
        for (name, composite) in &desired.composite_types {
            if current.composite_types.get(name) != Some(composite) {
                types = true;
            }
            normalized.composite_types.insert(name.clone(), composite.clone());
        }
        let mut live_functions: HashMap<&str, Vec<&Function>> = HashMap::new();
        for live in current.functions.values() {
            live_functions.entry(live.name.as_str()).or_default().push(live);
        }
        let mut functions = Vec::new();
        for function in desired.functions.values() {
            let same_name = live_functions.get(function.name.as_str()).map_or(&[][..], Vec::as_slice);
            match same_name.iter().copied().find(|live| function_matches(live, function)) {
                Some(live) => {
                    let kept = Function { comment: function.comment.clone(), ..live.clone() };
                    normalized.functions.insert(kept.key(), kept);
                }
                None => functions.push(function),
            }
        }
        let changed: HashSet<String> = normalized
            .tables
            .iter()
            .filter(|(name, table)| current.tables.get(*name) != Some(*table))
            .map(|(name, _)| name.clone())
            .collect();
        // What the server stores of a view or trigger can change with the
        // tables it reads (a retyped column gains casts): only one over
        // unchanged tables and views is taken as it lives.
        let views = and_readers(&desired.views, |name, view, reads| {
            changed.iter().any(|table| reads.names(table))
                || !current.views.get(name).is_some_and(|live| live.is_written_as(view))
        });
        for name in view_order(&desired.views).into_iter().filter(|name| !views.contains(name)) {
            normalized.views.insert(name.to_string(), kept_view(&current.views[name], &desired.views[name]));
        }
        let mut triggers = Vec::new();
        for (key, trigger) in &desired.triggers {
            let mut wanted = trigger.clone();
            wanted.function = wanted.function.map(|f| local(&f, default_schema));
            match current.triggers.get(key) {
                Some(live) if !changed.contains(&trigger.table) && live.same_definition(&wanted) => {
                    normalized.triggers.insert(key.clone(), Trigger { comment: wanted.comment, ..live.clone() });
                }
                _ => triggers.push((key, wanted)),
            }
        }
        // Policies whose expressions differ from the live ones by dbshape's
        // rules are spelled on a scratch copy of their table.
        let policies: Vec<String> = normalized
            .tables
            .iter()
            .filter(|(name, t)| {
                !t.policies.is_empty() && current.tables.get(*name).map(|l| &l.policies) != Some(&t.policies)
            })
            .map(|(name, _)| name.clone())
            .collect();
        Pending { types, functions, views, triggers, policies, changed }
    }

    fn is_empty(&self) -> bool {
        !self.types
            && self.functions.is_empty()
            && self.views.is_empty()
            && self.triggers.is_empty()
            && self.policies.is_empty()
    }
}

/// What must exist in the scratch schemas: the tables the triggers sit on,
/// the tables the views read where the file changes them (the others are
/// read where they live), the tables of changed policies and of functions
/// of a changed table's row type; and the views made there, in dependency
/// order (a view read by a view made in scratch is made there too).
fn scratch_tables<'a>(
    desired: &'a Schema,
    normalized: &'a Schema,
    current: &'a Schema,
    pending: &'a Pending,
) -> (Vec<&'a str>, Vec<&'a str>) {
    let mut tables: Vec<&str> = Vec::new();
    let mut scratch_views: Vec<&str> = Vec::new();
    for (_, trigger) in &pending.triggers {
        if desired.views.contains_key(&trigger.table) {
            scratch_views.push(&trigger.table);
        } else if normalized.tables.contains_key(&trigger.table) || current.tables.contains_key(&trigger.table) {
            tables.push(&trigger.table);
        }
    }
    scratch_views.extend(pending.views.iter().copied());
    let scratch_views: HashSet<&str> = scratch_views.into_iter().collect();
    let mut in_scratch: Vec<&str> = Vec::new();
    let mut read_in_scratch: Vec<Reads> = Vec::new();
    for name in view_order(&desired.views).into_iter().rev() {
        if scratch_views.contains(name) || read_in_scratch.iter().any(|reads| reads.names(name)) {
            in_scratch.push(name);
            read_in_scratch.push(desired.views[name].reads());
        }
    }
    in_scratch.reverse();
    for &view in &in_scratch {
        let reads = desired.views[view].reads();
        for table in &pending.changed {
            if reads.names(table) && !tables.contains(&table.as_str()) {
                tables.push(table);
            }
        }
    }
    for name in &pending.policies {
        tables.push(name);
    }
    for function in &pending.functions {
        let signature = format!("{} {}", function.arguments, function.returns.as_ref().map_or("", |r| r.as_str()));
        for table in &pending.changed {
            if mentions(&signature, bare(table)) {
                tables.push(table);
            }
        }
    }
    tables.sort_unstable();
    tables.dedup();
    (tables, in_scratch)
}

/// The statements that make, in `scratch`, the functions first (bodies
/// unchecked), then the tables (their columns and primary key), the file's new
/// aggregates, the views in dependency order, the triggers and the
/// policies. Returns the triggers as made there.
#[allow(clippy::too_many_arguments)]
fn make_in_scratch(
    scratch: &mut Scratch,
    desired: &Schema,
    normalized: &Schema,
    current: &Schema,
    pending: &Pending,
    tables: &[&str],
    in_scratch: &[&str],
    default_schema: &str,
) -> Vec<Trigger> {
    scratch.statements.push(("function bodies unchecked".into(), "SET LOCAL check_function_bodies = off".into()));
    for &name in tables {
        let table = normalized.tables.get(name).or(current.tables.get(name)).expect("a table of either side");
        let mut columns_only = Table::new(scratch.to_scratch(name));
        for column in table.columns.values() {
            let mut column = column.clone();
            column.default = None;
            column.generated = None;
            column.autoincrement = false;
            column.comment = None;
            column.serial_sequence = None;
            if let Some(base) = types::serial_base(&column.sql_type) {
                column.sql_type = base;
            }
            scratch.scratch_type(normalized, &mut column.sql_type);
            columns_only.columns.insert(column.name.clone(), column);
        }
        // A view may group by the key alone and read the other columns
        // (functional dependency), which needs the key.
        columns_only.primary_key = table.primary_key.clone();
        scratch.statements.push((format!("table \"{name}\""), planner::create_table(&columns_only)));
    }
    for function in &pending.functions {
        if scratch.made_function(&function.key()) {
            continue;
        }
        let made = Function { name: scratch.to_scratch(&function.name), ..(*function).clone() };
        let what = format!("{} \"{}\"", function.kind(), function.name);
        scratch.statements.push((what, objects::create_function(&made, false)));
    }
    // Views may call the file's new aggregates.
    for aggregate in normalized.aggregates.values() {
        if current.aggregates.get(&aggregate.key()) != Some(aggregate) && !in_scratch.is_empty() {
            let made = Aggregate { name: scratch.to_scratch(&aggregate.name), comment: None, ..aggregate.clone() };
            for sql in objects::create_aggregate(&made, false) {
                scratch.statements.push((format!("aggregate \"{}\"", aggregate.key()), sql));
            }
        }
    }
    let made: Vec<&str> = tables.iter().chain(in_scratch).copied().collect();
    for &name in in_scratch {
        // Empty: what is asked is how the server spells it, not its rows.
        let wanted = &desired.views[name];
        let query = Expr::new(scratch.to_scratch_query(wanted.query.as_str(), &made));
        let view = View { name: scratch.to_scratch(name), with_data: false, query, ..wanted.clone() };
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
    for ((table, name), trigger) in &pending.triggers {
        let on = scratch.to_scratch(table);
        let function = trigger.function.as_deref().map(|name| {
            let made_here = pending.functions.iter().any(|f| local(&f.name, default_schema) == name);
            if made_here { scratch.to_scratch(name) } else { name.to_string() }
        });
        let made = Trigger { table: on, function, ..trigger.clone() };
        made_triggers.push(made.clone());
        scratch.statements.push((format!("trigger \"{name}\" on \"{table}\""), objects::create_trigger(&made, false)));
    }
    for name in &pending.policies {
        for policy in normalized.tables[name].policies.values() {
            let plain = Policy { comment: None, ..policy.clone() };
            for sql in objects::create_policy(&scratch.to_scratch(name), &plain) {
                scratch.statements.push((format!("policy \"{}\" on \"{name}\"", policy.name), sql));
            }
        }
    }
    made_triggers
}

/// The server's text of an expression read from the scratch schemas, with
/// the real schemas' names.
fn real(scratch: &Scratch, stored: &Expr) -> Expr {
    Expr::new(scratch.real_text(stored.as_str()))
}

/// Policies' expressions and roles as the server keeps them.
fn spell_policies(scratch: &Scratch, read: &Schema, policies: &[String], current: &Schema, normalized: &mut Schema) {
    for name in policies {
        let Some(spelled) = read.tables.get(&scratch.to_scratch(name)) else { continue };
        let live = current.tables.get(name);
        let table = normalized.tables.get_mut(name).expect("listed above");
        for policy in table.policies.values_mut() {
            let Some(stored) = spelled.policies.get(&policy.name) else { continue };
            let live_policy = live.and_then(|l| l.policies.get(&policy.name));
            let spell =
                |written: &Option<Expr>, stored: &Option<Expr>, live: Option<&Option<Expr>>| match (written, stored) {
                    (Some(written), Some(stored)) => {
                        Some(Expr::spelled(written, &real(scratch, stored), live.and_then(Option::as_ref)))
                    }
                    (written, _) => written.clone(),
                };
            policy.using = spell(&policy.using, &stored.using, live_policy.map(|l| &l.using));
            policy.with_check = spell(&policy.with_check, &stored.with_check, live_policy.map(|l| &l.with_check));
            policy.roles = stored.roles.clone();
        }
    }
}

/// Functions' arguments and results in the server's words (a standard SQL
/// body too: the server keeps it parsed).
fn spell_functions(scratch: &Scratch, read: &Schema, functions: &[&Function], normalized: &mut Schema) -> Result<()> {
    for function in functions {
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
        let normalized_function = Function {
            arguments: Expr::spelled(&function.arguments, &real(scratch, &spelled.arguments), None),
            identity: scratch.real_text(&spelled.identity),
            returns: match (&function.returns, &spelled.returns) {
                (Some(written), Some(stored)) => Some(Expr::spelled(written, &real(scratch, stored), None)),
                _ => None,
            },
            language: spelled.language.clone(),
            volatility: spelled.volatility.clone(),
            config: spelled.config.clone(),
            body: if function.standard_body() { spelled.body.clone() } else { function.body.clone() },
            ..(*function).clone()
        };
        normalized.functions.insert(normalized_function.key(), normalized_function);
    }
    Ok(())
}

/// Views' queries, columns, options and indexes as the server keeps them.
fn spell_views(
    scratch: &Scratch,
    read: &Schema,
    views: &IndexSet<&str>,
    desired: &Schema,
    current: &Schema,
    normalized: &mut Schema,
) -> Result<()> {
    for &name in views {
        let spelled = read.views.get(&scratch.to_scratch(name)).ok_or_else(|| not_found("view", name))?;
        let wanted = &desired.views[name];
        let live = current.views.get(name);
        let query = Expr::spelled(&wanted.query, &real(scratch, &spelled.query), live.map(|l| &l.query));
        let indexes = wanted
            .indexes
            .iter()
            .map(|(index_name, index)| {
                let spelled_index = spelled.indexes.get(index_name);
                let live_index = live.and_then(|l| l.indexes.get(index_name));
                let mut normalized_index = match (spelled_index, live_index) {
                    (Some(s), Some(l)) if Index { comment: None, ..l.clone() } == *s => l.clone(),
                    (Some(s), _) => written_index(index, s),
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
    Ok(())
}

/// Triggers' conditions and columns as the server keeps them.
fn spell_triggers(
    scratch: &Scratch,
    read: &Schema,
    triggers: Vec<(&(String, String), Trigger)>,
    made: Vec<Trigger>,
    current: &Schema,
    normalized: &mut Schema,
) -> Result<()> {
    for ((key, trigger), made) in triggers.into_iter().zip(made) {
        let spelled = read
            .triggers
            .get(&(made.table.clone(), made.name.clone()))
            .ok_or_else(|| not_found("trigger", &trigger.name))?;
        let when = match (&trigger.when, &spelled.when) {
            (Some(written), Some(stored)) => {
                let live = current.triggers.get(key).and_then(|l| l.when.as_ref());
                Some(Expr::spelled(written, &real(scratch, stored), live))
            }
            _ => None,
        };
        let normalized_trigger = Trigger { when, update_of: spelled.update_of.clone(), ..trigger };
        normalized.triggers.insert(key.clone(), normalized_trigger);
    }
    Ok(())
}

/// An object made in a scratch schema that the inspector then did not
/// find: dbshape's own mistake, not the file's.
fn not_found(kind: &str, name: &str) -> Error {
    Error::Internal(format!("{kind} \"{name}\" was not found after creating it in a scratch schema"))
}

/// Domains and composite types that differ from the live ones by
/// dbshape's rules, in the server's spelling (read from the scratch copies
/// `Scratch::new` made of every one).
fn spell_types(scratch: &Scratch, desired: &Schema, current: &Schema, read: &Schema, normalized: &mut Schema) {
    let real_type = |t: &SqlType| {
        let mut t = t.clone();
        map_type_schema(&mut t, &|name| Some(scratch.real_text(name)));
        t
    };
    for (name, domain) in &desired.domains {
        let Some(spelled) = read.domains.get(&scratch.to_scratch(name)) else { continue };
        let live = current.domains.get(name);
        if live == Some(domain) {
            continue;
        }
        let spell =
            |written: &Expr, stored: &Expr, live: Option<&Expr>| Expr::spelled(written, &real(scratch, stored), live);
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
