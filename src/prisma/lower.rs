//! A Prisma schema → the [`Catalog`] it describes, as Postgres stores it.
//!
//! This is the way back from `schema.prisma` to the database: every model becomes the table it
//! describes, with the names, types, defaults and keys Postgres reports for it, so that the
//! result can be compared with (and later diffed against) the catalog the SQL migrations
//! replay to. Names, types and foreign key actions are those Prisma Migrate gives; where
//! Prisma has one spelling for several SQL forms (`now()` and `CURRENT_TIMESTAMP`, a unique
//! constraint and a unique index, an array literal and `ARRAY[…]`), the form Supabase
//! migrations use most is taken.
//!
//! ```
//! use schemagen::diagnostics::{Diagnostics, Sources};
//! use schemagen::prisma::lower::{lower, LowerOptions};
//!
//! let text = "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n";
//! let (ast, errors) = schemagen::prisma::parse::parse_schema(text);
//! assert!(errors.is_empty());
//! let mut sources = Sources::new();
//! let file = sources.add("schema.prisma", text.to_string());
//! let mut diags = Diagnostics::new();
//! let catalog = lower(&ast, file, &LowerOptions::default(), &mut diags);
//! let users = catalog.table("public", "User").unwrap();
//! assert_eq!(users.columns[0].default.as_deref(), Some("nextval('\"User_id_seq\"'::regclass)"));
//! assert_eq!(users.uniques[0].name, "User_email_key");
//! ```
//!
//! What each construct becomes:
//!
//! * `model` → a table named by `@@map` (else the model name) in the schema of `@@schema` (else
//!   [`LowerOptions::default_schema`]); `@@ignore`d models too (Prisma Migrate still creates
//!   them). `view` → a view with its columns; its query is not in the Prisma schema.
//! * scalar field → a column named by `@map`, typed as Prisma Migrate types it (`@db.*`, else
//!   the scalar's default native type: `String` → `text`, `DateTime` → `timestamp(3)`,
//!   `Decimal` → `numeric(65,30)`, …; a list → an array; `Unsupported("…")` → that SQL type);
//!   `NOT NULL` unless optional or a list. `@ignore`d fields too.
//! * `@default` → the text `pg_get_expr` prints for it (`lower/defaults.rs`; `docs/lowering.md` has the table); `autoincrement()` →
//!   a serial column: sequence `{table}_{column}_seq` and `nextval('…'::regclass)`;
//!   client-side defaults and `@updatedAt` → none.
//! * `@id`/`@@id` → the primary key; `@unique`/`@@unique` → unique constraints (unique indexes
//!   when they need a predicate or a sort order); `@@index` → indexes (method, sort order,
//!   operator classes, predicate) (`lower/keys.rs`).
//! * relation fields with `fields:`/`references:` → foreign keys (name `map:` or
//!   `{table}_{columns}_fkey`; actions as written, else `ON DELETE RESTRICT` (required) or
//!   `SET NULL` (optional) and `ON UPDATE CASCADE`); none with `relationMode = "prisma"`.
//!   Implicit many-to-many relations → their join table `_{relation}` (`lower/relations.rs`).
//! * `enum` → an enum type named by `@@map`, labels by `@map`, in order.
//!
//! Problems (an unknown type, a field an index names but the model lacks, a default that does
//! not fit its field) are reported into [`Diagnostics`] with their place; the rest of the
//! schema is still lowered.

mod defaults;
mod expressions;
mod keys;
mod relations;
mod types;

use crate::catalog::{Catalog, Column, EnumType, Schema, SqlType, Table, View};
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Span};
use crate::pg::deparse::supabase_display_path;
use crate::psl::ast::{Arity, Enum, Model, SchemaAst, Top};
use crate::psl::resolved::Previous;

use defaults::DefaultSpec;
use types::Scalar;

/// An attribute or type Prisma's validator rejects too (a `@db.*` type that does not belong to
/// its scalar, a `@default` that does not fit its field); reported at the attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttributeError {
    message: String,
}

