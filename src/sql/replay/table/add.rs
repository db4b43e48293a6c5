//! Adding constraints to a table: naming them as PostgreSQL does, the index a key builds or uses,
//! duplicates dropped.

use crate::catalog::{
    choose_constraint_name, choose_relation_name, name_addition, CheckConstraint,
    ExclusionConstraint, IndexTarget, PrimaryKey, QualifiedName, Table, UniqueConstraint,
};
use crate::pg::deparse::deparse_bool;
use crate::sql::replay::{fold, ReplayError, Replayer, SqlState, R};

use super::constraints::{dedupe_keys, deferrable, PendingConstraint};
use super::referenced_columns;

impl Replayer {
    /// Names and adds constraints in the order Postgres does: CHECK constraints, then the
    /// indexes of PRIMARY KEY/UNIQUE/EXCLUDE, then FOREIGN KEYs.
    pub(crate) fn add_constraints(
        &mut self,
        schema: &str,
        table: &str,
        pending: Vec<PendingConstraint>,
    ) -> R<()> {
        let (checks, rest): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .partition(|c| matches!(c, PendingConstraint::Check { .. }));
        let (keys, fks): (Vec<_>, Vec<_>) = rest
            .into_iter()
            .partition(|c| !matches!(c, PendingConstraint::Foreign { .. }));
        for c in checks.into_iter().chain(dedupe_keys(keys)).chain(fks) {
            self.add_constraint(schema, table, c)?;
        }
        Ok(())
    }

    pub(in crate::sql::replay) fn add_constraint(
        &mut self,
        schema: &str,
        table: &str,
        c: PendingConstraint,
    ) -> R<()> {
        let s = &self.catalog.schemas[schema];
        let t = &s.tables[table];
        match c {
            PendingConstraint::Check {
                name,
                expr,
                no_inherit,
                not_valid,
            } => self.add_check(schema, table, name, expr, no_inherit, not_valid)?,
            PendingConstraint::Key {
                primary,
                name,
                columns,
                include,
                nulls_not_distinct,
                deferrable,
            } => self.add_key(
                schema,
                table,
                primary,
                name,
                columns,
                include,
                nulls_not_distinct,
                deferrable,
            )?,
            PendingConstraint::Exclude {
                name,
                mut definition,
                predicate,
                columns,
            } => {
                if let Some((method, elements)) =
                    crate::sql::replay::objects::exclusion_elements(&definition)
                {
                    for (column, _) in elements.iter().filter(|(_, opclass)| opclass.is_none()) {
                        if let Some(c) = t.columns.iter().find(|c| Some(&c.name) == column.as_ref())
                        {
                            self.require_default_opclass(method, c)?;
                        }
                    }
                }
                if let Some(p) = predicate {
                    // `pg_get_constraintdef`: the predicate as printed, in parentheses.
                    let ctx = self.table_ctx(schema, table, &t.columns);
                    definition.push_str(&format!(" WHERE ({})", deparse_bool(&p, &ctx)));
                }
                let taken =
                    |n: &str| self.relation_taken(schema, n) || self.constraint_taken(schema, n);
                let name = match name {
                    Some(n) => n,
                    None => {
                        let add =
                            name_addition(&crate::sql::replay::objects::dedupe_index_column_names(
                                columns.clone(),
                            ));
                        choose_relation_name(table, Some(&add), "excl", &taken)
                    }
                };
                self.remember(&name);
                self.table_mut(schema, table)
                    .exclusions
                    .push(ExclusionConstraint { name, definition });
            }
            PendingConstraint::Foreign {
                name,
                fk,
                references,
                not_valid,
            } => self.add_foreign_key(schema, table, name, fk, references, not_valid)?,
        }
        Ok(())
    }
}

