//! Truth values, comparisons holding, `ANY`/`ALL` over arrays, and `LIKE` patterns.

use std::cmp::Ordering;

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::expr::Cmp;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Ctx;

/// A boolean's truth value (`None` for NULL).
pub(crate) fn truth(v: V<'_>) -> Res<Option<bool>> {
    match v {
        V::Bool(b) => Ok(Some(b)),
        V::Null => Ok(None),
        V::Text(s) => crate::sql::replay::guard::value::parse_bool(&s)
            .map(Some)
            .ok_or_else(|| {
                Fail::pg(
                    "invalid_text_representation",
                    format!("invalid input syntax for type boolean: \"{s}\""),
                )
            }),
        V::Opaque => Err(Fail::unknown("a value the history does not give")),
        other => Err(Fail::pg(
            "datatype_mismatch",
            format!(
                "argument must be type boolean, not type {}",
                other.type_name()
            ),
        )),
    }
}

pub(crate) fn cmp_holds(op: Cmp, o: Ordering) -> bool {
    match op {
        Cmp::Eq => o == Ordering::Equal,
        Cmp::Ne => o != Ordering::Equal,
        Cmp::Lt => o == Ordering::Less,
        Cmp::Le => o != Ordering::Greater,
        Cmp::Gt => o == Ordering::Greater,
        Cmp::Ge => o != Ordering::Less,
    }
}

/// `v op ANY (…)` / `v op ALL (…)` / `v [NOT] IN (…)` with SQL's NULL rules.
pub(super) fn any_of<'x, 'e: 'x>(
    cx: &Ctx<'_>,
    v: &V<'e>,
    items: impl Iterator<Item = &'x V<'e>>,
    op: Cmp,
    all: bool,
    negate: bool,
) -> Res<V<'e>> {
    let mut saw_null = v.is_null();
    let mut result = all;
    for i in items {
        match cx.compare(v, i)? {
            None => saw_null = true,
            Some(o) => {
                let holds = cmp_holds(op, o);
                if all && !holds {
                    result = false;
                    saw_null = false;
                    break;
                }
                if !all && holds {
                    result = true;
                    saw_null = false;
                    break;
                }
            }
        }
    }
    if saw_null && result == all {
        return Ok(V::Null);
    }
    Ok(V::Bool(result != negate))
}

/// SQL `LIKE` with `%`, `_` and `\` escapes (iterative, linear backtracking on `%`).
pub(crate) fn like(s: &str, p: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = p.chars().collect();
    let (mut i, mut j) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if j < p.len() && p[j] == '\\' && j + 1 < p.len() {
            if s[i] == p[j + 1] {
                i += 1;
                j += 2;
                continue;
            }
        } else if j < p.len() && (p[j] == '_' || (p[j] != '%' && p[j] == s[i])) {
            i += 1;
            j += 1;
            continue;
        } else if j < p.len() && p[j] == '%' {
            star = Some((j, i));
            j += 1;
            continue;
        }
        match star {
            Some((sj, si)) => {
                j = sj + 1;
                i = si + 1;
                star = Some((sj, si + 1));
            }
            None => return false,
        }
    }
    while j < p.len() && p[j] == '%' {
        j += 1;
    }
    j == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("users_pkey", "users%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
        assert!(like("a%b", "a\\%b"));
        assert!(like("xaaab", "%a%b"));
        assert!(!like("xaaac", "%a%b"));
    }
}
