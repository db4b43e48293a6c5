//! The error type of schemagen's library functions.

use std::path::PathBuf;

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
    /// The input has errors: the run stopped; the diagnostics it reported say where.
    #[error("{errors} error(s), {warnings} warning(s)")]
    Diagnostics {
        /// How many errors.
        errors: usize,
        /// How many warnings.
        warnings: usize,
    },
    /// The input has errors, with their rendered report (file, line, column and source excerpt),
    /// for callers that hold no [`Diagnostics`](crate::diagnostics::Diagnostics) of their own
    /// (the build-script [`Builder`](crate::Builder)).
    #[error("{errors} error(s) in the migrations:\n{report}")]
    Reported {
        /// How many errors.
        errors: usize,
        /// The rendered diagnostics.
        report: String,
    },
    /// The Prisma schema does not parse.
    #[error("{} does not parse; nothing was written", path.display())]
    Schema {
        /// The schema file.
        path: PathBuf,
        /// Every problem as a `path:line:column: error: message` line.
        located: String,
    },
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
    /// The Supabase prelude could not be loaded into a scratch database.
    #[cfg(feature = "db")]
    #[error("cannot give the scratch database the Supabase base schemas (schemagen's prelude, which needs a superuser, failed: {message}); run against a Supabase server (`supabase start`) or as a superuser")]
    Prelude {
        /// PostgreSQL's message.
        message: String,
    },
    /// The run was interrupted (Ctrl-C); what it created was dropped.
    #[error("interrupted")]
    Interrupted,
    /// Applying a migration failed (its transaction rolled back): what the database said, and
    /// where in the file.
    #[error("{0}")]
    Apply(String),
    /// `sql-from-prisma` would write destructive steps and `--allow-destructive` was not given.
    #[error("{} destructive step(s) refused (nothing was written; review them and pass --allow-destructive):\n{}", steps.len(), steps.iter().map(|s| format!("  - {s}")).collect::<Vec<_>>().join("\n"))]
    Destructive {
        /// Each step's `-- BREAKING:` message.
        steps: Vec<String>,
    },
    /// Bad configuration or arguments.
    #[error("{0}")]
    Config(String),
    /// The migrations build nothing to render: the schema would be rewritten from nothing
    /// (`prisma db pull` stops with P4001 there). Nothing was written.
    #[error("{0}")]
    Empty(String),
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
