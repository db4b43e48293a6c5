//! One table against its previous version: primary key, columns, indexes and unique keys, foreign
//! keys.

use crate::catalog::{Catalog, QualifiedName, SqlType};
use std::collections::BTreeSet;

use super::*;

#[allow(clippy::too_many_arguments)]
pub(super) fn diff_table(
    pair: Pair<'_>,
    name: &QualifiedName,
    old: &PTable,
    new: &PTable,
    retyped: &BTreeSet<(QualifiedName, String)>,
    same_default: SameDefault<'_>,
    push: &mut dyn FnMut(Step, Vec<String>),
) {
    let fk_retyped = |f: &PForeignKey| {
        f.columns
            .iter()
            .any(|c| retyped.contains(&(name.clone(), c.clone())))
            || f.referenced_columns
                .iter()
                .any(|c| retyped.contains(&(f.references.clone(), c.clone())))
    };
    let (mut changes, breaking) = table_changes(pair, name, old, new, same_default);
    if !changes.is_empty() {
        // Clauses by kind; within a kind in column order (dropped columns as the table had
        // them, added and altered ones as the schema lists them), as Prisma orders them: the
        // database's column order then follows the schema's fields.
        changes.sort_by_key(|c| match c {
            TableChange::DropPrimaryKey { .. } => 0,
            TableChange::RenamePrimaryKey { .. } => 1,
            TableChange::DropColumn { .. } => 2,
            TableChange::AddColumn { .. } => 3,
            TableChange::AlterColumn { .. } => 4,
            TableChange::AddPrimaryKey { .. } => 5,
        });
        push(
            Step::AlterTable {
                table: name.clone(),
                changes,
            },
            breaking,
        );
    }

    index_steps(name, old, new, push);
    foreign_key_steps(name, old, new, &fk_retyped, push);
}

/// The `ALTER TABLE` changes of one table (primary key and columns), with what they break.
fn table_changes(
    pair: Pair<'_>,
    name: &QualifiedName,
    old: &PTable,
    new: &PTable,
    same_default: SameDefault<'_>,
) -> (Vec<TableChange>, Vec<String>) {
    let mut changes = Vec::new();
    let mut breaking = Vec::new();

    // Primary key.
    match (&old.primary_key, &new.primary_key) {
        (Some((on, oc)), Some((nn, nc))) if oc == nc && on != nn => {
            changes.push(TableChange::RenamePrimaryKey {
                from: on.clone(),
                to: nn.clone(),
            })
        }
        (Some((on, oc)), Some((nn, nc))) if oc != nc => {
            changes.push(TableChange::DropPrimaryKey { name: on.clone() });
            changes.push(TableChange::AddPrimaryKey { name: nn.clone() });
        }
        (Some((on, _)), None) => changes.push(TableChange::DropPrimaryKey { name: on.clone() }),
        (None, Some((nn, _))) => changes.push(TableChange::AddPrimaryKey { name: nn.clone() }),
        _ => {}
    }

    for c in &old.columns {
        if !new.columns.iter().any(|n| n.name == c.name) {
            changes.push(TableChange::DropColumn {
                column: c.name.clone(),
            });
            breaking.push(format!(
                "drops column {}.{} and the data in it",
                name,
                crate::catalog::quote_ident(&c.name)
            ));
        }
    }
    for c in &new.columns {
        let Some(o) = old.columns.iter().find(|o| o.name == c.name) else {
            changes.push(TableChange::AddColumn {
                column: c.name.clone(),
            });
            if c.not_null && c.default.is_none() && !c.autoincrement {
                breaking.push(format!(
                    "adds the required column {}.{} without a default: this fails if the table has rows",
                    name,
                    crate::catalog::quote_ident(&c.name)
                ));
            }
            continue;
        };
        let mut cc = Vec::new();
        let type_changed = o.ty != c.ty;
        if !o.fixed_default && o.autoincrement == c.autoincrement {
            match (&o.default, &c.default) {
                (None, Some(_)) => cc.push(ColumnChange::SetDefault),
                (Some(_), None) => cc.push(ColumnChange::DropDefault),
                (Some(a), Some(b)) if a != b && !same_default(pair.next, &c.ty, a, b) => {
                    cc.push(ColumnChange::SetDefault)
                }
                // A type change rewrites the default in the new type.
                (Some(_), Some(_)) if type_changed => cc.push(ColumnChange::SetDefault),
                _ => {}
            }
        }
        if o.not_null && !c.not_null {
            cc.push(ColumnChange::DropNotNull);
        }
        if !o.not_null && c.not_null {
            cc.push(ColumnChange::SetNotNull);
            if c.default.is_none() && !c.autoincrement {
                breaking.push(format!(
                    "makes {}.{} required without a default: this fails if a row holds NULL",
                    name,
                    crate::catalog::quote_ident(&c.name)
                ));
            }
        }
        if type_changed {
            cc.push(ColumnChange::SetType);
            if !widening(pair.previous, pair.next, &o.ty, &c.ty) {
                breaking.push(format!(
                    "changes the type of {}.{} from {} to {}: values that do not fit are lost or make this fail",
                    name,
                    crate::catalog::quote_ident(&c.name),
                    o.ty,
                    c.ty
                ));
            }
        }
        if !o.autoincrement && c.autoincrement {
            cc.push(ColumnChange::AddAutoincrement);
        }
        if o.autoincrement && !c.autoincrement && !o.fixed_default {
            cc.push(ColumnChange::DropAutoincrement);
        }
        if !cc.is_empty() {
            changes.push(TableChange::AlterColumn {
                column: c.name.clone(),
                changes: cc,
            });
        }
    }
    (changes, breaking)
}

