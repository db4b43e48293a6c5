//! Names and types, decided before anything is written: which schemas become modules, what each
//! table, view and type is called there, and the Rust type of every column.

mod resolver;

use resolver::Resolver;
use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::names::{ident, pascal_case, snake_case, Scope};
use super::typemap::Backend;
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

impl<'a> Resolver<'a> {}

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
