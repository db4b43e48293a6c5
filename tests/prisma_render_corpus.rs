//! `prisma::render_schema` against the real engine's output for the corpus.
//!
//! For every corpus set with an `expected.prisma` (what Prisma 7.10's engine printed): a fresh
//! database with the Supabase prelude, the set's migrations applied, the catalog read back with
//! `db::read_catalog`, rendered with `expected.input.prisma` as the previous schema, and compared
//! with `expected.prisma` block by block (and `expected.warnings.txt`). Prints the figures per set
//! and overall, and the diff of every differing block; fails when the share of identical
//! model/enum/view blocks drops below [`MIN_BLOCK_RATE`], or when a set's schema or warnings are
//! not byte-identical any more (all twelve are).
//!
//! Every rendered schema also goes through Prisma's validator and formatter
//! (`oracle/validate.mjs`); it may fail only where the engine's own output fails too (quivr: an
//! enum whose values are all commented out; classroomio: a relation between fields of different
//! types).
//!
//! Each set is also rendered with `Naming::Pascal`: that output must validate (same rule) and be
//! a fixed point of the engine's re-introspection (given as the previous schema, printed back
//! unchanged).
//!
//! `SCHEMAGEN_PRISMA_OUT=dir` also writes each rendered schema and its warnings to `dir`.
//! Sets that use pgvector or Supabase's `wrappers` get an SQL stand-in for the extension first
//! (`tests/fixtures/prisma/*_standin.sql`); a set that still cannot be applied is reported, not
//! failed.

mod common;

use std::path::{Path, PathBuf};

use common::apply::available_extensions;
use common::pg::{apply_migration_set, PgCluster};
use common::shared::{self, CORPUS, PRELUDE};
#[path = "prisma_render/support.rs"]
mod support;

use schemagen::pipeline::{render_schema, PrismaOptions};
use support::compare;

/// The share of identical model/enum/view blocks over the sets that apply.
const MIN_BLOCK_RATE: f64 = 1.0;

/// Files the Supabase CLI skips (their names do not start with a version) but that the database
/// behind a set's `expected.prisma` had applied after the others: quivr's expected
/// `vectors.embedding` is `NOT NULL`, which only `local_20240107152745_ollama.sql` does (checked:
/// without it the real engine prints `Unsupported("vector")?`, as schemagen does).
const EXTRA_FILES: &[(&str, &str)] = &[("QuivrHQ__quivr", "local_20240107152745_ollama.sql")];

/// SQL stand-ins for extensions a stock PostgreSQL lacks, by extension name (used when the
/// server does not offer the extension: `scripts/test.sh` installs a `wrappers` stand-in).
const STANDINS: &[(&str, &str)] = &[
    ("vector", "tests/fixtures/prisma/vector_standin.sql"),
    ("wrappers", "tests/fixtures/prisma/wrappers_standin.sql"),
];

/// Whether a migration of a set creates extension `name`.
fn creates_extension(dir: &Path, name: &str) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            let text = std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .to_ascii_lowercase();
            text.lines().any(|l| {
                let l = l.trim_start().replace('"', "");
                l.starts_with("create extension")
                    && l.replace("if not exists", "").split_whitespace().nth(2) == Some(name)
            })
        })
}

fn corpus_sets(shared_dir: &Path) -> Vec<PathBuf> {
    let dir = shared_dir.join(CORPUS);
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.prisma").exists())
        .collect();
    sets.sort();
    sets
}

struct SetResult {
    name: String,
    applied: bool,
    total: usize,
    identical: usize,
    whole: bool,
    warnings_identical: bool,
    /// With `Naming::Pascal`: the engine, given that output as the previous schema, prints it
    /// back unchanged. `None` when the engine refuses it as invalid (only where the engine's own
    /// output is invalid too: the validity check sees to that).
    pascal_fixed_point: Option<bool>,
}

