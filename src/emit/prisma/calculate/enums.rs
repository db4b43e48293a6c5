//! Enum blocks (`introspection_pair/enumerator.rs`, `rendering/enums.rs`, `warnings/enum.rs`).

use std::collections::HashSet;

use super::super::dm::{Block, BlockKind, Line};
use super::super::warnings::Warnings;
use super::*;
use crate::psl::names::{self, string_literal};

impl<'a> Calc<'a> {
    // -------------------------------------------------------------------------------------
    // Enums

    /// Renders every enum, in output order.
    pub(crate) fn enums(&self, w: &mut Warnings) -> Vec<Block> {
        let mut out: Vec<(Option<usize>, Block)> = Vec::new();
        for (ei, e) in self.db.enums.iter().enumerate() {
            let prev = self.existing_enums.get(&ei).map(|&p| &self.prev.enums[p]);
            let name = self.enum_name(ei);
            // Warnings (enum.rs).
            if prev.is_some_and(|p| p.mapped.is_some()) {
                w.remapped_enums.push(name.name.clone());
            }
            if prev.is_none()
                && !self.overrides.enums.contains_key(&ei)
                && !self.name_is_unique(&e.name)
            {
                w.duplicate_names.push(("enum", name.name.clone()));
            }
            if e.description.is_some() {
                w.objects_with_comments.push(("enum", name.name.clone()));
            }
            let mut docs = Docs::default();
            if let Some(d) = prev.and_then(|p| p.documentation.as_deref()) {
                docs.push(d);
            }
            if prev.is_none() && e.description.is_some() {
                docs.push("This enum is commented in the database, and requires an additional setup for migrations: Read more: https://pris.ly/d/database-comments");
            }
            let mut lines = Vec::new();
            let mut seen: HashSet<String> = HashSet::new();
            for label in &e.values {
                let vn = self.enum_variant_name(ei, label);
                let key = vn.mapped.clone().unwrap_or_else(|| vn.name.clone());
                if !seen.insert(key) {
                    continue;
                }
                let shown = if vn.name.is_empty() {
                    label.clone()
                } else {
                    vn.name.clone()
                };
                let commented = shown.is_empty() || names::needs_sanitation(&shown);
                if commented {
                    w.enum_values_with_empty_names
                        .push((name.name.clone(), shown.clone()));
                } else if vn.from_psl && vn.mapped.is_some() {
                    w.remapped_values.push((name.name.clone(), shown.clone()));
                }
                let docs = prev
                    .and_then(|p| p.values.iter().find(|v| v.database_name() == label))
                    .and_then(|v| v.documentation.as_deref())
                    .map(|d| d.split('\n').map(String::from).collect())
                    .unwrap_or_default();
                let mut attributes = Vec::new();
                if let Some(m) = &vn.mapped {
                    attributes.push(format!("@map({})", string_literal(m)));
                }
                lines.push(Line {
                    docs,
                    commented_out: commented,
                    name: shown,
                    ty: String::new(),
                    attributes,
                });
            }
            let mut attributes = Vec::new();
            if let Some(m) = &name.mapped {
                attributes.push(format!("@@map({})", string_literal(m)));
            }
            if self.opts.uses_namespaces {
                attributes.push(format!("@@schema({})", string_literal(&e.schema)));
            }
            out.push((
                prev.map(|_| self.existing_enums[&ei]),
                Block {
                    kind: BlockKind::Enum,
                    docs: docs.lines(),
                    commented_out: false,
                    name: name.name,
                    lines,
                    attributes,
                },
            ));
        }
        out.sort_by(|(a, _), (b, _)| none_last(*a, *b));
        out.into_iter().map(|(_, b)| b).collect()
    }
}
