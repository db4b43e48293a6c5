//! Applying migration files to a live database as the Supabase CLI applies them
//! (`supabase db reset`, `migration up`: `pkg/migration/apply.go` and `file.go` of supabase/cli):
//! each file after `RESET ALL`, in a session whose `search_path` is the `postgres` role's on
//! Supabase (`"$user", public, extensions`), as one transaction of its statements. The history
//! table `supabase_migrations.schema_migrations` is not written (it is no part of the schema).
//!
//! Statements are sent one at a time (split as replay splits them), so an error names the
//! statement, and PostgreSQL's error position becomes a file, line and column.

use postgres::error::ErrorPosition;

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceFile, Span};
use crate::error::{Error, Result};
use crate::sql::split::{lex, split};

use super::Interrupt;

/// The session settings a file starts from.
const SESSION: &str = "RESET ALL; SET search_path TO \"$user\", public, extensions";

/// Applies the migration `file` (its text in `source`) in one transaction. `Ok(Err(d))`: a
/// statement failed (the transaction was rolled back) and `d` says where and why;
/// `Ok(Ok(n))`: `n` statements were applied.
///
/// # Errors
/// When the connection fails, or the run was interrupted.
pub(crate) fn apply_file(
    client: &mut postgres::Client,
    source: &SourceFile,
    file: FileId,
    interrupt: &Interrupt,
) -> Result<std::result::Result<usize, Box<Diagnostic>>> {
    let lexed = match lex(source, 0, source.text.len()) {
        Ok(l) => l,
        Err((offset, message)) => {
            return Ok(Err(Box::new(Diagnostic::error(
                format!("cannot split this file into statements: {message}"),
                Some(Span::new(file, offset, offset)),
            ))))
        }
    };
    let statements = split(file, &lexed, &mut Diagnostics::new());
    let run = |client: &mut postgres::Client, sql: &str| {
        interrupt.check()?;
        client
            .batch_execute(sql)
            .map_err(|e| interrupt.or(Error::Database(e)))
    };
    run(client, SESSION)?;
    run(client, "BEGIN")?;
    for raw in &statements {
        interrupt.check()?;
        let (start, end) = (raw.span.start, raw.span.end);
        let text = &source.text[start..end];
        if let Err(e) = client.batch_execute(text) {
            if interrupt.is_triggered() {
                return Err(Error::Interrupted);
            }
            let Some(db) = e.as_db_error() else {
                return Err(Error::Database(e));
            };
            let _ = client.batch_execute("ROLLBACK");
            let at = start + error_offset(text, db.position());
            let at_end = source.text[at..]
                .chars()
                .next()
                .map_or(at, |c| at + c.len_utf8())
                .min(end.max(at));
            let mut d = Diagnostic::error(
                format!(
                    "PostgreSQL: {} (SQLSTATE {})",
                    db.message(),
                    db.code().code()
                ),
                Some(Span::new(file, at, at_end)),
            )
            .with_label("the statement PostgreSQL rejected");
            let notes: Vec<String> = [
                db.detail().map(|x| format!("detail: {x}")),
                db.hint().map(|x| format!("hint: {x}")),
                db.where_().map(|x| format!("context: {x}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            if !notes.is_empty() {
                d.help = Some(notes.join("\n"));
            }
            return Ok(Err(Box::new(d)));
        }
    }
    run(client, "COMMIT")?;
    Ok(Ok(statements.len()))
}

/// The byte offset in `statement` of PostgreSQL's error position (a 1-based character index into
/// the text sent, or into an internal query — a `DO` block's or function's SQL statement — found
/// in the statement), else 0.
fn error_offset(statement: &str, position: Option<&ErrorPosition>) -> usize {
    let char_offset = |text: &str, position: u32| {
        text.char_indices()
            .nth((position as usize).saturating_sub(1))
            .map_or(text.len(), |(i, _)| i)
    };
    match position {
        Some(ErrorPosition::Original(p)) => char_offset(statement, *p),
        Some(ErrorPosition::Internal { position, query }) => {
            let mut found = statement.match_indices(query.as_str());
            match (found.next(), found.next()) {
                (Some((i, _)), None) => i + char_offset(query, *position),
                _ => 0,
            }
        }
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_characters_and_internal_queries_are_found() {
        let s = "select 'é', nope";
        assert_eq!(error_offset(s, Some(&ErrorPosition::Original(13))), 13);
        let d = "do $$ begin perform nope(); end $$";
        let internal = ErrorPosition::Internal {
            position: 8,
            query: "SELECT nope()".into(),
        };
        // Not in the text as written (plpgsql rewrote PERFORM): the statement's start.
        assert_eq!(error_offset(d, Some(&internal)), 0);
        let d = "do $$ begin insert into t select nope(); end $$";
        let internal = ErrorPosition::Internal {
            position: 22,
            query: "insert into t select nope()".into(),
        };
        assert_eq!(&d[error_offset(d, Some(&internal))..][..4], "nope");
        assert_eq!(error_offset(d, None), 0);
    }
}
