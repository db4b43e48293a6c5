//! Running compiled queries: FROM items are bound one after another (a scan given the lookup
//! keys the earlier items fix, or a probe of a hash table built once), each conjunct is
//! checked as soon as its columns are bound, and rows stream to the consumer (`EXISTS` stops at
//! the first). Grouping, `DISTINCT`, `ORDER BY` and `LIMIT` collect what they need.

use std::collections::HashMap;

use super::errors::{Fail, Res};
use super::eval::{eval, truth, Env};
use super::expr::CExpr;
use super::query::{Body, CQuery, CSelect, Source, SrcKind};
use super::value::{Obj, V};
use super::vtab::Keys;

/// A hashable image of a value (join keys, GROUP BY, DISTINCT).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum HKey<'v> {
    Null,
    Bool(bool),
    Int(i64),
    Float(u64),
    Text(&'v str),
    Micros(i64),
    Interval(i128),
    Obj(&'v Obj<'v>),
    List(Vec<HKey<'v>>),
    Opaque,
}

pub(crate) fn hkey<'v>(v: &'v V<'_>) -> HKey<'v> {
    match v {
        V::Null => HKey::Null,
        V::Bool(b) => HKey::Bool(*b),
        V::Int(i) => HKey::Int(*i),
        V::Float(f) if f.fract() == 0.0 && f.abs() < 9e18 => HKey::Int(*f as i64),
        V::Float(f) => HKey::Float(f.to_bits()),
        V::Text(s) => HKey::Text(s),
        V::Date(d) => HKey::Micros(*d as i64 * super::datetime::USECS_PER_DAY),
        V::Ts(t) | V::Tstz(t) => HKey::Micros(*t),
        V::Interval(i) => HKey::Interval(i.key()),
        V::Array(items) => HKey::List(items.iter().map(hkey).collect()),
        V::Record(f) => HKey::List(f.iter().map(|(_, v)| hkey(v)).collect()),
        V::Oid(_, o) => HKey::Obj(o),
        V::Opaque => HKey::Opaque,
    }
}

/// A row consumer: return `false` to stop.
pub(crate) type Sink<'s, 'e> = dyn FnMut(Vec<V<'e>>) -> Res<bool> + 's;

/// Streams the output rows of a query.
pub(crate) fn rows<'e>(q: &'e CQuery, env: &Env<'_, 'e>, sink: &mut Sink<'_, 'e>) -> Res<()> {
    let needs_collect = !q.order.is_empty() || q.offset.is_some() || q.limit.is_some();
    if !needs_collect {
        return body_rows(q, env, &mut |row, _| sink(row));
    }
    let limit = match &q.limit {
        Some(l) => match eval(l, env)? {
            V::Null => None,
            v => Some(super::funcs::int(&v)?.max(0) as usize),
        },
        None => None,
    };
    let offset = match &q.offset {
        Some(o) => super::funcs::int(&eval(o, env)?)?.max(0) as usize,
        None => 0,
    };
    if q.order.is_empty() {
        let mut skipped = 0;
        let mut taken = 0;
        return body_rows(q, env, &mut |row, _| {
            if skipped < offset {
                skipped += 1;
                return Ok(true);
            }
            if limit.is_some_and(|l| taken >= l) {
                return Ok(false);
            }
            taken += 1;
            let more = sink(row)?;
            Ok(more && limit.is_none_or(|l| taken < l))
        });
    }
    let mut all: Vec<(Vec<V<'e>>, Vec<V<'e>>)> = Vec::new();
    body_rows(q, env, &mut |row, keys| {
        all.push((row, keys));
        Ok(true)
    })?;
    let cx = env.cx;
    let mut err = None;
    all.sort_by(|(ra, ka), (rb, kb)| {
        for (i, key) in q.order.iter().enumerate() {
            let (a, b) = match key.output {
                Some(o) => (&ra[o], &rb[o]),
                None => (&ka[i], &kb[i]),
            };
            let ord = match (a.is_null(), b.is_null()) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => {
                    if key.nulls_first {
                        std::cmp::Ordering::Less
                    } else {
                        std::cmp::Ordering::Greater
                    }
                }
                (false, true) => {
                    if key.nulls_first {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Less
                    }
                }
                _ => match cx.compare(a, b) {
                    Ok(Some(o)) => {
                        if key.desc {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                    Ok(None) => std::cmp::Ordering::Equal,
                    Err(e) => {
                        err.get_or_insert(e);
                        std::cmp::Ordering::Equal
                    }
                },
            };
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        }
        std::cmp::Ordering::Equal
    });
    if let Some(e) = err {
        return Err(e);
    }
    for (row, _) in all
        .into_iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
    {
        if !sink(row)? {
            break;
        }
    }
    Ok(())
}

/// Output rows with the values of their expression `ORDER BY` keys.
type KeyedSink<'s, 'e> = dyn FnMut(Vec<V<'e>>, Vec<V<'e>>) -> Res<bool> + 's;

fn body_rows<'e>(q: &'e CQuery, env: &Env<'_, 'e>, sink: &mut KeyedSink<'_, 'e>) -> Res<()> {
    match &q.body {
        Body::Select(sel) => select_rows(q, sel, env, sink),
        Body::Values(rows) => {
            for r in rows {
                let mut out = Vec::with_capacity(r.len());
                for e in r {
                    out.push(eval(e, env)?);
                }
                if !sink(out, Vec::new())? {
                    break;
                }
            }
            Ok(())
        }
        Body::SetOp(op, all, l, r) => {
            let left = collect(l, env)?;
            let right = collect(r, env)?;
            let out = set_op(*op, *all, left, right);
            for row in out {
                if !sink(row, Vec::new())? {
                    break;
                }
            }
            Ok(())
        }
    }
}

fn set_op<'e>(
    op: sqlparser::ast::SetOperator,
    all: bool,
    left: Vec<Vec<V<'e>>>,
    right: Vec<Vec<V<'e>>>,
) -> Vec<Vec<V<'e>>> {
    use sqlparser::ast::SetOperator as S;
    let mut out = Vec::new();
    match op {
        S::Union => {
            out.extend(left);
            out.extend(right);
            if !all {
                dedupe(&mut out);
            }
        }
        S::Intersect | S::Except => {
            let keys: Vec<Vec<HKey<'_>>> =
                right.iter().map(|r| r.iter().map(hkey).collect()).collect();
            for l in &left {
                let k: Vec<HKey<'_>> = l.iter().map(hkey).collect();
                let found = keys.contains(&k);
                if found == matches!(op, S::Intersect) {
                    out.push(l.clone());
                }
            }
            if !all {
                dedupe(&mut out);
            }
        }
        _ => {}
    }
    out
}

