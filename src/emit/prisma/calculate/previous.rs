//! Re-introspection: matching the catalog against the previous Prisma schema, so that names,
//! attributes and comments written by hand are kept.

use super::*;

impl<'a> Calc<'a> {
    pub(super) fn match_previous(&mut self) {
        let db = self.db;
        for (mi, m) in self.prev.models.iter().enumerate() {
            if m.is_view {
                match db.find_view(m.database_name(), m.schema.as_deref()) {
                    Some(v) => {
                        self.existing_views.insert(v, mi);
                    }
                    None => {
                        self.missing_views_for_models.insert(mi);
                    }
                }
            } else {
                match db.find_table(m.database_name(), m.schema.as_deref()) {
                    Some(t) => {
                        self.existing_models.insert(t, mi);
                    }
                    None => {
                        self.missing_tables_for_models.insert(mi);
                    }
                }
            }
        }
        for (ei, e) in self.prev.enums.iter().enumerate() {
            if let Some(id) = db.find_enum(e.database_name(), e.schema.as_deref()) {
                self.existing_enums.insert(id, ei);
            }
        }
        for (ti, t) in db.tables.iter().enumerate() {
            let Some(&mi) = self.existing_models.get(&ti) else {
                continue;
            };
            let m = &self.prev.models[mi];
            for (ci, c) in t.columns.iter().enumerate() {
                if let Some(fi) = m
                    .fields
                    .iter()
                    .position(|f| f.related_model.is_none() && f.database_name() == c.name)
                {
                    self.existing_fields.insert((ti, ci), fi);
                }
            }
            for (ki, fk) in t.fks.iter().enumerate() {
                let found = self.prev.relations.iter().position(|r| {
                    if r.forward.0 != mi {
                        return false;
                    }
                    let f = &m.fields[r.forward.1];
                    let Some(fields) = f.relation_fields() else {
                        return false;
                    };
                    fields.len() == fk.columns.len()
                        && fields.iter().zip(&fk.columns).all(|(fname, &col)| {
                            m.fields
                                .iter()
                                .find(|x| &x.name == fname)
                                .is_some_and(|x| x.database_name() == t.columns[col].name)
                        })
                });
                if let Some(r) = found {
                    self.existing_inline.insert((ti, ki), r);
                }
            }
        }
        for (ti, t) in db.tables.iter().enumerate() {
            if !self.join_tables[ti] {
                continue;
            }
            if let Some(r) = self.prev.m2m.iter().position(|r| r.name == t.name[1..]) {
                self.existing_m2m.insert(ti, r);
            }
        }
        for (vi, v) in db.views.iter().enumerate() {
            let Some(&mi) = self.existing_views.get(&vi) else {
                continue;
            };
            let m = &self.prev.models[mi];
            for (ci, c) in v.columns.iter().enumerate() {
                if let Some(fi) = m
                    .fields
                    .iter()
                    .position(|f| f.related_model.is_none() && f.database_name() == c.name)
                {
                    self.existing_view_fields.insert((vi, ci), fi);
                }
            }
        }
    }

    /// Whether the relation of a foreign key comes from the previous schema.
    pub(crate) fn relation_from_previous(&self, id: FkId) -> bool {
        self.complete_relation(id).is_some()
    }

    /// Whether the table has a model in the previous schema.
    pub(crate) fn table_from_previous(&self, t: usize) -> bool {
        self.existing_models.contains_key(&t)
    }

    /// Whether the column has a field in the previous schema.
    pub(crate) fn column_from_previous(&self, t: usize, c: usize) -> bool {
        self.existing_fields.contains_key(&(t, c))
    }

    /// Whether the view has a block in the previous schema.
    pub(crate) fn view_from_previous(&self, v: usize) -> bool {
        self.existing_views.contains_key(&v)
    }

    /// Whether the view column has a field in the previous schema.
    pub(crate) fn view_column_from_previous(&self, v: usize, c: usize) -> bool {
        self.existing_view_fields.contains_key(&(v, c))
    }

    /// Whether the enum has a block in the previous schema.
    pub(crate) fn enum_from_previous(&self, e: usize) -> bool {
        self.existing_enums.contains_key(&e)
    }
}
