//! String constants continued on the next line (merged as PostgreSQL's scanner merges them), and
//! sqlparser's line/column locations turned into byte offsets.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Span as TokSpan, Token, TokenWithSpan, Tokenizer, Whitespace};

use crate::diagnostics::SourceFile;

use super::Lexed;

/// Whether a token is a string constant another `'…'` may continue.
fn continues(t: &Token) -> bool {
    matches!(
        t,
        Token::SingleQuotedString(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::NationalStringLiteral(_)
            | Token::HexStringLiteral(_)
            | Token::SingleQuotedByteStringLiteral(_)
    )
}

/// Where the `'…'` continuing the string constant at token `i` is, if one does: after
/// whitespace and `--` comments holding at least one newline (SQL's rule, which PostgreSQL
/// follows; a block comment in between ends the constant).
fn continuation(tokens: &[TokenWithSpan], i: usize) -> Option<usize> {
    let mut newline = false;
    for (j, t) in tokens.iter().enumerate().skip(i + 1) {
        match &t.token {
            Token::Whitespace(Whitespace::Newline) => newline = true,
            Token::Whitespace(Whitespace::Space | Whitespace::Tab)
            | Token::Whitespace(Whitespace::SingleLineComment { .. }) => {}
            Token::SingleQuotedString(_) if newline => return Some(j),
            _ => return None,
        }
    }
    None
}

/// Merges string constants continued on the next line (`'first part'` newline `'second part'`)
/// into one token, as PostgreSQL's scanner does. A continuation part is read with the escapes
/// of the first part (`E'a\n'` newline `'b\n'` is two escaped newlines).
pub(super) fn merge_continued_strings(file: &SourceFile, lexed: &mut Lexed) {
    let toks = &lexed.tokens;
    let any = (0..toks.len()).any(|i| continues(&toks[i].token) && continuation(toks, i).is_some());
    if !any {
        return;
    }
    let mut tokens = Vec::with_capacity(toks.len());
    let mut offsets = Vec::with_capacity(toks.len() + 1);
    let mut i = 0;
    while i < toks.len() {
        let mut t = toks[i].clone();
        offsets.push(lexed.offsets[i]);
        if continues(&t.token) {
            let mut end = i;
            while let Some(j) = continuation(toks, end) {
                let raw = &file.text[lexed.offsets[j]..lexed.offsets[j + 1]];
                let part = continued_part(&t.token, raw, &toks[j].token);
                if let Some(value) = string_value_mut(&mut t.token) {
                    value.push_str(&part);
                }
                t.span = TokSpan::new(t.span.start, toks[j].span.end);
                end = j;
            }
            i = end;
        }
        tokens.push(t);
        i += 1;
    }
    offsets.push(*lexed.offsets.last().unwrap_or(&0));
    lexed.tokens = tokens;
    lexed.offsets = offsets;
}

/// The value of a continuation part `raw` (`'…'` as written) continuing `first`.
fn continued_part(first: &Token, raw: &str, plain: &Token) -> String {
    let prefix = match first {
        Token::EscapedStringLiteral(_) => "E",
        Token::UnicodeStringLiteral(_) => "U&",
        _ => "",
    };
    if !prefix.is_empty() {
        let text = format!("{prefix}{raw}");
        if let Ok(toks) = Tokenizer::new(&PostgreSqlDialect {}, &text).tokenize() {
            if let Some(v) = toks.first().and_then(|t| match &t {
                Token::EscapedStringLiteral(v) | Token::UnicodeStringLiteral(v) => Some(v),
                _ => None,
            }) {
                return v.clone();
            }
        }
    }
    match plain {
        Token::SingleQuotedString(v) => v.clone(),
        _ => String::new(),
    }
}

fn string_value_mut(t: &mut Token) -> Option<&mut String> {
    match t {
        Token::SingleQuotedString(v)
        | Token::EscapedStringLiteral(v)
        | Token::UnicodeStringLiteral(v)
        | Token::NationalStringLiteral(v)
        | Token::HexStringLiteral(v)
        | Token::SingleQuotedByteStringLiteral(v) => Some(v),
        _ => None,
    }
}

/// Converts 1-based (line, column in characters) positions into byte offsets, moving forward only.
pub(super) struct LineCursor<'a> {
    text: &'a str,
    byte: usize,
    line: u64,
    col: u64,
}

impl<'a> LineCursor<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        LineCursor {
            text,
            byte: 0,
            line: 1,
            col: 1,
        }
    }

    pub(super) fn advance_to(&mut self, line: u64, col: u64) -> usize {
        if line == 0 {
            return self.byte;
        }
        let bytes = self.text.as_bytes();
        while self.line < line && self.byte < bytes.len() {
            if let Some(nl) = memchr_newline(&bytes[self.byte..]) {
                self.byte += nl + 1;
                self.line += 1;
                self.col = 1;
            } else {
                self.byte = bytes.len();
                break;
            }
        }
        let rest = &self.text[self.byte..];
        for (i, ch) in rest.char_indices() {
            if self.col >= col || ch == '\n' {
                self.byte += i;
                return self.byte;
            }
            self.col += 1;
        }
        self.byte = self.text.len();
        self.byte
    }
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

/// PostgreSQL's message for a tokenizer error about a literal or comment left open, `rest`
/// being the text from where it opens.
pub(super) fn unterminated(message: &str, rest: &str) -> Option<&'static str> {
    let lower = message.to_ascii_lowercase();
    if lower.contains("multi-line comment") {
        Some("unterminated /* comment")
    } else if lower.contains("dollar-quoted") {
        Some("unterminated dollar-quoted string")
    } else if lower.starts_with("expected close delimiter '\"'") {
        Some("unterminated quoted identifier")
    } else if lower.contains("unterminated") && lower.contains("string literal") {
        Some(match rest.as_bytes().first() {
            Some(b'b' | b'B') => "unterminated bit string literal",
            Some(b'x' | b'X') => "unterminated hexadecimal string literal",
            _ => "unterminated quoted string",
        })
    } else {
        None
    }
}

pub(super) fn location_to_offset(text: &str, line: u64, col: u64) -> usize {
    LineCursor::new(text).advance_to(line, col)
}
