//! The part of a catalog a Prisma schema can express, and the comparison of two catalogs on it.
//!
//! Both catalogs are cut down to [`Object`]s keyed by kind and name. The replayed catalog is
//! first put the way Prisma sees it (each rule below names what Prisma cannot express); the
//! lowered one is taken as it is, so every difference that is not on the list is a failure.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use schemagen::catalog::{Catalog, Column, Index, IndexTarget, SqlType, Table};
use schemagen::emit::prisma::defaults::{parse_default, DbDefault};
use schemagen::emit::prisma::family::Family;

/// What the Prisma schema covers.
pub struct Scope {
    /// The datasource's schemas (or the default one).
    pub schemas: Vec<String>,
    /// `previewFeatures = ["views"]`.
    pub views: bool,
    /// `relationMode = "prisma"`: no foreign keys.
    pub relation_mode_prisma: bool,
    /// Compare sequences too (name, type, owner): only where both sides make them the same
    /// way (serial columns), not against replayed migrations.
    pub sequences: bool,
}

/// One comparable object: its kind, its place and its expressible properties.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// A table: its column names in order.
    Table(Vec<String>),
    /// A column: type, NOT NULL, default text.
    Column(SqlType, bool, Option<String>),
    /// Primary key: name and columns.
    PrimaryKey(String, Vec<String>),
    /// Unique or plain index: unique, method, (column, descending, opclass) keys, predicate.
    Index(
        bool,
        String,
        Vec<(String, bool, Option<String>)>,
        Option<String>,
    ),
    /// Foreign key: columns, referenced table, referenced columns, on delete, on update.
    ForeignKey(Vec<String>, String, Vec<String>, String, String),
    /// Enum: labels in order.
    Enum(Vec<String>),
    /// View: column names and types.
    View(Vec<(String, SqlType)>),
    /// Sequence: type and owning column.
    Sequence(String, Option<(String, String)>),
}

/// The result of one comparison.
#[derive(Debug, Default)]
pub struct Report {
    /// Objects compared (after the exclusions).
    pub compared: usize,
    /// Identical.
    pub equal: usize,
    /// Different only where Prisma cannot tell them apart (a default it reads the same way:
    /// `now()` vs `CURRENT_TIMESTAMP`, a list literal vs an `ARRAY[…]`, identity vs serial).
    pub equivalent: usize,
    /// The equivalent pairs, one line each.
    pub equivalents: Vec<String>,
    /// Left out, by reason, with counts.
    pub excluded: BTreeMap<&'static str, usize>,
    /// Differences, one line each.
    pub mismatches: Vec<String>,
}

impl Report {
    fn exclude(&mut self, why: &'static str) {
        *self.excluded.entry(why).or_default() += 1;
    }
}

type Objects = BTreeMap<String, Object>;

/// Compares `replayed` (the truth) with `lowered` on what Prisma expresses.
pub fn compare(replayed: &Catalog, lowered: &Catalog, scope: &Scope) -> Report {
    let mut report = Report::default();
    let unwritten = Unwritten::new(replayed, scope);
    let want = expressible(replayed, scope, &unwritten, &mut report);
    let got = objects(lowered, scope, &unwritten);
    for (key, w) in &want {
        report.compared += 1;
        match got.get(key) {
            None => report
                .mismatches
                .push(format!("{key}: missing; want {w:?}")),
            Some(g) if g == w => report.equal += 1,
            Some(g) if equivalent(replayed, w, g) => {
                report.equivalent += 1;
                if let (Object::Column(_, _, Some(wd)), Object::Column(_, _, Some(gd))) = (w, g) {
                    report.equivalents.push(format!("{key}: {wd}  ~  {gd}"));
                }
            }
            Some(g) => report
                .mismatches
                .push(format!("{key}:\n    want {w:?}\n    got  {g:?}")),
        }
    }
    for (key, g) in &got {
        if !want.contains_key(key) {
            report.compared += 1;
            report.mismatches.push(format!("{key}: unexpected {g:?}"));
        }
    }
    report
}

