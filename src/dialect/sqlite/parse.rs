//! Reading the CREATE text SQLite keeps as written: for tables and indexes
//! what the pragmas don't report (constraint names, CHECK bodies,
//! AUTOINCREMENT, collations, index expressions and partial-index
//! predicates), and views and triggers whole.

use crate::model::{Expr, Trigger, View};
use crate::sql::lexer::{Kind, Token, matching_paren, split_top_level, text_of, tokenize};

/// What the CREATE TABLE text says beyond the pragmas.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TableDdl {
    pub columns: Vec<ColumnDdl>,
    /// Table-level constraints, in declaration order.
    pub constraints: Vec<ConstraintDdl>,
    /// `WITHOUT ROWID`, `STRICT`: options dbshape does not model.
    pub options: Vec<String>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ColumnDdl {
    pub name: String,
    pub autoincrement: bool,
    pub collation: Option<String>,
    /// `[GENERATED ALWAYS] AS (expr) [VIRTUAL|STORED]`: the expression, and
    /// whether it is stored.
    pub generated: Option<(String, bool)>,
    /// Column-level constraints; their column list is this column.
    pub constraints: Vec<ConstraintDdl>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ConstraintDdl {
    pub name: Option<String>,
    pub kind: ConstraintKind,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ConstraintKind {
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
    Check(String),
    /// Child columns and the referenced table.
    ForeignKey(Vec<String>, String),
}

const COLUMN_CONSTRAINT_START: &[&str] =
    &["constraint", "primary", "not", "null", "unique", "check", "default", "collate", "references", "generated", "as"];

/// Parses a CREATE TABLE statement. Returns `None` if it isn't one.
pub(crate) fn parse_create_table(sql: &str) -> Option<TableDdl> {
    let tokens = tokenize(sql);
    let open = tokens.iter().position(|t| t.is_punct('('))?;
    let close = matching_paren(&tokens, open)?;
    let mut ddl = TableDdl {
        options: tokens[close + 1..]
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| t.text.to_ascii_uppercase())
            .collect(),
        ..TableDdl::default()
    };
    for part in split_top_level(&tokens[open + 1..close]) {
        let first = part.first()?;
        let is_constraint = ["constraint", "primary", "unique", "check", "foreign"].iter().any(|k| first.is(k));
        if is_constraint {
            ddl.constraints.extend(parse_constraints(sql, part, None));
        } else {
            ddl.columns.push(parse_column(sql, part));
        }
    }
    Some(ddl)
}

fn parse_column(sql: &str, part: &[Token<'_>]) -> ColumnDdl {
    let name = part[0].ident();
    let mut column = ColumnDdl { name: name.clone(), ..ColumnDdl::default() };
    // Skip the type: words and a parenthesised size, up to the first constraint keyword.
    let mut i = 1;
    while i < part.len() && !COLUMN_CONSTRAINT_START.iter().any(|k| part[i].is(k)) {
        i = skip_group(part, i);
    }
    let rest = &part[i..];
    for (j, token) in rest.iter().enumerate() {
        if token.is("autoincrement") {
            column.autoincrement = true;
        }
        if token.is("as")
            && rest.get(j + 1).is_some_and(|t| t.is_punct('('))
            && let Some(close) = matching_paren(rest, j + 1)
        {
            let stored = rest.get(close + 1).is_some_and(|t| t.is("stored"));
            column.generated = Some((text_of(sql, &rest[j + 2..close]).to_string(), stored));
        }
        if token.is("collate")
            && let Some(next) = rest.get(j + 1)
        {
            column.collation = Some(next.ident());
        }
    }
    column.constraints = parse_constraints(sql, rest, Some(&name));
    column
}

/// Parses a run of constraints. `column` is set for column constraints.
fn parse_constraints(sql: &str, tokens: &[Token<'_>], column: Option<&str>) -> Vec<ConstraintDdl> {
    let own = || column.map(|c| vec![c.to_string()]).unwrap_or_default();
    let mut found = Vec::new();
    let mut name: Option<String> = None;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        if token.is("constraint") {
            name = tokens.get(i + 1).map(Token::ident);
            i += 2;
            continue;
        }
        let kind = if token.is("primary") {
            let (columns, next) = column_list_after(tokens, i + 2);
            i = next;
            Some(ConstraintKind::PrimaryKey(if column.is_some() { own() } else { columns }))
        } else if token.is("unique") {
            let (columns, next) = column_list_after(tokens, i + 1);
            i = next;
            Some(ConstraintKind::Unique(if column.is_some() { own() } else { columns }))
        } else if token.is("check") && tokens.get(i + 1).is_some_and(|t| t.is_punct('(')) {
            let close = matching_paren(tokens, i + 1).unwrap_or(tokens.len() - 1);
            let body = text_of(sql, &tokens[i + 2..close]).to_string();
            i = close + 1;
            Some(ConstraintKind::Check(body))
        } else if token.is("foreign") {
            let (columns, next) = column_list_after(tokens, i + 2);
            let table = tokens.get(next + 1).filter(|_| tokens.get(next).is_some_and(|t| t.is("references")));
            i = next + 2;
            table.map(|t| ConstraintKind::ForeignKey(columns, t.ident()))
        } else if token.is("references") {
            let table = tokens.get(i + 1).map(Token::ident).unwrap_or_default();
            i += 2;
            Some(ConstraintKind::ForeignKey(own(), table))
        } else {
            i = skip_group(tokens, i);
            // A name applies only to the constraint right after it.
            name = None;
            continue;
        };
        if let Some(kind) = kind {
            found.push(ConstraintDdl { name: name.take(), kind });
        }
    }
    found
}

/// Reads `( a, b COLLATE x DESC )` starting at `open`; returns the column
/// names and the index after the closing parenthesis. Without a list,
/// returns nothing and `open` unchanged.
fn column_list_after(tokens: &[Token<'_>], open: usize) -> (Vec<String>, usize) {
    match tokens.get(open) {
        Some(t) if t.is_punct('(') => {
            let close = matching_paren(tokens, open).unwrap_or(tokens.len() - 1);
            let columns = split_top_level(&tokens[open + 1..close])
                .iter()
                .filter_map(|item| item.first().map(Token::ident))
                .collect();
            (columns, close + 1)
        }
        _ => (Vec::new(), open),
    }
}

/// Index after the token at `i`, skipping a whole parenthesised group.
fn skip_group(tokens: &[Token<'_>], i: usize) -> usize {
    if tokens[i].is_punct('(') { matching_paren(tokens, i).map_or(tokens.len(), |c| c + 1) } else { i + 1 }
}

/// What a CREATE INDEX statement says.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct IndexDdl {
    pub unique: bool,
    /// Each key: column name, or expression text; and whether descending.
    pub parts: Vec<(IndexItem, bool)>,
    /// Each key's `COLLATE`, if it has one.
    pub collations: Vec<Option<String>>,
    pub predicate: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum IndexItem {
    Column(String),
    Expr(String),
}

pub(crate) fn parse_create_index(sql: &str) -> Option<IndexDdl> {
    let tokens = tokenize(sql);
    let unique = tokens.get(1).is_some_and(|t| t.is("unique"));
    let on = tokens.iter().position(|t| t.is("on"))?;
    let open = on + tokens[on..].iter().position(|t| t.is_punct('('))?;
    let close = matching_paren(&tokens, open)?;
    let mut parts = Vec::new();
    let mut collations = Vec::new();
    for item in split_top_level(&tokens[open + 1..close]) {
        let mut item = item;
        let mut descending = false;
        if let Some(last) = item.last()
            && (last.is("asc") || last.is("desc"))
        {
            descending = last.is("desc");
            item = &item[..item.len() - 1];
        }
        let collate = item.len().checked_sub(2).filter(|&at| at > 0 && item[at].is("collate"));
        collations.push(collate.map(|at| item[at + 1].ident()));
        if let Some(at) = collate {
            item = &item[..at];
        }
        let is_plain_column = item.len() == 1 && matches!(item[0].kind, Kind::Word | Kind::QuotedIdent);
        parts.push(if is_plain_column {
            (IndexItem::Column(item[0].ident()), descending)
        } else {
            (IndexItem::Expr(text_of(sql, item).to_string()), descending)
        });
    }
    let predicate = match tokens.get(close + 1) {
        Some(t) if t.is("where") => Some(text_of(sql, &tokens[close + 2..]).trim_end_matches(';').trim().to_string()),
        _ => None,
    };
    Some(IndexDdl { unique, parts, collations, predicate })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_checks_and_autoincrement() {
        let ddl = parse_create_table(
            "CREATE TABLE \"posts\" (\n  \"id\" INTEGER NOT NULL CONSTRAINT \"posts_pkey\" PRIMARY KEY AUTOINCREMENT,\n  \
             \"score\" INTEGER DEFAULT (0) CHECK (score >= 0),\n  \"title\" TEXT COLLATE NOCASE UNIQUE,\n  \
             CONSTRAINT \"posts_body\" CHECK (length(\"title\") > 0),\n  \
             FOREIGN KEY (\"id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE\n)",
        )
        .unwrap();
        assert_eq!(ddl.columns.len(), 3);
        assert!(ddl.columns[0].autoincrement);
        assert_eq!(
            ddl.columns[0].constraints,
            [ConstraintDdl { name: Some("posts_pkey".into()), kind: ConstraintKind::PrimaryKey(vec!["id".into()]) }]
        );
        assert_eq!(ddl.columns[1].constraints[0].kind, ConstraintKind::Check("score >= 0".into()));
        assert_eq!(ddl.columns[2].collation.as_deref(), Some("NOCASE"));
        assert_eq!(ddl.columns[2].constraints[0].kind, ConstraintKind::Unique(vec!["title".into()]));
        assert_eq!(ddl.constraints[0].name.as_deref(), Some("posts_body"));
        assert_eq!(ddl.constraints[0].kind, ConstraintKind::Check("length(\"title\") > 0".into()));
        assert_eq!(ddl.constraints[1].kind, ConstraintKind::ForeignKey(vec!["id".into()], "users".into()));
    }

    #[test]
    fn reads_generated_columns() {
        let ddl = parse_create_table(
            "CREATE TABLE t (a INT, b AS (a * 2), c INT GENERATED ALWAYS AS (a + 1) STORED NOT NULL)",
        )
        .unwrap();
        assert_eq!(ddl.columns[0].generated, None);
        assert_eq!(ddl.columns[1].generated, Some(("a * 2".into(), false)));
        assert_eq!(ddl.columns[2].generated, Some(("a + 1".into(), true)));
    }

    #[test]
    fn reads_options() {
        let ddl = parse_create_table("CREATE TABLE t (a INT PRIMARY KEY) WITHOUT ROWID, STRICT").unwrap();
        assert_eq!(ddl.options, ["WITHOUT", "ROWID", "STRICT"]);
    }

    #[test]
    fn reads_index_parts_and_predicate() {
        let ddl =
            parse_create_index("CREATE UNIQUE INDEX \"i\" ON \"t\" (\"a\", lower(b) DESC) WHERE age >= 18").unwrap();
        assert!(ddl.unique);
        assert_eq!(ddl.parts, [(IndexItem::Column("a".into()), false), (IndexItem::Expr("lower(b)".into()), true)]);
        assert_eq!(ddl.predicate.as_deref(), Some("age >= 18"));
    }
}
