//! Helpers shared by the `prisma_render*` tests: splitting a schema into top-level blocks,
//! diffs, and the oracle scripts.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// A top-level block of a schema: its key (`model users`, `enum role`…) and its text (docs
/// included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaBlock {
    /// `kind name`.
    pub key: String,
    /// The lines, joined with `\n`.
    pub text: String,
}

impl SchemaBlock {
    /// Whether this is a model, view or enum (not a generator or datasource).
    pub fn is_data(&self) -> bool {
        !(self.key.starts_with("generator ") || self.key.starts_with("datasource "))
    }
}

/// Splits a schema into its top-level blocks.
pub fn blocks(text: &str) -> Vec<SchemaBlock> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut key = String::new();
    for line in text.lines() {
        if current.is_empty() && line.is_empty() {
            continue;
        }
        current.push(line);
        let words: Vec<&str> = line.trim_start_matches("// ").split_whitespace().collect();
        if key.is_empty()
            && words.len() >= 3
            && words[2] == "{"
            && ["model", "view", "enum", "generator", "datasource", "type"].contains(&words[0])
        {
            key = format!("{} {}", words[0], words[1]);
        }
        if line == "}" || line == "// }" {
            out.push(SchemaBlock {
                key: std::mem::take(&mut key),
                text: current.join("\n"),
            });
            current.clear();
        }
    }
    if !current.is_empty() {
        out.push(SchemaBlock {
            key,
            text: current.join("\n"),
        });
    }
    out
}

/// A unified diff of two texts.
pub fn diff(expected: &str, actual: &str) -> String {
    similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

/// Per-block comparison of a rendered schema with an expected one.
#[derive(Debug, Default)]
pub struct BlockReport {
    /// Model/view/enum blocks in the expected schema.
    pub total: usize,
    /// Of those, rendered byte for byte.
    pub identical: usize,
    /// Keys and diffs of the others (missing, extra or different).
    pub mismatches: Vec<(String, String)>,
    /// Whether the whole texts are identical.
    pub whole_identical: bool,
}

/// Compares two schemas block by block.
pub fn compare(expected: &str, actual: &str) -> BlockReport {
    let exp = blocks(expected);
    let act = blocks(actual);
    let mut r = BlockReport {
        whole_identical: expected == actual,
        ..Default::default()
    };
    // Blocks of the same key (duplicate names the engine leaves, `model public__` twice) pair
    // up in order.
    let nth = |list: &[SchemaBlock], i: usize| -> usize {
        list[..i].iter().filter(|b| b.key == list[i].key).count()
    };
    let find = |key: &str, n: usize| act.iter().filter(|a| a.key == key).nth(n);
    for (i, e) in exp.iter().enumerate() {
        let n = nth(&exp, i);
        if !e.is_data() {
            if let Some(a) = find(&e.key, n) {
                if a.text != e.text {
                    r.mismatches.push((e.key.clone(), diff(&e.text, &a.text)));
                }
            } else {
                r.mismatches.push((e.key.clone(), "missing".into()));
            }
            continue;
        }
        r.total += 1;
        match find(&e.key, n) {
            Some(a) if a.text == e.text => r.identical += 1,
            Some(a) => r.mismatches.push((e.key.clone(), diff(&e.text, &a.text))),
            None => r
                .mismatches
                .push((e.key.clone(), "missing from the output".into())),
        }
    }
    for (i, a) in act.iter().enumerate() {
        let n = nth(&act, i);
        if exp.iter().filter(|e| e.key == a.key).nth(n).is_none() {
            r.mismatches
                .push((a.key.clone(), format!("not expected:\n{}", a.text)));
        }
    }
    if r.mismatches.is_empty() && !r.whole_identical {
        r.mismatches
            .push(("(order or spacing)".into(), diff(expected, actual)));
    }
    r
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `node oracle/validate.mjs` (Prisma's validator, and "is it a fixed point of
/// `prisma format`") on files; returns whether each one passed, and the script's output. Panics
/// with a clear message when Node.js or the oracle's packages are missing.
pub fn validate(files: &[PathBuf]) -> (Vec<bool>, String) {
    assert!(
        root()
            .join("oracle/node_modules/@prisma/prisma-schema-wasm")
            .exists(),
        "oracle/node_modules is missing: run `npm ci --prefix oracle` (Node.js >= 20)"
    );
    let out = Command::new("node")
        .arg(root().join("oracle/validate.mjs"))
        .args(files)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run node (Node.js >= 20 is needed for the oracle): {e}")
        });
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let ok = files
        .iter()
        .map(|f| text.lines().any(|l| l == format!("OK {}", f.display())))
        .collect();
    (ok, text)
}

/// Validates each rendered schema; a rendered schema may fail only when the engine's own output
/// for the same case (`expected`) fails too. Returns the problems.
pub fn check_validity(pairs: &[(String, PathBuf, PathBuf)]) -> Vec<String> {
    let rendered: Vec<PathBuf> = pairs.iter().map(|p| p.1.clone()).collect();
    let (ok, text) = validate(&rendered);
    let failed: Vec<usize> = (0..pairs.len()).filter(|&i| !ok[i]).collect();
    if failed.is_empty() {
        return Vec::new();
    }
    let expected: Vec<PathBuf> = failed.iter().map(|&i| pairs[i].2.clone()).collect();
    let (expected_ok, _) = validate(&expected);
    let mut problems = Vec::new();
    for (k, &i) in failed.iter().enumerate() {
        if expected_ok[k] {
            problems.push(format!(
                "{}: does not validate, but the engine's output does:\n{text}",
                pairs[i].0
            ));
        } else {
            println!(
                "{}: does not validate, like the engine's own output (matched on purpose)",
                pairs[i].0
            );
        }
    }
    problems
}