/// The objects of a lowered catalog, as they are but for types put the way Prisma sees them
/// (the lowering writes `@db.Timetz` as `timetz`, which Prisma does not tell from `timetz(6)`),
/// without what db pull writes as lines Prisma cannot read (`unwritten`: left out, and counted,
/// on the replayed side; a lenient parser may still lower them).
fn objects(c: &Catalog, scope: &Scope, unwritten: &Unwritten) -> Objects {
    let mut out = Objects::new();
    for (sn, s) in &c.schemas {
        for t in s.tables.values() {
            if unwritten.table(sn, &t.name) {
                continue;
            }
            let mut t = t.clone();
            t.foreign_keys
                .retain(|f| !unwritten.foreign_key(sn, &t.name, f));
            for col in &mut t.columns {
                if unwritten.default(sn, &t.name, &col.name).is_some() {
                    col.default = None;
                }
            }
            for col in &mut t.columns {
                col.ty = prisma_type(c, &col.ty).0;
            }
            table_objects(sn, &t, &mut out, &|_| true);
        }
        for e in s.enums.values() {
            out.insert(
                format!("enum {sn}.{}", e.name),
                Object::Enum(e.values.clone()),
            );
        }
        if scope.sequences {
            sequence_objects(sn, s, &mut out);
        }
        if scope.views {
            for v in s.views.values() {
                let cols = v
                    .columns
                    .iter()
                    .map(|col| (col.name.clone(), prisma_type(c, &col.ty).0));
                out.insert(
                    format!("view {sn}.{}", v.name),
                    Object::View(cols.collect()),
                );
            }
        }
    }
    out
}

fn sequence_objects(sn: &str, s: &schemagen::catalog::Schema, out: &mut Objects) {
    for q in s.sequences.values() {
        out.insert(
            format!("sequence {sn}.{}", q.name),
            Object::Sequence(q.data_type.clone(), q.owned_by.clone()),
        );
    }
}

fn table_objects(sn: &str, t: &Table, out: &mut Objects, keep_index: &dyn Fn(&Index) -> bool) {
    let at = format!("{sn}.{}", t.name);
    let names = t.columns.iter().map(|c| c.name.clone()).collect();
    out.insert(format!("table {at}"), Object::Table(names));
    for c in &t.columns {
        out.insert(
            format!("column {at}.{}", c.name),
            Object::Column(c.ty.clone(), c.not_null, c.default.clone()),
        );
    }
    if let Some(pk) = &t.primary_key {
        out.insert(
            format!("primary key {at}"),
            Object::PrimaryKey(pk.name.clone(), pk.columns.clone()),
        );
    }
    for u in &t.uniques {
        let keys = u.columns.iter().chain(&u.include);
        let keys = keys.map(|c| (c.clone(), false, None)).collect();
        out.insert(
            format!("index {at}.{}", u.name),
            Object::Index(true, "btree".into(), keys, None),
        );
    }
    for i in t.indexes.iter().filter(|i| keep_index(i)) {
        let with_ops = matches!(i.method.as_str(), "gist" | "gin" | "spgist" | "brin");
        let mut keys: Vec<_> = i
            .keys
            .iter()
            .map(|k| {
                let col = match &k.target {
                    IndexTarget::Column(c) => c.clone(),
                    IndexTarget::Expression(e) => e.clone(),
                };
                (col, k.descending, k.opclass.clone().filter(|_| with_ops))
            })
            .collect();
        keys.extend(i.include.iter().map(|c| (c.clone(), false, None)));
        out.insert(
            format!("index {at}.{}", i.name),
            Object::Index(i.unique, i.method.clone(), keys, i.predicate.clone()),
        );
    }
    for f in &t.foreign_keys {
        out.insert(
            format!("foreign key {at}.{}", f.name),
            Object::ForeignKey(
                f.columns.clone(),
                format!("{}.{}", f.references.schema, f.references.name),
                f.referenced_columns.clone(),
                f.on_delete.sql().into(),
                f.on_update.sql().into(),
            ),
        );
    }
}

