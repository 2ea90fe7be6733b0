//! Writing a model as schema.yaml text: what `inspect` prints.
//!
//! The output is concise (constraints with conventional names fold back
//! into column flags), stable (same model, same bytes) and lists tables
//! parents first.

use super::render_fields::{expression, index_fields, list, part_fields, push_comment, scalar};
use super::render_objects::{render_objects, render_policies, render_triggers, render_types};
use super::render_privileges::{
    column_sequence_grants, privilege_fields, render_file_privileges, render_privilege_lines,
};
use crate::model::Trigger;
use crate::model::{
    Column, DefaultValue, ForeignKey, Literal, ReferentialAction, Schema, SecurableKind, SequenceOptions, SqlType,
    Table, Unique, inherited_column, inheriting_column, naming,
};
use std::collections::HashMap;
use std::fmt::Write;

/// The schema as YAML with its tables in their own order (as `fmt` keeps a
/// file's order, which is the order tables are created in; `inspect` sorts
/// tables parents first before rendering).
pub(crate) fn render_in_order(schema: &Schema) -> String {
    render_tables(schema, schema.tables.keys().map(String::as_str).collect(), &mut Widths::default())
}

/// Two schemas rendered for a line diff: each table section is aligned to
/// the wider of the two, so that a longer name on one side does not show
/// every line of its section as changed.
pub(crate) fn render_pair(a: &Schema, b: &Schema) -> (String, String) {
    let mut widths = Widths::default();
    render(a, b, &mut widths);
    return render(a, b, &mut widths);

    fn render(a: &Schema, b: &Schema, widths: &mut Widths) -> (String, String) {
        (render_tables(a, a.dependency_order(), widths), render_tables(b, b.dependency_order(), widths))
    }
}

