//! Focused fixtures for `prisma::render_schema`, each checked against Prisma's real engine.
//!
//! `tests/fixtures/prisma/<case>/`:
//!
//! * `migration.sql`: applied to a fresh database with the Supabase prelude;
//! * `input.prisma`: the previous schema (generator, datasource, and for re-introspection cases
//!   the user's edited models);
//! * `expected.prisma`, `expected.warnings.txt`: what the engine printed (`oracle/introspect.mjs`
//!   on that database with `input.prisma`). Never written by hand: regenerate with
//!   `SCHEMAGEN_REGEN=1 cargo test --test prisma_render_fixtures -- --nocapture` (needs Node.js and
//!   `npm ci --prefix oracle`);
//! * optional `oracle.sql`: run before the engine only, for cases the engine refuses. The engine
//!   stops at a foreign key into a schema the datasource does not list (P4002); schemagen renders
//!   the schema without that relation and says what to add. `oracle.sql` drops such foreign keys,
//!   so `expected.prisma` is the engine's rendering of the database without them, and the
//!   engine's own error is kept in `expected.engine-error.txt`;
//! * optional `naming`: `pascal` to render with `Naming::Pascal`. The engine has no such option;
//!   for these cases the engine is given schemagen's output as the previous schema, and
//!   `expected.prisma` is what it prints then: a convention is only accepted if Prisma's own
//!   re-introspection keeps every name (and prints the schema unchanged). There is no
//!   `expected.warnings.txt` then (the engine's warnings are about re-introspection).
//!
//! The normal run reads each database back with `db::read_catalog`, renders it, compares byte
//! for byte, renders again (determinism), and runs every rendered schema through Prisma's
//! validator and formatter (`oracle/validate.mjs`): a schema may fail that only where the engine's
//! own output fails it too (a few engine outputs are invalid, see `src/emit/prisma/NOTES.md`).

mod common;

#[path = "prisma_render/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::pg::PgCluster;
use schemagen::pipeline::{render_schema, Naming, PrismaOptions};

fn fixtures() -> Vec<PathBuf> {
    let dir = support::root().join("tests/fixtures/prisma");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("migration.sql").exists())
        .collect();
    out.sort();
    out
}

fn options(case: &Path) -> PrismaOptions {
    let naming = std::fs::read_to_string(case.join("naming")).unwrap_or_default();
    PrismaOptions {
        naming: if naming.trim() == "pascal" {
            Naming::Pascal
        } else {
            Naming::Prisma
        },
        ..PrismaOptions::default()
    }
}

struct Case {
    name: String,
    db: common::pg::Db,
    input: String,
}

fn setup(case: &Path) -> Case {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let db = PgCluster::shared().create_database(&format!("fx_{name}"));
    db.load_supabase();
    db.psql_file(&case.join("migration.sql"))
        .unwrap_or_else(|e| panic!("{name}/migration.sql: {e}"));
    let input = std::fs::read_to_string(case.join("input.prisma"))
        .unwrap_or_else(|e| panic!("{name}/input.prisma: {e}"));
    Case { name, db, input }
}

fn render(c: &Case, case: &Path) -> schemagen::pipeline::Rendered {
    let catalog = schemagen::db::read_catalog(&mut c.db.client()).expect("read_catalog");
    render_schema(&catalog, Some(&c.input), &options(case))
        .unwrap_or_else(|e| panic!("{}: {e}", c.name))
}

