//! Types as parse analysis sees them: built-in and user types, their categories, the casts
//! between them (`pg_cast`), and the coercion rules of `parse_coerce.c` (`can_coerce_type`,
//! `find_coercion_pathway`, `select_common_type`, polymorphic resolution).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::SqlType;

use super::ExprContext;
use crate::pg::builtin::{builtin_category, extensions, pg_data};

/// A type's identity: schema, `pg_type.typname` of the element, and whether it is an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Ty {
    /// Schema (`pg_catalog` for built-ins).
    pub schema: String,
    /// Element `typname`.
    pub name: String,
    /// Array of `name`.
    pub array: bool,
}

impl Ty {
    /// A built-in scalar type.
    pub fn b(name: &str) -> Ty {
        Ty {
            schema: "pg_catalog".into(),
            name: name.into(),
            array: false,
        }
    }

    /// A built-in type written as in `pg_data` (`_int4` for arrays).
    pub fn from_data(name: &str) -> Ty {
        match name.strip_prefix('_') {
            Some(elem) => Ty::b(elem).array_of(),
            None => Ty::b(name),
        }
    }

    /// `unknown`, the type of an untyped literal.
    pub fn unknown() -> Ty {
        Ty::b("unknown")
    }

    /// The array type over this element type.
    pub fn array_of(mut self) -> Ty {
        self.array = true;
        self
    }

    /// The element type of an array type.
    pub fn elem(&self) -> Ty {
        Ty {
            array: false,
            ..self.clone()
        }
    }

    /// Whether this is the built-in (non-array) type `name`.
    pub fn is(&self, name: &str) -> bool {
        !self.array && self.schema == "pg_catalog" && self.name == name
    }

    /// Whether this is `unknown`.
    pub fn is_unknown(&self) -> bool {
        self.is("unknown")
    }

    /// From a column's [`SqlType`] (modifiers dropped).
    pub fn from_sql(t: &SqlType) -> Ty {
        Ty {
            schema: t.schema.clone(),
            name: t.name.clone(),
            array: t.array_dims > 0,
        }
    }

    /// As a [`SqlType`] with the given modifiers.
    pub fn to_sql(&self, typmod: &[i64]) -> SqlType {
        SqlType {
            schema: self.schema.clone(),
            name: self.name.clone(),
            modifiers: typmod.to_vec(),
            array_dims: u32::from(self.array),
        }
    }

    /// Whether this is a polymorphic pseudo-type (`anyelement`, `anyarray`, …).
    pub fn is_polymorphic(&self) -> bool {
        !self.array
            && self.schema == "pg_catalog"
            && matches!(
                self.name.as_str(),
                "anyelement"
                    | "anyarray"
                    | "anynonarray"
                    | "anyenum"
                    | "anyrange"
                    | "anymultirange"
                    | "anycompatible"
                    | "anycompatiblearray"
                    | "anycompatiblenonarray"
                    | "anycompatiblerange"
                    | "anycompatiblemultirange"
            )
    }
}

/// What kind of type a name denotes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TyKind {
    /// A base or pseudo type.
    Base,
    /// An enum type.
    Enum,
    /// A domain over a base type (with the base's modifiers).
    Domain(Ty, Vec<i64>),
    /// A composite type (including a table's row type).
    Composite,
}

/// Category, preferred flag and kind of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TyInfo {
    /// `typcategory` (`A` for arrays, `E` for enums, `C` for composites).
    pub category: u8,
    /// `typispreferred`.
    pub preferred: bool,
    /// Base, enum, domain or composite.
    pub kind: TyKind,
}

struct Builtins {
    casts: HashMap<(Ty, Ty), (u8, u8)>,
}

fn builtins() -> &'static Builtins {
    static B: OnceLock<Builtins> = OnceLock::new();
    B.get_or_init(|| {
        let mut casts = HashMap::new();
        for line in pg_data::CASTS.lines() {
            let f: Vec<&str> = line.split('|').collect();
            if f.len() == 4 {
                casts.insert(
                    (Ty::from_data(f[0]), Ty::from_data(f[1])),
                    (f[2].as_bytes()[0], f[3].as_bytes()[0]),
                );
            }
        }
        for (src, dst, ctx, method) in extensions::CASTS {
            let ty = |s: &str| match s.split_once('.') {
                Some((schema, name)) => Ty {
                    schema: format!("@{schema}"),
                    name: name.into(),
                    array: false,
                },
                None => Ty::from_data(s),
            };
            casts.insert((ty(src), ty(dst)), (*ctx, *method));
        }
        Builtins { casts }
    })
}

