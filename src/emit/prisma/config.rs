//! The `generator` and `datasource` blocks, re-rendered from the previous schema the way the
//! engine does (`rendering/configuration.rs` and `datamodel-renderer/src/configuration/*` as of
//! Prisma 7.10, checked with the oracle):
//!
//! * generators in input order: `provider`, `output`, `previewFeatures`, `binaryTargets`, then the
//!   other keys sorted by name; non-string scalar values become strings (`flag = true` →
//!   `flag = "true"`); preview features are parsed case-insensitively, deduplicated, printed in
//!   their canonical spelling in alphabetical order, and `partialIndexes` is appended to every
//!   generator when a partial index is rendered;
//! * one datasource: `provider`, `relationMode`, `schemas` (sorted, deduplicated); other keys
//!   (`extensions`, URLs) are not written (Prisma 7 keeps connection URLs in `prisma.config.ts`
//!   and no longer lists extensions);
//! * comments before these blocks are dropped; the last comment block inside one becomes its
//!   documentation (psl's parser), printed as `///` lines before the block.
//!
//! For Prisma 5/6 projects ([`PrismaOptions::prisma_major`](super::PrismaOptions) ≤ 6) the
//! datasource is what Prisma 6.19's engine writes (checked with its `schema-engine-wasm`):
//! `provider`, `url`, `directUrl`, `shadowDatabaseUrl`, `relationMode`, `extensions`, `schemas`, in
//! that order; `extensions` (with the `postgresqlExtensions` preview feature) lists the
//! database's extensions that the previous list names or that the engine adds by itself
//! (`citext`, `postgis`, `uuid-ossp`), as `datamodel-renderer` renders them; a fresh schema gets
//! `prisma-client-js` and `url = env("DATABASE_URL")`; `partialIndexes` does not exist there.

use super::dm::{ConfigBlock, ConfigLine};
use crate::psl::ast::{ConfigBlock as AstBlock, Expr};
use crate::psl::names::string_literal;
use crate::psl::resolved::Previous;

/// Preview features Prisma 7 knows, as enum variants (alphabetical: that is the output order).
const PREVIEW_FEATURES: &[&str] = &[
    "AggregateApi",
    "AtomicNumberOperations",
    "ClientExtensions",
    "Cockroachdb",
    "ConnectOrCreate",
    "CreateMany",
    "DataProxy",
    "Deno",
    "Distinct",
    "DriverAdapters",
    "ExtendedIndexes",
    "ExtendedWhereUnique",
    "FieldReference",
    "FilterJson",
    "FilteredRelationCount",
    "FullTextIndex",
    "FullTextSearch",
    "FullTextSearchPostgres",
    "GroupBy",
    "ImprovedQueryRaw",
    "InteractiveTransactions",
    "JsonProtocol",
    "MicrosoftSqlServer",
    "Middlewares",
    "MongoDb",
    "MultiSchema",
    "NApi",
    "NamedConstraints",
    "NativeDistinct",
    "NativeTypes",
    "OmitApi",
    "OrderByAggregateGroup",
    "OrderByNulls",
    "OrderByRelation",
    "PartialIndexes",
    "PostgresqlExtensions",
    "PrismaSchemaFolder",
    "QueryCompiler",
    "ReactNative",
    "ReferentialActions",
    "ReferentialIntegrity",
    "RelationJoins",
    "SchemaEngineDriverAdapters",
    "SelectRelationCount",
    "ShardKeys",
    "StrictUndefinedChecks",
    "Tracing",
    "TransactionApi",
    "TypedSql",
    "UncheckedScalarInputs",
    "Views",
];

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
        None => String::new(),
    }
}

/// Canonical preview feature list: known names in enum order, unknown ones after them as written.
fn canonical_features(items: &[String], add_partial: bool) -> Vec<String> {
    let mut known: Vec<usize> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for i in items {
        match PREVIEW_FEATURES
            .iter()
            .position(|f| f.eq_ignore_ascii_case(i))
        {
            Some(p) => {
                if !known.contains(&p) {
                    known.push(p);
                }
            }
            None => {
                if !unknown.contains(i) {
                    unknown.push(i.clone());
                }
            }
        }
    }
    known.sort();
    let mut out: Vec<String> = known
        .iter()
        .map(|&p| lower_first(PREVIEW_FEATURES[p]))
        .collect();
    out.extend(unknown);
    if add_partial && !out.iter().any(|f| f == "partialIndexes") {
        out.push("partialIndexes".into());
    }
    out
}

/// A generator config value as the engine re-renders it.
fn config_value(e: &Expr) -> String {
    match e {
        Expr::Str(_) | Expr::Array(_) | Expr::Function(..) => e.to_psl(),
        Expr::Number(n) => string_literal(n),
        Expr::Path(p) => string_literal(p),
    }
}

