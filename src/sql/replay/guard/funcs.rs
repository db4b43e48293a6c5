//! Built-in functions: string building (`format`, `quote_ident`, `concat`…), arrays
//! (`array_length`, `array_to_string`…), dates (`now`, `date_trunc`, `to_char`…), object-id
//! lookups (`to_regclass`, `to_regprocedure`…) and catalog printers (`pg_get_constraintdef`,
//! `pg_get_functiondef`…), with PostgreSQL's NULL handling.

use std::borrow::Cow;

use super::datetime::{self, USECS_PER_DAY};
use super::errors::{Fail, Res};
use super::value::{Obj, Reg, V};
use super::Ctx;

/// A built-in: evaluated arguments in, value out.
pub(crate) type Builtin = for<'c, 'e> fn(&Ctx<'c>, Vec<V<'e>>) -> Res<V<'e>>;

/// Whether `name` is an aggregate (evaluated over groups by the query runner).
pub(crate) fn is_aggregate(name: &str) -> bool {
    matches!(
        name,
        "count"
            | "sum"
            | "min"
            | "max"
            | "avg"
            | "string_agg"
            | "array_agg"
            | "bool_and"
            | "bool_or"
            | "every"
    )
}

/// Finds a built-in by (lower-case) name.
pub(crate) fn lookup(name: &str) -> Option<Builtin> {
    let f: Builtin = match name {
        "to_regclass" => |cx, a| to_reg(cx, a, Reg::Class),
        "to_regtype" => |cx, a| to_reg(cx, a, Reg::Type),
        "to_regproc" => |cx, a| to_reg(cx, a, Reg::Proc),
        "to_regprocedure" => |cx, a| to_reg(cx, a, Reg::Procedure),
        "to_regnamespace" => |cx, a| to_reg(cx, a, Reg::Namespace),
        "to_regrole" => |cx, a| to_reg(cx, a, Reg::Role),
        "format" => format,
        "quote_ident" => |cx, a| text1(cx, a, crate::sql::quote_ident),
        "quote_literal" => |cx, a| text1(cx, a, crate::sql::quote_literal),
        "quote_nullable" => |cx, a| match a.first() {
            Some(V::Null) | None => Ok(V::text("NULL")),
            _ => text1(cx, a, crate::sql::quote_literal),
        },
        "concat" => |cx, a| concat(cx, a, None),
        "concat_ws" => |cx, mut a| {
            if a.is_empty() || a[0].is_null() {
                return Ok(V::Null);
            }
            let sep = cx.out_text(&a.remove(0));
            concat(cx, a, Some(&sep))
        },
        "lower" => |cx, a| text1(cx, a, |s| s.to_lowercase()),
        "upper" => |cx, a| text1(cx, a, |s| s.to_uppercase()),
        "initcap" => |cx, a| text1(cx, a, initcap),
        "reverse" => |cx, a| text1(cx, a, |s| s.chars().rev().collect()),
        "md5" => |_, _| Ok(V::Opaque),
        "length" | "char_length" | "character_length" => {
            |cx, a| strict(a, |a| Ok(V::Int(text(cx, &a[0])?.chars().count() as i64)))
        }
        "octet_length" => |cx, a| strict(a, |a| Ok(V::Int(text(cx, &a[0])?.len() as i64))),
        "substr" | "substring" => substr,
        "strpos" => |cx, a| {
            strict(a, |a| {
                let (h, n) = (text(cx, &a[0])?, text(cx, &a[1])?);
                Ok(V::Int(
                    h.find(n.as_ref())
                        .map_or(0, |i| h[..i].chars().count() as i64 + 1),
                ))
            })
        },
        "replace" => |cx, a| {
            strict(a, |a| {
                let (s, f, t) = (text(cx, &a[0])?, text(cx, &a[1])?, text(cx, &a[2])?);
                Ok(V::text(if f.is_empty() {
                    s.into_owned()
                } else {
                    s.replace(f.as_ref(), &t)
                }))
            })
        },
        "left" | "right" => |_, _| Err(Fail::unknown("left()/right() are not evaluated")),
        "btrim" | "trim" => |cx, a| trim(cx, a, true, true),
        "ltrim" => |cx, a| trim(cx, a, true, false),
        "rtrim" => |cx, a| trim(cx, a, false, true),
        "lpad" | "rpad" => |_, _| Err(Fail::unknown("lpad()/rpad() are not evaluated")),
        "split_part" => |cx, a| {
            strict(a, |a| {
                let (s, d) = (text(cx, &a[0])?, text(cx, &a[1])?);
                let n = int(&a[2])?;
                let parts: Vec<&str> = if d.is_empty() {
                    vec![s.as_ref()]
                } else {
                    s.split(d.as_ref()).collect()
                };
                let i = if n > 0 { n - 1 } else { parts.len() as i64 + n };
                Ok(V::text(parts.get(i as usize).map_or("", |p| p).to_string()))
            })
        },
        "repeat" => |cx, a| {
            strict(a, |a| {
                Ok(V::text(
                    text(cx, &a[0])?.repeat(int(&a[1])?.clamp(0, 100_000) as usize),
                ))
            })
        },
        "starts_with" => |cx, a| {
            strict(a, |a| {
                Ok(V::Bool(
                    text(cx, &a[0])?.starts_with(text(cx, &a[1])?.as_ref()),
                ))
            })
        },
        "regexp_replace" => regexp_replace,
        "coalesce" => |_, a| Ok(a.into_iter().find(|v| !v.is_null()).unwrap_or(V::Null)),
        "nullif" => |cx, mut a| {
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
        },
        "greatest" | "least" => |_, _| Err(Fail::unknown("greatest()/least() are not evaluated")),
        "array_length" => |_, a| {
            strict(a, |a| {
                let dim = int(&a[1])?;
                Ok(match (&a[0], dim) {
                    (V::Array(items), 1) if !items.is_empty() => V::Int(items.len() as i64),
                    (V::Array(items), 2) => match items.first() {
                        Some(V::Array(inner)) if !inner.is_empty() => V::Int(inner.len() as i64),
                        _ => V::Null,
                    },
                    _ => V::Null,
                })
            })
        },
        "array_upper" => |_, a| {
            strict(a, |a| {
                Ok(match &a[0] {
                    V::Array(items) if !items.is_empty() && int(&a[1])? == 1 => {
                        V::Int(items.len() as i64)
                    }
                    _ => V::Null,
                })
            })
        },
        "array_lower" => |_, a| {
            strict(a, |a| {
                Ok(match &a[0] {
                    V::Array(items) if !items.is_empty() && int(&a[1])? == 1 => V::Int(1),
                    _ => V::Null,
                })
            })
        },
        "cardinality" => |_, a| {
            strict(a, |a| {
                Ok(match &a[0] {
                    V::Array(items) => V::Int(flat_len(items) as i64),
                    _ => V::Null,
                })
            })
        },
        "array_append" => |_, mut a| {
            let x = a.pop().unwrap_or(V::Null);
            Ok(match a.pop() {
                Some(V::Array(mut items)) => {
                    items.push(x);
                    V::Array(items)
                }
                _ => V::Array(vec![x]),
            })
        },
        "array_prepend" => |_, mut a| {
            let arr = a.pop().unwrap_or(V::Null);
            let x = a.pop().unwrap_or(V::Null);
            Ok(match arr {
                V::Array(mut items) => {
                    items.insert(0, x);
                    V::Array(items)
                }
                _ => V::Array(vec![x]),
            })
        },
        "array_cat" => |_, a| {
            let mut out = Vec::new();
            for v in a {
                if let V::Array(items) = v {
                    out.extend(items);
                }
            }
            Ok(V::Array(out))
        },
        "array_remove" => |cx, mut a| {
            let x = a.pop().unwrap_or(V::Null);
            match a.pop() {
                Some(V::Array(items)) => {
                    let mut out = Vec::new();
                    for i in items {
                        let same = if x.is_null() {
                            i.is_null()
                        } else {
                            cx.equal(&i, &x)? == Some(true)
                        };
                        if !same {
                            out.push(i);
                        }
                    }
                    Ok(V::Array(out))
                }
                _ => Ok(V::Null),
            }
        },
        "array_position" => |cx, a| {
            if let [V::Array(items), x, ..] = a.as_slice() {
                for (i, v) in items.iter().enumerate() {
                    if cx.equal(v, x)? == Some(true) {
                        return Ok(V::Int(i as i64 + 1));
                    }
                }
            }
            Ok(V::Null)
        },
        "array_to_string" => |cx, a| {
            if a.len() < 2 || a[0].is_null() || a[1].is_null() {
                return Ok(V::Null);
            }
            let sep = cx.out_text(&a[1]);
            let null_as = a.get(2).filter(|v| !v.is_null()).map(|v| cx.out_text(v));
            let V::Array(items) = &a[0] else {
                return Err(Fail::unknown("array_to_string() of a non-array"));
            };
            let mut parts = Vec::new();
            flatten(items, &mut |v| match v {
                V::Null => {
                    if let Some(n) = &null_as {
                        parts.push(n.clone());
                    }
                }
                v => parts.push(cx.out_text(v)),
            });
            Ok(V::text(parts.join(&sep)))
        },
        "string_to_array" => |cx, a| {
            strict(a, |a| {
                let (s, d) = (text(cx, &a[0])?, text(cx, &a[1])?);
                if s.is_empty() {
                    return Ok(V::Array(Vec::new()));
                }
                Ok(V::Array(
                    s.split(d.as_ref())
                        .map(|p| V::text(p.to_string()))
                        .collect(),
                ))
            })
        },
        "now"
        | "current_timestamp"
        | "transaction_timestamp"
        | "statement_timestamp"
        | "clock_timestamp" => |cx, _| Ok(V::Tstz(cx.now)),
        "localtimestamp" => |cx, _| Ok(V::Ts(cx.now)),
        "current_date" => |cx, _| Ok(V::Date(cx.now.div_euclid(USECS_PER_DAY) as i32)),
        "date_trunc" => |cx, a| {
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
                let r = datetime::trunc(&field, t)
                    .map_err(|m| Fail::pg("invalid_parameter_value", m))?;
                Ok(if kind == 0 { V::Ts(r) } else { V::Tstz(r) })
            })
        },
        "date_part" => |cx, a| {
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
                datetime::extract(&field, t)
                    .map(V::Float)
                    .map_err(|m| Fail::pg("invalid_parameter_value", m))
            })
        },
        "to_char" => |cx, a| {
            strict(a, |a| {
                let fmt = text(cx, &a[1])?;
                let t = match &a[0] {
                    V::Ts(t) | V::Tstz(t) => *t,
                    V::Date(d) => *d as i64 * USECS_PER_DAY,
                    other => {
                        return Err(Fail::unknown(format!("to_char() of {}", other.type_name())))
                    }
                };
                datetime::to_char(t, &fmt)
                    .map(V::text)
                    .map_err(Fail::unknown)
            })
        },
        "make_date" => |_, a| {
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
        },
        "current_schema" => |cx, _| {
            Ok(cx
                .r
                .effective_path()
                .into_iter()
                .next()
                .map(V::text)
                .unwrap_or(V::Null))
        },
        "current_schemas" => |cx, _| Ok(V::Array(cx.path().into_iter().map(V::text).collect())),
        "current_user" | "session_user" | "current_role" | "user" | "pg_get_userbyid" => {
            |_, _| Ok(V::text("postgres"))
        }
        "current_database" | "current_catalog" => |_, _| Ok(V::text("postgres")),
        "version" => |_, _| Ok(V::text("PostgreSQL 15")),
        "abs" => |_, a| {
            strict(a, |a| match &a[0] {
                V::Int(i) => Ok(V::Int(i.abs())),
                V::Float(f) => Ok(V::Float(f.abs())),
                other => Err(Fail::unknown(format!("abs() of {}", other.type_name()))),
            })
        },
        "ceil" | "ceiling" => |_, a| num1(a, f64::ceil),
        "floor" => |_, a| num1(a, f64::floor),
        "round" => |_, a| num1(a, f64::round),
        "trunc" => |_, a| num1(a, f64::trunc),
        "mod" => |_, a| {
            strict(a, |a| {
                let (x, y) = (int(&a[0])?, int(&a[1])?);
                if y == 0 {
                    return Err(Fail::pg("division_by_zero", "division by zero"));
                }
                Ok(V::Int(x % y))
            })
        },
        "gen_random_uuid" | "uuid_generate_v4" | "random" | "nextval" | "txid_current" => {
            |_, _| Ok(V::Opaque)
        }
        "pg_typeof" => |_, _| Err(Fail::unknown("pg_typeof() is not evaluated")),
        "pg_table_is_visible" | "pg_type_is_visible" | "pg_function_is_visible" => |cx, a| {
            strict(a, |a| match &a[0] {
                V::Oid(reg, o) => {
                    let t = cx.reg_text(*reg, o);
                    Ok(V::Bool(
                        !t.contains('.') || (t.starts_with('"') && !t.contains("\".")),
                    ))
                }
                _ => Ok(V::Bool(false)),
            })
        },
        "format_type" => |cx, a| match a.first() {
            Some(V::Oid(_, Obj::Type(s, n))) => {
                Ok(V::text(cx.type_text(&super::names::type_from_obj(s, n))))
            }
            Some(V::Null) | None => Ok(V::Null),
            _ => Err(Fail::unknown("format_type() of this id is not evaluated")),
        },
        "pg_get_constraintdef"
        | "pg_get_indexdef"
        | "pg_get_functiondef"
        | "pg_get_viewdef"
        | "pg_get_function_identity_arguments"
        | "pg_get_function_arguments"
        | "pg_get_function_result"
        | "obj_description"
        | "col_description"
        | "pg_get_serial_sequence"
        | "pg_get_expr" => return super::vtab::printers::lookup(name),
        _ => return None,
    };
    Some(f)
}

