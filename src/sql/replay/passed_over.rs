//! The syntax of statements replay passes over (`GRANT`, `REVOKE`, `SET`, DML, transaction
//! control, …): they do not shape the schema, but PostgreSQL still parses them, and a statement
//! it cannot parse stops the migration there. Without a grammar for each, the mistakes that
//! leave a statement unfinished are caught: an operand missing at the end (`grant … to;`,
//! `set search_path = ;`, `comment on table t is;`), a statement that is only its verb
//! (`notify;`), a `GRANT` without `TO` or a `REVOKE` without `FROM`, and unbalanced parentheses.
//! `tests/fixtures/grammar/passed_over.sql` checks both sides against PostgreSQL.

use sqlparser::tokenizer::Token;

use super::{ReplayError, SqlState, Stmt, R};
use crate::diagnostics::Span;

/// Verbs that need something after them.
const NOT_ALONE: &[&str] = &[
    "grant",
    "revoke",
    "notify",
    "listen",
    "unlisten",
    "lock",
    "comment",
    "security",
    "call",
    "execute",
    "deallocate",
    "prepare",
    "refresh",
    "import",
    "reassign",
    "copy",
    "insert",
    "update",
    "delete",
    "merge",
    "truncate",
    "values",
    "table",
    "set",
    "declare",
    "fetch",
    "move",
    "close",
    "load",
    "explain",
    "reset",
    "reindex",
    "discard",
    "show",
    "savepoint",
    "release",
    "start",
];

/// Words that take an operand after them, so a statement cannot end on them.
const NEEDS_OPERAND: &[&str] = &[
    "to", "from", "and", "or", "not", "as", "by", "with", "in", "is", "into", "using", "where",
    "values", "set",
];

/// Words that stand between the verb and an object's name (`CREATE OR REPLACE`, `IF NOT
/// EXISTS`, `COMMENT ON`, …).
const BEFORE_NAME: &[&str] = &[
    "create",
    "alter",
    "drop",
    "comment",
    "on",
    "or",
    "replace",
    "if",
    "not",
    "exists",
    "concurrently",
    "temp",
    "temporary",
    "unlogged",
    "global",
    "local",
    "unique",
    "trusted",
    "procedural",
    "constraint",
    "recursive",
];

/// `CREATE|ALTER|DROP|COMMENT ON <object> 'name'`: a string constant where the grammar takes
/// a name (`create trigger 'tr' …`, `create function 'f'() …`, `create role 'r'`). `object`
/// is the object's words (`event trigger`).
pub(crate) fn check_name_is_not_a_string(stmt: Stmt<'_>, object: &str) -> R<()> {
    let sig = stmt.significant();
    for &(i, t) in &sig {
        match t {
            Token::Word(w)
                if w.quote_style.is_none()
                    && (BEFORE_NAME.iter().any(|k| w.value.eq_ignore_ascii_case(k))
                        || object.split(' ').any(|k| w.value.eq_ignore_ascii_case(k))) => {}
            Token::SingleQuotedString(_)
            | Token::EscapedStringLiteral(_)
            | Token::DollarQuotedString(_)
            | Token::NationalStringLiteral(_) => {
                let mut err = ReplayError::new(
                    SqlState::SyntaxError,
                    format!(
                        "syntax error: a string constant is not {} {object} name: a name is \
                         written bare or in double quotes",
                        if object.starts_with(['a', 'e', 'i', 'o', 'u']) {
                            "an"
                        } else {
                            "a"
                        }
                    ),
                );
                err.span = Some(stmt.token_span(i));
                return Err(err);
            }
            _ => return Ok(()),
        }
    }
    Ok(())
}

/// Checks a passed-over statement for the mistakes above.
pub(crate) fn check_end(stmt: Stmt<'_>) -> R<()> {
    let sig = stmt.significant();
    let end = || {
        let mut err = ReplayError::new(SqlState::SyntaxError, "syntax error at end of input");
        err.span = Some(Span::new(stmt.file, stmt.raw.span.end, stmt.raw.span.end));
        err
    };
    let word = |t: &Token| match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    };
    let mut depth = 0i32;
    for &(i, t) in &sig {
        match t {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth < 0 {
                    let mut err =
                        ReplayError::new(SqlState::SyntaxError, "syntax error at or near \")\"");
                    err.span = Some(stmt.token_span(i));
                    return Err(err);
                }
            }
            _ => {}
        }
    }
    if depth > 0 {
        return Err(end());
    }
    let Some(&(_, last)) = sig.last() else {
        return Ok(());
    };
    let first = sig.first().and_then(|(_, t)| word(t)).unwrap_or_default();
    if sig.len() == 1 && NOT_ALONE.contains(&first.as_str()) {
        return Err(end());
    }
    if matches!(
        last,
        Token::Eq
            | Token::Comma
            | Token::Period
            | Token::LParen
            | Token::DoubleColon
            | Token::Plus
            | Token::Minus
            | Token::Div
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::Neq
            | Token::StringConcat
    ) {
        return Err(end());
    }
    if let Some(w) = word(last) {
        let before = sig.len().checked_sub(2).map(|k| sig[k].1);
        // `on` ends `SET x = on` / `SET x TO on` (a value), nothing else.
        let value_on = matches!(before, Some(Token::Eq))
            || before
                .and_then(word)
                .is_some_and(|b| b == "to" && first == "set");
        // `INSERT INTO t DEFAULT VALUES`.
        let default_values = w == "values" && before.and_then(word).is_some_and(|b| b == "default");
        if sig.len() > 1
            && !default_values
            && (NEEDS_OPERAND.contains(&w.as_str()) || (w == "on" && !value_on))
        {
            return Err(end());
        }
    }
    // `GRANT … TO grantees`, `REVOKE … FROM grantees`.
    let needed = match first.as_str() {
        "grant" => Some("to"),
        "revoke" => Some("from"),
        _ => None,
    };
    if let Some(needed) = needed {
        let Some(at) = sig
            .iter()
            .position(|(_, t)| word(t).is_some_and(|w| w == needed))
        else {
            return Err(end());
        };
        // Grantees are role names, never string constants.
        if let Some(&(i, Token::SingleQuotedString(_))) = sig.get(at + 1) {
            let mut err = ReplayError::new(
                SqlState::SyntaxError,
                "syntax error: a string constant is not a role name: a name is written bare or \
                 in double quotes",
            );
            err.span = Some(stmt.token_span(i));
            return Err(err);
        }
    }
    if first == "set" {
        // `SET [SESSION | LOCAL] name[.name]` without a value.
        let mut k = 1;
        if sig
            .get(k)
            .and_then(|(_, t)| word(t))
            .is_some_and(|w| w == "session" || w == "local")
        {
            k += 1;
        }
        let rest = &sig[k.min(sig.len())..];
        let bare_name = match rest {
            [] => true,
            [(_, a)] => matches!(a, Token::Word(_)),
            [(_, a), (_, Token::Period), (_, b)] => {
                matches!(a, Token::Word(_)) && matches!(b, Token::Word(_))
            }
            _ => false,
        };
        if bare_name {
            return Err(end());
        }
    }
    Ok(())
}
