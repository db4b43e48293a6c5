//! Evaluating compiled expressions over a row, with PostgreSQL's three-valued logic, implicit
//! conversion of untyped literals, and date/interval arithmetic.

use std::cmp::Ordering;

use super::cast::Ty;
use super::datetime::{self, USECS_PER_DAY};
use super::errors::{Fail, Res};
use super::expr::{CExpr, Cmp, Op};
use super::value::{Reg, V};
use super::Ctx;

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
        CExpr::And(l, r) => {
            let a = truth(eval(l, env)?)?;
            if a == Some(false) {
                return Ok(V::Bool(false));
            }
            match (a, truth(eval(r, env)?)?) {
                (_, Some(false)) => V::Bool(false),
                (Some(true), Some(true)) => V::Bool(true),
                _ => V::Null,
            }
        }
        CExpr::Or(l, r) => {
            let a = truth(eval(l, env)?)?;
            if a == Some(true) {
                return Ok(V::Bool(true));
            }
            match (a, truth(eval(r, env)?)?) {
                (_, Some(true)) => V::Bool(true),
                (Some(false), Some(false)) => V::Bool(false),
                _ => V::Null,
            }
        }
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
        CExpr::Neg(x) => match eval(x, env)? {
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
        },
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
        CExpr::Distinct(l, r, not) => {
            let (a, b) = (eval(l, env)?, eval(r, env)?);
            let same = match (&a, &b) {
                (V::Null, V::Null) => true,
                (V::Null, _) | (_, V::Null) => false,
                _ => cx.compare(&a, &b)? == Some(Ordering::Equal),
            };
            V::Bool(same == *not)
        }
        CExpr::InList(x, items, neg) => {
            let v = eval(x, env)?;
            let mut vals = Vec::with_capacity(items.len());
            for i in items {
                vals.push(eval(i, env)?);
            }
            any_of(cx, &v, vals.iter(), Cmp::Eq, false, *neg)?
        }
        CExpr::InQuery(x, q, neg) => {
            let v = eval(x, env)?;
            let vals = super::run::column_values(q, env)?;
            any_of(cx, &v, vals.iter(), Cmp::Eq, false, *neg)?
        }
        CExpr::Quant(op, all, x, arr) => {
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
            any_of(cx, &v, flat.iter(), *op, *all, false)?
        }
        CExpr::QuantQuery(op, all, x, q) => {
            let v = eval(x, env)?;
            let vals = super::run::column_values(q, env)?;
            any_of(cx, &v, vals.iter(), *op, *all, false)?
        }
        CExpr::Exists(q, neg) => V::Bool(super::run::exists(q, env)? != *neg),
        CExpr::Scalar(q) => super::run::scalar(q, env)?,
        CExpr::ArrayQuery(q) => V::Array(super::run::column_values(q, env)?),
        CExpr::Like(x, p, ci, neg) => {
            let (a, b) = (eval(x, env)?, eval(p, env)?);
            let (Some(s), Some(p)) = (cx.cast_text(&a)?, cx.cast_text(&b)?) else {
                return Ok(V::Null);
            };
            let hit = if *ci {
                like(&s.to_lowercase(), &p.to_lowercase())
            } else {
                like(&s, &p)
            };
            V::Bool(hit != *neg)
        }
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
            match otherwise {
                Some(o) => eval(o, env)?,
                None => V::Null,
            }
        }
        CExpr::Cast(x, ty) => cx.cast(eval(x, env)?, ty)?,
        CExpr::Func(f, args) => {
            let mut vals = Vec::with_capacity(args.len());
            for a in args {
                vals.push(eval(a, env)?);
            }
            f(cx, vals)?
        }
        CExpr::Agg(i) => env.aggs.get(*i).cloned().unwrap_or(V::Null),
        CExpr::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                out.push(eval(i, env)?);
            }
            V::Array(out)
        }
        CExpr::Row(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (k, i) in items.iter().enumerate() {
                out.push((format!("f{}", k + 1).into(), eval(i, env)?));
            }
            V::Record(out)
        }
        CExpr::Index(base, lo, hi) => {
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
            match hi {
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
            }
        }
        CExpr::Unknown(m) => return Err(Fail::unknown(m.clone())),
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

