//! MySQL and MariaDB URLs as SQLAlchemy writes them (`mysql://`,
//! `mariadb://`, `mysql+pymysql://`, ...: the driver suffix is ignored),
//! TLS through rustls (`ssl_mode`, `ssl_ca`), and the session: the
//! database named by the URL is the one managed.

use super::{execute, inspect, normalize};
use crate::apply::Applied;
use crate::dialect::url::url_error;
use crate::dialect::{ApplyRun, Connection, Dialect, redact};
use crate::error::{Error, Result};
use crate::model::Schema;
use crate::plan::Plan;
use crate::preflight::DataCheckReport;
use crate::scope::Scope;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, SslOpts};
use std::time::Duration;

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

/// The server's defaults that decide what "not declared" means.
#[derive(Clone, Debug, Default)]
pub(super) struct ServerDefaults {
    /// MariaDB rather than MySQL.
    pub(super) mariadb: bool,
    /// The managed database's default collation.
    pub(super) collation: String,
    /// `@@default_storage_engine`.
    pub(super) engine: String,
}

pub(crate) struct MysqlConnection {
    pub(super) conn: Conn,
    pub(super) database: String,
    pub(super) defaults: ServerDefaults,
    /// The URL, password hidden.
    url: String,
}

impl MysqlConnection {
    pub(super) fn open(url: &str, scope: &Scope) -> Result<MysqlConnection> {
        let display = redact(url);
        if let Some(schema) = scope.default_schema_name() {
            return Err(Error::Unsupported(format!(
                "a default schema (\"{schema}\") is a PostgreSQL setting: on MySQL the URL's database is the one managed"
            )));
        }
        let settings = parse(url)?;
        let mut ssl = None;
        if settings.ssl_mode != SslMode::Disabled {
            let mut opts = SslOpts::default();
            if let Some(ca) = &settings.ssl_ca {
                opts = opts.with_root_cert_path(Some(std::path::PathBuf::from(ca)));
            }
            opts = match settings.ssl_mode {
                SslMode::Required => {
                    opts.with_danger_accept_invalid_certs(true).with_danger_skip_domain_validation(true)
                }
                SslMode::VerifyCa => opts.with_danger_skip_domain_validation(true),
                _ => opts,
            };
            ssl = Some(opts);
        }
        let opts = OptsBuilder::new()
            .ip_or_hostname(Some(settings.host.clone()))
            .tcp_port(settings.port)
            .user(settings.user.clone())
            .pass(settings.password.clone())
            .db_name(Some(settings.database.clone()))
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(10)))
            .ssl_opts(ssl);
        let connect_error =
            |e: mysql::Error| Error::Connect { what: display.clone(), cause: super::error::database_error(e) };
        let mut conn = Conn::new(opts).map_err(connect_error)?;
        // Every statement is spelled and read the same whatever the server's
        // settings: utf8mb4, UTC, no ANSI quotes (plans quote with backticks).
        conn.query_drop(
            "SET NAMES utf8mb4, time_zone = '+00:00', \
             sql_mode = REPLACE(REPLACE(@@sql_mode, 'ANSI_QUOTES', ''), 'NO_BACKSLASH_ESCAPES', '')",
        )
        .map_err(connect_error)?;
        let row: Option<(String, Option<String>, String)> = conn
            .query_first(
                "SELECT VERSION(), (SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA \
                 WHERE SCHEMA_NAME = DATABASE()), @@default_storage_engine",
            )
            .map_err(connect_error)?;
        let (version, collation, engine) = row.unwrap_or_default();
        let defaults = ServerDefaults {
            mariadb: version.to_ascii_lowercase().contains("mariadb"),
            collation: collation.unwrap_or_default(),
            engine,
        };
        Ok(MysqlConnection { conn, database: settings.database, defaults, url: display })
    }
}

impl Connection for MysqlConnection {
    fn dialect(&self) -> &'static dyn Dialect {
        super::for_server(&self.defaults)
    }

    fn url(&self) -> String {
        self.url.clone()
    }

    fn inspect(&mut self, _within: Option<&Schema>) -> Result<Schema> {
        inspect::inspect(&mut self.conn, &self.defaults)
    }

    fn normalize(&mut self, desired: Schema, current: &Schema) -> Result<Schema> {
        normalize::normalize(self, desired, current)
    }

    fn data_checks(&mut self, plan: &Plan, timeout: Duration) -> Result<Vec<DataCheckReport>> {
        let changes: Vec<_> = plan.changes().collect();
        let checks =
            crate::preflight::build(&changes, plan.current(), plan.desired(), super::for_server(&self.defaults));
        let mut runner = super::data_checks::Runner { conn: &mut self.conn, mariadb: self.defaults.mariadb };
        Ok(crate::preflight::run(checks, &mut runner, timeout))
    }

    fn apply(&mut self, plan: &Plan, run: &ApplyRun) -> Result<Applied> {
        execute::apply(self, plan, run)
    }
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
