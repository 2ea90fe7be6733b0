//! Texts that make the same expression again. PostgreSQL prints an `IN`
//! list on a `varchar` column as
//! `(status)::text = ANY ((ARRAY['a'::character varying])::text[])`, which,
//! sent back, is stored as yet another form: a file written by `inspect`
//! would then rebuild a database that inspects differently. Such a printed
//! form is written as the `IN` list it came from, once the server confirms
//! (through a probe) that the `IN` list is stored exactly as the original;
//! it still compares as what is stored.

use super::probe;
use super::session::Session;
use crate::error::Result;
use crate::model::{Expr, IndexKey, Schema, Table};
use crate::sql::lexer::{Kind, Token, tokenize};

pub(super) fn reproducible(conn: &mut Session, mut live: Schema) -> Result<Schema> {
    // The tables that have candidates, with them in place of their expressions.
    let mut trial = Schema {
        enums: live.enums.clone(),
        collations: live.collations.clone(),
        sequences: live.sequences.clone(),
        extensions: live.extensions.clone(),
        ..Schema::default()
    };
    for (name, table) in &live.tables {
        let mut candidate = table.clone();
        if with_candidates(&mut candidate) && probe::can_probe(&candidate) {
            trial.tables.insert(name.clone(), candidate);
        }
    }
    if trial.tables.is_empty() {
        return Ok(live);
    }
    let names: Vec<String> = trial.tables.keys().cloned().collect();
    // The server could not say: the printed forms stay.
    let Some(spelled) = probe::probe(conn, &trial, &names) else {
        return Ok(live);
    };
    for (name, spelled) in names.iter().zip(spelled) {
        let (table, tried) = (live.tables.get_mut(name).expect("a live table"), &trial.tables[name]);
        for (check_name, check) in table.checks.iter_mut() {
            confirm(&mut check.expr, &tried.checks[check_name].expr, &spelled.checks.get(check_name).map(|c| &c.expr));
        }
        for (index_name, index) in table.indexes.iter_mut() {
            let (Some(tried), Some(spelled)) = (tried.indexes.get(index_name), spelled.indexes.get(index_name)) else {
                continue;
            };
            if let (Some(predicate), Some(candidate)) = (&mut index.predicate, &tried.predicate) {
                confirm(predicate, candidate, &spelled.predicate.as_ref());
            }
            for ((part, candidate), spelled) in index.parts.iter_mut().zip(&tried.parts).zip(&spelled.parts) {
                if let (IndexKey::Expr(stored), IndexKey::Expr(candidate), IndexKey::Expr(spelled)) =
                    (&mut part.key, &candidate.key, &spelled.key)
                {
                    confirm(stored, candidate, &Some(spelled));
                }
            }
        }
        for (column_name, column) in table.columns.iter_mut() {
            if let (Some(generated), Some(candidate)) = (&mut column.generated, &tried.columns[column_name].generated) {
                let spelled = spelled.columns.get(column_name).and_then(|c| c.generated.as_ref());
                confirm(generated, candidate, &spelled);
            }
        }
    }
    Ok(live)
}

/// `stored` becomes `candidate` (comparing as `stored`) when the server
/// stores `candidate` exactly as `stored`.
fn confirm(stored: &mut Expr, candidate: &Expr, spelled: &Option<&Expr>) {
    if candidate.as_str() != stored.as_str()
        && spelled.is_some_and(|spelled| spelled.compared_text() == stored.compared_text())
    {
        *stored = Expr::written_as(candidate, stored);
    }
}

/// Puts candidates in place of the table's expressions that have printed
/// `IN` lists; whether there was any.
fn with_candidates(table: &mut Table) -> bool {
    let mut any = false;
    let mut rewrite = |expr: &mut Expr| {
        if let Some(candidate) = in_lists(expr.as_str()) {
            *expr = Expr::new(candidate);
            any = true;
        }
    };
    for check in table.checks.values_mut() {
        rewrite(&mut check.expr);
    }
    for index in table.indexes.values_mut() {
        index.predicate.iter_mut().for_each(&mut rewrite);
        for part in &mut index.parts {
            if let IndexKey::Expr(expr) = &mut part.key {
                rewrite(expr);
            }
        }
    }
    for column in table.columns.values_mut() {
        column.generated.iter_mut().for_each(&mut rewrite);
    }
    any
}

