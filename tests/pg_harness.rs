//! The test harness itself: a real PostgreSQL 15 with the Supabase prelude, the extension
//! stand-ins, and migration sets applied as the Supabase CLI applies them.

mod common;

use std::collections::BTreeSet;

use common::apply::{available_extensions, comment_out_missing_extensions};
use common::pg::{apply_migration_set, comment_out_unavailable_extensions, PgCluster};
use common::shared::{self, EXTENSIONS, PRELUDE};

#[test]
fn prelude_builds_a_supabase_like_database() {
    if shared::require("prelude_builds_a_supabase_like_database", &[PRELUDE]).is_none() {
        return;
    }
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

    // An extension the server offers (a stand-in) runs as written.
    let available = BTreeSet::from(["pg_net".to_string()]);
    let (out, names) = comment_out_missing_extensions(sql, &available);
    assert_eq!(names, vec!["vector"]);
    assert!(out.contains("\nCOMMENT ON EXTENSION pg_net\n  IS 'x';\n"));
}

/// Every stand-in of the shared folder is installed (`scripts/test.sh` does it) and its
/// `CREATE EXTENSION` succeeds in a Supabase-like database, as the corpus histories write it.
#[test]
fn extension_stand_ins_are_installed_and_create() {
    let test = "extension_stand_ins_are_installed_and_create";
    let Some(dir) = shared::require(test, &[PRELUDE, EXTENSIONS]) else {
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(dir.join(EXTENSIONS))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.strip_suffix(".control").map(str::to_string)
        })
        .collect();
    names.sort();
    assert!(names.len() >= 10, "stand-ins found: {names:?}");
    let db = PgCluster::shared().create_supabase_database("harness_ext");
    let available = available_extensions(&db);
    let missing: Vec<&String> = names.iter().filter(|n| !available.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "extension stand-ins not installed: {missing:?}; run scripts/test.sh (it copies {}/*.control and *--0.0.0.sql into $(pg_config --sharedir)/extension)",
        dir.join(EXTENSIONS).display()
    );
    for name in &names {
        db.psql(&format!(
            "create extension if not exists \"{name}\" with schema extensions cascade;"
        ))
        .unwrap_or_else(|e| panic!("create extension {name}: {e}"));
    }
}

/// A file runs in one transaction, as the Supabase CLI runs it; one that only applies statement
/// by statement (an enum value used in the transaction that added it) is applied so and listed;
/// a failing file stops the set with its name and line.
#[test]
fn sets_apply_one_transaction_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, sql: &str| std::fs::write(dir.path().join(name), sql).unwrap();
    write("1_type.sql", "create type s as enum ('a');\n");
    write(
        "2_value.sql",
        "alter type s add value 'b';\ncreate table t (x s default 'b');\n",
    );
    write("3_ok.sql", "create table u (y int);\n");
    write("not_a_migration.sql", "select nope();\n");
    let db = PgCluster::shared().create_database("harness_apply");
    let outcome = apply_migration_set(&db, dir.path());
    assert_eq!((outcome.applied, outcome.total), (3, 3));
    assert!(outcome.failure.is_none(), "{:?}", outcome.failure);
    let files: Vec<String> = outcome
        .statement_by_statement
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["2_value.sql"]);
    assert!(
        outcome.statement_by_statement[0]
            .1
            .contains("2_value.sql:2: ERROR:  unsafe use of new value \"b\""),
        "{:?}",
        outcome.statement_by_statement
    );

    write("4_bad.sql", "create table v (z int);\nselect nope();\n");
    let db = PgCluster::shared().create_database("harness_apply");
    let outcome = apply_migration_set(&db, dir.path());
    assert_eq!((outcome.applied, outcome.total), (3, 4));
    let (file, err) = outcome.failure.expect("4_bad.sql fails");
    assert!(file.ends_with("4_bad.sql"));
    assert!(
        err.contains("4_bad.sql:2: ERROR:  function nope() does not exist"),
        "{err}"
    );
}
