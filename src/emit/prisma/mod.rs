//! `schema.prisma` from a [`Catalog`], byte for byte as `prisma db pull` (Prisma 7.10's schema
//! engine) renders the same database, keeping what re-introspection keeps from the previous
//! schema.
//!
//! [`render()`] is the entry point; [`crate::pipeline::render_schema`] parses the previous schema
//! and calls it.
//!
//! The pipeline reads `parse → describe → calculate → render`:
//!
//! * (before: [`prisma::parse()`](crate::prisma::parse()), the previous schema text →
//!   [`psl::ast`](crate::psl::ast), and [`psl::resolved`](crate::psl::resolved), the tree resolved
//!   to database names, relations, indexes);
//! * [`describe`]: the catalog as the engine's describer sees it (only the introspected
//!   schemas, domains resolved, indexes merged, foreign keys leaving those schemas set apart);
//! * [`calculate`]: the engine's introspection rules → [`dm::Datamodel`] + [`warnings::Warnings`];
//! * [`render`](mod@render): the view model laid out as `psl::reformat` does, joined by the tera template.
//!
//! The rules come from the engine's source (see `shared/reference/prisma-introspection-rules.md`)
//! and are checked against the real engine (the `oracle/` scripts) by the `prisma_render*` tests;
//! `src/emit/prisma/NOTES.md` lists the figures, what the oracle taught beyond the reference, and what
//! is left out.
//!
//! [`Naming::Pascal`] renames what the previous schema does not name (PascalCase models and
//! enums, camelCase fields, relation fields named after their foreign keys; see [`naming`]), as a
//! user would by hand: Prisma's own re-introspection keeps those names.
//!
//! Where `db pull` would stop — a foreign key into a schema the datasource does not list
//! (`auth.users` without `schemas = ["auth", "public"]`) — the schema is rendered without that
//! relation and [`Rendered::notices`] says what to add.

pub mod calculate;
pub mod config;
pub mod defaults;
pub mod describe;
pub mod dm;
pub mod family;
pub mod naming;
pub mod render;
pub mod warnings;

use crate::catalog::Catalog;
use crate::psl::resolved::Previous;

pub use naming::Naming;

/// Options of [`render_schema`](crate::pipeline::render_schema).
#[derive(Debug, Clone)]
pub struct PrismaOptions {
    /// How names are chosen for objects the previous schema does not name.
    pub naming: Naming,
    /// The schema introspected when the datasource has no `schemas` list (the connection's
    /// schema: `?schema=` of the URL, `public` by default).
    pub default_schema: String,
    /// The Prisma major version whose `db pull` output is written: 7 (the default) or 5/6
    /// (datasource keeps `url`, `directUrl`, `shadowDatabaseUrl`, `extensions`; a fresh schema
    /// gets `prisma-client-js`; partial indexes are not introspected).
    pub prisma_major: u32,
}

impl Default for PrismaOptions {
    fn default() -> Self {
        PrismaOptions {
            naming: Naming::Prisma,
            default_schema: "public".into(),
            prisma_major: 7,
        }
    }
}

/// A rendered schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The `schema.prisma` text.
    pub text: String,
    /// The warnings `prisma db pull` prints for this database (`*** WARNING ***` block), empty
    /// when there are none.
    pub warnings: String,
    /// What schemagen adds, one message each: problems the engine would stop at (a foreign key
    /// to a schema the datasource does not list) and what to change, and datasource properties
    /// of the previous schema that are not written any more (`url`, `extensions`).
    pub notices: Vec<String>,
    /// The schemas introspected (the datasource's `schemas`, or the connection's schema).
    pub namespaces: Vec<String>,
    /// No model, enum or view was rendered: `db pull` stops with P4001 ("The introspected
    /// database was empty") instead of writing this schema.
    pub empty: bool,
}

/// Renders `catalog` as `schema.prisma`.
///
/// `prev` is the existing schema, resolved (re-introspection: custom names, `@map`s, relation
/// names, documentation, `@updatedAt`, client-side defaults, `@ignore`, block order and the
/// generator/datasource blocks are kept as Prisma keeps them); with an empty one, a fresh schema
/// with `generator client` (`prisma-client`) and `datasource db` (`postgresql`) is made.
pub fn render(catalog: &Catalog, prev: &Previous, opts: &PrismaOptions) -> Rendered {
    let (dm, mut rendered) = calculate_datamodel(catalog, prev, opts);
    rendered.text = render::render(&dm).unwrap_or_else(|e| panic!("embedded template: {e}"));
    rendered
}

/// Where the blocks of a multi-file schema go (see [`render_files`]).
#[derive(Debug, Clone, Copy)]
pub struct Layout<'a> {
    /// The files of the previous schema.
    pub files: &'a [std::path::PathBuf],
    /// The file (index into `files`) of each previous block, by `(keyword, name)`: `model`,
    /// `view`, `enum`, `generator`, `datasource`.
    pub block_files: &'a std::collections::HashMap<(String, String), usize>,
    /// Where blocks the previous schema does not have go.
    pub new_file: &'a std::path::Path,
}

