//! Replay throughput (not a test): prints MB/s and statements/s.
//!
//! `cargo bench --bench replay` measures:
//! - the largest corpus set in `../shared/corpus` (by bytes of migrations the CLI would apply);
//! - a synthetic 1,000-table, 5,000-file history (`scripts/gen-synthetic-history.py`);
//! - a synthetic history of at least 10 MB (6,000 tables, 27,000 files).
//!
//! Each figure is the best of several runs of reading the folder and replaying it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schemagen::diagnostics::{Diagnostics, Sources};

// `../shared` or `$SCHEMAGEN_SHARED`; without it the corpus figures are skipped with one line.
#[path = "../tests/common/shared.rs"]
mod shared;

// The allocator the `schemagen` binary uses (src/main.rs), so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn measure(label: &str, dir: &Path, runs: usize) {
    let mut best = Duration::MAX;
    let mut stats = None;
    for _ in 0..runs {
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let start = Instant::now();
        let (catalog, s) =
            schemagen::replay_dir_with_stats(dir, &mut sources, &mut diags).expect("replay");
        let elapsed = start.elapsed();
        std::hint::black_box(catalog);
        best = best.min(elapsed);
        stats = Some(s);
    }
    let s = stats.expect("at least one run");
    let secs = best.as_secs_f64();
    println!(
        "{label}: {} files, {:.2} MB, {} statements ({} understood, {} passed over, {} not understood, {} errors): {:.1} ms, {:.1} MB/s, {:.0} statements/s",
        s.files,
        s.bytes as f64 / 1e6,
        s.statements,
        s.understood,
        s.passed_over,
        s.not_understood,
        s.errors,
        secs * 1e3,
        s.bytes as f64 / 1e6 / secs,
        s.statements as f64 / secs
    );
}

fn synthetic(tables: u32, files: u32) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen-synthetic-history.py");
    let st = Command::new("python3")
        .arg(script)
        .arg(dir.path())
        .args([
            "--tables",
            &tables.to_string(),
            "--files",
            &files.to_string(),
        ])
        .status()
        .expect("run scripts/gen-synthetic-history.py");
    assert!(st.success(), "generator failed");
    dir
}

fn main() {
    // The largest corpus set by bytes.
    // Without the shared folder (one SKIPPED line; a failure under SCHEMAGEN_REQUIRE_SHARED=1)
    // the corpus folder is empty and only the synthetic figures are printed.
    let corpus = shared::require("corpus figures", &[shared::CORPUS])
        .map(|d| d.join(shared::CORPUS))
        .unwrap_or_default();
    let mut largest: Option<(u64, PathBuf)> = None;
    if let Ok(entries) = std::fs::read_dir(&corpus) {
        for e in entries.flatten() {
            let dir = e.path().join("migrations");
            let Ok(files) = std::fs::read_dir(&dir) else {
                continue;
            };
            let bytes: u64 = files
                .flatten()
                .filter(|f| {
                    schemagen::sql::source::parse_migration_name(&f.file_name().to_string_lossy())
                        .is_some()
                })
                .filter_map(|f| f.metadata().ok())
                .map(|m| m.len())
                .sum();
            if largest.as_ref().is_none_or(|(b, _)| bytes > *b) {
                largest = Some((bytes, dir));
            }
        }
    }
    // Every corpus set, one after the other (real-world statement mix).
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("migrations"))
        .filter(|p| p.is_dir())
        .collect();
    sets.sort();
    if !sets.is_empty() {
        let mut best = Duration::MAX;
        let (mut bytes, mut statements) = (0, 0);
        for _ in 0..10 {
            let start = Instant::now();
            let (mut b, mut n) = (0, 0);
            for dir in &sets {
                let mut sources = Sources::new();
                let mut diags = Diagnostics::new();
                let (c, s) = schemagen::replay_dir_with_stats(dir, &mut sources, &mut diags)
                    .expect("replay");
                std::hint::black_box(c);
                b += s.bytes;
                n += s.statements;
            }
            best = best.min(start.elapsed());
            (bytes, statements) = (b, n);
        }
        let secs = best.as_secs_f64();
        println!(
            "all {} corpus sets: {:.2} MB, {statements} statements: {:.1} ms, {:.1} MB/s, {:.0} statements/s (10 MB of such migrations: {:.2} s)",
            sets.len(),
            bytes as f64 / 1e6,
            secs * 1e3,
            bytes as f64 / 1e6 / secs,
            statements as f64 / secs,
            10.0 / (bytes as f64 / 1e6 / secs)
        );
    }
    if let Some((_, dir)) = largest {
        let name = dir.parent().and_then(|p| p.file_name()).unwrap_or_default();
        measure(&format!("corpus {}", name.to_string_lossy()), &dir, 20);
    }
    let small = synthetic(1000, 5000);
    measure("synthetic 1,000 tables / 5,000 files", small.path(), 5);
    let big = synthetic(6000, 27000);
    measure("synthetic 6,000 tables / 27,000 files", big.path(), 5);
}
