//! Blocks (`DECLARE … BEGIN … EXCEPTION … END`), declarations, the statement dispatch and
//! assignment targets.

use sqlparser::tokenizer::Token;

use crate::sql::replay::plpgsql::ast::{Decl, Handler, Kind, SId, Target};
use crate::sql::replay::word_of;

use super::{PResult, Parser};

impl<'a> Parser<'a> {
    /// `[DECLARE …] BEGIN … [EXCEPTION …] END [label]` (the label was read by the caller).
    pub(super) fn block(&mut self, label: Option<String>) -> PResult<SId> {
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
    pub(super) fn stmts_until(&mut self, stops: &[&str]) -> PResult<Vec<SId>> {
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

    pub(super) fn loop_body(&mut self) -> PResult<Vec<SId>> {
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
}
