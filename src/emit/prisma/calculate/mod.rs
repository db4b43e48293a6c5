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
mod naming;
mod overrides;
mod previous;
mod relations;
mod views;

use std::collections::{HashMap, HashSet};

use super::defaults::Value;
use super::describe::{Db, Fk, Idx, IndexKind, Tbl};
use super::dm::Block;
use super::warnings::Warnings;
use crate::psl::ast::args_to_psl;
use crate::psl::names::{self, string_literal};
use crate::psl::resolved::{PModel, Previous};

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

    // -------------------------------------------------------------------------------------
    // Names
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
