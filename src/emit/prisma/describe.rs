//! [`Catalog`] → the database as Prisma's schema describer sees it.
//!
//! The schema engine does not read the catalog the way schemagen stores it: it reads
//! `information_schema.columns` (domains resolved to their base type, `udt_name`,
//! `character_maximum_length`…), all indexes in one list (primary key, unique constraints and
//! unique/plain indexes, ordered by name, expression indexes set apart), foreign keys whose two
//! tables it introspects, and only the schemas it was asked for. [`describe`] builds that view,
//! mirroring `sql-schema-describer/src/postgres.rs`, so that the calculator can follow the
//! engine's rules one for one.

use std::collections::HashMap;

use crate::catalog::{Catalog, Deferrable, FkAction, IndexTarget, SqlType, Table};

use super::defaults::{parse_default, DbDefault};
pub use super::family::Family;
use crate::pg::typemap;

/// A native type (`@db.X(args)`), with whether it is the default for its scalar type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Native {
    /// `VarChar`, `Timestamptz`…
    pub name: &'static str,
    /// Arguments (`255`, or `10`, `2`).
    pub args: Vec<String>,
    /// Prisma would not print it (`Integer` for `Int`, `Timestamp(3)` for `DateTime`…).
    pub is_default: bool,
}

/// Column arity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColArity {
    /// NOT NULL.
    Required,
    /// Nullable.
    Nullable,
    /// An array (nullability is dropped).
    List,
}

/// A column.
#[derive(Debug, Clone)]
pub struct Col {
    /// Column name.
    pub name: String,
    /// Type family.
    pub family: Family,
    /// Native type.
    pub native: Option<Native>,
    /// Arity.
    pub arity: ColArity,
    /// Parsed default (generated columns included, as the engine reads `pg_attrdef`).
    pub default: Option<DbDefault>,
    /// Identity column or `nextval` default.
    pub auto_increment: bool,
    /// `COMMENT ON COLUMN`.
    pub description: Option<String>,
}

impl Col {
    /// NOT NULL (lists are never required in this sense).
    pub fn is_required(&self) -> bool {
        self.arity == ColArity::Required
    }
}

/// Index kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// The primary key.
    Primary,
    /// A unique constraint or unique index.
    Unique,
    /// A plain index.
    Normal,
}

/// Operator class of an index column, when not the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ops {
    /// A class Prisma knows (`JsonbPathOps`).
    Managed(&'static str),
    /// Any other (`raw("gin_trgm_ops")`).
    Raw(String),
}

/// A column of an index.
#[derive(Debug, Clone)]
pub struct IndexCol {
    /// Index into the table's columns.
    pub column: usize,
    /// `DESC`.
    pub desc: bool,
    /// Non-default NULLS position (only tracked for B-tree, non-primary indexes).
    pub non_default_nulls: bool,
    /// Non-default operator class (only for GiST, GIN, SP-GiST and BRIN).
    pub ops: Option<Ops>,
}

/// An index (primary key, unique, or plain).
#[derive(Debug, Clone)]
pub struct Idx {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: IndexKind,
    /// Columns.
    pub columns: Vec<IndexCol>,
    /// `Hash`, `Gist`, `Gin`, `SpGist`, `Brin`; `None` for B-tree.
    pub algorithm: Option<&'static str>,
    /// Partial index predicate.
    pub predicate: Option<String>,
    /// Deferrable constraint.
    pub deferrable: bool,
}

/// A foreign key between two introspected tables.
#[derive(Debug, Clone)]
pub struct Fk {
    /// Constraint name.
    pub name: String,
    /// Referencing columns (indexes into the table's columns).
    pub columns: Vec<usize>,
    /// Referenced table (index into [`Db::tables`]).
    pub referenced_table: usize,
    /// Referenced columns (indexes into the referenced table's columns).
    pub referenced_columns: Vec<usize>,
    /// `ON DELETE`.
    pub on_delete: FkAction,
    /// `ON UPDATE`.
    pub on_update: FkAction,
    /// Deferrable.
    pub deferrable: bool,
}

