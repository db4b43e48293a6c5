//! Replaying statements in migration order into a [`Catalog`].
//!
//! Each statement is first classified by its leading keywords: statements that cannot change the
//! schema's shape (grants, DML, functions, triggers, publications…) are passed over without
//! parsing. The rest is parsed with sqlparser and applied; forms sqlparser rejects are rewritten or
//! handled at token level (`fallback`); `DO` blocks go to [`crate::sql::replay::plpgsql`].
//!
//! Outcomes are counted in [`ReplayStats`]. A statement Postgres itself would reject at that
//! point (ALTER of a missing table, a duplicate column…) is an error; one schemagen cannot
//! understand is a warning. Both name file, line and column.

mod alter_actions;
mod alter_table;
mod create_table;
mod dependents;
mod dml_labels;
mod forms;
pub(crate) mod guard;
mod inheritance;
mod objects;
mod passed_over;
pub mod plpgsql;
mod policies;
mod prepare;
#[cfg(test)]
mod provenance_tests;
mod routines;
mod run;
mod schema_elements;
mod session;
mod table;
mod transactions;
mod views;

use serde::Serialize;
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::catalog::{truncate_identifier, Catalog, Schema};
use crate::diagnostics::{FileId, SourceFile, Span};
use crate::pg::deparse::ExprContext;
use crate::sql::parse::{Extras, ParseError};
use crate::sql::split::{is_trivia, Lexed, RawStatement};

pub(crate) use prepare::object_kind;
pub use prepare::{prepare, prepare_parts, Prepared, StatementTokens, PART_BYTES};
use session::SlowLog;

/// The search path of a migration session: the Supabase CLI connects as `postgres`, whose
/// default is `"$user", public, extensions`.
pub const DEFAULT_SEARCH_PATH: &[&str] = &["$user", "public", "extensions"];

/// Counts of what happened to the statements of a replay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReplayStats {
    /// Migration files replayed.
    pub files: usize,
    /// Bytes of SQL replayed.
    pub bytes: usize,
    /// Statements seen (statements inside `DO` blocks included).
    pub statements: usize,
    /// Statements that shape the schema and were applied.
    pub understood: usize,
    /// Statements recognised as not shaping the schema (grants, DML, functions…).
    pub passed_over: usize,
    /// Statements schemagen could not understand (warnings).
    pub not_understood: usize,
    /// Statements Postgres would reject (errors).
    pub errors: usize,
}

/// What happened to one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Applied to the catalog.
    Understood,
    /// Recognised; does not shape the schema.
    PassedOver,
    /// Could not be understood; the message says why.
    NotUnderstood(String),
}

/// The class of an error Postgres would raise, for `EXCEPTION WHEN …` handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SqlState {
    DuplicateObject,
    DuplicateTable,
    DuplicateColumn,
    DuplicateSchema,
    UndefinedTable,
    UndefinedColumn,
    UndefinedObject,
    InvalidSchemaName,
    DependentObjects,
    InvalidDefinition,
    SyntaxError,
    StatementTooComplex,
    InternalError,
    UniqueViolation,
    InvalidParameterValue,
    InvalidFunctionDefinition,
    FeatureNotSupported,
    WrongObjectType,
    /// An error raised inside a `DO` block, by its condition name.
    Raised(&'static str),
}

impl SqlState {
    /// The condition name used in `EXCEPTION WHEN <name>`.
    pub(crate) fn condition(self) -> &'static str {
        match self {
            SqlState::DuplicateObject => "duplicate_object",
            SqlState::DuplicateTable => "duplicate_table",
            SqlState::DuplicateColumn => "duplicate_column",
            SqlState::DuplicateSchema => "duplicate_schema",
            SqlState::UndefinedTable => "undefined_table",
            SqlState::UndefinedColumn => "undefined_column",
            SqlState::UndefinedObject => "undefined_object",
            SqlState::InvalidSchemaName => "invalid_schema_name",
            SqlState::DependentObjects => "dependent_objects_still_exist",
            SqlState::InvalidDefinition => "invalid_table_definition",
            SqlState::SyntaxError => "syntax_error",
            SqlState::StatementTooComplex => "statement_too_complex",
            SqlState::InternalError => "internal_error",
            SqlState::FeatureNotSupported => "feature_not_supported",
            SqlState::WrongObjectType => "wrong_object_type",
            SqlState::UniqueViolation => "unique_violation",
            SqlState::InvalidParameterValue => "invalid_parameter_value",
            SqlState::InvalidFunctionDefinition => "invalid_function_definition",
            SqlState::Raised(c) => c,
        }
    }
}

