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

use std::fmt::Write as _;

use crate::catalog::{Catalog, QualifiedName, SqlType};
use crate::diff::{ColumnChange, Diff, PColumn, PIndex, Step, TableChange};

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

fn statements(
    step: &Step,
    diff: &Diff,
    previous: &Catalog,
    next: &Catalog,
    o: SqlOptions,
) -> Vec<String> {
    let idem = o.idempotent;
    match step {
        Step::CreateSchema { schema } => vec![format!("CREATE SCHEMA IF NOT EXISTS {}", q(schema))],
        Step::CreateEnum { name } => {
            let values = &diff.next.enums[name];
            let labels: Vec<String> = values.iter().map(|v| lit(v)).collect();
            let s = format!("CREATE TYPE {} AS ENUM ({})", qn(name), labels.join(", "));
            if idem {
                vec![format!(
                    "DO $$\nBEGIN\n    {s};\nEXCEPTION WHEN duplicate_object THEN NULL;\nEND $$"
                )]
            } else {
                vec![s]
            }
        }
        Step::AlterEnum {
            name,
            added,
            recreate,
            ..
        } => {
            let values = &diff.next.enums[name];
            if !*recreate {
                let old = &diff.previous.enums[name];
                let mut present: Vec<&String> = old.iter().collect();
                let mut out = Vec::new();
                for v in values.iter().filter(|v| added.contains(v)) {
                    let pos = values.iter().position(|x| x == v).unwrap_or(0);
                    let after = values[pos + 1..].iter().find(|x| present.contains(x));
                    let before = values[..pos].iter().rev().find(|x| present.contains(x));
                    let place = match (after, before) {
                        (Some(a), _) => format!(" BEFORE {}", lit(a)),
                        (None, Some(b)) => format!(" AFTER {}", lit(b)),
                        _ => String::new(),
                    };
                    let ine = if idem { "IF NOT EXISTS " } else { "" };
                    out.push(format!(
                        "ALTER TYPE {} ADD VALUE {ine}{}{place}",
                        qn(name),
                        lit(v)
                    ));
                    present.push(v);
                }
                return out;
            }
            let body = recreate_enum(name, values, previous, next);
            if idem {
                let labels: Vec<String> = values.iter().map(|v| lit(v)).collect();
                let cond = format!(
                    "(SELECT array_agg(enumlabel::text ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = {}::regtype) IS DISTINCT FROM ARRAY[{}]::text[]",
                    regclass(name),
                    labels.join(", ")
                );
                vec![guarded(&cond, &body)]
            } else {
                body
            }
        }
        Step::RenameTable { from, to } => {
            let s = format!("ALTER TABLE {} RENAME TO {}", qn(from), q(to));
            if idem {
                let dest = QualifiedName::new(from.schema.clone(), to.clone());
                vec![guarded(
                    &format!(
                        "to_regclass({}) IS NOT NULL AND to_regclass({}) IS NULL",
                        regclass(from),
                        regclass(&dest)
                    ),
                    &[s],
                )]
            } else {
                vec![s]
            }
        }
        Step::RenameColumn { table, from, to } => {
            let s = format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                qn(table),
                q(from),
                q(to)
            );
            if idem {
                vec![guarded(
                    &format!(
                        "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = {} AND table_name = {} AND column_name = {})",
                        lit(&table.schema),
                        lit(&table.name),
                        lit(from)
                    ),
                    &[s],
                )]
            } else {
                vec![s]
            }
        }
        Step::DropForeignKey { table, name } => {
            if idem {
                vec![format!(
                    "ALTER TABLE IF EXISTS {} DROP CONSTRAINT IF EXISTS {}",
                    qn(table),
                    q(name)
                )]
            } else {
                vec![format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    qn(table),
                    q(name)
                )]
            }
        }
        Step::DropIndex {
            table,
            name,
            constraint,
        } => {
            let ie = if idem { "IF EXISTS " } else { "" };
            if *constraint {
                vec![format!(
                    "ALTER TABLE {} DROP CONSTRAINT {ie}{}",
                    qn(table),
                    q(name)
                )]
            } else {
                let n = QualifiedName::new(table.schema.clone(), name.clone());
                vec![format!("DROP INDEX {ie}{}", qn(&n))]
            }
        }
        Step::AlterTable { table, changes } => alter_table(table, changes, diff, previous, next, o),
        Step::DropTable { table } => {
            let ie = if idem { "IF EXISTS " } else { "" };
            vec![format!("DROP TABLE {ie}{}", qn(table))]
        }
        Step::DropEnum { name } => {
            let ie = if idem { "IF EXISTS " } else { "" };
            vec![format!("DROP TYPE {ie}{}", qn(name))]
        }
        Step::CreateTable { table } => {
            let t = &diff.next.tables[table];
            let ine = if idem { "IF NOT EXISTS " } else { "" };
            let mut s = format!("CREATE TABLE {ine}{} (\n", qn(table));
            let lines: Vec<String> = t
                .columns
                .iter()
                .map(|c| format!("    {}", column_line(c)))
                .collect();
            s.push_str(&lines.join(",\n"));
            if let Some((name, cols)) = &t.primary_key {
                let _ = write!(
                    s,
                    ",\n\n    CONSTRAINT {} PRIMARY KEY ({})",
                    q(name),
                    key_list(cols, ",")
                );
            }
            s.push_str("\n)");
            vec![s]
        }
        Step::CreateIndex { table, name } => {
            let t = &diff.next.tables[table];
            let Some(i) = t.indexes.iter().find(|i| &i.name == name) else {
                return vec![];
            };
            if i.constraint {
                let cols: Vec<String> = i.keys.iter().map(|k| k.0.clone()).collect();
                let s = format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
                    qn(table),
                    q(name),
                    key_list(&cols, ", ")
                );
                return if idem {
                    vec![guarded(&constraint_missing(table, name), &[s])]
                } else {
                    vec![s]
                };
            }
            let unique = if i.unique { "UNIQUE " } else { "" };
            let ine = if idem { "IF NOT EXISTS " } else { "" };
            let using = if i.method == "btree" {
                String::new()
            } else {
                format!(" USING {} ", i.method.to_uppercase())
            };
            let mut s = format!(
                "CREATE {unique}INDEX {ine}{} ON {}{using}({})",
                q(name),
                qn(table),
                index_keys(i)
            );
            if let Some(p) = &i.predicate {
                let _ = write!(s, " WHERE {p}");
            }
            vec![s]
        }
        Step::RenameForeignKey { table, from, to } => {
            let s = format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                qn(table),
                q(from),
                q(to)
            );
            if idem {
                vec![guarded(&constraint_missing(table, to), &[s])]
            } else {
                vec![s]
            }
        }
        Step::AddForeignKey { table, name } => {
            let t = &diff.next.tables[table];
            let Some(f) = t.foreign_keys.iter().find(|f| &f.name == name) else {
                return vec![];
            };
            let s = format!(
                "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}({}) ON DELETE {} ON UPDATE {}",
                qn(table),
                q(name),
                key_list(&f.columns, ", "),
                qn(&f.references),
                key_list(&f.referenced_columns, ", "),
                f.on_delete.sql(),
                f.on_update.sql()
            );
            if idem {
                vec![guarded(&constraint_missing(table, name), &[s])]
            } else {
                vec![s]
            }
        }
        Step::RenameIndex { table, from, to } => {
            let ie = if idem { "IF EXISTS " } else { "" };
            let n = QualifiedName::new(table.schema.clone(), from.clone());
            vec![format!("ALTER INDEX {ie}{} RENAME TO {}", qn(&n), q(to))]
        }
    }
}

