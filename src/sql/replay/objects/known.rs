//! Whether an object a statement only refers to (`GRANT … ON`, `ALTER … OWNER TO`, `CREATE
//! TRIGGER … EXECUTE FUNCTION`, `COMMENT ON FUNCTION`) exists, as far as the catalog can say.
//!
//! The catalog is the whole truth for what the history creates, but not for what it finds
//! already there: the Supabase platform's schemas (`auth`, `storage`, `realtime`, `vault`…
//! change with the platform's version), the `extensions` schema beyond what a fresh project has,
//! the objects of extensions the history installs (their functions, types and relations are
//! listed only in part), the schemas extensions make for themselves (`cron`, `net`, `pgmq`…),
//! foreign tables (passed over) and `pg_catalog`. A name that could be any of those is
//! [`Found::Unknown`], and accepted; "does not exist" is said only where none of them could hold
//! it. Names resolve along the search path as PostgreSQL resolves them (`pg_catalog` first
//! unless the path lists it, schemas that do not exist skipped).

use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::sql::replay::{ReplayError, Replayer, SqlState};

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Found {
    /// The object is in this schema.
    In(String),
    /// It may exist where the catalog does not see.
    Unknown,
    /// PostgreSQL's error: it does not exist.
    Missing(ReplayError),
}

/// Schemas that may exist though the catalog does not hold them: the Supabase platform's and
/// those extensions make for themselves.
const OUTSIDE_SCHEMAS: &[&str] = &[
    "information_schema",
    "cron",
    "net",
    "pgmq",
    "pgmq_public",
    "pgsodium_masks",
    "_realtime",
    "_analytics",
    "_supavisor",
    "supabase_migrations",
    "pgtle",
    "tiger",
    "tiger_data",
    "topology",
    "repack",
    "partman",
    "timescaledb_information",
    "timescaledb_experimental",
];

/// Functions a Supabase project's `extensions` schema has besides those
/// [`super::extensions::extension_functions`] lists for the extensions it starts with
/// ([`EXTENSIONS_SCHEMA_EXTENSIONS`]): `pg_stat_statements`'s, the rest of `pgcrypto`'s, and the
/// platform's event-trigger helpers.
const EXTENSIONS_SCHEMA_FUNCTIONS: &[&str] = &[
    "grant_pg_cron_access",
    "grant_pg_graphql_access",
    "grant_pg_net_access",
    "pg_stat_statements",
    "pg_stat_statements_info",
    "pg_stat_statements_reset",
    "pgp_armor_headers",
    "pgp_pub_decrypt_bytea",
    "pgp_pub_encrypt_bytea",
    "pgp_sym_decrypt_bytea",
    "pgp_sym_encrypt_bytea",
    "pgrst_ddl_watch",
    "pgrst_drop_watch",
    "set_graphql_placeholder",
    "try_cast_double",
];

/// The extensions whose functions a fresh project's `extensions` schema has (`pgjwt` in older
/// projects).
const EXTENSIONS_SCHEMA_EXTENSIONS: &[&str] = &["uuid-ossp", "pgcrypto", "pgjwt"];

/// Extensions that make no schema and no relation of their own (only functions, types and
/// operators, in the schema they are installed in).
const PLAIN_EXTENSIONS: &[&str] = &[
    "plpgsql",
    "pgcrypto",
    "uuid-ossp",
    "vector",
    "pg_trgm",
    "citext",
    "moddatetime",
    "unaccent",
    "btree_gist",
    "btree_gin",
    "hstore",
    "ltree",
    "cube",
    "earthdistance",
    "fuzzystrmatch",
    "pgjwt",
    "pg_jsonschema",
    "intarray",
    "tablefunc",
    "pg_hashids",
    "isn",
    "seg",
    "insert_username",
    "autoinc",
    "refint",
];

/// Extensions whose functions [`super::extensions::extension_functions`] lists and no other
/// extension provides under the same names.
const OWN_FUNCTION_EXTENSIONS: &[&str] =
    &["moddatetime", "pg_trgm", "unaccent", "citext", "vector"];