/// A boolean's truth value (`None` for NULL).
pub(crate) fn truth(v: V<'_>) -> Res<Option<bool>> {
    match v {
        V::Bool(b) => Ok(Some(b)),
        V::Null => Ok(None),
        V::Text(s) => super::value::parse_bool(&s).map(Some).ok_or_else(|| {
            Fail::pg(
                "invalid_text_representation",
                format!("invalid input syntax for type boolean: \"{s}\""),
            )
        }),
        V::Opaque => Err(Fail::unknown("a value the history does not give")),
        other => Err(Fail::pg(
            "datatype_mismatch",
            format!(
                "argument must be type boolean, not type {}",
                other.type_name()
            ),
        )),
    }
}

pub(crate) fn cmp_holds(op: Cmp, o: Ordering) -> bool {
    match op {
        Cmp::Eq => o == Ordering::Equal,
        Cmp::Ne => o != Ordering::Equal,
        Cmp::Lt => o == Ordering::Less,
        Cmp::Le => o != Ordering::Greater,
        Cmp::Gt => o == Ordering::Greater,
        Cmp::Ge => o != Ordering::Less,
    }
}

/// `v op ANY (…)` / `v op ALL (…)` / `v [NOT] IN (…)` with SQL's NULL rules.
fn any_of<'x, 'e: 'x>(
    cx: &Ctx<'_>,
    v: &V<'e>,
    items: impl Iterator<Item = &'x V<'e>>,
    op: Cmp,
    all: bool,
    negate: bool,
) -> Res<V<'e>> {
    let mut saw_null = v.is_null();
    let mut result = all;
    for i in items {
        match cx.compare(v, i)? {
            None => saw_null = true,
            Some(o) => {
                let holds = cmp_holds(op, o);
                if all && !holds {
                    result = false;
                    saw_null = false;
                    break;
                }
                if !all && holds {
                    result = true;
                    saw_null = false;
                    break;
                }
            }
        }
    }
    if saw_null && result == all {
        return Ok(V::Null);
    }
    Ok(V::Bool(result != negate))
}

/// SQL `LIKE` with `%`, `_` and `\` escapes (iterative, linear backtracking on `%`).
pub(crate) fn like(s: &str, p: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = p.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if j < p.len() && p[j] == '\\' && j + 1 < p.len() {
            if s[i] == p[j + 1] {
                i += 1;
                j += 2;
                continue;
            }
        } else if j < p.len() && (p[j] == '_' || (p[j] != '%' && p[j] == s[i])) {
            i += 1;
            j += 1;
            continue;
        } else if j < p.len() && p[j] == '%' {
            star = Some((j, i));
            j += 1;
            continue;
        }
        match star {
            Some((sj, si)) => {
                j = sj + 1;
                i = si + 1;
                star = Some((sj, si + 1));
            }
            None => return false,
        }
    }
    while j < p.len() && p[j] == '%' {
        j += 1;
    }
    j == p.len()
}

