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
pub mod config;
pub mod db;
pub mod diagnostics;
mod error;
pub mod output;
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
    replay_dir_with_stats(dir, sources, diags).map(|(c, _)| c)
}

/// [`replay_dir`], also returning the statement counts.
///
/// # Errors
/// Only when the folder cannot be read.
pub fn replay_dir_with_stats(
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<(Catalog, sql::replay::ReplayStats)> {
    let files = source::read_migrations(dir, sources, diags)?;
    let mut replayer = sql::replay::Replayer::new(supabase::base_catalog());
    // Tokenizing is independent per file: a second thread tokenizes ahead while this one
    // replays (replay itself is sequential).
    let sources_ref: &Sources = sources;
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<_>>(4);
        let ids: Vec<diagnostics::FileId> = files.iter().map(|f| f.file).collect();
        s.spawn(move || {
            // Batches keep the hand-over cheap when there are thousands of small files.
            for chunk in ids.chunks(32) {
                let batch = chunk
                    .iter()
                    .map(|id| {
                        let src = sources_ref.get(*id);
                        sql::split::lex(src, 0, src.text.len())
                    })
                    .collect();
                if tx.send(batch).is_err() {
                    break;
                }
            }
        });
        for (f, lexed) in files.iter().zip(rx.iter().flatten()) {
            replayer.replay_lexed(sources_ref, f.file, lexed, diags);
        }
    });
    Ok(replayer.finish_with_stats())
}
