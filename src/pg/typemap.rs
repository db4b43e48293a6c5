//! ONE table: a PostgreSQL type ↔ its Prisma scalar and `@db.*` native type.
//!
//! The Prisma columns are the schema engine's `get_column_type_family` for PostgreSQL (what
//! `prisma db pull` prints for a column of that type); the reverse direction (a Prisma field →
//! the PostgreSQL type `prisma migrate` creates) reads the same rows ([`by_native`],
//! [`default_for`]). The Rust types of generated structs depend on the database crate and are
//! in the Rust emitter's own table (`emit::rust::typemap`). A type that is not in the table is
//! an enum of the catalog or `Unsupported("…")`.

/// The type family of a column, as the schema engine names it (`ColumnTypeFamily`, enums and
/// `Unsupported` left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// `Int`.
    Int,
    /// `BigInt`.
    BigInt,
    /// `Float`.
    Float,
    /// `Decimal`.
    Decimal,
    /// `Boolean`.
    Boolean,
    /// `String`.
    String,
    /// `DateTime`.
    DateTime,
    /// `Bytes`.
    Binary,
    /// `Json`.
    Json,
    /// `String @db.Uuid` (the engine's own family).
    Uuid,
}

impl Scalar {
    /// The Prisma scalar type name (`Uuid` is a `String`).
    pub fn prisma_name(self) -> &'static str {
        match self {
            Scalar::Int => "Int",
            Scalar::BigInt => "BigInt",
            Scalar::Float => "Float",
            Scalar::Decimal => "Decimal",
            Scalar::Boolean => "Boolean",
            Scalar::String | Scalar::Uuid => "String",
            Scalar::DateTime => "DateTime",
            Scalar::Binary => "Bytes",
            Scalar::Json => "Json",
        }
    }
}

/// How a native type's arguments come from the column's type modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Args {
    /// None (`@db.Text`).
    None,
    /// The length, when there is one (`@db.VarChar(255)`, `@db.Char(1)`, `@db.Bit(8)`).
    Length,
    /// `precision, scale` when both are given (`@db.Decimal(10, 2)`); the native type is the
    /// default when they are `65, 30`.
    PrecisionScale,
    /// A time precision: the explicit one, else 6 on a scalar (`information_schema`'s
    /// `datetime_precision`) and none on an array; the native type is the default when the
    /// precision is `default_precision`.
    TimePrecision {
        /// The precision Prisma does not print (`Timestamp(3)` for `DateTime`).
        default_precision: Option<u32>,
    },
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeMapping {
    /// `typname` (`int4`, `timestamptz`, `citext`…).
    pub pg: &'static str,
    /// Matches only in `pg_catalog` (`"char"`, not a user type called `char`).
    pub pg_catalog_only: bool,
    /// The Prisma family.
    pub scalar: Scalar,
    /// The native type, `@db.<native>`.
    pub native: &'static str,
    /// Where its arguments come from.
    pub args: Args,
    /// Prisma does not print the native type (`Integer` for `Int`); for [`Args::PrecisionScale`]
    /// and [`Args::TimePrecision`] it depends on the arguments.
    pub native_is_default: bool,
}

const fn row(
    pg: &'static str,
    scalar: Scalar,
    native: &'static str,
    args: Args,
    native_is_default: bool,
) -> TypeMapping {
    TypeMapping {
        pg,
        pg_catalog_only: false,
        scalar,
        native,
        args,
        native_is_default,
    }
}

use Args::{Length, PrecisionScale, TimePrecision};
use Scalar::*;

/// The table, in the engine's order.
pub const TYPES: &[TypeMapping] = &[
    row("int2", Int, "SmallInt", Args::None, false),
    row("int4", Int, "Integer", Args::None, true),
    row("int8", BigInt, "BigInt", Args::None, true),
    row("oid", Int, "Oid", Args::None, false),
    row("float4", Float, "Real", Args::None, false),
    row("float8", Float, "DoublePrecision", Args::None, true),
    row("bool", Boolean, "Boolean", Args::None, true),
    row("text", String, "Text", Args::None, true),
    row("citext", String, "Citext", Args::None, false),
    row("varchar", String, "VarChar", Length, false),
    row("bpchar", String, "Char", Length, false),
    TypeMapping {
        pg_catalog_only: true,
        ..row("char", String, "Char", Args::None, false)
    },
    row("date", DateTime, "Date", Args::None, false),
    row("bytea", Binary, "ByteA", Args::None, true),
    row("json", Json, "Json", Args::None, false),
    row("jsonb", Json, "JsonB", Args::None, true),
    row("uuid", Uuid, "Uuid", Args::None, false),
    row("xml", String, "Xml", Args::None, false),
    row("bit", String, "Bit", Length, false),
    row("varbit", String, "VarBit", Length, false),
    row("numeric", Decimal, "Decimal", PrecisionScale, false),
    row("money", Decimal, "Money", Args::None, false),
    row(
        "time",
        DateTime,
        "Time",
        TimePrecision {
            default_precision: None,
        },
        false,
    ),
    row(
        "timetz",
        DateTime,
        "Timetz",
        TimePrecision {
            default_precision: None,
        },
        false,
    ),
    row(
        "timestamp",
        DateTime,
        "Timestamp",
        TimePrecision {
            default_precision: Some(3),
        },
        false,
    ),
    row(
        "timestamptz",
        DateTime,
        "Timestamptz",
        TimePrecision {
            default_precision: None,
        },
        false,
    ),
    row("inet", String, "Inet", Args::None, false),
];