/// The extensions a Supabase project starts with, whose functions
/// [`EXTENSIONS_SCHEMA_FUNCTIONS`] lists.
const BASE_EXTENSIONS: &[&str] = &["plpgsql", "pgcrypto", "uuid-ossp", "pg_stat_statements"];

/// The schemas of the Supabase base catalog but `public` and `extensions`: the platform's.
pub(crate) fn platform_schemas() -> &'static BTreeSet<String> {
    static S: OnceLock<BTreeSet<String>> = OnceLock::new();
    S.get_or_init(|| {
        crate::sql::supabase::base_catalog()
            .schemas
            .into_keys()
            .filter(|s| s != "public" && s != "extensions")
            .collect()
    })
}

/// Whether `schema` is one of the Supabase platform's (its objects change with the platform).
pub(crate) fn platform_schema(schema: &str) -> bool {
    platform_schemas().contains(schema)
}

/// `schema "s" does not exist` (3F000).
pub(crate) fn missing_schema(schema: &str) -> ReplayError {
    ReplayError::new(
        SqlState::InvalidSchemaName,
        format!("schema \"{schema}\" does not exist"),
    )
}

/// `pg_catalog` first unless `path` lists it, then `path`.
fn lookup_order(path: Vec<String>) -> Vec<String> {
    let mut order = path;
    if !order.iter().any(|s| s == "pg_catalog") {
        order.insert(0, "pg_catalog".into());
    }
    order
}

