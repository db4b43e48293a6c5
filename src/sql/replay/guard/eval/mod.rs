//! Evaluating compiled expressions over a row, with PostgreSQL's three-valued logic, implicit
//! conversion of untyped literals, and date/interval arithmetic.

mod logic;
mod ops;

use std::cmp::Ordering;

use super::errors::{Fail, Res};
use super::expr::{CExpr, Cmp};
use super::value::V;
use super::Ctx;

use logic::any_of;
pub(crate) use logic::{cmp_holds, like, truth};

/// What an expression reads: the current row, enclosing queries' rows (innermost last) and the
/// current group's aggregate values.
#[derive(Clone, Copy)]
pub(crate) struct Env<'r, 'e> {
    pub cx: &'r Ctx<'e>,
    pub row: &'r [V<'e>],
    pub outer: &'r [&'r [V<'e>]],
    pub aggs: &'r [V<'e>],
}

impl<'r, 'e> Env<'r, 'e> {
    pub(crate) fn new(cx: &'r Ctx<'e>) -> Self {
        Env {
            cx,
            row: &[],
            outer: &[],
            aggs: &[],
        }
    }
}

/// Evaluates an expression.
pub(crate) fn eval<'e>(e: &'e CExpr, env: &Env<'_, 'e>) -> Res<V<'e>> {
    let cx = env.cx;
    Ok(match e {
        CExpr::Const(v) => v.borrowed(),
        CExpr::Col(i) => env.row.get(*i).cloned().unwrap_or(V::Null),
        CExpr::Outer(up, i) => env
            .outer
            .len()
            .checked_sub(*up)
            .and_then(|k| env.outer.get(k))
            .and_then(|r| r.get(*i))
            .cloned()
            .unwrap_or(V::Null),
        CExpr::Var(name) => var(cx, name)?,
        CExpr::Param(i) => cx.params.get(*i).map(|v| v.borrowed()).ok_or_else(|| {
            Fail::pg(
                "undefined_parameter",
                format!("there is no parameter ${}", i + 1),
            )
        })?,
        CExpr::Field(base, name) => {
            let v = eval(base, env)?;
            field(v, name)?
        }
        CExpr::Not(x) => match eval(x, env)? {
            V::Bool(b) => V::Bool(!b),
            V::Null => V::Null,
            other => return Err(not_bool(&other)),
        },
        CExpr::And(l, r) => and(l, r, env)?,
        CExpr::Or(l, r) => or(l, r, env)?,
        CExpr::Cmp(op, l, r) => {
            let (a, b) = (eval(l, env)?, eval(r, env)?);
            match cx.compare(&a, &b)? {
                None => V::Null,
                Some(o) => V::Bool(cmp_holds(*op, o)),
            }
        }
        CExpr::Bin(op, l, r) => {
            let (a, b) = (eval(l, env)?, eval(r, env)?);
            cx.binary(*op, a, b)?
        }
        CExpr::Neg(x) => neg(eval(x, env)?)?,
        CExpr::IsNull(x, neg) => {
            let v = eval(x, env)?;
            let null = match &v {
                V::Null => true,
                // A row is NULL when all its fields are.
                V::Record(f) => f.iter().all(|(_, v)| v.is_null()),
                _ => false,
            };
            V::Bool(null != *neg)
        }
        CExpr::IsBool(x, want, neg) => {
            let t = truth(eval(x, env)?)?;
            V::Bool((t == *want) != *neg)
        }
        CExpr::Distinct(l, r, not) => distinct(l, r, *not, env)?,
        CExpr::InList(x, items, neg) => {
            let v = eval(x, env)?;
            let vals = eval_all(items, env)?;
            any_of(cx, &v, vals.iter(), Cmp::Eq, false, *neg)?
        }
        CExpr::InQuery(x, q, neg) => {
            let v = eval(x, env)?;
            let vals = super::run::column_values(q, env)?;
            any_of(cx, &v, vals.iter(), Cmp::Eq, false, *neg)?
        }
        CExpr::Quant(op, all, x, arr) => quant(*op, *all, x, arr, env)?,
        CExpr::QuantQuery(op, all, x, q) => {
            let v = eval(x, env)?;
            let vals = super::run::column_values(q, env)?;
            any_of(cx, &v, vals.iter(), *op, *all, false)?
        }
        CExpr::Exists(q, neg) => V::Bool(super::run::exists(q, env)? != *neg),
        CExpr::Scalar(q) => super::run::scalar(q, env)?,
        CExpr::ArrayQuery(q) => V::Array(super::run::column_values(q, env)?),
        CExpr::Like(x, p, ci, neg) => like_expr(x, p, *ci, *neg, env)?,
        CExpr::Between(x, lo, hi, neg) => {
            let (v, l, h) = (eval(x, env)?, eval(lo, env)?, eval(hi, env)?);
            match (cx.compare(&v, &l)?, cx.compare(&v, &h)?) {
                (Some(a), Some(b)) => {
                    V::Bool((a != Ordering::Less && b != Ordering::Greater) != *neg)
                }
                _ => V::Null,
            }
        }
        CExpr::Case(operand, whens, otherwise) => {
            case(operand.as_deref(), whens, otherwise.as_deref(), env)?
        }
        CExpr::Cast(x, ty) => cx.cast(eval(x, env)?, ty)?,
        CExpr::Func(f, args) => f(cx, eval_all(args, env)?)?,
        CExpr::Agg(i) => env.aggs.get(*i).cloned().unwrap_or(V::Null),
        CExpr::Array(items) => V::Array(eval_all(items, env)?),
        CExpr::Row(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (k, i) in items.iter().enumerate() {
                out.push((format!("f{}", k + 1).into(), eval(i, env)?));
            }
            V::Record(out)
        }
        CExpr::Index(base, lo, hi) => subscript(base, lo, hi.as_deref(), env)?,
        CExpr::Unknown(m) => return Err(Fail::unknown(m.clone())),
    })
}

