//! `@id`/`@@id`, `@unique`/`@@unique` and `@@index` → the primary key and the indexes Prisma
//! Migrate creates (`CONSTRAINT "T_pkey" PRIMARY KEY`, `CREATE [UNIQUE] INDEX … USING …`).
//!
//! Names are `map:` or Prisma's defaults (`{table}_pkey`, `{table}_{columns}_key`,
//! `{table}_{columns}_idx`, cut to 63 bytes the way Prisma cuts them). A unique key is a
//! `UNIQUE` constraint, the way Supabase migrations mostly write it, unless only an index can
//! hold it (a predicate, a descending column); Prisma Migrate creates unique indexes, which
//! `db pull` does not tell apart from constraints. Predicates (`where: raw("…")`) are kept as written here and normalised with the defaults.

use crate::catalog::{Index, IndexKey, IndexTarget, PrimaryKey, UniqueConstraint};
use crate::psl::ast::{Attribute, Expr, Model, Span};
use crate::psl::names;
use crate::psl::resolved::PModel;

/// A problem with an attribute: the message and the attribute.
pub(crate) type Problem<'a> = (String, &'a Attribute);

/// The primary key, uniques and indexes of a model whose table is called `table`.
pub(crate) struct Keys {
    /// The primary key.
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints.
    pub uniques: Vec<UniqueConstraint>,
    /// Unique and plain indexes, each with the span of its attribute.
    pub indexes: Vec<(Index, Span)>,
}

/// A unique index as a `UNIQUE` constraint, when a constraint can hold it.
fn as_constraint(i: &Index) -> Option<UniqueConstraint> {
    if !i.unique || i.method != "btree" || i.predicate.is_some() {
        return None;
    }
    let columns = i
        .keys
        .iter()
        .map(|k| match &k.target {
            IndexTarget::Column(c) if !k.descending && k.opclass.is_none() => Some(c.clone()),
            _ => None,
        })
        .collect::<Option<Vec<String>>>()?;
    Some(UniqueConstraint {
        name: i.name.clone(),
        columns,
        ..Default::default()
    })
}

/// One entry of a `fields: [...]` list: `a`, or `a(sort: Desc, ops: JsonbPathOps)`.
struct KeyField {
    field: String,
    descending: bool,
    ops: Option<String>,
}

/// The keys of `model` (resolved as `pm`) on table `table`.
pub(crate) fn keys<'a>(
    model: &'a Model,
    pm: &PModel,
    table: &str,
    problems: &mut Vec<Problem<'a>>,
) -> Keys {
    // Relation fields have no column.
    let db_name = |field: &str| -> Option<String> {
        pm.fields
            .iter()
            .find(|f| f.name == field && f.related_model.is_none())
            .map(|f| f.database_name().to_string())
    };
    let mut keys = Keys {
        primary_key: None,
        uniques: Vec::new(),
        indexes: Vec::new(),
    };
    // Field attributes first (`@id`, `@unique`), then block attributes, each in order: the
    // order Prisma Migrate creates them in.
    field_keys(model, &db_name, table, &mut keys, problems);
    for a in &model.attributes {
        block_key(a, &db_name, table, &mut keys, problems);
    }
    let mut uniques = Vec::new();
    keys.indexes.retain(|(i, _)| match as_constraint(i) {
        Some(u) => {
            uniques.push(u);
            false
        }
        None => true,
    });
    keys.uniques = uniques;
    keys
}

