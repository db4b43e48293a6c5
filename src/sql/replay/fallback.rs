//! Schema-shaping statements sqlparser rejects (`../shared/reference/sql-parsing.md`), handled by
//! rewriting their tokens into a form it parses, or at token level.
//!
//! - `CREATE MATERIALIZED VIEW … WITH [NO] DATA`, `CREATE VIEW … WITH [LOCAL|CASCADED] CHECK
//!   OPTION`: the trailing clause is dropped (it does not change the catalog we model).
//! - `CREATE INDEX … ON ONLY t`, `DROP INDEX CONCURRENTLY`, `COLLATE "default"`: the keyword is
//!   dropped.
//! - pg_dump identity columns `ALTER COLUMN … ADD GENERATED … AS IDENTITY (SEQUENCE NAME s …)`:
//!   parsed without `SEQUENCE NAME s`, then the sequence gets its name.
//! - `ALTER SEQUENCE` (OWNED BY, RENAME TO, AS, INCREMENT, MIN/MAXVALUE, START, CACHE, CYCLE).
//! - `ALTER TABLE|VIEW|SEQUENCE|TYPE … SET SCHEMA s`.
//! - `CREATE DOMAIN … [NOT NULL] [DEFAULT …] [CONSTRAINT … CHECK (…)]`.
//! - `CREATE TABLE … (LIKE t INCLUDING …)`.

use sqlparser::ast::{Expr, ObjectName, Statement};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::table::apply_sequence_options;
use super::{
    name_parts, parse_one, split_name, word_of, Outcome, ReplayError, Replayer, SqlState, Stmt, R,
};
use crate::diagnostics::Diagnostics;

/// Tries the fallbacks; `None` when none applies.
pub(crate) fn run(r: &mut Replayer, stmt: Stmt<'_>, diags: &mut Diagnostics) -> Option<R<Outcome>> {
    let sig = stmt.significant();
    let words: Vec<String> = sig.iter().map(|(_, t)| word_of(t)).collect();
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    let has_seq = |seq: &[&str]| find_words(&words, seq).is_some();

    // Rewrites: drop some tokens, parse again.
    let mut drop: Vec<usize> = Vec::new();
    if w(0) == "create" && has_seq(&["materialized", "view"]) {
        let n = words.len();
        if n >= 3 && w(n - 1) == "data" && w(n - 2) == "with" {
            drop.extend([sig[n - 2].0, sig[n - 1].0]);
        } else if n >= 4 && w(n - 1) == "data" && w(n - 2) == "no" && w(n - 3) == "with" {
            drop.extend([sig[n - 3].0, sig[n - 2].0, sig[n - 1].0]);
        }
    }
    let mut check_option = None;
    if w(0) == "create" && has_seq(&["check", "option"]) {
        let n = words.len();
        if n >= 3 && w(n - 1) == "option" && w(n - 2) == "check" {
            drop.extend([sig[n - 2].0, sig[n - 1].0]);
            let k = n - 3;
            check_option = Some(if w(k) == "local" { "local" } else { "cascaded" });
            if matches!(w(k), "local" | "cascaded") {
                drop.push(sig[k].0);
                if w(k - 1) == "with" {
                    drop.push(sig[k - 1].0);
                }
            } else if w(k) == "with" {
                drop.push(sig[k].0);
            }
        }
    }
    if w(0) == "create" && (w(1) == "index" || w(1) == "unique") {
        if let Some(i) = find_words(&words, &["on", "only"]) {
            drop.push(sig[i + 1].0);
        }
    }
    if w(0) == "drop" && w(1) == "index" && w(2) == "concurrently" {
        drop.push(sig[2].0);
    }
    if let Some(i) = words.iter().position(|x| x == "collate") {
        if matches!(sig.get(i + 1).map(|x| x.1), Some(Token::Word(wd)) if wd.value == "default") {
            drop.extend([sig[i].0, sig[i + 1].0]);
        }
    }
    if w(0) == "create"
        && has_seq(&["table"])
        && (has_seq(&["including"]) || has_seq(&["excluding"]))
    {
        for (k, word) in words.iter().enumerate() {
            if word == "including" || word == "excluding" {
                drop.push(sig[k].0);
                if let Some(x) = sig.get(k + 1) {
                    drop.push(x.0);
                }
            }
        }
    }
    let mut identity_sequence: Option<ObjectName> = None;
    if w(0) == "alter" && has_seq(&["as", "identity"]) {
        if let Some(i) = find_words(&words, &["sequence", "name"]) {
            // SEQUENCE NAME a[.b]
            if let Some((name, j)) = name_at(&stmt, &sig, i + 2) {
                identity_sequence = Some(name);
                drop.extend((i..j).map(|k| sig[k].0));
            }
        }
    }
    if !drop.is_empty() {
        let tokens: Vec<TokenWithSpan> = stmt
            .tokens()
            .iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, t)| t.clone())
            .collect();
        if let Ok(ast) = parse_one(&tokens) {
            let before: Vec<(String, String)> = all_sequences(r);
            let result = r.apply(stmt, &ast, diags);
            if let (Ok(_), Some(seq)) = (&result, identity_sequence) {
                rename_new_identity_sequence(r, &before, &seq);
            }
            if let (Ok(_), Some(kind), Statement::CreateView(v)) = (&result, check_option, &ast) {
                let (schema, n) = split_name(&v.name);
                if let Some(s) = r.find_in_path(schema.as_deref(), &|s| s.views.contains_key(&n)) {
                    let view = r.view_mut(&s, &n);
                    view.options.retain(|o| !o.starts_with("check_option="));
                    view.options.push(format!("check_option={kind}"));
                }
            }
            return Some(result);
        }
    }

    match (w(0), w(1)) {
        ("create", "domain") => Some(create_domain(r, stmt)),
        ("alter", "table" | "view" | "sequence" | "type" | "materialized")
            if has_seq(&["set", "schema"]) =>
        {
            Some(set_schema(r, stmt))
        }
        ("alter", "sequence") => Some(alter_sequence(r, stmt)),
        ("create", "type") if has_seq(&["as", "range"]) => Some(Ok(Outcome::NotUnderstood(
            "range types are not modelled".into(),
        ))),
        _ => None,
    }
}

