//! Reading the catalog of a live PostgreSQL database through `pg_catalog`.

pub mod read;

pub use read::read_catalog;
