//! Driver errors as the server said them: `ERROR 1265: Data truncated ...`,
//! or for a connection, what failed (no wrapper names, no password).

use crate::error::DatabaseError;

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
