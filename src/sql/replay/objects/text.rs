//! search_path strings, and identifier-aware rewriting of stored expression text (renamed columns,
//! the `VALUE` of domain checks).

use sqlparser::ast::{Expr, Query, SelectItem, SetExpr, Value};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// `SELECT pg_catalog.set_config('search_path', '…', is_local)` → the new path, and whether it
/// is set for the transaction only (`is_local` true).
pub(crate) fn set_config_search_path(q: &Query) -> Option<(Vec<String>, bool)> {
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return None;
    };
    let SelectItem::UnnamedExpr(Expr::Function(f)) = sel.projection.first()? else {
        return None;
    };
    if !f
        .name
        .to_string()
        .to_ascii_lowercase()
        .ends_with("set_config")
    {
        return None;
    }
    let args = match &f.args {
        sqlparser::ast::FunctionArguments::List(l) => &l.args,
        _ => return None,
    };
    let lit = |i: usize| match args.get(i) {
        Some(sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(
            Expr::Value(v),
        ))) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    };
    if !lit(0)?.eq_ignore_ascii_case("search_path") {
        return None;
    }
    let local = matches!(
        args.get(2),
        Some(sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(
            Expr::Value(v),
        ))) if matches!(&v.value, Value::Boolean(true))
            || matches!(&v.value, Value::SingleQuotedString(s) if matches!(s.to_ascii_lowercase().as_str(), "t" | "true" | "on" | "yes"))
    );
    Some((parse_search_path_string(&lit(1)?), local))
}

/// `'"$user", public'` → `["$user", "public"]`.
pub(crate) fn parse_search_path_string(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if let Some(q) = p.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
                q.replace("\"\"", "\"")
            } else {
                p.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Word tokens of `text` with their byte ranges; `None` if it does not tokenize.
fn word_ranges(text: &str) -> Option<Vec<(std::ops::Range<usize>, Token)>> {
    let dialect = PostgreSqlDialect {};
    let toks = Tokenizer::new(&dialect, text)
        .tokenize_with_location()
        .ok()?;
    let mut out = Vec::with_capacity(toks.len());
    // Single-line texts are the norm; map (line, column) to bytes with a running cursor.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let to_byte = |line: u64, col: u64| -> usize {
        let start = line_starts
            .get((line as usize).saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        text[start..]
            .char_indices()
            .nth((col as usize).saturating_sub(1))
            .map_or(text.len(), |(i, _)| start + i)
    };
    let starts: Vec<usize> = toks
        .iter()
        .map(|t| to_byte(t.span.start.line, t.span.start.column))
        .collect();
    for (i, t) in toks.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push((starts[i]..end, t.token.clone()));
    }
    Some(out)
}

/// Whether an expression text refers to column `name` (as a bare or quoted identifier, not as a
/// function name or a type).
pub(crate) fn mentions_identifier(text: &str, name: &str, _quoted: &str) -> bool {
    let Some(toks) = word_ranges(text) else {
        return text.contains(name);
    };
    let found = column_word_positions(&toks, name).next().is_some();
    found
}

fn column_word_positions<'a>(
    toks: &'a [(std::ops::Range<usize>, Token)],
    name: &'a str,
) -> impl Iterator<Item = usize> + 'a {
    let sig: Vec<usize> = (0..toks.len())
        .filter(|&i| !matches!(toks[i].1, Token::Whitespace(_)))
        .collect();
    (0..sig.len()).filter_map(move |k| {
        let i = sig[k];
        let Token::Word(w) = &toks[i].1 else {
            return None;
        };
        let folded = if w.quote_style.is_some() {
            w.value.clone()
        } else {
            w.value.to_ascii_lowercase()
        };
        if folded != name {
            return None;
        }
        let next = sig.get(k + 1).map(|&j| &toks[j].1);
        let prev = k.checked_sub(1).map(|p| &toks[sig[p]].1);
        if matches!(next, Some(Token::LParen)) || matches!(prev, Some(Token::DoubleColon)) {
            return None;
        }
        Some(i)
    })
}

