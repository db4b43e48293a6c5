//! `pg_constraint`: primary keys, uniques, foreign keys, checks, exclusions and not-null constraints.

use std::borrow::Cow;

use crate::catalog::{Deferrable, FkAction};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::vtab::{
    attnum, ns, oid, rel, schemas, t, tables, Keys, Out, VTable,
};
use crate::sql::replay::guard::Ctx;

use super::PG;

pub(super) static PG_CONSTRAINT: VTable = VTable {
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
