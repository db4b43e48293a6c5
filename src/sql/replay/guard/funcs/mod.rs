//! Built-in functions: string building (`format`, `quote_ident`, `concat`…), arrays
//! (`array_length`, `array_to_string`…), dates (`now`, `date_trunc`, `to_char`…), object-id
//! lookups (`to_regclass`, `to_regprocedure`…) and catalog printers (`pg_get_constraintdef`,
//! `pg_get_functiondef`…), with PostgreSQL's NULL handling.

mod arrays;
mod scalars;
mod system;
mod text;

use std::borrow::Cow;

use super::errors::{Fail, Res};
use super::value::V;
use super::Ctx;

pub(crate) use text::regex_of;

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

/// How many arguments a built-in takes: at least the first, at most the second ([`ANY`]: no
/// limit). A call outside it is PostgreSQL's "function … does not exist".
pub(crate) type Arity = (u8, u8);

/// No upper limit on the number of arguments (a `VARIADIC` function).
pub(crate) const ANY: u8 = u8::MAX;

/// Finds a built-in by (lower-case) name, with the numbers of arguments it takes.
pub(crate) fn lookup(name: &str) -> Option<(Arity, Builtin)> {
    system::lookup(name)
        .or_else(|| text::lookup(name))
        .or_else(|| arrays::lookup(name))
        .or_else(|| scalars::lookup(name))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::replay::guard::Vars;
    use crate::sql::replay::Replayer;

    struct NoVars;

    impl Vars for NoVars {
        fn get(&self, _: &str) -> Option<Result<&V<'static>, &str>> {
            None
        }
    }

    /// The names in the `match` arms of the built-in tables (read from their source, so a
    /// built-in added later is covered without being listed here).
    fn names() -> Vec<String> {
        let sources = [
            include_str!("system.rs"),
            include_str!("text.rs"),
            include_str!("arrays.rs"),
            include_str!("scalars.rs"),
            include_str!("../vtab/printers.rs"),
        ];
        let mut out = Vec::new();
        for src in sources {
            for line in src.lines() {
                let t = line.trim_start().trim_start_matches("| ");
                if !t.starts_with('"') {
                    continue;
                }
                let pattern = t.split(" =>").next().unwrap_or_default();
                for part in pattern.split(" | ") {
                    let name = part.trim().trim_matches('"');
                    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
                    {
                        out.push(name.to_string());
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Every built-in, called with each number of arguments its arity allows (up to 7) and
    /// arguments of every kind, gives a value or an error: never a panic (a fuzzer found
    /// `array_length(a)` indexing past its one argument).
    #[test]
    fn every_builtin_takes_every_argument_count_it_allows() {
        let names = names();
        assert!(names.len() > 90, "the scan found only {names:?}");
        let r = Replayer::new(crate::catalog::Catalog::default());
        let cx = Ctx::new(&r, &NoVars);
        let kinds = [
            V::Null,
            V::Bool(true),
            V::Int(1),
            V::Int(0),
            V::Float(1.5),
            V::text("a"),
            V::text(""),
            V::Date(0),
            V::Tstz(0),
            V::Array(Vec::new()),
            V::Array(vec![V::text("a"), V::Null]),
            V::Array(vec![V::Array(vec![V::Int(1)])]),
            V::Opaque,
        ];
        let mut checked = 0;
        for name in &names {
            let Some(((min, max), f)) = lookup(name) else {
                panic!("{name} is in a built-in table but not found by lookup");
            };
            assert!(min <= max, "{name}");
            for n in usize::from(min)..=usize::from(max).min(7) {
                for k in &kinds {
                    let _ = f(&cx, vec![k.clone(); n]);
                    let mut mixed = vec![V::text("a"); n];
                    if let Some(last) = mixed.last_mut() {
                        *last = k.clone();
                    }
                    let _ = f(&cx, mixed);
                    checked += 1;
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }
}
