//! `schemagen check`: no false drift on real histories (every corpus set and fixture whose
//! schema prisma-from-sql renders is "up to date" right after rendering it, as Prisma 6 and as
//! Prisma 7 render it, and the edited
//! schemas of the sql-from-prisma round trips are "ahead"), and each kind of drift, through the
//! binary, with its exit code and the command it suggests.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::shared::{self, CORPUS};
use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{self, PrismaDrift, PrismaFromSql};

/// Renders the schema of `migrations` into `dir/schema.prisma` (a datasource listing `schemas`
/// when the history has several) and checks it; `None` when prisma-from-sql refuses the history.
fn render_then_check(
    migrations: &Path,
    dir: &Path,
    input: Option<&Path>,
    major: u32,
) -> Option<PrismaDrift> {
    let schema = dir.join("schema.prisma");
    if let Some(input) = input {
        let text = std::fs::read_to_string(input).expect("read the input schema");
        // `partialIndexes` is a Prisma 7 preview feature: Prisma 6 refuses a schema naming it.
        let text = if major <= 6 {
            text.replace(", \"partialIndexes\"", "")
                .replace("\"partialIndexes\", ", "")
                .replace("\"partialIndexes\"", "")
        } else {
            text
        };
        std::fs::write(&schema, text).expect("write the input schema");
    }
    let settings = PrismaFromSql::resolve(
        Default::default(),
        Some(migrations.to_path_buf()),
        Some(schema.clone()),
        None,
        false,
    )
    .and_then(|s| s.with_prisma_major(Some(major)))
    .expect("settings");
    // Like `db pull`, a first rendering can change once more on the next run (it sorts the
    // preview features it appended, moves commented-out models, …): render until it settles.
    for _ in 0..2 {
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let rendered = pipeline::prisma_from_sql(&settings, &mut sources, &mut diags).ok()?;
        rendered.outputs.persist().expect("write schema.prisma");
    }
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let checked = pipeline::check_prisma(&settings, &mut sources, &mut diags)
        .unwrap_or_else(|e| panic!("{}: check failed: {e}", migrations.display()));
    Some(checked.drift)
}

/// The previous schema a set's engine output was made with, when it has one.
fn input_schema(set: &Path) -> Option<PathBuf> {
    ["expected.input.prisma", "input.prisma"]
        .iter()
        .map(|n| set.join(n))
        .find(|p| p.exists())
}

#[test]
fn a_freshly_rendered_schema_is_up_to_date_on_every_corpus_set_and_fixture() {
    let mut cases: Vec<(String, PathBuf, Option<PathBuf>)> = Vec::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma");
    for e in std::fs::read_dir(&fixtures).expect("fixtures") {
        let case = e.expect("entry").path();
        if case.join("migration.sql").exists() {
            // A one-file history: the fixture's migration under a Supabase file name.
            let tmp = tempfile::tempdir().expect("tempdir").keep();
            let m = tmp.join("migrations");
            std::fs::create_dir_all(&m).expect("mkdir");
            std::fs::copy(
                case.join("migration.sql"),
                m.join("20240101000000_fixture.sql"),
            )
            .expect("copy");
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            cases.push((name, m, input_schema(&case)));
        }
    }
    if let Some(shared) = shared::require(
        "a_freshly_rendered_schema_is_up_to_date_on_every_corpus_set_and_fixture",
        &[CORPUS],
    ) {
        for set in shared::corpus_sets(&shared) {
            let name = set.file_name().unwrap().to_string_lossy().into_owned();
            cases.push((name, set.join("migrations"), input_schema(&set)));
        }
    }
    let (mut checked, mut refused) = (0, Vec::new());
    let mut drifting = Vec::new();
    // Prisma 6's `db pull` leaves out what Prisma 7's prints (partial indexes): both majors.
    for major in [6, 7] {
        for (name, migrations, input) in &cases {
            let dir = tempfile::tempdir().expect("tempdir");
            match render_then_check(migrations, dir.path(), input.as_deref(), major) {
                None => refused.push(format!("{name} (Prisma {major})")),
                Some(PrismaDrift::UpToDate) => checked += 1,
                Some(other) => drifting.push(format!("{name} (Prisma {major}): {other:?}")),
            }
        }
    }
    eprintln!(
        "check: {checked} up to date, {} refused by prisma-from-sql ({refused:?})",
        refused.len()
    );
    assert!(
        drifting.is_empty(),
        "false drift right after rendering:\n{}",
        drifting.join("\n")
    );
    assert!(checked >= 40, "only {checked} cases checked");
}