/// `text` with every `(x)::text = ANY ((ARRAY['a'::character varying,
/// …])::text[])` as `x IN ('a', …)` (and `<> ALL` as `NOT IN`), or `None`
/// when there is none.
pub(super) fn in_lists(text: &str) -> Option<String> {
    let tokens = tokenize(text);
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    let mut found = false;
    while i < tokens.len() {
        if let Some((end, replacement)) = in_list_at(&tokens, i) {
            out.push_str(&text[copied..tokens[i].start]);
            out.push_str(&replacement);
            copied = tokens[end].end;
            i = end + 1;
            found = true;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    found.then_some(out)
}

/// A printed `IN` list starting at token `i` (the `(` of `(x)::text`): its
/// last token and the `IN` list it stands for.
fn in_list_at(t: &[Token], i: usize) -> Option<(usize, String)> {
    let punct = |k: usize, c: char| t.get(k).is_some_and(|t| t.is_punct(c));
    let word = |k: usize, w: &str| t.get(k).is_some_and(|t| t.is(w));
    // `(` ident `)` `:` `:` text
    if !punct(i, '(') || !matches!(t.get(i + 1)?.kind, Kind::Word | Kind::QuotedIdent) || !punct(i + 2, ')') {
        return None;
    }
    if !(punct(i + 3, ':') && punct(i + 4, ':') && word(i + 5, "text")) {
        return None;
    }
    let operand = t[i + 1].text;
    // `=` ANY, or `<` `>` ALL
    let (mut k, negated) = if punct(i + 6, '=') && word(i + 7, "any") {
        (i + 8, false)
    } else if punct(i + 6, '<') && punct(i + 7, '>') && word(i + 8, "all") {
        (i + 9, true)
    } else {
        return None;
    };
    // `(` `(` ARRAY `[` … `]` `)` `:` `:` text `[` `]` `)`: the lexer reads
    // `[…]` as one (SQLite-quoted) token.
    if !(punct(k, '(') && punct(k + 1, '(') && word(k + 2, "array")) {
        return None;
    }
    let list = t.get(k + 3).filter(|t| t.kind == Kind::QuotedIdent && t.text.starts_with('['))?;
    k += 4;
    if !(punct(k, ')') && punct(k + 1, ':') && punct(k + 2, ':') && word(k + 3, "text")) {
        return None;
    }
    let brackets = t.get(k + 4).filter(|t| t.kind == Kind::QuotedIdent && t.text == "[]");
    if brackets.is_none() || !punct(k + 5, ')') {
        return None;
    }
    let end = k + 5;
    // Every element `'…'::character varying`.
    let inner = &list.text[1..list.text.len() - 1];
    let elements = tokenize(inner);
    let mut literals = Vec::new();
    let mut e = 0;
    while e < elements.len() {
        let is = |k: usize, w: &str| elements.get(k).is_some_and(|t| t.is(w));
        let colon = |k: usize| elements.get(k).is_some_and(|t| t.is_punct(':'));
        let literal = elements.get(e).filter(|t| t.kind == Kind::String)?;
        if !(colon(e + 1) && colon(e + 2) && is(e + 3, "character") && is(e + 4, "varying")) {
            return None;
        }
        literals.push(literal.text);
        e += 5;
        if e < elements.len() {
            if !elements[e].is_punct(',') {
                return None;
            }
            e += 1;
        }
    }
    if literals.is_empty() {
        return None;
    }
    let not = if negated { "NOT " } else { "" };
    Some((end, format!("{operand} {not}IN ({})", literals.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::in_lists;

    #[test]
    fn printed_in_lists_are_written_as_in_lists() {
        assert_eq!(
            in_lists("((status)::text = ANY ((ARRAY['new'::character varying, 'it''s'::character varying])::text[]))")
                .as_deref(),
            Some("(status IN ('new', 'it''s'))")
        );
        assert_eq!(
            in_lists("(((\"Kind\")::text <> ALL ((ARRAY['a'::character varying])::text[])) AND (qty > 0))").as_deref(),
            Some("((\"Kind\" NOT IN ('a')) AND (qty > 0))")
        );
        // Anything else is left alone.
        assert_eq!(in_lists("(status = ANY (ARRAY['a'::text, 'b'::text]))"), None);
        assert_eq!(in_lists("((status)::text = ANY ((ARRAY['a'::character varying, upper('b')])::text[]))"), None);
    }
}
