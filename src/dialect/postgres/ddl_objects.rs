//! The SQL text of the statements on what rests on tables and on the
//! types: views, functions, procedures, triggers, collations, domains,
//! composite types, policies and aggregates (CREATE, CREATE OR REPLACE, ALTER, DROP,
//! COMMENT).

use super::session::{collation_ident, table_ident};
use super::types::type_sql;
use crate::model::{Aggregate, Collation, CompositeType, Domain, Function, Policy, Trigger, View};
use crate::sql::{quote_ident, quote_literal};

fn comment_sql(comment: &Option<String>) -> String {
    comment.as_deref().map_or("NULL".into(), quote_literal)
}

/// `CREATE [OR REPLACE] VIEW`; `replacing` also resets the options `from`
/// had that the new view has not.
pub(super) fn create_view(view: &View, replacing: Option<&View>) -> Vec<String> {
    if view.materialized {
        let columns = if view.columns.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = view.columns.iter().map(|c| quote_ident(c)).collect();
            format!(" ({})", quoted.join(", "))
        };
        let data = if view.with_data { "WITH DATA" } else { "WITH NO DATA" };
        return vec![format!(
            "CREATE MATERIALIZED VIEW {}{columns} AS\n{}\n  {data}",
            table_ident(&view.name),
            view.query
        )];
    }
    let mut options = Vec::new();
    if view.security_barrier {
        options.push("security_barrier = true");
    }
    if view.security_invoker {
        options.push("security_invoker = true");
    }
    let columns = if view.columns.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = view.columns.iter().map(|c| quote_ident(c)).collect();
        format!(" ({})", quoted.join(", "))
    };
    let with = if options.is_empty() { String::new() } else { format!(" WITH ({})", options.join(", ")) };
    let check = match view.check_option.as_deref() {
        Some(option) => format!("\n  WITH {} CHECK OPTION", option.to_ascii_uppercase()),
        None => String::new(),
    };
    let verb = if replacing.is_some() { "CREATE OR REPLACE VIEW" } else { "CREATE VIEW" };
    let mut statements = vec![format!("{verb} {}{columns}{with} AS\n{}{check}", table_ident(&view.name), view.query)];
    if let Some(from) = replacing {
        let mut reset = Vec::new();
        if from.security_barrier && !view.security_barrier {
            reset.push("security_barrier");
        }
        if from.security_invoker && !view.security_invoker {
            reset.push("security_invoker");
        }
        if from.check_option.is_some() && view.check_option.is_none() {
            reset.push("check_option");
        }
        if !reset.is_empty() {
            statements.push(format!("ALTER VIEW {} RESET ({})", table_ident(&view.name), reset.join(", ")));
        }
    }
    statements
}

pub(super) fn drop_view(view: &View) -> String {
    format!("DROP {} {}", view.kind().to_ascii_uppercase(), table_ident(&view.name))
}

pub(super) fn comment_on_view(view: &View) -> String {
    format!(
        "COMMENT ON {} {} IS {}",
        view.kind().to_ascii_uppercase(),
        table_ident(&view.name),
        comment_sql(&view.comment)
    )
}

/// A dollar quote tag that does not occur in `body`.
fn dollar_tag(body: &str) -> String {
    let mut tag = "$function$".to_string();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$function{n}$");
    }
    tag
}