/// An error Postgres would raise for a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReplayError {
    pub code: SqlState,
    pub message: String,
    /// Where in the statement, when narrower than the statement (the token of a syntax error).
    pub span: Option<Span>,
    /// The token the error is about, in file coordinates, until [`ReplayError::located`]
    /// turns it into [`ReplayError::span`].
    pub at: Option<sqlparser::tokenizer::Location>,
}

impl ReplayError {
    pub(crate) fn new(code: SqlState, message: impl Into<String>) -> Self {
        ReplayError {
            code,
            message: message.into(),
            span: None,
            at: None,
        }
    }

    /// About the token at `at` (a syntax-tree node's span start); no location when unknown.
    pub(crate) fn at(mut self, at: sqlparser::tokenizer::Location) -> Self {
        self.at = Some(at).filter(|l| l.line > 0);
        self
    }

    /// [`ReplayError::at`] as a span of `stmt`'s tokens.
    pub(crate) fn located(mut self, stmt: Stmt<'_>) -> Self {
        if let (None, Some(at)) = (self.span, self.at) {
            self.span = Some(token_span_at(stmt, at));
        }
        self
    }
}

pub(crate) type R<T> = Result<T, ReplayError>;

/// One statement being replayed: where its tokens and text are.
#[derive(Clone, Copy)]
pub(crate) struct Stmt<'a> {
    pub source: &'a SourceFile,
    pub file: FileId,
    pub lexed: &'a Lexed,
    pub raw: &'a RawStatement,
}

impl<'a> Stmt<'a> {
    /// The statement's text.
    pub fn text(&self) -> &'a str {
        &self.source.text[self.raw.span.start..self.raw.span.end]
    }

    /// The tokens of the statement (trivia included, `;` excluded).
    pub fn tokens(&self) -> &'a [TokenWithSpan] {
        &self.lexed.tokens[self.raw.tokens.clone()]
    }

    /// Index (into `tokens()`) and token of the significant tokens.
    pub fn significant(&self) -> Vec<(usize, &'a Token)> {
        let tokens = self.tokens();
        // Sized once (a filtered collect starts small and grows by copying).
        let mut out = Vec::with_capacity(tokens.len());
        out.extend(
            tokens
                .iter()
                .enumerate()
                .filter(|(_, t)| !is_trivia(&t.token))
                .map(|(i, t)| (i, &t.token)),
        );
        out
    }

    /// The first `n` significant tokens as lower-case words (`""` for non-words).
    pub fn words(&self, n: usize) -> Vec<String> {
        let tokens = self.tokens();
        let mut out = Vec::with_capacity(n.min(tokens.len()));
        out.extend(
            tokens
                .iter()
                .filter(|t| !is_trivia(&t.token))
                .take(n)
                .map(|t| word_of(&t.token)),
        );
        out
    }

    /// Span of token `i` (index into `tokens()`).
    pub fn token_span(&self, i: usize) -> Span {
        let abs = self.raw.tokens.start + i;
        Span::new(
            self.file,
            self.lexed.offsets[abs],
            self.lexed.offsets[abs + 1],
        )
    }

    /// The first line of the statement, shortened, to name it in messages.
    pub fn head(&self) -> String {
        let text = self.text();
        let line = text.lines().next().unwrap_or("").trim();
        let mut s: String = line.chars().take(80).collect();
        if s.len() < line.len() || text.lines().nth(1).is_some() {
            s.push_str(" …");
        }
        s
    }
}

/// A token as a lower-case bare word, or `""`.
/// Stack left before a recursion step grows a new segment: the deepest path between two calls
/// of [`deep`] (an `EXECUTE`d `DO` block: statement parse, replay, guard compilation) takes about
/// 70 KiB in a debug build.
const RED_ZONE: usize = 1024 * 1024;
/// The size of each new stack segment.
const STACK_SEGMENT: usize = 8 * 1024 * 1024;

/// Runs `f` on a stack with at least [`RED_ZONE`] left: every recursion over user input (nested
/// blocks, `EXECUTE`d `DO`, subqueries) passes through it, so no input overflows the stack;
/// depth limits turn the deepest into PostgreSQL's errors.
pub(crate) fn deep<T>(f: impl FnOnce() -> T) -> T {
    stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, f)
}

pub(crate) fn word_of(t: &Token) -> String {
    match t {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// Folds an identifier as Postgres does: unquoted → lower case (ASCII only); then truncated to
/// 63 bytes.
pub(crate) fn fold(id: &Ident) -> String {
    if id.quote_style.is_some() {
        truncate_identifier(&id.value)
    } else {
        truncate_identifier(&id.value.to_ascii_lowercase())
    }
}

/// The folded parts of an object name (`catalog.schema.name` → the last two kept).
pub(crate) fn name_parts(name: &ObjectName) -> Vec<String> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(id) => fold(id),
            ObjectNamePart::Function(f) => fold(&f.name),
        })
        .collect()
}