/// The objects of the replayed catalog that Prisma expresses, put the way Prisma sees them.
fn expressible(c: &Catalog, scope: &Scope, unwritten: &Unwritten, report: &mut Report) -> Objects {
    let mut out = Objects::new();
    for (sn, s) in &c.schemas {
        if !scope.schemas.contains(sn) {
            for _ in 0..s.tables.len() + s.enums.len() {
                report.exclude("tables and enums in schemas the datasource does not list");
            }
            continue;
        }
        for t in s.tables.values() {
            if t.is_partition {
                report.exclude("partitions (db pull lists the partitioned table only)");
                continue;
            }
            if unwritten.table(sn, &t.name) {
                report.exclude("tables whose name db pull cannot write (an invalid block)");
                continue;
            }
            if t.columns.is_empty() {
                report.exclude("tables without columns (db pull comments them out)");
                continue;
            }
            let t = prisma_view_of_table(c, sn, t, scope, unwritten, report);
            table_objects(sn, &t, &mut out, &|i| {
                i.keys
                    .iter()
                    .all(|k| matches!(k.target, IndexTarget::Column(_)))
            });
            let expr = t.indexes.iter().filter(|i| {
                i.keys
                    .iter()
                    .any(|k| matches!(k.target, IndexTarget::Expression(_)))
            });
            expr.for_each(|_| report.exclude("expression indexes"));
        }
        for e in s.enums.values() {
            let (kept, dropped): (Vec<&String>, Vec<&String>) =
                e.values.iter().partition(|v| v.is_empty() || !unnamable(v));
            for _ in dropped {
                report.exclude("enum labels db pull comments out (no letters to name them)");
            }
            let kept = kept.into_iter().cloned().collect();
            out.insert(format!("enum {sn}.{}", e.name), Object::Enum(kept));
        }
        for v in s.views.values() {
            if v.materialized || !scope.views {
                report.exclude("materialized views, and views without the `views` preview");
                continue;
            }
            report.exclude("view bodies");
            let cols = v
                .columns
                .iter()
                .map(|col| (col.name.clone(), prisma_type(c, &col.ty).0));
            out.insert(
                format!("view {sn}.{}", v.name),
                Object::View(cols.collect()),
            );
        }
        let sequences = if scope.sequences {
            sequence_objects(sn, s, &mut out);
            0
        } else {
            s.sequences.len()
        };
        let counts = [
            ("sequences (autoincrement() names none)", sequences),
            ("domains (columns get the base type)", s.domains.len()),
            ("composite types", s.composites.len()),
            ("functions", s.functions.len()),
        ];
        for (why, n) in counts {
            (0..n).for_each(|_| report.exclude(why));
        }
    }
    out
}

/// A name db pull cannot turn into a model name (`ä`): it prints the block verbatim, and the
/// result does not parse.
fn unnamable(name: &str) -> bool {
    schemagen::psl::names::sanitize(name).is_empty()
}

/// Whether db pull writes lines Prisma cannot parse for this catalog: a model without a name
/// or a relation field without a name.
pub fn has_unnamable_table(c: &Catalog, scope: &Scope) -> bool {
    let unwritten = Unwritten::new(c, scope);
    !unwritten.tables.is_empty() || !unwritten.foreign_keys.is_empty()
}

/// What db pull writes as lines Prisma cannot read, following the renderer
/// (`src/emit/prisma/calculate`):
/// * a model whose name is empty: the model name is the sanitised table name or, when another
///   table, enum or (with the `views` preview) view sanitises to the same name, the sanitised
///   `{schema}_{table}` (`ModelName::new_from_sql`). So `ä` alone is written `model  {`, while
///   `ä` next to `ö` is `model public__`, which Prisma reads (and `1\n}` next to them
///   `model public_1__`), but twice: tables sharing a model name are left out too;
/// * a foreign key whose relation fields have no name: the fields of a relation that is not
///   ambiguous are named after the sanitised tables (`public__[]` for the back relation to
///   `ö`), and an empty name leaves a line Prisma does not read as a field. Foreign keys to and
///   from a model without a name go with it.
pub struct Unwritten {
    /// `(schema, table)`.
    tables: BTreeSet<(String, String)>,
    /// `(schema, table, constraint)`.
    foreign_keys: BTreeSet<(String, String, String)>,
    /// Enum defaults db pull cannot name, `(schema, table, column)` and why.
    defaults: BTreeMap<(String, String, String), &'static str>,
}

