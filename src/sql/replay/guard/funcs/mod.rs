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

/// Finds a built-in by (lower-case) name.
pub(crate) fn lookup(name: &str) -> Option<Builtin> {
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
