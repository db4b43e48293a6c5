//! The shape of `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, checked on its tokens as PostgreSQL's
//! grammar (`CreateFunctionStmt` in `gram.y`) and `CreateFunction()` check it. The replay only
//! records a routine's name and signature, so it reads routines leniently; these are the forms
//! PostgreSQL refuses that must not pass silently:
//!
//! - the name: unqualified a `type_function_name` (no reserved or column-name keyword), qualified
//!   a `ColId` first; parameter names are `type_function_name`s;
//! - the body: `AS` followed by a string constant (`AS` alone is a syntax error), `RETURN`
//!   followed by an expression, `BEGIN ATOMIC … END` closed; none of them is "no function body
//!   specified"; a string body needs `LANGUAGE` ("no language specified"); `AS` or `LANGUAGE`
//!   given twice is "conflicting or redundant options".

use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use super::names::{keyword_refusal, Slot};
use crate::sql::pg_keywords::{keyword, KeywordCategory};
use crate::sql::split::is_trivia;

/// Why PostgreSQL refuses a routine definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutineError {
    /// A syntax error (`syntax_error`); otherwise `invalid_function_definition`.
    pub syntax: bool,
    /// The message.
    pub message: String,
    /// The token it is about; `None` for the end of the statement.
    pub location: Option<Location>,
}

fn syntax(message: String, at: Option<&TokenWithSpan>) -> RoutineError {
    RoutineError {
        syntax: true,
        message,
        location: at.map(|t| t.span.start),
    }
}

fn bare(t: &Token) -> Option<String> {
    match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    }
}

fn is_string(t: &Token) -> bool {
    matches!(
        t,
        Token::SingleQuotedString(_)
            | Token::EscapedStringLiteral(_)
            | Token::UnicodeStringLiteral(_)
            | Token::DollarQuotedString(_)
            | Token::NationalStringLiteral(_)
    )
}

/// The column-name keywords that begin a type (`Numeric`, `Bit`, `Character`, `ConstDatetime`,
/// `ConstInterval`, `SETOF`): a parameter starting with one may be a type without a name.
const TYPE_WORDS: &[&str] = &[
    "bigint",
    "bit",
    "boolean",
    "char",
    "character",
    "dec",
    "decimal",
    "float",
    "int",
    "integer",
    "interval",
    "national",
    "nchar",
    "numeric",
    "real",
    "setof",
    "smallint",
    "time",
    "timestamp",
    "varchar",
];

/// Checks a word standing for a name in `slot`.
fn name_word(t: &TokenWithSpan, slot: Slot, what: &str) -> Result<(), RoutineError> {
    match &t.token {
        Token::Word(w) if w.quote_style.is_none() => match keyword_refusal(&w.value, slot, what) {
            Some(m) => Err(syntax(m, Some(t))),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// One parameter (`[mode] [name] type [DEFAULT e]`): its name, when it has one.
fn parameter(arg: &[&TokenWithSpan]) -> Result<(), RoutineError> {
    let mut i = 0;
    if arg.len() >= 2
        && matches!(
            bare(&arg[0].token).as_deref(),
            Some("in" | "out" | "inout" | "variadic")
        )
    {
        i = 1;
    }
    let Some(first) = arg.get(i) else {
        return Ok(());
    };
    let Some(word) = bare(&first.token) else {
        return Ok(());
    };
    match keyword(&word) {
        // No type begins with a reserved keyword: this is a parameter name.
        Some((KeywordCategory::Reserved, _)) => {
            name_word(first, Slot::TypeFunctionName, "parameter name")
        }
        Some((KeywordCategory::ColName, _)) if !TYPE_WORDS.contains(&word.as_str()) => {
            name_word(first, Slot::TypeFunctionName, "parameter name")
        }
        _ => Ok(()),
    }
}

/// Checks a `CREATE [OR REPLACE] FUNCTION|PROCEDURE` statement's tokens (trivia included).
/// Other statements pass.
pub fn check(tokens: &[TokenWithSpan]) -> Result<(), RoutineError> {
    let sig: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| !is_trivia(&t.token) && !matches!(t.token, Token::EOF | Token::SemiColon))
        .collect();
    let word = |i: usize| sig.get(i).and_then(|t| bare(&t.token)).unwrap_or_default();
    let mut i = 0;
    if word(i) != "create" {
        return Ok(());
    }
    i += 1;
    if word(i) == "or" && word(i + 1) == "replace" {
        i += 2;
    }
    let routine = word(i);
    if routine != "function" && routine != "procedure" {
        return Ok(());
    }
    i += 1;

    // The name.
    let start = i;
    while matches!(sig.get(i + 1).map(|t| &t.token), Some(Token::Period))
        && matches!(sig.get(i).map(|t| &t.token), Some(Token::Word(_)))
    {
        i += 2;
    }
    let Some(last) = sig.get(i) else {
        return Err(syntax(
            format!("the {routine} has no name (syntax error at end of input)"),
            None,
        ));
    };
    if !matches!(last.token, Token::Word(_)) {
        return Ok(());
    }
    if i == start {
        name_word(last, Slot::TypeFunctionName, &format!("{routine} name"))?;
    } else {
        name_word(sig[start], Slot::ColId, "schema name")?;
    }
    i += 1;

    let Some(i) = parameters(&sig, i)? else {
        return Ok(());
    };
    options(&sig, i, &routine)
}

/// Checks the parameter list that starts at `sig[i]`; the index after it, or `None` when there
/// is none to check (no `(`, or unbalanced: sqlparser's error is the one to give).
fn parameters(sig: &[&TokenWithSpan], mut i: usize) -> Result<Option<usize>, RoutineError> {
    if !matches!(sig.get(i).map(|t| &t.token), Some(Token::LParen)) {
        return Ok(None);
    }
    let mut depth = 0usize;
    let mut arg: Vec<&TokenWithSpan> = Vec::new();
    loop {
        let Some(t) = sig.get(i) else {
            // Unbalanced: sqlparser's error is the one to give; the replay reads leniently.
            return Ok(None);
        };
        i += 1;
        match t.token {
            Token::LParen => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    parameter(&arg)?;
                    break;
                }
            }
            Token::Comma if depth == 1 => {
                parameter(&arg)?;
                arg.clear();
                continue;
            }
            _ => {}
        }
        arg.push(t);
    }
    Ok(Some(i))
}

