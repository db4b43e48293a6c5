//! Names and types, decided before anything is written: which schemas become modules, what each
//! table, view and type is called there, and the Rust type of every column.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::names::{ident, pascal_case, screaming_case, snake_case, Scope};
use super::typemap::{self, Backend};
use super::{OptionError, RustOptions};
use crate::catalog::{Catalog, Column, Identity, SqlType};

/// Everything the writers need.
pub(super) struct Plan<'a> {
    pub opts: &'a RustOptions,
    pub modules: Vec<ModulePlan>,
    pub any_enum: bool,
    pub fallbacks: Vec<String>,
    pub struct_derives: Vec<syn::Path>,
    pub enum_derives: Vec<syn::Path>,
}

/// One schema module.
pub(super) struct ModulePlan {
    pub schema: String,
    pub ident: Ident,
    pub enums: Vec<EnumPlan>,
    pub composites: Vec<CompositePlan>,
    pub domains: Vec<DomainPlan>,
    pub structs: Vec<StructPlan>,
}

/// An enum type.
pub(super) struct EnumPlan {
    pub schema: String,
    pub name: String,
    pub ident: Ident,
    pub comment: Option<String>,
    /// (variant, label) in PostgreSQL's order.
    pub variants: Vec<(Ident, String)>,
}

/// A composite type.
pub(super) struct CompositePlan {
    pub schema: String,
    pub name: String,
    pub ident: Ident,
    pub fields: Vec<FieldPlan>,
}

/// A domain: a type alias.
pub(super) struct DomainPlan {
    pub schema: String,
    pub name: String,
    pub ident: Ident,
    pub ty: TokenStream,
    pub base: String,
}

/// What a struct is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    Table,
    View,
    MaterializedView,
}

/// The row struct of a table or view, and the insert struct of a table.
pub(super) struct StructPlan {
    pub relation: Relation,
    pub schema: String,
    pub name: String,
    pub ident: Ident,
    pub insert_ident: Option<Ident>,
    pub comment: Option<String>,
    pub fields: Vec<FieldPlan>,
    /// Constant name per field, same order.
    pub consts: Vec<Ident>,
}

/// How a column appears in the insert struct.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Insert {
    /// A value must be given.
    Required,
    /// `Option`: `None` leaves the column to its default (or NULL).
    Optional,
    /// A generated column: not in the insert struct.
    Absent,
}

/// One field.
pub(super) struct FieldPlan {
    pub ident: Ident,
    /// The database name.
    pub column: String,
    /// The type without `Option` (arrays already `Vec<…>`).
    pub ty: TokenStream,
    pub nullable: bool,
    pub insert: Insert,
    pub doc: String,
    /// For a domain column, the base type the insert statement casts the parameter to (the
    /// server would otherwise ask the client for the domain type itself).
    pub cast: Option<String>,
}

/// A user type's Rust name: its module and identifier.
type Names = BTreeMap<(String, String), (Ident, Ident)>;

impl<'a> Plan<'a> {
    /// Decides everything.
    pub fn build(catalog: &'a Catalog, opts: &'a RustOptions) -> Result<Plan<'a>, OptionError> {
        let selected: Vec<&str> = if opts.schemas.is_empty() {
            catalog.schemas.keys().map(String::as_str).collect()
        } else {
            let mut s = Vec::new();
            for name in &opts.schemas {
                if !catalog.schemas.contains_key(name) {
                    return Err(OptionError(format!(
                        "schema `{name}` is not created by the migrations"
                    )));
                }
                s.push(name.as_str());
            }
            s
        };
        let used = referenced_types(catalog, &selected);
        let mut r = Resolver::new(catalog, opts)?;

