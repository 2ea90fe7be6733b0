//! The file's portable types as MySQL stores them, and MySQL's column
//! types read back into the model. One function each way, so that a type
//! written in the file and the same type read from the server compare
//! equal: display widths (`int(11)`) are dropped, `tinyint(1)` is
//! `boolean`, and what has no portable name stays as MySQL spells it
//! (`bigint unsigned`, `mediumtext`, `enum('a','b')`).

use crate::model::SqlType;

/// The model's type for a column whose `COLUMN_TYPE` is `column_type`.
pub(super) fn from_column_type(column_type: &str) -> SqlType {
    let lower = column_type.trim().to_ascii_lowercase();
    // Labels keep their case: only the keyword is lower-cased.
    if let Some(labels) = strip_keyword(column_type.trim(), "enum").or_else(|| strip_keyword(column_type.trim(), "set"))
    {
        let keyword = if lower.starts_with("enum") { "enum" } else { "set" };
        return SqlType::Other(format!("{keyword}{labels}"));
    }
    let words: Vec<&str> = lower.split_whitespace().collect();
    let Some((base, attributes)) = words.split_first() else { return SqlType::Other(String::new()) };
    let (name, args) = match base.split_once('(') {
        Some((name, rest)) => (name, rest.strip_suffix(')').map(|a| a.split(',').map(str::trim).collect::<Vec<_>>())),
        None => (*base, None),
    };
    let attributes = attributes.join(" ");
    let number = |i: usize| args.as_ref().and_then(|a| a.get(i)).and_then(|n| n.parse::<u32>().ok());
    let integer = matches!(name, "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint");
    if integer {
        if name == "tinyint" && number(0) == Some(1) && attributes.is_empty() {
            return SqlType::Boolean;
        }
        let name = if name == "integer" { "int" } else { name };
        return match (name, attributes.as_str()) {
            ("smallint", "") => SqlType::SmallInt,
            ("int", "") => SqlType::Integer,
            ("bigint", "") => SqlType::BigInt,
            (name, "") => SqlType::Other(name.to_string()),
            (name, attributes) => SqlType::Other(format!("{name} {attributes}")),
        };
    }
    if !attributes.is_empty() {
        return SqlType::Other(lower);
    }
    match (name, args.as_deref()) {
        ("boolean" | "bool", None) => SqlType::Boolean,
        ("float", None) => SqlType::Real,
        ("double" | "double precision" | "real", None) => SqlType::Double,
        ("decimal" | "numeric", _) => {
            SqlType::Numeric { precision: Some(number(0).unwrap_or(10)), scale: Some(number(1).unwrap_or(0)) }
        }
        ("varchar", Some([_])) => SqlType::Varchar(number(0)),
        ("char", Some([_])) => SqlType::Char(number(0).unwrap_or(1)),
        ("char", None) => SqlType::Char(1),
        ("text", None) => SqlType::Text,
        ("date", None) => SqlType::Date,
        ("time", None) => SqlType::Time,
        ("datetime", None) => SqlType::Timestamp,
        ("timestamp", None) => SqlType::TimestampTz,
        // Fractional seconds: in the model's spelling of the same types.
        ("time", Some([_])) => SqlType::Other(format!("time({})", number(0).unwrap_or(0))),
        ("datetime", Some([_])) => SqlType::Other(format!("timestamp({})", number(0).unwrap_or(0))),
        ("timestamp", Some([_])) => SqlType::Other(format!("timestamptz({})", number(0).unwrap_or(0))),
        ("json", None) => SqlType::Json,
        ("blob", None) => SqlType::Blob,
        _ => SqlType::Other(lower),
    }
}

fn strip_keyword<'a>(text: &'a str, keyword: &str) -> Option<&'a str> {
    let head = text.get(..keyword.len())?;
    let rest = &text[keyword.len()..];
    (head.eq_ignore_ascii_case(keyword) && rest.starts_with('(')).then_some(rest)
}

