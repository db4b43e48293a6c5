//! `DROP` of tables, indexes, sequences, types and schemas, with `CASCADE`'s dependents.

use sqlparser::ast::{ObjectName, ObjectType};

use crate::diagnostics::Diagnostics;
use crate::sql::replay::table::depends_error;
use crate::sql::replay::{split_name, Outcome, ReplayError, Replayer, SqlState, Stmt, R};

impl Replayer {
    /// `DROP TABLE|VIEW|MATERIALIZED VIEW|INDEX|SEQUENCE|TYPE|SCHEMA`.
    pub(crate) fn drop(
        &mut self,
        object: ObjectType,
        names: &[ObjectName],
        if_exists: bool,
        cascade: bool,
        _diags: &mut Diagnostics,
        _stmt: Stmt<'_>,
    ) -> R<Outcome> {
        // The relations this statement drops: a view reading one of them is no obstacle.
        let dropping: Vec<(String, String)> = names
            .iter()
            .filter_map(|name| {
                let (schema, n) = split_name(name);
                let s = self.find_in_path(schema.as_deref(), &|s| {
                    s.tables.contains_key(&n) || s.views.contains_key(&n)
                })?;
                Some((s, n))
            })
            .collect();
        for name in names {
            let (schema, n) = split_name(name);
            let found = match object {
                ObjectType::Table => {
                    self.find_in_path(schema.as_deref(), &|s| s.tables.contains_key(&n))
                }
                ObjectType::View => self.find_in_path(schema.as_deref(), &|s| {
                    s.views.get(&n).is_some_and(|v| !v.materialized)
                }),
                ObjectType::MaterializedView => self.find_in_path(schema.as_deref(), &|s| {
                    s.views.get(&n).is_some_and(|v| v.materialized)
                }),
                ObjectType::Index => {
                    self.find_in_path(schema.as_deref(), &|s| s.index_owner(&n).is_some())
                }
                ObjectType::Sequence => {
                    self.find_in_path(schema.as_deref(), &|s| s.sequences.contains_key(&n))
                }
                ObjectType::Type => self.find_in_path(schema.as_deref(), &|s| {
                    s.enums.contains_key(&n)
                        || s.composites.contains_key(&n)
                        || s.domains.contains_key(&n)
                        || s.ranges.contains_key(&n)
                        || s.multiranges.contains_key(&n)
                }),
                ObjectType::Schema => self.catalog.schemas.contains_key(&n).then(|| n.clone()),
                _ => return Ok(Outcome::PassedOver),
            };
            let Some(s) = found else {
                if if_exists {
                    continue;
                }
                let what = match object {
                    ObjectType::Table | ObjectType::Sequence | ObjectType::Index => "relation",
                    ObjectType::View => "view",
                    ObjectType::MaterializedView => "materialized view",
                    ObjectType::Type => "type",
                    _ => "schema",
                };
                return Err(ReplayError::new(
                    if matches!(object, ObjectType::Type | ObjectType::Schema) {
                        SqlState::UndefinedObject
                    } else {
                        SqlState::UndefinedTable
                    },
                    format!("{what} \"{n}\" does not exist"),
                ));
            };
            let kind = match object {
                ObjectType::Table => Some("table"),
                ObjectType::View => Some("view"),
                ObjectType::MaterializedView => Some("materialized view"),
                _ => None,
            };
            if let Some(kind) = kind {
                self.drop_relation_dependents(kind, &s, &n, &dropping, cascade)?;
            }
            match object {
                ObjectType::Table => self.drop_table(&s, &n, cascade)?,
                ObjectType::View | ObjectType::MaterializedView => {
                    self.catalog
                        .schemas
                        .get_mut(&s)
                        .expect("schema")
                        .views
                        .remove(&n);
                }
                ObjectType::Index => self.drop_index(&s, &n)?,
                ObjectType::Sequence => self.drop_sequence(&s, &n, cascade)?,
                ObjectType::Type => self.drop_type(&s, &n, cascade)?,
                ObjectType::Schema => self.drop_schema(&n, cascade)?,
                _ => {}
            }
        }
        self.prune_views();
        Ok(Outcome::Understood)
    }

