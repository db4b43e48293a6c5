//! sqlparser's `DataType` → the [`SqlType`] Postgres would store.

use sqlparser::ast::DataType;

use crate::catalog::{Catalog, SqlType};

/// Resolves a written type to the stored type (`varchar(255)` → `varchar` with `[255]`,
/// `int` → `int4`, `timestamptz` → `timestamptz`, `my_enum` → the enum's schema and name).
///
/// # Errors
/// A message when the type does not exist (Postgres: `type "x" does not exist`).
pub fn resolve_type(
    dt: &DataType,
    catalog: &Catalog,
    search_path: &[String],
) -> Result<SqlType, String> {
    // Interim: resolution by the printed type name.
    let mut dims = 0;
    let mut dt = dt;
    while let DataType::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(inner, _))
    | DataType::Array(sqlparser::ast::ArrayElemTypeDef::AngleBracket(inner)) = dt
    {
        dims += 1;
        dt = inner;
    }
    let text = dt.to_string().to_ascii_lowercase();
    let text =
        if text.starts_with('"') && text.ends_with('"') && !text[1..text.len() - 1].contains('"') {
            text[1..text.len() - 1].to_string()
        } else {
            text
        };
    let (base, mods) = match text.find('(') {
        Some(i) => (
            text[..i].trim().to_string(),
            text[i + 1..text.rfind(')').unwrap_or(text.len())]
                .split(',')
                .filter_map(|x| x.trim().parse::<i64>().ok())
                .collect::<Vec<_>>(),
        ),
        None => (text.clone(), Vec::new()),
    };
    let builtin = match base.as_str() {
        "int" | "integer" | "int4" => Some("int4"),
        "smallint" | "int2" => Some("int2"),
        "bigint" | "int8" => Some("int8"),
        "real" | "float4" => Some("float4"),
        "float" | "float8" | "double precision" => Some("float8"),
        "numeric" | "decimal" => Some("numeric"),
        "varchar" | "character varying" => Some("varchar"),
        "char" | "character" | "bpchar" => Some("bpchar"),
        "text" => Some("text"),
        "bool" | "boolean" => Some("bool"),
        "uuid" => Some("uuid"),
        "json" => Some("json"),
        "jsonb" => Some("jsonb"),
        "bytea" => Some("bytea"),
        "date" => Some("date"),
        "timestamp" | "timestamp without time zone" => Some("timestamp"),
        "timestamptz" | "timestamp with time zone" => Some("timestamptz"),
        "time" | "time without time zone" => Some("time"),
        "timetz" | "time with time zone" => Some("timetz"),
        "interval" => Some("interval"),
        "inet" => Some("inet"),
        "cidr" => Some("cidr"),
        "tsvector" => Some("tsvector"),
        "oid" => Some("oid"),
        "money" => Some("money"),
        "xml" => Some("xml"),
        "regclass" => Some("regclass"),
        "int4range" => Some("int4range"),
        "int8range" => Some("int8range"),
        "tstzrange" => Some("tstzrange"),
        "tsrange" => Some("tsrange"),
        "daterange" => Some("daterange"),
        "numrange" => Some("numrange"),
        "point" => Some("point"),
        "macaddr" => Some("macaddr"),
        "name" => Some("name"),
        _ => None,
    };
    if let Some(b) = builtin {
        let mods = if b == "bpchar" && mods.is_empty() {
            vec![1]
        } else {
            mods
        };
        return Ok(SqlType::builtin(b)
            .with_modifiers(mods)
            .with_array_dims(dims));
    }
    let parts: Vec<String> = base
        .split('.')
        .map(|p| p.trim_matches('"').to_string())
        .collect();
    let (schema, name) = match parts.as_slice() {
        [s, n] => (Some(s.clone()), n.clone()),
        [n] => (None, n.clone()),
        _ => return Err(format!("type \"{base}\" does not exist")),
    };
    let found = match &schema {
        Some(s) => catalog
            .schemas
            .get(s)
            .filter(|sc| sc.has_type(&name))
            .map(|_| s.clone()),
        None => search_path
            .iter()
            .map(|s| {
                if s == "$user" {
                    "postgres".to_string()
                } else {
                    s.clone()
                }
            })
            .find(|s| catalog.schemas.get(s).is_some_and(|sc| sc.has_type(&name))),
    };
    match found {
        Some(s) => Ok(SqlType::in_schema(&s, &name)
            .with_modifiers(mods)
            .with_array_dims(dims)),
        None => {
            if let Some(e) = catalog.extensions.values().find(|e| {
                matches!(
                    (e.name.as_str(), name.as_str()),
                    ("citext", "citext")
                        | ("vector", "vector")
                        | ("hstore", "hstore")
                        | ("ltree", "ltree")
                )
            }) {
                return Ok(SqlType::in_schema(&e.schema, &name)
                    .with_modifiers(mods)
                    .with_array_dims(dims));
            }
            Err(format!("type \"{base}\" does not exist"))
        }
    }
}

/// The integer type behind `serial` spellings (`serial` → `int4`), `None` for other types.
pub fn serial_kind(dt: &DataType) -> Option<&'static str> {
    match dt {
        DataType::Custom(name, mods) if mods.is_empty() => {
            match name.to_string().to_ascii_lowercase().as_str() {
                "serial" | "serial4" => Some("int4"),
                "bigserial" | "serial8" => Some("int8"),
                "smallserial" | "serial2" => Some("int2"),
                _ => None,
            }
        }
        _ => None,
    }
}
