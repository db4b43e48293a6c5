//! `pg_policy`/`pg_policies`, `pg_trigger` and `pg_extension`.

use std::borrow::Cow;

use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, Reg, V};
use crate::sql::replay::guard::vtab::{ns, oid, rel, schemas, t, tables, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::{role, PG};

fn polcmd(command: &str) -> &'static str {
    match command {
        "select" => "r",
        "insert" => "a",
        "update" => "w",
        "delete" => "d",
        _ => "*",
    }
}

pub(super) static PG_POLICY: VTable = VTable {
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

pub(super) static PG_POLICIES: VTable = VTable {
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

pub(super) static PG_TRIGGER: VTable = VTable {
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

pub(super) static PG_EXTENSION: VTable = VTable {
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
