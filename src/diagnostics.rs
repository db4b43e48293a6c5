//! Spans, diagnostics and their rendering.
//!
//! Every stage takes `&mut Diagnostics`, keeps going after a problem, and returns the best result
//! it could build (the Prisma engine's and cxx's way). Diagnostics point into [`Sources`] by byte
//! span, and are rendered with file, line and column and a source excerpt (codespan-reporting,
//! without colour so the text can be compared in tests).

use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic as cr;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// A loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as given (relative paths stay relative, so messages read like the user's command).
    pub path: PathBuf,
    /// The whole text.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps a path and its text.
    pub fn new(path: PathBuf, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.line_starts[line];
        let mut col_end = offset;
        while !self.text.is_char_boundary(col_end) {
            col_end -= 1;
        }
        (line + 1, self.text[start..col_end].chars().count() + 1)
    }

    /// Byte offset of a 1-based line and column (in characters).
    pub fn offset(&self, line: usize, col: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        rest.char_indices()
            .nth(col.saturating_sub(1))
            .map_or(self.text.len(), |(i, _)| start + i)
    }
}

/// All files a run has read, addressed by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<PathBuf>, text: String) -> FileId {
        self.files.push(SourceFile::new(path.into(), text));
        FileId(self.files.len() - 1)
    }

    /// Adds a file built with [`SourceFile::new`] and returns its id.
    pub fn push(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// `path:line:col` of a span's start.
    pub fn location(&self, span: Span) -> String {
        let f = self.get(span.file);
        let (l, c) = f.line_col(span.start);
        format!("{}:{}:{}", f.path.display(), l, c)
    }
}

impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<String, FilesError> {
        Ok(self.get(id).path.display().to_string())
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).text)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let f = self.get(id);
        Ok(match f.line_starts.binary_search(&byte_index) {
            Ok(l) => l,
            Err(l) => l - 1,
        })
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.get(id);
        let start = *f
            .line_starts
            .get(line_index)
            .ok_or(FilesError::LineTooLarge {
                given: line_index,
                max: f.line_starts.len() - 1,
            })?;
        let end = f
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(f.text.len());
        Ok(start..end)
    }
}

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file.
    pub file: FileId,
    /// Start byte offset.
    pub start: usize,
    /// End byte offset (exclusive).
    pub end: usize,
}

impl Span {
    /// A span.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end }
    }
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Stops the command before anything is written (unless `--keep-going`).
    Error,
    /// Reported; the run continues.
    Warning,
    /// Informational.
    Note,
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Main message.
    pub message: String,
    /// Where it happened.
    pub span: Option<Span>,
    /// Label shown at the span.
    pub label: Option<String>,
    /// Suggested fix.
    pub help: Option<String>,
    /// An error that `--keep-going` let through as a warning: still shown under `--quiet`, and
    /// counted apart in the summary.
    pub passed_over: bool,
}

impl Diagnostic {
    /// An error at a span.
    pub fn error(message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            help: None,
            passed_over: false,
        }
    }

    /// A warning at a span.
    pub fn warning(message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message, span)
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a label at the span.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// One line: `path:line:col: error: message`.
    pub fn one_line(&self, sources: &Sources) -> String {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        match self.span {
            Some(span) => format!(
                "{}: {}: {}",
                sources.location(span),
                sev,
                escape_controls(&self.message)
            ),
            None => format!("{}: {}", sev, escape_controls(&self.message)),
        }
    }
}

/// Diagnostics gathered during a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds an error.
    pub fn error(&mut self, message: impl Into<String>, span: Option<Span>) {
        self.push(Diagnostic::error(message, span));
    }

    /// Adds a warning.
    pub fn warning(&mut self, message: impl Into<String>, span: Option<Span>) {
        self.push(Diagnostic::warning(message, span));
    }

    /// All diagnostics in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Turns every error into a warning marked [`Diagnostic::passed_over`] (`--keep-going`);
    /// returns how many there were.
    pub fn downgrade_errors(&mut self) -> usize {
        let mut n = 0;
        for d in &mut self.items {
            if d.severity == Severity::Error {
                d.severity = Severity::Warning;
                d.passed_over = true;
                n += 1;
            }
        }
        n
    }

    /// Number of errors `--keep-going` let through ([`Diagnostics::downgrade_errors`]).
    pub fn passed_over_count(&self) -> usize {
        self.items.iter().filter(|d| d.passed_over).count()
    }

    /// Moves all diagnostics of `other` into `self`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Renders every diagnostic with a source excerpt, without colour.
    pub fn render(&self, sources: &Sources) -> String {
        let mut out = String::new();
        let config = term::Config::default();
        for d in &self.items {
            let sev = match d.severity {
                Severity::Error => cr::Severity::Error,
                Severity::Warning => cr::Severity::Warning,
                Severity::Note => cr::Severity::Note,
            };
            let mut diag = cr::Diagnostic::new(sev).with_message(escape_controls(&d.message));
            if let Some(span) = d.span {
                let mut label = cr::Label::primary(span.file, span.start..span.end);
                if let Some(l) = &d.label {
                    label = label.with_message(escape_controls(l));
                }
                diag = diag.with_labels(vec![label]);
            }
            if let Some(h) = &d.help {
                diag = diag.with_notes(vec![format!("help: {}", escape_controls(h))]);
            }
            if term::emit_to_string(&mut out, &config, sources, &diag).is_err() {
                // Fall back to the one-line form if the span is out of range.
                out.push_str(&d.one_line(sources));
                out.push('\n');
            }
        }
        out
    }

    /// Renders every diagnostic as one line each.
    pub fn render_short(&self, sources: &Sources) -> String {
        let mut s = String::new();
        for d in &self.items {
            s.push_str(&d.one_line(sources));
            s.push('\n');
        }
        s
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// `text` with its control characters (but line breaks) escaped as Rust escapes them (`\u{1}`),
/// so that a message quoting user input never sends raw control bytes to the terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() && c != '\n' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Path relative to the current directory when possible, for shorter messages.
pub fn display_path(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
}