impl Ctx<'_> {
    /// Whether two values are equal (`None` when either is NULL).
    pub(crate) fn equal(&self, a: &V<'_>, b: &V<'_>) -> Res<Option<bool>> {
        Ok(self.compare(a, b)?.map(|o| o == Ordering::Equal))
    }

    /// Compares two values as PostgreSQL's operators would, converting an untyped (text)
    /// side to the other's type.
    pub(crate) fn compare(&self, a: &V<'_>, b: &V<'_>) -> Res<Option<Ordering>> {
        use V::*;
        Ok(Some(match (a, b) {
            (Null, _) | (_, Null) => return Ok(None),
            (Opaque, _) | (_, Opaque) => {
                return Err(Fail::unknown("a value the history does not give"))
            }
            (Text(x), Text(y)) => x.as_ref().cmp(y.as_ref()),
            (Int(x), Int(y)) => x.cmp(y),
            (Int(x), Float(y)) => (*x as f64).total_cmp(y),
            (Float(x), Int(y)) => x.total_cmp(&(*y as f64)),
            (Float(x), Float(y)) => x.total_cmp(y),
            (Bool(x), Bool(y)) => x.cmp(y),
            (Oid(_, x), Oid(_, y)) => {
                if x == y {
                    Ordering::Equal
                } else {
                    x.number().cmp(&y.number()).then(Ordering::Less)
                }
            }
            (Oid(_, x), Int(n)) => x.number().cmp(n),
            (Int(n), Oid(_, y)) => n.cmp(&y.number()),
            (Oid(reg, _), Text(t)) => {
                let r = if *reg == Reg::Oid { Reg::Class } else { *reg };
                return self.compare(a, &self.reg_from_text(r, t)?);
            }
            (Text(_), Oid(..)) => return Ok(self.compare(b, a)?.map(Ordering::reverse)),
            (Date(x), Date(y)) => x.cmp(y),
            (Date(_) | Ts(_) | Tstz(_), Date(_) | Ts(_) | Tstz(_)) => micros(a).cmp(&micros(b)),
            (Interval(x), Interval(y)) => x.key().cmp(&y.key()),
            (Array(x), Array(y)) => {
                for (p, q) in x.iter().zip(y) {
                    match self.compare(p, q)? {
                        Some(Ordering::Equal) => {}
                        None => return Ok(None),
                        Some(o) => return Ok(Some(o)),
                    }
                }
                x.len().cmp(&y.len())
            }
            (Record(x), Record(y)) => {
                for ((_, p), (_, q)) in x.iter().zip(y) {
                    match self.compare(p, q)? {
                        Some(Ordering::Equal) => {}
                        None => return Ok(None),
                        Some(o) => return Ok(Some(o)),
                    }
                }
                x.len().cmp(&y.len())
            }
            (Text(_), _) => {
                let conv = self.cast(a.clone(), &ty_of(b))?;
                return self.compare(&conv, b);
            }
            (_, Text(_)) => {
                let conv = self.cast(b.clone(), &ty_of(a))?;
                return self.compare(a, &conv);
            }
            _ => {
                return Err(Fail::pg(
                    "undefined_function",
                    format!(
                        "operator does not exist: {} = {}",
                        a.type_name(),
                        b.type_name()
                    ),
                ))
            }
        }))
    }

    /// Arithmetic and `||`.
    pub(crate) fn binary<'v>(&self, op: Op, a: V<'v>, b: V<'v>) -> Res<V<'v>> {
        use V::*;
        if let Op::Concat = op {
            return self.concat(a, b);
        }
        if a.is_null() || b.is_null() {
            return Ok(Null);
        }
        if matches!(a, Opaque) || matches!(b, Opaque) {
            return Err(Fail::unknown("a value the history does not give"));
        }
        match op {
            Op::Regex(ci, neg) => {
                let (s, p) = (self.out_text(&a), self.out_text(&b));
                let re = super::funcs::regex_of(&p, ci)?;
                return Ok(Bool(re.is_match(&s) != neg));
            }
            Op::Contains | Op::ContainedBy | Op::Overlaps => return self.array_op(op, a, b),
            _ => {}
        }
        // An untyped side takes the other side's type (`now() - '1 day'`).
        let (a, b) = match (&a, &b) {
            (Text(_), Text(_)) => (self.cast(a, &Ty::Float)?, self.cast(b, &Ty::Float)?),
            (Text(_), Date(_) | Ts(_) | Tstz(_)) if op == Op::Sub => {
                let t = ty_of(&b);
                (self.cast(a, &t)?, b)
            }
            (Date(_) | Ts(_) | Tstz(_), Text(s)) => {
                let conv = match datetime::parse_interval(s) {
                    Some(i) => Interval(i),
                    None => self.cast(b.clone(), &ty_of(&a))?,
                };
                (a, conv)
            }
            (Text(_), _) => {
                let t = ty_of(&b);
                (self.cast(a, &t)?, b)
            }
            (_, Text(_)) => {
                let t = ty_of(&a);
                (a, self.cast(b, &t)?)
            }
            _ => (a, b),
        };
        Ok(match (op, a, b) {
            (Op::Add, Int(x), Int(y)) => Int(x.checked_add(y).ok_or_else(out_of_range)?),
            (Op::Sub, Int(x), Int(y)) => Int(x.checked_sub(y).ok_or_else(out_of_range)?),
            (Op::Mul, Int(x), Int(y)) => Int(x.checked_mul(y).ok_or_else(out_of_range)?),
            (Op::Div, Int(_), Int(0)) | (Op::Mod, Int(_), Int(0)) => {
                return Err(Fail::pg("division_by_zero", "division by zero"))
            }
            (Op::Div, Int(x), Int(y)) => Int(x / y),
            (Op::Mod, Int(x), Int(y)) => Int(x % y),
            (Op::Pow, x, y) => Float(num(&x)?.powf(num(&y)?)),
            (op, x @ (Int(_) | Float(_)), y @ (Int(_) | Float(_))) => {
                let (x, y) = (num(&x)?, num(&y)?);
                match op {
                    Op::Add => Float(x + y),
                    Op::Sub => Float(x - y),
                    Op::Mul => Float(x * y),
                    Op::Div | Op::Mod if y == 0.0 => {
                        return Err(Fail::pg("division_by_zero", "division by zero"))
                    }
                    Op::Div => Float(x / y),
                    Op::Mod => Float(x % y),
                    _ => return Err(Fail::unknown("operator is not evaluated")),
                }
            }
            (Op::Add, Date(d), Int(n)) | (Op::Add, Int(n), Date(d)) => Date(d + n as i32),
            (Op::Sub, Date(d), Int(n)) => Date(d - n as i32),
            (Op::Sub, Date(x), Date(y)) => Int((x - y) as i64),
            (Op::Add, Date(d), Interval(i)) | (Op::Add, Interval(i), Date(d)) => {
                Ts(datetime::ts_add(d as i64 * USECS_PER_DAY, i).map_err(range)?)
            }
            (Op::Sub, Date(d), Interval(i)) => {
                Ts(datetime::ts_add(d as i64 * USECS_PER_DAY, i.neg()).map_err(range)?)
            }
            (Op::Add, Ts(t), Interval(i)) | (Op::Add, Interval(i), Ts(t)) => {
                Ts(datetime::ts_add(t, i).map_err(range)?)
            }
            (Op::Add, Tstz(t), Interval(i)) | (Op::Add, Interval(i), Tstz(t)) => {
                Tstz(datetime::ts_add(t, i).map_err(range)?)
            }
            (Op::Sub, Ts(t), Interval(i)) => Ts(datetime::ts_add(t, i.neg()).map_err(range)?),
            (Op::Sub, Tstz(t), Interval(i)) => Tstz(datetime::ts_add(t, i.neg()).map_err(range)?),
            (Op::Sub, x @ (Ts(_) | Tstz(_) | Date(_)), y @ (Ts(_) | Tstz(_) | Date(_))) => {
                Interval(datetime::ts_diff(micros(&x), micros(&y)))
            }
            (Op::Add, Interval(x), Interval(y)) => Interval(x.add(y)),
            (Op::Sub, Interval(x), Interval(y)) => Interval(x.add(y.neg())),
            (Op::Mul, Interval(i), n @ (Int(_) | Float(_)))
            | (Op::Mul, n @ (Int(_) | Float(_)), Interval(i)) => Interval(i.mul(num(&n)?)),
            (Op::Div, Interval(i), n @ (Int(_) | Float(_))) => {
                let d = num(&n)?;
                if d == 0.0 {
                    return Err(Fail::pg("division_by_zero", "division by zero"));
                }
                Interval(i.mul(1.0 / d))
            }
            (op, x, y) => {
                return Err(Fail::pg(
                    "undefined_function",
                    format!(
                        "operator does not exist: {} {op:?} {}",
                        x.type_name(),
                        y.type_name()
                    ),
                ))
            }
        })
    }

    fn concat<'v>(&self, a: V<'v>, b: V<'v>) -> Res<V<'v>> {
        Ok(match (a, b) {
            (V::Array(mut x), V::Array(y)) => {
                x.extend(y);
                V::Array(x)
            }
            (V::Array(mut x), y) => {
                x.push(y);
                V::Array(x)
            }
            (x, V::Array(mut y)) => {
                y.insert(0, x);
                V::Array(y)
            }
            (V::Null, _) | (_, V::Null) => V::Null,
            (x, y) => {
                let (Some(p), Some(q)) = (self.cast_text(&x)?, self.cast_text(&y)?) else {
                    return Ok(V::Null);
                };
                let mut s = String::with_capacity(p.len() + q.len());
                s.push_str(&p);
                s.push_str(&q);
                V::text(s)
            }
        })
    }

    fn array_op<'v>(&self, op: Op, a: V<'v>, b: V<'v>) -> Res<V<'v>> {
        let (V::Array(x), V::Array(y)) = (a, b) else {
            return Err(Fail::unknown("@>/<@/&& on non-arrays are not evaluated"));
        };
        let has = |set: &[V<'_>], v: &V<'_>| -> Res<bool> {
            for s in set {
                if self.compare(s, v)? == Some(Ordering::Equal) {
                    return Ok(true);
                }
            }
            Ok(false)
        };
        Ok(V::Bool(match op {
            Op::Contains => {
                let mut all = true;
                for v in &y {
                    all &= has(&x, v)?;
                }
                all
            }
            Op::ContainedBy => {
                let mut all = true;
                for v in &x {
                    all &= has(&y, v)?;
                }
                all
            }
            _ => {
                let mut any = false;
                for v in &x {
                    any |= has(&y, v)?;
                }
                any
            }
        }))
    }
}

