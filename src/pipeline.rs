//! The pipelines: the only place where readers, the catalog and writers are put together. The
//! command line (and, later, the `build.rs` builder) call these functions and nothing else.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::config::Config;
use crate::diagnostics::{self, Diagnostics, Sources};
use crate::error::{self, Error, Result};
use crate::output::Outputs;
use crate::sql;

mod sql_from_prisma;

pub use crate::emit::prisma::{Naming, PrismaOptions, Rendered};
pub use crate::prisma::{ParseError, SchemaError};
pub use crate::sql::replay::ReplayStats;
pub use sql_from_prisma::{slug, sql_from_prisma, SqlFromPrisma, SqlMigration};

// Read → Replay

/// Reads a migrations folder and replays it on top of a fresh Supabase project's catalog.
///
/// Problems in the input are added to `diags` (errors included: the caller decides whether they
/// stop the run); the returned catalog is the best one that could be built.
///
/// # Errors
/// Only when the folder cannot be read.
pub fn replay_dir(dir: &Path, sources: &mut Sources, diags: &mut Diagnostics) -> Result<Catalog> {
    replay_dir_with_stats(dir, sources, diags).map(|(c, _)| c)
}

/// [`replay_dir`], also returning the statement counts.
///
/// # Errors
/// Only when the folder cannot be read.
pub fn replay_dir_with_stats(
    dir: &Path,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<(Catalog, ReplayStats)> {
    let listed = sql::source::list_migrations(dir, diags)?;
    let mut replayer = sql::replay::Replayer::new(sql::supabase::base_catalog());
    // Reading, tokenizing and parsing are independent per file: worker threads prepare batches
    // of files ahead (batch k on worker k mod N) while this thread replays them in order
    // (replay itself is sequential). The bounded channels balance the work: when replay falls
    // behind, the workers wait and leave it the cores. Every listed file gets the next id, a
    // skipped one too (as an empty file), so workers know the id each file will have.
    enum Loaded {
        File(
            Box<diagnostics::SourceFile>,
            diagnostics::FileId,
            sql::replay::Prepared,
        ),
        Skipped(std::path::PathBuf, Box<diagnostics::Diagnostic>),
        Failed(error::Error),
    }
    const BATCH: usize = 32;
    const WORKERS: usize = 2;
    let first_id = sources.len();
    let chunks: Vec<&[sql::source::ListedMigration]> = listed.chunks(BATCH).collect();
    let mut failure = None;
    std::thread::scope(|s| {
        let mut receivers = Vec::with_capacity(WORKERS);
        for worker in 0..WORKERS {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Loaded>>(2);
            let chunks = &chunks;
            let prepare = move || {
                for (c, chunk) in chunks.iter().enumerate().skip(worker).step_by(WORKERS) {
                    let mut batch = Vec::with_capacity(chunk.len());
                    for (i, m) in chunk.iter().enumerate() {
                        let id = diagnostics::FileId(first_id + c * BATCH + i);
                        match sql::source::read_migration(&m.path) {
                            Ok(Ok(text)) => {
                                let file = diagnostics::SourceFile::new(m.path.clone(), text);
                                let prepared = sql::replay::prepare(&file, id);
                                batch.push(Loaded::File(Box::new(file), id, prepared));
                            }
                            Ok(Err(d)) => batch.push(Loaded::Skipped(m.path.clone(), d)),
                            Err(e) => {
                                batch.push(Loaded::Failed(e));
                                let _ = tx.send(batch);
                                return;
                            }
                        }
                    }
                    if tx.send(batch).is_err() {
                        return;
                    }
                }
            };
            match std::thread::Builder::new()
                .name("schemagen-prepare".into())
                .spawn_scoped(s, prepare)
            {
                Ok(_) => receivers.push(rx),
                Err(e) => {
                    failure = Some(error::Error::io(dir, e));
                    return;
                }
            }
        }
        'replay: for c in 0..chunks.len() {
            let Ok(batch) = receivers[c % WORKERS].recv() else {
                break;
            };
            for loaded in batch {
                match loaded {
                    Loaded::File(file, expected_id, prepared) => {
                        let id = sources.push(*file);
                        debug_assert_eq!(id, expected_id, "file ids out of step");
                        replayer.replay_prepared(sources, id, prepared, diags);
                    }
                    Loaded::Skipped(path, d) => {
                        sources.add(path, String::new());
                        diags.push(*d);
                    }
                    Loaded::Failed(e) => {
                        failure = Some(e);
                        break 'replay;
                    }
                }
            }
        }
    });
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(replayer.finish_with_stats())
}

// Replay → Render (prisma-from-sql)

/// The settings of [`prisma_from_sql`]: the command's flags over `schemagen.toml` over the
/// defaults.
#[derive(Debug, Clone)]
pub struct PrismaFromSql {
    /// The migrations folder.
    pub migrations: PathBuf,
    /// The schema to update (read as the previous schema when it exists).
    pub schema: PathBuf,
    /// Rendering options.
    pub options: PrismaOptions,
    /// Errors in the migrations are reported as warnings and the run goes on.
    pub keep_going: bool,
}

