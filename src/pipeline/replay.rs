//! Read → replay: a migrations folder read (regular files only, in version order) and replayed
//! on a fresh Supabase project's catalog.

use std::path::Path;

use crate::catalog::Catalog;
use crate::diagnostics::{self, Diagnostics, Sources};
use crate::error::{self, Error, Result};
use crate::sql;
use crate::sql::replay::ReplayStats;

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
) -> Result<(Catalog, ReplayStats)> {
    replay_dir_from(dir, sql::supabase::base_catalog(), false, sources, diags)
        .map(|r| (r.catalog, r.stats))
}

/// [`replay_dir_with_stats`], also recording in the catalog's
/// [`provenance`](crate::catalog::Catalog::provenance) the statement that created and the one
/// that last changed each object. Slower: the catalog is compared after every statement that
/// shapes the schema.
///
/// # Errors
/// Only when the folder cannot be read.
pub fn replay_dir_with_provenance(
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<(Catalog, ReplayStats)> {
    replay_dir_from(dir, sql::supabase::base_catalog(), true, sources, diags)
        .map(|r| (r.catalog, r.stats))
}

/// What [`replay_dir_from`] built.
pub(crate) struct Replayed {
    pub catalog: Catalog,
    pub stats: ReplayStats,
    /// The files listed, in order, with whether each could be read (one that could not is an
    /// empty file in `sources`, and an error in the diagnostics).
    #[cfg_attr(not(feature = "db"), allow(dead_code))]
    pub files: Vec<(diagnostics::FileId, bool)>,
}

/// Replays `dir` on top of `base`, recording provenance when asked.
pub(crate) fn replay_dir_from(
    dir: &Path,
    base: Catalog,
    provenance: bool,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<Replayed> {
    replay_dir_then(dir, base, provenance, None, sources, diags)
}

/// [`replay_dir_from`], then one more file (`path`, `text`) that is not in the folder (a
/// migration about to be written, checked against the history before it is).
pub(crate) fn replay_dir_then(
    dir: &Path,
    base: Catalog,
    provenance: bool,
    then: Option<(std::path::PathBuf, String)>,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<Replayed> {
    check_migrations_folder(dir)?;
    let listed = sql::source::list_migrations(dir, diags)?;
    let mut replayer = sql::replay::Replayer::new(base);
    if provenance {
        replayer.record_provenance();
    }
    // Reading, tokenizing and parsing are independent per file: worker threads prepare batches
    // of files ahead (batch k on worker k mod N) while this thread replays them in order
    // (replay itself is sequential). The bounded channels balance the work: when replay falls
    // behind, the workers wait and leave it the cores. Every listed file gets the next id, a
    // skipped one too (as an empty file), so workers know the id each file will have. Prepared
    // files (tokens and syntax trees, ~25× their text) are the bulk of the memory in flight:
    // small batches and one queued batch per worker keep it to a few dozen files. A long file
    // (a `pg_dump` baseline) is sent in parts as they are parsed (`prepare_parts`), each in a
    // message of its own; the last message of a batch says so.
    enum Loaded {
        File(
            Box<diagnostics::SourceFile>,
            diagnostics::FileId,
            sql::replay::Prepared,
        ),
        Part(diagnostics::FileId, sql::replay::Prepared),
        Skipped(std::path::PathBuf, Box<diagnostics::Diagnostic>),
        Failed(error::Error),
    }
    const BATCH: usize = 8;
    const WORKERS: usize = 2;
    let first_id = sources.len();
    let chunks: Vec<&[sql::source::ListedMigration]> = listed.chunks(BATCH).collect();
    let mut failure = None;
    let mut files = Vec::with_capacity(listed.len());
    std::thread::scope(|s| {
        let mut receivers = Vec::with_capacity(WORKERS);
        for worker in 0..WORKERS {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(Vec<Loaded>, bool)>(1);
            let chunks = &chunks;
            let prepare = move || {
                for (c, chunk) in chunks.iter().enumerate().skip(worker).step_by(WORKERS) {
                    let mut batch = Vec::with_capacity(chunk.len());
                    for (i, m) in chunk.iter().enumerate() {
                        let id = diagnostics::FileId(first_id + c * BATCH + i);
                        match sql::source::read_migration(&m.path) {
                            Ok(Ok(text)) if text.len() > sql::replay::PART_BYTES => {
                                let file = diagnostics::SourceFile::new(m.path.clone(), text);
                                if !batch.is_empty()
                                    && tx.send((std::mem::take(&mut batch), false)).is_err()
                                {
                                    return;
                                }
                                // The replaying thread owns the file from its first part on;
                                // the parts after it are prepared from a copy.
                                let copy = file.clone();
                                let mut file = Some(Box::new(file));
                                sql::replay::prepare_parts(&copy, id, &mut |prepared| {
                                    let loaded = match file.take() {
                                        Some(f) => Loaded::File(f, id, prepared),
                                        None => Loaded::Part(id, prepared),
                                    };
                                    tx.send((vec![loaded], false)).is_ok()
                                });
                            }
                            Ok(Ok(text)) => {
                                let file = diagnostics::SourceFile::new(m.path.clone(), text);
                                let prepared = sql::replay::prepare(&file, id);
                                batch.push(Loaded::File(Box::new(file), id, prepared));
                            }
                            Ok(Err(d)) => batch.push(Loaded::Skipped(m.path.clone(), d)),
                            Err(e) => {
                                batch.push(Loaded::Failed(e));
                                let _ = tx.send((batch, true));
                                return;
                            }
                        }
                    }
                    if tx.send((batch, true)).is_err() {
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
            loop {
                let Ok((batch, last)) = receivers[c % WORKERS].recv() else {
                    break 'replay;
                };
                for loaded in batch {
                    match loaded {
                        Loaded::File(file, expected_id, prepared) => {
                            let id = sources.push(*file);
                            debug_assert_eq!(id, expected_id, "file ids out of step");
                            replayer.replay_prepared(sources, id, prepared, diags);
                            files.push((id, true));
                        }
                        Loaded::Part(id, prepared) => {
                            replayer.replay_part(sources, id, prepared, diags);
                        }
                        Loaded::Skipped(path, d) => {
                            files.push((sources.add(path, String::new()), false));
                            diags.push(*d);
                        }
                        Loaded::Failed(e) => {
                            failure = Some(e);
                            break 'replay;
                        }
                    }
                }
                if last {
                    break;
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    if let Some((path, text)) = then {
        let id = sources.add(path, text);
        replayer.replay_file(sources, id, diags);
    }
    replayer.end_of_history(diags);
    let (catalog, stats) = replayer.finish_with_stats();
    Ok(Replayed {
        catalog,
        stats,
        files,
    })
}

/// The migrations folder must be a folder: a missing one or a file is named as such.
pub(super) fn check_migrations_folder(dir: &Path) -> Result<()> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(Error::Config(format!(
            "{}: is a file, not a folder: --migrations takes the folder holding the migrations \
             (supabase/migrations)",
            dir.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Config(format!(
            "{}: the migrations folder does not exist",
            dir.display()
        ))),
        Err(e) => Err(Error::io(dir, e)),
    }
}
