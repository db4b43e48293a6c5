//! Takes out of a statement's tokens the PostgreSQL clauses sqlparser does not know, before it
//! parses them. Clauses the catalog does not model are dropped (storage parameters and
//! tablespaces of keys and indexes, operator class parameters, `USING method`, `WITHOUT OIDS`,
//! `WITH [NO] DATA`, `UNLOGGED` sequences, `DROP INDEX CONCURRENTLY`); the others are recorded
//! in [`Extras`] for the replay. `CREATE RECURSIVE VIEW` is rewritten into the view PostgreSQL
//! makes of it.
//!
//! Every rule matches a complete clause of PostgreSQL's grammar in the place the grammar allows
//! it, so a statement without these clauses is left alone.

use sqlparser::ast::{Ident, ObjectName};
use sqlparser::tokenizer::{Token, TokenWithSpan, Word};

use super::ast::{Extras, LikeClause};
use super::{lower_word, ParseError};

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
    if w(0) == "drop" && w(1) == "index" && w(2) == "concurrently" {
        drop[2] = true;
    }
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
    }
    Ok(extras)
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

/// The order PostgreSQL's grammar gives the clauses after `REFERENCES t (cols)`: `MATCH`, then
/// `ON DELETE`/`ON UPDATE`, then `[NOT] DEFERRABLE`/`INITIALLY` (sqlparser takes any order).
fn reference_clause_order(sig: &[TokenWithSpan]) -> Result<(), ParseError> {
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
fn key_clauses(sig: &[TokenWithSpan], drop: &mut [bool], create: bool, extras: &mut Extras) {
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

fn ident_at(sig: &[TokenWithSpan], i: usize) -> bool {
    matches!(sig.get(i).map(|t| &t.token), Some(Token::Word(_)))
}

/// `CREATE TABLE` clauses after the column list: `USING method`, `WITHOUT OIDS`; and the
/// options of `LIKE t INCLUDING …`.
fn create_table_clauses(sig: &[TokenWithSpan], drop: &mut [bool], extras: &mut Extras) {
    let depth = depths(sig);
    for (i, &d) in depth.iter().enumerate() {
        match word(sig, i).as_str() {
            // `CREATE TABLE … AS query`: the rest is a query.
            "as" if d == 0 => return,
            "using" if d == 0 && ident_at(sig, i + 1) && !is(sig, i + 2, &Token::LParen) => {
                mark(drop, i..=i + 1);
            }
            "without" if d == 0 && word(sig, i + 1) == "oids" => mark(drop, i..=i + 1),
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

/// `CREATE INDEX`: `ON ONLY` (recorded), `TABLESPACE t`, operator class parameters
/// (`gist_trgm_ops (siglen = 32)`).
fn create_index_clauses(sig: &[TokenWithSpan], drop: &mut [bool], extras: &mut Extras) {
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
fn view_clauses(sig: &[TokenWithSpan], drop: &mut [bool], materialized: bool, extras: &mut Extras) {
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
fn recursive_view(sig: &mut Vec<TokenWithSpan>) {
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
