//! Applying migration files to a live database as the Supabase CLI applies them
//! (`supabase db reset`, `migration up`: `pkg/migration/apply.go` and `file.go` of supabase/cli):
//! each file after `RESET ALL`, in a session whose `search_path` is the `postgres` role's on
//! Supabase (`"$user", public, extensions`), as one transaction of its statements. The history
//! table `supabase_migrations.schema_migrations` is not written (it is no part of the schema).
//!
//! Statements are sent one at a time (split as replay splits them), so an error names the
//! statement, and PostgreSQL's error position becomes a file, line and column.
//!
//! Each statement also runs in a savepoint of the file's transaction (released after it), so
//! what it writes carries a transaction id of its own, and a second connection takes a new
//! transaction id before each statement: the ids between two of those marks are the statement's
//! ([`Marks`]), which with the `xmin` of the catalog rows ([`crate::db::written`]) names the
//! statement that last wrote each object. Transaction control in a file (`BEGIN`, `COMMIT`,
//! `SAVEPOINT`, …) runs as written, outside any savepoint of schemagen's.

use postgres::error::ErrorPosition;

use crate::catalog::Place;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceFile, Span};
use crate::error::{Error, Result};
use crate::sql::split::{lex, split};

use super::Interrupt;

/// The session settings a file starts from.
const SESSION: &str = "RESET ALL; SET search_path TO \"$user\", public, extensions";

/// The savepoint each statement runs in.
const SAVEPOINT: &str = "schemagen_statement";

/// Applies migration files one after the other (see the module docs).
pub(crate) struct Applier<'a> {
    client: &'a mut postgres::Client,
    /// Takes the transaction-id marks.
    side: &'a mut postgres::Client,
    interrupt: &'a Interrupt,
    marks: Marks,
}

/// The transaction ids statements ran under: before each statement, a new transaction id taken
/// on another connection; every id assigned between two marks belongs to the statement after
/// the first (or to another session, which writes nothing in the scratch database).
#[derive(Debug, Default)]
pub(crate) struct Marks {
    /// Ascending: the mark, and the statement that ran after it (`None` after the last one).
    marks: Vec<(u64, Option<Place>)>,
}

impl Marks {
    /// The statement whose transaction (or savepoint) wrote a row with this `xmin`; `None` for
    /// a row written before the first statement (the base schemas).
    #[cfg(test)]
    fn place_of(&self, xmin: u32) -> Option<&Place> {
        self.index_of(xmin).and_then(|i| self.marks[i].1.as_ref())
    }

    /// The index of the mark [`Marks::place_of`] goes by.
    fn index_of(&self, xmin: u32) -> Option<usize> {
        let first = self.marks.first()?.0;
        // Widen the 32-bit xid to the 64-bit one closest to the first mark.
        let epoch = first & !0xFFFF_FFFF;
        let mut full = epoch | u64::from(xmin);
        if full + (1 << 31) < first {
            full += 1 << 32;
        } else if full > first + (1 << 31) && full >= 1 << 32 {
            full -= 1 << 32;
        }
        let after = self.marks.partition_point(|(m, _)| *m < full);
        after.checked_sub(1).filter(|i| self.marks[*i].1.is_some())
    }

    /// The statement that wrote last among rows with these `xmin`s.
    pub(crate) fn last_writer(&self, xmins: &[u32]) -> Option<&Place> {
        xmins
            .iter()
            .filter_map(|x| self.index_of(*x))
            .max()
            .and_then(|i| self.marks[i].1.as_ref())
    }
}

impl<'a> Applier<'a> {
    /// Applies with `client`, marking with `side` (a second connection to the same server).
    pub(crate) fn new(
        client: &'a mut postgres::Client,
        side: &'a mut postgres::Client,
        interrupt: &'a Interrupt,
    ) -> Self {
        Applier {
            client,
            side,
            interrupt,
            marks: Marks::default(),
        }
    }

    fn mark(&mut self, place: Option<Place>) -> Result<()> {
        let row = self
            .side
            .query_one("SELECT txid_current()", &[])
            .map_err(|e| self.interrupt.or(Error::Database(e)))?;
        let id: i64 = row.try_get(0)?;
        self.marks.marks.push((id as u64, place));
        Ok(())
    }

    fn run(&mut self, sql: &str) -> Result<()> {
        self.interrupt.check()?;
        self.client
            .batch_execute(sql)
            .map_err(|e| self.interrupt.or(Error::Database(e)))
    }

