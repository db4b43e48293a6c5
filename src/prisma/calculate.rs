//! The datamodel calculator: the described database plus the previous schema → [`Datamodel`]
//! blocks and [`Warnings`].
//!
//! This follows the schema engine's introspection (`sql-schema-connector/src/introspection`):
//! `introspection_map.rs` (matching previous items to database items), `relation_names.rs`,
//! `introspection_pair/*.rs` (what each rendered item takes from the database and what it keeps
//! from the previous schema) and `rendering/*.rs` (which attributes, in which order). Function
//! names mirror the engine's so the two can be read side by side.

use std::collections::{HashMap, HashSet};

use crate::catalog::FkAction;

use super::ast::{args_to_psl, Arity};
use super::defaults::{DbDefault, Value};
use super::describe::{Col, ColArity, Db, Family, Fk, Idx, IndexKind, Ops, Tbl};
use super::dm::{Block, BlockKind, Line};
use super::names::{self, string_literal};
use super::naming::Overrides;
use super::previous::{PField, PIndex, PIndexKind, PModel, Previous};
use super::warnings::Warnings;

/// Settings of one calculation.
#[derive(Debug, Clone, Default)]
pub struct CalcOptions {
    /// The datasource lists `schemas` (every block gets `@@schema`).
    pub uses_namespaces: bool,
    /// The `views` preview feature is on.
    pub views: bool,
}

/// The result of a calculation.
#[derive(Debug, Clone, Default)]
pub struct Calculated {
    /// Models in output order.
    pub models: Vec<Block>,
    /// Views in output order.
    pub views: Vec<Block>,
    /// Enums in output order.
    pub enums: Vec<Block>,
    /// Warnings.
    pub warnings: Warnings,
    /// A partial index was rendered (the `partialIndexes` preview feature is then added).
    pub has_partial_index: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Forward,
    Back,
}

/// A name in the output and the database name it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PName {
    /// Prisma name.
    pub name: String,
    /// `@map`/`@@map` value.
    pub mapped: Option<String>,
    /// Taken from the previous schema.
    pub from_psl: bool,
}

type FkId = (usize, usize);

/// The calculation state (`DatamodelCalculatorContext` + `IntrospectionMap`).
pub(crate) struct Calc<'a> {
    pub db: &'a Db,
    pub prev: &'a Previous,
    opts: CalcOptions,
    pub overrides: Overrides,
    existing_models: HashMap<usize, usize>,
    existing_views: HashMap<usize, usize>,
    missing_tables_for_models: HashSet<usize>,
    missing_views_for_models: HashSet<usize>,
    existing_enums: HashMap<usize, usize>,
    existing_fields: HashMap<(usize, usize), usize>,
    existing_view_fields: HashMap<(usize, usize), usize>,
    existing_inline: HashMap<FkId, usize>,
    existing_m2m: HashMap<usize, usize>,
    join_tables: Vec<bool>,
    inline_names: HashMap<FkId, [String; 3]>,
    m2m_names: HashMap<usize, [String; 3]>,
    inline_positions: Vec<(usize, FkId, Dir)>,
    m2m_positions: Vec<(usize, FkId, Dir)>,
    top_level_names: HashMap<String, usize>,
}

fn is_a(s: &str) -> bool {
    s.eq_ignore_ascii_case("a")
}

fn is_b(s: &str) -> bool {
    s.eq_ignore_ascii_case("b")
}

/// A Prisma implicit many-to-many join table (`_AToB`).
fn is_join_table(db: &Db, t: &Tbl) -> bool {
    let col = |i: &Idx, n: usize| t.columns[i.columns[n].column].name.as_str();
    if !t.name.starts_with('_') || t.fks.len() != 2 {
        return false;
    }
    let unique_ab = t.indexes.iter().any(|i| {
        i.columns.len() == 2
            && is_a(col(i, 0))
            && is_b(col(i, 1))
            && matches!(i.kind, IndexKind::Unique | IndexKind::Primary)
    });
    let index_b = t
        .indexes
        .iter()
        .any(|i| i.columns.len() == 1 && is_b(col(i, 0)) && i.kind == IndexKind::Normal);
    if !unique_ab || !index_b {
        return false;
    }
    let (f1, f2) = (&t.fks[0], &t.fks[1]);
    let c1 = &t.columns[f1.columns[0]].name;
    let c2 = &t.columns[f2.columns[0]].name;
    let n1 = &db.tables[f1.referenced_table].name;
    let n2 = &db.tables[f2.referenced_table].name;
    (n1 <= n2 && is_a(c1) && is_b(c2)) || (n2 <= n1 && is_b(c1) && is_a(c2))
}

