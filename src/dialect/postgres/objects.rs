//! PostgreSQL SQL for views, functions, procedures and triggers: CREATE
//! (or CREATE OR REPLACE), DROP and COMMENT statements.

use super::plan::table_ident;
use crate::model::{Function, Trigger, View};
use crate::sql::{quote_ident, quote_literal};

fn comment_sql(comment: &Option<String>) -> String {
    comment.as_deref().map_or("NULL".into(), quote_literal)
}

/// `CREATE [OR REPLACE] VIEW`; `replacing` also resets the options `from`
/// had that the new view has not.
pub(super) fn create_view(view: &View, replacing: Option<&View>) -> Vec<String> {
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
    format!("DROP VIEW {}", table_ident(&view.name))
}

pub(super) fn comment_on_view(view: &View) -> String {
    format!("COMMENT ON VIEW {} IS {}", table_ident(&view.name), comment_sql(&view.comment))
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

/// One `SET` value: an identifier, number or double-quoted name as it is,
/// anything else as a string literal.
fn setting_value(value: &str) -> String {
    value
        .split(',')
        .map(str::trim)
        .map(|item| {
            let plain = !item.is_empty()
                && (item.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    || (item.len() >= 2 && item.starts_with('"') && item.ends_with('"')));
            if plain { item.to_string() } else { quote_literal(item) }
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