impl Unwritten {
    pub fn new(c: &Catalog, scope: &Scope) -> Self {
        let in_scope = || {
            c.schemas
                .iter()
                .filter(|(sn, _)| scope.schemas.contains(sn))
        };
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (_, s) in in_scope() {
            let views = s.views.keys().filter(|_| scope.views);
            for n in s.tables.keys().chain(s.enums.keys()).chain(views) {
                *counts
                    .entry(schemagen::psl::names::sanitize(n))
                    .or_default() += 1;
            }
        }
        let model_name = |sn: &str, name: &str| {
            let sane = schemagen::psl::names::sanitize(name);
            if counts.get(&sane).is_some_and(|n| *n > 1) {
                schemagen::psl::names::sanitize(&format!("{sn}_{name}"))
            } else if schemagen::psl::names::is_reserved_type_name(name) {
                format!("Renamed{name}")
            } else {
                sane
            }
        };
        // Model names two tables share (`ä` and `ö` are both `public__`): which one a relation
        // field's type means is not written either.
        let mut model_names: BTreeMap<String, usize> = BTreeMap::new();
        for (sn, s) in in_scope() {
            for t in s.tables.values() {
                *model_names.entry(model_name(sn, &t.name)).or_default() += 1;
            }
        }
        let mut tables = BTreeSet::new();
        for (sn, s) in in_scope() {
            for t in s.tables.values() {
                let m = model_name(sn, &t.name);
                if m.is_empty() || model_names[&m] > 1 {
                    tables.insert((sn.clone(), t.name.clone()));
                }
            }
        }
        // `relation_model_name`: the sanitised table name, never the `{schema}_` one.
        let relation_name = |name: &str| {
            if schemagen::psl::names::is_reserved_type_name(name) {
                format!("Renamed{name}")
            } else {
                schemagen::psl::names::sanitize(name)
            }
        };
        let mut foreign_keys = BTreeSet::new();
        for (sn, s) in in_scope() {
            for t in s.tables.values() {
                let here = (sn.clone(), t.name.clone());
                for f in &t.foreign_keys {
                    let there = (f.references.schema.clone(), f.references.name.clone());
                    let key = (sn.clone(), t.name.clone(), f.name.clone());
                    if tables.contains(&here) || tables.contains(&there) {
                        foreign_keys.insert(key);
                        continue;
                    }
                    let is_self = here == there;
                    let forward = relation_name(&there.1);
                    let nameless =
                        forward.is_empty() || (!is_self && relation_name(&here.1).is_empty());
                    if nameless && !ambiguous(c, &here, f, &forward) {
                        foreign_keys.insert(key);
                    }
                }
            }
        }
        let mut defaults = BTreeMap::new();
        for (sn, s) in in_scope() {
            for t in s.tables.values() {
                for col in &t.columns {
                    if let Some(why) = unnamed_enum_default(c, col) {
                        defaults.insert((sn.clone(), t.name.clone(), col.name.clone()), why);
                    }
                }
            }
        }
        Unwritten {
            tables,
            foreign_keys,
            defaults,
        }
    }

    /// Why db pull cannot name the enum default of a column, if it cannot.
    fn default(&self, schema: &str, table: &str, column: &str) -> Option<&'static str> {
        let key = (schema.to_string(), table.to_string(), column.to_string());
        self.defaults.get(&key).copied()
    }

    /// Whether db pull writes the table as a model without a name.
    fn table(&self, schema: &str, table: &str) -> bool {
        self.tables
            .contains(&(schema.to_string(), table.to_string()))
    }

    /// Whether db pull writes the foreign key as relation fields Prisma cannot read.
    fn foreign_key(&self, schema: &str, table: &str, f: &schemagen::catalog::ForeignKey) -> bool {
        let there = (f.references.schema.clone(), f.references.name.clone());
        self.tables.contains(&there)
            || self
                .foreign_keys
                .contains(&(schema.to_string(), table.to_string(), f.name.clone()))
    }
}

/// Whether db pull names the enum value of a column's default so that Prisma cannot read it
/// back (`render_default` in `src/emit/prisma/calculate/models.rs`): the value's name is the
/// sanitised label (`EMPTY_ENUM_VALUE` for `''`); with no name left (`'2'`) db pull writes
/// `dbgenerated("2")`, SQL PostgreSQL refuses on an enum column, and where two labels sanitise
/// to the same name (`'_ok'` and `'ok'` are both `ok`) the default names either.
fn unnamed_enum_default(c: &Catalog, col: &Column) -> Option<&'static str> {
    use schemagen::emit::prisma::defaults::Value;
    let e = c.enum_type(&col.ty.schema, &col.ty.name)?;
    if col.ty.is_array() {
        return None;
    }
    let d = col.default.as_deref()?;
    let Some(DbDefault::Value(Value::Enum(label))) = parse_default(d, &Family::Enum(0), false)
    else {
        return None;
    };
    let name = |l: &str| {
        if l.is_empty() {
            "EMPTY_ENUM_VALUE".to_string()
        } else {
            schemagen::psl::names::sanitize(l)
        }
    };
    let mine = name(&label);
    if !e.values.contains(&label) {
        None
    } else if mine.is_empty() {
        Some("enum defaults whose label db pull comments out (dbgenerated(label))")
    } else if e.values.iter().filter(|v| name(v) == mine).count() > 1 {
        Some("enum defaults whose value name two labels share")
    } else {
        None
    }
}

