//! Catalog × Catalog → the ordered steps that turn one into the other, for `sql-from-prisma`:
//! the catalog the migrations build (previous) and the one the edited `schema.prisma` lowers to
//! (next).
//!
//! Both sides are first cut down to what a Prisma schema expresses ([`view::view`]), so a diff
//! never touches row-level security, policies, functions, triggers, grants, checks, comments,
//! view bodies or objects in schemas the datasource does not list. Objects are matched by their
//! database names: a model or field renamed in Prisma with `@map`/`@@map` keeping the database
//! name is no change at all; a real rename is a drop and an add unless a [`Rename`] says
//! otherwise.
//!
//! [`Step`]'s derived order is the order the steps run in, which is the order Prisma's schema
//! engine gives its `SqlMigrationStep`s (`prisma-migrate-sql-rules.md` §2); within a kind, steps
//! sort by schema-qualified name.

pub mod compare;
mod renames;
mod table;
pub(crate) mod view;

use std::collections::BTreeSet;

use crate::catalog::{Catalog, QualifiedName, SqlType};

pub(crate) use renames::RenameError;
pub(crate) use view::{PColumn, PForeignKey, PIndex, PTable, Scope, View};

use renames::apply_renames;
use table::diff_table;

/// The two sides of a diff.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pair<'a> {
    /// What exists (the catalog the migrations build).
    pub previous: &'a Catalog,
    /// What is wanted.
    pub next: &'a Catalog,
}

impl<'a> Pair<'a> {
    /// A pair.
    pub(crate) fn new(previous: &'a Catalog, next: &'a Catalog) -> Self {
        Pair { previous, next }
    }
}

/// A rename the user asked for (`--rename old=new` for a table, `--rename table.old=new` for a
/// column of `table`, named by its new name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rename {
    /// The table of a column rename (`None`: a table rename).
    pub table: Option<String>,
    /// The old database name.
    pub from: String,
    /// The new database name.
    pub to: String,
}

/// Whether two defaults of a column of type `ty` (as Prisma sees it) are the same value for
/// Prisma (`now()` and `CURRENT_TIMESTAMP`, `'0'::bigint` and `0`, …). The pipeline supplies it
/// (it knows how `db pull` reads defaults).
pub(crate) type SameDefault<'a> = &'a dyn Fn(&Catalog, &SqlType, &str, &str) -> bool;

/// One step, each variant saying why it is there. The derived order is the run order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Step {
    /// A schema the datasource lists does not exist.
    CreateSchema { schema: String },
    /// An enum of the Prisma schema does not exist.
    CreateEnum { name: QualifiedName },
    /// An enum's labels changed: labels added (`ADD VALUE`, placed where the schema puts them),
    /// or removed (the type is recreated).
    AlterEnum {
        name: QualifiedName,
        added: Vec<String>,
        removed: Vec<String>,
        /// Labels were removed or reordered: the type is recreated.
        recreate: bool,
    },
    /// `--rename old=new`.
    RenameTable { from: QualifiedName, to: String },
    /// `--rename table.old=new`.
    RenameColumn {
        table: QualifiedName,
        from: String,
        to: String,
    },
    /// A foreign key is gone or changed (changed ones are added back by [`Step::AddForeignKey`]).
    DropForeignKey { table: QualifiedName, name: String },
    /// An index or unique key is gone or changed.
    DropIndex {
        table: QualifiedName,
        name: String,
        constraint: bool,
    },
    /// Columns or the primary key of a table that stays changed.
    AlterTable {
        table: QualifiedName,
        changes: Vec<TableChange>,
    },
    /// A table is no longer in the Prisma schema.
    DropTable { table: QualifiedName },
    /// An enum is no longer in the Prisma schema.
    DropEnum { name: QualifiedName },
    /// A model has no table yet.
    CreateTable { table: QualifiedName },
    /// An index or unique key is new or changed.
    CreateIndex { table: QualifiedName, name: String },
    /// A foreign key kept its definition under a new name.
    RenameForeignKey {
        table: QualifiedName,
        from: String,
        to: String,
    },
    /// A relation is new or changed.
    AddForeignKey { table: QualifiedName, name: String },
    /// An index kept its definition under a new name.
    RenameIndex {
        table: QualifiedName,
        from: String,
        to: String,
    },
}

/// One change inside [`Step::AlterTable`], in the order the clauses are written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TableChange {
    /// The primary key changed: the old one goes first.
    DropPrimaryKey { name: String },
    /// Only the primary key's name changed.
    RenamePrimaryKey { from: String, to: String },
    /// A field is gone.
    DropColumn { column: String },
    /// A field is new.
    AddColumn { column: String },
    /// A field changed.
    AlterColumn {
        column: String,
        changes: Vec<ColumnChange>,
    },
    /// The new primary key.
    AddPrimaryKey { name: String },
}

