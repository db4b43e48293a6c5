//! `read_catalog` against real schemas: the Supabase prelude (`auth.users`), and migration
//! histories of the corpus, where every `dbgenerated("…")` default and every
//! `where: raw("…")` predicate that Prisma's engine printed for a corpus set
//! (`shared/corpus/<set>/expected.prisma`) is, byte for byte, a text the reader produced for the
//! same database. This pins the functions and pretty flags the reader uses to Prisma's.

mod common;

use std::collections::BTreeSet;

use common::pg::{apply_migration_set, shared_dir, PgCluster};
use common::shared::{self, CORPUS, PRELUDE};
use schemagen::catalog::{Catalog, CheckConstraint};
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
    let test = "defaults_and_predicates_match_prismas_text";
    if shared::require(test, &[PRELUDE, CORPUS]).is_none() {
        return;
    }
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

#[test]
fn prelude_database_has_auth_users() {
    if shared::require("prelude_database_has_auth_users", &[PRELUDE]).is_none() {
        return;
    }
    let db = PgCluster::shared().create_database("db_read_prelude");
    db.load_prelude();
    db.psql(
        "create table public.forms (
           id uuid default extensions.uuid_generate_v4(),
           at timestamptz default timezone('utc', now()),
           factor auth.factor_type default 'totp',
           owner uuid default auth.uid()
         );",
    )
    .unwrap();
    let mut client = db.client();
    let before: String = client.query_one("show search_path", &[]).unwrap().get(0);
    let c = read_catalog(&mut client).expect("read_catalog");
    let after: String = client.query_one("show search_path", &[]).unwrap().get(0);
    assert_eq!(
        before, after,
        "the reader's search_path is transaction-local"
    );

    let users = c.table("auth", "users").expect("auth.users");
    assert_eq!(users.columns.len(), 35);
    let confirmed = users.column("confirmed_at").unwrap();
    assert_eq!(
        confirmed.generated.as_deref(),
        Some("LEAST(email_confirmed_at, phone_confirmed_at)")
    );
    assert_eq!(confirmed.default, None);
    assert_eq!(
        users.checks,
        [CheckConstraint {
            name: "users_email_change_confirm_status_check".into(),
            expression:
                "((email_change_confirm_status >= 0) AND (email_change_confirm_status <= 2))".into(),
            validated: true,
            no_inherit: false,
        }]
    );
    let partial = users
        .indexes
        .iter()
        .find(|i| i.name == "users_email_partial_key")
        .expect("users_email_partial_key");
    assert_eq!(partial.predicate.as_deref(), Some("(is_sso_user = false)"));
    // The forms Prisma prints for the same defaults (see shared/corpus/*/expected.prisma).
    let forms = c.table("public", "forms").unwrap();
    let default = |name: &str| forms.column(name).unwrap().default.clone().unwrap();
    assert_eq!(default("id"), "uuid_generate_v4()");
    assert_eq!(default("at"), "timezone('utc'::text, now())");
    assert_eq!(default("factor"), "'totp'::auth.factor_type");
    assert_eq!(default("owner"), "auth.uid()");
    assert!(c.schema("extensions").unwrap().functions.is_empty());
    assert!(c.extensions.contains_key("pgcrypto"));
}
