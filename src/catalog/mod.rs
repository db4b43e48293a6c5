//! The schema catalog: the intermediate representation every schemagen pipeline goes through.
//!
//! A [`Catalog`] describes a PostgreSQL database the way `pg_catalog` does after Postgres has
//! normalised what the migrations said: names are folded, defaults are in the text form
//! `pg_get_expr` prints, and every constraint and index carries the name Postgres gave it.
//! It is built by replaying migrations ([`crate::sql::replay`]) or by reading a live database
//! ([`crate::db`]), and rendered by the output modules.
//!
//! Every collection is ordered (`BTreeMap` keyed by name, or a `Vec` in the order Postgres keeps),
//! so that the same inputs always give the same catalog, and its JSON form is stable.
//! Map keys sort by bytes, which is the order Postgres's `name` type sorts in (C collation).

mod constraints;
mod ident;
mod names;
mod objects;
pub mod provenance;
mod types;

pub use constraints::{
    CheckConstraint, Deferrable, ExclusionConstraint, FkAction, ForeignKey, Index, IndexKey,
    IndexTarget, MatchType, PrimaryKey, QualifiedName, UniqueConstraint,
};
pub use objects::{CompositeType, Domain, EnumType, Extension, Policy, RangeType, Sequence, View};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use ident::{is_quoted_keyword, quote_ident, quote_literal};
pub use names::{
    choose_constraint_name, choose_relation_name, make_object_name, name_addition,
    truncate_identifier, NAMEDATALEN,
};
pub use provenance::{ObjectKey, ObjectKind, Place, Provenance, Touches};
pub use types::SqlType;

/// A whole database: its schemas and the extensions installed in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Schemas by name.
    pub schemas: BTreeMap<String, Schema>,
    /// Installed extensions by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extensions: BTreeMap<String, Extension>,
    /// Where each object was created and last changed, when the replay recorded it. Not part
    /// of the catalog's value: never serialised, and equal in any two catalogs.
    #[serde(skip)]
    pub provenance: Provenance,
}

/// One schema (namespace) and the objects in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    /// Schema name, as stored (folded when it was written unquoted).
    pub name: String,
    /// Ordinary and partitioned tables by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, Table>,
    /// Views and materialized views by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub views: BTreeMap<String, View>,
    /// Enum types by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub enums: BTreeMap<String, EnumType>,
    /// Sequences by name (including the ones behind serial and identity columns).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sequences: BTreeMap<String, Sequence>,
    /// Composite types (`CREATE TYPE t AS (…)`) by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub composites: BTreeMap<String, CompositeType>,
    /// Domains by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub domains: BTreeMap<String, Domain>,
    /// Range types (`CREATE TYPE r AS RANGE (…)`) by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ranges: BTreeMap<String, RangeType>,
    /// Multirange types by name, each with the range type it belongs to (PostgreSQL creates one
    /// with every range type, in the range's schema unless `MULTIRANGE_TYPE_NAME` names another;
    /// it stays where it is when the range moves).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub multiranges: BTreeMap<String, QualifiedName>,
    /// Names of functions and procedures defined in the schema (overloads collapse).
    #[serde(default, skip_serializing_if = "std::collections::BTreeSet::is_empty")]
    pub functions: std::collections::BTreeSet<String>,
    /// `COMMENT ON SCHEMA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A table (`relkind` `r` or `p`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// Columns in `attnum` order (dropped columns removed).
    pub columns: Vec<Column>,
    /// The primary key constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_key: Option<PrimaryKey>,
    /// UNIQUE constraints, by name order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uniques: Vec<UniqueConstraint>,
    /// FOREIGN KEY constraints, by name order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub foreign_keys: Vec<ForeignKey>,
    /// CHECK constraints (table and column level, not NOT NULL), by name order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckConstraint>,
    /// EXCLUDE constraints, by name order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<ExclusionConstraint>,
    /// Indexes that do not back a constraint (`CREATE [UNIQUE] INDEX`), by name order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// `ENABLE ROW LEVEL SECURITY`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rls_enabled: bool,
    /// `FORCE ROW LEVEL SECURITY`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub rls_forced: bool,
    /// Row-level security policies, by name order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<Policy>,
    /// `PARTITION BY …` clause for a partitioned table (`relkind = 'p'`), without the keywords,
    /// as `pg_get_partkeydef` prints it (`RANGE (inserted_at)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition_by: Option<String>,
    /// Parent tables (`INHERITS`, or the partitioned parent of a partition), schema-qualified.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inherits: Vec<QualifiedName>,
    /// Whether this table is a partition of another one.
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_partition: bool,
    /// `COMMENT ON TABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A column of a table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Column type with modifiers and array dimensions.
    #[serde(rename = "type")]
    pub ty: SqlType,
    /// `NOT NULL` (also implied by a primary key).
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    /// The default expression as `pg_get_expr` prints it (`'x'::text`, `now()`,
    /// `nextval('t_id_seq'::regclass)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `GENERATED … AS IDENTITY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED`, the expression as `pg_get_expr` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated: Option<String>,
    /// Explicit collation (`COLLATE "C"`), when not the type's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// `COMMENT ON COLUMN`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Identity column kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    /// `GENERATED ALWAYS AS IDENTITY`.
    Always,
    /// `GENERATED BY DEFAULT AS IDENTITY`.
    ByDefault,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_true(b: &bool) -> bool {
    *b
}

