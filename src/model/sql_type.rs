//! Column types, with every dialect's synonyms folded into one canonical form.
//!
//! `int`, `INTEGER` and `int4` are one type; comparing two [`SqlType`]s never
//! depends on how the type was spelled, which is what keeps plans free of
//! phantom type changes.

use std::fmt;

/// A column type in canonical form.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SqlType {
    /// 16-bit integer.
    SmallInt,
    /// 32-bit integer.
    Integer,
    /// 64-bit integer.
    BigInt,
    /// True or false.
    Boolean,
    /// Single-precision float.
    Real,
    /// Double-precision float.
    Double,
    /// Exact decimal.
    Numeric {
        /// Total digits, when limited.
        precision: Option<u32>,
        /// Digits after the point.
        scale: Option<u32>,
    },
    /// Text of at most this many characters (any length when `None`).
    Varchar(Option<u32>),
    /// Text of exactly this many characters.
    Char(u32),
    /// Text of any length.
    Text,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A date and time without a time zone.
    Timestamp,
    /// A point in time (`timestamp with time zone`).
    TimestampTz,
    /// JSON text.
    Json,
    /// JSON, stored decomposed (PostgreSQL).
    Jsonb,
    /// A UUID.
    Uuid,
    /// Bytes (`bytea` on PostgreSQL).
    Blob,
    /// `T[]` (PostgreSQL).
    Array(Box<SqlType>),
    /// A type dbshape has no special knowledge of, kept as written
    /// (lower-cased, whitespace collapsed). The empty string is SQLite's
    /// "no declared type".
    Other(String),
}

/// The canonical names, used for "did you mean" hints.
pub(crate) const KNOWN_TYPES: &[&str] = &[
    "smallint",
    "integer",
    "bigint",
    "boolean",
    "real",
    "double precision",
    "numeric",
    "decimal",
    "varchar",
    "char",
    "text",
    "date",
    "time",
    "timestamp",
    "timestamptz",
    "json",
    "jsonb",
    "uuid",
    "blob",
    "bytea",
    "int",
    "bool",
    "float",
    "datetime",
];

impl SqlType {
    /// `text`, a spelling of this type, upper-cased with white space
    /// collapsed, when it is not the canonical one (`DATETIME` for
    /// `timestamp`); `None` for the canonical spelling and for types kept
    /// as written anyway.
    pub(crate) fn other_spelling(&self, text: &str) -> Option<String> {
        let spelled = text.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_uppercase();
        let canonical = self.to_string().to_ascii_uppercase();
        let differs = spelled.replace(' ', "") != canonical.replace(' ', "");
        (differs && !matches!(self, SqlType::Other(_))).then_some(spelled)
    }

