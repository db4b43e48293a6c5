//! `pg_namespace`, `pg_type`, `pg_enum`, `pg_constraint`, `pg_policy`/`pg_policies`,
//! `pg_trigger`, `pg_extension`, roles, `pg_description` and small fixed catalogs.

use std::borrow::Cow;

use super::{attnum, ns, oid, rel, schemas, t, tables, Keys, Out, VTable};
use crate::catalog::{Deferrable, FkAction};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, Reg, V};
use crate::sql::replay::guard::Ctx;

pub(super) const TABLES: &[&VTable] = &[
    &PG_NAMESPACE,
    &PG_TYPE,
    &PG_ENUM,
    &PG_CONSTRAINT,
    &PG_POLICY,
    &PG_POLICIES,
    &PG_TRIGGER,
    &PG_EXTENSION,
    &PG_ROLES,
    &PG_USER,
    &PG_AUTHID,
    &PG_PUBLICATION,
    &PG_DESCRIPTION,
    &PG_EVENT_TRIGGER,
    &PG_LANGUAGE,
    &PG_AM,
    &PG_DATABASE,
];

const PG: &str = "pg_catalog";

fn role<'a>(name: &'a str) -> V<'a> {
    oid(Obj::Role(Cow::Borrowed(name)))
}

static PG_NAMESPACE: VTable = VTable {
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

static PG_TYPE: VTable = VTable {
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

static PG_ENUM: VTable = VTable {
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

static PG_CONSTRAINT: VTable = VTable {
    schema: PG,
    name: "pg_constraint",
    columns: &[
        "oid",
        "conname",
        "connamespace",
        "contype",
        "condeferrable",
        "condeferred",
        "convalidated",
        "conrelid",
        "contypid",
        "conindid",
        "conparentid",
        "confrelid",
        "confupdtype",
        "confdeltype",
        "confmatchtype",
        "conislocal",
        "coninhcount",
        "connoinherit",
        "conkey",
        "confkey",
        "conpfeqop",
        "conppeqop",
        "conffeqop",
        "confdelsetcols",
        "conexclop",
        "conbin",
    ],
    modelled: &[
        "oid",
        "conname",
        "connamespace",
        "contype",
        "condeferrable",
        "condeferred",
        "convalidated",
        "conrelid",
        "contypid",
        "conindid",
        "conparentid",
        "confrelid",
        "confupdtype",
        "confdeltype",
        "confmatchtype",
        "conislocal",
        "coninhcount",
        "connoinherit",
        "conkey",
        "confkey",
        "conbin",
    ],
    indexed: &["oid", "conrelid", "conname", "connamespace"],
    scan: scan_constraint,
};

fn fk_action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "a",
        FkAction::Restrict => "r",
        FkAction::Cascade => "c",
        FkAction::SetNull => "n",
        FkAction::SetDefault => "d",
    }
}

fn scan_constraint<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let c = cx.catalog();
    let (only_schema, only_table, only_name) = match (k.obj(0), k.rel(7)) {
        (Some(Obj::Con(s, tb, n)), _) => (Some(s.as_ref()), Some(tb.as_ref()), Some(n.as_ref())),
        (_, Some((s, n))) => (Some(s), Some(n), k.text(1)),
        _ => (k.ns(2), None, k.text(1)),
    };
    for sc in schemas(cx, only_schema) {
        for tb in tables(sc, only_table) {
            // `conname = '…'` (the usual guard): pass over tables without that constraint
            // before building any row, so a guard per table stays linear in the schema.
            if only_name.is_some_and(|n| !has_constraint(tb, n)) {
                continue;
            }
            let relid = oid(rel(&sc.name, &tb.name));
            let keys =
                |cols: &[String]| V::Array(cols.iter().map(|x| V::Int(attnum(tb, x))).collect());
            let mut emit = |name: &'a str,
                            kind: &'static str,
                            d: Deferrable,
                            validated: bool,
                            key: V<'a>,
                            fk: Option<&'a crate::catalog::ForeignKey>,
                            bin: Option<&'a str>,
                            index: bool,
                            no_inherit: bool|
             -> Res<bool> {
                if only_name.is_some_and(|n| n != name) {
                    return Ok(true);
                }
                let (frel, fkey, upd, del, mt) = match fk {
                    Some(f) => {
                        let target = c.table(&f.references.schema, &f.references.name);
                        let fkey = match target {
                            Some(rt) => V::Array(
                                f.referenced_columns
                                    .iter()
                                    .map(|x| V::Int(attnum(rt, x)))
                                    .collect(),
                            ),
                            None => V::Opaque,
                        };
                        (
                            oid(rel(&f.references.schema, &f.references.name)),
                            fkey,
                            t(fk_action(f.on_update)),
                            t(fk_action(f.on_delete)),
                            t(match f.match_type {
                                crate::catalog::MatchType::Simple => "s",
                                crate::catalog::MatchType::Full => "f",
                                crate::catalog::MatchType::Partial => "p",
                            }),
                        )
                    }
                    None => (oid(Obj::Number(0)), V::Null, t(" "), t(" "), t(" ")),
                };
                let row = [
                    oid(Obj::Con(
                        Cow::Borrowed(&sc.name),
                        Cow::Borrowed(&tb.name),
                        Cow::Borrowed(name),
                    )),
                    t(name),
                    oid(ns(&sc.name)),
                    t(kind),
                    V::Bool(d != Deferrable::NotDeferrable),
                    V::Bool(d == Deferrable::InitiallyDeferred),
                    V::Bool(validated),
                    relid.clone(),
                    oid(Obj::Number(0)),
                    oid(if index {
                        rel(&sc.name, name)
                    } else {
                        Obj::Number(0)
                    }),
                    oid(Obj::Number(0)),
                    frel,
                    upd,
                    del,
                    mt,
                    V::Bool(true),
                    V::Int(0),
                    V::Bool(no_inherit),
                    key,
                    fkey,
                    V::Opaque,
                    V::Opaque,
                    V::Opaque,
                    V::Opaque,
                    V::Opaque,
                    bin.map_or(V::Null, t),
                ];
                out(&row)
            };
            if let Some(pk) = &tb.primary_key {
                if !emit(
                    &pk.name,
                    "p",
                    pk.deferrable,
                    true,
                    keys(&pk.columns),
                    None,
                    None,
                    true,
                    false,
                )? {
                    return Ok(());
                }
            }
            for u in &tb.uniques {
                if !emit(
                    &u.name,
                    "u",
                    u.deferrable,
                    true,
                    keys(&u.columns),
                    None,
                    None,
                    true,
                    false,
                )? {
                    return Ok(());
                }
            }
            for f in &tb.foreign_keys {
                if !emit(
                    &f.name,
                    "f",
                    f.deferrable,
                    f.validated,
                    keys(&f.columns),
                    Some(f),
                    None,
                    false,
                    false,
                )? {
                    return Ok(());
                }
            }
            for ck in &tb.checks {
                if !emit(
                    &ck.name,
                    "c",
                    Deferrable::NotDeferrable,
                    ck.validated,
                    V::Opaque,
                    None,
                    Some(&ck.expression),
                    false,
                    ck.no_inherit,
                )? {
                    return Ok(());
                }
            }
            for x in &tb.exclusions {
                if !emit(
                    &x.name,
                    "x",
                    Deferrable::NotDeferrable,
                    true,
                    V::Opaque,
                    None,
                    None,
                    true,
                    false,
                )? {
                    return Ok(());
                }
            }
        }
        if only_table.is_none() {
            for d in sc.domains.values() {
                for ck in &d.checks {
                    if only_name.is_some_and(|n| n != ck.name) {
                        continue;
                    }
                    let mut row = vec![V::Opaque; 26];
                    row[0] = oid(Obj::Con(
                        Cow::Borrowed(&sc.name),
                        Cow::Borrowed(&d.name),
                        Cow::Borrowed(&ck.name),
                    ));
                    row[1] = t(&ck.name);
                    row[2] = oid(ns(&sc.name));
                    row[3] = t("c");
                    row[6] = V::Bool(ck.validated);
                    row[7] = oid(Obj::Number(0));
                    row[8] = oid(Obj::Type(Cow::Borrowed(&sc.name), Cow::Borrowed(&d.name)));
                    row[11] = oid(Obj::Number(0));
                    row[25] = t(&ck.expression);
                    if !out(&row)? {
                        return Ok(());
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether a table has a constraint called `name` (the kinds [`scan_constraint`] emits).
fn has_constraint(tb: &crate::catalog::Table, name: &str) -> bool {
    tb.primary_key.as_ref().is_some_and(|pk| pk.name == name)
        || tb.uniques.iter().any(|u| u.name == name)
        || tb.foreign_keys.iter().any(|f| f.name == name)
        || tb.checks.iter().any(|c| c.name == name)
        || tb.exclusions.iter().any(|x| x.name == name)
}

fn polcmd(command: &str) -> &'static str {
    match command {
        "select" => "r",
        "insert" => "a",
        "update" => "w",
        "delete" => "d",
        _ => "*",
    }
}

static PG_POLICY: VTable = VTable {
    schema: PG,
    name: "pg_policy",
    columns: &[
        "oid",
        "polname",
        "polrelid",
        "polcmd",
        "polpermissive",
        "polroles",
        "polqual",
        "polwithcheck",
    ],
    modelled: &[
        "oid",
        "polname",
        "polrelid",
        "polcmd",
        "polpermissive",
        "polroles",
        "polqual",
        "polwithcheck",
    ],
    indexed: &["polrelid", "polname"],
    scan: scan_policy,
};

fn scan_policy<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(2);
    for sc in schemas(cx, only.map(|(s, _)| s)) {
        for tb in tables(sc, only.map(|(_, n)| n)) {
            for (i, p) in tb.policies.iter().enumerate() {
                if k.text(1).is_some_and(|n| n != p.name) {
                    continue;
                }
                let row = [
                    oid(Obj::Number(i as i64 + 1)),
                    t(&p.name),
                    oid(rel(&sc.name, &tb.name)),
                    t(polcmd(&p.command)),
                    V::Bool(p.permissive),
                    V::Array(
                        p.roles
                            .iter()
                            .map(|r| V::Oid(Reg::Oid, Obj::Role(Cow::Borrowed(r))))
                            .collect(),
                    ),
                    p.using.as_deref().map_or(V::Null, t),
                    p.with_check.as_deref().map_or(V::Null, t),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static PG_POLICIES: VTable = VTable {
    schema: PG,
    name: "pg_policies",
    columns: &[
        "schemaname",
        "tablename",
        "policyname",
        "permissive",
        "roles",
        "cmd",
        "qual",
        "with_check",
    ],
    modelled: &[
        "schemaname",
        "tablename",
        "policyname",
        "permissive",
        "roles",
        "cmd",
        "qual",
        "with_check",
    ],
    indexed: &["schemaname", "tablename"],
    scan: scan_policies,
};

fn scan_policies<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(0)) {
        for tb in tables(sc, k.text(1)) {
            for p in &tb.policies {
                if k.text(2).is_some_and(|n| n != p.name) {
                    continue;
                }
                let row = [
                    t(&sc.name),
                    t(&tb.name),
                    t(&p.name),
                    t(if p.permissive {
                        "PERMISSIVE"
                    } else {
                        "RESTRICTIVE"
                    }),
                    V::Array(p.roles.iter().map(|r| t(r)).collect()),
                    V::text(p.command.to_uppercase()),
                    p.using.as_deref().map_or(V::Null, t),
                    p.with_check.as_deref().map_or(V::Null, t),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static PG_TRIGGER: VTable = VTable {
    schema: PG,
    name: "pg_trigger",
    columns: &[
        "oid",
        "tgrelid",
        "tgparentid",
        "tgname",
        "tgfoid",
        "tgtype",
        "tgenabled",
        "tgisinternal",
        "tgconstrrelid",
        "tgconstrindid",
        "tgconstraint",
        "tgdeferrable",
        "tginitdeferred",
        "tgnargs",
        "tgattr",
        "tgargs",
        "tgqual",
        "tgoldtable",
        "tgnewtable",
    ],
    modelled: &[
        "oid",
        "tgrelid",
        "tgparentid",
        "tgname",
        "tgenabled",
        "tgisinternal",
        "tgdeferrable",
        "tginitdeferred",
    ],
    indexed: &["tgrelid", "tgname"],
    scan: scan_trigger,
};

fn scan_trigger<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(1);
    for (i, tr) in cx.tracked().triggers.iter().enumerate() {
        if only.is_some_and(|(s, n)| s != tr.schema || n != tr.table)
            || k.text(3).is_some_and(|n| n != tr.name)
        {
            continue;
        }
        let mut row = vec![V::Opaque; 19];
        row[0] = oid(Obj::Number(i as i64 + 1));
        row[1] = oid(rel(&tr.schema, &tr.table));
        row[2] = oid(Obj::Number(0));
        row[3] = t(&tr.name);
        row[6] = t("O");
        row[7] = V::Bool(false);
        row[11] = V::Bool(false);
        row[12] = V::Bool(false);
        if !out(&row)? {
            return Ok(());
        }
    }
    Ok(())
}

static PG_EXTENSION: VTable = VTable {
    schema: PG,
    name: "pg_extension",
    columns: &[
        "oid",
        "extname",
        "extowner",
        "extnamespace",
        "extrelocatable",
        "extversion",
        "extconfig",
        "extcondition",
    ],
    modelled: &["oid", "extname", "extowner", "extnamespace"],
    indexed: &["extname"],
    scan: scan_extension,
};

fn scan_extension<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for (i, e) in cx.catalog().extensions.values().enumerate() {
        if k.text(1).is_some_and(|n| n != e.name) {
            continue;
        }
        let row = [
            oid(Obj::Number(i as i64 + 1)),
            t(&e.name),
            role("postgres"),
            oid(ns(&e.schema)),
            V::Opaque,
            V::Opaque,
            V::Opaque,
            V::Opaque,
        ];
        if !out(&row)? {
            return Ok(());
        }
    }
    Ok(())
}

fn role_names() -> impl Iterator<Item = &'static str> {
    std::iter::once("postgres").chain(
        crate::sql::supabase::ROLES
            .iter()
            .copied()
            .filter(|r| *r != "postgres"),
    )
}

static PG_ROLES: VTable = VTable {
    schema: PG,
    name: "pg_roles",
    columns: &[
        "rolname",
        "rolsuper",
        "rolinherit",
        "rolcreaterole",
        "rolcreatedb",
        "rolcanlogin",
        "rolreplication",
        "rolconnlimit",
        "rolpassword",
        "rolvaliduntil",
        "rolbypassrls",
        "rolconfig",
        "oid",
    ],
    modelled: &["rolname", "oid"],
    indexed: &["rolname"],
    scan: scan_roles,
};

fn scan_roles<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for r in role_names() {
        if k.text(0).is_some_and(|n| n != r) {
            continue;
        }
        let mut row = vec![V::Opaque; 13];
        row[0] = t(r);
        row[12] = role(r);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

static PG_USER: VTable = VTable {
    schema: PG,
    name: "pg_user",
    columns: &[
        "usename",
        "usesysid",
        "usecreatedb",
        "usesuper",
        "userepl",
        "usebypassrls",
        "passwd",
        "valuntil",
        "useconfig",
    ],
    modelled: &["usename", "usesysid"],
    indexed: &["usename"],
    scan: scan_user,
};

fn scan_user<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for r in role_names() {
        if k.text(0).is_some_and(|n| n != r) {
            continue;
        }
        let mut row = vec![V::Opaque; 9];
        row[0] = t(r);
        row[1] = role(r);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

static PG_AUTHID: VTable = VTable {
    schema: PG,
    name: "pg_authid",
    columns: &[
        "oid",
        "rolname",
        "rolsuper",
        "rolinherit",
        "rolcreaterole",
        "rolcreatedb",
        "rolcanlogin",
        "rolreplication",
        "rolbypassrls",
        "rolconnlimit",
        "rolpassword",
        "rolvaliduntil",
    ],
    modelled: &["oid", "rolname"],
    indexed: &["rolname"],
    scan: scan_authid,
};

fn scan_authid<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for r in role_names() {
        if k.text(1).is_some_and(|n| n != r) {
            continue;
        }
        let mut row = vec![V::Opaque; 12];
        row[0] = role(r);
        row[1] = t(r);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

static PG_PUBLICATION: VTable = VTable {
    schema: PG,
    name: "pg_publication",
    columns: &[
        "oid",
        "pubname",
        "pubowner",
        "puballtables",
        "pubinsert",
        "pubupdate",
        "pubdelete",
        "pubtruncate",
        "pubviaroot",
    ],
    modelled: &["oid", "pubname", "pubowner"],
    indexed: &["pubname"],
    scan: scan_publication,
};

fn scan_publication<'a>(_: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    if k.text(1).is_some_and(|n| n != "supabase_realtime") {
        return Ok(());
    }
    let mut row = vec![V::Opaque; 9];
    row[0] = oid(Obj::Number(1));
    row[1] = t("supabase_realtime");
    row[2] = role("postgres");
    out(&row).map(|_| ())
}

static PG_DESCRIPTION: VTable = VTable {
    schema: PG,
    name: "pg_description",
    columns: &["objoid", "classoid", "objsubid", "description"],
    modelled: &["objoid", "objsubid", "description"],
    indexed: &["objoid"],
    scan: scan_description,
};

fn scan_description<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(0);
    for sc in schemas(cx, only.map(|(s, _)| s)) {
        for tb in tables(sc, only.map(|(_, n)| n)) {
            if let Some(c) = &tb.comment {
                if !out(&[oid(rel(&sc.name, &tb.name)), V::Opaque, V::Int(0), t(c)])? {
                    return Ok(());
                }
            }
            for (i, col) in tb.columns.iter().enumerate() {
                if let Some(c) = &col.comment {
                    if !out(&[
                        oid(rel(&sc.name, &tb.name)),
                        V::Opaque,
                        V::Int(i as i64 + 1),
                        t(c),
                    ])? {
                        return Ok(());
                    }
                }
            }
        }
        for v in sc.views.values() {
            if only.is_some_and(|(_, n)| n != v.name) {
                continue;
            }
            if let Some(c) = &v.comment {
                if !out(&[oid(rel(&sc.name, &v.name)), V::Opaque, V::Int(0), t(c)])? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static PG_EVENT_TRIGGER: VTable = VTable {
    schema: PG,
    name: "pg_event_trigger",
    columns: &[
        "oid",
        "evtname",
        "evtevent",
        "evtowner",
        "evtfoid",
        "evtenabled",
        "evttags",
    ],
    modelled: &[],
    indexed: &[],
    scan: |_, _, _| {
        Err(crate::sql::replay::guard::Fail::unknown(
            "event triggers (pg_event_trigger) are not modelled",
        ))
    },
};

static PG_LANGUAGE: VTable = VTable {
    schema: PG,
    name: "pg_language",
    columns: &[
        "oid",
        "lanname",
        "lanowner",
        "lanispl",
        "lanpltrusted",
        "lanplcallfoid",
        "laninline",
        "lanvalidator",
        "lanacl",
    ],
    modelled: &["oid", "lanname", "lanispl", "lanpltrusted"],
    indexed: &[],
    scan: scan_language,
};

fn scan_language<'a>(_: &Ctx<'a>, _: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for (i, (name, pl, trusted)) in [
        ("internal", false, false),
        ("c", false, false),
        ("sql", false, true),
        ("plpgsql", true, true),
    ]
    .into_iter()
    .enumerate()
    {
        let mut row = vec![V::Opaque; 9];
        row[0] = oid(Obj::Number(i as i64 + 12));
        row[1] = t(name);
        row[3] = V::Bool(pl);
        row[4] = V::Bool(trusted);
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

static PG_AM: VTable = VTable {
    schema: PG,
    name: "pg_am",
    columns: &["oid", "amname", "amhandler", "amtype"],
    modelled: &["oid", "amname", "amtype"],
    indexed: &[],
    scan: scan_am,
};

fn scan_am<'a>(_: &Ctx<'a>, _: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let ams = [
        ("heap", "t"),
        ("btree", "i"),
        ("hash", "i"),
        ("gist", "i"),
        ("gin", "i"),
        ("spgist", "i"),
        ("brin", "i"),
    ];
    for (i, (name, kind)) in ams.into_iter().enumerate() {
        if !out(&[oid(Obj::Number(i as i64 + 2)), t(name), V::Opaque, t(kind)])? {
            break;
        }
    }
    Ok(())
}

static PG_DATABASE: VTable = VTable {
    schema: PG,
    name: "pg_database",
    columns: &[
        "oid",
        "datname",
        "datdba",
        "encoding",
        "datlocprovider",
        "datistemplate",
        "datallowconn",
        "datconnlimit",
        "datfrozenxid",
        "datminmxid",
        "dattablespace",
        "datcollate",
        "datctype",
        "daticulocale",
        "datcollversion",
        "datacl",
    ],
    modelled: &["oid", "datname", "datdba"],
    indexed: &[],
    scan: |_, _, out| {
        let mut row = vec![V::Opaque; 16];
        row[0] = oid(Obj::Number(5));
        row[1] = t("postgres");
        row[2] = role("postgres");
        out(&row).map(|_| ())
    },
};
