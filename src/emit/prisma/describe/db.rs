//! The database as Prisma's schema describer sees it: tables, columns, indexes, foreign keys,
//! enums and views.

use crate::catalog::FkAction;
use crate::emit::prisma::defaults::DbDefault;

use super::*;

/// A native type (`@db.X(args)`), with whether it is the default for its scalar type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Native {
    /// `VarChar`, `Timestamptz`…
    pub name: &'static str,
    /// Arguments (`255`, or `10`, `2`).
    pub args: Vec<String>,
    /// Prisma would not print it (`Integer` for `Int`, `Timestamp(3)` for `DateTime`…).
    pub is_default: bool,
}

/// Column arity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColArity {
    /// NOT NULL.
    Required,
    /// Nullable.
    Nullable,
    /// An array (nullability is dropped).
    List,
}

/// A column.
#[derive(Debug, Clone)]
pub struct Col {
    /// Column name.
    pub name: String,
    /// Type family.
    pub family: Family,
    /// Native type.
    pub native: Option<Native>,
    /// Arity.
    pub arity: ColArity,
    /// Parsed default (generated columns included, as the engine reads `pg_attrdef`).
    pub default: Option<DbDefault>,
    /// Identity column or `nextval` default.
    pub auto_increment: bool,
    /// `COMMENT ON COLUMN`.
    pub description: Option<String>,
}

impl Col {
    /// NOT NULL (lists are never required in this sense).
    pub fn is_required(&self) -> bool {
        self.arity == ColArity::Required
    }
}

/// Index kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// The primary key.
    Primary,
    /// A unique constraint or unique index.
    Unique,
    /// A plain index.
    Normal,
}

/// Operator class of an index column, when not the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ops {
    /// A class Prisma knows (`JsonbPathOps`).
    Managed(&'static str),
    /// Any other (`raw("gin_trgm_ops")`).
    Raw(String),
}

/// A column of an index.
#[derive(Debug, Clone)]
pub struct IndexCol {
    /// Index into the table's columns.
    pub column: usize,
    /// `DESC`.
    pub desc: bool,
    /// Non-default NULLS position (only tracked for B-tree, non-primary indexes).
    pub non_default_nulls: bool,
    /// Non-default operator class (only for GiST, GIN, SP-GiST and BRIN).
    pub ops: Option<Ops>,
}

/// An index (primary key, unique, or plain).
#[derive(Debug, Clone)]
pub struct Idx {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: IndexKind,
    /// Columns.
    pub columns: Vec<IndexCol>,
    /// `Hash`, `Gist`, `Gin`, `SpGist`, `Brin`; `None` for B-tree.
    pub algorithm: Option<&'static str>,
    /// Partial index predicate.
    pub predicate: Option<String>,
    /// Deferrable constraint.
    pub deferrable: bool,
}

/// A foreign key between two introspected tables.
#[derive(Debug, Clone)]
pub struct Fk {
    /// Constraint name.
    pub name: String,
    /// Referencing columns (indexes into the table's columns).
    pub columns: Vec<usize>,
    /// Referenced table (index into [`Db::tables`]).
    pub referenced_table: usize,
    /// Referenced columns (indexes into the referenced table's columns).
    pub referenced_columns: Vec<usize>,
    /// `ON DELETE`.
    pub on_delete: FkAction,
    /// `ON UPDATE`.
    pub on_update: FkAction,
    /// Deferrable.
    pub deferrable: bool,
}

/// A table.
#[derive(Debug, Clone)]
pub struct Tbl {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Col>,
    /// Indexes by name (primary key included).
    pub indexes: Vec<Idx>,
    /// Names of expression indexes.
    pub expression_indexes: Vec<String>,
    /// Foreign keys by name.
    pub fks: Vec<Fk>,
    /// Check constraint names.
    pub checks: Vec<String>,
    /// Exclusion constraint names.
    pub exclusions: Vec<String>,
    /// A partitioned table that has partitions.
    pub is_partition: bool,
    /// A table other tables inherit from.
    pub has_subclass: bool,
    /// Row level security enabled.
    pub rls: bool,
    /// `COMMENT ON TABLE`.
    pub description: Option<String>,
}

impl Tbl {
    /// The column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The primary key.
    pub fn primary_key(&self) -> Option<&Idx> {
        self.indexes.iter().find(|i| i.kind == IndexKind::Primary)
    }
}

/// An enum type.
#[derive(Debug, Clone)]
pub struct DbEnum {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Values in sort order.
    pub values: Vec<String>,
    /// `COMMENT ON TYPE`.
    pub description: Option<String>,
}

/// A view (not materialized).
#[derive(Debug, Clone)]
pub struct DbView {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Columns (always nullable).
    pub columns: Vec<Col>,
    /// `COMMENT ON VIEW`.
    pub description: Option<String>,
}

/// A foreign key that points outside the introspected schemas (the engine refuses these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossSchemaReference {
    /// `schema.table` of the referencing table.
    pub from: String,
    /// `schema.table` of the referenced table.
    pub to: String,
    /// Constraint name.
    pub constraint: String,
    /// The schema that is not introspected.
    pub missing_namespace: String,
}

/// The described database.
#[derive(Debug, Clone, Default)]
pub struct Db {
    /// Introspected schemas that exist, sorted.
    pub namespaces: Vec<String>,
    /// Tables ordered by (schema, name).
    pub tables: Vec<Tbl>,
    /// Enums ordered by (schema, name).
    pub enums: Vec<DbEnum>,
    /// Views in the order of their `pg_class` rows, as the engine reads them (see
    /// [`crate::catalog::View::row_order`]); by (schema, name) where that order is not known.
    pub views: Vec<DbView>,
    /// Foreign keys left out because they leave the introspected schemas.
    pub cross_schema: Vec<CrossSchemaReference>,
    /// Types of installed extensions that live in an introspected schema `(schema, name)`:
    /// the engine knows them by name, so an array of one is `Unsupported("ltree")[]` where an
    /// array of any other type it does not support is named as information_schema names it
    /// (`Unsupported("_int4range")[]`, `Unsupported("_hstore")[]` for hstore in `extensions`).
    pub extension_types: std::collections::BTreeSet<(String, String)>,
}

impl Db {
    /// The table `schema.name` (schema optional: then the first with that name).
    pub fn find_table(&self, name: &str, schema: Option<&str>) -> Option<usize> {
        self.tables
            .iter()
            .position(|t| t.name == name && schema.is_none_or(|s| s == t.schema))
    }

    /// The view `schema.name`.
    pub fn find_view(&self, name: &str, schema: Option<&str>) -> Option<usize> {
        self.views
            .iter()
            .position(|t| t.name == name && schema.is_none_or(|s| s == t.schema))
    }

    /// The enum `schema.name`.
    pub fn find_enum(&self, name: &str, schema: Option<&str>) -> Option<usize> {
        self.enums
            .iter()
            .position(|t| t.name == name && schema.is_none_or(|s| s == t.schema))
    }
}
