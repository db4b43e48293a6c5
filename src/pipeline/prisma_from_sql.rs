//! Replay → render: `prisma-from-sql`, its settings and the schema `db pull` would write.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::config::Config;
use crate::diagnostics::{Diagnostics, Sources};
use crate::error::{Error, Result};
use crate::output::Outputs;
use crate::sql;

use super::{replay_dir_with_stats, stop_on_errors, Naming, PrismaOptions, Rendered, SchemaError};

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
    /// The Prisma major given by a flag or `schemagen.toml`; `None`: detected (see
    /// [`prisma_from_sql`]).
    pub prisma_major: Option<u32>,
}

impl PrismaFromSql {
    /// Settings from flags (`None` when not given) over `config` over the defaults
    /// (`supabase/migrations`; the schema where Prisma finds it — `prisma.config.ts`
    /// `schema`, `package.json` `prisma.schema`, `prisma/schema.prisma`, `./schema.prisma` —
    /// else `prisma/schema.prisma`; `prisma` naming). Defaults are relative to the folder of the
    /// configuration file when there is one.
    ///
    /// # Errors
    /// [`Error::Config`] when `config` names an unknown naming convention or the version is not
    /// 5, 6 or 7.
    pub fn resolve(
        config: Config,
        migrations: Option<PathBuf>,
        schema: Option<PathBuf>,
        naming: Option<Naming>,
        keep_going: bool,
    ) -> Result<Self> {
        let root = config.root.clone().unwrap_or_default();
        let migrations = migrations
            .or(config.migrations)
            .unwrap_or_else(|| root.join("supabase/migrations"));
        let schema = schema.or(config.prisma.schema).unwrap_or_else(|| {
            crate::prisma::project::find_schema(&root)
                .map(|f| f.value)
                .unwrap_or_else(|| root.join("prisma/schema.prisma"))
        });
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
            prisma_major: config.prisma.version,
        })
    }

    /// A Prisma major given on the command line (over `schemagen.toml`).
    ///
    /// # Errors
    /// [`Error::Config`] unless it is 5, 6 or 7.
    pub fn with_prisma_major(mut self, major: Option<u32>) -> Result<Self> {
        if let Some(m) = major {
            if !(5..=7).contains(&m) {
                return Err(Error::Config(format!(
                    "--prisma-version {m}: expected 5, 6 or 7"
                )));
            }
            self.prisma_major = Some(m);
        }
        Ok(self)
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
    /// The Prisma major written for, and how it was chosen (`"package.json"`, …).
    pub prisma_major: (u32, String),
    /// Models, views and enums in the output.
    pub blocks: usize,
}

