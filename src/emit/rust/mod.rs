//! Typed Rust for the tables, views and types of a [`Catalog`]: `schemagen rust` and
//! [`crate::Builder`].
//!
//! Everything is built with `quote!` and formatted once with `prettyplease`; names and types are
//! decided first (`plan`) and written afterwards, so the output depends only on the catalog and
//! the options (deterministic: every collection is ordered).
//!
//! What one schema module holds:
//!
//! * per table, a row struct named as the table's Prisma model is named with `--naming pascal`
//!   (`user_profiles` → `UserProfiles`), fields in snake_case (`r#type` for keywords; a field
//!   whose name differs from its column gets `#[serde(rename)]`/`#[sqlx(rename)]`), `Option<T>`
//!   exactly for the nullable columns and `Vec<T>` for arrays; the table, schema and column names
//!   as constants; and an insert struct (`NewUserProfiles`) in which the columns with a default
//!   (serial and identity columns included) and the nullable ones are `Option` (`None` leaves the
//!   column to its default) and generated columns are absent;
//! * per view, a row struct (every column of a view is nullable);
//! * per enum type, a Rust enum with the labels in PostgreSQL's order, `as_str`, `FromStr`,
//!   `Display` and serde/sqlx/postgres renames to the labels;
//! * per composite type, a struct (attributes are nullable); per domain, a type alias of its
//!   base type.
//!
//! Types come from [`typemap`]; a type without a mapping becomes `String` (the field's
//! documentation says so), unless `[rust.types]` or `[rust.columns]` maps it.

mod enums;
pub mod names;
mod plan;
mod structs;
pub mod typemap;
mod types;

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::TokenStream;
use quote::quote;
use serde::Deserialize;

use crate::catalog::Catalog;

pub use typemap::{Backend, TimeCrate};

/// Options of the Rust emitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustOptions {
    /// The database crate the derives and a few types are for.
    pub backend: Backend,
    /// `chrono` or `time` for dates and times.
    pub time: TimeCrate,
    /// Derive `serde::Serialize` and `serde::Deserialize` (with renames to the database names).
    pub serde: bool,
    /// Derives of the structs, besides serde's and the backend's.
    pub derives: Vec<String>,
    /// Derives of the enums, besides serde's and the backend's.
    pub enum_derives: Vec<String>,
    /// Schemas to emit, in any order; empty means every schema of the catalog. Types of other
    /// schemas that a column uses are emitted too.
    pub schemas: Vec<String>,
    /// Rust types for database types: `"vector"` or `"public.vector"` → `"pgvector::Vector"`.
    /// Replaces the element type (a column stays `Option`/`Vec` as its nullability and array
    /// dimensions say).
    pub types: BTreeMap<String, String>,
    /// Rust types for single columns: `"public.documents.embedding"` or
    /// `"documents.embedding"`; replaces the element type like [`RustOptions::types`].
    pub columns: BTreeMap<String, String>,
    /// Emit insert structs.
    pub insert_structs: bool,
    /// The crate that names `Row` and `Error` for the postgres backend (`tokio_postgres`, or
    /// `postgres` for the blocking client).
    pub postgres_crate: String,
    /// What the `@generated` header names as the inputs.
    pub inputs: Vec<String>,
}

impl Default for RustOptions {
    fn default() -> Self {
        RustOptions {
            backend: Backend::default(),
            time: TimeCrate::default(),
            serde: true,
            derives: vec!["Debug".into(), "Clone".into(), "PartialEq".into()],
            enum_derives: ["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"]
                .map(String::from)
                .to_vec(),
            schemas: Vec::new(),
            types: BTreeMap::new(),
            columns: BTreeMap::new(),
            insert_structs: true,
            postgres_crate: "tokio_postgres".into(),
            inputs: Vec::new(),
        }
    }
}

