//! Types, functions, operators and casts of the extensions Supabase projects use. They exist
//! only when the catalog has the extension installed, in the extension's schema.

/// A type an extension defines.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExtType {
    /// Extension name (`pg_extension.extname`).
    pub extension: &'static str,
    /// `typname`.
    pub name: &'static str,
    /// `typcategory`.
    pub category: u8,
}

/// Extension types.
pub(crate) const TYPES: &[ExtType] = &[
    ExtType {
        extension: "citext",
        name: "citext",
        category: b'S',
    },
    ExtType {
        extension: "hstore",
        name: "hstore",
        category: b'U',
    },
    ExtType {
        extension: "ltree",
        name: "ltree",
        category: b'U',
    },
    ExtType {
        extension: "ltree",
        name: "lquery",
        category: b'U',
    },
    ExtType {
        extension: "ltree",
        name: "ltxtquery",
        category: b'U',
    },
    ExtType {
        extension: "vector",
        name: "vector",
        category: b'U',
    },
    ExtType {
        extension: "vector",
        name: "halfvec",
        category: b'U',
    },
    ExtType {
        extension: "vector",
        name: "sparsevec",
        category: b'U',
    },
    ExtType {
        extension: "postgis",
        name: "geometry",
        category: b'U',
    },
    ExtType {
        extension: "postgis",
        name: "geography",
        category: b'U',
    },
    ExtType {
        extension: "postgis",
        name: "box2d",
        category: b'U',
    },
    ExtType {
        extension: "postgis",
        name: "box3d",
        category: b'U',
    },
    ExtType {
        extension: "cube",
        name: "cube",
        category: b'U',
    },
    ExtType {
        extension: "seg",
        name: "seg",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "isbn",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "ean13",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "isbn13",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "ismn",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "ismn13",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "issn",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "issn13",
        category: b'U',
    },
    ExtType {
        extension: "isn",
        name: "upc",
        category: b'U',
    },
    ExtType {
        extension: "pg_trgm",
        name: "gtrgm",
        category: b'U',
    },
    // Domains: `lo` over oid, `earth` over cube (a domain's category is its base type's).
    ExtType {
        extension: "lo",
        name: "lo",
        category: b'N',
    },
    ExtType {
        extension: "earthdistance",
        name: "earth",
        category: b'U',
    },
];

/// The extension type called `name`.
pub(crate) fn ext_type(name: &str) -> Option<&'static ExtType> {
    TYPES.iter().find(|t| t.name == name)
}

/// Casts involving extension types: `(source, target, castcontext, castmethod)`, extension
/// types written `extension.typname`.
pub(crate) const CASTS: &[(&str, &str, u8, u8)] = &[
    ("citext.citext", "text", b'i', b'b'),
    ("citext.citext", "varchar", b'i', b'b'),
    ("citext.citext", "bpchar", b'a', b'f'),
    ("text", "citext.citext", b'a', b'b'),
    ("varchar", "citext.citext", b'a', b'b'),
    ("bpchar", "citext.citext", b'a', b'f'),
    ("bool", "citext.citext", b'a', b'f'),
    ("inet", "citext.citext", b'a', b'f'),
    ("vector.vector", "_float4", b'i', b'f'),
    ("ltree.ltree", "ltree.ltxtquery", b'e', b'f'),
];

