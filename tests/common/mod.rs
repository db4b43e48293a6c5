//! Shared test support.
#![allow(dead_code)]

pub mod compare;
pub mod pg;

use std::path::PathBuf;

/// The corpus sets in `../shared/corpus`, sorted.
pub fn corpus_sets() -> Vec<PathBuf> {
    let dir = pg::shared_dir().join("corpus");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("migrations").is_dir())
        .collect();
    sets.sort();
    sets
}
