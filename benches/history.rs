//! Real-shaped histories (not a test): `schemagen prisma-from-sql` against applying the same
//! history to PostgreSQL 15 and introspecting it with Prisma's engine, at ½×, 1×, 2× and 4× the
//! 7 MB / 1,262-file / ~600-table history of issue 8.
//!
//! `cargo bench --bench history` prints, for each size (`scripts/gen-synthetic-history.py
//! --scale S`, seed 1):
//! - the input (files, bytes, tables) and what replay made of it (`inspect --stats`);
//! - `schemagen prisma-from-sql --keep-going` wall time of the release binary (best, median and
//!   worst of N runs) and its peak memory (the child's RSS high-water mark, from `wait4`);
//! - the time to apply the history to a throwaway PostgreSQL 15 with the Supabase prelude (one
//!   psql session, one transaction per file) plus `prisma db pull` (`oracle/introspect.mjs`), the
//!   ratio to schemagen's best time, and how many model/enum/view blocks the two outputs share;
//! - whether the targets are met: 1× < 150 ms, 4× < 5 × the 1× time, peak memory < 5 × the input
//!   + 50 MB, ≥ 100× faster than apply + introspect.
//!
//! Settings (environment): `SCHEMAGEN_BENCH_SCALES` (default `0.5,1,2,4`), `SCHEMAGEN_BENCH_RUNS`
//! (default 5; a size stops early once its runs took 60 s), `SCHEMAGEN_BENCH_PG=0` to skip
//! PostgreSQL and the engine.

#![allow(unsafe_code)] // wait4(2): the peak RSS of the schemagen child alone

#[path = "../tests/common/apply.rs"]
mod apply;
#[path = "../tests/common/pg.rs"]
mod pg;
#[path = "../tests/common/shared.rs"]
mod shared;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MB: f64 = 1e6;

struct Settings {
    scales: Vec<f64>,
    runs: usize,
    postgres: bool,
}

