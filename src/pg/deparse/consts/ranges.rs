//! `range_in` + `range_out` for the built-in range types, and the input/output of the simple
//! geometric types (`point`, `box`, `lseg`, `circle`).

use super::{normalize, normalize_float, ExprContext, Ty};

/// The element type of a built-in range type.
pub(crate) fn range_subtype(name: &str) -> Option<&'static str> {
    Some(match name {
        "int4range" => "int4",
        "int8range" => "int8",
        "numrange" => "numeric",
        "daterange" => "date",
        "tsrange" => "timestamp",
        "tstzrange" => "timestamptz",
        _ => return None,
    })
}

/// One bound's text (`range_parse_bound`): `None` for an omitted (infinite) bound.
fn bound(b: &[char], i: &mut usize) -> Option<Option<String>> {
    let mut out = String::new();
    let mut any = false;
    let mut in_quote = false;
    while let Some(&c) = b.get(*i) {
        if !in_quote && matches!(c, ',' | ')' | ']') {
            break;
        }
        *i += 1;
        any = true;
        match c {
            '\\' => {
                out.push(*b.get(*i)?);
                *i += 1;
            }
            '"' if in_quote && b.get(*i) == Some(&'"') => {
                out.push('"');
                *i += 1;
            }
            '"' => in_quote = !in_quote,
            c => out.push(c),
        }
    }
    if in_quote {
        return None;
    }
    Some(any.then_some(out))
}