/// The `[rust]` table of `schemagen.toml`: every key optional; see [`RustOptions`].
///
/// ```toml
/// [rust]
/// out = "src/db/tables.rs"          # schemagen rust: file (or folder) to write
/// schemas = ["public"]              # default: the project's schemas (not Supabase's)
/// backend = "postgres"              # "postgres" (tokio-postgres), "sqlx" or "none"
/// time = "chrono"                   # or "time"
/// serde = true
/// derives = ["Debug", "Clone", "PartialEq"]
/// enum_derives = ["Debug", "Clone", "Copy", "PartialEq", "Eq", "Hash"]
/// insert_structs = true
/// postgres_crate = "tokio_postgres" # or "postgres"
///
/// [rust.types]
/// vector = "pgvector::Vector"
///
/// [rust.columns]
/// "public.profiles.settings" = "crate::Settings"
/// ```
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RustConfig {
    /// Output file (or folder) of `schemagen rust`.
    pub out: Option<PathBuf>,
    /// Schemas to emit.
    pub schemas: Option<Vec<String>>,
    /// Backend.
    pub backend: Option<Backend>,
    /// Time crate.
    pub time: Option<TimeCrate>,
    /// serde derives.
    pub serde: Option<bool>,
    /// Struct derives.
    pub derives: Option<Vec<String>>,
    /// Enum derives.
    pub enum_derives: Option<Vec<String>>,
    /// Insert structs.
    pub insert_structs: Option<bool>,
    /// Crate naming `Row`/`Error` for the postgres backend.
    pub postgres_crate: Option<String>,
    /// Type overrides.
    #[serde(default)]
    pub types: BTreeMap<String, String>,
    /// Column overrides.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

impl RustConfig {
    /// Applies the keys that are set to `opts`.
    pub fn apply(&self, opts: &mut RustOptions) {
        if let Some(s) = &self.schemas {
            opts.schemas = s.clone();
        }
        if let Some(b) = self.backend {
            opts.backend = b;
        }
        if let Some(t) = self.time {
            opts.time = t;
        }
        if let Some(s) = self.serde {
            opts.serde = s;
        }
        if let Some(d) = &self.derives {
            opts.derives = d.clone();
        }
        if let Some(d) = &self.enum_derives {
            opts.enum_derives = d.clone();
        }
        if let Some(i) = self.insert_structs {
            opts.insert_structs = i;
        }
        if let Some(p) = &self.postgres_crate {
            opts.postgres_crate = p.clone();
        }
        opts.types.extend(self.types.clone());
        opts.columns.extend(self.columns.clone());
    }
}

/// What [`emit`] produced.
#[derive(Debug, Clone, Default)]
pub struct Emitted {
    /// One `(schema, module name, tokens)` per schema module, in module-name order.
    pub modules: Vec<(String, String, TokenStream)>,
    /// Items shared by the modules (the enum parse error), at the top of the output.
    pub shared: TokenStream,
    /// Columns whose type had no mapping and became `String`, as `schema.table.column (type)`.
    pub fallbacks: Vec<String>,
}

/// Bad options (a type override that is not a Rust type, a derive that is not a path).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OptionError(pub String);

/// Decides the names and types and emits the token streams.
///
/// # Errors
/// When an override or a derive does not parse as Rust.
pub fn emit(catalog: &Catalog, opts: &RustOptions) -> Result<Emitted, OptionError> {
    let plan = plan::Plan::build(catalog, opts)?;
    let mut modules = Vec::new();
    for m in &plan.modules {
        let mut items = TokenStream::new();
        for e in &m.enums {
            items.extend(enums::emit(e, &plan));
        }
        for c in &m.composites {
            items.extend(types::composite(c, &plan));
        }
        for d in &m.domains {
            items.extend(types::domain(d));
        }
        for s in &m.structs {
            items.extend(structs::emit(s, &plan));
        }
        let doc = format!(" Schema `{}`.", m.schema);
        let ident = &m.ident;
        modules.push((
            m.schema.clone(),
            names::unraw(&m.ident),
            quote! {
                #[doc = #doc]
                pub mod #ident {
                    #items
                }
            },
        ));
    }
    let shared = if plan.any_enum {
        enums::parse_error()
    } else {
        TokenStream::new()
    };
    Ok(Emitted {
        modules,
        shared,
        fallbacks: plan.fallbacks.clone(),
    })
}

/// The `@generated` header line.
pub fn header(opts: &RustOptions) -> String {
    let inputs = if opts.inputs.is_empty() {
        "the schema catalog".to_string()
    } else {
        opts.inputs.join(", ")
    };
    format!(
        "// @generated by schemagen {} from {inputs}. Do not edit.\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Formats tokens as a Rust file with the `@generated` header.
///
/// # Panics
/// If the emitter produced tokens that are not a Rust file (a bug in schemagen).
pub fn format(tokens: TokenStream, opts: &RustOptions) -> String {
    let file: syn::File = syn::parse2(tokens).expect("the Rust emitter produces valid Rust");
    let mut out = header(opts);
    out.push('\n');
    out.push_str(&prettyplease::unparse(&file));
    out
}

/// The whole output as one file: the shared items, then one inline module per schema.
///
/// # Errors
/// When an override or a derive does not parse as Rust.
pub fn render(catalog: &Catalog, opts: &RustOptions) -> Result<(String, Vec<String>), OptionError> {
    let e = emit(catalog, opts)?;
    let mut tokens = e.shared;
    for (_, _, m) in e.modules {
        tokens.extend(m);
    }
    Ok((format(tokens, opts), e.fallbacks))
}

/// The output as a folder: `mod.rs` (the shared items and `pub mod <schema>;` lines) and one
/// `<schema>.rs` per module, as `(file name, content)`.
///
/// # Errors
/// When an override or a derive does not parse as Rust.
pub fn render_files(
    catalog: &Catalog,
    opts: &RustOptions,
) -> Result<(BTreeMap<String, String>, Vec<String>), OptionError> {
    let e = emit(catalog, opts)?;
    let mut files = BTreeMap::new();
    let mut root = e.shared;
    for (schema, name, module) in e.modules {
        let ident = names::ident(&name);
        let doc = format!(" Schema `{schema}`.");
        root.extend(quote! {
            #[doc = #doc]
            pub mod #ident;
        });
        // The module's own items, without the `pub mod x { … }` wrapper.
        let file: syn::File = syn::parse2(module).expect("the Rust emitter produces valid Rust");
        let items = match file.items.into_iter().next() {
            Some(syn::Item::Mod(m)) => m.content.map(|(_, items)| items).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut body: syn::File = syn::parse2(TokenStream::new()).expect("an empty file parses");
        body.items = items;
        let mut text = header(opts);
        text.push('\n');
        text.push_str(&prettyplease::unparse(&body));
        files.insert(format!("{name}.rs"), text);
    }
    files.insert("mod.rs".to_string(), format(root, opts));
    Ok((files, e.fallbacks))
}
