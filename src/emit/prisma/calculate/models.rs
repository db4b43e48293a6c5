//! Model blocks: scalar fields, ids, indexes, defaults, documentation and warnings
//! (`introspection_pair/model.rs`, `scalar_field.rs`, `default.rs`, `index.rs`,
//! `rendering/models.rs`, `warnings/model.rs`).

mod fields;

use super::super::describe::{Family, Idx, IndexKind, Ops};
use super::super::dm::{Block, BlockKind};
use super::super::warnings::Warnings;
use super::*;
use crate::psl::names::{self, string_literal};
use crate::psl::resolved::PIndex;

impl<'a> Calc<'a> {
    // -------------------------------------------------------------------------------------
    // Models

    pub(super) fn table_has_usable_identifier(&self, t: usize) -> bool {
        let table = &self.db.tables[t];
        table
            .indexes
            .iter()
            .filter(|i| matches!(i.kind, IndexKind::Primary | IndexKind::Unique))
            .any(|i| {
                i.columns.iter().all(|c| {
                    let col = &table.columns[c.column];
                    !matches!(col.family, Family::Unsupported(_)) && col.is_required()
                })
            })
    }

    pub(super) fn model_ignored(&self, t: usize) -> bool {
        let explicit = self
            .existing_models
            .get(&t)
            .is_some_and(|&mi| self.prev.models[mi].ignored);
        explicit || (!self.table_has_usable_identifier(t) && !self.db.tables[t].columns.is_empty())
    }