fn is_skipped_table(t: &Tbl) -> bool {
    let has = |n: &str| t.columns.iter().any(|c| c.name == n);
    let old = t.name == "_Migration"
        && [
            "revision",
            "name",
            "datamodel",
            "status",
            "applied",
            "rolled_back",
            "datamodel_steps",
            "database_migration",
            "errors",
            "started_at",
            "finished_at",
        ]
        .iter()
        .all(|c| has(c));
    let new = t.name == "_prisma_migrations"
        && [
            "id",
            "checksum",
            "finished_at",
            "migration_name",
            "logs",
            "rolled_back_at",
            "started_at",
            "applied_steps_count",
        ]
        .iter()
        .all(|c| has(c));
    let relay = t.name == "_RelayId"
        && has("id")
        && t.columns
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case("stablemodelidentifier"));
    old || new || relay
}

fn sorted_pair(a: usize, b: usize) -> [usize; 2] {
    if a <= b {
        [a, b]
    } else {
        [b, a]
    }
}

impl<'a> Calc<'a> {
    pub(crate) fn new(db: &'a Db, prev: &'a Previous, opts: CalcOptions) -> Self {
        let mut c = Calc {
            db,
            prev,
            opts,
            overrides: Overrides::default(),
            existing_models: HashMap::new(),
            existing_views: HashMap::new(),
            missing_tables_for_models: HashSet::new(),
            missing_views_for_models: HashSet::new(),
            existing_enums: HashMap::new(),
            existing_fields: HashMap::new(),
            existing_view_fields: HashMap::new(),
            existing_inline: HashMap::new(),
            existing_m2m: HashMap::new(),
            join_tables: db.tables.iter().map(|t| is_join_table(db, t)).collect(),
            inline_names: HashMap::new(),
            m2m_names: HashMap::new(),
            inline_positions: Vec::new(),
            m2m_positions: Vec::new(),
            top_level_names: HashMap::new(),
        };
        c.match_previous();
        c
    }

    /// Builds the maps; call again after setting [`Calc::overrides`].
    pub(crate) fn prepare(&mut self) {
        self.populate_top_level_names();
        self.relation_names();
        self.positions();
    }

    // -------------------------------------------------------------------------------------
    // Matching (introspection_map.rs)

