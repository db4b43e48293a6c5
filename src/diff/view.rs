//! A catalog the way Prisma sees it: only the schemas the datasource lists, only what a Prisma
//! schema can express, in one shape for both sides of a diff (unique constraints and unique
//! indexes alike are keys; domains are their base types; time types without a precision have
//! precision 6; identity columns are autoincrement columns). What is left out here is never
//! changed by a diff: checks, exclusions, policies, grants, comments, views, sequences as objects,
//! partitions, tables `db pull` cannot name, foreign keys into unlisted schemas.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, FkAction, IndexTarget, QualifiedName, SqlType, Table};

/// What the Prisma schema covers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scope {
    /// The datasource's schemas (`public` when it lists none).
    pub schemas: Vec<String>,
    /// `relationMode = "prisma"`: no foreign keys on either side.
    pub relation_mode_prisma: bool,
    /// The `partialIndexes` preview feature is on: an index's `where:` is part of the schema.
    /// Without it (Prisma 5/6, or a Prisma 7 project that has not turned it on) `db pull` leaves
    /// partial indexes out, so they are out of the diff too.
    pub partial_indexes: bool,
}

/// One side of a diff.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct View {
    /// Schemas that exist (listed ones only).
    pub schemas: BTreeSet<String>,
    /// Tables by schema-qualified name.
    pub tables: BTreeMap<QualifiedName, PTable>,
    /// Enums: labels in order.
    pub enums: BTreeMap<QualifiedName, Vec<String>>,
}

/// A table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PTable {
    /// Columns in order.
    pub columns: Vec<PColumn>,
    /// Primary key: name and columns.
    pub primary_key: Option<(String, Vec<String>)>,
    /// Unique keys and indexes, by name.
    pub indexes: Vec<PIndex>,
    /// Foreign keys, by name.
    pub foreign_keys: Vec<PForeignKey>,
}

/// A column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PColumn {
    /// Name.
    pub name: String,
    /// The type as Prisma sees it.
    pub ty: SqlType,
    /// The type as the catalog has it (what SQL is written with).
    pub raw_ty: SqlType,
    /// `NOT NULL` (never on arrays).
    pub not_null: bool,
    /// Default text (`pg_get_expr` form); `None` for autoincrement columns (see `autoincrement`).
    pub default: Option<String>,
    /// The `nextval(…)` default of an autoincrement column.
    pub nextval: Option<String>,
    /// An autoincrement column (serial `nextval(…)` default or identity).
    pub autoincrement: bool,
    /// Generated or identity: its default is not Prisma's to change.
    pub fixed_default: bool,
}

/// A key or index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PIndex {
    /// Name.
    pub name: String,
    /// Unique.
    pub unique: bool,
    /// Access method.
    pub method: String,
    /// (column, descending, operator class) keys.
    pub keys: Vec<(String, bool, Option<String>)>,
    /// Partial index predicate.
    pub predicate: Option<String>,
    /// A `UNIQUE` constraint rather than an index (dropped with `DROP CONSTRAINT`).
    pub constraint: bool,
}

impl PIndex {
    /// Whether two keys are the same object as Prisma sees it (constraint or index alike).
    pub fn same_shape(&self, other: &PIndex) -> bool {
        self.unique == other.unique
            && self.method == other.method
            && self.keys == other.keys
            && self.predicate == other.predicate
    }
}

/// A foreign key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PForeignKey {
    /// Name.
    pub name: String,
    /// Referencing columns.
    pub columns: Vec<String>,
    /// Referenced table.
    pub references: QualifiedName,
    /// Referenced columns.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE`.
    pub on_delete: FkAction,
    /// `ON UPDATE`.
    pub on_update: FkAction,
}

impl PForeignKey {
    /// Same columns, target and actions.
    pub fn same_shape(&self, other: &PForeignKey) -> bool {
        self.columns == other.columns
            && self.references == other.references
            && self.referenced_columns == other.referenced_columns
            && self.on_delete == other.on_delete
            && self.on_update == other.on_update
    }
}

/// A name `db pull` cannot turn into a Prisma name (no ASCII letter): it comments such objects
/// out, so a Prisma schema never describes them.
fn unnamable(name: &str) -> bool {
    !name.chars().any(|c| c.is_ascii_alphabetic())
}

