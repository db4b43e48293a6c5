//! Statement forms of PostgreSQL 15's synopses that sqlparser rejects, read here.

use super::*;
use crate::diagnostics::Sources;
use crate::sql::split::lex;

fn parse(sql: &str) -> Result<Parsed, ParseError> {
    let mut sources = Sources::new();
    let id = sources.add("t.sql", sql.to_string());
    let lexed = lex(sources.get(id), 0, sql.len()).expect("lexes");
    parse_statement(&lexed.tokens, RECURSION_LIMIT)
}

#[track_caller]
fn ok(sql: &str) -> Parsed {
    parse(sql).unwrap_or_else(|e| panic!("{sql}: {e:?}"))
}

#[track_caller]
fn err(sql: &str) -> ParseError {
    match parse(sql) {
        Ok(p) => panic!("{sql}: parsed as {p:?}"),
        Err(e) => e,
    }
}
