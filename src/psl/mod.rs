//! The Prisma schema as data: the syntax tree with spans ([`ast`]), the same schema resolved to
//! database names, relations and indexes ([`resolved`]), and Prisma's naming rules (string
//! literals, name sanitising, default index names: [`names`]). No parsing, no rendering.

pub mod ast;
pub mod names;
pub mod resolved;
