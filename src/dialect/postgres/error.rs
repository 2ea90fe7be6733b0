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
        // The server speaks of a RESTART that no plan asked for: it checks
        // the current value against the new range.
        if db.message().starts_with("RESTART value") {
            message.push_str(
                " (the sequence's current value lies outside its new range, and dbshape never restarts a \
                 sequence: keep the range around the current value, or restart it yourself with ALTER SEQUENCE \
                 … RESTART, or ALTER TABLE … ALTER COLUMN … RESTART for an identity)",
            );
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
