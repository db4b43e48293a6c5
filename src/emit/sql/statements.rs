//! The statements of each diff step, in order.

use super::alter::alter_table;
use super::alter::recreate_enum;
use crate::catalog::{Catalog, QualifiedName};
use crate::diff::{Diff, Step};
use std::fmt::Write as _;

use super::*;

pub(super) fn statements(
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
        } => alter_enum(name, added, *recreate, diff, previous, next, idem),
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
        Step::CreateTable { table } => create_table(table, diff, idem),
        Step::CreateIndex { table, name } => create_index(table, name, diff, idem),
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

/// `ALTER TYPE … ADD VALUE` for added labels, or the type recreated (`recreate_enum`).
fn alter_enum(
    name: &QualifiedName,
    added: &[String],
    recreate: bool,
    diff: &Diff,
    previous: &Catalog,
    next: &Catalog,
    idem: bool,
) -> Vec<String> {
    let values = &diff.next.enums[name];
    if !recreate {
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

/// `CREATE TABLE` with its columns and primary key.
fn create_table(table: &QualifiedName, diff: &Diff, idem: bool) -> Vec<String> {
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

/// `CREATE INDEX`, or `ADD CONSTRAINT … UNIQUE` for a unique constraint.
fn create_index(table: &QualifiedName, name: &str, diff: &Diff, idem: bool) -> Vec<String> {
    let t = &diff.next.tables[table];
    let Some(i) = t.indexes.iter().find(|i| i.name == name) else {
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
