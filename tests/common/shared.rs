//! The shared reference folder: material the tests read from outside the repository (the
//! migration corpus, the Supabase prelude).
//!
//! It is `$SCHEMAGEN_SHARED` when set, else the first `shared/` folder in an ancestor of the
//! project root (`../shared` beside a checkout, `../../shared` for a worktree under `wt/`).
//! A test that needs it calls [`require`] first; when the folder is absent the test prints ONE
//! line to the terminal (`SKIPPED <test>: needs …; set SCHEMAGEN_SHARED=…`) and returns, so the
//! suite passes on a clone with nothing beside it. With `SCHEMAGEN_REQUIRE_SHARED=1` (set by
//! `.ci/run`) the same line is a failure instead, so CI always runs those tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// The variable that points at the shared folder.
pub const SHARED_VAR: &str = "SCHEMAGEN_SHARED";
/// The variable that turns a skip into a failure (`1`).
pub const REQUIRE_VAR: &str = "SCHEMAGEN_REQUIRE_SHARED";

/// The corpus of migration histories, relative to the shared folder.
pub const CORPUS: &str = "corpus";
/// The Supabase prelude, relative to the shared folder.
pub const PRELUDE: &str = "supabase/prelude.sql";
/// The extension stand-ins (`scripts/test.sh` installs them), relative to the shared folder.
pub const EXTENSIONS: &str = "supabase/extensions";

/// The shared folder, if there is one: `$SCHEMAGEN_SHARED` (as given, even when it lacks
/// something: [`require`] then says what), else the first ancestor's `shared/` that holds the
/// prelude or the corpus.
pub fn shared_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(SHARED_VAR).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .skip(1)
        .map(|a| a.join("shared"))
        .find(|d| d.join(PRELUDE).is_file() || d.join(CORPUS).is_dir())
}

/// Whether a missing shared folder fails instead of skipping (`SCHEMAGEN_REQUIRE_SHARED=1`).
pub fn required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1")
}

fn describe(what: &str) -> String {
    let name = match what {
        CORPUS => "the migration corpus",
        PRELUDE => "the Supabase prelude",
        EXTENSIONS => "the extension stand-ins",
        _ => "a file",
    };
    format!("{name} (shared/{what})")
}

/// The shared folder when it holds everything `needs` names (paths relative to it: [`CORPUS`],
/// [`PRELUDE`]). Otherwise prints ONE `SKIPPED` line naming `test` and what is missing, and
/// returns `None` — or panics with that line when [`required`], or when `$SCHEMAGEN_SHARED` was
/// set to a folder lacking something (a misconfiguration, never skipped).
pub fn require(test: &str, needs: &[&str]) -> Option<PathBuf> {
    let found = shared_dir();
    let missing: Vec<&str> = needs
        .iter()
        .copied()
        .filter(|what| !found.as_ref().is_some_and(|d| d.join(what).exists()))
        .collect();
    if missing.is_empty() {
        return found;
    }
    let name = format!("{}::{test}", env!("CARGO_CRATE_NAME"));
    let described: Vec<String> = missing.iter().map(|w| describe(w)).collect();
    let described = described.join(" and ");
    if let Some(dir) = std::env::var_os(SHARED_VAR).filter(|d| !d.is_empty()) {
        panic!(
            "{name}: {SHARED_VAR}={} lacks {described}",
            Path::new(&dir).display()
        );
    }
    if let Some(dir) = found {
        panic!(
            "{name}: the shared folder {} lacks {described}; set {SHARED_VAR}=/path/to/shared",
            dir.display()
        );
    }
    let line = format!(
        "SKIPPED {name}: needs {described}; no shared folder beside the repository and \
         {SHARED_VAR} unset: set {SHARED_VAR}=/path/to/shared to run it"
    );
    if required() {
        panic!("{line} [{REQUIRE_VAR}=1: a skip is a failure]");
    }
    // Straight to the process's stderr: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(std::io::stderr().lock(), "{line}");
    None
}

/// The corpus sets (folders holding `migrations/`) of the shared folder `shared`, sorted.
pub fn corpus_sets(shared: &Path) -> Vec<PathBuf> {
    let dir = shared.join(CORPUS);
    let mut sets: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("migrations").is_dir())
        .collect();
    sets.sort();
    sets
}