fn find_words(words: &[String], seq: &[&str]) -> Option<usize> {
    words
        .windows(seq.len())
        .position(|w| w.iter().zip(seq).all(|(a, b)| a == b))
}

fn all_sequences(r: &Replayer) -> Vec<(String, String)> {
    r.catalog
        .schemas
        .values()
        .flat_map(|s| s.sequences.keys().map(|k| (s.name.clone(), k.clone())))
        .collect()
}

/// After `ADD GENERATED … AS IDENTITY (SEQUENCE NAME x …)`: the sequence just created gets `x`.
fn rename_new_identity_sequence(r: &mut Replayer, before: &[(String, String)], name: &ObjectName) {
    let (_, new) = split_name(name);
    let created: Vec<(String, String)> = all_sequences(r)
        .into_iter()
        .filter(|x| !before.contains(x))
        .collect();
    if let [(schema, old)] = created.as_slice() {
        let s = r.catalog.schemas.get_mut(schema).expect("schema");
        if let Some(mut q) = s.sequences.remove(old) {
            q.name = new.clone();
            s.sequences.insert(new, q);
        }
    }
}

/// Parses a qualified name at `sig[i..]`; returns it and the index after it.
fn name_at(stmt: &Stmt<'_>, sig: &[(usize, &Token)], mut i: usize) -> Option<(ObjectName, usize)> {
    let _ = stmt;
    let mut parts = Vec::new();
    loop {
        match sig.get(i).map(|x| x.1) {
            Some(Token::Word(w)) => parts.push(sqlparser::ast::Ident {
                value: w.value.clone(),
                quote_style: w.quote_style,
                span: sqlparser::tokenizer::Span::empty(),
            }),
            _ => return None,
        }
        i += 1;
        if matches!(sig.get(i).map(|x| x.1), Some(Token::Period)) {
            i += 1;
        } else {
            return Some((ObjectName::from(parts), i));
        }
    }
}

