//! `information_schema.schemata`, `tables`, `views` and `sequences`.

use crate::sql::replay::guard::errors::Res;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::vtab::{schemas, t, tables, yes_no, Keys, Out, VTable};
use crate::sql::replay::guard::Ctx;

use super::IS;

pub(super) static SCHEMATA: VTable = VTable {
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

pub(super) static TABLES_VIEW: VTable = VTable {
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

pub(super) static VIEWS: VTable = VTable {
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

pub(super) static SEQUENCES: VTable = VTable {
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
