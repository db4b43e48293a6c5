//! Postgres semantics shared by every reader: how Postgres prints expressions and view
//! definitions ([`deparse`]) and how it resolves type names ([`types`]).

pub(crate) mod builtin;
pub mod deparse;
pub mod types;