fn settings() -> Settings {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Settings {
        scales: var("SCHEMAGEN_BENCH_SCALES")
            .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
            .unwrap_or_else(|| vec![0.5, 1.0, 2.0, 4.0]),
        runs: var("SCHEMAGEN_BENCH_RUNS")
            .and_then(|v| v.parse().ok())
            .unwrap_or(5)
            .max(1),
        postgres: var("SCHEMAGEN_BENCH_PG").is_none_or(|v| v != "0"),
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A generated history in a temporary folder.
struct History {
    dir: tempfile::TempDir,
    files: usize,
    bytes: usize,
    tables: usize,
}

fn generate(scale: f64) -> History {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new("python3")
        .arg(root().join("scripts/gen-synthetic-history.py"))
        .arg(dir.path())
        .args(["--scale", &scale.to_string(), "--seed", "1"])
        .output()
        .expect("run scripts/gen-synthetic-history.py");
    assert!(
        out.status.success(),
        "generator failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let n: Vec<usize> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    assert_eq!(n.len(), 3, "generator printed {text:?}");
    History {
        dir,
        files: n[0],
        bytes: n[1],
        tables: n[2],
    }
}

/// The Prisma schema `db pull` starts from: every schema the history uses.
const INPUT: &str = "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n  schemas  = [\"analytics\", \"auth\", \"billing\", \"messaging\", \"private\", \"public\", \"ticketing\", \"util\"]\n}\n";

/// One child process: wall time, peak RSS (bytes) and whether it exited 0.
struct Child {
    wall: Duration,
    peak_rss: u64,
    ok: bool,
}

fn run_measured(cmd: &mut Command) -> Child {
    let start = Instant::now();
    let child = cmd.spawn().expect("spawn");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value; wait4 fills it for our own child, which it reaps
    // (the `Child` handle is dropped without waiting again).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    drop(child);
    Child {
        wall,
        peak_rss: usage.ru_maxrss as u64 * 1024,
        ok: r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    }
}

fn schemagen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_schemagen"))
}

/// `prisma-from-sql` runs: best-first durations, the largest peak RSS, and the output.
fn ours(h: &History, input: &Path, out: &Path, runs: usize) -> (Vec<Duration>, u64) {
    let mut times = Vec::new();
    let mut peak = 0;
    let budget = Instant::now();
    for _ in 0..runs {
        let file = std::fs::File::create(out).expect("output file");
        let c = run_measured(
            schemagen()
                .arg("prisma-from-sql")
                .arg("--migrations")
                .arg(h.dir.path())
                .arg("--schema")
                .arg(input)
                .args(["--stdout", "--keep-going"])
                .stdout(file)
                .stderr(Stdio::null()),
        );
        assert!(c.ok, "schemagen prisma-from-sql failed");
        times.push(c.wall);
        peak = peak.max(c.peak_rss);
        if budget.elapsed() > Duration::from_secs(60) && times.len() >= 2 {
            break;
        }
    }
    times.sort();
    (times, peak)
}

/// `inspect --stats`: what replay made of the history.
fn replay_stats(h: &History) -> String {
    let out = schemagen()
        .arg("inspect")
        .arg("--migrations")
        .arg(h.dir.path())
        .args(["--stats", "--keep-going", "--format", "json"])
        .stdout(Stdio::null())
        .output()
        .expect("schemagen inspect");
    let err = String::from_utf8_lossy(&out.stderr);
    err.lines()
        .rev()
        .find(|l| l.contains("statement(s):"))
        .unwrap_or("no statistics printed")
        .to_string()
}

/// Applies every file in one psql session, one transaction per file (as `supabase db reset`
/// does), stopping at the first error.
fn apply(db: &pg::Db, dir: &Path) -> Result<Duration, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    let mut driver = String::from("\\set ON_ERROR_STOP 1\n\\o /dev/null\n");
    for f in &files {
        driver.push_str(&format!("begin;\n\\i '{}'\ncommit;\n", f.display()));
    }
    let script = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    std::fs::write(script.path(), driver).map_err(|e| e.to_string())?;
    let start = Instant::now();
    let out = Command::new("psql")
        .args(["-X", "-q", "-h", "127.0.0.1", "-p", &db.port.to_string()])
        .args(["-U", "postgres", "-d", &db.name, "-f"])
        .arg(script.path())
        .env("PGOPTIONS", "-c client_min_messages=warning")
        .output()
        .map_err(|e| e.to_string())?;
    let took = start.elapsed();
    if out.status.success() {
        Ok(took)
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .find(|l| l.contains("ERROR"))
            .unwrap_or(&err)
            .to_string())
    }
}

/// `prisma db pull` through the real engine.
fn introspect(db: &pg::Db, input: &Path, out: &Path) -> Result<Duration, String> {
    let start = Instant::now();
    let st = Command::new("node")
        .arg(root().join("oracle/introspect.mjs"))
        .args(["--url", &db.url()])
        .arg("--schema")
        .arg(input)
        .arg("--out")
        .arg(out)
        .arg("--warnings")
        .arg(out.with_extension("warnings"))
        .output()
        .map_err(|e| e.to_string())?;
    if st.status.success() {
        Ok(start.elapsed())
    } else {
        Err(String::from_utf8_lossy(&st.stderr).into_owned())
    }
}

/// `model`/`enum`/`view` blocks by name.
fn blocks(schema: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in schema.lines() {
        if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
            if line == "}" {
                let (name, text) = current.take().unwrap();
                out.insert(name, text);
            }
        } else if ["model ", "enum ", "view "]
            .iter()
            .any(|k| line.starts_with(k))
        {
            let name = line
                .split_whitespace()
                .take(2)
                .collect::<Vec<_>>()
                .join(" ");
            current = Some((name, format!("{line}\n")));
        }
    }
    out
}

/// The engine's side: apply + introspect, and blocks shared with schemagen's output.
fn engine(
    h: &History,
    input: &Path,
    ours_out: &Path,
) -> Result<(Duration, Duration, String), String> {
    let db = pg::PgCluster::shared().create_supabase_database("history");
    let applied = apply(&db, h.dir.path())?;
    let out = h.dir.path().join("engine.prisma.out");
    let pulled = introspect(&db, input, &out)?;
    let theirs = blocks(&std::fs::read_to_string(&out).map_err(|e| e.to_string())?);
    let mine = blocks(&std::fs::read_to_string(ours_out).unwrap_or_default());
    let same = theirs
        .iter()
        .filter(|(k, v)| mine.get(*k) == Some(*v))
        .count();
    let _ = pg::PgCluster::shared()
        .client("postgres")
        .batch_execute(&format!("DROP DATABASE \"{}\"", db.name));
    Ok((
        applied,
        pulled,
        format!("{same}/{} blocks identical", theirs.len()),
    ))
}

