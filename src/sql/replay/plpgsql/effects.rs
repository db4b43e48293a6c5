//! What a region of statements could do, read without running it: change the schema, leave the
//! region (EXIT/CONTINUE/RETURN to something outside it), raise an exception, assign variables,
//! write tables. Statements guarded by a condition that cannot be evaluated can be passed over
//! only when they cannot change the schema.

use sqlparser::tokenizer::Token;

use super::ast::{Body, Kind, Level, SId, Src};
use crate::sql::replay::{object_kind, word_of};
use crate::sql::split::{is_trivia, Lexed};

#[derive(Debug, Default)]
pub(crate) struct Effects {
    pub schema: bool,
    pub control: bool,
    pub raises: bool,
    pub assigned: Vec<String>,
    pub writes: Vec<(Option<String>, String)>,
}

/// Object kinds whose statements do not change tables, views, types or schemas.
const PASSED_OVER_OBJECTS: &[&str] = &[
    "function",
    "procedure",
    "aggregate",
    "routine",
    "trigger",
    "event trigger",
    "publication",
    "subscription",
    "role",
    "user",
    "group",
    "default privileges",
    "cast",
    "operator",
    "text search",
    "conversion",
    "statistics",
    "rule",
    "server",
    "foreign data wrapper",
    "user mapping",
    "language",
    "transform",
    "access method",
    "tablespace",
    "database",
    "large object",
    "collation",
];

/// Whether a statement starting with these (lower-case) words can change the schema.
pub(crate) fn shapes_schema(words: &[String]) -> bool {
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    match w(0) {
        "select" | "values" | "table" | "insert" | "update" | "delete" | "merge" | "copy"
        | "truncate" | "grant" | "revoke" | "notify" | "listen" | "unlisten" | "lock"
        | "analyze" | "analyse" | "vacuum" | "call" | "refresh" | "perform" | "reindex"
        | "cluster" | "checkpoint" | "discard" | "explain" | "prepare" | "deallocate"
        | "security" | "savepoint" | "release" | "commit" | "rollback" | "begin" | "start"
        | "end" | "abort" | "show" | "load" | "fetch" | "move" | "close" | "declare" => false,
        "set" | "reset" => matches!(w(1), "search_path" | "all" | "session" | "local"),
        _ => {
            let (verb, object) = object_kind(words);
            if verb.is_empty() {
                return true;
            }
            if words.len() >= 3
                && words[words.len() - 3] == "owner"
                && words[words.len() - 2] == "to"
            {
                return false;
            }
            !PASSED_OVER_OBJECTS.contains(&object.as_str())
        }
    }
}

fn sig_words(lexed: &Lexed, r: &std::ops::Range<usize>, n: usize) -> Vec<String> {
    lexed.tokens[r.start.min(lexed.tokens.len())..r.end.min(lexed.tokens.len())]
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .take(n)
        .map(|t| match &t.token {
            Token::Word(_) => word_of(&t.token),
            other => other.to_string(),
        })
        .collect()
}

/// The SQL text an `EXECUTE` starts with when its expression begins with a literal
/// (`'GRANT …' || x`, `format('ALTER TABLE %I …', t)`).
pub(crate) fn leading_literal(lexed: &Lexed, src: &Src) -> Option<String> {
    let toks = match &src.own {
        Some(l) => &l.tokens[src.toks.clone()],
        None => {
            &lexed.tokens
                [src.toks.start.min(lexed.tokens.len())..src.toks.end.min(lexed.tokens.len())]
        }
    };
    let mut sig = toks
        .iter()
        .filter(|t| !is_trivia(&t.token))
        .map(|t| &t.token);
    let lit = |t: &Token| match t {
        Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => Some(s.clone()),
        Token::DollarQuotedString(d) => Some(d.value.clone()),
        _ => None,
    };
    let first = sig.next()?;
    if let Some(s) = lit(first) {
        return Some(s);
    }
    // format( / pg_catalog.format(
    let mut t = first;
    if word_of(t) == "pg_catalog" {
        sig.next();
        t = sig.next()?;
    }
    if word_of(t) == "format" && matches!(sig.next(), Some(Token::LParen)) {
        return sig.next().and_then(lit);
    }
    None
}

