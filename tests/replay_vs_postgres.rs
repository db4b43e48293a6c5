//! Differential test of the replay engine: every migration set is applied to a real PostgreSQL 15
//! (on top of the Supabase prelude) and read back with the live reader; the catalog replayed
//! offline from the same files must be equal (intended differences: `common/compare.rs`).

mod common;

use std::path::{Path, PathBuf};

use common::apply::first_error;
use common::compare::{compare, compare_view_order, Comparison};
use common::pg::{apply_migration_set, PgCluster};
use common::shared::{self, CORPUS, PRELUDE};
use schemagen::diagnostics::{Diagnostics, Sources};

/// A set's comparison and what replay reported, or why PostgreSQL rejected the set; and the
/// notes of the application.
type Checked = (Result<(Comparison, Option<String>), String>, Vec<String>);

/// Applies `dir` to a fresh database and compares. `Err` when Postgres itself rejects the set.
/// Also returns the notes of the application (files that apply only statement by statement).
/// The comparison comes with what replay itself reported where PostgreSQL applied the set.
fn check_set(name: &str, dir: &Path) -> Checked {
    let db = PgCluster::shared().create_supabase_database(name);
    let outcome = apply_migration_set(&db, dir);
    let notes = outcome.notes(name);
    if let Some((file, msg)) = outcome.failure {
        let err = format!(
            "does not apply to PostgreSQL: {}: {}",
            file.file_name().unwrap().to_string_lossy(),
            first_error(&msg)
        );
        return (Err(err), notes);
    }
    let live = schemagen::db::read_catalog(&mut db.client()).expect("read catalog");
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let (replayed, stats) =
        schemagen::replay_dir_with_stats(dir, &mut sources, &mut diags).expect("replay");
    let c = compare(&live, &replayed, &|_| true);
    // The order of the views' rows (db pull lists views in it) is a measured figure, not an
    // assertion: replay follows the writes to each row, PostgreSQL also the free space of its
    // pages (an updated row that no longer fits its page goes to one with room).
    let mut notes = notes;
    if let Some(d) = compare_view_order(&live, &replayed, &|_| true) {
        notes.push(format!("{name}: views' row order differs: {d}"));
    }
    let problems = (diags.has_errors() || stats.not_understood > 0).then(|| {
        format!(
            "replay: {} errors, {} statements not understood where PostgreSQL applied the set:\n{}",
            stats.errors,
            stats.not_understood,
            diags.render_short(&sources)
        )
    });
    (Ok((c, problems)), notes)
}

fn run_sets(sets: &[(String, PathBuf)]) -> (Comparison, Vec<String>) {
    let mut total = Comparison::default();
    let mut lines = Vec::new();
    let results: Vec<(String, Checked)> = std::thread::scope(|s| {
        let handles: Vec<_> = sets
            .iter()
            .map(|(name, dir)| s.spawn(move || (name.clone(), check_set(name, dir))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (name, (r, notes)) in results {
        lines.extend(notes);
        match r {
            Ok((c, problems)) => {
                lines.push(format!(
                    "{name}: tables {}/{} equal, other objects {}/{} equal, view definitions printed {}/{}",
                    c.tables_equal, c.tables, c.objects_equal, c.objects, c.view_definitions_printed, c.views
                ));
                for d in c.differences.iter().take(40) {
                    lines.push(format!("    {d}"));
                }
                lines.extend(problems.map(|p| format!("    {p}")));
                total.merge(c);
            }
            Err(e) => lines.push(format!("{name}: {e}")),
        }
    }
    (total, lines)
}

#[test]
fn corpus_sets_replay_like_postgres() {
    let test = "corpus_sets_replay_like_postgres";
    let Some(shared_dir) = shared::require(test, &[PRELUDE, CORPUS]) else {
        return;
    };
    let sets: Vec<(String, PathBuf)> = shared::corpus_sets(&shared_dir)
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                p.join("migrations"),
            )
        })
        .collect();
    let (total, lines) = run_sets(&sets);
    println!("{}", lines.join("\n"));
    println!(
        "corpus: tables {}/{} equal ({:.1}%), other objects {}/{} equal, view definitions printed {}/{}",
        total.tables_equal,
        total.tables,
        100.0 * total.tables_equal as f64 / total.tables.max(1) as f64,
        total.objects_equal,
        total.objects,
        total.view_definitions_printed,
        total.views
    );
    assert!(total.tables > 0, "no corpus set applied");
    assert_all_equal(&total);
}

#[test]
fn focused_fixtures_replay_like_postgres() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replay");
    let mut sets: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    sets.sort();
    assert!(!sets.is_empty());
    let (total, lines) = run_sets(&sets);
    println!("{}", lines.join("\n"));
    for l in &lines {
        assert!(
            !l.contains("does not apply"),
            "a fixture must apply to PostgreSQL: {l}"
        );
        // Every fixture applies to PostgreSQL, so replaying it is error-free and understood.
        assert!(!l.contains("replay: "), "{l}");
    }
    assert_all_equal(&total);
}

/// Every table and every other object replayed equals PostgreSQL's.
fn assert_all_equal(total: &Comparison) {
    assert_eq!(
        total.tables_equal,
        total.tables,
        "replayed tables differ from PostgreSQL's:\n{}",
        common::compare::joined(&total.differences, "\n")
    );
    assert_eq!(
        total.objects_equal,
        total.objects,
        "{}",
        common::compare::joined(&total.differences, "\n")
    );
}
