//! `ALTER TABLE`: every action of PostgreSQL 15's synopsis, applied in order; the statement is
//! atomic (a failing action undoes the earlier ones on the altered table).

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, GeneratedAs, RenameTableNameKind, TableConstraint,
};

use super::table::{apply_sequence_options, default_sequence};
use super::{fold, split_name, Outcome, ReplayError, Replayer, SqlState, R};
use crate::catalog::{choose_relation_name, Identity, QualifiedName, SqlType};
use crate::pg::deparse::stored_default;
use crate::pg::types::serial_kind;
use crate::sql::parse::ast::{AlterTable, AlterTableAction};

impl Replayer {
    /// `ALTER TABLE`.
    pub(crate) fn alter_table(&mut self, at: &AlterTable) -> R<Outcome> {
        let (schema, table) = match self.resolve_table(&at.name) {
            Ok(x) => x,
            Err(e) => {
                let (sch, name) = split_name(&at.name);
                // ALTER TABLE also accepts views, sequences and indexes for renames and owners.
                if let Some(outcome) = self.alter_other_relation(sch.as_deref(), &name, at)? {
                    return Ok(outcome);
                }
                if at.if_exists {
                    return Ok(Outcome::Understood);
                }
                return Err(e);
            }
        };
        // A statement is atomic: a failing operation undoes the earlier ones. Only the altered
        // table is restored (effects on other tables, such as foreign keys dropped by CASCADE,
        // stay; they only happen in operations that succeeded).
        let single = at.actions.len() == 1;
        let snapshot = (!single).then(|| {
            let s = &self.catalog.schemas[&schema];
            (s.tables[&table].clone(), s.sequences.clone())
        });
        let mut name = table.clone();
        for action in &at.actions {
            let result = match action {
                AlterTableAction::Sql(op) => self.alter_table_op(&schema, &name, op),
                other => self.alter_table_action(&schema, &name, other),
            };
            // Without ONLY, column changes reach the tables that inherit from this one.
            let result = match result {
                Ok(renamed) if !at.only => self
                    .alter_descendants(&schema, &name, action)
                    .map(|()| renamed),
                other => other,
            };
            match result {
                Ok(Some(new_name)) => name = new_name,
                Ok(None) => {}
                Err(e) => {
                    if let Some((t, sequences)) = snapshot {
                        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
                        s.tables.remove(&name);
                        s.tables.insert(table, t);
                        s.sequences = sequences;
                    }
                    return Err(e);
                }
            }
        }
        Ok(Outcome::Understood)
    }

