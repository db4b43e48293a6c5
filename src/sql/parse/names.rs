//! Names where PostgreSQL's grammar (`gram.y`) takes an identifier, checked as it checks them.
//! sqlparser takes any word or string constant for a name; PostgreSQL does not:
//!
//! - `ColId` (table, column, schema, index, constraint, sequence, view, type and domain names,
//!   the first part of a qualified name): an identifier, an unreserved keyword or a column-name
//!   keyword; reserved keywords and the type/function-name keywords (`left`, `join`…) are a
//!   syntax error unless quoted.
//! - `type_function_name` (an unqualified function name, a parameter name): an identifier, an
//!   unreserved keyword or a type/function-name keyword; reserved and column-name keywords
//!   (`between`, `values`…) are not.
//! - `ColLabel` (the later parts of a qualified name, `public.select`): any word.
//! - A string constant is never a name (`create table 'x' …`), and enum labels are only string
//!   constants (`as enum (x)` is a syntax error).
//!
//! Keyword categories come from PostgreSQL's own list ([`crate::sql::pg_keywords`]).

use sqlparser::ast::{
    AlterTableOperation, AlterTypeAddValuePosition, AlterTypeOperation, ColumnDef, ColumnOption,
    CommentObject, CreateTableLikeKind, Expr, Ident, ObjectName, ObjectNamePart, ObjectType,
    SchemaName, Statement, TableConstraint, UserDefinedTypeRepresentation,
};

use super::ast::{AlterDomainAction, AlterIndexAction, AlterSequenceAction, AlterTableAction};
use super::ast::{AttributeAction, PgStatement};
use super::ParseError;
use crate::sql::pg_keywords::{keyword, KeywordCategory};

/// Where a name stands in PostgreSQL's grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    /// `ColId`.
    ColId,
    /// `type_function_name`.
    TypeFunctionName,
    /// `ColLabel`: any word.
    ColLabel,
}

fn error_at(id: &Ident, message: String) -> ParseError {
    ParseError {
        message,
        location: Some(id.span.start).filter(|l| l.line > 0),
        too_deep: false,
    }
}

/// Why the bare word `word` cannot stand in `slot`, or `None` when it can.
pub(crate) fn keyword_refusal(word: &str, slot: Slot, what: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    let (category, _) = keyword(&lower)?;
    let kind = match (slot, category) {
        (Slot::ColLabel, _) | (_, KeywordCategory::Unreserved) => return None,
        (Slot::ColId, KeywordCategory::ColName) => return None,
        (Slot::TypeFunctionName, KeywordCategory::TypeFuncName) => return None,
        (_, KeywordCategory::Reserved) => "a reserved keyword",
        (_, KeywordCategory::TypeFuncName) => "a reserved keyword (can be function or type)",
        (_, KeywordCategory::ColName) => "a keyword that cannot be a function or type name",
    };
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Some(format!(
        "`{word}` is {kind} in PostgreSQL; as {article} {what} it must be quoted: \"{lower}\""
    ))
}

/// Checks one name standing in `slot`.
pub(crate) fn name(id: &Ident, slot: Slot, what: &str) -> Result<(), ParseError> {
    match id.quote_style {
        None => match keyword_refusal(&id.value, slot, what) {
            Some(m) => Err(error_at(id, m)),
            None => Ok(()),
        },
        Some('"') => Ok(()),
        Some(_) => Err(error_at(
            id,
            format!(
                "a string constant is not a {what}: a name is written bare or in double quotes"
            ),
        )),
    }
}

fn col_id(id: &Ident, what: &str) -> Result<(), ParseError> {
    name(id, Slot::ColId, what)
}

/// A possibly qualified name: the first part in `first` (`ColId` for relations and types,
/// `type_function_name` for an unqualified function), the others `ColLabel`.
fn qualified(n: &ObjectName, single: Slot, what: &str) -> Result<(), ParseError> {
    let parts: Vec<&Ident> =
        n.0.iter()
            .filter_map(|p| match p {
                ObjectNamePart::Identifier(id) => Some(id),
                _ => None,
            })
            .collect();
    for (i, id) in parts.iter().enumerate() {
        let slot = match (i, parts.len()) {
            (0, 1) => single,
            (0, _) => Slot::ColId,
            _ => Slot::ColLabel,
        };
        name(id, slot, what)?;
    }
    Ok(())
}

