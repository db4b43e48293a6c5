//! The objects of a schema besides tables: policies, enum types, views, sequences, composite
//! types, domains and extensions.

use serde::{Deserialize, Serialize};

use super::*;

/// A row-level security policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// Policy name.
    pub name: String,
    /// `PERMISSIVE` (true, the default) or `RESTRICTIVE`.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub permissive: bool,
    /// `FOR ALL | SELECT | INSERT | UPDATE | DELETE`, lower case.
    pub command: String,
    /// Roles the policy applies to (`public` when none were given), sorted.
    pub roles: Vec<String>,
    /// `USING (…)` expression as `pg_get_expr` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub using: Option<String>,
    /// `WITH CHECK (…)` expression as `pg_get_expr` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with_check: Option<String>,
}

/// An enum type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumType {
    /// Type name.
    pub name: String,
    /// Labels in sort order.
    pub values: Vec<String>,
    /// `COMMENT ON TYPE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A view or materialized view. Two views are equal whatever their
/// [`row_order`](View::row_order): it is where a row stands, not what the view is.
#[derive(Debug, Clone, Default, Eq, Serialize, Deserialize)]
pub struct View {
    /// View name.
    pub name: String,
    /// `MATERIALIZED`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub materialized: bool,
    /// The query. From a live database: `pg_get_viewdef`; from replay: the query as written.
    pub definition: String,
    /// Output columns, when known (always from a live database).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<Column>,
    /// Indexes (materialized views only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<Index>,
    /// `security_invoker` and other reloptions, `key=value`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// `COMMENT ON VIEW`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Where the view's `pg_class` row stands among the others (0: not known). `db pull` lists
    /// views in that order, and every write to the row (`CREATE OR REPLACE`, a rename, a new
    /// schema or owner, `ALTER VIEW … SET (…)`, `GRANT`/`REVOKE`, a first trigger) puts the row
    /// after the others. Only the order of the numbers means something.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub row_order: u64,
}

impl PartialEq for View {
    fn eq(&self, o: &View) -> bool {
        let View {
            name,
            materialized,
            definition,
            columns,
            indexes,
            options,
            comment,
            row_order: _,
        } = self;
        *name == o.name
            && *materialized == o.materialized
            && *definition == o.definition
            && *columns == o.columns
            && *indexes == o.indexes
            && *options == o.options
            && *comment == o.comment
    }
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

/// A sequence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sequence {
    /// Sequence name.
    pub name: String,
    /// `AS smallint | integer | bigint` (format_type spelling).
    pub data_type: String,
    /// `START WITH`.
    pub start: i64,
    /// `INCREMENT BY`.
    pub increment: i64,
    /// `MINVALUE`.
    pub min_value: i64,
    /// `MAXVALUE`.
    pub max_value: i64,
    /// `CACHE`.
    pub cache: i64,
    /// `CYCLE`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub cycle: bool,
    /// `OWNED BY table.column` (also set for serial and identity sequences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<(String, String)>,
}

/// A composite type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompositeType {
    /// Type name.
    pub name: String,
    /// Attributes in order.
    pub attributes: Vec<(String, SqlType)>,
}

/// A range type (`CREATE TYPE r AS RANGE (SUBTYPE = …)`); its multirange type is in
/// [`crate::catalog::Schema::multiranges`] of the schema it was created in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeType {
    /// Type name.
    pub name: String,
    /// The element type of the range (`rngsubtype`).
    pub subtype: SqlType,
}

/// A domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    /// Domain name.
    pub name: String,
    /// The underlying type.
    pub base: SqlType,
    /// `NOT NULL`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub not_null: bool,
    /// Default expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// `CHECK` constraints (`VALUE > 0`), by name order; the expression as for tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckConstraint>,
}

/// An installed extension.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// Extension name.
    pub name: String,
    /// Schema its objects live in.
    pub schema: String,
}
