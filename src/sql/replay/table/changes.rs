//! Dropping and renaming columns and constraints, with the foreign keys and expressions that depend
//! on them.

use crate::catalog::IndexTarget;
use crate::sql::replay::{ReplayError, Replayer, SqlState, R};

use super::add::{constraint_count, same_set};
use super::depends_error;

impl Replayer {
    /// Foreign keys that depend on what is being dropped: an error without CASCADE (naming the
    /// first), dropped with it.
    pub(crate) fn drop_dependent_fks(
        &mut self,
        what: &str,
        fks: Vec<(String, String, String)>,
        cascade: bool,
    ) -> R<()> {
        if let (Some((_, t, fk)), false) = (fks.first(), cascade) {
            return Err(depends_error(
                what,
                &format!("constraint {fk} on table {t}"),
            ));
        }
        for (s, t, fk) in fks {
            self.table_mut(&s, &t).foreign_keys.retain(|f| f.name != fk);
        }
        Ok(())
    }
}

impl Replayer {
    /// Drops a constraint by name; false if the table has none of that name.
    pub(in crate::sql::replay) fn drop_constraint(
        &mut self,
        schema: &str,
        table: &str,
        name: &str,
        cascade: bool,
    ) -> R<bool> {
        let t = &self.catalog.schemas[schema].tables[table];
        let key_cols = if t.primary_key.as_ref().is_some_and(|p| p.name == name) {
            t.primary_key.as_ref().map(|p| p.columns.clone())
        } else {
            t.uniques
                .iter()
                .find(|u| u.name == name)
                .map(|u| u.columns.clone())
        };
        if let Some(cols) = key_cols {
            let dependents = self.fks_referencing(schema, table, Some(&cols));
            self.drop_dependent_fks(
                &format!("constraint {name} on table {table}"),
                dependents,
                cascade,
            )?;
        }
        let t = self.table_mut(schema, table);
        let before = constraint_count(t);
        if t.primary_key.as_ref().is_some_and(|p| p.name == name) {
            t.primary_key = None;
        }
        t.uniques.retain(|c| c.name != name);
        t.foreign_keys.retain(|c| c.name != name);
        t.checks.retain(|c| c.name != name);
        t.exclusions.retain(|c| c.name != name);
        Ok(constraint_count(t) != before)
    }

