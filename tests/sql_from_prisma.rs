//! `sql-from-prisma` round trips on real PostgreSQL 15.
//!
//! For fixtures and corpus sets whose history applies: `prisma-from-sql` renders the history's
//! schema (S0); `sql-from-prisma` on S0 must find no change. Then each scripted edit of S0
//! (formatted by Prisma's own formatter, `oracle/validate.mjs --format`) gives S1, and:
//! * the generated migration, applied on a copy of the database the history builds, leaves a
//!   live catalog (src/db reader) equal to `lower(S1)` on what Prisma expresses;
//! * `prisma-from-sql` on history + new file, with S1 as the previous schema, gives S1 back byte
//!   for byte;
//! * the `--down` file applied after it gives back `lower(S0)`;
//! * the `--idempotent` file applies twice and leaves the same catalog;
//! * Prisma's engine (`migrate diff --from-schema S0 --to-schema S1`, `oracle/diff.mjs`), applied
//!   on another copy, leaves a catalog equal to ours on what Prisma expresses.
//!
//! A second test tries every destructive kind and checks it is refused (nothing written)
//! without `allow_destructive`.
//!
//! Needs PostgreSQL 15, `oracle/node_modules` and `SCHEMAGEN_SHARED`.
#![allow(clippy::needless_range_loop)]

mod common;
#[path = "prisma_lower/compare.rs"]
mod compare;

use std::path::{Path, PathBuf};
use std::process::Command;

use schemagen::catalog::Catalog;
use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{self, PrismaFromSql, SqlFromPrisma};
use schemagen::prisma::lower::{lower, LowerOptions};
use schemagen::prisma::parse::parse_schema;
use schemagen::psl::resolved::Previous;

