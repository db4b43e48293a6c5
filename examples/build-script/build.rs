//! Generates `$OUT_DIR/schemagen/tables.rs` from `supabase/migrations` (settings in
//! `schemagen.toml`). Cargo reruns this script only when a migration or the settings change.

fn main() {
    schemagen::Builder::new()
        .migrations_dir("supabase/migrations")
        .compile();
}
