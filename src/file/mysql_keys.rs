//! Keys of the file that only MySQL (and MariaDB) have: another dialect
//! refuses them at the line that says them, rather than dropping them.

use super::finding::Finding;
use crate::model::Schema;

/// What of `schema` only MySQL has, refused by the dialect `title`.
pub(crate) fn mysql_only(schema: &Schema, title: &str) -> Vec<Finding> {
    let mut found = Vec::new();
    let hint = "engine, row_format, charset, on_update, invisible and index prefix lengths exist on MySQL only";
    for table in schema.tables.values() {
        let t = table.name.as_str();
        for (key, set) in [
            ("engine", table.engine.is_some()),
            ("row_format", table.row_format.is_some()),
            ("charset", table.charset.is_some()),
            ("collation", table.collation.is_some()),
        ] {
            if set {
                let message = format!("table \"{t}\": {title} has no table `{key}`");
                found.push(Finding::table(t, Some(key), message).hint(hint));
            }
        }
        for column in table.columns.values() {
            let c = column.name.as_str();
            if column.charset.is_some() {
                let message = format!("column \"{t}.{c}\": {title} has no column character sets");
                found.push(Finding::column(t, c, Some("charset"), message).hint("use `collation:`"));
            }
            if column.on_update.is_some() {
                let message = format!("column \"{t}.{c}\": {title} has no ON UPDATE for a column");
                found.push(Finding::column(t, c, Some("on_update"), message).hint("use a trigger"));
            }
        }
        for index in table.indexes.values() {
            let n = index.name.as_str();
            if index.invisible {
                found.push(Finding::entry(
                    t,
                    "indexes",
                    n,
                    format!("index \"{n}\" of \"{t}\": {title} has no invisible indexes"),
                ));
            }
            if index.parts.iter().any(|p| p.length.is_some()) {
                let message = format!("index \"{n}\" of \"{t}\": {title} has no prefix lengths (`name(20)`)");
                found.push(
                    Finding::entry(t, "indexes", n, message)
                        .hint("index an expression instead, e.g. `{ expr: \"left(name, 20)\" }`"),
                );
            }
            if matches!(index.method.as_deref(), Some("fulltext" | "spatial")) {
                let message = format!(
                    "index \"{n}\" of \"{t}\": {title} has no {} indexes",
                    index.method.as_deref().unwrap_or_default()
                );
                found.push(Finding::entry(t, "indexes", n, message));
            }
        }
    }
    found
}
