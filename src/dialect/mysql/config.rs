//! MySQL and MariaDB URLs as SQLAlchemy writes them (`mysql://`,
//! `mariadb://`, `mysql+pymysql://`, ...: the driver suffix is ignored), and
//! their TLS settings (`ssl_mode`, `ssl_ca`).

use crate::dialect::url::url_error;
use crate::error::Result;

/// How a connection uses TLS, as MySQL's client spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SslMode {
    /// No TLS (also `PREFERRED`: the driver cannot fall back, so it does not try).
    Disabled,
    /// TLS, the server's certificate not verified.
    Required,
    /// TLS, the certificate verified against the roots, not the host name.
    VerifyCa,
    /// TLS, the certificate and the host name verified.
    VerifyIdentity,
}

/// What a URL says.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Settings {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) user: Option<String>,
    pub(super) password: Option<String>,
    pub(super) database: String,
    pub(super) ssl_mode: SslMode,
    pub(super) ssl_ca: Option<String>,
}

/// Query parameters drivers accept that change nothing here: the
/// connection always talks utf8mb4.
const IGNORED_PARAMETERS: &[&str] = &["charset", "binary_prefix", "use_unicode", "connect_timeout", "local_infile"];

pub(super) fn parse(url: &str) -> Result<Settings> {
    let error = |message: &str| url_error(url, message);
    let (scheme, rest) = url.split_once("://").ok_or_else(|| error("expected mysql://user@host/database"))?;
    // `url` knows no `mariadb+driver` scheme: parse as mysql, the scheme checked by the caller.
    let parsed = url::Url::parse(&format!("mysql://{rest}")).map_err(|e| error(&format!("not a URL: {e}")))?;
    let _ = scheme;
    let decode =
        |text: &str| percent_decode(text).ok_or_else(|| error("the user name or password has an invalid %-escape"));
    let user = Some(parsed.username()).filter(|u| !u.is_empty()).map(decode).transpose()?;
    let password = parsed.password().map(decode).transpose()?;
    let host = match parsed.host_str() {
        Some(host) if !host.is_empty() => host.trim_start_matches('[').trim_end_matches(']').to_string(),
        _ => "localhost".to_string(),
    };
    let port = parsed.port().unwrap_or(3306);
    let database = decode(parsed.path().trim_start_matches('/'))?;
    if database.is_empty() || database.contains('/') {
        return Err(error("name the database to manage: mysql://user@host/database"));
    }
    let mut ssl_mode = None;
    let mut ssl_ca = None;
    for (key, value) in parsed.query_pairs() {
        match key.replace('-', "_").to_ascii_lowercase().as_str() {
            "ssl_mode" | "sslmode" => {
                ssl_mode = Some(match value.to_ascii_uppercase().replace('-', "_").as_str() {
                    "DISABLED" | "DISABLE" | "PREFERRED" | "PREFER" => SslMode::Disabled,
                    "REQUIRED" | "REQUIRE" => SslMode::Required,
                    "VERIFY_CA" => SslMode::VerifyCa,
                    "VERIFY_IDENTITY" | "VERIFY_FULL" => SslMode::VerifyIdentity,
                    other => {
                        return Err(error(&format!(
                            "unknown ssl_mode \"{other}\" (expected DISABLED, PREFERRED, REQUIRED, VERIFY_CA or \
                             VERIFY_IDENTITY)"
                        )));
                    }
                })
            }
            "ssl_ca" => ssl_ca = Some(value.into_owned()),
            known if IGNORED_PARAMETERS.contains(&known) => {}
            other => {
                return Err(error(&format!(
                    "unknown parameter \"{other}\" (known: ssl_mode, ssl_ca, {})",
                    IGNORED_PARAMETERS.join(", ")
                )));
            }
        }
    }
    // As with MySQL's own client, a CA file alone means "verify against it".
    let ssl_mode = ssl_mode.unwrap_or(if ssl_ca.is_some() { SslMode::VerifyCa } else { SslMode::Disabled });
    Ok(Settings { host, port, user, password, database, ssl_mode, ssl_ca })
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlalchemy_urls() {
        let s = parse("mysql+pymysql://app:p%40ss@db.example:3307/shop?charset=utf8mb4").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.user.as_deref(), s.password.as_deref(), s.database.as_str()),
            ("db.example", 3307, Some("app"), Some("p@ss"), "shop")
        );
        assert_eq!(s.ssl_mode, SslMode::Disabled);
        let s = parse("mariadb+mariadbconnector://root@127.0.0.1/app?ssl-mode=REQUIRED").unwrap();
        assert_eq!((s.port, s.ssl_mode, s.password), (3306, SslMode::Required, None));
        let s = parse("mysql://u@h/app?ssl_ca=/etc/ca.pem").unwrap();
        assert_eq!((s.ssl_mode, s.ssl_ca.as_deref()), (SslMode::VerifyCa, Some("/etc/ca.pem")));
        assert!(parse("mysql://u@h/").is_err());
        assert!(parse("mysql://u@h/app?ssl_mode=sometimes").is_err());
        let error = parse("mysql://bob:s3cret@h/app?color=red").unwrap_err().to_string();
        assert!(error.contains("unknown parameter \"color\"") && !error.contains("s3cret"), "{error}");
    }
}
