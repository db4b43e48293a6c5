//! The Builder inside a real build script, under real Cargo: a copy of `examples/build-script`
//! (path dependency pointed at this checkout, the example's lock file) is built with its own
//! target folder (`target/build-script-example`, kept between runs):
//!
//! * the build script prints `cargo:rerun-if-changed` for the migrations folder, every migration
//!   and `schemagen.toml`;
//! * building again with nothing changed does not run the build script, and the generated file
//!   keeps its modification time;
//! * touching a migration (content unchanged) runs the build script again, which regenerates,
//!   finds the same content and does not rewrite the file (mtime kept);
//! * changing a migration regenerates the file with the change;
//! * a migration with an error fails the build with the report, not a panic.
//!
//! Prints how long the first build and the reruns took (the first build is cold on a fresh
//! clone: CI measures the example's cold build here).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let name = e.file_name();
        if name == "target" {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if src.is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

struct Project {
    dir: tempfile::TempDir,
    target: PathBuf,
}

impl Project {
    fn new() -> Project {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::Builder::new()
            .prefix("schemagen-build-script-")
            .tempdir()
            .unwrap();
        copy_dir(&root.join("examples/build-script"), dir.path());
        let manifest = dir.path().join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap().replace(
            "path = \"../..\"",
            &format!("path = {:?}", root.display().to_string()),
        );
        std::fs::write(&manifest, text).unwrap();
        Project {
            dir,
            target: root.join("target/build-script-example"),
        }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `cargo build`; returns the time it took, and stderr when it failed.
    fn build(&self) -> (Duration, Result<(), String>) {
        let start = Instant::now();
        let out = Command::new(env!("CARGO"))
            .arg("build")
            .arg("--manifest-path")
            .arg(self.path("Cargo.toml"))
            .arg("--target-dir")
            .arg(&self.target)
            .arg("--locked")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .output()
            .expect("run cargo");
        let took = start.elapsed();
        if out.status.success() {
            (took, Ok(()))
        } else {
            (took, Err(String::from_utf8_lossy(&out.stderr).into_owned()))
        }
    }

    /// The build script's generated file and its `output` (the lines Cargo recorded), for
    /// the most recently run build script of the package.
    fn script_output(&self) -> (PathBuf, PathBuf) {
        let build = self.target.join("debug/build");
        let mut best: Option<(SystemTime, PathBuf)> = None;
        for e in std::fs::read_dir(&build).unwrap() {
            let p = e.unwrap().path();
            let output = p.join("output");
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("schemagen-build-script-example-") || !output.exists() {
                continue;
            }
            let t = mtime(&output);
            if best.as_ref().is_none_or(|(b, _)| t > *b) {
                best = Some((t, p));
            }
        }
        let p = best.expect("the build script ran").1;
        (p.join("out/schemagen/tables.rs"), p.join("output"))
    }
}

fn mtime(p: &Path) -> SystemTime {
    std::fs::metadata(p)
        .and_then(|m| m.modified())
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Moves a file's modification time forward (content unchanged), past the filesystem's
/// timestamp granularity.
fn touch(p: &Path) {
    let f = std::fs::File::options().append(true).open(p).unwrap();
    f.set_modified(SystemTime::now() + Duration::from_secs(2))
        .unwrap();
}

#[test]
fn rerun_if_changed_and_write_if_changed_under_cargo() {
    let project = Project::new();
    let (cold, r) = project.build();
    r.unwrap_or_else(|e| panic!("first build failed:\n{e}"));
    eprintln!(
        "build-script example: first build {:.1} s",
        cold.as_secs_f64()
    );

    let (generated, output) = project.script_output();
    let lines = std::fs::read_to_string(&output).unwrap();
    let mut expected = vec![
        "cargo:rerun-if-changed=schemagen.toml".to_string(),
        "cargo:rerun-if-changed=supabase/migrations".to_string(),
    ];
    let mut migrations: Vec<String> = std::fs::read_dir(project.path("supabase/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    migrations.sort();
    assert_eq!(migrations.len(), 2);
    for m in &migrations {
        expected.push(format!("cargo:rerun-if-changed=supabase/migrations/{m}"));
    }
    let rerun: Vec<&str> = lines
        .lines()
        .filter(|l| l.starts_with("cargo:rerun-if-changed="))
        .collect();
    assert_eq!(rerun, expected, "{lines}");
    let content = std::fs::read_to_string(&generated).unwrap();
    assert!(
        content.starts_with("// @generated by schemagen"),
        "{content}"
    );
    let (generated_time, output_time) = (mtime(&generated), mtime(&output));

    // Nothing changed: the build script does not run.
    let (t, r) = project.build();
    r.unwrap();
    eprintln!("no change: {:.2} s", t.as_secs_f64());
    assert_eq!(mtime(&output), output_time, "the build script ran again");
    assert_eq!(mtime(&generated), generated_time);

    // A migration touched: the build script runs, the file is not rewritten.
    touch(&project.path(&format!("supabase/migrations/{}", migrations[0])));
    let (t, r) = project.build();
    r.unwrap();
    eprintln!("migration touched: {:.2} s", t.as_secs_f64());
    assert_ne!(mtime(&output), output_time, "the build script did not run");
    assert_eq!(mtime(&generated), generated_time, "the file was rewritten");
    assert_eq!(std::fs::read_to_string(&generated).unwrap(), content);

    // The settings touched: the build script runs too.
    let output_time = mtime(&output);
    touch(&project.path("schemagen.toml"));
    project.build().1.unwrap();
    assert_ne!(
        mtime(&output),
        output_time,
        "schemagen.toml is not an input"
    );

    // A new migration: the file changes.
    let added = project.path("supabase/migrations/20250301000000_tags.sql");
    std::fs::write(
        &added,
        "create table public.tags (name text primary key);\n",
    )
    .unwrap();
    project.build().1.unwrap();
    let changed = std::fs::read_to_string(&generated).unwrap();
    assert!(changed.contains("pub struct Tags {"), "{changed}");

    // A broken one: the build fails with file, line, column and no panic.
    std::fs::write(
        &added,
        "create table public.tags (name text primary key);\nalter table nope add column x int;\n",
    )
    .unwrap();
    let (_, r) = project.build();
    let err = r.expect_err("the build must fail");
    assert!(err.contains("20250301000000_tags.sql:2:"), "{err}");
    assert!(err.contains("the migrations have 1 error(s)"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