fn doc_lines(b: &AstBlock) -> Vec<String> {
    b.documentation
        .as_deref()
        .map(|d| d.split('\n').map(String::from).collect())
        .unwrap_or_default()
}

fn generator(g: &AstBlock, add_partial: bool) -> ConfigBlock {
    let mut lines = Vec::new();
    let get = |k: &str| g.property(k);
    if let Some(p) = get("provider") {
        lines.push(ConfigLine {
            key: "provider".into(),
            value: config_value(p),
        });
    }
    if let Some(o) = get("output") {
        lines.push(ConfigLine {
            key: "output".into(),
            value: config_value(o),
        });
    }
    let features: Option<Vec<String>> = get("previewFeatures").map(|e| match e {
        Expr::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    });
    if features.is_some() || add_partial {
        let f = canonical_features(&features.unwrap_or_default(), add_partial);
        lines.push(ConfigLine {
            key: "previewFeatures".into(),
            value: format!(
                "[{}]",
                f.iter()
                    .map(|s| string_literal(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    if let Some(b) = get("binaryTargets") {
        lines.push(ConfigLine {
            key: "binaryTargets".into(),
            value: config_value(b),
        });
    }
    let mut others: Vec<_> = g
        .properties
        .iter()
        .filter(|p| {
            !matches!(
                p.name.name.as_str(),
                "provider" | "output" | "previewFeatures" | "binaryTargets"
            )
        })
        .collect();
    others.sort_by(|a, b| a.name.name.cmp(&b.name.name));
    let mut seen = std::collections::HashSet::new();
    for p in others {
        if seen.insert(p.name.name.clone()) {
            lines.push(ConfigLine {
                key: p.name.name.clone(),
                value: config_value(&p.value),
            });
        }
    }
    ConfigBlock {
        keyword: "generator",
        name: g.name.name.clone(),
        docs: doc_lines(g),
        lines,
    }
}

/// The extensions line of a Prisma ≤ 6 datasource: the database's extensions (name, schema),
/// in name order, that the previous list names (keeping its `version` and its `schema` unless
/// the extension moved) or that the engine adds unasked (with their schema).
fn extensions_line(d: &AstBlock, extensions: &[(String, String)]) -> Option<ConfigLine> {
    // The engine's allow list, as written there ("pg_crypto" never matches `pgcrypto`).
    const ALLOW: &[&str] = &["citext", "postgis", "pg_crypto", "uuid-ossp"];
    let previous: Vec<(&str, &[crate::psl::ast::Argument])> = match d.property("extensions") {
        Some(Expr::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                Expr::Path(p) => Some((p.as_str(), &[][..])),
                Expr::Function(name, args) => {
                    let mapped = args
                        .iter()
                        .find(|a| a.name.as_deref() == Some("map"))
                        .and_then(|a| a.value.as_str());
                    Some((mapped.unwrap_or(name), args.as_slice()))
                }
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let arg = |args: &[crate::psl::ast::Argument], key: &str| {
        args.iter()
            .find(|a| a.name.as_deref() == Some(key))
            .and_then(|a| a.value.as_str().map(String::from))
    };
    let mut items = Vec::new();
    for (name, schema) in extensions {
        let mut params = Vec::new();
        let head = if crate::psl::names::needs_sanitation(name) {
            params.push(format!("map: {}", string_literal(name)));
            crate::psl::names::sanitize(name)
        } else {
            name.clone()
        };
        match previous.iter().find(|(n, _)| n == name) {
            Some((_, args)) => {
                if let Some(v) = arg(args, "version") {
                    params.push(format!("version: {}", string_literal(&v)));
                }
                if arg(args, "schema").is_some() {
                    params.push(format!("schema: {}", string_literal(schema)));
                }
            }
            None if ALLOW.contains(&name.as_str()) => {
                params.push(format!("schema: {}", string_literal(schema)));
            }
            None => continue,
        }
        items.push(if params.is_empty() {
            head
        } else {
            format!("{head}({})", params.join(", "))
        });
    }
    (!items.is_empty()).then(|| ConfigLine {
        key: "extensions".into(),
        value: format!("[{}]", items.join(", ")),
    })
}

fn datasource(d: &AstBlock, legacy: Option<&[(String, String)]>) -> ConfigBlock {
    let mut lines = Vec::new();
    let keep = |key: &str, lines: &mut Vec<ConfigLine>| {
        if let Some(v) = d.property(key) {
            lines.push(ConfigLine {
                key: key.into(),
                value: v.to_psl(),
            });
        }
    };
    keep("provider", &mut lines);
    if legacy.is_some() {
        keep("url", &mut lines);
        keep("directUrl", &mut lines);
        keep("shadowDatabaseUrl", &mut lines);
    }
    keep("relationMode", &mut lines);
    if let Some(extensions) = legacy {
        lines.extend(extensions_line(d, extensions));
    }
    if let Some(Expr::Array(items)) = d.property("schemas") {
        let mut s: Vec<String> = items
            .iter()
            .filter_map(|i| i.as_str().map(String::from))
            .collect();
        s.sort();
        s.dedup();
        lines.push(ConfigLine {
            key: "schemas".into(),
            value: format!(
                "[{}]",
                s.iter()
                    .map(|x| string_literal(x))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    ConfigBlock {
        keyword: "datasource",
        name: d.name.name.clone(),
        docs: doc_lines(d),
        lines,
    }
}

/// What the re-rendered datasource leaves out that the user wrote, one notice each (Prisma 7;
/// a Prisma 5/6 datasource keeps what `db pull` of that version keeps).
pub fn dropped_datasource_properties(prev: &Previous, major: u32) -> Vec<String> {
    if major <= 6 {
        return Vec::new();
    }
    let Some(d) = &prev.datasource else {
        return Vec::new();
    };
    d.properties
        .iter()
        .filter_map(|p| {
            let why = match p.name.name.as_str() {
                "provider" | "relationMode" | "schemas" => return None,
                "url" | "directUrl" | "shadowDatabaseUrl" => {
                    "Prisma 7 reads connection URLs from prisma.config.ts (https://pris.ly/d/config-datasource)"
                }
                "extensions" => "Prisma 7 no longer lists PostgreSQL extensions in the schema",
                _ => "`prisma db pull` does not keep it",
            };
            let why = format!(
                "{why} (a Prisma 5/6 project keeps it: set `[prisma] version = 6` in schemagen.toml, \
                 pass --prisma-version 6, or list prisma 6 in package.json)"
            );
            Some(format!(
                "datasource {}: `{}` is not written: {why}.",
                d.name.name, p.name.name
            ))
        })
        .collect()
}

/// The configuration blocks of the output: the previous schema's, or a fresh default
/// (`generator client` with `prisma-client`, `datasource db` with `postgresql`; for Prisma ≤ 6
/// `prisma-client-js` and `url = env("DATABASE_URL")`). `extensions` are the database's
/// extensions (name, schema) in name order.
pub fn render(
    prev: &Previous,
    add_partial: bool,
    major: u32,
    extensions: &[(String, String)],
) -> Vec<ConfigBlock> {
    let legacy = major <= 6;
    let add_partial = add_partial && !legacy;
    let extensions: Option<&[(String, String)]> = match legacy {
        true if prev.has_preview_feature("postgresqlExtensions") => Some(extensions),
        true => Some(&[]),
        false => None,
    };
    let mut out: Vec<ConfigBlock> = prev
        .generators
        .iter()
        .map(|g| generator(g, add_partial))
        .collect();
    if prev.generators.is_empty() && prev.datasource.is_none() {
        let mut lines = vec![ConfigLine {
            key: "provider".into(),
            value: if legacy {
                "\"prisma-client-js\"".into()
            } else {
                "\"prisma-client\"".into()
            },
        }];
        if add_partial {
            lines.push(ConfigLine {
                key: "previewFeatures".into(),
                value: "[\"partialIndexes\"]".into(),
            });
        }
        out.push(ConfigBlock {
            keyword: "generator",
            name: "client".into(),
            docs: Vec::new(),
            lines,
        });
    }
    match &prev.datasource {
        Some(d) => out.push(datasource(d, extensions)),
        None => {
            let mut lines = vec![ConfigLine {
                key: "provider".into(),
                value: "\"postgresql\"".into(),
            }];
            if legacy {
                lines.push(ConfigLine {
                    key: "url".into(),
                    value: "env(\"DATABASE_URL\")".into(),
                });
            }
            out.push(ConfigBlock {
                keyword: "datasource",
                name: "db".into(),
                docs: Vec::new(),
                lines,
            })
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_features_are_canonical() {
        let f = |v: &[&str], p| {
            canonical_features(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>(), p)
        };
        assert_eq!(
            f(&["views", "postgresqlExtensions"], true),
            ["postgresqlExtensions", "views", "partialIndexes"]
        );
        assert_eq!(
            f(
                &["Views", "partialIndexes", "multiSchema", "relationJoins"],
                true
            ),
            ["multiSchema", "partialIndexes", "relationJoins", "views"]
        );
        assert!(f(&[], false).is_empty());
    }
}
