//! Constants: a literal's text run through the type's input and output functions, as a
//! `Const` of that type stores and prints it (`'t'` on boolean → `true`, `'{"b":1,"a":2}'` on
//! jsonb → `{"a": 2, "b": 1}`, `'2 weeks'` on interval → `14 days`).

mod arrays;
#[cfg(test)]
mod tests;

use super::typesys::Ty;
use super::ExprContext;
use arrays::normalize_array;

mod datetime;
mod json;
mod ranges;
mod text_io;

pub(crate) use text_io::{binary_bits, hex_bits};

/// The output text of `text` read by the input function of `ty` (`None` when it is not a valid
/// value of the type).
pub(crate) fn normalize(ctx: &ExprContext<'_>, text: &str, ty: &Ty) -> Option<String> {
    if ty.array {
        return normalize_array(ctx, text, &ty.elem());
    }
    let base = ctx.base_type(ty);
    if base != *ty {
        return normalize(ctx, text, &base);
    }
    if ty.schema != "pg_catalog" {
        if ty.name == "hstore" {
            return text_io::normalize_hstore(text);
        }
        return Some(text.to_string());
    }
    match ty.name.as_str() {
        // `boolout` prints `t`/`f` (in arrays); a bool constant prints as `true`/`false`.
        "bool" => parse_bool(text).map(|b| if b { "t" } else { "f" }.to_string()),
        "int2" | "int4" | "int8" | "oid" => parse_int(text).map(|v| v.to_string()),
        "numeric" => normalize_numeric(text.trim()),
        "float4" | "float8" => normalize_float(text.trim(), ty.name == "float4"),
        "jsonb" => json::normalize_jsonb(text),
        "uuid" => normalize_uuid(text),
        "bytea" => normalize_bytea(text),
        "date" => datetime::normalize_date(text),
        "time" => datetime::normalize_time(text, false),
        "timetz" => datetime::normalize_time(text, true),
        "timestamp" => datetime::normalize_timestamp(text, false),
        "timestamptz" => datetime::normalize_timestamp(text, true),
        "interval" => datetime::normalize_interval(text),
        "regclass" => Some(ctx.regclass_out(text)),
        "jsonpath" => Some(normalize_jsonpath(text)),
        "inet" => Some(normalize_inet(text)),
        "cidr" => text_io::normalize_cidr(text),
        "tsvector" => text_io::normalize_tsvector(text),
        // `pg_lsn_out`: upper-case hexadecimal halves without leading zeros.
        "pg_lsn" => {
            let (hi, lo) = text.trim().split_once('/')?;
            let hi = u32::from_str_radix(hi, 16).ok()?;
            let lo = u32::from_str_radix(lo, 16).ok()?;
            Some(format!("{hi:X}/{lo:X}"))
        }
        "point" | "box" | "lseg" | "circle" => ranges::normalize_geometry(&ty.name, text),
        n if ranges::range_subtype(n).is_some() => {
            ranges::normalize_range(ctx, text, ranges::range_subtype(n)?)
        }
        "money" => text_io::normalize_money(text),
        "macaddr" => text_io::normalize_macaddr(text, false),
        "macaddr8" => text_io::normalize_macaddr(text, true),
        // `bit_in`: a leading `b`/`x` selects binary or hexadecimal digits.
        "bit" | "varbit" => match text.as_bytes().first() {
            Some(b'x' | b'X') => hex_bits(&text[1..]),
            Some(b'b' | b'B') => binary_bits(&text[1..]),
            _ => binary_bits(text),
        },
        _ => Some(text.to_string()),
    }
}

/// `parse_bool`: `t`, `true`, `yes`, `on`, `1` and prefixes.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    let v = text.trim().to_ascii_lowercase();
    if v.is_empty() {
        return None;
    }
    let prefix_of = |word: &str, min: usize| v.len() >= min && word.starts_with(v.as_str());
    if prefix_of("true", 1) || prefix_of("yes", 1) || v == "on" || v == "1" {
        Some(true)
    } else if prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || v == "0" {
        Some(false)
    } else {
        None
    }
}

fn parse_int(text: &str) -> Option<i128> {
    let t = text.trim();
    let t = t.replace('_', "");
    t.parse::<i128>().ok()
}

/// Normalises a numeric literal the way `numeric_in` + `numeric_out` do (`1e5` → `100000`,
/// `.5` → `0.5`, `1.50` → `1.50`).
pub(crate) fn normalize_numeric(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    match lower.trim_start_matches(['+', '-']) {
        "nan" => return Some("NaN".into()),
        "infinity" | "inf" => {
            return Some(if lower.starts_with('-') {
                "-Infinity".into()
            } else {
                "Infinity".into()
            })
        }
        _ => {}
    }
    let (neg, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.replace('_', "");
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest.as_str(), 0),
    };
    let (int_part, frac_part) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits: String = format!("{int_part}{frac_part}");
    // value = digits * 10^(exp - frac_len)
    let point = int_part.len() as i64 + exp;
    let dscale = (frac_part.len() as i64 - exp).max(0);
    let digits = digits.trim_start_matches('0');
    let shift = (int_part.len() + frac_part.len()) as i64 - digits.len() as i64;
    let point = point - shift;
    let mut int_s = String::new();
    let mut frac_s = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if (i as i64) < point {
            int_s.push(ch);
        } else {
            frac_s.push(ch);
        }
    }
    if point > digits.len() as i64 {
        int_s.push_str(&"0".repeat((point - digits.len() as i64) as usize));
    }
    if point < 0 {
        frac_s = format!("{}{}", "0".repeat((-point) as usize), frac_s);
    }
    if int_s.is_empty() {
        int_s.push('0');
    }
    let dscale = dscale as usize;
    if frac_s.len() > dscale {
        frac_s.truncate(dscale);
    }
    while frac_s.len() < dscale {
        frac_s.push('0');
    }
    let is_zero = int_s.bytes().all(|b| b == b'0') && frac_s.bytes().all(|b| b == b'0');
    let mut out = String::new();
    if neg && !is_zero {
        out.push('-');
    }
    out.push_str(&int_s);
    if dscale > 0 {
        out.push('.');
        out.push_str(&frac_s);
    }
    Some(out)
}

