//! Reading one token: words, quoted identifiers, strings, numbers, comments, punctuation, operators
//! and dollar-quoted bodies (or `None` where the fast path stops).

use sqlparser::ast::DollarQuotedString;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Whitespace, Word};

use super::{find, keyword, op_char, Lexer};

impl Lexer<'_> {
    /// The next token, or `None` where this fast path does not decide.
    pub(super) fn next(&mut self) -> Option<Token> {
        let b = self.bytes[self.i];
        Some(match b {
            b' ' => {
                self.skip(1);
                Token::Whitespace(Whitespace::Space)
            }
            b'\t' => {
                self.skip(1);
                Token::Whitespace(Whitespace::Tab)
            }
            b'\n' => {
                self.advance_to(self.i + 1);
                Token::Whitespace(Whitespace::Newline)
            }
            b'\r' => {
                let n = if self.peek(1) == Some(b'\n') { 2 } else { 1 };
                self.advance_to(self.i + n);
                Token::Whitespace(Whitespace::Newline)
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word()?,
            b'0'..=b'9' => self.number()?,
            b'.' => {
                if matches!(self.peek(1), Some(c) if c.is_ascii_digit() || c == b'_') {
                    return None;
                }
                self.skip(1);
                Token::Period
            }
            b'(' => self.one(Token::LParen),
            b')' => self.one(Token::RParen),
            b',' => self.one(Token::Comma),
            b';' => self.one(Token::SemiColon),
            b'[' => self.one(Token::LBracket),
            b']' => self.one(Token::RBracket),
            b'+' => self.one(Token::Plus),
            b'*' => self.one(Token::Mul),
            b'=' => match self.peek(1) {
                Some(b'>') => self.two(Token::RArrow),
                Some(b'=') => self.two(Token::DoubleEq),
                _ => self.one(Token::Eq),
            },
            b':' => match self.peek(1) {
                Some(b':') => self.two(Token::DoubleColon),
                Some(b'=') => self.two(Token::Assignment),
                _ => self.one(Token::Colon),
            },
            b'-' => match (self.peek(1), self.peek(2), self.peek(3)) {
                (Some(b'-'), _, _) => self.line_comment(),
                (Some(b'>'), Some(b'>'), Some(c)) if op_char(c) => return None,
                (Some(b'>'), Some(b'>'), _) => self.n(3, Token::LongArrow),
                (Some(b'>'), Some(c), _) if op_char(c) => return None,
                (Some(b'>'), _, _) => self.two(Token::Arrow),
                (Some(c), _, _) if op_char(c) => return None,
                _ => self.one(Token::Minus),
            },
            // JSON, array and pattern operators: only where sqlparser's PostgreSQL dialect reads
            // no longer (custom) operator; anything else is left to it.
            b'#' => match (self.peek(1), self.peek(2), self.peek(3)) {
                (Some(b'>'), Some(b'>'), Some(c)) if op_char(c) => return None,
                (Some(b'>'), Some(b'>'), _) => self.n(3, Token::HashLongArrow),
                (Some(b'>'), Some(c), _) if op_char(c) => return None,
                (Some(b'>'), _, _) => self.two(Token::HashArrow),
                _ => return None,
            },
            b'@' => match self.peek(1) {
                Some(b'>') => self.two(Token::AtArrow),
                _ => return None,
            },
            b'~' => match (self.peek(1), self.peek(2)) {
                (Some(b'*'), Some(c)) if op_char(c) => return None,
                (Some(b'*'), _) => self.two(Token::TildeAsterisk),
                (Some(c), _) if op_char(c) => return None,
                _ => self.one(Token::Tilde),
            },
            b'%' => match self.peek(1) {
                Some(c) if op_char(c) => return None,
                _ => self.one(Token::Mod),
            },
            b'/' => match self.peek(1) {
                Some(b'*') => self.block_comment()?,
                _ => self.one(Token::Div),
            },
            b'<' => match (self.peek(1), self.peek(2)) {
                (Some(b'='), Some(b'+' | b'-')) => self.two(Token::LtEq),
                (Some(b'='), Some(c)) if op_char(c) => return None,
                (Some(b'='), _) => self.two(Token::LtEq),
                (Some(b'>'), Some(c)) if op_char(c) => return None,
                (Some(b'>'), _) => self.two(Token::Neq),
                (Some(b'@'), Some(c)) if op_char(c) => return None,
                (Some(b'@'), _) => self.two(Token::ArrowAt),
                (Some(c), _) if op_char(c) || c == b'|' || c == b'^' => return None,
                _ => self.one(Token::Lt),
            },
            b'>' => match (self.peek(1), self.peek(2)) {
                (Some(b'='), Some(c)) if op_char(c) => return None,
                (Some(b'='), _) => self.two(Token::GtEq),
                (Some(c), _) if op_char(c) || c == b'^' => return None,
                _ => self.one(Token::Gt),
            },
            b'!' => match (self.peek(1), self.peek(2)) {
                (Some(b'='), _) => self.two(Token::Neq),
                (Some(b'~'), Some(b'*')) => self.n(3, Token::ExclamationMarkTildeAsterisk),
                (Some(b'~'), Some(b'~')) => return None,
                (Some(b'~'), _) => self.two(Token::ExclamationMarkTilde),
                _ => return None,
            },
            b'|' => match (self.peek(1), self.peek(2)) {
                (Some(b'|'), Some(c)) if c == b'/' || op_char(c) => return None,
                (Some(b'|'), _) => self.two(Token::StringConcat),
                _ => return None,
            },
            b'\'' => Token::SingleQuotedString(self.quoted(b'\'')?),
            b'"' => Token::Word(Word {
                value: self.quoted(b'"')?,
                quote_style: Some('"'),
                keyword: Keyword::NoKeyword,
            }),
            b'$' => self.dollar()?,
            _ => return None,
        })
    }

    /// A bare word (keyword or identifier).
    fn word(&mut self) -> Option<Token> {
        let mut j = self.i + 1;
        while j < self.bytes.len()
            && (self.bytes[j].is_ascii_alphanumeric()
                || self.bytes[j] == b'_'
                || self.bytes[j] == b'$')
        {
            j += 1;
        }
        // A non-ASCII letter continues the identifier; a quote right after a word may
        // make it a prefixed literal (E'…', B'…', N'…', X'…').
        if matches!(self.bytes.get(j), Some(&c) if c >= 0x80 || c == b'\'' || c == b'"') {
            return None;
        }
        let word = &self.text[self.i..j];
        // `COPY … FROM stdin` makes the tokenizer read the data lines.
        if word.eq_ignore_ascii_case("stdin") {
            return None;
        }
        self.skip(j - self.i);
        Some(Token::Word(Word {
            value: word.to_string(),
            quote_style: None,
            keyword: keyword(word),
        }))
    }

    /// An integer or a decimal `digits.digits` (anything else a number may be is left to
    /// sqlparser).
    fn number(&mut self) -> Option<Token> {
        // Right after a period, sqlparser may read a field index.
        if self.i > 0 && self.bytes[self.i - 1] == b'.' {
            return None;
        }
        let digits = |mut j: usize| {
            while j < self.bytes.len() && self.bytes[j].is_ascii_digit() {
                j += 1;
            }
            j
        };
        let mut j = digits(self.i + 1);
        if self.bytes.get(j) == Some(&b'.')
            && matches!(self.bytes.get(j + 1), Some(c) if c.is_ascii_digit())
        {
            j = digits(j + 1);
        }
        if matches!(self.bytes.get(j), Some(&c) if c.is_ascii_alphanumeric()
            || matches!(c, b'_' | b'.' | b'$' | b'\'' | b'"')
            || c >= 0x80)
        {
            return None;
        }
        let digits = self.text[self.i..j].to_string();
        self.skip(j - self.i);
        Some(Token::Number(digits, false))
    }

    /// A `--` comment, to the end of the line.
    fn line_comment(&mut self) -> Token {
        let start = self.i + 2;
        let mut j = start;
        while j < self.bytes.len() && self.bytes[j] != b'\n' && self.bytes[j] != b'\r' {
            j += 1;
        }
        let comment = self.text[start..j].to_string();
        self.advance_to(j);
        Token::Whitespace(Whitespace::SingleLineComment {
            comment,
            prefix: "--".to_owned(),
        })
    }

    /// A `/* … */` comment (nested ones included); `None` when it is not closed.
    fn block_comment(&mut self) -> Option<Token> {
        let start = self.i + 2;
        let mut k = start;
        let mut depth = 1;
        loop {
            if k >= self.bytes.len() {
                return None;
            }
            if self.bytes[k] == b'/' && self.bytes.get(k + 1) == Some(&b'*') {
                depth += 1;
                k += 2;
            } else if self.bytes[k] == b'*' && self.bytes.get(k + 1) == Some(&b'/') {
                depth -= 1;
                k += 2;
                if depth == 0 {
                    break;
                }
            } else {
                k += 1;
            }
        }
        let comment = self.text[start..k - 2].to_string();
        self.advance_to(k);
        Some(Token::Whitespace(Whitespace::MultiLineComment(comment)))
    }

    /// The value of a string or quoted identifier opened by `quote` (doubled quotes stand for
    /// one); `None` when it is not closed.
    fn quoted(&mut self, quote: u8) -> Option<String> {
        let mut value = String::new();
        let mut k = self.i + 1;
        loop {
            let rest = self.bytes.get(k..)?;
            let q = rest.iter().position(|&c| c == quote)?;
            value.push_str(&self.text[k..k + q]);
            k += q;
            if self.bytes.get(k + 1) == Some(&quote) {
                value.push(quote as char);
                k += 2;
            } else {
                k += 1;
                break;
            }
        }
        self.advance_to(k);
        Some(value)
    }

    fn one(&mut self, t: Token) -> Token {
        self.skip(1);
        t
    }

    fn two(&mut self, t: Token) -> Token {
        self.skip(2);
        t
    }

    fn n(&mut self, n: usize, t: Token) -> Token {
        self.skip(n);
        t
    }

    /// `$$…$$`, `$tag$…$tag$` or a `$n` placeholder.
    fn dollar(&mut self) -> Option<Token> {
        let after = self.i + 1;
        if self.bytes.get(after) == Some(&b'$') {
            let start = after + 1;
            let end = find(&self.bytes[start..], b"$$")? + start;
            let value = self.text[start..end].to_string();
            self.advance_to(end + 2);
            return Some(Token::DollarQuotedString(DollarQuotedString {
                value,
                tag: None,
            }));
        }
        let mut j = after;
        while j < self.bytes.len()
            && (self.bytes[j].is_ascii_alphanumeric() || self.bytes[j] == b'_')
        {
            j += 1;
        }
        if j == after || matches!(self.bytes.get(j), Some(&c) if c >= 0x80) {
            return None;
        }
        let tag = &self.text[after..j];
        if self.bytes.get(j) != Some(&b'$') {
            self.skip(j - self.i);
            return Some(Token::Placeholder(format!("${tag}")));
        }
        let delim = format!("${tag}$");
        let start = j + 1;
        let end = find(&self.bytes[start..], delim.as_bytes())? + start;
        let value = self.text[start..end].to_string();
        let tag = tag.to_string();
        self.advance_to(end + delim.len());
        Some(Token::DollarQuotedString(DollarQuotedString {
            value,
            tag: Some(tag),
        }))
    }
}
