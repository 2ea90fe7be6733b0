//! How single values and entries are written in schema.yaml's flow style:
//! scalars that read back as exactly their text, lists, SQL expressions and
//! block scalars, and the fields of an index (a table's or a materialized
//! view's). `render.rs` and `render_objects.rs` write with these.

use crate::model::{Index, IndexKey, IndexPart};

/// The fields of an index in its flow mapping (tables and materialized views).
pub(super) fn index_fields(index: &Index) -> Vec<String> {
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| {
            // A plain column is its name (` desc` after it); anything more
            // is the mapping form.
            let plain = part.nulls_first.is_none() && part.collation.is_none() && part.opclass.is_none();
            // `name(20)` reads as a prefix only if the name has no parentheses.
            let plain =
                plain && (part.length.is_none() || !matches!(&part.key, IndexKey::Column(c) if c.contains('(')));
            let prefix = part.length.map_or(String::new(), |n| format!("({n})"));
            match &part.key {
                IndexKey::Column(c) if plain && part.descending => scalar(&format!("{c}{prefix} desc")),
                IndexKey::Column(c) if plain => scalar(&format!("{c}{prefix}")),
                _ => format!("{{ {} }}", part_fields(part).join(", ")),
            }
        })
        .collect();
    let mut fields = vec![format!("columns: [{}]", parts.join(", "))];
    if let Some(method) = &index.method {
        fields.push(format!("using: {}", scalar(method)));
    }
    if !index.include.is_empty() {
        fields.push(format!("include: {}", list(&index.include)));
    }
    if index.unique {
        fields.push("unique: true".into());
    }
    if index.nulls_not_distinct {
        fields.push("nulls_not_distinct: true".into());
    }
    if !index.with.is_empty() {
        let parameters: Vec<String> =
            index.with.iter().map(|(name, value)| format!("{}: {}", scalar(name), parameter(value))).collect();
        fields.push(format!("with: {{ {} }}", parameters.join(", ")));
    }
    if let Some(tablespace) = &index.tablespace {
        fields.push(format!("tablespace: {}", scalar(tablespace)));
    }
    if index.invisible {
        fields.push("invisible: true".into());
    }
    push_comment(&mut fields, &index.comment);
    if let Some(predicate) = &index.predicate {
        fields.push(format!("where: {}", expression(predicate.unwrapped())));
    }
    fields
}

/// An index key in its mapping form's fields: `column: a, order: desc`.
pub(super) fn part_fields(part: &IndexPart) -> Vec<String> {
    let mut fields = vec![match &part.key {
        IndexKey::Column(c) => format!("column: {}", scalar(c)),
        IndexKey::Expr(e) => format!("expr: {}", scalar(e.unwrapped())),
    }];
    if let Some(collation) = &part.collation {
        fields.push(format!("collation: {}", scalar(collation)));
    }
    if let Some(opclass) = &part.opclass {
        fields.push(format!("opclass: {}", scalar(opclass)));
    }
    if let Some(length) = part.length {
        fields.push(format!("length: {length}"));
    }
    if part.descending {
        fields.push("order: desc".into());
    }
    match part.nulls_first {
        Some(true) => fields.push("nulls: first".into()),
        Some(false) => fields.push("nulls: last".into()),
        None => {}
    }
    fields
}

pub(super) fn push_comment(fields: &mut Vec<String>, comment: &Option<String>) {
    if let Some(comment) = comment {
        fields.push(format!("comment: {}", scalar(comment)));
    }
}

/// A storage parameter's value: a plain number where it reads back as the
/// same text, quoted otherwise.
pub(super) fn parameter(value: &str) -> String {
    let number = value.parse::<i64>().is_ok_and(|n| n.to_string() == value);
    if number { value.to_string() } else { scalar(value) }
}

pub(super) fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|i| scalar(i)).collect::<Vec<_>>().join(", "))
}

/// An SQL expression: quoted when it has spaces, as people write them.
pub(super) fn expression(sql: &str) -> String {
    if sql.contains(' ') { serde_json::to_string(sql).expect("strings serialise") } else { scalar(sql) }
}

/// A YAML scalar that reads back as exactly this string, plain where that is
/// safe inside a flow collection, double-quoted otherwise.
pub(super) fn scalar(text: &str) -> String {
    const RESERVED: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    let plain = !text.is_empty()
        && text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && !text.ends_with(' ')
        && text.chars().all(|c| c.is_ascii_alphanumeric() || " _.()<>=+-*/%|".contains(c))
        && !text.contains("  ")
        && !RESERVED.contains(&text.to_ascii_lowercase().as_str());
    if plain { text.to_string() } else { serde_json::to_string(text).expect("strings serialise") }
}

/// `text` as a YAML value at `indent` spaces: a block scalar (`|` or `|-`)
/// when it has several lines and reads back as exactly `text`, else a
/// one-line scalar.
pub(super) fn block(text: &str, indent: usize) -> String {
    if text.contains('\n') {
        let chomp = if text.ends_with('\n') { "" } else { "-" };
        let pad = " ".repeat(indent);
        let mut out = format!("|{chomp}\n");
        for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
            out.push('\n');
        }
        let out = out.trim_end_matches('\n').to_string();
        let yaml = format!("k: {out}\n");
        let reads_back =
            serde_yaml::from_str::<serde_yaml::Value>(&yaml).ok().is_some_and(|v| v["k"].as_str() == Some(text));
        if reads_back {
            return out;
        }
    }
    serde_json::to_string(text).expect("strings serialise")
}

#[cfg(test)]
mod tests {
    use super::scalar;

    #[test]
    fn scalars_round_trip_through_yaml() {
        for text in [
            "users",
            "score >= 0",
            "0",
            "true",
            "",
            "a: b",
            "it's",
            "x # y",
            "-1",
            "naïve",
            "[x]",
            "a\nb",
            "users\"; DROP TABLE x; --",
        ] {
            let yaml = format!("k: {{ v: {} }}", scalar(text));
            let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
            assert_eq!(value["k"]["v"].as_str(), Some(text), "{yaml}");
        }
    }
}
