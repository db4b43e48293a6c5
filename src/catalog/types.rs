//! Column types as Postgres stores them: a `pg_type` name, type modifiers and array dimensions.

use serde::{Deserialize, Serialize};

/// A column type: the element type's `pg_type.typname` (`int4`, `varchar`, `timestamptz`, a user
/// enum…), its schema, its modifiers (`varchar(255)` → `[255]`, `numeric(10,2)` → `[10, 2]`) and
/// the number of array dimensions declared (`text[]` → 1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SqlType {
    /// Schema of the type: `pg_catalog` for built-in types.
    #[serde(default = "pg_catalog", skip_serializing_if = "is_pg_catalog")]
    pub schema: String,
    /// `pg_type.typname` of the element type (`int4`, `varchar`, `bpchar`, `my_enum`).
    pub name: String,
    /// Type modifiers, empty when none were given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<i64>,
    /// Array dimensions declared (0 for a scalar).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub array_dims: u32,
}

fn pg_catalog() -> String {
    "pg_catalog".to_string()
}

fn is_pg_catalog(s: &str) -> bool {
    s == "pg_catalog"
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Default for SqlType {
    fn default() -> Self {
        SqlType::builtin("text")
    }
}

impl SqlType {
    /// A built-in (`pg_catalog`) type without modifiers.
    pub fn builtin(name: &str) -> Self {
        SqlType {
            schema: pg_catalog(),
            name: name.to_string(),
            modifiers: Vec::new(),
            array_dims: 0,
        }
    }

    /// A type in a given schema.
    pub fn in_schema(schema: &str, name: &str) -> Self {
        SqlType {
            schema: schema.to_string(),
            name: name.to_string(),
            modifiers: Vec::new(),
            array_dims: 0,
        }
    }

    /// With modifiers.
    pub fn with_modifiers(mut self, modifiers: Vec<i64>) -> Self {
        self.modifiers = modifiers;
        self
    }

    /// With array dimensions.
    pub fn with_array_dims(mut self, dims: u32) -> Self {
        self.array_dims = dims;
        self
    }

    /// Whether this is an array type.
    pub fn is_array(&self) -> bool {
        self.array_dims > 0
    }

    /// Whether this is a built-in type called `name` (ignoring modifiers and arrays).
    pub fn is(&self, name: &str) -> bool {
        self.schema == "pg_catalog" && self.name == name
    }

    /// The element type (array dimensions removed).
    pub fn element(&self) -> SqlType {
        SqlType {
            array_dims: 0,
            ..self.clone()
        }
    }

    /// The `udt_name` as `information_schema.columns` reports it: `int4`, or `_int4` for arrays.
    pub fn udt_name(&self) -> String {
        if self.is_array() {
            format!("_{}", self.name)
        } else {
            self.name.clone()
        }
    }

    /// The type as `format_type(atttypid, atttypmod)` prints it (`character varying(255)[]`),
    /// schema-qualified when not in `pg_catalog` and `qualify` is set.
    pub fn format(&self, qualify: bool) -> String {
        let mods = &self.modifiers;
        let paren = |m: &[i64]| {
            if m.is_empty() {
                String::new()
            } else {
                format!(
                    "({})",
                    m.iter()
                        .map(|v| v.to_string())
                        .collect::<Vec<_>>()
                        .join(",")
                )
            }
        };
        let base = if self.schema == "pg_catalog" {
            match self.name.as_str() {
                "int2" => "smallint".to_string(),
                "int4" => "integer".to_string(),
                "int8" => "bigint".to_string(),
                "float4" => "real".to_string(),
                "float8" => "double precision".to_string(),
                "bool" => "boolean".to_string(),
                "varchar" => format!("character varying{}", paren(mods)),
                "bpchar" if mods.is_empty() => "bpchar".to_string(),
                "bpchar" => format!("character{}", paren(mods)),
                "varbit" => format!("bit varying{}", paren(mods)),
                // bit with typmod -1 is not BIT (which means BIT(1)): quoted, as format_type
                // prints it.
                "bit" if mods.is_empty() => "\"bit\"".to_string(),
                "bit" => format!("bit{}", paren(mods)),
                "numeric" => format!("numeric{}", paren(mods)),
                "timestamp" => format!("timestamp{} without time zone", paren(mods)),
                "timestamptz" => format!("timestamp{} with time zone", paren(mods)),
                "time" => format!("time{} without time zone", paren(mods)),
                "timetz" => format!("time{} with time zone", paren(mods)),
                "interval" => format!("interval{}", paren(mods)),
                "char" => "\"char\"".to_string(),
                other => format!("{}{}", super::quote_ident(other), paren(mods)),
            }
        } else {
            let name = super::quote_ident(&self.name);
            let name = if qualify {
                format!("{}.{}", super::quote_ident(&self.schema), name)
            } else {
                name
            };
            format!("{}{}", name, paren(mods))
        };
        let mut out = base;
        for _ in 0..self.array_dims {
            out.push_str("[]");
        }
        out
    }
}

impl std::fmt::Display for SqlType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.format(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_format_type() {
        let cases = [
            (SqlType::builtin("int4"), "integer"),
            (
                SqlType::builtin("varchar").with_modifiers(vec![255]),
                "character varying(255)",
            ),
            (SqlType::builtin("varchar"), "character varying"),
            (
                SqlType::builtin("numeric").with_modifiers(vec![10, 2]),
                "numeric(10,2)",
            ),
            (
                SqlType::builtin("timestamptz").with_modifiers(vec![3]),
                "timestamp(3) with time zone",
            ),
            (SqlType::builtin("text").with_array_dims(2), "text[][]"),
            (SqlType::in_schema("public", "Role"), "public.\"Role\""),
            (SqlType::builtin("char"), "\"char\""),
            (
                SqlType::builtin("bpchar").with_modifiers(vec![1]),
                "character(1)",
            ),
        ];
        for (ty, want) in cases {
            assert_eq!(ty.format(true), want);
        }
    }
}
