//! The previous schema, resolved: what re-introspection needs to know about each model, field,
//! index, relation and enum (database names, custom names, attributes to keep), the way psl's
//! parser database exposes it to the schema engine.

mod build;

use build::{pair_m2m, pair_relations, resolve_model, str_arg};
use std::collections::HashMap;

use super::ast::*;
use super::names;

/// Kind of a previous index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PIndexKind {
    /// `@unique` / `@@unique`.
    Unique,
    /// `@@index`.
    Normal,
    /// `@@fulltext`.
    Fulltext,
}

/// An index of a previous model (`@unique` on a field or `@@unique`/`@@index`).
#[derive(Debug, Clone)]
pub struct PIndex {
    /// Kind.
    pub kind: PIndexKind,
    /// Field names (Prisma names) in order.
    pub fields: Vec<String>,
    /// Database names of those fields.
    pub field_db_names: Vec<String>,
    /// `name:`.
    pub name: Option<String>,
    /// `map:`.
    pub map: Option<String>,
    /// Defined as a field attribute.
    pub on_field: bool,
    /// Position among the model's attributes (for ordering).
    pub position: usize,
    /// `type:`.
    pub algorithm: Option<String>,
    /// The attribute as written (for views, which copy it).
    pub attribute: Attribute,
}

impl PIndex {
    /// The constraint name: `map:` or the default name for the model's table.
    pub fn constraint_name(&self, table: &str) -> String {
        if let Some(m) = &self.map {
            return m.clone();
        }
        let cols: Vec<&str> = self.field_db_names.iter().map(String::as_str).collect();
        match self.kind {
            PIndexKind::Unique => names::unique_index_name(table, &cols),
            _ => names::non_unique_index_name(table, &cols),
        }
    }
}

/// The primary key of a previous model.
#[derive(Debug, Clone)]
pub struct PId {
    /// Field names.
    pub fields: Vec<String>,
    /// `name:`.
    pub name: Option<String>,
    /// Defined as `@id` on a field.
    pub on_field: bool,
    /// The attribute as written (for views).
    pub attribute: Attribute,
}

/// A field of a previous model.
#[derive(Debug, Clone)]
pub struct PField {
    /// Prisma name.
    pub name: String,
    /// `@map` value.
    pub mapped: Option<String>,
    /// The type name.
    pub type_name: String,
    /// The arity.
    pub arity: Arity,
    /// Index of the related model, when the type is a model or view.
    pub related_model: Option<usize>,
    /// `@updatedAt`.
    pub updated_at: bool,
    /// `@ignore`.
    pub ignored: bool,
    /// `@default(f(args))` when it is a function call: name and arguments as PSL.
    pub default_function: Option<(String, Vec<Argument>)>,
    /// `///` documentation.
    pub documentation: Option<String>,
    /// The `@relation` attribute.
    pub relation: Option<Attribute>,
}

impl PField {
    /// The column name.
    pub fn database_name(&self) -> &str {
        self.mapped.as_deref().unwrap_or(&self.name)
    }

    /// The explicit relation name (`@relation("x")` or `@relation(name: "x")`).
    pub fn relation_name(&self) -> Option<&str> {
        self.relation
            .as_ref()?
            .argument_or_positional("name")?
            .as_str()
    }

    /// `fields: [...]` of the relation attribute.
    pub fn relation_fields(&self) -> Option<Vec<String>> {
        let arr = self.relation.as_ref()?.argument("fields")?.as_array()?;
        Some(
            arr.iter()
                .filter_map(|e| e.as_path().map(String::from))
                .collect(),
        )
    }

    /// `references: [...]` of the relation attribute.
    pub fn relation_references(&self) -> Option<Vec<String>> {
        let arr = self.relation.as_ref()?.argument("references")?.as_array()?;
        Some(
            arr.iter()
                .filter_map(|e| e.as_path().map(String::from))
                .collect(),
        )
    }

    /// A named argument of the relation attribute, as a constant (`onDelete`, `onUpdate`).
    pub fn relation_constant(&self, arg: &str) -> Option<&str> {
        self.relation.as_ref()?.argument(arg)?.as_path()
    }

    /// `map:` of the relation attribute.
    pub fn relation_map(&self) -> Option<&str> {
        self.relation.as_ref()?.argument("map")?.as_str()
    }
}

/// A previous model or view.
#[derive(Debug, Clone)]
pub struct PModel {
    /// Prisma name.
    pub name: String,
    /// `@@map` value.
    pub mapped: Option<String>,
    /// `@@schema` value.
    pub schema: Option<String>,
    /// A `view` block.
    pub is_view: bool,
    /// `@@ignore`.
    pub ignored: bool,
    /// `///` documentation.
    pub documentation: Option<String>,
    /// Fields in order.
    pub fields: Vec<PField>,
    /// Indexes (field-level uniques first, then block attributes, each in order).
    pub indexes: Vec<PIndex>,
    /// Primary key.
    pub id: Option<PId>,
}