        // Module names, then type names per module (tables first, so they keep plain names).
        let mut module_scope = Scope::default();
        let mut modules: Vec<ModulePlan> = Vec::new();
        for (schema_name, schema) in &catalog.schemas {
            let is_selected = selected.contains(&schema_name.as_str());
            let wants =
                |name: &String| is_selected || used.contains(&(schema_name.clone(), name.clone()));
            let mut scope = Scope::for_types();
            let mut structs = Vec::new();
            if is_selected {
                for t in schema.tables.values().filter(|t| !t.is_partition) {
                    let n = scope.claim(&nonempty(pascal_case(&t.name), "Table"), "Model");
                    structs.push((Relation::Table, t.name.clone(), n));
                }
                for v in schema.views.values().filter(|v| !v.columns.is_empty()) {
                    let n = scope.claim(&nonempty(pascal_case(&v.name), "View"), "View");
                    let kind = if v.materialized {
                        Relation::MaterializedView
                    } else {
                        Relation::View
                    };
                    structs.push((kind, v.name.clone(), n));
                }
            }
            let mut claim_types = |names: Vec<&String>, fallback: &str, suffix: &str| {
                names
                    .into_iter()
                    .filter(|n| wants(n))
                    .map(|n| {
                        let id = scope.claim(&nonempty(pascal_case(n), fallback), suffix);
                        (n.clone(), id)
                    })
                    .collect::<Vec<_>>()
            };
            let enums = claim_types(schema.enums.keys().collect(), "Enum", "Enum");
            let composites = claim_types(schema.composites.keys().collect(), "Type", "Type");
            let domains = claim_types(schema.domains.keys().collect(), "Domain", "Domain");
            if structs.is_empty() && enums.is_empty() && composites.is_empty() && domains.is_empty()
            {
                continue;
            }
            let inserts: Vec<Option<String>> = structs
                .iter()
                .map(|(rel, _, n)| {
                    (*rel == Relation::Table && opts.insert_structs)
                        .then(|| scope.claim(&format!("New{n}"), "Insert"))
                })
                .collect();
            let mod_name = module_scope.claim(&nonempty(snake_case(schema_name), "schema"), "");
            let mod_ident = ident(&mod_name);
            for (n, id) in enums.iter().chain(&composites).chain(&domains) {
                r.names.insert(
                    (schema_name.clone(), n.clone()),
                    (mod_ident.clone(), ident(id)),
                );
            }
            modules.push(ModulePlan {
                schema: schema_name.clone(),
                ident: mod_ident,
                enums: enums
                    .into_iter()
                    .map(|(n, id)| enum_plan(&schema.enums[&n], schema_name, &id))
                    .collect(),
                composites: Vec::new(),
                domains: Vec::new(),
                structs: Vec::new(),
            });
            let m = modules.len() - 1;
            // Types are resolved once every name is known.
            r.pending.push((m, composites, domains, structs, inserts));
        }
        r.finish(&mut modules)?;
        let parse_paths = |list: &[String]| {
            list.iter()
                .map(|d| {
                    syn::parse_str::<syn::Path>(d)
                        .map_err(|e| OptionError(format!("derive `{d}`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Plan {
            opts,
            any_enum: modules.iter().any(|m| !m.enums.is_empty()),
            modules,
            fallbacks: r.fallbacks,
            struct_derives: parse_paths(&opts.derives)?,
            enum_derives: parse_paths(&opts.enum_derives)?,
        })
    }
}

fn nonempty(s: String, fallback: &str) -> String {
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}

fn enum_plan(e: &crate::catalog::EnumType, schema: &str, id: &str) -> EnumPlan {
    let mut scope = Scope::default();
    scope.reserve("Self");
    let variants = e
        .values
        .iter()
        .map(|label| {
            let v = scope.claim(&nonempty(pascal_case(label), "Value"), "Value");
            (ident(&v), label.clone())
        })
        .collect();
    EnumPlan {
        schema: schema.to_string(),
        name: e.name.clone(),
        ident: ident(id),
        comment: e.comment.clone(),
        variants,
    }
}

type Pending = (
    usize,
    Vec<(String, String)>,
    Vec<(String, String)>,
    Vec<(Relation, String, String)>,
    Vec<Option<String>>,
);

/// Rust types of columns.
struct Resolver<'a> {
    catalog: &'a Catalog,
    opts: &'a RustOptions,
    names: Names,
    types: BTreeMap<String, syn::Type>,
    columns: BTreeMap<String, syn::Type>,
    fallbacks: Vec<String>,
    pending: Vec<Pending>,
}

impl<'a> Resolver<'a> {
    fn new(catalog: &'a Catalog, opts: &'a RustOptions) -> Result<Self, OptionError> {
        let parse = |map: &BTreeMap<String, String>, what: &str| {
            map.iter()
                .map(|(k, v)| {
                    syn::parse_str::<syn::Type>(v)
                        .map(|t| (k.clone(), t))
                        .map_err(|e| OptionError(format!("{what} `{k}` = `{v}`: {e}")))
                })
                .collect::<Result<BTreeMap<_, _>, _>>()
        };
        Ok(Resolver {
            catalog,
            opts,
            names: Names::new(),
            types: parse(&opts.types, "type override")?,
            columns: parse(&opts.columns, "column override")?,
            fallbacks: Vec::new(),
            pending: Vec::new(),
        })
    }

    fn finish(&mut self, modules: &mut [ModulePlan]) -> Result<(), OptionError> {
        for (m, composites, domains, structs, inserts) in std::mem::take(&mut self.pending) {
            let schema_name = modules[m].schema.clone();
            let schema = &self.catalog.schemas[&schema_name];
            let from = modules[m].ident.clone();
            for (n, id) in composites {
                let c = &schema.composites[&n];
                let mut scope = Scope::default();
                let fields = c
                    .attributes
                    .iter()
                    .enumerate()
                    .map(|(i, (attr, ty))| {
                        let col = Column {
                            name: attr.clone(),
                            ty: ty.clone(),
                            ..Default::default()
                        };
                        self.field(&from, &schema_name, &n, i, &col, &mut scope, false)
                    })
                    .collect();
                modules[m].composites.push(CompositePlan {
                    schema: schema_name.clone(),
                    name: n.clone(),
                    ident: ident(&id),
                    fields,
                });
            }
            for (n, id) in domains {
                let d = &schema.domains[&n];
                let (ty, fallback) = self.full_type(&d.base, &from);
                if let Some(f) = fallback {
                    self.fallbacks
                        .push(format!("{schema_name}.{n} (domain over {f})"));
                }
                modules[m].domains.push(DomainPlan {
                    schema: schema_name.clone(),
                    name: n.clone(),
                    ident: ident(&id),
                    ty,
                    base: d.base.format(true),
                });
            }
            for ((relation, n, id), insert) in structs.into_iter().zip(inserts) {
                let (columns, comment) = match relation {
                    Relation::Table => {
                        let t = &schema.tables[&n];
                        (&t.columns, t.comment.clone())
                    }
                    _ => {
                        let v = &schema.views[&n];
                        (&v.columns, v.comment.clone())
                    }
                };
                let mut scope = Scope::default();
                let fields: Vec<FieldPlan> = columns
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        self.field(
                            &from,
                            &schema_name,
                            &n,
                            i,
                            c,
                            &mut scope,
                            relation == Relation::Table,
                        )
                    })
                    .collect();
                let mut consts = Scope::default();
                for fixed in ["SCHEMA", "TABLE", "COLUMNS"] {
                    consts.reserve(fixed);
                }
                let consts = fields
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let want =
                            nonempty(screaming_case(&f.column), &format!("COLUMN_{}", i + 1));
                        ident(&consts.claim(&want, "_COLUMN"))
                    })
                    .collect();
                modules[m].structs.push(StructPlan {
                    relation,
                    schema: schema_name.clone(),
                    name: n,
                    ident: ident(&id),
                    insert_ident: insert.map(|i| ident(&i)),
                    comment,
                    fields,
                    consts,
                });
            }
        }
        Ok(())
    }

    /// One field of a table, view or composite type.
    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        from: &Ident,
        schema: &str,
        relation: &str,
        index: usize,
        c: &Column,
        scope: &mut Scope,
        is_table: bool,
    ) -> FieldPlan {
        let name = scope.claim(
            &nonempty(snake_case(&c.name), &format!("column_{}", index + 1)),
            "",
        );
        let over = self
            .columns
            .get(&format!("{schema}.{relation}.{}", c.name))
            .or_else(|| self.columns.get(&format!("{relation}.{}", c.name)));
        let (ty, fallback) = match over {
            Some(t) => {
                let t = quote!(#t);
                (wrap_array(t, c.ty.array_dims), None)
            }
            None => self.full_type(&c.ty, from),
        };
        if let Some(f) = &fallback {
            self.fallbacks
                .push(format!("{schema}.{relation}.{} ({f})", c.name));
        }
        let domain = self.domain_of(&c.ty);
        let not_null = c.not_null || (is_table && domain.is_some_and(|d| d.not_null));
        let insert = if c.generated.is_some() {
            Insert::Absent
        } else if c.default.is_some() || c.identity.is_some() || !not_null {
            Insert::Optional
        } else {
            Insert::Required
        };
        let cast = domain.map(|_| {
            let mut base = self.base_type(&c.ty.element());
            base.array_dims += c.ty.array_dims;
            base.format(true)
        });
        let mut doc = String::new();
        if let Some(comment) = &c.comment {
            doc.push_str(&doc_text(comment.trim_end()));
            doc.push_str("\n\n");
        }
        doc.push_str(&code_span(&column_sql(c)));
        if let Some(f) = &fallback {
            doc.push_str(&format!(
                "\n\nschemagen has no Rust type for `{f}`: this field is a `String` (select the \
                 column as text, or map the type in `[rust.types]` of `schemagen.toml`)."
            ));
        }
        FieldPlan {
            ident: ident(&name),
            column: c.name.clone(),
            ty,
            nullable: !not_null,
            insert,
            doc,
            cast,
        }
    }

    fn domain_of(&self, ty: &SqlType) -> Option<&'a crate::catalog::Domain> {
        self.catalog.schemas.get(&ty.schema)?.domains.get(&ty.name)
    }

    /// The type under any number of domains.
    fn base_type(&self, ty: &SqlType) -> SqlType {
        let mut t = ty.clone();
        for _ in 0..32 {
            match self.domain_of(&t) {
                Some(d) => {
                    let dims = t.array_dims;
                    t = d.base.clone();
                    t.array_dims += dims;
                }
                None => break,
            }
        }
        t
    }

    /// The Rust type of a column type (`Vec` for arrays), and the SQL type that had no mapping.
    fn full_type(&self, ty: &SqlType, from: &Ident) -> (TokenStream, Option<String>) {
        let (t, fallback) = self.element(&ty.element(), from);
        (wrap_array(t, ty.array_dims), fallback)
    }

    fn element(&self, ty: &SqlType, from: &Ident) -> (TokenStream, Option<String>) {
        let qualified = format!("{}.{}", ty.schema, ty.name);
        if let Some(t) = self
            .types
            .get(&qualified)
            .or_else(|| self.types.get(&ty.name))
        {
            return (quote!(#t), None);
        }
        if let Some((module, id)) = self.names.get(&(ty.schema.clone(), ty.name.clone())) {
            return if module == from {
                (quote!(#id), None)
            } else {
                (quote!(super::#module::#id), None)
            };
        }
        let is_user_type = self
            .catalog
            .schemas
            .get(&ty.schema)
            .is_some_and(|s| s.has_type(&ty.name));
        let known = ty.schema == "pg_catalog"
            || (!is_user_type && EXTENSION_TYPES.contains(&ty.name.as_str()));
        if known {
            if let Some(path) = typemap::builtin(&ty.name, self.opts.backend, self.opts.time) {
                let t: syn::Type = syn::parse_str(path).expect("the type table holds Rust types");
                return (quote!(#t), None);
            }
        }
        (quote!(String), Some(ty.format(true)))
    }
}

/// Extension types the table knows by name, in whatever schema the extension was installed.
const EXTENSION_TYPES: &[&str] = &["citext", "ltree"];

fn wrap_array(t: TokenStream, dims: u32) -> TokenStream {
    if dims > 0 {
        quote!(Vec<#t>)
    } else {
        t
    }
}

/// The column as SQL: `email text NOT NULL DEFAULT ''::text`.
fn column_sql(c: &Column) -> String {
    let mut s = format!(
        "{} {}",
        crate::catalog::quote_ident(&c.name),
        c.ty.format(true)
    );
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(d);
    }
    match c.identity {
        Some(Identity::Always) => s.push_str(" GENERATED ALWAYS AS IDENTITY"),
        Some(Identity::ByDefault) => s.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
        None => {}
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
    }
    s
}

/// `text` as a Markdown code span, whatever backticks it holds.
pub(super) fn code_span(text: &str) -> String {
    let text = text.replace('\n', " ");
    let mut fence = "`".to_string();
    while text.contains(fence.as_str()) {
        fence.push('`');
    }
    if fence.len() > 1 || text.starts_with('`') || text.ends_with('`') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// Free text (an SQL comment) as documentation that rustdoc will not read as links or HTML.
pub(super) fn doc_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// User types (enums, composites, domains, in any schema) that the selected schemas use,
/// following composite attributes and domain bases.
fn referenced_types(catalog: &Catalog, selected: &[&str]) -> BTreeSet<(String, String)> {
    let mut todo: Vec<SqlType> = Vec::new();
    for s in selected {
        let schema = &catalog.schemas[*s];
        for t in schema.tables.values() {
            todo.extend(t.columns.iter().map(|c| c.ty.element()));
        }
        for v in schema.views.values() {
            todo.extend(v.columns.iter().map(|c| c.ty.element()));
        }
        for c in schema.composites.values() {
            todo.extend(c.attributes.iter().map(|(_, t)| t.element()));
        }
        for d in schema.domains.values() {
            todo.push(d.base.element());
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(t) = todo.pop() {
        let Some(schema) = catalog.schemas.get(&t.schema) else {
            continue;
        };
        let key = (t.schema.clone(), t.name.clone());
        if seen.contains(&key) {
            continue;
        }
        if schema.enums.contains_key(&t.name) {
            seen.insert(key);
        } else if let Some(c) = schema.composites.get(&t.name) {
            seen.insert(key);
            todo.extend(c.attributes.iter().map(|(_, t)| t.element()));
        } else if let Some(d) = schema.domains.get(&t.name) {
            seen.insert(key);
            todo.push(d.base.element());
        }
    }
    seen
}

/// Whether the backend derives are on.
pub(super) fn has_db(plan: &Plan<'_>) -> bool {
    plan.opts.backend != Backend::None
}
