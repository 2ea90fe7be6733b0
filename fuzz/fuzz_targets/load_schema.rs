//! The schema loader on arbitrary bytes: it may refuse them, never panic;
//! and a file it accepts, written back by `fmt`'s renderer, loads again to
//! the same schema.
#![no_main]

use dbshape::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(schema) = Schema::from_yaml_str(text) else { return };
    let _ = dbshape::fuzzing::check_name_lengths(&schema);
    let rendered = schema.to_yaml_string();
    let again = Schema::from_yaml_str(&rendered)
        .unwrap_or_else(|e| panic!("the rendered file does not load: {e}\n{rendered}"));
    assert!(dbshape::fuzzing::same_schema(&schema, &again), "the rendered file is another schema:\n{rendered}");
});
