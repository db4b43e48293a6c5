//! Indexes as the describer reads them: algorithm, operator classes Prisma manages, columns and
//! predicates.

use crate::catalog::{Deferrable, IndexTarget, Table};

use super::*;

pub(super) fn algorithm(method: &str) -> Option<&'static str> {
    match method {
        "hash" => Some("Hash"),
        "gist" => Some("Gist"),
        "gin" => Some("Gin"),
        "spgist" => Some("SpGist"),
        "brin" => Some("Brin"),
        _ => None,
    }
}

/// Operator classes Prisma names (`SQLOperatorClassKind`).
pub(super) fn managed_ops(name: &str) -> Option<&'static str> {
    const OPS: &[(&str, &str)] = &[
        ("inet_ops", "InetOps"),
        ("jsonb_ops", "JsonbOps"),
        ("jsonb_path_ops", "JsonbPathOps"),
        ("array_ops", "ArrayOps"),
        ("text_ops", "TextOps"),
        ("bit_minmax_ops", "BitMinMaxOps"),
        ("varbit_minmax_ops", "VarBitMinMaxOps"),
        ("bpchar_bloom_ops", "BpcharBloomOps"),
        ("bpchar_minmax_ops", "BpcharMinMaxOps"),
        ("bytea_bloom_ops", "ByteaBloomOps"),
        ("bytea_minmax_ops", "ByteaMinMaxOps"),
        ("date_bloom_ops", "DateBloomOps"),
        ("date_minmax_ops", "DateMinMaxOps"),
        ("date_minmax_multi_ops", "DateMinMaxMultiOps"),
        ("float4_bloom_ops", "Float4BloomOps"),
        ("float4_minmax_ops", "Float4MinMaxOps"),
        ("float4_minmax_multi_ops", "Float4MinMaxMultiOps"),
        ("float8_bloom_ops", "Float8BloomOps"),
        ("float8_minmax_ops", "Float8MinMaxOps"),
        ("float8_minmax_multi_ops", "Float8MinMaxMultiOps"),
        ("inet_inclusion_ops", "InetInclusionOps"),
        ("inet_bloom_ops", "InetBloomOps"),
        ("inet_minmax_ops", "InetMinMaxOps"),
        ("inet_minmax_multi_ops", "InetMinMaxMultiOps"),
        ("int2_bloom_ops", "Int2BloomOps"),
        ("int2_minmax_ops", "Int2MinMaxOps"),
        ("int2_minmax_multi_ops", "Int2MinMaxMultiOps"),
        ("int4_bloom_ops", "Int4BloomOps"),
        ("int4_minmax_ops", "Int4MinMaxOps"),
        ("int4_minmax_multi_ops", "Int4MinMaxMultiOps"),
        ("int8_bloom_ops", "Int8BloomOps"),
        ("int8_minmax_ops", "Int8MinMaxOps"),
        ("int8_minmax_multi_ops", "Int8MinMaxMultiOps"),
        ("numeric_bloom_ops", "NumericBloomOps"),
        ("numeric_minmax_ops", "NumericMinMaxOps"),
        ("numeric_minmax_multi_ops", "NumericMinMaxMultiOps"),
        ("oid_bloom_ops", "OidBloomOps"),
        ("oid_minmax_ops", "OidMinMaxOps"),
        ("oid_minmax_multi_ops", "OidMinMaxMultiOps"),
        ("text_bloom_ops", "TextBloomOps"),
        ("text_minmax_ops", "TextMinMaxOps"),
        ("timestamp_bloom_ops", "TimestampBloomOps"),
        ("timestamp_minmax_ops", "TimestampMinMaxOps"),
        ("timestamp_minmax_multi_ops", "TimestampMinMaxMultiOps"),
        ("timestamptz_bloom_ops", "TimestampTzBloomOps"),
        ("timestamptz_minmax_ops", "TimestampTzMinMaxOps"),
        ("timestamptz_minmax_multi_ops", "TimestampTzMinMaxMultiOps"),
        ("time_bloom_ops", "TimeBloomOps"),
        ("time_minmax_ops", "TimeMinMaxOps"),
        ("time_minmax_multi_ops", "TimeMinMaxMultiOps"),
        ("timetz_bloom_ops", "TimeTzBloomOps"),
        ("timetz_minmax_ops", "TimeTzMinMaxOps"),
        ("timetz_minmax_multi_ops", "TimeTzMinMaxMultiOps"),
        ("uuid_bloom_ops", "UuidBloomOps"),
        ("uuid_minmax_ops", "UuidMinMaxOps"),
        ("uuid_minmax_multi_ops", "UuidMinMaxMultiOps"),
    ];
    OPS.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

