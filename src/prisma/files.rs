//! A Prisma schema on disk: one file, or a folder of `.prisma` files (Prisma's multi-file
//! schemas: the `prismaSchemaFolder` preview feature of Prisma 5.15–6.5, generally available
//! since 6.6), read as Prisma's `schema-files-loader` reads it:
//!
//! - a folder is read recursively; only files named `*.prisma` count; a symbolic link to a file
//!   is read where it points, one to a folder is passed over;
//! - every file is a regular file of at most [`MAX_SCHEMA_BYTES`], in UTF-8 (a byte that is not
//!   is an error naming file, line and column);
//! - each file is parsed on its own (errors name the file), then the blocks of all files form
//!   one schema, each remembering its file ([`SchemaFiles::parse`]).
//!
//! Where `db pull` writes (checked with the schema engine, `oracle/`): each block back into the
//! file it came from; new blocks into the only file of a one-file schema, else into
//! `introspected.prisma` in the schema folder ([`SchemaFiles::introspection_file`]); a file
//! without blocks (they are all gone, or it had only comments) is left holding a line break.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::psl::ast::{SchemaAst, Top};

/// The largest schema file read: far above any real schema, bounded so that a device or a
/// runaway file cannot exhaust memory.
pub const MAX_SCHEMA_BYTES: u64 = 64 << 20;

/// The file `db pull` writes new blocks to in a multi-file schema (in the schema folder).
pub const INTROSPECTION_FILE: &str = "introspected.prisma";

/// A schema's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaFiles {
    /// The schema as given: a file, or a folder.
    pub root: PathBuf,
    /// `root` is a folder.
    pub folder: bool,
    /// Every file with its text, in path order.
    pub files: Vec<(PathBuf, String)>,
}

/// A parsed schema: the blocks of every file, and the file of each.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSchema {
    /// The blocks of all files, file after file. Spans are offsets into the files' texts put
    /// one after the other, each followed by a line break: the file of a span is the last one
    /// starting at or before it ([`ParsedSchema::starts`]).
    pub ast: SchemaAst,
    /// The file (index into [`SchemaFiles::files`]) of each block of `ast.tops`.
    pub origin: Vec<usize>,
    /// Where each file's spans start.
    pub starts: Vec<usize>,
}

impl ParsedSchema {
    /// The file of each named block: `(keyword, name)` (`"model"`, `"view"`, `"enum"`,
    /// `"generator"`, `"datasource"`) → file index; the first file when a name is repeated.
    pub fn block_files(&self) -> HashMap<(String, String), usize> {
        let mut out = HashMap::new();
        for (top, &file) in self.ast.tops.iter().zip(&self.origin) {
            if let Some(key) = block_key(top) {
                out.entry(key).or_insert(file);
            }
        }
        out
    }
}

/// `(keyword, name)` of a top-level block (composite types have no place in a PostgreSQL
/// schema and are left out).
pub fn block_key(top: &Top) -> Option<(String, String)> {
    let (kw, name) = match top {
        Top::Generator(g) => ("generator", &g.name.name),
        Top::Datasource(d) => ("datasource", &d.name.name),
        Top::Model(m) if m.is_view => ("view", &m.name.name),
        Top::Model(m) => ("model", &m.name.name),
        Top::Enum(e) => ("enum", &e.name.name),
        Top::CompositeType(_) => return None,
    };
    Some((kw.to_string(), name.clone()))
}