impl PrismaFromSql {
    /// Settings from flags (`None` when not given) over `config` over the defaults
    /// (`supabase/migrations`, `prisma/schema.prisma`, `prisma` naming).
    ///
    /// # Errors
    /// [`Error::Config`] when `config` names an unknown naming convention.
    pub fn resolve(
        config: Config,
        migrations: Option<PathBuf>,
        schema: Option<PathBuf>,
        naming: Option<Naming>,
        keep_going: bool,
    ) -> Result<Self> {
        let migrations = migrations
            .or(config.migrations)
            .unwrap_or_else(|| PathBuf::from("supabase/migrations"));
        let schema = schema
            .or(config.prisma.schema)
            .unwrap_or_else(|| PathBuf::from("prisma/schema.prisma"));
        let naming = match (naming, config.prisma.naming.as_deref()) {
            (Some(n), _) => n,
            (None, Some("pascal")) => Naming::Pascal,
            (None, None | Some("prisma")) => Naming::Prisma,
            (None, Some(other)) => {
                return Err(Error::Config(format!(
                "schemagen.toml: [prisma] naming = \"{other}\": expected \"prisma\" or \"pascal\""
            )))
            }
        };
        Ok(PrismaFromSql {
            migrations,
            schema,
            options: PrismaOptions {
                naming,
                ..Default::default()
            },
            keep_going,
        })
    }
}

/// What [`prisma_from_sql`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismaSchema {
    /// The new `schema.prisma`, at [`PrismaFromSql::schema`]; nothing is written yet.
    pub outputs: Outputs,
    /// The warnings `prisma db pull` prints for this database, empty when there are none.
    pub warnings: String,
    /// schemagen's own notices, one message each.
    pub notices: Vec<String>,
}

/// Replays the migrations and renders `schema.prisma` as `prisma db pull` would, keeping what
/// re-introspection keeps from the existing file. Nothing is written: the caller
/// [persists](Outputs::persist) or [checks](Outputs::check) the result.
///
/// Problems in the migrations are added to `diags`.
///
/// # Errors
/// [`Error::Diagnostics`] when the migrations have errors (unless `keep_going`),
/// [`Error::Schema`] when the existing schema does not parse, [`Error::Io`] when a file cannot
/// be read.
pub fn prisma_from_sql(
    settings: &PrismaFromSql,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<PrismaSchema> {
    let catalog = replay_dir(&settings.migrations, sources, diags)?;
    if settings.keep_going {
        diags.downgrade_errors();
    }
    if diags.has_errors() {
        return Err(Error::Diagnostics {
            errors: diags.error_count(),
            warnings: diags.warning_count(),
        });
    }
    let path = &settings.schema;
    let previous = match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(path, e)),
    };
    let rendered =
        render_schema(&catalog, previous.as_deref(), &settings.options).map_err(|e| {
            Error::Schema {
                path: path.clone(),
                located: e.render(&path.display().to_string()),
            }
        })?;
    let mut outputs = Outputs::new();
    outputs.insert(path.clone(), rendered.text);
    Ok(PrismaSchema {
        outputs,
        warnings: rendered.warnings,
        notices: rendered.notices,
    })
}

/// Renders `catalog` as `schema.prisma`, as `prisma db pull` would.
///
/// `previous` is the existing schema (re-introspection: custom names, `@map`s, relation names,
/// documentation, `@updatedAt`, client-side defaults, `@ignore`, block order and the
/// generator/datasource blocks are kept as Prisma keeps them); without one, a fresh schema with
/// `generator client` (`prisma-client`) and `datasource db` (`postgresql`) is made.
///
/// ```no_run
/// use schemagen::pipeline::{render_schema, PrismaOptions};
/// # let catalog = schemagen::catalog::Catalog::default();
/// let previous = std::fs::read_to_string("prisma/schema.prisma").ok();
/// let rendered = render_schema(&catalog, previous.as_deref(), &PrismaOptions::default())?;
/// std::fs::write("prisma/schema.prisma", &rendered.text)?;
/// eprint!("{}", rendered.warnings);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// When `previous` does not parse (every error, with line and column).
pub fn render_schema(
    catalog: &Catalog,
    previous: Option<&str>,
    opts: &PrismaOptions,
) -> std::result::Result<Rendered, SchemaError> {
    let ast = match previous {
        Some(text) => crate::prisma::parse(text)?,
        None => crate::psl::ast::SchemaAst::default(),
    };
    let prev = crate::psl::resolved::Previous::new(&ast);
    Ok(crate::emit::prisma::render(catalog, &prev, opts))
}

// Catalog → text (inspect)

/// The readable listing of `schemagen inspect`: the project's own schemas (the schemas Supabase
/// manages are left out).
pub fn catalog_text(catalog: &Catalog) -> String {
    crate::emit::text::render(catalog, &|s| !sql::supabase::MANAGED_SCHEMAS.contains(&s))
}
