//! The exit codes, as the README's table documents them.

/// Exit code: success (and, for `check`, in sync).
pub const EXIT_OK: i32 = 0;
/// Exit code for `check`: the database has drifted; for `diff`, the sides
/// differ; for `fmt --check`, the file is not formatted.
pub const EXIT_DRIFT: i32 = 1;
/// Exit code: any error.
pub const EXIT_ERROR: i32 = 2;
