//! The walls between the library's top-level modules, read from `src/` so they hold by themselves.
//!
//! Every `crate::module` path outside comments is an edge from the file's top-level module to
//! `module`. The rules (see the crate docs and docs/architecture.md):
//! - `catalog` imports nothing; `pg` only `catalog`; `psl` and `diff` only `catalog`, `pg` and
//!   `diagnostics`;
//! - `emit` (the writers) never imports a reader (`sql`, `prisma`, `db`);
//! - `sql` and `prisma` never import each other;
//! - `pipeline` is the only composer: no library module but the build-script face `builder`
//!   imports it;
//! - nothing in the library knows the command line: `cli` lives in the binary, and no library
//!   module names `clap`;
//! - no circle between top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The file's text without comments (line comments, doc comments, block comments) and without
/// the contents of string literals, so a doc link or a message naming `crate::x` is no edge.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                // Raw string r"…" / r#"…"#.
                let mut j = i + 1;
                let mut hashes = 0;
                while b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if b.get(j) != Some(&b'"') {
                    out.push('r');
                    i += 1;
                    continue;
                }
                j += 1;
                loop {
                    if j >= b.len() {
                        break;
                    }
                    if b[j] == b'"'
                        && b[j + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&c| c == b'#')
                            .count()
                            == hashes
                    {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                i = j;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
                out.push_str("\"\"");
            }
            b'\'' => {
                // A char literal ('x', '\n', '"') or a lifetime ('a): skip a char literal whole.
                let rest = &b[i + 1..];
                let len = if rest.first() == Some(&b'\\') {
                    rest.iter().skip(1).position(|&c| c == b'\'').map(|p| p + 2)
                } else {
                    let ch = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    (rest.get(ch) == Some(&b'\'')).then_some(ch)
                };
                match len {
                    Some(n) => {
                        out.push_str("' '");
                        i += n + 2;
                    }
                    None => {
                        out.push('\'');
                        i += 1;
                    }
                }
            }
            _ => {
                let ch = text[i..].chars().next().expect("in bounds");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    out
}

fn ident_at(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// Top-level modules named after `crate::` in `code`: `crate::a::…` and each item of
/// `crate::{a::…, b, c::{…}}`.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(p) = rest.find("crate::") {
        let before = rest[..p].chars().next_back();
        rest = &rest[p + "crate::".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let after = rest.trim_start();
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = true;
            let mut chars = group.char_indices();
            while let Some((k, c)) = chars.next() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if item_start && depth == 1 && (c.is_ascii_alphabetic() || c == '_') => {
                        let name = ident_at(&group[k..]);
                        if name != "self" {
                            found.insert(name.to_string());
                        }
                        item_start = false;
                        for _ in 1..name.len() {
                            chars.next();
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident_at(after);
            if !name.is_empty() {
                found.insert(name.to_string());
            }
        }
    }
    found
}

fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("under src");
    let first = rel.components().next().expect("non-empty").as_os_str();
    let first = first.to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The binary's own files: `main.rs` and the modules it declares (`mod cli;`).
fn binary_modules(src: &Path) -> BTreeSet<String> {
    let main = fs::read_to_string(src.join("main.rs")).expect("src/main.rs");
    let mut mods: BTreeSet<String> = code_only(&main)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mod "))
        .map(|l| ident_at(l).to_string())
        .collect();
    mods.insert("main".into());
    mods
}

/// from-module → to-module → the files with that edge.
fn library_graph() -> (Graph, BTreeSet<String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bin = binary_modules(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut graph = Graph::new();
    let mut modules = BTreeSet::new();
    for file in files {
        let module = top_module(&src, &file);
        if bin.contains(&module) || module == "lib" {
            continue;
        }
        modules.insert(module.clone());
        let text = fs::read_to_string(&file).expect("readable source");
        for to in crate_refs(&code_only(&text)) {
            if to != module {
                let rel = file
                    .strip_prefix(&src)
                    .expect("under src")
                    .display()
                    .to_string();
                graph
                    .entry(module.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .push(rel);
            }
        }
    }
    (graph, modules)
}

fn edges(graph: &Graph) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for (from, tos) in graph {
        for (to, files) in tos {
            out.push((from.clone(), to.clone(), files.join(", ")));
        }
    }
    out
}

fn allowed(from: &str, to: &str) -> Result<(), &'static str> {
    let only = |set: &[&str], why| if set.contains(&to) { Ok(()) } else { Err(why) };
    match from {
        "catalog" => Err("catalog imports nothing"),
        "pg" => only(&["catalog"], "pg imports only catalog"),
        "psl" | "diff" => only(
            &["catalog", "pg", "diagnostics"],
            "psl and diff import only catalog, pg and diagnostics",
        ),
        "emit" if ["sql", "prisma", "db"].contains(&to) => Err("emit never imports a reader"),
        "sql" if to == "prisma" => Err("sql and prisma never import each other"),
        "prisma" if to == "sql" => Err("sql and prisma never import each other"),
        "builder" => Ok(()),
        _ if to == "pipeline" => Err("pipeline is the only composer: only the faces (the binary, the build-script Builder) import it"),
        _ => Ok(()),
    }
}

#[test]
fn the_walls_between_modules_hold() {
    let (graph, _) = library_graph();
    let broken: Vec<String> = edges(&graph)
        .into_iter()
        .filter_map(|(from, to, files)| {
            allowed(&from, &to)
                .err()
                .map(|why| format!("{from} -> {to} ({why}): {files}"))
        })
        .collect();
    assert!(
        broken.is_empty(),
        "forbidden imports:\n{}",
        broken.join("\n")
    );
}

#[test]
fn there_is_no_circle_between_top_level_modules() {
    let (graph, modules) = library_graph();
    // Depth-first search; a back edge is a circle.
    fn visit(
        m: &str,
        graph: &Graph,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(m) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|s| s == m).expect("on the stack");
                let mut circle = stack[at..].to_vec();
                circle.push(m.to_string());
                return Some(circle);
            }
            _ => {}
        }
        state.insert(m.to_string(), 1);
        stack.push(m.to_string());
        for to in graph.get(m).into_iter().flat_map(|t| t.keys()) {
            if let Some(c) = visit(to, graph, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in &modules {
        let circle = visit(m, &graph, &mut state, &mut Vec::new());
        assert!(
            circle.is_none(),
            "import circle: {}",
            circle.unwrap_or_default().join(" -> ")
        );
    }
}

#[test]
fn the_library_does_not_know_the_command_line() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = code_only(&fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs"));
    assert!(
        !lib.lines()
            .any(|l| l.trim().trim_start_matches("pub ").starts_with("mod cli")),
        "lib.rs declares the cli module"
    );
    let bin = binary_modules(&src);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let naming_clap: Vec<String> = files
        .iter()
        .filter(|f| !bin.contains(&top_module(&src, f)))
        .filter(|f| code_only(&fs::read_to_string(f).expect("readable")).contains("clap::"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        naming_clap.is_empty(),
        "library files using clap: {naming_clap:?}"
    );
}

/// The documented public surface is the pipeline and its data: `catalog`, `config`, `db`,
/// `diagnostics`, `output`, `pipeline` (+ `Builder`, `Error` re-exported). Any other module the
/// library makes `pub` is `#[doc(hidden)]` (reachable for this repository's tests only).
#[test]
fn the_public_surface_is_the_pipeline() {
    const DOCUMENTED: &[&str] = &[
        "catalog",
        "config",
        "db",
        "diagnostics",
        "output",
        "pipeline",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let mut hidden = false;
    let mut public = Vec::new();
    for line in lib.lines().map(str::trim) {
        if line == "#[doc(hidden)]" {
            hidden = true;
            continue;
        }
        if line.starts_with("#[") {
            continue;
        }
        if let Some(name) = line.strip_prefix("pub mod ") {
            let name = name.trim_end_matches(';');
            if !hidden {
                public.push(name.to_string());
            }
        }
        hidden = false;
    }
    let undocumented: Vec<&String> = public
        .iter()
        .filter(|m| !DOCUMENTED.contains(&m.as_str()))
        .collect();
    assert!(
        undocumented.is_empty(),
        "public modules outside the documented surface (make them pub(crate) or #[doc(hidden)]): {undocumented:?}"
    );
    assert!(public.len() >= 5, "lib.rs read wrong: {public:?}");
}

/// The reader must see the edges that exist, or every rule above would pass vacuously.
#[test]
fn the_reader_finds_edges() {
    let (graph, modules) = library_graph();
    for m in [
        "catalog", "pg", "psl", "sql", "prisma", "emit", "pipeline", "db",
    ] {
        assert!(modules.contains(m), "module {m} not found under src/");
    }
    assert!(
        graph["pg"].contains_key("catalog"),
        "pg -> catalog not seen"
    );
    assert!(
        graph["pipeline"].contains_key("sql"),
        "pipeline -> sql not seen"
    );
    let code = code_only(
        "use crate::{a::B, b, c::{d, e}}; // crate::f\nlet s = \"crate::g\"; crate::h::x();",
    );
    let refs: Vec<_> = crate_refs(&code).into_iter().collect();
    assert_eq!(refs, ["a", "b", "c", "h"]);
    let (from, to) = ("emit", "sql");
    assert!(allowed(from, to).is_err() && allowed("sql", "prisma").is_err());
    assert!(allowed("catalog", "pg").is_err() && allowed("pg", "catalog").is_ok());
}
