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

mod cuts;
mod token;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use sqlparser::keywords::{Keyword, ALL_KEYWORDS, ALL_KEYWORDS_INDEX};
use sqlparser::tokenizer::{Location, Span, TokenWithSpan};

pub(crate) use cuts::cut_points;

/// Hashes the keyword table's keys: FxHash's mixing, a word (8 bytes) at a time. The keys are
/// sqlparser's fixed keywords (nothing to resist chosen collisions); SipHash cost as much as
/// the rest of reading a word.
#[derive(Default)]
struct KeywordHasher(u64);

impl KeywordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for KeywordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The table takes its buckets from the low bits: the product's well-mixed high bits.
        self.0.rotate_left(26)
    }
}

/// The keyword table: keywords by their (upper-case) bytes.
type KeywordMap = HashMap<&'static [u8], Keyword, BuildHasherDefault<KeywordHasher>>;

/// Keywords by their (upper-case) bytes, and the longest keyword's length.
fn keywords() -> &'static (KeywordMap, usize) {
    static K: OnceLock<(KeywordMap, usize)> = OnceLock::new();
    K.get_or_init(|| {
        let map: KeywordMap = ALL_KEYWORDS
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

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::tokenizer::{Token, Tokenizer};

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
            "a->b a->>'b' a#>'{b}' a#>>'{b}' a@>b a<@b a->-1 a->>-1 a#>-b a@>-b a<@-b",
            "a->>=b a->=b a#>>=b a#>=b a<@=b a@>=b a~b a~*b a!~b a!~*b a~~b a!~~b a~=b a~-b",
            "1.0 0.5 10.25 1.0::numeric 1.5e3 1.e 1. .5 t.1 t.1.2 (1,2).1 1.0x 1_000 1.0_1",
            "a % b a%b a%=b a%%b 5%2 a ~ '^x' a#b a@b a@@b a#-b",
        ];
        // Each operand-operator-operand group of the lines above on its own too (a text with
        // one form the fast path leaves to sqlparser is not compared at all).
        let pieces: Vec<&str> = cases[15..].iter().flat_map(|c| c.split(' ')).collect();
        let mut fast = 0;
        for text in cases.iter().copied().chain(pieces) {
            fast += usize::from(tokenize(text).is_some());
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
            "select 1.5e3",
            "select e'x'",
            "a->>='b'",
            "copy t from stdin;",
            "/* open",
            "'open",
        ] {
            assert!(tokenize(text).is_none(), "{text:?}");
        }
        assert!(fast > 30, "{fast}");
        for case in [cases[0], cases[4], "select 1.5, a->>'b', a @> b, x ~ 'y'"] {
            assert!(tokenize(case).is_some(), "{case:?}");
        }
    }
}
