//! Defaults of scalar columns: date-times, enums, strings, integers, floats, booleans, bytes.

use super::tokens::Parser;
use super::tokens::Token;

use super::*;

pub(super) fn parse_datetime(parser: &mut Parser<'_>) -> Option<DbDefault> {
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

pub(super) fn parse_enum(parser: &mut Parser<'_>) -> Option<DbDefault> {
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

pub(super) fn parse_string_value(parser: &mut Parser<'_>) -> Option<String> {
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

pub(super) fn parse_identifier(parser: &mut Parser<'_>) -> Option<String> {
    match parser.peek_token()? {
        Token::DoubleQuotedIdentifier => {
            let s = parser.expect(Token::DoubleQuotedIdentifier)?;
            Some(double_quoted_contents(s))
        }
        Token::Identifier => Some(parser.expect(Token::Identifier)?.to_string()),
        _ => None,
    }
}

pub(super) fn double_quoted_contents(s: &str) -> String {
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

pub(super) fn parse_int(parser: &mut Parser<'_>) -> Option<DbDefault> {
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
pub(super) fn parse_float(parser: &mut Parser<'_>) -> Option<String> {
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
pub(super) fn big_decimal_display(sign: &str, int_part: &str, frac: Option<&str>) -> String {
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

pub(super) fn parse_bool(parser: &mut Parser<'_>) -> Option<DbDefault> {
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

pub(super) fn parse_binary(parser: &mut Parser<'_>) -> Option<DbDefault> {
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