impl PModel {
    /// The table name.
    pub fn database_name(&self) -> &str {
        self.mapped.as_deref().unwrap_or(&self.name)
    }
}

/// A value of a previous enum.
#[derive(Debug, Clone)]
pub struct PEnumValue {
    /// Prisma name.
    pub name: String,
    /// `@map` value.
    pub mapped: Option<String>,
    /// `///` documentation.
    pub documentation: Option<String>,
}

impl PEnumValue {
    /// The database label.
    pub fn database_name(&self) -> &str {
        self.mapped.as_deref().unwrap_or(&self.name)
    }
}

/// A previous enum.
#[derive(Debug, Clone)]
pub struct PEnum {
    /// Prisma name.
    pub name: String,
    /// `@@map` value.
    pub mapped: Option<String>,
    /// `@@schema` value.
    pub schema: Option<String>,
    /// `///` documentation.
    pub documentation: Option<String>,
    /// Values.
    pub values: Vec<PEnumValue>,
}

impl PEnum {
    /// The type name.
    pub fn database_name(&self) -> &str {
        self.mapped.as_deref().unwrap_or(&self.name)
    }
}

/// An inline relation of the previous schema: the field holding `fields:`, and its opposite.
#[derive(Debug, Clone)]
pub struct PRelation {
    /// (model, field) with `@relation(fields: …)`.
    pub forward: (usize, usize),
    /// The back-relation field, when the relation is complete.
    pub back: Option<(usize, usize)>,
}

/// An implicit many-to-many relation of the previous schema (two list fields, no `fields:`).
#[derive(Debug, Clone)]
pub struct PM2m {
    /// The relation name: explicit, or generated (`{A}To{B}`, model names in order).
    pub name: String,
    /// The two (model, field) sides.
    pub sides: [(usize, usize); 2],
}

/// The previous schema, resolved.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// Generators in order.
    pub generators: Vec<ConfigBlock>,
    /// The (first) datasource.
    pub datasource: Option<ConfigBlock>,
    /// Models and views in file order.
    pub models: Vec<PModel>,
    /// Enums in file order.
    pub enums: Vec<PEnum>,
    /// Inline relations.
    pub relations: Vec<PRelation>,
    /// Implicit many-to-many relations.
    pub m2m: Vec<PM2m>,
}

impl Previous {
    /// Resolves a parsed schema.
    pub fn new(ast: &SchemaAst) -> Previous {
        let mut p = Previous::default();
        let mut model_asts: Vec<&Model> = Vec::new();
        for top in &ast.tops {
            match top {
                Top::Generator(g) => p.generators.push(g.clone()),
                Top::Datasource(d) => {
                    if p.datasource.is_none() {
                        p.datasource = Some(d.clone());
                    }
                }
                Top::Model(m) => model_asts.push(m),
                Top::Enum(e) => p.enums.push(PEnum {
                    name: e.name.name.clone(),
                    mapped: str_arg(e.attribute("map"), "name"),
                    schema: str_arg(e.attribute("schema"), "name"),
                    documentation: e.documentation.clone(),
                    values: e
                        .values
                        .iter()
                        .map(|v| PEnumValue {
                            name: v.name.name.clone(),
                            mapped: str_arg(v.attribute("map"), "name"),
                            documentation: v.documentation.clone(),
                        })
                        .collect(),
                }),
                Top::CompositeType(_) => {}
            }
        }
        let model_index: HashMap<&str, usize> = model_asts
            .iter()
            .enumerate()
            .map(|(i, m)| (m.name.name.as_str(), i))
            .collect();
        for m in &model_asts {
            p.models.push(resolve_model(m, &model_index));
        }
        p.relations = pair_relations(&p.models);
        p.m2m = pair_m2m(&p.models);
        p
    }

    /// Preview features of all generators.
    pub fn preview_features(&self) -> Vec<String> {
        let mut out = Vec::new();
        for g in &self.generators {
            if let Some(Expr::Array(items)) = g.property("previewFeatures") {
                for i in items {
                    if let Some(s) = i.as_str() {
                        out.push(s.to_string());
                    }
                }
            }
        }
        out
    }

    /// Whether a preview feature is on (case-insensitive, as psl compares them).
    pub fn has_preview_feature(&self, feature: &str) -> bool {
        self.preview_features()
            .iter()
            .any(|f| f.eq_ignore_ascii_case(feature))
    }

    /// `schemas = [...]` of the datasource.
    pub fn schemas(&self) -> Vec<String> {
        match self.datasource.as_ref().and_then(|d| d.property("schemas")) {
            Some(Expr::Array(items)) => items
                .iter()
                .filter_map(|i| i.as_str().map(String::from))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// `relationMode = "prisma"`.
    pub fn relation_mode_prisma(&self) -> bool {
        self.datasource
            .as_ref()
            .and_then(|d| d.property("relationMode"))
            .and_then(Expr::as_str)
            == Some("prisma")
    }

    /// The index of the model (or view) with Prisma name `name`.
    pub fn model_by_name(&self, name: &str) -> Option<usize> {
        self.models.iter().position(|m| m.name == name)
    }
}