impl Replayer {
    /// A CHECK constraint, named `<table>_<column>_check` when it has no name.
    fn add_check(
        &mut self,
        schema: &str,
        table: &str,
        name: Option<String>,
        expr: sqlparser::ast::Expr,
        no_inherit: bool,
        not_valid: bool,
    ) -> R<()> {
        let t = &self.catalog.schemas[schema].tables[table];
        let cols = referenced_columns(&expr, &t.columns);
        let name = match name {
            Some(n) if t.has_constraint(&n) => return Err(duplicate_constraint(&n, table)),
            Some(n) => n,
            None => {
                let col = (cols.len() == 1).then(|| cols[0].as_str());
                choose_constraint_name(table, col, "check", &|n| self.constraint_taken(schema, n))
            }
        };
        let expression = deparse_bool(&expr, &self.table_ctx(schema, table, &t.columns));
        self.remember(&name);
        let t = self.table_mut(schema, table);
        t.checks.push(CheckConstraint {
            name,
            expression,
            validated: !not_valid,
            no_inherit,
        });
        Ok(())
    }

    /// A FOREIGN KEY: its columns and the referenced key checked as PostgreSQL checks them.
    fn add_foreign_key(
        &mut self,
        schema: &str,
        table: &str,
        name: Option<String>,
        mut fk: crate::catalog::ForeignKey,
        references: sqlparser::ast::ObjectName,
        not_valid: bool,
    ) -> R<()> {
        let t = &self.catalog.schemas[schema].tables[table];
        for c in &fk.columns {
            if t.column(c).is_none() {
                return Err(ReplayError::new(
                    SqlState::UndefinedColumn,
                    format!("column \"{c}\" referenced in foreign key constraint does not exist"),
                ));
            }
        }
        let (rs, rt) = self.resolve_table(&references)?;
        let target = &self.catalog.schemas[&rs].tables[&rt];
        if fk.referenced_columns.is_empty() {
            match &target.primary_key {
                Some(pk) => fk.referenced_columns = pk.columns.clone(),
                None => {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("there is no primary key for referenced table \"{rt}\""),
                    ))
                }
            }
        }
        for c in &fk.referenced_columns {
            if target.column(c).is_none() {
                return Err(ReplayError::new(
                    SqlState::UndefinedColumn,
                    format!("column \"{c}\" referenced in foreign key constraint does not exist"),
                ));
            }
        }
        if fk.columns.len() != fk.referenced_columns.len() {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                "number of referencing and referenced columns for foreign key disagree",
            ));
        }
        if !has_unique_on(target, &fk.referenced_columns) {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                format!(
                "there is no unique constraint matching given keys for referenced table \"{rt}\""
            ),
            ));
        }
        let name = match name {
            Some(n) if t.has_constraint(&n) => return Err(duplicate_constraint(&n, table)),
            Some(n) => n,
            None => {
                let add = name_addition(&fk.columns);
                choose_constraint_name(table, Some(&add), "fkey", &|n| {
                    self.constraint_taken(schema, n)
                })
            }
        };
        self.remember(&name);
        fk.name = name;
        fk.references = QualifiedName::new(rs, rt);
        fk.validated = !not_valid;
        self.table_mut(schema, table).foreign_keys.push(fk);
        Ok(())
    }

    /// A PRIMARY KEY or UNIQUE constraint (and its index).
    #[allow(clippy::too_many_arguments)]
    fn add_key(
        &mut self,
        schema: &str,
        table: &str,
        primary: bool,
        name: Option<String>,
        columns: Vec<String>,
        include: Vec<String>,
        nulls_not_distinct: bool,
        deferrable: crate::catalog::Deferrable,
    ) -> R<()> {
        let t = &self.catalog.schemas[schema].tables[table];
        for c in columns.iter().chain(&include) {
            if t.column(c).is_none() {
                return Err(ReplayError::new(
                    SqlState::UndefinedColumn,
                    format!("column \"{c}\" named in key does not exist"),
                ));
            }
        }
        if primary && t.primary_key.is_some() {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                format!("multiple primary keys for table \"{table}\" are not allowed"),
            ));
        }
        let taken = |n: &str| self.relation_taken(schema, n) || self.constraint_taken(schema, n);
        let name = match name {
            Some(n) if taken(&n) => {
                return Err(ReplayError::new(
                    SqlState::DuplicateTable,
                    format!("relation \"{n}\" already exists"),
                ))
            }
            Some(n) => n,
            None if primary => choose_relation_name(table, None, "pkey", &taken),
            None => {
                // The index's columns, INCLUDE ones too (`ChooseIndexColumnNames`).
                let names = crate::sql::replay::objects::dedupe_index_column_names(
                    columns.iter().chain(&include).cloned().collect(),
                );
                choose_relation_name(table, Some(&name_addition(&names)), "key", &taken)
            }
        };
        let key = UniqueConstraint {
            name,
            columns,
            include,
            nulls_not_distinct,
            deferrable,
        };
        self.attach_key(schema, table, primary, key);
        Ok(())
    }

    /// `ADD CONSTRAINT … {PRIMARY KEY|UNIQUE} USING INDEX idx`: the index becomes the constraint
    /// (renamed to the constraint's name when one is given).
    pub(in crate::sql::replay) fn constraint_using_index(
        &mut self,
        schema: &str,
        table: &str,
        u: &sqlparser::ast::ConstraintUsingIndex,
        primary: bool,
    ) -> R<()> {
        let idx_name = fold(&u.index_name);
        let t = self.table_mut(schema, table);
        let Some(pos) = t.indexes.iter().position(|i| i.name == idx_name) else {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("index \"{idx_name}\" does not exist"),
            ));
        };
        let idx = t.indexes.remove(pos);
        let columns: Vec<String> = idx
            .keys
            .iter()
            .filter_map(|k| match &k.target {
                IndexTarget::Column(c) => Some(c.clone()),
                IndexTarget::Expression(_) => None,
            })
            .collect();
        let name = u.name.as_ref().map(fold).unwrap_or(idx.name);
        let deferrable = deferrable(&u.characteristics);
        let key = UniqueConstraint {
            name,
            columns,
            include: idx.include,
            nulls_not_distinct: idx.nulls_not_distinct,
            deferrable,
        };
        self.attach_key(schema, table, primary, key);
        Ok(())
    }

    /// Adds a key constraint to a table: the primary key (its columns become NOT NULL) or a
    /// unique constraint.
    pub(in crate::sql::replay) fn attach_key(
        &mut self,
        schema: &str,
        table: &str,
        primary: bool,
        key: UniqueConstraint,
    ) {
        self.remember(&key.name);
        let t = self.table_mut(schema, table);
        if primary {
            for c in &key.columns {
                if let Some(col) = t.column_mut(c) {
                    col.not_null = true;
                }
            }
            t.primary_key = Some(PrimaryKey {
                name: key.name,
                columns: key.columns,
                include: key.include,
                deferrable: key.deferrable,
            });
        } else {
            t.uniques.push(key);
        }
    }
}

pub(super) fn constraint_count(t: &Table) -> usize {
    usize::from(t.primary_key.is_some())
        + t.uniques.len()
        + t.foreign_keys.len()
        + t.checks.len()
        + t.exclusions.len()
}

pub(super) fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// Whether the referenced table has a PK, unique constraint or non-partial unique index on
/// exactly these columns (in any order).
fn has_unique_on(t: &Table, cols: &[String]) -> bool {
    t.primary_key
        .as_ref()
        .is_some_and(|p| same_set(&p.columns, cols))
        || t.uniques.iter().any(|u| same_set(&u.columns, cols))
        || t.indexes.iter().any(|i| {
            i.unique
                && i.predicate.is_none()
                && i.keys.len() == cols.len()
                && i.keys.iter().all(|k| match &k.target {
                    IndexTarget::Column(c) => cols.contains(c),
                    IndexTarget::Expression(_) => false,
                })
        })
}

/// PostgreSQL's error for a constraint name the table has already.
fn duplicate_constraint(n: &str, table: &str) -> ReplayError {
    ReplayError::new(
        SqlState::DuplicateObject,
        format!("constraint \"{n}\" for relation \"{table}\" already exists"),
    )
}
