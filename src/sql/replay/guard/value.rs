//! Values during evaluation, as PostgreSQL types them: text borrowed from the catalog where it
//! can be, numbers, booleans, dates and times, arrays, records and object ids (`regclass`,
//! `regprocedure`…, which print as names).

use std::borrow::Cow;

use super::datetime::{self, Interval};
use super::errors::{Fail, Res};

/// How an object id prints (the `reg*` type it has).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Reg {
    /// Plain `oid`: prints as a number.
    Oid,
    Class,
    Type,
    Proc,
    Procedure,
    Namespace,
    Role,
}

/// The object an id points at. Relations and types are identified by name, routines by their
/// entry in the replay's routine registry.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Obj<'a> {
    Rel(Cow<'a, str>, Cow<'a, str>),
    /// A type: schema, `pg_type.typname` (arrays as `_elem`).
    Type(Cow<'a, str>, Cow<'a, str>),
    Proc(u32),
    Namespace(Cow<'a, str>),
    Role(Cow<'a, str>),
    /// A constraint: schema, table, name.
    Con(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>),
    /// An id with no object behind it (`0`, or a number written in the SQL).
    Number(i64),
}

impl Obj<'_> {
    pub(crate) fn into_owned(self) -> Obj<'static> {
        let o = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        match self {
            Obj::Rel(s, n) => Obj::Rel(o(s), o(n)),
            Obj::Type(s, n) => Obj::Type(o(s), o(n)),
            Obj::Proc(id) => Obj::Proc(id),
            Obj::Namespace(n) => Obj::Namespace(o(n)),
            Obj::Role(n) => Obj::Role(o(n)),
            Obj::Con(s, t, n) => Obj::Con(o(s), o(t), o(n)),
            Obj::Number(n) => Obj::Number(n),
        }
    }

    /// A stable number standing for the id where SQL prints an `oid` as a number.
    pub(crate) fn number(&self) -> i64 {
        use std::hash::{Hash, Hasher};
        if let Obj::Number(n) = self {
            return *n;
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        16384 + (h.finish() % 1_000_000_000) as i64
    }
}

/// A value. `Opaque` is a value known not to be NULL whose content is not known (a column
/// default such as `now()` in a tracked row).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(Cow<'a, str>),
    /// Days since 1970-01-01.
    Date(i32),
    /// `timestamp without time zone`: microseconds since 1970-01-01 00:00.
    Ts(i64),
    /// `timestamp with time zone` (sessions run in UTC): microseconds since the epoch.
    Tstz(i64),
    Interval(Interval),
    Array(Vec<V<'a>>),
    Record(Vec<(Cow<'a, str>, V<'a>)>),
    Oid(Reg, Obj<'a>),
    Opaque,
}

impl<'a> V<'a> {
    pub(crate) fn text(s: impl Into<Cow<'a, str>>) -> Self {
        V::Text(s.into())
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, V::Null)
    }

    pub(crate) fn into_owned(self) -> V<'static> {
        match self {
            V::Null => V::Null,
            V::Bool(b) => V::Bool(b),
            V::Int(i) => V::Int(i),
            V::Float(f) => V::Float(f),
            V::Text(s) => V::Text(Cow::Owned(s.into_owned())),
            V::Date(d) => V::Date(d),
            V::Ts(t) => V::Ts(t),
            V::Tstz(t) => V::Tstz(t),
            V::Interval(i) => V::Interval(i),
            V::Array(a) => V::Array(a.into_iter().map(V::into_owned).collect()),
            V::Record(r) => V::Record(
                r.into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            ),
            V::Oid(r, o) => V::Oid(r, o.into_owned()),
            V::Opaque => V::Opaque,
        }
    }

    /// A borrowed copy (text borrowed from `self`).
    pub(crate) fn borrowed(&self) -> V<'_> {
        match self {
            V::Text(s) => V::Text(Cow::Borrowed(s.as_ref())),
            other => other.clone_short(),
        }
    }

    fn clone_short(&self) -> V<'_> {
        match self {
            V::Null => V::Null,
            V::Bool(b) => V::Bool(*b),
            V::Int(i) => V::Int(*i),
            V::Float(f) => V::Float(*f),
            V::Text(s) => V::Text(Cow::Borrowed(s.as_ref())),
            V::Date(d) => V::Date(*d),
            V::Ts(t) => V::Ts(*t),
            V::Tstz(t) => V::Tstz(*t),
            V::Interval(i) => V::Interval(*i),
            V::Array(a) => V::Array(a.iter().map(V::clone_short).collect()),
            V::Record(r) => V::Record(
                r.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_ref()), v.clone_short()))
                    .collect(),
            ),
            V::Oid(r, o) => V::Oid(*r, o.clone()),
            V::Opaque => V::Opaque,
        }
    }

    /// The name of the value's type, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            V::Null => "unknown",
            V::Bool(_) => "boolean",
            V::Int(_) => "integer",
            V::Float(_) => "numeric",
            V::Text(_) => "text",
            V::Date(_) => "date",
            V::Ts(_) => "timestamp without time zone",
            V::Tstz(_) => "timestamp with time zone",
            V::Interval(_) => "interval",
            V::Array(_) => "array",
            V::Record(_) => "record",
            V::Oid(Reg::Oid, _) => "oid",
            V::Oid(Reg::Class, _) => "regclass",
            V::Oid(Reg::Type, _) => "regtype",
            V::Oid(Reg::Proc, _) => "regproc",
            V::Oid(Reg::Procedure, _) => "regprocedure",
            V::Oid(Reg::Namespace, _) => "regnamespace",
            V::Oid(Reg::Role, _) => "regrole",
            V::Opaque => "unknown",
        }
    }
}

