//! Finding the migration files the Supabase CLI would apply, in the order it applies them.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Sources};
use crate::error::{Error, Result};

/// One migration file.
#[derive(Debug, Clone)]
pub struct MigrationFile {
    /// The version prefix (`20240101120000`).
    pub version: String,
    /// The name after the first `_`, without `.sql`.
    pub name: String,
    /// Path of the file.
    pub path: PathBuf,
    /// The file's text in [`Sources`].
    pub file: FileId,
}

/// Whether a file name is one the Supabase CLI applies: `^[0-9]+_.*\.sql$`.
/// Returns the version and the name.
pub fn parse_migration_name(file_name: &str) -> Option<(&str, &str)> {
    let stem = file_name.strip_suffix(".sql")?;
    let underscore = stem.find('_')?;
    let version = &stem[..underscore];
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version, &stem[underscore + 1..]))
}

/// A migration file found in the folder, not read yet.
#[derive(Debug, Clone)]
pub struct ListedMigration {
    /// The version prefix (`20240101120000`).
    pub version: String,
    /// The name after the first `_`, without `.sql`.
    pub name: String,
    /// Path of the file.
    pub path: PathBuf,
}

/// Lists the migrations folder `dir`: the files the Supabase CLI would apply, sorted by version.
/// Other entries are reported as warnings and skipped; two files with the same version are an
/// error.
pub fn list_migrations(dir: &Path, diags: &mut Diagnostics) -> Result<Vec<ListedMigration>> {
    // Sorted here by plain string keys: walkdir's own sorting compares paths component by
    // component, which costs more than everything else on folders of thousands of files.
    let mut found: Vec<(String, ListedMigration)> = Vec::new();
    let mut skipped: Vec<(String, PathBuf)> = Vec::new();
    let walker = walkdir::WalkDir::new(dir).min_depth(1).max_depth(1);
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(
                path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("walk failed")),
            )
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let file_name = entry.file_name().to_string_lossy().into_owned();
        match parse_migration_name(&file_name) {
            Some((version, name)) => {
                let listed = ListedMigration {
                    version: version.to_string(),
                    name: name.to_string(),
                    path: entry.into_path(),
                };
                found.push((file_name, listed));
            }
            None => skipped.push((file_name, entry.into_path())),
        }
    }
    skipped.sort();
    for (_, path) in skipped {
        diags.push(
            Diagnostic::warning(
                format!(
                    "{}: skipped: the Supabase CLI only applies files named <version>_<name>.sql",
                    path.display()
                ),
                None,
            )
            .with_help("rename it to match ^[0-9]+_.*\\.sql$ if it should be applied"),
        );
    }
    found.sort_by(|(an, a), (bn, b)| a.version.cmp(&b.version).then_with(|| an.cmp(bn)));
    let found: Vec<ListedMigration> = found.into_iter().map(|(_, m)| m).collect();
    for pair in found.windows(2) {
        if pair[0].version == pair[1].version {
            diags.error(
                format!(
                    "{} and {} have the same version {}: the Supabase CLI refuses to apply both",
                    pair[0].path.display(),
                    pair[1].path.display(),
                    pair[1].version
                ),
                None,
            );
        }
    }
    Ok(found)
}

/// The largest migration file read (a bigger one is an error, not read): far above any real
/// migration, and bounded so that a device or a runaway file cannot exhaust memory.
pub const MAX_MIGRATION_BYTES: u64 = 256 << 20;

/// Reads one migration file's text. A file that cannot be a migration (not a regular file,
/// larger than [`MAX_MIGRATION_BYTES`], not UTF-8, holding a NUL byte) is skipped with the error
/// returned as `Ok(Err(diagnostic))`, naming file, line and column where there is one. A UTF-8
/// byte order mark at the start is not part of the text.
pub fn read_migration(path: &Path) -> Result<std::result::Result<String, Box<Diagnostic>>> {
    use std::io::Read;
    let skip = |what: String| Ok(Err(Box::new(Diagnostic::error(what, None))));
    // `metadata` follows symbolic links: what is read is what they point to.
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        let kind = file_kind(&meta);
        return skip(format!(
            "{}: not a regular file ({kind}); skipped: a migration is read from a regular file",
            path.display()
        ));
    }
    if meta.len() > MAX_MIGRATION_BYTES {
        return skip(format!(
            "{}: {} bytes, more than the {} MiB a migration may have; skipped",
            path.display(),
            meta.len(),
            MAX_MIGRATION_BYTES >> 20
        ));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_MIGRATION_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_MIGRATION_BYTES {
        return skip(format!(
            "{}: more than the {} MiB a migration may have; skipped",
            path.display(),
            MAX_MIGRATION_BYTES >> 20
        ));
    }
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let (line, col) = line_col(valid, at);
            return skip(format!(
                "{}:{line}:{col}: not valid UTF-8 (byte 0x{:02x}); skipped: PostgreSQL reads \
                 migrations as UTF-8",
                path.display(),
                bytes[at]
            ));
        }
    };
    if let Some(at) = text.find('\0') {
        let (line, col) = line_col(&text, at);
        return skip(format!(
            "{}:{line}:{col}: a NUL byte (\\0); skipped: PostgreSQL cannot receive one in a \
             statement",
            path.display()
        ));
    }
    Ok(Ok(text))
}

/// Line and column (1-based, in characters) of byte offset `at` of `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

/// What a file that is not a regular one is, for messages.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Reads the migrations folder `dir`: the files [`list_migrations`] finds, added to `sources`
/// in the order the Supabase CLI applies them.
pub fn read_migrations(
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<Vec<MigrationFile>> {
    let found = list_migrations(dir, diags)?;
    let mut files = Vec::with_capacity(found.len());
    for m in found {
        match read_migration(&m.path)? {
            Ok(text) => {
                let file = sources.add(m.path.clone(), text);
                files.push(MigrationFile {
                    version: m.version,
                    name: m.name,
                    path: m.path,
                    file,
                });
            }
            Err(d) => diags.push(*d),
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            parse_migration_name("20240101000000_init.sql"),
            Some(("20240101000000", "init"))
        );
        assert_eq!(parse_migration_name("1_.sql"), Some(("1", "")));
        assert_eq!(parse_migration_name("init.sql"), None);
        assert_eq!(parse_migration_name("2024-01-01_x.sql"), None);
        assert_eq!(parse_migration_name("20240101_x.sql.bak"), None);
        assert_eq!(parse_migration_name("_x.sql"), None);
    }
}
