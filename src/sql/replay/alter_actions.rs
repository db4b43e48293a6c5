//! The `ALTER TABLE` actions sqlparser has no syntax tree for (read by
//! [`crate::sql::parse`]): column types with `COLLATE`, identity columns (`ADD GENERATED … (SEQUENCE
//! NAME …)`, `SET GENERATED`, sequence options, `DROP IDENTITY`), `DROP EXPRESSION`, column
//! storage settings, `ALTER CONSTRAINT`, `CLUSTER ON`, `OF`/`NOT OF` and the forms that change
//! nothing modelled.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Ident};

use super::forms::alter_sequence_options;
use super::{fold, name_parts, split_name, ReplayError, Replayer, SqlState, R};
use crate::catalog::{Deferrable, Identity};
use crate::sql::parse::ast::{AlterTableAction, SequenceClauses};

impl Replayer {
    /// One action sqlparser does not represent; returns the table's new name after a rename
    /// (never, here).
    pub(crate) fn alter_table_action(
        &mut self,
        schema: &str,
        table: &str,
        action: &AlterTableAction,
    ) -> R<Option<String>> {
        match action {
            AlterTableAction::Sql(op) => return self.alter_table_op(schema, table, op),
            AlterTableAction::AlterColumnType {
                column,
                data_type,
                collation,
                using,
            } => {
                let col = fold(column);
                let op = AlterColumnOperation::SetDataType {
                    data_type: data_type.clone(),
                    using: using.clone(),
                    had_set: false,
                };
                self.alter_table_op(
                    schema,
                    table,
                    &AlterTableOperation::AlterColumn {
                        column_name: column.clone(),
                        op,
                    },
                )?;
                // The new type's default collation unless one is given.
                let coll = collation
                    .as_ref()
                    .and_then(|c| name_parts(c).pop())
                    .filter(|c| c != "default");
                self.column_mut(schema, table, &col).collation = coll;
            }
            AlterTableAction::AddIdentity {
                column,
                always,
                options,
            } => self.add_identity(schema, table, column, *always, options)?,
            AlterTableAction::AlterIdentity {
                column,
                generated,
                options,
            } => self.alter_identity(schema, table, column, *generated, options)?,
            AlterTableAction::DropIdentity { column, if_exists } => {
                self.drop_identity(schema, table, column, *if_exists)?
            }
            AlterTableAction::DropExpression { column, if_exists } => {
                let col = fold(column);
                self.require_column(schema, table, &col)?;
                let c = self.column_mut(schema, table, &col);
                if c.generated.is_none() {
                    if *if_exists {
                        return Ok(None);
                    }
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("column \"{col}\" of relation \"{table}\" is not a stored generated column"),
                    ));
                }
                c.generated = None;
            }
            AlterTableAction::ColumnStorage { column } => {
                self.require_column(schema, table, &fold(column))?;
            }
            AlterTableAction::AlterConstraint {
                name,
                deferrable,
                initially_deferred,
            } => self.alter_constraint(schema, table, name, *deferrable, *initially_deferred)?,
            AlterTableAction::ClusterOn(index) => {
                let idx = fold(index);
                let t = &self.catalog.schemas[schema].tables[table];
                let on_table = t.indexes.iter().any(|i| i.name == idx)
                    || t.primary_key.as_ref().is_some_and(|p| p.name == idx)
                    || t.uniques.iter().any(|u| u.name == idx)
                    || t.exclusions.iter().any(|x| x.name == idx);
                if !on_table {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("index \"{idx}\" for table \"{table}\" does not exist"),
                    ));
                }
            }
            AlterTableAction::Of(ty) => {
                // Typed tables are not modelled; the type must be a composite type.
                let (s, n) = split_name(ty);
                if self
                    .find_in_path(s.as_deref(), &|sc| sc.composites.contains_key(&n))
                    .is_none()
                {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("type \"{n}\" does not exist"),
                    ));
                }
            }
            AlterTableAction::NotOf | AlterTableAction::NoOp => {}
        }
        Ok(None)
    }

    /// `ALTER c ADD GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(options)]`.
    fn add_identity(
        &mut self,
        schema: &str,
        table: &str,
        column: &Ident,
        always: bool,
        options: &SequenceClauses,
    ) -> R<()> {
        let col = fold(column);
        self.require_column(schema, table, &col)?;
        let c = self.catalog.schemas[schema].tables[table]
            .column(&col)
            .expect("column");
        if !c.not_null {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                format!(
                    "column \"{col}\" of relation \"{table}\" must be declared NOT NULL \
                 before identity can be added"
                ),
            ));
        }
        if c.default.is_some() {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                format!("column \"{col}\" of relation \"{table}\" already has a default value"),
            ));
        }
        let op = AlterColumnOperation::AddGenerated {
            generated_as: Some(if always {
                sqlparser::ast::GeneratedAs::Always
            } else {
                sqlparser::ast::GeneratedAs::ByDefault
            }),
            sequence_options: Some(options.options.clone()),
        };
        self.alter_table_op(
            schema,
            table,
            &AlterTableOperation::AlterColumn {
                column_name: column.clone(),
                op,
            },
        )?;
        if let Some(name) = &options.sequence_name {
            let new = name_parts(name).pop().unwrap_or_default();
            self.rename_identity_sequence(schema, table, &col, &new)?;
        }
        Ok(())
    }

    /// `ALTER c SET GENERATED …` and identity sequence options.
    fn alter_identity(
        &mut self,
        schema: &str,
        table: &str,
        column: &Ident,
        generated: Option<bool>,
        options: &SequenceClauses,
    ) -> R<()> {
        let col = fold(column);
        let seq = self.identity_sequence(schema, table, &col)?;
        if let Some(always) = generated {
            self.column_mut(schema, table, &col).identity = Some(if always {
                Identity::Always
            } else {
                Identity::ByDefault
            });
        }
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        let mut q = s.sequences[&seq].clone();
        alter_sequence_options(&mut q, options)?;
        s.sequences.insert(seq.clone(), q);
        if let Some(name) = &options.sequence_name {
            let new = name_parts(name).pop().unwrap_or_default();
            self.rename_identity_sequence(schema, table, &col, &new)?;
        }
        Ok(())
    }

    /// `ALTER c DROP IDENTITY [IF EXISTS]`.
    fn drop_identity(
        &mut self,
        schema: &str,
        table: &str,
        column: &Ident,
        if_exists: bool,
    ) -> R<()> {
        let col = fold(column);
        self.require_column(schema, table, &col)?;
        let is_identity = self.catalog.schemas[schema].tables[table]
            .column(&col)
            .is_some_and(|c| c.identity.is_some());
        if !is_identity {
            if if_exists {
                return Ok(());
            }
            return Err(not_identity(&col, table));
        }
        let seq = self.identity_sequence(schema, table, &col)?;
        self.catalog
            .schemas
            .get_mut(schema)
            .expect("schema")
            .sequences
            .remove(&seq);
        self.column_mut(schema, table, &col).identity = None;
        Ok(())
    }

    fn require_column(&self, schema: &str, table: &str, col: &str) -> R<()> {
        if self.catalog.schemas[schema].tables[table]
            .column(col)
            .is_none()
        {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{col}\" of relation \"{table}\" does not exist"),
            ));
        }
        Ok(())
    }

    /// The sequence behind identity column `table.col`, or PostgreSQL's error.
    fn identity_sequence(&self, schema: &str, table: &str, col: &str) -> R<String> {
        self.require_column(schema, table, col)?;
        let t = &self.catalog.schemas[schema].tables[table];
        if t.column(col).is_some_and(|c| c.identity.is_none()) {
            return Err(not_identity(col, table));
        }
        self.catalog.schemas[schema]
            .sequences
            .iter()
            .find(|(_, q)| {
                q.owned_by
                    .as_ref()
                    .is_some_and(|(t, c)| t == table && c == col)
            })
            .map(|(k, _)| k.clone())
            .ok_or_else(|| not_identity(col, table))
    }

    /// `SEQUENCE NAME n` of an identity column: its sequence is called `n`.
    pub(crate) fn rename_identity_sequence(
        &mut self,
        schema: &str,
        table: &str,
        col: &str,
        new: &str,
    ) -> R<()> {
        let old = self.identity_sequence(schema, table, col)?;
        if old == new {
            return Ok(());
        }
        if self.relation_taken(schema, new) {
            return Err(ReplayError::new(
                SqlState::DuplicateTable,
                format!("relation \"{new}\" already exists"),
            ));
        }
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        if let Some(mut q) = s.sequences.remove(&old) {
            q.name = new.to_string();
            s.sequences.insert(new.to_string(), q);
        }
        Ok(())
    }

    /// `ALTER CONSTRAINT name [[NOT] DEFERRABLE] [INITIALLY …]` (foreign keys only, as in
    /// PostgreSQL 15): the attributes not given go back to `NOT DEFERRABLE INITIALLY IMMEDIATE`.
    fn alter_constraint(
        &mut self,
        schema: &str,
        table: &str,
        name: &Ident,
        deferrable: Option<bool>,
        initially_deferred: Option<bool>,
    ) -> R<()> {
        let n = fold(name);
        let t = self.table_mut(schema, table);
        if !t.has_constraint(&n) {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("constraint \"{n}\" of relation \"{table}\" does not exist"),
            ));
        }
        let Some(fk) = t.foreign_keys.iter_mut().find(|f| f.name == n) else {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                format!(
                    "constraint \"{n}\" of relation \"{table}\" is not a foreign key constraint"
                ),
            ));
        };
        let deferred = initially_deferred == Some(true);
        if deferrable == Some(false) && deferred {
            return Err(ReplayError::new(
                SqlState::SyntaxError,
                "constraint declared INITIALLY DEFERRED must be DEFERRABLE",
            ));
        }
        fk.deferrable = match (deferrable == Some(true) || deferred, deferred) {
            (false, _) => Deferrable::NotDeferrable,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        };
        Ok(())
    }
}

fn not_identity(col: &str, table: &str) -> ReplayError {
    ReplayError::new(
        SqlState::InvalidDefinition,
        format!("column \"{col}\" of relation \"{table}\" is not an identity column"),
    )
}