    /// Foreign keys (schema, table, name) that reference `schema.table` (on `cols`, if given).
    pub(crate) fn fks_referencing(
        &self,
        schema: &str,
        table: &str,
        cols: Option<&[String]>,
    ) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for s in self.catalog.schemas.values() {
            for t in s.tables.values() {
                for fk in &t.foreign_keys {
                    if fk.references.schema == schema
                        && fk.references.name == table
                        && cols.is_none_or(|c| same_set(c, &fk.referenced_columns))
                        && !(s.name == schema && t.name == table && cols.is_none())
                    {
                        out.push((s.name.clone(), t.name.clone(), fk.name.clone()));
                    }
                }
            }
        }
        out
    }

    pub(in crate::sql::replay) fn drop_column(
        &mut self,
        schema: &str,
        table: &str,
        col: &str,
        cascade: bool,
    ) -> R<()> {
        // Foreign keys elsewhere that need a key on this column.
        let mut dependents = Vec::new();
        for s in self.catalog.schemas.values() {
            for t in s.tables.values() {
                for fk in &t.foreign_keys {
                    if fk.references.schema == schema
                        && fk.references.name == table
                        && fk.referenced_columns.iter().any(|c| c == col)
                        && !(s.name == schema
                            && t.name == table
                            && fk.columns.iter().any(|c| c == col))
                    {
                        dependents.push((s.name.clone(), t.name.clone(), fk.name.clone()));
                    }
                }
            }
        }
        self.drop_dependent_fks(
            &format!("column {col} of table {table}"),
            dependents,
            cascade,
        )?;
        self.drop_column_dependents(schema, table, col, cascade)?;
        let t = self.table_mut(schema, table);
        t.columns.retain(|c| c.name != col);
        let uses = |cols: &[String]| cols.iter().any(|c| c == col);
        if t.primary_key
            .as_ref()
            .is_some_and(|p| uses(&p.columns) || uses(&p.include))
        {
            t.primary_key = None;
        }
        t.uniques.retain(|u| !uses(&u.columns) && !uses(&u.include));
        t.foreign_keys.retain(|f| !uses(&f.columns));
        let col_ident = crate::sql::quote_ident(col);
        t.checks.retain(|c| {
            !crate::sql::replay::objects::mentions_identifier(&c.expression, col, &col_ident)
        });
        t.indexes.retain(|i| {
            !i.keys.iter().any(|k| match &k.target {
                IndexTarget::Column(c) => c == col,
                IndexTarget::Expression(e) => {
                    crate::sql::replay::objects::mentions_identifier(e, col, &col_ident)
                }
            }) && !uses(&i.include)
                && !i.predicate.as_deref().is_some_and(|p| {
                    crate::sql::replay::objects::mentions_identifier(p, col, &col_ident)
                })
        });
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        s.sequences
            .retain(|_, seq| seq.owned_by.as_ref() != Some(&(table.to_string(), col.to_string())));
        Ok(())
    }

    pub(in crate::sql::replay) fn rename_column(
        &mut self,
        schema: &str,
        table: &str,
        old: &str,
        new: &str,
    ) -> R<()> {
        let t = self.table_mut(schema, table);
        if t.column(new).is_some() {
            return Err(ReplayError::new(
                SqlState::DuplicateColumn,
                format!("column \"{new}\" of relation \"{table}\" already exists"),
            ));
        }
        let Some(c) = t.column_mut(old) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{old}\" does not exist"),
            ));
        };
        c.name = new.to_string();
        let ren = |v: &mut Vec<String>| {
            for c in v.iter_mut() {
                if c == old {
                    *c = new.to_string();
                }
            }
        };
        let ren_text =
            |s: &mut String| *s = crate::sql::replay::objects::rename_identifier(s, old, new);
        if let Some(pk) = &mut t.primary_key {
            ren(&mut pk.columns);
            ren(&mut pk.include);
        }
        for u in &mut t.uniques {
            ren(&mut u.columns);
            ren(&mut u.include);
        }
        for f in &mut t.foreign_keys {
            ren(&mut f.columns);
        }
        for c in &mut t.checks {
            ren_text(&mut c.expression);
        }
        for col in &mut t.columns {
            if let Some(g) = &mut col.generated {
                ren_text(g);
            }
        }
        for i in &mut t.indexes {
            ren(&mut i.include);
            for k in &mut i.keys {
                match &mut k.target {
                    IndexTarget::Column(c) if c == old => *c = new.to_string(),
                    IndexTarget::Expression(e) => ren_text(e),
                    _ => {}
                }
            }
            if let Some(p) = &mut i.predicate {
                ren_text(p);
            }
        }
        for p in &mut t.policies {
            if let Some(u) = &mut p.using {
                ren_text(u);
            }
            if let Some(w) = &mut p.with_check {
                ren_text(w);
            }
        }
        // Foreign keys pointing at the column, and sequences owned by it.
        for s in self.catalog.schemas.values_mut() {
            for t in s.tables.values_mut() {
                for f in &mut t.foreign_keys {
                    if f.references.schema == schema && f.references.name == table {
                        for c in f.referenced_columns.iter_mut() {
                            if c == old {
                                *c = new.to_string();
                            }
                        }
                    }
                }
            }
        }
        for seq in self
            .catalog
            .schemas
            .get_mut(schema)
            .expect("schema")
            .sequences
            .values_mut()
        {
            if seq.owned_by.as_ref() == Some(&(table.to_string(), old.to_string())) {
                seq.owned_by = Some((table.to_string(), new.to_string()));
            }
        }
        Ok(())
    }

    pub(in crate::sql::replay) fn rename_constraint(
        &mut self,
        schema: &str,
        table: &str,
        old: &str,
        new: &str,
    ) -> R<()> {
        let t = self.table_mut(schema, table);
        if t.has_constraint(new) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("constraint \"{new}\" for relation \"{table}\" already exists"),
            ));
        }
        self.remember(new);
        let t = self.table_mut(schema, table);
        let mut found = false;
        let mut set = |n: &mut String| {
            if n == old {
                *n = new.to_string();
                found = true;
            }
        };
        if let Some(pk) = &mut t.primary_key {
            set(&mut pk.name);
        }
        t.uniques.iter_mut().for_each(|c| set(&mut c.name));
        t.foreign_keys.iter_mut().for_each(|c| set(&mut c.name));
        t.checks.iter_mut().for_each(|c| set(&mut c.name));
        t.exclusions.iter_mut().for_each(|c| set(&mut c.name));
        if !found {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("constraint \"{old}\" for table \"{table}\" does not exist"),
            ));
        }
        Ok(())
    }
}
