//! SQLite views and triggers: read from the CREATE text SQLite keeps as
//! written, and written back as CREATE statements.

use crate::model::{Expr, Trigger, View};
use crate::sql::lexer::{Token, matching_paren, split_top_level, text_of, tokenize};
use crate::sql::{ident_list, quote_ident};

/// The name (unqualified) at `tokens[i..]`, and the index after it.
fn name_at(tokens: &[Token], mut i: usize) -> Option<(String, usize)> {
    let first = tokens.get(i)?;
    let mut name = first.ident();
    i += 1;
    // `main.v`: the schema is the database itself.
    if tokens.get(i).is_some_and(|t| t.is_punct('.')) {
        name = tokens.get(i + 1)?.ident();
        i += 2;
    }
    Some((name, i))
}

/// The index after `CREATE [TEMP] <kind> [IF NOT EXISTS]`.
fn after_header(tokens: &[Token], kind: &str) -> Option<usize> {
    let at = tokens.iter().position(|t| t.is(kind))?;
    let mut i = at + 1;
    if tokens.get(i).is_some_and(|t| t.is("IF")) {
        i += 3;
    }
    Some(i)
}

/// A `CREATE VIEW` statement as a view.
pub(super) fn parse_view(sql: &str) -> Option<View> {
    let tokens = tokenize(sql);
    let (name, mut i) = name_at(&tokens, after_header(&tokens, "VIEW")?)?;
    let mut columns = Vec::new();
    if tokens.get(i).is_some_and(|t| t.is_punct('(')) {
        let close = matching_paren(&tokens, i)?;
        columns = split_top_level(&tokens[i + 1..close])
            .iter()
            .map(|c| c.first().map(Token::ident))
            .collect::<Option<_>>()?;
        i = close + 1;
    }
    if !tokens.get(i)?.is("AS") {
        return None;
    }
    let query = text_of(sql, &tokens[i + 1..]);
    Some(View { columns, ..View::new(name, query.trim_end_matches(';').trim_end()) })
}

/// A `CREATE TRIGGER` statement as a trigger.
pub(super) fn parse_trigger(sql: &str) -> Option<Trigger> {
    let tokens = tokenize(sql);
    let (name, mut i) = name_at(&tokens, after_header(&tokens, "TRIGGER")?)?;
    let mut timing = "before".to_string();
    if tokens.get(i)?.is("BEFORE") || tokens.get(i)?.is("AFTER") {
        timing = tokens[i].text.to_ascii_lowercase();
        i += 1;
    } else if tokens.get(i)?.is("INSTEAD") && tokens.get(i + 1)?.is("OF") {
        timing = "instead of".into();
        i += 2;
    }
    let event = tokens.get(i)?;
    let event = ["insert", "update", "delete"].into_iter().find(|e| event.is(e))?;
    i += 1;
    let mut update_of = Vec::new();
    if event == "update" && tokens.get(i)?.is("OF") {
        i += 1;
        loop {
            update_of.push(tokens.get(i)?.ident());
            i += 1;
            if !tokens.get(i)?.is_punct(',') {
                break;
            }
            i += 1;
        }
    }
    if !tokens.get(i)?.is("ON") {
        return None;
    }
    let (table, mut i) = name_at(&tokens, i + 1)?;
    if tokens.get(i)?.is("FOR") {
        i += 3;
    }
    let mut when = None;
    if tokens.get(i)?.is("WHEN") {
        let begin = (i + 1..tokens.len()).find(|&j| tokens[j].is("BEGIN"))?;
        when = Some(Expr::new(text_of(sql, &tokens[i + 1..begin])));
        i = begin;
    }
    if !tokens.get(i)?.is("BEGIN") || !tokens.last()?.is("END") {
        return None;
    }
    let body = text_of(sql, &tokens[i + 1..tokens.len() - 1]);
    Some(Trigger {
        name,
        table,
        timing,
        events: vec![event.to_string()],
        update_of,
        for_each_row: true,
        when,
        body: Some(Expr::new(body)),
        ..Trigger::default()
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