/// `@id` and `@unique` on fields.
fn field_keys<'a>(
    model: &'a Model,
    db_name: &dyn Fn(&str) -> Option<String>,
    table: &str,
    keys: &mut Keys,
    problems: &mut Vec<Problem<'a>>,
) {
    for f in &model.fields {
        for a in &f.attributes {
            let unique = match a.name.as_str() {
                "id" => false,
                "unique" => true,
                _ => continue,
            };
            let Some(column) = db_name(&f.name.name) else {
                problems.push((format!("`{}` is not a scalar field", f.name.name), a));
                continue;
            };
            let map = str_argument(a, "map");
            if !unique {
                keys.primary_key = Some(PrimaryKey {
                    name: map.unwrap_or_else(|| names::primary_key_name(table)),
                    columns: vec![column],
                    ..Default::default()
                });
                continue;
            }
            let index = Index {
                name: map.unwrap_or_else(|| names::unique_index_name(table, &[&column])),
                unique: true,
                method: "btree".into(),
                keys: vec![key(column, is_desc(a.argument("sort")), None)],
                predicate: where_argument(a, problems),
                ..Default::default()
            };
            keys.indexes.push((index, a.span.clone()));
        }
    }
}

/// `@@id`, `@@unique` and `@@index`.
fn block_key<'a>(
    a: &'a Attribute,
    db_name: &dyn Fn(&str) -> Option<String>,
    table: &str,
    keys: &mut Keys,
    problems: &mut Vec<Problem<'a>>,
) {
    let kind = a.name.as_str();
    if kind == "fulltext" {
        problems.push(("`@@fulltext` indexes are MySQL and MongoDB only".into(), a));
    }
    if !matches!(kind, "id" | "unique" | "index") {
        return;
    }
    let Some(fields) = key_fields(a, problems) else {
        return;
    };
    let Some(columns) = columns(&fields, db_name, a, problems) else {
        return;
    };
    let names: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
    let map = str_argument(a, "map");
    let (unique, name) = match kind {
        "id" => {
            keys.primary_key = Some(PrimaryKey {
                name: map.unwrap_or_else(|| names::primary_key_name(table)),
                columns: columns.into_iter().map(|(c, _)| c).collect(),
                ..Default::default()
            });
            return;
        }
        // On `@@unique`, `name:` is the client's name of the compound key.
        "unique" => (
            true,
            map.unwrap_or_else(|| names::unique_index_name(table, &names)),
        ),
        // On `@@index`, `name:` is the legacy spelling of `map:`.
        _ => (
            false,
            map.or_else(|| str_argument(a, "name"))
                .unwrap_or_else(|| names::non_unique_index_name(table, &names)),
        ),
    };
    let method = match a.argument("type") {
        None => "btree".to_string(),
        Some(t) => match t.as_path().and_then(method) {
            Some(m) => m.to_string(),
            None => {
                problems.push((format!("unknown index type `{}`", t.to_psl()), a));
                "btree".to_string()
            }
        },
    };
    let index = Index {
        name,
        unique,
        method,
        keys: columns
            .into_iter()
            .map(|(c, f)| key(c, f.descending, f.ops))
            .collect(),
        predicate: where_argument(a, problems),
        ..Default::default()
    };
    keys.indexes.push((index, a.span.clone()));
}

fn key(column: String, descending: bool, opclass: Option<String>) -> IndexKey {
    IndexKey {
        target: IndexTarget::Column(column),
        opclass,
        collation: None,
        descending,
        nulls_first: descending,
    }
}

/// The access method of `type: X`.
fn method(t: &str) -> Option<&'static str> {
    Some(match t {
        "BTree" => "btree",
        "Hash" => "hash",
        "Gist" => "gist",
        "Gin" => "gin",
        "SpGist" => "spgist",
        "Brin" => "brin",
        _ => return None,
    })
}

fn str_argument(a: &Attribute, name: &str) -> Option<String> {
    a.argument(name).and_then(Expr::as_str).map(String::from)
}

fn is_desc(sort: Option<&Expr>) -> bool {
    sort.and_then(Expr::as_path) == Some("Desc")
}

/// `where: raw("…")`.
fn where_argument<'a>(a: &'a Attribute, problems: &mut Vec<Problem<'a>>) -> Option<String> {
    let w = a.argument("where")?;
    match w.as_function() {
        Some(("raw", [arg])) if arg.value.as_str().is_some() => {
            arg.value.as_str().map(String::from)
        }
        _ => {
            problems.push((
                format!("`where:` takes `raw(\"…\")`, not `{}`", w.to_psl()),
                a,
            ));
            None
        }
    }
}

