//! PostgreSQL connection settings: URLs and libpq `key=value` strings,
//! libpq's environment variables, and every `sslmode` (the driver parses
//! only some of them, so the TLS settings are taken out and handled here).

use crate::dialect::url::url_error;
use crate::error::{DatabaseError, Error, Result};
use postgres::config::SslMode as DriverSslMode;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum SslMode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(text: &str) -> Option<SslMode> {
        Some(match text {
            "disable" => SslMode::Disable,
            "allow" | "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return None,
        })
    }
}

pub(super) struct Settings {
    pub(super) config: postgres::Config,
    pub(super) ssl_mode: SslMode,
    pub(super) root_cert: Option<PathBuf>,
}

/// The URL with any `+driver` suffix of its scheme removed
/// (`postgresql+psycopg2://…` → `postgresql://…`); a `key=value` string as
/// it is.
pub(super) fn without_driver(url: &str) -> String {
    match url.split_once("://") {
        Some((_, rest)) => format!("postgresql://{rest}"),
        None => url.to_string(),
    }
}

/// Parses a `postgresql://` URL (any `+driver` suffix already removed) or a
/// `key=value` string. `display` is the redacted form for messages.
pub(super) fn parse(text: &str, display: &str) -> Result<Settings> {
    let invalid = |message: String| url_error(display, &message);
    let mut ssl_mode = None;
    let mut root_cert = None;
    let mut take = |key: &str, value: &str| -> Result<bool> {
        match key {
            "sslmode" => {
                ssl_mode = Some(SslMode::parse(value).ok_or_else(|| {
                    invalid(format!("unknown sslmode \"{value}\" (disable, prefer, require, verify-ca or verify-full)"))
                })?);
                Ok(true)
            }
            "sslrootcert" => {
                root_cert = Some(PathBuf::from(value));
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let rest = if let Some((base, query)) = text.split_once('?').filter(|_| text.contains("://")) {
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if !take(key, &percent_decode(value))? {
                kept.push(pair);
            }
        }
        if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) }
    } else if text.contains("://") {
        text.to_string()
    } else {
        let mut kept = Vec::new();
        for (key, value) in key_values(text) {
            if !take(&key, &value)? {
                kept.push(format!("{key}='{}'", value.replace('\\', "\\\\").replace('\'', "\\'")));
            }
        }
        kept.join(" ")
    };
    let mut config = postgres::Config::from_str(&rest).map_err(|e| invalid(e.to_string()))?;
    apply_environment(&mut config);
    if ssl_mode.is_none() {
        ssl_mode = std::env::var("PGSSLMODE").ok().and_then(|m| SslMode::parse(&m));
    }
    if root_cert.is_none() {
        root_cert = std::env::var_os("PGSSLROOTCERT").map(PathBuf::from);
    }
    let ssl_mode = ssl_mode.unwrap_or(SslMode::Prefer);
    config.ssl_mode(match ssl_mode {
        SslMode::Disable => DriverSslMode::Disable,
        SslMode::Prefer => DriverSslMode::Prefer,
        _ => DriverSslMode::Require,
    });
    if config.get_application_name().is_none() {
        config.application_name("dbshape");
    }
    Ok(Settings { config, ssl_mode, root_cert })
}

/// libpq's environment variables, for whatever the URL leaves out.
fn apply_environment(config: &mut postgres::Config) {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if config.get_hosts().is_empty() {
        config.host(&env("PGHOST").unwrap_or_else(|| "localhost".into()));
    }
    if config.get_ports().is_empty()
        && let Some(port) = env("PGPORT").and_then(|p| p.parse().ok())
    {
        config.port(port);
    }
    if config.get_user().is_none() {
        config.user(&env("PGUSER").or_else(|| env("USER")).unwrap_or_else(|| "postgres".into()));
    }
    if config.get_password().is_none()
        && let Some(password) = env("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_dbname().is_none()
        && let Some(dbname) = env("PGDATABASE")
    {
        config.dbname(&dbname);
    }
}

/// Splits `host=x port=5432 password='a b'` into pairs.
fn key_values(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && !c.is_whitespace())).collect();
        if key.is_empty() {
            break;
        }
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '=') {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '\'' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| !c.is_whitespace())).collect();
        }
        pairs.push((key, value));
    }
    pairs
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rustls client configuration for a mode other than `disable`.
pub(super) fn tls_config(ssl_mode: SslMode, root_cert: Option<&PathBuf>) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    match root_cert {
        Some(path) => {
            let unreadable =
                |cause: DatabaseError| Error::Connect { what: format!("sslrootcert {}", path.display()), cause };
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| unreadable(DatabaseError::from_driver(e)))?;
            for cert in certs {
                roots.add(cert).map_err(|e| unreadable(DatabaseError::from_driver(e)))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    // As in libpq, `require` with a root certificate verifies like `verify-ca`.
    let verify_chain = matches!(ssl_mode, SslMode::VerifyCa | SslMode::VerifyFull)
        || (ssl_mode == SslMode::Require && root_cert.is_some());
    let inner = if verify_chain {
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|e| Error::Connect { what: "TLS settings".into(), cause: DatabaseError::from_driver(e) })?,
        )
    } else {
        None
    };
    let verifier = Verifier { inner, check_name: ssl_mode == SslMode::VerifyFull, provider: provider.clone() };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Connect { what: "TLS settings".into(), cause: DatabaseError::from_driver(e) })?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}

/// libpq's certificate policy: `prefer`/`require` encrypt without checking
/// the certificate, `verify-ca` checks the chain, `verify-full` the chain
/// and the host name.
#[derive(Debug)]
struct Verifier {
    inner: Option<Arc<WebPkiServerVerifier>>,
    check_name: bool,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(inner) = &self.inner else {
            return Ok(ServerCertVerified::assertion());
        };
        match inner.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.check_name => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_options_are_taken_out_of_urls() {
        let settings =
            parse("postgresql://u:pw@h:5433/db?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem&connect_timeout=3", "x")
                .unwrap();
        assert_eq!(settings.ssl_mode, SslMode::VerifyFull);
        assert_eq!(settings.root_cert, Some(PathBuf::from("/tmp/ca.pem")));
        assert_eq!(settings.config.get_dbname(), Some("db"));
        assert_eq!(settings.config.get_ports(), [5433]);
    }

    #[test]
    fn key_value_strings() {
        let settings = parse("host=h port=5432 dbname=app user=bob password='a b' sslmode=require", "x").unwrap();
        assert_eq!(settings.ssl_mode, SslMode::Require);
        assert_eq!(settings.config.get_password(), Some(&b"a b"[..]));
        assert_eq!(settings.config.get_user(), Some("bob"));
    }

    #[test]
    fn postgres_driver_suffix_is_ignored() {
        assert_eq!(without_driver("postgresql+psycopg2://u@h/db"), "postgresql://u@h/db");
        assert_eq!(without_driver("postgres://u@h/db"), "postgresql://u@h/db");
        assert_eq!(without_driver("host=h dbname=db"), "host=h dbname=db");
        let shown = crate::dialect::redact(&without_driver("postgres://bob:s3cret@db/app"));
        assert_eq!(shown, "postgresql://bob:***@db/app");
    }

    #[test]
    fn unknown_sslmode_is_an_error() {
        assert!(parse("postgresql://h/db?sslmode=sometimes", "x").is_err());
    }
}
