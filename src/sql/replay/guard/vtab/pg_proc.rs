//! `pg_proc` and `information_schema.routines`, from the routine registry. Routines of the
//! base catalog (known by name only) make a scan that would include them not evaluable.

use std::borrow::Cow;

use super::{ns, oid, t, Keys, Out, VTable};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::names::type_obj;
use crate::sql::replay::guard::routines::Routine;
use crate::sql::replay::guard::value::{Obj, Reg, V};
use crate::sql::replay::guard::Ctx;

pub(super) const TABLES: &[&VTable] = &[&PG_PROC, &super::info_schema::ROUTINES];

static PG_PROC: VTable = VTable {
    schema: "pg_catalog",
    name: "pg_proc",
    columns: &[
        "oid",
        "proname",
        "pronamespace",
        "proowner",
        "prolang",
        "procost",
        "prorows",
        "provariadic",
        "prosupport",
        "prokind",
        "prosecdef",
        "proleakproof",
        "proisstrict",
        "proretset",
        "provolatile",
        "proparallel",
        "pronargs",
        "pronargdefaults",
        "prorettype",
        "proargtypes",
        "proallargtypes",
        "proargmodes",
        "proargnames",
        "proargdefaults",
        "protrftypes",
        "prosrc",
        "probin",
        "prosqlbody",
        "proconfig",
        "proacl",
    ],
    modelled: &[
        "oid",
        "proname",
        "pronamespace",
        "proowner",
        "prokind",
        "prosecdef",
        "proretset",
        "provolatile",
        "pronargs",
        "prorettype",
        "proargtypes",
        "proargnames",
        "prosrc",
    ],
    indexed: &["oid", "proname", "pronamespace"],
    scan: scan_proc,
};

/// The routines a scan visits: those of the registry matching the keys, and the routines known
/// by name only (the base catalog's), as (schema, name).
type Visit<'a> = (Vec<&'a Routine>, Vec<(&'a str, &'a str)>);

fn visit<'a>(cx: &Ctx<'a>, id: Option<u32>, schema: Option<&str>, name: Option<&str>) -> Visit<'a> {
    let routines = &cx.tracked().routines;
    if let Some(id) = id {
        return (routines.get(id).into_iter().collect(), Vec::new());
    }
    let mut by_name = Vec::new();
    for (s, sc) in &cx.catalog().schemas {
        if schema.is_some_and(|w| w != s) {
            continue;
        }
        match name {
            Some(n) => {
                if let Some(f) = sc.functions.get(n) {
                    if !routines.has_name(s, f) {
                        by_name.push((s.as_str(), f.as_str()));
                    }
                }
            }
            None => {
                for f in &sc.functions {
                    if !routines.has_name(s, f) {
                        by_name.push((s.as_str(), f.as_str()));
                    }
                }
            }
        }
    }
    let known = match (schema, name) {
        (Some(s), Some(n)) => routines.named(s, n).collect(),
        (None, Some(n)) => routines.named_anywhere(n),
        (Some(s), None) => routines.in_schema(s),
        (None, None) => routines.iter().collect(),
    };
    (known, by_name)
}

fn scan_proc<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let id = match k.obj(0) {
        Some(Obj::Proc(id)) => Some(*id),
        _ => None,
    };
    if matches!(k.obj(0), Some(o) if !matches!(o, Obj::Proc(_))) {
        return Ok(());
    }
    let (known, by_name) = visit(cx, id, k.ns(2), k.text(1));
    for (schema, name) in by_name {
        // Signature unknown: every column but the name and schema is unknown.
        let mut row = vec![V::Opaque; 30];
        row[1] = t(name);
        row[2] = oid(ns(schema));
        if !out(&row)? {
            return Ok(());
        }
    }
    for r in known {
        let mut row = vec![V::Opaque; 30];
        row[0] = oid(Obj::Proc(r.id));
        row[1] = t(&r.name);
        row[2] = oid(ns(&r.schema));
        row[3] = oid(Obj::Role(Cow::Borrowed("postgres")));
        row[9] = t(match r.kind {
            'p' => "p",
            'a' => "a",
            _ => "f",
        });
        row[10] = V::Bool(r.security_definer);
        row[13] = V::Bool(r.retset);
        if k.need(14) {
            row[14] = V::text(r.volatility.to_string());
        }
        row[16] = V::Int(r.args.len() as i64);
        row[18] = match &r.ret {
            Some(ty) => oid(type_obj(ty)),
            None => oid(Obj::Number(0)),
        };
        if k.need(19) {
            row[19] = V::Array(
                r.args
                    .iter()
                    .map(|a| V::Oid(Reg::Oid, type_obj(a)))
                    .collect(),
            );
        }
        if k.need(22) {
            row[22] = if r.arg_names.iter().all(String::is_empty) {
                V::Null
            } else {
                V::Array(r.arg_names.iter().map(|n| t(n)).collect())
            };
        }
        row[25] = t(&r.body);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

pub(super) fn scan_routines<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let schema = k.text(4).or(k.text(1));
    let (known, by_name) = visit(cx, None, schema, k.text(5));
    for (schema, name) in by_name {
        let mut row = vec![V::Opaque; 82];
        row[0] = t("postgres");
        row[1] = t(schema);
        row[3] = t("postgres");
        row[4] = t(schema);
        row[5] = t(name);
        if !out(&row)? {
            return Ok(());
        }
    }
    for r in known {
        let mut row = vec![V::Opaque; 82];
        let specific = format!("{}_{}", r.name, Obj::Proc(r.id).number());
        row[0] = t("postgres");
        row[1] = t(&r.schema);
        row[2] = V::text(specific);
        row[3] = t("postgres");
        row[4] = t(&r.schema);
        row[5] = t(&r.name);
        row[6] = t(if r.kind == 'p' {
            "PROCEDURE"
        } else {
            "FUNCTION"
        });
        row[13] = match &r.ret {
            Some(ty) => V::text(super::info_schema::info_data_type(cx.catalog(), ty)),
            None => V::Null,
        };
        row[28] = t("postgres");
        row[29] = match &r.ret {
            Some(ty) => V::text(ty.schema.clone()),
            None => V::Null,
        };
        row[30] = match &r.ret {
            Some(ty) => V::text(ty.udt_name()),
            None => V::Null,
        };
        let sql = matches!(r.language.as_str(), "sql" | "plpgsql");
        row[36] = t(if r.language == "sql" {
            "SQL"
        } else {
            "EXTERNAL"
        });
        row[37] = if sql { t(&r.body) } else { V::Null };
        row[39] = V::text(r.language.to_uppercase());
        row[41] = t(if r.volatility == 'i' { "YES" } else { "NO" });
        row[49] = t(if r.security_definer {
            "DEFINER"
        } else {
            "INVOKER"
        });
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}