/// The view of `c` within `scope`.
pub(crate) fn view(c: &Catalog, scope: &Scope) -> View {
    let mut out = View::default();
    let listed = |s: &str| scope.schemas.iter().any(|x| x == s);
    for (sn, s) in &c.schemas {
        if !listed(sn) {
            continue;
        }
        out.schemas.insert(sn.clone());
        for e in s.enums.values() {
            let values = e
                .values
                .iter()
                .filter(|v| v.is_empty() || !unnamable(v))
                .cloned()
                .collect();
            out.enums
                .insert(QualifiedName::new(sn.clone(), e.name.clone()), values);
        }
        for t in s.tables.values() {
            if t.is_partition || unnamable(&t.name) || t.columns.is_empty() {
                continue;
            }
            let table_ok = |q: &QualifiedName| {
                listed(&q.schema)
                    && c.table(&q.schema, &q.name)
                        .is_some_and(|t| !t.is_partition && !unnamable(&t.name))
            };
            let p = table(c, t, scope, &table_ok);
            out.tables
                .insert(QualifiedName::new(sn.clone(), t.name.clone()), p);
        }
    }
    out
}

fn table(
    c: &Catalog,
    t: &Table,
    scope: &Scope,
    table_ok: &dyn Fn(&QualifiedName) -> bool,
) -> PTable {
    let mut out = PTable::default();
    for col in t.columns.iter().filter(|c| !unnamable(&c.name)) {
        let (ty, domain_not_null) = prisma_type(c, &col.ty);
        let nextval = col
            .default
            .as_deref()
            .is_some_and(|d| d.starts_with("nextval("));
        let autoincrement = col.identity.is_some() || nextval;
        let default = match (&col.generated, &col.default) {
            (Some(g), _) => Some(g.clone()),
            (None, Some(d)) if d.trim().starts_with("NULL") => None,
            (None, _) if autoincrement => None,
            (None, d) => d.clone(),
        };
        out.columns.push(PColumn {
            name: col.name.clone(),
            not_null: (col.not_null || domain_not_null) && !ty.is_array(),
            ty,
            raw_ty: col.ty.clone(),
            default,
            autoincrement,
            nextval: col.default.clone().filter(|_| nextval),
            fixed_default: col.generated.is_some() || col.identity.is_some(),
        });
    }
    out.primary_key = t
        .primary_key
        .as_ref()
        .map(|p| (p.name.clone(), p.columns.clone()));
    for u in t.uniques.iter().filter(|u| !u.columns.is_empty()) {
        let keys = u.columns.iter().chain(&u.include);
        out.indexes.push(PIndex {
            name: u.name.clone(),
            unique: true,
            method: "btree".into(),
            keys: keys.map(|c| (c.clone(), false, None)).collect(),
            predicate: None,
            constraint: true,
        });
    }
    for i in &t.indexes {
        if i.keys
            .iter()
            .any(|k| matches!(k.target, IndexTarget::Expression(_)))
            || (i.predicate.is_some() && !scope.partial_indexes)
        {
            continue;
        }
        let method = match i.method.as_str() {
            m @ ("btree" | "hash" | "gist" | "gin" | "spgist" | "brin") => m.to_string(),
            _ => "btree".to_string(),
        };
        let with_ops = matches!(method.as_str(), "gist" | "gin" | "spgist" | "brin");
        let mut keys: Vec<_> = i
            .keys
            .iter()
            .map(|k| {
                let IndexTarget::Column(col) = &k.target else {
                    unreachable!("expression indexes are skipped above")
                };
                (
                    col.clone(),
                    k.descending,
                    k.opclass.clone().filter(|_| with_ops),
                )
            })
            .collect();
        keys.extend(i.include.iter().map(|c| (c.clone(), false, None)));
        out.indexes.push(PIndex {
            name: i.name.clone(),
            unique: i.unique,
            method,
            keys,
            predicate: i.predicate.clone(),
            constraint: false,
        });
    }
    join_table_key(&t.name, &mut out);
    drop_unrendered_uniques(&mut out);
    out.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    if !scope.relation_mode_prisma {
        let mut seen: Vec<(Vec<String>, QualifiedName, Vec<String>)> = Vec::new();
        for f in &t.foreign_keys {
            if !table_ok(&f.references) {
                continue;
            }
            let shape = (
                f.columns.clone(),
                f.references.clone(),
                f.referenced_columns.clone(),
            );
            if seen.contains(&shape) {
                continue;
            }
            seen.push(shape);
            out.foreign_keys.push(PForeignKey {
                name: f.name.clone(),
                columns: f.columns.clone(),
                references: f.references.clone(),
                referenced_columns: f.referenced_columns.clone(),
                on_delete: f.on_delete,
                on_update: f.on_update,
            });
        }
        out.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
    }
    out
}

