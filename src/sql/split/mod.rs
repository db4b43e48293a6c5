//! Splitting SQL text into statements, over sqlparser's tokenizer.
//!
//! The tokenizer already handles dollar quoting (`$$`, `$tag$`), quoted identifiers, `''`,
//! `E''` and `U&''` strings, both comment forms (nested block comments included) and `COPY … FROM
//! stdin` data. On top of it this module splits at `;` (not inside `BEGIN ATOMIC … END` function
//! bodies, as psql does), drops psql meta-command lines (`\restrict`, `\connect`…), and records for
//! every token its byte offset in the file, so diagnostics can point at file, line and column.

mod tokens;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{
    Location, Span as TokSpan, Token, TokenWithSpan, Tokenizer, Whitespace,
};

use crate::diagnostics::{Diagnostics, FileId, SourceFile, Span};

use tokens::{location_to_offset, merge_continued_strings, unterminated, LineCursor};

/// A piece of text turned into tokens whose spans are relative to the whole file.
#[derive(Debug, Clone, Default)]
pub struct Lexed {
    /// Tokens, trivia (whitespace and comments) included.
    pub tokens: Vec<TokenWithSpan>,
    /// Byte offset in the file where each token starts, plus one final entry: the end.
    pub offsets: Vec<usize>,
}

/// One statement of a file: a range of tokens and the bytes they cover.
#[derive(Debug, Clone)]
pub struct RawStatement {
    /// Bytes from the first to the last significant token (the `;` excluded).
    pub span: Span,
    /// Token index range in [`Lexed::tokens`] (trivia at both ends excluded).
    pub tokens: std::ops::Range<usize>,
}

/// Whether a token is whitespace or a comment.
pub fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

/// Tokenizes `file.text[base..base + len]`. Token spans and offsets are made relative to the
/// whole file, so the parser's error positions are file positions. On a tokenizer error returns
/// the byte offset and the message.
pub fn lex(file: &SourceFile, base: usize, len: usize) -> Result<Lexed, (usize, String)> {
    lex_with(file, base, len, true)
}

/// [`lex`] with sqlparser's tokenizer only (no fast path): what the fast path is checked
/// against (`tests/fastlex.rs`).
#[doc(hidden)]
pub fn lex_sqlparser(file: &SourceFile, base: usize, len: usize) -> Result<Lexed, (usize, String)> {
    lex_with(file, base, len, false)
}

/// Whether the fast path tokenizes `text` (else sqlparser's tokenizer does).
#[doc(hidden)]
pub fn fast_path_applies(text: &str) -> bool {
    crate::sql::fastlex::tokenize(text).is_some()
}

fn lex_with(
    file: &SourceFile,
    base: usize,
    len: usize,
    fast: bool,
) -> Result<Lexed, (usize, String)> {
    let text = &file.text[base..base + len];
    let (mut raw, mut offsets) = match fast.then(|| crate::sql::fastlex::tokenize(text)).flatten() {
        Some((raw, rel)) => {
            let mut offsets = Vec::with_capacity(raw.len() + 1);
            offsets.extend(rel.into_iter().map(|o| base + o));
            (raw, offsets)
        }
        None => {
            let raw = tokenize_sqlparser(text, base)?;
            // Walk the text once, turning each token's (line, column) into a byte offset.
            let mut offsets = Vec::with_capacity(raw.len() + 1);
            let mut cursor = LineCursor::new(text);
            for t in &raw {
                offsets.push(base + cursor.advance_to(t.span.start.line, t.span.start.column));
            }
            (raw, offsets)
        }
    };
    // A text that is mostly one long literal (an `EXECUTE`d `DO` body) has far fewer tokens:
    // give the reserve back, or nested `EXECUTE`s would hold about 20 bytes per byte of text.
    if raw.capacity() > 2 * raw.len() + 16 {
        raw.shrink_to_fit();
    }
    if offsets.capacity() > 2 * offsets.len() + 16 {
        offsets.shrink_to_fit();
    }
    offsets.push(base + len);
    let mut tokens = raw;
    if base != 0 {
        // Re-express spans in file coordinates: the text starts at (line0, col0) of the file,
        // so only positions on its first line move sideways. A token ends where the next starts.
        let (line0, col0) = file.line_col(base);
        let (line0, col0) = (line0 as u64, col0 as u64);
        let to_file = |i: usize, at: Location| {
            if at.line == 0 {
                let (l, c) = file.line_col(offsets[i]);
                Location::new(l as u64, c as u64)
            } else if at.line == 1 {
                Location::new(line0, col0 + at.column - 1)
            } else {
                Location::new(line0 + at.line - 1, at.column)
            }
        };
        let starts: Vec<Location> = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| to_file(i, t.span.start))
            .collect();
        let (el, ec) = file.line_col(base + len);
        let end = Location::new(el as u64, ec as u64);
        for (i, t) in tokens.iter_mut().enumerate() {
            t.span = TokSpan::new(starts[i], starts.get(i + 1).copied().unwrap_or(end));
        }
    }
    let mut lexed = Lexed { tokens, offsets };
    merge_continued_strings(file, &mut lexed);
    Ok(lexed)
}