/// The values of expressions, in order.
fn eval_all<'e>(items: &'e [CExpr], env: &Env<'_, 'e>) -> Res<Vec<V<'e>>> {
    let mut vals = Vec::with_capacity(items.len());
    for i in items {
        vals.push(eval(i, env)?);
    }
    Ok(vals)
}

/// `l AND r`: false wins over NULL; `r` is not evaluated after a false `l`.
fn and<'e>(l: &'e CExpr, r: &'e CExpr, env: &Env<'_, 'e>) -> Res<V<'e>> {
    let a = truth(eval(l, env)?)?;
    if a == Some(false) {
        return Ok(V::Bool(false));
    }
    Ok(match (a, truth(eval(r, env)?)?) {
        (_, Some(false)) => V::Bool(false),
        (Some(true), Some(true)) => V::Bool(true),
        _ => V::Null,
    })
}

/// `l OR r`: true wins over NULL; `r` is not evaluated after a true `l`.
fn or<'e>(l: &'e CExpr, r: &'e CExpr, env: &Env<'_, 'e>) -> Res<V<'e>> {
    let a = truth(eval(l, env)?)?;
    if a == Some(true) {
        return Ok(V::Bool(true));
    }
    Ok(match (a, truth(eval(r, env)?)?) {
        (_, Some(true)) => V::Bool(true),
        (Some(false), Some(false)) => V::Bool(false),
        _ => V::Null,
    })
}

/// Unary minus.
fn neg(v: V<'_>) -> Res<V<'_>> {
    Ok(match v {
        V::Int(i) => V::Int(i.checked_neg().ok_or_else(out_of_range)?),
        V::Float(f) => V::Float(-f),
        V::Interval(i) => V::Interval(i.neg()),
        V::Null => V::Null,
        V::Text(s) => match super::value::parse_number(&s) {
            Some(V::Int(i)) => V::Int(-i),
            Some(V::Float(f)) => V::Float(-f),
            _ => {
                return Err(Fail::pg(
                    "invalid_text_representation",
                    format!("invalid input syntax for type numeric: \"{s}\""),
                ))
            }
        },
        other => return Err(Fail::unknown(format!("- of {}", other.type_name()))),
    })
}

/// `l IS [NOT] DISTINCT FROM r` (`not`: `IS NOT DISTINCT FROM`).
fn distinct<'e>(l: &'e CExpr, r: &'e CExpr, not: bool, env: &Env<'_, 'e>) -> Res<V<'e>> {
    let (a, b) = (eval(l, env)?, eval(r, env)?);
    let same = match (&a, &b) {
        (V::Null, V::Null) => true,
        (V::Null, _) | (_, V::Null) => false,
        _ => env.cx.compare(&a, &b)? == Some(Ordering::Equal),
    };
    Ok(V::Bool(same == not))
}

/// `x op ANY|ALL (array)`.
fn quant<'e>(op: Cmp, all: bool, x: &'e CExpr, arr: &'e CExpr, env: &Env<'_, 'e>) -> Res<V<'e>> {
    let v = eval(x, env)?;
    let a = eval(arr, env)?;
    let items = match a {
        V::Null => return Ok(V::Null),
        V::Array(items) => items,
        V::Text(s) => match super::value::parse_array_text(&s)? {
            V::Array(items) => items,
            _ => Vec::new(),
        },
        other => {
            return Err(Fail::pg(
                "wrong_object_type",
                format!(
                    "op ANY/ALL (array) requires array on right side, not {}",
                    other.type_name()
                ),
            ))
        }
    };
    let mut flat = Vec::new();
    flatten(items, &mut flat);
    any_of(env.cx, &v, flat.iter(), op, all, false)
}

/// `x [NOT] LIKE|ILIKE p` (`ci`: `ILIKE`).
fn like_expr<'e>(x: &'e CExpr, p: &'e CExpr, ci: bool, neg: bool, env: &Env<'_, 'e>) -> Res<V<'e>> {
    let cx = env.cx;
    let (a, b) = (eval(x, env)?, eval(p, env)?);
    let (Some(s), Some(p)) = (cx.cast_text(&a)?, cx.cast_text(&b)?) else {
        return Ok(V::Null);
    };
    let hit = if ci {
        like(&s.to_lowercase(), &p.to_lowercase())
    } else {
        like(&s, &p)
    };
    Ok(V::Bool(hit != neg))
}

/// `CASE [operand] WHEN … THEN … [ELSE …] END`.
fn case<'e>(
    operand: Option<&'e CExpr>,
    whens: &'e [(CExpr, CExpr)],
    otherwise: Option<&'e CExpr>,
    env: &Env<'_, 'e>,
) -> Res<V<'e>> {
    let cx = env.cx;
    let op = match operand {
        Some(o) => Some(eval(o, env)?),
        None => None,
    };
    for (w, then) in whens {
        let c = eval(w, env)?;
        let hit = match &op {
            Some(o) => cx.compare(o, &c)? == Some(Ordering::Equal),
            None => truth(c)? == Some(true),
        };
        if hit {
            return eval(then, env);
        }
    }
    Ok(match otherwise {
        Some(o) => eval(o, env)?,
        None => V::Null,
    })
}

