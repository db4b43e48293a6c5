//! [`Builder`]: typed Rust table structs from a build script, straight from the migration files.
//!
//! # A complete setup
//!
//! `Cargo.toml` — schemagen is only a build-dependency; without its default features it builds
//! neither the command line nor the live-database client:
//!
//! ```toml
//! [dependencies]
//! tokio-postgres = "0.7"          # or `postgres` (blocking), or sqlx with `.backend(Backend::Sqlx)`
//! postgres-types = { version = "0.2", features = ["derive", "with-chrono-0_4", "with-uuid-1", "with-serde_json-1"] }
//! chrono = { version = "0.4", features = ["serde"] }
//! uuid = { version = "1", features = ["serde"] }
//! rust_decimal = { version = "1", features = ["db-postgres", "serde"] }
//! serde = { version = "1", features = ["derive"] }
//! serde_json = "1"
//!
//! [build-dependencies]
//! supabase-schemagen = { version = "0.1", default-features = false }
//! ```
//!
//! `build.rs`:
//!
//! ```no_run
//! fn main() {
//!     schemagen::Builder::new()
//!         .migrations_dir("supabase/migrations")
//!         .compile(); // → $OUT_DIR/schemagen/tables.rs
//! }
//! ```
//!
//! `src/db.rs` (or any module):
//!
//! ```ignore
//! include!(concat!(env!("OUT_DIR"), "/schemagen/tables.rs"));
//! ```
//!
//! and then, with one module per schema:
//!
//! ```ignore
//! use crate::db::public::{NewProfile, Profile, PlanTier};
//!
//! let new = NewProfile { email: "ada@example.com".into(), plan: Some(PlanTier::Pro), ... };
//! let (sql, params) = new.insert_statement();
//! let row = client.query_one(&sql, &params).await?;
//! let profile = Profile::try_from(&row)?;
//! let all: Vec<Profile> = client
//!     .query("SELECT * FROM public.profiles", &[]).await?
//!     .iter().map(Profile::try_from).collect::<Result<_, _>>()?;
//! ```
//!
//! # What `compile` does
//!
//! * Replays the migrations offline (no database) and generates the file in memory
//!   ([`Builder::generate`]).
//! * Writes `$OUT_DIR/schemagen/tables.rs` only when its content changed (atomically), so an
//!   unchanged schema never makes Cargo rebuild the crate.
//! * Prints `cargo:rerun-if-changed` for the migrations folder, every migration file and
//!   `schemagen.toml` (when it exists). Once a build script prints one such line, Cargo reruns it
//!   *only* for the paths listed, so the list names every input schemagen reads; add your own
//!   lines for anything else your build script reads (including `build.rs` itself).
//! * Settings come from `[rust]` in `schemagen.toml` (see [`crate::emit::rust::RustConfig`]);
//!   the Builder's methods win over the file.
//! * On errors in the migrations (or a bad setting) it prints the report, with file, line and
//!   column, to stderr and exits with status 1: the build fails with a readable message, not a
//!   panic. Warnings (statements schemagen does not understand, columns of types without a Rust
//!   mapping) are summarised as `cargo:warning` lines.
// The walkthrough shows build.rs whole, `fn main` included.
#![allow(clippy::needless_doctest_main)]

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostics, FileId, Sources};
use crate::emit::rust::{self as emit, Backend, RustConfig, RustOptions, TimeCrate};
use crate::error::{Error, Result};
use crate::output::{Outputs, Written};

/// What a [`Builder`] run read and found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The generated files.
    pub outputs: Outputs,
    /// The files written by [`Builder::try_compile`] and whether they changed.
    pub written: Vec<(PathBuf, Written)>,
    /// Every input: the migrations folder, each migration file, the configuration file.
    pub inputs: Vec<PathBuf>,
    /// Rendered warnings about the migrations (empty when none).
    pub warnings: String,
    /// Number of warnings in [`Report::warnings`].
    pub warning_count: usize,
    /// Columns whose type has no Rust mapping (`schema.table.column (type)`); they are `String`.
    pub fallbacks: Vec<String>,
}

impl Report {
    /// The `cargo:rerun-if-changed` lines for [`Report::inputs`].
    pub fn cargo_directives(&self) -> String {
        let mut s = String::new();
        for p in &self.inputs {
            s.push_str("cargo:rerun-if-changed=");
            s.push_str(&p.display().to_string());
            s.push('\n');
        }
        s
    }
}

/// Generates Rust table structs from a migrations folder, for build scripts (prost-build's
/// shape: option methods, then [`Builder::generate`] or [`Builder::compile`]). See the
/// module documentation (`src/builder.rs`) and `examples/build-script` for a complete setup.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    migrations: Option<PathBuf>,
    config: Option<PathBuf>,
    no_config: bool,
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
    settings: RustConfig,
    extra_derives: Vec<String>,
    emit_rerun: Option<bool>,
    keep_going: bool,
    inputs_label: Option<String>,
    per_schema_files: bool,
}