/// Prisma's enum recreation: a new type with the new labels, every column that uses the enum
/// moved over (its default dropped and put back), the old type dropped.
fn recreate_enum(
    name: &QualifiedName,
    values: &[String],
    previous: &Catalog,
    next: &Catalog,
) -> Vec<String> {
    let new_name = format!("{}_new", name.name);
    let new_q = QualifiedName::new(name.schema.clone(), new_name.clone());
    let labels: Vec<String> = values.iter().map(|v| lit(v)).collect();
    let mut out = vec![format!(
        "CREATE TYPE {} AS ENUM ({})",
        qn(&new_q),
        labels.join(", ")
    )];
    let mut users = Vec::new();
    for (sn, s) in &previous.schemas {
        for t in s.tables.values() {
            for c in &t.columns {
                if c.ty.schema == name.schema && c.ty.name == name.name {
                    users.push((QualifiedName::new(sn.clone(), t.name.clone()), c));
                }
            }
        }
    }
    for (t, c) in &users {
        if c.default.is_some() {
            out.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                qn(t),
                q(&c.name)
            ));
        }
        let arr = if c.ty.is_array() { "[]" } else { "" };
        out.push(format!(
            "ALTER TABLE {} ALTER COLUMN {} TYPE {}{arr} USING ({}::text{arr}::{}{arr})",
            qn(t),
            q(&c.name),
            qn(&new_q),
            q(&c.name),
            qn(&new_q)
        ));
    }
    let old = QualifiedName::new(name.schema.clone(), format!("{}_old", name.name));
    out.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        qn(name),
        q(&old.name)
    ));
    out.push(format!(
        "ALTER TYPE {} RENAME TO {}",
        qn(&new_q),
        q(&name.name)
    ));
    out.push(format!("DROP TYPE {}", qn(&old)));
    for (t, c) in &users {
        let default = match next.table(&t.schema, &t.name) {
            Some(nt) => nt.column(&c.name).and_then(|n| n.default.clone()),
            None => None,
        };
        if let Some(d) = default {
            out.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {d}",
                qn(t),
                q(&c.name)
            ));
        }
    }
    out
}

