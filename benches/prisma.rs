//! `prisma-from-sql` time (not a test): replay + render, on the largest corpus set with an engine
//! expectation and on the synthetic 1,000-table history, beside the real engine's `db pull` for
//! the same database (PostgreSQL 15 started here, `oracle/introspect.mjs`) when Node.js and the
//! oracle's packages are installed.
//!
//! `cargo bench --bench prisma`

#[path = "../tests/common/apply.rs"]
mod apply;
#[path = "../tests/common/pg.rs"]
mod pg;
// `../shared` or `$SCHEMAGEN_SHARED`; without it the corpus figure and the engine's are skipped.
#[path = "../tests/common/shared.rs"]
mod shared;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{render_schema, PrismaOptions};

// The allocator the `schemagen` binary uses (src/main.rs), so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ours(dir: &Path, previous: &str, runs: usize) -> (Duration, Duration, usize) {
    let mut best_total = Duration::MAX;
    let mut best_render = Duration::MAX;
    let mut blocks = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let catalog = schemagen::replay_dir(dir, &mut sources, &mut diags).expect("replay");
        let r0 = Instant::now();
        let out =
            render_schema(&catalog, Some(previous), &PrismaOptions::default()).expect("render");
        let end = Instant::now();
        best_total = best_total.min(end - start);
        best_render = best_render.min(end - r0);
        blocks = out
            .text
            .lines()
            .filter(|l| l.starts_with("model ") || l.starts_with("enum ") || l.starts_with("view "))
            .count();
    }
    (best_total, best_render, blocks)
}

/// The real engine's `db pull` on the database the migrations build; `None` when the oracle or
/// PostgreSQL is not available.
fn engine(dir: &Path, input: &Path) -> Option<Duration> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root
        .join("oracle/node_modules/@prisma/schema-engine-wasm")
        .exists()
        || !pg::pg_bin().join("initdb").exists()
        || shared::require("db pull time", &[shared::PRELUDE]).is_none()
    {
        return None;
    }
    let db = pg::PgCluster::shared().create_supabase_database("bench");
    let outcome = pg::apply_migration_set(&db, dir);
    if outcome.failure.is_some() {
        return None;
    }
    let out = tempfile::NamedTempFile::new().ok()?;
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let st = Command::new("node")
            .arg(root.join("oracle/introspect.mjs"))
            .args(["--url", &db.url()])
            .arg("--schema")
            .arg(input)
            .arg("--out")
            .arg(out.path())
            .output()
            .ok()?;
        if !st.status.success() {
            return None;
        }
        best = best.min(start.elapsed());
    }
    Some(best)
}

fn report(label: &str, dir: &Path, input: &Path) {
    let previous = std::fs::read_to_string(input).expect("input schema");
    let (total, render, blocks) = ours(dir, &previous, 10);
    let engine = engine(dir, input)
        .map(|d| {
            format!(
                "{:.0} ms (node + wasm engine + database)",
                d.as_secs_f64() * 1e3
            )
        })
        .unwrap_or_else(|| {
            "not measured (needs PostgreSQL 15, `npm ci --prefix oracle` and the shared folder's Supabase prelude)".into()
        });
    println!(
        "{label}: schemagen prisma-from-sql {:.1} ms ({:.1} ms of it rendering), {blocks} blocks; prisma db pull (real engine): {engine}",
        total.as_secs_f64() * 1e3,
        render.as_secs_f64() * 1e3,
    );
}

fn main() {
    // Largest corpus set (by migration bytes) that has an engine expectation.
    let corpus = shared::require("corpus figure", &[shared::CORPUS])
        .map(|d| d.join(shared::CORPUS))
        .unwrap_or_default();
    let mut best: Option<(u64, PathBuf)> = None;
    for e in std::fs::read_dir(corpus).into_iter().flatten().flatten() {
        let set = e.path();
        if !set.join("expected.prisma").exists() {
            continue;
        }
        let bytes: u64 = std::fs::read_dir(set.join("migrations"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|f| f.metadata().ok())
            .map(|m| m.len())
            .sum();
        if best.as_ref().is_none_or(|(b, _)| bytes > *b) {
            best = Some((bytes, set));
        }
    }
    if let Some((_, set)) = best {
        report(
            &format!("corpus {}", set.file_name().unwrap().to_string_lossy()),
            &set.join("migrations"),
            &set.join("expected.input.prisma"),
        );
    }
    let synth = tempfile::tempdir().expect("temp dir");
    let st = Command::new("python3")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-synthetic-history.py"))
        .arg(synth.path())
        .args(["--tables", "1000", "--files", "5000"])
        .status()
        .expect("python3");
    assert!(st.success());
    let inputs = tempfile::tempdir().expect("temp dir");
    let input = inputs.path().join("schema.prisma");
    std::fs::write(
        &input,
        "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n  schemas  = [\"auth\", \"public\"]\n}\n",
    )
    .unwrap();
    report("synthetic 1,000 tables / 5,000 files", synth.path(), &input);
}
