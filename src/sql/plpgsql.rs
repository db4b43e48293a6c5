//! `DO` blocks: the common guard idioms evaluated against the catalog.
