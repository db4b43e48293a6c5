//! A replay session: starting from a base catalog, replaying files and their parts, counting and
//! reporting outcomes, recording provenance, the slow-statement log.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::catalog::{truncate_identifier, Catalog};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Sources, Span};
use crate::sql::parse::Extras;
use crate::sql::split::lex;

use super::prepare::{kind, prepare, Kind, Prepared};
use super::{Outcome, ReplayError, ReplayStats, Replayer, SqlState, Stmt, DEFAULT_SEARCH_PATH, R};

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

/// The slowest statements replayed so far (see `Replayer::slow`).
#[derive(Debug, Clone)]
pub(super) struct SlowLog {
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
        // The history's views come after the base's (see `View::row_order`).
        let row_clock = base
            .schemas
            .values()
            .flat_map(|s| s.views.values())
            .map(|v| v.row_order)
            .max()
            .unwrap_or(0);
        Replayer {
            catalog: base,
            search_path: DEFAULT_SEARCH_PATH.iter().map(|s| s.to_string()).collect(),
            local_path_restore: None,
            tx: None,
            may_roll_back: false,
            open_block: None,
            stats: ReplayStats::default(),
            known_names,
            function_sigs: Default::default(),
            views: Default::default(),
            policy_trees: Default::default(),
            extras: Extras::default(),
            tracked: Default::default(),
            before: None,
            generation: 0,
            row_clock,
            new_enum_values: Vec::new(),
            autocommit: false,
            exhaustive: false,
            slow: SlowLog::from_env(),
            do_limits: Default::default(),
            ran_routine: false,
            foreign_tables: false,
            temp_relations: Default::default(),
        }
    }

    /// Lowers how many loop iterations and SQL statements one `DO` block may run before it is
    /// reported as a loop PostgreSQL would not finish (by default 1,000,000 and 20,000). The fuzz
    /// targets use small limits so that an endless loop costs milliseconds, not seconds.
    #[doc(hidden)]
    pub fn limit_do_blocks(&mut self, iterations: usize, statements: usize) {
        self.do_limits = crate::sql::replay::plpgsql::DoLimits {
            iterations,
            statements,
        };
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
        self.local_path_restore = None;
        self.end_of_file(diags);
        self.may_roll_back = super::transactions::may_roll_back(&source.text);
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
            self.ran_routine = false;
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
            let named = if self.exhaustive || std::mem::take(&mut self.ran_routine) {
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

    /// Ends the last file replayed: reports what it left unfinished (a transaction block).
    pub fn end_of_history(&mut self, diags: &mut Diagnostics) {
        self.end_of_file(diags);
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
}
