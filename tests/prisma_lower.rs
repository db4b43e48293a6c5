//! The way back, checked where it is strongest: for every focused fixture
//! (`tests/fixtures/prisma/*`) and every corpus set with an engine expectation, the replayed
//! catalog is rendered as `schema.prisma` (`prisma-from-sql`), parsed and lowered again, and the
//! lowered catalog must equal the replayed one on everything a Prisma schema can express. The
//! engine's own `expected.prisma` files (real `prisma db pull` output) are lowered too.
//!
//! # What is compared
//!
//! In the schemas the datasource lists (or `public`): every table (its column names, in
//! order); every column (type with modifiers and array dimension, `NOT NULL`, default text —
//! serial/identity as the default they read as); primary keys (name, columns); unique keys
//! and indexes by name (unique, method, columns with sort order and, for GiST/GIN/SP-GiST/BRIN,
//! operator class, predicate); foreign keys by name (columns, referenced table and columns,
//! `ON DELETE`/`ON UPDATE`); enums (labels in order); views, with the `views` preview (column
//! names and types). An object missing on either side is a difference.
//!
//! # What Prisma cannot express, and is left out
//!
//! Left out entirely (counted per reason in the report): check and exclusion constraints,
//! row-level security and its policies, functions, triggers, grants (not in the catalog),
//! comments, sequences (`autoincrement()` names none; the lowering creates
//! `{table}_{column}_seq`), domains and composite types, view bodies and materialized views,
//! tables and enums in schemas the datasource does not list, partitions, tables without
//! columns (db pull comments them out), what db pull writes as lines Prisma cannot read
//! (following the renderer's naming: a model whose name is empty, `model  {`, with its
//! foreign keys and those pointing at it; relation fields without a name; an enum default
//! whose label is commented out, `dbgenerated("2")`, or whose value name two labels share),
//! the elements of a `json[]` array literal default (db pull shows `[]`), expression indexes, foreign keys into unlisted schemas,
//! foreign keys under `relationMode = "prisma"`, duplicate foreign keys and second
//! single-column unique keys on a column (db pull renders one).
//!
//! Compared the way Prisma sees them (the replayed side is put in that form first):
//! * a column's type: a domain as its base type (a `NOT NULL` domain makes the column
//!   required), but an array of a domain as the domain (`email[]`: information_schema names
//!   the array type `_email`, which db pull writes `Unsupported("_email")[]` and the lowering
//!   reads back as `email[]`); arrays with one dimension; types Prisma does not support (`Unsupported`)
//!   without modifiers (`vector(1536)` → `vector`); a time type without precision as
//!   precision 6 (db pull writes `@db.Timestamptz(6)` for `timestamptz`); `bpchar` without
//!   length and `"char"` as `char(1)` (both are `@db.Char`);
//! * array columns are never `NOT NULL` (Prisma lists have no nullability);
//! * a generated column's expression as its default (db pull shows `dbgenerated("…")`); an
//!   identity column as serial (both are `autoincrement()`);
//! * unique constraints and unique indexes alike; `INCLUDE` columns as key columns; no
//!   NULLS order, collation, `NULLS NOT DISTINCT`, deferrability, `MATCH`, `NOT VALID`, and no
//!   operator class on B-tree and hash indexes; index methods Prisma does not know (`hnsw`,
//!   `ivfflat`) as B-tree.
//!
//! A default whose text differs but which Prisma reads as the same value — `now()` and
//! `CURRENT_TIMESTAMP`, `'{a,b}'::text[]` and `ARRAY['a'::text, 'b'::text]`, any `nextval(…)`
//! and identity, `'x'::text` on a varchar column and `'x'::character varying` — counts as
//! *equivalent*, reported apart from *equal*. The lowering writes what Prisma Migrate writes
//! (`CURRENT_TIMESTAMP`, `ARRAY[…]`, a serial column).

#[path = "prisma_lower/cases.rs"]
mod cases;
mod common;
#[path = "prisma_lower/compare.rs"]
mod compare;

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{render_schema, PrismaOptions};
use schemagen::prisma::lower::{lower, LowerOptions};
use schemagen::prisma::parse::parse_schema;