/// What changed on a column, in the order the sub-clauses are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum ColumnChange {
    /// The default changed or was added.
    SetDefault,
    /// The default is gone.
    DropDefault,
    /// The field became optional.
    DropNotNull,
    /// The field became required.
    SetNotNull,
    /// The type changed.
    SetType,
    /// `autoincrement()` was added.
    AddAutoincrement,
    /// `autoincrement()` was removed.
    DropAutoincrement,
}

/// A step with what makes it destructive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    /// The step.
    pub step: Step,
    /// `-- BREAKING: …` messages (data can be lost, or the step fails on existing rows).
    pub breaking: Vec<String>,
}

/// A diff: the two views and the steps between them.
#[derive(Debug, Clone)]
pub(crate) struct Diff {
    /// The previous side (renames applied).
    pub previous: View,
    /// The next side.
    pub next: View,
    /// Steps in run order.
    pub steps: Vec<Planned>,
}

impl Diff {
    /// Whether there is nothing to do.
    pub(crate) fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Every breaking message, in step order.
    pub(crate) fn breaking(&self) -> Vec<String> {
        self.steps
            .iter()
            .flat_map(|p| p.breaking.iter().cloned())
            .collect()
    }
}

/// Diffs the pair on what Prisma expresses within `scope`.
pub(crate) fn diff(
    pair: Pair<'_>,
    scope: &Scope,
    renames: &[Rename],
    same_default: SameDefault<'_>,
) -> Result<Diff, RenameError> {
    let mut previous = view::view(pair.previous, scope);
    let next = view::view(pair.next, scope);
    let mut steps: Vec<Planned> = Vec::new();
    let mut push = |step: Step, breaking: Vec<String>| steps.push(Planned { step, breaking });
    apply_renames(&mut previous, &next, renames, &mut push)?;

    for s in &next.schemas {
        if !previous.schemas.contains(s) && pair.previous.schema(s).is_none() {
            push(Step::CreateSchema { schema: s.clone() }, vec![]);
        }
    }

    // Enums.
    for (name, values) in &next.enums {
        match previous.enums.get(name) {
            None => push(Step::CreateEnum { name: name.clone() }, vec![]),
            Some(old) if old != values => {
                let added: Vec<String> = values
                    .iter()
                    .filter(|v| !old.contains(v))
                    .cloned()
                    .collect();
                let removed: Vec<String> = old
                    .iter()
                    .filter(|v| !values.contains(v))
                    .cloned()
                    .collect();
                let kept_order = old
                    .iter()
                    .filter(|v| values.contains(v))
                    .eq(values.iter().filter(|v| old.contains(v)));
                if added.is_empty() && removed.is_empty() && kept_order {
                    continue;
                }
                let breaking = if removed.is_empty() {
                    vec![]
                } else {
                    vec![format!(
                        "removes the value(s) {} of enum {name}; rows that still use them make this fail",
                        removed.join(", ")
                    )]
                };
                // A reordering cannot be done with ADD VALUE either: recreate.
                let recreate = !removed.is_empty() || !kept_order;
                push(
                    Step::AlterEnum {
                        name: name.clone(),
                        added,
                        removed,
                        recreate,
                    },
                    breaking,
                );
            }
            Some(_) => {}
        }
    }
    for name in previous.enums.keys() {
        if !next.enums.contains_key(name) {
            push(
                Step::DropEnum { name: name.clone() },
                vec![format!("drops enum {name}")],
            );
        }
    }

    // Columns whose type changes: foreign keys on them (either end) are dropped and added back.
    let mut retyped: BTreeSet<(QualifiedName, String)> = BTreeSet::new();
    for (name, t) in &next.tables {
        if let Some(old) = previous.tables.get(name) {
            for c in &t.columns {
                if old.columns.iter().any(|o| o.name == c.name && o.ty != c.ty) {
                    retyped.insert((name.clone(), c.name.clone()));
                }
            }
        }
    }

    // Tables.
    for (name, t) in &next.tables {
        let Some(old) = previous.tables.get(name) else {
            push(
                Step::CreateTable {
                    table: name.clone(),
                },
                vec![],
            );
            for i in &t.indexes {
                push(
                    Step::CreateIndex {
                        table: name.clone(),
                        name: i.name.clone(),
                    },
                    vec![],
                );
            }
            for f in &t.foreign_keys {
                push(
                    Step::AddForeignKey {
                        table: name.clone(),
                        name: f.name.clone(),
                    },
                    vec![],
                );
            }
            continue;
        };
        diff_table(pair, name, old, t, &retyped, same_default, &mut push);
    }
    for (name, t) in &previous.tables {
        if next.tables.contains_key(name) {
            continue;
        }
        for f in &t.foreign_keys {
            push(
                Step::DropForeignKey {
                    table: name.clone(),
                    name: f.name.clone(),
                },
                vec![],
            );
        }
        push(
            Step::DropTable {
                table: name.clone(),
            },
            vec![format!("drops table {name} and all the data it contains")],
        );
    }
    steps.sort_by(|a, b| a.step.cmp(&b.step));
    Ok(Diff {
        previous,
        next,
        steps,
    })
}

#[cfg(test)]
mod tests;
