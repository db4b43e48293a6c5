//! `CREATE SCHEMA s [AUTHORIZATION r] CREATE TABLE … CREATE VIEW … GRANT …`: a schema created
//! with its elements in one statement (PostgreSQL's `schema_stmt`).
//!
//! sqlparser reads only the schema part, so the statement is cut at each element (an unquoted
//! `CREATE` or `GRANT` outside parentheses: both are reserved words, so they cannot be a bare
//! name inside an element) and each element is replayed as a statement of its own, as
//! PostgreSQL 15 does in `CreateSchemaCommand`: the new schema first in the search path, the
//! elements in the order `transformCreateSchemaStmt` gives them (sequences, tables, views,
//! indexes, triggers, grants, each in the order written), an element naming another schema
//! refused (42P15), and `IF NOT EXISTS` refused with elements.

use sqlparser::tokenizer::Token;

use super::{word_of, Outcome, ReplayError, Replayer, SqlState, Stmt, R};
use crate::diagnostics::{Diagnostics, Span};
use crate::sql::split::RawStatement;

/// The kinds of element `schema_stmt` allows, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Element {
    Sequence,
    Table,
    View,
    Index,
    Trigger,
    Grant,
}

/// An identifier token's folded text.
fn ident(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
        _ => None,
    }
}

impl Replayer {
    /// Replays a `CREATE SCHEMA` with schema elements; `None` when `stmt` is not one (its
    /// syntax error stands).
    pub(crate) fn schema_elements(
        &mut self,
        stmt: Stmt<'_>,
        diags: &mut Diagnostics,
    ) -> Option<R<Outcome>> {
        let sig = stmt.significant();
        let w = |k: usize| sig.get(k).map(|(_, t)| word_of(t)).unwrap_or_default();
        if w(0) != "create" || w(1) != "schema" {
            return None;
        }
        let if_not_exists = w(2) == "if" && w(3) == "not" && w(4) == "exists";
        let mut k = if if_not_exists { 5 } else { 2 };
        let role = |k: usize| match w(k).as_str() {
            "current_user" | "session_user" | "current_role" => Some("postgres".to_string()),
            _ => sig.get(k).and_then(|(_, t)| ident(t)),
        };
        let schema = if w(k) == "authorization" {
            k += 2;
            role(k - 1)?
        } else {
            let name = sig.get(k).and_then(|(_, t)| ident(t))?;
            k += 1;
            if w(k) == "authorization" {
                k += 2;
            }
            name
        };
        if !matches!(w(k).as_str(), "create" | "grant") {
            return None;
        }
        // Where each element starts (indexes into `sig`).
        let mut starts = Vec::new();
        let mut depth = 0i32;
        for (j, (_, t)) in sig.iter().enumerate().skip(k) {
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                _ if depth == 0 && matches!(word_of(t).as_str(), "create" | "grant") => {
                    starts.push(j)
                }
                _ => {}
            }
        }
        if if_not_exists {
            let mut err = ReplayError::new(
                SqlState::FeatureNotSupported,
                "CREATE SCHEMA IF NOT EXISTS cannot include schema elements",
            );
            err.span = Some(stmt.token_span(sig[k].0));
            return Some(Err(err));
        }
        let raw = |from: usize, to: usize| {
            // `from..to` in `sig`; the range of tokens from the first to the last.
            let first = stmt.raw.tokens.start + sig[from].0;
            let last = stmt.raw.tokens.start + sig[to - 1].0;
            RawStatement {
                span: Span::new(
                    stmt.file,
                    stmt.lexed.offsets[first],
                    stmt.lexed.offsets[last + 1],
                ),
                tokens: first..last + 1,
            }
        };
        let mut elements = Vec::with_capacity(starts.len());
        for (n, &from) in starts.iter().enumerate() {
            let to = starts.get(n + 1).copied().unwrap_or(sig.len());
            let words: Vec<String> = sig[from..to].iter().map(|(_, t)| word_of(t)).collect();
            let kind = match element_kind(&words) {
                Ok(kind) => kind,
                Err(at) => {
                    let mut err = ReplayError::new(
                        SqlState::SyntaxError,
                        format!("syntax error at or near \"{}\"", sig[from + at].1),
                    );
                    err.span = Some(stmt.token_span(sig[from + at].0));
                    return Some(Err(err));
                }
            };
            if let Some((at, other)) = other_schema(kind, &sig[from..to], &schema) {
                let mut err = ReplayError::new(
                    SqlState::Raised("invalid_schema_definition"),
                    format!(
                        "CREATE specifies a schema ({other}) different from the one being created ({schema})"
                    ),
                );
                err.span = Some(stmt.token_span(sig[from + at].0));
                return Some(Err(err));
            }
            elements.push((kind, raw(from, to)));
        }
        // Stable: the order written within each kind.
        elements.sort_by_key(|(kind, _)| *kind);
        let header = raw(0, starts[0]);
        let result = self.run(
            Stmt {
                raw: &header,
                ..stmt
            },
            diags,
        );
        if result.is_err() {
            return Some(result);
        }
        let saved = self.search_path.clone();
        self.search_path.insert(0, schema);
        let mut outcome = Outcome::Understood;
        for (_, raw) in &elements {
            match self.run(Stmt { raw, ..stmt }, diags) {
                Ok(Outcome::NotUnderstood(why)) if matches!(outcome, Outcome::Understood) => {
                    outcome = Outcome::NotUnderstood(why)
                }
                Ok(_) => {}
                Err(e) => {
                    self.search_path = saved;
                    return Some(Err(e));
                }
            }
        }
        self.search_path = saved;
        // Provenance compares the whole catalog (the statement names only the schema).
        self.ran_routine = true;
        Some(Ok(outcome))
    }
}