/// `base[lo]` and `base[lo:hi]`.
fn subscript<'e>(
    base: &'e CExpr,
    lo: &'e CExpr,
    hi: Option<&'e CExpr>,
    env: &Env<'_, 'e>,
) -> Res<V<'e>> {
    let v = eval(base, env)?;
    let l = eval(lo, env)?;
    let items = match v {
        V::Array(items) => items,
        V::Null => return Ok(V::Null),
        other => {
            return Err(Fail::pg(
                "datatype_mismatch",
                format!("cannot subscript type {}", other.type_name()),
            ))
        }
    };
    if l.is_null() {
        return Ok(V::Null);
    }
    let from = super::funcs::int(&l)?;
    Ok(match hi {
        None => {
            if from < 1 {
                V::Null
            } else {
                items.into_iter().nth(from as usize - 1).unwrap_or(V::Null)
            }
        }
        Some(h) => {
            let to = super::funcs::int(&eval(h, env)?)?;
            let (a, z) = (from.max(1) as usize, to.min(items.len() as i64));
            V::Array(if z >= a as i64 {
                items
                    .into_iter()
                    .skip(a - 1)
                    .take(z as usize - a + 1)
                    .collect()
            } else {
                Vec::new()
            })
        }
    })
}

fn var<'e>(cx: &Ctx<'e>, name: &str) -> Res<V<'e>> {
    match cx.vars.get(name) {
        Some(Ok(v)) => Ok(v.borrowed()),
        Some(Err(why)) => Err(Fail::unknown(why.to_string())),
        None => Err(Fail::pg(
            "undefined_column",
            format!("column \"{name}\" does not exist"),
        )),
    }
}

fn field<'e>(v: V<'e>, name: &str) -> Res<V<'e>> {
    match v {
        V::Record(fields) => fields
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
            .ok_or_else(|| {
                Fail::pg(
                    "undefined_column",
                    format!("record has no field \"{name}\""),
                )
            }),
        V::Null => Err(Fail::pg(
            "object_not_in_prerequisite_state",
            format!("record is not assigned yet (reading field \"{name}\")"),
        )),
        V::Opaque => Err(Fail::unknown("a value the history does not give")),
        other => Err(Fail::pg(
            "undefined_column",
            format!(
                "cannot read field \"{name}\" of a value of type {}",
                other.type_name()
            ),
        )),
    }
}

fn flatten<'e>(items: Vec<V<'e>>, out: &mut Vec<V<'e>>) {
    for i in items {
        match i {
            V::Array(inner) => flatten(inner, out),
            v => out.push(v),
        }
    }
}

fn out_of_range() -> Fail {
    Fail::pg("numeric_value_out_of_range", "integer out of range")
}

fn not_bool(v: &V<'_>) -> Fail {
    Fail::pg(
        "datatype_mismatch",
        format!(
            "argument of NOT must be type boolean, not type {}",
            v.type_name()
        ),
    )
}