/// Replays the migrations and renders `schema.prisma` as `prisma db pull` would, keeping what
/// re-introspection keeps from the existing file. Nothing is written: the caller
/// [persists](Outputs::persist) or [checks](Outputs::check) the result.
///
/// Problems in the migrations are added to `diags`.
///
/// The Prisma major is the one set (flag, `schemagen.toml`), else the `prisma` /
/// `@prisma/client` version of the nearest `package.json` above the schema, else 6 when the
/// existing datasource has a `url` (Prisma 7 rejects it there), else 7.
///
/// Like `db pull` (P4001), a schema is never rewritten from nothing: no migration file, or
/// migrations that leave no table or enum in the datasource's schemas, stop the run with
/// [`Error::Empty`], naming the schemas to add when the tables are elsewhere.
///
/// # Errors
/// [`Error::Diagnostics`] when the migrations have errors (unless `keep_going`),
/// [`Error::Schema`] when the existing schema does not parse, [`Error::Io`] when a file cannot
/// be read, [`Error::Config`] when the migrations folder is missing or a file, [`Error::Empty`]
/// as above.
pub fn prisma_from_sql(
    settings: &PrismaFromSql,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<PrismaSchema> {
    let (catalog, stats) = replay_dir_with_stats(&settings.migrations, sources, diags)?;
    if stats.files == 0 {
        return Err(Error::Empty(format!(
            "{}: no migration files (the Supabase CLI applies files named <version>_<name>.sql); \
             nothing was written",
            settings.migrations.display()
        )));
    }
    if settings.keep_going {
        diags.downgrade_errors();
    }
    stop_on_errors(diags)?;
    let path = &settings.schema;
    // One file, or a folder of `.prisma` files (Prisma's multi-file schemas).
    let files = crate::prisma::files::SchemaFiles::load(path)?;
    let parsed = files.as_ref().map(|f| f.parse()).transpose()?;
    let empty_ast = crate::psl::ast::SchemaAst::default();
    let ast = parsed.as_ref().map_or(&empty_ast, |p| &p.ast);
    let prev = crate::psl::resolved::Previous::new(ast);
    let major = match settings.prisma_major {
        Some(m) => (m, "set".to_string()),
        None => {
            let dir = match &files {
                Some(f) if f.folder => path.as_path(),
                _ => path.parent().unwrap_or(Path::new("")),
            };
            match crate::prisma::project::detect_major(dir) {
                Some(f) => (f.value, f.source.display().to_string()),
                None if prev
                    .datasource
                    .as_ref()
                    .is_some_and(|d| d.property("url").is_some()) =>
                {
                    (
                        6,
                        format!("the `url` of the datasource in {}", path.display()),
                    )
                }
                None => (7, "default".to_string()),
            }
        }
    };
    let mut options = settings.options.clone();
    options.prisma_major = major.0;
    let mut outputs = Outputs::new();
    let rendered = match (&files, &parsed) {
        (Some(f), Some(p)) if f.folder => {
            // Each block back into its file, new ones where `db pull` puts them.
            let paths: Vec<PathBuf> = f.files.iter().map(|(p, _)| p.clone()).collect();
            let block_files = p.block_files();
            let new_file = f.introspection_file();
            let layout = crate::emit::prisma::Layout {
                files: &paths,
                block_files: &block_files,
                new_file: &new_file,
            };
            let (texts, rendered) =
                crate::emit::prisma::render_files(&catalog, &prev, &options, layout);
            for (p, t) in texts {
                outputs.insert(p, t);
            }
            rendered
        }
        _ => {
            let rendered = crate::emit::prisma::render(&catalog, &prev, &options);
            outputs.insert(path.clone(), rendered.text.clone());
            rendered
        }
    };
    if rendered.empty {
        return Err(Error::Empty(empty_message(
            &catalog,
            &settings.migrations,
            &rendered.namespaces,
            prev.datasource
                .as_ref()
                .map_or("db", |d| d.name.name.as_str()),
        )));
    }
    let blocks = rendered.text.lines().filter(|l| is_block_start(l)).count();
    Ok(PrismaSchema {
        outputs,
        warnings: rendered.warnings,
        notices: rendered.notices,
        prisma_major: major,
        blocks,
    })
}

fn is_block_start(line: &str) -> bool {
    ["model ", "view ", "enum "]
        .iter()
        .any(|k| line.starts_with(k) && line.ends_with('{'))
}

/// P4001's message, and the schemas to add when the migrations made tables elsewhere.
fn empty_message(catalog: &Catalog, dir: &Path, namespaces: &[String], datasource: &str) -> String {
    let quoted = |v: &[String]| {
        v.iter()
            .map(|s| crate::psl::names::string_literal(s))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut msg = format!(
        "The introspected database was empty (P4001, as `prisma db pull` reports it): the \
         migrations in {} leave no table or enum in schema(s) {}; nothing was written",
        dir.display(),
        quoted(namespaces)
    );
    let elsewhere: Vec<String> = catalog
        .schemas
        .values()
        .filter(|s| !sql::supabase::is_managed_schema(&s.name))
        .filter(|s| !namespaces.contains(&s.name))
        .filter(|s| !s.tables.is_empty() || !s.enums.is_empty())
        .map(|s| s.name.clone())
        .collect();
    if !elsewhere.is_empty() {
        let mut wanted: Vec<String> = namespaces.iter().chain(&elsewhere).cloned().collect();
        wanted.sort();
        wanted.dedup();
        msg.push_str(&format!(
            ".\nThe tables are in schema(s) {}, which datasource {datasource} does not list: add \
             them to it:\n  schemas = [{}]",
            quoted(&elsewhere),
            quoted(&wanted)
        ));
    }
    msg
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
