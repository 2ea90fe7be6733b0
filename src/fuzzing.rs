//! Entry points for the fuzz targets in `fuzz/` (cargo feature `fuzzing`).
//! Not a stable API.

use crate::diff::{Neutral, diff};
use crate::schema::Schema;

/// Whether two schemas are the same by the differ's comparison.
pub fn same_schema(a: &Schema, b: &Schema) -> bool {
    diff(a.model(), b.model(), &Neutral).is_empty()
}

/// The name-length check of a dialect with a 63-byte limit, on `schema`.
pub fn check_name_lengths(schema: &Schema) -> crate::Result<()> {
    crate::file::check_name_lengths(schema.model(), schema.source(), 63, "a dialect")
}

/// The parsers of SQLite's stored CREATE text, on arbitrary text.
pub fn parse_sqlite_ddl(text: &str) {
    crate::dialect::parse_sqlite_ddl(text);
}
