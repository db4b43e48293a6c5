//! What `schemagen::Builder` costs a build script (not a test): `try_compile` into an output
//! folder that already holds the result (the run Cargo makes when a migration was touched but
//! its content did not change the tables: nothing is rewritten), and a first run into an empty
//! folder, on `examples/build-script` and on the largest corpus set (by migration bytes) it accepts when
//! the shared folder is there. The system allocator, as in a build script (`default-features = false`
//! leaves mimalloc out).
//!
//! `cargo bench --bench builder` (`SCHEMAGEN_SHARED=/work/shared` for the corpus set)

#[allow(unused_imports)]
#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use schemagen::output::Written;

fn dir_bytes(d: &Path) -> u64 {
    std::fs::read_dir(d)
        .map(|r| {
            r.filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// `(best, median)` of `runs` calls of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut all: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    all.sort();
    (all[0], all[runs / 2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Benchmarks the Builder on `migrations`, configured by `config` (or none); false when the
/// Builder refuses the history.
fn bench(label: &str, migrations: &Path, config: Option<&Path>) -> bool {
    let out = tempfile::tempdir().expect("tempdir");
    let mut builder = schemagen::Builder::new();
    builder
        .migrations_dir(migrations)
        .out_dir(out.path())
        .emit_rerun_if_changed(false);
    match config {
        Some(c) => builder.config_file(c),
        None => builder.no_config(),
    };
    let first = Instant::now();
    let report = match builder.try_compile() {
        Ok(r) => r,
        Err(e) => {
            let first = e.to_string();
            println!(
                "{label}: the Builder refuses it ({}); next",
                first.lines().next().unwrap_or_default()
            );
            return false;
        }
    };
    let first = first.elapsed();
    let written = report.written.len();
    let bytes: usize = report.outputs.iter().map(|(_, text)| text.len()).sum();
    let (best, median) = time(20, || {
        let r = builder.try_compile().expect("second run");
        assert!(
            r.written.iter().all(|(_, w)| *w == Written::Unchanged),
            "an unchanged run rewrote {:?}",
            r.written
        );
    });
    println!(
        "Builder on {label} ({} files, {} KB of SQL → {} KB of Rust in {} file(s)): first run {:.1} ms; unchanged run {:.1} ms best, {:.1} ms median of 20 (nothing rewritten)",
        std::fs::read_dir(migrations).map(|r| r.count()).unwrap_or(0),
        dir_bytes(migrations) / 1024,
        bytes / 1024,
        written,
        ms(first),
        ms(best),
        ms(median),
    );
    true
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = root.join("examples/build-script");
    assert!(bench(
        "examples/build-script",
        &example.join("supabase/migrations"),
        Some(&example.join("schemagen.toml")),
    ));
    let Some(shared) = common::shared::shared_dir() else {
        println!("no shared folder (SCHEMAGEN_SHARED): the corpus set is left out");
        return;
    };
    let mut sets: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus"))
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path().join("migrations")))
        .filter(|p| p.is_dir())
        .collect();
    sets.sort_by_key(|p| std::cmp::Reverse(dir_bytes(p)));
    // The largest set the Builder accepts (some sets do not apply on PostgreSQL as they are).
    for set in &sets {
        let name = set
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if bench(&format!("corpus set {name}"), set, None) {
            break;
        }
    }
}
