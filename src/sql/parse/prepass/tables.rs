//! Clauses of `CREATE TABLE` and `ALTER TABLE`: key and reference clauses, identity columns, table options, exclusion constraints, partition keys.

use sqlparser::ast::Ident;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::sql::parse::ast::{Extras, LikeClause};
use crate::sql::parse::ParseError;

use super::{closing, depths, ident, is, mark, qualified_name, word};

/// The order PostgreSQL's grammar gives the clauses after `REFERENCES t (cols)`: `MATCH`, then
/// `ON DELETE`/`ON UPDATE`, then `[NOT] DEFERRABLE`/`INITIALLY` (sqlparser takes any order).
pub(super) fn reference_clause_order(sig: &[TokenWithSpan]) -> Result<(), ParseError> {
    let depth = depths(sig);
    for r in (0..sig.len()).filter(|&i| word(sig, i) == "references") {
        let (mut seen_on, mut seen_attr) = (false, false);
        for k in r + 1..sig.len() {
            if depth[k] < depth[r]
                || (depth[k] == depth[r] && matches!(sig[k].token, Token::Comma | Token::RParen))
            {
                break;
            }
            if depth[k] != depth[r] {
                continue;
            }
            let misplaced = match word(sig, k).as_str() {
                "match" => seen_on || seen_attr,
                "on" if matches!(word(sig, k + 1).as_str(), "delete" | "update") => {
                    seen_on = true;
                    seen_attr
                }
                "deferrable" | "initially" => {
                    seen_attr = true;
                    false
                }
                "not" if word(sig, k + 1) == "deferrable" => {
                    seen_attr = true;
                    false
                }
                // Another column constraint starts.
                "constraint" | "check" | "default" | "primary" | "unique" | "generated"
                | "collate" | "references" | "null" => break,
                "not" => break,
                _ => false,
            };
            if misplaced {
                return Err(ParseError {
                    message: format!("syntax error at or near \"{}\"", sig[k].token),
                    location: Some(sig[k].span.start),
                    too_deep: false,
                });
            }
        }
    }
    Ok(())
}

/// Whether `IDENTITY` at `i` ends `ADD GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY` (the
/// `ALTER COLUMN` action; a column definition has its type between `ADD` and `GENERATED`).
fn adds_identity(sig: &[TokenWithSpan], i: usize) -> bool {
    let back = |k: usize| i.checked_sub(k).map(|j| word(sig, j)).unwrap_or_default();
    back(1) == "as"
        && ((back(2) == "always" && back(3) == "generated" && back(4) == "add")
            || (back(2) == "default"
                && back(3) == "by"
                && back(4) == "generated"
                && back(5) == "add"))
}

/// Clauses of keys and references in `CREATE TABLE` and `ALTER TABLE`:
/// `ON DELETE SET NULL|DEFAULT (cols)`, `SEQUENCE NAME n` in identity options,
/// `USING INDEX TABLESPACE t` and `WITH (storage parameters)` of a key or exclusion.
pub(super) fn key_clauses(
    sig: &[TokenWithSpan],
    drop: &mut [bool],
    create: bool,
    extras: &mut Extras,
) {
    let depth = depths(sig);
    for i in 0..sig.len() {
        let wi = word(sig, i);
        match wi.as_str() {
            "on" if word(sig, i + 1) == "delete"
                && word(sig, i + 2) == "set"
                && matches!(word(sig, i + 3).as_str(), "null" | "default")
                && is(sig, i + 4, &Token::LParen) =>
            {
                let Some(end) = closing(sig, i + 4) else {
                    continue;
                };
                // The key is where the referenced table's name starts (after `REFERENCES`).
                let Some(refs) = (0..i).rev().find(|&k| word(sig, k) == "references") else {
                    continue;
                };
                let Some(table) = sig.get(refs + 1) else {
                    continue;
                };
                let cols: Vec<Ident> = sig[i + 5..end].iter().filter_map(ident).collect();
                extras.set_columns.push((table.span.start, cols));
                mark(drop, i + 4..=end);
            }
            // Not in `ALTER COLUMN c ADD GENERATED … AS IDENTITY (…)`, read by the ALTER TABLE
            // parser itself.
            "identity" if is(sig, i + 1, &Token::LParen) && !adds_identity(sig, i) => {
                let Some(end) = closing(sig, i + 1) else {
                    continue;
                };
                let mut k = i + 2;
                while k < end {
                    if word(sig, k) == "sequence" && word(sig, k + 1) == "name" {
                        if let Some((name, after)) = qualified_name(sig, k + 2) {
                            extras.identity_sequences.push((sig[i].span.start, name));
                            mark(drop, k..=after - 1);
                            k = after;
                            continue;
                        }
                    }
                    k += 1;
                }
            }
            "using"
                if word(sig, i + 1) == "index"
                    && word(sig, i + 2) == "tablespace"
                    && ident_at(sig, i + 3) =>
            {
                mark(drop, i..=i + 3);
            }
            "with" if is(sig, i + 1, &Token::LParen) && i > 0 && (!create || depth[i] >= 1) => {
                let key_end = is(sig, i - 1, &Token::RParen)
                    || matches!(word(sig, i - 1).as_str(), "key" | "unique" | "distinct");
                if let (true, Some(end)) = (key_end, closing(sig, i + 1)) {
                    // Keyed by where the exclusion's first element starts.
                    let first = exclusion_at(sig, &depth, i).and_then(|x| {
                        (x..i).find(|&k| depth[k] == depth[i] && is(sig, k, &Token::LParen))
                    });
                    if let Some(open) = first {
                        let text = storage_parameters(&sig[i + 2..end]);
                        extras
                            .exclusion_options
                            .push((sig[open + 1].span.start, text));
                    }
                    mark(drop, i..=end);
                }
            }
            _ => {}
        }
    }
}

