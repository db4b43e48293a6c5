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

fn datasource(d: &AstBlock) -> ConfigBlock {
    let mut lines = Vec::new();
    if let Some(p) = d.property("provider") {
        lines.push(ConfigLine {
            key: "provider".into(),
            value: p.to_psl(),
        });
    }
    if let Some(r) = d.property("relationMode") {
        lines.push(ConfigLine {
            key: "relationMode".into(),
            value: r.to_psl(),
        });
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

/// What the re-rendered datasource leaves out that the user wrote, one notice each.
pub fn dropped_datasource_properties(prev: &Previous) -> Vec<String> {
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
            Some(format!(
                "datasource {}: `{}` is not written: {why}.",
                d.name.name, p.name.name
            ))
        })
        .collect()
}

/// The configuration blocks of the output: the previous schema's, or a fresh default
/// (`generator client` with `prisma-client`, `datasource db` with `postgresql`).
pub fn render(prev: &Previous, add_partial: bool) -> Vec<ConfigBlock> {
    let mut out: Vec<ConfigBlock> = prev
        .generators
        .iter()
        .map(|g| generator(g, add_partial))
        .collect();
    if prev.generators.is_empty() && prev.datasource.is_none() {
        let mut lines = vec![ConfigLine {
            key: "provider".into(),
            value: "\"prisma-client\"".into(),
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
        Some(d) => out.push(datasource(d)),
        None => out.push(ConfigBlock {
            keyword: "datasource",
            name: "db".into(),
            docs: Vec::new(),
            lines: vec![ConfigLine {
                key: "provider".into(),
                value: "\"postgresql\"".into(),
            }],
        }),
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