/// Runs the engine; returns (ok, stderr).
fn introspect(url: &str, schema: &Path, out: &Path, warnings: &Path) -> (bool, String) {
    let o = Command::new("node")
        .arg(support::root().join("oracle/introspect.mjs"))
        .args(["--url", url, "--schema"])
        .arg(schema)
        .arg("--out")
        .arg(out)
        .arg("--warnings")
        .arg(warnings)
        .output()
        .expect("node");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs the real engine on the case's database and writes what it printed to `dest`
/// (`expected.prisma`, `expected.warnings.txt`, `expected.engine-error.txt`). Applies the case's
/// `oracle.sql` to the database when the engine refuses it (the cross-schema case).
fn engine_run(case: &Path, c: &Case, dest: &Path) {
    let url = c.db.url();
    let _ = std::fs::remove_file(dest.join("expected.engine-error.txt"));
    let mut schema = case.join("input.prisma");
    let tmp = tempfile::tempdir().unwrap();
    let pascal = options(case).naming == Naming::Pascal;
    if pascal {
        let ours = render(c, case);
        schema = tmp.path().join("schemagen.prisma");
        std::fs::write(&schema, &ours.text).unwrap();
    }
    let out = dest.join("expected.prisma");
    // For a naming convention the engine's warnings are about re-introspection, not comparable.
    let warnings = if pascal {
        tmp.path().join("warnings.txt")
    } else {
        dest.join("expected.warnings.txt")
    };
    let (ok, err) = introspect(&url, &schema, &out, &warnings);
    if !ok {
        let oracle_sql = case.join("oracle.sql");
        assert!(oracle_sql.exists(), "{}: the engine failed: {err}", c.name);
        std::fs::write(dest.join("expected.engine-error.txt"), &err).unwrap();
        c.db.psql_file(&oracle_sql)
            .unwrap_or_else(|e| panic!("{}/oracle.sql: {e}", c.name));
        let (ok, err) = introspect(&url, &schema, &out, &warnings);
        assert!(ok, "{}: the engine failed after oracle.sql: {err}", c.name);
    }
}

fn regenerate(case: &Path) {
    let c = setup(case);
    engine_run(case, &c, case);
    println!("regenerated {}", c.name);
}

/// The real engine, run now on the case's database, still prints the checked-in expectation
/// (the pinned engine and the fixtures agree). Returns a description of any difference.
fn engine_still_agrees(case: &Path, c: &Case) -> Option<String> {
    let dest = tempfile::tempdir().unwrap();
    engine_run(case, c, dest.path());
    let mut problems = String::new();
    for f in ["expected.prisma", "expected.warnings.txt"] {
        let now = std::fs::read_to_string(dest.path().join(f)).ok();
        let stored = std::fs::read_to_string(case.join(f)).ok();
        if f == "expected.warnings.txt" && options(case).naming == Naming::Pascal {
            continue;
        }
        if now != stored {
            problems.push_str(&format!(
                "{f} differs from the engine's output now:\n{}",
                support::diff(
                    stored.as_deref().unwrap_or(""),
                    now.as_deref().unwrap_or("")
                )
            ));
        }
    }
    (!problems.is_empty()).then_some(problems)
}

#[test]
fn fixtures_render_like_the_engine() {
    let regen = std::env::var_os("SCHEMAGEN_REGEN").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    let validation_dir = tempfile::tempdir().unwrap();
    let mut to_validate = Vec::new();
    for case in fixtures() {
        if regen {
            regenerate(&case);
        }
        let c = setup(&case);
        let rendered = render(&c, &case);
        let again = render(&c, &case);
        assert_eq!(rendered, again, "{}: rendering twice differs", c.name);
        let expected = std::fs::read_to_string(case.join("expected.prisma")).unwrap();
        let expected_warnings =
            std::fs::read_to_string(case.join("expected.warnings.txt")).unwrap_or_default();
        let warnings = if rendered.warnings.is_empty() {
            String::new()
        } else {
            format!("{}\n", rendered.warnings)
        };
        if let Ok(dir) = std::env::var("SCHEMAGEN_PRISMA_OUT") {
            let dir = Path::new(&dir);
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(format!("{}.prisma", c.name)), &rendered.text).unwrap();
            std::fs::write(dir.join(format!("{}.warnings.txt", c.name)), &warnings).unwrap();
        }
        let file = validation_dir.path().join(format!("{}.prisma", c.name));
        std::fs::write(&file, &rendered.text).unwrap();
        to_validate.push((c.name.clone(), file, case.join("expected.prisma")));
        let engine_error = case.join("expected.engine-error.txt").exists();
        let mut ok = true;
        if rendered.text != expected {
            ok = false;
            println!(
                "--- {}: schema differs\n{}",
                c.name,
                support::diff(&expected, &rendered.text)
            );
        }
        if options(&case).naming == Naming::Prisma && warnings != expected_warnings {
            ok = false;
            println!(
                "--- {}: warnings differ\n{}",
                c.name,
                support::diff(&expected_warnings, &warnings)
            );
        }
        let cross_schema = rendered
            .notices
            .iter()
            .any(|n| n.contains("to the schemas list of datasource"));
        if engine_error != cross_schema {
            ok = false;
            println!(
                "--- {}: engine error: {engine_error}, notices: {:?}",
                c.name, rendered.notices
            );
        }
        if !regen {
            if let Some(p) = engine_still_agrees(&case, &c) {
                ok = false;
                println!("--- {}: the engine disagrees with the fixture\n{p}", c.name);
            }
        }
        println!("{}: {}", c.name, if ok { "identical" } else { "DIFFERS" });
        if !ok {
            failures.push(c.name);
        }
    }
    let invalid = support::check_validity(&to_validate);
    assert!(
        failures.is_empty(),
        "fixtures differing from the engine: {failures:?}"
    );
    assert!(invalid.is_empty(), "{}", invalid.join("\n"));
}
