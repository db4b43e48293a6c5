//! A fast path for sqlparser's tokenizer (PostgreSQL dialect) over the text migrations are
//! mostly made of: ASCII words and keywords, quoted identifiers, `'…'` strings, dollar-quoted
//! bodies, comments, numbers and the common punctuation and operators. It gives exactly the
//! tokens, spans and byte offsets sqlparser's tokenizer gives; at the first byte it does not
//! handle the same way for certain (another operator, a non-ASCII identifier, `E'…'`, `1.5`,
//! `COPY … FROM stdin`…) it gives up and the caller runs sqlparser's tokenizer on the whole
//! text. `tests/fastlex.rs` compares both on the corpus and on generated histories.
//!
//! Replaying `EXECUTE format(…)` in loops tokenizes tens of thousands of short statements, and
//! every file is tokenized once: sqlparser's tokenizer reads through a `Peekable<Chars>` and
//! looks keywords up by binary search; this reads bytes and uses a hash table.

use std::collections::HashMap;
use std::sync::OnceLock;

use sqlparser::ast::DollarQuotedString;
use sqlparser::keywords::{Keyword, ALL_KEYWORDS, ALL_KEYWORDS_INDEX};
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Whitespace, Word};

/// Keywords by their (upper-case) bytes, and the longest keyword's length.
fn keywords() -> &'static (HashMap<&'static [u8], Keyword>, usize) {
    static K: OnceLock<(HashMap<&'static [u8], Keyword>, usize)> = OnceLock::new();
    K.get_or_init(|| {
        let map: HashMap<&'static [u8], Keyword> = ALL_KEYWORDS
            .iter()
            .map(|k| k.as_bytes())
            .zip(ALL_KEYWORDS_INDEX.iter().copied())
            .collect();
        let longest = ALL_KEYWORDS.iter().map(|k| k.len()).max().unwrap_or(0);
        (map, longest)
    })
}

/// The keyword an unquoted word is (ASCII case-insensitive), as sqlparser's lookup finds it.
pub(crate) fn keyword(word: &str) -> Keyword {
    let (map, longest) = keywords();
    if word.len() > *longest {
        return Keyword::NoKeyword;
    }
    let mut buf = [0u8; 64];
    let Some(up) = buf.get_mut(..word.len()) else {
        return Keyword::NoKeyword;
    };
    for (d, s) in up.iter_mut().zip(word.as_bytes()) {
        *d = s.to_ascii_uppercase();
    }
    map.get(&*up).copied().unwrap_or(Keyword::NoKeyword)
}

/// Characters sqlparser's PostgreSQL dialect continues a custom operator with.
fn op_char(b: u8) -> bool {
    matches!(
        b,
        b'+' | b'-'
            | b'*'
            | b'/'
            | b'<'
            | b'>'
            | b'='
            | b'~'
            | b'!'
            | b'@'
            | b'#'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
    )
}

struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: u64,
    col: u64,
}