/// Text output of numbers as PostgreSQL's `float8out`/`numeric_out` would print them.
pub(crate) fn float_text(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e15).contains(&abs) {
        // `1e+20`, `1e-05`.
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        return format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    format!("{f}")
}

/// Array output: `{a,"b c",NULL}`.
pub(crate) fn array_text(items: &[String], nulls: &[bool]) -> String {
    let mut out = String::from("{");
    for (i, (s, null)) in items.iter().zip(nulls).enumerate() {
        if i > 0 {
            out.push(',');
        }
        if *null {
            out.push_str("NULL");
            continue;
        }
        let quote = s.is_empty()
            || s.eq_ignore_ascii_case("null")
            || s.chars()
                .any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\' | ' ' | '\t' | '\n'))
            || (s.starts_with('{') && s.ends_with('}'));
        // Nested arrays are printed as they are.
        if quote && !(s.starts_with('{') && s.ends_with('}')) {
            out.push('"');
            for c in s.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(s);
        }
    }
    out.push('}');
    out
}

/// A malformed array literal: PostgreSQL's `invalid_text_representation`.
fn malformed(message: String) -> Fail {
    Fail::pg("invalid_text_representation", message)
}

/// Parses array input text (`{a,"b c",NULL}`, one dimension or nested).
pub(crate) fn parse_array_text(s: &str) -> Res<V<'static>> {
    let chars: Vec<char> = s.trim().chars().collect();
    let mut pos = 0;
    let v = parse_array_level(&chars, &mut pos, 0)?;
    if chars[pos..].iter().any(|c| !c.is_whitespace()) {
        return Err(malformed(format!("malformed array literal: \"{s}\"")));
    }
    Ok(v)
}

fn parse_array_level(c: &[char], pos: &mut usize, depth: usize) -> Res<V<'static>> {
    let bad = || malformed("malformed array literal".to_string());
    if depth > 6 {
        return Err(bad());
    }
    if c.get(*pos) != Some(&'{') {
        return Err(bad());
    }
    *pos += 1;
    let mut items = Vec::new();
    loop {
        while c.get(*pos).is_some_and(|c| c.is_whitespace()) {
            *pos += 1;
        }
        match c.get(*pos) {
            None => return Err(bad()),
            Some('}') => {
                *pos += 1;
                return Ok(V::Array(items));
            }
            Some('{') => items.push(parse_array_level(c, pos, depth + 1)?),
            Some('"') => {
                *pos += 1;
                let mut s = String::new();
                loop {
                    match c.get(*pos) {
                        None => return Err(bad()),
                        Some('\\') => {
                            s.extend(c.get(*pos + 1));
                            *pos += 2;
                        }
                        Some('"') => {
                            *pos += 1;
                            break;
                        }
                        Some(&ch) => {
                            s.push(ch);
                            *pos += 1;
                        }
                    }
                }
                items.push(V::Text(Cow::Owned(s)));
            }
            Some(_) => {
                let mut s = String::new();
                while let Some(&ch) = c.get(*pos) {
                    if ch == ',' || ch == '}' {
                        break;
                    }
                    if ch == '\\' {
                        s.extend(c.get(*pos + 1));
                        *pos += 2;
                        continue;
                    }
                    s.push(ch);
                    *pos += 1;
                }
                let s = s.trim_end().to_string();
                items.push(if s.eq_ignore_ascii_case("null") {
                    V::Null
                } else {
                    V::Text(Cow::Owned(s))
                });
            }
        }
        while c.get(*pos).is_some_and(|c| c.is_whitespace()) {
            *pos += 1;
        }
        if c.get(*pos) == Some(&',') {
            *pos += 1;
        }
    }
}

/// Parses an integer as `int4in`/`int8in` would (surrounding spaces allowed).
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    s.trim().parse().ok()
}

/// Parses a number as `numeric_in`/`float8in` would.
pub(crate) fn parse_number(s: &str) -> Option<V<'static>> {
    let t = s.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(V::Int(i));
    }
    match t.to_ascii_lowercase().as_str() {
        "nan" => return Some(V::Float(f64::NAN)),
        "infinity" | "+infinity" | "inf" => return Some(V::Float(f64::INFINITY)),
        "-infinity" | "-inf" => return Some(V::Float(f64::NEG_INFINITY)),
        _ => {}
    }
    t.parse::<f64>().ok().map(V::Float)
}

/// Parses a boolean as `boolin` does (`t`, `true`, `yes`, `on`, `1`, prefixes…).
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    let is_prefix = |w: &str| w.starts_with(t.as_str());
    if is_prefix("true") || is_prefix("yes") || t == "on" || t == "1" {
        Some(true)
    } else if is_prefix("false") || is_prefix("no") || t == "off" || t == "of" || t == "0" {
        Some(false)
    } else {
        None
    }
}

/// The text of a date/time value, as its output function prints it.
pub(crate) fn datetime_text(v: &V<'_>) -> Option<String> {
    Some(match v {
        V::Date(d) => datetime::date_text(*d),
        V::Ts(t) => datetime::ts_text(*t),
        V::Tstz(t) => format!("{}+00", datetime::ts_text(*t)),
        V::Interval(i) => i.to_string(),
        _ => return None,
    })
}