/// `qualified_name` / `any_name`.
fn relation(n: &ObjectName, what: &str) -> Result<(), ParseError> {
    qualified(n, Slot::ColId, what)
}

/// An unqualified name sqlparser reads as an [`ObjectName`] (`opt_index_name`, `RENAME TO`).
fn bare(n: &ObjectName, what: &str) -> Result<(), ParseError> {
    for p in &n.0 {
        if let ObjectNamePart::Identifier(id) = p {
            col_id(id, what)?;
        }
    }
    Ok(())
}

/// An enum label: a string constant.
fn label(id: &Ident) -> Result<(), ParseError> {
    if id.quote_style == Some('\'') {
        return Ok(());
    }
    Err(error_at(
        id,
        format!(
            "an enum label is a string constant: write '{}'",
            id.value.replace('\'', "''")
        ),
    ))
}

fn columns(ids: &[Ident]) -> Result<(), ParseError> {
    ids.iter().try_for_each(|c| col_id(c, "column name"))
}

fn index_columns(cols: &[sqlparser::ast::IndexColumn]) -> Result<(), ParseError> {
    for c in cols {
        if let Expr::Identifier(id) = &c.column.expr {
            col_id(id, "column name")?;
        }
    }
    Ok(())
}

fn constraint_name(n: &Option<Ident>) -> Result<(), ParseError> {
    n.iter().try_for_each(|n| col_id(n, "constraint name"))
}

fn table_constraint(c: &TableConstraint) -> Result<(), ParseError> {
    match c {
        TableConstraint::Unique(u) => {
            constraint_name(&u.name)?;
            index_columns(&u.columns)?;
            columns(&u.include)
        }
        TableConstraint::PrimaryKey(p) => {
            constraint_name(&p.name)?;
            index_columns(&p.columns)?;
            columns(&p.include)
        }
        TableConstraint::ForeignKey(f) => {
            constraint_name(&f.name)?;
            columns(&f.columns)?;
            relation(&f.foreign_table, "table name")?;
            columns(&f.referred_columns)
        }
        TableConstraint::Check(c) => constraint_name(&c.name),
        _ => Ok(()),
    }
}

fn column_def(c: &ColumnDef) -> Result<(), ParseError> {
    col_id(&c.name, "column name")?;
    for o in &c.options {
        constraint_name(&o.name)?;
        if let ColumnOption::ForeignKey(f) = &o.option {
            relation(&f.foreign_table, "table name")?;
            columns(&f.referred_columns)?;
        }
    }
    Ok(())
}

fn alter_table_operation(op: &AlterTableOperation) -> Result<(), ParseError> {
    match op {
        AlterTableOperation::AddConstraint { constraint, .. } => table_constraint(constraint),
        AlterTableOperation::AddColumn { column_def: c, .. } => column_def(c),
        AlterTableOperation::DropConstraint { name, .. } => col_id(name, "constraint name"),
        AlterTableOperation::DropColumn { column_names, .. } => columns(column_names),
        AlterTableOperation::RenameColumn {
            old_column_name,
            new_column_name,
        } => {
            col_id(old_column_name, "column name")?;
            col_id(new_column_name, "column name")
        }
        AlterTableOperation::RenameTable { table_name } => match table_name {
            sqlparser::ast::RenameTableNameKind::As(n)
            | sqlparser::ast::RenameTableNameKind::To(n) => bare(n, "table name"),
        },
        AlterTableOperation::RenameConstraint { old_name, new_name } => {
            col_id(old_name, "constraint name")?;
            col_id(new_name, "constraint name")
        }
        AlterTableOperation::AlterColumn { column_name, .. } => col_id(column_name, "column name"),
        _ => Ok(()),
    }
}