/// Applies `f` unless an argument is NULL (a strict function's NULL result).
pub(crate) fn strict<'e>(a: Vec<V<'e>>, f: impl FnOnce(Vec<V<'e>>) -> Res<V<'e>>) -> Res<V<'e>> {
    if a.iter().any(V::is_null) {
        return Ok(V::Null);
    }
    if a.iter().any(|v| matches!(v, V::Opaque)) {
        return Err(Fail::unknown("a value the history does not give"));
    }
    f(a)
}

/// The text of an argument (its output function's text).
pub(crate) fn text<'v>(cx: &Ctx<'_>, v: &'v V<'_>) -> Res<Cow<'v, str>> {
    Ok(match v {
        V::Text(s) => Cow::Borrowed(s.as_ref()),
        V::Opaque => return Err(Fail::unknown("a value the history does not give")),
        other => Cow::Owned(cx.out_text(other)),
    })
}

pub(crate) fn int(v: &V<'_>) -> Res<i64> {
    match v {
        V::Int(i) => Ok(*i),
        V::Float(f) => Ok(f.round() as i64),
        V::Text(s) => s.trim().parse().map_err(|_| {
            Fail::pg(
                "invalid_text_representation",
                format!("invalid input syntax for type integer: \"{s}\""),
            )
        }),
        other => Err(Fail::unknown(format!(
            "an integer was expected, not {}",
            other.type_name()
        ))),
    }
}