/// `ALTER SEQUENCE [IF EXISTS] name …`.
fn alter_sequence(r: &mut Replayer, stmt: Stmt<'_>) -> R<Outcome> {
    let sig = stmt.significant();
    let mut i = 2;
    let mut if_exists = false;
    if word_of(sig.get(i).map(|x| x.1).unwrap_or(&Token::EOF)) == "if" {
        if_exists = true;
        i += 2;
    }
    let Some((name, next)) = name_at(&stmt, &sig, i) else {
        return Ok(Outcome::NotUnderstood(
            "ALTER SEQUENCE without a name".into(),
        ));
    };
    let (schema, n) = split_name(&name);
    let Some(schema) = r.find_in_path(schema.as_deref(), &|s| s.sequences.contains_key(&n)) else {
        if if_exists {
            return Ok(Outcome::Understood);
        }
        return Err(super::undefined_relation(schema.as_deref(), &n));
    };
    let rest_words: Vec<String> = sig[next..].iter().map(|(_, t)| word_of(t)).collect();
    let rw = |k: usize| rest_words.get(k).map(String::as_str).unwrap_or("");
    match (rw(0), rw(1)) {
        ("owned", "by") => {
            let Some((owner, _)) = name_at(&stmt, &sig, next + 2) else {
                return Ok(Outcome::NotUnderstood("OWNED BY without a column".into()));
            };
            let owned = r.owned_by(Some(&owner))?;
            r.catalog
                .schemas
                .get_mut(&schema)
                .expect("schema")
                .sequences
                .get_mut(&n)
                .expect("seq")
                .owned_by = owned;
            Ok(Outcome::Understood)
        }
        ("rename", "to") => {
            let Some((new, _)) = name_at(&stmt, &sig, next + 2) else {
                return Ok(Outcome::NotUnderstood("RENAME TO without a name".into()));
            };
            let old = ObjectName::from(vec![
                sqlparser::ast::Ident::with_quote('"', schema.clone()),
                sqlparser::ast::Ident::with_quote('"', n.clone()),
            ]);
            r.rename_relation(&old, &new, false)?;
            Ok(Outcome::Understood)
        }
        ("owner", "to") | ("restart", _) | ("set", "logged") | ("set", "unlogged") => {
            Ok(Outcome::PassedOver)
        }
        _ => {
            // Sequence options: parse them as the options of a CREATE SEQUENCE.
            let text: String = stmt.tokens()[sig[next].0..]
                .iter()
                .map(|t| t.token.to_string())
                .collect();
            let sql = format!("CREATE SEQUENCE x {text}");
            let dialect = PostgreSqlDialect {};
            match Parser::parse_sql(&dialect, &sql) {
                Ok(mut v) if v.len() == 1 => match v.remove(0) {
                    Statement::CreateSequence {
                        sequence_options, ..
                    } => {
                        let s = r.catalog.schemas.get_mut(&schema).expect("schema");
                        let seq = s.sequences.get_mut(&n).expect("seq");
                        let mut copy = seq.clone();
                        apply_sequence_options(&mut copy, &sequence_options);
                        // Only what was given changes; apply_sequence_options fills defaults for
                        // start/min/max, so keep the old values where options were silent.
                        let said = |k: &str| rest_words.iter().any(|w| w == k);
                        if said("increment") {
                            seq.increment = copy.increment;
                        }
                        if said("minvalue") {
                            seq.min_value = copy.min_value;
                        }
                        if said("maxvalue") {
                            seq.max_value = copy.max_value;
                        }
                        if said("start") {
                            seq.start = copy.start;
                        }
                        if said("cache") {
                            seq.cache = copy.cache;
                        }
                        if said("cycle") {
                            seq.cycle = copy.cycle;
                        }
                        if said("as") {
                            seq.data_type = copy.data_type;
                        }
                        Ok(Outcome::Understood)
                    }
                    _ => Ok(Outcome::NotUnderstood(
                        "unexpected ALTER SEQUENCE form".into(),
                    )),
                },
                _ => Ok(Outcome::NotUnderstood(
                    "unexpected ALTER SEQUENCE form".into(),
                )),
            }
        }
    }
}

