//! `read_catalog` against real migration histories: every `dbgenerated("…")` default and every
//! `where: raw("…")` predicate that Prisma's engine printed for a corpus set
//! (`shared/corpus/<set>/expected.prisma`) is, byte for byte, a text the reader produced for the
//! same database. This pins the functions and pretty flags the reader uses to Prisma's.

mod common;

use std::collections::BTreeSet;

use common::pg::{apply_migration_set, shared_dir, PgCluster};
use schemagen::catalog::Catalog;
use schemagen::db::read_catalog;

/// The sets that apply on the prelude without missing extensions.
const SETS: &[&str] = &[
    "Razikus__supabase-nextjs-template",
    "YoseptF__visa-bot",
    "abramreyes__bank-api",
    "psteinroe__supabase-cache-helpers",
    "usebasejump__basejump",
    "vercel__nextjs-subscription-payments",
];

/// The PSL string arguments following each `marker` (`dbgenerated(`, `where: raw(`), unescaped.
fn psl_strings(text: &str, marker: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices(marker) {
        let rest = &text[at + marker.len()..];
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let mut s = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some(other) => s.push(other),
                    None => break,
                },
                c => s.push(c),
            }
        }
        out.push(s);
    }
    out
}

fn read_set(set: &str) -> Catalog {
    let db = PgCluster::shared().create_database(set);
    db.load_prelude();
    let outcome = apply_migration_set(
        &db,
        &shared_dir().join("corpus").join(set).join("migrations"),
    );
    assert!(outcome.failure.is_none(), "{set}: {:?}", outcome.failure);
    read_catalog(&mut db.client()).expect("read_catalog")
}

#[test]
fn defaults_and_predicates_match_prismas_text() {
    for set in SETS {
        let expected = std::fs::read_to_string(
            shared_dir()
                .join("corpus")
                .join(set)
                .join("expected.prisma"),
        )
        .unwrap();
        let c = read_set(set);
        let mut exprs = BTreeSet::new();
        let mut predicates = BTreeSet::new();
        for schema in c.schemas.values() {
            for t in schema.tables.values() {
                for col in &t.columns {
                    exprs.extend(col.default.clone());
                    exprs.extend(col.generated.clone());
                }
                predicates.extend(t.indexes.iter().filter_map(|i| i.predicate.clone()));
            }
        }
        let defaults = psl_strings(&expected, "dbgenerated(");
        let wheres = psl_strings(&expected, "where: raw(");
        assert!(
            !defaults.is_empty() && !wheres.is_empty(),
            "{set}: nothing to compare"
        );
        for d in &defaults {
            assert!(
                exprs.contains(d),
                "{set}: default {d:?} not read; read: {exprs:#?}"
            );
        }
        for w in &wheres {
            assert!(
                predicates.contains(w),
                "{set}: predicate {w:?} not read; read: {predicates:#?}"
            );
        }
        eprintln!(
            "{set}: {} defaults, {} predicates match",
            defaults.len(),
            wheres.len()
        );
    }
}

#[test]
fn psl_strings_unescape() {
    let text = r#"a @default(dbgenerated("'{\"x\"}'::text[]")) b where: raw("(a <> ''::text)")"#;
    assert_eq!(psl_strings(text, "dbgenerated("), [r#"'{"x"}'::text[]"#]);
    assert_eq!(psl_strings(text, "where: raw("), ["(a <> ''::text)"]);
}