/// `range_bound_escape`: quoted when empty or holding a delimiter, a quote or white space.
fn escape_bound(s: &str) -> String {
    let needs = s.is_empty()
        || s.chars()
            .any(|c| matches!(c, '"' | '\\' | '(' | ')' | '[' | ']' | ',') || c.is_whitespace());
    if !needs {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push(c);
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `date + 1` for `YYYY-MM-DD` (the form `date_out` prints).
fn next_day(d: &str) -> Option<String> {
    let mut it = d.split('-');
    let (y, m, day): (i64, u32, u32) = (
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    );
    if it.next().is_some() {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let (y, m, day) = if day < days {
        (y, m, day + 1)
    } else if m < 12 {
        (y, m + 1, 1)
    } else {
        (y + 1, 1, 1)
    };
    Some(format!("{y:04}-{m:02}-{day:02}"))
}

/// The discrete successor of a value (`canonical` of int4range, int8range, daterange).
fn successor(subtype: &str, v: &str) -> Option<String> {
    match subtype {
        "int4" | "int8" => Some((v.parse::<i64>().ok()? + 1).to_string()),
        "date" => next_day(v),
        _ => None,
    }
}

/// Orders two values of a subtype (only what canonicalisation needs to detect empty ranges).
fn compare(subtype: &str, a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let plain = |v: &str| !v.contains("infinity") && !v.contains("BC");
    match subtype {
        "int4" | "int8" => Some(a.parse::<i64>().ok()?.cmp(&b.parse::<i64>().ok()?)),
        "numeric" => a.parse::<f64>().ok()?.partial_cmp(&b.parse::<f64>().ok()?),
        // Output texts of the same type sort like the values.
        "date" | "timestamp" | "timestamptz" if plain(a) && plain(b) => Some(a.cmp(b)),
        _ => None,
    }
}

/// `range_in` + `range_out`.
pub(crate) fn normalize_range(ctx: &ExprContext<'_>, text: &str, subtype: &str) -> Option<String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("empty") {
        return Some("empty".into());
    }
    let b: Vec<char> = t.chars().collect();
    let mut i = 0;
    let mut lower_inc = match b.first()? {
        '[' => true,
        '(' => false,
        _ => return None,
    };
    i += 1;
    let lower = bound(&b, &mut i)?;
    if b.get(i) != Some(&',') {
        return None;
    }
    i += 1;
    let upper = bound(&b, &mut i)?;
    let mut upper_inc = match b.get(i)? {
        ']' => true,
        ')' => false,
        _ => return None,
    };
    if i + 1 != b.len() {
        return None;
    }
    let elem = Ty::b(subtype);
    let out = |v: &Option<String>| -> Option<Option<String>> {
        match v {
            None => Some(None),
            Some(v) => normalize(ctx, v, &elem).map(Some),
        }
    };
    let (mut lower, mut upper) = (out(&lower)?, out(&upper)?);
    lower_inc &= lower.is_some();
    upper_inc &= upper.is_some();
    if let (Some(l), Some(u)) = (&lower, &upper) {
        if compare(subtype, l, u) == Some(std::cmp::Ordering::Greater) {
            return None;
        }
    }
    // Discrete types: `[lower, upper)` (a date bound at ±infinity keeps its inclusivity).
    if matches!(subtype, "int4" | "int8" | "date") {
        let finite = |v: &&String| !v.contains("infinity");
        if let Some(l) = lower.as_ref().filter(finite).filter(|_| !lower_inc) {
            lower = Some(successor(subtype, l)?);
            lower_inc = true;
        }
        if let Some(u) = upper.as_ref().filter(finite).filter(|_| upper_inc) {
            upper = Some(successor(subtype, u)?);
            upper_inc = false;
        }
    }
    if let (Some(l), Some(u)) = (&lower, &upper) {
        let ord = compare(subtype, l, u);
        if ord == Some(std::cmp::Ordering::Equal) && !(lower_inc && upper_inc) {
            return Some("empty".into());
        }
    }
    Some(format!(
        "{}{},{}{}",
        if lower_inc { '[' } else { '(' },
        lower.as_deref().map(escape_bound).unwrap_or_default(),
        upper.as_deref().map(escape_bound).unwrap_or_default(),
        if upper_inc { ']' } else { ')' },
    ))
}

/// The numbers of a geometric value's text (parentheses, brackets and `<>` ignored).
fn numbers(text: &str) -> Option<Vec<String>> {
    let cleaned: String = text
        .chars()
        .map(|c| if "()[]<>".contains(c) { ' ' } else { c })
        .collect();
    cleaned
        .split(',')
        .map(|n| normalize_float(n.trim(), false))
        .collect()
}

/// `point_in`/`box_in`/`lseg_in`/`circle_in` + output (`1,2` → `(1,2)`; a box's corners
/// upper-right first).
pub(crate) fn normalize_geometry(name: &str, text: &str) -> Option<String> {
    let n = numbers(text)?;
    let f = |s: &str| s.parse::<f64>().ok();
    match (name, n.len()) {
        ("point", 2) => Some(format!("({},{})", n[0], n[1])),
        ("lseg", 4) => Some(format!("[({},{}),({},{})]", n[0], n[1], n[2], n[3])),
        ("circle", 3) if f(&n[2])? >= 0.0 => Some(format!("<({},{}),{}>", n[0], n[1], n[2])),
        ("box", 4) => {
            let (x1, y1, x2, y2) = (f(&n[0])?, f(&n[1])?, f(&n[2])?, f(&n[3])?);
            let (hx, lx) = if x1 >= x2 {
                (&n[0], &n[2])
            } else {
                (&n[2], &n[0])
            };
            let (hy, ly) = if y1 >= y2 {
                (&n[1], &n[3])
            } else {
                (&n[3], &n[1])
            };
            Some(format!("({hx},{hy}),({lx},{ly})"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successors_and_geometry() {
        assert_eq!(next_day("2024-02-28").as_deref(), Some("2024-02-29"));
        assert_eq!(next_day("2023-12-31").as_deref(), Some("2024-01-01"));
        assert_eq!(
            escape_bound("2024-01-01 10:00:00"),
            "\"2024-01-01 10:00:00\""
        );
        assert_eq!(normalize_geometry("point", "1,2").as_deref(), Some("(1,2)"));
        assert_eq!(
            normalize_geometry("box", "(1,2),(3,4)").as_deref(),
            Some("(3,4),(1,2)")
        );
        assert_eq!(
            normalize_geometry("lseg", "1,2,3.50,4").as_deref(),
            Some("[(1,2),(3.5,4)]")
        );
    }
}
