//! `schemagen.toml`: project settings, overridden by command-line flags.
//!
//! ```toml
//! # schemagen.toml (all keys optional)
//! migrations = "supabase/migrations"   # the Supabase migrations folder
//!
//! [prisma]
//! schema = "prisma/schema.prisma"      # the schema prisma-from-sql updates
//! naming = "prisma"                    # "prisma" (exactly what db pull writes) or "pascal"
//! version = 6                          # the Prisma major whose db pull is written (5, 6 or 7)
//! ```
//!
//! Relative paths are relative to the folder holding `schemagen.toml`. Without `--config` the
//! file is looked for in the current folder and its parents, up to the repository root (the
//! first folder holding `.git`), as Cargo and Prisma find theirs.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The default configuration file name, looked up in the current folder.
pub const FILE_NAME: &str = "schemagen.toml";

/// Project settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The migrations folder.
    pub migrations: Option<PathBuf>,
    /// Settings of `prisma-from-sql`.
    #[serde(default)]
    pub prisma: PrismaConfig,
    /// Settings of `schemagen rust` and [`crate::Builder`].
    #[serde(default)]
    pub rust: crate::emit::rust::RustConfig,
    /// The folder of the file read (defaults are relative to it); `None` without a file.
    #[serde(skip)]
    pub root: Option<PathBuf>,
}

/// `[prisma]` settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PrismaConfig {
    /// The schema file.
    pub schema: Option<PathBuf>,
    /// `"prisma"` or `"pascal"`.
    pub naming: Option<String>,
    /// The Prisma major version (5, 6 or 7).
    pub version: Option<u32>,
}

impl Config {
    /// Reads `path`; a missing default file gives the defaults, a missing explicit file is an
    /// error. Relative paths in the file are resolved against its folder.
    ///
    /// # Errors
    /// When the file cannot be read or is not valid (the message names line and column).
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let (path, explicit) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match find(Path::new(".")) {
                Some(p) => (p, false),
                None => return Ok(Config::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !explicit && e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default())
            }
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut c: Config = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    format!(":{line}:{col}")
                })
                .unwrap_or_default();
            Error::Config(format!("{}{at}: {}", path.display(), e.message()))
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        let rel = |p: &mut Option<PathBuf>| {
            if let Some(x) = p {
                if x.is_relative() {
                    *x = normalize(&base.join(&*x));
                }
            }
        };
        rel(&mut c.migrations);
        rel(&mut c.prisma.schema);
        rel(&mut c.rust.out);
        if let Some(v) = c.prisma.version {
            if !(5..=7).contains(&v) {
                return Err(Error::Config(format!(
                    "{}: [prisma] version = {v}: expected 5, 6 or 7",
                    path.display()
                )));
            }
        }
        c.root = Some(base.to_path_buf());
        Ok(c)
    }
}

/// `schemagen.toml` in `dir` or its parents, up to the repository root (the first folder with a
/// `.git`); the path is relative when `dir` is (`../schemagen.toml`).
pub fn find(dir: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(dir).ok()?;
    let mut relative = dir.to_path_buf();
    for d in absolute.ancestors() {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(normalize(&relative.join(FILE_NAME)));
        }
        if d.join(".git").exists() {
            return None;
        }
        relative.push("..");
    }
    None
}

/// `a/b/../c` → `a/c`, lexically (for shorter paths in messages).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir
                if matches!(
                    out.components().next_back(),
                    Some(std::path::Component::Normal(_))
                ) =>
            {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_in_parent_folders_up_to_the_repository_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("repo/.git")).unwrap();
        std::fs::create_dir_all(root.join("repo/a/b")).unwrap();
        std::fs::write(root.join("schemagen.toml"), "").unwrap();
        assert_eq!(find(&root.join("repo/a/b")), None, "not past .git");
        std::fs::write(root.join("repo/schemagen.toml"), "").unwrap();
        let found = find(&root.join("repo/a/b")).unwrap();
        assert_eq!(
            std::fs::canonicalize(found).unwrap(),
            std::fs::canonicalize(root.join("repo/schemagen.toml")).unwrap()
        );
        assert_eq!(
            find(&root.join("repo")),
            Some(root.join("repo/schemagen.toml"))
        );
    }

    #[test]
    fn loads_and_reports_errors_with_position() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("schemagen.toml");
        std::fs::write(
            &p,
            "migrations = \"db/migrations\"\n[prisma]\nnaming = \"pascal\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&p)).unwrap();
        assert_eq!(c.migrations, Some(dir.path().join("db/migrations")));
        assert_eq!(c.prisma.naming.as_deref(), Some("pascal"));
        assert_eq!(c.root.as_deref(), Some(dir.path()));
        std::fs::write(&p, "[prisma]\nversion = 4\n").unwrap();
        let e = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("expected 5, 6 or 7"), "{e}");
        std::fs::write(&p, "[prisma]\nversion = 6\n").unwrap();
        assert_eq!(Config::load(Some(&p)).unwrap().prisma.version, Some(6));
        std::fs::write(&p, "[prisma]\nnamin = \"pascal\"\n").unwrap();
        let e = Config::load(Some(&p)).unwrap_err().to_string();
        assert!(e.contains("schemagen.toml:2:1"), "{e}");
        assert!(Config::load(Some(&dir.path().join("missing.toml"))).is_err());
        assert_eq!(
            normalize(Path::new("examples/../generated/x")),
            PathBuf::from("generated/x")
        );
    }
}
