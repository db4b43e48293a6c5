//! What a new user runs into (issue 9 §2, §3, §6): a schema is never rewritten from nothing,
//! Prisma 5/6 projects keep their datasource, the command line behaves as CLI users expect.
//! Every refused run leaves the files byte-identical.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;

use assert_cmd::Command;

fn schemagen(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("schemagen").unwrap();
    c.current_dir(dir);
    c
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A project folder (a repository root: it has `.git`) with a hand-made schema of two models.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(&dir.path().join("prisma/schema.prisma"), SCHEMA);
    std::fs::create_dir_all(dir.path().join("supabase/migrations")).unwrap();
    dir
}

const SCHEMA: &str = "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider  = \"postgresql\"\n  url       = env(\"DATABASE_URL\")\n  directUrl = env(\"DIRECT_URL\")\n}\n\nmodel a {\n  id Int @id\n}\n\nmodel b {\n  id Int @id\n}\n";

fn run(c: &mut Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

/// Runs `args` in `dir`, expecting exit 2, an error containing each of `wanted`, and every file
/// byte-identical afterwards; with and without --check.
fn refused(dir: &Path, args: &[&str], wanted: &[&str]) {
    for check in [false, true] {
        let before = snapshot(dir);
        let mut c = schemagen(dir);
        c.args(args);
        if check {
            c.arg("--check");
        }
        let (code, stdout, stderr) = run(&mut c);
        assert_eq!(code, 2, "{args:?} check={check}: {stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        for w in wanted {
            assert!(stderr.contains(w), "{args:?}: {w:?} not in:\n{stderr}");
        }
        assert_eq!(snapshot(dir), before, "{args:?}: files changed");
    }
}

#[test]
fn a_schema_is_never_rewritten_from_nothing() {
    let p = project();
    let dir = p.path();
    refused(
        dir,
        &["prisma-from-sql"],
        &[
            "supabase/migrations: no migration files",
            "nothing was written",
        ],
    );
    refused(
        dir,
        &["prisma-from-sql", "--migrations", "db/migrations"],
        &["db/migrations: the migrations folder does not exist"],
    );
    refused(
        dir,
        &["prisma-from-sql", "--migrations", "prisma/schema.prisma"],
        &["prisma/schema.prisma: is a file, not a folder"],
    );
    // Migrations that only change data or make objects db pull does not render.
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "create function f() returns int language sql as 'select 1';\ncreate view v as select 1 as x;\n",
    );
    refused(
        dir,
        &["prisma-from-sql"],
        &[
            "The introspected database was empty (P4001",
            "leave no table or enum in schema(s) \"public\"",
        ],
    );
    // Tables only in a schema the datasource does not list: the exact line to add.
    write(
        &dir.join("supabase/migrations/20240102000000_app.sql"),
        "create schema app;\ncreate table app.t (id int primary key);\ncreate schema pgflow;\ncreate type pgflow.s as enum ('a');\n",
    );
    refused(
        dir,
        &["prisma-from-sql"],
        &[
            "The tables are in schema(s) \"app\", \"pgflow\", which datasource db does not list",
            "\n  schemas = [\"app\", \"pgflow\", \"public\"]\n",
        ],
    );
    // With the line added, the run goes on.
    let listed = SCHEMA.replace(
        "  directUrl = env(\"DIRECT_URL\")\n",
        "  directUrl = env(\"DIRECT_URL\")\n  schemas   = [\"app\", \"pgflow\", \"public\"]\n",
    );
    write(&dir.join("prisma/schema.prisma"), &listed);
    let (code, _, stderr) = run(schemagen(dir).arg("prisma-from-sql"));
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(dir.join("prisma/schema.prisma")).unwrap();
    assert!(text.contains("model t {"), "{text}");
    assert!(text.contains("enum s {"), "{text}");
}

