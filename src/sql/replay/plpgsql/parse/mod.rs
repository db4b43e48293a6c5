//! The plpgsql grammar of PostgreSQL 15 (`pl_gram.y`) over sqlparser's tokens: blocks with
//! declarations and exception handlers, IF/CASE, the loops, EXIT/CONTINUE, RAISE, ASSERT,
//! PERFORM, EXECUTE, GET DIAGNOSTICS, assignments and SQL statements (their `INTO` clause taken
//! out, as plpgsql does). Nesting deeper than PostgreSQL's parser allows is its syntax error;
//! the recursion grows its stack on demand, so no input overflows it.

mod blocks;
mod control;
mod simple;

use std::ops::Range;

use sqlparser::tokenizer::Token;

use super::ast::{Body, Kind, PStmt, SId, Src};
use crate::diagnostics::SourceFile;
use crate::sql::replay::word_of;
use crate::sql::split::{is_trivia, Lexed};

/// Compound statements nested deeper than this are a syntax error (PostgreSQL's parser runs out
/// of stack at about 3,330 levels: "memory exhausted").
pub(crate) const MAX_NESTING: usize = 3_300;

/// A syntax error PostgreSQL would raise: message and token index where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub at: usize,
}

type PResult<T> = Result<T, SyntaxError>;

/// Parses a `DO` body.
pub(crate) fn parse_body(source: &SourceFile, lexed: &Lexed) -> PResult<Body> {
    let sig: Vec<usize> = (0..lexed.tokens.len())
        .filter(|&i| {
            !is_trivia(&lexed.tokens[i].token) && !matches!(lexed.tokens[i].token, Token::EOF)
        })
        .collect();
    let mut p = Parser {
        source,
        lexed,
        sig,
        p: 0,
        stmts: Vec::new(),
        depth: 0,
        declared: vec![vec!["found".to_string()]],
    };
    let label = p.label();
    let root = p.block(label)?;
    if p.p < p.sig.len() {
        return Err(p.error("syntax error at or near"));
    }
    Ok(Body {
        stmts: p.stmts,
        root,
    })
}

struct Parser<'a> {
    source: &'a SourceFile,
    lexed: &'a Lexed,
    sig: Vec<usize>,
    p: usize,
    stmts: Vec<PStmt>,
    depth: usize,
    /// Variables declared by the enclosing blocks (assignments are told from SQL by them).
    declared: Vec<Vec<String>>,
}

impl<'a> Parser<'a> {
    fn tok(&self, i: usize) -> Option<&'a Token> {
        self.sig.get(i).map(|&r| &self.lexed.tokens[r].token)
    }

    fn word(&self, i: usize) -> String {
        self.tok(i).map(word_of).unwrap_or_default()
    }

    fn peek(&self) -> String {
        self.word(self.p)
    }

    fn raw(&self, i: usize) -> usize {
        self.sig.get(i).copied().unwrap_or(self.lexed.tokens.len())
    }

    /// Raw token range of significant tokens `a..b`.
    fn range(&self, a: usize, b: usize) -> Range<usize> {
        if b <= a {
            let r = self.raw(a);
            return r..r;
        }
        self.raw(a)..self.raw(b - 1) + 1
    }

    fn error(&self, what: &str) -> SyntaxError {
        let near = match self.tok(self.p) {
            Some(t) => format!("{what} \"{t}\""),
            None => format!("{what} end of input"),
        };
        SyntaxError {
            message: near,
            at: self.raw(self.p.min(self.sig.len().saturating_sub(1))),
        }
    }

    fn expect_word(&mut self, w: &str) -> PResult<()> {
        if self.peek() == w {
            self.p += 1;
            Ok(())
        } else {
            Err(self.error(&format!(
                "syntax error (expected {}) at or near",
                w.to_uppercase()
            )))
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self.peek() == w {
            self.p += 1;
            true
        } else {
            false
        }
    }

    fn is(&self, i: usize, t: &Token) -> bool {
        self.tok(i) == Some(t)
    }

    fn expect_semicolon(&mut self) -> PResult<()> {
        if self.is(self.p, &Token::SemiColon) {
            self.p += 1;
            Ok(())
        } else {
            Err(self.error("syntax error at or near"))
        }
    }

    /// Significant tokens up to (not including) one of `stops` (words, or `;` as ";") at
    /// bracket depth 0; the stop is not consumed.
    fn until(&mut self, stops: &[&str]) -> PResult<Range<usize>> {
        let start = self.p;
        let mut depth = 0i32;
        while let Some(t) = self.tok(self.p) {
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::SemiColon if depth <= 0 && stops.contains(&";") => break,
                Token::Comma if depth <= 0 && stops.contains(&",") => break,
                Token::SemiColon if depth <= 0 => {
                    return Err(self.error("syntax error at or near"));
                }
                t if depth <= 0
                    && stops.contains(&word_of(t).as_str())
                    && !word_of(t).is_empty() =>
                {
                    break
                }
                _ => {}
            }
            self.p += 1;
        }
        if self.p >= self.sig.len() {
            return Err(self.error("syntax error at"));
        }
        Ok(start..self.p)
    }

    fn src(&self, sig: Range<usize>) -> Src {
        Src::of(self.range(sig.start, sig.end))
    }

    /// An expression up to a stop word; the expression must not be empty.
    fn expr_until(&mut self, stops: &[&str]) -> PResult<Src> {
        let r = self.until(stops)?;
        if r.is_empty() {
            return Err(self.error("syntax error at or near"));
        }
        Ok(self.src(r))
    }

    /// `<<label>>`.
    fn label(&mut self) -> Option<String> {
        if self.is(self.p, &Token::ShiftLeft) && self.is(self.p + 2, &Token::ShiftRight) {
            let l = self.ident(self.p + 1);
            self.p += 3;
            return l;
        }
        None
    }

    fn ident(&self, i: usize) -> Option<String> {
        match self.tok(i)? {
            Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
            Token::Word(w) => Some(w.value.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn push(&mut self, kind: Kind, start: usize) -> SId {
        let at = self.range(start, self.p);
        self.stmts.push(PStmt { kind, at });
        self.stmts.len() - 1
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(SyntaxError {
                message: format!(
                    "statements nested more than {MAX_NESTING} levels deep (PostgreSQL's parser \
                     stops with \"memory exhausted\")"
                ),
                at: self.raw(self.p),
            });
        }
        Ok(())
    }
}
