//! Comparing values (with implicit conversion of untyped literals) and the binary operators:
//! arithmetic, date/interval arithmetic, concatenation, array operators.

use std::cmp::Ordering;

use crate::sql::replay::guard::cast::Ty;
use crate::sql::replay::guard::datetime::{self, USECS_PER_DAY};
use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::expr::Op;
use crate::sql::replay::guard::value::{Reg, V};
use crate::sql::replay::guard::Ctx;

use super::out_of_range;

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
                let re = crate::sql::replay::guard::funcs::regex_of(&p, ci)?;
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
                Ts(datetime::ts_add(d as i64 * USECS_PER_DAY, i)?)
            }
            (Op::Sub, Date(d), Interval(i)) => {
                Ts(datetime::ts_add(d as i64 * USECS_PER_DAY, i.neg())?)
            }
            (Op::Add, Ts(t), Interval(i)) | (Op::Add, Interval(i), Ts(t)) => {
                Ts(datetime::ts_add(t, i)?)
            }
            (Op::Add, Tstz(t), Interval(i)) | (Op::Add, Interval(i), Tstz(t)) => {
                Tstz(datetime::ts_add(t, i)?)
            }
            (Op::Sub, Ts(t), Interval(i)) => Ts(datetime::ts_add(t, i.neg())?),
            (Op::Sub, Tstz(t), Interval(i)) => Tstz(datetime::ts_add(t, i.neg())?),
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