/// What `DROP`'s names are: `any_name` for relations, `name` for schemas. `DROP TYPE` and
/// `DROP DOMAIN` take type names (`Typename`, where `int` is `integer`), not checked here.
fn drop_what(t: &ObjectType) -> Option<(Slot, &'static str)> {
    Some(match t {
        ObjectType::Table => (Slot::ColId, "table name"),
        ObjectType::View | ObjectType::MaterializedView => (Slot::ColId, "view name"),
        ObjectType::Index => (Slot::ColId, "index name"),
        ObjectType::Sequence => (Slot::ColId, "sequence name"),
        ObjectType::Schema => (Slot::ColLabel, "schema name"),
        _ => return None,
    })
}

/// Checks the names of a statement sqlparser read.
pub(crate) fn check(s: &Statement) -> Result<(), ParseError> {
    match s {
        Statement::CreateTable(ct) => {
            relation(&ct.name, "table name")?;
            ct.columns.iter().try_for_each(column_def)?;
            ct.constraints.iter().try_for_each(table_constraint)?;
            for n in ct.inherits.iter().flatten() {
                relation(n, "table name")?;
            }
            if let Some(p) = &ct.partition_of {
                relation(p, "table name")?;
            }
            match &ct.like {
                Some(CreateTableLikeKind::Parenthesized(l) | CreateTableLikeKind::Plain(l)) => {
                    relation(&l.name, "table name")
                }
                None => Ok(()),
            }
        }
        Statement::AlterTable(at) => {
            relation(&at.name, "table name")?;
            at.operations.iter().try_for_each(alter_table_operation)
        }
        Statement::CreateIndex(ci) => {
            if let Some(n) = &ci.name {
                bare(n, "index name")?;
            }
            relation(&ci.table_name, "table name")?;
            index_columns(&ci.columns)?;
            columns(&ci.include)
        }
        Statement::CreateView(v) => {
            relation(&v.name, "view name")?;
            v.columns
                .iter()
                .try_for_each(|c| col_id(&c.name, "column name"))
        }
        Statement::CreateSequence { name, .. } => relation(name, "sequence name"),
        Statement::CreateSchema { schema_name, .. } => match schema_name {
            SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _) => bare(n, "schema name"),
            SchemaName::UnnamedAuthorization(_) => Ok(()),
        },
        Statement::CreateType {
            name,
            representation,
        } => {
            relation(name, "type name")?;
            match representation {
                Some(UserDefinedTypeRepresentation::Composite { attributes }) => attributes
                    .iter()
                    .try_for_each(|a| col_id(&a.name, "attribute name")),
                Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                    labels.iter().try_for_each(label)
                }
                _ => Ok(()),
            }
        }
        Statement::AlterType(a) => {
            relation(&a.name, "type name")?;
            match &a.operation {
                AlterTypeOperation::Rename(r) => col_id(&r.new_name, "type name"),
                AlterTypeOperation::AddValue(v) => {
                    label(&v.value)?;
                    match &v.position {
                        Some(
                            AlterTypeAddValuePosition::Before(b)
                            | AlterTypeAddValuePosition::After(b),
                        ) => label(b),
                        None => Ok(()),
                    }
                }
                AlterTypeOperation::RenameValue(r) => {
                    label(&r.from)?;
                    label(&r.to)
                }
            }
        }
        Statement::Drop {
            object_type, names, ..
        } => match drop_what(object_type) {
            // `DROP SCHEMA name`: one unqualified name each.
            Some((Slot::ColLabel, what)) => names.iter().try_for_each(|n| bare(n, what)),
            Some((_, what)) => names.iter().try_for_each(|n| relation(n, what)),
            None => Ok(()),
        },
        // `CREATE|ALTER|DROP POLICY name ON qualified_name`, `RENAME TO name`.
        Statement::CreatePolicy(p) => {
            col_id(&p.name, "policy name")?;
            relation(&p.table_name, "table name")
        }
        Statement::AlterPolicy(p) => {
            col_id(&p.name, "policy name")?;
            relation(&p.table_name, "table name")?;
            match &p.operation {
                sqlparser::ast::AlterPolicyOperation::Rename { new_name } => {
                    col_id(new_name, "policy name")
                }
                _ => Ok(()),
            }
        }
        Statement::DropPolicy(p) => {
            col_id(&p.name, "policy name")?;
            relation(&p.table_name, "table name")
        }
        // `COMMENT ON {TABLE|VIEW|INDEX|SEQUENCE|COLUMN} any_name`, `COMMENT ON SCHEMA name`;
        // types, domains and routines are named otherwise.
        Statement::Comment {
            object_type,
            object_name,
            ..
        } => match object_type {
            CommentObject::Table
            | CommentObject::View
            | CommentObject::MaterializedView
            | CommentObject::Index
            | CommentObject::Sequence
            | CommentObject::Column => relation(object_name, "name"),
            CommentObject::Schema => bare(object_name, "schema name"),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Checks the names of a statement schemagen's own parsers read.
pub(crate) fn check_pg(s: &PgStatement) -> Result<(), ParseError> {
    match s {
        PgStatement::AlterTable(at) => {
            relation(&at.name, "table name")?;
            for a in &at.actions {
                match a {
                    AlterTableAction::Sql(op) => alter_table_operation(op)?,
                    AlterTableAction::AlterColumnType { column, .. }
                    | AlterTableAction::AddIdentity { column, .. }
                    | AlterTableAction::AlterIdentity { column, .. }
                    | AlterTableAction::DropIdentity { column, .. }
                    | AlterTableAction::DropExpression { column, .. }
                    | AlterTableAction::ColumnStorage { column } => col_id(column, "column name")?,
                    AlterTableAction::AlterConstraint { name, .. } => {
                        col_id(name, "constraint name")?
                    }
                    AlterTableAction::ClusterOn(n) => col_id(n, "index name")?,
                    AlterTableAction::Of(t) => relation(t, "type name")?,
                    AlterTableAction::NotOf | AlterTableAction::NoOp => {}
                }
            }
            Ok(())
        }
        PgStatement::AlterIndex(ai) => {
            if let Some(n) = &ai.name {
                relation(n, "index name")?;
            }
            match &ai.action {
                AlterIndexAction::RenameTo(n) => bare(n, "index name"),
                AlterIndexAction::AttachPartition(n) => relation(n, "index name"),
                AlterIndexAction::NoOp => Ok(()),
            }
        }
        PgStatement::AlterSequence(a) => {
            relation(&a.name, "sequence name")?;
            match &a.action {
                AlterSequenceAction::RenameTo(n) => bare(n, "sequence name"),
                _ => Ok(()),
            }
        }
        PgStatement::AlterDomain(d) => {
            relation(&d.name, "domain name")?;
            match &d.action {
                AlterDomainAction::AddCheck { name, .. } => constraint_name(name),
                AlterDomainAction::RenameConstraint(a, b) => {
                    col_id(a, "constraint name")?;
                    col_id(b, "constraint name")
                }
                AlterDomainAction::RenameTo(n) => col_id(n, "domain name"),
                _ => Ok(()),
            }
        }
        PgStatement::AlterTypeAttributes { name, actions } => {
            relation(name, "type name")?;
            for a in actions {
                match a {
                    AttributeAction::Add { name, .. }
                    | AttributeAction::Drop { name, .. }
                    | AttributeAction::AlterType { name, .. } => col_id(name, "attribute name")?,
                    AttributeAction::Rename { name, to, .. } => {
                        col_id(name, "attribute name")?;
                        col_id(to, "attribute name")?;
                    }
                }
            }
            Ok(())
        }
        PgStatement::SetSchema { name, schema, .. } => {
            relation(name, "name")?;
            col_id(schema, "schema name")
        }
        PgStatement::Touch { name, .. } => name.iter().try_for_each(|n| relation(n, "name")),
        PgStatement::CreateDomain(d) => {
            relation(&d.name, "domain name")?;
            d.checks.iter().try_for_each(|(n, _)| constraint_name(n))
        }
        PgStatement::AlterExtension { .. } => Ok(()),
    }
}
