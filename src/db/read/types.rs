//! Column types: `pg_type` rows and `atttypmod` → [`SqlType`].

use postgres::Row;

use crate::catalog::SqlType;
use crate::error::Result;

/// A `LEFT JOIN LATERAL` that resolves the type `typid` to its element type (for true arrays,
/// whose element's `typarray` points back at them), giving the columns `ty_name`, `ty_schema`
/// and `ty_array`. Its own aliases start with `ty_` so that they do not hide the caller's. Pair it with `ty_mod`, `ty_ndims` and `ty_format` columns in the select list
/// (see [`type_columns`]).
pub(super) fn type_join(typid: &str) -> String {
    format!(
        "LEFT JOIN LATERAL (
            SELECT ty_et.typname::text AS ty_name, ty_en.nspname::text AS ty_schema,
                   (ty_e.oid IS NOT NULL) AS ty_array
            FROM pg_type ty_t
            LEFT JOIN pg_type ty_e ON ty_e.oid = ty_t.typelem AND ty_e.typarray = ty_t.oid
            JOIN pg_type ty_et ON ty_et.oid = coalesce(ty_e.oid, ty_t.oid)
            JOIN pg_namespace ty_en ON ty_en.oid = ty_et.typnamespace
            WHERE ty_t.oid = {typid}
        ) ty ON true"
    )
}

/// The select-list part that goes with [`type_join`]: `ty_name, ty_schema, ty_array, ty_mod,
/// ty_ndims, ty_format` for a type oid, type modifier and declared array dimensions.
pub(super) fn type_columns(typid: &str, typmod: &str, ndims: &str) -> String {
    format!(
        "ty.ty_name, ty.ty_schema, ty.ty_array, ({typmod})::int4 AS ty_mod,
         ({ndims})::int4 AS ty_ndims, format_type({typid}, {typmod}) AS ty_format"
    )
}

/// Decodes the columns of [`type_columns`] from a row.
pub(super) fn sql_type(row: &Row) -> Result<SqlType> {
    let name: Option<String> = row.try_get("ty_name")?;
    let schema: Option<String> = row.try_get("ty_schema")?;
    let is_array: Option<bool> = row.try_get("ty_array")?;
    let typmod: i32 = row.try_get("ty_mod")?;
    let ndims: i32 = row.try_get("ty_ndims")?;
    let formatted: Option<String> = row.try_get("ty_format")?;
    let (Some(name), Some(schema)) = (name, schema) else {
        // The type vanished under us (concurrent DROP); `text` is the least surprising stand-in.
        return Ok(SqlType::default());
    };
    let dims = if is_array.unwrap_or(false) {
        ndims.max(1) as u32
    } else {
        0
    };
    let modifiers = decode_typmod(&schema, &name, typmod, formatted.as_deref().unwrap_or(""));
    Ok(SqlType {
        schema,
        name,
        modifiers,
        array_dims: dims,
    })
}

/// `VARHDRSZ`: `varchar(n)`/`char(n)` store `n + 4` in `atttypmod`.
const VARHDRSZ: i32 = 4;
/// `INTERVAL_FULL_PRECISION`: the precision bits of an interval typmod when none was given.
const INTERVAL_FULL_PRECISION: i32 = 0xFFFF;

/// The modifiers of element type `schema.name` encoded in `typmod` (−1 when none).
///
/// Built-in types are decoded the way their `typmodout` functions do; for other types (extension
/// types such as `vector(3)`) the integers in the parentheses `format_type` printed are used, and
/// nothing when they are not plain integers.
pub(super) fn decode_typmod(schema: &str, name: &str, typmod: i32, formatted: &str) -> Vec<i64> {
    if typmod < 0 {
        return Vec::new();
    }
    let m = i64::from(typmod);
    if schema != "pg_catalog" {
        return formatted_modifiers(formatted);
    }
    match name {
        "varchar" | "bpchar" if typmod >= VARHDRSZ => vec![m - i64::from(VARHDRSZ)],
        "numeric" if typmod >= VARHDRSZ => {
            let t = typmod - VARHDRSZ;
            let precision = (t >> 16) & 0xFFFF;
            // The scale is an 11-bit signed field since PostgreSQL 15.
            let scale = ((t & 0x7FF) ^ 1024) - 1024;
            vec![i64::from(precision), i64::from(scale)]
        }
        "timestamp" | "timestamptz" | "time" | "timetz" | "bit" | "varbit" => vec![m],
        "interval" => {
            // The high bits hold the field range (`DAY TO SECOND`), which `SqlType` cannot hold.
            let precision = typmod & 0xFFFF;
            if precision == INTERVAL_FULL_PRECISION {
                Vec::new()
            } else {
                vec![i64::from(precision)]
            }
        }
        _ => formatted_modifiers(formatted),
    }
}

/// The integers inside the last `(…)` of a `format_type` text before any `[]`, or nothing.
fn formatted_modifiers(formatted: &str) -> Vec<i64> {
    let base = formatted.trim_end_matches("[]");
    let Some(inner) = base
        .strip_suffix(')')
        .and_then(|s| s.rfind('(').map(|i| &s[i + 1..]))
    else {
        return Vec::new();
    };
    let parsed: Option<Vec<i64>> = inner.split(',').map(|p| p.trim().parse().ok()).collect();
    parsed.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typmods_decode_like_postgres() {
        let cases: &[(&str, i32, &str, &[i64])] = &[
            ("varchar", 259, "character varying(255)", &[255]),
            ("varchar", -1, "character varying", &[]),
            ("bpchar", 5, "character(1)", &[1]),
            ("numeric", (10 << 16) + 2 + 4, "numeric(10,2)", &[10, 2]),
            ("numeric", (5 << 16) + 0x7FE + 4, "numeric(5,-2)", &[5, -2]),
            ("numeric", -1, "numeric", &[]),
            ("timestamptz", 3, "timestamp(3) with time zone", &[3]),
            ("timestamp", 0, "timestamp(0) without time zone", &[0]),
            ("interval", 0x7FFF_0000 | 0xFFFF, "interval", &[]),
            ("interval", 0x7FFF_0000 | 2, "interval(2)", &[2]),
            ("bit", 8, "bit(8)", &[8]),
            ("int4", -1, "integer", &[]),
        ];
        for (name, typmod, formatted, want) in cases {
            assert_eq!(
                decode_typmod("pg_catalog", name, *typmod, formatted),
                want.to_vec(),
                "{name} {typmod}"
            );
        }
        assert_eq!(
            decode_typmod("extensions", "vector", 3, "extensions.vector(3)[]"),
            vec![3]
        );
        assert!(decode_typmod("public", "geometry", 7, "geometry(Point,4326)").is_empty());
    }
}