/// Indexes and unique keys: dropped, renamed or created.
fn index_steps(
    name: &QualifiedName,
    old: &PTable,
    new: &PTable,
    push: &mut dyn FnMut(Step, Vec<String>),
) {
    // Indexes and unique keys.
    for o in &old.indexes {
        match new.indexes.iter().find(|n| n.name == o.name) {
            Some(n) if n.same_shape(o) => {}
            _ => {
                let renamed = new
                    .indexes
                    .iter()
                    .find(|n| n.same_shape(o) && !old.indexes.iter().any(|x| x.name == n.name));
                if let (Some(n), false) = (renamed, o.constraint) {
                    push(
                        Step::RenameIndex {
                            table: name.clone(),
                            from: o.name.clone(),
                            to: n.name.clone(),
                        },
                        vec![],
                    );
                    continue;
                }
                push(
                    Step::DropIndex {
                        table: name.clone(),
                        name: o.name.clone(),
                        constraint: o.constraint,
                    },
                    vec![],
                );
            }
        }
    }
    for n in &new.indexes {
        let exists = old
            .indexes
            .iter()
            .any(|o| o.name == n.name && o.same_shape(n));
        let renamed = old.indexes.iter().any(|o| {
            !o.constraint
                && o.same_shape(n)
                && !new.indexes.iter().any(|x| x.name == o.name)
                && !old.indexes.iter().any(|x| x.name == n.name)
        });
        if !exists && !renamed {
            push(
                Step::CreateIndex {
                    table: name.clone(),
                    name: n.name.clone(),
                },
                vec![],
            );
        }
    }
}

/// Foreign keys: dropped, renamed or added (again, when a column they use changes type).
fn foreign_key_steps(
    name: &QualifiedName,
    old: &PTable,
    new: &PTable,
    fk_retyped: &dyn Fn(&PForeignKey) -> bool,
    push: &mut dyn FnMut(Step, Vec<String>),
) {
    // Foreign keys.
    for o in &old.foreign_keys {
        if !fk_retyped(o)
            && new
                .foreign_keys
                .iter()
                .any(|n| n.name == o.name && n.same_shape(o))
        {
            continue;
        }
        let renamed = new
            .foreign_keys
            .iter()
            .find(|n| n.same_shape(o) && !old.foreign_keys.iter().any(|x| x.name == n.name));
        if let (Some(n), false) = (renamed, fk_retyped(o)) {
            push(
                Step::RenameForeignKey {
                    table: name.clone(),
                    from: o.name.clone(),
                    to: n.name.clone(),
                },
                vec![],
            );
            continue;
        }
        push(
            Step::DropForeignKey {
                table: name.clone(),
                name: o.name.clone(),
            },
            vec![],
        );
    }
    for n in &new.foreign_keys {
        let kept = !fk_retyped(n)
            && old.foreign_keys.iter().any(|o| {
                o.same_shape(n)
                    && (o.name == n.name || !new.foreign_keys.iter().any(|x| x.name == o.name))
            });
        if !kept {
            push(
                Step::AddForeignKey {
                    table: name.clone(),
                    name: n.name.clone(),
                },
                vec![],
            );
        }
    }
}

/// Whether every value of `from` fits `to` unchanged (a widening type change).
pub(super) fn widening(prev: &Catalog, next: &Catalog, from: &SqlType, to: &SqlType) -> bool {
    if from.array_dims != to.array_dims {
        return false;
    }
    let builtin = from.schema == "pg_catalog" && to.schema == "pg_catalog";
    if !builtin {
        // An enum whose labels are all in the new one (same name: the values carry over).
        if let (Some(a), Some(b)) = (
            prev.enum_type(&from.schema, &from.name),
            next.enum_type(&to.schema, &to.name),
        ) {
            return a.values.iter().all(|v| b.values.contains(v));
        }
        return to.is("text");
    }
    let m = |t: &SqlType, i: usize| t.modifiers.get(i).copied();
    let rank = |n: &str| match n {
        "int2" => 1,
        "int4" => 2,
        "int8" => 3,
        "numeric" => 4,
        _ => 0,
    };
    match (from.name.as_str(), to.name.as_str()) {
        (_, "text") => true,
        ("int2" | "int4" | "int8", "int2" | "int4" | "int8") => rank(&from.name) <= rank(&to.name),
        ("int2" | "int4" | "int8", "numeric") => to.modifiers.is_empty(),
        ("float4", "float8") => true,
        ("varchar" | "bpchar", "varchar") => match (m(from, 0), m(to, 0)) {
            (_, None) => true,
            (Some(a), Some(b)) => a <= b,
            (None, Some(_)) => false,
        },
        ("bpchar", "bpchar") => m(from, 0) == m(to, 0),
        ("numeric", "numeric") => match (m(from, 0), m(to, 0)) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(p1), Some(p2)) => {
                let (s1, s2) = (m(from, 1).unwrap_or(0), m(to, 1).unwrap_or(0));
                s2 >= s1 && p2 - s2 >= p1 - s1
            }
        },
        ("timestamp", "timestamp")
        | ("timestamptz", "timestamptz")
        | ("time", "time")
        | ("timetz", "timetz") => m(from, 0).unwrap_or(6) <= m(to, 0).unwrap_or(6),
        ("timestamp", "timestamptz") => m(from, 0).unwrap_or(6) <= m(to, 0).unwrap_or(6),
        ("json", "jsonb") | ("varbit", "varbit") => true,
        _ => false,
    }
}