struct Row {
    scale: f64,
    bytes: usize,
    best: Duration,
    peak: u64,
    ratio: Option<f64>,
}

fn main() {
    let s = settings();
    let can_pg = s.postgres
        && shared::require("history", &[shared::PRELUDE]).is_some()
        && pg::pg_bin().join("initdb").exists()
        && root()
            .join("oracle/node_modules/@prisma/schema-engine-wasm")
            .exists();
    let inputs = tempfile::tempdir().expect("temp dir");
    let input = inputs.path().join("schema.prisma");
    std::fs::write(&input, INPUT).expect("write input schema");
    let mut rows = Vec::new();
    for &scale in &s.scales {
        let h = generate(scale);
        let ours_out = inputs.path().join(format!("ours-{scale}.prisma"));
        println!(
            "history {scale}× (seed 1): {} files, {:.2} MB, {} tables; replay: {}",
            h.files,
            h.bytes as f64 / MB,
            h.tables,
            replay_stats(&h)
        );
        let (times, peak) = ours(&h, &input, &ours_out, s.runs);
        let ms = |d: &Duration| d.as_secs_f64() * 1e3;
        println!(
            "  schemagen prisma-from-sql: best {:.0} ms, median {:.0} ms, worst {:.0} ms ({} runs); peak RSS {:.1} MB ({:.1}× input)",
            ms(&times[0]),
            ms(&times[times.len() / 2]),
            ms(times.last().unwrap()),
            times.len(),
            peak as f64 / MB,
            peak as f64 / h.bytes as f64
        );
        let mut ratio = None;
        if can_pg {
            match engine(&h, &input, &ours_out) {
                Ok((applied, pulled, same)) => {
                    let total = applied + pulled;
                    let r = total.as_secs_f64() / times[0].as_secs_f64();
                    ratio = Some(r);
                    println!(
                        "  PostgreSQL 15 apply {:.1} s + prisma db pull {:.1} s = {:.1} s: {r:.0}× schemagen's best; {same}",
                        applied.as_secs_f64(),
                        pulled.as_secs_f64(),
                        total.as_secs_f64()
                    );
                }
                Err(e) => println!("  PostgreSQL/engine: not measured: {e}"),
            }
        } else {
            println!("  PostgreSQL/engine: not measured (SCHEMAGEN_BENCH_PG=0, or the shared prelude, PostgreSQL 15 or `npm ci --prefix oracle` missing)");
        }
        rows.push(Row {
            scale,
            bytes: h.bytes,
            best: times[0],
            peak,
            ratio,
        });
    }
    targets(&rows);
}

fn targets(rows: &[Row]) {
    let met = |ok: bool| if ok { "met" } else { "NOT met" };
    println!("targets:");
    let one = rows.iter().find(|r| r.scale == 1.0);
    if let Some(r) = one {
        let ms = r.best.as_secs_f64() * 1e3;
        println!("  1× in < 150 ms: {ms:.0} ms, {}", met(ms < 150.0));
    }
    if let (Some(a), Some(b)) = (one, rows.iter().find(|r| r.scale == 4.0)) {
        let g = b.best.as_secs_f64() / a.best.as_secs_f64();
        let size = b.bytes as f64 / a.bytes as f64;
        println!(
            "  linear growth (4× size, {size:.2}× bytes, < 5× time): {g:.2}×, {}",
            met(g < 5.0)
        );
    }
    for r in rows {
        let limit = 5.0 * r.bytes as f64 + 50.0 * MB;
        println!(
            "  {}×: peak memory {:.0} MB < 5 × input + 50 MB = {:.0} MB: {}; ≥ 100× apply + introspect: {}",
            r.scale,
            r.peak as f64 / MB,
            limit / MB,
            met((r.peak as f64) < limit),
            r.ratio
                .map(|x| format!("{x:.0}×, {}", met(x >= 100.0)))
                .unwrap_or_else(|| "not measured".into())
        );
    }
}