#[test]
fn inspect_reads_the_config_of_a_parent_folder_and_never_says_nothing_was_written() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("schemagen.toml"),
        "migrations = \"db/migrations\"\n",
    );
    write(
        &dir.join("db/migrations/20240101000000_init.sql"),
        "create table from_config (id int primary key);\n",
    );
    std::fs::create_dir_all(dir.join("apps/web")).unwrap();
    let (code, stdout, stderr) = run(schemagen(&dir.join("apps/web")).arg("inspect"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("table from_config"), "{stdout}");
    // --config names another file.
    write(
        &dir.join("other.toml"),
        "migrations = \"supabase/migrations\"\n",
    );
    write(
        &dir.join("supabase/migrations/20240101000000_x.sql"),
        "alter table missing add column x int;\n",
    );
    let (code, stdout, stderr) = run(schemagen(dir).args(["inspect", "--config", "other.toml"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("relation \"missing\" does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("nothing was written"), "{stderr}");
    // Not past the repository root: a schemagen.toml above .git is not read.
    let inner = dir.join("apps/web");
    std::fs::create_dir(inner.join(".git")).unwrap();
    let (code, _, stderr) = run(schemagen(&inner).arg("inspect"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("supabase/migrations: the migrations folder does not exist"),
        "{stderr}"
    );
}

#[test]
fn exit_codes_usage_errors_and_help() {
    let p = project();
    let dir = p.path();
    for args in [
        &["bogus"][..],
        &["prisma-from-sql", "--bogus"],
        &["prisma-from-sql", "--naming", "camel"],
        &["prisma-from-sql", "--prisma-version", "4"],
        &["inspect", "--format", "yaml"],
        &[],
    ] {
        let before = snapshot(dir);
        let (code, _, stderr) = run(schemagen(dir).args(args));
        assert_eq!(code, 64, "{args:?}: {stderr}");
        assert!(
            stderr.contains("Usage: schemagen") || stderr.contains("try '--help'"),
            "{stderr}"
        );
        assert_eq!(snapshot(dir), before);
    }
    for args in [
        &["--help"][..],
        &["inspect", "--help"],
        &["prisma-from-sql", "--help"],
    ] {
        let (code, stdout, _) = run(schemagen(dir).args(args));
        assert_eq!(code, 0);
        for line in [
            "Exit codes:",
            "  0   done",
            "  1   out of date (--check)",
            "  2   bad input",
            "  64  bad usage",
        ] {
            assert!(stdout.contains(line), "{args:?}: {line:?} not in\n{stdout}");
        }
    }
}

#[test]
fn check_names_the_command_and_a_missing_file() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "create table a (id int primary key);\n",
    );
    std::fs::remove_file(dir.join("prisma/schema.prisma")).unwrap();
    let args = [
        "prisma-from-sql",
        "--check",
        "--naming",
        "pascal",
        "--schema",
        "db/my schema.prisma",
    ];
    let (code, stdout, stderr) = run(schemagen(dir).args(args));
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("+model A {"), "{stdout}");
    assert!(
        stderr.contains(
            "db/my schema.prisma does not exist: run `schemagen prisma-from-sql --naming pascal --schema 'db/my schema.prisma'` to write it"
        ),
        "{stderr}"
    );
    assert!(!dir.join("db").exists(), "--check writes nothing");
    // The suggested command does it.
    let (code, _, stderr) = run(schemagen(dir).args(args.iter().filter(|a| **a != "--check")));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("db/my schema.prisma written: 1 models, views and enums"),
        "{stderr}"
    );
    let (code, _, stderr) = run(schemagen(dir).args(args));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("db/my schema.prisma is up to date: 1 models"),
        "{stderr}"
    );
    // An existing file that differs is "out of date".
    write(
        &dir.join("supabase/migrations/20240102000000_b.sql"),
        "create table b (id int primary key);\n",
    );
    let (code, _, stderr) = run(schemagen(dir).args(args));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "db/my schema.prisma is out of date: run `schemagen prisma-from-sql --naming pascal"
        ),
        "{stderr}"
    );
}

