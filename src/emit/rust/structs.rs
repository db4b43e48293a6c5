//! Row structs (tables and views), their name constants, `TryFrom<&Row>` for the postgres
//! backend, and insert structs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::unraw;
use super::plan::{doc_text, has_db, FieldPlan, Insert, Plan, Relation, StructPlan};
use super::typemap::Backend;
use crate::catalog::quote_ident;

/// `#[doc]` attributes, one per line (a carriage return alone also ends a line: rustc refuses a
/// bare CR in a doc comment).
pub(super) fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().flat_map(|l| l.split('\r')).map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// The `#[derive(…)]` of a struct or enum: the configured derives, serde's, then `extra`.
pub(super) fn derives(plan: &Plan<'_>, base: &[syn::Path], extra: TokenStream) -> TokenStream {
    let serde = plan
        .opts
        .serde
        .then(|| quote!(serde::Serialize, serde::Deserialize,));
    let base = base.iter();
    let all = quote!(#(#base,)* #serde #extra);
    if all.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[derive(#all)])
    }
}

/// `#[serde(rename)]` and, when the struct derives something of the backend that reads
/// attributes, `#[sqlx(rename)]` / `#[postgres(name)]`.
pub(super) fn renames(plan: &Plan<'_>, f: &FieldPlan, backend_attr: bool) -> TokenStream {
    if unraw(&f.ident) == f.column {
        return TokenStream::new();
    }
    let col = &f.column;
    let serde = plan.opts.serde.then(|| quote!(#[serde(rename = #col)]));
    let db = match (backend_attr, plan.opts.backend) {
        (true, Backend::Sqlx) => quote!(#[sqlx(rename = #col)]),
        (true, Backend::Postgres) => quote!(#[postgres(name = #col)]),
        _ => TokenStream::new(),
    };
    quote!(#serde #db)
}

/// The row struct, its constants, its `TryFrom<&Row>`, and the insert struct.
pub(super) fn emit(s: &StructPlan, plan: &Plan<'_>) -> TokenStream {
    let ident = &s.ident;
    let what = match s.relation {
        Relation::Table => "table",
        Relation::View => "view",
        Relation::MaterializedView => "materialized view",
    };
    let qualified = format!("{}.{}", quote_ident(&s.schema), quote_ident(&s.name));
    let mut text = format!("A row of the {what} `{qualified}`.");
    if let Some(c) = &s.comment {
        text = format!("{}\n\n{text}", doc_text(c.trim_end()));
    }
    let doc = doc_attrs(&text);
    let sqlx = plan.opts.backend == Backend::Sqlx;
    let derive = derives(
        plan,
        &plan.struct_derives,
        if sqlx {
            quote!(sqlx::FromRow)
        } else {
            TokenStream::new()
        },
    );
    let fields = s.fields.iter().map(|f| {
        let (name, ty, doc) = (&f.ident, &f.ty, doc_attrs(&f.doc));
        let ty = if f.nullable {
            quote!(Option<#ty>)
        } else {
            ty.clone()
        };
        let renames = renames(plan, f, sqlx);
        quote! { #doc #renames pub #name: #ty, }
    });
    let consts = consts(s, &qualified);
    let from_row = (plan.opts.backend == Backend::Postgres).then(|| from_row(s, plan));
    let insert = s
        .insert_ident
        .as_ref()
        .map(|i| insert(s, i, plan, &qualified));
    quote! {
        #doc
        #derive
        pub struct #ident { #(#fields)* }
        #consts
        #from_row
        #insert
    }
}

fn consts(s: &StructPlan, qualified: &str) -> TokenStream {
    let ident = &s.ident;
    let (schema, name) = (&s.schema, &s.name);
    let columns = s.fields.iter().map(|f| &f.column);
    let per_column = s.fields.iter().zip(&s.consts).map(|(f, c)| {
        let col = &f.column;
        let doc = format!(" The column `{}`.", quote_ident(col).replace('`', "'"));
        quote! { #[doc = #doc] pub const #c: &str = #col; }
    });
    let schema_doc = format!(" The schema of `{qualified}`.");
    let table_doc = format!(" The name of `{qualified}`, without its schema.");
    quote! {
        impl #ident {
            #[doc = #schema_doc]
            pub const SCHEMA: &str = #schema;
            #[doc = #table_doc]
            pub const TABLE: &str = #name;
            /// Every column, in the table's order.
            pub const COLUMNS: &[&str] = &[#(#columns),*];
            #(#per_column)*
        }
    }
}

fn from_row(s: &StructPlan, plan: &Plan<'_>) -> TokenStream {
    let ident = &s.ident;
    let krate: syn::Path = syn::parse_str(&plan.opts.postgres_crate)
        .unwrap_or_else(|_| syn::parse_quote!(tokio_postgres));
    let row = if s.fields.is_empty() {
        format_ident!("_row")
    } else {
        format_ident!("row")
    };
    let fields = s.fields.iter().map(|f| {
        let (name, col) = (&f.ident, &f.column);
        quote! { #name: #row.try_get(#col)?, }
    });
    let doc = " Reads a row selected with the columns of this struct (`SELECT *` works), by \
               column name.";
    quote! {
        impl<'a> std::convert::TryFrom<&'a #krate::Row> for #ident {
            type Error = #krate::Error;
            #[doc = #doc]
            fn try_from(#row: &'a #krate::Row) -> Result<Self, Self::Error> {
                Ok(Self { #(#fields)* })
            }
        }
    }
}

fn insert(s: &StructPlan, ident: &syn::Ident, plan: &Plan<'_>, qualified: &str) -> TokenStream {
    let row = &s.ident;
    let text = format!(
        "A new row for `{qualified}` (see [`{row}`]): the fields that are `Option` because the \
         column has a default or is nullable leave the column to its default when `None`; \
         generated columns are not here."
    );
    let doc = doc_attrs(&text);
    let derive = derives(plan, &plan.struct_derives, TokenStream::new());
    let fields = s
        .fields
        .iter()
        .filter(|f| f.insert != Insert::Absent)
        .map(|f| {
            let (name, ty, doc) = (&f.ident, &f.ty, doc_attrs(&f.doc));
            let ty = if f.insert == Insert::Optional {
                quote!(Option<#ty>)
            } else {
                ty.clone()
            };
            let renames = renames(plan, f, false);
            quote! { #doc #renames pub #name: #ty, }
        });
    let statement = (plan.opts.backend == Backend::Postgres && has_db(plan))
        .then(|| insert_statement(s, ident, qualified));
    quote! {
        #doc
        #derive
        pub struct #ident { #(#fields)* }
        #statement
    }
}

/// `insert_statement()`: the SQL for the fields that are set, and the parameters.
fn insert_statement(s: &StructPlan, ident: &syn::Ident, qualified: &str) -> TokenStream {
    let returning = s
        .fields
        .iter()
        .map(|f| quote_ident(&f.column))
        .collect::<Vec<_>>()
        .join(", ");
    let returning = if returning.is_empty() {
        String::new()
    } else {
        format!(" RETURNING {returning}")
    };
    let escape = |t: &str| t.replace('{', "{{").replace('}', "}}");
    let doc = format!(
        " `INSERT INTO {} (…) VALUES (…){}` for the fields that are set (a `None` leaves the \
         column to its default), and its parameters: run it with `query_one` and read the row \
         with `{}::try_from`.",
        qualified.replace('`', "'"),
        if returning.is_empty() {
            ""
        } else {
            " RETURNING …"
        },
        s.ident
    );
    let ty = quote!(Vec<&(dyn postgres_types::ToSql + Sync)>);
    let inserted: Vec<&FieldPlan> = s
        .fields
        .iter()
        .filter(|f| f.insert != Insert::Absent)
        .collect();
    if inserted.is_empty() {
        let sql = format!("INSERT INTO {qualified} DEFAULT VALUES{returning}");
        return quote! {
            impl #ident {
                #[doc = #doc]
                pub fn insert_statement(&self) -> (String, #ty) {
                    (String::from(#sql), Vec::new())
                }
            }
        };
    }
    let pushes = inserted.iter().map(|f| {
        let name = &f.ident;
        let col = quote_ident(&f.column);
        let cast = f
            .cast
            .as_ref()
            .map(|c| format!("::{c}"))
            .unwrap_or_default();
        if f.insert == Insert::Optional {
            quote! {
                if let Some(value) = &self.#name {
                    columns.push((#col, #cast));
                    params.push(value);
                }
            }
        } else {
            quote! {
                columns.push((#col, #cast));
                params.push(&self.#name);
            }
        }
    });
    let with_values = format!(
        "INSERT INTO {} ({{}}) VALUES ({{}}){}",
        escape(qualified),
        escape(&returning)
    );
    let defaults = format!("INSERT INTO {qualified} DEFAULT VALUES{returning}");
    quote! {
        impl #ident {
            #[doc = #doc]
            pub fn insert_statement(&self) -> (String, #ty) {
                let mut columns: Vec<(&str, &str)> = Vec::new();
                let mut params: #ty = Vec::new();
                #(#pushes)*
                if columns.is_empty() {
                    return (String::from(#defaults), params);
                }
                let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
                let values: Vec<String> = columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, cast))| format!("${}{}", i + 1, cast))
                    .collect();
                let sql = format!(#with_values, names.join(", "), values.join(", "));
                (sql, params)
            }
        }
    }
}
