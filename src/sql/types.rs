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
    let _ = (dt, catalog, search_path);
    Err("not implemented".into())
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