    /// Applies the migration `file` (its text in `source`) in one transaction. `Ok(Err(d))`: a
    /// statement failed (the transaction was rolled back) and `d` says where and why;
    /// `Ok(Ok(n))`: `n` statements were applied.
    ///
    /// # Errors
    /// When the connection fails, or the run was interrupted.
    pub(crate) fn apply_file(
        &mut self,
        source: &SourceFile,
        file: FileId,
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
        let path: std::sync::Arc<str> = source.path.display().to_string().into();
        self.run(SESSION)?;
        self.run("BEGIN")?;
        let (mut in_transaction, mut in_savepoint) = (true, false);
        for raw in &statements {
            let (start, end) = (raw.span.start, raw.span.end);
            let text = &source.text[start..end];
            let control = transaction_control(text);
            let wrap = in_transaction && control.is_none();
            match (wrap, in_savepoint) {
                (true, true) => self.run(&format!(
                    "RELEASE SAVEPOINT {SAVEPOINT}; SAVEPOINT {SAVEPOINT}"
                ))?,
                (true, false) => self.run(&format!("SAVEPOINT {SAVEPOINT}"))?,
                (false, true) => self.run(&format!("RELEASE SAVEPOINT {SAVEPOINT}"))?,
                (false, false) => {}
            }
            in_savepoint = wrap;
            let (line, column) = source.line_col(start);
            self.mark(Some(Place {
                file: path.clone(),
                line,
                column,
            }))?;
            self.interrupt.check()?;
            if let Err(e) = self.client.batch_execute(text) {
                if self.interrupt.is_triggered() {
                    return Err(Error::Interrupted);
                }
                let Some(db) = e.as_db_error() else {
                    return Err(Error::Database(e));
                };
                let _ = self.client.batch_execute("ROLLBACK");
                return Ok(Err(Box::new(rejected(source, file, start, end, db))));
            }
            if let Some(now_in_transaction) = control {
                in_transaction = now_in_transaction.unwrap_or(in_transaction);
            }
        }
        if in_transaction {
            self.run("COMMIT")?;
        }
        Ok(Ok(statements.len()))
    }

    /// The marks, closed with one after the last statement.
    pub(crate) fn finish(mut self) -> Result<Marks> {
        self.mark(None)?;
        Ok(self.marks)
    }
}

/// Whether `statement` controls the transaction, and if so whether a transaction block is open
/// after it (`Some(None)`: unchanged, as after `SAVEPOINT`).
fn transaction_control(statement: &str) -> Option<Option<bool>> {
    let mut words = statement
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase);
    let first = words.next()?;
    let second = words.next().unwrap_or_default();
    match first.as_str() {
        "begin" | "start" => Some(Some(true)),
        "commit" | "end" | "abort" => Some(Some(false)),
        "rollback" if second == "to" => Some(None),
        "rollback" => Some(Some(false)),
        "savepoint" | "release" => Some(None),
        "prepare" if second == "transaction" => Some(Some(false)),
        _ => None,
    }
}

/// The error of a statement PostgreSQL rejected, at its error position.
fn rejected(
    source: &SourceFile,
    file: FileId,
    start: usize,
    end: usize,
    db: &postgres::error::DbError,
) -> Diagnostic {
    let text = &source.text[start..end];
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
    d
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

    #[test]
    fn transaction_control_statements() {
        assert_eq!(transaction_control("BEGIN"), Some(Some(true)));
        assert_eq!(transaction_control("start transaction"), Some(Some(true)));
        assert_eq!(transaction_control("COMMIT"), Some(Some(false)));
        assert_eq!(transaction_control("rollback to savepoint a"), Some(None));
        assert_eq!(transaction_control("ROLLBACK"), Some(Some(false)));
        assert_eq!(transaction_control("savepoint a"), Some(None));
        assert_eq!(
            transaction_control("prepare transaction 'x'"),
            Some(Some(false))
        );
        assert_eq!(transaction_control("prepare q as select 1"), None);
        assert_eq!(transaction_control("create table t ()"), None);
        // `begin` opening a function body is not at the start of a statement.
        assert_eq!(transaction_control("do $$ begin end $$"), None);
    }

    fn place(line: usize) -> Option<Place> {
        Some(Place {
            file: "m.sql".into(),
            line,
            column: 1,
        })
    }

    #[test]
    fn transaction_ids_map_to_the_statement_between_two_marks() {
        let marks = Marks {
            marks: vec![(100, place(1)), (105, place(2)), (109, None)],
        };
        assert_eq!(marks.place_of(99), None);
        assert_eq!(marks.place_of(101), place(1).as_ref());
        assert_eq!(marks.place_of(107), place(2).as_ref());
        assert_eq!(marks.place_of(110), None);
        assert_eq!(marks.last_writer(&[101, 107, 3]), place(2).as_ref());
        // Across the 32-bit wrap of xids: the first mark in epoch 1.
        let base = (1u64 << 32) - 3;
        let wrapped = Marks {
            marks: vec![(base, place(1)), (base + 10, None)],
        };
        assert_eq!(wrapped.place_of(2), place(1).as_ref());
    }
}
