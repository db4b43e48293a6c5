//! The type family of a column, as the schema engine's describer gives it.

use crate::pg::typemap::Scalar;

/// The type family of a column (`ColumnTypeFamily`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Family {
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
    /// `String @db.Uuid`.
    Uuid,
    /// An enum (index into `Db::enums`).
    Enum(usize),
    /// `Unsupported("udt_name")`.
    Unsupported(String),
}

impl From<Scalar> for Family {
    fn from(s: Scalar) -> Self {
        match s {
            Scalar::Int => Family::Int,
            Scalar::BigInt => Family::BigInt,
            Scalar::Float => Family::Float,
            Scalar::Decimal => Family::Decimal,
            Scalar::Boolean => Family::Boolean,
            Scalar::String => Family::String,
            Scalar::DateTime => Family::DateTime,
            Scalar::Binary => Family::Binary,
            Scalar::Json => Family::Json,
            Scalar::Uuid => Family::Uuid,
        }
    }
}