impl AttributeError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        AttributeError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for AttributeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Options of [`lower`].
#[derive(Debug, Clone)]
pub struct LowerOptions<'a> {
    /// The schema of models without `@@schema` (the connection's schema: `?schema=` of the
    /// URL, `public` by default).
    pub default_schema: String,
    /// The database the Prisma schema lives in, for what Prisma does not describe: extension
    /// types (`citext`, `vector`), composite types and functions named in `dbgenerated(…)`
    /// defaults. Its tables, views, enums and sequences in the schemas the Prisma schema
    /// describes are ignored. Without one, names are resolved among Postgres's built-in types
    /// and functions, and other types are placed in the model's schema.
    pub context: Option<&'a Catalog>,
}

impl Default for LowerOptions<'_> {
    fn default() -> Self {
        LowerOptions {
            default_schema: "public".into(),
            context: None,
        }
    }
}

/// Lowers a parsed Prisma schema (`file` is where its text is, for diagnostics).
///
/// The catalog holds the schemas the Prisma schema describes (the datasource's `schemas`, else
/// [`LowerOptions::default_schema`]) and only what Prisma expresses: tables, columns,
/// primary keys, unique and plain indexes, foreign keys, enums, the sequences of
/// `autoincrement()` columns and views (columns only). See `docs/lowering.md` for what Prisma
/// cannot express.
pub fn lower(
    ast: &SchemaAst,
    file: FileId,
    opts: &LowerOptions<'_>,
    diags: &mut Diagnostics,
) -> Catalog {
    lower_files(ast, &[(0, file)], opts, diags)
}

/// [`lower`] for a schema of several files: `files` are `(start, file)` in increasing order,
/// where `start` is the offset at which the file's spans begin (see
/// [`crate::prisma::files::ParsedSchema::starts`]).
pub fn lower_files(
    ast: &SchemaAst,
    files: &[(usize, FileId)],
    opts: &LowerOptions<'_>,
    diags: &mut Diagnostics,
) -> Catalog {
    let mut l = Lowering::new(ast, files.to_vec(), opts, diags);
    l.enums();
    l.models();
    if !l.prev.relation_mode_prisma() {
        l.foreign_keys();
    }
    l.join_tables();
    l.expressions();
    l.out.sort();
    l.out
}

/// An enum found by its Prisma name.
struct FoundEnum {
    schema: String,
    /// Database name.
    name: String,
    /// `(Prisma name, database label)` of each value.
    values: Vec<(String, String)>,
}

/// Where a model went.
#[derive(Debug, Clone)]
struct Placed {
    schema: String,
    name: String,
    is_view: bool,
}

struct Lowering<'a> {
    models: Vec<&'a Model>,
    enums: Vec<&'a Enum>,
    prev: Previous,
    /// `(start, file)`: spans from `start` on are in `file`.
    files: Vec<(usize, FileId)>,
    diags: &'a mut Diagnostics,
    default_schema: String,
    /// Resolves names: the context without the described schemas' relations and enums; the
    /// lowered ones are added before expressions are normalised.
    ctx: Catalog,
    search_path: Vec<String>,
    out: Catalog,
    /// Each model's table or view, by model index.
    placed: Vec<Placed>,
    /// Defaults still to normalise: (schema, table, column index, what).
    pending: Vec<(String, String, usize, DefaultSpec, Span)>,
    /// Index predicates as written: (schema, table, index name, span).
    predicates: Vec<(String, String, String, Span)>,
}

impl<'a> Lowering<'a> {
    fn new(
        ast: &'a SchemaAst,
        files: Vec<(usize, FileId)>,
        opts: &LowerOptions<'_>,
        diags: &'a mut Diagnostics,
    ) -> Self {
        let prev = Previous::new(ast);
        let models = ast
            .tops
            .iter()
            .filter_map(|t| match t {
                Top::Model(m) => Some(m),
                _ => None,
            })
            .collect();
        let enums = ast
            .tops
            .iter()
            .filter_map(|t| match t {
                Top::Enum(e) => Some(e),
                _ => None,
            })
            .collect();
        let mut described = prev.schemas();
        if described.is_empty() {
            described.push(opts.default_schema.clone());
        }
        let mut out = Catalog::default();
        // The described schemas' relations, enums and sequences are not copied (they are
        // cleared: the schema file says what they are).
        let mut ctx = Catalog::default();
        if let Some(c) = opts.context {
            ctx.extensions = c.extensions.clone();
            for (n, s) in &c.schemas {
                let s = if described.contains(n) {
                    s.without_relations()
                } else {
                    s.clone()
                };
                ctx.schemas.insert(n.clone(), s);
            }
        }
        for s in &described {
            out.schemas.insert(s.clone(), Schema::new(s));
            ctx.schemas
                .entry(s.clone())
                .or_insert_with(|| Schema::new(s));
        }
        let mut search_path = vec![opts.default_schema.clone()];
        search_path.extend(supabase_display_path().iter().cloned());
        Lowering {
            models,
            enums,
            prev,
            files,
            diags,
            default_schema: opts.default_schema.clone(),
            ctx,
            search_path,
            out,
            placed: Vec::new(),
            pending: Vec::new(),
            predicates: Vec::new(),
        }
    }