use common::pg::{apply_migration_set, Db, PgCluster};
use compare::Scope;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Prisma's formatter.
fn prisma_format(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("schema.prisma");
    std::fs::write(&p, text).unwrap();
    let out = Command::new("node")
        .arg(root().join("oracle/validate.mjs"))
        .arg("--format")
        .arg(&p)
        .output()
        .expect("node");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `prisma migrate diff --from-schema a --to-schema b --script`.
fn oracle_diff(a: &str, b: &str, url: &str) -> Result<String, String> {
    oracle_diff_from(Some(a), b, url)
}

/// `prisma migrate diff (--from-schema a | --from-empty) --to-schema b --script`: the SQL
/// `prisma migrate dev` writes to `migration.sql` for that change.
fn oracle_diff_from(a: Option<&str>, b: &str, url: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let (pa, pb, out) = (
        dir.path().join("a.prisma"),
        dir.path().join("b.prisma"),
        dir.path().join("m.sql"),
    );
    if let Some(a) = a {
        std::fs::write(&pa, a).unwrap();
    }
    std::fs::write(&pb, b).unwrap();
    let mut cmd = Command::new("node");
    cmd.arg(root().join("oracle/diff.mjs"));
    match a {
        Some(_) => cmd.arg("--from-schema").arg(&pa),
        None => cmd.arg("--from-empty"),
    };
    let o = cmd
        .arg("--to-schema")
        .arg(&pb)
        .args(["--url", url, "--out"])
        .arg(&out)
        .output()
        .expect("node");
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    if !o.status.success() {
        // A schema Prisma's validator refuses (db pull's own output for some databases).
        assert!(err.contains("P1012"), "{err}");
        return Err(err);
    }
    Ok(std::fs::read_to_string(&out).unwrap())
}

fn scope(text: &str) -> Scope {
    let (ast, _) = parse_schema(text);
    let prev = Previous::new(&ast);
    let mut schemas = prev.schemas();
    if schemas.is_empty() {
        schemas.push("public".into());
    }
    Scope {
        schemas,
        views: false,
        relation_mode_prisma: prev.relation_mode_prisma(),
        sequences: false,
    }
}

fn lowered(text: &str, context: &Catalog) -> Catalog {
    let (ast, errors) = parse_schema(text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut sources = Sources::new();
    let file = sources.add("schema.prisma", text.to_string());
    let mut diags = Diagnostics::new();
    let c = lower(
        &ast,
        file,
        &LowerOptions {
            context: Some(context),
            ..Default::default()
        },
        &mut diags,
    );
    assert!(!diags.has_errors(), "{}", diags.render_short(&sources));
    c
}

fn live(db: &Db) -> Catalog {
    schemagen::db::read::read_catalog(&mut db.client()).unwrap()
}

/// Mismatches of `truth` against `lowered` on what Prisma expresses (views left out).
fn mismatches(truth: &Catalog, lowered: &Catalog, scope: &Scope) -> Vec<String> {
    mismatches_with(truth, lowered, scope, false)
}

/// With `any_column_order`, columns compare as a set: a column dropped and added back (by a
/// rollback) comes back at the end of the table, as with any `ADD COLUMN`.
fn mismatches_with(
    truth: &Catalog,
    lowered: &Catalog,
    scope: &Scope,
    any_column_order: bool,
) -> Vec<String> {
    let prepare = |c: &Catalog| {
        let mut c = c.clone();
        for s in c.schemas.values_mut() {
            s.views.clear();
            if any_column_order {
                for t in s.tables.values_mut() {
                    t.columns.sort_by(|a, b| a.name.cmp(&b.name));
                }
            }
        }
        c
    };
    compare::compare(&prepare(truth), &prepare(lowered), scope).mismatches
}

fn prisma_from_sql(migrations: &Path, schema: &Path) -> String {
    let settings = PrismaFromSql::resolve(
        Default::default(),
        Some(migrations.to_path_buf()),
        Some(schema.to_path_buf()),
        None,
        false,
    )
    .unwrap();
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let r = pipeline::prisma_from_sql(&settings, &mut sources, &mut diags)
        .unwrap_or_else(|e| panic!("{e}: {}", diags.render_short(&sources)));
    let text = r.outputs.iter().next().unwrap().1.to_string();
    text
}

fn generate(
    migrations: &Path,
    schema: &Path,
    idempotent: bool,
    allow: bool,
    now: u64,
) -> Result<Option<pipeline::SqlMigration>, String> {
    let mut s = SqlFromPrisma::new("edit");
    s.migrations = migrations.to_path_buf();
    s.schema = schema.to_path_buf();
    s.idempotent = idempotent;
    s.allow_destructive = allow;
    s.down = true;
    s.now = Some(now);
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    pipeline::sql_from_prisma(&s, &mut sources, &mut diags)
        .map_err(|e| format!("{e}\n{}", diags.render_short(&sources)))
}

// ---- Scripted edits (on the text of a schema prisma-from-sql rendered) ----

struct Block {
    start: usize,
    end: usize,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(String::from).collect()
}

fn join(lines: &[String]) -> String {
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

fn blocks(ls: &[String], kind: &str) -> Vec<(String, Block)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ls.len() {
        let l = &ls[i];
        if let Some(rest) = l.strip_prefix(&format!("{kind} ")) {
            let name = rest.trim_end_matches('{').trim().to_string();
            let start = i;
            while i < ls.len() && ls[i] != "}" {
                i += 1;
            }
            out.push((name, Block { start, end: i }));
        }
        i += 1;
    }
    out
}

fn model_names(ls: &[String]) -> Vec<String> {
    blocks(ls, "model").into_iter().map(|(n, _)| n).collect()
}

/// (line index, name, type) of the plain scalar fields of a model block whose name appears
/// nowhere else in the file (no key, index or relation uses it).
fn lone_scalars(ls: &[String], b: &Block, text: &str) -> Vec<(usize, String, String)> {
    let models = model_names(ls);
    let enums: Vec<String> = blocks(ls, "enum").into_iter().map(|(n, _)| n).collect();
    let mut out = Vec::new();
    for i in b.start + 1..b.end {
        let t = ls[i].trim();
        if t.is_empty() || t.starts_with("//") || t.starts_with("@@") {
            continue;
        }
        let mut words = t.split_whitespace();
        let (Some(name), Some(ty)) = (words.next(), words.next()) else {
            continue;
        };
        let base = ty.trim_end_matches(['?', ']', '[']);
        if models.iter().any(|m| m == base) || enums.iter().any(|e| e == base) {
            continue;
        }
        if t.contains("@id")
            || t.contains("@unique")
            || t.contains("@map")
            || t.contains("@default(autoincrement")
        {
            continue;
        }
        let count = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| *w == name)
            .count();
        if count == 1 {
            out.push((i, name.to_string(), ty.to_string()));
        }
    }
    out
}

/// The first model (without @@ignore / @@schema other than public) with an @id field.
fn target_model(ls: &[String]) -> Option<(String, Block)> {
    blocks(ls, "model").into_iter().find(|(_, b)| {
        let body = &ls[b.start..b.end];
        body.iter().any(|l| l.contains(" @id"))
            && !body.iter().any(|l| {
                l.contains("@@ignore") || l.contains("@@schema(") && !l.contains("\"public\"")
            })
            && !body.iter().any(|l| l.trim_start().starts_with("@@id"))
    })
}

/// After the model's last scalar field line.
fn insert_scalar(ls: &mut Vec<String>, b: &Block, line: &str) {
    let models = model_names(ls);
    let mut at = b.start + 1;
    for i in b.start + 1..b.end {
        let t = ls[i].trim();
        if t.is_empty() || t.starts_with("//") || t.starts_with("@@") {
            continue;
        }
        let ty = t.split_whitespace().nth(1).unwrap_or("");
        if !models
            .iter()
            .any(|m| m == ty.trim_end_matches(['?', ']', '[']))
        {
            at = i + 1;
        }
    }
    ls.insert(at, line.to_string());
}

type Edit = fn(&str) -> Option<String>;

fn add_field(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = target_model(&ls)?;
    insert_scalar(&mut ls, &b, "  sfp_note String? @db.VarChar(50)");
    Some(join(&ls))
}

fn add_required_field_with_default(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = target_model(&ls)?;
    insert_scalar(&mut ls, &b, "  sfp_count Int @default(0)");
    Some(join(&ls))
}

fn drop_field(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = target_model(&ls)?;
    let (i, _, _) = lone_scalars(&ls, &b, text).pop()?;
    ls.remove(i);
    Some(join(&ls))
}

fn rename_with_map(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = target_model(&ls)?;
    let (i, name, _) = lone_scalars(&ls, &b, text).pop()?;
    let l = ls[i].replacen(&name, &format!("sfpRenamed{}", name.len()), 1);
    ls[i] = format!("{l} @map(\"{name}\")");
    Some(join(&ls))
}

fn change_type(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = target_model(&ls)?;
    let fields = lone_scalars(&ls, &b, text);
    let (i, name, ty) = fields
        .iter()
        .find(|(i, _, ty)| ty.starts_with("Int") && !ls[*i].contains("@db."))
        .or_else(|| {
            fields.iter().find(|(i, _, ty)| {
                ty.starts_with("String") && !ty.contains('[') && !ls[*i].contains("@db.")
            })
        })?
        .clone();
    let new_ty = if ty.starts_with("Int") {
        ty.replace("Int", "BigInt")
    } else {
        ty.clone()
    };
    let mut l = ls[i].replacen(&format!("{name} {ty}"), &format!("{name} {new_ty}"), 1);
    if ty.starts_with("String") {
        l.push_str(" @db.VarChar(300)");
    }
    ls[i] = l;
    Some(join(&ls))
}

fn toggle_optional(text: &str, to_required: bool) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = target_model(&ls)?;
    let fields = lone_scalars(&ls, &b, text);
    let (i, name, ty) = fields
        .iter()
        .find(|(_, _, ty)| ty.ends_with('?') == to_required && !ty.ends_with(']'))?
        .clone();
    let new_ty = if to_required {
        ty.trim_end_matches('?').to_string()
    } else {
        format!("{ty}?")
    };
    ls[i] = ls[i].replacen(&format!("{name} {ty}"), &format!("{name} {new_ty}"), 1);
    Some(join(&ls))
}

fn make_required(text: &str) -> Option<String> {
    toggle_optional(text, true)
}

fn make_optional(text: &str) -> Option<String> {
    toggle_optional(text, false)
}

fn add_enum_value(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = blocks(&ls, "enum").into_iter().find(|(_, b)| {
        !ls[b.start..b.end]
            .iter()
            .any(|l| l.contains("@@schema(") && !l.contains("\"public\""))
    })?;
    let last_value = (b.start + 1..b.end).rfind(|&i| {
        let t = ls[i].trim();
        !t.is_empty() && !t.starts_with("@@") && !t.starts_with("//")
    })?;
    ls.insert(last_value + 1, "  sfp_value".into());
    Some(join(&ls))
}

fn add_models_with_relation(text: &str) -> Option<String> {
    if text.contains("schemas") {
        return None;
    }
    // After the last model: db pull puts new models there, before the blocks it comments out.
    let mut ls = lines(text);
    let (_, last) = blocks(&ls, "model").pop()?;
    let models = "\nmodel SfpParent {\n  id Int @id @default(autoincrement())\n  name String @unique @db.VarChar(80)\n  createdAt DateTime @default(now()) @db.Timestamptz(6)\n  children SfpChild[]\n}\n\nmodel SfpChild {\n  id BigInt @id @default(autoincrement())\n  parentId Int\n  tags String[]\n  SfpParent SfpParent @relation(fields: [parentId], references: [id], onDelete: Cascade, onUpdate: NoAction)\n\n  @@index([parentId(sort: Desc)])\n}";
    for (k, l) in models.lines().enumerate() {
        ls.insert(last.end + 1 + k, l.to_string());
    }
    Some(join(&ls))
}

