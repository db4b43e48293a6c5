//! The test harness itself: a real PostgreSQL 15 with the Supabase prelude.

mod common;

use common::pg::{comment_out_unavailable_extensions, PgCluster};

#[test]
fn prelude_builds_a_supabase_like_database() {
    let db = PgCluster::shared().create_database("harness");
    db.load_prelude();
    let mut c = db.client();
    let version: String = c.query_one("show server_version_num", &[]).unwrap().get(0);
    assert!(version.starts_with("15"), "server is {version}");
    let n: i64 = c
        .query_one(
            "select count(*) from information_schema.columns where table_schema = 'auth' and table_name = 'users'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 35);
    assert!(db.psql("create table t (x int); select nope();").is_err());
}

#[test]
fn unavailable_extensions_are_commented_out_keeping_lines() {
    let sql = "create extension if not exists \"vector\" with schema extensions;\ncreate extension pg_trgm;\nCOMMENT ON EXTENSION pg_net\n  IS 'x';\nselect 1;\n";
    let (out, names) = comment_out_unavailable_extensions(sql);
    assert_eq!(names, vec!["vector", "pg_net"]);
    assert_eq!(out.lines().count(), sql.lines().count());
    assert!(out.contains("\ncreate extension pg_trgm;"));
    assert!(out.contains("--   IS 'x';"));
    assert!(out.ends_with("select 1;\n"));
}
