//! `IF`, `CASE`, and the `FOR` (integer, query, `EXECUTE`) and `FOREACH` loops.

use std::ops::Range;

use sqlparser::tokenizer::Token;

use crate::sql::replay::plpgsql::ast::{Kind, Rows, SId, Src, Target};
use crate::sql::replay::word_of;
use crate::sql::split::{lex, Lexed};

use super::{PResult, Parser, SyntaxError};

impl<'a> Parser<'a> {
    pub(super) fn if_stmt(&mut self, start: usize) -> PResult<SId> {
        self.enter()?;
        self.p += 1;
        let mut branches = Vec::new();
        let cond = self.expr_until(&["then"])?;
        self.p += 1;
        let body = self.stmts_until(&["elsif", "elseif", "else", "end"])?;
        branches.push((cond, body));
        let mut otherwise = Vec::new();
        loop {
            match self.peek().as_str() {
                "elsif" | "elseif" => {
                    self.p += 1;
                    let cond = self.expr_until(&["then"])?;
                    self.p += 1;
                    let body = self.stmts_until(&["elsif", "elseif", "else", "end"])?;
                    branches.push((cond, body));
                }
                "else" => {
                    self.p += 1;
                    otherwise = self.stmts_until(&["end"])?;
                }
                _ => break,
            }
        }
        self.expect_word("end")?;
        self.expect_word("if")?;
        self.expect_semicolon()?;
        self.depth -= 1;
        Ok(self.push(
            Kind::If {
                branches,
                otherwise,
            },
            start,
        ))
    }

    pub(super) fn case_stmt(&mut self, start: usize) -> PResult<SId> {
        self.enter()?;
        self.p += 1;
        let op = self.until(&["when"])?;
        let operand = (!op.is_empty()).then(|| self.src(op));
        let mut whens = Vec::new();
        while self.eat_word("when") {
            let r = self.until(&["then"])?;
            self.p += 1;
            let mut vals = Vec::new();
            if operand.is_some() {
                // Comma-separated values.
                let mut a = r.start;
                let mut depth = 0;
                for i in r.clone() {
                    match self.tok(i) {
                        Some(Token::LParen | Token::LBracket) => depth += 1,
                        Some(Token::RParen | Token::RBracket) => depth -= 1,
                        Some(Token::Comma) if depth == 0 => {
                            vals.push(self.src(a..i));
                            a = i + 1;
                        }
                        _ => {}
                    }
                }
                vals.push(self.src(a..r.end));
            } else {
                vals.push(self.src(r));
            }
            let body = self.stmts_until(&["when", "else", "end"])?;
            whens.push((vals, body));
        }
        let otherwise = if self.eat_word("else") {
            Some(self.stmts_until(&["end"])?)
        } else {
            None
        };
        self.expect_word("end")?;
        self.expect_word("case")?;
        self.expect_semicolon()?;
        self.depth -= 1;
        Ok(self.push(
            Kind::Case {
                operand,
                whens,
                otherwise,
            },
            start,
        ))
    }

    pub(super) fn targets(&mut self) -> PResult<Vec<Target>> {
        let mut out = Vec::new();
        loop {
            let Some(first) = self.ident(self.p) else {
                return Err(self.error("syntax error at or near"));
            };
            self.p += 1;
            if self.is(self.p, &Token::Period) {
                if let Some(second) = self.ident(self.p + 1) {
                    self.p += 2;
                    out.push(Target::Field(first, second));
                } else {
                    return Err(self.error("syntax error at or near"));
                }
            } else {
                out.push(Target::Var(first));
            }
            if self.is(self.p, &Token::Comma) {
                self.p += 1;
                continue;
            }
            return Ok(out);
        }
    }

    pub(super) fn for_stmt(&mut self, start: usize, label: Option<String>) -> PResult<SId> {
        self.p += 1;
        let targets = self.targets()?;
        self.expect_word("in")?;
        let reverse = self.eat_word("reverse");
        let head = self.until(&["loop"])?;
        self.p += 1;
        if self.word(head.start) == "execute" {
            // FOR … IN EXECUTE expr [USING …]
            let save = self.p;
            self.p = head.start + 1;
            let expr_r = self.until_within(head.end, &["using"]);
            let expr = self.src(expr_r);
            let mut using = Vec::new();
            if self.word(self.p) == "using" {
                self.p += 1;
                using = self.split_commas(self.p..head.end);
            }
            self.p = save;
            let body = self.loop_body()?;
            return Ok(self.push(
                Kind::ForRows {
                    label,
                    targets,
                    rows: Rows::Execute { expr, using },
                    body,
                },
                start,
            ));
        }
        if let Some((lower, upper, step)) = self.int_range(head.clone())? {
            let var = match &targets[..] {
                [Target::Var(v)] => v.clone(),
                _ => return Err(self.error("syntax error at or near")),
            };
            self.declared.push(vec![var.clone()]);
            let body = self.loop_body();
            self.declared.pop();
            let body = body?;
            return Ok(self.push(
                Kind::ForInt {
                    label,
                    var,
                    reverse,
                    lower,
                    upper,
                    step,
                    body,
                },
                start,
            ));
        }
        let first = self.word(head.start);
        let rows = if matches!(first.as_str(), "select" | "with" | "values" | "table")
            || self.is(head.start, &Token::LParen)
        {
            Rows::Query(self.src(head))
        } else {
            Rows::Cursor(self.ident(head.start).unwrap_or_default())
        };
        let body = self.loop_body()?;
        Ok(self.push(
            Kind::ForRows {
                label,
                targets,
                rows,
                body,
            },
            start,
        ))
    }