/// How a column of `sql_type` is declared on MySQL.
pub(super) fn column_type(sql_type: &SqlType) -> String {
    match sql_type {
        SqlType::SmallInt => "smallint".into(),
        SqlType::Integer => "int".into(),
        SqlType::BigInt => "bigint".into(),
        SqlType::Boolean => "tinyint(1)".into(),
        SqlType::Real => "float".into(),
        SqlType::Double => "double".into(),
        SqlType::Numeric { precision, scale } => {
            format!(
                "decimal({},{})",
                precision.unwrap_or(65),
                scale.unwrap_or(if precision.is_some() { 0 } else { 30 })
            )
        }
        SqlType::Varchar(Some(n)) => format!("varchar({n})"),
        SqlType::Varchar(None) => "varchar(255)".into(),
        SqlType::Char(n) => format!("char({n})"),
        SqlType::Text => "text".into(),
        SqlType::Date => "date".into(),
        SqlType::Time => "time".into(),
        SqlType::Timestamp => "datetime".into(),
        SqlType::TimestampTz => "timestamp".into(),
        SqlType::Json | SqlType::Jsonb => "json".into(),
        SqlType::Uuid => "char(36)".into(),
        SqlType::Blob => "blob".into(),
        SqlType::Array(_) => "json".into(),
        SqlType::Other(text) => {
            if let Some(n) = text.strip_prefix("timestamptz(") {
                format!("timestamp({n}")
            } else if let Some(n) = text.strip_prefix("timestamp(") {
                format!("datetime({n}")
            } else {
                text.clone()
            }
        }
    }
}

/// A type of the file as MySQL stores it, in the model: what inspecting a
/// column declared with it reads back.
pub(super) fn stored(sql_type: &SqlType) -> SqlType {
    from_column_type(&column_type(sql_type))
}

/// Integer types, which alone may be `AUTO_INCREMENT`.
pub(super) fn is_integer(sql_type: &SqlType) -> bool {
    match sql_type {
        SqlType::SmallInt | SqlType::Integer | SqlType::BigInt => true,
        SqlType::Other(text) => {
            let base = text.split_whitespace().next().unwrap_or_default();
            matches!(base, "tinyint" | "smallint" | "mediumint" | "int" | "bigint")
        }
        _ => false,
    }
}

/// Types whose values are text, which have a character set and collation.
pub(super) fn is_text(sql_type: &SqlType) -> bool {
    match sql_type {
        SqlType::Varchar(_) | SqlType::Char(_) | SqlType::Text => true,
        SqlType::Other(text) => {
            let base = text.split(['(', ' ']).next().unwrap_or_default();
            matches!(base, "tinytext" | "mediumtext" | "longtext" | "enum" | "set")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_habits_read_as_the_portable_type() {
        for (mysql, model) in [
            ("int(11)", SqlType::Integer),
            ("bigint(20)", SqlType::BigInt),
            ("tinyint(1)", SqlType::Boolean),
            ("smallint(6)", SqlType::SmallInt),
            ("decimal(10,2)", SqlType::Numeric { precision: Some(10), scale: Some(2) }),
            ("varchar(255)", SqlType::Varchar(Some(255))),
            ("datetime", SqlType::Timestamp),
            ("timestamp", SqlType::TimestampTz),
            ("double", SqlType::Double),
            ("float", SqlType::Real),
        ] {
            assert_eq!(from_column_type(mysql), model, "{mysql}");
        }
        assert_eq!(from_column_type("bigint(20) unsigned"), SqlType::Other("bigint unsigned".into()));
        assert_eq!(from_column_type("tinyint(4)"), SqlType::Other("tinyint".into()));
        assert_eq!(from_column_type("enum('Draft','it''s')"), SqlType::Other("enum('Draft','it''s')".into()));
        assert_eq!(from_column_type("datetime(6)"), SqlType::Other("timestamp(6)".into()));
    }

    #[test]
    fn every_portable_type_reads_back_as_itself_or_its_stored_form() {
        for text in [
            "smallint",
            "integer",
            "bigint",
            "boolean",
            "real",
            "double precision",
            "numeric(8,3)",
            "varchar(20)",
            "char(3)",
            "text",
            "date",
            "time",
            "timestamp",
            "timestamptz",
            "json",
            "blob",
            "timestamp(3)",
            "timestamptz(6)",
            "time(2)",
            "bigint unsigned",
            "mediumtext",
            "enum('a','b')",
        ] {
            let parsed = SqlType::parse(text).unwrap();
            assert_eq!(stored(&parsed), parsed, "{text}");
        }
        assert_eq!(stored(&SqlType::Uuid), SqlType::Char(36));
        assert_eq!(stored(&SqlType::Jsonb), SqlType::Json);
        assert_eq!(stored(&SqlType::parse("numeric").unwrap()), SqlType::parse("numeric(65,30)").unwrap());
        assert_eq!(stored(&SqlType::parse("int unsigned").unwrap()), SqlType::Other("int unsigned".into()));
    }
}