/// A table.
#[derive(Debug, Clone)]
pub struct Tbl {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Columns in order.
    pub columns: Vec<Col>,
    /// Indexes by name (primary key included).
    pub indexes: Vec<Idx>,
    /// Names of expression indexes.
    pub expression_indexes: Vec<String>,
    /// Foreign keys by name.
    pub fks: Vec<Fk>,
    /// Check constraint names.
    pub checks: Vec<String>,
    /// Exclusion constraint names.
    pub exclusions: Vec<String>,
    /// A partitioned table that has partitions.
    pub is_partition: bool,
    /// A table other tables inherit from.
    pub has_subclass: bool,
    /// Row level security enabled.
    pub rls: bool,
    /// `COMMENT ON TABLE`.
    pub description: Option<String>,
}

impl Tbl {
    /// The column called `name`.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The primary key.
    pub fn primary_key(&self) -> Option<&Idx> {
        self.indexes.iter().find(|i| i.kind == IndexKind::Primary)
    }
}

/// An enum type.
#[derive(Debug, Clone)]
pub struct DbEnum {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Values in sort order.
    pub values: Vec<String>,
    /// `COMMENT ON TYPE`.
    pub description: Option<String>,
}

/// A view (not materialized).
#[derive(Debug, Clone)]
pub struct DbView {
    /// Schema.
    pub schema: String,
    /// Name.
    pub name: String,
    /// Columns (always nullable).
    pub columns: Vec<Col>,
    /// `COMMENT ON VIEW`.
    pub description: Option<String>,
}

/// A foreign key that points outside the introspected schemas (the engine refuses these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossSchemaReference {
    /// `schema.table` of the referencing table.
    pub from: String,
    /// `schema.table` of the referenced table.
    pub to: String,
    /// Constraint name.
    pub constraint: String,
    /// The schema that is not introspected.
    pub missing_namespace: String,
}

/// The described database.
#[derive(Debug, Clone, Default)]
pub struct Db {
    /// Introspected schemas that exist, sorted.
    pub namespaces: Vec<String>,
    /// Tables ordered by (schema, name).
    pub tables: Vec<Tbl>,
    /// Enums ordered by (schema, name).
    pub enums: Vec<DbEnum>,
    /// Views ordered by (schema, name).
    pub views: Vec<DbView>,
    /// Foreign keys left out because they leave the introspected schemas.
    pub cross_schema: Vec<CrossSchemaReference>,
}

impl Db {
    /// The table `schema.name` (schema optional: then the first with that name).
    pub fn find_table(&self, name: &str, schema: Option<&str>) -> Option<usize> {
        self.tables
            .iter()
            .position(|t| t.name == name && schema.is_none_or(|s| s == t.schema))
    }

    /// The view `schema.name`.
    pub fn find_view(&self, name: &str, schema: Option<&str>) -> Option<usize> {
        self.views
            .iter()
            .position(|t| t.name == name && schema.is_none_or(|s| s == t.schema))
    }

    /// The enum `schema.name`.
    pub fn find_enum(&self, name: &str, schema: Option<&str>) -> Option<usize> {
        self.enums
            .iter()
            .position(|t| t.name == name && schema.is_none_or(|s| s == t.schema))
    }
}

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

    for n in &db.namespaces {
        for v in catalog.schemas[n].views.values() {
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
        let Some(d) = catalog
            .schemas
            .get(&current.schema)
            .and_then(|s| s.domains.get(&current.name))
        else {
            break;
        };
        not_null |= d.not_null;
        current = d.base.clone();
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
        None => (Family::Unsupported(ty.udt_name()), None),
    }
}

fn algorithm(method: &str) -> Option<&'static str> {
    match method {
        "hash" => Some("Hash"),
        "gist" => Some("Gist"),
        "gin" => Some("Gin"),
        "spgist" => Some("SpGist"),
        "brin" => Some("Brin"),
        _ => None,
    }
}