/// Functions defined by extensions: `extension|name|args|rettype` (`*` marks a variadic
/// parameter, `?` a parameter with a default; extension types are written bare).
pub(crate) const FUNCTIONS: &str = "\
uuid-ossp|uuid_generate_v1||uuid\n\
uuid-ossp|uuid_generate_v1mc||uuid\n\
uuid-ossp|uuid_generate_v3|uuid,text|uuid\n\
uuid-ossp|uuid_generate_v4||uuid\n\
uuid-ossp|uuid_generate_v5|uuid,text|uuid\n\
uuid-ossp|uuid_nil||uuid\n\
uuid-ossp|uuid_ns_dns||uuid\n\
uuid-ossp|uuid_ns_url||uuid\n\
uuid-ossp|uuid_ns_oid||uuid\n\
uuid-ossp|uuid_ns_x500||uuid\n\
pgcrypto|gen_random_uuid||uuid\n\
pgcrypto|gen_random_bytes|int4|bytea\n\
pgcrypto|gen_salt|text|text\n\
pgcrypto|gen_salt|text,int4|text\n\
pgcrypto|crypt|text,text|text\n\
pgcrypto|digest|text,text|bytea\n\
pgcrypto|digest|bytea,text|bytea\n\
pgcrypto|hmac|text,text,text|bytea\n\
pgcrypto|hmac|bytea,bytea,text|bytea\n\
pgcrypto|encrypt|bytea,bytea,text|bytea\n\
pgcrypto|decrypt|bytea,bytea,text|bytea\n\
pgcrypto|pgp_sym_encrypt|text,text|bytea\n\
pgcrypto|pgp_sym_encrypt|text,text,text|bytea\n\
pgcrypto|pgp_sym_decrypt|bytea,text|text\n\
pgcrypto|pgp_sym_decrypt|bytea,text,text|text\n\
pgcrypto|armor|bytea|text\n\
pgcrypto|dearmor|text|bytea\n\
pg_trgm|similarity|text,text|float4\n\
pg_trgm|word_similarity|text,text|float4\n\
pg_trgm|strict_word_similarity|text,text|float4\n\
pg_trgm|show_trgm|text|_text\n\
pg_trgm|show_limit||float4\n\
unaccent|unaccent|text|text\n\
unaccent|unaccent|regdictionary,text|text\n\
citext|citext|bpchar|citext\n\
citext|citext|bool|citext\n\
citext|citext|inet|citext\n\
citext|strpos|citext,citext|int4\n\
citext|replace|citext,citext,citext|text\n\
citext|split_part|citext,citext,int4|text\n\
citext|translate|citext,citext,text|text\n\
citext|regexp_replace|citext,citext,text|text\n\
citext|regexp_match|citext,citext|_text\n\
citext|regexp_matches|citext,citext|_text\n\
vector|cosine_distance|vector,vector|float8\n\
vector|l2_distance|vector,vector|float8\n\
vector|l1_distance|vector,vector|float8\n\
vector|inner_product|vector,vector|float8\n\
vector|vector_dims|vector|int4\n\
vector|vector_norm|vector|float8\n\
vector|l2_normalize|vector|vector\n\
pg_jsonschema|json_matches_schema|json,json|bool\n\
pg_jsonschema|jsonb_matches_schema|json,jsonb|bool\n\
pg_jsonschema|jsonschema_is_valid|json|bool\n\
hstore|hstore|text,text|hstore\n\
hstore|akeys|hstore|_text\n\
hstore|avals|hstore|_text\n\
hstore|exist|hstore,text|bool\n\
hstore|defined|hstore,text|bool\n\
ltree|nlevel|ltree|int4\n\
ltree|subltree|ltree,int4,int4|ltree\n\
ltree|subpath|ltree,int4,int4|ltree\n\
ltree|subpath|ltree,int4|ltree\n\
ltree|text2ltree|text|ltree\n\
ltree|ltree2text|ltree|text\n\
ltree|lca|*_ltree|ltree\n\
moddatetime|moddatetime||trigger\n\
";

/// Operators defined by extensions: `extension name left right result`, space-separated
/// (`-` for no left operand).
pub(crate) const OPERATORS: &str = "\
citext = citext citext bool\n\
citext <> citext citext bool\n\
citext < citext citext bool\n\
citext <= citext citext bool\n\
citext > citext citext bool\n\
citext >= citext citext bool\n\
citext ~~ citext citext bool\n\
citext ~~ citext text bool\n\
citext !~~ citext citext bool\n\
citext !~~ citext text bool\n\
citext ~~* citext citext bool\n\
citext ~~* citext text bool\n\
citext !~~* citext citext bool\n\
citext !~~* citext text bool\n\
citext ~ citext citext bool\n\
citext ~ citext text bool\n\
citext ~* citext citext bool\n\
citext ~* citext text bool\n\
citext !~ citext citext bool\n\
citext !~ citext text bool\n\
pg_trgm % text text bool\n\
pg_trgm <% text text bool\n\
pg_trgm %> text text bool\n\
pg_trgm <<% text text bool\n\
pg_trgm %>> text text bool\n\
pg_trgm <-> text text float4\n\
pg_trgm <<-> text text float4\n\
pg_trgm <->> text text float4\n\
vector <-> vector vector float8\n\
vector <#> vector vector float8\n\
vector <=> vector vector float8\n\
vector <+> vector vector float8\n\
vector + vector vector vector\n\
vector - vector vector vector\n\
vector * vector vector vector\n\
vector = vector vector bool\n\
vector <> vector vector bool\n\
hstore -> hstore text text\n\
hstore ? hstore text bool\n\
hstore @> hstore hstore bool\n\
hstore <@ hstore hstore bool\n\
hstore = hstore hstore bool\n\
ltree @> ltree ltree bool\n\
ltree <@ ltree ltree bool\n\
ltree ~ ltree lquery bool\n\
ltree = ltree ltree bool\n\
ltree < ltree ltree bool\n\
ltree > ltree ltree bool\n\
ltree <= ltree ltree bool\n\
ltree >= ltree ltree bool\n\
ltree <> ltree ltree bool\n\
ltree || ltree ltree ltree\n\
";

