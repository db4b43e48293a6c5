//! The malformed-input corpus (issue 9 §4): every `*.sql` and `*.prisma` under
//! tests/fixtures/malformed/ is given to `schemagen prisma-from-sql` in a project whose history
//! creates table `a` — a `.sql` case as the second migration, a `.prisma` case as the schema.
//! Each must exit 2 with an error naming file:line:col, print nothing on stdout, leave every
//! file byte-identical, never show a panic, and print exactly the diagnostics snapshotted next
//! to it in `NAME.stderr` (`EXPECTORATE=overwrite cargo test --test malformed` regenerates them).

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::pg::PgCluster;

const CASES: &str = "tests/fixtures/malformed";

const SCHEMA: &str = "generator client {\n  provider = \"prisma-client-js\"\n}\n\ndatasource db {\n  provider = \"postgresql\"\n}\n\nmodel a {\n  id Int @id\n}\n";

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

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(CASES)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql" || x == "prisma"))
        .collect();
    out.sort();
    out
}

/// Runs one case; returns its stderr.
fn run_case(case: &Path) -> String {
    let bytes = std::fs::read(case).unwrap();
    let stem = case.file_stem().unwrap().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("prisma")).unwrap();
    std::fs::create_dir_all(root.join("supabase/migrations")).unwrap();
    std::fs::write(
        root.join("supabase/migrations/0001_a.sql"),
        "create table a (id int primary key);\n",
    )
    .unwrap();
    let at = if case.extension().unwrap() == "sql" {
        let path = format!("supabase/migrations/0002_{stem}.sql");
        std::fs::write(root.join(&path), &bytes).unwrap();
        std::fs::write(root.join("prisma/schema.prisma"), SCHEMA).unwrap();
        path
    } else {
        std::fs::write(root.join("prisma/schema.prisma"), &bytes).unwrap();
        "prisma/schema.prisma".to_string()
    };
    let before = snapshot(root);
    let out = Command::cargo_bin("schemagen")
        .unwrap()
        .current_dir(root)
        .arg("prisma-from-sql")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).expect("diagnostics are UTF-8");
    let name = case.display();
    assert_eq!(out.status.code(), Some(2), "{name}:\n{stderr}");
    assert!(out.stdout.is_empty(), "{name}: stdout");
    assert_eq!(snapshot(root), before, "{name}: files changed");
    for bad in ["panicked", "overflow", "internal error", "RUST_BACKTRACE"] {
        assert!(!stderr.contains(bad), "{name}: {bad:?} in\n{stderr}");
    }
    let position = regex::Regex::new(&format!(r"{}:\d+:\d+", regex::escape(&at))).unwrap();
    assert!(
        position.is_match(&stderr),
        "{name}: no {at}:line:col in\n{stderr}"
    );
    stderr
}

#[test]
fn every_malformed_input_is_refused_with_its_position_and_nothing_written() {
    let cases = cases();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    for case in &cases {
        let stderr = run_case(case);
        expectorate::assert_contents(
            case.with_extension(format!(
                "{}.stderr",
                case.extension().unwrap().to_str().unwrap()
            )),
            &stderr,
        );
    }
}

/// Unterminated literals and comments point where they open (PostgreSQL's words, the line and
/// column of the opening quote, `/*` or `$tag$`), not at the end of the file.
#[test]
fn unterminated_quotes_and_comments_point_where_they_open() {
    let loc = regex::Regex::new(r"\.sql:(\d+):(\d+)").unwrap();
    for (case, wanted) in [
        (
            "unterminated_single_quote.sql",
            "unterminated quoted string",
        ),
        (
            "unterminated_double_quote.sql",
            "unterminated quoted identifier",
        ),
        ("unterminated_block_comment.sql", "unterminated /* comment"),
        (
            "unterminated_nested_block_comment.sql",
            "unterminated /* comment",
        ),
        (
            "unterminated_dollar_quote.sql",
            "unterminated dollar-quoted string",
        ),
        (
            "unterminated_tagged_dollar_quote.sql",
            "unterminated dollar-quoted string",
        ),
        (
            "unterminated_escape_string.sql",
            "unterminated quoted string",
        ),
        (
            "unterminated_bit_string.sql",
            "unterminated bit string literal",
        ),
        (
            "unterminated_hex_string.sql",
            "unterminated hexadecimal string literal",
        ),
        (
            "unterminated_do_dollar_quote.sql",
            "unterminated dollar-quoted string",
        ),
        (
            "unterminated_unicode_string.sql",
            "unterminated quoted string",
        ),
        (
            "unterminated_quote_in_comment_line.sql",
            "unterminated quoted string",
        ),
        (
            "unterminated_quote_in_do_body.sql",
            "unterminated quoted identifier",
        ),
        (
            "unterminated_comment_in_do_body.sql",
            "unterminated /* comment",
        ),
    ] {
        let path = Path::new(CASES).join(case);
        let text = std::fs::read_to_string(&path).unwrap();
        let stderr = run_case(&path);
        assert!(
            stderr.contains(wanted),
            "{case}: {wanted:?} not in\n{stderr}"
        );
        // The position names the opening quote, `/*` or `$tag$` itself.
        let c = loc.captures(&stderr).unwrap();
        let (line, col): (usize, usize) = (c[1].parse().unwrap(), c[2].parse().unwrap());
        let opened = text.lines().nth(line - 1).unwrap();
        let rest = &opened[col - 1..];
        assert!(
            ["'", "\"", "/*", "$", "E'", "B'", "X'", "U&'"]
                .iter()
                .any(|o| rest.starts_with(o)),
            "{case}: {line}:{col} is not an opening: {rest:?}"
        );
    }
}

