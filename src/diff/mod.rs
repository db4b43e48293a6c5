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
pub(crate) mod view;

use std::collections::BTreeSet;

use crate::catalog::{Catalog, QualifiedName, SqlType};

pub(crate) use view::{PColumn, PForeignKey, PIndex, PTable, Scope, View};

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

/// A rename names something that is not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RenameError(pub String);

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

fn apply_renames(
    previous: &mut View,
    next: &View,
    renames: &[Rename],
    push: &mut dyn FnMut(Step, Vec<String>),
) -> Result<(), RenameError> {
    for r in renames.iter().filter(|r| r.table.is_none()) {
        let found = previous
            .tables
            .keys()
            .find(|q| {
                q.name == r.from
                    && next
                        .tables
                        .contains_key(&QualifiedName::new(q.schema.clone(), r.to.clone()))
            })
            .cloned();
        let Some(from) = found else {
            return Err(RenameError(format!(
                "--rename {}={}: no table `{}` in the migrations whose new name `{}` is in the schema",
                r.from, r.to, r.from, r.to
            )));
        };
        let to = QualifiedName::new(from.schema.clone(), r.to.clone());
        if previous.tables.contains_key(&to) {
            return Err(RenameError(format!(
                "--rename {}={}: table `{}` already exists",
                r.from, r.to, r.to
            )));
        }
        if let Some(mut t) = previous.tables.remove(&from) {
            // Foreign keys pointing at the table follow it.
            for other in previous.tables.values_mut().chain(std::iter::once(&mut t)) {
                for f in &mut other.foreign_keys {
                    if f.references == from {
                        f.references = to.clone();
                    }
                }
            }
            previous.tables.insert(to.clone(), t);
        }
        push(
            Step::RenameTable {
                from,
                to: r.to.clone(),
            },
            vec![],
        );
    }
    for r in renames {
        let Some(table) = &r.table else { continue };
        let found = previous
            .tables
            .keys()
            .find(|q| &q.name == table && next.tables.contains_key(*q))
            .cloned();
        let Some(q) = found else {
            return Err(RenameError(format!(
                "--rename {table}.{}={}: no table `{table}` on both sides",
                r.from, r.to
            )));
        };
        let in_next = next.tables[&q].columns.iter().any(|c| c.name == r.to);
        let t = previous.tables.get_mut(&q).expect("found above");
        if !in_next || t.columns.iter().any(|c| c.name == r.to) {
            return Err(RenameError(format!(
                "--rename {table}.{}={}: `{}` must be a field of the schema and not a column of the migrations",
                r.from, r.to, r.to
            )));
        }
        let Some(col) = t.columns.iter_mut().find(|c| c.name == r.from) else {
            return Err(RenameError(format!(
                "--rename {table}.{}={}: no column `{}` in table `{table}`",
                r.from, r.to, r.from
            )));
        };
        col.name = r.to.clone();
        let rename = |c: &mut String| {
            if *c == r.from {
                *c = r.to.clone()
            }
        };
        if let Some((_, cols)) = &mut t.primary_key {
            cols.iter_mut().for_each(rename);
        }
        for i in &mut t.indexes {
            i.keys.iter_mut().for_each(|k| rename(&mut k.0));
        }
        for f in &mut t.foreign_keys {
            f.columns.iter_mut().for_each(rename);
        }
        for other in previous.tables.iter_mut() {
            for f in &mut other.1.foreign_keys {
                if f.references == q {
                    f.referenced_columns.iter_mut().for_each(rename);
                }
            }
        }
        push(
            Step::RenameColumn {
                table: q,
                from: r.from.clone(),
                to: r.to.clone(),
            },
            vec![],
        );
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn diff_table(
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
fn widening(prev: &Catalog, next: &Catalog, from: &SqlType, to: &SqlType) -> bool {
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

#[cfg(test)]
mod tests;
