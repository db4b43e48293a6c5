//! `pg_namespace`, `pg_type` and `pg_enum`.

use std::borrow::Cow;

use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::vtab::{ns, oid, rel, schemas, t, tables, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::{role, PG};

pub(super) static PG_NAMESPACE: VTable = VTable {
    schema: PG,
    name: "pg_namespace",
    columns: &["oid", "nspname", "nspowner", "nspacl"],
    modelled: &["oid", "nspname", "nspowner"],
    indexed: &["oid", "nspname"],
    scan: scan_namespace,
};

const SYSTEM_SCHEMAS: &[&str] = &["pg_catalog", "information_schema", "pg_toast"];

fn scan_namespace<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.ns(0).or(k.text(1));
    for s in SYSTEM_SCHEMAS {
        if only.is_some_and(|o| o != *s) || cx.catalog().schemas.contains_key(*s) {
            continue;
        }
        if !out(&[oid(ns(s)), t(s), role("postgres"), V::Opaque])? {
            return Ok(());
        }
    }
    for sc in schemas(cx, only) {
        if !out(&[oid(ns(&sc.name)), t(&sc.name), role("postgres"), V::Opaque])? {
            return Ok(());
        }
    }
    Ok(())
}

pub(super) static PG_TYPE: VTable = VTable {
    schema: PG,
    name: "pg_type",
    columns: &[
        "oid",
        "typname",
        "typnamespace",
        "typowner",
        "typlen",
        "typbyval",
        "typtype",
        "typcategory",
        "typispreferred",
        "typisdefined",
        "typdelim",
        "typrelid",
        "typsubscript",
        "typelem",
        "typarray",
        "typinput",
        "typoutput",
        "typreceive",
        "typsend",
        "typmodin",
        "typmodout",
        "typanalyze",
        "typalign",
        "typstorage",
        "typnotnull",
        "typbasetype",
        "typtypmod",
        "typndims",
        "typcollation",
        "typdefaultbin",
        "typdefault",
        "typacl",
    ],
    modelled: &[
        "oid",
        "typname",
        "typnamespace",
        "typowner",
        "typtype",
        "typcategory",
        "typisdefined",
        "typrelid",
        "typelem",
        "typarray",
        "typnotnull",
        "typbasetype",
        "typdefault",
    ],
    indexed: &["oid", "typname", "typnamespace"],
    scan: scan_type,
};

#[allow(clippy::too_many_arguments)]
fn type_row<'a>(
    schema: &'a str,
    name: Cow<'a, str>,
    kind: &'static str,
    category: &'static str,
    relid: Option<&'a str>,
    elem: Option<Cow<'a, str>>,
    base: Option<Obj<'a>>,
    not_null: bool,
    default: Option<&'a str>,
) -> Vec<V<'a>> {
    let is_array = elem.is_some();
    let mut row = vec![V::Opaque; 32];
    row[0] = oid(Obj::Type(Cow::Borrowed(schema), name.clone()));
    row[2] = oid(ns(schema));
    row[3] = role("postgres");
    row[6] = t(kind);
    row[7] = t(category);
    row[9] = V::Bool(true);
    row[11] = oid(relid.map_or(Obj::Number(0), |r| rel(schema, r)));
    row[13] = oid(match &elem {
        Some(e) => Obj::Type(Cow::Borrowed(schema), e.clone()),
        None => Obj::Number(0),
    });
    row[14] = oid(if is_array {
        Obj::Number(0)
    } else {
        Obj::Type(Cow::Borrowed(schema), Cow::Owned(format!("_{name}")))
    });
    row[24] = V::Bool(not_null);
    row[25] = oid(base.unwrap_or(Obj::Number(0)));
    row[30] = default.map_or(V::Null, t);
    row[1] = V::Text(name);
    row
}