/// Whether the relation of foreign key `f` of `here` is ambiguous for the renderer
/// (`find_ambiguous_relations`): another foreign key between the same two tables (with other
/// columns, in either direction), or a column named like the referenced model's relation name.
/// Its fields are then named after the relation, never empty.
fn ambiguous(
    c: &Catalog,
    here: &(String, String),
    f: &schemagen::catalog::ForeignKey,
    forward: &str,
) -> bool {
    let there = (f.references.schema.clone(), f.references.name.clone());
    let pair = |a: &(String, String), b: &(String, String)| {
        if a <= b {
            (a.clone(), b.clone())
        } else {
            (b.clone(), a.clone())
        }
    };
    let wanted = pair(here, &there);
    let fks_of = |t: &(String, String)| {
        c.table(&t.0, &t.1)
            .map(|t| t.foreign_keys.clone())
            .unwrap_or_default()
    };
    let own = fks_of(here)
        .into_iter()
        .filter(|o| o.name != f.name && o.columns != f.columns)
        .map(|o| (here.clone(), o));
    let theirs = if there == *here {
        Vec::new()
    } else {
        fks_of(&there)
    };
    let theirs = theirs.into_iter().map(|o| (there.clone(), o));
    let other = own.chain(theirs).any(|(t, o)| {
        pair(
            &t,
            &(o.references.schema.clone(), o.references.name.clone()),
        ) == wanted
    });
    other
        || f.columns
            .iter()
            .any(|col| schemagen::psl::names::sanitize(col) == forward)
}

/// A type as Prisma sees it: domains resolved (and whether one is NOT NULL) unless the column
/// is an array of the domain, one array
/// dimension at most, no modifiers on types Prisma does not support, a time type without
/// precision as precision 6, `bpchar` without length and `"char"` as `char(1)`.
fn prisma_type(c: &Catalog, ty: &SqlType) -> (SqlType, bool) {
    let mut ty = ty.clone();
    let mut not_null = false;
    // An array of a domain is its own type to information_schema (`_email`): db pull shows
    // `Unsupported("_email")[]`, not the base type (`src/emit/prisma/describe.rs`).
    let depth = if ty.is_array() { 0 } else { 16 };
    for _ in 0..depth {
        let Some(d) = c
            .schemas
            .get(&ty.schema)
            .and_then(|s| s.domains.get(&ty.name))
        else {
            break;
        };
        not_null |= d.not_null;
        let dims = ty.array_dims;
        ty = d.base.clone();
        ty.array_dims = ty.array_dims.max(dims);
    }
    // The domains extensions define (not in the catalog, like every extension's object): lo's
    // `lo` over `oid`, earthdistance's `earth` over cube's `cube`.
    let installed = |e: &str| c.extensions.get(e).map(|x| x.schema.clone());
    if !ty.is_array() {
        let base = match ty.name.as_str() {
            "lo" if installed("lo").as_deref() == Some(ty.schema.as_str()) => {
                Some(("pg_catalog".to_string(), "oid"))
            }
            "earth" if installed("earthdistance").as_deref() == Some(ty.schema.as_str()) => {
                installed("cube").map(|s| (s, "cube"))
            }
            _ => None,
        };
        if let Some((schema, name)) = base {
            ty = SqlType {
                schema,
                name: name.to_string(),
                modifiers: Vec::new(),
                array_dims: 0,
            };
        }
    }
    ty.array_dims = ty.array_dims.min(1);
    let builtin = ty.schema == "pg_catalog";
    match family(c, &ty) {
        Family::Unsupported(_) => ty.modifiers.clear(),
        Family::DateTime
            if builtin && ty.modifiers.is_empty() && !ty.is_array() && ty.name != "date" =>
        {
            ty.modifiers = vec![6];
        }
        Family::String
            if builtin
                && (ty.name == "char" || (ty.name == "bpchar" && ty.modifiers.is_empty())) =>
        {
            ty = SqlType::builtin("bpchar")
                .with_modifiers(vec![1])
                .with_array_dims(ty.array_dims);
        }
        _ => {}
    }
    (ty, not_null)
}