/// PostgreSQL 15 refuses every SQL case too, applied after the first migration (each in a
/// savepoint). Not sent: files that are not UTF-8 or hold a NUL byte (the client library cannot
/// send them; PostgreSQL refuses such bytes in any statement). Not judged: `deep_begin.sql`
/// (PostgreSQL's PL/pgSQL nests deeper than schemagen's limit) and `deep_loop.sql` (PostgreSQL
/// loops until cancelled; schemagen stops a `DO` block after 20,000 statements).
#[test]
fn postgres_refuses_every_sql_case_too() {
    const NOT_JUDGED: &[&str] = &["deep_begin.sql", "deep_loop.sql"];
    let db = PgCluster::shared().create_database("malformed");
    let mut client = db.client();
    let mut tx = client.transaction().unwrap();
    tx.batch_execute("create table a (id int primary key);")
        .unwrap();
    let (mut sent, mut accepted) = (0, Vec::new());
    for case in cases() {
        let name = case.file_name().unwrap().to_str().unwrap().to_string();
        if case.extension().unwrap() != "sql" || NOT_JUDGED.contains(&name.as_str()) {
            continue;
        }
        let Ok(text) = String::from_utf8(std::fs::read(&case).unwrap()) else {
            continue;
        };
        if text.contains('\0') {
            continue;
        }
        sent += 1;
        let mut sp = tx.savepoint("malformed_case").unwrap();
        let result = sp.batch_execute(&text);
        sp.rollback().unwrap();
        match result {
            Err(e) if e.as_db_error().is_some() => {}
            other => accepted.push(format!("{name}: {other:?}")),
        }
    }
    println!("{sent} SQL cases sent to PostgreSQL");
    assert!(sent >= 55, "only {sent} cases sent");
    assert!(
        accepted.is_empty(),
        "PostgreSQL does not refuse:\n{}",
        accepted.join("\n")
    );
}

/// Prisma's own validator (`oracle/validate.mjs`, Prisma 7's prisma-schema-wasm) refuses every
/// `.prisma` case too; for fields missing a name or a type schemagen gives Prisma's words. Not
/// judged: `invalid_utf8.prisma` (Node reads the file with U+FFFD in place of the bad bytes, so
/// Prisma validates other text; schemagen refuses to change the bytes).
#[test]
fn prisma_refuses_every_prisma_case_too() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut judged = 0;
    for case in cases() {
        let name = case.file_name().unwrap().to_str().unwrap();
        if case.extension().unwrap() != "prisma" || name == "invalid_utf8.prisma" {
            continue;
        }
        let out = std::process::Command::new("node")
            .arg(root.join("oracle/validate.mjs"))
            .arg(&case)
            .output()
            .expect("node (Node.js >= 20) runs the oracle");
        let prisma = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            prisma.contains("validate: P1012"),
            "{name}: Prisma's validator accepts it:\n{prisma}"
        );
        judged += 1;
    }
    assert!(judged >= 15, "{judged} cases");
    for (case, words) in [
        (
            "field_without_type.prisma",
            "Error validating model \"a\": This field declaration is invalid. It is either missing a name or a type.",
        ),
        (
            "field_without_type_with_attribute.prisma",
            "Error validating model \"a\": This field declaration is invalid. It is either missing a name or a type.",
        ),
        (
            "field_type_without_name.prisma",
            "Error validating model \"a\": This field declaration is invalid. It is either missing a name or a type.",
        ),
        (
            "field_optional_without_type.prisma",
            "Error validating: This line is not a valid field or attribute definition.",
        ),
    ] {
        let path = Path::new(CASES).join(case);
        let out = std::process::Command::new("node")
            .arg(root.join("oracle/validate.mjs"))
            .arg(&path)
            .output()
            .unwrap();
        let prisma = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(prisma.contains(words), "{case}: Prisma says\n{prisma}");
        let ours = run_case(&path);
        assert!(ours.contains(words), "{case}: schemagen says\n{ours}");
    }
}

/// A syntax error underlines the token it is about, not the statement: the carets under the
/// shown line leave more of its text than a final `;` (every case whose diagnostics say "syntax
/// error"; a statement underlined whole covers all of its line but the `;`).
#[test]
fn syntax_errors_underline_the_token_not_the_statement() {
    let mut judged = 0;
    for case in cases() {
        let stderr_path = case.with_extension(format!(
            "{}.stderr",
            case.extension().unwrap().to_str().unwrap()
        ));
        let stderr = std::fs::read_to_string(&stderr_path).unwrap();
        if !stderr.contains("syntax error") || !stderr.contains('┌') {
            continue;
        }
        let lines: Vec<&str> = stderr.lines().collect();
        // The source line (`N │ text`) and the caret line after it.
        let Some(i) = lines.iter().position(|l| {
            l.trim_start().starts_with(|c: char| c.is_ascii_digit()) && l.contains(" │ ")
        }) else {
            continue;
        };
        let text = lines[i].split_once(" │ ").unwrap().1.trim();
        let carets = lines[i + 1].chars().filter(|&c| c == '^').count();
        let name = case.display();
        assert!(
            carets + 1 < text.chars().count(),
            "{name}: the whole line is underlined:\n{stderr}"
        );
        judged += 1;
    }
    assert!(judged >= 25, "{judged} cases judged");
}