pub(super) fn ident_at(sig: &[TokenWithSpan], i: usize) -> bool {
    matches!(sig.get(i).map(|t| &t.token), Some(Token::Word(_)))
}

/// `CREATE TABLE` clauses after the column list: `USING method`, `WITHOUT OIDS`; and the
/// options of `LIKE t INCLUDING …`.
pub(super) fn create_table_clauses(sig: &[TokenWithSpan], drop: &mut [bool], extras: &mut Extras) {
    let depth = depths(sig);
    for (i, &d) in depth.iter().enumerate() {
        match word(sig, i).as_str() {
            // `CREATE TABLE … AS query`: the rest is a query.
            "as" if d == 0 => return,
            "using" if d == 0 && ident_at(sig, i + 1) && !is(sig, i + 2, &Token::LParen) => {
                mark(drop, i..=i + 1);
            }
            "without" if d == 0 && word(sig, i + 1) == "oids" => mark(drop, i..=i + 1),
            // A table `CHECK` or `FOREIGN KEY` constraint may be `NOT VALID` in CREATE TABLE
            // too; PostgreSQL ignores it there (the table is empty: the constraint is valid).
            "not" if d == 1 && word(sig, i + 1) == "valid" => {
                let start = (1..i)
                    .rev()
                    .find(|&j| depth[j] == 1 && element_start(sig, &depth, j));
                if let Some(s) = start {
                    let kind = match word(sig, s).as_str() {
                        "constraint" => word(sig, s + 2),
                        other => other.to_string(),
                    };
                    if matches!(kind.as_str(), "check" | "foreign") {
                        mark(drop, i..=i + 1);
                    }
                }
            }
            "tablespace" if d == 0 && ident_at(sig, i + 1) => mark(drop, i..=i + 1),
            "partition" if d == 0 && word(sig, i + 1) == "by" => {
                partition_key(sig, drop, i + 2, extras);
            }
            "like" if d == 1 && element_start(sig, &depth, i) => {
                let Some((source, mut k)) = qualified_name(sig, i + 1) else {
                    continue;
                };
                let mut options = Vec::new();
                while let ("including" | "excluding", true) =
                    (word(sig, k).as_str(), ident_at(sig, k + 1))
                {
                    options.push((word(sig, k) == "including", word(sig, k + 1)));
                    k += 2;
                }
                if !(is(sig, k, &Token::Comma) || is(sig, k, &Token::RParen)) {
                    continue;
                }
                let columns_before = (0..i)
                    .filter(|&j| {
                        depth[j] == 1
                            && element_start(sig, &depth, j)
                            && !matches!(
                                word(sig, j).as_str(),
                                "constraint"
                                    | "check"
                                    | "unique"
                                    | "primary"
                                    | "foreign"
                                    | "exclude"
                                    | "like"
                            )
                    })
                    .count();
                extras.likes.push(LikeClause {
                    columns_before,
                    source,
                    options,
                });
                // The element and one comma next to it.
                mark(drop, i..=k - 1);
                if is(sig, k, &Token::Comma) {
                    drop[k] = true;
                } else if is(sig, i - 1, &Token::Comma) {
                    drop[i - 1] = true;
                }
            }
            _ => {}
        }
    }
}