fn dedupe(rows: &mut Vec<Vec<V<'_>>>) {
    let mut seen = std::collections::HashSet::new();
    let mut keep = Vec::with_capacity(rows.len());
    for r in rows.iter() {
        let k: Vec<HKey<'_>> = r.iter().map(hkey).collect();
        keep.push(seen.insert(format!("{k:?}")));
    }
    let mut i = 0;
    rows.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

/// All output rows.
pub(crate) fn collect<'e>(q: &'e CQuery, env: &Env<'_, 'e>) -> Res<Vec<Vec<V<'e>>>> {
    let mut out = Vec::new();
    rows(q, env, &mut |r| {
        out.push(r);
        Ok(true)
    })?;
    Ok(out)
}

/// The environment of a subquery run from an expression: the current row becomes an outer row.
fn sub_env<'r, 'e>(env: &Env<'r, 'e>, outer: &'r [&'r [V<'e>]]) -> Env<'r, 'e>
where
    'e: 'r,
{
    Env {
        cx: env.cx,
        row: &[],
        outer,
        aggs: &[],
    }
}

fn outer_stack<'r, 'e>(env: &Env<'r, 'e>) -> Vec<&'r [V<'e>]> {
    let mut v = env.outer.to_vec();
    v.push(env.row);
    v
}

/// `EXISTS (subquery)`.
pub(crate) fn exists<'e>(q: &'e CQuery, env: &Env<'_, 'e>) -> Res<bool> {
    let stack = outer_stack(env);
    let sub = sub_env(env, &stack);
    let mut found = false;
    rows(q, &sub, &mut |_| {
        found = true;
        Ok(false)
    })?;
    Ok(found)
}

/// A scalar subquery's value.
pub(crate) fn scalar<'e>(q: &'e CQuery, env: &Env<'_, 'e>) -> Res<V<'e>> {
    let stack = outer_stack(env);
    let sub = sub_env(env, &stack);
    let mut value = None;
    let mut many = false;
    rows(q, &sub, &mut |mut r| {
        if value.is_some() {
            many = true;
            return Ok(false);
        }
        value = Some(if r.is_empty() {
            V::Null
        } else {
            r.swap_remove(0)
        });
        Ok(true)
    })?;
    if many {
        return Err(Fail::pg(
            "cardinality_violation",
            "more than one row returned by a subquery used as an expression",
        ));
    }
    Ok(value.unwrap_or(V::Null))
}

/// The first column of every row (`IN (subquery)`, `ARRAY(subquery)`).
pub(crate) fn column_values<'e>(q: &'e CQuery, env: &Env<'_, 'e>) -> Res<Vec<V<'e>>> {
    let stack = outer_stack(env);
    let sub = sub_env(env, &stack);
    let mut out = Vec::new();
    rows(q, &sub, &mut |mut r| {
        out.push(if r.is_empty() {
            V::Null
        } else {
            r.swap_remove(0)
        });
        Ok(true)
    })?;
    Ok(out)
}

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

fn select_rows<'e>(
    q: &'e CQuery,
    sel: &'e CSelect,
    env: &Env<'_, 'e>,
    sink: &mut KeyedSink<'_, 'e>,
) -> Res<()> {
    if !all_true(&sel.pre, env)? {
        if sel.grouping.as_ref().is_some_and(|g| g.keys.is_empty()) {
            // An aggregate over no rows still gives one row.
            return super::group::grouped(q, sel, env, Vec::new(), sink);
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
        return super::group::grouped(q, sel, env, input, sink);
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
                    V::Text(s) => match super::value::parse_array_text(&s)? {
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
            super::group::series(cx, vals, out)
        }
        SrcKind::One(e) => {
            let v = eval(e, env)?;
            out(&[v]).map(|_| ())
        }
    }
}
