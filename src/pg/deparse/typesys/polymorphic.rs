//! Polymorphic argument and result types (`anyelement`, `anyarray`, `anycompatible`, …) as
//! `enforce_generic_type_consistency` resolves them.

use crate::pg::deparse::ExprContext;

use super::*;

/// Whether a polymorphic parameter type accepts an actual argument type (on its own).
pub(super) fn polymorphic_accepts(ctx: &ExprContext<'_>, target: &Ty, input: &Ty) -> bool {
    let input = ctx.base_type(input);
    match target.name.as_str() {
        "anyelement" | "anycompatible" => true,
        "anyarray" | "anycompatiblearray" => input.array,
        "anynonarray" | "anycompatiblenonarray" => !input.array,
        "anyenum" => ctx.is_enum(&input),
        "anyrange" | "anycompatiblerange" => {
            ctx.category(&input) == b'R' && ctx.multirange_range(&input).is_none()
        }
        "anymultirange" | "anycompatiblemultirange" => ctx.multirange_range(&input).is_some(),
        _ => false,
    }
}

/// Resolves polymorphic parameter types against actual argument types
/// (`enforce_generic_type_consistency`): returns the declared types with polymorphic ones
/// replaced, and the resolved return type; `None` when inconsistent.
pub(crate) fn resolve_polymorphic(
    ctx: &ExprContext<'_>,
    actual: &[Ty],
    declared: &[Ty],
    ret: &Ty,
) -> Option<(Vec<Ty>, Ty)> {
    let is_compat = |t: &Ty| t.is_polymorphic() && t.name.starts_with("anycompatible");
    let mut elem: Option<Ty> = None;
    let mut range: Option<Ty> = None;
    let mut compat_elems: Vec<Ty> = Vec::new();
    let mut compat_seen = false;
    for (a, d) in actual.iter().zip(declared) {
        if !d.is_polymorphic() {
            continue;
        }
        if is_compat(d) {
            compat_seen = true;
        }
        if a.is_unknown() {
            continue;
        }
        let a = ctx.base_type(a);
        let e = match d.name.as_str() {
            "anyarray" | "anycompatiblearray" => {
                if !a.array {
                    return None;
                }
                a.elem()
            }
            // Kept as the range type: a multirange argument gives its range.
            "anyrange" | "anycompatiblerange" => {
                range = Some(a.clone());
                continue;
            }
            "anymultirange" | "anycompatiblemultirange" => {
                range = Some(ctx.multirange_range(&a).unwrap_or(a));
                continue;
            }
            _ => a,
        };
        if is_compat(d) {
            compat_elems.push(e);
        } else {
            match &elem {
                Some(x) if *x != e => return None,
                Some(_) => {}
                None => elem = Some(e),
            }
        }
    }
    // A range argument fixes the element type (`rngsubtype`) when no element argument did.
    if elem.is_none() {
        elem = range.as_ref().and_then(|r| ctx.range_subtype(r));
    }
    let compat = if compat_seen {
        if compat_elems.is_empty() {
            Some(Ty::b("text"))
        } else {
            ctx.select_common_type(&compat_elems)
        }
    } else {
        None
    };
    let subst = |d: &Ty| -> Option<Ty> {
        if !d.is_polymorphic() {
            return Some(d.clone());
        }
        let base = if is_compat(d) {
            compat.clone()
        } else {
            elem.clone()
        };
        match d.name.as_str() {
            "anyarray" | "anycompatiblearray" => base.map(|b| b.array_of()),
            "anyrange" | "anycompatiblerange" => range.clone(),
            "anymultirange" | "anycompatiblemultirange" => {
                range.as_ref().and_then(|r| ctx.range_multirange(r))
            }
            _ => base,
        }
    };
    let mut out = Vec::with_capacity(declared.len());
    for d in declared {
        out.push(subst(d).unwrap_or_else(|| d.clone()));
    }
    let ret = if ret.is_polymorphic() {
        subst(ret)?
    } else {
        ret.clone()
    };
    Some((out, ret))
}
