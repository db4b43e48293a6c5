//! The statements and clauses schemagen reads itself, where sqlparser has no syntax tree for
//! them (see [`super`]).

use sqlparser::ast::{AlterTableOperation, DataType, Expr, Ident, ObjectName, SequenceOptions};
use sqlparser::tokenizer::Location;

/// A statement read by schemagen's own parsers.
#[derive(Debug, Clone, PartialEq)]
pub enum PgStatement {
    /// `ALTER TABLE` (every form).
    AlterTable(AlterTable),
    /// `ALTER INDEX`.
    AlterIndex(AlterIndex),
    /// `ALTER SEQUENCE`.
    AlterSequence(AlterSequence),
    /// `ALTER DOMAIN`.
    AlterDomain(AlterDomain),
    /// `ALTER TYPE name action [, …]` on composite types' attributes.
    AlterTypeAttributes {
        /// The type.
        name: ObjectName,
        /// What changes, in order.
        actions: Vec<AttributeAction>,
    },
    /// `ALTER {TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|TYPE|DOMAIN} [IF EXISTS] name SET SCHEMA s`.
    SetSchema {
        /// The object kind as written (`table`, `view`, `materialized view`…).
        kind: &'static str,
        /// `IF EXISTS`.
        if_exists: bool,
        /// The object.
        name: ObjectName,
        /// The new schema.
        schema: Ident,
    },
    /// A statement that names a relation and changes nothing schemagen models (`ALTER
    /// MATERIALIZED VIEW … SET TABLESPACE`, `ALTER TYPE … OWNER TO`): only checked to exist.
    Touch {
        /// What the object must be (`table`, `index`, `materialized view`, `type`, `domain`…).
        kind: &'static str,
        /// `IF EXISTS`.
        if_exists: bool,
        /// The object, `None` for statements that name none (`ALTER TABLE ALL IN TABLESPACE`).
        name: Option<ObjectName>,
    },
    /// `CREATE DOMAIN`.
    CreateDomain(CreateDomain),
    /// `ALTER EXTENSION name {UPDATE [TO v] | SET SCHEMA s | ADD member | DROP member}`.
    AlterExtension {
        /// The extension.
        name: Ident,
        /// `SET SCHEMA s`; `None` for the other forms (which change nothing modelled).
        set_schema: Option<Ident>,
    },
}

/// `ALTER TABLE [IF EXISTS] [ONLY] name [*] action [, …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// `ONLY`.
    pub only: bool,
    /// The table.
    pub name: ObjectName,
    /// The actions, in order.
    pub actions: Vec<AlterTableAction>,
}

/// One action of an `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterTableAction {
    /// A form sqlparser represents.
    Sql(AlterTableOperation),
    /// `ALTER [COLUMN] c [SET DATA] TYPE t [COLLATE c] [USING e]`.
    AlterColumnType {
        /// The column.
        column: Ident,
        /// The new type.
        data_type: DataType,
        /// `COLLATE`.
        collation: Option<ObjectName>,
        /// `USING`.
        using: Option<Expr>,
    },
    /// `ALTER [COLUMN] c ADD GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(options)]`.
    AddIdentity {
        /// The column.
        column: Ident,
        /// `ALWAYS` (else `BY DEFAULT`).
        always: bool,
        /// Sequence options.
        options: SequenceClauses,
    },
    /// `ALTER [COLUMN] c {SET GENERATED … | SET sequence_option | RESTART …} …`.
    AlterIdentity {
        /// The column.
        column: Ident,
        /// `SET GENERATED ALWAYS` (`Some(true)`) / `BY DEFAULT` (`Some(false)`).
        generated: Option<bool>,
        /// Sequence options.
        options: SequenceClauses,
    },
    /// `ALTER [COLUMN] c DROP IDENTITY [IF EXISTS]`.
    DropIdentity {
        /// The column.
        column: Ident,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `ALTER [COLUMN] c DROP EXPRESSION [IF EXISTS]`.
    DropExpression {
        /// The column.
        column: Ident,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `ALTER [COLUMN] c {SET STATISTICS n | SET (…) | RESET (…) | SET STORAGE s |
    /// SET COMPRESSION m}`: the column must exist; nothing modelled changes.
    ColumnStorage {
        /// The column.
        column: Ident,
    },
    /// `ALTER CONSTRAINT name [[NOT] DEFERRABLE] [INITIALLY DEFERRED|IMMEDIATE]`.
    AlterConstraint {
        /// The constraint.
        name: Ident,
        /// `DEFERRABLE` / `NOT DEFERRABLE`.
        deferrable: Option<bool>,
        /// `INITIALLY DEFERRED` (`Some(true)`) / `INITIALLY IMMEDIATE`.
        initially_deferred: Option<bool>,
    },
    /// `CLUSTER ON index`.
    ClusterOn(Ident),
    /// `OF type`.
    Of(ObjectName),
    /// `NOT OF`.
    NotOf,
    /// Forms that change nothing schemagen models (`SET WITHOUT CLUSTER`, `SET WITHOUT OIDS`,
    /// `SET ACCESS METHOD m`, `SET TABLESPACE t`).
    NoOp,
}

/// Sequence options as `CREATE SEQUENCE`, `ALTER SEQUENCE` and identity columns take them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SequenceClauses {
    /// `AS`, `INCREMENT`, `MINVALUE`, `MAXVALUE`, `START`, `CACHE`, `CYCLE`, `OWNED BY`.
    pub options: Vec<SequenceOptions>,
    /// `SEQUENCE NAME n`.
    pub sequence_name: Option<ObjectName>,
    /// `RESTART [[WITH] n]`.
    pub restart: bool,
}

