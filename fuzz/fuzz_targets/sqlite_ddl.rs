//! The parsers of SQLite's stored CREATE text, and expression comparison,
//! on arbitrary text: they may find nothing, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = dbshape::inspect::sqlite_ddl::parse_create_table(text);
    let _ = dbshape::inspect::sqlite_ddl::parse_create_index(text);
    let _ = dbshape::model::Expr::new(text).key();
    let _ = dbshape::model::DefaultValue::from_sql(text);
    let _ = dbshape::model::SqlType::parse(text);
});
