//! Postgres semantics shared by every reader: how Postgres prints expressions and view
//! definitions ([`deparse`]), how it resolves type names ([`types`]), what it has built in
//! (`builtin`), and how a PostgreSQL type maps to Prisma and Rust ([`typemap`]).

pub(crate) mod builtin;
pub mod calendar;
pub mod deparse;
pub mod typemap;
pub mod types;