/// A copy of the example project (migrations + schemagen.toml + generated schema) to edit.
fn example() -> tempfile::TempDir {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("tempdir");
    let m = tmp.path().join("supabase/migrations");
    std::fs::create_dir_all(&m).expect("mkdir");
    for e in std::fs::read_dir(root.join("examples/supabase/migrations")).expect("example") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, m.join(p.file_name().unwrap())).expect("copy");
    }
    std::fs::create_dir_all(tmp.path().join("prisma")).expect("mkdir");
    std::fs::copy(
        root.join("generated/schema.prisma"),
        tmp.path().join("prisma/schema.prisma"),
    )
    .expect("copy schema");
    tmp
}

fn check(dir: &Path) -> (i32, String, String) {
    let out = Command::cargo_bin("schemagen")
        .expect("binary")
        .current_dir(dir)
        .args(["check", "--quiet"])
        .output()
        .expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn each_kind_of_drift_exits_1_with_its_remedy() {
    let p = example();
    let schema = p.path().join("prisma/schema.prisma");
    let (code, _, err) = check(p.path());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("agrees with"), "{err}");

    // A new migration the schema has not caught up with: both remedies.
    let newer = p.path().join("supabase/migrations/20991231000000_more.sql");
    std::fs::write(
        &newer,
        "create table public.check_drift (id bigint primary key, note text);\n",
    )
    .expect("write");
    let (code, out, err) = check(p.path());
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("+model check_drift {"), "{out}");
    assert!(out.contains("DROP TABLE \"check_drift\""), "{out}");
    assert!(err.contains("schemagen prisma-from-sql"), "{err}");
    assert!(err.contains("--allow-destructive"), "{err}");
    std::fs::remove_file(&newer).expect("rm");

    // An edit of the schema that db pull keeps (a model the database does not have): ahead.
    let original = std::fs::read_to_string(&schema).expect("schema");
    std::fs::write(
        &schema,
        format!("{original}\nmodel CheckNote {{\n  id   Int    @id\n  text String\n\n  @@schema(\"public\")\n}}\n"),
    )
    .expect("write");
    let (code, out, err) = check(p.path());
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("CREATE TABLE \"CheckNote\""), "{out}");
    assert!(err.contains("sql-from-prisma --create-only"), "{err}");

    // A schema that does not parse: bad input, exit 2.
    std::fs::write(&schema, "model {").expect("write");
    let (code, _, err) = check(p.path());
    assert_eq!(code, 2, "{err}");

    // A schema named but missing: drift, exit 1.
    std::fs::remove_file(&schema).expect("rm");
    let out = Command::cargo_bin("schemagen")
        .expect("binary")
        .current_dir(p.path())
        .args(["check", "--schema", "prisma/schema.prisma"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

/// A column `db pull` cannot print exactly (a domain typed column with a default, a domain
/// array printed `Unsupported`) is not drift as rendered, but an edit of it still is.
#[test]
fn an_edit_of_a_column_db_pull_prints_lossily_is_still_a_step() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/app_pg_types");
    let tmp = tempfile::tempdir().expect("tempdir");
    let m = tmp.path().join("migrations");
    std::fs::create_dir_all(&m).expect("mkdir");
    std::fs::copy(
        case.join("migration.sql"),
        m.join("20240101000000_fixture.sql"),
    )
    .expect("copy");
    let drift = render_then_check(&m, tmp.path(), Some(&case.join("input.prisma")), 7);
    assert_eq!(drift, Some(PrismaDrift::UpToDate));
    let schema = tmp.path().join("schema.prisma");
    let text = std::fs::read_to_string(&schema).expect("schema");
    let edited = text.replace(
        "@default(\"ABC\") @db.VarChar(8)",
        "@default(\"XYZ\") @db.VarChar(8)",
    );
    assert_ne!(edited, text, "the fixture's `code` column changed");
    std::fs::write(&schema, edited).expect("write");
    let settings = PrismaFromSql::resolve(Default::default(), Some(m), Some(schema), None, false)
        .expect("settings");
    let checked = pipeline::check_prisma(&settings, &mut Sources::new(), &mut Diagnostics::new())
        .expect("check");
    match checked.drift {
        PrismaDrift::Diverged { sql, .. } | PrismaDrift::Ahead { sql } => {
            assert!(sql.contains("SET DEFAULT 'XYZ'"), "{sql}");
            assert!(
                !sql.contains("SET DATA TYPE"),
                "only the edit is a step: {sql}"
            );
        }
        other => panic!("the edit is not seen: {other:?}"),
    }
}

/// `check --db-url`: a database built by the example's migrations agrees; a change made by hand
/// (a column, an index, a dropped NOT NULL) is drift naming each object and the migration that
/// last touched its table; a history that lacks a file or records one the folder lacks is drift
/// too. Against a real PostgreSQL with the Supabase base schemas.
#[test]
fn a_live_database_is_compared_with_the_migrations() {
    use common::pg::PgCluster;
    let p = example();
    let migrations = p.path().join("supabase/migrations");
    let db = PgCluster::shared().create_supabase_database("check_live");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&migrations)
        .expect("migrations")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    for f in &files {
        db.psql_file(f).expect("apply the example migrations");
    }
    let run = || {
        let out = Command::cargo_bin("schemagen")
            .expect("binary")
            .current_dir(p.path())
            .args(["check", "--db-url", &db.url()])
            .output()
            .expect("run");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, _, err) = run();
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("is what supabase/migrations builds"), "{err}");

    // Changes made outside the migrations.
    let table = {
        let mut c = db.client();
        let row = c
            .query_one(
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname LIMIT 1",
                &[],
            )
            .expect("a table of the example");
        row.get::<_, String>(0)
    };
    db.psql(&format!(
        "ALTER TABLE public.\"{table}\" ADD COLUMN hand_made int; CREATE INDEX hand_made_idx ON public.\"{table}\" (hand_made);"
    ))
    .expect("hand-made change");
    let (code, out, err) = run();
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains(&format!("column public.{table}.hand_made:")),
        "{out}"
    );
    assert!(out.contains("hand_made_idx"), "{out}");
    assert!(
        out.contains("supabase/migrations/"),
        "the migration that last touched it: {out}"
    );
    assert!(
        err.contains("differs from what supabase/migrations builds"),
        "{err}"
    );
    db.psql(&format!(
        "ALTER TABLE public.\"{table}\" DROP COLUMN hand_made;"
    ))
    .expect("undo");
    assert_eq!(run().0, 0);

    // A recorded history: every file but the last applied, and one the folder lacks.
    let versions: Vec<String> = files
        .iter()
        .map(|f| {
            let n = f.file_name().unwrap().to_string_lossy().into_owned();
            n.split('_').next().unwrap().to_string()
        })
        .collect();
    let mut sql = String::from(
        "CREATE SCHEMA supabase_migrations; CREATE TABLE supabase_migrations.schema_migrations (version text PRIMARY KEY, statements text[], name text);",
    );
    for v in &versions[..versions.len() - 1] {
        sql.push_str(&format!(
            "INSERT INTO supabase_migrations.schema_migrations (version) VALUES ('{v}');"
        ));
    }
    db.psql(&sql).expect("history");
    let (code, _, err) = run();
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "has not applied 1 migration(s) of supabase/migrations: {}",
            versions.last().unwrap()
        )),
        "{err}"
    );
    db.psql(&format!(
        "INSERT INTO supabase_migrations.schema_migrations (version) VALUES ('{}'), ('19990101000000');",
        versions.last().unwrap()
    ))
    .expect("history");
    let (code, _, err) = run();
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("records migration(s) supabase/migrations does not have: 19990101000000"),
        "{err}"
    );
    db.psql("DELETE FROM supabase_migrations.schema_migrations WHERE version = '19990101000000';")
        .expect("repair");
    let (code, _, err) = run();
    assert_eq!(code, 0, "{err}");
}

/// An implicit many-to-many join table whose index on `B` the history named as PostgreSQL names
/// it (`create index on "_X"("B")` → `_X_B_idx`, not Prisma's `_X_B_index`): `db pull` prints
/// the same schema (checked with the engine), so it is no drift and no `ALTER INDEX … RENAME`.
#[test]
fn a_join_table_index_named_by_postgres_is_no_drift() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma/m2m");
    let sql = std::fs::read_to_string(case.join("migration.sql")).expect("fixture");
    let renamed = sql.replace(
        "create index \"_Follows_B_index\" on \"_Follows\"(\"B\");",
        "create index on \"_Follows\"(\"B\");",
    );
    assert_ne!(renamed, sql, "the fixture names the index on B");
    let tmp = tempfile::tempdir().expect("tempdir");
    let m = tmp.path().join("migrations");
    std::fs::create_dir_all(&m).expect("mkdir");
    std::fs::write(m.join("20240101000000_fixture.sql"), renamed).expect("write");
    for major in [6, 7] {
        let drift = render_then_check(&m, tmp.path(), Some(&case.join("input.prisma")), major);
        assert_eq!(drift, Some(PrismaDrift::UpToDate), "Prisma {major}");
    }
}
