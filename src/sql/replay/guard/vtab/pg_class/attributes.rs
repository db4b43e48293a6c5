//! `pg_attribute` (system columns included) and `pg_attrdef`.

use std::borrow::Cow;

use crate::catalog::{Column, SqlType};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::names::type_obj;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::vtab::{oid, rel, schemas, t, tables, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::PG;

pub(super) static PG_ATTRIBUTE: VTable = VTable {
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

pub(super) static PG_ATTRDEF: VTable = VTable {
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