fn scan_type<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let (only_schema, only_name): (Option<&str>, Option<&str>) = match k.obj(0) {
        Some(Obj::Type(s, n)) => (Some(s), Some(n)),
        _ => (k.ns(2), k.text(1)),
    };
    // A built-in or extension type asked for by name.
    if let Some(n) = only_name {
        let builtin = crate::pg::builtin::is_builtin_type(n.trim_start_matches('_'));
        if builtin && only_schema.is_none_or(|s| s == "pg_catalog") {
            let elem = n.strip_prefix('_').map(|e| Cow::Owned(e.to_string()));
            let kind = "b";
            let row = type_row(
                "pg_catalog",
                Cow::Owned(n.to_string()),
                kind,
                if elem.is_some() { "A" } else { "U" },
                None,
                elem,
                None,
                false,
                None,
            );
            if !out(&row)? {
                return Ok(());
            }
        } else if let Some(s) = crate::pg::builtin::extension_type_schema(cx.catalog(), n) {
            if only_schema.is_none_or(|o| o == s) {
                let row = type_row(
                    leak_schema(cx, &s),
                    Cow::Owned(n.to_string()),
                    "b",
                    "U",
                    None,
                    None,
                    None,
                    false,
                    None,
                );
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    for sc in schemas(cx, only_schema) {
        let mut emit = |name: &'a str,
                        kind: &'static str,
                        cat: &'static str,
                        relid: Option<&'a str>,
                        base: Option<Obj<'a>>,
                        nn: bool,
                        def: Option<&'a str>|
         -> Res<bool> {
            if only_name.is_none_or(|w| w == name) {
                let row = type_row(
                    &sc.name,
                    Cow::Borrowed(name),
                    kind,
                    cat,
                    relid,
                    None,
                    base,
                    nn,
                    def,
                );
                if !out(&row)? {
                    return Ok(false);
                }
            }
            if only_name.is_none_or(|w| w.strip_prefix('_') == Some(name)) {
                let row = type_row(
                    &sc.name,
                    Cow::Owned(format!("_{name}")),
                    "b",
                    "A",
                    None,
                    Some(Cow::Borrowed(name)),
                    None,
                    false,
                    None,
                );
                if !out(&row)? {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        for e in sc.enums.keys() {
            if !emit(e, "e", "E", None, None, false, None)? {
                return Ok(());
            }
        }
        for d in sc.domains.values() {
            let base = crate::sql::replay::guard::names::type_obj(&d.base);
            if !emit(
                &d.name,
                "d",
                "U",
                None,
                Some(base),
                d.not_null,
                d.default.as_deref(),
            )? {
                return Ok(());
            }
        }
        for c in sc.composites.keys() {
            if !emit(c, "c", "C", Some(c), None, false, None)? {
                return Ok(());
            }
        }
        for r in sc.ranges.keys() {
            if !emit(r, "r", "R", None, None, false, None)? {
                return Ok(());
            }
        }
        for m in sc.multiranges.keys() {
            if !emit(m, "m", "R", None, None, false, None)? {
                return Ok(());
            }
        }
        for tb in tables(sc, None) {
            if !emit(&tb.name, "c", "C", Some(&tb.name), None, false, None)? {
                return Ok(());
            }
        }
        for v in sc.views.values() {
            if !emit(&v.name, "c", "C", Some(&v.name), None, false, None)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The schema name as borrowed from the catalog (extension schemas are catalog schemas).
fn leak_schema<'a>(cx: &Ctx<'a>, s: &str) -> &'a str {
    cx.catalog()
        .schemas
        .get_key_value(s)
        .map(|(k, _)| k.as_str())
        .unwrap_or("extensions")
}

pub(super) static PG_ENUM: VTable = VTable {
    schema: PG,
    name: "pg_enum",
    columns: &["oid", "enumtypid", "enumsortorder", "enumlabel"],
    modelled: &["oid", "enumtypid", "enumsortorder", "enumlabel"],
    indexed: &["enumtypid"],
    scan: scan_enum,
};

fn scan_enum<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let (only_schema, only_name) = match k.obj(1) {
        Some(Obj::Type(s, n)) => (Some(s.as_ref()), Some(n.as_ref())),
        _ => (None, None),
    };
    for sc in schemas(cx, only_schema) {
        for e in sc.enums.values() {
            if only_name.is_some_and(|n| n != e.name) {
                continue;
            }
            for (i, label) in e.values.iter().enumerate() {
                if k.text(3).is_some_and(|l| l != label) {
                    continue;
                }
                let row = [
                    oid(Obj::Number(i as i64 + 1)),
                    oid(Obj::Type(Cow::Borrowed(&sc.name), Cow::Borrowed(&e.name))),
                    V::Float(i as f64 + 1.0),
                    t(label),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}
