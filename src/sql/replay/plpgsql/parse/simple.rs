//! `RAISE`, `EXECUTE`, `GET DIAGNOSTICS`, and SQL statements with their `INTO` clause taken out.

use sqlparser::tokenizer::Token;

use crate::sql::replay::plpgsql::ast::{Into, Kind, Level, SId};
use crate::sql::replay::word_of;

use super::{PResult, Parser};

impl<'a> Parser<'a> {
    pub(super) fn raise(&mut self, start: usize) -> PResult<SId> {
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

    pub(super) fn execute(&mut self, start: usize) -> PResult<SId> {
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

    pub(super) fn get_diagnostics(&mut self, start: usize) -> PResult<SId> {
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
    pub(super) fn sql(&mut self, start: usize) -> PResult<SId> {
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