impl SchemaFiles {
    /// Reads the schema at `path` (a file or a folder); `None` when nothing is there.
    ///
    /// # Errors
    /// [`Error::Schema`] when a file is not UTF-8, not a regular file or too large, or a folder
    /// holds no `.prisma` file; [`Error::Io`] when one cannot be read.
    pub fn load(path: &Path) -> Result<Option<SchemaFiles>> {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        if !meta.is_dir() {
            let text = read_schema_file(path)?;
            return Ok(Some(SchemaFiles {
                root: path.to_path_buf(),
                folder: false,
                files: vec![(path.to_path_buf(), text)],
            }));
        }
        let mut paths = Vec::new();
        collect(path, &mut paths)?;
        paths.sort();
        paths.dedup();
        if paths.is_empty() {
            return Err(Error::Schema {
                path: path.to_path_buf(),
                located: format!(
                    "{}: error: a schema folder holds no `.prisma` file: Prisma needs at least \
                     the one with the datasource\n",
                    path.display()
                ),
            });
        }
        let mut files = Vec::with_capacity(paths.len());
        for p in paths {
            let text = read_schema_file(&p)?;
            files.push((p, text));
        }
        Ok(Some(SchemaFiles {
            root: path.to_path_buf(),
            folder: true,
            files,
        }))
    }

    /// Parses every file; the blocks of all of them, in file order.
    ///
    /// # Errors
    /// [`Error::Schema`] with every problem of every file (`file:line:col: error: …`).
    pub fn parse(&self) -> Result<ParsedSchema> {
        let mut all = String::new();
        let mut starts = Vec::with_capacity(self.files.len());
        for (_, text) in &self.files {
            starts.push(all.len());
            all.push_str(text);
            all.push('\n');
        }
        let mut ast = SchemaAst::default();
        let mut origin = Vec::new();
        let mut located = String::new();
        for (i, (path, text)) in self.files.iter().enumerate() {
            let range = starts[i]..starts[i] + text.len();
            let (a, errors) = crate::prisma::parse::parse_schema_at(&all, range);
            if errors.is_empty() {
                origin.extend(std::iter::repeat_n(i, a.tops.len()));
                ast.tops.extend(a.tops);
            } else {
                let e = crate::prisma::SchemaError { errors };
                located.push_str(&e.render(&path.display().to_string()));
            }
        }
        if located.is_empty() {
            located = self.duplicate_names(&ast, &origin, &starts);
        }
        if !located.is_empty() {
            return Err(Error::Schema {
                path: self.root.clone(),
                located,
            });
        }
        Ok(ParsedSchema {
            ast,
            origin,
            starts,
        })
    }