    /// ALTER TABLE on a view/sequence/index: renames and schema moves. `None` if no such relation.
    fn alter_other_relation(
        &mut self,
        schema: Option<&str>,
        name: &str,
        at: &AlterTable,
    ) -> R<Option<Outcome>> {
        let Some(s) = self.find_in_path(schema, &|s| s.has_relation(name)) else {
            return Ok(None);
        };
        if self.catalog.schemas[&s]
            .views
            .get(name)
            .is_some_and(|v| !v.materialized)
        {
            if let Some(action) = at.actions.iter().find_map(not_for_views) {
                return Err(ReplayError::new(
                    SqlState::WrongObjectType,
                    format!("ALTER action {action} cannot be performed on relation \"{name}\""),
                ));
            }
        }
        for op in at.actions.iter().filter_map(|a| match a {
            AlterTableAction::Sql(op) => Some(op),
            _ => None,
        }) {
            if let AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } = op
            {
                if self.catalog.schemas[&s].views.contains_key(name) {
                    self.rename_view_column(
                        &s,
                        name,
                        &fold(old_column_name),
                        &fold(new_column_name),
                    )?;
                }
            }
            let view = self.catalog.schemas[&s].views.contains_key(name);
            match op {
                AlterTableOperation::SetOptionsParens { options } if view => {
                    let set = super::objects::views::view_options(options);
                    self.set_view_options(&s, name, set, &[]);
                }
                AlterTableOperation::ResetOptions { options } if view => {
                    let keys: Vec<String> = options
                        .iter()
                        .map(|o| crate::sql::replay::name_parts(o).join("."))
                        .collect();
                    self.set_view_options(&s, name, Vec::new(), &keys);
                }
                _ => {}
            }
            if let AlterTableOperation::AlterColumn { column_name, op } = op {
                if self.catalog.schemas[&s].views.contains_key(name) {
                    self.alter_view_column(&s, name, &fold(column_name), op)?;
                }
            }
            if let AlterTableOperation::RenameTable { table_name } = op {
                let new = match table_name {
                    RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => n,
                };
                let old = sqlparser::ast::ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', s.clone()),
                    sqlparser::ast::Ident::with_quote('"', name.to_string()),
                ]);
                self.rename_relation(&old, new, true)?;
            }
        }
        Ok(Some(Outcome::Understood))
    }

    /// One ALTER TABLE operation; returns the new table name after a rename.
    pub(super) fn alter_table_op(
        &mut self,
        schema: &str,
        table: &str,
        op: &AlterTableOperation,
    ) -> R<Option<String>> {
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => self.add_column(schema, table, *if_not_exists, column_def)?,
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => match constraint {
                TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) => {
                    let primary = matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_));
                    self.constraint_using_index(schema, table, u, primary)?;
                }
                _ => {
                    let p = self.pending_from_table_constraint(constraint, *not_valid)?;
                    self.add_constraints(schema, table, vec![p])?;
                }
            },
            AlterTableOperation::DropConstraint {
                if_exists,
                name,
                drop_behavior,
            } => {
                let n = fold(name);
                let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
                if !self.drop_constraint(schema, table, &n, cascade)? && !*if_exists {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("constraint \"{n}\" of relation \"{table}\" does not exist"),
                    ));
                }
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                drop_behavior,
                ..
            } => self.drop_columns(schema, table, column_names, *if_exists, drop_behavior)?,
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (old, new) = (fold(old_column_name), fold(new_column_name));
                self.rename_column(schema, table, &old, &new)?;
                self.column_renamed(schema, table, &old, &new);
                self.tracked.data.column_renamed(schema, table, &old, &new);
            }
            AlterTableOperation::RenameTable { table_name } => {
                let new = match table_name {
                    RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => n,
                };
                let (_, new_name) = split_name(new);
                let old = sqlparser::ast::ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', schema.to_string()),
                    sqlparser::ast::Ident::with_quote('"', table.to_string()),
                ]);
                self.rename_relation(&old, new, true)?;
                return Ok(Some(new_name));
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                self.rename_constraint(schema, table, &fold(old_name), &fold(new_name))?;
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                self.alter_column(schema, table, &fold(column_name), op)?;
            }
            AlterTableOperation::EnableRowLevelSecurity => {
                self.table_mut(schema, table).rls_enabled = true
            }
            AlterTableOperation::DisableRowLevelSecurity => {
                self.table_mut(schema, table).rls_enabled = false
            }
            AlterTableOperation::ForceRowLevelSecurity => {
                self.table_mut(schema, table).rls_forced = true
            }
            AlterTableOperation::NoForceRowLevelSecurity => {
                self.table_mut(schema, table).rls_forced = false
            }
            AlterTableOperation::ValidateConstraint { name } => {
                self.validate_constraint(schema, table, name)?
            }
            AlterTableOperation::Inherit { parent } => {
                let (ps, pn) = self.resolve_table(parent)?;
                // The child must have every column of the parent, of the same type.
                let child = &self.catalog.schemas[schema].tables[table];
                for pc in &self.catalog.schemas[&ps].tables[&pn].columns {
                    match child.column(&pc.name) {
                        None => {
                            return Err(ReplayError::new(
                                SqlState::Raised("datatype_mismatch"),
                                format!("child table is missing column \"{}\"", pc.name),
                            ))
                        }
                        Some(cc) if cc.ty != pc.ty => {
                            return Err(ReplayError::new(
                                SqlState::Raised("datatype_mismatch"),
                                format!(
                                    "child table \"{table}\" has different type for column \"{}\"",
                                    pc.name
                                ),
                            ))
                        }
                        Some(cc) if pc.not_null && !cc.not_null => {
                            return Err(ReplayError::new(
                                SqlState::Raised("datatype_mismatch"),
                                format!(
                                    "column \"{}\" in child table must be marked NOT NULL",
                                    pc.name
                                ),
                            ))
                        }
                        Some(_) => {}
                    }
                }
                self.table_mut(schema, table)
                    .inherits
                    .push(QualifiedName::new(ps, pn));
            }
            AlterTableOperation::NoInherit { parent } => {
                let (ps, pn) = self.resolve_table(parent)?;
                let q = QualifiedName::new(ps, pn);
                self.table_mut(schema, table).inherits.retain(|p| *p != q);
            }
            AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableAlwaysTrigger { .. }
            | AlterTableOperation::EnableReplicaTrigger { .. }
            | AlterTableOperation::EnableRule { .. }
            | AlterTableOperation::DisableRule { .. }
            | AlterTableOperation::EnableAlwaysRule { .. }
            | AlterTableOperation::EnableReplicaRule { .. }
            | AlterTableOperation::SetOptionsParens { .. }
            | AlterTableOperation::ResetOptions { .. }
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::SetLogged
            | AlterTableOperation::SetUnlogged
            | AlterTableOperation::ClusterBy { .. }
            | AlterTableOperation::SetTblProperties { .. } => {}
            AlterTableOperation::AttachPartitionOf { partition, .. } => {
                let (ps, pn) = self.resolve_table(partition)?;
                let parent = QualifiedName::new(schema, table);
                let t = self.table_mut(&ps, &pn);
                t.is_partition = true;
                t.inherits.push(parent);
            }
            AlterTableOperation::DetachPartitionOf { partition, .. } => {
                let (ps, pn) = self.resolve_table(partition)?;
                let parent = QualifiedName::new(schema, table);
                let t = self.table_mut(&ps, &pn);
                t.is_partition = false;
                t.inherits.retain(|p| *p != parent);
            }
            other => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("ALTER TABLE form not supported: {other}"),
                ))
            }
        }
        Ok(None)
    }

    /// `ADD COLUMN`: the column with its constraints and sequence, all or nothing.
    fn add_column(
        &mut self,
        schema: &str,
        table: &str,
        if_not_exists: bool,
        column_def: &sqlparser::ast::ColumnDef,
    ) -> R<()> {
        let n = fold(&column_def.name);
        if self.catalog.schemas[schema].tables[table]
            .column(&n)
            .is_some()
        {
            if if_not_exists {
                return Ok(());
            }
            return Err(ReplayError::new(
                SqlState::DuplicateColumn,
                format!("column \"{n}\" of relation \"{table}\" already exists"),
            ));
        }
        let (col, cons, seq) = {
            let existing = &self.catalog.schemas[schema].tables[table].columns;
            self.column_from_def(schema, table, column_def, existing)?
        };
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        let seq_name = seq.as_ref().map(|q| q.name.clone());
        if let Some(seq) = seq {
            s.sequences.insert(seq.name.clone(), seq);
        }
        let t = s.tables.get_mut(table).expect("table");
        let before = (!cons.is_empty()).then(|| t.clone());
        t.columns.push(col);
        if let Err(e) = self.add_constraints(schema, table, cons) {
            // Atomic on its own: the new column goes with its failed constraints.
            let s = self.catalog.schemas.get_mut(schema).expect("schema");
            if let Some(before) = before {
                s.tables.insert(table.to_string(), before);
            }
            if let Some(q) = seq_name {
                s.sequences.remove(&q);
            }
            return Err(e);
        }
        Ok(())
    }

    /// `DROP COLUMN [IF EXISTS] a, b [CASCADE]`.
    fn drop_columns(
        &mut self,
        schema: &str,
        table: &str,
        column_names: &[sqlparser::ast::Ident],
        if_exists: bool,
        drop_behavior: &Option<sqlparser::ast::DropBehavior>,
    ) -> R<()> {
        let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
        for c in column_names {
            let n = fold(c);
            if self.catalog.schemas[schema].tables[table]
                .column(&n)
                .is_none()
            {
                if if_exists {
                    continue;
                }
                return Err(ReplayError::new(
                    SqlState::UndefinedColumn,
                    format!("column \"{n}\" of relation \"{table}\" does not exist"),
                ));
            }
            self.drop_column(schema, table, &n, cascade)?;
        }
        Ok(())
    }

    /// `VALIDATE CONSTRAINT name`.
    fn validate_constraint(
        &mut self,
        schema: &str,
        table: &str,
        name: &sqlparser::ast::Ident,
    ) -> R<()> {
        let n = fold(name);
        let t = self.table_mut(schema, table);
        let mut found = false;
        for fk in t.foreign_keys.iter_mut().filter(|f| f.name == n) {
            fk.validated = true;
            found = true;
        }
        for c in t.checks.iter_mut().filter(|c| c.name == n) {
            c.validated = true;
            found = true;
        }
        if !found && !t.has_constraint(&n) {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("constraint \"{n}\" of relation \"{table}\" does not exist"),
            ));
        }
        Ok(())
    }

    fn alter_column(
        &mut self,
        schema: &str,
        table: &str,
        col: &str,
        op: &AlterColumnOperation,
    ) -> R<()> {
        let t = &self.catalog.schemas[schema].tables[table];
        let Some(column) = t.column(col) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{col}\" of relation \"{table}\" does not exist"),
            ));
        };
        match op {
            AlterColumnOperation::SetNotNull => self.column_mut(schema, table, col).not_null = true,
            AlterColumnOperation::DropNotNull => {
                if t.primary_key
                    .as_ref()
                    .is_some_and(|p| p.columns.iter().any(|c| c == col))
                {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("column \"{col}\" is in a primary key"),
                    ));
                }
                if column.identity.is_some() {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("column \"{col}\" of relation \"{table}\" is an identity column"),
                    ));
                }
                self.column_mut(schema, table, col).not_null = false;
            }
            AlterColumnOperation::SetDefault { value } => {
                let text = stored_default(
                    value,
                    &column.ty,
                    &self.table_ctx(schema, table, &t.columns),
                );
                self.column_mut(schema, table, col).default = text;
            }
            AlterColumnOperation::DropDefault => {
                self.column_mut(schema, table, col).default = None;
            }
            AlterColumnOperation::SetDataType { data_type, .. } => {
                self.column_type_can_change(schema, table, col)?;
                let ty = if let Some(int) = serial_kind(data_type) {
                    SqlType::builtin(int)
                } else {
                    self.resolve_column_type(data_type)?
                };
                // Postgres re-coerces the default with an implicit cast, which prints as
                // before: the default text does not change.
                let default = column.default.clone();
                let c = self.column_mut(schema, table, col);
                c.ty = ty;
                c.default = default;
            }
            AlterColumnOperation::AddGenerated {
                generated_as,
                sequence_options,
            } => {
                if column.identity.is_some() {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("column \"{col}\" of relation \"{table}\" is already an identity column"),
                    ));
                }
                let s = &self.catalog.schemas[schema];
                let seq_name =
                    choose_relation_name(table, Some(col), "seq", &|n| s.has_relation(n));
                let mut seq = default_sequence(&seq_name, &column.ty.name);
                if let Some(opts) = sequence_options {
                    apply_sequence_options(&mut seq, opts);
                }
                seq.owned_by = Some((table.to_string(), col.to_string()));
                let c = self.column_mut(schema, table, col);
                c.identity = Some(if matches!(generated_as, Some(GeneratedAs::ByDefault)) {
                    Identity::ByDefault
                } else {
                    Identity::Always
                });
                c.not_null = true;
                self.catalog
                    .schemas
                    .get_mut(schema)
                    .expect("schema")
                    .sequences
                    .insert(seq.name.clone(), seq);
            }
            other => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("ALTER COLUMN form not supported: {other}"),
                ))
            }
        }
        Ok(())
    }
}

