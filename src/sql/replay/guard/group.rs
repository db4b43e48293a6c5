//! `GROUP BY` and aggregates (`count`, `sum`, `min`, `max`, `avg`, `string_agg`, `array_agg`,
//! `bool_and`, `bool_or`), and `generate_series` in FROM.

use std::collections::HashMap;

use super::datetime::{self, USECS_PER_DAY};
use super::errors::{Fail, Res};
use super::eval::{eval, truth, Env};
use super::expr::CAgg;
use super::query::{CQuery, CSelect};
use super::run::hkey;
use super::value::V;
use super::Ctx;

struct Group<'e> {
    first: Vec<V<'e>>,
    rows: Vec<usize>,
}

/// Groups the input rows and emits one output row per group (one for an aggregate without
/// GROUP BY even over no rows).
pub(crate) fn grouped<'e>(
    q: &'e CQuery,
    sel: &'e CSelect,
    env: &Env<'_, 'e>,
    input: Vec<Vec<V<'e>>>,
    sink: &mut dyn FnMut(Vec<V<'e>>, Vec<V<'e>>) -> Res<bool>,
) -> Res<()> {
    let g = sel.grouping.as_ref().expect("grouped select");
    let mut groups: Vec<Group<'e>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (k, row) in input.iter().enumerate() {
        let renv = Env {
            cx: env.cx,
            row,
            outer: env.outer,
            aggs: &[],
        };
        let mut key = Vec::with_capacity(g.keys.len());
        for e in &g.keys {
            key.push(eval(e, &renv)?);
        }
        let ks = format!("{:?}", key.iter().map(hkey).collect::<Vec<_>>());
        let gi = *index.entry(ks).or_insert_with(|| {
            groups.push(Group {
                first: row.clone(),
                rows: Vec::new(),
            });
            groups.len() - 1
        });
        groups[gi].rows.push(k);
    }
    if groups.is_empty() && g.keys.is_empty() {
        groups.push(Group {
            first: vec![V::Null; sel.width],
            rows: Vec::new(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    for grp in groups {
        let mut aggs = Vec::with_capacity(g.aggs.len());
        for a in &g.aggs {
            aggs.push(aggregate(a, env, &input, &grp.rows)?);
        }
        let genv = Env {
            cx: env.cx,
            row: &grp.first,
            outer: env.outer,
            aggs: &aggs,
        };
        if let Some(h) = &g.having {
            if truth(eval(h, &genv)?)? != Some(true) {
                continue;
            }
        }
        let mut out = Vec::with_capacity(sel.proj.len());
        for p in &sel.proj {
            out.push(eval(p, &genv)?);
        }
        if sel.distinct {
            let k = format!("{:?}", out.iter().map(hkey).collect::<Vec<_>>());
            if !seen.insert(k) {
                continue;
            }
        }
        let mut keys = Vec::new();
        for k in &q.order {
            keys.push(match &k.expr {
                Some(e) => eval(e, &genv)?,
                None => V::Null,
            });
        }
        if !sink(out, keys)? {
            break;
        }
    }
    Ok(())
}

fn aggregate<'e>(
    a: &'e CAgg,
    env: &Env<'_, 'e>,
    input: &[Vec<V<'e>>],
    rows: &[usize],
) -> Res<V<'e>> {
    let cx = env.cx;
    let vals = aggregate_input(a, env, input, rows)?;
    let first = |v: &(Vec<V<'e>>, Vec<V<'e>>)| v.0.first().cloned().unwrap_or(V::Null);
    let non_null: Vec<V<'e>> = vals.iter().map(first).filter(|v| !v.is_null()).collect();
    Ok(match a.name.as_str() {
        "count" if a.star => V::Int(vals.len() as i64),
        "count" => V::Int(non_null.len() as i64),
        "sum" | "avg" => sum_avg(a, &non_null)?,
        "min" | "max" => {
            let mut best: Option<V<'e>> = None;
            for v in non_null {
                best = Some(match best {
                    None => v,
                    Some(b) => {
                        let o = cx.compare(&v, &b)?.unwrap_or(std::cmp::Ordering::Equal);
                        let better = if a.name == "min" {
                            o == std::cmp::Ordering::Less
                        } else {
                            o == std::cmp::Ordering::Greater
                        };
                        if better {
                            v
                        } else {
                            b
                        }
                    }
                });
            }
            best.unwrap_or(V::Null)
        }
        "bool_and" | "every" | "bool_or" => {
            if non_null.is_empty() {
                return Ok(V::Null);
            }
            let or = a.name == "bool_or";
            let mut acc = !or;
            for v in non_null {
                let t = truth(v)?.unwrap_or(!or);
                acc = if or { acc || t } else { acc && t };
            }
            V::Bool(acc)
        }
        "array_agg" => {
            if vals.is_empty() {
                return Ok(V::Null);
            }
            V::Array(vals.iter().map(first).collect())
        }
        "string_agg" => string_agg(cx, &vals)?,
        other => {
            return Err(Fail::unknown(format!(
                "aggregate {other}() is not evaluated"
            )))
        }
    })
}

/// The argument values and order keys of the rows that pass the FILTER, without duplicates
/// under DISTINCT, sorted by the aggregate's ORDER BY.
fn aggregate_input<'e>(
    a: &'e CAgg,
    env: &Env<'_, 'e>,
    input: &[Vec<V<'e>>],
    rows: &[usize],
) -> Res<Vec<(Vec<V<'e>>, Vec<V<'e>>)>> {
    let cx = env.cx;
    // (argument values, order keys) of the rows that pass the FILTER.
    let mut vals: Vec<(Vec<V<'e>>, Vec<V<'e>>)> = Vec::new();
    for &k in rows {
        let renv = Env {
            cx,
            row: &input[k],
            outer: env.outer,
            aggs: &[],
        };
        if let Some(f) = &a.filter {
            if truth(eval(f, &renv)?)? != Some(true) {
                continue;
            }
        }
        let mut args = Vec::with_capacity(a.args.len());
        for e in &a.args {
            args.push(eval(e, &renv)?);
        }
        let mut keys = Vec::new();
        for (e, _) in &a.order {
            keys.push(eval(e, &renv)?);
        }
        vals.push((args, keys));
    }
    if a.distinct {
        let mut seen = std::collections::HashSet::new();
        vals.retain(|(args, _)| {
            seen.insert(format!("{:?}", args.iter().map(hkey).collect::<Vec<_>>()))
        });
    }
    if !a.order.is_empty() {
        let mut err = None;
        vals.sort_by(|(_, ka), (_, kb)| {
            for (i, (_, desc)) in a.order.iter().enumerate() {
                let o = match cx.compare(&ka[i], &kb[i]) {
                    Ok(Some(o)) => o,
                    Ok(None) => ka[i].is_null().cmp(&kb[i].is_null()),
                    Err(e) => {
                        err.get_or_insert(e);
                        std::cmp::Ordering::Equal
                    }
                };
                let o = if *desc { o.reverse() } else { o };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        if let Some(e) = err {
            return Err(e);
        }
    }
    Ok(vals)
}

/// `sum()` (an integer while every value is one and it does not overflow) and `avg()` of the
/// non-NULL values.
fn sum_avg<'e>(a: &CAgg, non_null: &[V<'e>]) -> Res<V<'e>> {
    if non_null.is_empty() {
        return Ok(V::Null);
    }
    let mut int_sum: Option<i64> = Some(0);
    let mut f = 0.0;
    for v in non_null {
        match v {
            V::Int(i) => {
                int_sum = int_sum.and_then(|s| s.checked_add(*i));
                f += *i as f64;
            }
            V::Float(x) => {
                int_sum = None;
                f += x;
            }
            V::Opaque => return Err(Fail::unknown("a value the history does not give")),
            other => return Err(Fail::unknown(format!("sum() of {}", other.type_name()))),
        }
    }
    Ok(if a.name == "avg" {
        V::Float(f / non_null.len() as f64)
    } else {
        int_sum.map(V::Int).unwrap_or(V::Float(f))
    })
}

/// `string_agg(value, separator)` over the rows, in order; NULL values are left out.
fn string_agg<'e>(cx: &Ctx<'_>, vals: &[(Vec<V<'e>>, Vec<V<'e>>)]) -> Res<V<'e>> {
    let mut out: Option<String> = None;
    for (args, _) in vals {
        let (Some(v), sep) = (args.first(), args.get(1)) else {
            continue;
        };
        if v.is_null() {
            continue;
        }
        let text = super::funcs::text(cx, v)?;
        match &mut out {
            None => out = Some(text.into_owned()),
            Some(s) => {
                if let Some(sep) = sep.filter(|s| !s.is_null()) {
                    s.push_str(&super::funcs::text(cx, sep)?);
                }
                s.push_str(&text);
            }
        }
    }
    Ok(out.map(V::text).unwrap_or(V::Null))
}

