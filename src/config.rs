//! `schemagen.toml`: project settings, overridden by command-line flags.
//!
//! ```toml
//! # schemagen.toml (all keys optional)
//! migrations = "supabase/migrations"   # the Supabase migrations folder
//!
//! [prisma]
//! schema = "prisma/schema.prisma"      # the schema prisma-from-sql updates
//! naming = "prisma"                    # "prisma" (exactly what db pull writes) or "pascal"
//! ```
//!
//! Relative paths are relative to the folder holding `schemagen.toml`.

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
}

/// `[prisma]` settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PrismaConfig {
    /// The schema file.
    pub schema: Option<PathBuf>,
    /// `"prisma"` or `"pascal"`.
    pub naming: Option<String>,
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
            None => (PathBuf::from(FILE_NAME), false),
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
        Ok(c)
    }
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
