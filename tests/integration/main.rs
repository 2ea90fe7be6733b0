//! Integration tests: each drives the real `dbshape` binary against a real,
//! throw-away database.

mod harness;

mod adoption;
mod architecture;
mod cli;
mod destructive;
mod errors;
mod faults;
mod fixtures;
mod hazards;
mod hostile;
mod library;
mod mysql;
mod objects;
mod online;
mod oracle;
mod postgres;
mod preflight;
mod privileges;
mod random;
mod rebuild;
mod renames;
mod round_trip;
mod saved_plan;
mod seed;