fn add_index(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let (_, b) = target_model(&ls)?;
    let (_, name, ty) = lone_scalars(&ls, &b, text).into_iter().find(|(_, _, ty)| {
        !ty.ends_with(']') && !ty.starts_with("Json") && !ty.starts_with("Unsupported")
    })?;
    let _ = ty;
    ls.insert(
        b.end,
        format!("  @@index([{name}], map: \"sfp_{name}_idx\")"),
    );
    Some(join(&ls))
}

fn drop_index(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let i = ls
        .iter()
        .position(|l| l.trim_start().starts_with("@@index("))?;
    ls.remove(i);
    Some(join(&ls))
}

/// A new schema with a model in it: listed in the datasource's `schemas` (which, when it is new,
/// puts every other block in `public` with `@@schema`, as Prisma requires).
fn add_schema(text: &str) -> Option<String> {
    let mut ls = lines(text);
    let ds = ls.iter().position(|l| l.starts_with("datasource "))?;
    let ds_end = (ds..ls.len()).find(|&i| ls[i] == "}")?;
    if let Some(i) = (ds..ds_end).find(|&i| ls[i].trim_start().starts_with("schemas")) {
        // In the list's (sorted) order.
        let (head, list) = ls[i].split_once('[')?;
        let mut names: Vec<String> = list
            .trim_end()
            .trim_end_matches(']')
            .split(',')
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        names.push("\"sfp_extra\"".into());
        names.sort();
        ls[i] = format!("{head}[{}]", names.join(", "));
    } else {
        ls.insert(
            ds_end,
            "  schemas = [\"public\", \"sfp_extra\"]".to_string(),
        );
        let mut i = 0;
        while i < ls.len() {
            let l = &ls[i];
            if l.starts_with("model ") || l.starts_with("enum ") || l.starts_with("view ") {
                let end = (i..ls.len()).find(|&k| ls[k] == "}")?;
                ls.insert(end, "  @@schema(\"public\")".to_string());
                i = end + 1;
            } else if l.starts_with("// model ") || l.starts_with("// view ") {
                // A block db pull comments out carries its attribute too.
                let end = (i..ls.len()).find(|&k| ls[k] == "// }")?;
                ls.insert(end, "// @@schema(\"public\")".to_string());
                i = end + 1;
            }
            i += 1;
        }
    }
    let (_, last) = blocks(&ls, "model").pop()?;
    let model = "\nmodel SfpInSchema {\n  id Int @id @default(autoincrement())\n  label String? @db.VarChar(20)\n\n  @@schema(\"sfp_extra\")\n}";
    for (k, l) in model.lines().enumerate() {
        ls.insert(last.end + 1 + k, l.to_string());
    }
    Some(join(&ls))
}

const EDITS: &[(&str, Edit)] = &[
    ("add models with a relation", add_models_with_relation),
    ("add field", add_field),
    (
        "add required field with default",
        add_required_field_with_default,
    ),
    ("drop field", drop_field),
    ("rename field with @map kept", rename_with_map),
    ("change type", change_type),
    ("optional -> required", make_required),
    ("required -> optional", make_optional),
    ("add enum value", add_enum_value),
    ("add index", add_index),
    ("drop index", drop_index),
    ("add a schema", add_schema),
];

/// The cases: fixture folders and corpus sets (their history must apply to PostgreSQL 15).
fn cases() -> Vec<(String, Vec<PathBuf>, Option<String>)> {
    let mut out = Vec::new();
    for f in [
        "relations",
        "indexes",
        "m2m",
        "pascal_relations",
        "docs",
        "config",
    ] {
        let d = root().join("tests/fixtures/prisma").join(f);
        let input = std::fs::read_to_string(d.join("input.prisma")).ok();
        out.push((format!("fixture {f}"), vec![d.join("migration.sql")], input));
    }
    let shared = common::pg::shared_dir().join("corpus");
    for set in [
        "vercel__nextjs-subscription-payments",
        "makerkit__nextjs-saas-starter-kit-lite",
        "Razikus__supabase-nextjs-template",
        "supabase-community__chatgpt-your-files",
        "chroxify__feedbase",
    ] {
        let dir = shared.join(set).join("migrations");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(schemagen::sql::source::parse_migration_name)
                    .is_some()
            })
            .collect();
        files.sort();
        let input = std::fs::read_to_string(shared.join(set).join("expected.input.prisma")).ok();
        out.push((set.to_string(), files, input));
    }
    out
}

