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

// The public surface: what a user of the library calls. Everything else is internal; the
// modules marked `#[doc(hidden)]` are reachable only so that the integration tests, benchmarks
// and fuzz targets in this repository can check the stages one by one — they are not part of
// the documented API and carry no stability promise (`tests/architecture.rs` keeps this list).
mod builder;
pub mod catalog;
pub mod config;
#[cfg(feature = "db")]
pub mod db;
pub mod diagnostics;
pub(crate) mod diff;
#[doc(hidden)]
pub mod emit;
mod error;
pub mod output;
#[doc(hidden)]
pub mod panics;
#[doc(hidden)]
pub mod pg;
pub mod pipeline;
#[doc(hidden)]
pub mod prisma;
#[doc(hidden)]
pub mod psl;
#[doc(hidden)]
pub mod sql;

pub use builder::{render_error, Builder, Report};
pub use error::{Error, Result};
pub use pipeline::{replay_dir, replay_dir_with_stats};
