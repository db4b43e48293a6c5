//! [`Catalog`] → the database as Prisma's schema describer sees it.
//!
//! The schema engine does not read the catalog the way schemagen stores it: it reads
//! `information_schema.columns` (domains resolved to their base type, `udt_name`,
//! `character_maximum_length`…), all indexes in one list (primary key, unique constraints and
//! unique/plain indexes, ordered by name, expression indexes set apart), foreign keys whose two
//! tables it introspects, and only the schemas it was asked for. [`describe`] builds that view,
//! mirroring `sql-schema-describer/src/postgres.rs`, so that the calculator can follow the
//! engine's rules one for one.

mod db;
mod indexes;

pub use db::{
    Col, ColArity, CrossSchemaReference, Db, DbEnum, DbView, Fk, Idx, IndexCol, IndexKind, Native,
    Ops, Tbl,
};
use indexes::indexes;

use std::collections::HashMap;

use crate::catalog::{Catalog, SqlType};

use super::defaults::{parse_default, DbDefault};
pub use super::family::Family;
use crate::pg::typemap;

/// Describes `catalog` as the engine would, introspecting `namespaces`.
pub fn describe(catalog: &Catalog, namespaces: &[String]) -> Db {
    let mut db = Db::default();
    let mut ns: Vec<String> = namespaces
        .iter()
        .filter(|n| catalog.schemas.contains_key(n.as_str()))
        .cloned()
        .collect();
    ns.sort();
    ns.dedup();
    db.namespaces = ns;
    for t in crate::pg::builtin::extensions::TYPES {
        // A domain is not known by name: an array of one is named as information_schema
        // names it (`Unsupported("_earth")[]`).
        if crate::pg::builtin::extensions::ext_domain_base(t.extension, t.name).is_some() {
            continue;
        }
        if let Some(e) = catalog.extensions.get(t.extension) {
            if db.namespaces.contains(&e.schema) {
                db.extension_types
                    .insert((e.schema.clone(), t.name.to_string()));
            }
        }
    }

    // Enums first: column types refer to them.
    for n in &db.namespaces {
        let schema = &catalog.schemas[n];
        for e in schema.enums.values() {
            db.enums.push(DbEnum {
                schema: n.clone(),
                name: e.name.clone(),
                values: e.values.clone(),
                description: e.comment.clone(),
            });
        }
    }

    // Tables: ordinary tables that are not partitions, and partitioned parents.
    let parents = parents(catalog);
    let mut table_ids: HashMap<(String, String), usize> = HashMap::new();
    for n in &db.namespaces {
        for t in catalog.schemas[n].tables.values() {
            if t.is_partition {
                continue;
            }
            table_ids.insert((n.clone(), t.name.clone()), db.tables.len());
            let columns = t
                .columns
                .iter()
                .map(|c| {
                    let (ty, domain_not_null) = resolve_domain(catalog, &c.ty);
                    let default = c.default.as_ref().or(c.generated.as_ref());
                    column(
                        &db,
                        &c.name,
                        &ty,
                        c.not_null || domain_not_null,
                        default.map(String::as_str),
                        c.identity.is_some(),
                        c.comment.clone(),
                    )
                })
                .collect();
            let has_children =
                |partition: bool| parents.contains(&(n.as_str(), t.name.as_str(), partition));
            db.tables.push(Tbl {
                schema: n.clone(),
                name: t.name.clone(),
                columns,
                indexes: Vec::new(),
                expression_indexes: Vec::new(),
                fks: Vec::new(),
                checks: t.checks.iter().map(|c| c.name.clone()).collect(),
                exclusions: t.exclusions.iter().map(|c| c.name.clone()).collect(),
                is_partition: t.partition_by.is_some() && has_children(true),
                has_subclass: t.partition_by.is_none() && has_children(false),
                rls: t.rls_enabled,
                description: t.comment.clone(),
            });
        }
    }

    for i in 0..db.tables.len() {
        let (schema, name) = (db.tables[i].schema.clone(), db.tables[i].name.clone());
        let t = &catalog.schemas[&schema].tables[&name];
        let (indexes, expression) = indexes(t, &db.tables[i]);
        db.tables[i].indexes = indexes;
        db.tables[i].expression_indexes = expression;
        let mut fks = Vec::new();
        for fk in &t.foreign_keys {
            if !db.namespaces.contains(&fk.references.schema) {
                db.cross_schema.push(CrossSchemaReference {
                    from: format!("{schema}.{name}"),
                    to: format!("{}.{}", fk.references.schema, fk.references.name),
                    constraint: fk.name.clone(),
                    missing_namespace: fk.references.schema.clone(),
                });
                continue;
            }
            let Some(&rt) =
                table_ids.get(&(fk.references.schema.clone(), fk.references.name.clone()))
            else {
                continue;
            };
            let cols: Option<Vec<usize>> = fk
                .columns
                .iter()
                .map(|c| db.tables[i].column_index(c))
                .collect();
            let rcols: Option<Vec<usize>> = fk
                .referenced_columns
                .iter()
                .map(|c| db.tables[rt].column_index(c))
                .collect();
            let (Some(columns), Some(referenced_columns)) = (cols, rcols) else {
                continue;
            };
            fks.push(Fk {
                name: fk.name.clone(),
                columns,
                referenced_table: rt,
                referenced_columns,
                on_delete: fk.on_delete,
                on_update: fk.on_update,
                deferrable: !fk.deferrable.is_default(),
            });
        }
        fks.sort_by(|a, b| a.name.cmp(&b.name));
        db.tables[i].fks = fks;
    }

    let mut views: Vec<(&String, &crate::catalog::View)> = db
        .namespaces
        .iter()
        .flat_map(|n| catalog.schemas[n].views.values().map(move |v| (n, v)))
        .collect();
    views.sort_by_key(|(_, v)| v.row_order);
    {
        for (n, v) in views {
            if v.materialized {
                continue;
            }
            let columns = v
                .columns
                .iter()
                .map(|c| {
                    let (ty, _) = resolve_domain(catalog, &c.ty);
                    column(
                        &db,
                        &c.name,
                        &ty,
                        false,
                        c.default.as_deref(),
                        false,
                        c.comment.clone(),
                    )
                })
                .collect();
            db.views.push(DbView {
                schema: n.clone(),
                name: v.name.clone(),
                columns,
                description: v.comment.clone(),
            });
        }
    }
    db
}

