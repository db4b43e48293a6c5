//! Diff steps → PostgreSQL, following the conventions of `prisma migrate diff --script`
//! (`prisma-migrate-sql-rules.md`): one `-- StepName` block per step, blocks separated by a blank
//! line, every identifier quoted, Prisma's type spellings (`INTEGER`, `TEXT`, `TIMESTAMP(3)`,
//! `SERIAL`), `ADD COLUMN` followed by five spaces, foreign keys with both actions.
//!
//! Deliberate differences from Prisma's text (the catalogs they build are the same on what
//! Prisma expresses, and equal to the lowered schema):
//! * defaults are written the way PostgreSQL prints them back (`now()`, `'x'::text`), the form
//!   the lowering gives, so that the database equals the lowered catalog;
//! * `@unique` keys are `UNIQUE` constraints (`ALTER TABLE … ADD CONSTRAINT … UNIQUE`), as the
//!   lowering has them, where Prisma writes `CREATE UNIQUE INDEX` (db pull reads both the same);
//! * a type change carries `USING` so that values are cast, not dropped;
//! * enum recreation has no `BEGIN`/`COMMIT` (the Supabase CLI runs each file in a transaction);
//! * enum labels are added `BEFORE`/`AFTER` a neighbour, where the schema puts them;
//! * `RENAME CONSTRAINT` is a statement of its own (PostgreSQL refuses it among other clauses);
//! * tables outside `public` are schema-qualified.
//!
//! With `idempotent`, every statement is guarded (`IF NOT EXISTS`, `IF EXISTS`, `DO` blocks that
//! look in `pg_constraint`/`pg_enum`) so that the file applies twice.

mod alter;
mod statements;

use statements::statements;
use std::fmt::Write as _;

use crate::catalog::{Catalog, QualifiedName, SqlType};
use crate::diff::{Diff, PColumn, PIndex, Step};

/// How to write.
#[derive(Debug, Clone, Copy, Default)]
pub struct SqlOptions {
    /// Guarded DDL that can run twice.
    pub idempotent: bool,
}

/// Quotes an identifier (always, as Prisma does).
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A string literal.
fn lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A schema-qualified name, the schema left out for `public`.
fn qn(n: &QualifiedName) -> String {
    if n.schema == "public" {
        q(&n.name)
    } else {
        format!("{}.{}", q(&n.schema), q(&n.name))
    }
}

/// The name as a `regclass` literal.
fn regclass(n: &QualifiedName) -> String {
    lit(&format!("{}.{}", q(&n.schema), q(&n.name)))
}

/// A type as Prisma Migrate spells it.
pub(crate) fn render_type(ty: &SqlType) -> String {
    let m = |i: usize| ty.modifiers.get(i).copied();
    let p = |name: &str| match m(0) {
        Some(n) => format!("{name}({n})"),
        None => name.to_string(),
    };
    let base = if ty.schema == "pg_catalog" {
        match ty.name.as_str() {
            "int2" => "SMALLINT".into(),
            "int4" => "INTEGER".into(),
            "int8" => "BIGINT".into(),
            "float4" => "REAL".into(),
            "float8" => "DOUBLE PRECISION".into(),
            "numeric" => match (m(0), m(1)) {
                (Some(a), Some(b)) => format!("DECIMAL({a},{b})"),
                (Some(a), None) => format!("DECIMAL({a})"),
                _ => "DECIMAL".into(),
            },
            "text" => "TEXT".into(),
            "varchar" => p("VARCHAR"),
            "bpchar" => p("CHAR"),
            "bool" => "BOOLEAN".into(),
            "timestamp" => p("TIMESTAMP"),
            "timestamptz" => p("TIMESTAMPTZ"),
            "time" => p("TIME"),
            "timetz" => p("TIMETZ"),
            "date" => "DATE".into(),
            "json" => "JSON".into(),
            "jsonb" => "JSONB".into(),
            "bytea" => "BYTEA".into(),
            "uuid" => "UUID".into(),
            "xml" => "XML".into(),
            "inet" => "INET".into(),
            "bit" => p("BIT"),
            "varbit" => p("VARBIT"),
            "oid" => "OID".into(),
            "money" => "MONEY".into(),
            _ => ty.element().format(true),
        }
    } else {
        let name = qn(&QualifiedName::new(ty.schema.clone(), ty.name.clone()));
        if ty.modifiers.is_empty() {
            name
        } else {
            let mods: Vec<String> = ty.modifiers.iter().map(|v| v.to_string()).collect();
            format!("{name}({})", mods.join(","))
        }
    };
    let mut out = base;
    for _ in 0..ty.array_dims {
        out.push_str("[]");
    }
    out
}

