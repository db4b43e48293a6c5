//! Names: the Prisma names of models, views, enums, fields and values, sanitised and made
//! unique as `db pull` makes them.

use crate::psl::names::{self};
use crate::psl::resolved::PField;

use super::*;

impl<'a> Calc<'a> {
    pub(super) fn populate_top_level_names(&mut self) {
        self.top_level_names.clear();
        let mut names = Vec::new();
        for (ti, t) in self.db.tables.iter().enumerate() {
            if self.join_tables[ti] {
                continue;
            }
            names.push(match self.existing_models.get(&ti) {
                Some(&mi) if !self.prev.models[mi].name.is_empty() => {
                    self.prev.models[mi].name.clone()
                }
                _ => names::sanitize(&t.name),
            });
        }
        for (ei, e) in self.db.enums.iter().enumerate() {
            names.push(match self.existing_enums.get(&ei) {
                Some(&pi) if !self.prev.enums[pi].name.is_empty() => {
                    self.prev.enums[pi].name.clone()
                }
                _ => names::sanitize(&e.name),
            });
        }
        if self.opts.views {
            for (vi, v) in self.db.views.iter().enumerate() {
                names.push(match self.existing_views.get(&vi) {
                    Some(&mi) if !self.prev.models[mi].name.is_empty() => {
                        self.prev.models[mi].name.clone()
                    }
                    _ => names::sanitize(&v.name),
                });
            }
        }
        for n in names {
            *self.top_level_names.entry(n).or_default() += 1;
        }
    }

    pub(super) fn name_is_unique(&self, name: &str) -> bool {
        self.top_level_names
            .get(&names::sanitize(name))
            .is_none_or(|c| *c <= 1)
    }

    /// `ModelName::new_from_sql`.
    pub(super) fn model_name_from_sql(&self, name: &str, namespace: &str) -> PName {
        if !self.name_is_unique(name) {
            return PName {
                name: names::sanitize(&format!("{namespace}_{name}")),
                mapped: Some(name.to_string()),
                from_psl: false,
            };
        }
        if names::is_reserved_type_name(name) {
            return PName {
                name: format!("Renamed{name}"),
                mapped: Some(name.to_string()),
                from_psl: false,
            };
        }
        if names::needs_sanitation(name) {
            return PName {
                name: names::sanitize(name),
                mapped: Some(name.to_string()),
                from_psl: false,
            };
        }
        PName {
            name: name.to_string(),
            mapped: None,
            from_psl: false,
        }
    }

    pub(crate) fn table_name(&self, t: usize) -> PName {
        // A previous block without a name (`model  {`, what `db pull` writes for a name that
        // sanitises to nothing) gives no name: the database's is taken, as for a new table.
        if let Some(m) = self
            .existing_models
            .get(&t)
            .map(|&mi| &self.prev.models[mi])
            .filter(|m| !m.name.is_empty())
        {
            return PName {
                name: m.name.clone(),
                mapped: m.mapped.clone(),
                from_psl: true,
            };
        }
        let table = &self.db.tables[t];
        if let Some(n) = self.overrides.models.get(&t) {
            return PName {
                name: n.clone(),
                mapped: (n != &table.name).then(|| table.name.clone()),
                from_psl: false,
            };
        }
        self.model_name_from_sql(&table.name, &table.schema)
    }

    /// The model name relation names and relation field names are built from. The engine
    /// derives these from the database alone: the table name, sanitised, `Renamed…` when
    /// reserved, but neither the previous schema's model name nor the duplicate-name prefix
    /// (`users` for both `User @@map("users")` and `auth_users`). A naming convention's name wins.
    pub(crate) fn relation_model_name(&self, t: usize) -> String {
        if !self.existing_models.contains_key(&t) {
            if let Some(n) = self.overrides.models.get(&t) {
                return n.clone();
            }
        }
        let raw = &self.db.tables[t].name;
        if names::is_reserved_type_name(raw) {
            format!("Renamed{raw}")
        } else {
            names::sanitize(raw)
        }
    }

    /// The column name relation names are built from (the sanitised column name, or the
    /// convention's name).
    pub(super) fn relation_column_name(&self, t: usize, c: usize) -> String {
        if !self.existing_fields.contains_key(&(t, c)) {
            if let Some(n) = self.overrides.columns.get(&(t, c)) {
                return n.clone();
            }
        }
        names::sanitize(&self.db.tables[t].columns[c].name)
    }