    fn drop_table(&mut self, schema: &str, table: &str, cascade: bool) -> R<()> {
        let deps = self.fks_referencing(schema, table, None);
        self.drop_dependent_fks(&format!("table {table}"), deps, cascade)?;
        self.tracked.data.dropped(schema, table);
        self.tracked.triggers.forget_relation(schema, table);
        self.forget_table_policies(schema, table);
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        s.tables.remove(table);
        s.sequences
            .retain(|_, q| q.owned_by.as_ref().is_none_or(|(t, _)| t != table));
        Ok(())
    }

    fn drop_index(&mut self, schema: &str, name: &str) -> R<()> {
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        for t in s.tables.values_mut() {
            if t.primary_key.as_ref().is_some_and(|p| p.name == name)
                || t.uniques.iter().any(|u| u.name == name)
            {
                return Err(ReplayError::new(
                    SqlState::DependentObjects,
                    format!(
                        "cannot drop index {name} because constraint {name} on table {} requires it",
                        t.name
                    ),
                ));
            }
            t.indexes.retain(|i| i.name != name);
        }
        for v in s.views.values_mut() {
            v.indexes.retain(|i| i.name != name);
        }
        Ok(())
    }

    fn drop_sequence(&mut self, schema: &str, name: &str, cascade: bool) -> R<()> {
        let pat = format!(
            "nextval({}::regclass)",
            crate::sql::quote_literal(&self.regclass_text(schema, name))
        );
        let users = self.columns_where(&|c| c.default.as_deref().is_some_and(|d| d.contains(&pat)));
        if let (Some((_, t, c)), false) = (users.first(), cascade) {
            return Err(depends_error(
                &format!("sequence {name}"),
                &format!("default value for column {c} of table {t}"),
            ));
        }
        for (s, t, c) in users {
            self.column_mut(&s, &t, &c).default = None;
        }
        self.catalog
            .schemas
            .get_mut(schema)
            .expect("schema")
            .sequences
            .remove(name);
        Ok(())
    }