/// The unqualified operator class name (the reader qualifies names outside `pg_catalog`).
pub(super) fn opclass_name(s: &str) -> String {
    let unquote = |p: &str| p.trim_matches('"').replace("\"\"", "\"");
    match s.rfind('.') {
        Some(i) if !s[i..].contains('"') || s.starts_with('"') => unquote(&s[i + 1..]),
        _ => unquote(s),
    }
}

/// All indexes of a table in name order, and the names of its expression indexes.
pub(super) fn indexes(t: &Table, described: &Tbl) -> (Vec<Idx>, Vec<String>) {
    struct Raw<'a> {
        name: &'a str,
        kind: IndexKind,
        keys: Vec<(Option<&'a str>, bool, bool, Option<&'a str>)>,
        method: &'a str,
        predicate: Option<&'a str>,
        deferrable: bool,
    }
    let mut raw: Vec<Raw<'_>> = Vec::new();
    if let Some(pk) = &t.primary_key {
        raw.push(Raw {
            name: &pk.name,
            kind: IndexKind::Primary,
            keys: pk
                .columns
                .iter()
                .chain(&pk.include)
                .map(|c| (Some(c.as_str()), false, false, None))
                .collect(),
            method: "btree",
            predicate: None,
            deferrable: pk.deferrable != Deferrable::NotDeferrable,
        });
    }
    for u in &t.uniques {
        raw.push(Raw {
            name: &u.name,
            kind: IndexKind::Unique,
            keys: u
                .columns
                .iter()
                .chain(&u.include)
                .map(|c| (Some(c.as_str()), false, false, None))
                .collect(),
            method: "btree",
            predicate: None,
            deferrable: u.deferrable != Deferrable::NotDeferrable,
        });
    }
    for i in &t.indexes {
        let mut keys: Vec<_> = i
            .keys
            .iter()
            .map(|k| {
                let col = match &k.target {
                    IndexTarget::Column(c) => Some(c.as_str()),
                    IndexTarget::Expression(_) => None,
                };
                (col, k.descending, k.nulls_first, k.opclass.as_deref())
            })
            .collect();
        keys.extend(
            i.include
                .iter()
                .map(|c| (Some(c.as_str()), false, false, None)),
        );
        raw.push(Raw {
            name: &i.name,
            kind: if i.unique {
                IndexKind::Unique
            } else {
                IndexKind::Normal
            },
            keys,
            method: &i.method,
            predicate: i.predicate.as_deref(),
            deferrable: false,
        });
    }
    raw.sort_by(|a, b| a.name.cmp(b.name));

    let mut out = Vec::new();
    let mut expression = Vec::new();
    for r in raw {
        if r.keys.iter().any(|k| k.0.is_none()) {
            expression.push(r.name.to_string());
            continue;
        }
        let algorithm = algorithm(r.method);
        let btree = r.method == "btree" || algorithm.is_none();
        let with_ops = !matches!(r.method, "btree" | "hash") && algorithm.is_some();
        let mut columns = Vec::new();
        let mut ok = true;
        for (col, desc, nulls_first, opclass) in &r.keys {
            let Some(column) = described.column_index(col.unwrap_or_default()) else {
                ok = false;
                continue;
            };
            columns.push(IndexCol {
                column,
                desc: *desc,
                non_default_nulls: btree && r.kind != IndexKind::Primary && *nulls_first != *desc,
                ops: opclass.filter(|_| with_ops).and_then(|o| {
                    let name = opclass_name(o);
                    if crate::pg::builtin::opclasses::is_default_opclass(r.method, &name) {
                        return None;
                    }
                    Some(match managed_ops(&name) {
                        Some(m) => Ops::Managed(m),
                        None => Ops::Raw(name),
                    })
                }),
            });
        }
        if columns.is_empty() && !ok {
            continue;
        }
        out.push(Idx {
            name: r.name.to_string(),
            kind: r.kind,
            columns,
            algorithm,
            predicate: r.predicate.map(str::to_string),
            deferrable: r.deferrable,
        });
    }
    (out, expression)
}
