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
}

impl Default for PrismaOptions {
    fn default() -> Self {
        PrismaOptions {
            naming: Naming::Prisma,
            default_schema: "public".into(),
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
}

/// Renders `catalog` as `schema.prisma`.
///
/// `prev` is the existing schema, resolved (re-introspection: custom names, `@map`s, relation
/// names, documentation, `@updatedAt`, client-side defaults, `@ignore`, block order and the
/// generator/datasource blocks are kept as Prisma keeps them); with an empty one, a fresh schema
/// with `generator client` (`prisma-client`) and `datasource db` (`postgresql`) is made.
pub fn render(catalog: &Catalog, prev: &Previous, opts: &PrismaOptions) -> Rendered {
    let schemas = prev.schemas();
    let uses_namespaces = !schemas.is_empty();
    let namespaces = if uses_namespaces {
        schemas
    } else {
        vec![opts.default_schema.clone()]
    };
    let db = describe::describe(catalog, &namespaces);
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
    let mut dm = dm::Datamodel {
        config: config::render(prev, result.has_partial_index),
        blocks: Vec::new(),
    };
    dm.blocks.extend(result.models);
    dm.blocks.extend(result.views);
    dm.blocks.extend(result.enums);
    let text = render::render(&dm).unwrap_or_else(|e| panic!("embedded template: {e}"));
    let datasource = prev
        .datasource
        .as_ref()
        .map_or("db".to_string(), |d| d.name.name.clone());
    let mut notices = config::dropped_datasource_properties(prev);
    notices.extend(cross_schema_notices(&db, &namespaces, &datasource));
    Rendered {
        text,
        warnings: result.warnings.text(),
        notices,
    }
}

fn cross_schema_notices(db: &describe::Db, namespaces: &[String], datasource: &str) -> Vec<String> {
    let mut out = Vec::new();
    for r in &db.cross_schema {
        let mut wanted: Vec<String> = namespaces.to_vec();
        wanted.push(r.missing_namespace.clone());
        wanted.sort();
        wanted.dedup();
        out.push(format!(
            "`{}` points to `{}` in constraint `{}`, but schema \"{}\" is not introspected: \
             add \"{}\" to the schemas list of datasource {} (schemas = [{}]). \
             `prisma db pull` stops at this (P4002); the relation is left out until then.",
            r.from,
            r.to,
            r.constraint,
            r.missing_namespace,
            r.missing_namespace,
            datasource,
            wanted
                .iter()
                .map(|s| crate::psl::names::string_literal(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}