/// The `fields` list of an index attribute.
fn key_fields<'a>(a: &'a Attribute, problems: &mut Vec<Problem<'a>>) -> Option<Vec<KeyField>> {
    let Some(Expr::Array(items)) = a.argument_or_positional("fields") else {
        problems.push((format!("`@@{}` needs a list of fields", a.name), a));
        return None;
    };
    let mut out = Vec::new();
    for item in items {
        match item {
            Expr::Path(p) => out.push(KeyField {
                field: p.clone(),
                descending: false,
                ops: None,
            }),
            Expr::Function(name, args) => {
                let arg = |n: &str| {
                    args.iter()
                        .find(|x| x.name.as_deref() == Some(n))
                        .map(|x| &x.value)
                };
                let ops = match arg("ops") {
                    None => None,
                    Some(Expr::Path(p)) => Some(managed_ops(p)),
                    Some(Expr::Function(f, raw)) if f == "raw" => {
                        raw.first().and_then(|r| r.value.as_str()).map(String::from)
                    }
                    Some(other) => {
                        problems.push((format!("unknown operator class `{}`", other.to_psl()), a));
                        None
                    }
                };
                out.push(KeyField {
                    field: name.clone(),
                    descending: is_desc(arg("sort")),
                    ops,
                });
            }
            other => {
                problems.push((format!("`{}` is not a field name", other.to_psl()), a));
                return None;
            }
        }
    }
    Some(out)
}

/// The columns of the fields, or `None` (reported) when a field does not exist.
fn columns<'a>(
    fields: &[KeyField],
    db_name: &dyn Fn(&str) -> Option<String>,
    a: &'a Attribute,
    problems: &mut Vec<Problem<'a>>,
) -> Option<Vec<(String, KeyField)>> {
    let mut out = Vec::new();
    for f in fields {
        match db_name(&f.field) {
            Some(c) => out.push((
                c,
                KeyField {
                    field: f.field.clone(),
                    descending: f.descending,
                    ops: f.ops.clone(),
                },
            )),
            None => {
                problems.push((
                    format!("`{}` is not a scalar field of the model", f.field),
                    a,
                ));
                return None;
            }
        }
    }
    Some(out)
}

/// The Postgres name of an operator class Prisma names (`JsonbPathOps` → `jsonb_path_ops`,
/// `Int4MinMaxMultiOps` → `int4_minmax_multi_ops`, `TimestampTzBloomOps` →
/// `timestamptz_bloom_ops`).
pub(crate) fn managed_ops(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() || words.is_empty() {
            words.push(String::new());
        }
        if let Some(w) = words.last_mut() {
            w.push(c.to_ascii_lowercase());
        }
    }
    words
        .join("_")
        .replace("min_max", "minmax")
        .replace("_tz", "tz")
        .replace("var_bit", "varbit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_class_names() {
        for (prisma, pg) in [
            ("JsonbPathOps", "jsonb_path_ops"),
            ("JsonbOps", "jsonb_ops"),
            ("InetOps", "inet_ops"),
            ("ArrayOps", "array_ops"),
            ("Int4MinMaxMultiOps", "int4_minmax_multi_ops"),
            ("TimestampTzBloomOps", "timestamptz_bloom_ops"),
            ("TimeTzMinMaxOps", "timetz_minmax_ops"),
            ("VarBitMinMaxOps", "varbit_minmax_ops"),
            ("InetInclusionOps", "inet_inclusion_ops"),
            ("Float8MinMaxMultiOps", "float8_minmax_multi_ops"),
            ("BpcharBloomOps", "bpchar_bloom_ops"),
        ] {
            assert_eq!(managed_ops(prisma), pg);
        }
    }
}
