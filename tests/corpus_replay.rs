//! Every corpus set, including those that do not apply to PostgreSQL: replay never panics,
//! every diagnostic about a statement names file, line and column, and every statement is
//! understood or recognised (per-set counts are printed). Truncated files (every file cut at
//! several points) never panic either.

mod common;

use common::shared::{self, CORPUS};
use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::sql::replay::Replayer;

#[test]
fn every_corpus_set_replays_without_panics_and_with_located_diagnostics() {
    let Some(shared_dir) = shared::require(
        "every_corpus_set_replays_without_panics_and_with_located_diagnostics",
        &[CORPUS],
    ) else {
        return;
    };
    let mut total_not_understood = 0;
    for set in shared::corpus_sets(&shared_dir) {
        let name = set.file_name().unwrap().to_string_lossy().into_owned();
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let (_, stats) =
            schemagen::replay_dir_with_stats(&set.join("migrations"), &mut sources, &mut diags)
                .expect("replay");
        println!(
            "{name}: {} files, {} statements: {} understood, {} passed over, {} not understood, {} errors",
            stats.files, stats.statements, stats.understood, stats.passed_over, stats.not_understood, stats.errors
        );
        assert!(
            stats.files > 0 && stats.statements > 0,
            "{name}: nothing replayed"
        );
        assert_eq!(
            stats.statements,
            stats.understood + stats.passed_over + stats.not_understood + stats.errors,
            "{name}: every statement is counted once"
        );
        for d in diags.iter() {
            let text = d.one_line(&sources);
            match d.span {
                Some(span) => {
                    let loc = sources.location(span);
                    let mut parts = loc.rsplitn(3, ':');
                    let col: usize = parts.next().unwrap().parse().unwrap();
                    let line: usize = parts.next().unwrap().parse().unwrap();
                    assert!(line >= 1 && col >= 1, "{text}");
                    assert!(parts.next().unwrap().ends_with(".sql"), "{text}");
                }
                // File-level diagnostics (a skipped file, two files with one version) name the
                // file in the message.
                None => assert!(text.contains(".sql") || text.contains('/'), "{text}"),
            }
        }
        total_not_understood += stats.not_understood;
    }
    assert_eq!(
        total_not_understood, 0,
        "statements not understood in the corpus"
    );
}

#[test]
fn truncated_corpus_files_never_panic() {
    let Some(shared_dir) = shared::require("truncated_corpus_files_never_panic", &[CORPUS]) else {
        return;
    };
    let mut runs = 0;
    for set in shared::corpus_sets(&shared_dir) {
        let mut files: Vec<_> = std::fs::read_dir(set.join("migrations"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for k in 1..6 {
                let mut cut = text.len() * k / 6;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                replay_without_internal_errors(&f, text[..cut].to_string());
                runs += 1;
            }
        }
    }
    assert!(runs > 1000, "{runs} truncated files replayed");
}

/// Line-level mutations of every corpus file (a line dropped, a line doubled, two lines
/// swapped), chosen by a fixed pseudo-random sequence: replay never panics (a panic inside a
/// statement would be reported as "internal error", which fails this test too).
#[test]
fn mutated_corpus_files_never_panic() {
    let Some(shared_dir) = shared::require("mutated_corpus_files_never_panic", &[CORPUS]) else {
        return;
    };
    let mut seed: u64 = 0x5eed_5eed;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let mut runs = 0;
    for set in shared::corpus_sets(&shared_dir) {
        let mut files: Vec<_> = std::fs::read_dir(set.join("migrations"))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            if lines.len() < 3 {
                continue;
            }
            for k in 0..4 {
                let mut l = lines.clone();
                let i = next(l.len());
                let j = next(l.len());
                match k {
                    0 => {
                        l.remove(i);
                    }
                    1 => l.insert(i, lines[j]),
                    _ => l.swap(i, j),
                }
                replay_without_internal_errors(&f, l.join("\n"));
                runs += 1;
            }
        }
    }
    assert!(runs > 1000, "{runs} mutated files replayed");
}

/// Replays one file's text alone; no statement may end in an internal error (a caught panic).
fn replay_without_internal_errors(path: &std::path::Path, text: String) {
    let mut sources = Sources::new();
    let id = sources.add(path.to_path_buf(), text);
    let mut diags = Diagnostics::new();
    let mut r = Replayer::new(schemagen::sql::supabase::base_catalog());
    r.replay_file(&sources, id, &mut diags);
    for d in diags.iter() {
        assert!(
            !d.message.contains("internal error"),
            "{}",
            d.one_line(&sources)
        );
    }
}
