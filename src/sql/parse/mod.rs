//! Parsing one statement: sqlparser (with [`PgDialect`]) for what it reads, schemagen's own
//! parsers for the PostgreSQL forms it rejects, so that a statement PostgreSQL accepts and that
//! can shape the schema is always read.
//!
//! - A pre-pass (`prepass`) takes out clauses sqlparser does not know and the catalog does not
//!   model (`WITH (fillfactor = 70)` on a key, `USING INDEX TABLESPACE`, `TABLESPACE`, operator
//!   class parameters, `WITH [NO] DATA`…), and records the ones the replay still needs (the
//!   columns of `ON DELETE SET NULL (a)`, `SEQUENCE NAME` of an identity column, `WITH CHECK
//!   OPTION`, `LIKE … INCLUDING …`, `ON ONLY`) as [`Extras`].
//! - `ALTER TABLE`, `ALTER INDEX`, `ALTER SEQUENCE`, `ALTER DOMAIN`, `CREATE DOMAIN` and the
//!   `ALTER TYPE`/`ALTER [MATERIALIZED] VIEW` forms sqlparser rejects are read by
//!   `alter_table` and `alter_other`, which use sqlparser's parser for names, types,
//!   expressions and the actions it knows.
//! - Nesting: statements are parsed with sqlparser's default recursion limit; one nested deeper
//!   (`((((…))))`) fails with [`ParseError::too_deep`] and is parsed again with
//!   [`DEEP_RECURSION_LIMIT`] on a thread with a [`DEEP_STACK`] stack by the caller, so that
//!   neither the parse nor the replay of the tree can overflow the stack.
//!
//! Errors carry the position of the token they are about.

mod alter_other;
mod alter_table;
pub mod ast;
pub(crate) mod names;
mod prepass;
pub mod routine;

use sqlparser::ast::Statement;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::sql::dialect::PgDialect;
use crate::sql::split::is_trivia;
pub use ast::{Extras, PgStatement};

/// sqlparser's default recursion limit: enough for every real statement (nesting depth 47).
pub const RECURSION_LIMIT: usize = 50;

/// The limit for statements nested deeper than [`RECURSION_LIMIT`]. PostgreSQL's parser stops
/// at about 9,990 nested parentheses (`memory exhausted`) and its planner sooner for other
/// nesting (`stack depth limit exceeded` at 2 MB of stack, a few thousand levels).
pub const DEEP_RECURSION_LIMIT: usize = 10_000;

/// The stack of the thread that parses and replays a statement nested deeper than
/// [`RECURSION_LIMIT`]: room for [`DEEP_RECURSION_LIMIT`] levels of parsing, deparsing and
/// dropping the tree (measured at under 2 KB per level in debug builds), reserved but only used
/// as deep as the statement goes.
pub const DEEP_STACK: usize = 512 << 20;

/// A parsed statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Read by sqlparser; the clauses the pre-pass took out that still matter.
    Sql(Box<Statement>, Extras),
    /// Read by schemagen's own parsers; the clauses the pre-pass took out.
    Pg(Box<PgStatement>, Extras),
}

/// Why a statement could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// What was expected and found (`Expected: …, found: …`), without the position.
    pub message: String,
    /// Where, in file coordinates (the tokens' own).
    pub location: Option<Location>,
    /// The recursion limit was reached: the statement is nested too deeply.
    pub too_deep: bool,
}

impl ParseError {
    fn from_parser(e: ParserError) -> Self {
        let (text, too_deep) = match e {
            ParserError::RecursionLimitExceeded => (String::new(), true),
            ParserError::ParserError(s) | ParserError::TokenizerError(s) => (s, false),
        };
        // sqlparser ends its messages with ` at Line: L, Column: C`.
        let (message, location) = match text.rfind(" at Line: ") {
            Some(i) => {
                let pos = &text[i + " at Line: ".len()..];
                let mut parts = pos.split(", Column: ");
                let line = parts.next().and_then(|l| l.trim().parse::<u64>().ok());
                let col = parts.next().and_then(|c| c.trim().parse::<u64>().ok());
                match (line, col) {
                    (Some(l), Some(c)) => (text[..i].to_string(), Some(Location::new(l, c))),
                    _ => (text, None),
                }
            }
            None => (text, None),
        };
        ParseError {
            message,
            location,
            too_deep,
        }
    }
}

/// The dialect every statement is parsed with.
pub(crate) static DIALECT: PgDialect = PgDialect::new();

