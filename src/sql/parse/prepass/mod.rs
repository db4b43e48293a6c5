//! Takes out of a statement's tokens the PostgreSQL clauses sqlparser does not know, before it
//! parses them. Clauses the catalog does not model are dropped (storage parameters and
//! tablespaces of keys and indexes, operator class parameters, `USING method`, `WITHOUT OIDS`,
//! `WITH [NO] DATA`, `UNLOGGED` sequences, `DROP INDEX CONCURRENTLY`); the others are recorded
//! in [`Extras`] for the replay. `CREATE RECURSIVE VIEW` is rewritten into the view PostgreSQL
//! makes of it.
//!
//! Every rule matches a complete clause of PostgreSQL's grammar in the place the grammar allows
//! it, so a statement without these clauses is left alone.

mod indexes_views;
mod tables;

use sqlparser::ast::{Ident, ObjectName};
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use super::ast::Extras;
use super::{lower_word, ParseError};
use crate::pg::deparse::{FIELD_STAR, ROWS_FROM};

use indexes_views::{create_index_clauses, recursive_view, view_clauses};
use tables::{create_table_clauses, key_clauses, reference_clause_order};

/// Runs the rules that apply to the statement (`words`: its first words, lower case). An
/// error is a syntax error PostgreSQL raises that sqlparser would not.
pub(super) fn run(sig: &mut Vec<TokenWithSpan>, words: &[String]) -> Result<Extras, ParseError> {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let mut extras = Extras::default();
    let mut drop = vec![false; sig.len()];
    let create = w(0) == "create";
    let create_table = create && words.iter().skip(1).any(|x| x == "table");
    // `CREATE TABLE … AS query WITH [NO] DATA`.
    if create_table {
        let n = sig.len();
        let depth = depths(sig);
        let is_query = (0..n).any(|i| depth[i] == 0 && word(sig, i) == "as");
        if is_query && n >= 3 && word(sig, n - 1) == "data" {
            if word(sig, n - 2) == "with" {
                mark(&mut drop, n - 2..=n - 1);
            } else if n >= 4 && word(sig, n - 2) == "no" && word(sig, n - 3) == "with" {
                mark(&mut drop, n - 3..=n - 1);
            }
        }
    }
    let alter_table = w(0) == "alter" && w(1) == "table";
    if create_table || alter_table {
        reference_clause_order(sig)?;
        key_clauses(sig, &mut drop, create_table, &mut extras);
    }
    if create_table {
        create_table_clauses(sig, &mut drop, &mut extras);
    }
    let index = create && (w(1) == "index" || (w(1) == "unique" && w(2) == "index"));
    if index {
        create_index_clauses(sig, &mut drop, &mut extras);
    }
    // `CREATE [OR REPLACE] [TEMP|TEMPORARY] [RECURSIVE] VIEW`, `CREATE MATERIALIZED VIEW`.
    let head: Vec<String> = (0..sig.len().min(7)).map(|i| word(sig, i)).collect();
    let view_at = head.iter().position(|x| x == "view");
    let view = create
        && view_at.is_some_and(|v| {
            head[1..v].iter().all(|x| {
                matches!(
                    x.as_str(),
                    "or" | "replace" | "temp" | "temporary" | "recursive" | "materialized"
                )
            })
        });
    if view {
        let materialized = head.iter().any(|x| x == "materialized");
        view_clauses(sig, &mut drop, materialized, &mut extras);
    }
    if create && words.iter().skip(1).take(2).any(|x| x == "sequence") && w(1) == "unlogged" {
        drop[1] = true;
    }
    // Enum labels are any string constant (`Sconst`): `$$a$$`, `E'a'` and `U&'a'` as well as
    // `'a'` (sqlparser takes only the last).
    if matches!(w(0), "create" | "alter") && w(1) == "type" {
        for t in sig.iter_mut() {
            let value = match &t.token {
                Token::DollarQuotedString(d) => d.value.clone(),
                Token::EscapedStringLiteral(v) | Token::UnicodeStringLiteral(v) => v.clone(),
                _ => continue,
            };
            t.token = Token::SingleQuotedString(value);
        }
    }
    // `COMMENT ON … IS $$text$$`: a dollar-quoted string constant is a string constant.
    if w(0) == "comment" {
        if let Some(t) = sig.last_mut() {
            if let Token::DollarQuotedString(d) = &t.token {
                t.token = Token::SingleQuotedString(d.value.clone());
            }
        }
    }
    if w(0) == "drop" && w(1) == "index" && w(2) == "concurrently" {
        drop[2] = true;
    }
    rows_from(sig);
    field_star(sig);
    if drop.iter().any(|d| *d) {
        let mut i = 0;
        sig.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
    }
    if view && head.iter().any(|x| x == "recursive") {
        recursive_view(sig);
    }
    if create_table {
        extras.typed_table = typed_table(sig);
        ctas_column_names(sig)?;
    }
    Ok(extras)
}

