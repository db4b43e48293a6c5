//! Column defaults as Prisma's schema describer parses them (`postgres/default.rs`,
//! `default/tokenize.rs`, `default/c_style_scalar_lists.rs` of `sql-schema-describer`).
//!
//! The input is the text `pg_get_expr` prints. A default is a literal only if the parser for the
//! column's type family consumes the whole text; anything else is `dbgenerated("…")`. The quirks
//! of the engine's tokenizer and parser are kept on purpose (for instance a final unconsumed
//! token is accepted, and list defaults ignore whatever follows the literal), because the output
//! must be the engine's.

use super::family::Family;

/// A parsed default.
#[derive(Debug, Clone, PartialEq)]
pub enum DbDefault {
    /// `nextval('seq'::regclass)` on an integer column.
    Sequence,
    /// `now()` / `CURRENT_TIMESTAMP` on a date-time column.
    Now,
    /// Anything that is not a literal: the expression text.
    DbGenerated(String),
    /// A literal.
    Value(Value),
}

/// A literal default value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string (also a JSON default's text).
    Str(String),
    /// An element of a JSON array literal (`'{"{}"}'::jsonb[]`): the engine keeps only the
    /// string elements of a list whose first element is a string or JSON, so a list of these
    /// prints as `[]`.
    Json(String),
    /// An integer.
    Int(i64),
    /// A decimal number, as the engine's `BigDecimal` prints it.
    Float(String),
    /// `true` / `false`.
    Bool(bool),
    /// An enum value (database name).
    Enum(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<Value>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
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

fn tokenize(s: &str) -> Vec<(Token, usize)> {
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

struct Parser<'a> {
    input: &'a str,
    tokens: Vec<(Token, usize)>,
    offset: usize,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str) -> Self {
        Parser {
            input,
            tokens: tokenize(input),
            offset: 0,
        }
    }

    fn resolve(&self, offset: usize) -> Option<(Token, &'a str)> {
        let (tok, start) = *self.tokens.get(offset)?;
        let end = self
            .tokens
            .get(offset + 1)
            .map_or(self.input.len(), |t| t.1);
        Some((tok, self.input.get(start..end)?))
    }

    fn next_non_whitespace(&self) -> Option<(usize, Token)> {
        let mut offset = self.offset;
        loop {
            match self.tokens.get(offset)? {
                (Token::Whitespace, _) => offset += 1,
                (tok, _) => return Some((offset, *tok)),
            }
        }
    }

    fn peek_token(&self) -> Option<Token> {
        self.next_non_whitespace().map(|(_, t)| t)
    }

    fn next_token(&mut self) -> Option<Token> {
        let (next, tok) = self.next_non_whitespace()?;
        self.offset = next + 1;
        Some(tok)
    }

    fn expect(&mut self, expected: Token) -> Option<&'a str> {
        let (next, tok) = self.next_non_whitespace()?;
        if tok != expected {
            return None;
        }
        self.offset = next + 1;
        Some(self.resolve(next)?.1)
    }

    fn is_finished(&self) -> bool {
        self.offset + 1 >= self.tokens.len()
    }
}

/// Parses `text` (a `pg_get_expr` default) for a column of type `family`, a list column if `list`.
/// `None` when the default is `NULL`.
pub fn parse_default(text: &str, family: &Family, list: bool) -> Option<DbDefault> {
    if text.trim().starts_with("NULL") {
        return None;
    }
    let mut parser = Parser::new(text);
    if parser.tokens.is_empty() {
        return Some(DbDefault::DbGenerated(text.to_string()));
    }
    if list {
        return Some(list_default(&mut parser, family));
    }
    let parsed = parse_for_family(&mut parser, family).filter(|_| parser.is_finished());
    Some(parsed.unwrap_or_else(|| DbDefault::DbGenerated(text.to_string())))
}

