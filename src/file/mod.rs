//! schema.yaml: the file format, read into the model and written from it.

mod load;
mod locator;
mod raw;
mod render;
mod unique_map;

pub use load::{load_path, load_str};
pub use render::{render, scalar};
