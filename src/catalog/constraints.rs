//! Keys, constraints and indexes of a table.

use serde::{Deserialize, Serialize};

use super::*;

/// Deferrability of a constraint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Deferrable {
    /// `NOT DEFERRABLE` (Postgres's default).
    #[default]
    NotDeferrable,
    /// `DEFERRABLE INITIALLY IMMEDIATE`.
    InitiallyImmediate,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    InitiallyDeferred,
}

impl Deferrable {
    /// Whether this is Postgres's default, `NOT DEFERRABLE`.
    pub fn is_default(&self) -> bool {
        *self == Deferrable::NotDeferrable
    }
}

/// A `PRIMARY KEY` constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryKey {
    /// Constraint (and index) name.
    pub name: String,
    /// Key columns in order.
    pub columns: Vec<String>,
    /// `INCLUDE (…)` columns of the backing index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Deferrability.
    #[serde(default, skip_serializing_if = "Deferrable::is_default")]
    pub deferrable: Deferrable,
}

/// A `UNIQUE` constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueConstraint {
    /// Constraint (and index) name.
    pub name: String,
    /// Key columns in order.
    pub columns: Vec<String>,
    /// `INCLUDE (…)` columns of the backing index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// `NULLS NOT DISTINCT`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// Deferrability.
    #[serde(default, skip_serializing_if = "Deferrable::is_default")]
    pub deferrable: Deferrable,
}

/// Referential action of a foreign key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FkAction {
    /// `NO ACTION` (Postgres's default).
    #[default]
    NoAction,
    /// `RESTRICT`.
    Restrict,
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// Whether this is `NO ACTION`.
    pub fn is_default(&self) -> bool {
        *self == FkAction::NoAction
    }
    /// The SQL spelling (`NO ACTION`, `CASCADE`, …).
    pub fn sql(&self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A schema-qualified object name.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    /// Schema name.
    pub schema: String,
    /// Object name.
    pub name: String,
}

impl QualifiedName {
    /// Builds a qualified name.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> Self {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}.{}",
            ident::quote_ident(&self.schema),
            ident::quote_ident(&self.name)
        )
    }
}

/// `MATCH` type of a foreign key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchType {
    /// `MATCH SIMPLE` (default).
    #[default]
    Simple,
    /// `MATCH FULL`.
    Full,
    /// `MATCH PARTIAL`.
    Partial,
}

impl MatchType {
    /// Whether this is `MATCH SIMPLE`.
    pub fn is_default(&self) -> bool {
        *self == MatchType::Simple
    }
}

/// A `FOREIGN KEY` constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    /// Constraint name.
    pub name: String,
    /// Referencing columns in order.
    pub columns: Vec<String>,
    /// Referenced table.
    pub references: QualifiedName,
    /// Referenced columns, in the order matching `columns`.
    pub referenced_columns: Vec<String>,
    /// `ON DELETE` action.
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_delete: FkAction,
    /// The columns `ON DELETE SET NULL (…)` / `SET DEFAULT (…)` sets (PostgreSQL 15), in the
    /// order written; empty when the action sets all referencing columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_delete_columns: Vec<String>,
    /// `ON UPDATE` action.
    #[serde(default, skip_serializing_if = "FkAction::is_default")]
    pub on_update: FkAction,
    /// `MATCH` type.
    #[serde(default, skip_serializing_if = "MatchType::is_default")]
    pub match_type: MatchType,
    /// Deferrability.
    #[serde(default, skip_serializing_if = "Deferrable::is_default")]
    pub deferrable: Deferrable,
    /// False while the constraint is `NOT VALID` and not yet validated.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub validated: bool,
}

/// A `CHECK` constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckConstraint {
    /// Constraint name.
    pub name: String,
    /// The boolean expression, as `pg_get_constraintdef` prints it inside `CHECK (…)`.
    pub expression: String,
    /// False while the constraint is `NOT VALID` and not yet validated.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub validated: bool,
    /// `NO INHERIT`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_inherit: bool,
}

/// An `EXCLUDE` constraint, kept as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExclusionConstraint {
    /// Constraint name.
    pub name: String,
    /// Definition as `pg_get_constraintdef` prints it (`EXCLUDE USING gist (…)`).
    pub definition: String,
}

/// An index that does not back a constraint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// `UNIQUE`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    /// Access method (`btree`, `hash`, `gin`, `gist`, `spgist`, `brin`, …).
    pub method: String,
    /// Key columns or expressions, in order.
    pub keys: Vec<IndexKey>,
    /// `INCLUDE (…)` columns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// Partial index predicate (`WHERE …`) as `pg_get_expr` prints it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicate: Option<String>,
    /// `NULLS NOT DISTINCT`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_not_distinct: bool,
    /// `COMMENT ON INDEX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// One key of an index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexKey {
    /// A plain column, or an expression as `pg_get_indexdef` prints it.
    #[serde(flatten)]
    pub target: IndexTarget,
    /// Non-default operator class (`jsonb_path_ops`, `gin_trgm_ops`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opclass: Option<String>,
    /// Explicit collation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collation: Option<String>,
    /// `DESC`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub descending: bool,
    /// Whether NULLs sort first; defaults to `descending` as in Postgres.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nulls_first: bool,
}

impl IndexKey {
    /// Whether the NULLS order is not the default for the direction.
    pub fn has_non_default_nulls_order(&self) -> bool {
        self.nulls_first != self.descending
    }
}

/// What an index key indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexTarget {
    /// A column by name.
    Column(String),
    /// An expression, as `pg_get_indexdef` prints the key.
    Expression(String),
}

impl Default for IndexTarget {
    fn default() -> Self {
        IndexTarget::Column(String::new())
    }
}