/// `float8out`/`float4out` with `extra_float_digits = 1` (shortest exact form).
fn normalize_float(text: &str, single: bool) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    match lower.as_str() {
        "nan" => return Some("NaN".into()),
        "infinity" | "inf" | "+infinity" | "+inf" => return Some("Infinity".into()),
        "-infinity" | "-inf" => return Some("-Infinity".into()),
        _ => {}
    }
    let v: f64 = text.parse().ok()?;
    let s = if single {
        format!("{:e}", v as f32)
    } else {
        format!("{v:e}")
    };
    // `{:e}` gives the shortest round-trip digits as d.ddde±x; lay it out like Ryu in PG.
    let (mant, exp) = s.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.chars().all(|c| c == '0') {
        return Some(if neg { "-0".into() } else { "0".into() });
    }
    let ndigits = digits.len() as i32;
    let max_plain = if single { 6 } else { 15 };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if (-4..max_plain).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat((-exp - 1) as usize));
            out.push_str(&digits);
        } else if exp + 1 >= ndigits {
            out.push_str(&digits);
            out.push_str(&"0".repeat((exp + 1 - ndigits) as usize));
        } else {
            out.push_str(&digits[..(exp + 1) as usize]);
            out.push('.');
            out.push_str(&digits[(exp + 1) as usize..]);
        }
    } else {
        out.push_str(&digits[..1]);
        if ndigits > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.abs()));
    }
    Some(out)
}

fn normalize_uuid(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t);
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let h = hex.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    ))
}

fn normalize_bytea(text: &str) -> Option<String> {
    if let Some(hex) = text.strip_prefix("\\x") {
        let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
        if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        return Some(format!("\\x{}", hex.to_ascii_lowercase()));
    }
    let mut out = String::from("\\x");
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\\') {
                out.push_str("5c");
                i += 2;
                continue;
            }
            let oct = text.get(i + 1..i + 4)?;
            let v = u8::from_str_radix(oct, 8).ok()?;
            out.push_str(&format!("{v:02x}"));
            i += 4;
        } else {
            out.push_str(&format!("{:02x}", b[i]));
            i += 1;
        }
    }
    Some(out)
}

/// `inet_out`: the mask is dropped when it covers the whole address.
fn normalize_inet(text: &str) -> String {
    let t = text.trim();
    match t.split_once('/') {
        Some((addr, "32")) if !addr.contains(':') => addr.to_string(),
        Some((addr, "128")) if addr.contains(':') => addr.to_lowercase(),
        _ => t.to_lowercase(),
    }
}

/// `jsonpath_in` + `jsonpath_out` for plain accessor chains (`$.a[*].b` → `$."a"[*]."b"`);
/// other paths (filters, methods, arithmetic) are kept as written.
fn normalize_jsonpath(text: &str) -> String {
    let t = text.trim();
    let (mode, rest) = match t.split_once(char::is_whitespace) {
        Some((m, r)) if m.eq_ignore_ascii_case("strict") => ("strict ", r.trim_start()),
        Some((m, r)) if m.eq_ignore_ascii_case("lax") => ("", r.trim_start()),
        _ => ("", t),
    };
    let Some(mut rest) = rest.strip_prefix('$') else {
        return text.to_string();
    };
    let mut out = format!("{mode}$");
    while !rest.is_empty() {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix(".*") {
            out.push_str(".*");
            rest = r;
        } else if let Some(r) = rest.strip_prefix('.') {
            let r = r.trim_start();
            if let Some(q) = r.strip_prefix('"') {
                let Some(end) = q.find('"') else {
                    return text.to_string();
                };
                out.push_str(&format!(".\"{}\"", &q[..end]));
                rest = &q[end + 1..];
            } else {
                let end = r
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(r.len());
                if end == 0 || r[end..].trim_start().starts_with('(') {
                    return text.to_string();
                }
                out.push_str(&format!(".\"{}\"", &r[..end]));
                rest = &r[end..];
            }
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else {
                return text.to_string();
            };
            let inner = r[..end].trim();
            if inner != "*" && inner.parse::<i64>().is_err() {
                return text.to_string();
            }
            out.push_str(&format!("[{inner}]"));
            rest = &r[end + 1..];
        } else {
            return text.to_string();
        }
    }
    out
}

/// Prints a constant's text as `simple_quote_literal` does (standard conforming strings).
pub(crate) fn quote_const(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('\'');
    for c in value.chars() {
        if c == '\'' {
            s.push('\'');
        }
        s.push(c);
    }
    s.push('\'');
    s
}