/// Whether SQL text (an `EXECUTE`d string's start) can change the schema.
pub(crate) fn text_shapes_schema(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
        .filter(|w| !w.is_empty())
        .take(6)
        .map(|w| w.to_ascii_lowercase())
        .collect();
    shapes_schema(&words)
}

/// The effects of a region of statements.
pub(crate) fn of(body: &Body, lexed: &Lexed, ids: &[SId]) -> Effects {
    let mut e = Effects::default();
    // (statement, enclosing loops and labels inside the region)
    let mut stack: Vec<(SId, usize, Vec<String>)> =
        ids.iter().map(|&i| (i, 0, Vec::new())).collect();
    while let Some((id, loops, labels)) = stack.pop() {
        let st = &body.stmts[id];
        let mut push = |children: &[SId], loops: usize, labels: &Vec<String>| {
            for &c in children {
                stack.push((c, loops, labels.clone()));
            }
        };
        match &st.kind {
            Kind::Block {
                label,
                body: b,
                handlers,
                decls,
            } => {
                let mut l = labels.clone();
                l.extend(label.clone());
                push(b, loops, &l);
                for h in handlers {
                    push(&h.body, loops, &l);
                }
                e.assigned.extend(decls.iter().map(|d| d.name.clone()));
            }
            Kind::If {
                branches,
                otherwise,
            } => {
                for (_, b) in branches {
                    push(b, loops, &labels);
                }
                push(otherwise, loops, &labels);
            }
            Kind::Case {
                whens, otherwise, ..
            } => {
                for (_, b) in whens {
                    push(b, loops, &labels);
                }
                if let Some(o) = otherwise {
                    push(o, loops, &labels);
                }
            }
            Kind::Loop { label, body: b } | Kind::While { label, body: b, .. } => {
                let mut l = labels.clone();
                l.extend(label.clone());
                push(b, loops + 1, &l);
            }
            Kind::ForInt {
                label,
                var,
                body: b,
                ..
            } => {
                let mut l = labels.clone();
                l.extend(label.clone());
                e.assigned.push(var.clone());
                push(b, loops + 1, &l);
            }
            Kind::ForRows {
                label,
                targets,
                body: b,
                ..
            }
            | Kind::Foreach {
                label,
                targets,
                body: b,
                ..
            } => {
                let mut l = labels.clone();
                l.extend(label.clone());
                e.assigned
                    .extend(targets.iter().map(|t| t.var().to_string()));
                push(b, loops + 1, &l);
            }
            Kind::Exit { label, .. } => {
                let inside = match label {
                    Some(l) => labels.contains(l),
                    None => loops > 0,
                };
                e.control |= !inside;
            }
            Kind::Return => e.control = true,
            Kind::Raise { level, .. } => e.raises |= *level == Level::Exception,
            Kind::Assert { .. } => e.raises = true,
            Kind::Assign { target, .. } => e.assigned.push(target.var().to_string()),
            Kind::GetDiag { items, .. } => e
                .assigned
                .extend(items.iter().map(|(t, _)| t.var().to_string())),
            Kind::Execute { expr, into, .. } => {
                e.schema |= match leading_literal(lexed, expr) {
                    Some(text) => text_shapes_schema(&text),
                    None => true,
                };
                if let Some(i) = into {
                    e.assigned
                        .extend(i.targets.iter().map(|t| t.var().to_string()));
                }
            }
            Kind::Sql { into } => {
                let words = sig_words(lexed, &st.at, 8);
                e.schema |= shapes_schema(&words);
                if let Some((i, _)) = into {
                    e.assigned
                        .extend(i.targets.iter().map(|t| t.var().to_string()));
                }
                let with_ids: Vec<(String, Option<String>)> = lexed.tokens[st.at.clone()]
                    .iter()
                    .filter(|t| !is_trivia(&t.token))
                    .take(12)
                    .map(|t| match &t.token {
                        Token::Word(w) => (
                            word_of(&t.token),
                            Some(if w.quote_style.is_some() {
                                w.value.clone()
                            } else {
                                w.value.to_ascii_lowercase()
                            }),
                        ),
                        other => (other.to_string(), None),
                    })
                    .collect();
                if let Some((_, targets)) = crate::sql::replay::guard::data::dml_target(&with_ids) {
                    e.writes.extend(targets);
                }
            }
            Kind::Perform(_) | Kind::Null | Kind::Other(_) => {}
        }
    }
    e.assigned.sort();
    e.assigned.dedup();
    e
}