/// Operator classes Prisma names (`SQLOperatorClassKind`).
fn managed_ops(name: &str) -> Option<&'static str> {
    const OPS: &[(&str, &str)] = &[
        ("inet_ops", "InetOps"),
        ("jsonb_ops", "JsonbOps"),
        ("jsonb_path_ops", "JsonbPathOps"),
        ("array_ops", "ArrayOps"),
        ("text_ops", "TextOps"),
        ("bit_minmax_ops", "BitMinMaxOps"),
        ("varbit_minmax_ops", "VarBitMinMaxOps"),
        ("bpchar_bloom_ops", "BpcharBloomOps"),
        ("bpchar_minmax_ops", "BpcharMinMaxOps"),
        ("bytea_bloom_ops", "ByteaBloomOps"),
        ("bytea_minmax_ops", "ByteaMinMaxOps"),
        ("date_bloom_ops", "DateBloomOps"),
        ("date_minmax_ops", "DateMinMaxOps"),
        ("date_minmax_multi_ops", "DateMinMaxMultiOps"),
        ("float4_bloom_ops", "Float4BloomOps"),
        ("float4_minmax_ops", "Float4MinMaxOps"),
        ("float4_minmax_multi_ops", "Float4MinMaxMultiOps"),
        ("float8_bloom_ops", "Float8BloomOps"),
        ("float8_minmax_ops", "Float8MinMaxOps"),
        ("float8_minmax_multi_ops", "Float8MinMaxMultiOps"),
        ("inet_inclusion_ops", "InetInclusionOps"),
        ("inet_bloom_ops", "InetBloomOps"),
        ("inet_minmax_ops", "InetMinMaxOps"),
        ("inet_minmax_multi_ops", "InetMinMaxMultiOps"),
        ("int2_bloom_ops", "Int2BloomOps"),
        ("int2_minmax_ops", "Int2MinMaxOps"),
        ("int2_minmax_multi_ops", "Int2MinMaxMultiOps"),
        ("int4_bloom_ops", "Int4BloomOps"),
        ("int4_minmax_ops", "Int4MinMaxOps"),
        ("int4_minmax_multi_ops", "Int4MinMaxMultiOps"),
        ("int8_bloom_ops", "Int8BloomOps"),
        ("int8_minmax_ops", "Int8MinMaxOps"),
        ("int8_minmax_multi_ops", "Int8MinMaxMultiOps"),
        ("numeric_bloom_ops", "NumericBloomOps"),
        ("numeric_minmax_ops", "NumericMinMaxOps"),
        ("numeric_minmax_multi_ops", "NumericMinMaxMultiOps"),
        ("oid_bloom_ops", "OidBloomOps"),
        ("oid_minmax_ops", "OidMinMaxOps"),
        ("oid_minmax_multi_ops", "OidMinMaxMultiOps"),
        ("text_bloom_ops", "TextBloomOps"),
        ("text_minmax_ops", "TextMinMaxOps"),
        ("timestamp_bloom_ops", "TimestampBloomOps"),
        ("timestamp_minmax_ops", "TimestampMinMaxOps"),
        ("timestamp_minmax_multi_ops", "TimestampMinMaxMultiOps"),
        ("timestamptz_bloom_ops", "TimestampTzBloomOps"),
        ("timestamptz_minmax_ops", "TimestampTzMinMaxOps"),
        ("timestamptz_minmax_multi_ops", "TimestampTzMinMaxMultiOps"),
        ("time_bloom_ops", "TimeBloomOps"),
        ("time_minmax_ops", "TimeMinMaxOps"),
        ("time_minmax_multi_ops", "TimeMinMaxMultiOps"),
        ("timetz_bloom_ops", "TimeTzBloomOps"),
        ("timetz_minmax_ops", "TimeTzMinMaxOps"),
        ("timetz_minmax_multi_ops", "TimeTzMinMaxMultiOps"),
        ("uuid_bloom_ops", "UuidBloomOps"),
        ("uuid_minmax_ops", "UuidMinMaxOps"),
        ("uuid_minmax_multi_ops", "UuidMinMaxMultiOps"),
    ];
    OPS.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
}

