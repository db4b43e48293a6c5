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

/// Roles a Supabase project has (`pg_roles` in `DO` guards).
pub const ROLES: &[&str] = &[
    "anon",
    "authenticated",
    "authenticator",
    "dashboard_user",
    "pgbouncer",
    "postgres",
    "service_role",
    "supabase_admin",
    "supabase_auth_admin",
    "supabase_functions_admin",
    "supabase_read_only_user",
    "supabase_realtime_admin",
    "supabase_replication_admin",
    "supabase_storage_admin",
];