/// The key column width of each aligned section, per table: at least the
/// widest key seen so far.
#[derive(Default)]
struct Widths(HashMap<(String, &'static str), usize>);

impl Widths {
    fn fit(&mut self, table: &str, section: &'static str, width: usize) -> usize {
        let widest = self.0.entry((table.to_string(), section)).or_default();
        *widest = (*widest).max(width);
        *widest
    }
}

fn render_tables(schema: &Schema, order: Vec<&str>, widths: &mut Widths) -> String {
    let mut out = String::new();
    if !schema.unmanaged.is_empty() {
        out.push_str("# Not managed by dbshape (left as they are in the database):\n");
        for line in &schema.unmanaged {
            let _ = writeln!(out, "#   {line}");
        }
    }
    render_file_privileges(&mut out, schema);
    if !schema.enums.is_empty() {
        out.push_str("enums:\n");
        for (name, values) in &schema.enums {
            let fields = privilege_fields(schema, SecurableKind::Type, name);
            if fields.is_empty() {
                let _ = writeln!(out, "  {}: {}", scalar(name), list(values));
            } else {
                let _ = writeln!(out, "  {}: {{ values: {}, {} }}", scalar(name), list(values), fields.join(", "));
            }
        }
    }
    if !schema.sequences.is_empty() {
        out.push_str("sequences:\n");
        for (name, sequence) in &schema.sequences {
            let mut fields = vec![format!("type: {}", sequence.sql_type)];
            fields.extend(sequence_fields(&sequence.options));
            if let Some((table, column)) = &sequence.owned_by {
                fields.push(format!("owned_by: {}", scalar(&format!("{table}.{column}"))));
            }
            push_comment(&mut fields, &sequence.comment);
            fields.extend(privilege_fields(schema, SecurableKind::Sequence, name));
            let _ = writeln!(out, "  {}: {{ {} }}", scalar(name), fields.join(", "));
        }
    }
    render_types(&mut out, schema);
    if schema.tables.is_empty() {
        out.push_str("tables: {}\n");
        render_objects(&mut out, schema);
        return out;
    }
    out.push_str("tables:\n");
    let sequence_grants = column_sequence_grants(schema);
    for (i, name) in order.into_iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let table = &schema.tables[name];
        let parent = (table.partition_of.as_ref().map(|p| &p.parent).or(table.inherits.as_ref()))
            .and_then(|p| schema.tables.get(p));
        let none = HashMap::new();
        render_table(&mut out, table, parent, sequence_grants.get(name).unwrap_or(&none), widths);
        render_privilege_lines(&mut out, schema, SecurableKind::Table, name, 4);
        render_policies(&mut out, table);
        let triggers: Vec<&Trigger> = schema.triggers.values().filter(|t| t.table == name).collect();
        render_triggers(&mut out, &triggers, 4);
    }
    render_objects(&mut out, schema);
    out
}

/// Whether a partition's columns are just what its parent gives it, so
/// that the file can leave them out.
fn inherits_columns(table: &Table, parent: &Table) -> bool {
    table.columns.len() == parent.columns.len()
        && parent.columns.values().all(|c| table.columns.get(&c.name) == Some(&inherited_column(parent, c)))
}

fn render_table(
    out: &mut String,
    table: &Table,
    parent: Option<&Table>,
    sequence_grants: &HashMap<&str, String>,
    widths: &mut Widths,
) {
    let t = table.name.as_str();
    let _ = writeln!(out, "  {}:", scalar(t));
    if let Some(old) = &table.renamed_from {
        let _ = writeln!(out, "    renamed_from: {}", scalar(old));
    }
    if let Some(comment) = &table.comment {
        let _ = writeln!(out, "    comment: {}", scalar(comment));
    }
    if table.strict {
        out.push_str("    strict: true\n");
    }
    if table.without_rowid {
        out.push_str("    without_rowid: true\n");
    }
    for (key, value) in [
        ("engine", &table.engine),
        ("row_format", &table.row_format),
        ("charset", &table.charset),
        ("collation", &table.collation),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "    {key}: {}", scalar(value));
        }
    }
    if table.unlogged {
        out.push_str("    unlogged: true\n");
    }
    if !table.storage.is_empty() {
        // Booleans and numbers bare, so they read back as what they are.
        let bare = |v: &str| v == "true" || v == "false" || v.parse::<f64>().is_ok_and(f64::is_finite);
        let parameters: Vec<String> = table
            .storage
            .iter()
            .map(|(k, v)| format!("{}: {}", scalar(k), if bare(v) { v.clone() } else { scalar(v) }))
            .collect();
        let _ = writeln!(out, "    storage: {{ {} }}", parameters.join(", "));
    }
    if let Some(key) = &table.partition_by {
        let _ = writeln!(out, "    partition_by: {}", scalar(key));
    }
    if let Some(parent) = &table.inherits {
        let _ = writeln!(out, "    inherits: {}", scalar(parent));
    }
    if let Some(partition) = &table.partition_of {
        let _ = writeln!(out, "    partition_of: {}", scalar(&partition.parent));
        let _ = writeln!(out, "    bound: {}", scalar(&partition.bound));
    }
    // A partition's columns, when its parent's, are left out, and its keys
    // then take their long forms.
    let columns_shown = !parent.is_some_and(|parent| table.partition_of.is_some() && inherits_columns(table, parent));
    // An inheriting table's columns that are its parent's as they are
    // inherited are left out (its keys then take their long forms).
    let hidden = |column: &Column| {
        table.inherits.is_some()
            && parent.and_then(|p| p.columns.get(&column.name).map(|c| (p, c))).is_some_and(|(p, c)| {
                let inherited = inheriting_column(p, c);
                inherited.same_definition(column) && inherited.name == column.name
            })
    };
    let foldable = columns_shown && table.inherits.is_none();
    // What folds into a column's short keys: conventional names, nothing
    // the short keys cannot say (a comment, NULLS NOT DISTINCT).
    let folded_pk = table.primary_key.as_ref().filter(|pk| {
        foldable && pk.columns.len() == 1 && pk.name == naming::primary_key(t) && pk.comment.is_none() && !pk.deferrable
    });
    let folded_unique = |c: &str| {
        let name = naming::unique(t, &[c.to_string()]);
        let foldable =
            |u: &&Unique| foldable && u.columns == [c] && !u.nulls_not_distinct && !u.deferrable && u.comment.is_none();
        table.uniques.get(&name).filter(foldable)
    };
    let folded_fk = |c: &str| {
        let name = naming::foreign_key(t, &[c.to_string()]);
        table.foreign_keys.get(&name).filter(|fk| {
            foldable && fk.columns == [c] && fk.ref_columns.len() == 1 && fk.comment.is_none() && !fk.not_valid
        })
    };
    let folded_check = |c: &str| {
        table.checks.get(&naming::check(t, c)).filter(|check| foldable && check.comment.is_none() && !check.not_valid)
    };

    if columns_shown {
        let none = table.columns.values().all(&hidden);
        out.push_str(if none { "    columns: {}\n" } else { "    columns:\n" });
    }
    let keys: Vec<String> = table.columns.keys().map(|c| format!("{}:", scalar(c))).collect();
    let width = widths.fit(t, "columns", keys.iter().map(|k| k.chars().count()).max().unwrap_or(0));
    for (column, key) in table.columns.values().zip(&keys).filter(|(c, _)| columns_shown && !hidden(c)) {
        let c = column.name.as_str();
        let mut fields = column_fields(column, folded_pk.is_some_and(|pk| pk.columns == [c]));
        if folded_unique(c).is_some() {
            fields.push("unique: true".into());
        }
        if let Some(fk) = folded_fk(c) {
            fields.push(format!("references: {}", scalar(&format!("{}.{}", fk.ref_table, fk.ref_columns[0]))));
            push_actions(&mut fields, fk);
        }
        if let Some(check) = folded_check(c) {
            fields.push(format!("check: {}", expression(check.expr.unwrapped())));
        }
        if let Some(comment) = &column.comment {
            fields.push(format!("comment: {}", scalar(comment)));
        }
        if let Some(old) = &column.renamed_from {
            fields.push(format!("renamed_from: {}", scalar(old)));
        }
        fields.extend(sequence_grants.get(c).cloned());
        match fields.as_slice() {
            // Only a type: the short form, `note: text`.
            [only] if only.starts_with("type: ") => {
                let _ = writeln!(out, "      {key:width$} {}", only.trim_start_matches("type: "));
            }
            _ => {
                let _ = writeln!(out, "      {key:width$} {{ {} }}", fields.join(", "));
            }
        }
    }

    if let Some(pk) = table.primary_key.as_ref().filter(|_| folded_pk.is_none()) {
        let mut fields = Vec::new();
        if pk.name != naming::primary_key(t) {
            fields.push(format!("name: {}", scalar(&pk.name)));
        }
        fields.push(format!("columns: {}", list(&pk.columns)));
        push_deferrable(&mut fields, pk.deferrable, pk.initially_deferred);
        push_comment(&mut fields, &pk.comment);
        match fields.as_slice() {
            [columns] => {
                let _ = writeln!(out, "    primary_key: {}", columns.trim_start_matches("columns: "));
            }
            _ => {
                let _ = writeln!(out, "    primary_key: {{ {} }}", fields.join(", "));
            }
        }
    }
    let uniques: Vec<_> = table
        .uniques
        .values()
        .filter(|u| !(u.columns.len() == 1 && folded_unique(&u.columns[0]).is_some_and(|f| f.name == u.name)))
        .collect();
    let entries = sorted_by_name(uniques, |u| &u.name).into_iter().map(|u| {
        let mut fields = vec![format!("columns: {}", list(&u.columns))];
        if u.nulls_not_distinct {
            fields.push("nulls_not_distinct: true".into());
        }
        push_deferrable(&mut fields, u.deferrable, u.initially_deferred);
        push_comment(&mut fields, &u.comment);
        let value = if fields.len() == 1 { list(&u.columns) } else { format!("{{ {} }}", fields.join(", ")) };
        (scalar(&u.name), value)
    });
    section(out, (t, "uniques"), entries.collect(), widths);
    let checks: Vec<_> = table
        .checks
        .values()
        .filter(|check| !table.columns.keys().any(|c| folded_check(c).is_some_and(|f| f.name == check.name)))
        .collect();
    let entries = sorted_by_name(checks, |c| &c.name).into_iter().map(|c| {
        let expr = expression(c.expr.unwrapped());
        let mut fields = vec![format!("expr: {expr}")];
        if c.not_valid {
            fields.push("validated: false".into());
        }
        push_comment(&mut fields, &c.comment);
        let value = if fields.len() == 1 { expr } else { format!("{{ {} }}", fields.join(", ")) };
        (scalar(&c.name), value)
    });
    section(out, (t, "checks"), entries.collect(), widths);
    let fks: Vec<_> = table
        .foreign_keys
        .values()
        .filter(|fk| !(fk.columns.len() == 1 && folded_fk(&fk.columns[0]).is_some_and(|f| f.name == fk.name)))
        .collect();
    let entries = sorted_by_name(fks, |f| &f.name).into_iter().map(|fk| {
        let mut fields = vec![
            format!("columns: {}", list(&fk.columns)),
            format!("references: {{ table: {}, columns: {} }}", scalar(&fk.ref_table), list(&fk.ref_columns)),
        ];
        push_actions(&mut fields, fk);
        push_comment(&mut fields, &fk.comment);
        (scalar(&fk.name), format!("{{ {} }}", fields.join(", ")))
    });
    section(out, (t, "foreign_keys"), entries.collect(), widths);
    let entries = sorted_by_name(table.exclusions.values().collect(), |x| &x.name).into_iter().map(|x| {
        let elements: Vec<String> = x
            .elements
            .iter()
            .map(|e| {
                let key = part_fields(&e.part);
                format!("{{ {}, with: {} }}", key.join(", "), scalar(&e.operator))
            })
            .collect();
        let mut fields = Vec::new();
        if x.method != "gist" {
            fields.push(format!("using: {}", scalar(&x.method)));
        }
        fields.push(format!("elements: [{}]", elements.join(", ")));
        if let Some(predicate) = &x.predicate {
            fields.push(format!("where: {}", expression(predicate.unwrapped())));
        }
        if x.initially_deferred {
            fields.push("initially_deferred: true".into());
        } else if x.deferrable {
            fields.push("deferrable: true".into());
        }
        push_comment(&mut fields, &x.comment);
        (scalar(&x.name), format!("{{ {} }}", fields.join(", ")))
    });
    section(out, (t, "exclusions"), entries.collect(), widths);
    let entries = sorted_by_name(table.indexes.values().collect(), |i| &i.name)
        .into_iter()
        .map(|i| (scalar(&i.name), format!("{{ {} }}", index_fields(i).join(", "))));
    section(out, (t, "indexes"), entries.collect(), widths);
    let entries = sorted_by_name(table.statistics.values().collect(), |s| &s.name).into_iter().map(|s| {
        let mut fields = vec![format!("columns: {}", list(&s.columns))];
        if !s.kinds.is_empty() {
            fields.push(format!("kinds: {}", list(&s.kinds)));
        }
        push_comment(&mut fields, &s.comment);
        (scalar(&s.name), format!("{{ {} }}", fields.join(", ")))
    });
    section(out, (t, "statistics"), entries.collect(), widths);
}

