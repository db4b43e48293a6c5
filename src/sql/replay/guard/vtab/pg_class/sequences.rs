//! `pg_sequences`, `pg_sequence` and `pg_inherits`.

use std::borrow::Cow;

use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::vtab::{oid, rel, schemas, t, tables, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::PG;

pub(super) static PG_SEQUENCES: VTable = VTable {
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

pub(super) static PG_SEQUENCE: VTable = VTable {
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

pub(super) static PG_INHERITS: VTable = VTable {
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
