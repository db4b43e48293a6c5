//! Reading Supabase SQL migrations: splitting files into statements, parsing them, and replaying
//! them into a [`Catalog`](crate::catalog::Catalog).

pub mod dialect;
pub(crate) mod fastlex;
pub mod parse;
pub mod pg_keywords;
pub mod replay;
pub mod rewrite;
pub mod source;
pub mod split;
pub mod supabase;

/// The search path of the sessions that read a catalog (Prisma's engine, `schemagen`'s live
/// reader, `pg_dump`-like tools connected as `postgres` on Supabase): Postgres prints names in
/// these schemas unqualified and all others qualified, so replay must print them the same way.
/// Matches [`crate::db::SEARCH_PATH`].
pub const DISPLAY_SEARCH_PATH: &[&str] = &["public", "extensions"];

// The replay modules quote through these paths.
pub(crate) use crate::catalog::{quote_ident, quote_literal};