/// `value` (the domain value placeholder) printed as Postgres prints it: `VALUE`.
pub(super) fn replace_value_keyword(text: &str) -> String {
    let Some(toks) = word_ranges(text) else {
        return text.to_string();
    };
    let hits: Vec<usize> = column_word_positions(&toks, "value").collect();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in hits {
        let r = &toks[i].0;
        out.push_str(&text[last..r.start]);
        out.push_str("VALUE");
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// Renames column references in an expression text.
pub(crate) fn rename_identifier(text: &str, old: &str, new: &str) -> String {
    let Some(toks) = word_ranges(text) else {
        return text.to_string();
    };
    let hits: Vec<usize> = column_word_positions(&toks, old).collect();
    if hits.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for i in hits {
        let r = &toks[i].0;
        out.push_str(&text[last..r.start]);
        out.push_str(&crate::sql::quote_ident(new));
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// The byte ranges of the calls of function `schema.name` in an expression text: `schema.name`
/// when qualified, `name` alone when `bare` (the name resolves to that function on the printing
/// path); `x::name(…)` is a type. `None` when the text does not tokenize.
pub(crate) fn function_call_ranges(
    text: &str,
    schema: &str,
    name: &str,
    bare: bool,
) -> Option<Vec<std::ops::Range<usize>>> {
    let toks = word_ranges(text)?;
    let sig: Vec<usize> = (0..toks.len())
        .filter(|&i| !matches!(toks[i].1, Token::Whitespace(_)))
        .collect();
    let folded = |i: usize| match &toks[i].1 {
        Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
        _ => None,
    };
    let mut hits = Vec::new();
    for k in 0..sig.len() {
        let i = sig[k];
        if folded(i).as_deref() != Some(name)
            || !matches!(sig.get(k + 1).map(|&j| &toks[j].1), Some(Token::LParen))
        {
            continue;
        }
        match k.checked_sub(1).map(|p| &toks[sig[p]].1) {
            Some(Token::DoubleColon) => {}
            Some(Token::Period) => {
                if let Some(q) = k.checked_sub(2).map(|p| sig[p]) {
                    if folded(q).as_deref() == Some(schema) {
                        hits.push(toks[q].0.start..toks[i].0.end);
                    }
                }
            }
            _ if bare => hits.push(toks[i].0.clone()),
            _ => {}
        }
    }
    Some(hits)
}

/// Calls of function `schema.name` in an expression text, qualified or (when `bare`: the name
/// resolves to that function on the printing path) unqualified, renamed to `new` (written as
/// it is: `make_code`, `util.twice`). PostgreSQL keeps calls by oid, so `ALTER FUNCTION …
/// RENAME TO` / `SET SCHEMA` changes how they print.
pub(crate) fn rename_function_calls(
    text: &str,
    schema: &str,
    name: &str,
    bare: bool,
    new: &str,
) -> String {
    let hits = function_call_ranges(text, schema, name, bare).unwrap_or_default();
    if hits.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + new.len());
    let mut last = 0;
    for r in hits {
        out.push_str(&text[last..r.start]);
        out.push_str(new);
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_column_references_only() {
        assert_eq!(
            rename_identifier("(char_length(name) > 0)", "name", "title"),
            "(char_length(title) > 0)"
        );
        assert_eq!(
            rename_identifier("(name(x) = name)", "name", "Title"),
            "(name(x) = \"Title\")"
        );
        assert!(mentions_identifier("(a IS NOT NULL)", "a", "a"));
        assert!(!mentions_identifier("(ab IS NOT NULL)", "a", "a"));
    }

    #[test]
    fn renames_function_calls_only() {
        assert_eq!(
            rename_function_calls(
                "(f(a) + public.f(b) + x.f(c) + a::f(1))",
                "public",
                "f",
                true,
                "g"
            ),
            "(g(a) + g(b) + x.f(c) + a::f(1))"
        );
        assert_eq!(
            rename_function_calls("(f(a) + public.f(b) + f)", "public", "f", false, "util.g"),
            "(f(a) + util.g(b) + f)"
        );
    }

    #[test]
    fn search_path_strings() {
        assert_eq!(
            parse_search_path_string("\"$user\", public, Extensions"),
            vec!["$user", "public", "extensions"]
        );
        assert!(parse_search_path_string("").is_empty());
    }
}