/// Parses one statement from its tokens (trivia may be included). `limit` is the recursion
/// limit ([`RECURSION_LIMIT`] or [`DEEP_RECURSION_LIMIT`]).
pub fn parse_statement(tokens: &[TokenWithSpan], limit: usize) -> Result<Parsed, ParseError> {
    let mut sig: Vec<TokenWithSpan> = tokens
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .cloned()
        .collect();
    // An expression tree deeper than the parser's nesting (a long chain of `OR`s parses in a
    // loop but is analysed recursively) goes where deep statements go.
    if limit < DEEP_RECURSION_LIMIT && estimated_depth(&sig) > limit {
        return Err(ParseError {
            message: String::new(),
            location: None,
            too_deep: true,
        });
    }
    let words: Vec<String> = sig.iter().take(4).map(|t| lower_word(&t.token)).collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let extras = prepass::run(&mut sig, &words)?;
    let own = |sig: Vec<TokenWithSpan>,
               f: fn(&mut Parser) -> Result<PgStatement, ParserError>,
               extras: Extras| {
        let mut p = parser(sig, limit);
        let stmt = f(&mut p).map_err(ParseError::from_parser)?;
        while p.consume_token(&Token::SemiColon) {}
        let next = p.peek_token();
        if next.token != Token::EOF {
            return Err(ParseError::from_parser(
                p.expected::<()>("end of statement", next).unwrap_err(),
            ));
        }
        Ok(Parsed::Pg(Box::new(stmt), extras))
    };
    let parsed = match (w(0), w(1)) {
        ("alter", "table") => own(sig, alter_table::parse, extras),
        ("alter", "index") => own(sig, alter_other::parse_alter_index, extras),
        ("alter", "sequence") => own(sig, alter_other::parse_alter_sequence, extras),
        ("alter", "domain") => own(sig, alter_other::parse_alter_domain, extras),
        ("create", "domain") => own(sig, alter_other::parse_create_domain, extras),
        ("alter", "extension") => own(sig, alter_other::parse_alter_extension, extras),
        ("alter", "type" | "view" | "materialized") => match sqlparser(sig.clone(), limit) {
            Ok(s) => Ok(Parsed::Sql(Box::new(s), extras)),
            // sqlparser's message is the one to show when neither reads the statement.
            Err(e) if e.too_deep => Err(e),
            Err(e) => own(sig, alter_other::parse_alter_type_or_view, extras).map_err(|_| e),
        },
        _ => {
            let s = sqlparser(sig, limit)?;
            check_defaults(&s)?;
            Ok(Parsed::Sql(Box::new(s), extras))
        }
    }?;
    // Names where PostgreSQL's grammar takes only some words (sqlparser takes any).
    match &parsed {
        Parsed::Sql(s, _) => names::check(s)?,
        Parsed::Pg(s, _) => names::check_pg(s)?,
    }
    Ok(parsed)
}

/// `DEFAULT b_expr` in column definitions: PostgreSQL's grammar has no unparenthesized `AND`,
/// `OR`, `NOT`, `IS NULL`, `LIKE`, `BETWEEN` or `IN` there (sqlparser takes any expression).
pub(crate) fn check_defaults(s: &Statement) -> Result<(), ParseError> {
    use sqlparser::ast::{AlterTableOperation, ColumnDef, ColumnOption, Spanned};
    let check = |c: &ColumnDef| -> Result<(), ParseError> {
        for o in &c.options {
            if let ColumnOption::Default(e) = &o.option {
                if !crate::sql::dialect::is_b_expr(e) {
                    return Err(ParseError {
                        message: "syntax error: a DEFAULT expression needs parentheses around \
                                  boolean operators, IS NULL, LIKE, BETWEEN or IN"
                            .into(),
                        location: Some(e.span().start).filter(|l| l.line > 0),
                        too_deep: false,
                    });
                }
            }
        }
        Ok(())
    };
    match s {
        Statement::CreateTable(ct) => ct.columns.iter().try_for_each(check),
        Statement::AlterTable(at) => at.operations.iter().try_for_each(|op| match op {
            AlterTableOperation::AddColumn { column_def, .. } => check(column_def),
            _ => Ok(()),
        }),
        _ => Ok(()),
    }
}

fn parser(tokens: Vec<TokenWithSpan>, limit: usize) -> Parser<'static> {
    Parser::new(&DIALECT)
        .with_recursion_limit(limit)
        .with_tokens_with_locations(tokens)
}

/// Parses exactly one statement with sqlparser.
fn sqlparser(tokens: Vec<TokenWithSpan>, limit: usize) -> Result<Statement, ParseError> {
    let end = tokens.last().map(|t| t.span.end);
    let mut stmts = parser(tokens, limit)
        .parse_statements()
        .map_err(ParseError::from_parser)?;
    match stmts.len() {
        1 => {
            let mut s = stmts.remove(0);
            let _ = sqlparser::ast::VisitMut::visit(&mut s, &mut TableQueries);
            Ok(s)
        }
        n => Err(ParseError {
            message: format!("expected one statement, found {n}"),
            location: end,
            too_deep: false,
        }),
    }
}

