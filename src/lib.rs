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
pub mod panics;
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
    let listed = source::list_migrations(dir, diags)?;
    let mut replayer = sql::replay::Replayer::new(supabase::base_catalog());
    // Reading, tokenizing and parsing are independent per file: worker threads prepare batches
    // of files ahead (batch k on worker k mod N) while this thread replays them in order
    // (replay itself is sequential). The bounded channels balance the work: when replay falls
    // behind, the workers wait and leave it the cores. Every listed file gets the next id, a
    // skipped one too (as an empty file), so workers know the id each file will have.
    enum Loaded {
        File(
            Box<diagnostics::SourceFile>,
            diagnostics::FileId,
            sql::replay::Prepared,
        ),
        Skipped(std::path::PathBuf, Box<diagnostics::Diagnostic>),
        Failed(error::Error),
    }
    const BATCH: usize = 32;
    const WORKERS: usize = 2;
    let first_id = sources.len();
    let chunks: Vec<&[source::ListedMigration]> = listed.chunks(BATCH).collect();
    let mut failure = None;
    std::thread::scope(|s| {
        let mut receivers = Vec::with_capacity(WORKERS);
        for worker in 0..WORKERS {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Loaded>>(2);
            let chunks = &chunks;
            let prepare = move || {
                for (c, chunk) in chunks.iter().enumerate().skip(worker).step_by(WORKERS) {
                    let mut batch = Vec::with_capacity(chunk.len());
                    for (i, m) in chunk.iter().enumerate() {
                        let id = diagnostics::FileId(first_id + c * BATCH + i);
                        match source::read_migration(&m.path) {
                            Ok(Ok(text)) => {
                                let file = diagnostics::SourceFile::new(m.path.clone(), text);
                                let prepared = sql::replay::prepare(&file, id);
                                batch.push(Loaded::File(Box::new(file), id, prepared));
                            }
                            Ok(Err(d)) => batch.push(Loaded::Skipped(m.path.clone(), d)),
                            Err(e) => {
                                batch.push(Loaded::Failed(e));
                                let _ = tx.send(batch);
                                return;
                            }
                        }
                    }
                    if tx.send(batch).is_err() {
                        return;
                    }
                }
            };
            match std::thread::Builder::new()
                .name("schemagen-prepare".into())
                .spawn_scoped(s, prepare)
            {
                Ok(_) => receivers.push(rx),
                Err(e) => {
                    failure = Some(error::Error::io(dir, e));
                    return;
                }
            }
        }
        'replay: for c in 0..chunks.len() {
            let Ok(batch) = receivers[c % WORKERS].recv() else {
                break;
            };
            for loaded in batch {
                match loaded {
                    Loaded::File(file, expected_id, prepared) => {
                        let id = sources.push(*file);
                        debug_assert_eq!(id, expected_id, "file ids out of step");
                        replayer.replay_prepared(sources, id, prepared, diags);
                    }
                    Loaded::Skipped(path, d) => {
                        sources.add(path, String::new());
                        diags.push(*d);
                    }
                    Loaded::Failed(e) => {
                        failure = Some(e);
                        break 'replay;
                    }
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(replayer.finish_with_stats())
}
