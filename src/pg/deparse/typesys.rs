//! Types as parse analysis sees them: built-in and user types, their categories, the casts
//! between them (`pg_cast`), and the coercion rules of `parse_coerce.c` (`can_coerce_type`,
//! `find_coercion_pathway`, `select_common_type`, polymorphic resolution).

mod coercion;
mod polymorphic;

pub(crate) use coercion::{CoercionContext, Path};
pub(crate) use polymorphic::resolve_polymorphic;

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
    /// The attributes of the composite type `ty` in order, with their modifiers (what
    /// `lookup_rowtype_tupdesc` gives, dropped attributes left out): a `CREATE TYPE … AS (…)`
    /// type, or the row type of a table or view. `None` for any other type.
    pub(crate) fn row_columns(&self, ty: &Ty) -> Option<Vec<(String, Ty, Vec<i64>)>> {
        if ty.array {
            return None;
        }
        let s = self.catalog.schemas.get(&ty.schema)?;
        if let Some(c) = s.composites.get(&ty.name) {
            return Some(
                c.attributes
                    .iter()
                    .map(|(n, t)| (n.clone(), Ty::from_sql(t), t.modifiers.clone()))
                    .collect(),
            );
        }
        let columns = match (s.tables.get(&ty.name), s.views.get(&ty.name)) {
            (Some(t), _) => &t.columns,
            (None, Some(v)) => &v.columns,
            (None, None) => return None,
        };
        Some(
            columns
                .iter()
                .map(|c| (c.name.clone(), Ty::from_sql(&c.ty), c.ty.modifiers.clone()))
                .collect(),
        )
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
            if schema.ranges.contains_key(&ty.name) || schema.multiranges.contains_key(&ty.name) {
                return TyInfo {
                    category: b'R',
                    preferred: false,
                    kind: TyKind::Base,
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

    /// The element type of a range or multirange type (`rngsubtype`): what `anyelement`
    /// resolves to beside an `anyrange` argument (`lower(tstzrange)` is a `timestamptz`).
    pub(crate) fn range_subtype(&self, ty: &Ty) -> Option<Ty> {
        let ty = self.base_type(ty);
        if ty.array {
            return None;
        }
        if ty.schema == "pg_catalog" {
            let sub = match ty.name.as_str() {
                "int4range" | "int4multirange" => "int4",
                "int8range" | "int8multirange" => "int8",
                "numrange" | "nummultirange" => "numeric",
                "tsrange" | "tsmultirange" => "timestamp",
                "tstzrange" | "tstzmultirange" => "timestamptz",
                "daterange" | "datemultirange" => "date",
                _ => return None,
            };
            return Some(Ty::b(sub));
        }
        let s = self.catalog.schemas.get(&ty.schema)?;
        let range = match s.multiranges.get(&ty.name) {
            Some(r) => self.catalog.schemas.get(&r.schema)?.ranges.get(&r.name)?,
            None => s.ranges.get(&ty.name)?,
        };
        Some(Ty::from_sql(&range.subtype))
    }

    /// The range type of a multirange type (`None` for other types).
    pub(crate) fn multirange_range(&self, ty: &Ty) -> Option<Ty> {
        if ty.array {
            return None;
        }
        if ty.schema == "pg_catalog" {
            let range = match ty.name.as_str() {
                "nummultirange" => "numrange".to_string(),
                n => format!("{}range", n.strip_suffix("multirange")?),
            };
            return Some(Ty::b(&range));
        }
        let r = self
            .catalog
            .schemas
            .get(&ty.schema)?
            .multiranges
            .get(&ty.name)?;
        Some(Ty {
            schema: r.schema.clone(),
            name: r.name.clone(),
            array: false,
        })
    }

    /// The multirange type of a range type (`None` for other types).
    pub(crate) fn range_multirange(&self, ty: &Ty) -> Option<Ty> {
        if ty.array {
            return None;
        }
        if ty.schema == "pg_catalog" {
            let multi = match ty.name.as_str() {
                "numrange" => "nummultirange".to_string(),
                n => format!("{}multirange", n.strip_suffix("range")?),
            };
            return Some(Ty::b(&multi));
        }
        self.catalog.schemas.iter().find_map(|(sn, s)| {
            s.multiranges
                .iter()
                .find(|(_, r)| r.schema == ty.schema && r.name == ty.name)
                .map(|(m, _)| Ty {
                    schema: sn.clone(),
                    name: m.clone(),
                    array: false,
                })
        })
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

    /// The schema an extension type lives in, when its extension is installed.
    pub(crate) fn extension_type_schema(&self, name: &str) -> Option<String> {
        crate::pg::builtin::extension_type_schema(self.catalog, name)
    }
}
