//! `information_schema` views.

use super::{schemas, t, tables, yes_no, Keys, Out, VTable};
use crate::catalog::{Catalog, Column, SqlType, Table};
use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Ctx;

pub(super) const TABLES: &[&VTable] = &[
    &SCHEMATA,
    &TABLES_VIEW,
    &COLUMNS,
    &VIEWS,
    &TABLE_CONSTRAINTS,
    &KEY_COLUMN_USAGE,
    &CONSTRAINT_COLUMN_USAGE,
    &CONSTRAINT_TABLE_USAGE,
    &REFERENTIAL_CONSTRAINTS,
    &CHECK_CONSTRAINTS,
    &ROUTINES,
    &SEQUENCES,
    &TRIGGERS,
    &DOMAINS,
];

const IS: &str = "information_schema";

static SCHEMATA: VTable = VTable {
    schema: IS,
    name: "schemata",
    columns: &[
        "catalog_name",
        "schema_name",
        "schema_owner",
        "default_character_set_catalog",
        "default_character_set_schema",
        "default_character_set_name",
        "sql_path",
    ],
    modelled: &[
        "catalog_name",
        "schema_name",
        "schema_owner",
        "default_character_set_catalog",
        "default_character_set_schema",
        "default_character_set_name",
        "sql_path",
    ],
    indexed: &["schema_name"],
    scan: scan_schemata,
};

fn scan_schemata<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(1)) {
        let row = [
            t("postgres"),
            t(&sc.name),
            t("postgres"),
            V::Null,
            V::Null,
            V::Null,
            V::Null,
        ];
        if !out(&row)? {
            break;
        }
    }
    Ok(())
}

static TABLES_VIEW: VTable = VTable {
    schema: IS,
    name: "tables",
    columns: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "table_type",
        "self_referencing_column_name",
        "reference_generation",
        "user_defined_type_catalog",
        "user_defined_type_schema",
        "user_defined_type_name",
        "is_insertable_into",
        "is_typed",
        "commit_action",
    ],
    modelled: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "table_type",
        "self_referencing_column_name",
        "reference_generation",
        "user_defined_type_catalog",
        "user_defined_type_schema",
        "user_defined_type_name",
        "is_typed",
        "commit_action",
    ],
    indexed: &["table_schema", "table_name"],
    scan: scan_tables,
};