fn parse_for_family(parser: &mut Parser<'_>, family: &Family) -> Option<DbDefault> {
    match family {
        Family::String | Family::Json => {
            parse_string_value(parser).map(|s| DbDefault::Value(Value::Str(s)))
        }
        Family::Int | Family::BigInt => parse_int(parser),
        Family::Enum(_) => parse_enum(parser),
        Family::Float | Family::Decimal => {
            parse_float(parser).map(|v| DbDefault::Value(Value::Float(v)))
        }
        Family::Boolean => parse_bool(parser),
        Family::DateTime => parse_datetime(parser),
        Family::Binary => parse_binary(parser),
        Family::Uuid | Family::Unsupported(_) => None,
    }
}

fn eat_cast(parser: &mut Parser<'_>) -> Option<()> {
    if parser.peek_token() != Some(Token::CastOperator) {
        return Some(());
    }
    parser.expect(Token::CastOperator)?;
    loop {
        match parser.peek_token() {
            Some(Token::DoubleQuotedIdentifier) => {
                parser.expect(Token::DoubleQuotedIdentifier)?;
            }
            Some(Token::Identifier) => {
                parser.expect(Token::Identifier)?;
            }
            Some(Token::Dot) => {
                parser.expect(Token::Dot)?;
            }
            _ => break,
        }
    }
    if parser.peek_token() == Some(Token::OpeningBrace) {
        loop {
            if parser.next_token()? == Token::ClosingBrace {
                break;
            }
        }
    }
    if parser.peek_token() == Some(Token::OpeningSquareBracket) {
        parser.expect(Token::OpeningSquareBracket)?;
        parser.expect(Token::ClosingSquareBracket)?;
    }
    Some(())
}

fn parse_datetime(parser: &mut Parser<'_>) -> Option<DbDefault> {
    if parser.peek_token()? != Token::Identifier {
        return None;
    }
    let name = parser.expect(Token::Identifier)?;
    if parser.peek_token() == Some(Token::OpeningBrace) {
        parser.expect(Token::OpeningBrace)?;
        parser.expect(Token::ClosingBrace)?;
    }
    eat_cast(parser)?;
    (name.eq_ignore_ascii_case("now") || name.eq_ignore_ascii_case("current_timestamp"))
        .then_some(DbDefault::Now)
}

fn parse_enum(parser: &mut Parser<'_>) -> Option<DbDefault> {
    match parser.peek_token()? {
        Token::Identifier => {
            let s = parser.expect(Token::Identifier)?.to_string();
            eat_cast(parser)?;
            Some(DbDefault::Value(Value::Enum(s)))
        }
        Token::StringLiteral | Token::CStyleStringLiteral => {
            let s = parse_string_value(parser)?;
            eat_cast(parser)?;
            Some(DbDefault::Value(Value::Enum(s)))
        }
        _ => None,
    }
}

fn parse_string_value(parser: &mut Parser<'_>) -> Option<String> {
    match parser.peek_token()? {
        Token::StringLiteral => {
            let s = parser.expect(Token::StringLiteral)?;
            let inner = s.get(1..s.len().checked_sub(1)?)?;
            let out = inner.replace("''", "'");
            eat_cast(parser)?;
            Some(out)
        }
        Token::CStyleStringLiteral => {
            let s = parser.expect(Token::CStyleStringLiteral)?;
            let inner = s.get(2..s.len().checked_sub(1)?)?;
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c != '\\' {
                    out.push(c);
                    continue;
                }
                let next = chars.next()?;
                match next {
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'v' => out.push('\u{11}'),
                    'f' => out.push('\u{12}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' | 'U' => {
                        let n = if next == 'u' { 4 } else { 8 };
                        let hex: String = chars.by_ref().take(n).collect();
                        out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                    }
                    c => out.push(c),
                }
            }
            eat_cast(parser)?;
            Some(out)
        }
        _ => None,
    }
}

fn parse_identifier(parser: &mut Parser<'_>) -> Option<String> {
    match parser.peek_token()? {
        Token::DoubleQuotedIdentifier => {
            let s = parser.expect(Token::DoubleQuotedIdentifier)?;
            Some(double_quoted_contents(s))
        }
        Token::Identifier => Some(parser.expect(Token::Identifier)?.to_string()),
        _ => None,
    }
}

