//! `pg_class` and the relation views built on it (`pg_tables`, `pg_views`, `pg_matviews`,
//! `pg_indexes`, `pg_sequences`), with `pg_index`, `pg_attribute`, `pg_attrdef`, `pg_sequence`
//! and `pg_inherits`.

use std::borrow::Cow;

use super::{attnum, ns, oid, rel, schemas, t, table_indexes, tables, Keys, Out, VTable};
use crate::catalog::{Column, Schema, SqlType, Table};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::names::type_obj;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::Ctx;

pub(super) const TABLES: &[&VTable] = &[
    &PG_CLASS,
    &PG_TABLES,
    &PG_VIEWS,
    &PG_MATVIEWS,
    &PG_INDEXES,
    &PG_INDEX,
    &PG_ATTRIBUTE,
    &PG_ATTRDEF,
    &PG_SEQUENCES,
    &PG_SEQUENCE,
    &PG_INHERITS,
];

const PG: &str = "pg_catalog";

fn role<'a>() -> V<'a> {
    oid(Obj::Role(Cow::Borrowed("postgres")))
}

/// The relation a key fixes, as (schema, name) filters.
fn rel_filter<'k>(
    k: &'k Keys<'_, '_>,
    oid_col: usize,
    name_col: usize,
    ns_col: usize,
) -> (Option<&'k str>, Option<&'k str>) {
    match k.rel(oid_col) {
        Some((s, n)) => (Some(s), Some(n)),
        None => (k.ns(ns_col), k.text(name_col)),
    }
}