/// sqlparser's tokenizer over `text` (which starts at byte `base` of its file); on an error,
/// the byte offset in the file and PostgreSQL's message.
fn tokenize_sqlparser(text: &str, base: usize) -> Result<Vec<TokenWithSpan>, (usize, String)> {
    let dialect = PostgreSqlDialect {};
    // Unescaped literals (`'it''s'` → `it's`), as sqlparser's own parse functions give them.
    // About one token per four bytes in typical migrations (whitespace tokens included):
    // reserving up front saves regrowing the vector many times on large files.
    let mut raw = Vec::with_capacity(text.len() / 4 + 16);
    match Tokenizer::new(&dialect, text).tokenize_with_location_into_buf(&mut raw) {
        Ok(()) => Ok(raw),
        Err(e) => {
            // An unterminated literal or comment is reported where it opens, with PostgreSQL's
            // words: the tokens read before the error end exactly there.
            let opened = match raw.last() {
                Some(t) => location_to_offset(text, t.span.end.line, t.span.end.column),
                None => 0,
            };
            if let Some(message) = unterminated(&e.message, text.get(opened..).unwrap_or("")) {
                return Err((base + opened, message.to_string()));
            }
            let off = location_to_offset(text, e.location.line, e.location.column);
            Err((base + off, e.message))
        }
    }
}

/// Splits lexed tokens into statements. psql meta-command lines are skipped with a note.
pub fn split(file: FileId, lexed: &Lexed, diags: &mut Diagnostics) -> Vec<RawStatement> {
    let toks = &lexed.tokens;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        // Skip trivia and empty statements.
        match &toks[i].token {
            t if is_trivia(t) => {
                i += 1;
                continue;
            }
            Token::SemiColon | Token::EOF => {
                i += 1;
                continue;
            }
            Token::Backslash => {
                // psql meta-command: runs to the end of the line.
                let start = i;
                while i < toks.len()
                    && !matches!(toks[i].token, Token::Whitespace(Whitespace::Newline))
                {
                    i += 1;
                }
                diags.push(crate::diagnostics::Diagnostic::warning(
                    "psql meta-command skipped: it is not SQL and does not shape the schema",
                    Some(Span::new(file, lexed.offsets[start], lexed.offsets[i])),
                ));
                continue;
            }
            _ => {}
        }
        let start = i;
        let mut last_sig = i;
        let mut atomic_depth = 0usize;
        // A `;` inside parentheses does not end the statement either (psql and the Supabase CLI
        // split the same way): `CREATE RULE … DO ALSO (INSERT …; INSERT …)`.
        let mut paren_depth = 0usize;
        let routine = starts_routine(toks, start);
        while i < toks.len() {
            let t = &toks[i].token;
            match t {
                Token::EOF => break,
                Token::SemiColon if atomic_depth == 0 && paren_depth == 0 => break,
                Token::LParen => paren_depth += 1,
                Token::RParen => paren_depth = paren_depth.saturating_sub(1),
                _ => {}
            }
            if routine {
                if let Token::Word(w) = t {
                    match w.keyword {
                        Keyword::BEGIN if atomic_depth > 0 => atomic_depth += 1,
                        Keyword::BEGIN if next_word_is(toks, i + 1, Keyword::ATOMIC) => {
                            atomic_depth = 1
                        }
                        Keyword::CASE if atomic_depth > 0 => atomic_depth += 1,
                        Keyword::END if atomic_depth > 0 => atomic_depth -= 1,
                        _ => {}
                    }
                }
            }
            if !is_trivia(t) {
                last_sig = i;
            }
            i += 1;
        }
        out.push(RawStatement {
            span: Span::new(file, lexed.offsets[start], lexed.offsets[last_sig + 1]),
            tokens: start..last_sig + 1,
        });
    }
    out
}

fn next_word_is(toks: &[TokenWithSpan], from: usize, kw: Keyword) -> bool {
    toks[from..]
        .iter()
        .find(|t| !is_trivia(&t.token))
        .is_some_and(|t| matches!(&t.token, Token::Word(w) if w.keyword == kw))
}