impl Lexer<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.bytes.get(self.i + k).copied()
    }

    /// Moves to byte `to`, counting lines and (character) columns as sqlparser does.
    fn advance_to(&mut self, to: usize) {
        for &b in &self.bytes[self.i..to] {
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
        self.i = to;
    }

    /// Moves over `n` ASCII bytes that are not newlines.
    fn skip(&mut self, n: usize) {
        self.i += n;
        self.col += n as u64;
    }

    fn loc(&self) -> Location {
        Location::new(self.line, self.col)
    }

    /// The next token, or `None` where this fast path does not decide.
    fn next(&mut self) -> Option<Token> {
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
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
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
                Token::Word(Word {
                    value: word.to_string(),
                    quote_style: None,
                    keyword: keyword(word),
                })
            }
            b'0'..=b'9' => {
                let mut j = self.i + 1;
                while j < self.bytes.len() && self.bytes[j].is_ascii_digit() {
                    j += 1;
                }
                if matches!(self.bytes.get(j), Some(&c) if c.is_ascii_alphanumeric()
                    || matches!(c, b'_' | b'.' | b'$' | b'\'' | b'"')
                    || c >= 0x80)
                {
                    return None;
                }
                let digits = self.text[self.i..j].to_string();
                self.skip(j - self.i);
                Token::Number(digits, false)
            }
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
            b'-' => match self.peek(1) {
                Some(b'-') => {
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
                Some(c) if op_char(c) => return None,
                _ => self.one(Token::Minus),
            },
            b'/' => match self.peek(1) {
                Some(b'*') => {
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
                    Token::Whitespace(Whitespace::MultiLineComment(comment))
                }
                _ => self.one(Token::Div),
            },
            b'<' => match (self.peek(1), self.peek(2)) {
                (Some(b'='), Some(b'+' | b'-')) => self.two(Token::LtEq),
                (Some(b'='), Some(c)) if op_char(c) => return None,
                (Some(b'='), _) => self.two(Token::LtEq),
                (Some(b'>'), Some(c)) if op_char(c) => return None,
                (Some(b'>'), _) => self.two(Token::Neq),
                (Some(c), _) if op_char(c) || c == b'|' || c == b'^' => return None,
                _ => self.one(Token::Lt),
            },
            b'>' => match (self.peek(1), self.peek(2)) {
                (Some(b'='), Some(c)) if op_char(c) => return None,
                (Some(b'='), _) => self.two(Token::GtEq),
                (Some(c), _) if op_char(c) || c == b'^' => return None,
                _ => self.one(Token::Gt),
            },
            b'!' => match self.peek(1) {
                Some(b'=') => self.two(Token::Neq),
                _ => return None,
            },
            b'|' => match (self.peek(1), self.peek(2)) {
                (Some(b'|'), Some(c)) if c == b'/' || op_char(c) => return None,
                (Some(b'|'), _) => self.two(Token::StringConcat),
                _ => return None,
            },
            b'\'' => {
                let mut value = String::new();
                let mut k = self.i + 1;
                loop {
                    let rest = self.bytes.get(k..)?;
                    let q = rest.iter().position(|&c| c == b'\'')?;
                    value.push_str(&self.text[k..k + q]);
                    k += q;
                    if self.bytes.get(k + 1) == Some(&b'\'') {
                        value.push('\'');
                        k += 2;
                    } else {
                        k += 1;
                        break;
                    }
                }
                self.advance_to(k);
                Token::SingleQuotedString(value)
            }
            b'"' => {
                let mut value = String::new();
                let mut k = self.i + 1;
                loop {
                    let rest = self.bytes.get(k..)?;
                    let q = rest.iter().position(|&c| c == b'"')?;
                    value.push_str(&self.text[k..k + q]);
                    k += q;
                    if self.bytes.get(k + 1) == Some(&b'"') {
                        value.push('"');
                        k += 2;
                    } else {
                        k += 1;
                        break;
                    }
                }
                self.advance_to(k);
                Token::Word(Word {
                    value,
                    quote_style: Some('"'),
                    keyword: Keyword::NoKeyword,
                })
            }
            b'$' => self.dollar()?,
            _ => return None,
        })
    }

    fn one(&mut self, t: Token) -> Token {
        self.skip(1);
        t
    }

    fn two(&mut self, t: Token) -> Token {
        self.skip(2);
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

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut k = 0;
    while k + needle.len() <= hay.len() {
        let p = hay[k..].iter().position(|&c| c == first)?;
        k += p;
        if hay[k..].starts_with(needle) {
            return Some(k);
        }
        k += 1;
    }
    None
}

