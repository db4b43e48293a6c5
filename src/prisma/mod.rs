//! `schema.prisma` from a [`Catalog`], byte for byte as `prisma db pull` (Prisma 7.10's schema
//! engine) renders the same database, keeping what re-introspection keeps from the previous
//! schema.
//!
//! ```no_run
//! use schemagen::prisma::{render_schema, PrismaOptions};
//! # let catalog = schemagen::catalog::Catalog::default();
//! let previous = std::fs::read_to_string("prisma/schema.prisma").ok();
//! let rendered = render_schema(&catalog, previous.as_deref(), &PrismaOptions::default())?;
//! std::fs::write("prisma/schema.prisma", &rendered.text)?;
//! eprint!("{}", rendered.warnings);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The pipeline reads `parse → describe → calculate → render`:
//!
//! * [`parse`]: the previous schema text → [`ast`] (errors with line and column);
//! * [`previous`]: the tree resolved (database names, relations, indexes);
//! * [`describe`]: the catalog as the engine's describer sees it (only the introspected
//!   schemas, domains resolved, indexes merged, foreign keys leaving those schemas set apart);
//! * [`calculate`]: the engine's introspection rules → [`dm::Datamodel`] + [`warnings::Warnings`];
//! * [`render`]: the view model laid out as `psl::reformat` does, joined by the tera template.
//!
//! The rules come from the engine's source (see `shared/reference/prisma-introspection-rules.md`)
//! and are checked against the real engine (the `oracle/` scripts) by the `prisma_render*` tests;
//! `src/prisma/NOTES.md` lists the figures, what the oracle taught beyond the reference, and what
//! is left out.
//!
//! [`Naming::Pascal`] renames what the previous schema does not name (PascalCase models and
//! enums, camelCase fields, relation fields named after their foreign keys; see [`naming`]), as a
//! user would by hand: Prisma's own re-introspection keeps those names.
//!
//! Where `db pull` would stop — a foreign key into a schema the datasource does not list
//! (`auth.users` without `schemas = ["auth", "public"]`) — the schema is rendered without that
//! relation and [`Rendered::notices`] says what to add.

pub mod ast;
pub mod calculate;
pub mod config;
pub mod defaults;
pub mod describe;
pub mod dm;
pub mod lower;
pub mod names;
pub mod naming;
pub mod parse;
pub mod previous;
pub mod render;
pub mod warnings;

use std::fmt;

use crate::catalog::Catalog;

pub use naming::Naming;
pub use parse::ParseError;

/// Options of [`render_schema`].
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

/// The previous schema does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// Every problem found, with line and column.
    pub errors: Vec<ParseError>,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl SchemaError {
    /// The errors as `path:line:column: error: message` lines (the shape compilers use, so that
    /// editors and terminals link them).
    pub fn render(&self, path: &str) -> String {
        self.errors
            .iter()
            .map(|e| format!("{path}:{}:{}: error: {}\n", e.line, e.column, e.message))
            .collect()
    }
}

impl std::error::Error for SchemaError {}

/// Renders `catalog` as `schema.prisma`.
///
/// `previous` is the existing schema (re-introspection: custom names, `@map`s, relation names,
/// documentation, `@updatedAt`, client-side defaults, `@ignore`, block order and the
/// generator/datasource blocks are kept as Prisma keeps them); without one, a fresh schema with
/// `generator client` (`prisma-client`) and `datasource db` (`postgresql`) is made.
///
/// # Errors
/// When `previous` does not parse (every error, with line and column).
pub fn render_schema(
    catalog: &Catalog,
    previous: Option<&str>,
    opts: &PrismaOptions,
) -> Result<Rendered, SchemaError> {
    let ast = match previous {
        Some(text) => {
            let (ast, errors) = parse::parse_schema(text);
            if !errors.is_empty() {
                return Err(SchemaError { errors });
            }
            ast
        }
        None => ast::SchemaAst::default(),
    };
    let prev = previous::Previous::new(&ast);
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
    let mut calc = calculate::Calc::new(&db, &prev, calc_opts);
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
        config: config::render(&prev, result.has_partial_index),
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
    let mut notices = config::dropped_datasource_properties(&prev);
    notices.extend(cross_schema_notices(&db, &namespaces, &datasource));
    Ok(Rendered {
        text,
        warnings: result.warnings.text(),
        notices,
    })
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
                .map(|s| names::string_literal(s))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    out
}