static PG_CLASS: VTable = VTable {
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

static PG_TABLES: VTable = VTable {
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

static PG_VIEWS: VTable = VTable {
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

static PG_MATVIEWS: VTable = VTable {
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

static PG_INDEXES: VTable = VTable {
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
                    super::printers::index_def(cx, &sc.name, name).map_or(V::Opaque, V::text)
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
                    super::printers::index_def(cx, &sc.name, &i.name).map_or(V::Opaque, V::text)
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

static PG_INDEX: VTable = VTable {
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

static PG_ATTRIBUTE: VTable = VTable {
    schema: PG,
    name: "pg_attribute",
    columns: &[
        "attrelid",
        "attname",
        "atttypid",
        "attstattarget",
        "attlen",
        "attnum",
        "attndims",
        "attcacheoff",
        "atttypmod",
        "attbyval",
        "attalign",
        "attstorage",
        "attcompression",
        "attnotnull",
        "atthasdef",
        "atthasmissing",
        "attidentity",
        "attgenerated",
        "attisdropped",
        "attislocal",
        "attinhcount",
        "attcollation",
        "attacl",
        "attoptions",
        "attfdwoptions",
        "attmissingval",
    ],
    modelled: &[
        "attrelid",
        "attname",
        "atttypid",
        "attnum",
        "attndims",
        "atttypmod",
        "attnotnull",
        "atthasdef",
        "attidentity",
        "attgenerated",
        "attisdropped",
        "attislocal",
        "attinhcount",
    ],
    indexed: &["attrelid"],
    scan: scan_attribute,
};

/// `atttypmod` of a type (`varchar(n)` → n + 4, `numeric(p,s)` → (p << 16 | s) + 4).
fn typmod(ty: &SqlType) -> i64 {
    let m = &ty.modifiers;
    match (ty.name.as_str(), m.as_slice()) {
        (_, []) => -1,
        ("varchar" | "bpchar", [n, ..]) => n + 4,
        ("numeric", [p]) => (p << 16) + 4,
        ("numeric", [p, s, ..]) => ((p << 16) | s) + 4,
        (_, [n, ..]) => *n,
    }
}

const SYSTEM_COLUMNS: &[(&str, i64, &str)] = &[
    ("tableoid", -6, "oid"),
    ("cmax", -5, "cid"),
    ("xmax", -4, "xid"),
    ("cmin", -3, "cid"),
    ("xmin", -2, "xid"),
    ("ctid", -1, "tid"),
];

fn attribute_row<'a>(
    sc: &'a str,
    relname: &'a str,
    col: &'a Column,
    num: i64,
    has_default: bool,
) -> [V<'a>; 26] {
    [
        oid(rel(sc, relname)),
        t(&col.name),
        oid(type_obj(&col.ty)),
        V::Opaque,
        V::Opaque,
        V::Int(num),
        V::Int(col.ty.array_dims as i64),
        V::Opaque,
        V::Int(typmod(&col.ty)),
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Bool(col.not_null),
        V::Bool(has_default),
        V::Opaque,
        t(match col.identity {
            Some(crate::catalog::Identity::Always) => "a",
            Some(crate::catalog::Identity::ByDefault) => "d",
            None => "",
        }),
        t(if col.generated.is_some() { "s" } else { "" }),
        V::Bool(false),
        V::Bool(true),
        V::Int(0),
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Opaque,
        V::Opaque,
    ]
}

fn scan_attribute<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(0);
    let only_name = k.text(1);
    for sc in schemas(cx, only.map(|(s, _)| s)) {
        let want = |n: &str| only.is_none_or(|(_, w)| w == n);
        for tb in sc.tables.values().filter(|tb| want(&tb.name)) {
            for (i, col) in tb.columns.iter().enumerate() {
                if only_name.is_some_and(|n| n != col.name) {
                    continue;
                }
                let has_def = col.default.is_some() || col.generated.is_some();
                if !out(&attribute_row(
                    &sc.name,
                    &tb.name,
                    col,
                    i as i64 + 1,
                    has_def,
                ))? {
                    return Ok(());
                }
            }
            for (name, num, ty) in SYSTEM_COLUMNS {
                if only_name.is_some_and(|n| n != *name) {
                    continue;
                }
                let mut row = attribute_row(&sc.name, &tb.name, &SYSTEM_COLUMN, *num, false);
                row[1] = t(name);
                row[2] = oid(Obj::Type(Cow::Borrowed("pg_catalog"), Cow::Borrowed(ty)));
                row[13] = V::Bool(true);
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
        for v in sc.views.values().filter(|v| want(&v.name)) {
            for (i, col) in v.columns.iter().enumerate() {
                if only_name.is_some_and(|n| n != col.name) {
                    continue;
                }
                if !out(&attribute_row(
                    &sc.name,
                    &v.name,
                    col,
                    i as i64 + 1,
                    col.default.is_some(),
                ))? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static SYSTEM_COLUMN: Column = Column {
    name: String::new(),
    ty: SqlType {
        schema: String::new(),
        name: String::new(),
        modifiers: Vec::new(),
        array_dims: 0,
    },
    not_null: true,
    default: None,
    identity: None,
    generated: None,
    collation: None,
    comment: None,
};

static PG_ATTRDEF: VTable = VTable {
    schema: PG,
    name: "pg_attrdef",
    columns: &["oid", "adrelid", "adnum", "adbin"],
    modelled: &["oid", "adrelid", "adnum", "adbin"],
    indexed: &["adrelid"],
    scan: scan_attrdef,
};

fn scan_attrdef<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(1);
    for sc in schemas(cx, only.map(|(s, _)| s)) {
        for tb in tables(sc, only.map(|(_, n)| n)) {
            for (i, col) in tb.columns.iter().enumerate() {
                // `adbin` holds the expression's text here; `pg_get_expr` returns it.
                let Some(expr) = col.default.as_deref().or(col.generated.as_deref()) else {
                    continue;
                };
                let row = [
                    oid(Obj::Number(i as i64 + 1)),
                    oid(rel(&sc.name, &tb.name)),
                    V::Int(i as i64 + 1),
                    t(expr),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static PG_SEQUENCES: VTable = VTable {
    schema: PG,
    name: "pg_sequences",
    columns: &[
        "schemaname",
        "sequencename",
        "sequenceowner",
        "data_type",
        "start_value",
        "min_value",
        "max_value",
        "increment_by",
        "cycle",
        "cache_size",
        "last_value",
    ],
    modelled: &[
        "schemaname",
        "sequencename",
        "sequenceowner",
        "data_type",
        "start_value",
        "min_value",
        "max_value",
        "increment_by",
        "cycle",
        "cache_size",
    ],
    indexed: &["schemaname", "sequencename"],
    scan: scan_sequences,
};

fn seq_type(data_type: &str) -> Obj<'static> {
    let name = match data_type {
        "smallint" => "int2",
        "integer" => "int4",
        _ => "int8",
    };
    Obj::Type(Cow::Borrowed("pg_catalog"), Cow::Borrowed(name))
}

fn scan_sequences<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(0)) {
        for q in sc.sequences.values() {
            if k.text(1).is_some_and(|n| n != q.name) {
                continue;
            }
            let row = [
                t(&sc.name),
                t(&q.name),
                t("postgres"),
                V::Oid(
                    crate::sql::replay::guard::value::Reg::Type,
                    seq_type(&q.data_type),
                ),
                V::Int(q.start),
                V::Int(q.min_value),
                V::Int(q.max_value),
                V::Int(q.increment),
                V::Bool(q.cycle),
                V::Int(q.cache),
                V::Opaque,
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

static PG_SEQUENCE: VTable = VTable {
    schema: PG,
    name: "pg_sequence",
    columns: &[
        "seqrelid",
        "seqtypid",
        "seqstart",
        "seqincrement",
        "seqmax",
        "seqmin",
        "seqcache",
        "seqcycle",
    ],
    modelled: &[
        "seqrelid",
        "seqtypid",
        "seqstart",
        "seqincrement",
        "seqmax",
        "seqmin",
        "seqcache",
        "seqcycle",
    ],
    indexed: &["seqrelid"],
    scan: scan_sequence,
};

fn scan_sequence<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(0);
    for sc in schemas(cx, only.map(|(s, _)| s)) {
        for q in sc.sequences.values() {
            if only.is_some_and(|(_, n)| n != q.name) {
                continue;
            }
            let row = [
                oid(rel(&sc.name, &q.name)),
                oid(seq_type(&q.data_type)),
                V::Int(q.start),
                V::Int(q.increment),
                V::Int(q.max_value),
                V::Int(q.min_value),
                V::Int(q.cache),
                V::Bool(q.cycle),
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

static PG_INHERITS: VTable = VTable {
    schema: PG,
    name: "pg_inherits",
    columns: &["inhrelid", "inhparent", "inhseqno", "inhdetachpending"],
    modelled: &["inhrelid", "inhparent", "inhseqno", "inhdetachpending"],
    indexed: &["inhrelid"],
    scan: scan_inherits,
};

fn scan_inherits<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let only = k.rel(0);
    for sc in schemas(cx, only.map(|(s, _)| s)) {
        for tb in tables(sc, only.map(|(_, n)| n)) {
            for (i, p) in tb.inherits.iter().enumerate() {
                let row = [
                    oid(rel(&sc.name, &tb.name)),
                    oid(rel(&p.schema, &p.name)),
                    V::Int(i as i64 + 1),
                    V::Bool(false),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}