    fn span(&self, span: &std::ops::Range<usize>) -> Span {
        let i = self
            .files
            .partition_point(|(start, _)| *start <= span.start)
            .saturating_sub(1);
        let (start, file) = self.files.get(i).copied().unwrap_or((0, FileId(0)));
        Span::new(
            file,
            span.start.saturating_sub(start),
            span.end.saturating_sub(start),
        )
    }

    fn error(&mut self, message: impl Into<String>, span: &std::ops::Range<usize>) {
        let span = self.span(span);
        self.diags.push(Diagnostic::error(message, Some(span)));
    }

    /// The schema `name` of the output, created when missing (a `@@schema` the datasource
    /// does not list is reported, and still lowered).
    fn schema_mut(&mut self, name: &str) -> &mut Schema {
        self.out
            .schemas
            .entry(name.to_string())
            .or_insert_with(|| Schema::new(name))
    }

    fn schema_of(&self, declared: Option<&String>) -> String {
        declared
            .cloned()
            .unwrap_or_else(|| self.default_schema.clone())
    }

    fn check_schema(&mut self, declared: Option<&String>, span: &std::ops::Range<usize>) {
        let listed = self.prev.schemas();
        if listed.is_empty() {
            return;
        }
        match declared {
            Some(s) if !listed.contains(s) => self.error(
                format!("schema \"{s}\" is not in the datasource's `schemas` list"),
                span,
            ),
            Some(_) => {}
            None => self.error(
                format!(
                    "`@@schema` is missing: the datasource lists schemas (\"{}\" is assumed)",
                    self.default_schema
                ),
                span,
            ),
        }
    }

    fn enums(&mut self) {
        for i in 0..self.enums.len() {
            let (e, pe) = (self.enums[i], self.prev.enums[i].clone());
            self.check_schema(pe.schema.as_ref(), &e.span);
            let schema = self.schema_of(pe.schema.as_ref());
            let name = pe.database_name().to_string();
            let values = pe.values.iter().map(|v| v.database_name().to_string());
            let ty = EnumType {
                name: name.clone(),
                values: values.collect(),
                ..Default::default()
            };
            self.schema_mut(&schema).enums.insert(name, ty);
        }
    }

    /// The enum with Prisma name `name`: its schema, database name and values.
    fn find_enum(&self, name: &str) -> Option<FoundEnum> {
        let e = self.prev.enums.iter().find(|e| e.name == name)?;
        let values = e
            .values
            .iter()
            .map(|v| (v.name.clone(), v.database_name().to_string()))
            .collect();
        Some(FoundEnum {
            schema: self.schema_of(e.schema.as_ref()),
            name: e.database_name().to_string(),
            values,
        })
    }

    fn models(&mut self) {
        for mi in 0..self.models.len() {
            let m = self.models[mi];
            let pm = self.prev.models[mi].clone();
            self.check_schema(pm.schema.as_ref(), &m.span);
            let schema = self.schema_of(pm.schema.as_ref());
            let name = pm.database_name().to_string();
            self.placed.push(Placed {
                schema: schema.clone(),
                name: name.clone(),
                is_view: m.is_view,
            });
            let columns = self.columns(mi, &schema, &name);
            if m.is_view {
                let view = View {
                    name: name.clone(),
                    columns,
                    ..Default::default()
                };
                self.schema_mut(&schema).views.insert(name, view);
                continue;
            }
            let mut problems = Vec::new();
            let k = keys::keys(m, &pm, &name, &mut problems);
            for (message, attr) in problems {
                self.error(message, &attr.span);
            }
            let mut indexes = Vec::new();
            for (index, span) in k.indexes {
                if index.predicate.is_some() {
                    let span = self.span(&span);
                    self.predicates
                        .push((schema.clone(), name.clone(), index.name.clone(), span));
                }
                indexes.push(index);
            }
            let mut table = Table::new(&name);
            table.columns = columns;
            if let Some(pk) = &k.primary_key {
                for c in &mut table.columns {
                    if pk.columns.contains(&c.name) {
                        c.not_null = true;
                    }
                }
            }
            table.primary_key = k.primary_key;
            table.uniques = k.uniques;
            table.indexes = indexes;
            if self.schema_mut(&schema).tables.contains_key(&name) {
                self.error(
                    format!("two models are mapped to table \"{schema}\".\"{name}\""),
                    &m.name.span,
                );
            }
            self.schema_mut(&schema).tables.insert(name, table);
        }
    }

