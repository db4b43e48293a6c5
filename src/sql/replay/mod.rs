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
mod forms;
pub(crate) mod guard;
mod objects;
mod passed_over;
pub mod plpgsql;
mod policies;
#[cfg(test)]
mod provenance_tests;
mod table;
mod views;

use serde::Serialize;
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart, Statement};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::catalog::{truncate_identifier, Catalog, Schema};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceFile, Sources, Span};
use crate::pg::deparse::ExprContext;
use crate::sql::parse::{
    parse_statement, Extras, ParseError, Parsed, DEEP_RECURSION_LIMIT, DEEP_STACK, RECURSION_LIMIT,
};
use crate::sql::split::{is_trivia, lex, split, Lexed, RawStatement};

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
        self.tokens()
            .iter()
            .enumerate()
            .filter(|(_, t)| !is_trivia(&t.token))
            .map(|(i, t)| (i, &t.token))
            .collect()
    }

    /// The first `n` significant tokens as lower-case words (`""` for non-words).
    pub fn words(&self, n: usize) -> Vec<String> {
        self.tokens()
            .iter()
            .filter(|t| !is_trivia(&t.token))
            .take(n)
            .map(|t| word_of(&t.token))
            .collect()
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

/// The names in a statement (words folded, quoted identifiers as written, both cut to 63 bytes as
/// PostgreSQL cuts them; for a `DO` block, those
/// of its body) when it can change only the relations and types it names, besides creating and
/// dropping objects; `None` when it may reach others: through `EXECUTE`d text, a rename,
/// `CASCADE`, `SET SCHEMA`, or an index, which belongs to a table it does not name (`DROP
/// INDEX`, `ALTER INDEX`, `COMMENT ON INDEX`, `REINDEX`). PostgreSQL refuses the rest when
/// other objects depend on what changes (a column type under a view, a dropped column an other
/// table's foreign key needs), so replay changes nothing else either. Provenance then compares
/// only those objects (see [`crate::catalog::provenance::track`]); the differential tests check
/// the result against comparing everything.
fn changes_only_what_it_names(stmt: Stmt<'_>) -> Option<std::collections::HashSet<String>> {
    let body;
    let tokens: &[TokenWithSpan] = if matches!(kind(stmt), Kind::Do) {
        match crate::sql::replay::plpgsql::do_body(stmt) {
            crate::sql::replay::plpgsql::DoBody::InFile { base, len } => {
                body = lex(stmt.source, base, len).ok()?;
                &body.tokens
            }
            _ => return None,
        }
    } else {
        stmt.tokens()
    };
    let mut names = std::collections::HashSet::new();
    let mut previous = String::new();
    for t in tokens {
        let Token::Word(w) = &t.token else {
            continue;
        };
        if w.quote_style.is_some() {
            names.insert(truncate_identifier(&w.value));
            previous.clear();
            continue;
        }
        let folded = truncate_identifier(&w.value.to_ascii_lowercase());
        let reaches = matches!(
            folded.as_str(),
            "rename" | "cascade" | "schema" | "execute" | "reindex"
        ) || (folded == "index"
            && matches!(previous.as_str(), "drop" | "alter" | "on"));
        if reaches {
            return None;
        }
        names.insert(folded.clone());
        previous = folded;
    }
    Some(names)
}

/// Adds to `names` the tables that inherit from (or are partitions of) a table called by one of
/// them, at any depth: what is done to a parent (a column, a constraint, an index on a
/// partitioned table) is done to them too.
fn with_descendants(names: &mut std::collections::HashSet<String>, catalog: &Catalog) {
    let children: Vec<(&str, &str)> = catalog
        .schemas
        .values()
        .flat_map(|s| s.tables.values())
        .flat_map(|t| {
            t.inherits
                .iter()
                .map(|p| (t.name.as_str(), p.name.as_str()))
        })
        .collect();
    loop {
        let before = names.len();
        for (child, parent) in &children {
            if names.contains(*parent) && !names.contains(*child) {
                names.insert(child.to_string());
            }
        }
        if names.len() == before {
            break;
        }
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
    /// Provenance compares the whole catalog after every statement (a test's reference).
    exhaustive: bool,
    /// `SCHEMAGEN_SLOW_STATEMENTS=N`: the N slowest statements, printed to stderr by
    /// [`Replayer::finish`] (a profiling aid).
    slow: Option<SlowLog>,
}

/// The slowest statements replayed so far (see `Replayer::slow`).
#[derive(Debug, Clone)]
struct SlowLog {
    keep: usize,
    /// Microseconds, `file:line:col`, the statement's first line; slowest first.
    worst: Vec<(u128, String, String)>,
}

impl SlowLog {
    fn from_env() -> Option<SlowLog> {
        let keep = std::env::var("SCHEMAGEN_SLOW_STATEMENTS")
            .ok()?
            .parse::<usize>()
            .ok()?;
        (keep > 0).then(|| SlowLog {
            keep,
            worst: Vec::new(),
        })
    }

    fn record(&mut self, micros: u128, stmt: Stmt<'_>) {
        if self.worst.len() == self.keep && self.worst.last().is_some_and(|w| w.0 >= micros) {
            return;
        }
        let (line, col) = stmt.source.line_col(stmt.raw.span.start);
        let at = format!("{}:{line}:{col}", stmt.source.path.display());
        let i = self.worst.partition_point(|w| w.0 >= micros);
        self.worst.insert(i, (micros, at, stmt.head()));
        self.worst.truncate(self.keep);
    }

    fn print(&self) {
        let total: u128 = self.worst.iter().map(|w| w.0).sum();
        eprintln!(
            "slowest {} statements ({:.1} ms together):",
            self.worst.len(),
            total as f64 / 1e3
        );
        for (micros, at, head) in &self.worst {
            eprintln!("{:>10.3} ms  {at}  {head}", *micros as f64 / 1e3);
        }
    }
}

impl Replayer {
    /// Starts from `base` (usually [`crate::sql::supabase::base_catalog`]).
    pub fn new(base: Catalog) -> Self {
        let mut known_names = std::collections::HashSet::new();
        for s in base.schemas.values() {
            for t in s.tables.values() {
                known_names.extend(t.indexes.iter().map(|i| i.name.clone()));
                known_names.extend(t.primary_key.iter().map(|p| p.name.clone()));
                known_names.extend(t.uniques.iter().map(|c| c.name.clone()));
                known_names.extend(t.foreign_keys.iter().map(|c| c.name.clone()));
                known_names.extend(t.checks.iter().map(|c| c.name.clone()));
                known_names.extend(t.exclusions.iter().map(|c| c.name.clone()));
            }
            for v in s.views.values() {
                known_names.extend(v.indexes.iter().map(|i| i.name.clone()));
            }
        }
        Replayer {
            catalog: base,
            search_path: DEFAULT_SEARCH_PATH.iter().map(|s| s.to_string()).collect(),
            stats: ReplayStats::default(),
            known_names,
            function_sigs: Default::default(),
            views: Default::default(),
            policy_trees: Default::default(),
            extras: Extras::default(),
            tracked: Default::default(),
            before: None,
            generation: 0,
            exhaustive: false,
            slow: SlowLog::from_env(),
        }
    }

    /// Records from now on, for every object, the statement that created it and the one that
    /// last changed it, in the catalog's [`Catalog::provenance`]. After a statement that can
    /// change only what it names (`CREATE TABLE`, `CREATE INDEX`, policies, comments, most of
    /// `ALTER TABLE`) the objects it names are compared; after any other (a `DO` block, a
    /// rename, a drop…) the whole catalog.
    pub fn record_provenance(&mut self) {
        if self.before.is_none() {
            let mut before = self.catalog.clone();
            before.provenance = Default::default();
            self.before = Some(Box::new(before));
        }
    }

    /// [`Replayer::record_provenance`], comparing the whole catalog after every statement: the
    /// reference the narrower comparisons are tested against.
    #[doc(hidden)]
    pub fn record_provenance_exhaustively(&mut self) {
        self.record_provenance();
        self.exhaustive = true;
    }

    /// Records an index or constraint name (see `known_names`).
    pub(crate) fn remember(&mut self, name: &str) {
        if !self.known_names.contains(name) {
            self.known_names.insert(name.to_string());
        }
    }

    /// Whether a relation (table, view, sequence, composite type or index) called `name`
    /// exists in `schema`.
    pub(crate) fn relation_taken(&self, schema: &str, name: &str) -> bool {
        let Some(s) = self.catalog.schemas.get(schema) else {
            return false;
        };
        s.tables.contains_key(name)
            || s.views.contains_key(name)
            || s.sequences.contains_key(name)
            || s.composites.contains_key(name)
            || (self.known_names.contains(name) && s.index_owner(name).is_some())
    }

    /// Whether a constraint called `name` exists on any table of `schema`.
    pub(crate) fn constraint_taken(&self, schema: &str, name: &str) -> bool {
        self.known_names.contains(name)
            && self
                .catalog
                .schemas
                .get(schema)
                .is_some_and(|s| s.has_constraint(name))
    }

    /// The catalog built so far.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Statement counts so far.
    pub fn stats(&self) -> &ReplayStats {
        &self.stats
    }

    /// Replays one file. Each file is its own session: the search path starts from the default.
    pub fn replay_file(&mut self, sources: &Sources, file: FileId, diags: &mut Diagnostics) {
        let prepared = prepare(sources.get(file), file);
        self.replay_prepared(sources, file, prepared, diags);
    }

    /// Replays one file already [`prepare`]d (preparing is independent per file, so callers
    /// may do it on another thread).
    pub fn replay_prepared(
        &mut self,
        sources: &Sources,
        file: FileId,
        prepared: Prepared,
        diags: &mut Diagnostics,
    ) {
        let source = sources.get(file);
        self.search_path = DEFAULT_SEARCH_PATH.iter().map(|s| s.to_string()).collect();
        self.stats.files += 1;
        self.stats.bytes += source.text.len();
        self.replay_part(sources, file, prepared, diags);
    }

    /// Replays a part of a file after the first (see [`prepare_parts`]): the session goes on.
    pub fn replay_part(
        &mut self,
        sources: &Sources,
        file: FileId,
        prepared: Prepared,
        diags: &mut Diagnostics,
    ) {
        let source = sources.get(file);
        diags.extend(prepared.notes);
        let (lexed, statements, parsed) = match prepared.lexed {
            Ok(l) => l,
            Err((offset, message)) => {
                self.bump_errors();
                diags.push(
                    Diagnostic::error(
                        format!("cannot split this file into statements: {message}"),
                        Some(Span::new(file, offset, offset)),
                    )
                    .with_help("Postgres would reject this file too; nothing in it was replayed"),
                );
                return;
            }
        };
        let path: std::sync::Arc<str> = source.path.display().to_string().into();
        for (raw, (kind, ahead)) in statements.iter().zip(parsed) {
            let stmt = Stmt {
                source,
                file,
                lexed: &lexed,
                raw,
            };
            let started = self.slow.is_some().then(std::time::Instant::now);
            // A bug in schemagen must not take the run down: report it at the statement, in one
            // line (the panic hook stays quiet inside `guarded`).
            let result = crate::panics::guarded(|| self.run_parsed(stmt, kind, ahead, diags))
                .unwrap_or_else(|why| {
                    Err(ReplayError::new(
                        SqlState::InternalError,
                        format!("internal error in schemagen (please report it): {why}"),
                    ))
                });
            if let (Some(slow), Some(t)) = (self.slow.as_mut(), started) {
                slow.record(t.elapsed().as_micros(), stmt);
            }
            let passed_over = matches!(result, Ok(Outcome::PassedOver));
            self.report(stmt, result, diags);
            if !passed_over {
                self.trace(&path, stmt);
            }
        }
    }

    /// Records what the statement just replayed changed, when provenance is recorded.
    fn trace(&mut self, path: &std::sync::Arc<str>, stmt: Stmt<'_>) {
        if let Some(before) = self.before.as_deref_mut() {
            let (line, column) = stmt.source.line_col(stmt.raw.span.start);
            let at = crate::catalog::Place {
                file: path.clone(),
                line,
                column,
            };
            let named = if self.exhaustive {
                None
            } else {
                changes_only_what_it_names(stmt).map(|mut names| {
                    with_descendants(&mut names, &self.catalog);
                    names
                })
            };
            crate::catalog::provenance::track(before, &mut self.catalog, &at, named.as_ref());
        }
    }

    /// Counts and reports the outcome of one statement.
    pub(crate) fn report(&mut self, stmt: Stmt<'_>, result: R<Outcome>, diags: &mut Diagnostics) {
        self.stats.statements += 1;
        match result {
            Ok(Outcome::Understood) => self.stats.understood += 1,
            Ok(Outcome::PassedOver) => self.stats.passed_over += 1,
            Ok(Outcome::NotUnderstood(why)) => {
                self.stats.not_understood += 1;
                self.tracked.skipped.record(
                    crate::sql::replay::guard::track::location(stmt),
                    stmt.text(),
                );
                diags.push(
                    Diagnostic::warning(
                        format!("statement not understood, skipped: {why}"),
                        Some(stmt.raw.span),
                    )
                    .with_label(format!("in `{}`", stmt.head())),
                );
            }
            Err(e) => {
                self.stats.errors += 1;
                let mut d = Diagnostic::error(e.message, Some(e.span.unwrap_or(stmt.raw.span)))
                    .with_label(format!("in `{}`", stmt.head()));
                if e.code == SqlState::SyntaxError {
                    d = d.with_help(
                        "PostgreSQL rejects this statement too: the migration fails at this point",
                    );
                } else if let Some(why) = self.tracked.skipped.explain(&d.message) {
                    d = d.with_help(why);
                }
                diags.push(d);
            }
        }
    }

    /// Counts a failed statement reported outside `report` (inside a `DO` block).
    pub(crate) fn bump_errors(&mut self) {
        self.stats.statements += 1;
        self.stats.errors += 1;
    }

    /// The resulting catalog, with lists sorted as Postgres reports them.
    pub fn finish(mut self) -> Catalog {
        if let Some(slow) = &self.slow {
            slow.print();
        }
        self.catalog.sort();
        self.catalog
    }

    /// The resulting catalog and the statement counts.
    pub fn finish_with_stats(self) -> (Catalog, ReplayStats) {
        let stats = self.stats.clone();
        (self.finish(), stats)
    }

    /// Runs one statement; errors are Postgres's, the outcome says whether it was understood.
    pub(crate) fn run(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> R<Outcome> {
        self.run_parsed(stmt, kind(stmt), Ahead::Nothing, diags)
    }

    /// [`Replayer::run`] with the statement's kind known and what [`prepare`] did ahead.
    fn run_parsed(
        &mut self,
        stmt: Stmt<'_>,
        kind: Kind,
        ahead: Ahead,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let (parsed, lexed_body) = match ahead {
            Ahead::Nothing => (None, None),
            Ahead::Parsed(p) => (Some(*p), None),
            Ahead::DoBody(l) => (None, Some(l)),
        };
        let parse = || parsed.unwrap_or_else(|| parse_statement(stmt.tokens(), RECURSION_LIMIT));
        if kind != Kind::PassOver {
            self.generation += 1;
        }
        // PostgreSQL's scanner refuses `""` wherever it stands, before any grammar rule.
        if let Some(i) = stmt.tokens().iter().position(
            |t| matches!(&t.token, Token::Word(w) if w.quote_style == Some('"') && w.value.is_empty()),
        ) {
            let mut err = ReplayError::new(
                SqlState::SyntaxError,
                "zero-length delimited identifier at or near \"\"\"\"",
            );
            err.span = Some(stmt.token_span(i));
            return Err(err);
        }
        if matches!(kind, Kind::PassOver | Kind::Set | Kind::Select) {
            passed_over::check_end(stmt)?;
        }
        if matches!(kind, Kind::PassOver | Kind::Routine(_)) {
            let (verb, object) = object_kind(&stmt.words(6));
            if !verb.is_empty() {
                passed_over::check_name_is_not_a_string(stmt, &object)?;
            }
        }
        match kind {
            Kind::PassOver => {
                self.track_passed_over(stmt);
                Ok(Outcome::PassedOver)
            }
            Kind::Select => self.select_statement(stmt),
            Kind::Set => self.set_statement(stmt),
            Kind::ResetSearchPath => {
                // `RESET search_path` / `RESET ALL`: back to the session's default.
                self.search_path = DEFAULT_SEARCH_PATH.iter().map(|s| s.to_string()).collect();
                Ok(Outcome::Understood)
            }
            Kind::Routine(verb) => self.routine_statement(stmt, verb, parse),
            Kind::Do => crate::sql::replay::plpgsql::run_do(self, stmt, lexed_body, diags),
            Kind::NotAStatement => {
                let first = stmt.significant().first().map(|&(i, t)| (i, t.to_string()));
                let mut err = ReplayError::new(
                    SqlState::SyntaxError,
                    format!(
                        "syntax error at or near \"{}\"",
                        first.as_ref().map(|f| f.1.as_str()).unwrap_or_default()
                    ),
                );
                err.span = first.map(|(i, _)| stmt.token_span(i));
                Err(err)
            }
            Kind::Parse => match parse() {
                Ok(parsed) => self.apply_parsed(stmt, parsed, diags),
                Err(e) if e.too_deep => self.run_deep(stmt, diags),
                Err(e) => Err(syntax_error(stmt, &e)),
            },
        }
    }

    /// Applies a parsed statement.
    fn apply_parsed(
        &mut self,
        stmt: Stmt<'_>,
        parsed: Parsed,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        match parsed {
            Parsed::Sql(ast, extras) => {
                self.extras = extras;
                let result = self.apply(stmt, &ast, diags);
                let extras = std::mem::take(&mut self.extras);
                if let (Ok(_), Some(kind), Statement::CreateView(v)) =
                    (&result, extras.check_option, ast.as_ref())
                {
                    // `WITH [LOCAL|CASCADED] CHECK OPTION` is the view option `check_option`.
                    let (schema, n) = split_name(&v.name);
                    if let Some(s) =
                        self.find_in_path(schema.as_deref(), &|s| s.views.contains_key(&n))
                    {
                        if let Some(view) = self.catalog.view_mut(&s, &n) {
                            view.options.retain(|o| !o.starts_with("check_option="));
                            view.options.push(format!("check_option={kind}"));
                        }
                    }
                }
                result
            }
            Parsed::Pg(pg, extras) => {
                self.extras = extras;
                let result = self.apply_pg(stmt, &pg, diags);
                self.extras = Extras::default();
                result
            }
        }
    }

    /// A statement nested deeper than [`RECURSION_LIMIT`]: parsed and applied on a thread with
    /// a [`DEEP_STACK`] stack, with [`DEEP_RECURSION_LIMIT`]; deeper still is an error at the
    /// deepest token.
    fn run_deep(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> R<Outcome> {
        let outcome = std::thread::scope(|s| {
            let worker = std::thread::Builder::new()
                .name("schemagen-deep".into())
                .stack_size(DEEP_STACK)
                .spawn_scoped(s, || {
                    crate::panics::guarded(|| self.parse_deep(stmt, diags)).unwrap_or_else(|why| {
                        Err(ReplayError::new(
                            SqlState::InternalError,
                            format!("internal error in schemagen (please report it): {why}"),
                        ))
                    })
                });
            match worker {
                Ok(handle) => handle.join().unwrap_or_else(|_| {
                    Err(ReplayError::new(
                        SqlState::InternalError,
                        "internal error in schemagen (please report it)",
                    ))
                }),
                Err(e) => Err(ReplayError::new(
                    SqlState::StatementTooComplex,
                    format!("statement nested too deeply to read here: {e}"),
                )),
            }
        });
        outcome
    }

    /// The work of [`Replayer::run_deep`], on the deep thread.
    fn parse_deep(&mut self, stmt: Stmt<'_>, diags: &mut Diagnostics) -> R<Outcome> {
        match parse_statement(stmt.tokens(), DEEP_RECURSION_LIMIT) {
            Ok(parsed) => self.apply_parsed(stmt, parsed, diags),
            Err(e) if e.too_deep => {
                let at = crate::sql::parse::deepest_token(stmt.tokens());
                let mut err = ReplayError::new(
                    SqlState::StatementTooComplex,
                    format!(
                        "statement nested too deeply: more than {DEEP_RECURSION_LIMIT} levels \
                         (PostgreSQL's own parser stops at about 9,990 nested parentheses)"
                    ),
                );
                err.span = at.map(|l| token_span_at(stmt, l));
                Err(err)
            }
            Err(e) => Err(syntax_error(stmt, &e)),
        }
    }

    /// `SELECT …`: only `set_config('search_path', …)` matters.
    fn select_statement(&mut self, stmt: Stmt<'_>) -> R<Outcome> {
        let text = stmt.text().to_ascii_lowercase();
        if text.contains("set_config") && text.contains("search_path") {
            if let Ok(Parsed::Sql(ast, _)) = parse_statement(stmt.tokens(), RECURSION_LIMIT) {
                let Statement::Query(q) = *ast else {
                    return Ok(Outcome::PassedOver);
                };
                if let Some(path) = objects::set_config_search_path(&q) {
                    self.search_path = path;
                    return Ok(Outcome::Understood);
                }
            }
        }
        Ok(Outcome::PassedOver)
    }

    /// `SET search_path …` changes name resolution; other settings are passed over.
    fn set_statement(&mut self, stmt: Stmt<'_>) -> R<Outcome> {
        let sig = stmt.significant();
        let mut i = 1;
        let w = |i: usize| sig.get(i).map(|(_, t)| word_of(t)).unwrap_or_default();
        if matches!(w(i).as_str(), "session" | "local") {
            i += 1;
        }
        if w(i) != "search_path" {
            return Ok(Outcome::PassedOver);
        }
        i += 1;
        if matches!(sig.get(i).map(|(_, t)| *t), Some(Token::Eq)) || w(i) == "to" {
            i += 1;
        }
        let mut path = Vec::new();
        for (_, t) in &sig[i.min(sig.len())..] {
            match t {
                Token::Comma => {}
                Token::Word(w)
                    if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("default") =>
                {
                    path = DEFAULT_SEARCH_PATH.iter().map(|s| s.to_string()).collect();
                }
                Token::Word(w) => path.push(if w.quote_style.is_some() {
                    w.value.clone()
                } else {
                    w.value.to_ascii_lowercase()
                }),
                Token::SingleQuotedString(s) => {
                    path.extend(objects::parse_search_path_string(s));
                }
                _ => {
                    return Ok(Outcome::NotUnderstood(
                        "unexpected SET search_path form".into(),
                    ))
                }
            }
        }
        self.search_path = path;
        Ok(Outcome::Understood)
    }

    /// `CREATE/ALTER/DROP FUNCTION|PROCEDURE`: the name is recorded (it matters for how
    /// expressions print and for `DO` guards); otherwise not schema shaping.
    fn routine_statement(
        &mut self,
        stmt: Stmt<'_>,
        verb: &str,
        parse: impl FnOnce() -> Result<Parsed, ParseError>,
    ) -> R<Outcome> {
        if verb == "create" {
            if let Err(e) = crate::sql::parse::routine::check(stmt.tokens()) {
                if e.syntax {
                    return Err(syntax_error(
                        stmt,
                        &ParseError {
                            message: e.message,
                            location: e.location,
                            too_deep: false,
                        },
                    ));
                }
                let err = ReplayError::new(SqlState::InvalidFunctionDefinition, e.message);
                return Err(match e.location {
                    Some(l) => err.at(l).located(stmt),
                    None => err,
                });
            }
        }
        let sig = stmt.significant();
        // The name follows the FUNCTION/PROCEDURE keyword: word [. word].
        let Some(pos) = sig.iter().position(|(_, t)| {
            matches!(
                word_of(t).as_str(),
                "function" | "procedure" | "aggregate" | "routine"
            )
        }) else {
            return Ok(Outcome::PassedOver);
        };
        let mut j = pos + 1;
        if verb == "drop" && word_of(sig.get(j).map(|x| x.1).unwrap_or(&Token::EOF)) == "if" {
            j += 2;
        }
        let ident = |t: &Token| match t {
            Token::Word(w) => Some(if w.quote_style.is_some() {
                w.value.clone()
            } else {
                w.value.to_ascii_lowercase()
            }),
            _ => None,
        };
        let Some(first) = sig.get(j).and_then(|(_, t)| ident(t)) else {
            return Ok(Outcome::PassedOver);
        };
        let (schema, name) = if matches!(sig.get(j + 1).map(|x| x.1), Some(Token::Period)) {
            match sig.get(j + 2).and_then(|(_, t)| ident(t)) {
                Some(n) => (Some(first), n),
                None => return Ok(Outcome::PassedOver),
            }
        } else {
            (None, first)
        };
        let schema = match schema {
            Some(s) => s,
            None if verb == "create" => match self.creation_schema() {
                Ok(s) => s,
                Err(_) => return Ok(Outcome::PassedOver),
            },
            None => match self
                .effective_path()
                .into_iter()
                .find(|s| self.catalog.schemas[s].functions.contains(&name))
            {
                Some(s) => s,
                None => return Ok(Outcome::PassedOver),
            },
        };
        let parsed = matches!(verb, "create" | "drop")
            .then(parse)
            .and_then(Result::ok)
            .and_then(|p| match p {
                Parsed::Sql(ast, _) => Some(*ast),
                Parsed::Pg(..) => None,
            });
        let sig = match &parsed {
            Some(Statement::CreateFunction(cf)) => self.function_sig(&schema, &name, cf),
            _ => None,
        };
        self.track_routine(verb, &schema, &name, parsed.as_ref());
        if verb == "alter" {
            self.track_routine_alter(stmt, &schema, &name);
        }
        let overloads_left = self.tracked.routines.has_name(&schema, &name);
        if let Some(s) = self.catalog.schemas.get_mut(&schema) {
            match verb {
                "create" => {
                    s.functions.insert(name.clone());
                }
                "drop" if !overloads_left => {
                    s.functions.remove(&name);
                    self.function_sigs.remove_name(&schema, &name);
                }
                _ => {}
            }
        }
        if let Some(sig) = sig {
            self.function_sigs.record(sig);
        }
        Ok(Outcome::PassedOver)
    }

    /// The signature of a created function, when its parameter and result types resolve.
    fn function_sig(
        &self,
        schema: &str,
        name: &str,
        cf: &sqlparser::ast::CreateFunction,
    ) -> Option<crate::pg::deparse::FunctionSig> {
        use sqlparser::ast::{ArgMode, FunctionReturnType};
        let mut args = Vec::new();
        let mut defaults = 0;
        let mut variadic = false;
        let mut out_columns = Vec::new();
        for a in cf.args.iter().flatten() {
            if matches!(a.mode, Some(ArgMode::Out | ArgMode::InOut)) {
                let ty = self.resolve_column_type(&a.data_type).ok()?;
                out_columns.push((a.name.as_ref().map(fold).unwrap_or_default(), ty));
            }
            if matches!(a.mode, Some(ArgMode::Out)) {
                continue;
            }
            variadic = matches!(a.mode, Some(ArgMode::Variadic));
            let mut ty = self.resolve_column_type(&a.data_type).ok()?;
            if variadic && !ty.is_array() {
                ty.array_dims = 1;
            }
            if a.default_expr.is_some() {
                defaults += 1;
            }
            args.push(ty);
        }
        let ret = match cf.return_type.as_ref() {
            Some(
                FunctionReturnType::DataType(sqlparser::ast::DataType::Table(Some(cols)))
                | FunctionReturnType::SetOf(sqlparser::ast::DataType::Table(Some(cols))),
            ) => {
                out_columns.clear();
                for c in cols {
                    out_columns.push((fold(&c.name), self.resolve_column_type(&c.data_type).ok()?));
                }
                crate::catalog::SqlType::builtin("record")
            }
            Some(FunctionReturnType::DataType(dt) | FunctionReturnType::SetOf(dt)) => {
                self.resolve_column_type(dt).ok()?
            }
            // Only OUT parameters: their row, or the single one's type.
            None if out_columns.len() == 1 => out_columns[0].1.clone(),
            None if !out_columns.is_empty() => crate::catalog::SqlType::builtin("record"),
            None => return None,
        };
        if out_columns.len() > 1 && !ret.is("record") {
            out_columns.clear();
        }
        Some(crate::pg::deparse::FunctionSig {
            schema: schema.to_string(),
            name: name.to_string(),
            args,
            ret,
            variadic,
            defaults,
            out_columns,
        })
    }

    /// Applies a parsed statement.
    fn apply(&mut self, stmt: Stmt<'_>, ast: &Statement, diags: &mut Diagnostics) -> R<Outcome> {
        match ast {
            Statement::CreateTable(ct) => {
                let outcome = self.create_table(stmt, ct, diags)?;
                if outcome == Outcome::Understood {
                    self.track_created_table(&ct.name, ct.query.is_some());
                }
                Ok(outcome)
            }
            Statement::AlterTable(at) => {
                if at.table_type.is_some() {
                    return Ok(Outcome::PassedOver);
                }
                self.alter_table(&crate::sql::parse::ast::AlterTable {
                    if_exists: at.if_exists,
                    only: at.only,
                    name: at.name.clone(),
                    actions: at
                        .operations
                        .iter()
                        .cloned()
                        .map(crate::sql::parse::ast::AlterTableAction::Sql)
                        .collect(),
                })
            }
            Statement::CreateIndex(ci) => self.create_index(ci),
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => self.create_schema(schema_name, *if_not_exists),
            Statement::AlterSchema(a) => self.alter_schema(a),
            Statement::CreateType {
                name,
                representation,
            } => self
                .create_type(name, representation.as_ref())
                .map_err(|e| e.located(stmt)),
            Statement::AlterType(a) => self.alter_type(a).map_err(|e| e.located(stmt)),
            Statement::CreateDomain(d) => self.create_domain(d),
            Statement::CreateView(v) => self.create_view(stmt, v, diags),
            Statement::AlterView(v) => self.alter_view(stmt, v, diags),
            Statement::CreateSequence {
                if_not_exists,
                name,
                sequence_options,
                ..
            } => self.create_sequence(name, *if_not_exists, sequence_options),
            Statement::Comment {
                object_type,
                object_name,
                comment,
                if_exists,
            } => self.comment(*object_type, object_name, comment.as_deref(), *if_exists),
            Statement::CreatePolicy(p) => self.create_policy(p),
            Statement::AlterPolicy(p) => self.alter_policy(p),
            Statement::DropPolicy(p) => self.drop_policy(p),
            Statement::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                ..
            } => self.drop(*object_type, names, *if_exists, *cascade, diags, stmt),
            Statement::DropDomain(d) => self.drop_domain(d),
            Statement::CreateExtension(e) => self.create_extension(e),
            Statement::DropExtension(e) => self.drop_extension(e),
            Statement::AlterIndex { name, operation } => self.alter_index(name, operation),
            Statement::RenameTable(r) => {
                for r in r {
                    self.rename_relation(&r.old_name, &r.new_name, false)?;
                }
                Ok(Outcome::Understood)
            }
            Statement::CreateFunction(_)
            | Statement::CreateTrigger(_)
            | Statement::DropTrigger(_)
            | Statement::DropFunction(_)
            | Statement::AlterFunction(_)
            | Statement::AlterTrigger(_)
            | Statement::CreateRole(_)
            | Statement::Grant(_)
            | Statement::Revoke(_)
            | Statement::AlterDefaultPrivileges(_)
            | Statement::Query(_)
            | Statement::Insert(_)
            | Statement::Update(_)
            | Statement::Delete(_)
            | Statement::Set(_)
            | Statement::AlterRole { .. }
            | Statement::CreateProcedure { .. }
            | Statement::DropProcedure { .. }
            | Statement::Analyze(_)
            | Statement::Truncate(_)
            | Statement::Copy { .. }
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. } => Ok(Outcome::PassedOver),
            other => Ok(Outcome::NotUnderstood(format!(
                "{} statements are not replayed",
                statement_kind(other)
            ))),
        }
    }

    // ---- name resolution ---------------------------------------------------------------

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

/// Parses a statement's tokens; exactly one statement is expected.
/// A file tokenized, split into statements and, where that needs no catalog, parsed: the part
/// of replay that does not depend on earlier files, so it can run ahead on another thread.
pub struct Prepared {
    /// Tokens, statements, each statement's kind and what was done ahead for it; or where
    /// and why the file could not be tokenized.
    lexed: PreparedParts,
    /// Notes from splitting (psql meta-commands skipped).
    notes: Diagnostics,
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

/// Prepares one file for [`Replayer::replay_prepared`].
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
/// `emit` as soon as it is ready: the first for [`Replayer::replay_prepared`], the others for
/// [`Replayer::replay_part`]. The syntax trees of a long file (a `pg_dump` baseline) are then
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
    for (a, b) in starts.zip(ends) {
        let mut notes = Diagnostics::new();
        let lexed = lex(source, a, b - a).map(|lexed| {
            let statements = split(file, &lexed, &mut notes);
            let parsed = ahead(source, file, &lexed, &statements);
            (lexed, statements, parsed)
        });
        let failed = lexed.is_err();
        if !emit(Prepared { lexed, notes }) || failed {
            return;
        }
    }
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
enum Ahead {
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
enum Kind {
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

fn kind(stmt: Stmt<'_>) -> Kind {
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

/// A short name for a statement variant, for messages.
fn statement_kind(s: &Statement) -> String {
    let text = s.to_string();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}