#[test]
fn quiet_hides_warnings_repeated_ones_print_once_and_a_summary_ends_the_run() {
    let p = project();
    let dir = p.path();
    let mut sql = String::new();
    for i in 0..24 {
        sql.push_str(&format!(
            "create table t{i:02} (id uuid primary key references auth.users);\n"
        ));
    }
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        &sql,
    );
    let (code, _, stderr) = run(schemagen(dir).args(["prisma-from-sql", "--prisma-version", "7"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr.matches("into schema \"auth\"").count(),
        1,
        "the auth hint is printed once:\n{stderr}"
    );
    assert!(
        stderr.contains("24 foreign keys point into schema \"auth\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("  - `public.t23` -> `auth.users` (t23_id_fkey)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("schemas = [\"auth\", \"public\"]"),
        "{stderr}"
    );
    let last = stderr.lines().last().unwrap();
    assert_eq!(
        last,
        "prisma/schema.prisma written: 24 models, views and enums as Prisma 7's db pull writes them; 3 warning(s)"
    );
    let (code, _, stderr) =
        run(schemagen(dir).args(["prisma-from-sql", "-q", "--prisma-version", "7"]));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stderr,
        "prisma/schema.prisma is up to date, not touched: 24 models, views and enums as Prisma 7's db pull writes them; 1 warning(s) (hidden by --quiet)\n"
    );
}

/// `prisma-from-sql --check` for Prisma 7, quiet: exit 0 when the schema is up to date.
const CHECK_7: [&str; 5] = [
    "prisma-from-sql",
    "--check",
    "--quiet",
    "--prisma-version",
    "7",
];

/// Found by fuzzing (scripts/fuzz.sh sql_replay): relation fields pointing at a table whose
/// name sanitises to nothing have no type (`? @relation(…)`) and, named after it, a leading `_`
/// (`_c_aTo ? @relation(…)`), as Prisma's engine writes them
/// (tests/fixtures/prisma/names_nameless_one); schemagen could not read that back. Each run
/// now reads the previous one's output, and the output settles.
#[test]
fn fuzz_found_relations_to_nameless_models_read_back() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "create table \"ä\" (id int primary key);\n\
         create table \"my-table\" (id int references \"ä\"(id));\n\
         create table c (id int primary key, a int references \"ä\"(id), b int unique references \"ä\"(id));\n",
    );
    let args = ["prisma-from-sql", "--quiet", "--prisma-version", "7"];
    let (code, _, err) = run(schemagen(dir).args(args));
    assert_eq!(code, 0, "{err}");
    let first = std::fs::read_to_string(dir.join("prisma/schema.prisma")).unwrap();
    assert!(first.contains("\n  ? @relation(fields: [id]"), "{first}");
    assert!(
        first.contains("\n  _c_aTo ? @relation(\"c_aTo\""),
        "{first}"
    );
    let (code, _, err) = run(schemagen(dir).args(args));
    assert_eq!(
        code, 0,
        "the second run reads the first one's output:\n{err}"
    );
    let (code, _, err) = run(schemagen(dir).args(CHECK_7));
    assert_eq!(code, 0, "the output settles:\n{err}");
}

/// Found by fuzzing (scripts/fuzz.sh sql_replay): an enum label with a quote or a bracket in an
/// array default is written as it is (`@default([red"])`, as `db pull` writes labels), and the
/// next run could not read it back. PostgreSQL accepts the history.
#[test]
fn fuzz_found_enum_array_labels_with_quotes_and_brackets_read_back() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "create type e as enum ('red\"', 'x)', 'ok');\n\
         create table t (id int primary key, c e[] default '{\"red\\\"\",ok}'::e[], d e[] default '{\"x)\"}'::e[]);\n",
    );
    let args = ["prisma-from-sql", "--quiet", "--prisma-version", "7"];
    let (code, _, err) = run(schemagen(dir).args(args));
    assert_eq!(code, 0, "{err}");
    let first = std::fs::read_to_string(dir.join("prisma/schema.prisma")).unwrap();
    assert!(first.contains("@default([red\", ok])"), "{first}");
    let (code, _, err) = run(schemagen(dir).args(CHECK_7));
    assert_eq!(
        code, 0,
        "the next run reads it and finds it up to date:\n{err}"
    );
}

