//! The lowering against Prisma Migrate itself: for every schema of the lowering round trip (the
//! engine's `expected.prisma` of each fixture and corpus set), the schemas of
//! `tests/fixtures/prisma_lower` (constructs db pull never writes: client-side defaults,
//! `@updatedAt`, list defaults, long names, relations with actions, …) and the hand-written
//! `schema.prisma` files of the corpus, Prisma's engine writes the SQL that creates it
//! (`prisma migrate diff --from-empty --to-schema`, `oracle/diff.mjs`), the replay stores that
//! SQL (the replay is checked against PostgreSQL 15 by `tests/replay_vs_postgres.rs`), and the
//! lowered catalog must equal the result on what Prisma expresses (`prisma_lower/compare.rs`),
//! sequences included.
//!
//! Where the lowering deliberately writes the Supabase form of what Prisma Migrate writes
//! differently, the comparison counts the pair as *equivalent* (a default Prisma reads as the
//! same value: `now()` for `CURRENT_TIMESTAMP`, an array literal for `ARRAY[…]`) or does not
//! see it (a `UNIQUE` constraint for a unique index). Two differences are printed apart: Prisma
//! Migrate makes an optional `autoincrement()` field `NOT NULL` (`SERIAL`), the lowering keeps it
//! nullable as the schema says (db pull writes `Int?` for such a column); and where Prisma
//! Migrate's `ARRAY[…]` list default is stored in a form db pull cannot read back as the list
//! (`numeric(6,2)[]`), the lowering's array literal, which it reads, is taken.
//!
//! Views are left out (Prisma Migrate does not create them). A schema the engine refuses as
//! invalid (`P1012`: db pull's own output for some databases) is counted and skipped.
//!
//! Needs PostgreSQL 15 (the engine wants a reachable database) and `oracle/node_modules`.

#[path = "prisma_lower/cases.rs"]
mod cases;
mod common;
#[path = "prisma_lower/compare.rs"]
mod compare;

use std::path::Path;
use std::process::Command;

use schemagen::catalog::Catalog;
use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::emit::prisma::defaults::{parse_default, DbDefault};
use schemagen::prisma::lower::{lower, LowerOptions};
use schemagen::prisma::parse::parse_schema;
use schemagen::sql::replay::Replayer;

use cases::{cases, scope};
use common::pg::PgCluster;