/// `ALTER INDEX`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterIndex {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The index (`None` for `ALTER INDEX ALL IN TABLESPACE`).
    pub name: Option<ObjectName>,
    /// What changes.
    pub action: AlterIndexAction,
}

/// What an `ALTER INDEX` does.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterIndexAction {
    /// `RENAME TO n`.
    RenameTo(ObjectName),
    /// `ATTACH PARTITION index`.
    AttachPartition(ObjectName),
    /// `SET TABLESPACE`, `[NO] DEPENDS ON EXTENSION`, `SET (…)`, `RESET (…)`,
    /// `ALTER [COLUMN] n SET STATISTICS m`, `OWNER TO`, `ALL IN TABLESPACE …`.
    NoOp,
}

/// `ALTER SEQUENCE [IF EXISTS] name …`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterSequence {
    /// `IF EXISTS`.
    pub if_exists: bool,
    /// The sequence.
    pub name: ObjectName,
    /// What changes.
    pub action: AlterSequenceAction,
}

/// What an `ALTER SEQUENCE` does.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterSequenceAction {
    /// Sequence options (`RESTART` included).
    Options(SequenceClauses),
    /// `RENAME TO n`.
    RenameTo(ObjectName),
    /// `SET LOGGED`, `SET UNLOGGED`, `OWNER TO`.
    NoOp,
}

/// `ALTER DOMAIN name action`.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterDomain {
    /// The domain.
    pub name: ObjectName,
    /// What changes.
    pub action: AlterDomainAction,
}

/// What an `ALTER DOMAIN` does.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterDomainAction {
    /// `SET DEFAULT e`.
    SetDefault(Expr),
    /// `DROP DEFAULT`.
    DropDefault,
    /// `SET NOT NULL` (`true`) / `DROP NOT NULL`.
    NotNull(bool),
    /// `ADD [CONSTRAINT n] CHECK (e) [NOT VALID]`.
    AddCheck {
        /// `CONSTRAINT n`.
        name: Option<Ident>,
        /// The expression.
        expr: Expr,
        /// `NOT VALID`.
        not_valid: bool,
    },
    /// `DROP CONSTRAINT [IF EXISTS] n [RESTRICT|CASCADE]`.
    DropConstraint {
        /// The constraint.
        name: Ident,
        /// `IF EXISTS`.
        if_exists: bool,
    },
    /// `RENAME CONSTRAINT a TO b`.
    RenameConstraint(Ident, Ident),
    /// `VALIDATE CONSTRAINT n`.
    ValidateConstraint(Ident),
    /// `RENAME TO n`.
    RenameTo(Ident),
    /// `OWNER TO r`.
    NoOp,
}

