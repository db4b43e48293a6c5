//! Golden files of the Rust emitter (`EXPECTORATE=overwrite cargo test --test rust_emit`
//! rewrites them; review the diff). `tests/rust_compile.rs` compiles every one of them.
//!
//! * `tests/fixtures/rust/<case>/migrations` with one `<variant>.toml` per setting combination →
//!   `tests/fixtures/rust/<case>/expected/<variant>.rs`;
//! * every corpus set (`../shared/corpus/<set>/migrations`, with `--keep-going`: some sets have
//!   errors by design) → `tests/fixtures/rust/corpus/<set>.rs`;
//! * the example project of `examples/build-script`, generated as its build script does →
//!   `tests/fixtures/rust/build-script.rs` (compiled and run against PostgreSQL by
//!   `tests/rust_roundtrip.rs`).

mod common;

use std::path::{Path, PathBuf};

use schemagen::Builder;

fn generate(b: &Builder) -> String {
    let outputs = b
        .generate()
        .unwrap_or_else(|e| panic!("{}", schemagen::render_error(&e)));
    let (_, text) = outputs.iter().next().expect("one file");
    // Generation is deterministic: a second run gives the same bytes.
    let again = b.generate().expect("second run");
    assert_eq!(again.iter().next().map(|(_, t)| t), Some(text));
    text.to_string()
}

#[test]
fn fixtures() {
    let root = Path::new("tests/fixtures/rust");
    let mut cases = 0;
    for case in sorted_dirs(root) {
        if !case.join("migrations").is_dir() {
            continue;
        }
        let mut variants: Vec<PathBuf> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        variants.sort();
        assert!(
            !variants.is_empty(),
            "{}: no <variant>.toml",
            case.display()
        );
        for v in variants {
            let stem = v.file_stem().unwrap().to_string_lossy().into_owned();
            let text = generate(
                Builder::new()
                    .migrations_dir(case.join("migrations"))
                    .config_file(&v)
                    .inputs_label(format!("{}/migrations", case.display())),
            );
            expectorate::assert_contents(case.join("expected").join(format!("{stem}.rs")), &text);
            cases += 1;
        }
    }
    assert!(cases >= 4, "{cases} fixture variants");
}

#[test]
fn corpus() {
    if common::shared::require("corpus", &[common::shared::CORPUS]).is_none() {
        return;
    }
    let sets = common::corpus_sets();
    assert!(!sets.is_empty());
    let out = Path::new("tests/fixtures/rust/corpus");
    let mut expected = Vec::new();
    for set in &sets {
        let name = set.file_name().unwrap().to_string_lossy().into_owned();
        let text = generate(
            Builder::new()
                .migrations_dir(set.join("migrations"))
                .no_config()
                .keep_going(true)
                .inputs_label(format!("corpus/{name}/migrations")),
        );
        expectorate::assert_contents(out.join(format!("{name}.rs")), &text);
        expected.push(format!("{name}.rs"));
    }
    // No golden file is left from a set that is gone.
    let mut present: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    present.sort();
    expected.sort();
    assert_eq!(present, expected);
}

#[test]
fn build_script_example() {
    let dir = Path::new("examples/build-script");
    let text = generate(
        Builder::new()
            .migrations_dir(dir.join("supabase/migrations"))
            .config_file(dir.join("schemagen.toml"))
            .inputs_label("supabase/migrations"),
    );
    expectorate::assert_contents("tests/fixtures/rust/build-script.rs", &text);
}

#[test]
fn cli_writes_checks_and_prints() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("src/db/tables.rs");
    let migrations = "examples/build-script/supabase/migrations";
    let config = "examples/build-script/schemagen.toml";
    let run = |extra: &[&str]| {
        assert_cmd::Command::cargo_bin("schemagen")
            .unwrap()
            .args([
                "rust",
                "--migrations",
                migrations,
                "--config",
                config,
                "--out",
            ])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&["--check"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("+pub mod public {"));
    let o = run(&[]);
    assert!(o.status.success(), "{o:?}");
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.contains("pub struct NewNotes"));
    let o = run(&["--check"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = run(&["--stdout"]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), written);
    // A folder: mod.rs and one file per schema.
    let folder = dir.path().join("db");
    let o = assert_cmd::Command::cargo_bin("schemagen")
        .unwrap()
        .args([
            "rust",
            "--migrations",
            migrations,
            "--config",
            config,
            "--out",
        ])
        .arg(&folder)
        .output()
        .unwrap();
    assert!(o.status.success(), "{o:?}");
    let root = std::fs::read_to_string(folder.join("mod.rs")).unwrap();
    assert!(
        root.contains("pub mod billing;") && root.contains("pub mod public;"),
        "{root}"
    );
    let public = std::fs::read_to_string(folder.join("public.rs")).unwrap();
    assert!(public.contains("pub struct Notes {"), "{public}");
    assert!(public.contains("super::ParseEnumError"), "{public}");
}

#[test]
fn errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let m = dir.path().join("migrations");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("20250101000000_bad.sql"),
        "create table t (id int);\nalter table missing add column x int;\n",
    )
    .unwrap();
    let err = Builder::new()
        .migrations_dir(&m)
        .no_config()
        .generate()
        .unwrap_err();
    let text = schemagen::render_error(&err);
    assert!(text.contains("20250101000000_bad.sql:2:"), "{text}");
    assert!(text.contains("missing"), "{text}");
    // A bad override is a configuration error, not a panic.
    std::fs::write(
        m.join("20250101000000_bad.sql"),
        "create table t (id int);\n",
    )
    .unwrap();
    let err = Builder::new()
        .migrations_dir(&m)
        .no_config()
        .map_type("int4", "not a type!")
        .generate()
        .unwrap_err();
    assert!(schemagen::render_error(&err).contains("int4"), "{err}");
}

fn sorted_dirs(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn builder_writes_only_changes_and_lists_every_input() {
    let dir = tempfile::tempdir().unwrap();
    let example = Path::new("examples/build-script");
    let mut b = Builder::new();
    b.migrations_dir(example.join("supabase/migrations"))
        .config_file(example.join("schemagen.toml"))
        .out_dir(dir.path())
        .emit_rerun_if_changed(false);
    let first = b.try_compile().unwrap();
    let file = dir.path().join("tables.rs");
    assert_eq!(
        first.written,
        vec![(file.clone(), schemagen::output::Written::Changed)]
    );
    let t = std::fs::metadata(&file).unwrap().modified().unwrap();
    let second = b.try_compile().unwrap();
    assert_eq!(
        second.written,
        vec![(file.clone(), schemagen::output::Written::Unchanged)]
    );
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), t);
    let directives = second.cargo_directives();
    let m = example.join("supabase/migrations");
    let expected = format!(
        "cargo:rerun-if-changed={}\ncargo:rerun-if-changed={}\ncargo:rerun-if-changed={}\ncargo:rerun-if-changed={}\n",
        example.join("schemagen.toml").display(),
        m.display(),
        m.join("20250101000000_notes.sql").display(),
        m.join("20250201000000_reviews.sql").display(),
    );
    assert_eq!(directives, expected);
    // Without OUT_DIR and without out_dir(), compile() has nowhere to write.
    if std::env::var_os("OUT_DIR").is_none() {
        let err = Builder::new()
            .migrations_dir(example.join("supabase/migrations"))
            .try_compile()
            .unwrap_err();
        assert!(err.to_string().contains("OUT_DIR"), "{err}");
    }
}