/// `(schema, name, by partition)` of every table another table inherits from, or is a partition
/// of: one pass over the catalog instead of one per table.
fn parents(catalog: &Catalog) -> std::collections::HashSet<(&str, &str, bool)> {
    catalog
        .schemas
        .values()
        .flat_map(|s| s.tables.values())
        .flat_map(|child| {
            child
                .inherits
                .iter()
                .map(|p| (p.schema.as_str(), p.name.as_str(), child.is_partition))
        })
        .collect()
}

/// Follows domains down to their base type; also says whether a domain on the way is NOT NULL.
fn resolve_domain(catalog: &Catalog, ty: &SqlType) -> (SqlType, bool) {
    let mut current = ty.clone();
    let mut not_null = false;
    // An array of a domain is its own type (`_email`) to information_schema: the engine shows
    // it as `Unsupported("_email")[]`.
    if ty.is_array() {
        return (current, false);
    }
    for _ in 0..16 {
        let Some((base, domain_not_null)) =
            crate::pg::builtin::extensions::domain_base(catalog, &current)
        else {
            break;
        };
        not_null |= domain_not_null;
        current = base;
    }
    (current, not_null)
}

fn column(
    db: &Db,
    name: &str,
    ty: &SqlType,
    not_null: bool,
    default: Option<&str>,
    identity: bool,
    description: Option<String>,
) -> Col {
    let is_list = ty.is_array();
    let arity = if is_list {
        ColArity::List
    } else if not_null {
        ColArity::Required
    } else {
        ColArity::Nullable
    };
    let (family, native) = family_and_native(db, ty);
    let default = default.and_then(|d| parse_default(d, &family, is_list));
    let auto_increment = identity || matches!(default, Some(DbDefault::Sequence));
    Col {
        name: name.to_string(),
        family,
        native,
        arity,
        default,
        auto_increment,
        description,
    }
}

fn native(name: &'static str, args: Vec<String>, is_default: bool) -> Option<Native> {
    Some(Native {
        name,
        args,
        is_default,
    })
}

/// `get_column_type_family` for PostgreSQL (the table is [`typemap`]).
fn family_and_native(db: &Db, ty: &SqlType) -> (Family, Option<Native>) {
    if let Some(t) = typemap::by_pg_name(&ty.name, &ty.schema) {
        let (args, is_default) = t.native_args(&ty.modifiers, ty.is_array());
        return (t.scalar.into(), native(t.native, args, is_default));
    }
    match db.find_enum(&ty.name, Some(&ty.schema)) {
        Some(e) => (Family::Enum(e), None),
        None if ty.is_array()
            && db
                .extension_types
                .contains(&(ty.schema.clone(), ty.name.clone())) =>
        {
            (Family::Unsupported(ty.name.clone()), None)
        }
        None => (Family::Unsupported(ty.udt_name()), None),
    }
}