    /// Parses a type name as written in a file or a catalog.
    pub fn parse(text: &str) -> Result<SqlType, String> {
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(element) = collapsed.strip_suffix("[]") {
            return Ok(SqlType::Array(Box::new(SqlType::parse(element)?)));
        }
        // MySQL's inline ENUM and SET: the labels keep their case and spaces.
        for keyword in ["enum", "set"] {
            if let Some(head) = text.trim().get(..keyword.len() + 1)
                && head.eq_ignore_ascii_case(&format!("{keyword}("))
            {
                let labels = &text.trim()[keyword.len()..];
                if !labels.ends_with(')') {
                    return Err(format!("unbalanced parentheses in type \"{text}\""));
                }
                return Ok(SqlType::Other(format!("{keyword}{labels}")));
            }
        }
        let mut lower = collapsed.to_ascii_lowercase();
        // `timestamp(6) without time zone`: the parameters go last.
        if let (Some(open), Some(close)) = (lower.find('('), lower.find(')'))
            && open < close
            && close + 1 < lower.len()
        {
            lower = format!("{}{}{}", lower[..open].trim_end(), &lower[close + 1..], &lower[open..=close]);
        }
        let (name, args) = match lower.find('(') {
            Some(open) => {
                let Some(inner) = lower[open + 1..].strip_suffix(')') else {
                    return Err(format!("unbalanced parentheses in type \"{text}\""));
                };
                let args = inner
                    .split(',')
                    .map(|a| {
                        a.trim()
                            .parse::<u32>()
                            .map_err(|_| format!("type parameter \"{}\" in \"{text}\" is not a number", a.trim()))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                (lower[..open].trim_end().to_string(), Some(args))
            }
            None => (lower.clone(), None),
        };
        let no_args = |ty: SqlType| match &args {
            None => Ok(ty),
            Some(_) => Err(format!("type \"{name}\" takes no length or precision (in \"{text}\")")),
        };
        let one_arg = |args: &Option<Vec<u32>>| -> Result<Option<u32>, String> {
            match args.as_deref() {
                None => Ok(None),
                Some([n]) => Ok(Some(*n)),
                Some(_) => Err(format!("type \"{name}\" takes one length (in \"{text}\")")),
            }
        };
        match name.as_str() {
            "smallint" | "int2" => no_args(SqlType::SmallInt),
            "integer" | "int" | "int4" => no_args(SqlType::Integer),
            "bigint" | "int8" => no_args(SqlType::BigInt),
            "boolean" | "bool" => no_args(SqlType::Boolean),
            "real" | "float4" => no_args(SqlType::Real),
            "double precision" | "double" | "float8" | "float" => no_args(SqlType::Double),
            "numeric" | "decimal" => match args.as_deref() {
                None => Ok(SqlType::Numeric { precision: None, scale: None }),
                Some([p]) => Ok(SqlType::Numeric { precision: Some(*p), scale: Some(0) }),
                Some([p, s]) if s <= p => Ok(SqlType::Numeric { precision: Some(*p), scale: Some(*s) }),
                Some([p, s]) => Err(format!("numeric scale {s} is larger than its precision {p}")),
                Some(_) => Err(format!("numeric takes (precision) or (precision, scale), not \"{text}\"")),
            },
            "varchar" | "character varying" | "nvarchar" => Ok(SqlType::Varchar(one_arg(&args)?)),
            "char" | "character" | "nchar" => Ok(SqlType::Char(one_arg(&args)?.unwrap_or(1))),
            "text" | "clob" => no_args(SqlType::Text),
            "date" => no_args(SqlType::Date),
            "time"
            | "time without time zone"
            | "timestamp"
            | "timestamp without time zone"
            | "datetime"
            | "timestamptz"
            | "timestamp with time zone"
                if args.is_some() =>
            {
                // Fractional-second precision: kept in PostgreSQL's short spelling.
                let short = match name.as_str() {
                    "time" | "time without time zone" => "time",
                    "timestamptz" | "timestamp with time zone" => "timestamptz",
                    _ => "timestamp",
                };
                Ok(SqlType::Other(format!("{short}({})", one_arg(&args)?.unwrap_or(6))))
            }
            "time" | "time without time zone" => no_args(SqlType::Time),
            "timestamp" | "timestamp without time zone" | "datetime" => no_args(SqlType::Timestamp),
            "timestamptz" | "timestamp with time zone" => no_args(SqlType::TimestampTz),
            "json" => no_args(SqlType::Json),
            "jsonb" => no_args(SqlType::Jsonb),
            "uuid" => no_args(SqlType::Uuid),
            "blob" | "bytea" => no_args(SqlType::Blob),
            _ => Ok(SqlType::Other(fold_identifiers(&collapsed))),
        }
    }

    /// The type named `name` (a user type such as an enum, possibly
    /// schema-qualified), quoted as SQL needs it: `Role` is `"Role"`.
    pub fn named(name: &str) -> SqlType {
        let parts: Vec<String> = name
            .split('.')
            .map(|part| if is_plain(part) { part.to_string() } else { format!("\"{}\"", part.replace('"', "\"\"")) })
            .collect();
        SqlType::Other(parts.join("."))
    }

    /// The integer type a serial type stands for (`serial` → `integer`);
    /// any other type as it is.
    pub fn without_serial(&self) -> SqlType {
        match self {
            SqlType::Other(name) if name == "smallserial" => SqlType::SmallInt,
            SqlType::Other(name) if name == "serial" => SqlType::Integer,
            SqlType::Other(name) if name == "bigserial" => SqlType::BigInt,
            other => other.clone(),
        }
    }

    /// The serial type of an integer type (`integer` → `serial`): the
    /// other direction of [`SqlType::without_serial`].
    pub fn serial(&self) -> Option<SqlType> {
        let name = match self {
            SqlType::SmallInt => "smallserial",
            SqlType::Integer => "serial",
            SqlType::BigInt => "bigserial",
            _ => return None,
        };
        Some(SqlType::Other(name.into()))
    }

    /// `smallserial`, `serial` or `bigserial`.
    pub fn is_serial(&self) -> bool {
        self.without_serial() != *self
    }

    /// Integer types, the only ones that may auto-increment.
    pub fn is_integer(&self) -> bool {
        matches!(self, SqlType::SmallInt | SqlType::Integer | SqlType::BigInt)
    }

    /// [`SqlType::is_integer`], or one of MySQL's own integer types
    /// (`tinyint`, `mediumint`, `bigint unsigned`, ...).
    pub fn is_any_integer(&self) -> bool {
        match self {
            SqlType::Other(text) => {
                let mut words = text.split_whitespace();
                matches!(words.next(), Some("tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint"))
                    && words.all(|w| matches!(w, "unsigned" | "zerofill"))
            }
            other => other.is_integer(),
        }
    }

    /// Whether this is the user type `name`, or an array of it.
    pub fn is_or_holds(&self, name: &str) -> bool {
        match self {
            SqlType::Other(t) => t == name,
            SqlType::Array(element) => element.is_or_holds(name),
            _ => false,
        }
    }

    /// Whether converting every value of `self` to `to` keeps its information.
    /// Used to mark type changes as destructive.
    pub fn widens_to(&self, to: &SqlType) -> bool {
        use SqlType::*;
        if self == to {
            return true;
        }
        // A serial column is an integer column with a sequence.
        let (from, to) = (self.without_serial(), to.without_serial());
        let int_rank = |t: &SqlType| match t {
            SmallInt => Some(1),
            Integer => Some(2),
            BigInt => Some(3),
            _ => None,
        };
        match (&from, &to) {
            (a, b) if int_rank(a).is_some() && int_rank(b).is_some() => int_rank(a) <= int_rank(b),
            (SmallInt | Integer, Double) | (SmallInt, Real) | (Real, Double) => true,
            (SmallInt | Integer | BigInt, Numeric { precision: None, .. }) => true,
            (Numeric { precision: p1, scale: s1 }, Numeric { precision: p2, scale: s2 }) => match (p1, p2) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(p1), Some(p2)) => {
                    let (s1, s2) = (s1.unwrap_or(0), s2.unwrap_or(0));
                    s2 >= s1 && p2 - s2 >= p1 - s1
                }
            },
            (Varchar(Some(a)), Varchar(Some(b))) => a <= b,
            (Varchar(_), Varchar(None)) => true,
            (Char(a), Varchar(Some(b))) => a <= b,
            (Varchar(_) | Char(_), Text) | (Char(_), Varchar(None)) => true,
            (Json, Jsonb) | (Json | Jsonb, Text) | (Uuid, Text) => true,
            (Date, Timestamp | TimestampTz) | (Timestamp, TimestampTz) => true,
            (
                SmallInt
                | Integer
                | BigInt
                | Boolean
                | Real
                | Double
                | Numeric { .. }
                | Date
                | Time
                | Timestamp
                | TimestampTz,
                Text,
            ) => true,
            _ => false,
        }
    }
}