#[test]
fn round_trips_on_postgres_and_against_prisma_migrate() {
    if common::shared::require(
        "round_trips_on_postgres_and_against_prisma_migrate",
        &[common::shared::CORPUS, common::shared::PRELUDE],
    )
    .is_none()
    {
        return;
    }
    let cluster = PgCluster::shared();
    let mut totals = (0, 0, 0, 0, 0); // cases, edits, migrations, oracle refused, oracle compared
    let mut failures: Vec<String> = Vec::new();
    let mut now = 1_900_000_000u64;
    for (name, files, input) in cases() {
        let dir = tempfile::tempdir().unwrap();
        let mig = dir.path().join("supabase/migrations");
        std::fs::create_dir_all(&mig).unwrap();
        for (k, f) in files.iter().enumerate() {
            let file_name = f.file_name().unwrap().to_string_lossy().into_owned();
            let target = if file_name == "migration.sql" {
                format!("2024010100000{k}_init.sql")
            } else {
                file_name
            };
            std::fs::copy(f, mig.join(target)).unwrap();
        }
        let base = cluster.create_supabase_database("sfp_base");
        let outcome = apply_migration_set(&base, &mig);
        assert!(
            outcome.failure.is_none(),
            "{name}: the history does not apply: {:?}",
            outcome.failure
        );
        totals.0 += 1;
        let schema = dir.path().join("prisma/schema.prisma");
        std::fs::create_dir_all(schema.parent().unwrap()).unwrap();
        if let Some(i) = &input {
            std::fs::write(&schema, i).unwrap();
        }
        // Where db pull rewrites its own output once, the file settles on the second run.
        let first = prisma_from_sql(&mig, &schema);
        std::fs::write(&schema, &first).unwrap();
        let s0 = prisma_from_sql(&mig, &schema);
        std::fs::write(&schema, &s0).unwrap();
        let history = {
            let mut sources = Sources::new();
            let mut diags = Diagnostics::new();
            schemagen::replay_dir(&mig, &mut sources, &mut diags).unwrap()
        };
        match generate(&mig, &schema, false, false, now) {
            Ok(None) => {}
            Ok(Some(m)) => failures.push(format!(
                "{name}: unedited schema gives a migration:\n{}",
                m.sql
            )),
            Err(e) => failures.push(format!("{name}: unedited schema: {e}")),
        }
        for (edit_name, edit) in EDITS {
            let Some(edited) = edit(&s0) else {
                println!("  {name}: {edit_name}: not applicable");
                continue;
            };
            let s1 = prisma_format(&edited);
            if s1 == s0 {
                continue;
            }
            totals.1 += 1;
            let tag = format!("{name}: {edit_name}");
            std::fs::write(&schema, &s1).unwrap();
            now += 10;
            let m = match generate(&mig, &schema, false, true, now) {
                Ok(m) => m,
                Err(e) => {
                    failures.push(format!("{tag}: {e}"));
                    continue;
                }
            };
            let scope1 = scope(&s1);
            let low1 = lowered(&s1, &history);
            let low0 = lowered(&s0, &history);
            let Some(m) = m else {
                // Only a @map rename may be no change at all.
                if *edit_name != "rename field with @map kept" {
                    failures.push(format!("{tag}: no migration"));
                }
                let again = prisma_from_sql(&mig, &schema);
                if again != s1 {
                    failures.push(format!(
                        "{tag}: prisma-from-sql differs:\n{}",
                        similar_diff(&s1, &again)
                    ));
                }
                continue;
            };
            totals.2 += 1;
            // Up.
            let up_db = cluster.copy_database("sfp_up", &base);
            if let Err(e) = up_db.psql(&m.sql) {
                failures.push(format!("{tag}: up fails: {e}\n{}", m.sql));
                continue;
            }
            let after_up = live(&up_db);
            for x in mismatches(&after_up, &low1, &scope1) {
                failures.push(format!("{tag}: after up: {x}\n{}", m.sql));
            }
            // prisma-from-sql on history + new file.
            let mig2 = dir.path().join(format!("m2_{}", totals.1));
            std::fs::create_dir_all(&mig2).unwrap();
            for e in std::fs::read_dir(&mig).unwrap() {
                let p = e.unwrap().path();
                std::fs::copy(&p, mig2.join(p.file_name().unwrap())).unwrap();
            }
            std::fs::write(mig2.join(m.path.file_name().unwrap()), &m.sql).unwrap();
            let again = prisma_from_sql(&mig2, &schema);
            if again != s1 {
                failures.push(format!(
                    "{tag}: prisma-from-sql differs:\n{}",
                    similar_diff(&s1, &again)
                ));
            }
            // Down.
            let down = m
                .outputs
                .get(m.down_path.as_ref().unwrap())
                .unwrap()
                .to_string();
            match up_db.psql(&down) {
                Err(e) => failures.push(format!("{tag}: down fails: {e}\n{down}")),
                Ok(()) => {
                    for x in mismatches_with(&live(&up_db), &low0, &scope(&s0), true) {
                        failures.push(format!("{tag}: after down: {x}\n{down}"));
                    }
                }
            }
            cluster.drop_database(up_db);
            // Idempotent, twice.
            match generate(&mig, &schema, true, true, now) {
                Ok(Some(mi)) => {
                    let db = cluster.copy_database("sfp_idem", &base);
                    for round in 1..=2 {
                        if let Err(e) = db.psql(&mi.sql) {
                            failures.push(format!(
                                "{tag}: idempotent round {round} fails: {e}\n{}",
                                mi.sql
                            ));
                            break;
                        }
                    }
                    for x in mismatches(&live(&db), &low1, &scope1) {
                        failures.push(format!("{tag}: idempotent: {x}"));
                    }
                    cluster.drop_database(db);
                }
                other => failures.push(format!("{tag}: idempotent: {other:?}")),
            }
            // Prisma's engine on the same two schemas.
            let sql = match oracle_diff(&s0, &s1, &base.url()) {
                Ok(sql) => sql,
                Err(e) => {
                    let first = e.lines().next().unwrap_or("");
                    println!("  {tag}: Prisma's engine refuses the schema: {first}");
                    totals.3 += 1;
                    continue;
                }
            };
            totals.4 += 1;
            let db = cluster.copy_database("sfp_oracle", &base);
            match db.psql(&sql) {
                Err(e) => println!("  {tag}: Prisma's SQL does not apply here: {}", e.trim()),
                Ok(()) => {
                    let theirs = live(&db);
                    for x in mismatches(&theirs, &low1, &scope1) {
                        failures.push(format!(
                            "{tag}: ours vs Prisma's: {x}\nours:\n{}\nPrisma's:\n{sql}",
                            m.sql
                        ));
                    }
                }
            }
            cluster.drop_database(db);
        }
        std::fs::write(&schema, &s0).unwrap();
        cluster.drop_database(base);
    }
    println!(
        "sql-from-prisma round trips: {} cases, {} edits, {} migrations, {} compared with Prisma's SQL ({} schemas the engine refuses), {} failure(s)",
        totals.0,
        totals.1,
        totals.2,
        totals.4,
        totals.3,
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn similar_diff(a: &str, b: &str) -> String {
    let mut out = String::new();
    for (x, y) in a.lines().zip(b.lines()) {
        if x != y {
            out.push_str(&format!("- {x}\n+ {y}\n"));
        }
    }
    if a.lines().count() != b.lines().count() {
        out.push_str(&format!(
            "({} lines vs {} lines)\n",
            a.lines().count(),
            b.lines().count()
        ));
    }
    out
}

#[test]
fn every_destructive_kind_is_refused_without_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(
        mig.join("20240101000000_init.sql"),
        "create type mood as enum ('a', 'b');\n\
         create table t (id int primary key, name text, note text, n bigint, m mood);\n\
         create table gone (id int primary key);\n",
    )
    .unwrap();
    let schema = dir.path().join("prisma/schema.prisma");
    std::fs::create_dir_all(schema.parent().unwrap()).unwrap();
    let s0 = prisma_from_sql(&mig, &schema);
    type TextEdit<'a> = (&'a str, &'a dyn Fn(&str) -> String);
    let edits: &[TextEdit] = &[
        ("drop table", &|s: &str| {
            s.replace("model gone {\n  id Int @id\n}\n", "")
        }),
        ("drop column", &|s: &str| s.replace("  note String?\n", "")),
        ("remove enum value", &|s: &str| s.replace("  b\n", "")),
        ("drop enum", &|s: &str| {
            s.replace("enum mood {\n  a\n  b\n}\n", "")
                .replace("  m    mood?\n", "")
        }),
        ("narrowing type change", &|s: &str| {
            s.replace("n    BigInt?", "n    Int?")
        }),
        ("SET NOT NULL without default", &|s: &str| {
            s.replace("name String?", "name String")
        }),
        ("required column without default", &|s: &str| {
            s.replace("  id   Int     @id\n", "  id   Int     @id\n  x Int\n")
        }),
    ];
    for (kind, edit) in edits {
        let s1 = prisma_format(&edit(&s0));
        assert_ne!(s1, s0, "{kind}: the edit did not apply to\n{s0}");
        std::fs::write(&schema, &s1).unwrap();
        let before: Vec<_> = std::fs::read_dir(&mig).unwrap().collect();
        match generate(&mig, &schema, false, false, 1_900_000_000) {
            Err(e) => assert!(e.contains("destructive step(s) refused"), "{kind}: {e}"),
            Ok(m) => panic!("{kind}: not refused: {m:?}"),
        }
        let after: Vec<_> = std::fs::read_dir(&mig).unwrap().collect();
        assert_eq!(before.len(), after.len(), "{kind}: a file was written");
        let m = generate(&mig, &schema, false, true, 1_900_000_000)
            .unwrap()
            .unwrap_or_else(|| panic!("{kind}: no migration"));
        assert!(m.sql.contains("-- BREAKING: "), "{kind}:\n{}", m.sql);
        assert!(!m.breaking.is_empty(), "{kind}");
    }
}

/// A step that PostgreSQL would refuse because of an object Prisma does not show (a view or a
/// policy reading the column, a generated column computed from it) is found by replaying the
/// new migration on the history: refused with PostgreSQL's message (the one Prisma's engine's
/// SQL also meets, checked by hand on PostgreSQL 15), nothing written, even with
/// `--allow-destructive`.
#[test]
fn steps_that_fail_on_objects_prisma_does_not_show_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mig = dir.path().join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(
        mig.join("20240101000000_init.sql"),
        "create type status as enum ('active', 'closed', 'old');
         create table acc (id int primary key, st status not null default 'active',
           note varchar(20), amount numeric(19, 4),
           cents bigint generated always as ((amount * 100)::bigint) stored);
         create view open_acc as select id from acc where st = 'active';
         alter table acc enable row level security;
         create policy p on acc for select using (note is not null);
",
    )
    .unwrap();
    let schema = dir.path().join("prisma/schema.prisma");
    std::fs::create_dir_all(schema.parent().unwrap()).unwrap();
    let s0 = prisma_from_sql(&mig, &schema);
    type TextEdit<'a> = (&'a str, &'a dyn Fn(&str) -> String, &'a str);
    let edits: &[TextEdit] = &[
        (
            "widen a column a policy reads",
            &|s: &str| s.replace("@db.VarChar(20)", "@db.VarChar(40)"),
            "cannot alter type of a column used in a policy definition",
        ),
        (
            "remove an enum value a view compares with",
            &|s: &str| {
                s.replace(
                    "  old
", "",
                )
            },
            "cannot alter type of a column used by a view or rule",
        ),
        (
            "change the type of a column a generated column reads",
            &|s: &str| s.replace("@db.Decimal(19, 4)", "@db.Decimal(20, 6)"),
            "cannot alter type of a column used by a generated column",
        ),
    ];
    for (kind, edit, message) in edits {
        let s1 = prisma_format(&edit(&s0));
        assert_ne!(s1, s0, "{kind}: the edit did not apply to\n{s0}");
        std::fs::write(&schema, &s1).unwrap();
        let before: Vec<_> = std::fs::read_dir(&mig).unwrap().collect();
        match generate(&mig, &schema, false, true, 1_900_000_000) {
            Err(e) => assert!(e.contains(message), "{kind}: {e}"),
            Ok(m) => panic!("{kind}: not refused: {m:?}"),
        }
        let after: Vec<_> = std::fs::read_dir(&mig).unwrap().collect();
        assert_eq!(before.len(), after.len(), "{kind}: a file was written");
    }
}

