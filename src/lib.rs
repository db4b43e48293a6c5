//! # schemagen
//!
//! Supabase SQL migrations as the single source of truth. schemagen replays
//! `supabase/migrations/*.sql` offline, in order, into a schema [`catalog::Catalog`] (the database
//! those migrations produce, as Postgres would normalise it) and generates everything else from it.
//!
//! The pipeline reads `Read → Replay → Render → Write`:
//!
//! ```no_run
//! use schemagen::{diagnostics::{Diagnostics, Sources}, replay_dir};
//!
//! let mut sources = Sources::new();
//! let mut diags = Diagnostics::new();
//! let catalog = replay_dir("supabase/migrations".as_ref(), &mut sources, &mut diags)?;
//! eprint!("{}", diags.render(&sources));
//! println!("{} tables", catalog.table_count());
//! # Ok::<(), schemagen::Error>(())
//! ```
#![deny(missing_docs)]

mod builder;
pub mod catalog;
pub mod config;
#[cfg(feature = "db")]
pub mod db;
pub mod diagnostics;
pub(crate) mod diff;
pub mod emit;
mod error;
pub mod output;
pub mod panics;
pub mod pg;
pub mod pipeline;
pub mod prisma;
pub mod psl;
pub mod sql;

pub use builder::{render_error, Builder, Report};
pub use error::{Error, Result};
pub use pipeline::{replay_dir, replay_dir_with_stats};
