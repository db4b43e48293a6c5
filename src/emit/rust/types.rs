//! Composite types (structs) and domains (type aliases).

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::{code_span, CompositePlan, DomainPlan, Plan};
use super::structs::{derives, doc_attrs, renames};
use super::typemap::Backend;
use crate::catalog::quote_ident;

/// A struct for a composite type; every attribute is nullable.
pub(super) fn composite(c: &CompositePlan, plan: &Plan<'_>) -> TokenStream {
    let ident = &c.ident;
    let qualified = format!("{}.{}", quote_ident(&c.schema), quote_ident(&c.name));
    let doc = doc_attrs(&format!("The composite type `{qualified}`."));
    let name = &c.name;
    let (extra, type_attr) = match plan.opts.backend {
        Backend::Postgres => (
            quote!(postgres_types::ToSql, postgres_types::FromSql),
            quote!(#[postgres(name = #name)]),
        ),
        Backend::Sqlx => {
            let name = if c.schema == "public" {
                quote_ident(&c.name)
            } else {
                qualified.clone()
            };
            (quote!(sqlx::Type), quote!(#[sqlx(type_name = #name)]))
        }
        Backend::None => (TokenStream::new(), TokenStream::new()),
    };
    let derive = derives(plan, &plan.struct_derives, extra);
    let fields = c.fields.iter().map(|f| {
        let (name, ty, doc) = (&f.ident, &f.ty, doc_attrs(&f.doc));
        let renames = renames(plan, f, true);
        quote! { #doc #renames pub #name: Option<#ty>, }
    });
    quote! {
        #doc
        #derive
        #type_attr
        pub struct #ident { #(#fields)* }
    }
}

/// A type alias for a domain: its values are its base type's.
pub(super) fn domain(d: &DomainPlan) -> TokenStream {
    let ident = &d.ident;
    let ty = &d.ty;
    let qualified = format!("{}.{}", quote_ident(&d.schema), quote_ident(&d.name));
    let doc = doc_attrs(&format!(
        "The domain `{qualified}` over {}.",
        code_span(&d.base)
    ));
    quote! {
        #doc
        pub type #ident = #ty;
    }
}
