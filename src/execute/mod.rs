//! Executors: run a plan against a live database, atomically. One module
//! per dialect; the common contract is here.

pub mod postgres;
pub mod sqlite;

use std::time::Duration;

/// Reported to the caller while a plan runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// A statement finished.
    Statement { number: usize, total: usize, sql: &'a str, elapsed: Duration },
}

/// What an apply did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub statements: usize,
    pub elapsed: Duration,
    /// Set when, once the lock was held, the database turned out to match
    /// already (another apply got there first): nothing was run.
    pub already_in_sync: bool,
}
