//! The session: SQLite URLs (`sqlite:///relative.db`,
//! `sqlite:////absolute.db`, `sqlite://` in memory) and the open file. A
//! file that does not exist yet reads as an empty database and is created
//! by the first apply, so that `plan` and `check` never leave a file
//! behind. Also the dialect's own value, [`Sqlite`], which the layers above
//! implement the shared traits on.

use crate::dialect::url::url_error;
use crate::error::{DatabaseError, Error, Result};
use crate::scope::Scope;
use rusqlite::{Connection as Sqlite3, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The SQLite dialect.
pub(crate) struct Sqlite;

/// An open SQLite database.
pub(crate) struct Session {
    /// `None`: an in-memory database.
    pub(super) path: Option<PathBuf>,
    pub(super) conn: Sqlite3,
    /// The file did not exist when opened: `conn` is an empty in-memory
    /// stand-in until an apply creates the file.
    standing_in: bool,
}

/// The file a URL names; `None` for an in-memory database.
fn path_of(url: &str) -> Result<Option<PathBuf>> {
    let rest = url.split_once("://").map_or("", |(_, rest)| rest);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == "/:memory:" || path == "/" {
        return Ok(None);
    }
    let Some(path) = path.strip_prefix('/') else {
        return Err(url_error(url, "SQLite URLs have no host: use sqlite:///relative.db or sqlite:////absolute.db"));
    };
    Ok(Some(PathBuf::from(path)))
}

impl Session {
    pub(super) fn open(url: &str, scope: &Scope) -> Result<Session> {
        let path = path_of(url)?;
        if let Some(schema) = scope.default_schema_name() {
            return Err(Error::Unsupported(format!(
                "a default schema (\"{schema}\") is a PostgreSQL setting: SQLite has no schemas"
            )));
        }
        let standing_in = path.as_deref().is_some_and(|p| !p.exists());
        let conn = match &path {
            Some(path) if !standing_in => open_file(path, false)?,
            _ => Sqlite3::open_in_memory().map_err(|e| connect_error(path.as_deref(), e))?,
        };
        Ok(Session { path, conn, standing_in })
    }

    /// The file, made absolute, while it does not exist.
    pub(super) fn missing_file(&self) -> Option<PathBuf> {
        let path = self.path.as_ref().filter(|_| self.standing_in)?;
        Some(std::path::absolute(path).unwrap_or_else(|_| path.clone()))
    }

    /// The connection an apply writes through: the file itself, created now
    /// if it did not exist.
    pub(super) fn writable(&mut self) -> Result<&mut Sqlite3> {
        if let (true, Some(path)) = (self.standing_in, &self.path) {
            self.conn = open_file(path, true)?;
            self.standing_in = false;
        }
        Ok(&mut self.conn)
    }
}

fn connect_error(path: Option<&Path>, e: rusqlite::Error) -> Error {
    let what = path.map_or("the in-memory database".to_string(), |p| format!("SQLite database {}", p.display()));
    Error::Connect { what, cause: DatabaseError::from_driver(e) }
}

fn open_file(path: &Path, create: bool) -> Result<Sqlite3> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let error = |e| connect_error(Some(path), e);
    let conn = Sqlite3::open_with_flags(path, flags).map_err(error)?;
    // Wait for a concurrent writer rather than failing at once.
    conn.busy_timeout(Duration::from_secs(30)).map_err(error)?;
    // Reading the schema proves the file is a database at all.
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)).map_err(error)?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlalchemy_sqlite_urls() {
        assert_eq!(path_of("sqlite:///app.db").unwrap(), Some("app.db".into()));
        assert_eq!(path_of("sqlite:////tmp/a.db").unwrap(), Some("/tmp/a.db".into()));
        assert_eq!(path_of("sqlite://").unwrap(), None);
        assert_eq!(path_of("sqlite:///:memory:").unwrap(), None);
        assert_eq!(path_of("sqlite+pysqlite:///x.db").unwrap(), Some("x.db".into()));
        assert!(path_of("sqlite://host/x.db").is_err());
    }
}