/// A model no history has, added at the end (with `@@schema("public")` where the datasource
/// lists schemas).
fn add_extra_model(text: &str) -> Option<String> {
    let schema = if text.contains("schemas") {
        "\n  @@schema(\"public\")"
    } else {
        ""
    };
    let mut ls = lines(text);
    let (_, last) = blocks(&ls, "model").pop()?;
    let model = format!("\nmodel SfpExtra {{\n  id Int @id @default(autoincrement())\n  note String? @db.VarChar(40){schema}\n}}");
    for (k, l) in model.lines().enumerate() {
        ls.insert(last.end + 1 + k, l.to_string());
    }
    Some(join(&ls))
}

fn convert(
    prisma: &Path,
    mig: &Path,
    idempotent: bool,
) -> Result<pipeline::ConvertedMigrations, String> {
    let mut s = pipeline::FromPrismaMigrations::new();
    s.prisma_migrations = prisma.to_path_buf();
    s.migrations = mig.to_path_buf();
    s.idempotent = idempotent;
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    pipeline::from_prisma_migrations(&s, &mut sources, &mut diags)
        .map_err(|e| format!("{e}\n{}", diags.render_short(&sources)))
}

/// Copies a case's history into `<dir>/supabase/migrations`.
fn history_folder(dir: &Path, files: &[PathBuf]) -> PathBuf {
    let mig = dir.join("supabase/migrations");
    std::fs::create_dir_all(&mig).unwrap();
    for (k, f) in files.iter().enumerate() {
        let file_name = f.file_name().unwrap().to_string_lossy().into_owned();
        let target = if file_name == "migration.sql" {
            format!("2024010100000{k}_init.sql")
        } else {
            file_name
        };
        std::fs::copy(f, mig.join(target)).unwrap();
    }
    mig
}