impl fmt::Display for SqlType {
    /// The canonical spelling, as `inspect` writes it into schema.yaml.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::SmallInt => f.write_str("smallint"),
            SqlType::Integer => f.write_str("integer"),
            SqlType::BigInt => f.write_str("bigint"),
            SqlType::Boolean => f.write_str("boolean"),
            SqlType::Real => f.write_str("real"),
            SqlType::Double => f.write_str("double precision"),
            SqlType::Numeric { precision: None, .. } => f.write_str("numeric"),
            SqlType::Numeric { precision: Some(p), scale } => write!(f, "numeric({p},{})", scale.unwrap_or(0)),
            SqlType::Varchar(None) => f.write_str("varchar"),
            SqlType::Varchar(Some(n)) => write!(f, "varchar({n})"),
            SqlType::Char(n) => write!(f, "char({n})"),
            SqlType::Text => f.write_str("text"),
            SqlType::Date => f.write_str("date"),
            SqlType::Time => f.write_str("time"),
            SqlType::Timestamp => f.write_str("timestamp"),
            SqlType::TimestampTz => f.write_str("timestamptz"),
            SqlType::Json => f.write_str("json"),
            SqlType::Jsonb => f.write_str("jsonb"),
            SqlType::Uuid => f.write_str("uuid"),
            SqlType::Blob => f.write_str("blob"),
            SqlType::Array(element) => write!(f, "{element}[]"),
            SqlType::Other(text) => f.write_str(text),
        }
    }
}

