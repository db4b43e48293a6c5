//! Nesting deeper than PostgreSQL or Prisma allow (issue 9 §4): a diagnostic with
//! file:line:col and exit 2, nothing written, never a stack overflow or unbounded memory.
//! The inputs are generated here; one level less than each limit is accepted.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

const SCHEMA: &str = "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n\nmodel a {\n  id Int @id\n}\n";

/// A project (a repository root) whose history creates table `a`, with `deep` as a second
/// migration and `schema` as its schema.prisma.
fn project(deep: &str, schema: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("prisma")).unwrap();
    std::fs::create_dir_all(root.join("supabase/migrations")).unwrap();
    std::fs::write(root.join("prisma/schema.prisma"), schema).unwrap();
    std::fs::write(
        root.join("supabase/migrations/0001_a.sql"),
        "create table a (id int primary key);\n",
    )
    .unwrap();
    std::fs::write(root.join("supabase/migrations/0002_deep.sql"), deep).unwrap();
    dir
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

/// Runs `prisma-from-sql`; returns the exit code and stderr, checking that a refused run
/// (exit 2) wrote nothing and printed nothing on stdout.
fn run(dir: &Path) -> (i32, String) {
    let before = snapshot(dir);
    let out = Command::cargo_bin("schemagen")
        .unwrap()
        .current_dir(dir)
        .arg("prisma-from-sql")
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("overflow") && !stderr.contains("panicked"),
        "{stderr}"
    );
    if code == 2 {
        assert!(out.stdout.is_empty());
        assert_eq!(snapshot(dir), before, "a refused run changed files");
    }
    (code, stderr)
}

fn refused(dir: &Path, wanted: &[&str]) {
    let (code, stderr) = run(dir);
    assert_eq!(code, 2, "{}", &stderr[..stderr.len().min(2000)]);
    for w in wanted {
        assert!(
            stderr.contains(w),
            "{w:?} not in:\n{}",
            &stderr[..stderr.len().min(2000)]
        );
    }
}

fn accepted(dir: &Path) {
    let (code, stderr) = run(dir);
    assert_eq!(code, 0, "{}", &stderr[..stderr.len().min(2000)]);
}

fn nested_begin(n: usize) -> String {
    format!(
        "do $$\n{}null;\n{}$$;\n",
        "begin\n".repeat(n),
        "end;\n".repeat(n)
    )
}

fn nested_if(n: usize) -> String {
    format!(
        "do $$\nbegin\n{}null;\n{}end $$;\n",
        "if true then\n".repeat(n),
        "end if;\n".repeat(n)
    )
}

/// `DO` → `EXECUTE $eN$ DO $dN$ … $dN$ $eN$` nested `n` deep; `pad` spaces in each level.
fn nested_execute(n: usize, pad: usize) -> String {
    let mut inner = "null;".to_string();
    let pad = " ".repeat(pad);
    for i in 0..n {
        inner = format!("begin execute $e{i}$ do $d{i}${pad} begin {inner} end $d{i}$ $e{i}$; end");
    }
    format!("do $$ {inner} $$;\n")
}

#[test]
fn nested_plpgsql_blocks_are_a_syntax_error_beyond_postgres_limit() {
    // The limit is 3,300 levels: the error is at the statement opening level 3,301 (its line is
    // 3,302 for BEGIN, after `do $$`; for IF the DO block's own BEGIN is level 1).
    let wanted = [
        "statements nested more than 3300 levels deep",
        "supabase/migrations/0002_deep.sql:3302:1",
    ];
    refused(project(&nested_begin(11_600), SCHEMA).path(), &wanted);
    refused(project(&nested_if(15_300), SCHEMA).path(), &wanted);
    accepted(project(&nested_begin(3_300), SCHEMA).path());
    accepted(project(&nested_if(3_299), SCHEMA).path());
}

#[test]
fn do_inside_execute_nests_to_postgres_limit_in_bounded_memory() {
    // 412 levels overflowed the stack once; PostgreSQL runs them.
    accepted(project(&nested_execute(412, 0), SCHEMA).path());
    refused(
        project(&nested_execute(801, 0), SCHEMA).path(),
        &[
            "stack depth limit exceeded: DO blocks run inside EXECUTE more than 800 levels deep",
            "supabase/migrations/0002_deep.sql:1:13",
        ],
    );
    // Each level holds its own copy of the text: long levels hit the memory bound first.
    refused(
        project(&nested_execute(200, 4_000), SCHEMA).path(),
        &[
            "out of memory: DO blocks run inside EXECUTE hold more than 32 MiB of text together",
            "supabase/migrations/0002_deep.sql:1:13",
        ],
    );
    // No run above used more than 1 GiB (the largest child's peak resident set).
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes the struct it is given.
    #[allow(unsafe_code)]
    let usage = unsafe {
        assert_eq!(
            libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()),
            0
        );
        usage.assume_init()
    };
    let kib = usage.ru_maxrss;
    assert!(kib < 1 << 20, "a child used {kib} KiB");
}

fn with_default(value: &str) -> String {
    SCHEMA.replace(
        "  id Int @id\n",
        &format!("  id Int @id\n  x  Int @default({value})\n"),
    )
}

#[test]
fn nested_prisma_values_are_an_error_with_line_and_column() {
    let n = 37_400;
    // `  x  Int @default(` is 18 characters: the 257th opening is column 18 + 257.
    refused(
        project(
            "",
            &with_default(&format!("{}{}", "[".repeat(n), "]".repeat(n))),
        )
        .path(),
        &["prisma/schema.prisma:11:275: error: values nested more than 256 levels deep"],
    );
    refused(
        project(
            "",
            &with_default(&format!("{}{}", "f(".repeat(n), ")".repeat(n))),
        )
        .path(),
        &["prisma/schema.prisma:11:531: error: values nested more than 256 levels deep"],
    );
    // Unclosed: the same error, not a walk to the end of the file.
    refused(
        project("", &with_default(&"[".repeat(n))).path(),
        &["prisma/schema.prisma:11:275: error: values nested more than 256 levels deep"],
    );
    accepted(
        project(
            "",
            &with_default(&format!("{}{}", "[".repeat(256), "]".repeat(256))),
        )
        .path(),
    );
}

/// Found by `scripts/fuzz.sh sql_replay` (a timeout: 200 s, 1 GB): `EXIT WHEN -k > 6` never
/// ends a loop that creates a table every other iteration. The block stops after
/// `STATEMENT_LIMIT` statements with a warning; the file's other errors still name their lines.
#[test]
fn fuzz_endless_loop_creating_tables_stops_with_a_warning() {
    let text =
        std::fs::read_to_string("tests/fixtures/fuzz/sql_replay-timeout-endless-loop.sql").unwrap();
    refused(
        project(&text, SCHEMA).path(),
        &[
            "warning: statement not understood, skipped: ran more than 20000 SQL statements",
            "error: schema \"publicwhile\" does not exist",
            "supabase/migrations/0002_deep.sql:51:5",
        ],
    );
    let small = "do $$\ndeclare k int := 0;\nbegin\n  loop\n    k := k + 1;\n    exit when -k > 6;\n    execute format('create table public.t_%s (id int)', k);\n  end loop;\nend $$;\n";
    let (code, stderr) = run(project(small, SCHEMA).path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("ran more than 20000 SQL statements"),
        "{stderr}"
    );
}