    pub(super) fn drop_type(&mut self, schema: &str, name: &str, cascade: bool) -> R<()> {
        if let Some(range) = self.catalog.schemas[schema].multiranges.get(name) {
            // A multirange type goes with its range type only.
            let shown = if self.type_visible(&range.schema, &range.name) {
                range.name.clone()
            } else {
                format!("{}.{}", range.schema, range.name)
            };
            return Err(ReplayError::new(
                SqlState::DependentObjects,
                format!("cannot drop type {name} because type {shown} requires it"),
            ));
        }
        // A range type takes its multirange type with it.
        let multirange: Option<(String, String)> = self
            .catalog
            .schemas
            .iter()
            .find_map(|(sn, sc)| {
                sc.multiranges
                    .iter()
                    .find(|(_, r)| r.schema == schema && r.name == name)
                    .map(|(m, _)| (sn.clone(), m.clone()))
            })
            .filter(|_| self.catalog.schemas[schema].ranges.contains_key(name));
        let users = self.columns_where(&|c| {
            (c.ty.schema == schema && c.ty.name == name)
                || multirange
                    .as_ref()
                    .is_some_and(|(ms, mn)| c.ty.schema == *ms && c.ty.name == *mn)
        });
        if let (Some((_, t, c)), false) = (users.first(), cascade) {
            return Err(depends_error(
                &format!("type {name}"),
                &format!("column {c} of table {t}"),
            ));
        }
        // Views with an output column of the type depend on it (`select 'x'::e`).
        let is_it = |ty: &crate::catalog::SqlType| {
            (ty.schema == schema && ty.name == name)
                || multirange
                    .as_ref()
                    .is_some_and(|(ms, mn)| ty.schema == *ms && ty.name == *mn)
        };
        let views: Vec<(String, String)> = self
            .catalog
            .schemas
            .iter()
            .flat_map(|(sn, sc)| {
                sc.views
                    .values()
                    .filter(|v| v.columns.iter().any(|c| is_it(&c.ty)))
                    .map(move |v| (sn.clone(), v.name.clone()))
            })
            .collect();
        if let (Some((_, v)), false) = (views.first(), cascade) {
            return Err(depends_error(&format!("type {name}"), &format!("view {v}")));
        }
        // Domains over the type go with it (and what uses them); composite types lose their
        // attributes of the type.
        let mut domains = Vec::new();
        let mut attributes = Vec::new();
        for (sn, sc) in &self.catalog.schemas {
            for d in sc.domains.values().filter(|d| is_it(&d.base)) {
                domains.push((sn.clone(), d.name.clone()));
            }
            for c in sc.composites.values() {
                for (a, _) in c.attributes.iter().filter(|(_, ty)| is_it(ty)) {
                    attributes.push((sn.clone(), c.name.clone(), a.clone()));
                }
            }
        }
        if !cascade {
            if let Some((_, d)) = domains.first() {
                return Err(depends_error(&format!("type {name}"), &format!("type {d}")));
            }
            if let Some((_, c, a)) = attributes.first() {
                return Err(depends_error(
                    &format!("type {name}"),
                    &format!("column {a} of composite type {c}"),
                ));
            }
        }
        for (ds, dn) in domains {
            if self
                .catalog
                .schemas
                .get(&ds)
                .is_some_and(|sc| sc.domains.contains_key(&dn))
            {
                self.drop_type(&ds, &dn, true)?;
            }
        }
        for (cs, cn, a) in attributes {
            if let Some(c) = self
                .catalog
                .schemas
                .get_mut(&cs)
                .and_then(|sc| sc.composites.get_mut(&cn))
            {
                c.attributes.retain(|(x, _)| *x != a);
            }
        }
        // Each column goes as `DROP COLUMN … CASCADE` takes it: with its indexes, constraints,
        // and the views and policies reading it.
        for (s, t, c) in users {
            self.drop_column_if_present(&s, &t, &c)?;
        }
        for (s, v) in views {
            if let Some(sc) = self.catalog.schemas.get_mut(&s) {
                sc.views.remove(&v);
            }
        }
        self.prune_views();
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        s.enums.remove(name);
        s.composites.remove(name);
        s.domains.remove(name);
        s.ranges.remove(name);
        if let Some((ms, mn)) = multirange {
            if let Some(sc) = self.catalog.schemas.get_mut(&ms) {
                sc.multiranges.remove(&mn);
            }
        }
        Ok(())
    }

    fn drop_schema(&mut self, name: &str, cascade: bool) -> R<()> {
        let s = &self.catalog.schemas[name];
        let empty = s.tables.is_empty()
            && s.views.is_empty()
            && s.enums.is_empty()
            && s.sequences.is_empty()
            && s.composites.is_empty()
            && s.domains.is_empty()
            && s.ranges.is_empty()
            && s.multiranges.is_empty()
            && s.functions.is_empty();
        if !empty && !cascade {
            return Err(ReplayError::new(
                SqlState::DependentObjects,
                format!("cannot drop schema {name} because other objects depend on it"),
            ));
        }
        // Range types go with their multirange types, wherever those are.
        let mut ranges: Vec<(String, String)> = s
            .ranges
            .keys()
            .map(|r| (name.to_string(), r.clone()))
            .collect();
        ranges.extend(
            s.multiranges
                .values()
                .map(|r| (r.schema.clone(), r.name.clone())),
        );
        let tables: Vec<String> = s.tables.keys().cloned().collect();
        for t in tables {
            self.drop_table(name, &t, true)?;
        }
        for (rs, rn) in ranges {
            if self
                .catalog
                .schemas
                .get(&rs)
                .is_some_and(|sc| sc.ranges.contains_key(&rn))
            {
                self.drop_type(&rs, &rn, true)?;
            }
        }
        self.catalog.schemas.remove(name);
        self.tracked.routines.schema_gone(name);
        self.tracked.triggers.forget_schema(name);
        self.catalog.extensions.retain(|_, e| e.schema != name);
        Ok(())
    }
}
