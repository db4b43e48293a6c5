//! Transaction control in a migration file: `BEGIN` … `ROLLBACK`, savepoints.
//!
//! The Supabase CLI (and psql) run a file's statements one after another, each committing on
//! its own unless the file opens a transaction block. Measured with `supabase migration up`
//! 2.117.0: `create table a(); begin; create table b(); rollback; create table c();` leaves `a`
//! and `c`; `ROLLBACK TO SAVEPOINT s` undoes what followed `SAVEPOINT s`; a `ROLLBACK` outside a
//! transaction block only warns. The replay does the same: opening a block (or a savepoint)
//! keeps a copy of the replayer's state, a rollback goes back to it.
//!
//! A copy costs as much as the catalog, and most files that say `BEGIN` end with `COMMIT`, so a
//! file is watched only when its text contains `rollback` or `abort` (in any case); no other
//! statement can roll a transaction back.

use super::{Replayer, Stmt};
use sqlparser::tokenizer::Token;

/// The open transaction block: the state to go back to at `ROLLBACK`, and at each savepoint.
#[derive(Debug, Clone)]
pub(crate) struct Transaction {
    begin: Box<Replayer>,
    savepoints: Vec<(String, Box<Replayer>)>,
}

/// What a transaction-control statement does.
enum Control {
    Begin,
    /// `COMMIT`, `END`; `chain`: `AND CHAIN` opens the next block at once.
    Commit {
        chain: bool,
    },
    Rollback {
        chain: bool,
    },
    Savepoint(String),
    RollbackTo(String),
    Release(String),
}

/// Whether a file's text can roll a transaction back (see the module's note).
pub(crate) fn may_roll_back(text: &str) -> bool {
    static WORDS: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    let words = WORDS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["rollback", "abort"])
            .ok()
    });
    // Without the automaton (it cannot fail to build for two words), watch every file.
    words.as_ref().is_none_or(|w| w.is_match(text))
}

fn control(stmt: Stmt<'_>) -> Option<Control> {
    let w = stmt.words(8);
    let at = |i: usize| w.get(i).map(String::as_str).unwrap_or_default();
    // `[WORK | TRANSACTION]` after the verb.
    let skip_noise = |i: usize| {
        if matches!(at(i), "work" | "transaction") {
            i + 1
        } else {
            i
        }
    };
    let chain = |i: usize| at(i) == "and" && at(i + 1) == "chain";
    // A savepoint's name, folded as an identifier.
    let name_after = |i: usize| {
        let i = if at(i) == "savepoint" { i + 1 } else { i };
        match stmt.significant().get(i).map(|&(_, t)| t) {
            Some(Token::Word(w)) if w.quote_style.is_some() => Some(w.value.clone()),
            Some(Token::Word(w)) => Some(w.value.to_ascii_lowercase()),
            _ => None,
        }
    };
    match at(0) {
        "begin" | "start" => Some(Control::Begin),
        "commit" | "end" if at(1) != "prepared" => Some(Control::Commit {
            chain: chain(skip_noise(1)),
        }),
        "abort" => Some(Control::Rollback {
            chain: chain(skip_noise(1)),
        }),
        "rollback" if at(1) != "prepared" => {
            let i = skip_noise(1);
            if at(i) == "to" {
                name_after(i + 1).map(Control::RollbackTo)
            } else {
                Some(Control::Rollback { chain: chain(i) })
            }
        }
        "savepoint" => name_after(1).map(Control::Savepoint),
        "release" => name_after(1).map(Control::Release),
        _ => None,
    }
}

impl Replayer {
    /// A copy of the state a rollback returns to (without the open block or provenance).
    fn snapshot(&mut self) -> Box<Replayer> {
        let tx = self.tx.take();
        let before = self.before.take();
        let copy = Box::new(self.clone());
        self.tx = tx;
        self.before = before;
        copy
    }

    /// Goes back to `saved`, keeping what belongs to the run rather than the database: the
    /// statement counts, provenance, limits, and a generation no compiled query has seen.
    fn restore(&mut self, saved: &Replayer) {
        let mut back = saved.clone();
        back.stats = std::mem::take(&mut self.stats);
        back.slow = self.slow.take();
        back.before = self.before.take();
        back.exhaustive = self.exhaustive;
        back.do_limits = self.do_limits;
        back.generation = self.generation + 1;
        back.tx = self.tx.take();
        back.may_roll_back = self.may_roll_back;
        // Whether a block is open is what the statement just decided, not what it was then.
        back.open_block = self.open_block.take();
        // Provenance compares the whole catalog: a rollback names nothing.
        back.ran_routine = true;
        *self = back;
    }

