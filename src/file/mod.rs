//! schema.yaml: the file format, read into the model and written from it.
//!
//! - `raw.rs` (the format as written, which also gives the JSON Schema)
//!   and `unique_map.rs` (maps that refuse duplicate keys);
//! - `load.rs` reads and deserialises, `serde_error.rs` turns serde's
//!   errors into located problems, `convert.rs` builds the model,
//!   (`objects.rs` its views, functions and triggers), `parse.rs` parses
//!   the small values, `privileges.rs` owners, grants and extensions,
//!   `checks.rs` cross-checks;
//! - `problems.rs` collects problems, `locator.rs` finds their lines,
//!   `finding.rs` locates what a dialect refuses, `mysql_keys.rs` and
//!   `postgres_keys.rs` the keys only MySQL or PostgreSQL has;
//! - `render.rs` writes a model back as schema.yaml (`render_objects.rs`:
//!   views, functions, triggers, types; `render_fields.rs`: single values
//!   and an index's fields; `render_privileges.rs`: owners, grants,
//!   default privileges, extensions);
//! - `text_diff.rs`: a unified diff of two texts, in about linear time.

mod checks;
mod convert;
mod finding;
mod load;
mod locator;
mod mysql_keys;
mod objects;
mod parse;
mod postgres_keys;
mod privileges;
mod problems;
mod raw;
mod render;
mod render_fields;
mod render_objects;
mod render_privileges;
mod serde_error;
mod text_diff;
mod unique_map;

pub(crate) use checks::{check_case_collisions, check_name_lengths, index_names_in_the_database};
pub(crate) use finding::{Finding, report};
pub(crate) use load::{load_str, read};
pub(crate) use locator::Locator;
pub(crate) use mysql_keys::mysql_only;
pub(crate) use objects::identity_of;
pub(crate) use postgres_keys::postgres_only;
pub(crate) use render::{render_in_order, render_pair};
pub(crate) use text_diff::unified_diff;

use std::path::Path;

/// Where a schema came from, to locate problems found after loading.
#[derive(Clone, Copy)]
pub(crate) struct Source<'a> {
    /// The file's name as shown in messages.
    pub(crate) path: &'a Path,
    /// Its text.
    pub(crate) text: &'a str,
}

/// The JSON Schema (draft-07) of the schema.yaml format, for editors
/// (`# yaml-language-server: $schema=...`).
pub(crate) fn json_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<raw::RawFile>();
    schema.insert("title".into(), "dbshape schema.yaml".into());
    schema.to_value()
}