/// Rewrites every `TABLE name` query (and set-operation branch) into `SELECT * FROM name`,
/// which PostgreSQL's grammar makes of it, so that every reader of queries sees one form.
struct TableQueries;

impl sqlparser::ast::VisitorMut for TableQueries {
    type Break = ();

    fn pre_visit_query(&mut self, q: &mut sqlparser::ast::Query) -> std::ops::ControlFlow<()> {
        table_to_select(&mut q.body);
        std::ops::ControlFlow::Continue(())
    }
}

fn table_to_select(e: &mut sqlparser::ast::SetExpr) {
    use sqlparser::ast::SetExpr;
    match e {
        SetExpr::Table(t) => {
            let Some(name) = &t.table_name else {
                return;
            };
            let relation = match &t.schema_name {
                Some(s) => format!("{s}.{name}"),
                None => name.to_string(),
            };
            let select = Parser::new(&DIALECT)
                .try_with_sql(&format!("SELECT * FROM {relation}"))
                .and_then(|mut p| p.parse_query());
            if let Ok(q) = select {
                *e = *q.body;
            }
        }
        SetExpr::SetOperation { left, right, .. } => {
            table_to_select(left);
            table_to_select(right);
        }
        _ => {}
    }
}

/// An error about `token`, located at it.
pub(crate) fn error_at(message: &str, token: &TokenWithSpan) -> ParserError {
    ParserError::ParserError(format!("{message}{}", token.span.start))
}

/// Consumes the bare words `seq` (lower case) if they come next; for the words sqlparser has
/// no keyword for (`ATTRIBUTE`, `EXPRESSION`, `OIDS`).
pub(crate) fn parse_words(p: &mut Parser, seq: &[&str]) -> bool {
    let matches = seq.iter().enumerate().all(|(i, w)| {
        matches!(&p.peek_nth_token_ref(i).token, Token::Word(x) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w))
    });
    if matches {
        for _ in seq {
            p.next_token();
        }
    }
    matches
}

/// A token as a lower-case bare word, or `""`.
pub(crate) fn lower_word(t: &Token) -> String {
    match t {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// How deep a statement's expression trees may get: parentheses plus the operators chained in
/// each enclosing list element (`a = 1 OR a = 2 OR …` is as deep as it is long).
fn estimated_depth(sig: &[TokenWithSpan]) -> usize {
    let (mut chains, mut total, mut max) = (vec![0usize], 0usize, 0usize);
    for t in sig {
        match &t.token {
            Token::LParen | Token::LBracket => {
                chains.push(0);
                total += 1;
            }
            Token::RParen | Token::RBracket => {
                if chains.len() > 1 {
                    total -= 1 + chains.pop().unwrap_or(0);
                }
            }
            Token::Comma | Token::SemiColon => {
                if let Some(c) = chains.last_mut() {
                    total -= *c;
                    *c = 0;
                }
            }
            Token::Word(w) => {
                let op = w.quote_style.is_none()
                    && ["and", "or", "not", "is", "like", "ilike", "between", "when"]
                        .iter()
                        .any(|k| w.value.eq_ignore_ascii_case(k));
                if op {
                    if let Some(c) = chains.last_mut() {
                        *c += 1;
                        total += 1;
                    }
                }
            }
            Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::NationalStringLiteral(_)
            | Token::EscapedStringLiteral(_)
            | Token::HexStringLiteral(_)
            | Token::DollarQuotedString(_)
            | Token::Period
            | Token::Colon
            | Token::Placeholder(_) => {}
            _ => {
                if let Some(c) = chains.last_mut() {
                    *c += 1;
                    total += 1;
                }
            }
        }
        max = max.max(total);
    }
    max
}

/// The first token at the deepest nesting of parentheses, brackets and `CASE … END`: where a
/// statement that is nested too deeply is reported.
pub fn deepest_token(tokens: &[TokenWithSpan]) -> Option<Location> {
    let (mut depth, mut best, mut at) = (0usize, 0usize, None);
    for t in tokens {
        let opens = match &t.token {
            Token::LParen | Token::LBracket => true,
            Token::Word(w) => w.quote_style.is_none() && w.value.eq_ignore_ascii_case("case"),
            _ => false,
        };
        let closes = match &t.token {
            Token::RParen | Token::RBracket => true,
            Token::Word(w) => w.quote_style.is_none() && w.value.eq_ignore_ascii_case("end"),
            _ => false,
        };
        if opens {
            depth += 1;
            if depth > best {
                best = depth;
                at = Some(t.span.start);
            }
        } else if closes {
            depth = depth.saturating_sub(1);
        }
    }
    at
}

#[cfg(test)]
mod tests;
