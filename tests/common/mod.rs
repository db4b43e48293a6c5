//! Shared test support.
#![allow(dead_code)]

pub mod apply;
pub mod compare;
pub mod pg;
pub mod shared;

use std::path::PathBuf;

/// The corpus sets of the shared folder, sorted (call `shared::require(…, shared::CORPUS)`
/// first: this panics when there is no shared folder).
pub fn corpus_sets() -> Vec<PathBuf> {
    shared::corpus_sets(&pg::shared_dir())
}
