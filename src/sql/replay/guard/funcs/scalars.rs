//! Conditional (`coalesce`, `nullif`), date and time (`now`, `date_trunc`, `to_char`, `make_date`…)
//! and numeric (`abs`, `round`, `mod`…) built-ins.

use crate::sql::replay::guard::datetime::{self, USECS_PER_DAY};
use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::value::V;

use super::{int, strict, text, Arity, Builtin, ANY};

/// Conditional, date/time and numeric built-ins by name.
pub(super) fn lookup(name: &str) -> Option<(Arity, Builtin)> {
    let f: (Arity, Builtin) = match name {
        "coalesce" => ((1, ANY), |_, a| {
            Ok(a.into_iter().find(|v| !v.is_null()).unwrap_or(V::Null))
        }),
        "nullif" => ((2, 2), |cx, mut a| {
            if a.len() != 2 {
                return Err(Fail::unknown("nullif() needs two arguments"));
            }
            let b = a.pop().unwrap_or(V::Null);
            let x = a.pop().unwrap_or(V::Null);
            Ok(if cx.equal(&x, &b)? == Some(true) {
                V::Null
            } else {
                x
            })
        }),
        "greatest" | "least" => ((1, ANY), |_, _| {
            Err(Fail::unknown("greatest()/least() are not evaluated"))
        }),
        "now" | "transaction_timestamp" | "statement_timestamp" | "clock_timestamp" => {
            ((0, 0), |cx, _| Ok(V::Tstz(cx.now)))
        }
        "current_timestamp" => ((0, 1), |cx, _| Ok(V::Tstz(cx.now))),
        "localtimestamp" => ((0, 1), |cx, _| Ok(V::Ts(cx.now))),
        "current_date" => ((0, 0), |cx, _| {
            Ok(V::Date(cx.now.div_euclid(USECS_PER_DAY) as i32))
        }),
        "date_trunc" => ((2, 3), |cx, a| {
            strict(a, |mut a| {
                let field = text(cx, &a[0])?.into_owned();
                let (t, kind) = match a.remove(1) {
                    V::Ts(t) => (t, 0),
                    V::Tstz(t) => (t, 1),
                    V::Date(d) => (d as i64 * USECS_PER_DAY, 1),
                    V::Text(s) => (
                        datetime::parse_timestamp(&s, cx.now)
                            .ok_or_else(|| {
                                Fail::pg(
                                    "invalid_datetime_format",
                                    format!("invalid input syntax for type timestamp: \"{s}\""),
                                )
                            })?
                            .0,
                        1,
                    ),
                    other => {
                        return Err(Fail::unknown(format!(
                            "date_trunc() of {}",
                            other.type_name()
                        )))
                    }
                };
                let r = datetime::trunc(&field, t)?;
                Ok(if kind == 0 { V::Ts(r) } else { V::Tstz(r) })
            })
        }),
        "date_part" => ((2, 2), |cx, a| {
            strict(a, |a| {
                let field = text(cx, &a[0])?.into_owned();
                let t = match &a[1] {
                    V::Ts(t) | V::Tstz(t) => *t,
                    V::Date(d) => *d as i64 * USECS_PER_DAY,
                    other => {
                        return Err(Fail::unknown(format!(
                            "date_part() of {}",
                            other.type_name()
                        )))
                    }
                };
                datetime::extract(&field, t).map(V::Float)
            })
        }),
        "to_char" => ((2, 2), |cx, a| {
            strict(a, |a| {
                let fmt = text(cx, &a[1])?;
                let t = match &a[0] {
                    V::Ts(t) | V::Tstz(t) => *t,
                    V::Date(d) => *d as i64 * USECS_PER_DAY,
                    other => {
                        return Err(Fail::unknown(format!("to_char() of {}", other.type_name())))
                    }
                };
                datetime::to_char(t, &fmt).map(V::text)
            })
        }),
        "make_date" => ((3, 3), |_, a| {
            strict(a, |a| {
                let (y, m, d) = (int(&a[0])?, int(&a[1])?, int(&a[2])?);
                if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
                    return Err(Fail::pg(
                        "datetime_field_overflow",
                        "date field value out of range",
                    ));
                }
                Ok(V::Date(
                    datetime::days_from_civil(y, m as u32, d as u32) as i32
                ))
            })
        }),
        "abs" => ((1, 1), |_, a| {
            strict(a, |a| match &a[0] {
                V::Int(i) => Ok(V::Int(i.abs())),
                V::Float(f) => Ok(V::Float(f.abs())),
                other => Err(Fail::unknown(format!("abs() of {}", other.type_name()))),
            })
        }),
        "ceil" | "ceiling" => ((1, 1), |_, a| num1(a, f64::ceil)),
        "floor" => ((1, 1), |_, a| num1(a, f64::floor)),
        "round" => ((1, 2), |_, a| num1(a, f64::round)),
        "trunc" => ((1, 2), |_, a| num1(a, f64::trunc)),
        "mod" => ((2, 2), |_, a| {
            strict(a, |a| {
                let (x, y) = (int(&a[0])?, int(&a[1])?);
                if y == 0 {
                    return Err(Fail::pg("division_by_zero", "division by zero"));
                }
                Ok(V::Int(x % y))
            })
        }),
        _ => return None,
    };
    Some(f)
}

fn num1<'e>(a: Vec<V<'e>>, f: fn(f64) -> f64) -> Res<V<'e>> {
    if a.len() > 1 {
        return Err(Fail::unknown(
            "rounding to a number of decimal places is not evaluated",
        ));
    }
    strict(a, |a| match &a[0] {
        V::Int(i) => Ok(V::Int(*i)),
        V::Float(x) => Ok(V::Float(f(*x))),
        other => Err(Fail::unknown(format!(
            "a number was expected, not {}",
            other.type_name()
        ))),
    })
}
