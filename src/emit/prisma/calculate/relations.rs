//! Relation names and relation fields (`relation_names.rs`, `introspection_pair/relation_field.rs`,
//! `rendering/relation_field.rs`).

use std::collections::HashSet;

use crate::catalog::FkAction;

use super::super::describe::IndexKind;
use super::super::dm::Line;
use super::*;
use crate::psl::ast::Arity;
use crate::psl::names::string_literal;
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

    pub(super) fn inline_relation_field(&self, id: FkId, dir: Dir) -> Line {
        let fk = self.fk(id);
        let t = &self.db.tables[id.0];
        let (name, ty) = match dir {
            Dir::Forward => (
                self.forward_field_name(id),
                self.table_name(fk.referenced_table).name,
            ),
            Dir::Back => (self.back_field_name(id), self.table_name(id.0).name),
        };
        let any_optional = fk.columns.iter().any(|&c| !t.columns[c].is_required());
        let any_required = fk.columns.iter().any(|&c| t.columns[c].is_required());
        let ty = match dir {
            Dir::Forward if any_optional => format!("{ty}?"),
            Dir::Forward => ty,
            Dir::Back if self.forward_is_unique(id) => format!("{ty}?"),
            Dir::Back => format!("{ty}[]"),
        };
        let mut attributes = Vec::new();
        let rel_name = self.inline_relation_prisma_name(id);
        if dir == Dir::Forward || !rel_name.is_empty() {
            let mut args = Vec::new();
            if !rel_name.is_empty() {
                args.push(string_literal(&rel_name));
            }
            if dir == Dir::Forward {
                let fields: Vec<String> = fk
                    .columns
                    .iter()
                    .map(|&c| self.column_name(id.0, c).name)
                    .collect();
                let refs: Vec<String> = fk
                    .referenced_columns
                    .iter()
                    .map(|&c| self.column_name(fk.referenced_table, c).name)
                    .collect();
                if !fields.is_empty() {
                    args.push(format!("fields: [{}]", fields.join(", ")));
                }
                if !refs.is_empty() {
                    args.push(format!("references: [{}]", refs.join(", ")));
                }
                let on_delete = match (any_required, fk.on_delete) {
                    (false, FkAction::SetNull) => None,
                    (true, FkAction::Restrict) => None,
                    (_, FkAction::Cascade) => Some("Cascade"),
                    (_, FkAction::SetDefault) => Some("SetDefault"),
                    (true, FkAction::SetNull) => Some("SetNull"),
                    (_, FkAction::NoAction) => Some("NoAction"),
                    (false, FkAction::Restrict) => Some("Restrict"),
                };
                if let Some(a) = on_delete {
                    args.push(format!("onDelete: {a}"));
                }
                let on_update = match fk.on_update {
                    FkAction::Cascade => None,
                    FkAction::NoAction => Some("NoAction"),
                    FkAction::Restrict => Some("Restrict"),
                    FkAction::SetNull => Some("SetNull"),
                    FkAction::SetDefault => Some("SetDefault"),
                };
                if let Some(a) = on_update {
                    args.push(format!("onUpdate: {a}"));
                }
                let prev_map = self
                    .existing_inline
                    .get(&id)
                    .map(|&r| self.prev.relations[r].forward)
                    .and_then(|(m, f)| self.prev.models[m].fields[f].relation_map());
                let cols: Vec<&str> = fk
                    .columns
                    .iter()
                    .map(|&c| t.columns[c].name.as_str())
                    .collect();
                let map = match prev_map {
                    Some(m) => Some(m.to_string()),
                    None => (fk.name != names::foreign_key_name(&t.name, &cols))
                        .then(|| fk.name.clone()),
                };
                if let Some(m) = map {
                    args.push(format!("map: {}", string_literal(&m)));
                }
            }
            attributes.push(format!("@relation({})", args.join(", ")));
        }
        let missing = !self.table_has_usable_identifier(id.0)
            || !self.table_has_usable_identifier(fk.referenced_table);
        let model_ignored = match dir {
            Dir::Forward => self.model_ignored(id.0),
            Dir::Back => match self
                .existing_inline
                .get(&id)
                .map(|&r| &self.prev.relations[r])
            {
                // The engine pairs the referenced table with the previous back field's related
                // model, i.e. the referencing model: its `@@ignore` counts here.
                Some(r) if r.back.is_some() => {
                    let t = fk.referenced_table;
                    self.prev.models[r.forward.0].ignored
                        || (!self.table_has_usable_identifier(t)
                            && !self.db.tables[t].columns.is_empty())
                }
                _ => self.model_ignored(fk.referenced_table),
            },
        };
        // The renderer puts `@ignore` after `@relation`.
        if missing && !model_ignored {
            attributes.push("@ignore".into());
        }
        Line {
            docs: Vec::new(),
            commented_out: false,
            name,
            ty,
            attributes,
        }
    }

    pub(super) fn m2m_relation_field(&self, id: FkId, dir: Dir) -> Line {
        let fk = self.fk(id);
        let names = &self.m2m_names[&id.0];
        let mut name = match dir {
            Dir::Forward => names[1].clone(),
            Dir::Back => names[2].clone(),
        };
        let mut rel_name = names[0].clone();
        if let Some(&r) = self.existing_m2m.get(&id.0) {
            let r = &self.prev.m2m[r];
            rel_name = r.name.clone();
            let tables = self.m2m_tables(id.0);
            if tables[0] != tables[1] {
                // The field on the model this side sits on, pointing at `fk`'s table.
                let holder = self
                    .existing_models
                    .get(&self.db.tables[id.0].fks[1 - id.1].referenced_table);
                if let Some(&(m, f)) = r.sides.iter().find(|(m, _)| Some(m) == holder) {
                    name = self.prev.models[m].fields[f].name.clone();
                }
            }
        }
        let ty = format!("{}[]", self.table_name(fk.referenced_table).name);
        let mut attributes = Vec::new();
        if !rel_name.is_empty() {
            attributes.push(format!("@relation({})", string_literal(&rel_name)));
        }
        Line {
            docs: Vec::new(),
            commented_out: false,
            name,
            ty,
            attributes,
        }
    }

    /// A relation field copied from the previous schema.
    pub(super) fn emulated_relation(&self, f: &PField) -> Line {
        let rm = &self.prev.models[f.related_model.expect("relation field")];
        let ty = match f.arity {
            Arity::Required => rm.name.clone(),
            Arity::Optional => format!("{}?", rm.name),
            Arity::List => format!("{}[]", rm.name),
        };
        let mut attributes = Vec::new();
        if f.relation.is_some() {
            let mut args = Vec::new();
            if let Some(n) = f.relation_name() {
                args.push(string_literal(n));
            }
            if let Some(fs) = f.relation_fields() {
                if !fs.is_empty() {
                    args.push(format!("fields: [{}]", fs.join(", ")));
                }
            }
            if let Some(rs) = f.relation_references() {
                if !rs.is_empty() {
                    args.push(format!("references: [{}]", rs.join(", ")));
                }
            }
            if let Some(a) = f.relation_constant("onDelete") {
                args.push(format!("onDelete: {a}"));
            }
            if let Some(a) = f.relation_constant("onUpdate") {
                args.push(format!("onUpdate: {a}"));
            }
            if let Some(m) = f.relation_map() {
                args.push(format!("map: {}", string_literal(m)));
            }
            attributes.push(format!("@relation({})", args.join(", ")));
        }
        if f.ignored {
            attributes.push("@ignore".into());
        }
        Line {
            docs: Vec::new(),
            commented_out: false,
            name: f.name.clone(),
            ty,
            attributes,
        }
    }
}