/// `render` for a schema kept in several files, as `db pull` writes one: every block goes back
/// to the file it came from, laid out in that file as in a one-file schema (generators and the
/// datasource first, then models, views and enums in the engine's order); new blocks go to
/// [`Layout::new_file`]; a file left without blocks holds a line break. [`Rendered::text`] is the whole
/// schema as one file would hold it.
pub fn render_files(
    catalog: &Catalog,
    prev: &Previous,
    opts: &PrismaOptions,
    layout: Layout<'_>,
) -> (Vec<(std::path::PathBuf, String)>, Rendered) {
    let (dm, mut rendered) = calculate_datamodel(catalog, prev, opts);
    let text = |dm: &dm::Datamodel| {
        render::render(dm).unwrap_or_else(|e| panic!("embedded template: {e}"))
    };
    rendered.text = text(&dm);
    let mut per: std::collections::BTreeMap<std::path::PathBuf, dm::Datamodel> = layout
        .files
        .iter()
        .map(|f| (f.clone(), dm::Datamodel::default()))
        .collect();
    let file_of = |keyword: &str, name: &str| {
        layout
            .block_files
            .get(&(keyword.to_string(), name.to_string()))
            .and_then(|&i| layout.files.get(i))
            .cloned()
            .unwrap_or_else(|| layout.new_file.to_path_buf())
    };
    for c in dm.config {
        per.entry(file_of(c.keyword, &c.name))
            .or_default()
            .config
            .push(c);
    }
    for b in dm.blocks {
        per.entry(file_of(b.kind.keyword(), &b.name))
            .or_default()
            .blocks
            .push(b);
    }
    // A file left without blocks holds one line break (the engine's output, checked).
    let files = per
        .into_iter()
        .map(|(f, dm)| {
            let t = if dm.config.is_empty() && dm.blocks.is_empty() {
                "\n".to_string()
            } else {
                text(&dm)
            };
            (f, t)
        })
        .collect();
    (files, rendered)
}

/// The engine's datamodel for `catalog`, and everything of [`Rendered`] but its text.
fn calculate_datamodel(
    catalog: &Catalog,
    prev: &Previous,
    opts: &PrismaOptions,
) -> (dm::Datamodel, Rendered) {
    let schemas = prev.schemas();
    let uses_namespaces = !schemas.is_empty();
    let namespaces = if uses_namespaces {
        schemas
    } else {
        vec![opts.default_schema.clone()]
    };
    let mut db = describe::describe(catalog, &namespaces);
    if opts.prisma_major <= 6 {
        // Prisma 6's describer does not read partial indexes at all: not even as expression
        // indexes (no warning, no doc comment; checked with its engine).
        for t in &mut db.tables {
            t.indexes.retain(|i| i.predicate.is_none());
            let indexes = &catalog.schemas[&t.schema].tables[&t.name].indexes;
            t.expression_indexes.retain(|e| {
                !indexes
                    .iter()
                    .any(|i| &i.name == e && i.predicate.is_some())
            });
        }
    }
    let calc_opts = calculate::CalcOptions {
        uses_namespaces,
        views: prev.has_preview_feature("views"),
    };
    let mut calc = calculate::Calc::new(&db, prev, calc_opts);
    calc.prepare();
    if opts.naming == Naming::Pascal {
        let mut o = naming::pascal_overrides(&calc);
        calc.overrides = o.clone();
        calc.prepare();
        naming::pascal_relation_overrides(&calc, &mut o);
        calc.overrides = o;
        calc.prepare();
    }
    let result = calculate::calculate(&calc);
    let empty = result.models.is_empty() && result.views.is_empty() && result.enums.is_empty();
    let extensions: Vec<(String, String)> = catalog
        .extensions
        .values()
        .map(|e| (e.name.clone(), e.schema.clone()))
        .collect();
    let mut dm = dm::Datamodel {
        config: config::render(
            prev,
            result.has_partial_index,
            opts.prisma_major,
            &extensions,
        ),
        blocks: Vec::new(),
    };
    dm.blocks.extend(result.models);
    dm.blocks.extend(result.views);
    dm.blocks.extend(result.enums);
    let datasource = prev
        .datasource
        .as_ref()
        .map_or("db".to_string(), |d| d.name.name.clone());
    let mut notices = config::dropped_datasource_properties(prev, opts.prisma_major);
    notices.extend(cross_schema_notices(&db, &namespaces, &datasource));
    let rendered = Rendered {
        text: String::new(),
        warnings: result.warnings.text(),
        notices,
        namespaces,
        empty,
    };
    (dm, rendered)
}

/// One notice per schema that foreign keys point into without being introspected: the count,
/// the list, and the exact `schemas = [...]` line to write.
fn cross_schema_notices(db: &describe::Db, namespaces: &[String], datasource: &str) -> Vec<String> {
    let mut by_schema: std::collections::BTreeMap<&str, Vec<&describe::CrossSchemaReference>> =
        std::collections::BTreeMap::new();
    for r in &db.cross_schema {
        by_schema
            .entry(r.missing_namespace.as_str())
            .or_default()
            .push(r);
    }
    by_schema
        .into_iter()
        .map(|(missing, refs)| {
            let mut wanted: Vec<String> = namespaces.to_vec();
            wanted.push(missing.to_string());
            wanted.sort();
            wanted.dedup();
            let list: Vec<String> = refs
                .iter()
                .map(|r| format!("  - `{}` -> `{}` ({})", r.from, r.to, r.constraint))
                .collect();
            let count = match refs.len() {
                1 => "1 foreign key points".to_string(),
                n => format!("{n} foreign keys point"),
            };
            format!(
                "{count} into schema \"{missing}\", which is not introspected: add \"{missing}\" \
                 to the schemas list of datasource {datasource} (schemas = [{}]). `prisma db pull` \
                 stops at this (P4002); the relations are left out until then.\n{}",
                wanted
                    .iter()
                    .map(|s| crate::psl::names::string_literal(s))
                    .collect::<Vec<_>>()
                    .join(", "),
                list.join("\n")
            )
        })
        .collect()
}
