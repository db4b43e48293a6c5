//! The command line: exit codes, diagnostics on stderr, output on stdout.

use std::path::Path;

use assert_cmd::Command;

fn schemagen() -> Command {
    Command::cargo_bin("schemagen").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn stderr_of(out: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(out.get_output().stderr.clone()).unwrap()
}

#[test]
fn version_and_help() {
    let out = schemagen().arg("--version").assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(
        stdout.trim(),
        format!("schemagen {}", env!("CARGO_PKG_VERSION"))
    );
    let out = schemagen().arg("--help").assert().success();
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    expectorate::assert_contents("tests/fixtures/cli/help.txt", &help);
    let out = schemagen().args(["inspect", "--help"]).assert().success();
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    expectorate::assert_contents("tests/fixtures/cli/inspect-help.txt", &help);
    let out = schemagen()
        .args(["prisma-from-sql", "--help"])
        .assert()
        .success();
    let help = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    expectorate::assert_contents("tests/fixtures/cli/prisma-from-sql-help.txt", &help);
}

#[test]
fn errors_stop_the_run_with_their_location_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "20240101000000_init.sql",
        "create table a (id int primary key);\n\nalter table missing add column x int;\ncreate table a (id int);\n",
    );
    let out = schemagen()
        .args(["inspect", "--migrations"])
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(
        out.get_output().stdout.is_empty(),
        "nothing printed on error"
    );
    assert!(stderr.contains("20240101000000_init.sql:3:1"), "{stderr}");
    assert!(
        stderr.contains("relation \"missing\" does not exist"),
        "{stderr}"
    );
    assert!(stderr.contains("20240101000000_init.sql:4:1"), "{stderr}");
    assert!(stderr.contains("relation \"a\" already exists"), "{stderr}");
    assert!(stderr.contains("2 error(s)"), "{stderr}");

    // --keep-going: the same problems as warnings, and the catalog.
    let out = schemagen()
        .args([
            "inspect",
            "--keep-going",
            "--format",
            "json",
            "--migrations",
        ])
        .arg(dir.path())
        .assert()
        .success();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("warning: relation \"missing\" does not exist"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["schemas"]["public"]["tables"]["a"]["name"], "a");
}

/// `sql-from-prisma` on a history with an error: exit 2, nothing written, and the message
/// offers `--keep-going`, which makes the migration from what replays; `check` (which has no
/// such flag) does not offer it.
#[test]
fn sql_from_prisma_keeps_going_past_history_errors_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let migrations = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&migrations).unwrap();
    std::fs::create_dir_all(dir.path().join("prisma")).unwrap();
    write(
        &migrations,
        "20240101000000_init.sql",
        "create table a (id int primary key);\nalter table missing add column x int;\n",
    );
    write(
        &dir.path().join("prisma"),
        "schema.prisma",
        "datasource db {\n  provider = \"postgresql\"\n}\n\nmodel a {\n  id Int @id\n}\n\nmodel b {\n  id Int @id\n}\n",
    );
    let out = schemagen()
        .current_dir(dir.path())
        .args(["sql-from-prisma", "--create-only", "--name", "add b"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("20240101000000_init.sql:2:1"), "{stderr}");
    assert!(
        stderr.contains("nothing was written (use --keep-going"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&migrations).unwrap().count(), 1);

    let out = schemagen()
        .current_dir(dir.path())
        .args([
            "sql-from-prisma",
            "--create-only",
            "--keep-going",
            "--name",
            "add b",
        ])
        .assert()
        .success();
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("warning: relation \"missing\" does not exist"),
        "{stderr}"
    );
    let written: Vec<_> = std::fs::read_dir(&migrations)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("_add_b.sql"))
        .collect();
    assert_eq!(written.len(), 1, "{stderr}");
    let sql = std::fs::read_to_string(migrations.join(&written[0])).unwrap();
    assert!(sql.contains("CREATE TABLE \"b\""), "{sql}");
    assert!(!sql.contains("CREATE TABLE \"a\""), "{sql}");

    let out = schemagen()
        .current_dir(dir.path())
        .args(["check"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("error(s)"), "{stderr}");
    assert!(!stderr.contains("--keep-going"), "{stderr}");
}

#[test]
fn files_the_supabase_cli_skips_are_reported_and_duplicate_versions_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "20240101000000_a.sql",
        "create table a (id int);\n",
    );
    write(
        dir.path(),
        "20240101000000_b.sql",
        "create table b (id int);\n",
    );
    write(dir.path(), "notes.sql", "create table c (id int);\n");
    let out = schemagen()
        .args(["inspect", "--migrations"])
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("notes.sql: skipped"), "{stderr}");
    assert!(
        stderr.contains("have the same version 20240101000000"),
        "{stderr}"
    );
}

