//! `pg_class`, and the relation views on it: `pg_tables`, `pg_views`, `pg_matviews`.

use std::borrow::Cow;

use crate::catalog::{Schema, Table};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::vtab::{
    ns, oid, rel, schemas, t, table_indexes, tables, Keys, Out, VTable,
};
use crate::sql::replay::guard::Ctx;

use super::{rel_filter, role, PG};

pub(super) static PG_CLASS: VTable = VTable {
    schema: PG,
    name: "pg_class",
    columns: &[
        "oid",
        "relname",
        "relnamespace",
        "reltype",
        "reloftype",
        "relowner",
        "relam",
        "relfilenode",
        "reltablespace",
        "relpages",
        "reltuples",
        "relallvisible",
        "reltoastrelid",
        "relhasindex",
        "relisshared",
        "relpersistence",
        "relkind",
        "relnatts",
        "relchecks",
        "relhasrules",
        "relhastriggers",
        "relhassubclass",
        "relrowsecurity",
        "relforcerowsecurity",
        "relispopulated",
        "relreplident",
        "relispartition",
        "relrewrite",
        "relfrozenxid",
        "relminmxid",
        "relacl",
        "reloptions",
        "relpartbound",
    ],
    modelled: &[
        "oid",
        "relname",
        "relnamespace",
        "reltype",
        "reloftype",
        "relowner",
        "reltablespace",
        "relhasindex",
        "relisshared",
        "relpersistence",
        "relkind",
        "relnatts",
        "relchecks",
        "relhasrules",
        "relhastriggers",
        "relhassubclass",
        "relrowsecurity",
        "relforcerowsecurity",
        "relispopulated",
        "relispartition",
        "reloptions",
    ],
    indexed: &["oid", "relname", "relnamespace"],
    scan: scan_class,
};

/// One `pg_class` row.
#[allow(clippy::too_many_arguments)]
fn class_row<'a>(
    cx: &Ctx<'a>,
    sc: &'a Schema,
    name: &'a str,
    kind: &'static str,
    natts: usize,
    table: Option<&'a Table>,
    options: &'a [String],
) -> [V<'a>; 33] {
    let has_type = matches!(kind, "r" | "p" | "v" | "m" | "c");
    let triggers = table.is_some_and(|tb| cx.tracked().triggers.on_table(&sc.name, &tb.name));
    let subclass = table.is_some_and(|tb| {
        sc.tables.values().any(|o| {
            o.inherits
                .iter()
                .any(|p| p.schema == sc.name && p.name == tb.name)
        })
    });
    [
        oid(rel(&sc.name, name)),
        t(name),
        oid(ns(&sc.name)),
        if has_type {
            oid(Obj::Type(Cow::Borrowed(&sc.name), Cow::Borrowed(name)))
        } else {
            oid(Obj::Number(0))
        },
        oid(Obj::Number(0)),
        role(),
        V::Opaque,
        V::Opaque,
        oid(Obj::Number(0)),
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Bool(table.is_some_and(|tb| !table_indexes(tb).is_empty())),
        V::Bool(false),
        t("p"),
        t(kind),
        V::Int(natts as i64),
        V::Int(table.map_or(0, |tb| tb.checks.len() as i64)),
        V::Bool(false),
        V::Bool(triggers),
        V::Bool(subclass),
        V::Bool(table.is_some_and(|tb| tb.rls_enabled)),
        V::Bool(table.is_some_and(|tb| tb.rls_forced)),
        V::Bool(true),
        V::Opaque,
        V::Bool(table.is_some_and(|tb| tb.is_partition)),
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Opaque,
        if options.is_empty() {
            V::Null
        } else {
            V::Array(options.iter().map(|o| t(o)).collect())
        },
        V::Opaque,
    ]
}