/// `generate_series(start, stop [, step])` over integers or timestamps.
pub(crate) fn series<'e>(
    cx: &Ctx<'_>,
    args: Vec<V<'e>>,
    out: &mut dyn FnMut(&[V<'e>]) -> Res<bool>,
) -> Res<()> {
    const LIMIT: usize = 1_000_000;
    if args.iter().any(V::is_null) || args.len() < 2 {
        return Ok(());
    }
    match (&args[0], &args[1]) {
        (V::Int(a), V::Int(b)) => {
            let step = match args.get(2) {
                Some(s) => super::funcs::int(s)?,
                None => 1,
            };
            if step == 0 {
                return Err(Fail::pg(
                    "invalid_parameter_value",
                    "step size cannot equal zero",
                ));
            }
            let mut i = *a;
            let mut n = 0;
            while (step > 0 && i <= *b) || (step < 0 && i >= *b) {
                n += 1;
                if n > LIMIT {
                    return Err(Fail::unknown(
                        "generate_series() of more than a million rows",
                    ));
                }
                if !out(&[V::Int(i)])? {
                    break;
                }
                i += step;
            }
            Ok(())
        }
        (a, b) => {
            let micros = |v: &V<'_>| -> Res<(i64, bool)> {
                Ok(match v {
                    V::Date(d) => (*d as i64 * USECS_PER_DAY, true),
                    V::Ts(t) => (*t, false),
                    V::Tstz(t) => (*t, true),
                    V::Text(s) => (
                        datetime::parse_timestamp(s, cx.now)
                            .ok_or_else(|| Fail::unknown("generate_series() bounds"))?
                            .0,
                        true,
                    ),
                    other => {
                        return Err(Fail::unknown(format!(
                            "generate_series() of {}",
                            other.type_name()
                        )))
                    }
                })
            };
            let (start, tz) = micros(a)?;
            let (stop, _) = micros(b)?;
            let step = match args.get(2) {
                Some(V::Interval(i)) => *i,
                Some(V::Text(s)) => datetime::parse_interval(s)
                    .ok_or_else(|| Fail::unknown("generate_series() step"))?,
                _ => {
                    return Err(Fail::unknown(
                        "generate_series() over timestamps needs an interval step",
                    ))
                }
            };
            if step.key() == 0 {
                return Err(Fail::pg(
                    "invalid_parameter_value",
                    "step size cannot equal zero",
                ));
            }
            let up = step.key() > 0;
            let mut t = start;
            let mut n = 0;
            while (up && t <= stop) || (!up && t >= stop) {
                n += 1;
                if n > LIMIT {
                    return Err(Fail::unknown(
                        "generate_series() of more than a million rows",
                    ));
                }
                let v = if tz { V::Tstz(t) } else { V::Ts(t) };
                if !out(&[v])? {
                    break;
                }
                t = datetime::ts_add(t, step).map_err(Fail::offline)?;
            }
            Ok(())
        }
    }
}
