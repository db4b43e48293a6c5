//! String built-ins: `format`, quoting, `concat`, case, `substr`, `trim`, `split_part`,
//! `regexp_replace`….

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Ctx;

use super::{int, strict, text, Arity, Builtin, ANY};

/// String built-ins by name.
pub(super) fn lookup(name: &str) -> Option<(Arity, Builtin)> {
    let f: (Arity, Builtin) = match name {
        "format" => ((1, ANY), format),
        "quote_ident" => ((1, 1), |cx, a| text1(cx, a, crate::sql::quote_ident)),
        "quote_literal" => ((1, 1), |cx, a| text1(cx, a, crate::sql::quote_literal)),
        "quote_nullable" => ((1, 1), |cx, a| match a.first() {
            Some(V::Null) | None => Ok(V::text("NULL")),
            _ => text1(cx, a, crate::sql::quote_literal),
        }),
        "concat" => ((1, ANY), |cx, a| concat(cx, a, None)),
        "concat_ws" => ((2, ANY), |cx, mut a| {
            if a.is_empty() || a[0].is_null() {
                return Ok(V::Null);
            }
            let sep = cx.out_text(&a.remove(0));
            concat(cx, a, Some(&sep))
        }),
        "lower" => ((1, 1), |cx, a| text1(cx, a, |s| s.to_lowercase())),
        "upper" => ((1, 1), |cx, a| text1(cx, a, |s| s.to_uppercase())),
        "initcap" => ((1, 1), |cx, a| text1(cx, a, initcap)),
        "reverse" => ((1, 1), |cx, a| text1(cx, a, |s| s.chars().rev().collect())),
        "md5" => ((1, 1), |_, _| Ok(V::Opaque)),
        "length" | "char_length" | "character_length" => ((1, 1), {
            |cx, a| strict(a, |a| Ok(V::Int(text(cx, &a[0])?.chars().count() as i64)))
        }),
        "octet_length" => ((1, 1), |cx, a| {
            strict(a, |a| Ok(V::Int(text(cx, &a[0])?.len() as i64)))
        }),
        "substr" | "substring" => ((2, 3), substr),
        "strpos" => ((2, 2), |cx, a| {
            strict(a, |a| {
                let (h, n) = (text(cx, &a[0])?, text(cx, &a[1])?);
                Ok(V::Int(
                    h.find(n.as_ref())
                        .map_or(0, |i| h[..i].chars().count() as i64 + 1),
                ))
            })
        }),
        "replace" => ((3, 3), |cx, a| {
            strict(a, |a| {
                let (s, f, t) = (text(cx, &a[0])?, text(cx, &a[1])?, text(cx, &a[2])?);
                Ok(V::text(if f.is_empty() {
                    s.into_owned()
                } else {
                    s.replace(f.as_ref(), &t)
                }))
            })
        }),
        "left" | "right" => ((2, 2), |_, _| {
            Err(Fail::unknown("left()/right() are not evaluated"))
        }),
        "btrim" | "trim" => ((1, 2), |cx, a| trim(cx, a, true, true)),
        "ltrim" => ((1, 2), |cx, a| trim(cx, a, true, false)),
        "rtrim" => ((1, 2), |cx, a| trim(cx, a, false, true)),
        "lpad" | "rpad" => ((2, 3), |_, _| {
            Err(Fail::unknown("lpad()/rpad() are not evaluated"))
        }),
        "split_part" => ((3, 3), |cx, a| {
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
        }),
        "repeat" => ((2, 2), |cx, a| {
            strict(a, |a| {
                Ok(V::text(
                    text(cx, &a[0])?.repeat(int(&a[1])?.clamp(0, 100_000) as usize),
                ))
            })
        }),
        "starts_with" => ((2, 2), |cx, a| {
            strict(a, |a| {
                Ok(V::Bool(
                    text(cx, &a[0])?.starts_with(text(cx, &a[1])?.as_ref()),
                ))
            })
        }),
        "regexp_replace" => ((3, 6), regexp_replace),
        _ => return None,
    };
    Some(f)
}

fn text1<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>, f: impl Fn(&str) -> String) -> Res<V<'e>> {
    strict(a, |a| Ok(V::text(f(&text(cx, &a[0])?))))
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
            Some(V::Text(f)) if a.len() == 4 => f.to_string(),
            Some(_) => {
                return Err(Fail::unknown(
                    "regexp_replace() with a start position is not evaluated",
                ))
            }
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
    // The format's length and then some for the arguments: the result grows less often.
    let mut out = String::with_capacity(fmt.len() + 64);
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
