//! Applying a migration file to a live database as the Supabase CLI does (`supabase migration
//! up`, `db push`; `pkg/migration/history.go`, `apply.go` and `file.go` of supabase/cli):
//!
//! 1. the history table is created when missing, with the CLI's own statements:
//!    `CREATE SCHEMA IF NOT EXISTS supabase_migrations`, `CREATE TABLE IF NOT EXISTS
//!    supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY)`, then
//!    `ADD COLUMN IF NOT EXISTS statements text[]` and `name text` (under `lock_timeout = '4s'`);
//! 2. `RESET ALL`;
//! 3. in ONE transaction: the file's statements as the CLI splits them
//!    ([`cli_statements`]), one after the other, then `INSERT INTO
//!    supabase_migrations.schema_migrations(version, name, statements)` with the version and
//!    name of the file name (`^([0-9]+)_(.*)\.sql$`) and those statements.
//!
//! So `supabase migration list` sees the file as applied, and the row is the one the CLI would
//! have written.

use crate::diagnostics::SourceFile;
use crate::sql::supabase::statements::{cli_statements, CliStatement};

/// The CLI's statements that create the history table (`CreateMigrationTable`).
const CREATE_HISTORY: &str = "SET lock_timeout = '4s';\n\
     CREATE SCHEMA IF NOT EXISTS supabase_migrations;\n\
     CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY);\n\
     ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS statements text[];\n\
     ALTER TABLE supabase_migrations.schema_migrations ADD COLUMN IF NOT EXISTS name text";

/// The CLI's insert of a history row.
const INSERT_VERSION: &str =
    "INSERT INTO supabase_migrations.schema_migrations(version, name, statements) VALUES($1, $2, $3)";

/// Why applying failed.
#[derive(Debug)]
pub enum ApplyError {
    /// A statement of the file failed (the transaction was rolled back).
    Statement {
        /// Its number, from 1.
        number: usize,
        /// Where in the file the failing statement (or the error's position in it) is:
        /// `path:line:col`.
        location: String,
        /// The server's message (`ERROR: …`, with its detail and hint).
        message: String,
    },
    /// Anything else the server refused (the history table, the history row, the commit).
    Database(postgres::Error),
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::Statement {
                number,
                location,
                message,
            } => write!(
                f,
                "{location}: statement {number} failed: {message}; the transaction was rolled back, nothing was applied"
            ),
            ApplyError::Database(e) => write!(f, "{}", describe(e)),
        }
    }
}

impl std::error::Error for ApplyError {}

impl From<postgres::Error> for ApplyError {
    fn from(e: postgres::Error) -> Self {
        ApplyError::Database(e)
    }
}

/// A server error in one line: severity, message, detail, hint.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{}: {}", db.severity(), db.message());
            if let Some(d) = db.detail() {
                s.push_str(&format!(" (detail: {d})"));
            }
            if let Some(h) = db.hint() {
                s.push_str(&format!(" (hint: {h})"));
            }
            s
        }
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

/// The versions recorded in `supabase_migrations.schema_migrations`, sorted (`None` when the
/// table does not exist).
pub fn applied_versions(client: &mut postgres::Client) -> Result<Option<Vec<String>>, ApplyError> {
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL",
            &[],
        )?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let rows = client.query(
        "SELECT version FROM supabase_migrations.schema_migrations ORDER BY version",
        &[],
    )?;
    Ok(Some(rows.iter().map(|r| r.get(0)).collect()))
}

/// Applies `file` (its path's file name gives the version and name) as the Supabase CLI does:
/// see the module docs. Returns the statements recorded.
pub fn apply_file(
    client: &mut postgres::Client,
    file: &SourceFile,
    version: &str,
    name: &str,
) -> Result<Vec<String>, ApplyError> {
    client.batch_execute(CREATE_HISTORY)?;
    client.batch_execute("RESET ALL")?;
    let statements = cli_statements(&file.text);
    let mut tx = client.transaction()?;
    for (k, s) in statements.iter().enumerate() {
        // The extended protocol, as the CLI's batch: one statement per call.
        if let Err(e) = tx.execute(s.text.as_str(), &[]) {
            let location = locate(file, s, &e);
            drop(tx);
            return Err(ApplyError::Statement {
                number: k + 1,
                location,
                message: describe(&e),
            });
        }
    }
    let texts: Vec<String> = statements.into_iter().map(|s| s.text).collect();
    tx.execute(INSERT_VERSION, &[&version, &name, &texts])?;
    tx.commit()?;
    Ok(texts)
}

/// `path:line:col` of the error's position in statement `s` (its start when the server gives
/// no position).
fn locate(file: &SourceFile, s: &CliStatement, e: &postgres::Error) -> String {
    let within = e
        .as_db_error()
        .and_then(|db| match db.position() {
            Some(postgres::error::ErrorPosition::Original(p)) => Some(*p as usize),
            _ => None,
        })
        .and_then(|p| {
            // A 1-based character position in the statement.
            s.text
                .char_indices()
                .nth(p.saturating_sub(1))
                .map(|(b, _)| b)
        })
        .unwrap_or(0);
    let (line, col) = file.line_col(s.offset + within);
    format!("{}:{line}:{col}", file.path.display())
}
