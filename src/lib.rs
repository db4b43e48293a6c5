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

pub mod catalog;
pub mod cli;
pub mod db;
pub mod diagnostics;
mod error;
pub mod prisma;
pub mod source;
pub mod sql;
pub mod supabase;

pub use error::{Error, Result};

use std::path::Path;

use catalog::Catalog;
use diagnostics::{Diagnostics, Sources};

// Read → Replay

/// Reads a migrations folder and replays it on top of a fresh Supabase project's catalog.
///
/// Problems in the input are added to `diags` (errors included: the caller decides whether they
/// stop the run); the returned catalog is the best one that could be built.
///
/// # Errors
/// Only when the folder cannot be read.
pub fn replay_dir(dir: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Result<Catalog> {
    let files = source::read_migrations(dir, sources, diags)?;
    let mut replayer = sql::replay::Replayer::new(supabase::base_catalog());
    for f in &files {
        replayer.replay_file(sources, f.file, diags);
    }
    Ok(replayer.finish())
}