    pub(crate) fn view_name(&self, v: usize) -> PName {
        if let Some(m) = self
            .existing_views
            .get(&v)
            .map(|&mi| &self.prev.models[mi])
            .filter(|m| !m.name.is_empty())
        {
            return PName {
                name: m.name.clone(),
                mapped: m.mapped.clone(),
                from_psl: true,
            };
        }
        let view = &self.db.views[v];
        if let Some(n) = self.overrides.views.get(&v) {
            return PName {
                name: n.clone(),
                mapped: (n != &view.name).then(|| view.name.clone()),
                from_psl: false,
            };
        }
        self.model_name_from_sql(&view.name, &view.schema)
    }

    pub(crate) fn enum_name(&self, e: usize) -> PName {
        if let Some(pe) = self
            .existing_enums
            .get(&e)
            .map(|&pi| &self.prev.enums[pi])
            .filter(|pe| !pe.name.is_empty())
        {
            return PName {
                name: pe.name.clone(),
                mapped: pe.mapped.clone(),
                from_psl: true,
            };
        }
        let en = &self.db.enums[e];
        if let Some(n) = self.overrides.enums.get(&e) {
            return PName {
                name: n.clone(),
                mapped: (n != &en.name).then(|| en.name.clone()),
                from_psl: false,
            };
        }
        self.model_name_from_sql(&en.name, &en.schema)
    }

    pub(super) fn intro_name(raw: &str) -> PName {
        if names::needs_sanitation(raw) {
            PName {
                name: names::sanitize(raw),
                mapped: Some(raw.to_string()),
                from_psl: false,
            }
        } else {
            PName {
                name: raw.to_string(),
                mapped: None,
                from_psl: false,
            }
        }
    }

    pub(super) fn psl_field_name(f: &PField) -> PName {
        PName {
            name: f.name.clone(),
            mapped: f.mapped.clone(),
            from_psl: true,
        }
    }

    /// `table_column_prisma_name`.
    pub(crate) fn column_name(&self, t: usize, c: usize) -> PName {
        if let Some(&fi) = self.existing_fields.get(&(t, c)) {
            let mi = self.existing_models[&t];
            return Self::psl_field_name(&self.prev.models[mi].fields[fi]);
        }
        let raw = &self.db.tables[t].columns[c].name;
        if let Some(n) = self.overrides.columns.get(&(t, c)) {
            return PName {
                name: n.clone(),
                mapped: (n != raw).then(|| raw.clone()),
                from_psl: false,
            };
        }
        Self::intro_name(raw)
    }

    pub(super) fn view_column_name(&self, v: usize, c: usize) -> PName {
        if let Some(&fi) = self.existing_view_fields.get(&(v, c)) {
            let mi = self.existing_views[&v];
            return Self::psl_field_name(&self.prev.models[mi].fields[fi]);
        }
        let raw = &self.db.views[v].columns[c].name;
        if let Some(n) = self.overrides.view_columns.get(&(v, c)) {
            return PName {
                name: n.clone(),
                mapped: (n != raw).then(|| raw.clone()),
                from_psl: false,
            };
        }
        Self::intro_name(raw)
    }

    /// `EnumVariantName` of database label `label` of enum `e`.
    pub(super) fn enum_variant_name(&self, e: usize, label: &str) -> PName {
        if let Some(&pi) = self.existing_enums.get(&e) {
            if let Some(v) = self.prev.enums[pi]
                .values
                .iter()
                .find(|v| v.database_name() == label)
            {
                return PName {
                    name: v.name.clone(),
                    mapped: v.mapped.clone(),
                    from_psl: true,
                };
            }
        }
        if label.is_empty() {
            return PName {
                name: "EMPTY_ENUM_VALUE".into(),
                mapped: Some(String::new()),
                from_psl: false,
            };
        }
        Self::intro_name(label)
    }

    /// Names of the relation fields of table `ti` as they will be rendered (for the naming
    /// pass, which must avoid collisions).
    pub(crate) fn relation_field_names(&self, ti: usize) -> Vec<(FkId, bool, String)> {
        let mut out = Vec::new();
        for (table, id, dir) in &self.inline_positions {
            if *table != ti || !self.inline_names.contains_key(id) {
                continue;
            }
            let n = match dir {
                Dir::Forward => self.forward_field_name(*id),
                Dir::Back => self.back_field_name(*id),
            };
            out.push((*id, *dir == Dir::Forward, n));
        }
        out
    }

    /// Whether a table is rendered as a model.
    pub(crate) fn is_model_table(&self, t: usize) -> bool {
        !self.join_tables[t] && !is_skipped_table(&self.db.tables[t])
    }

    /// Whether a relation is ambiguous (the engine's rule, for the naming pass).
    pub(crate) fn inline_relation_engine_name(&self, id: FkId) -> Option<&[String; 3]> {
        self.inline_names.get(&id)
    }
}
