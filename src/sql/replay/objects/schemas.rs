//! `CREATE`/`ALTER SCHEMA`, and renaming schemas and relations with every reference to them.

use sqlparser::ast::{AlterSchema, AlterSchemaOperation, ObjectName, SchemaName};

use crate::catalog::Schema;
use crate::sql::replay::{
    fold, name_parts, split_name, undefined_relation, Outcome, ReplayError, Replayer, SqlState, R,
};

impl Replayer {
    /// `CREATE SCHEMA`.
    pub(crate) fn create_schema(&mut self, name: &SchemaName, if_not_exists: bool) -> R<Outcome> {
        let n = match name {
            SchemaName::Simple(n) | SchemaName::NamedAuthorization(n, _) => {
                name_parts(n).pop().unwrap_or_default()
            }
            SchemaName::UnnamedAuthorization(role) => fold(role),
        };
        if self.catalog.schemas.contains_key(&n) {
            if if_not_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::DuplicateSchema,
                format!("schema \"{n}\" already exists"),
            ));
        }
        self.catalog.schemas.insert(n.clone(), Schema::new(n));
        Ok(Outcome::Understood)
    }

    /// `ALTER SCHEMA … RENAME TO`.
    pub(crate) fn alter_schema(&mut self, a: &AlterSchema) -> R<Outcome> {
        let old = name_parts(&a.name).pop().unwrap_or_default();
        if !self.catalog.schemas.contains_key(&old) {
            if a.if_exists {
                return Ok(Outcome::Understood);
            }
            return Err(ReplayError::new(
                SqlState::InvalidSchemaName,
                format!("schema \"{old}\" does not exist"),
            ));
        }
        for op in &a.operations {
            if let AlterSchemaOperation::Rename { name } = op {
                let new = name_parts(name).pop().unwrap_or_default();
                if self.catalog.schemas.contains_key(&new) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateSchema,
                        format!("schema \"{new}\" already exists"),
                    ));
                }
                let mut s = self.catalog.schemas.remove(&old).expect("checked");
                s.name = new.clone();
                self.catalog.schemas.insert(new.clone(), s);
                self.rename_schema_references(&old, &new);
            }
        }
        Ok(Outcome::Understood)
    }

    fn rename_schema_references(&mut self, old: &str, new: &str) {
        // Views and policies read relations as trees: each relation of the schema moved.
        let moved: Vec<String> = self
            .catalog
            .schemas
            .get(new)
            .map(|s| s.tables.keys().chain(s.views.keys()).cloned().collect())
            .unwrap_or_default();
        for name in &moved {
            self.relation_moved(old, name, new);
        }
        for s in self.catalog.schemas.values_mut() {
            for t in s.tables.values_mut() {
                for c in &mut t.columns {
                    if c.ty.schema == old {
                        c.ty.schema = new.to_string();
                    }
                }
                for f in &mut t.foreign_keys {
                    if f.references.schema == old {
                        f.references.schema = new.to_string();
                    }
                }
                for p in &mut t.inherits {
                    if p.schema == old {
                        p.schema = new.to_string();
                    }
                }
            }
        }
        for e in self.catalog.extensions.values_mut() {
            if e.schema == old {
                e.schema = new.to_string();
            }
        }
    }
}

impl Replayer {
    /// Renames a table, view, sequence or index (`ALTER … RENAME TO`). The new name is not
    /// qualified: the relation stays in its schema.
    pub(crate) fn rename_relation(
        &mut self,
        old: &ObjectName,
        new: &ObjectName,
        table_only: bool,
    ) -> R<()> {
        let (schema, name) = split_name(old);
        let found = self.find_in_path(schema.as_deref(), &|s| {
            s.tables.contains_key(&name) || s.views.contains_key(&name)
        });
        self.rename_relation_inner(old, new, table_only)?;
        if let Some(schema) = found {
            let new = name_parts(new).pop().unwrap_or_default();
            self.relation_renamed(&schema, &name, &new);
            self.tracked.data.moved((&schema, &name), (&schema, &new));
            self.tracked
                .triggers
                .relation_moved((&schema, &name), (&schema, &new));
            self.view_row_written(&schema, &new);
        }
        Ok(())
    }