/// Whether the statement starting at `i` is `CREATE [OR REPLACE] FUNCTION|PROCEDURE`.
fn starts_routine(toks: &[TokenWithSpan], i: usize) -> bool {
    let mut words = toks[i..]
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .take(4)
        .map(|t| match &t.token {
            Token::Word(w) => w.keyword,
            _ => Keyword::NoKeyword,
        });
    if words.next() != Some(Keyword::CREATE) {
        return false;
    }
    let mut next = words.next();
    if next == Some(Keyword::OR) {
        words.next();
        next = words.next();
    }
    matches!(next, Some(Keyword::FUNCTION) | Some(Keyword::PROCEDURE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Sources;

    fn split_text(text: &str) -> Vec<String> {
        let mut sources = Sources::new();
        let id = sources.add("t.sql", text.to_string());
        let file = sources.get(id);
        let lexed = lex(file, 0, text.len()).unwrap();
        let mut d = Diagnostics::new();
        split(id, &lexed, &mut d)
            .into_iter()
            .map(|s| text[s.span.start..s.span.end].to_string())
            .collect()
    }

    #[test]
    fn a_slice_is_lexed_in_file_coordinates() {
        // A DO body: starts mid-line after non-ASCII text, spans several lines.
        let text = "-- é\ndo $$ begin\n  create table ü (x int);\n\tend $$;\n";
        let mut sources = Sources::new();
        let id = sources.add("t.sql", text.to_string());
        let file = sources.get(id);
        let base = text.find("$$").unwrap() + 2;
        let len = text.rfind("$$").unwrap() - base;
        let lexed = lex(file, base, len).unwrap();
        assert!(lexed.tokens.len() > 10);
        for (i, t) in lexed.tokens.iter().enumerate() {
            let at = |off: usize| {
                let (l, c) = file.line_col(off);
                Location::new(l as u64, c as u64)
            };
            assert_eq!(t.span.start, at(lexed.offsets[i]), "start of {:?}", t.token);
            assert_eq!(t.span.end, at(lexed.offsets[i + 1]), "end of {:?}", t.token);
        }
    }

    #[test]
    fn splits_around_quotes_and_comments() {
        let text = "create table a (x text default 'a;b'); -- c;\n\
                    /* x; /* nested; */ */ select $$ a; $$;\n\
                    select $f$ ; $f$, E'\\';', \"a;b\";;\n\
                    do $$ begin null; end $$";
        assert_eq!(
            split_text(text),
            vec![
                "create table a (x text default 'a;b')",
                "select $$ a; $$",
                "select $f$ ; $f$, E'\\';', \"a;b\"",
                "do $$ begin null; end $$",
            ]
        );
    }

    #[test]
    fn begin_atomic_bodies_stay_whole() {
        let text = "create function f() returns int language sql begin atomic select 1; select case when true then 2 end; end; select 3;";
        let parts = split_text(text);
        assert_eq!(parts.len(), 2, "{parts:?}");
        assert!(parts[0].ends_with("end; end"));
    }

    #[test]
    fn semicolons_inside_parentheses_do_not_end_a_statement() {
        let text = "create rule r as on insert to t do also (insert into l values (1); insert into l values (2)); select 1;";
        assert_eq!(
            split_text(text),
            vec![
                "create rule r as on insert to t do also (insert into l values (1); insert into l values (2))",
                "select 1",
            ]
        );
    }

    #[test]
    fn offsets_follow_multibyte_text() {
        let text = "-- héllo wörld\ncreate table \"ü\" (x int);\nselect 'é';";
        let parts = split_text(text);
        assert_eq!(parts, vec!["create table \"ü\" (x int)", "select 'é'"]);
    }

    #[test]
    fn string_constants_continue_on_the_next_line() {
        let values = |text: &str| -> Vec<Token> {
            let mut sources = Sources::new();
            let id = sources.add("t.sql", text.to_string());
            let lexed = lex(sources.get(id), 0, text.len()).unwrap();
            for (i, t) in lexed.tokens.iter().enumerate() {
                let (a, b) = (lexed.offsets[i], lexed.offsets[i + 1]);
                assert!(a <= b && text.is_char_boundary(a), "{t:?}");
            }
            lexed
                .tokens
                .into_iter()
                .map(|t| t.token)
                .filter(|t| !is_trivia(t))
                .collect()
        };
        let s = |v: &str| Token::SingleQuotedString(v.to_string());
        assert_eq!(
            values("select 'a'\n  'b' -- c\n -- d\n\t'c'"),
            vec![Token::make_keyword("select"), s("abc")]
        );
        // Same line, or a block comment between: two constants (PostgreSQL rejects them).
        assert_eq!(values("select 'a' 'b'").len(), 3);
        assert_eq!(values("select 'a' /* x */\n'b'").len(), 3);
        // Continuations keep the first part's escapes.
        assert_eq!(
            values("select E'a\\n'\r\n'b\\n'")[1],
            Token::EscapedStringLiteral("a\nb\n".into())
        );
        assert_eq!(
            values("select U&'a\\0041'\n'\\0042'")[1],
            Token::UnicodeStringLiteral("aAB".into())
        );
        assert_eq!(values("select 'a'\n'b\\n'")[1], s("ab\\n"));
        // A dollar-quoted string does not continue.
        assert_eq!(values("select $$a$$\n'b'").len(), 3);
    }

    #[test]
    fn psql_meta_lines_are_skipped() {
        let text = "\\restrict abc\ncreate table a (x int);\n\\unrestrict abc\n";
        assert_eq!(split_text(text), vec!["create table a (x int)"]);
    }
}
