//! A live PostgreSQL database: connecting to it ([`connect`]) and reading its catalog
//! ([`read_catalog`]).

pub(crate) mod apply;
pub mod history;
pub mod read;
pub mod scratch;
mod tls;
pub(crate) mod written;

use std::str::FromStr;
use std::time::Duration;

pub use read::{read_catalog, read_catalog_in, SEARCH_PATH};
pub use scratch::{Interrupt, Scratch, SCRATCH_PREFIX};

use crate::error::{Error, Result};

/// How long [`connect`] waits for the server when the URL does not say (`connect_timeout`).
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to `url`, a `postgresql://user:password@host:port/dbname?…` URL or a
/// `host=… user=… dbname=…` string (libpq's two forms).
///
/// TLS follows libpq's `sslmode` (see `db::tls`): `prefer` (the default) and `require` encrypt
/// without checking the certificate, `verify-full` / `verify-ca` check it against
/// `sslrootcert` (a PEM file, or `system` for the usual public roots). Without
/// `connect_timeout` in the URL, the wait is [`DEFAULT_CONNECT_TIMEOUT`].
///
/// # Errors
/// [`Error::Config`] when `url` does not parse or its root certificates cannot be read,
/// [`Error::Connect`] (naming the target without its password) when the server cannot be
/// reached, refuses the login or shows a certificate that does not verify.
pub fn connect(url: &str) -> Result<postgres::Client> {
    connect_config(&parse_url(url)?)
}

/// A parsed connection URL: rust-postgres's configuration and the TLS to use.
#[derive(Clone)]
pub(crate) struct Target {
    /// The configuration.
    pub config: postgres::Config,
    /// What to check of the server's certificate.
    verify: tls::Verify,
}

impl Target {
    /// The TLS connector.
    pub(crate) fn tls(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
        tls::connector(&self.verify)
    }
}

/// Parses a connection URL or key-value string (never echoing it: it may hold a password).
pub(crate) fn parse_url(url: &str) -> Result<Target> {
    let (url, verify) = tls::split_url(url);
    let mut config = postgres::Config::from_str(&url)
        .map_err(|e| Error::Config(format!("invalid database URL: {e}")))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(DEFAULT_CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("schemagen");
    }
    Ok(Target { config, verify })
}

/// Connects with a parsed target (see [`connect`]).
pub(crate) fn connect_config(target: &Target) -> Result<postgres::Client> {
    let config = &target.config;
    config
        .connect(target.tls()?)
        .map_err(|source| Error::Connect {
            url: redacted(config),
            source,
        })
}

/// A database error as PostgreSQL words it (`ERROR: message`), else the client's error.
pub(crate) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

/// The target of a connection URL (or `key=value` string) without its password, to name it in
/// messages: `postgresql://user@host:port/dbname`, or `the database URL` when it does not parse.
pub fn display_target(url: &str) -> String {
    postgres::Config::from_str(&tls::split_url(url).0)
        .map(|c| redacted(&c))
        .unwrap_or_else(|_| "the database URL".to_string())
}

/// The target of `config` as a URL without password: `postgresql://user@host:port/dbname`.
fn redacted(config: &postgres::Config) -> String {
    let user = config.get_user().unwrap_or("");
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let host = match h {
                postgres::config::Host::Tcp(name) => name.clone(),
                #[cfg(unix)]
                postgres::config::Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(i).or(config.get_ports().first()) {
                Some(port) => format!("{host}:{port}"),
                None => host,
            }
        })
        .collect();
    let at = if user.is_empty() { "" } else { "@" };
    format!(
        "postgresql://{user}{at}{}/{}",
        hosts.join(","),
        config.get_dbname().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacted_targets_hide_the_password() {
        let cases = [
            (
                "postgresql://postgres:secret@db.example.com:6543/postgres",
                "postgresql://postgres@db.example.com:6543/postgres",
            ),
            (
                "host=localhost port=5432 user=me password=pw dbname=app",
                "postgresql://me@localhost:5432/app",
            ),
        ];
        for (url, want) in cases {
            let config = postgres::Config::from_str(url).unwrap();
            assert_eq!(redacted(&config), want);
        }
    }

    #[test]
    fn bad_urls_are_config_errors() {
        let Err(err) = connect("postgresql://[oops") else {
            panic!("connected");
        };
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }

    #[test]
    fn unreachable_servers_name_the_target_without_password() {
        // Port 1 on loopback: refused at once.
        let Err(err) = connect("postgresql://me:hunter2@127.0.0.1:1/app") else {
            panic!("connected");
        };
        let text = err.to_string();
        assert!(matches!(err, Error::Connect { .. }), "{err:?}");
        assert!(
            text.starts_with("cannot connect to postgresql://me@127.0.0.1:1/app: "),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }
}
