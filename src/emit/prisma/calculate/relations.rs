//! Relation names and relation fields (`relation_names.rs`, `introspection_pair/relation_field.rs`,
//! `rendering/relation_field.rs`).

mod fields;

use std::collections::HashSet;

use super::super::describe::IndexKind;
use super::super::dm::Line;
use super::*;
use crate::psl::resolved::PField;

impl<'a> Calc<'a> {
    // -------------------------------------------------------------------------------------
    // Relation names (relation_names.rs)

    pub(super) fn relation_names(&mut self) {
        let db = self.db;
        let ambiguous = self.find_ambiguous_relations();
        self.inline_names.clear();
        self.m2m_names.clear();
        for (ti, t) in db.tables.iter().enumerate() {
            if self.join_tables[ti] {
                let name = self.m2m_relation_name(ti, &ambiguous);
                self.m2m_names.insert(ti, name);
                continue;
            }
            let duplicated = duplicated_fks(t);
            for ki in 0..t.fks.len() {
                if duplicated.contains(&ki) {
                    continue;
                }
                let name = self.inline_relation_name((ti, ki), &ambiguous);
                self.inline_names.insert((ti, ki), name);
            }
        }
    }

    pub(super) fn m2m_tables(&self, t: usize) -> [usize; 2] {
        let fks = &self.db.tables[t].fks;
        sorted_pair(fks[0].referenced_table, fks[1].referenced_table)
    }

    pub(super) fn find_ambiguous_relations(&self) -> HashSet<[usize; 2]> {
        let db = self.db;
        let mut amb = HashSet::new();
        for (ti, t) in db.tables.iter().enumerate() {
            if self.join_tables[ti] {
                let tables = self.m2m_tables(ti);
                if amb.contains(&tables) {
                    continue;
                }
                for model_table in tables {
                    for fk in &db.tables[model_table].fks {
                        if sorted_pair(model_table, fk.referenced_table) == tables {
                            amb.insert(tables);
                        }
                    }
                }
                for (oi, _) in db.tables.iter().enumerate() {
                    if oi != ti && self.join_tables[oi] && self.m2m_tables(oi) == tables {
                        amb.insert(tables);
                    }
                }
                continue;
            }
            for (ki, fk) in t.fks.iter().enumerate() {
                let tables = sorted_pair(ti, fk.referenced_table);
                if amb.contains(&tables) {
                    continue;
                }
                let others = t.fks.iter().enumerate().map(|(i, f)| ((ti, i), f)).chain(
                    db.tables[fk.referenced_table]
                        .fks
                        .iter()
                        .enumerate()
                        .map(|(i, f)| ((fk.referenced_table, i), f)),
                );
                let mut found = false;
                for ((oti, oki), other) in others {
                    let distinct =
                        (oti, oki) != (ti, ki) && (oti != ti || other.columns != fk.columns);
                    if distinct && sorted_pair(oti, other.referenced_table) == tables {
                        found = true;
                        break;
                    }
                }
                if found {
                    amb.insert(tables);
                    continue;
                }
                let default_field_name = self.relation_model_name(fk.referenced_table);
                if fk
                    .columns
                    .iter()
                    .any(|&c| self.relation_column_name(ti, c) == default_field_name)
                {
                    amb.insert(tables);
                }
            }
        }
        amb
    }

    pub(super) fn inline_relation_name(
        &self,
        id: FkId,
        ambiguous: &HashSet<[usize; 2]>,
    ) -> [String; 3] {
        let fk = &self.db.tables[id.0].fks[id.1];
        let is_self = id.0 == fk.referenced_table;
        let referencing = self.relation_model_name(id.0);
        let referenced = self.relation_model_name(fk.referenced_table);
        let prefix = if is_self { "other_" } else { "" };
        if !ambiguous.contains(&sorted_pair(id.0, fk.referenced_table)) {
            let rel = if is_self {
                format!("{referencing}To{referenced}")
            } else {
                String::new()
            };
            return [rel, referenced, format!("{prefix}{referencing}")];
        }
        let cols: Vec<String> = fk
            .columns
            .iter()
            .map(|&c| self.relation_column_name(id.0, c))
            .collect();
        let rel = format!("{referencing}_{}To{referenced}", cols.join("_"));
        let forward = format!("{referenced}_{rel}");
        let back = format!("{prefix}{referencing}_{rel}");
        [rel, forward, back]
    }