/// One `ALTER TYPE` action on a composite type.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeAction {
    /// `ADD ATTRIBUTE a t [COLLATE c] [CASCADE|RESTRICT]`.
    Add {
        /// The attribute.
        name: Ident,
        /// Its type.
        data_type: DataType,
        /// `COLLATE`.
        collation: Option<ObjectName>,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `DROP ATTRIBUTE [IF EXISTS] a [CASCADE|RESTRICT]`.
    Drop {
        /// The attribute.
        name: Ident,
        /// `IF EXISTS`.
        if_exists: bool,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `ALTER ATTRIBUTE a [SET DATA] TYPE t [COLLATE c] [CASCADE|RESTRICT]`.
    AlterType {
        /// The attribute.
        name: Ident,
        /// The new type.
        data_type: DataType,
        /// `COLLATE`.
        collation: Option<ObjectName>,
        /// `CASCADE`.
        cascade: bool,
    },
    /// `RENAME ATTRIBUTE a TO b [CASCADE|RESTRICT]`.
    Rename {
        /// The attribute.
        name: Ident,
        /// The new name.
        to: Ident,
        /// `CASCADE`.
        cascade: bool,
    },
}

/// `CREATE DOMAIN name [AS] type [COLLATE c] [DEFAULT e] [constraint …]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateDomain {
    /// The domain.
    pub name: ObjectName,
    /// The underlying type.
    pub data_type: DataType,
    /// `DEFAULT`.
    pub default: Option<Expr>,
    /// `NOT NULL` (the last of `NULL` / `NOT NULL` wins).
    pub not_null: bool,
    /// `[CONSTRAINT n] CHECK (e)`, in order.
    pub checks: Vec<(Option<Ident>, Expr)>,
}

/// Clauses the pre-pass took out of a statement for sqlparser, that the replay still needs. Each
/// is located, so it can be matched to the syntax-tree node it belongs to (by the spans sqlparser
/// keeps on identifiers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extras {
    /// `ON DELETE SET NULL (a, b)` / `SET DEFAULT (…)`: where the name of the referenced table
    /// starts (the `foreign_table` of sqlparser's foreign key), and the columns.
    pub set_columns: Vec<(Location, Vec<Ident>)>,
    /// `GENERATED … AS IDENTITY (SEQUENCE NAME n …)`: where `IDENTITY` is (the first after the
    /// column's name), and the name.
    pub identity_sequences: Vec<(Location, ObjectName)>,
    /// `CREATE VIEW … WITH [LOCAL|CASCADED] CHECK OPTION`: `local` or `cascaded`.
    pub check_option: Option<&'static str>,
    /// `CREATE INDEX … ON ONLY t`.
    pub index_on_only: bool,
    /// `CREATE TABLE t OF type`: read as `PARTITION OF type … DEFAULT` (sqlparser reads the
    /// element list of a partition); the "parent" is the type.
    pub typed_table: bool,
    /// `PARTITION BY … (key COLLATE c opclass, …)`: what follows each key, as PostgreSQL prints
    /// it (` COLLATE "C" text_pattern_ops`), one entry per key; empty when no key has any.
    pub partition_key_suffixes: Vec<String>,
    /// `LIKE t [INCLUDING …|EXCLUDING …]` elements of `CREATE TABLE`, in order (taken out of
    /// the element list: sqlparser reads only one, first, and a later one as a column).
    pub likes: Vec<LikeClause>,
    /// `EXCLUDE … WITH (storage parameters)`: where the exclusion's first element starts, and the
    /// parameters as `pg_get_constraintdef` prints them (`fillfactor='70'`).
    pub exclusion_options: Vec<(sqlparser::tokenizer::Location, String)>,
}

/// One `LIKE source [options]` element of `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub struct LikeClause {
    /// How many column definitions come before it in the element list.
    pub columns_before: usize,
    /// The source table.
    pub source: ObjectName,
    /// `INCLUDING …/EXCLUDING …` (`true` for INCLUDING), lower case, in order.
    pub options: Vec<(bool, String)>,
}

impl Extras {
    /// Whether nothing was taken out.
    pub fn is_empty(&self) -> bool {
        *self == Extras::default()
    }
}
