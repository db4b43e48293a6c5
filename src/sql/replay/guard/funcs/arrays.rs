//! Array built-ins: `array_length`, `array_append`, `array_to_string`, `string_to_array`….

use crate::sql::replay::guard::errors::Fail;
use crate::sql::replay::guard::value::V;

use super::{int, strict, text, Arity, Builtin};

/// Array built-ins by name.
pub(super) fn lookup(name: &str) -> Option<(Arity, Builtin)> {
    let f: (Arity, Builtin) = match name {
        "array_length" => ((2, 2), |_, a| {
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
        }),
        "array_upper" => ((2, 2), |_, a| {
            strict(a, |a| {
                Ok(match &a[0] {
                    V::Array(items) if !items.is_empty() && int(&a[1])? == 1 => {
                        V::Int(items.len() as i64)
                    }
                    _ => V::Null,
                })
            })
        }),
        "array_lower" => ((2, 2), |_, a| {
            strict(a, |a| {
                Ok(match &a[0] {
                    V::Array(items) if !items.is_empty() && int(&a[1])? == 1 => V::Int(1),
                    _ => V::Null,
                })
            })
        }),
        "cardinality" => ((1, 1), |_, a| {
            strict(a, |a| {
                Ok(match &a[0] {
                    V::Array(items) => V::Int(flat_len(items) as i64),
                    _ => V::Null,
                })
            })
        }),
        "array_append" => ((2, 2), |_, mut a| {
            let x = a.pop().unwrap_or(V::Null);
            Ok(match a.pop() {
                Some(V::Array(mut items)) => {
                    items.push(x);
                    V::Array(items)
                }
                _ => V::Array(vec![x]),
            })
        }),
        "array_prepend" => ((2, 2), |_, mut a| {
            let arr = a.pop().unwrap_or(V::Null);
            let x = a.pop().unwrap_or(V::Null);
            Ok(match arr {
                V::Array(mut items) => {
                    items.insert(0, x);
                    V::Array(items)
                }
                _ => V::Array(vec![x]),
            })
        }),
        "array_cat" => ((2, 2), |_, a| {
            let mut out = Vec::new();
            for v in a {
                if let V::Array(items) = v {
                    out.extend(items);
                }
            }
            Ok(V::Array(out))
        }),
        "array_remove" => ((2, 2), |cx, mut a| {
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
        }),
        "array_position" => ((2, 3), |cx, a| {
            if let [V::Array(items), x, ..] = a.as_slice() {
                for (i, v) in items.iter().enumerate() {
                    if cx.equal(v, x)? == Some(true) {
                        return Ok(V::Int(i as i64 + 1));
                    }
                }
            }
            Ok(V::Null)
        }),
        "array_to_string" => ((2, 3), |cx, a| {
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
        }),
        "string_to_array" => ((2, 3), |cx, a| {
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
        }),
        _ => return None,
    };
    Some(f)
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