    /// The columns of model `mi` (scalar fields, in order); defaults are queued.
    fn columns(&mut self, mi: usize, schema: &str, table: &str) -> Vec<Column> {
        let m = self.models[mi];
        let mut columns = Vec::new();
        for (fi, f) in m.fields.iter().enumerate() {
            let pf = &self.prev.models[mi].fields[fi];
            if pf.related_model.is_some() {
                continue;
            }
            let column_name = pf.database_name().to_string();
            let mut enum_values = Vec::new();
            let scalar = if f.ty.unsupported {
                Scalar::Unsupported(f.ty.name.clone())
            } else if let Some(s) = types::builtin_scalar(&f.ty.name) {
                Scalar::Builtin(s)
            } else if let Some(e) = self.find_enum(&f.ty.name) {
                enum_values = e.values;
                Scalar::Enum {
                    schema: e.schema,
                    name: e.name,
                }
            } else {
                self.error(
                    format!(
                        "type `{}` is neither a scalar type, an enum nor a model",
                        f.ty.name
                    ),
                    &f.ty.span,
                );
                continue;
            };
            let resolve = |n: &str| self.resolve_type(n, schema);
            let native = types::native_attribute(f);
            let ty = match types::column_type(&scalar, native, f.ty.arity, &resolve) {
                Ok(t) => t,
                Err(e) => {
                    let fallback = types::column_type(&scalar, None, f.ty.arity, &resolve)
                        .unwrap_or_else(|_| SqlType::builtin("text"));
                    let span = native.map_or(&f.span, |a| &a.span).clone();
                    self.error(e.to_string(), &span);
                    fallback
                }
            };
            let mut col = Column {
                name: column_name,
                not_null: f.ty.arity == Arity::Required && !m.is_view,
                ..Default::default()
            };
            if let Some(attr) = f.attribute("default").filter(|_| !m.is_view) {
                let list = f.ty.arity == Arity::List;
                let ty_sql = ty.format(true);
                match defaults::default_spec(attr, &scalar, list, &ty_sql, &enum_values) {
                    Ok(DefaultSpec::None) => {}
                    Ok(spec) => {
                        let span = self.span(&attr.span);
                        self.pending.push((
                            schema.to_string(),
                            table.to_string(),
                            columns.len(),
                            spec,
                            span,
                        ));
                    }
                    Err(e) => self.error(e.to_string(), &attr.span),
                }
            }
            col.ty = ty;
            columns.push(col);
        }
        columns
    }

    /// Places a type Prisma names without a schema: a type of the context found through the
    /// search path (an extension's type, a composite type, a domain), else one in `schema`.
    fn resolve_type(&self, name: &str, schema: &str) -> SqlType {
        let dt = sqlparser::ast::DataType::Custom(
            sqlparser::ast::ObjectName::from(vec![sqlparser::ast::Ident::with_quote('"', name)]),
            Vec::new(),
        );
        crate::pg::types::resolve_type(&dt, &self.ctx, &self.search_path)
            .unwrap_or_else(|_| SqlType::in_schema(schema, name))
    }

    /// The column of model `mi` for scalar field `field` (Prisma name).
    fn column_name(&self, mi: usize, field: &str) -> Option<String> {
        let pm = &self.prev.models[mi];
        let f = pm.fields.iter().find(|f| f.name == field)?;
        if f.related_model.is_some() {
            return None;
        }
        Some(f.database_name().to_string())
    }
}

#[cfg(test)]
mod tests;
