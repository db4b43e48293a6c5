//! `generated/` is what schemagen makes from the example project (`examples/`), kept in sync by
//! this test; the command line's promises around `prisma-from-sql` (a second run changes nothing,
//! `--check`, atomic writes, nothing written on errors) are checked on a copy of it.

#[path = "prisma_render/support.rs"]
mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{render_schema, Naming, PrismaOptions};

/// What a project starts from: a generator and a datasource listing the schemas.
const HEADER: &str = "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n  schemas  = [\"auth\", \"public\"]\n}\n";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn render(naming: Naming, previous: &str) -> String {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let catalog = schemagen::replay_dir(
        &root().join("examples/supabase/migrations"),
        &mut sources,
        &mut diags,
    )
    .unwrap();
    assert!(diags.is_empty(), "{}", diags.render(&sources));
    let opts = PrismaOptions {
        naming,
        ..Default::default()
    };
    render_schema(&catalog, Some(previous), &opts).unwrap().text
}

#[test]
fn generated_schemas_are_in_sync_with_the_example() {
    for (naming, file) in [
        (Naming::Prisma, "generated/schema.prisma"),
        (Naming::Pascal, "generated/schema.pascal.prisma"),
    ] {
        let fresh = render(naming, HEADER);
        expectorate::assert_contents(file, &fresh);
        // Re-running on its own output changes nothing.
        assert_eq!(render(naming, &fresh), fresh, "{file}: second run");
    }
    let files = [
        root().join("generated/schema.prisma"),
        root().join("generated/schema.pascal.prisma"),
    ];
    let (ok, text) = support::validate(&files);
    assert!(ok.iter().all(|x| *x), "Prisma's validator rejects:\n{text}");
}

fn copy_example(dir: &Path) -> PathBuf {
    let mig = dir.join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    for e in std::fs::read_dir(root().join("examples/supabase/migrations")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), mig.join(e.file_name())).unwrap();
    }
    std::fs::create_dir_all(dir.join("prisma")).unwrap();
    std::fs::write(dir.join("prisma/schema.prisma"), HEADER).unwrap();
    dir.join("prisma/schema.prisma")
}

fn schemagen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("schemagen").unwrap();
    c.current_dir(dir);
    c
}

#[test]
fn prisma_from_sql_writes_once_checks_and_never_half_writes() {
    let dir = tempfile::tempdir().unwrap();
    let schema = copy_example(dir.path());

    // --check before the first run: out of date, a diff, exit 1, nothing written.
    let out = schemagen(dir.path())
        .args(["prisma-from-sql", "--check"])
        .assert()
        .code(1);
    let diff = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        diff.contains("+++ b/prisma/schema.prisma") && diff.contains("+model workflows {"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), HEADER);

    // The run writes the schema; the second run changes nothing; --check agrees.
    schemagen(dir.path())
        .arg("prisma-from-sql")
        .assert()
        .success();
    let first = std::fs::read_to_string(&schema).unwrap();
    assert_eq!(first, render(Naming::Prisma, HEADER));
    let modified = std::fs::metadata(&schema).unwrap().modified().unwrap();
    let out = schemagen(dir.path())
        .arg("prisma-from-sql")
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("is up to date"));
    assert_eq!(
        std::fs::metadata(&schema).unwrap().modified().unwrap(),
        modified
    );
    schemagen(dir.path())
        .args(["prisma-from-sql", "--check"])
        .assert()
        .success();

    // --stdout prints and writes nothing. (Naming only applies to what the previous schema
    // does not name: the existing models keep their names.)
    let out = schemagen(dir.path())
        .args(["prisma-from-sql", "--stdout", "--naming", "pascal"])
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&out.get_output().stdout), first);
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), first);

    // A hand edit survives: a model renamed with @@map keeps its name (relation fields
    // pointing to it follow).
    let start = first.find("model workflows {").unwrap();
    let at = start + first[start..].find("  @@schema(\"public\")").unwrap();
    let edited = format!("{}  @@map(\"workflows\")\n{}", &first[..at], &first[at..]).replacen(
        "model workflows {",
        "model Workflow {",
        1,
    );
    std::fs::write(&schema, &edited).unwrap();
    schemagen(dir.path())
        .arg("prisma-from-sql")
        .assert()
        .success();
    let kept = std::fs::read_to_string(&schema).unwrap();
    assert!(
        kept.contains("model Workflow {") && kept.contains("@@map(\"workflows\")"),
        "{kept}"
    );
    assert!(
        kept.contains("Workflow[]") && !kept.contains("model workflows {"),
        "{kept}"
    );

    // A new migration with an error: exit 2, the schema is left as it was.
    std::fs::write(
        dir.path()
            .join("supabase/migrations/20990101000000_broken.sql"),
        "alter table public.nope add column x int;\n",
    )
    .unwrap();
    let out = schemagen(dir.path())
        .arg("prisma-from-sql")
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("20990101000000_broken.sql:1:1"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), kept);
    std::fs::remove_file(
        dir.path()
            .join("supabase/migrations/20990101000000_broken.sql"),
    )
    .unwrap();

    // A schema that does not parse: its line and column, exit 2, left as it was.
    let broken = kept.replacen(
        "model Workflow {",
        "model Workflow {\n  id String @id(\n",
        1,
    );
    std::fs::write(&schema, &broken).unwrap();
    let out = schemagen(dir.path())
        .arg("prisma-from-sql")
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("prisma/schema.prisma:"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&schema).unwrap(), broken);

    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("prisma"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name() != "schema.prisma")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn configuration_file_sets_paths_and_naming() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    std::fs::write(
        dir.path().join("schemagen.toml"),
        "migrations = \"supabase/migrations\"\n[prisma]\nschema = \"db/schema.prisma\"\nnaming = \"pascal\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    std::fs::write(dir.path().join("db/schema.prisma"), HEADER).unwrap();
    schemagen(dir.path())
        .arg("prisma-from-sql")
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("db/schema.prisma")).unwrap();
    assert_eq!(text, render(Naming::Pascal, HEADER));
    // The flag wins over the file.
    std::fs::write(dir.path().join("db/schema.prisma"), HEADER).unwrap();
    schemagen(dir.path())
        .args(["prisma-from-sql", "--naming", "prisma"])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("db/schema.prisma")).unwrap();
    assert!(text.contains("model workflows {"), "{text}");
    // A bad key is reported with its position.
    std::fs::write(dir.path().join("schemagen.toml"), "[prisma]\nnamng = 1\n").unwrap();
    let out = schemagen(dir.path())
        .arg("prisma-from-sql")
        .assert()
        .code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("schemagen.toml:2:1"), "{stderr}");
}
