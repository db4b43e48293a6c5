//! The generated PostgreSQL tables in `src/pg/builtin/` are current: each generator script in
//! `scripts/` is run against the harness's PostgreSQL 15 and its output must be the checked-in
//! file, byte for byte. Regenerate with `EXPECTORATE=overwrite cargo test --test pg_builtin_data`
//! (or run the script by hand, see its header).

mod common;

use common::pg::{Db, PgCluster};
use std::process::Command;

/// Runs `scripts/SCRIPT "-h … -p … -U postgres -d …"` on `db` and returns its standard output.
fn generate(script: &str, db: &Db) -> String {
    let conn = format!("-h 127.0.0.1 -p {} -U postgres -d {}", db.port, db.name);
    let out = Command::new("bash")
        .arg(format!("scripts/{script}"))
        .arg(conn)
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .output()
        .unwrap_or_else(|e| panic!("run scripts/{script}: {e}"));
    assert!(
        out.status.success(),
        "scripts/{script} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("generator output is UTF-8");
    assert!(
        text.lines().count() > 100,
        "scripts/{script} printed only {} lines",
        text.lines().count()
    );
    text
}

#[test]
fn pg_data_is_postgresql_15s_catalog() {
    let db = PgCluster::shared().create_database("pg_data");
    let text = generate("gen-pg-data.sh", &db);
    expectorate::assert_contents("src/pg/builtin/pg_data.rs", &text);
}

#[test]
fn default_opclasses_are_postgresql_15s() {
    let db = PgCluster::shared().create_database("opclasses");
    let text = generate("gen-opclasses.sh", &db);
    expectorate::assert_contents("src/pg/builtin/opclasses.rs", &text);
}
