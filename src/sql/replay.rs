//! Replaying statements in order into a [`Catalog`].

use crate::catalog::Catalog;
use crate::diagnostics::{Diagnostics, FileId, Sources};

/// Replays migration files, statement by statement, into a catalog.
#[derive(Debug)]
pub struct Replayer {
    catalog: Catalog,
}

impl Replayer {
    /// Starts from `base`.
    pub fn new(base: Catalog) -> Self {
        Replayer { catalog: base }
    }

    /// Replays one file.
    pub fn replay_file(&mut self, sources: &Sources, file: FileId, diags: &mut Diagnostics) {
        let _ = (sources, file, diags);
    }

    /// The resulting catalog.
    pub fn finish(self) -> Catalog {
        self.catalog
    }
}