/// The type family the engine gives a type (for reading defaults the way it reads them).
pub fn family(c: &Catalog, ty: &SqlType) -> Family {
    if c.enum_type(&ty.schema, &ty.name).is_some() {
        return Family::Enum(0);
    }
    if ty.name == "citext" {
        return Family::String;
    }
    if ty.schema != "pg_catalog" {
        return Family::Unsupported(ty.name.clone());
    }
    match ty.name.as_str() {
        "int2" | "int4" | "oid" => Family::Int,
        "int8" => Family::BigInt,
        "float4" | "float8" => Family::Float,
        "numeric" | "money" => Family::Decimal,
        "bool" => Family::Boolean,
        "text" | "varchar" | "bpchar" | "char" | "xml" | "inet" | "bit" | "varbit" => {
            Family::String
        }
        "uuid" => Family::Uuid,
        "date" | "time" | "timetz" | "timestamp" | "timestamptz" => Family::DateTime,
        "json" | "jsonb" => Family::Json,
        "bytea" => Family::Binary,
        other => Family::Unsupported(other.to_string()),
    }
}

/// The table as Prisma sees it (see the test's documentation for each rule).
fn prisma_view_of_table(
    c: &Catalog,
    sn: &str,
    t: &Table,
    scope: &Scope,
    unwritten: &Unwritten,
    report: &mut Report,
) -> Table {
    let mut t = t.clone();
    t.columns.retain(|col| {
        let keep = !unnamable(&col.name);
        if !keep {
            report.exclude("columns db pull comments out (no letters to name them)");
        }
        keep
    });
    for col in &mut t.columns {
        *col = prisma_view_of_column(c, col, report);
        if let Some(why) = unwritten.default(sn, &t.name, &col.name) {
            report.exclude(why);
            col.default = None;
        }
    }
    join_table_key(&mut t, report);
    for _ in &t.checks {
        report.exclude("check constraints");
    }
    for _ in &t.exclusions {
        report.exclude("exclusion constraints");
    }
    for _ in &t.policies {
        report.exclude("row-level security policies");
    }
    t.uniques.retain(|u| !u.columns.is_empty());
    for i in &mut t.indexes {
        if !matches!(
            i.method.as_str(),
            "btree" | "hash" | "gist" | "gin" | "spgist" | "brin"
        ) {
            report.exclude("index methods Prisma does not know (lowered as B-tree)");
            i.method = "btree".into();
        }
        if !matches!(i.method.as_str(), "gist" | "gin" | "spgist" | "brin") {
            i.keys.iter_mut().for_each(|k| k.opclass = None);
        }
    }
    drop_unrendered_uniques(&mut t, report);
    let table_ok = |schema: &str, name: &str| {
        scope.schemas.iter().any(|s| s == schema)
            && c.table(schema, name).is_some_and(|t| !t.is_partition)
    };
    let mut seen: Vec<(Vec<String>, String, Vec<String>)> = Vec::new();
    t.foreign_keys.retain(|f| {
        if scope.relation_mode_prisma {
            report.exclude("foreign keys under relationMode = \"prisma\"");
            return false;
        }
        if !table_ok(&f.references.schema, &f.references.name) {
            report.exclude("foreign keys to tables outside the datasource's schemas");
            return false;
        }
        if unwritten.foreign_key(sn, &t.name, f) {
            report.exclude("foreign keys whose relation fields db pull cannot name");
            return false;
        }
        let shape = (
            f.columns.clone(),
            f.references.to_string(),
            f.referenced_columns.clone(),
        );
        if seen.contains(&shape) {
            report.exclude("duplicate foreign keys (db pull keeps the first)");
            return false;
        }
        seen.push(shape);
        true
    });
    t
}

/// An implicit many-to-many join table made by Prisma before version 5 has a unique index
/// `_{name}_AB_unique` where Prisma now creates the primary key `_{name}_AB_pkey`; db pull
/// hides both the same way.
fn join_table_key(t: &mut Table, report: &mut Report) {
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    if !t.name.starts_with('_') || names != ["A", "B"] || t.primary_key.is_some() {
        return;
    }
    let ab = |cols: Vec<&str>| cols == ["A", "B"];
    let unique = t.indexes.iter().position(|i| {
        i.unique
            && i.predicate.is_none()
            && ab(i
                .keys
                .iter()
                .map(|k| match &k.target {
                    IndexTarget::Column(c) => c.as_str(),
                    IndexTarget::Expression(_) => "",
                })
                .collect())
    });
    if let Some(i) = unique {
        t.indexes.remove(i);
        t.primary_key = Some(schemagen::catalog::PrimaryKey {
            name: format!("{}_AB_pkey", t.name),
            columns: vec!["A".into(), "B".into()],
            ..Default::default()
        });
        report.exclude("m2m join tables keyed by a unique index (Prisma < 5), as primary key");
    }
}

