//! Built-in PostgreSQL type → Rust type, for each database crate the generated code can target.
//!
//! One row per `pg_type.typname`; shaped to fold into the project's single Postgres ↔ Prisma ↔
//! Rust type table. A type without a row (or without a mapping for the chosen [`Backend`]) takes
//! the documented fallback, `String`, unless the user maps it (`[rust.types]`).

use serde::Deserialize;

/// The database crate the generated code is for: decides the derives and, for a few types,
/// the Rust type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Backend {
    /// `tokio-postgres` / `postgres` with `postgres-types`: `ToSql`/`FromSql` derives on enums
    /// and composite types, `TryFrom<&Row>` for row structs, an `insert_statement()` per table.
    #[default]
    Postgres,
    /// `sqlx`: `sqlx::FromRow` on row structs, `sqlx::Type` on enums and composite types.
    Sqlx,
    /// Plain data types: no database derives.
    None,
}

/// The crate for dates and times.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeCrate {
    /// `chrono` (`DateTime<Utc>`, `NaiveDate`, …).
    #[default]
    Chrono,
    /// `time` (`OffsetDateTime`, `Date`, …).
    Time,
}

/// How one built-in type maps.
#[derive(Debug, Clone, Copy)]
pub enum RustType {
    /// The same Rust type for every backend.
    Any(&'static str),
    /// Depends on the time crate: (chrono, time).
    Time(&'static str, &'static str),
    /// Only some backends support it: (postgres, sqlx, none); `None` is the fallback.
    Backend(
        Option<&'static str>,
        Option<&'static str>,
        Option<&'static str>,
    ),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct TypeRow {
    /// `pg_type.typname` (`pg_catalog` types, plus extension types known by name).
    pub pg: &'static str,
    /// The Rust type.
    pub rust: RustType,
}

use RustType::{Any, Backend as By, Time};

/// The table. Everything `postgres-types` (features `with-chrono-0_4`, `with-time-0_3`,
/// `with-uuid-1`, `with-serde_json-1`, `with-cidr-0_2`) and `rust_decimal` (`db-postgres`)
/// read and write, and the sqlx equivalents.
pub const TYPES: &[TypeRow] = &[
    row("bool", Any("bool")),
    row("int2", Any("i16")),
    row("int4", Any("i32")),
    row("int8", Any("i64")),
    row("float4", Any("f32")),
    row("float8", Any("f64")),
    row("char", Any("i8")),
    row(
        "oid",
        By(Some("u32"), Some("sqlx::postgres::types::Oid"), Some("u32")),
    ),
    row("numeric", Any("rust_decimal::Decimal")),
    row("text", Any("String")),
    row("varchar", Any("String")),
    row("bpchar", Any("String")),
    row("name", Any("String")),
    row("citext", Any("String")),
    row("ltree", By(Some("String"), None, Some("String"))),
    row("bytea", Any("Vec<u8>")),
    row("uuid", Any("uuid::Uuid")),
    row("json", Any("serde_json::Value")),
    row("jsonb", Any("serde_json::Value")),
    row("date", Time("chrono::NaiveDate", "time::Date")),
    row("time", Time("chrono::NaiveTime", "time::Time")),
    row(
        "timestamp",
        Time("chrono::NaiveDateTime", "time::PrimitiveDateTime"),
    ),
    row(
        "timestamptz",
        Time("chrono::DateTime<chrono::Utc>", "time::OffsetDateTime"),
    ),
    row(
        "inet",
        By(
            Some("std::net::IpAddr"),
            Some("ipnetwork::IpNetwork"),
            Some("std::net::IpAddr"),
        ),
    ),
    row(
        "cidr",
        By(
            Some("cidr::IpCidr"),
            Some("ipnetwork::IpNetwork"),
            Some("cidr::IpCidr"),
        ),
    ),
];

const fn row(pg: &'static str, rust: RustType) -> TypeRow {
    TypeRow { pg, rust }
}

/// The fallback for a type without a mapping.
pub const FALLBACK: &str = "String";

/// The Rust type of a built-in type (`pg_catalog`, or an extension type known by name such as
/// `citext`), or `None` when it has no mapping for `backend`.
pub fn builtin(pg: &str, backend: Backend, time: TimeCrate) -> Option<&'static str> {
    let row = TYPES.iter().find(|r| r.pg == pg)?;
    match row.rust {
        Any(t) => Some(t),
        Time(chrono, t) => Some(match time {
            TimeCrate::Chrono => chrono,
            TimeCrate::Time => t,
        }),
        By(postgres, sqlx, none) => match backend {
            Backend::Postgres => postgres,
            Backend::Sqlx => sqlx,
            Backend::None => none,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        use Backend::{Postgres, Sqlx};
        assert_eq!(builtin("int4", Postgres, TimeCrate::Chrono), Some("i32"));
        assert_eq!(
            builtin("timestamptz", Sqlx, TimeCrate::Time),
            Some("time::OffsetDateTime")
        );
        assert_eq!(builtin("interval", Postgres, TimeCrate::Chrono), None);
        assert_eq!(builtin("tsvector", Postgres, TimeCrate::Chrono), None);
        for r in TYPES {
            assert_eq!(TYPES.iter().filter(|x| x.pg == r.pg).count(), 1, "{}", r.pg);
        }
    }
}
