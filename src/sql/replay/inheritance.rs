//! `ALTER TABLE` without `ONLY` on a table that has children (tables that `INHERITS` it,
//! partitions): PostgreSQL applies the column changes to every descendant too. `pg_dump`
//! writes a child as `CREATE TABLE child () INHERITS (base)`, so a later migration that renames,
//! retypes, drops or adds a column of `base` changes `child` as well.
//!
//! Covered: `ADD COLUMN` (the parent's new column, without its identity for an inheriting
//! table, whose sequence is the parent's; a child that already has the column keeps it, as
//! PostgreSQL merges the two), `DROP COLUMN`, `RENAME COLUMN`, `ALTER COLUMN … TYPE`,
//! `SET/DROP DEFAULT` and `SET/DROP NOT NULL`. Constraints and indexes are not followed.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation};

use super::{fold, Replayer, R};
use crate::sql::parse::ast::AlterTableAction;

impl Replayer {
    /// The direct children of `schema.table` (inheriting tables and partitions), in name order.
    fn children_of(&self, schema: &str, table: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (sn, s) in &self.catalog.schemas {
            for (tn, t) in &s.tables {
                if t.inherits
                    .iter()
                    .any(|p| p.schema == schema && p.name == table)
                {
                    out.push((sn.clone(), tn.clone()));
                }
            }
        }
        out
    }

    /// Applies to the descendants of `schema.table` what `action` did to it (see the module).
    pub(super) fn alter_descendants(
        &mut self,
        schema: &str,
        table: &str,
        action: &AlterTableAction,
    ) -> R<()> {
        for (cs, cn) in self.children_of(schema, table) {
            if !self.alter_child(schema, table, &cs, &cn, action)? {
                continue;
            }
            crate::sql::replay::deep(|| self.alter_descendants(&cs, &cn, action))?;
        }
        Ok(())
    }

    /// One child; `false` when the action is not one that reaches children.
    fn alter_child(
        &mut self,
        schema: &str,
        table: &str,
        cs: &str,
        cn: &str,
        action: &AlterTableAction,
    ) -> R<bool> {
        let has = |r: &Replayer, col: &str| r.catalog.schemas[cs].tables[cn].column(col).is_some();
        match action {
            AlterTableAction::Sql(AlterTableOperation::AddColumn { column_def, .. }) => {
                let n = fold(&column_def.name);
                if has(self, &n) {
                    return Ok(true);
                }
                let parent = &self.catalog.schemas[schema].tables[table];
                let Some(mut col) = parent.column(&n).cloned() else {
                    return Ok(false);
                };
                if !self.catalog.schemas[cs].tables[cn].is_partition {
                    col.identity = None;
                }
                self.table_mut(cs, cn).columns.push(col);
            }
            AlterTableAction::Sql(AlterTableOperation::DropColumn {
                column_names,
                drop_behavior,
                ..
            }) => {
                let present: Vec<_> = column_names
                    .iter()
                    .filter(|c| has(self, &fold(c)))
                    .cloned()
                    .collect();
                self.alter_table_op(
                    cs,
                    cn,
                    &AlterTableOperation::DropColumn {
                        has_column_keyword: true,
                        column_names: present,
                        if_exists: true,
                        drop_behavior: *drop_behavior,
                    },
                )?;
            }
            AlterTableAction::Sql(
                op @ AlterTableOperation::RenameColumn {
                    old_column_name, ..
                },
            ) => {
                if has(self, &fold(old_column_name)) {
                    self.alter_table_op(cs, cn, op)?;
                }
            }
            AlterTableAction::Sql(
                op @ AlterTableOperation::AlterColumn {
                    column_name,
                    op:
                        AlterColumnOperation::SetNotNull
                        | AlterColumnOperation::DropNotNull
                        | AlterColumnOperation::SetDefault { .. }
                        | AlterColumnOperation::DropDefault
                        | AlterColumnOperation::SetDataType { .. },
                },
            ) => {
                if has(self, &fold(column_name)) {
                    self.alter_table_op(cs, cn, op)?;
                }
            }
            AlterTableAction::AlterColumnType { column, .. } => {
                if has(self, &fold(column)) {
                    self.alter_table_action(cs, cn, action)?;
                }
            }
            _ => return Ok(false),
        }
        Ok(true)
    }
}