    fn rename_relation_inner(
        &mut self,
        old: &ObjectName,
        new: &ObjectName,
        _table_only: bool,
    ) -> R<()> {
        let (schema, name) = split_name(old);
        let new = name_parts(new).pop().unwrap_or_default();
        let Some(schema) = self.find_in_path(schema.as_deref(), &|s| s.has_relation(&name)) else {
            return Err(undefined_relation(schema.as_deref(), &name));
        };
        if self.relation_taken(&schema, &new) {
            return Err(ReplayError::new(
                SqlState::DuplicateTable,
                format!("relation \"{new}\" already exists"),
            ));
        }
        self.remember(&new);
        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
        if let Some(mut t) = s.tables.remove(&name) {
            t.name = new.clone();
            s.tables.insert(new.clone(), t);
            for seq in s.sequences.values_mut() {
                if let Some((tn, _)) = &mut seq.owned_by {
                    if *tn == name {
                        *tn = new.clone();
                    }
                }
            }
            for sc in self.catalog.schemas.values_mut() {
                for t in sc.tables.values_mut() {
                    for f in &mut t.foreign_keys {
                        if f.references.schema == schema && f.references.name == name {
                            f.references.name = new.clone();
                        }
                    }
                    for p in &mut t.inherits {
                        if p.schema == schema && p.name == name {
                            p.name = new.clone();
                        }
                    }
                }
            }
        } else if let Some(mut v) = s.views.remove(&name) {
            v.name = new.clone();
            s.views.insert(new.clone(), v);
        } else if let Some(mut q) = s.sequences.remove(&name) {
            q.name = new.clone();
            s.sequences.insert(new.clone(), q);
            // Defaults print the sequence through regclass, so they follow the rename.
            let old_text = crate::sql::quote_literal(&self.regclass_text_before(&schema, &name));
            let new_text = crate::sql::quote_literal(&self.regclass_text(&schema, &new));
            for sc in self.catalog.schemas.values_mut() {
                for t in sc.tables.values_mut() {
                    for c in &mut t.columns {
                        if let Some(d) = &mut c.default {
                            let pat = format!("nextval({old_text}::regclass)");
                            if d.contains(&pat) {
                                *d = d.replace(&pat, &format!("nextval({new_text}::regclass)"));
                            }
                        }
                    }
                }
            }
        } else if let Some(mut c) = s.composites.remove(&name) {
            c.name = new.clone();
            s.composites.insert(new.clone(), c);
        } else {
            // An index, possibly backing a constraint (which is renamed with it).
            for t in s.tables.values_mut() {
                for i in &mut t.indexes {
                    if i.name == name {
                        i.name = new.clone();
                    }
                }
                if let Some(pk) = &mut t.primary_key {
                    if pk.name == name {
                        pk.name = new.clone();
                    }
                }
                for u in &mut t.uniques {
                    if u.name == name {
                        u.name = new.clone();
                    }
                }
                for x in &mut t.exclusions {
                    if x.name == name {
                        x.name = new.clone();
                    }
                }
            }
            for v in s.views.values_mut() {
                for i in &mut v.indexes {
                    if i.name == name {
                        i.name = new.clone();
                    }
                }
            }
        }
        Ok(())
    }

    /// `regclass_text` as it printed before a rename (the old name was visible the same way).
    fn regclass_text_before(&self, schema: &str, old: &str) -> String {
        let q = crate::sql::quote_ident(old);
        let first = crate::sql::replay::DEFAULT_SEARCH_PATH
            .iter()
            .map(|s| if *s == "$user" { "postgres" } else { s })
            .find(|s| self.catalog.schemas.contains_key(*s));
        if first == Some(schema) || schema == "public" {
            q
        } else {
            format!("{}.{}", crate::sql::quote_ident(schema), q)
        }
    }
}
