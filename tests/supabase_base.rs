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

/// The SQL `schemagen supabase-base` writes applies to an empty PostgreSQL 15 database (in one
/// transaction) and reads back as the base catalog: the repository alone builds a Supabase-like
/// database (what the test harness uses without the shared prelude).
#[test]
fn the_base_sql_builds_the_base_catalog() {
    let db = PgCluster::shared().create_database("supabase_base_sql");
    db.load_supabase_base();
    let catalog = read_catalog(&mut db.client()).expect("read_catalog");
    let (got, want) = (catalog.to_json(), base_catalog().to_json());
    if got != want {
        let diff = similar::TextDiff::from_lines(&want, &got)
            .unified_diff()
            .header("base.json", "read back")
            .to_string();
        panic!("the base SQL reads back differently:\n{diff}");
    }
    assert_eq!(catalog, base_catalog());
}

/// Its functions have the prelude's signatures (the catalog keeps only their names).
#[test]
fn the_base_sql_functions_have_the_preludes_signatures() {
    if shared::require(
        "the_base_sql_functions_have_the_preludes_signatures",
        &[PRELUDE],
    )
    .is_none()
    {
        return;
    }
    let signatures = |db: &common::pg::Db| -> Vec<(String, String, String, String)> {
        db.client()
            .query(
                "SELECT n.nspname::text, p.proname::text, pg_get_function_arguments(p.oid), \
                 pg_get_function_result(p.oid) FROM pg_proc p JOIN pg_namespace n ON \
                 n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', \
                 'information_schema', 'public') AND NOT EXISTS (SELECT 1 FROM pg_depend d \
                 WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1, 2, 3",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect()
    };
    let cluster = PgCluster::shared();
    let prelude = cluster.create_database("supabase_prelude_sigs");
    prelude.load_prelude();
    let generated = cluster.create_database("supabase_base_sigs");
    generated.load_supabase_base();
    let want = signatures(&prelude);
    assert!(!want.is_empty());
    assert_eq!(signatures(&generated), want);
}