/// Prisma Migrate's folders, made by Prisma's engine from a chain of scripted edits of the
/// schema the history gives (`migrate diff` prints what `migrate dev` writes to
/// `migration.sql`), converted and applied after the history on real PostgreSQL:
/// * the `0_init` baseline (`--from-empty`, Prisma's baselining recipe) is recognised as
///   already in the history and skipped;
/// * each edit's folder converts as it is and the whole folder applies in order (the Supabase
///   CLI's way, one transaction per file); the live catalog equals the last schema lowered;
/// * a later re-baseline with one new model conflicts with the history: without
///   `idempotent` an error at `migration.sql:line:col` per conflicting statement, nothing
///   converted; with it, guarded, and it applies too;
/// * a second run converts nothing (recognised by checksum); a hand copy of a folder's SQL under
///   another name is recognised by content; a folder whose version an existing Supabase file has
///   is an error naming both.
#[test]
fn prisma_migration_folders_apply_on_top_of_the_history() {
    if common::shared::require(
        "prisma_migration_folders_apply_on_top_of_the_history",
        &[common::shared::CORPUS, common::shared::PRELUDE],
    )
    .is_none()
    {
        return;
    }
    let cluster = PgCluster::shared();
    let mut failures: Vec<String> = Vec::new();
    let (mut cases_run, mut folders_converted, mut conflicts_seen) = (0, 0, 0);
    const CHAIN: &[(&str, Edit)] = &[
        ("add models with a relation", add_models_with_relation),
        ("add field", add_field),
        ("add enum value", add_enum_value),
        ("add index", add_index),
        ("change type", change_type),
    ];
    for (name, files, input) in cases() {
        let dir = tempfile::tempdir().unwrap();
        let mig = history_folder(dir.path(), &files);
        let base = cluster.create_supabase_database("pm_base");
        assert!(apply_migration_set(&base, &mig).failure.is_none(), "{name}");
        let schema = dir.path().join("prisma/schema.prisma");
        std::fs::create_dir_all(schema.parent().unwrap()).unwrap();
        if let Some(i) = &input {
            std::fs::write(&schema, i).unwrap();
        }
        let first = prisma_from_sql(&mig, &schema);
        std::fs::write(&schema, &first).unwrap();
        let s0 = prisma_from_sql(&mig, &schema);
        let history = {
            let mut sources = Sources::new();
            let mut diags = Diagnostics::new();
            schemagen::replay_dir(&mig, &mut sources, &mut diags).unwrap()
        };
        let prisma = dir.path().join("prisma/migrations");
        std::fs::create_dir_all(&prisma).unwrap();
        std::fs::write(
            prisma.join("migration_lock.toml"),
            "provider = \"postgresql\"\n",
        )
        .unwrap();
        let folder = |version: &str, slug: &str, sql: &str| {
            let d = prisma.join(format!("{version}_{slug}"));
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("migration.sql"), sql).unwrap();
        };
        let Ok(init) = oracle_diff_from(None, &s0, &base.url()) else {
            println!("  {name}: Prisma's engine refuses the schema");
            continue;
        };
        cases_run += 1;
        folder("0", "init", &init);
        let mut last = s0.clone();
        let mut versions = Vec::new();
        for (k, (edit_name, edit)) in CHAIN.iter().enumerate() {
            let Some(edited) = edit(&last) else { continue };
            let next = prisma_format(&edited);
            if next == last {
                continue;
            }
            let sql = match oracle_diff(&last, &next, &base.url()) {
                Ok(sql) => sql,
                Err(_) => continue,
            };
            let version = format!("2099010100{:04}", k);
            folder(&version, &pipeline::slug(edit_name), &sql);
            versions.push(version);
            last = next;
        }
        // Without conflicts: the baseline skipped, every edit converted as it is.
        let converted = match convert(&prisma, &mig, false) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{name}: conversion: {e}"));
                continue;
            }
        };
        if !matches!(
            converted.folders[0].outcome,
            pipeline::FolderOutcome::InHistory { .. }
        ) {
            failures.push(format!(
                "{name}: the baseline is not recognised as in the history: {:?}",
                converted.folders[0].outcome
            ));
        }
        for f in &converted.folders[1..] {
            match &f.outcome {
                pipeline::FolderOutcome::Converted {
                    guarded: 0, path, ..
                } => {
                    assert_eq!(
                        path.file_name().unwrap().to_string_lossy(),
                        format!("{}_{}.sql", f.version, f.name),
                        "{name}: the timestamp and name are kept"
                    );
                    folders_converted += 1;
                }
                other => failures.push(format!("{name}: {}: {other:?}", f.source.display())),
            }
        }
        converted.outputs.create_new().unwrap();
        let db = cluster.create_supabase_database("pm_apply");
        let outcome = apply_migration_set(&db, &mig);
        if let Some((file, e)) = &outcome.failure {
            failures.push(format!("{name}: {} does not apply: {e}", file.display()));
            continue;
        }
        let scope_last = scope(&last);
        for x in mismatches(&live(&db), &lowered(&last, &history), &scope_last) {
            failures.push(format!("{name}: after the converted folders: {x}"));
        }
        // A second run converts nothing.
        match convert(&prisma, &mig, false) {
            Ok(again) => {
                assert!(again.outputs.is_empty(), "{name}: {:?}", again.folders);
                for f in &again.folders[1..] {
                    assert!(
                        matches!(
                            f.outcome,
                            pipeline::FolderOutcome::AlreadyConverted { by: "checksum", .. }
                        ),
                        "{name}: {f:?}"
                    );
                }
            }
            Err(e) => failures.push(format!("{name}: second run: {e}")),
        }
        // A hand copy (other name, other comments) is recognised by content.
        if let Some(v) = versions.first() {
            let converted_file = std::fs::read_dir(&mig)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(v.as_str())
                })
                .unwrap();
            let source = std::fs::read_dir(&prisma)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with(v.as_str())
                })
                .unwrap()
                .join("migration.sql");
            let converted_text = std::fs::read_to_string(&converted_file).unwrap();
            std::fs::remove_file(&converted_file).unwrap();
            let copy = mig.join(format!("{v}_copied_by_hand.sql"));
            let body = std::fs::read_to_string(&source).unwrap();
            std::fs::write(&copy, format!("-- copied from Prisma\n{body}\n\n")).unwrap();
            match convert(&prisma, &mig, false) {
                Ok(c) => {
                    let f = c.folders.iter().find(|f| &f.version == v).unwrap();
                    assert_eq!(
                        f.outcome,
                        pipeline::FolderOutcome::AlreadyConverted {
                            path: copy.clone(),
                            by: "content"
                        },
                        "{name}"
                    );
                    assert!(c.outputs.is_empty(), "{name}");
                }
                Err(e) => failures.push(format!("{name}: hand copy: {e}")),
            }
            std::fs::remove_file(&copy).unwrap();
            std::fs::write(&converted_file, converted_text).unwrap();
        }
        // A re-baseline with one new model, later than everything: conflicts.
        let Some(extra) = add_extra_model(&last).map(|t| prisma_format(&t)) else {
            continue;
        };
        let Ok(rebase) = oracle_diff_from(None, &extra, &base.url()) else {
            continue;
        };
        folder("20990201000000", "rebaseline", &rebase);
        match convert(&prisma, &mig, false) {
            Ok(c) => failures.push(format!(
                "{name}: a conflicting folder converted without --idempotent: {:?}",
                c.folders.last()
            )),
            Err(e) => {
                let located = e
                    .lines()
                    .filter(|l| {
                        l.contains("20990201000000_rebaseline/migration.sql:")
                            && l.contains("conflicts with what an earlier migration created")
                    })
                    .count();
                if located == 0 {
                    failures.push(format!("{name}: conflicts not located: {e}"));
                }
                conflicts_seen += located;
            }
        }
        match convert(&prisma, &mig, true) {
            Ok(c) => {
                match &c.folders.last().unwrap().outcome {
                    pipeline::FolderOutcome::Converted { guarded, .. } if *guarded > 0 => {}
                    other => failures.push(format!("{name}: re-baseline: {other:?}")),
                }
                c.outputs.create_new().unwrap();
                let (_, text) = c.outputs.iter().next().unwrap();
                match db.psql(text) {
                    Err(e) => failures.push(format!(
                        "{name}: the guarded re-baseline fails: {e}\n{text}"
                    )),
                    Ok(()) => {
                        for x in mismatches(&live(&db), &lowered(&extra, &history), &scope(&extra))
                        {
                            failures.push(format!("{name}: after the re-baseline: {x}\n{text}"));
                        }
                    }
                }
                // The whole folder from scratch, as `supabase db reset` applies it.
                let fresh = cluster.create_supabase_database("pm_reset");
                if let Some((file, e)) = apply_migration_set(&fresh, &mig).failure {
                    failures.push(format!("{name}: reset: {} fails: {e}", file.display()));
                }
                cluster.drop_database(fresh);
            }
            Err(e) => failures.push(format!("{name}: --idempotent: {e}")),
        }
        // A version an existing Supabase file has.
        let taken = std::fs::read_dir(&mig)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with("2099"))
            .min()
            .unwrap();
        let (v, _) = schemagen::sql::source::parse_migration_name(&taken).unwrap();
        folder(v, "clash", "SELECT 1;\n");
        match convert(&prisma, &mig, true) {
            Ok(c) => failures.push(format!("{name}: clash not refused: {:?}", c.folders)),
            Err(e) => assert!(
                e.contains(&format!("{v}_clash/migration.sql")) && e.contains(&taken),
                "{name}: {e}"
            ),
        }
    }
    println!(
        "Prisma migration folders: {cases_run} cases, {folders_converted} folders converted and applied, {conflicts_seen} conflicts located, {} failure(s)",
        failures.len()
    );
    assert!(cases_run > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The real Supabase CLI: `$SCHEMAGEN_SUPABASE_CLI`, else oracle/supabase-cli's (installed by
/// scripts/test.sh).
fn supabase_cli() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SCHEMAGEN_SUPABASE_CLI").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let p = root().join("oracle/supabase-cli/node_modules/.bin/supabase");
    p.exists().then_some(p)
}

