//! The character cursor under the parser: whitespace and newlines, comments, identifiers and
//! paths, and where errors are reported.

use crate::psl::ast::*;

use super::*;

pub(super) fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

pub(super) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

impl<'a> Parser<'a> {
    pub(super) fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(super) fn at_eof(&self) -> bool {
        self.pos >= self.src.len()
    }

    pub(super) fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    pub(super) fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    pub(super) fn fail<T>(&self, message: impl Into<String>) -> PResult<T> {
        Err(Fail {
            pos: self.pos,
            message: message.into(),
        })
    }

    pub(super) fn report(&mut self, pos: usize, message: impl Into<String>) {
        let (line, column) = line_col(&self.src[self.base..], pos.saturating_sub(self.base));
        self.errors.push(ParseError {
            line,
            column,
            message: message.into(),
        });
    }

    /// Spaces and tabs (PSL whitespace never includes newlines).
    pub(super) fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c == ' ' || c == '\t' || (c.is_whitespace() && c != '\n' && c != '\r') {
                self.bump();
            } else {
                break;
            }
        }
    }

    pub(super) fn at_newline(&self) -> bool {
        matches!(self.peek(), Some('\n') | Some('\r'))
    }

    pub(super) fn eat_newline(&mut self) -> bool {
        if self.eat("\r\n") || self.eat("\n") || self.eat("\r") {
            return true;
        }
        false
    }

    /// Skips to just after the end of the current line.
    pub(super) fn skip_line(&mut self) {
        while let Some(c) = self.peek() {
            if c == '\n' || c == '\r' {
                self.eat_newline();
                return;
            }
            self.bump();
        }
    }

    /// The rest of the current line after optional whitespace must be empty or one comment
    /// (`trailing_comment`); returns the documentation that comment adds (`/// x`, `/* x */`).
    pub(super) fn end_of_line(&mut self) -> PResult<Option<String>> {
        self.skip_ws();
        let doc = if self.starts_comment() {
            self.comment_item(self.pos)?
        } else {
            None
        };
        self.skip_ws();
        if self.at_eof() || self.eat_newline() {
            Ok(doc)
        } else {
            self.fail(format!(
                "unexpected `{}`",
                self.rest().chars().take(20).collect::<String>().trim_end()
            ))
        }
    }

    pub(super) fn starts_comment(&self) -> bool {
        self.rest().starts_with("//") || self.rest().starts_with("/*")
    }

    /// One comment at the current position (`///`, `//` or `/* */`); `raw_start` is where the
    /// grammar's match begins (leading whitespace included when the comment is not the first of
    /// its block). Returns its documentation text, as psl's parser reads it: `///` lines from the
    /// first non-blank character, `/* */` comments as their matched text without the first two
    /// and last two characters, trimmed (so leading whitespace shifts the cut), `//` nothing.
    pub(super) fn comment_item(&mut self, raw_start: usize) -> PResult<Option<String>> {
        if self.eat("/*") {
            match self.rest().find("*/") {
                Some(i) => self.pos += i + 2,
                None => {
                    self.pos -= 2;
                    return self.fail("this comment is not closed with `*/`");
                }
            }
            let raw = &self.src[raw_start..self.pos];
            let inner = raw.get(2..raw.len() - 2).unwrap_or_default();
            return Ok(Some(inner.trim().to_string()));
        }
        let doc = self.eat("///");
        if !doc {
            self.eat("//");
        }
        let start = self.pos;
        while !self.at_eof() && !self.at_newline() {
            self.bump();
        }
        Ok(doc.then(|| self.src[start..self.pos].trim_start().to_string()))
    }

    pub(super) fn ident(&mut self) -> PResult<Ident> {
        let start = self.pos;
        match self.peek() {
            Some(c) if is_ident_start(c) => {}
            _ => return self.fail("expected a name"),
        }
        while matches!(self.peek(), Some(c) if is_ident_char(c)) {
            self.bump();
        }
        Ok(Ident {
            name: self.src[start..self.pos].to_string(),
            span: start..self.pos,
        })
    }

    /// `ident(.ident)*`.
    pub(super) fn path(&mut self) -> PResult<String> {
        let mut out = self.ident()?.name;
        while self.peek() == Some('.') {
            self.bump();
            out.push('.');
            if matches!(self.peek(), Some(c) if is_ident_start(c)) {
                out.push_str(&self.ident()?.name);
            }
        }
        Ok(out)
    }
}