/// Lower-case letters, digits and underscores, not starting with a digit:
/// a name SQL needs no quotes for.
fn is_plain(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A type's text as SQL reads it: unquoted names fold to lower case, quoted
/// ones keep their case (and lose quotes they do not need).
fn fold_identifiers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        out.push_str(&rest[..open].to_ascii_lowercase());
        let after = &rest[open + 1..];
        // `""` inside quotes is a quote.
        let mut end = None;
        let bytes = after.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                end = Some(i);
                break;
            }
            i += 1;
        }
        let Some(end) = end else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..end];
        if is_plain(inner) {
            out.push_str(inner);
        } else {
            out.push('"');
            out.push_str(inner);
            out.push('"');
        }
        rest = &after[end + 1..];
    }
    out.push_str(&rest.to_ascii_lowercase());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_are_one_type() {
        for (a, b) in [
            ("int", "INTEGER"),
            ("int4", "integer"),
            ("varchar(50)", "character varying(50)"),
            ("VARCHAR( 50 )", "varchar(50)"),
            ("bool", "boolean"),
            ("float8", "double precision"),
            ("timestamp with time zone", "timestamptz"),
            ("bytea", "blob"),
            ("int[]", "integer[]"),
            ("timestamp(6) without time zone", "timestamp(6)"),
            ("timestamp(3) with time zone", "TIMESTAMPTZ(3)"),
            ("decimal(10,2)", "numeric(10, 2)"),
            ("char", "character(1)"),
        ] {
            assert_eq!(SqlType::parse(a).unwrap(), SqlType::parse(b).unwrap(), "{a} vs {b}");
        }
    }

    #[test]
    fn canonical_spelling_round_trips() {
        for text in ["numeric(10,2)", "varchar(50)", "double precision", "char(3)", "timestamptz", "geometry"] {
            assert_eq!(SqlType::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        assert!(SqlType::parse("varchar(abc)").is_err());
        assert!(SqlType::parse("numeric(2,5)").is_err());
        assert!(SqlType::parse("integer(3)").is_err());
        assert!(SqlType::parse("varchar(5").is_err());
    }

    #[test]
    fn widening() {
        let t = |s: &str| SqlType::parse(s).unwrap();
        assert!(t("integer").widens_to(&t("bigint")));
        assert!(!t("bigint").widens_to(&t("integer")));
        assert!(t("varchar(50)").widens_to(&t("varchar(100)")));
        assert!(!t("varchar(100)").widens_to(&t("varchar(50)")));
        assert!(!t("text").widens_to(&t("integer")));
        assert!(t("numeric(5,2)").widens_to(&t("numeric(10,2)")));
        assert!(!t("numeric(10,2)").widens_to(&t("numeric(10,1)")));
        assert!(t("serial").widens_to(&t("bigserial")) && t("serial").widens_to(&t("integer")));
        assert!(!t("bigserial").widens_to(&t("serial")));
    }

    #[test]
    fn quoted_type_names_keep_their_case() {
        assert_eq!(SqlType::parse("\"Role\"").unwrap(), SqlType::named("Role"));
        assert_eq!(
            SqlType::parse("Billing.\"Mood\"[]").unwrap(),
            SqlType::Array(Box::new(SqlType::named("billing.Mood")))
        );
        assert_eq!(SqlType::parse("\"mood\"").unwrap(), SqlType::Other("mood".into()));
        assert_eq!(SqlType::named("Role").to_string(), "\"Role\"");
    }
}
