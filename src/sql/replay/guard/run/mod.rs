//! Running compiled queries: FROM items are bound one after another (a scan given the lookup
//! keys the earlier items fix, or a probe of a hash table built once), each conjunct is
//! checked as soon as its columns are bound, and rows stream to the consumer (`EXISTS` stops at
//! the first). Grouping, `DISTINCT`, `ORDER BY` and `LIMIT` collect what they need.

mod join;

use super::errors::{Fail, Res};
use super::eval::{eval, Env};
use super::query::{Body, CQuery};
use super::value::{Obj, V};

use join::select_rows;

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

/// Compiles and runs a query: its column names and its rows, owned.
pub(crate) fn query_rows(
    cx: &crate::sql::replay::guard::Ctx<'_>,
    q: &sqlparser::ast::Query,
) -> Res<(Vec<String>, Vec<Vec<V<'static>>>)> {
    let mut comp = crate::sql::replay::guard::expr::Compiler::new(cx);
    let cq = comp.subquery(q)?;
    let env = crate::sql::replay::guard::eval::Env::new(cx);
    let mut out = Vec::new();
    rows(&cq, &env, &mut |row| {
        out.push(row.into_iter().map(V::into_owned).collect());
        Ok(true)
    })?;
    Ok((cq.columns.clone(), out))
}
