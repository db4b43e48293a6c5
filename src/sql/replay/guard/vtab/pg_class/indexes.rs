//! `pg_indexes` and `pg_index`.

use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::vtab::{
    attnum, oid, rel, schemas, t, table_indexes, tables, Keys, Out, VTable,
};
use crate::sql::replay::guard::Ctx;

use super::PG;

pub(super) static PG_INDEXES: VTable = VTable {
    schema: PG,
    name: "pg_indexes",
    columns: &[
        "schemaname",
        "tablename",
        "indexname",
        "tablespace",
        "indexdef",
    ],
    modelled: &[
        "schemaname",
        "tablename",
        "indexname",
        "tablespace",
        "indexdef",
    ],
    indexed: &["schemaname", "tablename"],
    scan: scan_indexes,
};

fn scan_indexes<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(0)) {
        for tb in tables(sc, k.text(1)) {
            for (name, ..) in table_indexes(tb) {
                if k.text(2).is_some_and(|n| n != name) {
                    continue;
                }
                let def = if k.need(4) {
                    crate::sql::replay::guard::vtab::printers::index_def(cx, &sc.name, name)
                        .map_or(V::Opaque, V::text)
                } else {
                    V::Null
                };
                if !out(&[t(&sc.name), t(&tb.name), t(name), V::Null, def])? {
                    return Ok(());
                }
            }
        }
        for v in sc.views.values() {
            for i in &v.indexes {
                if k.text(1).is_some_and(|n| n != v.name) || k.text(2).is_some_and(|n| n != i.name)
                {
                    continue;
                }
                let def = if k.need(4) {
                    crate::sql::replay::guard::vtab::printers::index_def(cx, &sc.name, &i.name)
                        .map_or(V::Opaque, V::text)
                } else {
                    V::Null
                };
                if !out(&[t(&sc.name), t(&v.name), t(&i.name), V::Null, def])? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

pub(super) static PG_INDEX: VTable = VTable {
    schema: PG,
    name: "pg_index",
    columns: &[
        "indexrelid",
        "indrelid",
        "indnatts",
        "indnkeyatts",
        "indisunique",
        "indnullsnotdistinct",
        "indisprimary",
        "indisexclusion",
        "indimmediate",
        "indisclustered",
        "indisvalid",
        "indcheckxmin",
        "indisready",
        "indislive",
        "indisreplident",
        "indkey",
        "indcollation",
        "indclass",
        "indoption",
        "indexprs",
        "indpred",
    ],
    modelled: &[
        "indexrelid",
        "indrelid",
        "indnatts",
        "indnkeyatts",
        "indisunique",
        "indnullsnotdistinct",
        "indisprimary",
        "indisexclusion",
        "indimmediate",
        "indisclustered",
        "indisvalid",
        "indcheckxmin",
        "indisready",
        "indislive",
        "indisreplident",
        "indkey",
        "indpred",
    ],
    indexed: &["indexrelid", "indrelid"],
    scan: scan_index,
};

fn scan_index<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let (only_schema, only_table) = match k.rel(1) {
        Some((s, n)) => (Some(s), Some(n)),
        None => (k.rel(0).map(|(s, _)| s), None),
    };
    let only_index = k.rel(0).map(|(_, n)| n);
    for sc in schemas(cx, only_schema) {
        for tb in tables(sc, only_table) {
            for (name, unique, primary, exclusion) in table_indexes(tb) {
                if only_index.is_some_and(|n| n != name) {
                    continue;
                }
                let (keys, include, pred, nnd): (Vec<i64>, usize, Option<&str>, bool) =
                    if let Some(pk) = tb.primary_key.as_ref().filter(|p| p.name == name) {
                        (
                            pk.columns.iter().map(|c| attnum(tb, c)).collect(),
                            pk.include.len(),
                            None,
                            false,
                        )
                    } else if let Some(u) = tb.uniques.iter().find(|u| u.name == name) {
                        (
                            u.columns.iter().map(|c| attnum(tb, c)).collect(),
                            u.include.len(),
                            None,
                            u.nulls_not_distinct,
                        )
                    } else if let Some(i) = tb.indexes.iter().find(|i| i.name == name) {
                        let keys = i
                            .keys
                            .iter()
                            .map(|key| match &key.target {
                                crate::catalog::IndexTarget::Column(c) => attnum(tb, c),
                                crate::catalog::IndexTarget::Expression(_) => 0,
                            })
                            .collect();
                        (
                            keys,
                            i.include.len(),
                            i.predicate.as_deref(),
                            i.nulls_not_distinct,
                        )
                    } else {
                        (Vec::new(), 0, None, false)
                    };
                let nkey = keys.len();
                let row = [
                    oid(rel(&sc.name, name)),
                    oid(rel(&sc.name, &tb.name)),
                    V::Int((nkey + include) as i64),
                    V::Int(nkey as i64),
                    V::Bool(unique),
                    V::Bool(nnd),
                    V::Bool(primary),
                    V::Bool(exclusion),
                    V::Bool(true),
                    V::Bool(false),
                    V::Bool(true),
                    V::Bool(false),
                    V::Bool(true),
                    V::Bool(true),
                    V::Bool(false),
                    V::Array(keys.into_iter().map(V::Int).collect()),
                    V::Opaque,
                    V::Opaque,
                    V::Opaque,
                    V::Opaque,
                    pred.map_or(V::Null, t),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}