fn yes() -> bool {
    true
}

impl Catalog {
    /// The schema called `name`, if present.
    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas.get(name)
    }

    /// A table by schema and name.
    pub fn table(&self, schema: &str, name: &str) -> Option<&Table> {
        self.schemas.get(schema)?.tables.get(name)
    }

    /// A mutable table by schema and name.
    pub fn table_mut(&mut self, schema: &str, name: &str) -> Option<&mut Table> {
        self.schemas.get_mut(schema)?.tables.get_mut(name)
    }

    /// A view (or materialized view) by schema and name, mutably.
    pub fn view_mut(&mut self, schema: &str, name: &str) -> Option<&mut View> {
        self.schemas.get_mut(schema)?.views.get_mut(name)
    }

    /// An enum type by schema and name.
    pub fn enum_type(&self, schema: &str, name: &str) -> Option<&EnumType> {
        self.schemas.get(schema)?.enums.get(name)
    }

    /// Number of tables across all schemas.
    pub fn table_count(&self) -> usize {
        self.schemas.values().map(|s| s.tables.len()).sum()
    }

    /// Keeps only the named schemas (and extensions); used to compare a part of two catalogs.
    pub fn retain_schemas(&mut self, keep: &dyn Fn(&str) -> bool) {
        self.schemas.retain(|name, _| keep(name));
    }

    /// The catalog as pretty JSON (the documented, stable `inspect --format json` form).
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("catalog serialises");
        s.push('\n');
        s
    }
}

impl Schema {
    /// A new empty schema.
    pub fn new(name: impl Into<String>) -> Self {
        Schema {
            name: name.into(),
            ..Default::default()
        }
    }

    /// A copy without its tables, views, enums and sequences (what a Prisma schema describing
    /// this schema says anew).
    pub fn without_relations(&self) -> Self {
        let Schema {
            name,
            tables: _,
            views: _,
            enums: _,
            sequences: _,
            composites,
            domains,
            ranges,
            multiranges,
            functions,
            comment,
        } = self;
        Schema {
            name: name.clone(),
            composites: composites.clone(),
            domains: domains.clone(),
            ranges: ranges.clone(),
            multiranges: multiranges.clone(),
            functions: functions.clone(),
            comment: comment.clone(),
            ..Default::default()
        }
    }

    /// Whether a relation (table, view, sequence, index, composite type) called `name` exists:
    /// these share one namespace in `pg_class`.
    pub fn has_relation(&self, name: &str) -> bool {
        self.tables.contains_key(name)
            || self.views.contains_key(name)
            || self.sequences.contains_key(name)
            || self.composites.contains_key(name)
            || self.index_owner(name).is_some()
    }

    /// Whether a type called `name` exists (every relation has a row type too).
    pub fn has_type(&self, name: &str) -> bool {
        self.enums.contains_key(name)
            || self.domains.contains_key(name)
            || self.composites.contains_key(name)
            || self.ranges.contains_key(name)
            || self.multiranges.contains_key(name)
            || self.tables.contains_key(name)
            || self.views.contains_key(name)
    }

    /// The table that owns index (or constraint-backing index) `name`.
    pub fn index_owner(&self, name: &str) -> Option<&str> {
        for t in self.tables.values() {
            if t.indexes.iter().any(|i| i.name == name)
                || t.primary_key.as_ref().is_some_and(|p| p.name == name)
                || t.uniques.iter().any(|u| u.name == name)
                || t.exclusions.iter().any(|u| u.name == name)
            {
                return Some(&t.name);
            }
        }
        for v in self.views.values() {
            if v.indexes.iter().any(|i| i.name == name) {
                return Some(&v.name);
            }
        }
        None
    }

    /// Whether a constraint called `name` exists on any table of the schema.
    pub fn has_constraint(&self, name: &str) -> bool {
        self.tables.values().any(|t| t.has_constraint(name))
    }
}

impl Table {
    /// A new table with no columns.
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            name: name.into(),
            ..Default::default()
        }
    }

    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The mutable column called `name`.
    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Whether a constraint (of any kind) called `name` exists on this table.
    pub fn has_constraint(&self, name: &str) -> bool {
        self.primary_key.as_ref().is_some_and(|p| p.name == name)
            || self.uniques.iter().any(|c| c.name == name)
            || self.foreign_keys.iter().any(|c| c.name == name)
            || self.checks.iter().any(|c| c.name == name)
            || self.exclusions.iter().any(|c| c.name == name)
    }

    /// Sorts constraints, indexes and policies by name, the order the live reader gives.
    pub fn sort(&mut self) {
        self.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
        self.exclusions.sort_by(|a, b| a.name.cmp(&b.name));
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.policies.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

impl Catalog {
    /// Sorts every table's constraint, index and policy lists by name.
    pub fn sort(&mut self) {
        for s in self.schemas.values_mut() {
            for t in s.tables.values_mut() {
                t.sort();
            }
            for v in s.views.values_mut() {
                v.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            }
            for d in s.domains.values_mut() {
                d.checks.sort_by(|a, b| a.name.cmp(&b.name));
            }
        }
    }
}
