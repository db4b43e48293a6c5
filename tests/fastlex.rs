//! The tokenizer's fast path (`src/sql/fastlex.rs`) against sqlparser's tokenizer: on every
//! corpus file, every `.sql` fixture and a generated real-shaped history, whole files and each
//! statement on its own (as `EXECUTE` texts and `DO` bodies are tokenized), the tokens, their
//! spans and byte offsets, and the errors must be the same; and a long file prepared in parts
//! (`prepare_parts`) must give the statements it gives prepared whole.

mod common;

use std::path::{Path, PathBuf};

use common::shared;
use schemagen::diagnostics::{Diagnostics, FileId, SourceFile};
use schemagen::sql::replay::{prepare, prepare_parts, PART_BYTES};
use schemagen::sql::split::{fast_path_applies, lex, lex_sqlparser, split};

fn sql_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sql_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "sql") {
            out.push(p);
        }
    }
}

#[derive(Default)]
struct Count {
    files: usize,
    long_files: usize,
    parts: usize,
    statements: usize,
    fast_statements: usize,
}

fn same(file: &SourceFile, base: usize, len: usize, what: &str) {
    let fast = lex(file, base, len);
    let slow = lex_sqlparser(file, base, len);
    match (&fast, &slow) {
        (Ok(f), Ok(s)) => {
            assert_eq!(f.offsets, s.offsets, "offsets differ in {what}");
            for (i, (a, b)) in f.tokens.iter().zip(&s.tokens).enumerate() {
                assert_eq!(a, b, "token {i} differs in {what}");
            }
            assert_eq!(
                f.tokens.len(),
                s.tokens.len(),
                "token count differs in {what}"
            );
        }
        (Err(f), Err(s)) => assert_eq!(f, s, "errors differ in {what}"),
        _ => panic!("{what}: fast path {fast:?}, sqlparser {slow:?}"),
    }
}

/// A file prepared in parts gives the statements (bytes and tokens) it gives prepared whole.
fn same_in_parts(file: &SourceFile, what: &str, count: &mut Count) {
    let whole = prepare(file, FileId(0)).statements();
    let mut parts = Vec::new();
    prepare_parts(file, FileId(0), &mut |p| {
        parts.push(p.statements());
        true
    });
    if file.text.len() > PART_BYTES {
        count.long_files += 1;
        count.parts += parts.len();
    }
    match whole {
        Ok(whole) => {
            let mut joined = Vec::new();
            for p in parts {
                joined.extend(p.unwrap_or_else(|e| panic!("{what}: a part fails: {e:?}")));
            }
            assert_eq!(
                joined.len(),
                whole.len(),
                "statement count in parts of {what}"
            );
            for (a, b) in joined.iter().zip(&whole) {
                assert_eq!(a, b, "a statement differs in parts of {what}");
            }
        }
        Err(e) => assert_eq!(parts, vec![Err(e)], "{what}"),
    }
}

fn check_file(path: &Path, count: &mut Count) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return; // not UTF-8: the reader rejects it before tokenizing
    };
    let file = SourceFile::new(path.to_path_buf(), text);
    let what = path.display().to_string();
    same(&file, 0, file.text.len(), &what);
    same_in_parts(&file, &what, count);
    count.files += 1;
    let Ok(lexed) = lex_sqlparser(&file, 0, file.text.len()) else {
        return;
    };
    let mut diags = Diagnostics::new();
    for st in split(FileId(0), &lexed, &mut diags) {
        let (a, b) = (st.span.start, st.span.end);
        same(&file, a, b - a, &format!("{what} bytes {a}..{b}"));
        count.statements += 1;
        if fast_path_applies(&file.text[a..b]) {
            count.fast_statements += 1;
        }
    }
}

#[test]
fn fast_path_tokenizes_fixtures_as_sqlparser_does() {
    let mut files = Vec::new();
    sql_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut files,
    );
    assert!(files.len() > 50, "fixtures found: {}", files.len());
    let mut count = Count::default();
    for f in &files {
        check_file(f, &mut count);
    }
    assert!(count.statements > 500, "statements: {}", count.statements);
}

#[test]
fn fast_path_tokenizes_the_corpus_as_sqlparser_does() {
    let Some(dir) = shared::require(
        "fast_path_tokenizes_the_corpus_as_sqlparser_does",
        &[shared::CORPUS],
    ) else {
        return;
    };
    let mut files = Vec::new();
    sql_files(&dir.join(shared::CORPUS), &mut files);
    let mut count = Count::default();
    for f in &files {
        check_file(f, &mut count);
    }
    println!(
        "corpus: {} files, fast path on {} of {} statements; {} long files prepared in {} parts",
        count.files, count.fast_statements, count.statements, count.long_files, count.parts
    );
    assert!(
        count.parts > count.long_files,
        "no long file was cut into parts"
    );
    assert!(count.files > 500, "corpus files: {}", count.files);
    // The fast path must keep applying to most statements, or it stops being one.
    assert!(
        count.fast_statements * 10 >= count.statements * 8,
        "fast path on {} of {} corpus statements",
        count.fast_statements,
        count.statements
    );
}

#[test]
fn fast_path_tokenizes_a_generated_history_as_sqlparser_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let out = std::process::Command::new("python3")
        .arg(root.join("scripts/gen-synthetic-history.py"))
        .arg(dir.path())
        .args(["--scale", "0.25", "--seed", "3"])
        .output();
    let Some(out) = out.ok().filter(|o| o.status.success()) else {
        eprintln!(
            "SKIPPED fast_path_tokenizes_a_generated_history_as_sqlparser_does: needs python3"
        );
        return;
    };
    assert!(!out.stdout.is_empty());
    let mut files = Vec::new();
    sql_files(dir.path(), &mut files);
    let mut count = Count::default();
    for f in &files {
        check_file(f, &mut count);
    }
    println!(
        "generated: {} files, fast path on {} of {} statements; {} long files prepared in {} parts",
        count.files, count.fast_statements, count.statements, count.long_files, count.parts
    );
    assert!(
        count.parts > count.long_files,
        "no long file was cut into parts"
    );
    assert!(count.files > 100, "files: {}", count.files);
    assert!(
        count.fast_statements * 10 >= count.statements * 9,
        "fast path on {} of {} statements",
        count.fast_statements,
        count.statements
    );
}
