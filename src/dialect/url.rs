//! What every dialect's URLs share: hiding passwords, and the error for a
//! URL that cannot be used.

use crate::error::Error;

/// The error for `url` (shown with its password hidden). A dialect knows
/// only its own URLs: the examples of every dialect are added where the URL
/// picked it (`dialect::connect`).
pub(crate) fn url_error(url: &str, message: &str) -> Error {
    Error::Url { url: redact(url), message: message.into(), examples: String::new() }
}

/// Hides the password in `scheme://user:password@host/...` and in
/// `password=...` of key=value strings and query parameters.
pub(crate) fn redact(url: &str) -> String {
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
    fn passwords_are_redacted() {
        assert_eq!(redact("postgresql://bob:s3cret@db:5432/app"), "postgresql://bob:***@db:5432/app");
        assert_eq!(redact("host=h password='a b' user=u"), "host=h password=*** user=u");
        assert_eq!(
            redact("postgresql://h/db?password=x&sslmode=require"),
            "postgresql://h/db?password=***&sslmode=require"
        );
        let error = url_error("oracle://bob:s3cret@db/app", "unsupported").to_string();
        assert!(!error.contains("s3cret"), "{error}");
    }
}