fn alter_table(
    table: &QualifiedName,
    changes: &[TableChange],
    diff: &Diff,
    previous: &Catalog,
    next: &Catalog,
    o: SqlOptions,
) -> Vec<String> {
    let idem = o.idempotent;
    let new_t = &diff.next.tables[table];
    let old_t = &diff.previous.tables[table];
    let mut before = Vec::new();
    let mut clauses = Vec::new();
    let mut after = Vec::new();
    let mut separate = Vec::new();
    let ie = if idem { "IF EXISTS " } else { "" };
    let ine = if idem { "IF NOT EXISTS " } else { "" };
    for ch in changes {
        match ch {
            TableChange::DropPrimaryKey { name } => {
                clauses.push(format!("DROP CONSTRAINT {ie}{}", q(name)))
            }
            TableChange::RenamePrimaryKey { from, to } => {
                let s = format!(
                    "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
                    qn(table),
                    q(from),
                    q(to)
                );
                separate.push(if idem {
                    guarded(&constraint_missing(table, to), &[s])
                } else {
                    s
                });
            }
            TableChange::DropColumn { column } => {
                clauses.push(format!("DROP COLUMN {ie}{}", q(column)))
            }
            TableChange::AddColumn { column } => {
                if let Some(c) = new_t.columns.iter().find(|c| &c.name == column) {
                    clauses.push(if idem {
                        format!("ADD COLUMN IF NOT EXISTS {}", column_line(c))
                    } else {
                        format!("ADD COLUMN     {}", column_line(c))
                    });
                }
            }
            TableChange::AlterColumn { column, changes } => {
                let (Some(c), Some(old)) = (
                    new_t.columns.iter().find(|c| &c.name == column),
                    old_t.columns.iter().find(|c| &c.name == column),
                ) else {
                    continue;
                };
                let col = q(column);
                let retype = changes.contains(&ColumnChange::SetType);
                if retype && old.default.is_some() {
                    clauses.push(format!("ALTER COLUMN {col} DROP DEFAULT"));
                }
                for cc in changes {
                    match cc {
                        ColumnChange::SetDefault if !retype => {
                            if let Some(d) = &c.default {
                                clauses.push(format!("ALTER COLUMN {col} SET DEFAULT {d}"));
                            }
                        }
                        ColumnChange::SetDefault => {}
                        ColumnChange::DropDefault if retype && old.default.is_some() => {}
                        ColumnChange::DropDefault => {
                            clauses.push(format!("ALTER COLUMN {col} DROP DEFAULT"))
                        }
                        ColumnChange::DropNotNull => {
                            clauses.push(format!("ALTER COLUMN {col} DROP NOT NULL"))
                        }
                        ColumnChange::SetNotNull => {
                            clauses.push(format!("ALTER COLUMN {col} SET NOT NULL"))
                        }
                        ColumnChange::SetType => {
                            let ty = render_type(&c.raw_ty);
                            let via_text = c.raw_ty.schema != "pg_catalog"
                                || old.raw_ty.schema != "pg_catalog";
                            let arr = if old.raw_ty.is_array() { "[]" } else { "" };
                            let cast = if via_text {
                                format!("{col}::text{arr}::{ty}")
                            } else {
                                format!("{col}::{ty}")
                            };
                            clauses.push(format!(
                                "ALTER COLUMN {col} SET DATA TYPE {ty} USING ({cast})"
                            ));
                        }
                        ColumnChange::AddAutoincrement => {
                            let seq = next
                                .schema(&table.schema)
                                .and_then(|s| {
                                    s.sequences.values().find(|q| {
                                        q.owned_by.as_ref()
                                            == Some(&(table.name.clone(), column.clone()))
                                    })
                                })
                                .map(|s| (s.name.clone(), s.data_type.clone()))
                                .unwrap_or_else(|| {
                                    (format!("{}_{}_seq", table.name, column), "integer".into())
                                });
                            let sq = qn(&QualifiedName::new(table.schema.clone(), seq.0.clone()));
                            before.push(format!("CREATE SEQUENCE {ine}{sq} AS {}", seq.1));
                            clauses.push(format!(
                                "ALTER COLUMN {col} SET DEFAULT nextval({}::regclass)",
                                lit(&sq)
                            ));
                            after.push(format!("ALTER SEQUENCE {sq} OWNED BY {}.{col}", qn(table)));
                        }
                        ColumnChange::DropAutoincrement => {
                            clauses.push(format!("ALTER COLUMN {col} DROP DEFAULT"));
                            let owned = old.nextval.as_deref().and_then(sequence_of);
                            let _ = previous;
                            if let Some(seq) = owned {
                                after.push(format!("DROP SEQUENCE {ie}{seq}"));
                            }
                        }
                    }
                }
                if retype {
                    if let Some(d) = c.default.as_ref() {
                        clauses.push(format!("ALTER COLUMN {col} SET DEFAULT {d}"));
                    }
                }
            }
            TableChange::AddPrimaryKey { name } => {
                if let Some((_, cols)) = &new_t.primary_key {
                    let s = format!(
                        "ADD CONSTRAINT {} PRIMARY KEY ({})",
                        q(name),
                        key_list(cols, ", ")
                    );
                    if idem {
                        after.push(guarded(
                            &constraint_missing(table, name),
                            &[format!("ALTER TABLE {} {s}", qn(table))],
                        ));
                    } else {
                        clauses.push(s);
                    }
                }
            }
        }
    }
    let mut out = before;
    out.extend(separate);
    if !clauses.is_empty() {
        if idem {
            out.extend(
                clauses
                    .iter()
                    .map(|c| format!("ALTER TABLE {} {c}", qn(table))),
            );
        } else {
            out.push(format!("ALTER TABLE {} {}", qn(table), clauses.join(",\n")));
        }
    }
    out.extend(after);
    out
}
