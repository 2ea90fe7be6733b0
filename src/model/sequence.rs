//! Sequences: the counters behind identity columns, and standalone ones
//! that defaults read with `nextval`.

use super::SqlType;

/// How a sequence counts. `None` (and `cycle: false`) is the default for
/// the sequence's type and direction, so a file says only what differs;
/// [`SequenceOptions::canonical`] puts any set of options in that form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SequenceOptions {
    /// The first value.
    pub start: Option<i64>,
    /// The step (negative: descending).
    pub increment: Option<i64>,
    /// The smallest value.
    pub min: Option<i64>,
    /// The largest value.
    pub max: Option<i64>,
    /// How many values a session takes at a time.
    pub cache: Option<i64>,
    /// Whether it starts again past its limit.
    pub cycle: bool,
}

impl SequenceOptions {
    /// Whether every option is the default.
    pub fn is_default(&self) -> bool {
        *self == SequenceOptions::default()
    }

    /// Every option spelled out for a sequence of `sql_type` (defaults
    /// filled in): what to send when options change.
    pub(crate) fn effective(&self, sql_type: &SqlType) -> SequenceOptions {
        let (type_min, type_max) = limits(sql_type);
        let increment = self.increment.unwrap_or(1);
        let ascending = increment > 0;
        let min = self.min.unwrap_or(if ascending { 1 } else { type_min });
        let max = self.max.unwrap_or(if ascending { type_max } else { -1 });
        SequenceOptions {
            start: Some(self.start.unwrap_or(if ascending { min } else { max })),
            increment: Some(increment),
            min: Some(min),
            max: Some(max),
            cache: Some(self.cache.unwrap_or(1)),
            cycle: self.cycle,
        }
    }

    /// The same options with every value that is the default for a
    /// sequence of `sql_type` left out (the SQL standard's defaults:
    /// ascending from 1 up to the type's largest value, descending from -1
    /// down to its smallest, starting at the near end, caching 1).
    pub fn canonical(&self, sql_type: &SqlType) -> SequenceOptions {
        let (type_min, type_max) = limits(sql_type);
        let increment = self.increment.unwrap_or(1);
        let ascending = increment > 0;
        let min = self.min.unwrap_or(if ascending { 1 } else { type_min });
        let max = self.max.unwrap_or(if ascending { type_max } else { -1 });
        let start = self.start.unwrap_or(if ascending { min } else { max });
        let differs = |value: i64, default: i64| (value != default).then_some(value);
        SequenceOptions {
            start: differs(start, if ascending { min } else { max }),
            increment: differs(increment, 1),
            min: differs(min, if ascending { 1 } else { type_min }),
            max: differs(max, if ascending { type_max } else { -1 }),
            cache: self.cache.and_then(|cache| differs(cache, 1)),
            cycle: self.cycle,
        }
    }
}

/// The smallest and largest values of an integer type (`bigint`'s for any
/// other, as for a sequence declared without a type).
fn limits(sql_type: &SqlType) -> (i64, i64) {
    match sql_type.without_serial() {
        SqlType::SmallInt => (i16::MIN.into(), i16::MAX.into()),
        SqlType::Integer => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// A sequence of its own, read by defaults (`nextval('invoice_no')`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sequence {
    /// Its (possibly schema-qualified) name.
    pub name: String,
    /// Its type: `smallint`, `integer` or `bigint`.
    pub sql_type: SqlType,
    /// How it counts.
    pub options: SequenceOptions,
    /// The column it belongs to, dropped with it: (table, column).
    pub owned_by: Option<(String, String)>,
    /// Free text about it.
    pub comment: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_type_and_direction() {
        let spelled = SequenceOptions {
            start: Some(1),
            increment: Some(1),
            min: Some(1),
            max: Some(i32::MAX.into()),
            cache: Some(1),
            cycle: false,
        };
        assert!(spelled.canonical(&SqlType::Integer).is_default());
        assert_eq!(spelled.canonical(&SqlType::BigInt).max, Some(i32::MAX.into()));
        let down = SequenceOptions { increment: Some(-1), ..SequenceOptions::default() };
        let server = SequenceOptions { start: Some(-1), min: Some(i16::MIN.into()), max: Some(-1), ..down.clone() };
        assert_eq!(server.canonical(&SqlType::SmallInt), down);
        let from_100 = SequenceOptions { start: Some(100), min: Some(1), ..SequenceOptions::default() };
        assert_eq!(
            from_100.canonical(&SqlType::Integer),
            SequenceOptions { start: Some(100), ..SequenceOptions::default() }
        );
    }
}
