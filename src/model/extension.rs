//! An extension (PostgreSQL), at the version asked.

/// An extension the schema needs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Extension {
    /// The version asked (`None`: any; a new one gets the default). From
    /// a database: the version installed.
    pub version: Option<String>,
    /// From a database: the installed version is the server's default for
    /// it, so a file need not say it.
    pub default_version: bool,
}

impl Extension {
    /// At `version`, or any.
    pub fn at(version: Option<String>) -> Extension {
        Extension { version, default_version: false }
    }
}
