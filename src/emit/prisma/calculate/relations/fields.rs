//! Relation fields: inline relations (foreign keys), implicit many-to-many relations and
//! relations emulated with `relationMode = "prisma"`.

use crate::catalog::FkAction;
use crate::emit::prisma::calculate::*;
use crate::emit::prisma::dm::Line;
use crate::psl::ast::Arity;
use crate::psl::names::string_literal;
use crate::psl::resolved::PField;

impl<'a> Calc<'a> {
    pub(in crate::emit::prisma::calculate) fn inline_relation_field(
        &self,
        id: FkId,
        dir: Dir,
    ) -> Line {
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

    pub(in crate::emit::prisma::calculate) fn m2m_relation_field(
        &self,
        id: FkId,
        dir: Dir,
    ) -> Line {
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
    pub(crate) fn emulated_relation(&self, f: &PField) -> Line {
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