/// `(expr).*` and `(expr)[i].*`: the `*` becomes the field name [`FIELD_STAR`].
fn field_star(sig: &mut [TokenWithSpan]) {
    for i in 2..sig.len() {
        if sig[i].token == Token::Mul
            && sig[i - 1].token == Token::Period
            && matches!(sig[i - 2].token, Token::RParen | Token::RBracket)
        {
            sig[i].token = Token::Word(Word {
                value: FIELD_STAR.to_string(),
                quote_style: None,
                keyword: sqlparser::keywords::Keyword::NoKeyword,
            });
        }
    }
}

/// `ROWS FROM (f(…), g(…))` where a FROM item may stand (after `FROM`, `JOIN`, `LATERAL`, or a
/// comma of a FROM list): the two words become the one name [`ROWS_FROM`] (a name no unquoted
/// identifier has), read as a table function whose arguments are the calls.
fn rows_from(sig: &mut Vec<TokenWithSpan>) {
    let depth = depths(sig);
    let mut at = Vec::new();
    for i in 1..sig.len() {
        if word(sig, i) != "rows" || word(sig, i + 1) != "from" || !is(sig, i + 2, &Token::LParen) {
            continue;
        }
        let from_item = match word(sig, i - 1).as_str() {
            "from" | "join" | "lateral" => true,
            // A comma of a FROM list: the clause it is in, at its depth, is FROM.
            _ if is(sig, i - 1, &Token::Comma) => (0..i - 1)
                .rev()
                .take_while(|&k| depth[k] >= depth[i])
                .filter(|&k| depth[k] == depth[i])
                .map(|k| word(sig, k))
                .find(|w| matches!(w.as_str(), "from" | "select" | "where" | "group" | "having"))
                .is_some_and(|w| w == "from"),
            _ => false,
        };
        if from_item {
            at.push(i);
        }
    }
    for &i in at.iter().rev() {
        let span = sig[i].span;
        sig[i] = TokenWithSpan::new(
            Token::Word(Word {
                value: ROWS_FROM.into(),
                quote_style: None,
                keyword: sqlparser::keywords::Keyword::NoKeyword,
            }),
            span,
        );
        sig.remove(i + 1);
    }
}

