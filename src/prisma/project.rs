//! A Prisma project on disk: where its schema is and which Prisma major it uses, found the way
//! the Prisma CLI finds them.
//!
//! The schema ([`find_schema`]), first match wins: `prisma.config.ts` (or `.mts`/`.js`/`.mjs`)
//! `schema: "…"`, `package.json` `"prisma": { "schema": "…" }`, `prisma/schema.prisma`,
//! `./schema.prisma`, the folder `prisma/schema` (Prisma 6's default for multi-file schemas).
//! (`--schema` and `schemagen.toml` come before these; the caller applies them.) Any of them may
//! name a folder of `.prisma` files ([`super::files`]).
//!
//! The major ([`detect_major`]): the version of `prisma` or `@prisma/client` in the nearest
//! `package.json` (`dependencies`, `devDependencies`) from the schema's folder up to the
//! repository root.

use std::path::{Path, PathBuf};

/// The config file names Prisma reads, in its order.
const CONFIG_FILES: &[&str] = &[
    "prisma.config.ts",
    "prisma.config.mts",
    "prisma.config.cts",
    "prisma.config.js",
    "prisma.config.mjs",
    "prisma.config.cjs",
];

/// Where a setting came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    /// The value.
    pub value: T,
    /// The file it was read from (or the file found).
    pub source: PathBuf,
}

/// The schema of the project in `dir`, as Prisma looks for it (see the module docs).
pub fn find_schema(dir: &Path) -> Option<Found<PathBuf>> {
    for name in CONFIG_FILES {
        let config = dir.join(name);
        if let Ok(text) = std::fs::read_to_string(&config) {
            if let Some(schema) = config_schema(&text) {
                return Some(Found {
                    value: dir.join(schema),
                    source: config,
                });
            }
        }
    }
    let package = dir.join("package.json");
    if let Some(schema) = std::fs::read_to_string(&package)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["prisma"]["schema"].as_str().map(String::from))
    {
        return Some(Found {
            value: dir.join(schema),
            source: package,
        });
    }
    ["prisma/schema.prisma", "schema.prisma"]
        .iter()
        .map(|p| dir.join(p))
        .find(|p| p.is_file())
        .or_else(|| {
            // Prisma 5.15–6's default multi-file location (`prismaSchemaFolder`).
            let folder = dir.join("prisma/schema");
            folder.is_dir().then_some(folder)
        })
        .map(|p| Found {
            value: p.clone(),
            source: p,
        })
}

/// The `schema: "…"` property of a `prisma.config.ts` (a string literal; anything computed is
/// not read).
fn config_schema(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(i) = rest.find("schema") {
        let before = rest[..i].chars().next_back();
        let after = rest[i + "schema".len()..].trim_start();
        rest = &rest[i + "schema".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let Some(value) = after.strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if !matches!(quote, '"' | '\'' | '`') {
            continue;
        }
        let end = value[1..].find(quote)?;
        return Some(value[1..1 + end].to_string());
    }
    None
}

/// The Prisma major of the project holding `dir`: the `prisma` or `@prisma/client` version in
/// the nearest `package.json` that names one, looking from `dir` up to the repository root (a
/// folder with `.git`). `None` when no `package.json` says.
pub fn detect_major(dir: &Path) -> Option<Found<u32>> {
    let start = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for d in start.ancestors() {
        let package = d.join("package.json");
        if let Some(major) = std::fs::read_to_string(&package)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| package_major(&v))
        {
            return Some(Found {
                value: major,
                source: package,
            });
        }
        if d.join(".git").exists() {
            break;
        }
    }
    None
}

fn package_major(v: &serde_json::Value) -> Option<u32> {
    ["dependencies", "devDependencies"].iter().find_map(|deps| {
        ["prisma", "@prisma/client"]
            .iter()
            .find_map(|p| v[deps][p].as_str().and_then(spec_major))
    })
}

/// The major of a version requirement (`^6.19.0`, `~5.22`, `>=6.0.0 <7`, `6.x`, `v7.1.0`);
/// `None` for tags and URLs (`latest`, `file:…`).
fn spec_major(spec: &str) -> Option<u32> {
    let s = spec.trim_start_matches(['^', '~', '>', '=', 'v', ' ']);
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || !s[digits.len()..].is_empty() && !s[digits.len()..].starts_with('.') {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_specs() {
        for (s, m) in [
            ("^6.19.0", Some(6)),
            ("~5.22", Some(5)),
            (">=6.0.0 <7", Some(6)),
            ("6.x", Some(6)),
            ("v7.1.0", Some(7)),
            ("7", Some(7)),
            ("latest", None),
            ("file:../prisma", None),
            ("6a", None),
        ] {
            assert_eq!(spec_major(s), m, "{s}");
        }
    }

    #[test]
    fn config_schema_property() {
        let ts = "import { defineConfig } from 'prisma/config'\nexport default defineConfig({\n  schema: 'db/schema.prisma',\n  migrations: { path: 'db/migrations' },\n})\n";
        assert_eq!(config_schema(ts).as_deref(), Some("db/schema.prisma"));
        assert_eq!(
            config_schema("defineConfig({ schema: path.join('a') })"),
            None
        );
        assert_eq!(config_schema("x.schema: \"no\"\n"), None);
    }

    #[test]
    fn schema_and_major_are_found_like_prisma_finds_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(find_schema(root), None);
        std::fs::write(root.join("schema.prisma"), "").unwrap();
        assert_eq!(find_schema(root).unwrap().value, root.join("schema.prisma"));
        std::fs::create_dir(root.join("prisma")).unwrap();
        std::fs::write(root.join("prisma/schema.prisma"), "").unwrap();
        assert_eq!(
            find_schema(root).unwrap().value,
            root.join("prisma/schema.prisma")
        );
        std::fs::write(
            root.join("package.json"),
            r#"{"prisma": {"schema": "db/x.prisma"}, "devDependencies": {"prisma": "^6.2.1"}}"#,
        )
        .unwrap();
        assert_eq!(find_schema(root).unwrap().value, root.join("db/x.prisma"));
        std::fs::write(
            root.join("prisma.config.ts"),
            "export default { schema: \"cfg/s.prisma\" }",
        )
        .unwrap();
        let found = find_schema(root).unwrap();
        assert_eq!(found.value, root.join("cfg/s.prisma"));
        assert_eq!(found.source, root.join("prisma.config.ts"));
        // The major from the nearest package.json, up to the repository root.
        std::fs::create_dir_all(root.join("apps/web")).unwrap();
        assert_eq!(detect_major(&root.join("apps/web")).unwrap().value, 6);
        std::fs::write(
            root.join("apps/package.json"),
            r#"{"dependencies": {"@prisma/client": "7.10.1"}}"#,
        )
        .unwrap();
        assert_eq!(detect_major(&root.join("apps/web")).unwrap().value, 7);
        let inner = root.join("apps/web");
        std::fs::create_dir(inner.join(".git")).unwrap();
        assert_eq!(detect_major(&inner), None, "stops at the repository root");
    }
}
