//! The tokenizer of default expressions and the cursor over its tokens (the schema engine's
//! `tokenize` and `Parser` of `column_default.rs`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token {
    Comma,
    OpeningBrace,
    ClosingBrace,
    OpeningSquareBracket,
    ClosingSquareBracket,
    OpeningCurly,
    ClosingCurly,
    Minus,
    Dot,
    CastOperator,
    DoubleQuotedIdentifier,
    StringLiteral,
    CStyleStringLiteral,
    Digits,
    Identifier,
    UnterminatedStringLiteral,
    Whitespace,
    Unknown,
}

pub(super) fn tokenize(s: &str) -> Vec<(Token, usize)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let peek = |i: usize| chars.get(i).map(|(_, c)| *c);
    while i < chars.len() {
        let (start, c) = chars[i];
        i += 1;
        match c {
            ',' => out.push((Token::Comma, start)),
            '(' => out.push((Token::OpeningBrace, start)),
            ')' => out.push((Token::ClosingBrace, start)),
            '[' => out.push((Token::OpeningSquareBracket, start)),
            ']' => out.push((Token::ClosingSquareBracket, start)),
            '-' => out.push((Token::Minus, start)),
            '.' => out.push((Token::Dot, start)),
            '{' => out.push((Token::OpeningCurly, start)),
            '}' => out.push((Token::ClosingCurly, start)),
            ':' => {
                if peek(i) == Some(':') {
                    i += 1;
                    out.push((Token::CastOperator, start));
                } else {
                    out.push((Token::Unknown, start));
                    return out;
                }
            }
            c if c.is_ascii_digit() => {
                while peek(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                }
                out.push((Token::Digits, start));
            }
            'E' | 'e' => match peek(i) {
                Some('\'') => {
                    i += 1;
                    loop {
                        match peek(i) {
                            Some('\\') => {
                                i += 1;
                                if peek(i).is_none() {
                                    out.push((Token::UnterminatedStringLiteral, start));
                                    break;
                                }
                                i += 1;
                            }
                            Some('\'') => {
                                i += 1;
                                out.push((Token::CStyleStringLiteral, start));
                                break;
                            }
                            Some(_) => i += 1,
                            None => {
                                out.push((Token::UnterminatedStringLiteral, start));
                                break;
                            }
                        }
                    }
                }
                Some(c) if c.is_ascii_alphanumeric() => {
                    i += 1;
                    while peek(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    {
                        i += 1;
                    }
                    out.push((Token::Identifier, start));
                }
                _ => out.push((Token::Identifier, start)),
            },
            '\'' => loop {
                match peek(i) {
                    None => {
                        out.push((Token::UnterminatedStringLiteral, start));
                        return out;
                    }
                    Some('\'') => {
                        i += 1;
                        if peek(i) == Some('\'') {
                            i += 1;
                        } else {
                            out.push((Token::StringLiteral, start));
                            break;
                        }
                    }
                    Some(_) => i += 1,
                }
            },
            '"' => loop {
                match peek(i) {
                    None => {
                        out.push((Token::UnterminatedStringLiteral, start));
                        return out;
                    }
                    Some('"') => {
                        i += 1;
                        out.push((Token::DoubleQuotedIdentifier, start));
                        break;
                    }
                    Some('\\') => i += 2,
                    Some(_) => i += 1,
                }
            },
            c if c.is_ascii_whitespace() => {
                while peek(i).is_some_and(|c| c.is_ascii_whitespace()) {
                    i += 1;
                }
                out.push((Token::Whitespace, start));
            }
            c if c.is_ascii_alphabetic() => {
                while peek(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
                    i += 1;
                }
                out.push((Token::Identifier, start));
            }
            _ => out.push((Token::Unknown, start)),
        }
    }
    out
}

pub(super) struct Parser<'a> {
    pub(super) input: &'a str,
    pub(super) tokens: Vec<(Token, usize)>,
    pub(super) offset: usize,
}

impl<'a> Parser<'a> {
    pub(super) fn new(input: &'a str) -> Self {
        Parser {
            input,
            tokens: tokenize(input),
            offset: 0,
        }
    }

    pub(super) fn resolve(&self, offset: usize) -> Option<(Token, &'a str)> {
        let (tok, start) = *self.tokens.get(offset)?;
        let end = self
            .tokens
            .get(offset + 1)
            .map_or(self.input.len(), |t| t.1);
        Some((tok, self.input.get(start..end)?))
    }

    pub(super) fn next_non_whitespace(&self) -> Option<(usize, Token)> {
        let mut offset = self.offset;
        loop {
            match self.tokens.get(offset)? {
                (Token::Whitespace, _) => offset += 1,
                (tok, _) => return Some((offset, *tok)),
            }
        }
    }

    pub(super) fn peek_token(&self) -> Option<Token> {
        self.next_non_whitespace().map(|(_, t)| t)
    }

    pub(super) fn next_token(&mut self) -> Option<Token> {
        let (next, tok) = self.next_non_whitespace()?;
        self.offset = next + 1;
        Some(tok)
    }

    pub(super) fn expect(&mut self, expected: Token) -> Option<&'a str> {
        let (next, tok) = self.next_non_whitespace()?;
        if tok != expected {
            return None;
        }
        self.offset = next + 1;
        Some(self.resolve(next)?.1)
    }

    pub(super) fn is_finished(&self) -> bool {
        self.offset + 1 >= self.tokens.len()
    }
}
