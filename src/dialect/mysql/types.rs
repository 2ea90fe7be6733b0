//! The file's portable types as MySQL stores them, and MySQL's column
//! types read back into the model. One function each way, so that a type
//! written in the file and the same type read from the server compare
//! equal: display widths (`int(11)`) are dropped, `tinyint(1)` is
//! `boolean`, and what has no portable name stays as MySQL spells it
//! (`bigint unsigned`, `mediumtext`, `enum('a','b')`).

use crate::model::{DefaultValue, Expr, Literal, SequenceOptions, SqlType};

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

/// Text and bytes MySQL keeps off the row: a B-tree indexes a prefix only.
pub(super) fn is_long(sql_type: &SqlType) -> bool {
    let stored = stored(sql_type);
    matches!(stored, SqlType::Text | SqlType::Blob | SqlType::Json)
        || matches!(&stored, SqlType::Other(t) if t.ends_with("text") || t.ends_with("blob"))
}

/// The values of an integer type: (lowest, highest).
pub(super) fn integer_range(sql_type: &SqlType) -> Option<(i128, i128)> {
    let text = match sql_type {
        SqlType::SmallInt => "smallint",
        SqlType::Integer => "int",
        SqlType::BigInt => "bigint",
        SqlType::Other(text) => text.as_str(),
        _ => return None,
    };
    let mut words = text.split_whitespace();
    let bits = match words.next()? {
        "tinyint" => 8,
        "smallint" => 16,
        "mediumint" => 24,
        "int" => 32,
        "bigint" => 64,
        _ => return None,
    };
    Some(if words.any(|w| w == "unsigned") {
        (0, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    })
}

pub(super) fn is_number(sql_type: &SqlType) -> bool {
    integer_range(sql_type).is_some() || matches!(sql_type, SqlType::Numeric { .. } | SqlType::Real | SqlType::Double)
}

/// `CURRENT_TIMESTAMP`, `now()`, `localtimestamp` and the like as MySQL
/// reports them: `current_timestamp()`, `current_timestamp(6)`; empty when
/// `text` is none of them.
pub(super) fn canonical_now(text: &str) -> String {
    let compact: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let (name, precision) = match compact.split_once('(') {
        Some((name, rest)) => (name.to_string(), rest.strip_suffix(')').unwrap_or("x").to_string()),
        None => (compact.clone(), String::new()),
    };
    let known = matches!(name.as_str(), "current_timestamp" | "now" | "localtime" | "localtimestamp");
    let precision_ok = precision.is_empty() || (precision.len() == 1 && precision.as_bytes()[0].is_ascii_digit());
    if !known || !precision_ok {
        return String::new();
    }
    match precision.as_str() {
        "" | "0" => "current_timestamp()".into(),
        n => format!("current_timestamp({n})"),
    }
}

/// A default as MySQL stores it on a column of `sql_type` (already as stored).
pub(super) fn canonical_default(value: DefaultValue, sql_type: &SqlType) -> DefaultValue {
    match value {
        DefaultValue::Expr(expr) => match canonical_now(expr.unwrapped()) {
            now if !now.is_empty() => DefaultValue::Expr(Expr::new(now)),
            _ => DefaultValue::Expr(expr),
        },
        DefaultValue::Literal(literal) => DefaultValue::Literal(match (literal, sql_type) {
            (Literal::Int(n), SqlType::Boolean) => Literal::Bool(n != 0),
            // Text a boolean column reads as true or false, as PostgreSQL does.
            (Literal::Text(text), SqlType::Boolean)
                if matches!(
                    text.trim().to_ascii_lowercase().as_str(),
                    "true" | "t" | "yes" | "on" | "1" | "false" | "f" | "no" | "off" | "0"
                ) =>
            {
                Literal::Bool(matches!(text.trim().to_ascii_lowercase().as_str(), "true" | "t" | "yes" | "on" | "1"))
            }
            (Literal::Bool(b), t) if *t != SqlType::Boolean => Literal::Int(i64::from(b)),
            (Literal::Text(text), t) if is_integer(t) && text.trim().parse::<i64>().is_ok() => {
                Literal::Int(text.trim().parse().unwrap_or_default())
            }
            (Literal::Int(n), t) if is_text(t) => Literal::Text(n.to_string()),
            // A number MySQL keeps at the column's scale (rounded), given as
            // a number or as text.
            (literal @ (Literal::Int(_) | Literal::Float(_) | Literal::Text(_)), t)
                if decimal_scale(t).is_some() && number_text(&literal).is_some() =>
            {
                let text = number_text(&literal).unwrap_or_default();
                let rounded = round_decimal(&text, decimal_scale(t).unwrap_or(0));
                match rounded.parse::<i64>() {
                    Ok(n) if !rounded.contains('.') => Literal::Int(n),
                    _ => Literal::Float(rounded),
                }
            }
            (Literal::Text(text), SqlType::Real | SqlType::Double) if text.trim().parse::<f64>().is_ok() => {
                Literal::Float(text.trim().to_string())
            }
            (Literal::Float(f), t) if is_text(t) => Literal::Text(f),
            (literal, _) => literal,
        }),
    }
}

/// The digits a decimal or integer column keeps after the point.
fn decimal_scale(sql_type: &SqlType) -> Option<u32> {
    match sql_type {
        SqlType::Numeric { scale, .. } => Some(scale.unwrap_or(0)),
        t if is_integer(t) => Some(0),
        _ => None,
    }
}

/// A literal's text when it is a plain decimal number (`-1.25`, `3`).
fn number_text(literal: &Literal) -> Option<String> {
    let text = match literal {
        Literal::Int(n) => n.to_string(),
        Literal::Float(f) => f.clone(),
        Literal::Text(t) => t.trim().to_string(),
        Literal::Bool(_) => return None,
    };
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    (!whole.is_empty() && plain(whole) && plain(fraction)).then_some(text)
}

/// `text` (a plain decimal) rounded half away from zero to `scale` digits,
/// as MySQL stores it: `1.25` at scale 1 is `1.3`, at 0 `1`.
fn round_decimal(text: &str, scale: u32) -> String {
    let negative = text.starts_with('-');
    let digits = text.trim_start_matches(['-', '+']);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let scale = scale as usize;
    let mut kept: Vec<u8> = whole.bytes().chain(fraction.bytes().chain(std::iter::repeat(b'0')).take(scale)).collect();
    if fraction.as_bytes().get(scale).is_some_and(|d| *d >= b'5') {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let split = kept.len() - scale;
    let whole = String::from_utf8_lossy(&kept[..split]).trim_start_matches('0').to_string();
    let whole = if whole.is_empty() { "0".to_string() } else { whole };
    let fraction = String::from_utf8_lossy(&kept[split..]).to_string();
    let zero = whole == "0" && fraction.bytes().all(|b| b == b'0');
    let sign = if negative && !zero { "-" } else { "" };
    if scale == 0 { format!("{sign}{whole}") } else { format!("{sign}{whole}.{fraction}") }
}

/// A MariaDB sequence's options with every value that is MariaDB's
/// default left out: ascending from 1 up to 2^63 - 2 (descending from -1
/// down to 1 - 2^63), starting at the near end, caching 1000. The file
/// leaves them out too.
pub(super) fn sequence_options(options: &SequenceOptions) -> SequenceOptions {
    let increment = options.increment.unwrap_or(1);
    let ascending = increment > 0;
    let min = options.min.unwrap_or(if ascending { 1 } else { i64::MIN + 1 });
    let max = options.max.unwrap_or(if ascending { i64::MAX - 1 } else { -1 });
    let start = options.start.unwrap_or(if ascending { min } else { max });
    let differs = |value: i64, default: i64| (value != default).then_some(value);
    SequenceOptions {
        start: differs(start, if ascending { min } else { max }),
        increment: differs(increment, 1),
        min: differs(min, if ascending { 1 } else { i64::MIN + 1 }),
        max: differs(max, if ascending { i64::MAX - 1 } else { -1 }),
        cache: options.cache.and_then(|cache| differs(cache, 1000)),
        cycle: options.cycle,
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

    #[test]
    fn now_in_every_spelling() {
        for text in ["CURRENT_TIMESTAMP", "now()", "current_timestamp()", "LOCALTIMESTAMP", "current_timestamp(0)"] {
            assert_eq!(canonical_now(text), "current_timestamp()", "{text}");
        }
        assert_eq!(canonical_now("CURRENT_TIMESTAMP(6)"), "current_timestamp(6)");
        assert_eq!(canonical_now("curdate()"), "");
    }

    #[test]
    fn decimals_round_as_mysql_stores_them() {
        assert_eq!(round_decimal("1.25", 1), "1.3");
        assert_eq!(round_decimal("1.25", 0), "1");
        assert_eq!(round_decimal("-0.04", 1), "0.0");
        assert_eq!(round_decimal("9.96", 1), "10.0");
        assert_eq!(round_decimal("12", 2), "12.00");
        assert_eq!(round_decimal("-2.5", 0), "-3");
    }
}