    pub(super) fn previous_model(&self, t: usize) -> Option<&'a PModel> {
        self.existing_models
            .get(&t)
            .map(|&mi| &self.prev.models[mi])
    }

    /// Renders every model, in output order.
    pub(crate) fn models(&self, warnings: &mut Warnings, partial: &mut bool) -> Vec<Block> {
        let mut out: Vec<(Option<usize>, Block)> = Vec::new();
        for (ti, t) in self.db.tables.iter().enumerate() {
            if is_skipped_table(t) || self.join_tables[ti] {
                continue;
            }
            let block = self.render_model(ti, partial);
            self.model_warnings(ti, warnings);
            out.push((self.existing_models.get(&ti).copied(), block));
        }
        out.sort_by(|(a, _), (b, _)| none_last(*a, *b));
        out.into_iter().map(|(_, b)| b).collect()
    }

    pub(super) fn model_warnings(&self, ti: usize, w: &mut Warnings) {
        let t = &self.db.tables[ti];
        let prev = self.previous_model(ti);
        let name = self.table_name(ti).name;
        if self.model_id_name(ti).is_some() {
            w.reintrospected_id_names_in_model.push(name.clone());
        }
        if t.columns.is_empty() {
            w.models_without_columns.push(name.clone());
        } else if !self.table_has_usable_identifier(ti) && !prev.is_some_and(|p| p.ignored) {
            w.models_without_identifiers.push(name.clone());
        }
        if t.is_partition {
            w.partition_tables.push(name.clone());
        }
        if t.has_subclass {
            w.inherited_tables.push(name.clone());
        }
        if t.rls {
            w.row_level_security_tables.push(name.clone());
        }
        if prev.is_none()
            && !self.overrides.models.contains_key(&ti)
            && !self.name_is_unique(&t.name)
        {
            w.duplicate_names.push(("model", name.clone()));
        }
        if prev.is_some_and(|p| p.mapped.is_some()) {
            w.remapped_models.push(name.clone());
        }
        if t.description.is_some() {
            w.objects_with_comments.push(("model", name.clone()));
        }
        for c in &t.checks {
            w.check_constraints.push((name.clone(), c.clone()));
        }
        for (ci, col) in t.columns.iter().enumerate() {
            let field_name = self.scalar_field_name(self.column_name(ti, ci), &col.name);
            let from_psl = self
                .existing_fields
                .get(&(ti, ci))
                .is_some_and(|&fi| prev.is_some_and(|p| p.fields[fi].mapped.is_some()));
            if from_psl {
                w.remapped_fields_in_model
                    .push((name.clone(), field_name.clone()));
            }
            if let Family::Unsupported(ty) = &col.family {
                w.unsupported_types_in_model
                    .push((name.clone(), field_name.clone(), ty.clone()));
            }
            if names::sanitize(&col.name).is_empty() {
                w.fields_with_empty_names_in_model
                    .push((name.clone(), field_name.clone()));
            }
            if col.description.is_some() {
                w.objects_with_comments
                    .push(("field", format!("{name}.{field_name}")));
            }
        }
        if let Some(p) = prev {
            let prisma_mode = self.prev.relation_mode_prisma();
            for f in &p.fields {
                let Some(rm) = f.related_model else { continue };
                let copied = if prisma_mode {
                    !self.missing_tables_for_models.contains(&rm)
                } else {
                    self.prev.models[rm].is_view
                        && !self.missing_tables_for_models.contains(&rm)
                        && !self.missing_views_for_models.contains(&rm)
                };
                if copied {
                    w.reintrospected_relations
                        .push(self.prev.models[rm].name.clone());
                }
            }
        }
        // Flavour warnings, which the engine emits after all models; kept per table here and
        // moved by the caller.
        for idx in &t.indexes {
            for c in &idx.columns {
                if c.non_default_nulls {
                    w.non_default_index_null_sort_order
                        .push((idx.name.clone(), t.columns[c.column].name.clone()));
                }
            }
            if idx.deferrable {
                w.non_default_deferring
                    .push((name.clone(), idx.name.clone()));
            }
        }
        for fk in &t.fks {
            if fk.deferrable {
                w.non_default_deferring
                    .push((name.clone(), fk.name.clone()));
            }
        }
        for x in &t.exclusions {
            w.exclusion_constraints.push((name.clone(), x.clone()));
        }
        for e in &t.expression_indexes {
            w.expression_indexes.push((name.clone(), e.clone()));
        }
    }

    pub(super) fn scalar_field_name(&self, n: PName, raw: &str) -> String {
        if n.name.is_empty() {
            raw.to_string()
        } else {
            n.name
        }
    }

    /// The `name:` of the `@@id` kept from the previous schema.
    pub(super) fn model_id_name(&self, ti: usize) -> Option<String> {
        let pk = self.db.tables[ti].primary_key()?;
        if pk.columns.len() <= 1 {
            return None;
        }
        self.previous_model(ti)?.id.as_ref()?.name.clone()
    }

    pub(super) fn render_model(&self, ti: usize, partial: &mut bool) -> Block {
        let t = &self.db.tables[ti];
        let prev = self.previous_model(ti);
        let name = self.table_name(ti);
        let mut docs = Docs::default();
        let mut attributes = Vec::new();
        if let Some(d) = prev.and_then(|p| p.documentation.as_deref()) {
            docs.push(d);
        }
        if let Some(m) = &name.mapped {
            if names::is_reserved_type_name(&t.name) && prev.is_none() {
                docs.push(&format!(
                    "This model has been renamed to '{}' during introspection, because the original name '{}' is reserved.",
                    name.name, m
                ));
            }
        }
        if prev.is_none() && t.is_partition {
            docs.push("This table is a partition table and requires additional setup for migrations. Visit https://pris.ly/d/partition-tables for more info.");
        }
        if prev.is_none() && t.has_subclass {
            docs.push("This table has subclasses and requires additional setup for migrations. Visit https://pris.ly/d/table-inheritance for more info.");
        }
        if prev.is_none() && !t.checks.is_empty() {
            docs.push("This table contains check constraints and requires additional setup for migrations. Visit https://pris.ly/d/check-constraints for more info.");
        }
        if prev.is_none() && !t.exclusions.is_empty() {
            docs.push("This table contains exclusion constraints and requires additional setup for migrations. Visit https://pris.ly/d/exclusion-constraints for more info.");
        }
        let commented_out = t.columns.is_empty();
        if commented_out {
            docs.push("We could not retrieve columns for the underlying table. Either it has none or you are missing rights to see them. Please check your privileges.");
        } else if !self.table_has_usable_identifier(ti) && !prev.is_some_and(|p| p.ignored) {
            docs.push("The underlying table does not contain a valid unique identifier and can therefore currently not be handled by Prisma Client.");
        }
        if prev.is_none()
            && (t.description.is_some()
                || t.columns.iter().enumerate().any(|(ci, c)| {
                    c.description.is_some() && !self.existing_fields.contains_key(&(ti, ci))
                }))
        {
            docs.push("This model or at least one of its fields has comments in the database, and requires an additional setup for migrations: Read more: https://pris.ly/d/database-comments");
        }
        let deferring = t
            .indexes
            .iter()
            .any(|i| i.deferrable && self.previous_index(ti, i).is_none())
            || t.fks.iter().enumerate().any(|(ki, fk)| {
                fk.deferrable
                    && self.inline_names.contains_key(&(ti, ki))
                    && !self.existing_inline.contains_key(&(ti, ki))
            });
        if prev.is_none() && deferring {
            docs.push("This model has constraints using non-default deferring rules and requires additional setup for migrations. Visit https://pris.ly/d/constraint-deferring for more info.");
        }
        if prev.is_none() && t.rls {
            docs.push("This model contains row level security and requires additional setup for migrations. Visit https://pris.ly/d/row-level-security for more info.");
        }
        let null_position = t.indexes.iter().any(|i| {
            self.previous_index(ti, i).is_none() && i.columns.iter().any(|c| c.non_default_nulls)
        });
        if null_position {
            docs.push("This model contains an index with non-default null sort order and requires additional setup for migrations. Visit https://pris.ly/d/default-index-null-ordering for more info.");
        }
        if !t.expression_indexes.is_empty() {
            docs.push("This model contains an expression index which requires additional setup for migrations. Visit https://pris.ly/d/expression-indexes for more info.");
        }

        let mut lines = Vec::new();
        for ci in 0..t.columns.len() {
            lines.push(self.render_scalar_field(ti, ci, partial));
        }
        for f in self.relation_fields(ti) {
            lines.push(f);
        }

        // Block attributes in the renderer's order: id, indexes, map, ignore, schema.
        if let Some(pk) = t.primary_key().filter(|pk| pk.columns.len() > 1) {
            attributes.push(self.render_model_id(ti, pk));
        }
        let mut indexes: Vec<(Option<usize>, String)> = Vec::new();
        for idx in &t.indexes {
            if idx.kind == IndexKind::Primary
                || (idx.kind == IndexKind::Unique && idx.columns.len() == 1)
            {
                continue;
            }
            let p = self.previous_index(ti, idx);
            if idx.predicate.is_some() {
                *partial = true;
            }
            indexes.push((p.map(|p| p.position), self.render_index(ti, idx, p)));
        }
        indexes.sort_by(|(a, _), (b, _)| none_last(*a, *b));
        attributes.extend(indexes.into_iter().map(|(_, s)| s));
        if let Some(m) = &name.mapped {
            attributes.push(format!("@@map({})", string_literal(m)));
        }
        if self.model_ignored(ti) {
            attributes.push("@@ignore".into());
        }
        if self.opts.uses_namespaces {
            attributes.push(format!("@@schema({})", string_literal(&t.schema)));
        }
        Block {
            kind: BlockKind::Model,
            docs: docs.lines(),
            commented_out,
            name: name.name,
            lines,
            attributes,
        }
    }

    /// The previous index matching a database index (by constraint name).
    pub(super) fn previous_index(&self, ti: usize, idx: &Idx) -> Option<&'a PIndex> {
        let prev = self.previous_model(ti)?;
        let table = prev.database_name();
        prev.indexes.iter().find(|p| {
            (p.map.is_none() && p.name.as_deref() == Some(idx.name.as_str()))
                || p.constraint_name(table) == idx.name
        })
    }

    pub(super) fn index_field(&self, ti: usize, c: &super::super::describe::IndexCol) -> String {
        let t = &self.db.tables[ti];
        let name =
            self.scalar_field_name(self.column_name(ti, c.column), &t.columns[c.column].name);
        let mut args = Vec::new();
        if c.desc {
            args.push("sort: Desc".to_string());
        }
        match &c.ops {
            Some(Ops::Managed(m)) => args.push(format!("ops: {m}")),
            Some(Ops::Raw(r)) => args.push(format!("ops: raw({})", string_literal(r))),
            None => {}
        }
        if args.is_empty() {
            name
        } else {
            format!("{name}({})", args.join(", "))
        }
    }

    pub(super) fn render_index(&self, ti: usize, idx: &Idx, prev: Option<&PIndex>) -> String {
        let t = &self.db.tables[ti];
        let fields: Vec<String> = idx
            .columns
            .iter()
            .map(|c| self.index_field(ti, c))
            .collect();
        let cols: Vec<&str> = idx
            .columns
            .iter()
            .map(|c| t.columns[c.column].name.as_str())
            .collect();
        let default = match idx.kind {
            IndexKind::Unique => names::unique_index_name(&t.name, &cols),
            _ => names::non_unique_index_name(&t.name, &cols),
        };
        let mut args = vec![format!("[{}]", fields.join(", "))];
        if let Some(n) = prev.and_then(|p| p.name.as_deref()) {
            args.push(format!("name: {}", string_literal(n)));
        }
        if idx.name != default {
            args.push(format!("map: {}", string_literal(&idx.name)));
        }
        if let Some(a) = idx.algorithm {
            args.push(format!("type: {a}"));
        }
        if let Some(p) = &idx.predicate {
            args.push(format!("where: raw({})", string_literal(p)));
        }
        let kind = if idx.kind == IndexKind::Unique {
            "unique"
        } else {
            "index"
        };
        format!("@@{kind}({})", args.join(", "))
    }

    pub(super) fn render_model_id(&self, ti: usize, pk: &Idx) -> String {
        let t = &self.db.tables[ti];
        let fields: Vec<String> = pk.columns.iter().map(|c| self.index_field(ti, c)).collect();
        let mut args = vec![format!("[{}]", fields.join(", "))];
        if let Some(n) = self.model_id_name(ti) {
            args.push(format!("name: {}", string_literal(&n)));
        }
        if pk.name != names::primary_key_name(&t.name) {
            args.push(format!("map: {}", string_literal(&pk.name)));
        }
        format!("@@id({})", args.join(", "))
    }
}