fn text1<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>, f: impl Fn(&str) -> String) -> Res<V<'e>> {
    strict(a, |a| Ok(V::text(f(&text(cx, &a[0])?))))
}

fn num1<'e>(a: Vec<V<'e>>, f: fn(f64) -> f64) -> Res<V<'e>> {
    strict(a, |a| match &a[0] {
        V::Int(i) => Ok(V::Int(*i)),
        V::Float(x) => Ok(V::Float(f(*x))),
        other => Err(Fail::unknown(format!(
            "a number was expected, not {}",
            other.type_name()
        ))),
    })
}

fn initcap(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            start = false;
        } else {
            out.push(c);
            start = true;
        }
    }
    out
}

fn flat_len(items: &[V<'_>]) -> usize {
    items
        .iter()
        .map(|i| match i {
            V::Array(inner) => flat_len(inner),
            _ => 1,
        })
        .sum()
}

fn flatten<'v, 'e>(items: &'v [V<'e>], f: &mut dyn FnMut(&'v V<'e>)) {
    for i in items {
        match i {
            V::Array(inner) => flatten(inner, f),
            v => f(v),
        }
    }
}

fn to_reg<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>, reg: Reg) -> Res<V<'e>> {
    let Some(v) = a.into_iter().next() else {
        return Err(Fail::pg(
            "undefined_function",
            "to_reg*() needs an argument",
        ));
    };
    let t = match &v {
        V::Null => return Ok(V::Null),
        V::Text(s) => s.to_string(),
        other => {
            return Err(Fail::pg(
                "undefined_function",
                format!("function to_reg*({}) does not exist", other.type_name()),
            ))
        }
    };
    match cx.reg_from_text(reg, &t) {
        Ok(v) => Ok(v.into_owned()),
        Err(Fail::Pg(e)) if e.cond.starts_with("undefined") => Ok(V::Null),
        Err(e) => Err(e),
    }
}

