//! Inspectors: read a live database's catalog into the model. One module
//! per dialect.

pub mod postgres;
pub mod sqlite;
pub mod sqlite_ddl;
