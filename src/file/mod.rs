//! schema.yaml: the file format, read into the model and written from it.

mod load;
mod locator;
mod raw;
mod render;
mod unique_map;

pub use load::{check_postgres_names, load_path, load_str};
pub use render::{render, render_in_order, render_pair, scalar};

/// The JSON Schema (draft-07) of the schema.yaml format, for editors
/// (`# yaml-language-server: $schema=...`).
pub fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<raw::RawFile>();
    schema.insert("title".into(), "dbshape schema.yaml".into());
    schema.to_value()
}