use cases::{cases, scope, Case};
use compare::{compare, Report};

/// Lowers `text` with the replayed catalog as context, and compares.
fn check(case: &Case, text: &str) -> (Report, Vec<String>) {
    let (ast, errors) = parse_schema(text);
    let mut sources = Sources::new();
    let file = sources.add("schema.prisma", text.to_string());
    let mut diags = Diagnostics::new();
    let opts = LowerOptions {
        context: Some(&case.catalog),
        ..Default::default()
    };
    let lowered = lower(&ast, file, &opts, &mut diags);
    let again = lower(&ast, file, &opts, &mut Diagnostics::new());
    assert_eq!(
        lowered, again,
        "{}: lowering is not deterministic",
        case.name
    );
    let scope = scope(&ast);
    let mut problems: Vec<String> = diags.iter().map(|d| d.one_line(&sources)).collect();
    // db pull prints a table whose name sanitises to nothing as a block Prisma cannot parse
    // (`model  {`); the comparison leaves such tables out, and only then may the text have
    // errors.
    if !compare::has_unnamable_table(&case.catalog, &scope) {
        problems.extend(errors.iter().map(|e| format!("schema.prisma:{e}")));
    }
    (compare(&case.catalog, &lowered, &scope), problems)
}

/// Runs every case on the schema `text_of` gives, prints the figures and returns the totals
/// (compared, equal, equivalent) and the failures.
fn run(what: &str, text_of: &dyn Fn(&Case) -> String) -> (usize, usize, usize, Vec<String>) {
    let cases = cases();
    assert!(cases.len() >= 25, "cases found: {}", cases.len());
    let (mut compared, mut equal, mut equivalent) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut excluded = std::collections::BTreeMap::new();
    println!("{what}: objects compared / equal / equivalent in Prisma's terms");
    for case in &cases {
        let (r, problems) = check(case, &text_of(case));
        println!(
            "  {:45} {:5} / {:5} / {:4}{}",
            case.name,
            r.compared,
            r.equal,
            r.equivalent,
            if r.mismatches.is_empty() {
                String::new()
            } else {
                format!("   {} DIFFER", r.mismatches.len())
            }
        );
        if std::env::var_os("SCHEMAGEN_LOWER_VERBOSE").is_some() {
            for e in &r.equivalents {
                println!("    equivalent {e}");
            }
        }
        for m in r.mismatches.iter().chain(&problems) {
            failures.push(format!("{}: {m}", case.name));
        }
        compared += r.compared;
        equal += r.equal;
        equivalent += r.equivalent;
        for (why, n) in r.excluded {
            *excluded.entry(why).or_insert(0) += n;
        }
    }
    println!("  total: {compared} compared, {equal} equal, {equivalent} equivalent");
    println!("  left out (what Prisma cannot express):");
    for (why, n) in excluded {
        println!("    {n:6}  {why}");
    }
    for f in &failures {
        println!("{f}");
    }
    (compared, equal, equivalent, failures)
}

#[test]
fn rendered_schemas_lower_to_the_replayed_catalog() {
    if common::shared::require(
        "rendered_schemas_lower_to_the_replayed_catalog",
        &[common::shared::CORPUS],
    )
    .is_none()
    {
        return;
    }
    let (compared, equal, equivalent, failures) =
        run("lower(parse(prisma-from-sql))", &|case: &Case| {
            let opts = PrismaOptions {
                naming: case.naming,
                ..Default::default()
            };
            render_schema(&case.catalog, Some(&case.input), &opts)
                .unwrap()
                .text
        });
    assert!(compared > 5000, "only {compared} objects compared");
    assert_eq!(equal + equivalent, compared, "{}", failures.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn engine_schemas_lower_to_the_replayed_catalog() {
    if common::shared::require(
        "engine_schemas_lower_to_the_replayed_catalog",
        &[common::shared::CORPUS],
    )
    .is_none()
    {
        return;
    }
    let (compared, equal, equivalent, failures) = run("lower(expected.prisma)", &|case: &Case| {
        case.expected.clone()
    });
    assert!(compared > 5000, "only {compared} objects compared");
    assert_eq!(equal + equivalent, compared, "{}", failures.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