fn double_quoted_contents(s: &str) -> String {
    let inner = s.get(1..s.len().saturating_sub(1)).unwrap_or("");
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn parse_int(parser: &mut Parser<'_>) -> Option<DbDefault> {
    match parser.peek_token()? {
        Token::Digits => {
            let s = parser.expect(Token::Digits)?;
            Some(DbDefault::Value(Value::Int(s.parse().ok()?)))
        }
        Token::Minus => {
            parser.expect(Token::Minus)?;
            let s = parser.expect(Token::Digits)?;
            let v: i64 = s.parse().ok()?;
            Some(DbDefault::Value(Value::Int(-v)))
        }
        Token::StringLiteral => {
            let contents = parse_string_value(parser)?;
            Some(DbDefault::Value(Value::Int(contents.parse().ok()?)))
        }
        Token::Identifier => {
            let s = parser.expect(Token::Identifier)?;
            if s.eq_ignore_ascii_case("unique_rowid") {
                parser.expect(Token::OpeningBrace)?;
                parser.expect(Token::ClosingBrace)?;
                return Some(DbDefault::Sequence);
            }
            if !s.eq_ignore_ascii_case("nextval") {
                return None;
            }
            parser.expect(Token::OpeningBrace)?;
            if parser.peek_token() == Some(Token::OpeningBrace) {
                parser.expect(Token::OpeningBrace)?;
            }
            let seq = match parser.peek_token() {
                Some(Token::StringLiteral) | Some(Token::CStyleStringLiteral) => {
                    parse_string_value(parser)?
                }
                _ => return None,
            };
            // The sequence name must parse as an identifier, optionally schema-qualified.
            let mut inner = Parser::new(&seq);
            parse_identifier(&mut inner)?;
            if inner.peek_token() == Some(Token::Dot) {
                inner.expect(Token::Dot)?;
                parse_identifier(&mut inner)?;
            }
            loop {
                if parser.next_token()? == Token::ClosingBrace {
                    break;
                }
            }
            eat_cast(parser)?;
            if parser.peek_token() == Some(Token::ClosingBrace) {
                parser.expect(Token::ClosingBrace)?;
            }
            eat_cast(parser)?;
            Some(DbDefault::Sequence)
        }
        _ => None,
    }
}

/// A decimal literal, as `BigDecimal`'s `Display` prints it.
fn parse_float(parser: &mut Parser<'_>) -> Option<String> {
    fn inner(parser: &mut Parser<'_>) -> Option<String> {
        let mut open_brace = false;
        match parser.peek_token()? {
            Token::OpeningBrace => {
                parser.expect(Token::OpeningBrace)?;
                open_brace = true;
            }
            Token::StringLiteral | Token::CStyleStringLiteral => {
                let s = parse_string_value(parser)?;
                let mut p = Parser::new(&s);
                return inner(&mut p);
            }
            _ => {}
        }
        let sign = if parser.peek_token()? == Token::Minus {
            parser.expect(Token::Minus)?;
            "-"
        } else {
            ""
        };
        let int_part = parser.expect(Token::Digits)?;
        let frac = if parser.peek_token() == Some(Token::Dot) {
            parser.expect(Token::Dot)?;
            Some(parser.expect(Token::Digits)?)
        } else {
            None
        };
        if open_brace {
            parser.expect(Token::ClosingBrace)?;
        }
        Some(big_decimal_display(sign, int_part, frac))
    }
    let v = inner(parser)?;
    eat_cast(parser)?;
    Some(v)
}

/// `BigDecimal::from_str(..).to_string()` for plain decimal input: leading zeros of the integer
/// part dropped, the scale (fraction digits) kept, `-0` printed as `0`.
fn big_decimal_display(sign: &str, int_part: &str, frac: Option<&str>) -> String {
    let int = int_part.trim_start_matches('0');
    let frac = frac.unwrap_or("");
    let all_zero = int.is_empty() && frac.chars().all(|c| c == '0');
    let mut out = String::new();
    if sign == "-" && !all_zero {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

fn parse_bool(parser: &mut Parser<'_>) -> Option<DbDefault> {
    let s = parser.expect(Token::Identifier)?;
    let v = if s.eq_ignore_ascii_case("t") || s.eq_ignore_ascii_case("true") {
        true
    } else if s.eq_ignore_ascii_case("f") || s.eq_ignore_ascii_case("false") {
        false
    } else {
        return None;
    };
    Some(DbDefault::Value(Value::Bool(v)))
}

fn parse_binary(parser: &mut Parser<'_>) -> Option<DbDefault> {
    let value = parse_string_value(parser)?;
    let hex = value.strip_prefix("\\x")?;
    if !value.is_ascii() || hex.len() % 2 != 0 {
        return None;
    }
    let bytes = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(DbDefault::Value(Value::Bytes(bytes)))
}

fn list_default(parser: &mut Parser<'_>, family: &Family) -> DbDefault {
    let values = match parser.peek_token() {
        Some(Token::CStyleStringLiteral) | Some(Token::StringLiteral) => {
            parse_string_value(parser).and_then(|v| parse_array_literal(&v, family))
        }
        Some(Token::Identifier) | Some(Token::OpeningBrace) => {
            let r = parse_array_constructor(parser, family);
            if r.is_some() {
                let _ = eat_cast(parser);
            }
            r
        }
        _ => None,
    };
    match values {
        Some(v) => DbDefault::Value(Value::List(v)),
        None => DbDefault::DbGenerated(parser.input.to_string()),
    }
}

fn parse_array_constructor(parser: &mut Parser<'_>, family: &Family) -> Option<Vec<Value>> {
    let _ = parser.expect(Token::OpeningBrace);
    let kw = parser.expect(Token::Identifier)?;
    if !kw.eq_ignore_ascii_case("array") {
        return None;
    }
    parser.expect(Token::OpeningSquareBracket)?;
    let mut values = Vec::new();
    loop {
        match parser.peek_token() {
            None => return None,
            Some(Token::ClosingSquareBracket) => {
                parser.expect(Token::ClosingSquareBracket)?;
                break;
            }
            Some(_) => match parse_for_family(parser, family)? {
                DbDefault::Value(v) => values.push(v),
                _ => return None,
            },
        }
        match parser.next_token() {
            Some(Token::ClosingSquareBracket) => break,
            Some(Token::Comma) => {}
            _ => return None,
        }
    }
    Some(values)
}

fn parse_array_literal(input: &str, family: &Family) -> Option<Vec<Value>> {
    let mut parser = Parser::new(input);
    parser.expect(Token::OpeningCurly)?;
    let mut values = Vec::new();
    loop {
        match parser.peek_token()? {
            Token::ClosingCurly => {
                parser.expect(Token::ClosingCurly)?;
                break;
            }
            Token::Identifier => {
                let s = parser.expect(Token::Identifier)?.to_string();
                values.push(parse_literal(&s, family)?);
            }
            Token::DoubleQuotedIdentifier => {
                let s = parser.expect(Token::DoubleQuotedIdentifier)?;
                values.push(parse_literal(&double_quoted_contents(s), family)?);
            }
            Token::StringLiteral => {
                let s = parse_string_value(&mut parser)?;
                values.push(parse_literal(&s, family)?);
            }
            Token::Minus | Token::Digits => match family {
                Family::Int | Family::BigInt => match parse_int(&mut parser)? {
                    DbDefault::Value(v) => values.push(v),
                    _ => return None,
                },
                Family::Decimal | Family::Float => {
                    values.push(Value::Float(parse_float(&mut parser)?))
                }
                _ => return None,
            },
            _ => return None,
        }
        match parser.peek_token()? {
            Token::Comma => {
                parser.expect(Token::Comma)?;
            }
            Token::ClosingCurly => {
                parser.expect(Token::ClosingCurly)?;
                break;
            }
            _ => return None,
        }
    }
    Some(values)
}

fn parse_literal(s: &str, family: &Family) -> Option<Value> {
    match family {
        Family::Int | Family::BigInt => Some(Value::Int(s.parse().ok()?)),
        Family::Float | Family::Decimal => {
            // `f64`/`BigDecimal` parsing of a bare word: only plain decimals are accepted here.
            let (sign, rest) = match s.strip_prefix('-') {
                Some(r) => ("-", r),
                None => ("", s),
            };
            let (i, f) = match rest.split_once('.') {
                Some((i, f)) => (i, Some(f)),
                None => (rest, None),
            };
            let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit());
            if !digits(i) || f.is_some_and(|f| !digits(f)) {
                return None;
            }
            Some(Value::Float(big_decimal_display(sign, i, f)))
        }
        Family::String => Some(Value::Str(s.to_string())),
        Family::Json => Some(Value::Json(s.to_string())),
        Family::Boolean => {
            if s.eq_ignore_ascii_case("t") || s.eq_ignore_ascii_case("true") {
                Some(Value::Bool(true))
            } else if s.eq_ignore_ascii_case("f") || s.eq_ignore_ascii_case("false") {
                Some(Value::Bool(false))
            } else {
                None
            }
        }
        Family::Enum(_) => {
            let mut p = Parser::new(s);
            Some(Value::Enum(
                parse_string_value(&mut p).unwrap_or_else(|| s.to_string()),
            ))
        }
        Family::DateTime | Family::Binary | Family::Uuid | Family::Unsupported(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, family: Family) -> Option<DbDefault> {
        parse_default(text, &family, false)
    }

    fn gen(s: &str) -> Option<DbDefault> {
        Some(DbDefault::DbGenerated(s.to_string()))
    }

    #[test]
    fn scalar_defaults() {
        use DbDefault::*;
        assert_eq!(p("now()", Family::DateTime), Some(Now));
        assert_eq!(p("CURRENT_TIMESTAMP", Family::DateTime), Some(Now));
        assert_eq!(
            p("timezone('utc'::text, now())", Family::DateTime),
            gen("timezone('utc'::text, now())")
        );
        assert_eq!(
            p("'a''b'::character varying", Family::String),
            Some(Value(super::Value::Str("a'b".into())))
        );
        assert_eq!(
            p("'-1'::integer", Family::Int),
            Some(Value(super::Value::Int(-1)))
        );
        assert_eq!(
            p("nextval('t_id_seq'::regclass)", Family::Int),
            Some(Sequence)
        );
        assert_eq!(
            p("1.50", Family::Decimal),
            Some(Value(super::Value::Float("1.50".into())))
        );
        assert_eq!(
            p("true", Family::Boolean),
            Some(Value(super::Value::Bool(true)))
        );
        assert_eq!(
            p("'ACTIVE'::\"Status\"", Family::Enum(0)),
            Some(Value(super::Value::Enum("ACTIVE".into())))
        );
        assert_eq!(
            p("gen_random_uuid()", Family::Uuid),
            gen("gen_random_uuid()")
        );
        assert_eq!(p("(now())::text", Family::String), gen("(now())::text"));
        assert_eq!(p("NULL::text", Family::String), None);
        assert_eq!(
            p("'\\x0102'::bytea", Family::Binary),
            Some(Value(super::Value::Bytes(vec![1, 2])))
        );
    }

    #[test]
    fn list_defaults() {
        let l = |t: &str, f: Family| parse_default(t, &f, true);
        assert_eq!(
            l("'{}'::text[]", Family::String),
            Some(DbDefault::Value(Value::List(vec![])))
        );
        assert_eq!(
            l("ARRAY['a'::text, 'b'::text]", Family::String),
            Some(DbDefault::Value(Value::List(vec![
                Value::Str("a".into()),
                Value::Str("b".into())
            ])))
        );
        assert_eq!(
            l("'{1,2}'::integer[]", Family::Int),
            Some(DbDefault::Value(Value::List(vec![
                Value::Int(1),
                Value::Int(2)
            ])))
        );
    }
}