/// The `EXCLUDE` that the clause at `i` belongs to (back to the start of its element).
fn exclusion_at(sig: &[TokenWithSpan], depth: &[usize], i: usize) -> Option<usize> {
    let mut k = i;
    while k > 0 {
        k -= 1;
        if depth[k] < depth[i] || (depth[k] == depth[i] && is(sig, k, &Token::Comma)) {
            return None;
        }
        if depth[k] == depth[i] && word(sig, k) == "exclude" {
            return Some(k);
        }
    }
    None
}

/// Storage parameters (`fillfactor = 70, deduplicate_items = off`) as PostgreSQL prints
/// reloptions: `name=value`, the value quoted unless it is a plain identifier.
fn storage_parameters(tokens: &[TokenWithSpan]) -> String {
    let mut out = Vec::new();
    for param in tokens.split(|t| t.token == Token::Comma) {
        let mut parts = param.splitn(2, |t| t.token == Token::Eq);
        let name: String = parts
            .next()
            .unwrap_or_default()
            .iter()
            .map(|t| match &t.token {
                Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase(),
                Token::Word(w) => w.value.clone(),
                other => other.to_string(),
            })
            .collect();
        let value = parts.next().map(|v| {
            let v: String = v
                .iter()
                .map(|t| match &t.token {
                    Token::Word(w) if w.quote_style.is_none() => w.value.to_lowercase(),
                    Token::Word(w) => w.value.clone(),
                    Token::SingleQuotedString(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            if crate::sql::quote_ident(&v) == v {
                v
            } else {
                format!("'{}'", v.replace('\'', "''"))
            }
        });
        out.push(match value {
            Some(v) => format!("{}={v}", crate::sql::quote_ident(&name)),
            None => crate::sql::quote_ident(&name),
        });
    }
    out.join(", ")
}

/// Whether the token at `i` (inside parentheses) starts an element of a list: right after `(`
/// or after a comma at its depth.
fn element_start(sig: &[TokenWithSpan], depth: &[usize], i: usize) -> bool {
    i > 0
        && (is(sig, i - 1, &Token::LParen)
            || (is(sig, i - 1, &Token::Comma) && depth[i - 1] == depth[i]))
}

/// `PARTITION BY {RANGE|LIST|HASH} (key [, …])` at `at` (the method): `COLLATE c` and an
/// operator class after a key are taken out and recorded, one suffix per key.
fn partition_key(sig: &[TokenWithSpan], drop: &mut [bool], at: usize, extras: &mut Extras) {
    if !is(sig, at + 1, &Token::LParen) {
        return;
    }
    let Some(close) = closing(sig, at + 1) else {
        return;
    };
    // Key boundaries: commas directly inside the list.
    let depth = depths(sig);
    let inner = depth[at + 1] + 1;
    let mut bounds = vec![at + 1];
    bounds.extend((at + 2..close).filter(|&k| depth[k] == inner && is(sig, k, &Token::Comma)));
    bounds.push(close);
    let mut suffixes = Vec::new();
    for pair in bounds.windows(2) {
        let (start, end) = (pair[0] + 1, pair[1]);
        let mut suffix = String::new();
        let mut k = start;
        while k < end {
            if depth[k] == inner && word(sig, k) == "collate" {
                if let Some((name, after)) = qualified_name(sig, k + 1) {
                    suffix.push_str(&format!(" COLLATE {name}"));
                    mark(drop, k..=after - 1);
                    k = after;
                    continue;
                }
            }
            k += 1;
        }
        // An operator class: a last name after a complete key (a column, a parenthesized
        // expression or a function call).
        let last = end - 1;
        if last > start
            && ident_at(sig, last)
            && !drop[last]
            && matches!(sig[last - 1].token, Token::Word(_) | Token::RParen)
            && !matches!(
                sig.get(last.wrapping_sub(2)).map(|t| &t.token),
                Some(Token::Period)
            )
            && !is(sig, last - 1, &Token::Period)
        {
            suffix.push_str(&format!(" {}", sig[last].token));
            drop[last] = true;
        }
        suffixes.push(suffix);
    }
    if suffixes.iter().any(|s| !s.is_empty()) {
        extras.partition_key_suffixes = suffixes;
    }
}