fn concat<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>, sep: Option<&str>) -> Res<V<'e>> {
    let mut out = String::new();
    let mut first = true;
    for v in &a {
        if v.is_null() {
            continue;
        }
        if !first {
            out.push_str(sep.unwrap_or(""));
        }
        first = false;
        out.push_str(&text(cx, v)?);
    }
    Ok(V::text(out))
}

fn substr<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>) -> Res<V<'e>> {
    strict(a, |a| {
        let s = text(cx, &a[0])?;
        let chars: Vec<char> = s.chars().collect();
        let start = int(&a[1])?;
        let end = match a.get(2) {
            Some(n) => {
                let n = int(n)?;
                if n < 0 {
                    return Err(Fail::pg(
                        "substring_error",
                        "negative substring length not allowed",
                    ));
                }
                start.saturating_add(n)
            }
            None => i64::MAX,
        };
        let from = (start.max(1) - 1) as usize;
        let to = (end.max(1) - 1).min(chars.len() as i64) as usize;
        Ok(V::text(if from < to {
            chars[from..to].iter().collect()
        } else {
            String::new()
        }))
    })
}

fn trim<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>, left: bool, right: bool) -> Res<V<'e>> {
    strict(a, |a| {
        let s = text(cx, &a[0])?;
        let set: Vec<char> = match a.get(1) {
            Some(c) => text(cx, c)?.chars().collect(),
            None => vec![' '],
        };
        let mut t: &str = &s;
        if left {
            t = t.trim_start_matches(|c| set.contains(&c));
        }
        if right {
            t = t.trim_end_matches(|c| set.contains(&c));
        }
        Ok(V::text(t.to_string()))
    })
}

