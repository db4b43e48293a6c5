//! `information_schema.columns` (with the type facts its columns show) and `domains`.

use crate::catalog::{Catalog, Column, SqlType};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::vtab::{schemas, t, tables, yes_no, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::IS;

pub(super) static COLUMNS: VTable = VTable {
    schema: IS,
    name: "columns",
    columns: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "ordinal_position",
        "column_default",
        "is_nullable",
        "data_type",
        "character_maximum_length",
        "character_octet_length",
        "numeric_precision",
        "numeric_precision_radix",
        "numeric_scale",
        "datetime_precision",
        "interval_type",
        "interval_precision",
        "character_set_catalog",
        "character_set_schema",
        "character_set_name",
        "collation_catalog",
        "collation_schema",
        "collation_name",
        "domain_catalog",
        "domain_schema",
        "domain_name",
        "udt_catalog",
        "udt_schema",
        "udt_name",
        "scope_catalog",
        "scope_schema",
        "scope_name",
        "maximum_cardinality",
        "dtd_identifier",
        "is_self_referencing",
        "is_identity",
        "identity_generation",
        "identity_start",
        "identity_increment",
        "identity_maximum",
        "identity_minimum",
        "identity_cycle",
        "is_generated",
        "generation_expression",
        "is_updatable",
    ],
    modelled: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "ordinal_position",
        "column_default",
        "is_nullable",
        "data_type",
        "character_maximum_length",
        "character_octet_length",
        "numeric_precision",
        "numeric_precision_radix",
        "numeric_scale",
        "datetime_precision",
        "interval_type",
        "character_set_catalog",
        "character_set_schema",
        "character_set_name",
        "collation_name",
        "domain_catalog",
        "domain_schema",
        "domain_name",
        "udt_catalog",
        "udt_schema",
        "udt_name",
        "scope_catalog",
        "scope_schema",
        "scope_name",
        "maximum_cardinality",
        "dtd_identifier",
        "is_self_referencing",
        "is_identity",
        "identity_generation",
        "is_generated",
        "generation_expression",
        "is_updatable",
    ],
    indexed: &["table_schema", "table_name"],
    scan: scan_columns,
};

