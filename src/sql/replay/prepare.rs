//! Preparing a file without the catalog (on another thread): tokens, statements, each statement's
//! kind from its leading keywords, and its syntax tree parsed ahead.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::diagnostics::{Diagnostics, FileId, SourceFile, Span};
use crate::sql::parse::{parse_statement, ParseError, Parsed, RECURSION_LIMIT};
use crate::sql::split::{is_trivia, lex, split, Lexed, RawStatement};

use super::{word_of, Stmt};

/// A file tokenized, split into statements and, where that needs no catalog, parsed: the part
/// of replay that does not depend on earlier files, so it can run ahead on another thread.
pub struct Prepared {
    /// Tokens, statements, each statement's kind and what was done ahead for it; or where
    /// and why the file could not be tokenized.
    pub(super) lexed: PreparedParts,
    /// Notes from splitting (psql meta-commands skipped).
    pub(super) notes: Diagnostics,
}

type PreparedParts = Result<(Lexed, Vec<RawStatement>, Vec<(Kind, Ahead)>), (usize, String)>;

/// Statements as [`Prepared::statements`] gives them: bytes in the file and tokens.
pub type StatementTokens = Vec<(Span, Vec<TokenWithSpan>)>;

impl Prepared {
    /// Each statement's bytes in the file and its tokens (for tests: a file prepared whole and
    /// in parts gives the same statements); where tokenizing failed otherwise.
    #[doc(hidden)]
    pub fn statements(&self) -> Result<StatementTokens, (usize, String)> {
        match &self.lexed {
            Ok((lexed, statements, _)) => Ok(statements
                .iter()
                .map(|st| (st.span, lexed.tokens[st.tokens.clone()].to_vec()))
                .collect()),
            Err(e) => Err(e.clone()),
        }
    }
}

/// Prepares one file for [`Replayer::replay_prepared`](super::Replayer::replay_prepared).
pub fn prepare(source: &SourceFile, file: FileId) -> Prepared {
    let mut notes = Diagnostics::new();
    let lexed = lex(source, 0, source.text.len()).map(|lexed| {
        let statements = split(file, &lexed, &mut notes);
        let parsed = ahead(source, file, &lexed, &statements);
        (lexed, statements, parsed)
    });
    Prepared { lexed, notes }
}

/// Files longer than this are prepared in parts of about this many bytes (see
/// [`prepare_parts`]).
pub const PART_BYTES: usize = 64 * 1024;

/// Prepares one file in parts of about [`PART_BYTES`] (whole statements), handing each to
/// `emit` as soon as it is ready: the first for [`Replayer::replay_prepared`](super::Replayer::replay_prepared), the others for
/// [`Replayer::replay_part`](super::Replayer::replay_part). The syntax trees of a long file (a `pg_dump` baseline) are then
/// never all in memory at once: they are the larger part of a prepared file. Stops when `emit`
/// returns `false`.
pub fn prepare_parts(source: &SourceFile, file: FileId, emit: &mut dyn FnMut(Prepared) -> bool) {
    if source.text.len() <= PART_BYTES {
        emit(prepare(source, file));
        return;
    }
    // Where to cut, found by reading the tokens without keeping them; the parts are then
    // tokenized one by one (tokens are the other large part of a prepared file).
    let cuts = match crate::sql::fastlex::cut_points(&source.text, PART_BYTES) {
        Some(c) if !c.is_empty() => c,
        _ => {
            emit(prepare(source, file));
            return;
        }
    };
    let ends = cuts.iter().copied().chain([source.text.len()]);
    let starts = std::iter::once(0).chain(cuts.iter().copied());
    let parts: Vec<(usize, usize)> = starts.zip(ends).collect();
    let one = |(a, b): (usize, usize)| {
        let mut notes = Diagnostics::new();
        let lexed = lex(source, a, b - a).map(|lexed| {
            let statements = split(file, &lexed, &mut notes);
            let parsed = ahead(source, file, &lexed, &statements);
            (lexed, statements, parsed)
        });
        Prepared { lexed, notes }
    };
    // Parts are independent: a second thread prepares every other one, so a long baseline is
    // not left to one core while replay waits for it. Parts are handed on in order.
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Prepared>(1);
        let odd: Vec<(usize, usize)> = parts.iter().copied().skip(1).step_by(2).collect();
        let helper = std::thread::Builder::new()
            .name("schemagen-prepare".into())
            .spawn_scoped(s, move || {
                for part in odd {
                    if tx.send(one(part)).is_err() {
                        return;
                    }
                }
            })
            .is_ok();
        for (k, part) in parts.iter().copied().enumerate() {
            let prepared = if k % 2 == 1 && helper {
                match rx.recv() {
                    Ok(p) => p,
                    Err(_) => return,
                }
            } else {
                one(part)
            };
            let failed = prepared.lexed.is_err();
            if !emit(prepared) || failed {
                return;
            }
        }
    });
}