fn regexp_replace<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>) -> Res<V<'e>> {
    strict(a, |a| {
        let s = text(cx, &a[0])?;
        let pat = text(cx, &a[1])?;
        let rep = text(cx, &a[2])?;
        let flags = match a.get(3) {
            Some(f) => text(cx, f)?.into_owned(),
            None => String::new(),
        };
        let re = regex_of(&pat, flags.contains('i'))?;
        // `\1` → `${1}`.
        let mut r = String::new();
        let mut it = rep.chars().peekable();
        while let Some(c) = it.next() {
            match (c, it.peek()) {
                ('\\', Some(d)) if d.is_ascii_digit() => {
                    r.push_str(&format!("${{{d}}}"));
                    it.next();
                }
                ('\\', Some('&')) => {
                    r.push_str("${0}");
                    it.next();
                }
                ('$', _) => r.push_str("$$"),
                (c, _) => r.push(c),
            }
        }
        Ok(V::text(if flags.contains('g') {
            re.replace_all(&s, r.as_str()).into_owned()
        } else {
            re.replace(&s, r.as_str()).into_owned()
        }))
    })
}

/// A PostgreSQL regular expression (the common subset Rust's `regex` shares).
pub(crate) fn regex_of(pat: &str, ci: bool) -> Res<regex::Regex> {
    regex::RegexBuilder::new(pat)
        .case_insensitive(ci)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| Fail::unknown(format!("regular expression `{pat}` is not evaluated: {e}")))
}

