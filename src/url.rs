//! Database URLs in the SQLAlchemy style our users already have in their
//! configuration: `sqlite:///relative.db`, `sqlite:////absolute.db`,
//! `sqlite://` (in memory), `postgresql+psycopg2://user:pw@host/db`.

use crate::error::{Error, Result};
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `None` is an in-memory database.
    Sqlite(Option<PathBuf>),
    /// The URL with any `+driver` suffix removed.
    Postgres(String),
}

impl DatabaseUrl {
    pub fn parse(url: &str) -> Result<DatabaseUrl> {
        let error = |message: &str| Error::Url { url: redact(url), message: message.into() };
        let Some((scheme, rest)) = url.split_once("://") else {
            // A libpq key=value connection string.
            if url.split_whitespace().next().is_some_and(|w| w.contains('=')) {
                return Ok(DatabaseUrl::Postgres(url.to_string()));
            }
            return Err(error("expected SCHEME://..., e.g. sqlite:///app.db"));
        };
        let family = scheme.split('+').next().unwrap_or_default().to_ascii_lowercase();
        match family.as_str() {
            "sqlite" => {
                let path = rest.split('?').next().unwrap_or_default();
                if path.is_empty() || path == "/:memory:" || path == "/" {
                    return Ok(DatabaseUrl::Sqlite(None));
                }
                let Some(path) = path.strip_prefix('/') else {
                    return Err(error("SQLite URLs have no host: use sqlite:///relative.db or sqlite:////absolute.db"));
                };
                Ok(DatabaseUrl::Sqlite(Some(PathBuf::from(path))))
            }
            "postgres" | "postgresql" => Ok(DatabaseUrl::Postgres(format!("postgresql://{rest}"))),
            _ => Err(error(&format!("unsupported database \"{scheme}\" (supported: sqlite, postgresql)"))),
        }
    }
}

impl fmt::Display for DatabaseUrl {
    /// The URL with any password replaced by `***`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(None) => f.write_str("sqlite://"),
            DatabaseUrl::Sqlite(Some(path)) => write!(f, "sqlite:///{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

/// Hides the password in `scheme://user:password@host/...` and in
/// `password=...` of key=value strings and query parameters.
pub fn redact(url: &str) -> String {
    let Some((scheme, _)) = url.split_once("://") else {
        return redact_password_parameter(url, ' ');
    };
    let url = redact_password_parameter(url, '&');
    let rest = &url[scheme.len() + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.clone(),
        },
        None => url.clone(),
    }
}

fn redact_password_parameter(text: &str, separator: char) -> String {
    let Some(start) = text.find("password=") else {
        return text.to_string();
    };
    let value_start = start + "password=".len();
    let rest = &text[value_start..];
    let value_end = if let Some(quoted) = rest.strip_prefix('\'') {
        quoted.find('\'').map_or(rest.len(), |i| i + 2)
    } else {
        rest.find(separator).unwrap_or(rest.len())
    };
    format!("{}***{}", &text[..value_start], &rest[value_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlalchemy_sqlite_urls() {
        assert_eq!(DatabaseUrl::parse("sqlite:///app.db").unwrap(), DatabaseUrl::Sqlite(Some("app.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite:////tmp/a.db").unwrap(), DatabaseUrl::Sqlite(Some("/tmp/a.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite://").unwrap(), DatabaseUrl::Sqlite(None));
        assert_eq!(DatabaseUrl::parse("sqlite+pysqlite:///x.db").unwrap(), DatabaseUrl::Sqlite(Some("x.db".into())));
        assert!(DatabaseUrl::parse("sqlite://host/x.db").is_err());
        assert!(DatabaseUrl::parse("app.db").is_err());
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }

    #[test]
    fn postgres_driver_suffix_is_ignored() {
        assert_eq!(
            DatabaseUrl::parse("postgresql+psycopg2://u@h/db").unwrap(),
            DatabaseUrl::Postgres("postgresql://u@h/db".into())
        );
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgresql://bob:s3cret@db:5432/app"), "postgresql://bob:***@db:5432/app");
        assert_eq!(
            DatabaseUrl::parse("postgres://bob:s3cret@db/app").unwrap().to_string(),
            "postgresql://bob:***@db/app"
        );
        let err = DatabaseUrl::parse("oracle://bob:s3cret@db/app").unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
        assert_eq!(redact("host=h password='a b' user=u"), "host=h password=*** user=u");
        assert_eq!(
            redact("postgresql://h/db?password=x&sslmode=require"),
            "postgresql://h/db?password=***&sslmode=require"
        );
    }
}