/// `--keep-going --quiet`: the errors let through are still shown (they are why the schema may
/// lack a table), and the summary counts them apart from the warnings, replay warnings included.
#[test]
fn keep_going_with_quiet_still_shows_the_errors_it_passed_over_and_counts_them() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "create table a (id int primary key);\nalter table nope add column x int;\n\
         create table b (id int primary key);\ncreate unlogged table c (id int primary key);\n",
    );
    let (code, _, stderr) = run(schemagen(dir).args([
        "prisma-from-sql",
        "--keep-going",
        "--quiet",
        "--prisma-version",
        "6",
    ]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("relation \"nope\" does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("20240101000000_init.sql:2:1"),
        "the passed-over error names its place:\n{stderr}"
    );
    let last = stderr.lines().last().unwrap();
    assert!(
        last.ends_with(
            "; 1 error(s) passed over by --keep-going (what those statements make may be missing)"
        ),
        "{stderr}"
    );
    // Without --keep-going the same history is refused and nothing is written.
    refused(
        dir,
        &["prisma-from-sql"],
        &["relation \"nope\" does not exist"],
    );
}

#[cfg(unix)]
#[test]
fn new_files_get_0666_minus_the_umask_and_no_temporary_file_is_left() {
    use std::os::unix::fs::PermissionsExt;
    let p = project();
    let dir = p.path();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "create table a (id int primary key);\n",
    );
    std::fs::remove_file(dir.join("prisma/schema.prisma")).unwrap();
    // What a shell gives a new file with umask 027 / 002.
    for (umask, mode) in [("027", 0o640), ("002", 0o664)] {
        let _ = std::fs::remove_file(dir.join("prisma/schema.prisma"));
        let status = StdCommand::new("sh")
            .current_dir(dir)
            .arg("-c")
            .arg(format!("umask {umask} && exec \"$0\" prisma-from-sql"))
            .arg(assert_cmd::cargo::cargo_bin("schemagen"))
            .output()
            .unwrap();
        assert!(status.status.success());
        let m = std::fs::metadata(dir.join("prisma/schema.prisma"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(m & 0o777, mode, "umask {umask}");
    }
    // A write that fails (the schema's folder is read-only... as a file in its way) leaves nothing.
    std::fs::remove_dir_all(dir.join("prisma")).unwrap();
    std::fs::create_dir_all(dir.join("prisma/schema.prisma")).unwrap();
    let (code, _, stderr) = run(schemagen(dir).arg("prisma-from-sql"));
    assert_eq!(code, 2, "{stderr}");
    let leftovers: Vec<_> = snapshot(dir)
        .into_iter()
        .filter(|(p, _)| p.to_string_lossy().contains(".schemagen-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A Prisma 6 project (package.json): the datasource keeps what Prisma 6's db pull keeps, the
/// output is what Prisma 6.19's engine writes for the same database, and its validator accepts it.
#[test]
fn prisma_6_projects_keep_their_datasource_as_prisma_6_db_pull_does() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("package.json"),
        r#"{"dependencies": {"@prisma/client": "^6.19.0"}, "devDependencies": {"prisma": "^6.19.0"}}"#,
    );
    let previous = "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider          = \"postgresql\"\n  url               = env(\"DATABASE_URL\")\n  directUrl         = env(\"DIRECT_URL\")\n  shadowDatabaseUrl = env(\"SHADOW_DATABASE_URL\")\n}\n";
    write(&dir.join("prisma/schema.prisma"), previous);
    let sql = "create type mood as enum ('happy', 'sad');\n\
               create table users (id bigint generated always as identity primary key, email text not null unique, m mood);\n\
               create table posts (id serial primary key, author bigint not null references users(id) on delete cascade, title text, published boolean default false);\n\
               create index posts_published on posts (title) where published;\n\
               create unique index users_lower_email on users (lower(email));\n\
               create index posts_author_lower_title on posts (author, lower(title)) where published;\n\
               create unique index users_lower_email_mood on users (lower(email)) where m is not null;\n";
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        sql,
    );
    let (code, _, stderr) = run(schemagen(dir).arg("prisma-from-sql"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("as Prisma 6's db pull writes them (from ")
            && stderr.contains("package.json)"),
        "{stderr}"
    );
    assert!(!stderr.contains("is not written"), "{stderr}");
    let ours = std::fs::read_to_string(dir.join("prisma/schema.prisma")).unwrap();
    assert!(ours.contains("  url               = env(\"DATABASE_URL\")\n  directUrl         = env(\"DIRECT_URL\")\n  shadowDatabaseUrl = env(\"SHADOW_DATABASE_URL\")\n"), "{ours}");

    // Prisma 6.19's own db pull of the same database, from the same previous schema.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("oracle/node_modules/schema-engine-wasm-6")
            .exists(),
        "oracle/node_modules is missing Prisma 6's engine: run `npm ci --prefix oracle`"
    );
    let cluster = common::pg::PgCluster::shared();
    let db = cluster.create_supabase_database("prisma6");
    db.psql(sql).unwrap();
    let input = dir.join("input.prisma");
    write(&input, previous);
    let out = StdCommand::new("node")
        .env("ORACLE_PRISMA", "6")
        .arg(root.join("oracle/introspect.mjs"))
        .arg("--url")
        .arg(db.url())
        .arg("--schema")
        .arg(&input)
        .output()
        .expect("node (Node.js >= 20) runs the oracle");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let engine = String::from_utf8(out.stdout).unwrap();
    assert_eq!(ours, engine, "schemagen vs Prisma 6.19's db pull");

    // Prisma 6's validator and formatter accept it as it is.
    let out = StdCommand::new("node")
        .env("ORACLE_PRISMA", "6")
        .arg(root.join("oracle/validate.mjs"))
        .arg(dir.join("prisma/schema.prisma"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");

    // A fresh Prisma 6 schema: prisma-client-js and a url, as `prisma init` + `db pull` write.
    std::fs::remove_file(dir.join("prisma/schema.prisma")).unwrap();
    let (code, _, stderr) = run(schemagen(dir).arg("prisma-from-sql"));
    assert_eq!(code, 0, "{stderr}");
    let fresh = std::fs::read_to_string(dir.join("prisma/schema.prisma")).unwrap();
    assert!(fresh.starts_with("generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n"), "{fresh}");
    let out = StdCommand::new("node")
        .env("ORACLE_PRISMA", "6")
        .arg(root.join("oracle/validate.mjs"))
        .arg(dir.join("prisma/schema.prisma"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_schema_is_found_where_prisma_finds_it() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "create table a (id int primary key);\n",
    );
    std::fs::remove_dir_all(dir.join("prisma")).unwrap();
    write(
        &dir.join("prisma.config.ts"),
        "import { defineConfig } from 'prisma/config'\nexport default defineConfig({\n  schema: 'db/schema.prisma',\n})\n",
    );
    write(&dir.join("db/schema.prisma"), SCHEMA);
    let (code, _, stderr) = run(schemagen(dir).args(["prisma-from-sql", "--prisma-version", "6"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("db/schema.prisma written: 1 models"),
        "{stderr}"
    );
    assert!(!dir.join("prisma").exists());
    let text = std::fs::read_to_string(dir.join("db/schema.prisma")).unwrap();
    assert!(text.contains("url       = env(\"DATABASE_URL\")"), "{text}");
}

/// Found by fuzzing (`scripts/fuzz.sh sql_replay`): `db pull` writes what it cannot make a
/// valid name as it is (checked with the engine): an enum label in an array default
/// (`@default([a b])`), and one block, field or enum value per database name even when several
/// sanitise to the same Prisma name (`model public_my_table` twice, `ok` and `ok @map("_ok")`).
/// schemagen writes the same, and must read it back on the next run: the second run is a no-op.
#[test]
fn fuzz_found_names_that_sanitise_alike_and_labels_in_array_defaults_read_back() {
    let dir = project();
    write(
        &dir.path().join("prisma/schema.prisma"),
        "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n",
    );
    write(
        &dir.path()
            .join("supabase/migrations/20240101000000_names.sql"),
        "create type e as enum ('ok', '_ok', 'a-b', 'a_b', 'a b');\n\
         create table \"my-table\" (id int primary key, \"a-b\" int, \"a_b\" int,\n\
           v e[] default array['a b', '_ok']::e[]);\n\
         create table my_table (id int primary key);\n",
    );
    let (code, _, err) = run(schemagen(dir.path()).args(["prisma-from-sql", "--quiet"]));
    assert_eq!(code, 0, "{err}");
    let first = std::fs::read_to_string(dir.path().join("prisma/schema.prisma")).unwrap();
    for line in [
        "@default([a b, _ok])",
        "  ok  @map(\"_ok\")",
        "  a_b Int? @map(\"a-b\")",
        "  @@map(\"my_table\")",
    ] {
        assert!(first.contains(line), "{line:?} not in:\n{first}");
    }
    assert_eq!(
        first.matches("model public_my_table {").count(),
        2,
        "{first}"
    );
    let (code, _, err) = run(schemagen(dir.path()).args(["prisma-from-sql", "--check", "--quiet"]));
    assert_eq!(
        code, 0,
        "the second run reads the first one's output:\n{err}"
    );
}

/// Found by fuzzing: a built-in called with fewer arguments than it takes
/// (`array_length(names)`) indexed past its arguments; the panic was caught and the run went on
/// with a warning. PostgreSQL refuses the call ("function array_length(text[]) does not exist"):
/// so does replay, at the call, and nothing is written. Every built-in's arity is checked the
/// same way (see the unit test `every_builtin_takes_every_argument_count_it_allows`).
#[test]
fn fuzz_found_builtin_called_with_too_few_arguments_is_refused_as_postgresql_does() {
    let dir = project();
    write(
        &dir.path().join("prisma/schema.prisma"),
        "generator client {\n  provider = \"prisma-client\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n",
    );
    let before = std::fs::read_to_string(dir.path().join("prisma/schema.prisma")).unwrap();
    write(
        &dir.path().join("supabase/migrations/20240101000000_arity.sql"),
        "create table t (id int primary key);\n\
         DO $$\nDECLARE names text[] := ARRAY['a'];\nBEGIN\n  IF array_length(names) = 1 THEN\n    CREATE TABLE x (id int);\n  END IF;\nEND $$;\n",
    );
    let (code, _, err) = run(schemagen(dir.path()).arg("prisma-from-sql"));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("function array_length() with 1 argument does not exist"),
        "{err}"
    );
    assert!(err.contains("20240101000000_arity.sql:5:6"), "{err}");
    assert!(
        !err.contains("internal error") && !err.contains("panicked"),
        "{err}"
    );
    let after = std::fs::read_to_string(dir.path().join("prisma/schema.prisma")).unwrap();
    assert_eq!(before, after);
}

/// A file that opens a transaction block and never ends it: `supabase migration up` (2.117.0,
/// measured) reports success, then runs every later file inside the open block and rolls them
/// all back with their history rows. The replay warns at the BEGIN, in the file that left it
/// open, whether or not another file follows; a block that is ended draws no warning.
#[test]
fn a_transaction_block_left_open_is_named_at_its_begin() {
    let p = project();
    let dir = p.path();
    write(
        &dir.join("supabase/migrations/20240101000000_init.sql"),
        "begin;\ncreate table a (id int primary key);\ncommit;\n",
    );
    write(
        &dir.join("supabase/migrations/20240102000000_open.sql"),
        "create table b (id int primary key);\n  begin;\ncreate table c (id int primary key);\n",
    );
    let (code, _, stderr) = run(schemagen(dir).args(["inspect"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("20240102000000_open.sql:2:3")
            && stderr.contains("this transaction block is never ended"),
        "{stderr}"
    );
    assert!(!stderr.contains("20240101000000_init.sql:1:1"), "{stderr}");
    assert_eq!(stderr.matches("never ended").count(), 1, "{stderr}");
    // Followed by another file, the warning still names the file that left the block open.
    write(
        &dir.join("supabase/migrations/20240103000000_next.sql"),
        "create table d (id int primary key);\n",
    );
    let (code, _, stderr) = run(schemagen(dir).args(["inspect"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("20240102000000_open.sql:2:3"), "{stderr}");
    assert_eq!(stderr.matches("never ended").count(), 1, "{stderr}");
    // A block ended by ROLLBACK (which restores what the replay kept at BEGIN) is ended, and
    // what it made is gone.
    write(
        &dir.join("supabase/migrations/20240102000000_open.sql"),
        "begin;
create table b (id int primary key);
savepoint s;
create table c (id int);
         rollback to savepoint s;
rollback;
",
    );
    let (code, stdout, stderr) = run(schemagen(dir).args(["inspect"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("never ended"), "{stderr}");
    assert!(
        stdout.contains("table a") && stdout.contains("table d") && !stdout.contains("table b"),
        "{stdout}"
    );
}