fn run_set(set: &Path, out: Option<&Path>, validation: &Path) -> SetResult {
    let name = set.file_name().unwrap().to_string_lossy().into_owned();
    let db = PgCluster::shared().create_database(&name);
    db.load_prelude();
    let available = available_extensions(&db);
    for (extension, standin) in STANDINS {
        if !available.contains(*extension) && creates_extension(&set.join("migrations"), extension)
        {
            db.psql_file(Path::new(standin))
                .unwrap_or_else(|e| panic!("{standin}: {e}"));
        }
    }
    let outcome = apply_migration_set(&db, &set.join("migrations"));
    for note in outcome.notes(&name) {
        println!("{note}");
    }
    for (s, file) in EXTRA_FILES {
        if *s == name && outcome.failure.is_none() {
            let path = set.join("migrations").join(file);
            db.psql_file(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
    }
    let expected = std::fs::read_to_string(set.join("expected.prisma")).unwrap();
    let exp_blocks = support::blocks(&expected)
        .into_iter()
        .filter(|b| b.is_data())
        .count();
    if let Some((file, err)) = &outcome.failure {
        println!(
            "{name}: APPLY-FAILED in {} ({} blocks not checked): {}",
            file.file_name().unwrap().to_string_lossy(),
            exp_blocks,
            err.lines().next().unwrap_or("")
        );
        return SetResult {
            name,
            applied: false,
            total: exp_blocks,
            identical: 0,
            whole: false,
            warnings_identical: false,
            pascal_fixed_point: Some(false),
        };
    }
    let catalog = schemagen::db::read_catalog(&mut db.client()).expect("read_catalog");
    let input = std::fs::read_to_string(set.join("expected.input.prisma")).unwrap();
    let rendered = render_schema(&catalog, Some(&input), &PrismaOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let again = render_schema(&catalog, Some(&input), &PrismaOptions::default()).unwrap();
    assert_eq!(rendered, again, "{name}: rendering twice differs");
    let expected_warnings = std::fs::read_to_string(set.join("expected.warnings.txt")).unwrap();
    let warnings = if rendered.warnings.is_empty() {
        String::new()
    } else {
        format!("{}\n", rendered.warnings)
    };
    if let Some(dir) = out {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(format!("{name}.prisma")), &rendered.text).unwrap();
        std::fs::write(dir.join(format!("{name}.warnings.txt")), &warnings).unwrap();
    }
    std::fs::write(validation.join(format!("{name}.prisma")), &rendered.text).unwrap();
    let pascal_fixed_point = pascal_check(&db, &catalog, &input, &name, validation);
    if let Some(dir) = out {
        let file = format!("{name}.pascal.prisma");
        std::fs::copy(validation.join(&file), dir.join(&file)).unwrap();
    }
    let report = compare(&expected, &rendered.text);
    let warnings_identical = warnings == expected_warnings;
    println!(
        "{name}: {}/{} blocks identical{}{}",
        report.identical,
        report.total,
        if report.whole_identical {
            ", whole file identical"
        } else {
            ""
        },
        if warnings_identical {
            ", warnings identical"
        } else {
            ", WARNINGS DIFFER"
        }
    );
    for (key, diff) in &report.mismatches {
        println!("--- {name}: {key}\n{diff}");
    }
    if !warnings_identical {
        println!(
            "--- {name}: warnings\n{}",
            support::diff(&expected_warnings, &warnings)
        );
    }
    SetResult {
        name,
        applied: true,
        total: report.total,
        identical: report.identical,
        whole: report.whole_identical,
        warnings_identical,
        pascal_fixed_point,
    }
}

/// Renders with `Naming::Pascal`, keeps the file for validation, and checks that the real engine,
/// given it as the previous schema, prints it back unchanged (every chosen name survives
/// re-introspection).
fn pascal_check(
    db: &common::pg::Db,
    catalog: &schemagen::catalog::Catalog,
    input: &str,
    name: &str,
    validation: &Path,
) -> Option<bool> {
    let opts = PrismaOptions {
        naming: schemagen::pipeline::Naming::Pascal,
        ..PrismaOptions::default()
    };
    let pascal = render_schema(catalog, Some(input), &opts).unwrap();
    let file = validation.join(format!("{name}.pascal.prisma"));
    std::fs::write(&file, &pascal.text).unwrap();
    let out = validation.join(format!("{name}.pascal.engine.prisma"));
    let run = std::process::Command::new("node")
        .arg(support::root().join("oracle/introspect.mjs"))
        .args(["--url", &db.url(), "--schema"])
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .arg("--warnings")
        .arg(validation.join("ignored-warnings.txt"))
        .output()
        .expect("node");
    if !run.status.success() && String::from_utf8_lossy(&run.stderr).contains("P1012") {
        println!("{name}: the engine refuses the pascal schema as invalid (as its own output)");
        return None;
    }
    let engine = std::fs::read_to_string(&out).unwrap_or_default();
    let same = run.status.success() && engine == pascal.text;
    if !same {
        println!(
            "--- {name}: pascal output is not a fixed point of the engine\n{}",
            support::diff(&pascal.text, &engine)
        );
    }
    Some(same)
}

#[test]
fn corpus_renders_like_the_engine() {
    let Some(shared_dir) = shared::require("corpus_renders_like_the_engine", &[PRELUDE, CORPUS])
    else {
        return;
    };
    let out = std::env::var_os("SCHEMAGEN_PRISMA_OUT").map(PathBuf::from);
    let validation = tempfile::tempdir().unwrap();
    let sets = corpus_sets(&shared_dir);
    let results: Vec<SetResult> = sets
        .iter()
        .map(|s| run_set(s, out.as_deref(), validation.path()))
        .collect();
    let to_validate: Vec<(String, PathBuf, PathBuf)> = sets
        .iter()
        .zip(&results)
        .filter(|(_, r)| r.applied)
        .map(|(s, r)| {
            (
                r.name.clone(),
                validation.path().join(format!("{}.prisma", r.name)),
                s.join("expected.prisma"),
            )
        })
        .collect();
    let mut to_validate = to_validate;
    for (s, r) in sets.iter().zip(&results).filter(|(_, r)| r.applied) {
        to_validate.push((
            format!("{} (pascal)", r.name),
            validation.path().join(format!("{}.pascal.prisma", r.name)),
            s.join("expected.prisma"),
        ));
    }
    let invalid = support::check_validity(&to_validate);
    let applied: Vec<&SetResult> = results.iter().filter(|r| r.applied).collect();
    let total: usize = applied.iter().map(|r| r.total).sum();
    let identical: usize = applied.iter().map(|r| r.identical).sum();
    let rate = identical as f64 / total.max(1) as f64;
    println!(
        "\noverall: {identical}/{total} model/enum/view blocks identical ({:.1}%) over {} sets; \
         {} whole files identical, {} warning texts identical; not applied: {}",
        rate * 100.0,
        applied.len(),
        applied.iter().filter(|r| r.whole).count(),
        applied.iter().filter(|r| r.warnings_identical).count(),
        results
            .iter()
            .filter(|r| !r.applied)
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(invalid.is_empty(), "{}", invalid.join("\n"));
    println!(
        "pascal naming: {}/{} sets are a fixed point of the engine's re-introspection",
        applied
            .iter()
            .filter(|r| r.pascal_fixed_point == Some(true))
            .count(),
        applied.len()
    );
    for r in &applied {
        assert_ne!(
            r.pascal_fixed_point,
            Some(false),
            "{}: pascal output not kept by the engine",
            r.name
        );
        assert!(
            r.whole && r.warnings_identical,
            "{}: the schema or the warnings no longer match the engine's",
            r.name
        );
    }
    assert!(
        rate >= MIN_BLOCK_RATE,
        "block match rate {:.1}% fell below {:.1}%",
        rate * 100.0,
        MIN_BLOCK_RATE * 100.0
    );
}