    pub(super) fn m2m_relation_name(
        &self,
        t: usize,
        ambiguous: &HashSet<[usize; 2]>,
    ) -> [String; 3] {
        let ids = self.m2m_tables(t);
        let is_self = ids[0] == ids[1];
        let table_name = &self.db.tables[t].name;
        let (rel, suffix) = if ambiguous.contains(&ids) {
            (table_name[1..].to_string(), table_name.clone())
        } else {
            let default = format!(
                "{}To{}",
                self.table_name(ids[0]).name,
                self.table_name(ids[1]).name
            );
            let found = &table_name[1..];
            let rel = if found == default && !is_self {
                String::new()
            } else {
                found.to_string()
            };
            (rel, String::new())
        };
        [
            rel,
            format!(
                "{}{suffix}{}",
                self.table_name(ids[1]).name,
                if is_self { "_A" } else { "" }
            ),
            format!(
                "{}{suffix}{}",
                self.table_name(ids[0]).name,
                if is_self { "_B" } else { "" }
            ),
        ]
    }

    pub(super) fn positions(&mut self) {
        self.inline_positions.clear();
        self.m2m_positions.clear();
        for (ti, t) in self.db.tables.iter().enumerate() {
            if self.join_tables[ti] {
                let (a, b) = if is_a(&t.columns[t.fks[0].columns[0]].name) {
                    ((ti, 0), (ti, 1))
                } else {
                    ((ti, 1), (ti, 0))
                };
                let fa = &t.fks[a.1];
                let fb = &t.fks[b.1];
                self.m2m_positions
                    .push((fa.referenced_table, b, Dir::Forward));
                self.m2m_positions.push((fb.referenced_table, a, Dir::Back));
                continue;
            }
            for (ki, fk) in t.fks.iter().enumerate() {
                self.inline_positions.push((ti, (ti, ki), Dir::Forward));
                self.inline_positions
                    .push((fk.referenced_table, (ti, ki), Dir::Back));
            }
        }
    }

    pub(super) fn fk(&self, id: FkId) -> &'a Fk {
        &self.db.tables[id.0].fks[id.1]
    }

    /// The complete previous relation matching a foreign key.
    pub(super) fn complete_relation(&self, id: FkId) -> Option<(&'a PField, &'a PField)> {
        let r = &self.prev.relations[*self.existing_inline.get(&id)?];
        let back = r.back?;
        Some((
            &self.prev.models[r.forward.0].fields[r.forward.1],
            &self.prev.models[back.0].fields[back.1],
        ))
    }

    pub(super) fn forward_field_name(&self, id: FkId) -> String {
        if let Some((f, _)) = self.complete_relation(id) {
            return f.name.clone();
        }
        if let Some(n) = self.overrides.forward.get(&id) {
            return n.clone();
        }
        self.inline_names[&id][1].clone()
    }

    pub(super) fn back_field_name(&self, id: FkId) -> String {
        if let Some((_, b)) = self.complete_relation(id) {
            return b.name.clone();
        }
        if let Some(n) = self.overrides.back.get(&id) {
            return n.clone();
        }
        self.inline_names[&id][2].clone()
    }

    pub(super) fn inline_relation_prisma_name(&self, id: FkId) -> String {
        if let Some((_, b)) = self.complete_relation(id) {
            return b.relation_name().unwrap_or("").to_string();
        }
        if let Some(n) = self.overrides.relation_names.get(&id) {
            return n.clone();
        }
        self.inline_names[&id][0].clone()
    }

    // -------------------------------------------------------------------------------------
    // Relation fields

    pub(super) fn relation_fields(&self, ti: usize) -> Vec<Line> {
        let mut out = Vec::new();
        if self.prev.relation_mode_prisma() {
            if let Some(p) = self.previous_model(ti) {
                for f in &p.fields {
                    if let Some(rm) = f.related_model {
                        if !self.missing_tables_for_models.contains(&rm) {
                            out.push(self.emulated_relation(f));
                        }
                    }
                }
            }
            return out;
        }
        for (table, id, dir) in &self.inline_positions {
            if *table != ti || !self.inline_names.contains_key(id) {
                continue;
            }
            out.push(self.inline_relation_field(*id, *dir));
        }
        for (table, id, dir) in &self.m2m_positions {
            if *table != ti {
                continue;
            }
            out.push(self.m2m_relation_field(*id, *dir));
        }
        if let Some(p) = self.previous_model(ti) {
            for f in &p.fields {
                let Some(rm) = f.related_model else {
                    continue;
                };
                if !self.prev.models[rm].is_view && !p.is_view {
                    continue;
                }
                if self.missing_tables_for_models.contains(&rm)
                    || self.missing_views_for_models.contains(&rm)
                {
                    continue;
                }
                out.push(self.emulated_relation(f));
            }
        }
        out
    }

    pub(super) fn forward_is_unique(&self, id: FkId) -> bool {
        let t = &self.db.tables[id.0];
        let fk = self.fk(id);
        t.indexes
            .iter()
            .filter(|i| matches!(i.kind, IndexKind::Primary | IndexKind::Unique))
            .any(|i| i.columns.iter().all(|c| fk.columns.contains(&c.column)))
    }
}