/// Checks the options and the body from `sig[i]` on: `AS` and `LANGUAGE` given once, a body
/// (`AS`, `RETURN`, `BEGIN ATOMIC … END`) and, with `AS`, a language.
fn options(sig: &[&TokenWithSpan], mut i: usize, routine: &str) -> Result<(), RoutineError> {
    let word = |i: usize| sig.get(i).and_then(|t| bare(&t.token)).unwrap_or_default();
    let (mut as_at, mut language_at, mut body) = (None::<usize>, None::<usize>, false);
    let mut depth = 0usize;
    while i < sig.len() {
        let t = sig[i];
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > 0 {
            i += 1;
            continue;
        }
        match word(i).as_str() {
            "as" => {
                if as_at.is_some() {
                    return Err(syntax(
                        "conflicting or redundant options: AS is given twice".into(),
                        Some(t),
                    ));
                }
                as_at = Some(i);
                match sig.get(i + 1) {
                    None => {
                        return Err(syntax(
                            format!(
                                "`AS` is not followed by the {routine}'s body (syntax error at end of input)"
                            ),
                            None,
                        ))
                    }
                    Some(b) if !is_string(&b.token) => {
                        return Err(syntax(
                            format!("`AS` is followed by the {routine}'s body, a string constant"),
                            Some(b),
                        ))
                    }
                    Some(_) => {}
                }
                i += 2;
                // `AS 'obj_file', 'link_symbol'`.
                if matches!(sig.get(i).map(|t| &t.token), Some(Token::Comma))
                    && sig.get(i + 1).is_some_and(|t| is_string(&t.token))
                {
                    i += 2;
                }
                continue;
            }
            "language" => {
                if language_at.is_some() {
                    return Err(syntax(
                        "conflicting or redundant options: LANGUAGE is given twice".into(),
                        Some(t),
                    ));
                }
                language_at = Some(i);
            }
            "return" => {
                if i + 1 >= sig.len() {
                    return Err(syntax(
                        "`RETURN` is not followed by an expression (syntax error at end of input)"
                            .into(),
                        None,
                    ));
                }
                body = true;
                break;
            }
            "begin" if word(i + 1) == "atomic" => {
                // Closed by the `END` matching it (`CASE … END` nests), as the splitter reads it.
                let mut open = 0usize;
                for j in i..sig.len() {
                    match word(j).as_str() {
                        "begin" | "case" => open += 1,
                        "end" => open = open.saturating_sub(1),
                        _ => {}
                    }
                    if open == 0 {
                        break;
                    }
                }
                if open > 0 {
                    return Err(syntax(
                        "`BEGIN ATOMIC` is never closed by `END` (syntax error at end of input): \
                         every statement after it up to the end of the file was read as part of \
                         the body"
                            .into(),
                        Some(t),
                    ));
                }
                body = true;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    match (as_at, body, language_at) {
        (None, false, _) => Err(RoutineError {
            syntax: false,
            message: "no function body specified (`AS 'body'`, `RETURN expression` or \
                      `BEGIN ATOMIC … END`)"
                .into(),
            location: None,
        }),
        (Some(at), _, None) => Err(RoutineError {
            syntax: false,
            message: "no language specified (`LANGUAGE plpgsql`, `LANGUAGE sql`…)".into(),
            location: Some(sig[at].span.start),
        }),
        _ => Ok(()),
    }
}
