//! One `SELECT`'s rows: FROM items bound left to right (scans given the keys earlier items fix, probes of hash tables built once), each conjunct checked as soon as its columns are bound.

use std::collections::HashMap;

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::eval::{eval, truth, Env};
use crate::sql::replay::guard::expr::CExpr;
use crate::sql::replay::guard::query::{CQuery, CSelect, Source, SrcKind};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::vtab::Keys;

use super::{collect, hkey, outer_stack, sub_env, KeyedSink};

fn all_true<'e>(conds: &'e [CExpr], env: &Env<'_, 'e>) -> Res<bool> {
    for c in conds {
        if truth(eval(c, env)?)? != Some(true) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Per-run state of a select: the row being bound and hash tables built so far.
struct Binder<'e> {
    buf: Vec<V<'e>>,
    hashes: Vec<Option<HashTable<'e>>>,
    /// Why a condition of an item bound so far could not be evaluated: the row is dropped if a
    /// later condition is false (`false AND x` is false), else the query is not evaluable.
    pending: Vec<Fail>,
}

/// The conjunction of conditions on a row.
enum Check {
    True,
    False,
    Unknown(Fail),
}

/// Evaluates every condition: one false makes the row fail even when another cannot be
/// evaluated.
fn check<'e>(conds: &'e [CExpr], env: &Env<'_, 'e>) -> Res<Check> {
    let mut unknown = None;
    for c in conds {
        match eval(c, env).and_then(truth) {
            Ok(Some(true)) => {}
            Ok(_) => return Ok(Check::False),
            Err(f @ Fail::Unknown(_)) => {
                unknown.get_or_insert(f);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(unknown.map_or(Check::True, Check::Unknown))
}

struct HashTable<'e> {
    rows: Vec<Vec<V<'e>>>,
    index: HashMap<String, Vec<usize>>,
}

fn key_string(vals: &[V<'_>]) -> Option<String> {
    if vals.iter().any(|v| v.is_null()) {
        return None;
    }
    Some(format!("{:?}", vals.iter().map(hkey).collect::<Vec<_>>()))
}

pub(super) fn select_rows<'e>(
    q: &'e CQuery,
    sel: &'e CSelect,
    env: &Env<'_, 'e>,
    sink: &mut KeyedSink<'_, 'e>,
) -> Res<()> {
    if !all_true(&sel.pre, env)? {
        if sel.grouping.as_ref().is_some_and(|g| g.keys.is_empty()) {
            // An aggregate over no rows still gives one row.
            return crate::sql::replay::guard::group::grouped(q, sel, env, Vec::new(), sink);
        }
        return Ok(());
    }
    let mut b = Binder {
        buf: vec![V::Null; sel.width],
        hashes: (0..sel.sources.len()).map(|_| None).collect(),
        pending: Vec::new(),
    };
    if sel.grouping.is_some() {
        let mut input = Vec::new();
        bind(sel, 0, env, &mut b, &mut |row| {
            input.push(row.to_vec());
            Ok(true)
        })?;
        return crate::sql::replay::guard::group::grouped(q, sel, env, input, sink);
    }
    let mut seen = std::collections::HashSet::new();
    bind(sel, 0, env, &mut b, &mut |row| {
        let renv = Env {
            cx: env.cx,
            row,
            outer: env.outer,
            aggs: &[],
        };
        let mut out = Vec::with_capacity(sel.proj.len());
        for p in &sel.proj {
            out.push(eval(p, &renv)?);
        }
        if sel.distinct {
            let k = format!("{:?}", out.iter().map(hkey).collect::<Vec<_>>());
            if !seen.insert(k) {
                return Ok(true);
            }
        }
        let mut keys = Vec::new();
        for k in &q.order {
            keys.push(match &k.expr {
                Some(e) => eval(e, &renv)?,
                None => V::Null,
            });
        }
        sink(out, keys)
    })?;
    Ok(())
}

/// Binds FROM item `i` and the ones after it; calls `emit` with each complete row.
fn bind<'e>(
    sel: &'e CSelect,
    i: usize,
    env: &Env<'_, 'e>,
    b: &mut Binder<'e>,
    emit: &mut dyn FnMut(&[V<'e>]) -> Res<bool>,
) -> Res<bool> {
    if i == sel.sources.len() {
        let renv = Env {
            cx: env.cx,
            row: &b.buf,
            outer: env.outer,
            aggs: &[],
        };
        return match check(&sel.post, &renv)? {
            Check::False => Ok(true),
            Check::Unknown(f) => Err(f),
            Check::True => match b.pending.first() {
                Some(f) => Err(f.clone()),
                None => emit(&b.buf),
            },
        };
    }
    let src = &sel.sources[i];
    // Key values from the row bound so far.
    let mut key_vals: Vec<(usize, V<'e>)> = Vec::with_capacity(src.keys.len());
    // Where each key's value is in `key_vals` (none when it cannot be evaluated).
    let mut key_at: Vec<Option<usize>> = Vec::with_capacity(src.keys.len());
    {
        let renv = Env {
            cx: env.cx,
            row: &b.buf,
            outer: env.outer,
            aggs: &[],
        };
        for (col, e) in &src.keys {
            match eval(e, &renv) {
                Ok(v) => {
                    key_at.push(Some(key_vals.len()));
                    key_vals.push((*col, v));
                }
                Err(Fail::Unknown(_)) => key_at.push(None),
                Err(e) => return Err(e),
            }
        }
    }
    // The leading conditions that are text keys, checked on the scanned row before it is
    // copied into the row being bound: the row fails exactly where `check` would find the
    // first of them false (a text comparison cannot fail or be unknown).
    let text_key_fails = |row: &[V<'e>]| -> bool {
        for ck in &src.cond_keys {
            let Some((col, v)) = ck.and_then(|k| key_at[k]).map(|i| &key_vals[i]) else {
                return false;
            };
            match (row.get(*col), v) {
                (Some(V::Text(a)), V::Text(b)) if a == b => {}
                (Some(V::Text(_)), V::Text(_)) => return true,
                _ => return false,
            }
        }
        false
    };
    if key_vals.iter().any(|(_, v)| v.is_null()) && !src.left {
        // `col = NULL` matches nothing.
        return Ok(true);
    }
    let copy_used_only = matches!(src.kind, SrcKind::Virtual(_));
    let mut matched = false;
    let mut go_on = true;
    let mut visit = |row: &[V<'e>], b: &mut Binder<'e>| -> Res<bool> {
        if copy_used_only {
            // A catalog scan computes only the columns the query reads; copy just those.
            for (c, v) in row.iter().enumerate().take(src.ncols) {
                if c >= 64 || src.used & (1 << c) != 0 {
                    b.buf[src.offset + c] = v.clone();
                }
            }
        } else {
            b.buf[src.offset..src.offset + src.ncols].clone_from_slice(row);
        }
        let ok = {
            let renv = Env {
                cx: env.cx,
                row: &b.buf,
                outer: env.outer,
                aggs: &[],
            };
            check(&src.conds, &renv)?
        };
        let deferred = match ok {
            Check::False => return Ok(true),
            Check::True => false,
            Check::Unknown(f) => {
                b.pending.push(f);
                true
            }
        };
        matched = true;
        let result = bind(sel, i + 1, env, b, emit);
        if deferred {
            b.pending.pop();
        }
        go_on = result?;
        Ok(go_on)
    };
    if src.hash {
        for row in hash_probe(sel, i, env, b, &key_vals)? {
            if !visit(&row, b)? {
                break;
            }
        }
    } else {
        scan(src, env, &key_vals, &mut |row| {
            if text_key_fails(row) {
                return Ok(true);
            }
            visit(row, b)
        })?;
    }
    if !go_on {
        return Ok(false);
    }
    if src.left && !matched {
        for v in &mut b.buf[src.offset..src.offset + src.ncols] {
            *v = V::Null;
        }
        return bind(sel, i + 1, env, b, emit);
    }
    Ok(true)
}

/// Rows of item `i` matching the keys, from a hash table built on first use (with only the
/// keys that do not read earlier items applied while building it).
fn hash_probe<'e>(
    sel: &'e CSelect,
    i: usize,
    env: &Env<'_, 'e>,
    b: &mut Binder<'e>,
    key_vals: &[(usize, V<'e>)],
) -> Res<Vec<Vec<V<'e>>>> {
    let src = &sel.sources[i];
    if b.hashes[i].is_none() {
        let mut rows = Vec::new();
        scan(src, env, &[], &mut |row| {
            rows.push(row.to_vec());
            Ok(true)
        })?;
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        let cols: Vec<usize> = key_vals.iter().map(|(c, _)| *c).collect();
        for (k, r) in rows.iter().enumerate() {
            let vals: Vec<V<'_>> = cols.iter().map(|c| r[*c].clone()).collect();
            if let Some(key) = key_string(&vals) {
                index.entry(key).or_default().push(k);
            }
        }
        b.hashes[i] = Some(HashTable { rows, index });
    }
    let table = b.hashes[i].as_ref().expect("built");
    let probe: Vec<V<'_>> = key_vals.iter().map(|(_, v)| v.clone()).collect();
    Ok(match key_string(&probe) {
        Some(k) => table
            .index
            .get(&k)
            .map(|ids| ids.iter().map(|id| table.rows[*id].clone()).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    })
}

/// Produces the rows of one FROM item (narrowed by the keys where the source can use them).
fn scan<'e>(
    src: &'e Source,
    env: &Env<'_, 'e>,
    keys: &[(usize, V<'e>)],
    out: &mut dyn FnMut(&[V<'e>]) -> Res<bool>,
) -> Res<()> {
    let cx = env.cx;
    match &src.kind {
        SrcKind::Virtual(vt) => {
            let k = Keys {
                eq: keys,
                needed: src.used,
            };
            (vt.scan)(cx, &k, out)
        }
        SrcKind::User {
            schema,
            name,
            columns,
        } => {
            let data = cx.tracked().data.rows(cx, schema, name, columns)?;
            for r in data.iter() {
                let row: Vec<V<'e>> = r.to_vec();
                if !out(&row)? {
                    break;
                }
            }
            Ok(())
        }
        SrcKind::Sub(q) => {
            let stack = outer_stack(env);
            let sub = sub_env(env, &stack);
            let all = collect(q, &sub)?;
            for r in all {
                if !out(&r)? {
                    break;
                }
            }
            Ok(())
        }
        SrcKind::Unnest(exprs, ord) => {
            let mut arrays = Vec::new();
            for e in exprs {
                arrays.push(match eval(e, env)? {
                    V::Array(items) => items,
                    V::Null => Vec::new(),
                    V::Text(s) => match crate::sql::replay::guard::value::parse_array_text(&s)? {
                        V::Array(items) => items,
                        _ => Vec::new(),
                    },
                    other => {
                        return Err(Fail::pg(
                            "datatype_mismatch",
                            format!("unnest() of {}", other.type_name()),
                        ))
                    }
                });
            }
            let n = arrays.iter().map(Vec::len).max().unwrap_or(0);
            for k in 0..n {
                let mut row: Vec<V<'e>> = arrays
                    .iter()
                    .map(|a| a.get(k).cloned().unwrap_or(V::Null))
                    .collect();
                if *ord {
                    row.push(V::Int(k as i64 + 1));
                }
                if !out(&row)? {
                    break;
                }
            }
            Ok(())
        }
        SrcKind::Series(args) => {
            let mut vals = Vec::new();
            for a in args {
                vals.push(eval(a, env)?);
            }
            crate::sql::replay::guard::group::series(cx, vals, out)
        }
        SrcKind::One(e) => {
            let v = eval(e, env)?;
            out(&[v]).map(|_| ())
        }
    }
}