/// A table-level mapping with its values aligned, as people write them.
fn section(
    out: &mut String,
    (table, title): (&str, &'static str),
    entries: Vec<(String, String)>,
    widths: &mut Widths,
) {
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(out, "    {title}:");
    let width = widths.fit(table, title, entries.iter().map(|(key, _)| key.chars().count() + 1).max().unwrap_or(0));
    for (key, value) in entries {
        let _ = writeln!(out, "      {:width$} {value}", format!("{key}:"));
    }
}

fn column_fields(column: &Column, primary_key: bool) -> Vec<String> {
    // A type name no dialect knows, kept as declared (SQLite).
    let mut fields = match (&column.sql_type, &column.declared_type) {
        (SqlType::Other(_), Some(declared)) => vec![format!("declared_type: {}", scalar(declared))],
        // Another spelling of a known type (SQLite's `datetime` for
        // `timestamp`), which SQLite keeps: the file says it so, and a
        // rebuild declares it again.
        (sql_type, Some(declared)) if SqlType::parse(declared).as_ref() == Ok(sql_type) => {
            vec![format!("type: {}", scalar(&declared.to_ascii_lowercase()))]
        }
        (sql_type, _) => vec![format!("type: {}", scalar(&sql_type.to_string()))],
    };
    if primary_key {
        fields.push("primary_key: true".into());
    }
    if column.autoincrement {
        let options = sequence_fields(&column.identity_options);
        match (column.identity_always, options.is_empty()) {
            (true, true) => fields.push("identity: always".into()),
            (false, true) => fields.push("autoincrement: true".into()),
            (always, false) => {
                let generated = if always { "always" } else { "by default" };
                fields.push(format!("identity: {{ generated: {generated}, {} }}", options.join(", ")));
            }
        }
    }
    match &column.generated {
        Some(generated) if column.generated_virtual => {
            fields.push(format!("generated: {{ expr: {}, virtual: true }}", expression(generated.unwrapped())))
        }
        Some(generated) => fields.push(format!("generated: {}", expression(generated.unwrapped()))),
        None => {}
    }
    if !column.nullable && !primary_key {
        fields.push("nullable: false".into());
    }
    if let Some(default) = &column.default {
        fields.push(format!("default: {}", default_yaml(default)));
    }
    if let Some(on_update) = &column.on_update {
        fields.push(format!("on_update: {}", expression(on_update.unwrapped())));
    }
    if let Some(charset) = &column.charset {
        fields.push(format!("charset: {}", scalar(charset)));
    }
    if let Some(collation) = &column.collation {
        fields.push(format!("collation: {}", scalar(collation)));
    }
    fields
}

/// `initially_deferred: true`, or `deferrable: true`, or nothing.
fn push_deferrable(fields: &mut Vec<String>, deferrable: bool, initially_deferred: bool) {
    if initially_deferred {
        fields.push("initially_deferred: true".into());
    } else if deferrable {
        fields.push("deferrable: true".into());
    }
}

fn push_actions(fields: &mut Vec<String>, fk: &ForeignKey) {
    if fk.on_delete != ReferentialAction::NoAction {
        fields.push(format!("on_delete: {}", scalar(&fk.on_delete.to_string())));
    }
    if fk.on_update != ReferentialAction::NoAction {
        fields.push(format!("on_update: {}", scalar(&fk.on_update.to_string())));
    }
    push_deferrable(fields, fk.deferrable, fk.initially_deferred);
    if fk.not_valid {
        fields.push("validated: false".into());
    }
}

fn default_yaml(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Literal(Literal::Bool(b)) => b.to_string(),
        DefaultValue::Literal(Literal::Int(n)) => n.to_string(),
        DefaultValue::Literal(Literal::Float(f)) => f.clone(),
        DefaultValue::Literal(Literal::Text(s)) => scalar(s),
        DefaultValue::Expr(e) => format!("{{ sql: {} }}", scalar(e.unwrapped())),
    }
}

/// `start: 100`, `increment: 5`, … for each option that is set.
fn sequence_fields(options: &SequenceOptions) -> Vec<String> {
    let numbers = [
        ("start", options.start),
        ("increment", options.increment),
        ("min", options.min),
        ("max", options.max),
        ("cache", options.cache),
    ];
    let mut fields: Vec<String> =
        numbers.into_iter().filter_map(|(key, value)| value.map(|v| format!("{key}: {v}"))).collect();
    if options.cycle {
        fields.push("cycle: true".into());
    }
    fields
}

fn sorted_by_name<T>(mut items: Vec<&T>, name: impl Fn(&T) -> &String) -> Vec<&T> {
    items.sort_by(|a, b| name(a).cmp(name(b)));
    items
}
