//! Clauses of `CREATE INDEX` and `CREATE [MATERIALIZED] VIEW`, and `WITH RECURSIVE` views.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::sql::parse::ast::Extras;

use super::tables::ident_at;
use super::{closing, depths, is, mark, qualified_name, word};

/// `CREATE INDEX`: `ON ONLY` (recorded), `TABLESPACE t`, operator class parameters
/// (`gist_trgm_ops (siglen = 32)`).
pub(super) fn create_index_clauses(sig: &[TokenWithSpan], drop: &mut [bool], extras: &mut Extras) {
    let depth = depths(sig);
    let Some(on) = (0..sig.len()).find(|&i| word(sig, i) == "on" && depth[i] == 0) else {
        return;
    };
    if word(sig, on + 1) == "only" {
        drop[on + 1] = true;
        extras.index_on_only = true;
    }
    let keys = (on..sig.len()).find(|&i| is(sig, i, &Token::LParen));
    let keys_end = keys.and_then(|k| closing(sig, k));
    if let (Some(open), Some(close)) = (keys, keys_end) {
        for i in open + 1..close {
            let opclass_params = depth[i] == 1
                && is(sig, i, &Token::LParen)
                && i >= 2
                && ident_at(sig, i - 1)
                && matches!(
                    sig[i - 2].token,
                    Token::Word(_) | Token::RParen | Token::RBracket
                );
            if opclass_params {
                if let Some(end) = closing(sig, i) {
                    mark(drop, i..=end);
                }
            }
        }
    }
    let after = keys_end.unwrap_or(0);
    for (i, &d) in depth.iter().enumerate().skip(after) {
        if d == 0 && word(sig, i) == "tablespace" && ident_at(sig, i + 1) {
            mark(drop, i..=i + 1);
        }
    }
}

/// `CREATE [MATERIALIZED] VIEW`: `USING method` and `TABLESPACE t` before `AS`, `WITH [NO] DATA`
/// and `WITH [LOCAL|CASCADED] CHECK OPTION` at the end (recorded).
pub(super) fn view_clauses(
    sig: &[TokenWithSpan],
    drop: &mut [bool],
    materialized: bool,
    extras: &mut Extras,
) {
    let depth = depths(sig);
    if materialized {
        for (i, &d) in depth.iter().enumerate() {
            match word(sig, i).as_str() {
                "as" if d == 0 => break,
                "using" | "tablespace" if d == 0 && ident_at(sig, i + 1) => mark(drop, i..=i + 1),
                _ => {}
            }
        }
    }
    let n = sig.len();
    let tail = |k: usize| word(sig, n.wrapping_sub(k));
    if n >= 3 && tail(1) == "data" && tail(2) == "with" {
        mark(drop, n - 2..=n - 1);
    } else if n >= 4 && tail(1) == "data" && tail(2) == "no" && tail(3) == "with" {
        mark(drop, n - 3..=n - 1);
    } else if !materialized && n >= 4 && tail(1) == "option" && tail(2) == "check" {
        let (kind, start) = match tail(3).as_str() {
            "local" | "cascaded" if tail(4) == "with" => (
                if tail(3) == "local" {
                    "local"
                } else {
                    "cascaded"
                },
                n - 4,
            ),
            "with" => ("cascaded", n - 3),
            _ => return,
        };
        extras.check_option = Some(kind);
        mark(drop, start..=n - 1);
    }
}

/// `CREATE [OR REPLACE] [TEMP] RECURSIVE VIEW name (cols) AS query` is, in PostgreSQL,
/// `CREATE VIEW name AS WITH RECURSIVE name (cols) AS (query) SELECT cols FROM name`.
pub(super) fn recursive_view(sig: &mut Vec<TokenWithSpan>) {
    let Some(rec) = (0..sig.len()).find(|&i| word(sig, i) == "recursive") else {
        return;
    };
    if word(sig, rec + 1) != "view" {
        return;
    }
    let Some((name, after)) = qualified_name(sig, rec + 2) else {
        return;
    };
    if !is(sig, after, &Token::LParen) {
        return;
    }
    let Some(cols_end) = closing(sig, after) else {
        return;
    };
    if word(sig, cols_end + 1) != "as" {
        return;
    }
    let span = sig[rec].span;
    let tok = |t: Token| TokenWithSpan::new(t, span);
    let kw = |s: &str| tok(Token::make_keyword(s));
    let rel = name.0.last().and_then(|p| p.as_ident()).cloned();
    let Some(rel) = rel else { return };
    let rel_tok = || tok(Token::make_word(&rel.value, rel.quote_style));
    let cols: Vec<TokenWithSpan> = sig[after..=cols_end].to_vec();
    let query: Vec<TokenWithSpan> = sig[cols_end + 2..].to_vec();
    let mut out: Vec<TokenWithSpan> = sig[..rec].to_vec();
    out.push(kw("VIEW"));
    out.extend(sig[rec + 2..after].iter().cloned());
    out.push(kw("AS"));
    out.push(kw("WITH"));
    out.push(kw("RECURSIVE"));
    out.push(rel_tok());
    out.extend(cols.iter().cloned());
    out.push(kw("AS"));
    out.push(tok(Token::LParen));
    out.extend(query);
    out.push(tok(Token::RParen));
    out.push(kw("SELECT"));
    out.extend(cols[1..cols.len() - 1].iter().cloned());
    out.push(kw("FROM"));
    out.push(rel_tok());
    *sig = out;
}