fn scan_columns<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let c = cx.catalog();
    let name = k.text(2);
    let col_name = k.text(3);
    for sc in schemas(cx, k.text(1)) {
        for tb in tables(sc, name) {
            if !emit_columns(c, k, &sc.name, &tb.name, &tb.columns, true, col_name, out)? {
                return Ok(());
            }
        }
        for v in sc.views.values().filter(|v| !v.materialized) {
            if name.is_some_and(|n| n != v.name) {
                continue;
            }
            if !emit_columns(c, k, &sc.name, &v.name, &v.columns, false, col_name, out)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn emit_columns<'a>(
    c: &'a Catalog,
    k: &Keys<'_, '_>,
    schema: &'a str,
    table: &'a str,
    columns: &'a [Column],
    is_table: bool,
    only: Option<&str>,
    out: &mut Out<'_, 'a>,
) -> Res<bool> {
    // `data_type = '…'` narrows the scan like the name keys do.
    let only_type = k.text(7);
    for (i, col) in columns.iter().enumerate() {
        if only.is_some_and(|n| n != col.name) {
            continue;
        }
        let ty = &col.ty;
        let data_type = match only_type {
            Some(want) => {
                let dt = info_data_type(c, ty);
                if dt != want {
                    continue;
                }
                Some(dt)
            }
            None => None,
        };
        let need = |n| k.need(n);
        // Only what the query reads is computed (the rest stays NULL).
        let want_facts = (8..=13).any(need);
        let want_domain = want_facts || (22..=27).any(need);
        let domain = (want_domain && !ty.is_array())
            .then(|| {
                c.schemas
                    .get(&ty.schema)
                    .and_then(|s| s.domains.get(&ty.name))
            })
            .flatten();
        let base: &SqlType = domain.map_or(ty, |d| &d.base);
        let num = |x: Option<i64>| x.map_or(V::Null, V::Int);
        let facts = if want_facts {
            TypeFacts::of(base)
        } else {
            TypeFacts::none()
        };
        let row = [
            t("postgres"),
            t(schema),
            t(table),
            t(&col.name),
            V::Int(i as i64 + 1),
            col.default.as_deref().map_or(V::Null, t),
            t(if col.not_null { "NO" } else { "YES" }),
            match data_type {
                Some(dt) => V::text(dt),
                None if need(7) => V::text(info_data_type(c, ty)),
                None => V::Null,
            },
            num(facts.char_max),
            num(facts.char_octets),
            num(facts.num_precision),
            num(facts.num_radix),
            num(facts.num_scale),
            num(facts.datetime_precision),
            V::Null,
            V::Null,
            V::Null,
            V::Null,
            V::Null,
            V::Null,
            V::Null,
            col.collation.as_deref().map_or(V::Null, t),
            if domain.is_some() {
                t("postgres")
            } else {
                V::Null
            },
            if domain.is_some() {
                t(&ty.schema)
            } else {
                V::Null
            },
            domain.map_or(V::Null, |d| t(&d.name)),
            t("postgres"),
            t(&base.schema),
            if need(27) {
                V::text(base.udt_name())
            } else {
                V::Null
            },
            V::Null,
            V::Null,
            V::Null,
            V::Null,
            if need(32) {
                V::text((i + 1).to_string())
            } else {
                V::Null
            },
            t("NO"),
            yes_no(col.identity.is_some()),
            match col.identity {
                Some(crate::catalog::Identity::Always) => t("ALWAYS"),
                Some(crate::catalog::Identity::ByDefault) => t("BY DEFAULT"),
                None => V::Null,
            },
            V::Null,
            V::Null,
            V::Null,
            V::Null,
            V::Null,
            t(if col.generated.is_some() {
                "ALWAYS"
            } else {
                "NEVER"
            }),
            col.generated.as_deref().map_or(V::Null, t),
            yes_no(is_table),
        ];
        if !out(&row)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Length, precision and scale facts `information_schema` derives from a type.
struct TypeFacts {
    char_max: Option<i64>,
    char_octets: Option<i64>,
    num_precision: Option<i64>,
    num_radix: Option<i64>,
    num_scale: Option<i64>,
    datetime_precision: Option<i64>,
}

impl TypeFacts {
    fn none() -> TypeFacts {
        TypeFacts {
            char_max: None,
            char_octets: None,
            num_precision: None,
            num_radix: None,
            num_scale: None,
            datetime_precision: None,
        }
    }

    fn of(ty: &SqlType) -> TypeFacts {
        let mut f = TypeFacts {
            char_max: None,
            char_octets: None,
            num_precision: None,
            num_radix: None,
            num_scale: None,
            datetime_precision: None,
        };
        if ty.is_array() || ty.schema != "pg_catalog" {
            return f;
        }
        let m = &ty.modifiers;
        match ty.name.as_str() {
            "varchar" | "bpchar" => {
                f.char_max = m.first().copied();
                f.char_octets = Some(m.first().map_or(1_073_741_824, |n| n * 4));
            }
            "text" => f.char_octets = Some(1_073_741_824),
            "bit" | "varbit" => f.char_max = m.first().copied(),
            "int2" | "int4" | "int8" => {
                f.num_precision = Some(match ty.name.as_str() {
                    "int2" => 16,
                    "int4" => 32,
                    _ => 64,
                });
                f.num_radix = Some(2);
                f.num_scale = Some(0);
            }
            "float4" | "float8" => {
                f.num_precision = Some(if ty.name == "float4" { 24 } else { 53 });
                f.num_radix = Some(2);
            }
            "numeric" => {
                f.num_radix = Some(10);
                f.num_precision = m.first().copied();
                f.num_scale = m.get(1).copied().or(m.first().map(|_| 0));
            }
            "date" => f.datetime_precision = Some(0),
            "timestamp" | "timestamptz" | "time" | "timetz" | "interval" => {
                f.datetime_precision = Some(m.first().copied().unwrap_or(6))
            }
            _ => {}
        }
        f
    }
}

/// `information_schema.columns.data_type` for a type.
pub(crate) fn info_data_type(c: &Catalog, ty: &SqlType) -> std::borrow::Cow<'static, str> {
    if ty.is_array() {
        return "ARRAY".into();
    }
    if ty.schema != "pg_catalog" {
        return match c
            .schemas
            .get(&ty.schema)
            .and_then(|s| s.domains.get(&ty.name))
        {
            Some(d) => info_data_type(c, &d.base),
            None => "USER-DEFINED".into(),
        };
    }
    match ty.name.as_str() {
        "bpchar" => "character".into(),
        "timestamp" => "timestamp without time zone".into(),
        "timestamptz" => "timestamp with time zone".into(),
        "time" => "time without time zone".into(),
        "timetz" => "time with time zone".into(),
        // What `SqlType::format` prints for these without modifiers, without building a type.
        "int2" => "smallint".into(),
        "int4" => "integer".into(),
        "int8" => "bigint".into(),
        "float4" => "real".into(),
        "float8" => "double precision".into(),
        "bool" => "boolean".into(),
        "varchar" => "character varying".into(),
        "text" => "text".into(),
        "uuid" => "uuid".into(),
        "jsonb" => "jsonb".into(),
        "json" => "json".into(),
        "numeric" => "numeric".into(),
        _ => SqlType {
            schema: ty.schema.clone(),
            name: ty.name.clone(),
            modifiers: Vec::new(),
            array_dims: ty.array_dims,
        }
        .format(false)
        .into(),
    }
}

pub(super) static DOMAINS: VTable = VTable {
    schema: IS,
    name: "domains",
    columns: &[
        "domain_catalog",
        "domain_schema",
        "domain_name",
        "data_type",
        "character_maximum_length",
        "character_octet_length",
        "character_set_catalog",
        "character_set_schema",
        "character_set_name",
        "collation_catalog",
        "collation_schema",
        "collation_name",
        "numeric_precision",
        "numeric_precision_radix",
        "numeric_scale",
        "datetime_precision",
        "interval_type",
        "interval_precision",
        "domain_default",
        "udt_catalog",
        "udt_schema",
        "udt_name",
        "scope_catalog",
        "scope_schema",
        "scope_name",
        "maximum_cardinality",
        "dtd_identifier",
    ],
    modelled: &[
        "domain_catalog",
        "domain_schema",
        "domain_name",
        "data_type",
        "domain_default",
        "udt_catalog",
        "udt_schema",
        "udt_name",
    ],
    indexed: &["domain_schema", "domain_name"],
    scan: scan_domains,
};

fn scan_domains<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let c = cx.catalog();
    for sc in schemas(cx, k.text(1)) {
        for d in sc.domains.values() {
            if k.text(2).is_some_and(|n| n != d.name) {
                continue;
            }
            let mut row: Vec<V<'a>> = vec![V::Opaque; 27];
            row[0] = t("postgres");
            row[1] = t(&sc.name);
            row[2] = t(&d.name);
            row[3] = V::text(info_data_type(c, &d.base));
            row[18] = d.default.as_deref().map_or(V::Null, t);
            row[19] = t("postgres");
            row[20] = t(&d.base.schema);
            row[21] = V::text(d.base.udt_name());
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}
