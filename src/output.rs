//! Writing outputs: atomically (temporary file in the same folder, then rename), only when the
//! content changed, or checked against what is on disk without writing.

use std::path::Path;

use crate::error::{Error, Result};

/// What [`persist`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The file was created or replaced.
    Changed,
    /// The file already had this content; it was not touched.
    Unchanged,
}

/// Writes `content` to `path` unless it already holds exactly that. The write goes to a
/// temporary file in the same folder that is then renamed over `path`, so a failed run never
/// leaves a half-written file. Missing parent folders are created.
///
/// # Errors
/// When the folder cannot be created or the file cannot be written.
pub fn persist(path: &Path, content: &str) -> Result<Written> {
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
pub fn create_new(path: &Path, content: &str) -> Result<()> {
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
    let mut tmp = tempfile::Builder::new()
        .prefix(".schemagen-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    std::io::Write::write_all(&mut tmp, content.as_bytes()).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    Ok(tmp)
}

/// A unified diff from the file on disk (`old`, empty if absent) to `new`, labelled with `path`;
/// empty when they are equal.
pub fn unified_diff(path: &Path, old: &str, new: &str) -> String {
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
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let d = unified_diff(Path::new("x"), "a\nb\n", "a\nc\n");
        assert!(d.contains("-b\n") && d.contains("+c\n"), "{d}");
        assert!(unified_diff(Path::new("x"), "a\n", "a\n").is_empty());
    }
}
