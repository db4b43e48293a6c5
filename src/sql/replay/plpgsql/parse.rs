//! The plpgsql grammar of PostgreSQL 15 (`pl_gram.y`) over sqlparser's tokens: blocks with
//! declarations and exception handlers, IF/CASE, the loops, EXIT/CONTINUE, RAISE, ASSERT,
//! PERFORM, EXECUTE, GET DIAGNOSTICS, assignments and SQL statements (their `INTO` clause taken
//! out, as plpgsql does). Nesting deeper than PostgreSQL's parser allows is its syntax error;
//! the recursion grows its stack on demand, so no input overflows it.

use std::ops::Range;

use sqlparser::tokenizer::Token;

use super::ast::{Body, Decl, Handler, Into, Kind, Level, PStmt, Rows, SId, Src, Target};
use crate::diagnostics::SourceFile;
use crate::sql::replay::word_of;
use crate::sql::split::{is_trivia, lex, Lexed};

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

    /// `[DECLARE …] BEGIN … [EXCEPTION …] END [label]` (the label was read by the caller).
    fn block(&mut self, label: Option<String>) -> PResult<SId> {
        let start = self.p;
        self.enter()?;
        let mut decls = Vec::new();
        self.declared.push(Vec::new());
        if self.eat_word("declare") {
            while !matches!(self.peek().as_str(), "begin") {
                if self.p >= self.sig.len() {
                    return Err(self.error("syntax error at"));
                }
                if self.eat_word("declare") {
                    continue;
                }
                decls.push(self.decl()?);
            }
        }
        self.expect_word("begin")?;
        let body = self.stmts_until(&["exception", "end"])?;
        let mut handlers = Vec::new();
        if self.eat_word("exception") {
            while self.eat_word("when") {
                let mut conds = Vec::new();
                loop {
                    let w = self.peek();
                    if w == "sqlstate" {
                        let code = match self.tok(self.p + 1) {
                            Some(Token::SingleQuotedString(s)) => s.clone(),
                            _ => return Err(self.error("syntax error at or near")),
                        };
                        conds.push(format!("sqlstate '{code}'"));
                        self.p += 2;
                    } else if let Some(c) = self.ident(self.p) {
                        conds.push(c.to_ascii_lowercase());
                        self.p += 1;
                    } else {
                        return Err(self.error("syntax error at or near"));
                    }
                    if !self.eat_word("or") {
                        break;
                    }
                }
                self.expect_word("then")?;
                let body = self.stmts_until(&["when", "end"])?;
                handlers.push(Handler { conds, body });
            }
            if handlers.is_empty() {
                return Err(self.error("syntax error at or near"));
            }
        }
        self.expect_word("end")?;
        // `END label`
        if self.ident(self.p).is_some()
            && !self.is(self.p, &Token::SemiColon)
            && self.peek() != "end"
        {
            self.p += 1;
        }
        if self.is(self.p, &Token::SemiColon) {
            self.p += 1;
        }
        self.declared.pop();
        self.depth -= 1;
        Ok(self.push(
            Kind::Block {
                label,
                decls,
                body,
                handlers,
            },
            start,
        ))
    }

    fn decl(&mut self) -> PResult<Decl> {
        let start = self.p;
        let name = self
            .ident(self.p)
            .ok_or_else(|| self.error("syntax error at or near"))?;
        self.p += 1;
        self.declared.last_mut().expect("scope").push(name.clone());
        let mut d = Decl {
            name,
            constant: false,
            ty: None,
            not_null: false,
            default: None,
            cursor: None,
            at: 0..0,
        };
        if self.eat_word("alias") {
            self.expect_word("for")?;
            self.until(&[";"])?;
            self.expect_semicolon()?;
            d.at = self.range(start, self.p);
            return Ok(d);
        }
        let is_cursor = |w: &str| matches!(w, "cursor" | "scroll" | "no");
        if is_cursor(&self.peek()) {
            let r = self.until(&["for", "is"])?;
            let _ = r;
            self.p += 1;
            d.cursor = Some(self.expr_until(&[";"])?);
            self.expect_semicolon()?;
            d.at = self.range(start, self.p);
            return Ok(d);
        }
        d.constant = self.eat_word("constant");
        let ty_start = self.p;
        let mut depth = 0;
        while let Some(t) = self.tok(self.p) {
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::SemiColon | Token::Assignment | Token::Eq if depth == 0 => break,
                t if depth == 0 && matches!(word_of(t).as_str(), "collate" | "not" | "default") => {
                    break
                }
                _ => {}
            }
            self.p += 1;
        }
        if self.p == ty_start {
            return Err(self.error("syntax error at or near"));
        }
        d.ty = Some(self.range(ty_start, self.p));
        if self.eat_word("collate") {
            self.p += 1;
        }
        if self.peek() == "not" && self.word(self.p + 1) == "null" {
            d.not_null = true;
            self.p += 2;
        }
        if self.eat_word("default")
            || matches!(self.tok(self.p), Some(Token::Assignment | Token::Eq))
        {
            if matches!(self.tok(self.p), Some(Token::Assignment | Token::Eq)) {
                self.p += 1;
            }
            d.default = Some(self.expr_until(&[";"])?);
        }
        self.expect_semicolon()?;
        d.at = self.range(start, self.p);
        Ok(d)
    }

    /// Statements until one of `stops` (not consumed).
    fn stmts_until(&mut self, stops: &[&str]) -> PResult<Vec<SId>> {
        crate::sql::replay::deep(|| {
            let mut out = Vec::new();
            loop {
                if self.p >= self.sig.len() {
                    return Err(self.error("syntax error at"));
                }
                let w = self.peek();
                if stops.contains(&w.as_str()) && !self.is(self.p + 1, &Token::Assignment) {
                    return Ok(out);
                }
                out.push(self.stmt()?);
            }
        })
    }

    fn stmt(&mut self) -> PResult<SId> {
        let start = self.p;
        let label = self.label();
        let w = self.peek();
        // Assignment: `target := expr` / `target = expr`.
        if let Some(target) = self.assignment_target()? {
            let expr = self.expr_until(&[";"])?;
            self.expect_semicolon()?;
            return Ok(self.push(Kind::Assign { target, expr }, start));
        }
        match w.as_str() {
            "declare" | "begin" => self.block(label),
            "if" => self.if_stmt(start),
            "case" => self.case_stmt(start),
            "loop" => {
                self.p += 1;
                let body = self.loop_body()?;
                Ok(self.push(Kind::Loop { label, body }, start))
            }
            "while" => {
                self.p += 1;
                let cond = self.expr_until(&["loop"])?;
                self.p += 1;
                let body = self.loop_body()?;
                Ok(self.push(Kind::While { label, cond, body }, start))
            }
            "for" => self.for_stmt(start, label),
            "foreach" => self.foreach_stmt(start, label),
            "exit" | "continue" => {
                self.p += 1;
                let target = if self.peek() != "when" && !self.is(self.p, &Token::SemiColon) {
                    let l = self.ident(self.p);
                    self.p += 1;
                    l
                } else {
                    None
                };
                let when = if self.eat_word("when") {
                    Some(self.expr_until(&[";"])?)
                } else {
                    None
                };
                self.expect_semicolon()?;
                Ok(self.push(
                    Kind::Exit {
                        cont: w == "continue",
                        label: target,
                        when,
                    },
                    start,
                ))
            }
            "return" => {
                self.until(&[";"])?;
                self.expect_semicolon()?;
                Ok(self.push(Kind::Return, start))
            }
            "raise" => self.raise(start),
            "assert" => {
                self.p += 1;
                let cond = self.expr_until(&[";", ","])?;
                let message = if self.is(self.p, &Token::Comma) {
                    self.p += 1;
                    Some(self.expr_until(&[";"])?)
                } else {
                    None
                };
                self.expect_semicolon()?;
                Ok(self.push(Kind::Assert { cond, message }, start))
            }
            "perform" => {
                self.p += 1;
                let q = self.expr_until(&[";"])?;
                self.expect_semicolon()?;
                Ok(self.push(Kind::Perform(q), start))
            }
            "execute" => self.execute(start),
            "get" => self.get_diagnostics(start),
            "null" if self.is(self.p + 1, &Token::SemiColon) => {
                self.p += 2;
                Ok(self.push(Kind::Null, start))
            }
            "open" | "fetch" | "move" | "close" | "commit" | "rollback" => {
                self.until(&[";"])?;
                self.expect_semicolon()?;
                let what = matches!(w.as_str(), "open" | "fetch" | "move")
                    .then(|| format!("{} of a cursor is not evaluated", w.to_uppercase()));
                Ok(self.push(Kind::Other(what), start))
            }
            _ => self.sql(start),
        }
    }

    /// `target :=` / `target =` ahead: the target (consumed with the operator), else `None`.
    fn assignment_target(&mut self) -> PResult<Option<Target>> {
        let Some(first) = self.ident(self.p) else {
            return Ok(None);
        };
        let assign_at =
            |p: &Self, i: usize| matches!(p.tok(i), Some(Token::Assignment | Token::Eq));
        let declared = self.declared.iter().any(|s| s.contains(&first));
        // var := / var =
        if matches!(self.tok(self.p + 1), Some(Token::Assignment))
            || (declared && assign_at(self, self.p + 1))
        {
            self.p += 2;
            return Ok(Some(Target::Var(first)));
        }
        // a.b := (record field or label.var)
        if self.is(self.p + 1, &Token::Period) {
            if let Some(second) = self.ident(self.p + 2) {
                if matches!(self.tok(self.p + 3), Some(Token::Assignment))
                    || (declared && assign_at(self, self.p + 3))
                {
                    self.p += 4;
                    let label_var = self.declared.iter().any(|s| s.contains(&second)) && !declared;
                    return Ok(Some(if label_var {
                        Target::Var(format!("{first}.{second}"))
                    } else {
                        Target::Field(first, second)
                    }));
                }
            }
        }
        // a[i] :=
        if declared && self.is(self.p + 1, &Token::LBracket) {
            let save = self.p;
            let mut depth = 0;
            let mut k = save + 1;
            while let Some(t) = self.tok(k) {
                match t {
                    Token::LBracket => depth += 1,
                    Token::RBracket => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                k += 1;
            }
            if assign_at(self, k + 1) {
                let src = self.src(save + 2..k);
                self.p = k + 2;
                return Ok(Some(Target::Element(first, src)));
            }
            self.p = save;
        }
        Ok(None)
    }

    fn loop_body(&mut self) -> PResult<Vec<SId>> {
        self.enter()?;
        let body = self.stmts_until(&["end"])?;
        self.expect_word("end")?;
        self.expect_word("loop")?;
        if self.ident(self.p).is_some() && !self.is(self.p, &Token::SemiColon) {
            self.p += 1;
        }
        self.expect_semicolon()?;
        self.depth -= 1;
        Ok(body)
    }

    fn if_stmt(&mut self, start: usize) -> PResult<SId> {
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

    fn case_stmt(&mut self, start: usize) -> PResult<SId> {
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

    fn targets(&mut self) -> PResult<Vec<Target>> {
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

    fn for_stmt(&mut self, start: usize, label: Option<String>) -> PResult<SId> {
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

    fn split_commas(&self, r: Range<usize>) -> Vec<Src> {
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

    fn foreach_stmt(&mut self, start: usize, label: Option<String>) -> PResult<SId> {
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

    fn raise(&mut self, start: usize) -> PResult<SId> {
        self.p += 1;
        let mut level = Level::Exception;
        match self.peek().as_str() {
            "debug" | "log" | "info" | "notice" | "warning" => {
                level = Level::Notice;
                self.p += 1;
            }
            "exception" => self.p += 1,
            _ => {}
        }
        let mut cond = None;
        let mut message = None;
        let mut params = Vec::new();
        match self.tok(self.p) {
            Some(Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s)) => {
                message = Some(s.clone());
                self.p += 1;
                while self.is(self.p, &Token::Comma) {
                    self.p += 1;
                    params.push(self.expr_until(&[",", ";", "using"])?);
                }
            }
            Some(Token::DollarQuotedString(d)) => {
                message = Some(d.value.clone());
                self.p += 1;
                while self.is(self.p, &Token::Comma) {
                    self.p += 1;
                    params.push(self.expr_until(&[",", ";", "using"])?);
                }
            }
            Some(Token::SemiColon) | None => {}
            Some(_) if self.peek() == "using" => {}
            Some(_) if self.peek() == "sqlstate" => {
                if let Some(Token::SingleQuotedString(s)) = self.tok(self.p + 1) {
                    cond = Some(format!("sqlstate '{s}'"));
                }
                self.p += 2;
            }
            Some(_) => {
                cond = self.ident(self.p);
                self.p += 1;
            }
        }
        let mut options = Vec::new();
        if self.eat_word("using") {
            loop {
                let name = self.peek();
                self.p += 1;
                if !matches!(self.tok(self.p), Some(Token::Eq | Token::Assignment)) {
                    return Err(self.error("syntax error at or near"));
                }
                self.p += 1;
                let v = self.expr_until(&[",", ";"])?;
                options.push((name, v));
                if self.is(self.p, &Token::Comma) {
                    self.p += 1;
                    continue;
                }
                break;
            }
        }
        self.expect_semicolon()?;
        Ok(self.push(
            Kind::Raise {
                level,
                cond,
                message,
                params,
                options,
            },
            start,
        ))
    }

    fn execute(&mut self, start: usize) -> PResult<SId> {
        self.p += 1;
        let expr = self.expr_until(&["into", "using", ";"])?;
        let mut into = None;
        let mut using = Vec::new();
        loop {
            if self.eat_word("into") {
                let strict = self.eat_word("strict");
                into = Some(Into {
                    strict,
                    targets: self.targets()?,
                });
            } else if self.eat_word("using") {
                let r = self.until(&["into", ";"])?;
                using = self.split_commas(r);
            } else {
                break;
            }
        }
        self.expect_semicolon()?;
        Ok(self.push(Kind::Execute { expr, into, using }, start))
    }

    fn get_diagnostics(&mut self, start: usize) -> PResult<SId> {
        self.p += 1;
        let stacked = self.eat_word("stacked");
        self.eat_word("current");
        self.expect_word("diagnostics")?;
        let mut items = Vec::new();
        loop {
            let target = self
                .targets()?
                .into_iter()
                .next()
                .ok_or_else(|| self.error("syntax error at or near"))?;
            if !matches!(self.tok(self.p), Some(Token::Eq | Token::Assignment)) {
                return Err(self.error("syntax error at or near"));
            }
            self.p += 1;
            let item = self.peek();
            self.p += 1;
            items.push((target, item));
            if self.is(self.p, &Token::Comma) {
                self.p += 1;
                continue;
            }
            break;
        }
        self.expect_semicolon()?;
        Ok(self.push(Kind::GetDiag { stacked, items }, start))
    }

    /// A SQL statement up to `;`, its `INTO` clause found as plpgsql finds it (the first INTO
    /// not part of `INSERT INTO` / `MERGE INTO`).
    fn sql(&mut self, start: usize) -> PResult<SId> {
        let first = self.peek();
        let mut depth = 0;
        let mut into = None;
        let mut skip_into = matches!(first.as_str(), "insert" | "merge" | "import");
        let mut i = self.p;
        while let Some(t) = self.tok(i) {
            match t {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth -= 1,
                Token::SemiColon if depth <= 0 => break,
                t if depth == 0 && word_of(t) == "into" && into.is_none() => {
                    if skip_into {
                        skip_into = false;
                    } else if first != "create" && first != "alter" {
                        let save = self.p;
                        self.p = i + 1;
                        let strict = self.eat_word("strict");
                        let targets = self.targets()?;
                        into = Some((Into { strict, targets }, self.range(i, self.p)));
                        i = self.p;
                        self.p = save;
                        continue;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.p = i;
        if self.tok(self.p).is_none() {
            return Err(self.error("syntax error at"));
        }
        let id = self.push(Kind::Sql { into }, start);
        self.expect_semicolon()?;
        Ok(id)
    }
}
