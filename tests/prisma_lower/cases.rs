//! The cases of the lowering tests: every focused fixture of `tests/fixtures/prisma` and every
//! corpus set with an engine expectation, replayed.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use schemagen::catalog::Catalog;
use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::Naming;
use schemagen::psl::ast::SchemaAst;
use schemagen::psl::resolved::Previous;
use schemagen::sql::replay::Replayer;

use super::common;
use super::compare::Scope;

/// One case.
pub struct Case {
    /// `fixture <dir>` or the corpus set's name.
    pub name: String,
    /// The replayed migrations.
    pub catalog: Catalog,
    /// The schema the engine was given (`input.prisma`, `expected.input.prisma`).
    pub input: String,
    /// The engine's `db pull` output.
    pub expected: String,
    /// How prisma-from-sql names new objects for this case.
    pub naming: Naming,
    /// The corpus set's folder (`None` for fixtures).
    pub set: Option<PathBuf>,
}

/// Replays files on top of `base`; replay errors fail the test.
pub fn replay_files(paths: &[PathBuf], base: Catalog) -> Catalog {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let mut r = Replayer::new(base);
    for path in paths {
        let id = sources.add(path.clone(), std::fs::read_to_string(path).unwrap());
        r.replay_file(&sources, id, &mut diags);
    }
    assert!(!diags.has_errors(), "{}", diags.render_short(&sources));
    r.finish()
}

/// All cases.
pub fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("expected.prisma").exists() && p.join("migration.sql").exists())
        .collect();
    fixtures.sort();
    for d in fixtures {
        let name = d.file_name().unwrap().to_string_lossy().into_owned();
        cases.push(Case {
            naming: if name.starts_with("pascal") {
                Naming::Pascal
            } else {
                Naming::Prisma
            },
            catalog: replay_files(
                &[d.join("migration.sql")],
                schemagen::sql::supabase::base_catalog(),
            ),
            input: std::fs::read_to_string(d.join("input.prisma")).unwrap(),
            expected: std::fs::read_to_string(d.join("expected.prisma")).unwrap(),
            name: format!("fixture {name}"),
            set: None,
        });
    }
    for set in common::corpus_sets() {
        if !set.join("expected.prisma").exists() {
            continue;
        }
        let name = set.file_name().unwrap().to_string_lossy().into_owned();
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let mut catalog =
            schemagen::replay_dir(&set.join("migrations"), &mut sources, &mut diags).unwrap();
        if name == "QuivrHQ__quivr" {
            // The engine's expectation was made with this file applied too (see
            // tests/prisma_from_sql.rs).
            let extra = set.join("migrations/local_20240107152745_ollama.sql");
            catalog = replay_files(&[extra], catalog);
        }
        cases.push(Case {
            name,
            set: Some(set.clone()),
            catalog,
            input: std::fs::read_to_string(set.join("expected.input.prisma")).unwrap(),
            expected: std::fs::read_to_string(set.join("expected.prisma")).unwrap(),
            naming: Naming::Prisma,
        });
    }
    cases
}

/// What a Prisma schema covers: its datasource's schemas (else `public`), views with the
/// `views` preview, foreign keys unless `relationMode = "prisma"`.
pub fn scope(ast: &SchemaAst) -> Scope {
    let prev = Previous::new(ast);
    let mut schemas = prev.schemas();
    if schemas.is_empty() {
        schemas.push("public".into());
    }
    Scope {
        schemas,
        views: prev.has_preview_feature("views"),
        relation_mode_prisma: prev.relation_mode_prisma(),
        sequences: false,
    }
}