/// `SERIAL`-style type of an autoincrement column, when there is one.
fn serial(ty: &SqlType) -> Option<&'static str> {
    if ty.schema != "pg_catalog" || ty.is_array() {
        return None;
    }
    match ty.name.as_str() {
        "int2" => Some("SMALLSERIAL"),
        "int4" => Some("SERIAL"),
        "int8" => Some("BIGSERIAL"),
        _ => None,
    }
}

/// A column line: `"name" TYPE[ NOT NULL][ DEFAULT expr]`.
fn column_line(c: &PColumn) -> String {
    if c.autoincrement {
        if let Some(s) = serial(&c.raw_ty) {
            return format!("{} {s} NOT NULL", q(&c.name));
        }
    }
    let mut s = format!("{} {}", q(&c.name), render_type(&c.raw_ty));
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    let default = c.default.as_ref().or(c.nextval.as_ref());
    if let Some(d) = default {
        let _ = write!(s, " DEFAULT {d}");
    }
    s
}

fn key_list(cols: &[String], sep: &str) -> String {
    cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(sep)
}

fn index_keys(i: &PIndex) -> String {
    let keys: Vec<String> = i
        .keys
        .iter()
        .map(|(c, desc, ops)| {
            let mut s = q(c);
            if let Some(o) = ops {
                let _ = write!(s, " {o}");
            }
            if *desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    keys.join(", ")
}

/// The sequence a `nextval('…'::regclass)` default names.
fn sequence_of(default: &str) -> Option<String> {
    let start = default.find("nextval('")? + "nextval('".len();
    let rest = &default[start..];
    let end = rest.find("'::regclass")?;
    Some(rest[..end].replace("''", "'"))
}

fn step_name(s: &Step) -> &'static str {
    match s {
        Step::CreateSchema { .. } => "CreateSchema",
        Step::CreateEnum { .. } => "CreateEnum",
        Step::AlterEnum { .. } => "AlterEnum",
        Step::RenameTable { .. } => "RenameTable",
        Step::RenameColumn { .. } => "RenameColumn",
        Step::DropForeignKey { .. } => "DropForeignKey",
        Step::DropIndex { .. } => "DropIndex",
        Step::AlterTable { .. } => "AlterTable",
        Step::DropTable { .. } => "DropTable",
        Step::DropEnum { .. } => "DropEnum",
        Step::CreateTable { .. } => "CreateTable",
        Step::CreateIndex { .. } => "CreateIndex",
        Step::RenameForeignKey { .. } => "RenameForeignKey",
        Step::AddForeignKey { .. } => "AddForeignKey",
        Step::RenameIndex { .. } => "RenameIndex",
    }
}

/// `DO $$ BEGIN IF <cond> THEN <body> END IF; END $$;`
fn guarded(cond: &str, body: &[String]) -> String {
    let mut s = format!("DO $$\nBEGIN\n    IF {cond} THEN\n");
    for b in body {
        let _ = writeln!(s, "        {b};");
    }
    s.push_str("    END IF;\nEND $$");
    s
}

fn constraint_missing(table: &QualifiedName, name: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = {} AND conrelid = {}::regclass)",
        lit(name),
        regclass(table)
    )
}

/// Renders the steps of `diff` as a script. `previous`/`next` are the catalogs the diff was made
/// from (for sequences and the columns that use an enum). An empty diff gives an empty string.
pub(crate) fn render(diff: &Diff, previous: &Catalog, next: &Catalog, opts: SqlOptions) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for planned in &diff.steps {
        let stmts = statements(&planned.step, diff, previous, next, opts);
        if stmts.is_empty() {
            continue;
        }
        let mut b = format!("-- {}\n", step_name(&planned.step));
        for w in &planned.breaking {
            let _ = writeln!(b, "-- BREAKING: {w}");
        }
        for s in stmts {
            b.push_str(&s);
            b.push_str(";\n");
        }
        blocks.push(b);
    }
    blocks.join("\n")
}