/// The extension types of a given extension, for parsing the tables above.
pub(crate) fn is_ext_type_of(extension: &str, name: &str) -> bool {
    TYPES
        .iter()
        .any(|t| t.extension == extension && t.name == name.trim_start_matches('_'))
}

/// `(access method, operator class, extension)` of the operator classes contrib extensions
/// define that are not their type's default (PostgreSQL 15: `pg_opclass` where not
/// `opcdefault`, joined to the extension through `pg_depend`); the defaults are in
/// [`crate::pg::builtin::opclasses::DEFAULT_OPCLASSES`].
pub(crate) const NON_DEFAULT_OPCLASSES: &[(&str, &str, &str)] = &[
    ("btree", "citext_pattern_ops", "citext"),
    ("gin", "gin__int_ops", "intarray"),
    ("gin", "gin_trgm_ops", "pg_trgm"),
    ("gist", "gist__intbig_ops", "intarray"),
    ("gist", "gist_trgm_ops", "pg_trgm"),
];

/// Whether index access method `method` with operator class `opclass` (named, or else the
/// default for the key's type as `format_type` prints it) comes from extension `extension`.
pub(crate) fn opclass_of_extension(
    extension: &str,
    method: &str,
    opclass: Option<&str>,
    key_type: Option<&str>,
) -> bool {
    use crate::pg::builtin::opclasses::DEFAULT_OPCLASSES;
    match opclass {
        Some(c) => {
            let c = c.rsplit('.').next().unwrap_or(c);
            DEFAULT_OPCLASSES
                .iter()
                .any(|&(m, n, _, e)| m == method && n == c && e == extension)
                || NON_DEFAULT_OPCLASSES
                    .iter()
                    .any(|&(m, n, e)| m == method && n == c && e == extension)
        }
        None => key_type.is_some_and(|ty| {
            DEFAULT_OPCLASSES
                .iter()
                .any(|&(m, _, t, e)| m == method && t == ty && e == extension)
        }),
    }
}

/// The base type of an extension type that is a domain, `(extension of the base or "" for a
/// built-in, type name)`: lo's `lo` is over `oid`, earthdistance's `earth` over cube's `cube`.
pub(crate) fn ext_domain_base(extension: &str, name: &str) -> Option<(&'static str, &'static str)> {
    match (extension, name) {
        ("lo", "lo") => Some(("", "oid")),
        ("earthdistance", "earth") => Some(("cube", "cube")),
        _ => None,
    }
}

/// What domain `ty` is over, and whether the domain is `NOT NULL`: a domain of the catalog, or
/// one an installed extension defines (`lo`, `earth`; not in the catalog, as the live reader
/// leaves out what belongs to an extension).
pub(crate) fn domain_base(
    c: &crate::catalog::Catalog,
    ty: &crate::catalog::SqlType,
) -> Option<(crate::catalog::SqlType, bool)> {
    if let Some(d) = c
        .schemas
        .get(&ty.schema)
        .and_then(|s| s.domains.get(&ty.name))
    {
        return Some((d.base.clone(), d.not_null));
    }
    let t = ext_type(&ty.name)?;
    let (base_ext, base) = ext_domain_base(t.extension, t.name)?;
    if c.extensions.get(t.extension)?.schema != ty.schema {
        return None;
    }
    let schema = match base_ext {
        "" => "pg_catalog".to_string(),
        e => c.extensions.get(e)?.schema.clone(),
    };
    Some((
        crate::catalog::SqlType {
            schema,
            name: base.to_string(),
            modifiers: Vec::new(),
            array_dims: 0,
        },
        false,
    ))
}
