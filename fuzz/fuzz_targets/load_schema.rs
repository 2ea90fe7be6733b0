//! The schema loader on arbitrary bytes: it may refuse them, never panic;
//! and a file it accepts, written back by `fmt`'s renderer, loads again to
//! the same schema.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let path = Path::new("fuzz.yaml");
    let Ok(schema) = dbshape::file::load_str(text, path) else { return };
    let _ = dbshape::file::check_postgres_names(&schema, path);
    let rendered = dbshape::file::render_in_order(&schema);
    let again = dbshape::file::load_str(&rendered, path)
        .unwrap_or_else(|e| panic!("the rendered file does not load: {e}\n{rendered}"));
    let changes = dbshape::diff::diff(&schema, &again);
    assert!(changes.is_empty(), "the rendered file is another schema: {:?}\n{rendered}", changes.changes);
});