    /// Tokens from `self.p` up to a stop word or `end` (exclusive).
    fn until_within(&mut self, end: usize, stops: &[&str]) -> Range<usize> {
        let start = self.p;
        let mut depth = 0;
        while self.p < end {
            match self.tok(self.p) {
                Some(Token::LParen | Token::LBracket) => depth += 1,
                Some(Token::RParen | Token::RBracket) => depth -= 1,
                Some(t) if depth == 0 && stops.contains(&word_of(t).as_str()) => break,
                _ => {}
            }
            self.p += 1;
        }
        start..self.p
    }

    pub(super) fn split_commas(&self, r: Range<usize>) -> Vec<Src> {
        let mut out = Vec::new();
        let mut a = r.start;
        let mut depth = 0;
        for i in r.clone() {
            match self.tok(i) {
                Some(Token::LParen | Token::LBracket) => depth += 1,
                Some(Token::RParen | Token::RBracket) => depth -= 1,
                Some(Token::Comma) if depth == 0 => {
                    out.push(self.src(a..i));
                    a = i + 1;
                }
                _ => {}
            }
        }
        if a < r.end {
            out.push(self.src(a..r.end));
        }
        out
    }

    /// `lo .. hi [BY step]` of an integer FOR, found in the text (the tokenizer reads `1..10`
    /// as two numbers).
    fn int_range(&self, head: Range<usize>) -> PResult<Option<(Src, Src, Option<Src>)>> {
        if head.is_empty() {
            return Ok(None);
        }
        let from = self.lexed.offsets[self.raw(head.start)];
        let to = self.lexed.offsets[self.raw(head.end - 1) + 1];
        let text = &self.source.text[from..to];
        let (mut depth, mut quote) = (0i32, None::<char>);
        let bytes = text.as_bytes();
        let mut dots = None;
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i] as char;
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '\'' | '"' => quote = Some(c),
                    '(' | '[' => depth += 1,
                    ')' | ']' => depth -= 1,
                    '.' if depth == 0 && bytes.get(i + 1) == Some(&b'.') => {
                        dots = Some(i);
                        break;
                    }
                    _ => {}
                },
            }
            i += 1;
        }
        let Some(d) = dots else {
            return Ok(None);
        };
        let relex = |a: usize, b: usize| -> PResult<std::rc::Rc<Lexed>> {
            lex(self.source, a, b - a)
                .map(std::rc::Rc::new)
                .map_err(|(at, m)| SyntaxError {
                    message: m,
                    at: self.raw_at_offset(at),
                })
        };
        let lower = relex(from, from + d)?;
        let upper_all = relex(from + d + 2, to)?;
        // `hi BY step`
        let mut depth = 0;
        let mut by = None;
        for (k, t) in upper_all.tokens.iter().enumerate() {
            match &t.token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                t if depth == 0 && word_of(t) == "by" => {
                    by = Some(k);
                    break;
                }
                _ => {}
            }
        }
        let n = upper_all.tokens.len();
        let whole = |l: &std::rc::Rc<Lexed>, r: Range<usize>| Src {
            own: Some(l.clone()),
            toks: r,
        };
        let lower_n = lower.tokens.len();
        Ok(Some(match by {
            Some(k) => (
                whole(&lower, 0..lower_n),
                whole(&upper_all, 0..k),
                Some(whole(&upper_all, k + 1..n)),
            ),
            None => (whole(&lower, 0..lower_n), whole(&upper_all, 0..n), None),
        }))
    }

    fn raw_at_offset(&self, offset: usize) -> usize {
        self.lexed
            .offsets
            .iter()
            .position(|&o| o >= offset)
            .unwrap_or(self.lexed.tokens.len())
            .min(self.lexed.tokens.len().saturating_sub(1))
    }

    pub(super) fn foreach_stmt(&mut self, start: usize, label: Option<String>) -> PResult<SId> {
        self.p += 1;
        let targets = self.targets()?;
        let mut slice = 0;
        if self.eat_word("slice") {
            slice = match self.tok(self.p) {
                Some(Token::Number(n, _)) => n
                    .parse()
                    .map_err(|_| self.error("syntax error at or near"))?,
                _ => return Err(self.error("syntax error at or near")),
            };
            self.p += 1;
        }
        self.expect_word("in")?;
        self.expect_word("array")?;
        let array = self.expr_until(&["loop"])?;
        self.p += 1;
        let body = self.loop_body()?;
        Ok(self.push(
            Kind::Foreach {
                label,
                targets,
                slice,
                array,
                body,
            },
            start,
        ))
    }
}