/// What can be done for each statement without the catalog: its kind, and its syntax tree or
/// its `DO` body's tokens.
fn ahead(
    source: &SourceFile,
    file: FileId,
    lexed: &Lexed,
    statements: &[RawStatement],
) -> Vec<(Kind, Ahead)> {
    statements
        .iter()
        .map(|raw| {
            let stmt = Stmt {
                source,
                file,
                lexed,
                raw,
            };
            let kind = kind(stmt);
            // A panic here is left for the replaying thread to meet again and report.
            let ahead = crate::panics::guarded(|| match kind {
                _ if kind.parses() => {
                    Ahead::Parsed(Box::new(parse_statement(stmt.tokens(), RECURSION_LIMIT)))
                }
                Kind::Do => match crate::sql::replay::plpgsql::do_body(stmt) {
                    crate::sql::replay::plpgsql::DoBody::InFile { base, len } => {
                        Ahead::DoBody(lex(source, base, len))
                    }
                    _ => Ahead::Nothing,
                },
                _ => Ahead::Nothing,
            })
            .unwrap_or(Ahead::Nothing);
            (kind, ahead)
        })
        .collect()
}

/// What [`prepare`] did ahead for one statement.
pub(super) enum Ahead {
    /// Nothing: the statement is handled from its tokens, or preparing it failed.
    Nothing,
    /// Parsed whole (statements whose [`Kind`] parses them).
    Parsed(Box<Result<Parsed, ParseError>>),
    /// A `DO` statement's dollar-quoted body, tokenized.
    DoBody(Result<Lexed, (usize, String)>),
}

/// What a statement is, from its leading keywords alone: decided without the catalog, so
/// [`prepare`] can parse ahead on another thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Cannot change the schema's shape (grants, DML, transactions, triggers…).
    PassOver,
    /// `SELECT …`: only `set_config('search_path', …)` matters.
    Select,
    /// `SET …`.
    Set,
    /// `RESET search_path` / `RESET ALL`.
    ResetSearchPath,
    /// `CREATE/ALTER/DROP FUNCTION|PROCEDURE|AGGREGATE|ROUTINE`, with its verb.
    Routine(&'static str),
    /// A `DO` block.
    Do,
    /// Anything else: parsed with sqlparser and applied.
    Parse,
    /// Does not start with a keyword or `(`: no SQL statement does (PostgreSQL's syntax error
    /// at the first token; e.g. the rest of a dollar-quoted body closed early by a nested `$$`).
    NotAStatement,
}

impl Kind {
    /// Whether replaying a statement of this kind starts by parsing it whole.
    fn parses(self) -> bool {
        matches!(self, Kind::Parse | Kind::Routine("create"))
    }
}

