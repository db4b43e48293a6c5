//! `src/sql/supabase/base.json` is what `read_catalog` reads from a database holding only the
//! Supabase prelude. Update it with `EXPECTORATE=overwrite cargo test --test supabase_base`.

mod common;

use common::pg::PgCluster;
use common::shared::{self, PRELUDE};
use schemagen::db::read_catalog;
use schemagen::sql::supabase::{base_catalog, MANAGED_SCHEMAS};

#[test]
fn base_json_is_the_prelude_read_back() {
    if shared::require("base_json_is_the_prelude_read_back", &[PRELUDE]).is_none() {
        return;
    }
    let db = PgCluster::shared().create_database("supabase_base");
    db.load_prelude();
    let started = std::time::Instant::now();
    let catalog = read_catalog(&mut db.client()).expect("read_catalog");
    eprintln!(
        "read_catalog on the prelude database: {:?}",
        started.elapsed()
    );
    let public = catalog.schema("public").expect("public schema");
    assert!(
        public.tables.is_empty() && public.views.is_empty() && public.functions.is_empty(),
        "the prelude put objects into public"
    );
    expectorate::assert_contents("src/sql/supabase/base.json", &catalog.to_json());
    assert_eq!(base_catalog(), catalog);
}

#[test]
fn managed_schemas_are_the_base_schemas_but_public() {
    let base = base_catalog();
    let mut want: Vec<&str> = base
        .schemas
        .keys()
        .map(String::as_str)
        .filter(|s| *s != "public")
        .collect();
    want.sort_unstable();
    let mut got = MANAGED_SCHEMAS.to_vec();
    got.sort_unstable();
    assert_eq!(got, want);
    assert!(base.table("auth", "users").is_some());
    assert!(base.table("storage", "objects").is_some());
}

#[test]
fn the_embedded_prelude_is_the_shared_one() {
    let Some(dir) = shared::require("the_embedded_prelude_is_the_shared_one", &[PRELUDE]) else {
        return;
    };
    let shared = std::fs::read_to_string(dir.join(PRELUDE)).expect("shared prelude");
    assert!(
        shared == schemagen::sql::supabase::PRELUDE_SQL,
        "src/sql/supabase/prelude.sql differs from {}: copy it over (and regenerate base.json)",
        dir.join(PRELUDE).display()
    );
}