impl ExprContext<'_> {
    /// The type of attribute `field` of the composite type `ty` (a composite type's attribute,
    /// or a table's or view's column for its row type).
    pub(crate) fn field_type(&self, ty: &Ty, field: &str) -> Option<Ty> {
        if ty.array {
            return None;
        }
        let s = self.catalog.schemas.get(&ty.schema)?;
        if let Some(c) = s.composites.get(&ty.name) {
            return c
                .attributes
                .iter()
                .find(|(n, _)| n == field)
                .map(|(_, t)| Ty::from_sql(t));
        }
        let columns = match (s.tables.get(&ty.name), s.views.get(&ty.name)) {
            (Some(t), _) => &t.columns,
            (None, Some(v)) => &v.columns,
            (None, None) => return None,
        };
        columns
            .iter()
            .find(|c| c.name == field)
            .map(|c| Ty::from_sql(&c.ty))
    }

    /// Category, preferred flag and kind of `ty`.
    pub(crate) fn type_info(&self, ty: &Ty) -> TyInfo {
        if ty.array {
            return TyInfo {
                category: b'A',
                preferred: false,
                kind: TyKind::Base,
            };
        }
        if ty.schema == "pg_catalog" {
            let (category, preferred) = builtin_category(&ty.name).unwrap_or((b'U', false));
            return TyInfo {
                category,
                preferred,
                kind: TyKind::Base,
            };
        }
        if let Some(schema) = self.catalog.schemas.get(&ty.schema) {
            if schema.enums.contains_key(&ty.name) {
                return TyInfo {
                    category: b'E',
                    preferred: false,
                    kind: TyKind::Enum,
                };
            }
            if let Some(d) = schema.domains.get(&ty.name) {
                let base = Ty::from_sql(&d.base);
                let info = self.type_info(&base);
                return TyInfo {
                    kind: TyKind::Domain(base, d.base.modifiers.clone()),
                    ..info
                };
            }
            if schema.composites.contains_key(&ty.name)
                || schema.tables.contains_key(&ty.name)
                || schema.views.contains_key(&ty.name)
            {
                return TyInfo {
                    category: b'C',
                    preferred: false,
                    kind: TyKind::Composite,
                };
            }
        }
        if let Some(ext) = extensions::ext_type(&ty.name) {
            return TyInfo {
                category: ext.category,
                preferred: false,
                kind: TyKind::Base,
            };
        }
        TyInfo {
            category: b'U',
            preferred: false,
            kind: TyKind::Base,
        }
    }

    /// The base type of a domain (the type itself otherwise), with the domain's base typmod.
    pub(crate) fn base_type(&self, ty: &Ty) -> Ty {
        match self.type_info(ty).kind {
            TyKind::Domain(base, _) => self.base_type(&base),
            _ => ty.clone(),
        }
    }

    /// Whether `ty` is an enum.
    pub(crate) fn is_enum(&self, ty: &Ty) -> bool {
        matches!(self.type_info(ty).kind, TyKind::Enum)
    }

    /// `TypeCategory` of the base type.
    pub(crate) fn category(&self, ty: &Ty) -> u8 {
        self.type_info(&self.base_type(ty)).category
    }

    /// `IsPreferredType(category, ty)`.
    pub(crate) fn is_preferred_in(&self, category: u8, ty: &Ty) -> bool {
        let info = self.type_info(ty);
        info.category == category && info.preferred
    }

    /// A `pg_cast` row: `(castcontext, castmethod)`.
    fn cast(&self, src: &Ty, dst: &Ty) -> Option<(u8, u8)> {
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

    /// The schema an extension type lives in, when its extension is installed.
    pub(crate) fn extension_type_schema(&self, name: &str) -> Option<String> {
        crate::pg::builtin::extension_type_schema(self.catalog, name)
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

/// Whether a polymorphic parameter type accepts an actual argument type (on its own).
fn polymorphic_accepts(ctx: &ExprContext<'_>, target: &Ty, input: &Ty) -> bool {
    let input = ctx.base_type(input);
    match target.name.as_str() {
        "anyelement" | "anycompatible" => true,
        "anyarray" | "anycompatiblearray" => input.array,
        "anynonarray" | "anycompatiblenonarray" => !input.array,
        "anyenum" => ctx.is_enum(&input),
        "anyrange" | "anycompatiblerange" => {
            !input.array && ctx.category(&input) == b'R' && !input.name.ends_with("multirange")
        }
        "anymultirange" | "anycompatiblemultirange" => {
            !input.array && input.name.ends_with("multirange")
        }
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
            "anyrange" | "anycompatiblerange" | "anymultirange" | "anycompatiblemultirange" => {
                range = Some(a.clone());
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
            "anyrange" | "anycompatiblerange" | "anymultirange" | "anycompatiblemultirange" => {
                range.clone()
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