/// `CREATE TABLE name (a, b) AS query`: the list names the query's columns (sqlparser wants a
/// type after each name). Each name is given a placeholder type, which the replay does not
/// read: the query gives the types. A list with anything else (a type) before `AS query` is
/// PostgreSQL's syntax error at the `AS`.
fn ctas_column_names(sig: &mut Vec<TokenWithSpan>) -> Result<(), ParseError> {
    let Some(t) = (0..sig.len().min(6)).find(|&i| word(sig, i) == "table") else {
        return Ok(());
    };
    let mut i = t + 1;
    if word(sig, i) == "if" && word(sig, i + 1) == "not" && word(sig, i + 2) == "exists" {
        i += 3;
    }
    let Some((_, open)) = qualified_name(sig, i) else {
        return Ok(());
    };
    if !is(sig, open, &Token::LParen) {
        return Ok(());
    }
    let Some(close) = closing(sig, open) else {
        return Ok(());
    };
    let depth = depths(sig);
    let Some(query_at) = (close + 1..sig.len()).find(|&k| depth[k] == 0 && word(sig, k) == "as")
    else {
        return Ok(());
    };
    // Only names, comma-separated: `(a, "B", c)`.
    let names: Vec<usize> = (open + 1..close).step_by(2).collect();
    let well_formed = !names.is_empty()
        && names
            .iter()
            .all(|&k| matches!(sig[k].token, Token::Word(_)))
        && (open + 2..close)
            .step_by(2)
            .all(|k| is(sig, k, &Token::Comma))
        && (close - open) % 2 == 0;
    if !well_formed {
        return Err(ParseError {
            message: "syntax error at or near \"AS\"".into(),
            location: Some(sig[query_at].span.start),
            too_deep: false,
        });
    }
    for &k in names.iter().rev() {
        let span = sig[k].span;
        sig.insert(k + 1, TokenWithSpan::new(Token::make_keyword("TEXT"), span));
    }
    Ok(())
}

/// `CREATE TABLE name OF type [(elements)] …` is read as `CREATE TABLE name PARTITION OF type
/// [(elements)] DEFAULT …` (the element lists have the same grammar; [`Extras::typed_table`]
/// tells the replay the "parent" is a type).
fn typed_table(sig: &mut Vec<TokenWithSpan>) -> bool {
    let Some(t) = (0..sig.len().min(6)).find(|&i| word(sig, i) == "table") else {
        return false;
    };
    let mut i = t + 1;
    if word(sig, i) == "if" && word(sig, i + 1) == "not" && word(sig, i + 2) == "exists" {
        i += 3;
    }
    let Some((_, after_name)) = qualified_name(sig, i) else {
        return false;
    };
    if word(sig, after_name) != "of" {
        return false;
    }
    let Some((_, after_type)) = qualified_name(sig, after_name + 1) else {
        return false;
    };
    let insert_at = if is(sig, after_type, &Token::LParen) {
        match closing(sig, after_type) {
            Some(c) => c + 1,
            None => return false,
        }
    } else {
        after_type
    };
    let span = sig[after_name].span;
    sig.insert(
        insert_at,
        TokenWithSpan::new(Token::make_keyword("DEFAULT"), span),
    );
    sig.insert(
        after_name,
        TokenWithSpan::new(Token::make_keyword("PARTITION"), span),
    );
    true
}

fn word(sig: &[TokenWithSpan], i: usize) -> String {
    sig.get(i).map(|t| lower_word(&t.token)).unwrap_or_default()
}

fn is(sig: &[TokenWithSpan], i: usize, t: &Token) -> bool {
    sig.get(i).is_some_and(|x| x.token == *t)
}

/// The index of the `)` closing the `(` at `open`.
fn closing(sig: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in sig.iter().enumerate().skip(open) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Nesting depth of parentheses before each token.
fn depths(sig: &[TokenWithSpan]) -> Vec<usize> {
    let mut d = 0usize;
    sig.iter()
        .map(|t| {
            let before = d;
            match t.token {
                Token::LParen => d += 1,
                Token::RParen => d = d.saturating_sub(1),
                _ => {}
            }
            before
        })
        .collect()
}

fn ident(t: &TokenWithSpan) -> Option<Ident> {
    match &t.token {
        Token::Word(w) => Some(Word::clone(w).into_ident(t.span)),
        _ => None,
    }
}

/// A qualified name `a[.b[.c]]` at `i`; the name and the index after it.
fn qualified_name(sig: &[TokenWithSpan], mut i: usize) -> Option<(ObjectName, usize)> {
    let mut parts = vec![ident(sig.get(i)?)?];
    i += 1;
    while is(sig, i, &Token::Period) {
        parts.push(ident(sig.get(i + 1)?)?);
        i += 2;
    }
    Some((ObjectName::from(parts), i))
}

fn mark(drop: &mut [bool], range: std::ops::RangeInclusive<usize>) {
    for d in &mut drop[range] {
        *d = true;
    }
}