/// One `SET` value, each item of a list a string literal (a double-quoted
/// name stays as it is): the server stores a literal as written, where an
/// unquoted word folds to lower case (`UTC` became `utc`) and `30s` is no
/// SQL at all.
fn setting_value(value: &str) -> String {
    value
        .split(',')
        .map(str::trim)
        .map(|item| {
            let quoted_name = item.len() >= 2 && item.starts_with('"') && item.ends_with('"');
            if quoted_name { item.to_string() } else { quote_literal(item) }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn create_function(function: &Function, replace: bool) -> String {
    let verb = if replace { "CREATE OR REPLACE" } else { "CREATE" };
    let mut sql = format!(
        "{verb} {} {}({})",
        function.kind().to_ascii_uppercase(),
        table_ident(&function.name),
        function.arguments
    );
    if let Some(returns) = &function.returns {
        sql.push_str(&format!("\n  RETURNS {returns}"));
    }
    sql.push_str(&format!("\n  LANGUAGE {}", quote_ident(&function.language)));
    if !function.procedure {
        sql.push_str(&format!(" {}", function.volatility.to_ascii_uppercase()));
        if function.strict {
            sql.push_str(" STRICT");
        }
        if function.parallel != "unsafe" {
            sql.push_str(&format!(" PARALLEL {}", function.parallel.to_ascii_uppercase()));
        }
    }
    if function.security_definer {
        sql.push_str(" SECURITY DEFINER");
    }
    for (name, value) in &function.config {
        sql.push_str(&format!("\n  SET {name} = {}", setting_value(value)));
    }
    if function.standard_body() {
        sql.push_str(&format!("\n{}", function.body.trim()));
    } else {
        let tag = dollar_tag(&function.body);
        sql.push_str(&format!("\nAS {tag}{}{tag}", function.body));
    }
    sql
}

/// `name(identity)` for DROP and COMMENT.
fn signature(function: &Function) -> String {
    format!("{}({})", table_ident(&function.name), function.identity)
}

pub(super) fn drop_function(function: &Function) -> String {
    format!("DROP {} {}", function.kind().to_ascii_uppercase(), signature(function))
}

pub(super) fn comment_on_function(function: &Function) -> String {
    format!(
        "COMMENT ON {} {} IS {}",
        function.kind().to_ascii_uppercase(),
        signature(function),
        comment_sql(&function.comment)
    )
}

pub(super) fn create_trigger(trigger: &Trigger, replace: bool) -> String {
    let verb = if replace { "CREATE OR REPLACE TRIGGER" } else { "CREATE TRIGGER" };
    let events: Vec<String> = trigger
        .events
        .iter()
        .map(|event| {
            if event == "update" && !trigger.update_of.is_empty() {
                let columns: Vec<String> = trigger.update_of.iter().map(|c| quote_ident(c)).collect();
                format!("UPDATE OF {}", columns.join(", "))
            } else {
                event.to_ascii_uppercase()
            }
        })
        .collect();
    let mut sql = format!(
        "{verb} {} {} {} ON {}",
        quote_ident(&trigger.name),
        trigger.timing.to_ascii_uppercase(),
        events.join(" OR "),
        table_ident(&trigger.table)
    );
    if trigger.old_table.is_some() || trigger.new_table.is_some() {
        sql.push_str(" REFERENCING");
        if let Some(old) = &trigger.old_table {
            sql.push_str(&format!(" OLD TABLE AS {}", quote_ident(old)));
        }
        if let Some(new) = &trigger.new_table {
            sql.push_str(&format!(" NEW TABLE AS {}", quote_ident(new)));
        }
    }
    sql.push_str(if trigger.for_each_row { " FOR EACH ROW" } else { " FOR EACH STATEMENT" });
    if let Some(when) = &trigger.when {
        sql.push_str(&format!(" WHEN ({})", when.unwrapped()));
    }
    let arguments: Vec<String> = trigger.arguments.iter().map(|a| quote_literal(a)).collect();
    let function = trigger.function.as_deref().unwrap_or_default();
    sql.push_str(&format!(" EXECUTE FUNCTION {}({})", table_ident(function), arguments.join(", ")));
    sql
}

pub(super) fn drop_trigger(trigger: &Trigger) -> String {
    format!("DROP TRIGGER {} ON {}", quote_ident(&trigger.name), table_ident(&trigger.table))
}

pub(super) fn comment_on_trigger(trigger: &Trigger) -> String {
    format!(
        "COMMENT ON TRIGGER {} ON {} IS {}",
        quote_ident(&trigger.name),
        table_ident(&trigger.table),
        comment_sql(&trigger.comment)
    )
}

/// `CREATE COLLATION` and its comment.
pub(super) fn create_collation(collation: &Collation) -> Vec<String> {
    let mut options = vec![format!("provider = {}", collation.provider)];
    for (key, value) in
        [("locale", &collation.locale), ("lc_collate", &collation.lc_collate), ("lc_ctype", &collation.lc_ctype)]
    {
        if let Some(value) = value {
            options.push(format!("{key} = {}", quote_literal(value)));
        }
    }
    if !collation.deterministic {
        options.push("deterministic = false".into());
    }
    let mut statements =
        vec![format!("CREATE COLLATION {} ({})", collation_ident(&collation.name), options.join(", "))];
    if collation.comment.is_some() {
        statements.push(comment_on_collation(collation));
    }
    statements
}

pub(super) fn comment_on_collation(collation: &Collation) -> String {
    format!("COMMENT ON COLLATION {} IS {}", collation_ident(&collation.name), comment_sql(&collation.comment))
}

pub(super) fn drop_collation(collation: &Collation) -> String {
    format!("DROP COLLATION {}", collation_ident(&collation.name))
}

pub(super) fn create_domain(domain: &Domain) -> Vec<String> {
    let mut sql = format!("CREATE DOMAIN {} AS {}", table_ident(&domain.name), type_sql(&domain.base));
    if let Some(default) = &domain.default {
        sql.push_str(&format!(" DEFAULT {default}"));
    }
    if domain.not_null {
        sql.push_str(" NOT NULL");
    }
    for check in domain.checks.values() {
        sql.push_str(&format!(" CONSTRAINT {} CHECK ({})", quote_ident(&check.name), check.expr.unwrapped()));
    }
    let mut statements = vec![sql];
    statements.extend(domain.comment.as_ref().map(|_| comment_on_domain(domain)));
    statements
        .extend(domain.checks.values().filter(|c| c.comment.is_some()).map(|c| comment_on_domain_check(domain, c)));
    statements
}

fn comment_on_domain_check(domain: &Domain, check: &crate::model::Check) -> String {
    format!(
        "COMMENT ON CONSTRAINT {} ON DOMAIN {} IS {}",
        quote_ident(&check.name),
        table_ident(&domain.name),
        comment_sql(&check.comment)
    )
}

pub(super) fn alter_domain(from: &Domain, to: &Domain) -> Vec<String> {
    let name = table_ident(&to.name);
    let mut statements = Vec::new();
    if from.default != to.default {
        statements.push(match &to.default {
            Some(default) => format!("ALTER DOMAIN {name} SET DEFAULT {default}"),
            None => format!("ALTER DOMAIN {name} DROP DEFAULT"),
        });
    }
    if from.not_null != to.not_null {
        statements.push(format!("ALTER DOMAIN {name} {} NOT NULL", if to.not_null { "SET" } else { "DROP" }));
    }
    for (check_name, check) in &from.checks {
        if to.checks.get(check_name).is_none_or(|c| c.expr != check.expr) {
            statements.push(format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", quote_ident(check_name)));
        }
    }
    for (check_name, check) in &to.checks {
        let before = from.checks.get(check_name);
        if before.is_none_or(|c| c.expr != check.expr) {
            statements.push(format!(
                "ALTER DOMAIN {name} ADD CONSTRAINT {} CHECK ({})",
                quote_ident(check_name),
                check.expr.unwrapped()
            ));
            if check.comment.is_some() {
                statements.push(comment_on_domain_check(to, check));
            }
        } else if before.is_some_and(|c| c.comment != check.comment) {
            statements.push(comment_on_domain_check(to, check));
        }
    }
    if from.comment != to.comment {
        statements.push(comment_on_domain(to));
    }
    statements
}

fn comment_on_domain(domain: &Domain) -> String {
    format!("COMMENT ON DOMAIN {} IS {}", table_ident(&domain.name), comment_sql(&domain.comment))
}

pub(super) fn create_composite_type(composite: &CompositeType) -> Vec<String> {
    let attributes: Vec<String> =
        composite.attributes.iter().map(|(name, t)| format!("{} {}", quote_ident(name), type_sql(t))).collect();
    let mut statements = vec![format!("CREATE TYPE {} AS ({})", table_ident(&composite.name), attributes.join(", "))];
    statements.extend(composite.comment.as_ref().map(|_| comment_on_type(composite)));
    statements
}

pub(super) fn alter_composite_type(from: &CompositeType, to: &CompositeType) -> Vec<String> {
    let name = table_ident(&to.name);
    let mut actions = Vec::new();
    for attribute in from.attributes.keys().filter(|a| !to.attributes.contains_key(*a)) {
        actions.push(format!("DROP ATTRIBUTE {}", quote_ident(attribute)));
    }
    for (attribute, sql_type) in &to.attributes {
        match from.attributes.get(attribute) {
            None => actions.push(format!("ADD ATTRIBUTE {} {}", quote_ident(attribute), type_sql(sql_type))),
            Some(old) if old != sql_type => {
                actions.push(format!("ALTER ATTRIBUTE {} TYPE {}", quote_ident(attribute), type_sql(sql_type)))
            }
            Some(_) => {}
        }
    }
    let mut statements = Vec::new();
    if !actions.is_empty() {
        statements.push(format!("ALTER TYPE {name} {}", actions.join(", ")));
    }
    if from.comment != to.comment {
        statements.push(comment_on_type(to));
    }
    statements
}

fn comment_on_type(composite: &CompositeType) -> String {
    format!("COMMENT ON TYPE {} IS {}", table_ident(&composite.name), comment_sql(&composite.comment))
}

fn policy_clauses(policy: &Policy, altering: bool) -> String {
    let mut sql = String::new();
    if !altering {
        if !policy.permissive {
            sql.push_str(" AS RESTRICTIVE");
        }
        if policy.command != "all" {
            sql.push_str(&format!(" FOR {}", policy.command.to_ascii_uppercase()));
        }
    }
    let roles: Vec<String> =
        policy.roles.iter().map(|r| if r == "public" { "PUBLIC".to_string() } else { quote_ident(r) }).collect();
    sql.push_str(&format!(" TO {}", roles.join(", ")));
    if let Some(using) = &policy.using {
        sql.push_str(&format!(" USING ({})", using.unwrapped()));
    }
    if let Some(check) = &policy.with_check {
        sql.push_str(&format!(" WITH CHECK ({})", check.unwrapped()));
    }
    sql
}

pub(super) fn create_policy(table: &str, policy: &Policy) -> Vec<String> {
    let mut statements = vec![format!(
        "CREATE POLICY {} ON {}{}",
        quote_ident(&policy.name),
        table_ident(table),
        policy_clauses(policy, false)
    )];
    statements.extend(policy.comment.as_ref().map(|_| comment_on_policy(table, policy)));
    statements
}

pub(super) fn alter_policy(table: &str, from: &Policy, to: &Policy) -> Vec<String> {
    let mut statements = Vec::new();
    let plain = |p: &Policy| Policy { comment: None, ..p.clone() };
    if plain(from) != plain(to) {
        statements.push(format!(
            "ALTER POLICY {} ON {}{}",
            quote_ident(&to.name),
            table_ident(table),
            policy_clauses(to, true)
        ));
    }
    if from.comment != to.comment {
        statements.push(comment_on_policy(table, to));
    }
    statements
}

fn comment_on_policy(table: &str, policy: &Policy) -> String {
    format!(
        "COMMENT ON POLICY {} ON {} IS {}",
        quote_ident(&policy.name),
        table_ident(table),
        comment_sql(&policy.comment)
    )
}

pub(super) fn drop_policy(table: &str, policy: &Policy) -> String {
    format!("DROP POLICY {} ON {}", quote_ident(&policy.name), table_ident(table))
}

pub(super) fn set_row_level_security(table: &str, from: Option<&str>, to: Option<&str>) -> Vec<String> {
    let table = table_ident(table);
    let mut statements = Vec::new();
    if from.is_some() != to.is_some() {
        let verb = if to.is_some() { "ENABLE" } else { "DISABLE" };
        statements.push(format!("ALTER TABLE {table} {verb} ROW LEVEL SECURITY"));
    }
    if (from == Some("forced")) != (to == Some("forced")) {
        let verb = if to == Some("forced") { "FORCE" } else { "NO FORCE" };
        statements.push(format!("ALTER TABLE {table} {verb} ROW LEVEL SECURITY"));
    }
    statements
}

fn aggregate_signature(aggregate: &Aggregate) -> String {
    let types: Vec<String> = aggregate.arguments.iter().map(type_sql).collect();
    format!("{}({})", table_ident(&aggregate.name), types.join(", "))
}

pub(super) fn create_aggregate(aggregate: &Aggregate, replace: bool) -> Vec<String> {
    let mut options =
        vec![format!("SFUNC = {}", table_ident(&aggregate.sfunc)), format!("STYPE = {}", type_sql(&aggregate.stype))];
    if let Some(finalfunc) = &aggregate.finalfunc {
        options.push(format!("FINALFUNC = {}", table_ident(finalfunc)));
    }
    if let Some(initcond) = &aggregate.initcond {
        options.push(format!("INITCOND = {}", quote_literal(initcond)));
    }
    let verb = if replace { "CREATE OR REPLACE" } else { "CREATE" };
    let mut statements = vec![format!("{verb} AGGREGATE {} ({})", aggregate_signature(aggregate), options.join(", "))];
    if aggregate.comment.is_some() || replace {
        statements.push(format!(
            "COMMENT ON AGGREGATE {} IS {}",
            aggregate_signature(aggregate),
            comment_sql(&aggregate.comment)
        ));
    }
    statements
}

pub(super) fn drop_aggregate(aggregate: &Aggregate) -> String {
    format!("DROP AGGREGATE {}", aggregate_signature(aggregate))
}