/// `ALTER … SET SCHEMA s`: moves a table, view, sequence or type.
fn set_schema(r: &mut Replayer, stmt: Stmt<'_>) -> R<Outcome> {
    let sig = stmt.significant();
    let words: Vec<String> = sig.iter().map(|(_, t)| word_of(t)).collect();
    let mut i = if words.get(1).map(String::as_str) == Some("materialized") {
        3
    } else {
        2
    };
    if words.get(i).map(String::as_str) == Some("if") {
        i += 2;
    }
    if words.get(i).map(String::as_str) == Some("only") {
        i += 1;
    }
    let Some((name, _)) = name_at(&stmt, &sig, i) else {
        return Ok(Outcome::NotUnderstood("SET SCHEMA without a name".into()));
    };
    let Some(k) = find_words(&words, &["set", "schema"]) else {
        return Ok(Outcome::NotUnderstood("SET SCHEMA".into()));
    };
    let Some((target, _)) = name_at(&stmt, &sig, k + 2) else {
        return Ok(Outcome::NotUnderstood("SET SCHEMA without a schema".into()));
    };
    let target = name_parts(&target).pop().unwrap_or_default();
    if !r.catalog.schemas.contains_key(&target) {
        return Err(ReplayError::new(
            SqlState::InvalidSchemaName,
            format!("schema \"{target}\" does not exist"),
        ));
    }
    let (schema, n) = split_name(&name);
    let Some(from) = r.find_in_path(schema.as_deref(), &|s| s.has_relation(&n) || s.has_type(&n))
    else {
        return Err(super::undefined_relation(schema.as_deref(), &n));
    };
    if from == target {
        return Ok(Outcome::Understood);
    }
    let src = r.catalog.schemas.get_mut(&from).expect("schema");
    let table = src.tables.remove(&n);
    let view = src.views.remove(&n);
    let seq = src.sequences.remove(&n);
    let en = src.enums.remove(&n);
    let comp = src.composites.remove(&n);
    let dom = src.domains.remove(&n);
    // Sequences owned by a moved table move with it.
    let owned: Vec<String> = if table.is_some() {
        src.sequences
            .iter()
            .filter(|(_, q)| q.owned_by.as_ref().is_some_and(|(t, _)| *t == n))
            .map(|(k, _)| k.clone())
            .collect()
    } else {
        Vec::new()
    };
    let owned: Vec<_> = owned
        .into_iter()
        .filter_map(|k| src.sequences.remove(&k))
        .collect();
    let dst = r.catalog.schemas.get_mut(&target).expect("schema");
    if dst.has_relation(&n) || dst.has_type(&n) {
        return Err(ReplayError::new(
            SqlState::DuplicateObject,
            format!("relation \"{n}\" already exists in schema \"{target}\""),
        ));
    }
    let is_type = en.is_some() || comp.is_some() || dom.is_some();
    let moved_table = table.is_some();
    if let Some(t) = table {
        dst.tables.insert(n.clone(), t);
        r.tracked.data.moved((&from, &n), (&target, &n));
    }
    if let Some(v) = view {
        dst.views.insert(n.clone(), v);
    }
    if let Some(q) = seq {
        dst.sequences.insert(n.clone(), q);
    }
    for q in owned {
        dst.sequences.insert(q.name.clone(), q);
    }
    if let Some(e) = en {
        dst.enums.insert(n.clone(), e);
    }
    if let Some(c) = comp {
        dst.composites.insert(n.clone(), c);
    }
    if let Some(d) = dom {
        dst.domains.insert(n.clone(), d);
    }
    for s in r.catalog.schemas.values_mut() {
        for t in s.tables.values_mut() {
            if moved_table {
                for f in &mut t.foreign_keys {
                    if f.references.schema == from && f.references.name == n {
                        f.references.schema = target.clone();
                    }
                }
            }
            if is_type {
                for c in &mut t.columns {
                    if c.ty.schema == from && c.ty.name == n {
                        c.ty.schema = target.clone();
                    }
                }
            }
        }
    }
    Ok(Outcome::Understood)
}

/// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e] [[CONSTRAINT n] NOT NULL | NULL | CHECK (…)]…`.
fn create_domain(r: &mut Replayer, stmt: Stmt<'_>) -> R<Outcome> {
    let sig = stmt.significant();
    let Some((name, mut i)) = name_at(&stmt, &sig, 2) else {
        return Ok(Outcome::NotUnderstood(
            "CREATE DOMAIN without a name".into(),
        ));
    };
    if word_of(sig.get(i).map(|x| x.1).unwrap_or(&Token::EOF)) == "as" {
        i += 1;
    }
    let tokens: Vec<TokenWithSpan> = sig[i.min(sig.len())..]
        .iter()
        .map(|(k, _)| stmt.tokens()[*k].clone())
        .collect();
    let dialect = PostgreSqlDialect {};
    let mut p = Parser::new(&dialect).with_tokens_with_locations(tokens);
    let Ok(dt) = p.parse_data_type() else {
        return Ok(Outcome::NotUnderstood(
            "CREATE DOMAIN: cannot read the type".into(),
        ));
    };
    let mut not_null = false;
    let mut default: Option<Expr> = None;
    let mut checks: Vec<(Option<String>, Expr)> = Vec::new();
    let mut con_name: Option<String> = None;
    loop {
        if p.parse_keywords(&[
            sqlparser::keywords::Keyword::NOT,
            sqlparser::keywords::Keyword::NULL,
        ]) {
            not_null = true;
        } else if p.parse_keyword(sqlparser::keywords::Keyword::NULL) {
            not_null = false;
        } else if p.parse_keyword(sqlparser::keywords::Keyword::DEFAULT) {
            match p.parse_expr() {
                Ok(e) => default = Some(e),
                Err(_) => break,
            }
        } else if p.parse_keyword(sqlparser::keywords::Keyword::CONSTRAINT) {
            con_name = p.parse_identifier().ok().map(|i| super::fold(&i));
        } else if p.parse_keyword(sqlparser::keywords::Keyword::CHECK) {
            if p.expect_token(&Token::LParen).is_err() {
                break;
            }
            let Ok(e) = p.parse_expr() else { break };
            if p.expect_token(&Token::RParen).is_err() {
                break;
            }
            checks.push((con_name.take(), e));
        } else if p.parse_keyword(sqlparser::keywords::Keyword::COLLATE) {
            let _ = p.parse_object_name(false);
        } else {
            break;
        }
    }
    r.define_domain(&name, &dt, default.as_ref(), not_null, &checks)
}