impl Builder {
    /// A builder with the defaults: `supabase/migrations`, `./schemagen.toml` if present,
    /// `$OUT_DIR/schemagen/tables.rs`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The migrations folder (default: `migrations` of `schemagen.toml`, else
    /// `supabase/migrations`).
    pub fn migrations_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.migrations = Some(dir.into());
        self
    }

    /// The configuration file (default: `schemagen.toml` if it exists).
    pub fn config_file(&mut self, path: impl Into<PathBuf>) -> &mut Self {
        self.config = Some(path.into());
        self.no_config = false;
        self
    }

    /// Reads no configuration file.
    pub fn no_config(&mut self) -> &mut Self {
        self.no_config = true;
        self.config = None;
        self
    }

    /// The folder to write to (default: `$OUT_DIR/schemagen`).
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The file name (default: `tables.rs`).
    pub fn file_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.file_name = Some(name.into());
        self
    }

    /// Emits this schema (call once per schema; default: every schema the migrations create
    /// or change, not Supabase's own `auth`, `storage`, …).
    pub fn schema(&mut self, name: impl Into<String>) -> &mut Self {
        self.settings
            .schemas
            .get_or_insert_with(Vec::new)
            .push(name.into());
        self
    }

    /// The database crate the code is for (default: [`Backend::Postgres`]).
    pub fn backend(&mut self, backend: Backend) -> &mut Self {
        self.settings.backend = Some(backend);
        self
    }

    /// `chrono` (default) or `time` for dates and times.
    pub fn time_crate(&mut self, time: TimeCrate) -> &mut Self {
        self.settings.time = Some(time);
        self
    }

    /// Whether to derive serde's traits (default: yes).
    pub fn serde(&mut self, on: bool) -> &mut Self {
        self.settings.serde = Some(on);
        self
    }

    /// Adds a derive to every struct (`"Eq"`, `"Hash"`, `"my::Trait"`).
    pub fn derive(&mut self, path: impl Into<String>) -> &mut Self {
        self.extra_derives.push(path.into());
        self
    }

    /// Maps a database type (`"vector"`, `"public.vector"`) to a Rust type.
    pub fn map_type(&mut self, sql: impl Into<String>, rust: impl Into<String>) -> &mut Self {
        self.settings.types.insert(sql.into(), rust.into());
        self
    }

    /// Maps one column (`"public.documents.embedding"` or `"documents.embedding"`) to a Rust
    /// type.
    pub fn map_column(&mut self, column: impl Into<String>, rust: impl Into<String>) -> &mut Self {
        self.settings.columns.insert(column.into(), rust.into());
        self
    }

    /// Whether to emit insert structs (default: yes).
    pub fn insert_structs(&mut self, on: bool) -> &mut Self {
        self.settings.insert_structs = Some(on);
        self
    }

    /// The crate that names `Row` and `Error` for the postgres backend (default
    /// `tokio_postgres`; `postgres` for the blocking client).
    pub fn postgres_crate(&mut self, name: impl Into<String>) -> &mut Self {
        self.settings.postgres_crate = Some(name.into());
        self
    }

    /// Whether [`Builder::compile`] prints `cargo:rerun-if-changed` lines (default: when
    /// `OUT_DIR` is set, i.e. in a build script).
    pub fn emit_rerun_if_changed(&mut self, on: bool) -> &mut Self {
        self.emit_rerun = Some(on);
        self
    }

    /// Reports errors in the migrations as warnings and generates from the best catalog that
    /// could be built.
    pub fn keep_going(&mut self, on: bool) -> &mut Self {
        self.keep_going = on;
        self
    }

    /// Writes `mod.rs` plus one file per schema instead of one file (default: one file).
    pub fn per_schema_files(&mut self, on: bool) -> &mut Self {
        self.per_schema_files = on;
        self
    }

    /// What the `@generated` header names as the input (default: the migrations folder).
    pub fn inputs_label(&mut self, label: impl Into<String>) -> &mut Self {
        self.inputs_label = Some(label.into());
        self
    }

    /// Replays the migrations and generates the file in memory, path relative to the output
    /// folder.
    ///
    /// # Errors
    /// When a file cannot be read, the configuration is invalid, or the migrations have errors
    /// ([`Error::Reported`]; see [`Builder::keep_going`]).
    pub fn generate(&self) -> Result<Outputs> {
        self.run().map(|r| r.outputs)
    }

    /// [`Builder::generate`], with what was read and the warnings.
    ///
    /// # Errors
    /// As [`Builder::generate`].
    pub fn run(&self) -> Result<Report> {
        let folder = self.per_schema_files;
        let mut inputs = Vec::new();
        let config_path = match (&self.config, self.no_config) {
            (_, true) => None,
            (Some(p), false) => Some(p.clone()),
            (None, false) => Some(PathBuf::from(crate::config::FILE_NAME)).filter(|p| p.exists()),
        };
        let config = match &config_path {
            Some(p) => {
                inputs.push(p.clone());
                crate::config::Config::load(Some(p))?
            }
            None => crate::config::Config::default(),
        };
        let dir = self
            .migrations
            .clone()
            .or(config.migrations.clone())
            .unwrap_or_else(|| PathBuf::from("supabase/migrations"));
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let catalog = crate::pipeline::replay_dir(&dir, &mut sources, &mut diags)?;
        inputs.push(dir.clone());
        inputs.extend((0..sources.len()).map(|i| sources.get(FileId(i)).path.clone()));
        if self.keep_going {
            diags.downgrade_errors();
        }
        if diags.has_errors() {
            return Err(Error::Reported {
                errors: diags.error_count(),
                report: diags.render(&sources),
            });
        }
        let mut opts = RustOptions::default();
        config.rust.apply(&mut opts);
        self.settings.apply(&mut opts);
        opts.derives.extend(self.extra_derives.iter().cloned());
        if opts.schemas.is_empty() {
            opts.schemas = catalog
                .schemas
                .keys()
                .filter(|s| !crate::sql::supabase::is_managed_schema(s))
                .cloned()
                .collect();
        }
        opts.inputs = vec![self
            .inputs_label
            .clone()
            .unwrap_or_else(|| slash_path(&dir))];
        let mut outputs = Outputs::new();
        let fallbacks = if folder {
            let (files, fallbacks) =
                emit::render_files(&catalog, &opts).map_err(|e| Error::Config(e.to_string()))?;
            for (name, text) in files {
                outputs.insert(name, text);
            }
            fallbacks
        } else {
            let (text, fallbacks) =
                emit::render(&catalog, &opts).map_err(|e| Error::Config(e.to_string()))?;
            outputs.insert(
                self.file_name.clone().unwrap_or_else(|| "tables.rs".into()),
                text,
            );
            fallbacks
        };
        Ok(Report {
            outputs,
            written: Vec::new(),
            inputs,
            warnings: diags.render(&sources),
            warning_count: diags.warning_count(),
            fallbacks,
        })
    }

    /// Generates and writes the file if its content changed, printing `cargo:rerun-if-changed`
    /// lines (see [`Builder::emit_rerun_if_changed`]).
    ///
    /// # Errors
    /// As [`Builder::generate`], and when `OUT_DIR` is not set and no [`Builder::out_dir`] was
    /// given, or the file cannot be written.
    pub fn try_compile(&self) -> Result<Report> {
        let out_env = std::env::var_os("OUT_DIR");
        let out_dir = match (&self.out_dir, &out_env) {
            (Some(d), _) => d.clone(),
            (None, Some(d)) => Path::new(d).join("schemagen"),
            (None, None) => {
                return Err(Error::Config(
                    "OUT_DIR is not set (not a build script?): give Builder::out_dir".into(),
                ))
            }
        };
        let mut report = self.run()?;
        report.written = report.outputs.rooted(&out_dir).persist()?;
        if self.emit_rerun.unwrap_or(out_env.is_some()) {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(report.cargo_directives().as_bytes());
            if report.warning_count > 0 {
                let _ = writeln!(
                    out,
                    "cargo:warning=schemagen: {} warning(s) in the migrations (see `schemagen inspect`)",
                    report.warning_count
                );
            }
            if !report.fallbacks.is_empty() {
                let _ = writeln!(
                    out,
                    "cargo:warning=schemagen: {} column(s) of types without a Rust mapping are String: {} (map them with Builder::map_type or [rust.types])",
                    report.fallbacks.len(),
                    report.fallbacks.join(", ")
                );
            }
        }
        if !report.warnings.is_empty() {
            let _ = std::io::stderr().write_all(report.warnings.as_bytes());
        }
        Ok(report)
    }

    /// [`Builder::try_compile`] for build scripts: on an error, prints the report (file, line,
    /// column, source excerpt) to stderr and exits with status 1, so the build fails with a
    /// readable message instead of a panic.
    pub fn compile(&self) {
        if let Err(e) = self.try_compile() {
            let _ = std::io::stderr().write_all(render_error(&e).as_bytes());
            std::process::exit(1);
        }
    }
}

/// The readable form of an error: diagnostics with their source excerpts, or the message and
/// its causes.
pub fn render_error(e: &Error) -> String {
    let mut s = String::from("\nschemagen: ");
    match e {
        Error::Reported { errors, report } => {
            s.push_str(&format!(
                "the migrations have {errors} error(s); nothing was generated\n\n"
            ));
            s.push_str(report);
        }
        other => {
            s.push_str(&other.to_string());
            let mut cause = std::error::Error::source(other);
            while let Some(c) = cause {
                s.push_str(&format!("\n  caused by: {c}"));
                cause = c.source();
            }
            s.push('\n');
        }
    }
    s
}

/// A path with `/` separators, for headers that do not depend on the platform.
fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}
