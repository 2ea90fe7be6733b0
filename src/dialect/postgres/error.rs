//! Driver errors as PostgreSQL said them: message, detail and hint.

use crate::error::DatabaseError;

/// `error` shown with the server's message, detail and hint (or, for a
/// connection failure, each cause in turn), kept whole as the source.
pub(super) fn database_error(error: postgres::Error) -> DatabaseError {
    DatabaseError::new(render(&error), error)
}

fn render(error: &postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut message = db.message().to_string();
        if let Some(detail) = db.detail() {
            message.push_str(&format!(" ({detail})"));
        }
        if let Some(hint) = db.hint() {
            message.push_str(&format!("; hint: {hint}"));
        }
        return message;
    }
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(&format!(": {text}"));
        }
        source = cause.source();
    }
    message
}