/// The unqualified operator class name (the reader qualifies names outside `pg_catalog`).
fn opclass_name(s: &str) -> String {
    let unquote = |p: &str| p.trim_matches('"').replace("\"\"", "\"");
    match s.rfind('.') {
        Some(i) if !s[i..].contains('"') || s.starts_with('"') => unquote(&s[i + 1..]),
        _ => unquote(s),
    }
}

/// All indexes of a table in name order, and the names of its expression indexes.
fn indexes(t: &Table, described: &Tbl) -> (Vec<Idx>, Vec<String>) {
    struct Raw<'a> {
        name: &'a str,
        kind: IndexKind,
        keys: Vec<(Option<&'a str>, bool, bool, Option<&'a str>)>,
        method: &'a str,
        predicate: Option<&'a str>,
        deferrable: bool,
    }
    let mut raw: Vec<Raw<'_>> = Vec::new();
    if let Some(pk) = &t.primary_key {
        raw.push(Raw {
            name: &pk.name,
            kind: IndexKind::Primary,
            keys: pk
                .columns
                .iter()
                .chain(&pk.include)
                .map(|c| (Some(c.as_str()), false, false, None))
                .collect(),
            method: "btree",
            predicate: None,
            deferrable: pk.deferrable != Deferrable::NotDeferrable,
        });
    }
    for u in &t.uniques {
        raw.push(Raw {
            name: &u.name,
            kind: IndexKind::Unique,
            keys: u
                .columns
                .iter()
                .chain(&u.include)
                .map(|c| (Some(c.as_str()), false, false, None))
                .collect(),
            method: "btree",
            predicate: None,
            deferrable: u.deferrable != Deferrable::NotDeferrable,
        });
    }
    for i in &t.indexes {
        let mut keys: Vec<_> = i
            .keys
            .iter()
            .map(|k| {
                let col = match &k.target {
                    IndexTarget::Column(c) => Some(c.as_str()),
                    IndexTarget::Expression(_) => None,
                };
                (col, k.descending, k.nulls_first, k.opclass.as_deref())
            })
            .collect();
        keys.extend(
            i.include
                .iter()
                .map(|c| (Some(c.as_str()), false, false, None)),
        );
        raw.push(Raw {
            name: &i.name,
            kind: if i.unique {
                IndexKind::Unique
            } else {
                IndexKind::Normal
            },
            keys,
            method: &i.method,
            predicate: i.predicate.as_deref(),
            deferrable: false,
        });
    }
    raw.sort_by(|a, b| a.name.cmp(b.name));

    let mut out = Vec::new();
    let mut expression = Vec::new();
    for r in raw {
        if r.keys.iter().any(|k| k.0.is_none()) {
            expression.push(r.name.to_string());
            continue;
        }
        let algorithm = algorithm(r.method);
        let btree = r.method == "btree" || algorithm.is_none();
        let with_ops = !matches!(r.method, "btree" | "hash") && algorithm.is_some();
        let mut columns = Vec::new();
        let mut ok = true;
        for (col, desc, nulls_first, opclass) in &r.keys {
            let Some(column) = described.column_index(col.unwrap_or_default()) else {
                ok = false;
                continue;
            };
            columns.push(IndexCol {
                column,
                desc: *desc,
                non_default_nulls: btree && r.kind != IndexKind::Primary && *nulls_first != *desc,
                ops: opclass.filter(|_| with_ops).and_then(|o| {
                    let name = opclass_name(o);
                    if crate::pg::builtin::opclasses::is_default_opclass(r.method, &name) {
                        return None;
                    }
                    Some(match managed_ops(&name) {
                        Some(m) => Ops::Managed(m),
                        None => Ops::Raw(name),
                    })
                }),
            });
        }
        if columns.is_empty() && !ok {
            continue;
        }
        out.push(Idx {
            name: r.name.to_string(),
            kind: r.kind,
            columns,
            algorithm,
            predicate: r.predicate.map(str::to_string),
            deferrable: r.deferrable,
        });
    }
    (out, expression)
}