/// An implicit many-to-many join table made by Prisma before version 5 is keyed by a unique
/// index `_{name}_AB_unique` where Prisma now creates the primary key `_{name}_AB_pkey`; db pull
/// shows both the same way, so the index stands for the key. Its index on `B` is named as
/// Prisma names it.
fn join_table_key(name: &str, t: &mut PTable) {
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    if !name.starts_with('_') || names != ["A", "B"] {
        return;
    }
    let ab = |i: &PIndex| {
        i.unique
            && i.predicate.is_none()
            && i.keys.iter().map(|k| k.0.as_str()).collect::<Vec<_>>() == ["A", "B"]
    };
    if t.primary_key.is_none() {
        if let Some(pos) = t.indexes.iter().position(ab) {
            t.indexes.remove(pos);
            t.primary_key = Some((format!("{name}_AB_pkey"), vec!["A".into(), "B".into()]));
        }
    }
    // The index on `B` has a name Prisma's schema cannot show (`db pull` leaves the join table
    // implicit): a history's `_{name}_B_idx` (what `CREATE INDEX ON … ("B")` is called) is the
    // `_{name}_B_index` Prisma creates.
    for i in &mut t.indexes {
        let plain = !i.unique && i.predicate.is_none() && i.method == "btree";
        if plain && i.keys.len() == 1 && i.keys[0].0 == "B" && !i.keys[0].1 {
            i.name = format!("{name}_B_index");
        }
    }
}

/// db pull renders one `@unique` per column: of several single-column unique keys on one column,
/// the first by name is the one Prisma describes.
fn drop_unrendered_uniques(t: &mut PTable) {
    let mut all: Vec<(String, String)> = t
        .indexes
        .iter()
        .filter(|i| i.unique && i.keys.len() == 1 && (i.constraint || i.predicate.is_none()))
        .filter(|i| i.constraint || (!i.keys[0].1 && i.method == "btree"))
        .map(|i| (i.name.clone(), i.keys[0].0.clone()))
        .collect();
    all.sort();
    let mut seen = BTreeSet::new();
    let dropped: Vec<String> = all
        .into_iter()
        .filter(|(_, col)| !seen.insert(col.clone()))
        .map(|(n, _)| n)
        .collect();
    t.indexes.retain(|i| !dropped.contains(&i.name));
}

/// A type as Prisma sees it: domains resolved (and whether one is `NOT NULL`), one array
/// dimension at most, no modifiers on types Prisma does not support, a time type without
/// precision as precision 6, `bpchar` without length and `"char"` as `char(1)`.
pub(crate) fn prisma_type(c: &Catalog, ty: &SqlType) -> (SqlType, bool) {
    let mut ty = ty.clone();
    let mut not_null = false;
    for _ in 0..16 {
        let Some((base, domain_not_null)) = crate::pg::builtin::extensions::domain_base(c, &ty)
        else {
            break;
        };
        not_null |= domain_not_null;
        let dims = ty.array_dims;
        ty = base;
        ty.array_dims = ty.array_dims.max(dims);
    }
    ty.array_dims = ty.array_dims.min(1);
    let is_enum = c.enum_type(&ty.schema, &ty.name).is_some();
    let builtin = ty.schema == "pg_catalog";
    let known = builtin
        && matches!(
            ty.name.as_str(),
            "int2"
                | "int4"
                | "int8"
                | "oid"
                | "float4"
                | "float8"
                | "numeric"
                | "money"
                | "bool"
                | "text"
                | "varchar"
                | "bpchar"
                | "char"
                | "xml"
                | "inet"
                | "bit"
                | "varbit"
                | "uuid"
                | "date"
                | "time"
                | "timetz"
                | "timestamp"
                | "timestamptz"
                | "json"
                | "jsonb"
                | "bytea"
        );
    if !is_enum && !known && ty.name != "citext" {
        ty.modifiers.clear();
    } else if builtin
        && matches!(
            ty.name.as_str(),
            "time" | "timetz" | "timestamp" | "timestamptz"
        )
        && ty.modifiers.is_empty()
        && !ty.is_array()
    {
        ty.modifiers = vec![6];
    } else if builtin && (ty.name == "char" || (ty.name == "bpchar" && ty.modifiers.is_empty())) {
        ty = SqlType::builtin("bpchar")
            .with_modifiers(vec![1])
            .with_array_dims(ty.array_dims);
    }
    (ty, not_null)
}