/// The kind of the element whose words are `w`; else the index of the word PostgreSQL's
/// grammar stops at.
fn element_kind(w: &[String]) -> Result<Element, usize> {
    if w[0] == "grant" {
        return Ok(Element::Grant);
    }
    let mut i = 1;
    if w.get(1).map(String::as_str) == Some("or") {
        i = 3;
    }
    while matches!(
        w.get(i).map(String::as_str),
        Some("unique" | "temp" | "temporary" | "unlogged" | "local" | "global" | "recursive")
    ) {
        i += 1;
    }
    match w.get(i).map(String::as_str) {
        Some("table") => Ok(Element::Table),
        Some("view") => Ok(Element::View),
        Some("index") => Ok(Element::Index),
        Some("sequence") => Ok(Element::Sequence),
        Some("trigger") => Ok(Element::Trigger),
        Some("constraint") if w.get(i + 1).map(String::as_str) == Some("trigger") => {
            Ok(Element::Trigger)
        }
        _ => Err(i.min(w.len().saturating_sub(1))),
    }
}

/// The schema an element names when it is not `schema` (and where): the object a table, view
/// or sequence element creates, the table an index or trigger is on.
fn other_schema(kind: Element, sig: &[(usize, &Token)], schema: &str) -> Option<(usize, String)> {
    let w = |k: usize| sig.get(k).map(|(_, t)| word_of(t)).unwrap_or_default();
    let name_at = match kind {
        Element::Grant => return None,
        Element::Table | Element::View | Element::Sequence => {
            let mut k = (0..sig.len())
                .find(|&k| matches!(w(k).as_str(), "table" | "view" | "sequence"))?
                + 1;
            if w(k) == "if" {
                k += 3;
            }
            k
        }
        Element::Index | Element::Trigger => {
            let mut k = (0..sig.len()).find(|&k| w(k) == "on")? + 1;
            if w(k) == "only" {
                k += 1;
            }
            k
        }
    };
    if !matches!(sig.get(name_at + 1), Some((_, Token::Period))) {
        return None;
    }
    let named = ident(sig.get(name_at)?.1)?;
    (named != schema).then_some((name_at, named))
}