/// The row of a PostgreSQL type (`typname` in schema `schema`).
pub fn by_pg_name(name: &str, schema: &str) -> Option<&'static TypeMapping> {
    TYPES
        .iter()
        .find(|t| t.pg == name && (!t.pg_catalog_only || schema == "pg_catalog"))
}

/// The row of a native type (`@db.VarChar` → `varchar`).
pub fn by_native(native: &str) -> Option<&'static TypeMapping> {
    TYPES.iter().find(|t| t.native == native)
}

/// The PostgreSQL type of a Prisma scalar without `@db.*`, with its type modifiers
/// (`DateTime` → `timestamp(3)`, `Decimal` → `numeric(65,30)`).
pub fn default_for(scalar: Scalar) -> (&'static TypeMapping, &'static [i64]) {
    let (pg, modifiers): (&str, &'static [i64]) = match scalar {
        Int => ("int4", &[]),
        BigInt => ("int8", &[]),
        Float => ("float8", &[]),
        Decimal => ("numeric", &[65, 30]),
        Boolean => ("bool", &[]),
        String => ("text", &[]),
        DateTime => ("timestamp", &[3]),
        Binary => ("bytea", &[]),
        Json => ("jsonb", &[]),
        Uuid => ("uuid", &[]),
    };
    let row = TYPES.iter().find(|t| t.pg == pg).unwrap_or(&TYPES[0]);
    (row, modifiers)
}

impl TypeMapping {
    /// The native type's arguments for a column with these type modifiers, and whether Prisma
    /// leaves the native type out.
    pub fn native_args(
        &self,
        modifiers: &[i64],
        is_array: bool,
    ) -> (Vec<std::string::String>, bool) {
        match self.args {
            Args::None => (Vec::new(), self.native_is_default),
            Length => (
                modifiers
                    .first()
                    .map(|v| v.to_string())
                    .into_iter()
                    .collect(),
                self.native_is_default,
            ),
            PrecisionScale => {
                if modifiers.len() == 2 {
                    let is_default = modifiers[0] == 65 && modifiers[1] == 30;
                    (
                        modifiers.iter().map(|v| v.to_string()).collect(),
                        is_default,
                    )
                } else {
                    (Vec::new(), false)
                }
            }
            TimePrecision { default_precision } => {
                let p = match modifiers.first() {
                    Some(p) => Some(*p as u32),
                    None if is_array => None,
                    None => Some(6),
                };
                let is_default = default_precision.is_some() && p == default_precision;
                (p.map(|p| p.to_string()).into_iter().collect(), is_default)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pg_type_and_each_native_type_has_one_row() {
        for (i, a) in TYPES.iter().enumerate() {
            for b in &TYPES[i + 1..] {
                assert_ne!(a.pg, b.pg);
                // `"char"` prints as `@db.Char` too; `@db.Char` creates a `bpchar`.
                if a.native == b.native {
                    assert!(b.pg_catalog_only, "{} and {}", a.pg, b.pg);
                    assert_eq!(by_native(b.native).unwrap().pg, a.pg);
                }
            }
        }
    }

    #[test]
    fn lookups_both_ways() {
        let t = by_pg_name("timestamptz", "pg_catalog").unwrap();
        assert_eq!((t.scalar, t.native), (DateTime, "Timestamptz"));
        assert_eq!(t.native_args(&[], false), (vec!["6".to_string()], false));
        assert!(by_pg_name("char", "public").is_none());
        assert_eq!(by_native("VarChar").unwrap().pg, "varchar");
        let (t, m) = default_for(DateTime);
        assert_eq!((t.pg, m), ("timestamp", &[3][..]));
        assert_eq!(t.native_args(m, false), (vec!["3".to_string()], true));
        let (t, m) = default_for(Decimal);
        assert!(t.native_args(m, false).1);
        for s in [Int, BigInt, Float, Boolean, String, Binary, Json] {
            let (t, m) = default_for(s);
            assert_eq!(t.scalar, s);
            assert!(t.native_args(m, false).1, "{s:?}");
        }
        assert_eq!(Uuid.prisma_name(), "String");
    }
}