/// Tokens of `text` with their spans (1-based lines and character columns, as sqlparser's
/// tokenizer gives them) and the byte offset where each starts; `None` when the text holds
/// something this fast path leaves to sqlparser's tokenizer.
pub(crate) fn tokenize(text: &str) -> Option<(Vec<TokenWithSpan>, Vec<usize>)> {
    let mut lx = Lexer {
        text,
        bytes: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut tokens = Vec::with_capacity(text.len() / 4 + 16);
    let mut offsets = Vec::with_capacity(text.len() / 4 + 17);
    while lx.i < lx.bytes.len() {
        let at = lx.i;
        let start = lx.loc();
        let token = lx.next()?;
        offsets.push(at);
        tokens.push(TokenWithSpan::new(token, Span::new(start, lx.loc())));
    }
    Some((tokens, offsets))
}

/// Byte offsets, at least `every` bytes apart, just after a `;` that ends a statement the way
/// `split::split` ends them (not inside a `BEGIN ATOMIC` body): where a file can be cut into
/// parts that are tokenized and split on their own with the same statements. Tokens are read
/// and dropped, not kept. `None` when the fast path does not tokenize the text.
pub(crate) fn cut_points(text: &str, every: usize) -> Option<Vec<usize>> {
    let mut lx = Lexer {
        text,
        bytes: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
    };
    let mut cuts = Vec::new();
    let mut last_cut = 0;
    let mut st = StmtState::default();
    while lx.i < lx.bytes.len() {
        let token = lx.next()?;
        let (kw, semi) = match &token {
            Token::Whitespace(_) => continue,
            Token::Word(w) => (w.keyword, false),
            Token::SemiColon => (Keyword::NoKeyword, true),
            _ => (Keyword::NoKeyword, false),
        };
        if st.feed(kw, semi) && lx.i - last_cut >= every {
            cuts.push(lx.i);
            last_cut = lx.i;
        }
    }
    Some(cuts)
}

/// Where `split::split` is in a statement, fed its significant tokens one by one.
#[derive(Default)]
struct StmtState {
    in_stmt: bool,
    /// The first significant tokens, until `CREATE [OR REPLACE] FUNCTION|PROCEDURE` is decided.
    lead: Vec<(Keyword, bool)>,
    routine: Option<bool>,
    depth: usize,
    begin_pending: bool,
}

impl StmtState {
    /// Feeds a significant token (its keyword, whether it is `;`); `true` when it ends a
    /// statement.
    fn feed(&mut self, kw: Keyword, semi: bool) -> bool {
        if !self.in_stmt {
            if semi {
                return false; // an empty statement
            }
            *self = StmtState {
                in_stmt: true,
                ..StmtState::default()
            };
        }
        if self.routine.is_none() {
            self.lead.push((kw, semi));
            if self.lead.len() < 4 && !semi {
                return false;
            }
            let k = |i: usize| self.lead.get(i).map(|x| x.0);
            let routine = k(0) == Some(Keyword::CREATE)
                && match k(1) {
                    Some(Keyword::OR) => {
                        matches!(k(3), Some(Keyword::FUNCTION | Keyword::PROCEDURE))
                    }
                    next => matches!(next, Some(Keyword::FUNCTION | Keyword::PROCEDURE)),
                };
            self.routine = Some(routine);
            for (kw, semi) in std::mem::take(&mut self.lead) {
                if self.step(kw, semi) {
                    return true;
                }
            }
            return false;
        }
        self.step(kw, semi)
    }

    fn step(&mut self, kw: Keyword, semi: bool) -> bool {
        if self.begin_pending {
            self.begin_pending = false;
            if kw == Keyword::ATOMIC {
                self.depth = 1;
            }
        }
        if self.depth == 0 && semi {
            self.in_stmt = false;
            return true;
        }
        if self.routine == Some(true) {
            match kw {
                Keyword::BEGIN if self.depth > 0 => self.depth += 1,
                Keyword::BEGIN => self.begin_pending = true,
                Keyword::CASE if self.depth > 0 => self.depth += 1,
                Keyword::END if self.depth > 0 => self.depth -= 1,
                _ => {}
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::Tokenizer;

    fn slow(text: &str) -> Vec<TokenWithSpan> {
        let mut out = Vec::new();
        Tokenizer::new(&PostgreSqlDialect {}, text)
            .tokenize_with_location_into_buf(&mut out)
            .expect("tokenizes");
        out
    }

    #[test]
    fn keywords_are_sqlparsers() {
        for k in ALL_KEYWORDS {
            for w in [k.to_string(), k.to_ascii_lowercase()] {
                let Token::Word(expected) = Token::make_word(&w, None) else {
                    panic!("a word")
                };
                assert_eq!(keyword(&w), expected.keyword, "{w}");
            }
        }
        assert_eq!(keyword("not_a_keyword_at_all"), Keyword::NoKeyword);
    }

    #[test]
    fn same_tokens_as_sqlparser() {
        let cases = [
            "select 1, 'it''s', \"Q\"\"x\" from t where a <> b and c != d;\n",
            "create table \"public\".t (id uuid default gen_random_uuid() primary key, n int[] not null);",
            "do $$ begin perform 1; end $$; do $body$ x $y $body$ language plpgsql;",
            "a::text || 'x' -- comment\r\nb /* c /* nested */ d */ e\r f\t",
            "x := 1; y = 2; z => 3; w >= 4; v <= 5; u < 6; q > 7; p * 8 + 9 - 10 / 11 [1]",
            "select $1, $2::int, $tag$a$$b$tag$, $$$$, $$a$$$",
            "é",
            "select 1.5",
            "select e'x'",
            "a->>'b'",
            "copy t from stdin;\n1\n\\.\n",
            "--",
            "/* open",
            "'open",
            "x<=-1 and y<=+2 and z<>-3",
        ];
        for text in cases {
            if let Some((tokens, offsets)) = tokenize(text) {
                assert_eq!(tokens, slow(text), "{text:?}");
                assert_eq!(offsets.len(), tokens.len());
                for (t, o) in tokens.iter().zip(&offsets) {
                    let (line, col) = text[..*o].split('\n').fold((0u64, 0u64), |(l, _), seg| {
                        (l + 1, seg.chars().count() as u64 + 1)
                    });
                    assert_eq!(
                        (t.span.start.line, t.span.start.column),
                        (line, col),
                        "{text:?}"
                    );
                }
            }
        }
        // The forms it leaves to sqlparser.
        for text in [
            "é",
            "select 1.5",
            "select e'x'",
            "a->>'b'",
            "copy t from stdin;",
            "/* open",
            "'open",
        ] {
            assert!(tokenize(text).is_none(), "{text:?}");
        }
        assert!(tokenize(cases[0]).is_some());
        assert!(tokenize(cases[4]).is_some());
    }
}
