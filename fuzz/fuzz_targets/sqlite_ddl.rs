//! The parsers of SQLite's stored CREATE text, and expression comparison,
//! on arbitrary text: they may find nothing, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    dbshape::fuzzing::parse_sqlite_ddl(text);
    let _ = dbshape::model::Expr::new(text).key();
    let _ = dbshape::model::DefaultValue::from_sql(text);
    let _ = dbshape::model::SqlType::parse(text);
});
