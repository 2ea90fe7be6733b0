//! The session: the open connection to a MySQL or MariaDB server (the
//! database named by the URL is the one managed), the facts about the
//! server that decide what "not declared" means, the flavour of the
//! dialect the server is ([`Mysql`]), driver errors as the server said
//! them, and how names and strings are quoted.

use super::config::{self, SslMode};
use crate::dialect::redact;
use crate::error::{DatabaseError, Error, Result};
use crate::scope::Scope;
use crate::sql::quote_literal;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, SslOpts};
use std::time::Duration;

/// The MySQL dialect, in its MySQL or MariaDB flavour.
pub(crate) struct Mysql {
    pub(super) mariadb: bool,
    pub(super) name: &'static str,
    pub(super) title: &'static str,
}

/// MySQL 8.
pub(crate) static MYSQL: Mysql = Mysql { mariadb: false, name: "mysql", title: "MySQL" };

/// MariaDB 10.5 and later.
pub(crate) static MARIADB: Mysql = Mysql { mariadb: true, name: "mariadb", title: "MariaDB" };

/// The flavour a server is.
pub(super) fn for_server(defaults: &ServerDefaults) -> &'static Mysql {
    if defaults.mariadb { &MARIADB } else { &MYSQL }
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

/// An open connection to the managed database.
pub(crate) struct Session {
    pub(super) conn: Conn,
    pub(super) database: String,
    pub(super) defaults: ServerDefaults,
    /// The URL, password hidden.
    pub(super) url: String,
}

impl Session {
    pub(super) fn open(url: &str, scope: &Scope) -> Result<Session> {
        let display = redact(url);
        if let Some(schema) = scope.default_schema_name() {
            return Err(Error::Unsupported(format!(
                "a default schema (\"{schema}\") is a PostgreSQL setting: on MySQL the URL's database is the one managed"
            )));
        }
        let settings = config::parse(url)?;
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
        let connect_error = |e: mysql::Error| Error::Connect { what: display.clone(), cause: database_error(e) };
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
        Ok(Session { conn, database: settings.database, defaults, url: display })
    }
}

/// `error` shown as the server or the network said it, kept whole as the
/// source.
pub(super) fn database_error(error: mysql::Error) -> DatabaseError {
    let message = match &error {
        mysql::Error::MySqlError(server) => format!("ERROR {} ({}): {}", server.code, server.state, server.message),
        mysql::Error::DriverError(driver) => driver.to_string(),
        mysql::Error::IoError(io) => io.to_string(),
        mysql::Error::TlsError(tls) => format!("TLS: {tls}"),
        other => other.to_string(),
    };
    DatabaseError::new(message, error)
}

/// The server's error code, if the server refused.
pub(super) fn code(error: &mysql::Error) -> Option<u16> {
    match error {
        mysql::Error::MySqlError(server) => Some(server.code),
        _ => None,
    }
}

pub(super) type Row = Vec<Option<String>>;

/// Every row of `sql`, each value as text (NULL as `None`).
pub(super) fn rows(conn: &mut Conn, sql: &str) -> std::result::Result<Vec<Row>, mysql::Error> {
    let mut out = Vec::new();
    for row in conn.query_iter(sql)? {
        let row = row?;
        out.push((0..row.len()).map(|i| text(&row, i)).collect());
    }
    Ok(out)
}

fn text(row: &mysql::Row, i: usize) -> Option<String> {
    match row.as_ref(i)? {
        mysql::Value::NULL => None,
        mysql::Value::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        mysql::Value::Int(n) => Some(n.to_string()),
        mysql::Value::UInt(n) => Some(n.to_string()),
        other => Some(other.as_sql(true).trim_matches('\'').to_string()),
    }
}

/// A name as MySQL quotes it.
pub(crate) fn quote(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

pub(super) fn quote_list(names: &[String]) -> String {
    names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
}

/// A string literal as MySQL reads it (backslashes are escapes there).
pub(super) fn literal(text: &str) -> String {
    quote_literal(&text.replace('\\', "\\\\"))
}