    /// Applies `BEGIN`, `COMMIT`, `ROLLBACK`, savepoints; `true` when the catalog went back.
    pub(crate) fn transaction_control(&mut self, stmt: Stmt<'_>) -> bool {
        let first = stmt.words(1);
        if !matches!(
            first.first().map(String::as_str),
            Some(
                "begin"
                    | "start"
                    | "commit"
                    | "end"
                    | "abort"
                    | "rollback"
                    | "savepoint"
                    | "release"
            )
        ) {
            return false;
        }
        let Some(control) = control(stmt) else {
            return false;
        };
        // Where the open block began, for the warning when a file leaves it open.
        match control {
            Control::Begin => {
                self.open_block.get_or_insert(stmt.raw.span);
                self.autocommit = false;
            }
            Control::Commit { chain } | Control::Rollback { chain } => {
                self.open_block = chain.then_some(stmt.raw.span);
                self.new_enum_values.clear();
                self.autocommit = !chain;
                // A search path set for the transaction (`SET LOCAL`) ends with it.
                if let Some(path) = self.local_path_restore.take() {
                    self.search_path = path;
                }
            }
            _ => {}
        }
        if !self.may_roll_back {
            return false;
        }
        match control {
            Control::Begin => {
                // A second `BEGIN` only warns in PostgreSQL.
                if self.tx.is_none() {
                    self.open_transaction();
                }
                false
            }
            Control::Commit { chain } => {
                self.tx = None;
                if chain {
                    self.open_transaction();
                }
                false
            }
            Control::Rollback { chain } => {
                let saved = self.tx.take().map(|t| t.begin);
                let rolled = match saved {
                    Some(saved) => {
                        self.restore(&saved);
                        true
                    }
                    None => false,
                };
                if chain {
                    self.open_transaction();
                }
                rolled
            }
            Control::Savepoint(name) => {
                if self.tx.is_some() {
                    let copy = self.snapshot();
                    if let Some(tx) = self.tx.as_mut() {
                        tx.savepoints.push((name, copy));
                    }
                }
                false
            }
            Control::RollbackTo(name) => {
                let Some(mut tx) = self.tx.take() else {
                    return false;
                };
                let Some(at) = tx.savepoints.iter().rposition(|(n, _)| *n == name) else {
                    self.tx = Some(tx);
                    return false;
                };
                // The savepoint stays; those opened after it are gone.
                tx.savepoints.truncate(at + 1);
                let saved = tx.savepoints[at].1.clone();
                self.tx = Some(tx);
                self.restore(&saved);
                true
            }
            Control::Release(name) => {
                if let Some(tx) = self.tx.as_mut() {
                    if let Some(at) = tx.savepoints.iter().rposition(|(n, _)| *n == name) {
                        tx.savepoints.truncate(at);
                    }
                }
                false
            }
        }
    }

    /// Warns when the file just replayed left a transaction block open. psql rolls it back when
    /// it disconnects; `supabase migration up` 2.117.0 reports success, runs every later file
    /// inside the same block and rolls them all back with their history rows (measured). The
    /// replay keeps what the block made.
    pub(crate) fn end_of_file(&mut self, diags: &mut crate::diagnostics::Diagnostics) {
        self.tx = None;
        self.new_enum_values.clear();
        self.autocommit = false;
        if let Some(span) = self.open_block.take() {
            diags.push(
                crate::diagnostics::Diagnostic::warning(
                    "this transaction block is never ended: the file has no COMMIT after it",
                    Some(span),
                )
                .with_help(
                    "PostgreSQL rolls the block back when the session ends, and `supabase migration up` \
                     then runs every later migration inside it and loses them all, while reporting \
                     success; add COMMIT; at the end of the file (the replay keeps what the block made)",
                ),
            );
        }
    }

    fn open_transaction(&mut self) {
        let begin = self.snapshot();
        self.tx = Some(Box::new(Transaction {
            begin,
            savepoints: Vec::new(),
        }));
    }
}