/// `(schema, name)` of an object name; the schema is `None` when unqualified.
pub(crate) fn split_name(name: &ObjectName) -> (Option<String>, String) {
    let mut parts = name_parts(name);
    let last = parts.pop().unwrap_or_default();
    (parts.pop(), last)
}

/// Replays migration files, statement by statement, into a catalog.
#[derive(Debug, Clone)]
pub struct Replayer {
    pub(crate) catalog: Catalog,
    pub(crate) search_path: Vec<String>,
    /// The path to go back to at the end of the transaction, after `SET LOCAL search_path` or
    /// `set_config('search_path', …, true)` (the Supabase CLI runs a file in one transaction,
    /// so without `COMMIT` it lasts to the end of the file).
    pub(crate) local_path_restore: Option<Vec<String>>,
    /// The open transaction block, watched when the file can roll it back (see
    /// `transactions`).
    tx: Option<Box<transactions::Transaction>>,
    /// Whether the file being replayed says `rollback` or `abort` anywhere.
    may_roll_back: bool,
    /// The `BEGIN` of the transaction block open in the file being replayed.
    open_block: Option<crate::diagnostics::Span>,
    stats: ReplayStats,
    /// Every index and constraint name that has existed (a superset: names are added, never
    /// removed). A name not in it is certainly free; a name in it is checked against the
    /// catalog. Keeps name choice O(1) instead of a scan of the schema.
    known_names: std::collections::HashSet<String>,
    /// Signatures of the functions the migrations created (the catalog keeps only names):
    /// expressions calling them print with their argument and result types.
    function_sigs: crate::pg::deparse::FunctionSigs,
    /// What is known of each view replayed besides the catalog (see `views`).
    views: views::ViewStates,
    /// The trees of policies' expressions (see `policies`).
    policy_trees: policies::PolicyTreeMap,
    /// Clauses of the statement being applied that the parser's pre-pass took out.
    pub(crate) extras: Extras,
    /// What `DO` blocks read besides the catalog: routine signatures, triggers, table
    /// contents, statements not understood (see [`crate::sql::replay::guard::Tracked`]).
    pub(crate) tracked: crate::sql::replay::guard::Tracked,
    /// When provenance is recorded ([`Replayer::record_provenance`]): the catalog as it was
    /// before the statement being replayed.
    before: Option<Box<Catalog>>,
    /// Bumped by every statement that may change what a query compiles to (anything but a
    /// statement passed over: the catalog, the search path, the routine registry), so `DO`
    /// blocks can reuse a compiled query while it stays the same.
    pub(crate) generation: u64,
    /// The last [`crate::catalog::View::row_order`] handed out.
    pub(crate) row_clock: u64,
    /// Enum labels added in the transaction being replayed (the file, as the Supabase CLI runs
    /// it, or an explicit block): PostgreSQL refuses to use them until it commits.
    pub(crate) new_enum_values: Vec<crate::pg::deparse::NewEnumValue>,
    /// After a `COMMIT` that no `BEGIN` follows, each statement commits on its own.
    pub(crate) autocommit: bool,
    /// Provenance compares the whole catalog after every statement (a test's reference).
    exhaustive: bool,
    /// `SCHEMAGEN_SLOW_STATEMENTS=N`: the N slowest statements, printed to stderr by
    /// [`Replayer::finish`] (a profiling aid).
    slow: Option<SlowLog>,
    /// How far one `DO` block may run (see [`Replayer::limit_do_blocks`]).
    pub(crate) do_limits: plpgsql::DoLimits,
    /// Set when the statement being replayed ran a routine's body (its changes are not named
    /// in the statement: provenance then compares the whole catalog).
    pub(crate) ran_routine: bool,
    /// Set once the history creates a foreign table (`CREATE FOREIGN TABLE`, `IMPORT FOREIGN
    /// SCHEMA`: passed over): relations then may exist that the catalog does not hold.
    pub(crate) foreign_tables: bool,
    /// Names of the temporary tables and views the history created (passed over: they live in
    /// the session's `pg_temp` schema, first on the search path).
    pub(crate) temp_relations: std::collections::BTreeSet<String>,
}

impl Replayer {
    /// The search path with `$user` resolved and missing schemas dropped; `pg_catalog` is not
    /// listed (it holds no user objects).
    pub(crate) fn effective_path(&self) -> Vec<String> {
        self.search_path
            .iter()
            .map(|s| {
                if s == "$user" {
                    "postgres".to_string()
                } else {
                    s.clone()
                }
            })
            .filter(|s| self.catalog.schemas.contains_key(s))
            .collect()
    }

