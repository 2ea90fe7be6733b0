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
    /// The schema its objects go in (`None`: any; a new one goes in the
    /// default schema). From a database: set where it is not the default
    /// schema.
    pub schema: Option<String>,
}

impl Extension {
    /// At `version`, or any.
    pub fn at(version: Option<String>) -> Extension {
        Extension { version, default_version: false, schema: None }
    }
}
