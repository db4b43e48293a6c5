//! What a fresh Supabase project already has: the `auth`, `storage` and `extensions` schemas.

use crate::catalog::{Catalog, Schema};

/// The catalog of a fresh Supabase project, the starting point of every replay.
pub fn base_catalog() -> Catalog {
    let mut c = Catalog::default();
    for s in ["public", "auth", "storage", "extensions"] {
        c.schemas.insert(s.to_string(), Schema::new(s));
    }
    c
}
