//! The Prisma reader: `schema.prisma` text → [`psl`](crate::psl) ([`parse`]).

pub mod parse;