    /// Names defined twice, as Prisma's validator reports them (`file:line:col: error: …`
    /// lines): two blocks of one namespace (models, views, enums and composite types share one;
    /// generators and datasources have their own), two fields of a block, two values of an
    /// enum. Empty when there are none. A block with `@@map`, a field or value with `@map` is
    /// not counted: `db pull` writes one for each database name that sanitises to the same
    /// Prisma name (`ok` and `ok @map("_ok")`, two `model public_my_table` for `my-table` and
    /// `my_table`), and schemagen reads back what it wrote.
    fn duplicate_names(&self, ast: &SchemaAst, origin: &[usize], starts: &[usize]) -> String {
        use crate::psl::ast::{Ident, Top};
        let mut out = String::new();
        let mut report = |top: usize, at: &Ident, message: String| {
            let file = origin.get(top).copied().unwrap_or(0);
            let (path, text) = &self.files[file];
            let start = starts.get(file).copied().unwrap_or(0);
            let (line, col) =
                crate::prisma::parse::line_col(text, at.span.start.saturating_sub(start));
            out.push_str(&format!(
                "{}:{line}:{col}: error: {message}\n",
                path.display()
            ));
        };
        let mut types: std::collections::HashMap<&str, &str> = Default::default();
        let mut configs: std::collections::HashMap<(&str, &str), ()> = Default::default();
        for (i, top) in ast.tops.iter().enumerate() {
            let (kind, name) = match top {
                Top::Model(m) if m.is_view => ("view", &m.name),
                Top::Model(m) => ("model", &m.name),
                Top::Enum(e) => ("enum", &e.name),
                Top::CompositeType(c) => ("type", &c.name),
                Top::Generator(g) => ("generator", &g.name),
                Top::Datasource(d) => ("datasource", &d.name),
            };
            let block_mapped = match top {
                Top::Model(m) => mapped(&m.attributes),
                Top::Enum(e) => mapped(&e.attributes),
                _ => false,
            };
            if block_mapped {
                // Counted with its fields or values only (see above).
            } else if matches!(kind, "generator" | "datasource") {
                if configs.insert((kind, &name.name), ()).is_some() {
                    report(i, name, format!("The {kind} \"{}\" cannot be defined because a {kind} with that name already exists.", name.name));
                }
            } else if let Some(first) = types.insert(&name.name, kind) {
                types.insert(&name.name, first);
                report(i, name, format!("The {kind} \"{}\" cannot be defined because a {first} with that name already exists.", name.name));
            }
            match top {
                Top::Model(m) | Top::CompositeType(m) => {
                    let mut seen = std::collections::HashSet::new();
                    for f in m.fields.iter().filter(|f| !mapped(&f.attributes)) {
                        if !seen.insert(f.name.name.as_str()) {
                            let what = if m.is_view { "view" } else { "model" };
                            report(
                                i,
                                &f.name,
                                format!(
                                    "Field \"{}\" is already defined on {what} \"{}\".",
                                    f.name.name, m.name.name
                                ),
                            );
                        }
                    }
                }
                Top::Enum(e) => {
                    let mut seen = std::collections::HashSet::new();
                    for v in e.values.iter().filter(|v| !mapped(&v.attributes)) {
                        if !seen.insert(v.name.name.as_str()) {
                            report(
                                i,
                                &v.name,
                                format!(
                                    "Value \"{}\" is already defined on enum \"{}\".",
                                    v.name.name, e.name.name
                                ),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Where `db pull` writes blocks the previous schema does not have: the only file of a
    /// one-file schema, else `introspected.prisma` in the schema folder.
    pub fn introspection_file(&self) -> PathBuf {
        match (self.folder, self.files.as_slice()) {
            (_, [(only, _)]) => only.clone(),
            (true, _) => self.root.join(INTROSPECTION_FILE),
            (false, _) => self.root.clone(),
        }
    }
}

/// Whether attributes hold `@map`.
fn mapped(attributes: &[crate::psl::ast::Attribute]) -> bool {
    attributes.iter().any(|a| a.name == "map")
}

/// The `.prisma` files under `dir`, recursively: a symbolic link to a file counts as the file
/// it points to; one to a folder is passed over (as Prisma's loader does).
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if kind.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "prisma") {
            if kind.is_symlink() {
                match std::fs::canonicalize(&path) {
                    Ok(real) if real.is_file() => out.push(real),
                    _ => {}
                }
            } else {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// One schema file's text (see the module documentation).
fn read_schema_file(path: &Path) -> Result<String> {
    use std::io::Read;
    let refuse = |what: String| Error::Schema {
        path: path.to_path_buf(),
        located: format!("{}: error: {what}\n", path.display()),
    };
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(refuse(
            "not a regular file: a schema is read from a regular file".into(),
        ));
    }
    if meta.len() > MAX_SCHEMA_BYTES {
        return Err(refuse(format!(
            "{} bytes, more than the {} MiB a schema file may have",
            meta.len(),
            MAX_SCHEMA_BYTES >> 20
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_SCHEMA_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_SCHEMA_BYTES {
        return Err(refuse(format!(
            "more than the {} MiB a schema file may have",
            MAX_SCHEMA_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        // Prisma reads schemas as UTF-8: name the first byte that is not.
        let at = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let (line, col) = crate::prisma::parse::line_col(valid, at);
        Error::Schema {
            path: path.to_path_buf(),
            located: format!(
                "{}:{line}:{col}: error: not valid UTF-8 (byte 0x{:02x}): Prisma reads schema \
                 files as UTF-8\n",
                path.display(),
                bytes[at]
            ),
        }
    })
}