impl Replayer {
    /// The extensions installed in `schema`.
    fn extensions_in<'a>(&'a self, schema: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.catalog
            .extensions
            .values()
            .filter(move |e| e.schema == schema)
            .map(|e| e.name.as_str())
    }

    /// Whether a schema the catalog does not hold may exist all the same.
    pub(crate) fn schema_may_exist(&self, schema: &str) -> bool {
        OUTSIDE_SCHEMAS.contains(&schema)
            || schema.starts_with("pg_")
            || platform_schemas().contains(schema)
            || schema == "extensions"
            || self
                .catalog
                .extensions
                .keys()
                .any(|e| !PLAIN_EXTENSIONS.contains(&e.as_str()) && e != "pg_stat_statements")
    }

    /// `SCHEMA s`.
    pub(crate) fn lookup_schema(&self, schema: &str) -> Found {
        if self.catalog.schemas.contains_key(schema) {
            Found::In(schema.to_string())
        } else if self.schema_may_exist(schema) {
            Found::Unknown
        } else {
            Found::Missing(missing_schema(schema))
        }
    }

    /// Whether `schema` (held by the catalog) may have a relation `name` the catalog lacks.
    fn relations_open(&self, schema: &str, name: &str) -> bool {
        self.foreign_tables
            || platform_schemas().contains(schema)
            || self.extensions_in(schema).any(|e| match e {
                "pg_stat_statements" => name.starts_with("pg_stat_statements"),
                e => !PLAIN_EXTENSIONS.contains(&e),
            })
    }

    /// A relation of any kind (table, view, sequence, …) named `[schema.]name`.
    pub(crate) fn lookup_relation(&self, schema: Option<&str>, name: &str) -> Found {
        let has = |s: &str| {
            self.catalog
                .schemas
                .get(s)
                .is_some_and(|sc| sc.has_relation(name))
        };
        if schema.is_none_or(|s| s == "pg_temp") && self.temp_relations.contains(name) {
            return Found::Unknown;
        }
        if schema == Some("pg_temp") {
            return Found::Missing(super::super::undefined_relation(schema, name));
        }
        if let Some(s) = schema {
            return match self.catalog.schemas.get(s) {
                Some(_) if has(s) => Found::In(s.to_string()),
                Some(_) if self.relations_open(s, name) => Found::Unknown,
                Some(_) => Found::Missing(super::super::undefined_relation(Some(s), name)),
                None if self.schema_may_exist(s) => Found::Unknown,
                None => Found::Missing(missing_schema(s)),
            };
        }
        for s in lookup_order(self.effective_search_path()) {
            if s == "pg_catalog" {
                // Every relation of `pg_catalog` is called `pg_…`.
                if name.starts_with("pg_") {
                    return Found::Unknown;
                }
                continue;
            }
            match self.catalog.schemas.get(&s) {
                Some(_) if has(&s) => return Found::In(s),
                Some(_) if self.relations_open(&s, name) => return Found::Unknown,
                Some(_) => {}
                None if self.schema_may_exist(&s) => return Found::Unknown,
                None => {}
            }
        }
        Found::Missing(super::super::undefined_relation(None, name))
    }

    /// Whether `schema` (held by the catalog) may have a routine `name` the catalog lacks.
    fn routines_open(&self, schema: &str, name: &str) -> bool {
        if platform_schemas().contains(schema) {
            return true;
        }
        let mut extensions = self.extensions_in(schema).filter(|e| *e != "plpgsql");
        if schema == "extensions"
            && (EXTENSIONS_SCHEMA_FUNCTIONS.contains(&name)
                || EXTENSIONS_SCHEMA_EXTENSIONS
                    .iter()
                    .any(|e| super::extensions::extension_functions(e).contains(&name)))
        {
            return true;
        }
        // A function only an extension the history has not installed provides
        // (`extensions.moddatetime` before `create extension moddatetime`) is missing, whatever
        // else the schema's other extensions add.
        let of_missing_extension = OWN_FUNCTION_EXTENSIONS.iter().any(|e| {
            !self.catalog.extensions.contains_key(*e)
                && super::extensions::extension_functions(e).contains(&name)
        });
        if of_missing_extension {
            return false;
        }
        if schema == "extensions" {
            extensions.any(|e| !BASE_EXTENSIONS.contains(&e))
        } else {
            extensions.next().is_some()
        }
    }

    /// A routine (function, procedure, aggregate) named `[schema.]name`, whatever its
    /// arguments. `shown` is how PostgreSQL's error names it (`f(integer)`, or `None` for
    /// "could not find a function named").
    pub(crate) fn lookup_routine(
        &self,
        schema: Option<&str>,
        name: &str,
        what: &str,
        shown: Option<&str>,
    ) -> Found {
        let has = |s: &str| {
            self.catalog
                .schemas
                .get(s)
                .is_some_and(|sc| sc.functions.contains(name))
        };
        let missing = || {
            let qualified = match schema {
                Some(s) => format!("{s}.{name}"),
                None => name.to_string(),
            };
            Found::Missing(ReplayError::new(
                SqlState::Raised("undefined_function"),
                match shown {
                    Some(args) => format!("{what} {qualified}({args}) does not exist"),
                    None => format!("could not find a {what} named \"{qualified}\""),
                },
            ))
        };
        let order = match schema {
            Some(s) => vec![s.to_string()],
            None => lookup_order(self.effective_search_path()),
        };
        for s in &order {
            if s == "pg_catalog" {
                if crate::pg::builtin::is_builtin_routine(name) {
                    return Found::In(s.clone());
                }
                continue;
            }
            match self.catalog.schemas.get(s) {
                Some(_) if has(s) => return Found::In(s.clone()),
                Some(_) if self.routines_open(s, name) => return Found::Unknown,
                Some(_) => {}
                None if self.schema_may_exist(s) => return Found::Unknown,
                None if schema.is_some() => return Found::Missing(missing_schema(s)),
                None => {}
            }
        }
        missing()
    }

    /// Whether `schema` may have types the catalog and the extension tables do not know (any
    /// extension but a fresh project's may have types of its own).
    pub(crate) fn types_open(&self, schema: &str) -> bool {
        platform_schemas().contains(schema)
            || self
                .extensions_in(schema)
                .any(|e| !BASE_EXTENSIONS.contains(&e))
            || (!self.catalog.schemas.contains_key(schema) && self.schema_may_exist(schema))
    }
}
