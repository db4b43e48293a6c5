//! Outputs: the files a pipeline produced, held in memory ([`Outputs`]: path → content) until the
//! caller decides what to do with them: [`persist`](Outputs::persist) them (atomically —
//! temporary file in the same folder, then rename — and only when the content changed),
//! [`check`](Outputs::check) them against what is on disk without writing, or print their
//! [`diff`](Outputs::diff).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Files produced by a pipeline, by path, in memory. Iteration is in path order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outputs {
    files: BTreeMap<PathBuf, String>,
}

/// A file whose content on disk is not what [`Outputs`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The file.
    pub path: PathBuf,
    /// A unified diff from the file on disk (empty if absent) to the new content.
    pub diff: String,
}

impl Outputs {
    /// No files.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, content: impl Into<String>) {
        self.files.insert(path.into(), content.into());
    }

    /// The content of `path`.
    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The files, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.iter().map(|(p, c)| (p.as_path(), c.as_str()))
    }

    /// How many files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// No files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The same files with `root` joined in front of every path (outputs generated with paths
    /// relative to a folder chosen later, such as a build script's `OUT_DIR`).
    pub fn rooted(&self, root: &Path) -> Outputs {
        Outputs {
            files: self
                .files
                .iter()
                .map(|(p, c)| (root.join(p), c.clone()))
                .collect(),
        }
    }

    /// Writes every file whose content changed (see `persist`); returns what was done to each,
    /// in path order.
    ///
    /// # Errors
    /// At the first file that cannot be written (the files before it are written).
    pub fn persist(&self) -> Result<Vec<(PathBuf, Written)>> {
        self.files
            .iter()
            .map(|(p, c)| Ok((p.clone(), persist(p, c)?)))
            .collect()
    }

    /// Writes every file as a new file (see `create_new`): nothing is written when one of them
    /// exists already.
    ///
    /// # Errors
    /// When a file exists, or cannot be written (the files before it are written).
    pub fn create_new(&self) -> Result<()> {
        for p in self.files.keys() {
            if p.exists() {
                return Err(Error::io(
                    p,
                    std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        "exists already; it is never overwritten",
                    ),
                ));
            }
        }
        for (p, c) in &self.files {
            create_new(p, c)?;
        }
        Ok(())
    }

    /// Compares every file with what is on disk, writing nothing; returns those that differ (a
    /// missing file differs unless its content is empty).
    ///
    /// # Errors
    /// When a file exists but cannot be read.
    pub fn check(&self) -> Result<Vec<Stale>> {
        let mut stale = Vec::new();
        for (path, content) in &self.files {
            let old = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(e) => return Err(Error::io(path, e)),
            };
            let diff = unified_diff(path, &old, content);
            if !diff.is_empty() {
                stale.push(Stale {
                    path: path.clone(),
                    diff,
                });
            }
        }
        Ok(stale)
    }

    /// The unified diffs of every stale file, one after the other; empty when all are current.
    ///
    /// # Errors
    /// When a file exists but cannot be read.
    pub fn diff(&self) -> Result<String> {
        Ok(self.check()?.into_iter().map(|s| s.diff).collect())
    }
}

/// What `persist` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file was created or replaced.
    Changed,
    /// The file already had this content; it was not touched.
    Unchanged,
}

/// Writes `content` to `path` unless it already holds exactly that. The write goes to a
/// temporary file in the same folder that is then renamed over `path`, so a failed run never
/// leaves a half-written file (nor the temporary file). Missing parent folders are created. A
/// replaced file keeps its permissions; a new one gets `0666` minus the umask, as `open` would
/// give it.
///
/// # Errors
/// When the folder cannot be created or the file cannot be written.
pub(crate) fn persist(path: &Path, content: &str) -> Result<Written> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(Written::Unchanged);
    }
    let tmp = staged(path, content)?;
    // Keep the permissions of the file being replaced.
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(Written::Changed)
}

/// Writes a new file; fails if `path` exists (migrations are never overwritten). Atomic like
/// [`persist`].
///
/// # Errors
/// When the file exists or cannot be written.
pub(crate) fn create_new(path: &Path, content: &str) -> Result<()> {
    let tmp = staged(path, content)?;
    tmp.persist_noclobber(path)
        .map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// `content` written and synced to a temporary file next to `path` (same folder, so the
/// final rename is atomic); the folder is created if missing.
fn staged(path: &Path, content: &str) -> Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".schemagen-").suffix(".tmp");
    // tempfile creates 0600 files; a new output should be like any file the user creates (the
    // mode given to open(2) is masked by the umask).
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, content.as_bytes()).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    Ok(tmp)
}

/// A unified diff from the file on disk (`old`, empty if absent) to `new`, labelled with `path`;
/// empty when they are equal.
pub(crate) fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let label = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{label}"), &format!("b/{label}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<std::ffi::OsString> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .filter(|n| n.to_string_lossy().ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn persist_writes_only_changes_and_create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/out.txt");
        assert_eq!(persist(&p, "a\n").unwrap(), Written::Changed);
        assert_eq!(persist(&p, "a\n").unwrap(), Written::Unchanged);
        assert_eq!(persist(&p, "b\n").unwrap(), Written::Changed);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "b\n");
        assert!(create_new(&p, "c\n").is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "b\n");
        assert!(leftovers(&dir.path().join("sub")).is_empty());
        let d = unified_diff(Path::new("x"), "a\nb\n", "a\nc\n");
        assert!(d.contains("-b\n") && d.contains("+c\n"), "{d}");
        assert!(unified_diff(Path::new("x"), "a\n", "a\n").is_empty());
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder where the file should go: the rename fails.
        let p = dir.path().join("taken");
        std::fs::create_dir(&p).unwrap();
        assert!(persist(&p, "x").is_err());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_usual_mode_and_replaced_files_keep_theirs() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // What open(2) gives a new file under the current umask.
        let reference = dir.path().join("reference");
        std::fs::write(&reference, "").unwrap();
        let p = dir.path().join("new.txt");
        persist(&p, "a").unwrap();
        assert_eq!(mode(&p), mode(&reference));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        persist(&p, "b").unwrap();
        assert_eq!(mode(&p), 0o640);
    }

    #[test]
    fn outputs_persist_check_and_diff() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("nested/b.txt");
        let mut out = Outputs::new();
        out.insert(&b, "b\n");
        out.insert(&a, "a\n");
        assert_eq!(out.len(), 2);
        assert_eq!(out.get(&a), Some("a\n"));
        let stale = out.check().unwrap();
        assert_eq!(
            stale.iter().map(|s| s.path.clone()).collect::<Vec<_>>(),
            [a.clone(), b.clone()]
        );
        assert!(!a.exists(), "check writes nothing");
        assert!(out.diff().unwrap().contains("+a\n"));
        let written = out.persist().unwrap();
        assert_eq!(
            written,
            [(a.clone(), Written::Changed), (b.clone(), Written::Changed)]
        );
        assert!(out.check().unwrap().is_empty());
        assert!(out.diff().unwrap().is_empty());
        out.insert(&a, "a2\n");
        let written = out.persist().unwrap();
        assert_eq!(written[0], (a.clone(), Written::Changed));
        assert_eq!(written[1], (b.clone(), Written::Unchanged));
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a2\n");
    }
}