fn scan_tables<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let name = k.text(2);
    for sc in schemas(cx, k.text(1)) {
        for tb in tables(sc, name) {
            let row = [
                t("postgres"),
                t(&sc.name),
                t(&tb.name),
                t("BASE TABLE"),
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                t("YES"),
                t("NO"),
                V::Null,
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
        let views = sc.views.values().filter(|v| !v.materialized);
        for v in views.filter(|v| name.is_none_or(|n| n == v.name)) {
            let row = [
                t("postgres"),
                t(&sc.name),
                t(&v.name),
                t("VIEW"),
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                V::Null,
                V::Opaque,
                t("NO"),
                V::Null,
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

static COLUMNS: VTable = VTable {
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

static VIEWS: VTable = VTable {
    schema: IS,
    name: "views",
    columns: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "view_definition",
        "check_option",
        "is_updatable",
        "is_insertable_into",
        "is_trigger_updatable",
        "is_trigger_deletable",
        "is_trigger_insertable_into",
    ],
    modelled: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "view_definition",
        "check_option",
    ],
    indexed: &["table_schema", "table_name"],
    scan: scan_views,
};

fn scan_views<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(1)) {
        for v in sc.views.values().filter(|v| !v.materialized) {
            if k.text(2).is_some_and(|n| n != v.name) {
                continue;
            }
            let row = [
                t("postgres"),
                t(&sc.name),
                t(&v.name),
                t(&v.definition),
                t("NONE"),
                V::Opaque,
                V::Opaque,
                V::Opaque,
                V::Opaque,
                V::Opaque,
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Constraints of a table as `information_schema` lists them: (name, type, own columns,
/// referenced (schema, table, columns) for foreign keys, deferrable, deferred).
type Con<'a> = (
    String,
    &'static str,
    Vec<&'a str>,
    Option<(&'a str, &'a str, Vec<&'a str>)>,
    bool,
    bool,
);

fn constraints<'a>(sc_name: &str, tb: &'a Table) -> Vec<Con<'a>> {
    use crate::catalog::Deferrable;
    let d = |x: Deferrable| {
        (
            x != Deferrable::NotDeferrable,
            x == Deferrable::InitiallyDeferred,
        )
    };
    let cols = |c: &'a [String]| c.iter().map(String::as_str).collect::<Vec<_>>();
    let mut out: Vec<Con<'a>> = Vec::new();
    if let Some(pk) = &tb.primary_key {
        let (a, b) = d(pk.deferrable);
        out.push((
            pk.name.clone(),
            "PRIMARY KEY",
            cols(&pk.columns),
            None,
            a,
            b,
        ));
    }
    for u in &tb.uniques {
        let (a, b) = d(u.deferrable);
        out.push((u.name.clone(), "UNIQUE", cols(&u.columns), None, a, b));
    }
    for f in &tb.foreign_keys {
        let (a, b) = d(f.deferrable);
        out.push((
            f.name.clone(),
            "FOREIGN KEY",
            cols(&f.columns),
            Some((
                f.references.schema.as_str(),
                f.references.name.as_str(),
                cols(&f.referenced_columns),
            )),
            a,
            b,
        ));
    }
    for ck in &tb.checks {
        out.push((ck.name.clone(), "CHECK", Vec::new(), None, false, false));
    }
    // NOT NULL columns appear as CHECK constraints with generated names.
    let ns_oid = crate::sql::replay::guard::value::Obj::Namespace(sc_name.into()).number();
    let rel_oid = super::rel(sc_name, &tb.name).number();
    for (i, c) in tb.columns.iter().enumerate() {
        if c.not_null {
            out.push((
                format!("{ns_oid}_{rel_oid}_{}_not_null", i + 1),
                "CHECK",
                Vec::new(),
                None,
                false,
                false,
            ));
        }
    }
    out
}

const CON_COLS: &[&str] = &[
    "constraint_catalog",
    "constraint_schema",
    "constraint_name",
    "table_catalog",
    "table_schema",
    "table_name",
    "constraint_type",
    "is_deferrable",
    "initially_deferred",
    "enforced",
    "nulls_distinct",
];

static TABLE_CONSTRAINTS: VTable = VTable {
    schema: IS,
    name: "table_constraints",
    columns: CON_COLS,
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "table_catalog",
        "table_schema",
        "table_name",
        "constraint_type",
        "is_deferrable",
        "initially_deferred",
        "enforced",
    ],
    indexed: &["table_schema", "table_name", "constraint_schema"],
    scan: scan_table_constraints,
};

fn scan_table_constraints<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let schema = k.text(4).or(k.text(1));
    for sc in schemas(cx, schema) {
        for tb in tables(sc, k.text(5)) {
            for (name, kind, _, _, deferrable, deferred) in constraints(&sc.name, tb) {
                if k.text(2).is_some_and(|n| n != name) {
                    continue;
                }
                let row = [
                    t("postgres"),
                    t(&sc.name),
                    V::text(name),
                    t("postgres"),
                    t(&sc.name),
                    t(&tb.name),
                    t(kind),
                    yes_no(deferrable),
                    yes_no(deferred),
                    t("YES"),
                    V::Opaque,
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static KEY_COLUMN_USAGE: VTable = VTable {
    schema: IS,
    name: "key_column_usage",
    columns: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "ordinal_position",
        "position_in_unique_constraint",
    ],
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "ordinal_position",
        "position_in_unique_constraint",
    ],
    indexed: &["table_schema", "table_name", "constraint_schema"],
    scan: scan_key_column_usage,
};

fn scan_key_column_usage<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let schema = k.text(4).or(k.text(1));
    for sc in schemas(cx, schema) {
        for tb in tables(sc, k.text(5)) {
            for (name, kind, cols, target, _, _) in constraints(&sc.name, tb) {
                if kind == "CHECK" || k.text(2).is_some_and(|n| n != name) {
                    continue;
                }
                for (i, col) in cols.iter().enumerate() {
                    let pos_in_unique = match &target {
                        Some(_) => V::Int(i as i64 + 1),
                        None => V::Null,
                    };
                    let row = [
                        t("postgres"),
                        t(&sc.name),
                        V::text(name.clone()),
                        t("postgres"),
                        t(&sc.name),
                        t(&tb.name),
                        t(col),
                        V::Int(i as i64 + 1),
                        pos_in_unique,
                    ];
                    if !out(&row)? {
                        return Ok(());
                    }
                }
            }
        }
    }
    Ok(())
}

static CONSTRAINT_COLUMN_USAGE: VTable = VTable {
    schema: IS,
    name: "constraint_column_usage",
    columns: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    modelled: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "column_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    indexed: &[],
    scan: scan_constraint_column_usage,
};

fn scan_constraint_column_usage<'a>(
    cx: &Ctx<'a>,
    k: &Keys<'_, '_>,
    out: &mut Out<'_, 'a>,
) -> Res<()> {
    for sc in schemas(cx, k.text(5)) {
        for tb in sc.tables.values() {
            for (name, kind, cols, target, _, _) in constraints(&sc.name, tb) {
                if k.text(6).is_some_and(|n| n != name) {
                    continue;
                }
                if kind == "CHECK" && !tb.checks.iter().any(|c| c.name == name) {
                    continue;
                }
                if kind == "CHECK" {
                    return Err(crate::sql::replay::guard::Fail::unknown(
                        "the columns CHECK constraints use (information_schema.constraint_column_usage) are not modelled",
                    ));
                }
                let (ts, tn, used) = match &target {
                    Some((s, n, c)) => (*s, *n, c.clone()),
                    None => (sc.name.as_str(), tb.name.as_str(), cols.clone()),
                };
                for col in used {
                    let row = [
                        t("postgres"),
                        t(ts),
                        t(tn),
                        t(col),
                        t("postgres"),
                        t(&sc.name),
                        V::text(name.clone()),
                    ];
                    if !out(&row)? {
                        return Ok(());
                    }
                }
            }
        }
    }
    Ok(())
}

static CONSTRAINT_TABLE_USAGE: VTable = VTable {
    schema: IS,
    name: "constraint_table_usage",
    columns: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    modelled: &[
        "table_catalog",
        "table_schema",
        "table_name",
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
    ],
    indexed: &[],
    scan: scan_constraint_table_usage,
};

fn scan_constraint_table_usage<'a>(
    cx: &Ctx<'a>,
    k: &Keys<'_, '_>,
    out: &mut Out<'_, 'a>,
) -> Res<()> {
    for sc in schemas(cx, k.text(4)) {
        for tb in sc.tables.values() {
            for (name, kind, _, target, _, _) in constraints(&sc.name, tb) {
                if name.ends_with("_not_null")
                    && kind == "CHECK"
                    && !tb.checks.iter().any(|c| c.name == name)
                {
                    continue;
                }
                if k.text(5).is_some_and(|n| n != name) {
                    continue;
                }
                let (ts, tn) = match &target {
                    Some((s, n, _)) => (*s, *n),
                    None => (sc.name.as_str(), tb.name.as_str()),
                };
                let row = [
                    t("postgres"),
                    t(ts),
                    t(tn),
                    t("postgres"),
                    t(&sc.name),
                    V::text(name),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static REFERENTIAL_CONSTRAINTS: VTable = VTable {
    schema: IS,
    name: "referential_constraints",
    columns: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "unique_constraint_catalog",
        "unique_constraint_schema",
        "unique_constraint_name",
        "match_option",
        "update_rule",
        "delete_rule",
    ],
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "unique_constraint_catalog",
        "unique_constraint_schema",
        "unique_constraint_name",
        "match_option",
        "update_rule",
        "delete_rule",
    ],
    indexed: &["constraint_schema"],
    scan: scan_referential,
};

fn scan_referential<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    let c = cx.catalog();
    for sc in schemas(cx, k.text(1)) {
        for tb in sc.tables.values() {
            for f in &tb.foreign_keys {
                if k.text(2).is_some_and(|n| n != f.name) {
                    continue;
                }
                // The referenced table's key with exactly these columns.
                let target = c.table(&f.references.schema, &f.references.name);
                let key = target.and_then(|rt| {
                    rt.primary_key
                        .iter()
                        .map(|p| (&p.name, &p.columns))
                        .chain(rt.uniques.iter().map(|u| (&u.name, &u.columns)))
                        .find(|(_, cols)| *cols == &f.referenced_columns)
                        .map(|(n, _)| n.as_str())
                });
                let row = [
                    t("postgres"),
                    t(&sc.name),
                    t(&f.name),
                    t("postgres"),
                    t(&f.references.schema),
                    key.map_or(V::Null, t),
                    t(match f.match_type {
                        crate::catalog::MatchType::Simple => "NONE",
                        crate::catalog::MatchType::Full => "FULL",
                        crate::catalog::MatchType::Partial => "PARTIAL",
                    }),
                    t(f.on_update.sql()),
                    t(f.on_delete.sql()),
                ];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

static CHECK_CONSTRAINTS: VTable = VTable {
    schema: IS,
    name: "check_constraints",
    columns: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "check_clause",
    ],
    modelled: &[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "check_clause",
    ],
    indexed: &["constraint_schema"],
    scan: scan_check_constraints,
};

fn scan_check_constraints<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(1)) {
        for tb in sc.tables.values() {
            for ck in &tb.checks {
                if k.text(2).is_some_and(|n| n != ck.name) {
                    continue;
                }
                let row = [t("postgres"), t(&sc.name), t(&ck.name), t(&ck.expression)];
                if !out(&row)? {
                    return Ok(());
                }
            }
            for (name, _, _, _, _, _) in constraints(&sc.name, tb) {
                let Some(rest) = name.strip_suffix("_not_null") else {
                    continue;
                };
                if tb.checks.iter().any(|c| c.name == name) {
                    continue;
                }
                let num: usize = rest
                    .rsplit('_')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                let Some(col) = num.checked_sub(1).and_then(|i| tb.columns.get(i)) else {
                    continue;
                };
                if k.text(2).is_some_and(|n| n != name) {
                    continue;
                }
                let clause = format!("{} IS NOT NULL", crate::sql::quote_ident(&col.name));
                let row = [t("postgres"), t(&sc.name), V::text(name), V::text(clause)];
                if !out(&row)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

pub(super) static ROUTINES: VTable = VTable {
    schema: IS,
    name: "routines",
    columns: &[
        "specific_catalog",
        "specific_schema",
        "specific_name",
        "routine_catalog",
        "routine_schema",
        "routine_name",
        "routine_type",
        "module_catalog",
        "module_schema",
        "module_name",
        "udt_catalog",
        "udt_schema",
        "udt_name",
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
        "type_udt_catalog",
        "type_udt_schema",
        "type_udt_name",
        "scope_catalog",
        "scope_schema",
        "scope_name",
        "maximum_cardinality",
        "dtd_identifier",
        "routine_body",
        "routine_definition",
        "external_name",
        "external_language",
        "parameter_style",
        "is_deterministic",
        "sql_data_access",
        "is_null_call",
        "sql_path",
        "schema_level_routine",
        "max_dynamic_result_sets",
        "is_user_defined_cast",
        "is_implicitly_invocable",
        "security_type",
        "to_sql_specific_catalog",
        "to_sql_specific_schema",
        "to_sql_specific_name",
        "as_locator",
        "created",
        "last_altered",
        "new_savepoint_level",
        "is_udt_dependent",
        "result_cast_from_data_type",
        "result_cast_as_locator",
        "result_cast_char_max_length",
        "result_cast_char_octet_length",
        "result_cast_char_set_catalog",
        "result_cast_char_set_schema",
        "result_cast_char_set_name",
        "result_cast_collation_catalog",
        "result_cast_collation_schema",
        "result_cast_collation_name",
        "result_cast_numeric_precision",
        "result_cast_numeric_precision_radix",
        "result_cast_numeric_scale",
        "result_cast_datetime_precision",
        "result_cast_interval_type",
        "result_cast_interval_precision",
        "result_cast_type_udt_catalog",
        "result_cast_type_udt_schema",
        "result_cast_type_udt_name",
        "result_cast_scope_catalog",
        "result_cast_scope_schema",
        "result_cast_scope_name",
        "result_cast_maximum_cardinality",
        "result_cast_dtd_identifier",
    ],
    modelled: &[
        "specific_catalog",
        "specific_schema",
        "specific_name",
        "routine_catalog",
        "routine_schema",
        "routine_name",
        "routine_type",
        "data_type",
        "type_udt_catalog",
        "type_udt_schema",
        "type_udt_name",
        "routine_body",
        "routine_definition",
        "external_language",
        "is_deterministic",
        "security_type",
    ],
    indexed: &["routine_schema", "specific_schema", "routine_name"],
    scan: super::pg_proc::scan_routines,
};

static SEQUENCES: VTable = VTable {
    schema: IS,
    name: "sequences",
    columns: &[
        "sequence_catalog",
        "sequence_schema",
        "sequence_name",
        "data_type",
        "numeric_precision",
        "numeric_precision_radix",
        "numeric_scale",
        "start_value",
        "minimum_value",
        "maximum_value",
        "increment",
        "cycle_option",
    ],
    modelled: &[
        "sequence_catalog",
        "sequence_schema",
        "sequence_name",
        "data_type",
        "numeric_precision",
        "numeric_precision_radix",
        "numeric_scale",
        "start_value",
        "minimum_value",
        "maximum_value",
        "increment",
        "cycle_option",
    ],
    indexed: &["sequence_schema", "sequence_name"],
    scan: scan_sequences,
};

fn scan_sequences<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for sc in schemas(cx, k.text(1)) {
        for q in sc.sequences.values() {
            if k.text(2).is_some_and(|n| n != q.name) {
                continue;
            }
            let precision = match q.data_type.as_str() {
                "smallint" => 16,
                "integer" => 32,
                _ => 64,
            };
            let row = [
                t("postgres"),
                t(&sc.name),
                t(&q.name),
                t(&q.data_type),
                V::Int(precision),
                V::Int(2),
                V::Int(0),
                V::text(q.start.to_string()),
                V::text(q.min_value.to_string()),
                V::text(q.max_value.to_string()),
                V::text(q.increment.to_string()),
                yes_no(q.cycle),
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

static TRIGGERS: VTable = VTable {
    schema: IS,
    name: "triggers",
    columns: &[
        "trigger_catalog",
        "trigger_schema",
        "trigger_name",
        "event_manipulation",
        "event_object_catalog",
        "event_object_schema",
        "event_object_table",
        "action_order",
        "action_condition",
        "action_statement",
        "action_orientation",
        "action_timing",
        "action_reference_old_table",
        "action_reference_new_table",
        "action_reference_old_row",
        "action_reference_new_row",
        "created",
    ],
    modelled: &[
        "trigger_catalog",
        "trigger_schema",
        "trigger_name",
        "event_manipulation",
        "event_object_catalog",
        "event_object_schema",
        "event_object_table",
        "action_orientation",
        "action_timing",
    ],
    indexed: &[],
    scan: scan_triggers,
};

fn scan_triggers<'a>(cx: &Ctx<'a>, k: &Keys<'_, '_>, out: &mut Out<'_, 'a>) -> Res<()> {
    for tr in cx.tracked().triggers.iter() {
        if k.text(2).is_some_and(|n| n != tr.name) || k.text(6).is_some_and(|n| n != tr.table) {
            continue;
        }
        for ev in &tr.events {
            let row = [
                t("postgres"),
                t(&tr.schema),
                t(&tr.name),
                t(ev),
                t("postgres"),
                t(&tr.schema),
                t(&tr.table),
                V::Opaque,
                V::Opaque,
                V::Opaque,
                t(if tr.for_each_row { "ROW" } else { "STATEMENT" }),
                t(&tr.timing),
                V::Opaque,
                V::Opaque,
                V::Opaque,
                V::Opaque,
                V::Opaque,
            ];
            if !out(&row)? {
                return Ok(());
            }
        }
    }
    Ok(())
}

static DOMAINS: VTable = VTable {
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