/// `format(fmt, args…)`: `%s`, `%I`, `%L`, `%%`, positions (`%2$s`) and widths (`%-10s`).
fn format<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>) -> Res<V<'e>> {
    let mut it = a.into_iter();
    let fmt = match it.next() {
        None | Some(V::Null) => return Ok(V::Null),
        Some(f) => cx.out_text(&f),
    };
    let args: Vec<V<'e>> = it.collect();
    // A VARIADIC array argument spreads.
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut next = 0usize;
    let mut i = 0;
    let bad = |m: &str| Fail::pg("invalid_parameter_value", m.to_string());
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        // %[position$][flags][width]type
        let mut j = i;
        let mut num = String::new();
        while j < chars.len() && chars[j].is_ascii_digit() {
            num.push(chars[j]);
            j += 1;
        }
        let mut pos = None;
        if !num.is_empty() && chars.get(j) == Some(&'$') {
            pos = Some(num.parse::<usize>().map_err(|_| bad("bad position"))?);
            i = j + 1;
        }
        let mut left = false;
        if chars.get(i) == Some(&'-') {
            left = true;
            i += 1;
        }
        let mut width = String::new();
        while i < chars.len() && chars[i].is_ascii_digit() {
            width.push(chars[i]);
            i += 1;
        }
        let Some(&ty) = chars.get(i) else {
            return Err(bad("unterminated format() type specifier"));
        };
        i += 1;
        let idx = match pos {
            Some(0) => {
                return Err(bad(
                    "format specifies argument 0, but arguments are numbered from 1",
                ))
            }
            Some(p) => p - 1,
            None => next,
        };
        next = idx + 1;
        let Some(v) = args.get(idx) else {
            return Err(bad("too few arguments for format()"));
        };
        if matches!(v, V::Opaque) {
            return Err(Fail::unknown("a value the history does not give"));
        }
        let piece = match ty {
            's' => match v {
                V::Null => String::new(),
                v => cx.out_text(v),
            },
            'I' => match v {
                V::Null => {
                    return Err(Fail::pg(
                        "null_value_not_allowed",
                        "null values cannot be formatted as an SQL identifier",
                    ))
                }
                v => crate::sql::quote_ident(&cx.out_text(v)),
            },
            'L' => match v {
                V::Null => "NULL".into(),
                v => crate::sql::quote_literal(&cx.out_text(v)),
            },
            other => {
                return Err(bad(&format!(
                    "unrecognized format() type specifier \"{other}\""
                )))
            }
        };
        let w: usize = width.parse().unwrap_or(0);
        let n = piece.chars().count();
        if n < w {
            let pad = " ".repeat(w - n);
            if left {
                out.push_str(&piece);
                out.push_str(&pad);
            } else {
                out.push_str(&pad);
                out.push_str(&piece);
            }
        } else {
            out.push_str(&piece);
        }
    }
    Ok(V::text(out))
}
