//! dbshape: declarative schema migrations. `schema.yaml` is the truth; the
//! database is inspected, diffed against it and made to match.
//!
//! The pipeline, one module each: [`file`] and [`inspect`] produce a
//! [`model::Schema`]; [`diff`] compares two of them into typed changes;
//! [`plan`] turns changes into ordered SQL for one dialect; [`execute`]
//! runs a plan in one transaction; [`cli`] is the thin command line on top.

pub mod cli;
pub mod database;
pub mod diff;
pub mod error;
pub mod execute;
pub mod file;
pub mod inspect;
pub mod model;
pub mod plan;
pub mod sql;
pub mod suggest;
pub mod url;

pub use error::{Error, Result};