fn range(m: String) -> Fail {
    Fail::pg("datetime_field_overflow", m)
}

fn num(v: &V<'_>) -> Res<f64> {
    match v {
        V::Int(i) => Ok(*i as f64),
        V::Float(f) => Ok(*f),
        other => Err(Fail::unknown(format!(
            "a number was expected, not {}",
            other.type_name()
        ))),
    }
}

fn micros(v: &V<'_>) -> i64 {
    match v {
        V::Date(d) => *d as i64 * USECS_PER_DAY,
        V::Ts(t) | V::Tstz(t) => *t,
        _ => 0,
    }
}

/// The type of a value, for converting an untyped literal to it.
pub(crate) fn ty_of(v: &V<'_>) -> Ty {
    match v {
        V::Int(_) => Ty::Int,
        V::Float(_) => Ty::Float,
        V::Bool(_) => Ty::Bool,
        V::Date(_) => Ty::Date,
        V::Ts(_) => Ty::Ts,
        V::Tstz(_) => Ty::Tstz,
        V::Interval(_) => Ty::Interval,
        V::Oid(r, _) => Ty::Reg(*r),
        V::Array(items) => Ty::Array(Box::new(
            items.iter().find(|i| !i.is_null()).map_or(Ty::Text, ty_of),
        )),
        _ => Ty::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("users_pkey", "users%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("a%b", "a\\%b"));
        assert!(like("xaaab", "%a%b"));
        assert!(!like("xaaac", "%a%b"));
    }
}
