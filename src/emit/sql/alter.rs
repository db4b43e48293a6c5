//! `ALTER TABLE` for a changed table, and enum changes that need the type recreated.

use crate::catalog::{Catalog, QualifiedName};
use crate::diff::{ColumnChange, Diff, TableChange};

use super::*;

pub(super) fn alter_table(
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
                        ColumnChange::SetType => clauses.push(set_type(&col, c, old)),
                        ColumnChange::AddAutoincrement => {
                            let (create, default, owned) =
                                add_autoincrement(table, column, &col, next, ine);
                            before.push(create);
                            clauses.push(default);
                            after.push(owned);
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

/// `ALTER COLUMN … SET DATA TYPE … USING (…)` from `old`'s type to `c`'s (through `text` when
/// either is not a built-in type).
fn set_type(col: &str, c: &PColumn, old: &PColumn) -> String {
    let ty = render_type(&c.raw_ty);
    let via_text = c.raw_ty.schema != "pg_catalog" || old.raw_ty.schema != "pg_catalog";
    let arr = if old.raw_ty.is_array() { "[]" } else { "" };
    let cast = if via_text {
        format!("{col}::text{arr}::{ty}")
    } else {
        format!("{col}::{ty}")
    };
    format!("ALTER COLUMN {col} SET DATA TYPE {ty} USING ({cast})")
}

/// A column made serial: the sequence created before, its default, the sequence owned by the
/// column after.
fn add_autoincrement(
    table: &QualifiedName,
    column: &String,
    col: &str,
    next: &Catalog,
    ine: &str,
) -> (String, String, String) {
    let seq = next
        .schema(&table.schema)
        .and_then(|s| {
            s.sequences
                .values()
                .find(|q| q.owned_by.as_ref() == Some(&(table.name.clone(), column.clone())))
        })
        .map(|s| (s.name.clone(), s.data_type.clone()))
        .unwrap_or_else(|| (format!("{}_{}_seq", table.name, column), "integer".into()));
    let sq = qn(&QualifiedName::new(table.schema.clone(), seq.0.clone()));
    (
        format!("CREATE SEQUENCE {ine}{sq} AS {}", seq.1),
        format!(
            "ALTER COLUMN {col} SET DEFAULT nextval({}::regclass)",
            lit(&sq)
        ),
        format!("ALTER SEQUENCE {sq} OWNED BY {}.{col}", qn(table)),
    )
}

/// Prisma's enum recreation: a new type with the new labels, every column that uses the enum
/// moved over (its default dropped and put back), the old type dropped.
pub(super) fn recreate_enum(
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
