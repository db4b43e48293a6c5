//! Defaults of list columns: `ARRAY[…]` constructors and `{…}` array literals.

use super::scalars::double_quoted_contents;
use super::scalars::parse_float;
use super::scalars::parse_int;
use super::scalars::parse_string_value;
use super::tokens::Parser;
use super::tokens::Token;
use crate::emit::prisma::family::Family;

use super::*;

pub(super) fn list_default(parser: &mut Parser<'_>, family: &Family) -> DbDefault {
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

pub(super) fn parse_array_constructor(
    parser: &mut Parser<'_>,
    family: &Family,
) -> Option<Vec<Value>> {
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

pub(super) fn parse_array_literal(input: &str, family: &Family) -> Option<Vec<Value>> {
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