/// The name PostgreSQL gives an `ALTER TABLE` action it does not take for a view, or `None`
/// for those it takes (renames, owner, options, column defaults).
fn not_for_views(action: &AlterTableAction) -> Option<&'static str> {
    use AlterColumnOperation as C;
    use AlterTableOperation as O;
    let op = match action {
        AlterTableAction::Sql(op) => op,
        AlterTableAction::AlterColumnType { .. } => return Some("ALTER COLUMN ... SET DATA TYPE"),
        AlterTableAction::AddIdentity { .. } => return Some("ALTER COLUMN ... ADD IDENTITY"),
        AlterTableAction::AlterIdentity { .. } => return Some("ALTER COLUMN ... SET"),
        AlterTableAction::DropIdentity { .. } => return Some("ALTER COLUMN ... DROP IDENTITY"),
        AlterTableAction::DropExpression { .. } => return Some("ALTER COLUMN ... DROP EXPRESSION"),
        AlterTableAction::ColumnStorage { .. } => return Some("ALTER COLUMN ... SET STATISTICS"),
        AlterTableAction::AlterConstraint { .. } => return Some("ALTER CONSTRAINT"),
        AlterTableAction::ClusterOn(_) => return Some("CLUSTER ON"),
        AlterTableAction::Of(_) => return Some("OF"),
        AlterTableAction::NotOf => return Some("NOT OF"),
        _ => return None,
    };
    Some(match op {
        O::RenameColumn { .. }
        | O::RenameTable { .. }
        | O::RenameConstraint { .. }
        | O::OwnerTo { .. }
        | O::SetOptionsParens { .. }
        | O::ResetOptions { .. }
        | O::SetTblProperties { .. } => return None,
        O::AlterColumn { op, .. } => match op {
            C::SetDefault { .. } | C::DropDefault => return None,
            C::SetNotNull => "ALTER COLUMN ... SET NOT NULL",
            C::DropNotNull => "ALTER COLUMN ... DROP NOT NULL",
            C::SetDataType { .. } => "ALTER COLUMN ... SET DATA TYPE",
            _ => "ALTER COLUMN",
        },
        O::AddColumn { .. } => "ADD COLUMN",
        O::DropColumn { .. } => "DROP COLUMN",
        O::AddConstraint { .. } => "ADD CONSTRAINT",
        O::DropConstraint { .. } => "DROP CONSTRAINT",
        O::ValidateConstraint { .. } => "VALIDATE CONSTRAINT",
        O::EnableRowLevelSecurity => "ENABLE ROW SECURITY",
        O::DisableRowLevelSecurity => "DISABLE ROW SECURITY",
        O::ForceRowLevelSecurity => "FORCE ROW SECURITY",
        O::NoForceRowLevelSecurity => "NO FORCE ROW SECURITY",
        O::ReplicaIdentity { .. } => "REPLICA IDENTITY",
        O::Inherit { .. } => "INHERIT",
        O::NoInherit { .. } => "NO INHERIT",
        O::SetLogged => "SET LOGGED",
        O::SetUnlogged => "SET UNLOGGED",
        O::EnableTrigger { .. }
        | O::DisableTrigger { .. }
        | O::EnableAlwaysTrigger { .. }
        | O::EnableReplicaTrigger { .. } => "ENABLE/DISABLE TRIGGER",
        O::EnableRule { .. }
        | O::DisableRule { .. }
        | O::EnableAlwaysRule { .. }
        | O::EnableReplicaRule { .. } => "ENABLE/DISABLE RULE",
        O::AttachPartitionOf { .. } | O::DetachPartitionOf { .. } => "ATTACH/DETACH PARTITION",
        O::ClusterBy { .. } => "CLUSTER ON",
        // Forms PostgreSQL does not have or schemagen does not tell apart: left alone.
        _ => return None,
    })
}