#[test]
fn unreadable_folder_is_a_clear_error() {
    let out = schemagen()
        .args(["inspect", "--migrations", "/nonexistent/migrations"])
        .assert()
        .code(2);
    let stderr = stderr_of(&out);
    assert!(stderr.contains("/nonexistent/migrations"), "{stderr}");
}

#[test]
fn example_project_replays_cleanly() {
    let out = schemagen()
        .args([
            "inspect",
            "--stats",
            "--migrations",
            "examples/supabase/migrations",
        ])
        .assert()
        .success();
    let stderr = stderr_of(&out);
    assert!(stderr.contains("0 not understood, 0 error(s)"), "{stderr}");
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for t in [
        "users",
        "sessions",
        "events",
        "patterns",
        "relationships",
        "subscriptions",
        "privacy_prefs",
        "organizations",
        "workflows",
    ] {
        assert!(
            stdout.contains(&format!("  table {t}")),
            "{t} missing:\n{stdout}"
        );
    }
}

/// Files that cannot be migrations: an error naming the file (and line:col where there is
/// one), exit 2, no hang; a byte order mark at the start is not part of the text.
#[test]
fn unreadable_migrations_are_errors_at_their_place() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "nul",
            b"create table x (a int);\ncreate table y (b\0 int);\n".to_vec(),
            "20240101000000_a.sql:2:18: a NUL byte",
        ),
        (
            "utf8",
            b"create table x (a int);\ncomment on table x is '\xff';\n".to_vec(),
            "20240101000000_a.sql:2:24: not valid UTF-8 (byte 0xff)",
        ),
    ];
    for (name, bytes, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("20240101000000_a.sql"), bytes).unwrap();
        let out = schemagen()
            .args(["inspect", "--migrations"])
            .arg(dir.path())
            .assert()
            .code(2);
        let stderr = stderr_of(&out);
        assert!(stderr.contains(expected), "{name}: {stderr}");
    }

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("20240101000000_a.sql"),
        b"\xef\xbb\xbfcreate table x (a int);\n",
    )
    .unwrap();
    let out = schemagen()
        .args(["inspect", "--migrations"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("table x"), "{stdout}");

    #[cfg(unix)]
    {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("20240101000000_a.sql")).unwrap();
        let fifo = dir.path().join("20240102000000_b.sql");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let out = schemagen()
            .args(["inspect", "--migrations"])
            .arg(dir.path())
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(2);
        let stderr = stderr_of(&out);
        assert!(
            stderr.contains("20240101000000_a.sql: not a regular file (a character device)"),
            "{stderr}"
        );
        assert!(
            stderr.contains("20240102000000_b.sql: not a regular file (a FIFO)"),
            "{stderr}"
        );
    }
}

/// `sql-from-prisma --from-prisma-migrations`: a statement that conflicts with the history is an
/// error at `migration.sql:line:col` and nothing is written; `--idempotent` writes the file with
/// that statement guarded; a second run converts nothing.
#[test]
fn prisma_migration_folders_convert_and_conflicts_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    let folder = dir.path().join("prisma/migrations/20990101000000_add_post");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::create_dir_all(&folder).unwrap();
    write(
        &mig,
        "20240101000000_init.sql",
        "create table \"User\" (id serial primary key);\n",
    );
    write(
        &folder,
        "migration.sql",
        "-- CreateTable\nCREATE TABLE \"User\" (\n    \"id\" SERIAL NOT NULL\n);\n\n-- CreateTable\nCREATE TABLE \"Post\" (\n    \"id\" SERIAL NOT NULL\n);\n",
    );
    write(
        &dir.path().join("prisma/migrations"),
        "migration_lock.toml",
        "provider = \"postgresql\"\n",
    );
    let run = |idempotent: bool| {
        let mut c = schemagen();
        c.current_dir(dir.path()).args([
            "sql-from-prisma",
            "--from-prisma-migrations",
            "prisma/migrations",
        ]);
        if idempotent {
            c.arg("--idempotent");
        }
        let o = c.output().unwrap();
        (o.status.code(), String::from_utf8(o.stderr).unwrap())
    };
    let (code, err) = run(false);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("prisma/migrations/20990101000000_add_post/migration.sql:2:1")
            && err.contains("relation \"User\" already exists")
            && err.contains("--idempotent"),
        "{err}"
    );
    assert_eq!(std::fs::read_dir(&mig).unwrap().count(), 1);
    let (code, err) = run(true);
    assert_eq!(code, Some(0), "{err}");
    let text = std::fs::read_to_string(mig.join("20990101000000_add_post.sql")).unwrap();
    assert!(
        text.contains("CREATE TABLE IF NOT EXISTS \"User\""),
        "{text}"
    );
    assert!(text.contains("\nCREATE TABLE \"Post\""), "{text}");
    let (code, err) = run(true);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("0 Prisma migration(s) converted, 1 skipped"),
        "{err}"
    );
}
