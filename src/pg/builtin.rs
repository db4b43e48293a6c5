//! What a stock PostgreSQL 15 has built in ([`pg_data`], generated from its catalog) and what
//! the extensions Supabase projects use add ([`extensions`]).

pub(crate) mod extensions;
pub mod opclasses;
pub(crate) mod pg_data;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::catalog::Catalog;

/// `typcategory` and `typispreferred` of the non-array `pg_catalog` types, by name.
fn types() -> &'static HashMap<&'static str, (u8, bool)> {
    static T: OnceLock<HashMap<&'static str, (u8, bool)>> = OnceLock::new();
    T.get_or_init(|| {
        let mut types = HashMap::new();
        for line in pg_data::TYPES.lines() {
            let f: Vec<&str> = line.split('|').collect();
            if f.len() == 4 && !f[0].starts_with('_') {
                types.insert(f[0], (f[1].as_bytes()[0], f[2] == "t"));
            }
        }
        types
    })
}

/// Whether `name` is a built-in (`pg_catalog`) type name (non-array `typname`).
pub(crate) fn is_builtin_type(name: &str) -> bool {
    types().contains_key(name)
}

/// Whether `pg_catalog` has a routine called `name` (any kind, any arguments).
pub(crate) fn is_builtin_routine(name: &str) -> bool {
    static N: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    N.get_or_init(|| pg_data::ROUTINE_NAMES.lines().collect())
        .contains(name)
}

/// Whether the built-in (`pg_catalog`) type `name` has an array type (`_name`): every one but the
/// pseudo-types and the few internal types PostgreSQL 15 gives none.
pub(crate) fn builtin_has_array(name: &str) -> bool {
    const NO_ARRAY: &[&str] = &[
        "pg_brin_bloom_summary",
        "pg_brin_minmax_multi_summary",
        "pg_dependencies",
        "pg_mcv_list",
        "pg_ndistinct",
        "pg_node_tree",
    ];
    is_builtin_type(name) && !NO_ARRAY.contains(&name) && !is_pseudo_type(name)
}

/// Whether `name` is a built-in pseudo-type (`typtype = 'p'`).
fn is_pseudo_type(name: &str) -> bool {
    static P: OnceLock<Vec<&'static str>> = OnceLock::new();
    P.get_or_init(|| {
        pg_data::TYPES
            .lines()
            .filter_map(|l| {
                let f: Vec<&str> = l.split('|').collect();
                (f.len() == 4 && f[3] == "p").then_some(f[0])
            })
            .collect()
    })
    .contains(&name)
}

/// Category and preferred flag of a built-in type.
pub(crate) fn builtin_category(name: &str) -> Option<(u8, bool)> {
    types().get(name).copied()
}

/// The schema an extension type lives in, when the catalog has its extension installed.
pub(crate) fn extension_type_schema(catalog: &Catalog, name: &str) -> Option<String> {
    let ext = extensions::ext_type(name)?;
    catalog
        .extensions
        .get(ext.extension)
        .map(|e| e.schema.clone())
}
