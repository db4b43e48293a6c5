//! View blocks (`introspection_pair/view.rs`, `rendering/views.rs`, `warnings/view.rs`).

use super::super::describe::{ColArity, Family};
use super::super::dm::{Block, BlockKind};
use super::super::warnings::Warnings;
use super::*;
use crate::psl::ast::Arity;
use crate::psl::names::{self, string_literal};
use crate::psl::resolved::PIndexKind;

impl<'a> Calc<'a> {
    // -------------------------------------------------------------------------------------
    // Views

    /// Renders every view, in output order.
    pub(crate) fn views(&self, warnings: &mut Warnings) -> Vec<Block> {
        let mut out: Vec<(Option<usize>, Block)> = Vec::new();
        for (vi, v) in self.db.views.iter().enumerate() {
            if v.columns.is_empty() {
                continue;
            }
            out.push((self.existing_views.get(&vi).copied(), self.render_view(vi)));
            self.view_warnings(vi, warnings);
        }
        out.sort_by(|(a, _), (b, _)| none_last(*a, *b));
        out.into_iter().map(|(_, b)| b).collect()
    }

    pub(super) fn view_warnings(&self, vi: usize, w: &mut Warnings) {
        let v = &self.db.views[vi];
        let prev = self.existing_views.get(&vi).map(|&m| &self.prev.models[m]);
        let name = self.view_name(vi).name;
        if prev
            .and_then(|p| p.id.as_ref())
            .is_some_and(|id| id.fields.len() > 1 && id.name.is_some())
        {
            w.reintrospected_id_names_in_view.push(name.clone());
        }
        if prev.is_none()
            && !self.overrides.views.contains_key(&vi)
            && !self.name_is_unique(&v.name)
        {
            w.duplicate_names.push(("view", name.clone()));
        }
        if prev.is_some_and(|p| p.mapped.is_some()) {
            w.remapped_views.push(name.clone());
        }
        if v.description.is_some() {
            w.objects_with_comments.push(("view", name.clone()));
        }
        if let Some(p) = prev {
            for f in &p.fields {
                let Some(rm) = f.related_model else { continue };
                if !self.missing_tables_for_models.contains(&rm)
                    && !self.missing_views_for_models.contains(&rm)
                {
                    w.reintrospected_relations
                        .push(self.prev.models[rm].name.clone());
                }
            }
        }
        for (ci, col) in v.columns.iter().enumerate() {
            let fname = self.scalar_field_name(self.view_column_name(vi, ci), &col.name);
            let from_psl = self
                .existing_view_fields
                .get(&(vi, ci))
                .is_some_and(|&fi| prev.is_some_and(|p| p.fields[fi].mapped.is_some()));
            if from_psl {
                w.remapped_fields_in_view
                    .push((name.clone(), fname.clone()));
            }
            if let Family::Unsupported(ty) = &col.family {
                w.unsupported_types_in_view
                    .push((name.clone(), fname.clone(), ty.clone()));
            }
            if names::sanitize(&col.name).is_empty() {
                w.fields_with_empty_names_in_view
                    .push((name.clone(), fname.clone()));
            }
            if col.description.is_some() {
                w.objects_with_comments
                    .push(("field", format!("{name}.{fname}")));
            }
        }
    }

    pub(super) fn render_view(&self, vi: usize) -> Block {
        let v = &self.db.views[vi];
        let prev = self.existing_views.get(&vi).map(|&m| &self.prev.models[m]);
        let name = self.view_name(vi);
        let mut docs = Docs::default();
        if let Some(d) = prev.and_then(|p| p.documentation.as_deref()) {
            docs.push(d);
        }
        if let Some(m) = &name.mapped {
            if names::is_reserved_type_name(&v.name) && prev.is_none() {
                docs.push(&format!(
                    "This view has been renamed to '{}' during introspection, because the original name '{}' is reserved.",
                    name.name, m
                ));
            }
        }
        // Prisma 7 no longer marks views without a unique identifier (no `@@ignore`, no
        // documentation, no warning): only an explicit `@@ignore` is kept.
        let explicit_ignore = prev.is_some_and(|p| p.ignored);
        if prev.is_none()
            && (v.description.is_some() || v.columns.iter().any(|c| c.description.is_some()))
        {
            docs.push("This view or at least one of its fields has comments in the database, and requires an additional setup for migrations: Read more: https://pris.ly/d/database-comments");
        }
        let mut lines = Vec::new();
        for (ci, col) in v.columns.iter().enumerate() {
            let prev_field = self
                .existing_view_fields
                .get(&(vi, ci))
                .map(|&fi| &prev.expect("matched view").fields[fi]);
            let mut col = col.clone();
            // Views keep the previous arity of nullable columns.
            if col.arity == ColArity::Nullable {
                match prev_field.map(|f| f.arity) {
                    Some(Arity::Required) => col.arity = ColArity::Required,
                    Some(Arity::List) => col.arity = ColArity::List,
                    _ => {}
                }
            }
            let pname = self.view_column_name(vi, ci);
            let mut line = self.scalar_line(&col, &pname, prev_field, |f| self.family_type(f));
            let mut attrs = Vec::new();
            if prev_field.is_some_and(|f| f.updated_at) {
                attrs.push("@updatedAt".to_string());
            }
            if let (Some(p), Some(f)) = (prev, prev_field) {
                if let Some(u) = p.indexes.iter().find(|i| {
                    i.on_field && i.kind == PIndexKind::Unique && i.fields == [f.name.clone()]
                }) {
                    attrs.push(format!("@{}", attr_source(&u.attribute)));
                }
                if let Some(id) =
                    p.id.as_ref()
                        .filter(|id| id.on_field && id.fields == [f.name.clone()])
                {
                    attrs.push(format!("@{}", attr_source(&id.attribute)));
                }
            }
            if let Some(d) = self.render_default(&col, prev_field) {
                attrs.push(d);
            }
            line.attributes.splice(0..0, attrs);
            lines.push(line);
        }
        if let Some(p) = prev {
            for f in &p.fields {
                let Some(rm) = f.related_model else { continue };
                if self.missing_tables_for_models.contains(&rm)
                    || self.missing_views_for_models.contains(&rm)
                {
                    continue;
                }
                lines.push(self.emulated_relation(f));
            }
        }
        let mut attributes = Vec::new();
        if let Some(p) = prev {
            if let Some(id) =
                p.id.as_ref()
                    .filter(|id| !id.on_field && id.fields.len() > 1)
            {
                attributes.push(format!("@@{}", attr_source(&id.attribute)));
            }
            for i in &p.indexes {
                if i.on_field || (i.kind == PIndexKind::Unique && i.fields.len() == 1) {
                    continue;
                }
                attributes.push(format!("@@{}", attr_source(&i.attribute)));
            }
        }
        if let Some(m) = &name.mapped {
            attributes.push(format!("@@map({})", string_literal(m)));
        }
        if explicit_ignore {
            attributes.push("@@ignore".into());
        }
        if self.opts.uses_namespaces {
            attributes.push(format!("@@schema({})", string_literal(&v.schema)));
        }
        Block {
            kind: BlockKind::View,
            docs: docs.lines(),
            commented_out: false,
            name: name.name,
            lines,
            attributes,
        }
    }
}
