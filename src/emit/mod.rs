//! Writers: a [`Catalog`](crate::catalog::Catalog) rendered as text. They never import a reader.
//!
//! * [`prisma`]: `schema.prisma` as `prisma db pull` renders it;
//! * [`rust`]: typed Rust row/insert structs and enums;
//! * [`sql`]: diff steps as PostgreSQL DDL (`sql-from-prisma`);
//! * [`text`]: the readable listing of `schemagen inspect`.

pub mod catalog_sql;
pub mod prisma;
pub mod rust;
pub mod sql;
pub mod text;