type HistoryRow = (String, Option<String>, Option<Vec<String>>);

/// `supabase_migrations.schema_migrations`, by version (empty when it does not exist).
fn history_rows(db: &Db) -> Vec<HistoryRow> {
    let mut c = db.client();
    let exists: bool = c
        .query_one(
            "SELECT to_regclass('supabase_migrations.schema_migrations') IS NOT NULL",
            &[],
        )
        .unwrap()
        .get(0);
    if !exists {
        return Vec::new();
    }
    c.query(
        "SELECT version, name, statements FROM supabase_migrations.schema_migrations ORDER BY version",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// The column definitions of the history table (name, type, not null), in order.
fn history_columns(db: &Db) -> Vec<(String, String, bool)> {
    db.client()
        .query(
            "SELECT attname::text, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute \
             WHERE attrelid = 'supabase_migrations.schema_migrations'::regclass AND attnum > 0 \
             AND NOT attisdropped ORDER BY attnum",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// Applies the files of `dir` with schemagen's apply (as the Supabase CLI does), stopping at
/// the first failure; returns how many applied.
fn apply_as_the_cli(db: &Db, dir: &Path) -> usize {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut client = db.client();
    let mut n = 0;
    for path in files {
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some((version, name)) = schemagen::sql::source::parse_migration_name(&file_name) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let file = schemagen::diagnostics::SourceFile::new(path.clone(), text);
        if schemagen::db::history::apply_file(&mut client, &file, version, name).is_err() {
            break;
        }
        n += 1;
    }
    n
}

/// What schemagen records in `supabase_migrations.schema_migrations` (the table's definition,
/// and each file's version, name and statements as the CLI splits them) against what the real
/// Supabase CLI 2.117.0 records (`supabase migration up --db-url`), over every corpus history,
/// the fixtures and a file of the forms the CLI's splitter treats specially.
#[test]
fn apply_records_what_the_supabase_cli_records() {
    if common::shared::require(
        "apply_records_what_the_supabase_cli_records",
        &[common::shared::CORPUS, common::shared::PRELUDE],
    )
    .is_none()
    {
        return;
    }
    let Some(cli) = supabase_cli() else {
        eprintln!(
            "SKIPPED apply_records_what_the_supabase_cli_records: needs the Supabase CLI (npm ci --prefix oracle/supabase-cli, or SCHEMAGEN_SUPABASE_CLI)"
        );
        return;
    };
    let cluster = PgCluster::shared();
    let mut sets: Vec<(String, Vec<PathBuf>)> = cases()
        .into_iter()
        .filter(|(n, _, _)| n.starts_with("fixture "))
        .map(|(n, f, _)| (n, f))
        .collect();
    sets.push((
        "split forms".into(),
        vec![root().join("tests/fixtures/supabase_apply/20240101000000_split_forms.sql")],
    ));
    for set in common::corpus_sets() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(set.join("migrations"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        sets.push((
            set.file_name().unwrap().to_string_lossy().into_owned(),
            files,
        ));
    }
    let (mut compared, mut rows_compared, mut statements_compared) = (0, 0, 0);
    let mut failures = Vec::new();
    for (name, files) in sets {
        let dir = tempfile::tempdir().unwrap();
        let mig = history_folder(dir.path(), &files);
        let ours = cluster.create_supabase_database("rec_ours");
        let available = common::apply::available_extensions(&ours);
        for e in std::fs::read_dir(&mig).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap();
            let (text, _) = common::apply::comment_out_missing_extensions(&text, &available);
            std::fs::write(&p, text).unwrap();
        }
        let theirs = cluster.create_supabase_database("rec_cli");
        let out = Command::new(&cli)
            .args(["migration", "up", "--db-url", &theirs.url()])
            .current_dir(dir.path())
            .output()
            .expect("supabase");
        let cli_rows = history_rows(&theirs);
        if cli_rows.is_empty() {
            println!(
                "  {name}: the Supabase CLI applies nothing: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            );
            continue;
        }
        apply_as_the_cli(&ours, &mig);
        let our_rows = history_rows(&ours);
        compared += 1;
        if history_columns(&ours) != history_columns(&theirs) {
            failures.push(format!(
                "{name}: history table {:?} vs the CLI's {:?}",
                history_columns(&ours),
                history_columns(&theirs)
            ));
        }
        if our_rows.len() != cli_rows.len() {
            failures.push(format!(
                "{name}: {} file(s) applied, the CLI {}",
                our_rows.len(),
                cli_rows.len()
            ));
        }
        for (a, b) in our_rows.iter().zip(&cli_rows) {
            rows_compared += 1;
            statements_compared += b.2.as_ref().map_or(0, |s| s.len());
            if a != b {
                failures.push(format!("{name}: ours {a:#?}\nthe CLI's {b:#?}"));
            }
        }
        cluster.drop_database(ours);
        cluster.drop_database(theirs);
    }
    println!(
        "history rows against the Supabase CLI's: {compared} sets, {rows_compared} files, {statements_compared} statements, {} failure(s)",
        failures.len()
    );
    assert!(compared > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `schemagen sql-from-prisma --db-url`: the new file applied in one transaction and recorded
/// as the Supabase CLI records it; a failing statement rolls everything back, removes the file
/// and is located at file:line:col; a database whose history is not the folder's is refused;
/// the URL's password is never printed.
#[test]
fn sql_from_prisma_applies_and_records_the_new_file() {
    let cluster = PgCluster::shared();
    let dir = tempfile::tempdir().unwrap();
    let fixture = root().join("tests/fixtures/prisma/relations");
    let mig = history_folder(dir.path(), &[fixture.join("migration.sql")]);
    let schema = dir.path().join("prisma/schema.prisma");
    std::fs::create_dir_all(schema.parent().unwrap()).unwrap();
    std::fs::write(
        &schema,
        std::fs::read_to_string(fixture.join("input.prisma")).unwrap(),
    )
    .unwrap();
    let s0 = prisma_from_sql(&mig, &schema);
    let history = {
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        schemagen::replay_dir(&mig, &mut sources, &mut diags).unwrap()
    };
    let db = cluster.create_supabase_database("apply_new");
    assert_eq!(apply_as_the_cli(&db, &mig), 1);
    let with_password = |db: &Db| {
        format!(
            "postgresql://postgres:hunter2@127.0.0.1:{}/{}?sslmode=disable",
            db.port, db.name
        )
    };
    let run = |args: &[&str], url: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_schemagen"));
        cmd.arg("sql-from-prisma")
            .args(args)
            .arg("--schema")
            .arg(&schema)
            .arg("--migrations")
            .arg(&mig);
        if let Some(u) = url {
            cmd.args(["--db-url", u]);
        }
        let o = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(
            !stderr.contains("hunter2"),
            "the password is printed:\n{stderr}"
        );
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr,
        )
    };
    let files = || std::fs::read_dir(&mig).unwrap().count();

    // Neither --create-only nor --db-url: a usage error.
    let s1 = add_field(&s0).unwrap();
    std::fs::write(&schema, &s1).unwrap();
    let (code, _, err) = run(&["--name", "add note"], None);
    assert_eq!(code, Some(64), "{err}");
    assert!(err.contains("--db-url"), "{err}");

    // Applied and recorded.
    let (code, _, err) = run(&["--name", "add note"], Some(&with_password(&db)));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("applied ") && err.contains("in one transaction"),
        "{err}"
    );
    assert_eq!(files(), 2);
    let new_file = std::fs::read_dir(&mig)
        .unwrap()
        .map(|e| e.unwrap().path())
        .max()
        .unwrap();
    let file_name = new_file.file_name().unwrap().to_string_lossy().into_owned();
    let (version, name) = schemagen::sql::source::parse_migration_name(&file_name).unwrap();
    assert_eq!(name, "add_note");
    let rows = history_rows(&db);
    assert_eq!(rows.len(), 2, "{rows:?}");
    let text = std::fs::read_to_string(&new_file).unwrap();
    let statements: Vec<String> = schemagen::sql::supabase::statements::cli_statements(&text)
        .into_iter()
        .map(|s| s.text)
        .collect();
    assert_eq!(
        rows[1],
        (
            version.to_string(),
            Some(name.to_string()),
            Some(statements)
        )
    );
    let m = mismatches(&live(&db), &lowered(&s1, &history), &scope(&s1));
    assert!(m.is_empty(), "{m:#?}");
    if let Some(cli) = supabase_cli() {
        // `supabase migration list` agrees: the new version is both local and remote.
        let o = Command::new(cli)
            .args(["migration", "list", "--db-url", &db.url()])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        let line = out
            .lines()
            .find(|l| l.contains(version))
            .unwrap_or_else(|| panic!("{out}\n{}", String::from_utf8_lossy(&o.stderr)));
        let cells: Vec<&str> = line
            .split('|')
            .map(|c| c.trim().trim_matches('`'))
            .collect();
        assert_eq!(cells[..2], [version, version], "local and remote: {line}");
    }

    // A statement that fails: rolled back, the file removed, the statement located.
    let mut s2 = lines(&s1);
    let (_, b) = target_model(&s2).unwrap();
    insert_scalar(&mut s2, &b, "  sfp_clash String?");
    let s2 = join(&s2);
    std::fs::write(&schema, &s2).unwrap();
    let (code, sql, err) = run(&["--stdout"], None);
    assert_eq!(code, Some(0), "{err}");
    db.psql(&sql).unwrap();
    let before = live(&db);
    let (code, _, err) = run(&["--name", "clash"], Some(&with_password(&db)));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("_clash.sql:")
            && err.contains("already exists")
            && err.contains("was not applied"),
        "{err}"
    );
    let at = err.split("_clash.sql:").nth(1).unwrap();
    let line_col: Vec<&str> = at.split(':').take(2).collect();
    assert!(
        line_col.iter().all(|p| p.parse::<usize>().is_ok()),
        "no line:col in {err}"
    );
    assert_eq!(files(), 2, "the file is removed");
    assert_eq!(history_rows(&db).len(), 2, "nothing recorded");
    assert_eq!(live(&db), before, "nothing applied");

    // A database that does not record the folder's history.
    let bare = cluster.create_supabase_database("apply_bare");
    let (code, _, err) = run(&["--name", "clash"], Some(&with_password(&bare)));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("does not record migration(s) of the folder: 20240101000000"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "postgresql://postgres@127.0.0.1:{}/{}",
            bare.port, bare.name
        )),
        "{err}"
    );
    assert_eq!(files(), 2, "the file is removed");
    assert!(history_rows(&bare).is_empty());
}
