//! TLS for connections, as libpq's `sslmode` asks for it (pure Rust: rustls with ring).
//!
//! - `disable`: plain TCP.
//! - `allow`, `prefer` (the default): TLS when the server offers it, else plain TCP; the
//!   server's certificate is not checked (libpq checks it only under `verify-*`).
//! - `require`: TLS or no connection; the certificate is not checked (libpq's `require` without
//!   a root certificate file).
//! - `verify-ca`, `verify-full`: TLS, and the server's certificate must chain to a root of
//!   `sslrootcert` (a PEM file; `system` for the Mozilla roots; default
//!   `~/.postgresql/root.crt`, as libpq) and name the host. `verify-ca` is checked as
//!   `verify-full` (the host name too), which is stricter than libpq.
//!
//! rust-postgres knows `disable`, `prefer` and `require` only, and refuses `sslrootcert`: the
//! URL is read here first, the verifying modes become `require` and `sslrootcert` is taken out,
//! as are the parameters of Prisma's URLs (`pgbouncer=true&connection_limit=1`, `schema=`), so a
//! `DATABASE_URL` from `.env` works as it is.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};

/// What the URL asks of the server's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verify {
    /// Nothing (`prefer`, `require`, …).
    Nothing,
    /// A chain to these roots and the host's name (`verify-ca`, `verify-full`).
    Roots(RootFile),
}

/// Where the roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RootFile {
    /// `sslrootcert=system`: the Mozilla roots (webpki-roots).
    System,
    /// A PEM file.
    File(PathBuf),
}

/// Parameters of Prisma's connection URLs that libpq and rust-postgres do not know.
const PRISMA_PARAMETERS: &[&str] = &[
    "pgbouncer",
    "connection_limit",
    "pool_timeout",
    "socket_timeout",
    "statement_cache_size",
    "sslaccept",
    "schema",
];

/// The URL for rust-postgres (verifying modes as `require`, no `sslrootcert`) and what to
/// verify.
pub(crate) fn split_url(url: &str) -> (String, Verify) {
    let mut verify = false;
    let mut root: Option<String> = None;
    let trimmed = url.trim_start();
    let out = if trimmed.starts_with("postgres://") || trimmed.starts_with("postgresql://") {
        match url.split_once('?') {
            None => url.to_string(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&') {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    let v = percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned();
                    match k {
                        "sslmode" if v == "verify-full" || v == "verify-ca" => {
                            verify = true;
                            kept.push("sslmode=require".to_string());
                        }
                        "sslrootcert" => root = Some(v),
                        // Prisma's own URL parameters (a `DATABASE_URL` pasted from `.env`):
                        // they configure Prisma's pool, not the server connection.
                        k if PRISMA_PARAMETERS.contains(&k) => {}
                        _ => kept.push(pair.to_string()),
                    }
                }
                if kept.is_empty() {
                    base.to_string()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        // `key=value` words (values with spaces are quoted; these two never need it).
        let mut kept = Vec::new();
        for word in url.split_whitespace() {
            match word.split_once('=') {
                Some(("sslmode", v)) if v == "verify-full" || v == "verify-ca" => {
                    verify = true;
                    kept.push("sslmode=require".to_string());
                }
                Some(("sslrootcert", v)) => root = Some(v.trim_matches('\'').to_string()),
                _ => kept.push(word.to_string()),
            }
        }
        kept.join(" ")
    };
    let verify = if verify {
        Verify::Roots(match root.as_deref() {
            Some("system") => RootFile::System,
            Some(path) => RootFile::File(PathBuf::from(path)),
            None => RootFile::File(default_root_file()),
        })
    } else {
        Verify::Nothing
    };
    (out, verify)
}

/// libpq's default root certificate file: `~/.postgresql/root.crt`.
fn default_root_file() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
        .join(".postgresql/root.crt")
}

/// The connector for `verify`.
pub(crate) fn connector(verify: &Verify) -> Result<MakeRustlsConnect> {
    // ring, not aws-lc-rs (which needs a C toolchain with cmake and doubles the build): rustls
    // deprecates ring's provider only for lacking post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS: {e}")))?;
    let config = match verify {
        Verify::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
            .with_no_client_auth(),
        Verify::Roots(file) => builder
            .with_root_certificates(roots(file)?)
            .with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

/// The roots of `file`.
fn roots(file: &RootFile) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match file {
        RootFile::System => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        RootFile::File(path) => {
            let bad = |why: String| {
                Error::Config(format!(
                    "sslrootcert {}: {why} (sslmode=verify-full needs the server's root \
                     certificate; `sslrootcert=system` uses the usual public roots)",
                    path.display()
                ))
            };
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| bad(e.to_string()))?
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| bad(e.to_string()))?;
            if certs.is_empty() {
                return Err(bad("no certificate in the file".into()));
            }
            for c in certs {
                store.add(c).map_err(|e| bad(e.to_string()))?;
            }
        }
    }
    Ok(store)
}

/// Accepts any certificate, as libpq does below `verify-ca`; the handshake's signatures are
/// still checked, so the channel is encrypted with the key of the certificate shown.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifying_modes_become_require_and_keep_their_roots() {
        let (url, v) = split_url(
            "postgresql://u:p@db.example.com:5432/postgres?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.crt&application_name=x",
        );
        assert_eq!(
            url,
            "postgresql://u:p@db.example.com:5432/postgres?sslmode=require&application_name=x"
        );
        assert_eq!(v, Verify::Roots(RootFile::File("/tmp/ca.crt".into())));
        let (url, v) = split_url("host=h user=u sslmode=verify-ca sslrootcert=system");
        assert_eq!(url, "host=h user=u sslmode=require");
        assert_eq!(v, Verify::Roots(RootFile::System));
        let (url, _) = split_url(
            "postgresql://u@h:6543/postgres?pgbouncer=true&connection_limit=1&sslmode=require",
        );
        assert_eq!(url, "postgresql://u@h:6543/postgres?sslmode=require");
        let (url, v) = split_url("postgresql://u@h/db?sslmode=require");
        assert_eq!(url, "postgresql://u@h/db?sslmode=require");
        assert_eq!(v, Verify::Nothing);
    }
}