    /// The search path as PostgreSQL walks it for unqualified names: `$user` resolved, schemas
    /// that do not exist kept (`pg_catalog`, `information_schema` are not in the catalog).
    pub(crate) fn effective_search_path(&self) -> Vec<String> {
        self.search_path
            .iter()
            .map(|s| {
                if s == "$user" {
                    "postgres".to_string()
                } else {
                    s.clone()
                }
            })
            .collect()
    }

    /// The schema unqualified objects are created in.
    pub(crate) fn creation_schema(&self) -> R<String> {
        self.effective_path().into_iter().next().ok_or_else(|| {
            ReplayError::new(
                SqlState::InvalidSchemaName,
                "no schema has been selected to create in",
            )
        })
    }

    /// The schema a new object called `name` goes to; the schema must exist.
    pub(crate) fn target_schema(&self, schema: Option<String>) -> R<String> {
        match schema {
            Some(s) if self.catalog.schemas.contains_key(&s) => Ok(s),
            Some(s) => Err(ReplayError::new(
                SqlState::InvalidSchemaName,
                format!("schema \"{s}\" does not exist"),
            )),
            None => self.creation_schema(),
        }
    }

    /// Finds a relation by possibly-qualified name with `pred` saying which schema holds it.
    pub(crate) fn find_in_path(
        &self,
        schema: Option<&str>,
        pred: &dyn Fn(&Schema) -> bool,
    ) -> Option<String> {
        match schema {
            Some(s) => self
                .catalog
                .schemas
                .get(s)
                .filter(|sc| pred(sc))
                .map(|_| s.to_string()),
            None => self
                .effective_path()
                .into_iter()
                .find(|s| pred(&self.catalog.schemas[s])),
        }
    }

    /// The `(schema, table)` a name refers to, or Postgres's error.
    pub(crate) fn resolve_table(&self, name: &ObjectName) -> R<(String, String)> {
        let (schema, table) = split_name(name);
        match self.find_in_path(schema.as_deref(), &|s| s.tables.contains_key(&table)) {
            Some(s) => Ok((s, table)),
            None => Err(undefined_relation(schema.as_deref(), &table)),
        }
    }

    /// An expression context for a table's columns.
    pub(crate) fn expr_ctx<'a>(&'a self, columns: &'a [crate::catalog::Column]) -> ExprContext<'a> {
        ExprContext::new(&self.catalog, &self.search_path, columns)
            .with_function_index(&self.function_sigs)
    }

    /// An expression context for the columns of `schema.table`.
    pub(crate) fn table_ctx<'a>(
        &'a self,
        schema: &'a str,
        table: &'a str,
        columns: &'a [crate::catalog::Column],
    ) -> ExprContext<'a> {
        self.expr_ctx(columns).with_table(schema, table)
    }
}

/// `relation "x" does not exist`.
pub(crate) fn undefined_relation(schema: Option<&str>, name: &str) -> ReplayError {
    let shown = match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_string(),
    };
    ReplayError::new(
        SqlState::UndefinedTable,
        format!("relation \"{shown}\" does not exist"),
    )
}

/// The error for a statement that does not parse, at the token it is about.
pub(crate) fn syntax_error(stmt: Stmt<'_>, e: &ParseError) -> ReplayError {
    let mut err = ReplayError::new(
        SqlState::SyntaxError,
        format!("syntax error: {}", e.message),
    );
    err.span = Some(match e.location {
        Some(l) => token_span_at(stmt, l),
        // At the end of the statement (`found: EOF`).
        None => Span::new(stmt.file, stmt.raw.span.end, stmt.raw.span.end),
    });
    err
}

/// The span of the statement's token that starts at `at` (file coordinates); the end of the
/// statement when none does (a location past its last token).
pub(crate) fn token_span_at(stmt: Stmt<'_>, at: sqlparser::tokenizer::Location) -> Span {
    let offset = stmt.source.offset(at.line as usize, at.column as usize);
    let range = stmt.raw.tokens.clone();
    let offsets = &stmt.lexed.offsets;
    match offsets
        .get(range.start..range.end)
        .and_then(|o| o.binary_search(&offset).ok())
    {
        Some(i) => {
            let abs = range.start + i;
            let end = offsets.get(abs + 1).copied().unwrap_or(offset);
            Span::new(stmt.file, offset, end.max(offset))
        }
        None => {
            let at = offset.clamp(stmt.raw.span.start, stmt.raw.span.end);
            Span::new(stmt.file, at, at)
        }
    }
}
