//! Resolving column types to Rust types, and the structs, enums and domains they need.

use crate::catalog::{Catalog, Column, SqlType};
use crate::emit::rust::names::{ident, screaming_case, snake_case, Scope};
use crate::emit::rust::typemap::{self};
use crate::emit::rust::{OptionError, RustOptions};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::BTreeMap;

use super::*;

pub(super) type Pending = (
    usize,
    Vec<(String, String)>,
    Vec<(String, String)>,
    Vec<(Relation, String, String)>,
    Vec<Option<String>>,
);

/// Rust types of columns.
pub(super) struct Resolver<'a> {
    pub(super) catalog: &'a Catalog,
    pub(super) opts: &'a RustOptions,
    pub(super) names: Names,
    pub(super) types: BTreeMap<String, syn::Type>,
    pub(super) columns: BTreeMap<String, syn::Type>,
    pub(super) fallbacks: Vec<String>,
    pub(super) pending: Vec<Pending>,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(catalog: &'a Catalog, opts: &'a RustOptions) -> Result<Self, OptionError> {
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

    pub(super) fn finish(&mut self, modules: &mut [ModulePlan]) -> Result<(), OptionError> {
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
    pub(super) fn field(
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

    pub(super) fn domain_of(&self, ty: &SqlType) -> Option<&'a crate::catalog::Domain> {
        self.catalog.schemas.get(&ty.schema)?.domains.get(&ty.name)
    }

    /// The type under any number of domains.
    pub(super) fn base_type(&self, ty: &SqlType) -> SqlType {
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
    pub(super) fn full_type(&self, ty: &SqlType, from: &Ident) -> (TokenStream, Option<String>) {
        let (t, fallback) = self.element(&ty.element(), from);
        (wrap_array(t, ty.array_dims), fallback)
    }

    pub(super) fn element(&self, ty: &SqlType, from: &Ident) -> (TokenStream, Option<String>) {
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