fn scan_class<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let (only_schema, only_name) = rel_filter(k, 0, 1, 2);
    let want = |n: &str| only_name.is_none_or(|w| w == n);
    for sc in schemas(cx, only_schema) {
        for tb in tables(sc, None) {
            let kind = if tb.partition_by.is_some() { "p" } else { "r" };
            if want(&tb.name)
                && !out(&class_row(
                    cx,
                    sc,
                    &tb.name,
                    kind,
                    tb.columns.len(),
                    Some(tb),
                    &[],
                ))?
            {
                return Ok(());
            }
            let idx_kind = if tb.partition_by.is_some() { "I" } else { "i" };
            for (name, ..) in table_indexes(tb) {
                if want(name) && !out(&class_row(cx, sc, name, idx_kind, 1, None, &[]))? {
                    return Ok(());
                }
            }
        }
        for v in sc.views.values() {
            let kind = if v.materialized { "m" } else { "v" };
            if want(&v.name)
                && !out(&class_row(
                    cx,
                    sc,
                    &v.name,
                    kind,
                    v.columns.len(),
                    None,
                    &v.options,
                ))?
            {
                return Ok(());
            }
            for i in &v.indexes {
                if want(&i.name) && !out(&class_row(cx, sc, &i.name, "i", 1, None, &[]))? {
                    return Ok(());
                }
            }
        }
        for q in sc.sequences.values() {
            if want(&q.name) && !out(&class_row(cx, sc, &q.name, "S", 3, None, &[]))? {
                return Ok(());
            }
        }
        for ct in sc.composites.values() {
            if want(&ct.name)
                && !out(&class_row(
                    cx,
                    sc,
                    &ct.name,
                    "c",
                    ct.attributes.len(),
                    None,
                    &[],
                ))?
            {
                return Ok(());
            }
        }
    }
    Ok(())
}

pub(super) static PG_TABLES: VTable = VTable {
    schema: PG,
    name: "pg_tables",
    columns: &[
        "schemaname",
        "tablename",
        "tableowner",
        "tablespace",
        "hasindexes",
        "hasrules",
        "hastriggers",
        "rowsecurity",
    ],
    modelled: &[
        "schemaname",
        "tablename",
        "tableowner",
        "tablespace",
        "hasindexes",
        "hasrules",
        "hastriggers",
        "rowsecurity",
    ],
    indexed: &["schemaname", "tablename"],
    scan: scan_tables,
};

fn scan_tables<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(0)) {
        for tb in tables(sc, k.text(1)) {
            let triggers = cx.tracked().triggers.on_table(&sc.name, &tb.name);
            let row = [
                t(&sc.name),
                t(&tb.name),
                t("postgres"),
                V::Null,
                V::Bool(!table_indexes(tb).is_empty()),
                V::Bool(false),
                V::Bool(triggers),
                V::Bool(tb.rls_enabled),
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

pub(super) static PG_VIEWS: VTable = VTable {
    schema: PG,
    name: "pg_views",
    columns: &["schemaname", "viewname", "viewowner", "definition"],
    modelled: &["schemaname", "viewname", "viewowner", "definition"],
    indexed: &["schemaname", "viewname"],
    scan: scan_views,
};

fn scan_views<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(0)) {
        for v in sc.views.values().filter(|v| !v.materialized) {
            if k.text(1).is_some_and(|n| n != v.name) {
                continue;
            }
            if !out(&[t(&sc.name), t(&v.name), t("postgres"), t(&v.definition)])? {
                return Ok(());
            }
        }
    }
    Ok(())
}

pub(super) static PG_MATVIEWS: VTable = VTable {
    schema: PG,
    name: "pg_matviews",
    columns: &[
        "schemaname",
        "matviewname",
        "matviewowner",
        "tablespace",
        "hasindexes",
        "ispopulated",
        "definition",
    ],
    modelled: &[
        "schemaname",
        "matviewname",
        "matviewowner",
        "tablespace",
        "hasindexes",
        "ispopulated",
        "definition",
    ],
    indexed: &["schemaname", "matviewname"],
    scan: scan_matviews,
};

fn scan_matviews<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(0)) {
        for v in sc.views.values().filter(|v| v.materialized) {
            if k.text(1).is_some_and(|n| n != v.name) {
                continue;
            }
            let row = [
                t(&sc.name),
                t(&v.name),
                t("postgres"),
                V::Null,
                V::Bool(!v.indexes.is_empty()),
                V::Bool(true),
                t(&v.definition),
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}
