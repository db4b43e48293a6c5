//! `sql-from-prisma` time (not a test): replay + lower + diff + write, on the largest corpus set
//! (by migration bytes), for a schema that `prisma-from-sql` rendered plus one new model; beside
//! the real engine's `prisma migrate diff --from-schema --to-schema` on the same two schemas
//! (`oracle/diff.mjs`, PostgreSQL 15 started here) when Node.js and the oracle are installed.
//!
//! `SCHEMAGEN_SHARED=/work/shared cargo bench --bench sql_from_prisma`

#[allow(unused_imports)]
#[path = "../tests/common/mod.rs"]
mod common;

use common::pg;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{self, PrismaFromSql, SqlFromPrisma};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

fn main() {
    let corpus = pg::shared_dir().join("corpus");
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus")
        .filter_map(|e| e.ok().map(|e| e.path().join("migrations")))
        .filter(|p| p.is_dir())
        .collect();
    sets.sort_by_key(|p| std::cmp::Reverse(dir_bytes(p)));
    let mut done = false;
    for migrations in sets {
        let name = migrations
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::tempdir().expect("tempdir");
        let schema = tmp.path().join("schema.prisma");
        let settings = PrismaFromSql::resolve(
            Default::default(),
            Some(migrations.clone()),
            Some(schema.clone()),
            None,
            true,
        )
        .expect("settings");
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let Ok(r) = pipeline::prisma_from_sql(&settings, &mut sources, &mut diags) else {
            println!("{name}: prisma-from-sql fails; next set");
            continue;
        };
        let s0 = r.outputs.iter().next().expect("schema").1.to_string();
        let s1 = format!(
            "{s0}\nmodel BenchNote {{\n  id    Int    @id @default(autoincrement())\n  title String @db.VarChar(80)\n}}\n"
        );
        std::fs::write(&schema, &s1).expect("write");
        let mut s = SqlFromPrisma::new("bench");
        s.migrations = migrations.clone();
        s.schema = schema.clone();
        s.allow_destructive = true;
        let mut best = Duration::MAX;
        let mut steps = 0;
        let mut failed = None;
        for _ in 0..10 {
            let t = Instant::now();
            let mut sources = Sources::new();
            let mut diags = Diagnostics::new();
            let out = pipeline::sql_from_prisma(&s, &mut sources, &mut diags);
            best = best.min(t.elapsed());
            match out {
                Ok(Some(m)) => steps = m.sql.matches("\n-- ").count(),
                Ok(None) => steps = 0,
                Err(e) => failed = Some(e.to_string()),
            }
        }
        if let Some(e) = failed {
            println!("{name}: sql-from-prisma fails ({e}); next set");
            continue;
        }
        println!(
            "sql-from-prisma on {name} ({} files, {} KB): {:.1} ms (best of 10; {steps} step block(s))",
            std::fs::read_dir(&migrations).map(|r| r.count()).unwrap_or(0),
            dir_bytes(&migrations) / 1024,
            best.as_secs_f64() * 1e3
        );
        if let Some(engine) = engine(&s0, &s1) {
            println!(
                "prisma migrate diff (oracle/diff.mjs) on the same schemas: {:.0} ms; ratio {:.0}x",
                engine.as_secs_f64() * 1e3,
                engine.as_secs_f64() / best.as_secs_f64()
            );
        }
        done = true;
        break;
    }
    assert!(done, "no corpus set could be benchmarked");
}

fn engine(s0: &str, s1: &str) -> Option<Duration> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root
        .join("oracle/node_modules/@prisma/schema-engine-wasm")
        .exists()
        || !pg::pg_bin().join("initdb").exists()
    {
        return None;
    }
    let db = pg::PgCluster::shared().create_database("bench_diff");
    let tmp = tempfile::tempdir().ok()?;
    let (a, b) = (tmp.path().join("a.prisma"), tmp.path().join("b.prisma"));
    std::fs::write(&a, s0).ok()?;
    std::fs::write(&b, s1).ok()?;
    let mut best = Duration::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let out = Command::new("node")
            .arg(root.join("oracle/diff.mjs"))
            .arg("--from-schema")
            .arg(&a)
            .arg("--to-schema")
            .arg(&b)
            .args(["--url", &db.url(), "--out"])
            .arg(tmp.path().join("m.sql"))
            .output()
            .ok()?;
        if !out.status.success() {
            println!(
                "oracle diff failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        best = best.min(t.elapsed());
    }
    Some(best)
}