/// `prisma migrate diff --from-empty --to-schema <text>`: the SQL, or the engine's error.
fn migrate_sql(text: &str, url: &str) -> Result<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("oracle/node_modules/@prisma/schema-engine-wasm")
            .exists(),
        "oracle/node_modules is missing: run `npm ci --prefix oracle` (Node.js >= 20)"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.prisma");
    let sql = dir.path().join("migration.sql");
    std::fs::write(&path, text).unwrap();
    // `--out`: node cuts long output to a pipe short when it exits.
    let out = Command::new("node")
        .arg(root.join("oracle/diff.mjs"))
        .args(["--from-empty", "--to-schema"])
        .arg(&path)
        .args(["--url", url, "--out"])
        .arg(&sql)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (Node.js >= 20 is needed): {e}"));
    if out.status.success() {
        Ok(std::fs::read_to_string(&sql).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The context without what the Prisma schema describes: its schemas' tables, views, enums and
/// sequences (what the lowering ignores in its context, and what the migration creates).
fn without_described(context: &Catalog, schemas: &[String]) -> Catalog {
    let mut c = context.clone();
    for s in schemas {
        if let Some(s) = c.schemas.get_mut(s) {
            s.tables.clear();
            s.views.clear();
            s.enums.clear();
            s.sequences.clear();
        }
    }
    c
}

/// Prisma 7 refuses `url`/`directUrl` in the datasource; the hand-written corpus schemas have
/// them.
fn without_urls(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("url ") || t.starts_with("url=") || t.starts_with("directUrl"))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// db pull outputs Prisma's validator refuses (`P1012`), so the engine writes no SQL for them
/// (see `src/emit/prisma/NOTES.md`, "Outputs of the engine that do not validate").
///
/// Each was checked with `node oracle/validate.mjs <fixture>/expected.prisma`.
const INVALID: &[&str] = &[
    // An enum list default naming a database label that is not a Prisma name:
    // `@default([red, blue-ish])`.
    "fixture array_defaults",
    "fixture defaults", // an enum list default naming database labels
    // An enum list default the grammar does not read: `@default([a b])`.
    "fixture enum_array_labels",
    "fixture multischema", // tables of the same name in two schemas
    "fixture names",       // a table whose name has no letters: `model  {`
    // Names that sanitise to the same name: two `model public_my_table`, fields `a_b` and `x`
    // twice in `t`; relation fields of the models named `ä` and `ö` have no name (`public__[]`).
    "fixture names_clashes",
    // Two tables named with no letters (`ä`, `ö`): two `model public__`, relation fields
    // without a type (`? @relation(…)`) or named `__a_idTo`.
    "fixture names_nameless",
    // A table named `ä` (`model  {`) and relation fields pointing at it with no type.
    "fixture names_nameless_one",
    // GIN and GiST indexes on an `Int` column (operator classes of btree_gin/btree_gist): Prisma
    // allows those index types on a few scalar types only.
    "fixture opclasses",
    "fixture reintrospection", // `@ignore` on a back relation to an ignored model
    "QuivrHQ__quivr",          // an enum whose labels are all commented out
    "classroomio__classroomio", // a relation between fields of different types
];

/// Tables whose `CREATE TABLE` from Prisma's SQL PostgreSQL refuses (the replay reports the same
/// error): `Unsupported("_int4range")[]`, as db pull writes an `int4range[]` column, becomes
/// `_int4range[]`, which does not exist. The lowering reads it as `int4range[]`. The same for an
/// array of a domain: `email[]` is `Unsupported("_email")[]`, and PostgreSQL 15 refuses
/// `_email[]` ("type \"_email[]\" does not exist"). The sequences of such a table's serial
/// columns are not made either.
const NOT_CREATED: &[&str] = &[
    "fixture app_pg_types: public.everything",
    // `Unsupported("_floatrange")[]` and `Unsupported("_short_text")[]` (an array of a domain)
    // become `_floatrange[]`, `_short_text[]` in Prisma's SQL.
    "fixture array_names_ranges: public.slots",
    "fixture array_names_ranges: public.t",
    // `Unsupported("_earth")[]` (an array of earthdistance's domain) becomes `_earth[]`.
    "fixture extension_domains: public.images",
    // `Unsupported("_hstore")[]`, `Unsupported("_cube")[]` (extension types outside the
    // datasource's schemas) become `_hstore[]`, `_cube[]`, and `Unsupported("isbn13")[]` an
    // unqualified `isbn13[]`.
    "fixture extension_types: public.tagged",
    "fixture types: public.arrays",
];

/// What one schema gave.
enum Outcome {
    /// The engine refused the schema.
    Refused,
    /// Compared: the report, the tables Prisma's SQL could not create, problems.
    Compared(compare::Report, Vec<String>, Vec<String>),
}

fn run_one(name: &str, text: &str, context: &Catalog, url: &str) -> Outcome {
    let sql = match migrate_sql(text, url) {
        Ok(sql) => sql,
        Err(e) if e.contains("P1012") => return Outcome::Refused,
        Err(e) => panic!("{name}: the engine failed: {e}"),
    };
    let (ast, errors) = parse_schema(text);
    assert!(errors.is_empty(), "{name}: {errors:?}");
    let mut scope = scope(&ast);
    scope.views = false;
    scope.sequences = true;
    let mut sources = Sources::new();
    let mut replay_diags = Diagnostics::new();
    let id = sources.add("migration.sql", sql);
    let mut r = Replayer::new(without_described(context, &scope.schemas));
    r.replay_file(&sources, id, &mut replay_diags);
    let mut migrated = r.finish();
    let file = sources.add("schema.prisma", text.to_string());
    let opts = LowerOptions {
        context: Some(context),
        ..Default::default()
    };
    let mut diags = Diagnostics::new();
    let mut lowered = lower(&ast, file, &opts, &mut diags);
    let problems = diags.iter().map(|d| d.one_line(&sources)).collect();
    let mut not_created = Vec::new();
    if replay_diags.has_errors() {
        for d in replay_diags.iter() {
            println!("  {name}: {}", d.one_line(&sources));
        }
        for (sn, s) in &mut lowered.schemas {
            s.tables.retain(|t, _| {
                let made = migrated.table(sn, t).is_some();
                if !made {
                    not_created.push(format!("{name}: {sn}.{t}"));
                }
                made
            });
            // A serial column's sequence is made by its table's `CREATE TABLE`
            // (`BIGSERIAL`, `SMALLSERIAL`): none without the table.
            let tables = &s.tables;
            s.sequences.retain(|_, q| {
                q.owned_by
                    .as_ref()
                    .is_none_or(|(t, _)| tables.contains_key(t))
            });
        }
    }
    let serials = nullable_autoincrement(&mut migrated, &lowered);
    if serials > 0 {
        println!("  {name}: {serials} optional autoincrement fields Prisma Migrate makes NOT NULL");
    }
    for column in unreadable_list_defaults(&mut migrated, &lowered) {
        println!("  {name}: {column}: Prisma Migrate's list default is one db pull cannot read");
    }
    let report = compare::compare(&migrated, &lowered, &scope);
    Outcome::Compared(report, not_created, problems)
}

#[test]
fn lowered_schemas_equal_what_prisma_migrate_builds() {
    if common::shared::require(
        "lowered_schemas_equal_what_prisma_migrate_builds",
        &[common::shared::CORPUS],
    )
    .is_none()
    {
        return;
    }
    let cluster = PgCluster::shared();
    let db = cluster.create_database("lower_migrate");
    let mut inputs: Vec<(String, String, Catalog)> = Vec::new();
    for case in cases() {
        inputs.push((case.name.clone(), case.expected.clone(), case.catalog));
    }
    // Constructs db pull never writes, on a fresh Supabase project.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prisma_lower");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "prisma"))
        .collect();
    files.sort();
    for f in files {
        let name = format!("prisma_lower/{}", f.file_name().unwrap().to_string_lossy());
        let text = std::fs::read_to_string(&f).unwrap();
        inputs.push((name, text, schemagen::sql::supabase::base_catalog()));
    }
    // The schema.prisma files projects wrote by hand, with their migrations as context
    // (replayed as far as they go: some histories are incomplete).
    for set in common::corpus_sets() {
        let Ok(text) = std::fs::read_to_string(set.join("schema.prisma")) else {
            continue;
        };
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let context =
            schemagen::replay_dir(&set.join("migrations"), &mut sources, &mut diags).unwrap();
        let name = set.file_name().unwrap().to_string_lossy();
        inputs.push((
            format!("{name} (its own schema.prisma)"),
            without_urls(&text),
            context,
        ));
    }
    let (mut compared, mut equal, mut equivalent) = (0, 0, 0);
    let (mut refused, mut not_created, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    println!("lower(schema) vs replay(prisma migrate diff): compared / equal / equivalent");
    for (name, text, context) in &inputs {
        match run_one(name, text, context, &db.url()) {
            Outcome::Refused => refused.push(name.clone()),
            Outcome::Compared(r, lost, problems) => {
                println!(
                    "  {:50} {:5} / {:5} / {:4}",
                    name, r.compared, r.equal, r.equivalent
                );
                compared += r.compared;
                equal += r.equal;
                equivalent += r.equivalent;
                not_created.extend(lost);
                failures.extend(problems.iter().map(|p| format!("{name}: {p}")));
                failures.extend(r.mismatches.iter().map(|m| format!("{name}: {m}")));
            }
        }
    }
    println!("  total: {compared} compared, {equal} equal, {equivalent} equivalent");
    println!("  refused by the engine as invalid (P1012): {refused:?}");
    println!("  tables PostgreSQL does not create from Prisma's SQL: {not_created:?}");
    for f in &failures {
        println!("{f}");
    }
    assert!(inputs.len() >= 40, "inputs: {}", inputs.len());
    assert_eq!(refused, INVALID);
    assert_eq!(not_created, NOT_CREATED);
    assert!(compared > 10_000, "only {compared} objects compared");
    assert_eq!(equal + equivalent, compared, "{}", failures.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Prisma Migrate writes a list default as `ARRAY[…]::type[]`; with a cast on the elements
/// (`numeric(6,2)[]`, an `integer` among decimals) PostgreSQL stores a text db pull reads as
/// `dbgenerated(…)` rather than the list. Where the lowering's default reads as a list, such a
/// default of `migrated` is replaced by it; returns the columns.
fn unreadable_list_defaults(migrated: &mut Catalog, lowered: &Catalog) -> Vec<String> {
    let mut out = Vec::new();
    for (sn, s) in &lowered.schemas {
        for t in s.tables.values() {
            for c in t.columns.iter().filter(|c| c.ty.is_array()) {
                let family = compare::family(lowered, &c.ty);
                let read = |d: &str| parse_default(d, &family, true);
                let Some(mine) = c.default.as_deref() else {
                    continue;
                };
                let Some(m) = migrated
                    .table_mut(sn, &t.name)
                    .and_then(|mt| mt.column_mut(&c.name))
                else {
                    continue;
                };
                let theirs = m.default.as_deref().and_then(read);
                if matches!(theirs, Some(DbDefault::DbGenerated(_)))
                    && matches!(read(mine), Some(DbDefault::Value(_)))
                {
                    m.default = c.default.clone();
                    out.push(format!("{sn}.{}.{}", t.name, c.name));
                }
            }
        }
    }
    out
}

/// Prisma Migrate writes `SERIAL` (always `NOT NULL`) for an optional `autoincrement()` field;
/// the lowering keeps the column nullable. Such columns are put back to nullable in
/// `migrated`; returns how many.
fn nullable_autoincrement(migrated: &mut Catalog, lowered: &Catalog) -> usize {
    let mut n = 0;
    for (sn, s) in &lowered.schemas {
        for t in s.tables.values() {
            for c in &t.columns {
                let serial = c
                    .default
                    .as_deref()
                    .is_some_and(|d| d.starts_with("nextval("));
                if !serial || c.not_null {
                    continue;
                }
                if let Some(m) = migrated
                    .table_mut(sn, &t.name)
                    .and_then(|mt| mt.column_mut(&c.name))
                {
                    if m.not_null {
                        m.not_null = false;
                        n += 1;
                    }
                }
            }
        }
    }
    n
}
