//! Column defaults as Prisma's schema describer parses them (`postgres/default.rs`,
//! `default/tokenize.rs`, `default/c_style_scalar_lists.rs` of `sql-schema-describer`).
//!
//! The input is the text `pg_get_expr` prints. A default is a literal only if the parser for the
//! column's type family consumes the whole text; anything else is `dbgenerated("…")`. The quirks
//! of the engine's tokenizer and parser are kept on purpose (for instance a final unconsumed
//! token is accepted, and list defaults ignore whatever follows the literal), because the output
//! must be the engine's.

mod lists;
mod scalars;
#[cfg(test)]
mod tests;
mod tokens;

use super::family::Family;
use lists::list_default;
use scalars::{
    big_decimal_display, parse_binary, parse_bool, parse_datetime, parse_enum, parse_float,
    parse_int, parse_string_value,
};
use tokens::{Parser, Token};

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

impl<'a> Parser<'a> {}

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
