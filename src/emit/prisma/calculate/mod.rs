//! The datamodel calculator: the described database plus the previous schema → [`Datamodel`](super::dm::Datamodel)
//! blocks and [`Warnings`].
//!
//! This follows the schema engine's introspection (`sql-schema-connector/src/introspection`):
//! `introspection_map.rs` (matching previous items to database items), `relation_names.rs`,
//! `introspection_pair/*.rs` (what each rendered item takes from the database and what it keeps
//! from the previous schema) and `rendering/*.rs` (which attributes, in which order). Function
//! names mirror the engine's so the two can be read side by side.

mod enums;
mod models;
mod overrides;
mod relations;
mod views;

use std::collections::{HashMap, HashSet};

use super::defaults::Value;
use super::describe::{Db, Fk, Idx, IndexKind, Tbl};
use super::dm::Block;
use super::warnings::Warnings;
use crate::psl::ast::args_to_psl;
use crate::psl::names::{self, string_literal};
use crate::psl::resolved::{PField, PModel, Previous};

pub use overrides::Overrides;

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
fn attr_source(a: &crate::psl::ast::Attribute) -> String {
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
        Value::Str(s) | Value::Json(s) => string_literal(s),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Enum(e) => e.clone(),
        Value::Bytes(b) => format!("\"{}\"", base64(b)),
        // The engine's `DefaultKind::StringList` keeps `as_string()` values only.
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .filter(
                    |v| !(matches!(items.first(), Some(Value::Str(_) | Value::Json(_)))
                        && matches!(v, Value::Json(_)))
                )
                .map(render_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Standard base64 with padding, as the engine prints `Bytes` defaults.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
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
