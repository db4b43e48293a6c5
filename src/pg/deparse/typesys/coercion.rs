//! Casts and implicit coercions (`find_coercion_pathway`, `can_coerce_type`,
//! `select_common_type`).

use super::polymorphic::polymorphic_accepts;
use crate::pg::builtin::extensions;
use crate::pg::deparse::ExprContext;

use super::*;

impl ExprContext<'_> {
    /// A `pg_cast` row: `(castcontext, castmethod)`.
    pub(super) fn cast(&self, src: &Ty, dst: &Ty) -> Option<(u8, u8)> {
        let key = |t: &Ty| -> Ty {
            if t.schema == "pg_catalog" {
                t.clone()
            } else if let Some(ext) = extensions::ext_type(&t.name) {
                if self.extension_type_schema(&t.name).as_deref() == Some(t.schema.as_str()) {
                    Ty {
                        schema: format!("@{}", ext.extension),
                        name: t.name.clone(),
                        array: t.array,
                    }
                } else {
                    t.clone()
                }
            } else {
                t.clone()
            }
        };
        builtins().casts.get(&(key(src), key(dst))).copied()
    }

    /// `find_coercion_pathway(target, source, ccontext)`.
    pub(crate) fn coercion_pathway(&self, target: &Ty, source: &Ty, cc: CoercionContext) -> Path {
        let source = self.base_type(source);
        let target_base = self.base_type(target);
        if source == target_base {
            return Path::Relabel;
        }
        if let Some((ctx, method)) = self.cast(&source, &target_base) {
            let ok = match ctx {
                b'i' => true,
                b'a' => cc >= CoercionContext::Assignment,
                _ => cc >= CoercionContext::Explicit,
            };
            if !ok {
                return Path::None;
            }
            return match method {
                b'f' => Path::Func,
                b'b' => Path::Relabel,
                _ => Path::CoerceViaIo,
            };
        }
        if target_base.array && source.array && !target_base.is("int2vector") {
            let inner = self.coercion_pathway(&target_base.elem(), &source.elem(), cc);
            if inner != Path::None {
                return Path::ArrayCoerce;
            }
            return Path::None;
        }
        if cc >= CoercionContext::Assignment && self.category(&target_base) == b'S' {
            return Path::CoerceViaIo;
        }
        if cc >= CoercionContext::Explicit && self.category(&source) == b'S' {
            return Path::CoerceViaIo;
        }
        Path::None
    }

    /// `can_coerce_type` for one argument (polymorphic targets are checked separately).
    pub(crate) fn can_coerce(&self, input: &Ty, target: &Ty, cc: CoercionContext) -> bool {
        if input == target || target.is("any") || input.is_unknown() {
            return true;
        }
        if target.is_polymorphic() {
            return polymorphic_accepts(self, target, input);
        }
        if target.is("record") && (input.array || self.category(input) == b'C') {
            return self.category(input) == b'C';
        }
        if target.is("anyarray") && input.array {
            return true;
        }
        self.coercion_pathway(target, input, cc) != Path::None
    }

    /// `select_common_type` over expression types; `None` when the categories conflict.
    pub(crate) fn select_common_type(&self, types: &[Ty]) -> Option<Ty> {
        let first = types.first()?;
        if !first.is_unknown() && types.iter().all(|t| t == first) {
            return Some(first.clone());
        }
        let mut ptype = self.base_type(first);
        let mut pinfo = self.type_info(&ptype);
        for t in &types[1..] {
            let ntype = self.base_type(t);
            if ntype.is_unknown() || ntype == ptype {
                continue;
            }
            let ninfo = self.type_info(&ntype);
            if ptype.is_unknown() {
                ptype = ntype;
                pinfo = ninfo;
            } else if ninfo.category != pinfo.category {
                return None;
            } else if !pinfo.preferred
                && self.can_coerce(&ptype, &ntype, CoercionContext::Implicit)
                && !self.can_coerce(&ntype, &ptype, CoercionContext::Implicit)
            {
                ptype = ntype;
                pinfo = ninfo;
            }
        }
        if ptype.is_unknown() {
            ptype = Ty::b("text");
        }
        Some(ptype)
    }
}

/// How strong a coercion is allowed to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum CoercionContext {
    /// In expressions.
    Implicit,
    /// In assignments (column defaults).
    Assignment,
    /// Written casts.
    Explicit,
}

/// `CoercionPathType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Path {
    /// No coercion possible.
    None,
    /// Through a cast function.
    Func,
    /// Binary compatible.
    Relabel,
    /// Element by element.
    ArrayCoerce,
    /// Through text I/O.
    CoerceViaIo,
}
