//! Building the resolved schema: models with their fields, keys and indexes, relations paired
//! from both sides, implicit many-to-many relations.

use crate::psl::ast::*;
use std::collections::HashMap;

use super::*;

pub(super) fn str_arg(attr: Option<&Attribute>, name: &str) -> Option<String> {
    attr?
        .argument_or_positional(name)?
        .as_str()
        .map(String::from)
}

/// Field names of an index attribute's `fields` argument (`[a, b(sort: Desc)]`).
pub(super) fn index_field_names(attr: &Attribute) -> Vec<String> {
    let Some(Expr::Array(items)) = attr.argument_or_positional("fields") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|e| match e {
            Expr::Path(p) => Some(p.clone()),
            Expr::Function(name, _) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

pub(super) fn resolve_model(m: &Model, model_index: &HashMap<&str, usize>) -> PModel {
    let mut fields = Vec::new();
    let mut indexes = Vec::new();
    let mut id = None;
    for f in &m.fields {
        let related_model = if f.ty.unsupported {
            None
        } else {
            model_index.get(f.ty.name.as_str()).copied()
        };
        let default_function = f.attribute("default").and_then(|d| {
            d.argument_or_positional("value")
                .and_then(Expr::as_function)
                .map(|(n, a)| (n.to_string(), a.to_vec()))
        });
        fields.push(PField {
            name: f.name.name.clone(),
            mapped: str_arg(f.attribute("map"), "name"),
            type_name: f.ty.name.clone(),
            arity: f.ty.arity,
            related_model,
            updated_at: f.attribute("updatedAt").is_some(),
            ignored: f.attribute("ignore").is_some(),
            default_function,
            documentation: field_docs(f.documentation.as_deref()),
            relation: f.attribute("relation").cloned(),
        });
    }
    let db_name_of = |field: &str| -> String {
        fields
            .iter()
            .find(|f: &&PField| f.name == field)
            .map_or_else(|| field.to_string(), |f| f.database_name().to_string())
    };
    let mut position = 0;
    for f in &m.fields {
        for a in &f.attributes {
            position += 1;
            match a.name.as_str() {
                "unique" => indexes.push(PIndex {
                    kind: PIndexKind::Unique,
                    fields: vec![f.name.name.clone()],
                    field_db_names: vec![db_name_of(&f.name.name)],
                    name: None,
                    map: a.argument("map").and_then(Expr::as_str).map(String::from),
                    on_field: true,
                    position: usize::MAX / 2 + position,
                    algorithm: None,
                    attribute: a.clone(),
                }),
                "id" => {
                    id = Some(PId {
                        fields: vec![f.name.name.clone()],
                        name: None,
                        on_field: true,
                        attribute: a.clone(),
                    })
                }
                _ => {}
            }
        }
    }
    for (pos, a) in m.attributes.iter().enumerate() {
        let kind = match a.name.as_str() {
            "unique" => PIndexKind::Unique,
            "index" => PIndexKind::Normal,
            "fulltext" => PIndexKind::Fulltext,
            "id" => {
                id = Some(PId {
                    fields: index_field_names(a),
                    name: a.argument("name").and_then(Expr::as_str).map(String::from),
                    on_field: false,
                    attribute: a.clone(),
                });
                continue;
            }
            _ => continue,
        };
        let names = index_field_names(a);
        let mut name = a.argument("name").and_then(Expr::as_str).map(String::from);
        let mut map = a.argument("map").and_then(Expr::as_str).map(String::from);
        // On `@@index` (and `@@fulltext`), `name:` is the legacy spelling of `map:`.
        if kind != PIndexKind::Unique {
            map = map.or(name.take());
        }
        indexes.push(PIndex {
            kind,
            field_db_names: names.iter().map(|n| db_name_of(n)).collect(),
            fields: names,
            name,
            map,
            on_field: false,
            position: pos,
            algorithm: a.argument("type").and_then(Expr::as_path).map(String::from),
            attribute: a.clone(),
        });
    }
    PModel {
        name: m.name.name.clone(),
        mapped: str_arg(m.attribute("map"), "name"),
        schema: str_arg(m.attribute("schema"), "name"),
        is_view: m.is_view,
        ignored: m.attribute("ignore").is_some(),
        documentation: m.documentation.clone(),
        fields,
        indexes,
        id,
    }
}

/// Pairs the relation fields of the previous schema into inline relations.
pub(super) fn pair_relations(models: &[PModel]) -> Vec<PRelation> {
    let mut out = Vec::new();
    for (mi, m) in models.iter().enumerate() {
        for (fi, f) in m.fields.iter().enumerate() {
            let Some(target) = f.related_model else {
                continue;
            };
            if f.relation_fields().is_none() {
                continue;
            }
            let name = f.relation_name();
            let back = models[target]
                .fields
                .iter()
                .enumerate()
                .find(|(bfi, b)| {
                    b.related_model == Some(mi)
                        && !(target == mi && *bfi == fi)
                        && b.relation_fields().is_none()
                        && b.relation_name() == name
                })
                .map(|(bfi, _)| (target, bfi));
            out.push(PRelation {
                forward: (mi, fi),
                back,
            });
        }
    }
    out
}

/// Pairs list relation fields without `fields:` into implicit many-to-many relations.
pub(super) fn pair_m2m(models: &[PModel]) -> Vec<PM2m> {
    let mut out: Vec<PM2m> = Vec::new();
    let is_m2m_side = |f: &PField| {
        f.related_model.is_some() && f.arity == Arity::List && f.relation_fields().is_none()
    };
    for (mi, m) in models.iter().enumerate() {
        for (fi, f) in m.fields.iter().enumerate() {
            if !is_m2m_side(f) {
                continue;
            }
            let target = f.related_model.expect("relation");
            if out.iter().any(|r| r.sides.contains(&(mi, fi))) {
                continue;
            }
            let other = models[target].fields.iter().enumerate().find(|(ofi, o)| {
                is_m2m_side(o)
                    && o.related_model == Some(mi)
                    && !(target == mi && *ofi == fi)
                    && o.relation_name() == f.relation_name()
            });
            let Some((ofi, _)) = other else { continue };
            let name = match f.relation_name() {
                Some(n) => n.to_string(),
                None => {
                    let mut names = [m.name.as_str(), models[target].name.as_str()];
                    names.sort();
                    format!("{}To{}", names[0], names[1])
                }
            };
            out.push(PM2m {
                name,
                sides: [(mi, fi), (target, ofi)],
            });
        }
    }
    out
}

/// A field's documentation, without the engine's note on a commented-out field: in the file
/// that note and the commented-out line form one comment block with the next field's
/// documentation, so psl hands it to that field, and `db pull` then adds one more copy of it on
/// every run. Dropping it keeps a second run from changing the file.
pub(super) fn field_docs(doc: Option<&str>) -> Option<String> {
    let doc = doc?;
    let lines: Vec<&str> = doc
        .split('\n')
        .filter(|l| *l != crate::psl::names::COMMENTED_OUT_FIELD_DOC)
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}