    fn match_previous(&mut self) {
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

    fn populate_top_level_names(&mut self) {
        self.top_level_names.clear();
        let mut names = Vec::new();
        for (ti, t) in self.db.tables.iter().enumerate() {
            if self.join_tables[ti] {
                continue;
            }
            names.push(match self.existing_models.get(&ti) {
                Some(&mi) => self.prev.models[mi].name.clone(),
                None => names::sanitize(&t.name),
            });
        }
        for (ei, e) in self.db.enums.iter().enumerate() {
            names.push(match self.existing_enums.get(&ei) {
                Some(&pi) => self.prev.enums[pi].name.clone(),
                None => names::sanitize(&e.name),
            });
        }
        if self.opts.views {
            for (vi, v) in self.db.views.iter().enumerate() {
                names.push(match self.existing_views.get(&vi) {
                    Some(&mi) => self.prev.models[mi].name.clone(),
                    None => names::sanitize(&v.name),
                });
            }
        }
        for n in names {
            *self.top_level_names.entry(n).or_default() += 1;
        }
    }

    fn name_is_unique(&self, name: &str) -> bool {
        self.top_level_names
            .get(&names::sanitize(name))
            .is_none_or(|c| *c <= 1)
    }

    // -------------------------------------------------------------------------------------
    // Names

    /// `ModelName::new_from_sql`.
    fn model_name_from_sql(&self, name: &str, namespace: &str) -> PName {
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
        if let Some(&mi) = self.existing_models.get(&t) {
            let m = &self.prev.models[mi];
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
    fn relation_column_name(&self, t: usize, c: usize) -> String {
        if !self.existing_fields.contains_key(&(t, c)) {
            if let Some(n) = self.overrides.columns.get(&(t, c)) {
                return n.clone();
            }
        }
        names::sanitize(&self.db.tables[t].columns[c].name)
    }

    pub(crate) fn view_name(&self, v: usize) -> PName {
        if let Some(&mi) = self.existing_views.get(&v) {
            let m = &self.prev.models[mi];
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
        if let Some(&pi) = self.existing_enums.get(&e) {
            let pe = &self.prev.enums[pi];
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

    fn intro_name(raw: &str) -> PName {
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

    fn psl_field_name(f: &PField) -> PName {
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

    fn view_column_name(&self, v: usize, c: usize) -> PName {
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
    fn enum_variant_name(&self, e: usize, label: &str) -> PName {
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

    // -------------------------------------------------------------------------------------
    // Relation names (relation_names.rs)

    fn relation_names(&mut self) {
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

    fn m2m_tables(&self, t: usize) -> [usize; 2] {
        let fks = &self.db.tables[t].fks;
        sorted_pair(fks[0].referenced_table, fks[1].referenced_table)
    }

    fn find_ambiguous_relations(&self) -> HashSet<[usize; 2]> {
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

    fn inline_relation_name(&self, id: FkId, ambiguous: &HashSet<[usize; 2]>) -> [String; 3] {
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

    fn m2m_relation_name(&self, t: usize, ambiguous: &HashSet<[usize; 2]>) -> [String; 3] {
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

    fn positions(&mut self) {
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

    fn fk(&self, id: FkId) -> &'a Fk {
        &self.db.tables[id.0].fks[id.1]
    }

    /// The complete previous relation matching a foreign key.
    fn complete_relation(&self, id: FkId) -> Option<(&'a PField, &'a PField)> {
        let r = &self.prev.relations[*self.existing_inline.get(&id)?];
        let back = r.back?;
        Some((
            &self.prev.models[r.forward.0].fields[r.forward.1],
            &self.prev.models[back.0].fields[back.1],
        ))
    }

    fn forward_field_name(&self, id: FkId) -> String {
        if let Some((f, _)) = self.complete_relation(id) {
            return f.name.clone();
        }
        if let Some(n) = self.overrides.forward.get(&id) {
            return n.clone();
        }
        self.inline_names[&id][1].clone()
    }

    fn back_field_name(&self, id: FkId) -> String {
        if let Some((_, b)) = self.complete_relation(id) {
            return b.name.clone();
        }
        if let Some(n) = self.overrides.back.get(&id) {
            return n.clone();
        }
        self.inline_names[&id][2].clone()
    }

    fn inline_relation_prisma_name(&self, id: FkId) -> String {
        if let Some((_, b)) = self.complete_relation(id) {
            return b.relation_name().unwrap_or("").to_string();
        }
        if let Some(n) = self.overrides.relation_names.get(&id) {
            return n.clone();
        }
        self.inline_names[&id][0].clone()
    }

    // -------------------------------------------------------------------------------------
    // Models

    fn table_has_usable_identifier(&self, t: usize) -> bool {
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

    fn model_ignored(&self, t: usize) -> bool {
        let explicit = self
            .existing_models
            .get(&t)
            .is_some_and(|&mi| self.prev.models[mi].ignored);
        explicit || (!self.table_has_usable_identifier(t) && !self.db.tables[t].columns.is_empty())
    }

    fn previous_model(&self, t: usize) -> Option<&'a PModel> {
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

    fn model_warnings(&self, ti: usize, w: &mut Warnings) {
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

    fn scalar_field_name(&self, n: PName, raw: &str) -> String {
        if n.name.is_empty() {
            raw.to_string()
        } else {
            n.name
        }
    }

    /// The `name:` of the `@@id` kept from the previous schema.
    fn model_id_name(&self, ti: usize) -> Option<String> {
        let pk = self.db.tables[ti].primary_key()?;
        if pk.columns.len() <= 1 {
            return None;
        }
        self.previous_model(ti)?.id.as_ref()?.name.clone()
    }

    fn render_model(&self, ti: usize, partial: &mut bool) -> Block {
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
    fn previous_index(&self, ti: usize, idx: &Idx) -> Option<&'a PIndex> {
        let prev = self.previous_model(ti)?;
        let table = prev.database_name();
        prev.indexes.iter().find(|p| {
            (p.map.is_none() && p.name.as_deref() == Some(idx.name.as_str()))
                || p.constraint_name(table) == idx.name
        })
    }

    fn index_field(&self, ti: usize, c: &super::describe::IndexCol) -> String {
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

    fn render_index(&self, ti: usize, idx: &Idx, prev: Option<&PIndex>) -> String {
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

    fn render_model_id(&self, ti: usize, pk: &Idx) -> String {
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

    fn render_scalar_field(&self, ti: usize, ci: usize, partial: &mut bool) -> Line {
        let t = &self.db.tables[ti];
        let col = &t.columns[ci];
        let prev_field = self
            .existing_fields
            .get(&(ti, ci))
            .map(|&fi| &self.previous_model(ti).expect("matched model").fields[fi]);
        let pname = self.column_name(ti, ci);
        let mut line = self.scalar_line(col, &pname, prev_field, |fam| self.family_type(fam));
        // Renderer order: updatedAt, unique, id, default, map, relation, native, ignore.
        let mut attrs = Vec::new();
        if prev_field.is_some_and(|f| f.updated_at) {
            attrs.push("@updatedAt".to_string());
        }
        if let Some(u) = t.indexes.iter().find(|i| {
            i.kind == IndexKind::Unique && i.columns.len() == 1 && i.columns[0].column == ci
        }) {
            let mut args = Vec::new();
            if u.name != names::unique_index_name(&t.name, &[col.name.as_str()]) {
                args.push(format!("map: {}", string_literal(&u.name)));
            }
            if u.columns[0].desc {
                args.push("sort: Desc".into());
            }
            if let Some(p) = &u.predicate {
                *partial = true;
                args.push(format!("where: raw({})", string_literal(p)));
            }
            attrs.push(with_args("@unique", &args));
        }
        if let Some(pk) = t
            .primary_key()
            .filter(|pk| pk.columns.len() == 1 && pk.columns[0].column == ci)
        {
            let mut args = Vec::new();
            if pk.columns[0].desc {
                args.push("sort: Desc".to_string());
            }
            if pk.name != names::primary_key_name(&t.name) {
                args.push(format!("map: {}", string_literal(&pk.name)));
            }
            attrs.push(with_args("@id", &args));
        }
        if let Some(d) = self.render_default(col, prev_field) {
            attrs.push(d);
        }
        line.attributes.splice(0..0, attrs);
        line
    }

    /// Name, type, docs, map, native type, ignore and the commented-out state of a scalar field
    /// (the parts views and models share). Attributes come out in renderer order with `@map`
    /// first; callers insert `@updatedAt`/`@unique`/`@id`/`@default` in front.
    fn scalar_line(
        &self,
        col: &Col,
        pname: &PName,
        prev_field: Option<&PField>,
        family_type: impl Fn(&Family) -> String,
    ) -> Line {
        let name = if pname.name.is_empty() {
            col.name.clone()
        } else {
            pname.name.clone()
        };
        let mut ty = match &col.family {
            Family::Unsupported(u) => format!("Unsupported({})", string_literal(u)),
            f => family_type(f),
        };
        match col.arity {
            ColArity::Required => {}
            ColArity::Nullable => ty.push('?'),
            ColArity::List => ty.push_str("[]"),
        }
        let mut docs = Vec::new();
        if let Some(d) = prev_field.and_then(|f| f.documentation.as_deref()) {
            docs.extend(d.split('\n').map(String::from));
        }
        let mut attributes = Vec::new();
        if let Some(m) = &pname.mapped {
            attributes.push(format!("@map({})", string_literal(m)));
        }
        if let Some(n) = col.native.as_ref().filter(|n| !n.is_default) {
            if n.args.is_empty() {
                attributes.push(format!("@db.{}", n.name));
            } else {
                attributes.push(format!("@db.{}({})", n.name, n.args.join(", ")));
            }
        }
        if prev_field.is_some_and(|f| f.ignored) {
            attributes.push("@ignore".into());
        }
        let commented_out = names::sanitize(&col.name).is_empty();
        if commented_out {
            docs.push("This field was commented out because of an invalid name. Please provide a valid one that matches [a-zA-Z][a-zA-Z0-9_]*".into());
        }
        Line {
            docs,
            commented_out,
            name,
            ty,
            attributes,
        }
    }

    fn family_type(&self, f: &Family) -> String {
        match f {
            Family::Int => "Int".into(),
            Family::BigInt => "BigInt".into(),
            Family::Float => "Float".into(),
            Family::Decimal => "Decimal".into(),
            Family::Boolean => "Boolean".into(),
            Family::String | Family::Uuid => "String".into(),
            Family::DateTime => "DateTime".into(),
            Family::Binary => "Bytes".into(),
            Family::Json => "Json".into(),
            Family::Enum(e) => self.enum_name(*e).name,
            Family::Unsupported(u) => u.clone(),
        }
    }

    fn enum_value_name(&self, e: usize, label: &str) -> String {
        self.enum_variant_name(e, label).name
    }

    /// `@default(…)` (`DefaultValuePair::kind` + `rendering/defaults.rs`).
    fn render_default(&self, col: &Col, prev: Option<&PField>) -> Option<String> {
        let value = match (&col.default, &col.family) {
            (_, Family::Int | Family::BigInt) if col.auto_increment => {
                "autoincrement()".to_string()
            }
            (Some(DbDefault::Sequence), _) => "autoincrement()".to_string(),
            (Some(DbDefault::DbGenerated(s)), _) => dbgenerated(s),
            (Some(DbDefault::Now), Family::DateTime) => "now()".to_string(),
            (Some(DbDefault::Now), _) => return None,
            (Some(DbDefault::Value(Value::Enum(v))), Family::Enum(e)) => {
                match self.enum_label(*e, v) {
                    Some(name) if !name.is_empty() => name,
                    Some(_) => dbgenerated(v),
                    None => dbgenerated(v),
                }
            }
            (Some(DbDefault::Value(v)), _) => render_value(v),
            (None, Family::String | Family::Uuid) => {
                let (name, args) = prev?.default_function.as_ref()?;
                match name.as_str() {
                    "ulid" => "ulid()".to_string(),
                    "cuid" | "uuid" | "nanoid" => {
                        let arg = args.first().map(|a| a.value.to_psl());
                        format!("{name}({})", arg.unwrap_or_default())
                    }
                    _ => return None,
                }
            }
            (None, _) => return None,
        };
        Some(format!("@default({value})"))
    }

    /// The Prisma name of enum label `label` (None when the enum has no such value).
    fn enum_label(&self, e: usize, label: &str) -> Option<String> {
        if !self.db.enums[e].values.iter().any(|v| v == label) {
            return None;
        }
        Some(self.enum_value_name(e, label))
    }

    // -------------------------------------------------------------------------------------
    // Relation fields

    fn relation_fields(&self, ti: usize) -> Vec<Line> {
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

    fn forward_is_unique(&self, id: FkId) -> bool {
        let t = &self.db.tables[id.0];
        let fk = self.fk(id);
        t.indexes
            .iter()
            .filter(|i| matches!(i.kind, IndexKind::Primary | IndexKind::Unique))
            .any(|i| i.columns.iter().all(|c| fk.columns.contains(&c.column)))
    }

    fn inline_relation_field(&self, id: FkId, dir: Dir) -> Line {
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

    fn m2m_relation_field(&self, id: FkId, dir: Dir) -> Line {
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
    fn emulated_relation(&self, f: &PField) -> Line {
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

    fn view_warnings(&self, vi: usize, w: &mut Warnings) {
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

    fn render_view(&self, vi: usize) -> Block {
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

    /// Whether a table is rendered as a model.
    pub(crate) fn is_model_table(&self, t: usize) -> bool {
        !self.join_tables[t] && !is_skipped_table(&self.db.tables[t])
    }

    /// Whether a relation is ambiguous (the engine's rule, for the naming pass).
    pub(crate) fn inline_relation_engine_name(&self, id: FkId) -> Option<&[String; 3]> {
        self.inline_names.get(&id)
    }
}

/// Renders an attribute back as written (without `@`).
fn attr_source(a: &super::ast::Attribute) -> String {
    if a.arguments.is_empty() {
        a.name.clone()
    } else {
        format!("{}({})", a.name, args_to_psl(&a.arguments))
    }
}

fn with_args(name: &str, args: &[String]) -> String {
    if args.is_empty() {
        name.to_string()
    } else {
        format!("{name}({})", args.join(", "))
    }
}

fn dbgenerated(s: &str) -> String {
    if s.trim_matches('\0').is_empty() {
        "dbgenerated()".into()
    } else {
        format!("dbgenerated({})", string_literal(s))
    }
}

fn render_value(v: &Value) -> String {
    match v {
        Value::Str(s) => string_literal(s),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Enum(e) => e.clone(),
        Value::Bytes(b) => format!("\"{}\"", base64(b)),
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(render_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

fn none_last(a: Option<usize>, b: Option<usize>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => a.cmp(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

/// FKs of a table that repeat an earlier one (same columns, same referenced columns).
fn duplicated_fks(t: &Tbl) -> HashSet<usize> {
    let mut out = HashSet::new();
    for (i, left) in t.fks.iter().enumerate() {
        if t.fks[..i].iter().any(|right| {
            left.columns == right.columns
                && left.referenced_table == right.referenced_table
                && left.referenced_columns == right.referenced_columns
        }) {
            out.insert(i);
        }
    }
    out
}

/// Documentation lines, deduplicated like the renderer's `Model::documentation`.
#[derive(Default)]
struct Docs(Option<String>);

impl Docs {
    fn push(&mut self, d: &str) {
        match &mut self.0 {
            Some(existing) if existing.contains(d) => {}
            Some(existing) => {
                existing.push('\n');
                existing.push_str(d);
            }
            None => self.0 = Some(d.to_string()),
        }
    }

    fn lines(self) -> Vec<String> {
        self.0
            .map(|d| d.split('\n').map(String::from).collect())
            .unwrap_or_default()
    }
}

/// Runs the whole calculation.
pub(crate) fn calculate(calc: &Calc<'_>) -> Calculated {
    let mut w = Warnings::default();
    let mut partial = false;
    let enums = calc.enums(&mut w);
    let mut mw = Warnings::default();
    let models = calc.models(&mut mw, &mut partial);
    let mut vw = Warnings::default();
    let views = if calc.opts.views {
        calc.views(&mut vw)
    } else {
        Vec::new()
    };
    merge_warnings(&mut w, mw);
    merge_warnings(&mut w, vw);
    Calculated {
        models,
        views,
        enums,
        warnings: w,
        has_partial_index: partial,
    }
}

fn merge_warnings(into: &mut Warnings, from: Warnings) {
    macro_rules! m {
        ($($f:ident),*) => { $( into.$f.extend(from.$f); )* };
    }
    m!(
        fields_with_empty_names_in_model,
        fields_with_empty_names_in_view,
        remapped_fields_in_model,
        remapped_fields_in_view,
        enum_values_with_empty_names,
        models_without_columns,
        models_without_identifiers,
        views_without_identifiers,
        reintrospected_id_names_in_model,
        reintrospected_id_names_in_view,
        unsupported_types_in_model,
        unsupported_types_in_view,
        remapped_models,
        remapped_views,
        remapped_values,
        remapped_enums,
        reintrospected_relations,
        duplicate_names,
        partition_tables,
        inherited_tables,
        non_default_index_null_sort_order,
        row_level_security_tables,
        check_constraints,
        exclusion_constraints,
        non_default_deferring,
        objects_with_comments,
        expression_indexes
    );
}