pub(super) fn kind(stmt: Stmt<'_>) -> Kind {
    if let Some(t) = stmt
        .tokens()
        .iter()
        .map(|t| &t.token)
        .find(|t| !is_trivia(t))
    {
        if !matches!(t, Token::Word(_) | Token::LParen) {
            return Kind::NotAStatement;
        }
    }
    let words = stmt.words(6);
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    match w(0) {
        "grant" | "revoke" | "insert" | "update" | "delete" | "merge" | "copy" | "truncate"
        | "vacuum" | "analyze" | "analyse" | "reindex" | "cluster" | "notify" | "listen"
        | "unlisten" | "begin" | "commit" | "end" | "start" | "rollback" | "savepoint"
        | "release" | "lock" | "security" | "checkpoint" | "discard" | "explain" | "prepare"
        | "execute" | "deallocate" | "call" | "refresh" | "load" | "fetch" | "move" | "close"
        | "declare" | "abort" | "show" | "values" | "table" | "import" | "reassign" => {
            return Kind::PassOver
        }
        "select" | "with" | "(" => return Kind::Select,
        "set" => return Kind::Set,
        "reset" if matches!(w(1), "search_path" | "all") => return Kind::ResetSearchPath,
        "reset" => return Kind::PassOver,
        "do" => return Kind::Do,
        _ => {}
    }
    let (verb, object) = object_kind(&words);
    if verb.is_empty() {
        return Kind::Parse;
    }
    match object.as_str() {
        "function" | "procedure" | "aggregate" | "routine" => Kind::Routine(match verb.as_str() {
            "create" => "create",
            "drop" => "drop",
            "comment" => "comment",
            _ => "alter",
        }),
        "trigger"
        | "event trigger"
        | "publication"
        | "subscription"
        | "role"
        | "user"
        | "group"
        | "default privileges"
        | "cast"
        | "operator"
        | "text search"
        | "conversion"
        | "statistics"
        | "rule"
        | "server"
        | "foreign data wrapper"
        | "user mapping"
        | "language"
        | "transform"
        | "access method"
        | "tablespace"
        | "database"
        | "system"
        | "large object"
        | "collation"
        | "foreign table"
        | "owned" => Kind::PassOver,
        _ if verb == "alter" && is_owner_to(stmt) => Kind::PassOver,
        "table" | "column" | "type" | "view" | "materialized view" | "schema" | "index"
        | "sequence" | "domain"
            if verb == "comment" =>
        {
            Kind::Parse
        }
        _ if verb == "comment" => Kind::PassOver,
        _ => Kind::Parse,
    }
}

/// `(verb, object)` of a DDL statement: `("create", "table")`, `("alter", "default privileges")`,
/// `("comment", "column")`. Empty when the statement is not DDL.
pub(crate) fn object_kind(words: &[String]) -> (String, String) {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let verb = w(0);
    if !matches!(verb, "create" | "alter" | "drop" | "comment") {
        return (String::new(), String::new());
    }
    let mut i = 1;
    if verb == "comment" {
        i = 2; // COMMENT ON <object>
    }
    if w(i) == "or" {
        i += 2; // OR REPLACE
    }
    while matches!(
        w(i),
        "temp"
            | "temporary"
            | "unlogged"
            | "global"
            | "local"
            | "unique"
            | "trusted"
            | "procedural"
            | "constraint"
            | "recursive"
    ) {
        i += 1;
    }
    let object = match (w(i), w(i + 1), w(i + 2)) {
        ("event", "trigger", _) => "event trigger",
        ("default", "privileges", _) => "default privileges",
        ("text", "search", _) => "text search",
        ("foreign", "data", "wrapper") => "foreign data wrapper",
        ("foreign", "table", _) => "foreign table",
        ("user", "mapping", _) => "user mapping",
        ("access", "method", _) => "access method",
        ("large", "object", _) => "large object",
        ("materialized", "view", _) => "materialized view",
        (o, _, _) => o,
    };
    (verb.to_string(), object.to_string())
}

/// Whether an ALTER statement ends in `OWNER TO <role>`.
fn is_owner_to(stmt: Stmt<'_>) -> bool {
    let mut last = stmt
        .tokens()
        .iter()
        .rev()
        .map(|t| &t.token)
        .filter(|t| !is_trivia(t));
    let (_, to, owner) = (last.next(), last.next(), last.next());
    matches!((owner, to), (Some(o), Some(t)) if word_of(o) == "owner" && word_of(t) == "to")
}
