//! Rust enums for PostgreSQL enum types.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::{code_span, doc_text, EnumPlan, Plan};
use super::structs::{derives, doc_attrs};
use super::typemap::Backend;
use crate::catalog::quote_ident;

/// The enum, `ALL`, `as_str`, `Display` and `FromStr`.
pub(super) fn emit(e: &EnumPlan, plan: &Plan<'_>) -> TokenStream {
    let ident = &e.ident;
    let qualified = format!("{}.{}", quote_ident(&e.schema), quote_ident(&e.name));
    let mut text = format!("The enum type `{qualified}`.");
    if let Some(c) = &e.comment {
        text = format!("{}\n\n{text}", doc_text(c.trim_end()));
    }
    let doc = doc_attrs(&text);
    let empty = e.variants.is_empty();
    let (extra, type_attr) = match plan.opts.backend {
        // postgres-types cannot derive for an enum without variants: written by hand below.
        Backend::Postgres if empty => (TokenStream::new(), TokenStream::new()),
        Backend::Postgres => {
            let name = &e.name;
            (
                quote!(postgres_types::ToSql, postgres_types::FromSql),
                quote!(#[postgres(name = #name)]),
            )
        }
        Backend::Sqlx => {
            let name = if e.schema == "public" {
                quote_ident(&e.name)
            } else {
                qualified.clone()
            };
            (quote!(sqlx::Type), quote!(#[sqlx(type_name = #name)]))
        }
        Backend::None => (TokenStream::new(), TokenStream::new()),
    };
    let derive = derives(plan, &plan.enum_derives, extra);
    let variants = e.variants.iter().map(|(v, label)| {
        let doc = doc_attrs(&code_span(label));
        let serde = plan.opts.serde.then(|| quote!(#[serde(rename = #label)]));
        let db = match plan.opts.backend {
            Backend::Postgres => quote!(#[postgres(name = #label)]),
            Backend::Sqlx => quote!(#[sqlx(rename = #label)]),
            Backend::None => TokenStream::new(),
        };
        quote! { #doc #serde #db #v, }
    });
    let n = proc_macro2::Literal::usize_unsuffixed(e.variants.len());
    let all = e.variants.iter().map(|(v, _)| quote!(Self::#v));
    let arms = e.variants.iter().map(|(v, l)| quote!(Self::#v => #l,));
    let from_str = if e.variants.is_empty() {
        quote!(Err(super::ParseEnumError { type_name: #qualified, value: s.to_string() }))
    } else {
        let arms = e.variants.iter().map(|(v, l)| quote!(#l => Ok(Self::#v),));
        quote! {
            match s {
                #(#arms)*
                _ => Err(super::ParseEnumError { type_name: #qualified, value: s.to_string() }),
            }
        }
    };
    let empty_impls = (empty && plan.opts.backend == Backend::Postgres)
        .then(|| postgres_empty(ident, &e.name, &qualified));
    quote! {
        #doc
        #derive
        #type_attr
        pub enum #ident { #(#variants)* }
        #empty_impls
        impl #ident {
            /// Every value, in the order PostgreSQL sorts them.
            pub const ALL: [Self; #n] = [#(#all),*];
            /// The label in the database.
            pub fn as_str(&self) -> &'static str {
                match *self { #(#arms)* }
            }
        }
        impl std::fmt::Display for #ident {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for #ident {
            type Err = super::ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                #from_str
            }
        }
    }
}

/// `FromSql`/`ToSql` for an enum without labels: no value can be read or written.
fn postgres_empty(ident: &syn::Ident, name: &str, qualified: &str) -> TokenStream {
    let message = format!("the enum {qualified} has no labels");
    quote! {
        impl<'a> postgres_types::FromSql<'a> for #ident {
            fn from_sql(
                _: &postgres_types::Type,
                _: &'a [u8],
            ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
                Err(#message.into())
            }
            fn accepts(ty: &postgres_types::Type) -> bool {
                ty.name() == #name
            }
        }
        impl postgres_types::ToSql for #ident {
            fn to_sql(
                &self,
                _: &postgres_types::Type,
                _: &mut postgres_types::private::BytesMut,
            ) -> Result<postgres_types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
                match *self {}
            }
            fn accepts(ty: &postgres_types::Type) -> bool {
                ty.name() == #name
            }
            postgres_types::to_sql_checked!();
        }
    }
}

/// The error of the enums' `FromStr`, shared by every module.
pub(super) fn parse_error() -> TokenStream {
    quote! {
        /// The error of `FromStr` for the generated enums: the text is not a label of the enum.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct ParseEnumError {
            /// The enum type, schema-qualified.
            pub type_name: &'static str,
            /// The text that was parsed.
            pub value: String,
        }
        impl std::fmt::Display for ParseEnumError {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{:?} is not a label of the enum {}", self.value, self.type_name)
            }
        }
        impl std::error::Error for ParseEnumError {}
    }
}