/// db pull renders one `@unique` per column: of several single-column unique keys on the same
/// column, the first by name.
fn drop_unrendered_uniques(t: &mut Table, report: &mut Report) {
    let mut single: std::collections::BTreeSet<String> = Default::default();
    let names = t
        .uniques
        .iter()
        .filter(|u| u.columns.len() == 1 && u.include.is_empty())
        .map(|u| (u.name.clone(), u.columns[0].clone()))
        .chain(
            t.indexes
                .iter()
                .filter(|i| i.unique && i.keys.len() == 1 && i.include.is_empty())
                .filter_map(|i| match &i.keys[0].target {
                    IndexTarget::Column(c) => Some((i.name.clone(), c.clone())),
                    IndexTarget::Expression(_) => None,
                }),
        );
    let mut all: Vec<(String, String)> = names.collect();
    all.sort();
    let mut dropped = Vec::new();
    for (name, col) in all {
        if !single.insert(col) {
            dropped.push(name);
        }
    }
    for _ in &dropped {
        report.exclude("second single-column unique keys on a column (db pull keeps one)");
    }
    t.uniques.retain(|u| !dropped.contains(&u.name));
    t.indexes.retain(|i| !dropped.contains(&i.name));
}

fn prisma_view_of_column(c: &Catalog, col: &Column, report: &mut Report) -> Column {
    let (ty, domain_not_null) = prisma_type(c, &col.ty);
    let mut out = col.clone();
    out.not_null = (col.not_null || domain_not_null) && !ty.is_array();
    if col.generated.is_some() {
        report.exclude("generated columns (db pull shows the expression as a default)");
        out.default = col.generated.clone();
    }
    if out
        .default
        .as_deref()
        .is_some_and(|d| d.trim().starts_with("NULL"))
    {
        report.exclude("defaults that are NULL (db pull shows none)");
        out.default = None;
    }
    if json_list_shown_empty(c, &ty, out.default.as_deref()) {
        report.exclude("elements of json[]/jsonb[] array literal defaults (db pull shows [])");
        out.default = Some(format!("'{{}}'::{}[]", ty.name));
    }
    if col.identity.is_some() {
        report.exclude("identity columns (Prisma has autoincrement() only)");
        out.default = Some("identity".into());
    }
    out.ty = ty;
    out
}

/// Whether `default` is a non-empty array literal of a `json[]`/`jsonb[]` column
/// (`'{"[1, 2]",NULL}'::json[]`), which db pull shows as `@default([])`: the engine reads the
/// elements as JSON values and keeps only strings in a list (`render_value` in
/// `src/emit/prisma/calculate`). An `ARRAY[…]` default reads as strings and is kept.
fn json_list_shown_empty(c: &Catalog, ty: &SqlType, default: Option<&str>) -> bool {
    use schemagen::emit::prisma::defaults::Value;
    let family = family(c, ty);
    if !ty.is_array() || !matches!(family, Family::Json) {
        return false;
    }
    let Some(DbDefault::Value(Value::List(items))) =
        default.and_then(|d| parse_default(d, &family, true))
    else {
        return false;
    };
    !items.is_empty() && items.iter().all(|v| matches!(v, Value::Json(_)))
}

/// Whether two objects differ only in a default Prisma reads the same way.
fn equivalent(c: &Catalog, want: &Object, got: &Object) -> bool {
    let (Object::Column(wt, wn, wd), Object::Column(gt, gn, gd)) = (want, got) else {
        return false;
    };
    if wt != gt || wn != gn {
        return false;
    }
    let (Some(wd), Some(gd)) = (wd, gd) else {
        return false;
    };
    let fam = family(c, wt);
    let read = |d: &str| {
        if d == "identity" {
            Some(DbDefault::Sequence)
        } else {
            parse_default(d, &fam, wt.is_array())
        }
    };
    match (read(wd), read(gd)) {
        (Some(DbDefault::DbGenerated(_)), _) | (_, Some(DbDefault::DbGenerated(_))) => false,
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}
