//! The error type of schemagen's library functions.

use std::path::PathBuf;

use crate::diagnostics::{Diagnostics, Sources};

/// Everything that can stop a schemagen run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The input has errors; the diagnostics say where.
    #[error("{} error(s) in the input", .0.error_count())]
    Diagnostics(Diagnostics, Sources),
    /// A template failed to render.
    #[error("template {name}: {message}")]
    Template {
        /// Template name.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// Connecting to a live database failed.
    #[cfg(feature = "db")]
    #[error("cannot connect to {url}: {}", describe_pg(source))]
    Connect {
        /// The connection target, without its password.
        url: String,
        /// The cause.
        source: postgres::Error,
    },
    /// Talking to a live database failed.
    #[cfg(feature = "db")]
    #[error("database: {}", describe_pg(.0))]
    Database(#[from] postgres::Error),
    /// Bad configuration or arguments.
    #[error("{0}")]
    Config(String),
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

#[cfg(feature = "db")]
/// A `postgres::Error` with what its `Display` leaves out: the server's message
/// (`FATAL: database "x" does not exist`) or the underlying I/O error.
fn describe_pg(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}
