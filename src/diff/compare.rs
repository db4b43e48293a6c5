//! Comparing the catalog PostgreSQL built (read back from a live database) with the one replay
//! built from the same migrations, object by object: what `inspect --verify-with` reports and
//! what the differential tests assert.
//!
//! Intended differences, not compared:
//! - the definition of a view whose query replay could not model entirely (replay then keeps the
//!   query as written, which is not `pg_get_viewdef`'s multi-line form ending in `;`): only the
//!   definitions replay printed are compared; view columns always are;
//! - the set of function names: replay records only functions created by the migrations and
//!   those of well-known extensions, Postgres lists every function;
//! - installed extensions: a test database may lack extensions that are not contrib modules,
//!   replay records them.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use crate::catalog::{Catalog, ObjectKey, ObjectKind};

/// The outcome of comparing two catalogs.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Tables compared.
    pub tables: usize,
    /// Tables equal on both sides.
    pub tables_equal: usize,
    /// Other objects (enums, views, sequences, domains, composite types) compared.
    pub objects: usize,
    /// Other objects equal on both sides.
    pub objects_equal: usize,
    /// Views replayed, and how many of them replay printed a `pg_get_viewdef` text for.
    pub views: usize,
    /// See [`Comparison::views`].
    pub view_definitions_printed: usize,
    /// Every difference, in schema and object order.
    pub differences: Vec<Difference>,
}

/// One difference: a value that is not the same on both sides, or an object only one side has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The finest object the difference is in (a column rather than its table).
    pub object: ObjectKey,
    /// What differs, as a path from the schema (`public.t.columns[id].default`), or the object
    /// itself (`tables public.t`) when one side lacks it.
    pub path: String,
    /// The live database's value (`(absent)` when it has none; `true`/`false` for whether the
    /// object exists).
    pub live: String,
    /// The replayed catalog's value, in the same form.
    pub replay: String,
}

impl fmt::Display for Difference {
    /// `path: live=… replay=…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: live={} replay={}",
            self.path, self.live, self.replay
        )
    }
}

impl Comparison {
    /// Adds the counts and differences of another comparison.
    pub fn merge(&mut self, o: Comparison) {
        self.tables += o.tables;
        self.tables_equal += o.tables_equal;
        self.objects += o.objects;
        self.objects_equal += o.objects_equal;
        self.views += o.views;
        self.view_definitions_printed += o.view_definitions_printed;
        self.differences.extend(o.differences);
    }

    /// Whether both sides are equal on everything compared.
    pub fn is_equal(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Drops what is not compared (see the module docs).
pub fn normalise(c: &Catalog) -> Catalog {
    let mut c = c.clone();
    c.extensions.clear();
    for s in c.schemas.values_mut() {
        s.functions.clear();
        // Compared on its own (see [`compare_view_order`]).
        for v in s.views.values_mut() {
            v.row_order = 0;
        }
    }
    c.sort();
    c
}

/// Whether a view definition is in `pg_get_viewdef`'s form (a replayed one that is not is the
/// query as written).
pub fn is_viewdef_form(definition: &str) -> bool {
    (definition.starts_with(" SELECT")
        || definition.starts_with(" WITH")
        || definition.starts_with(" VALUES")
        || definition.starts_with('('))
        && definition.ends_with(';')
}

/// Blanks the view definitions `replayed` kept as written (in both catalogs), and returns how
/// many views replay printed a definition for, and how many there are.
fn drop_unprinted_definitions(live: &mut Catalog, replayed: &mut Catalog) -> (usize, usize) {
    let (mut printed, mut total) = (0, 0);
    for (sn, s) in &mut replayed.schemas {
        for (vn, v) in &mut s.views {
            total += 1;
            if is_viewdef_form(&v.definition) {
                printed += 1;
                continue;
            }
            v.definition.clear();
            if let Some(lv) = live.schemas.get_mut(sn).and_then(|s| s.views.get_mut(vn)) {
                lv.definition.clear();
            }
        }
    }
    (printed, total)
}

/// The collections of a schema compared object by object, by their JSON field names.
const COLLECTIONS: [&str; 8] = [
    "tables",
    "enums",
    "views",
    "sequences",
    "domains",
    "composites",
    "ranges",
    "multiranges",
];

/// Compares every table (and enum, view, sequence, domain, composite type) of the schemas `keep`
/// accepts, `live` against `replayed`.
pub fn compare(live: &Catalog, replayed: &Catalog, keep: &dyn Fn(&str) -> bool) -> Comparison {
    let mut live = normalise(live);
    let mut replayed = normalise(replayed);
    let mut out = Comparison::default();
    let (printed, total) = drop_unprinted_definitions(&mut live, &mut replayed);
    out.view_definitions_printed = printed;
    out.views = total;
    let schemas: BTreeSet<&String> = live
        .schemas
        .keys()
        .chain(replayed.schemas.keys())
        .filter(|s| keep(s))
        .collect();
    for s in schemas {
        let (Some(a), Some(b)) = (live.schemas.get(s), replayed.schemas.get(s)) else {
            out.differences.push(Difference {
                object: ObjectKey::schema(s),
                path: format!("schema {s}"),
                live: live.schemas.contains_key(s).to_string(),
                replay: replayed.schemas.contains_key(s).to_string(),
            });
            continue;
        };
        let (Ok(av), Ok(bv)) = (serde_json::to_value(a), serde_json::to_value(b)) else {
            // A catalog always serialises (string keys, no floats); not reachable.
            continue;
        };
        for kind in COLLECTIONS {
            let empty = serde_json::Map::new();
            let am = av.get(kind).and_then(Value::as_object).unwrap_or(&empty);
            let bm = bv.get(kind).and_then(Value::as_object).unwrap_or(&empty);
            let object_kind = ObjectKind::of_collection(kind).unwrap_or(ObjectKind::Table);
            let names: BTreeSet<&String> = am.keys().chain(bm.keys()).collect();
            for n in names {
                let is_table = kind == "tables";
                if is_table {
                    out.tables += 1;
                } else {
                    out.objects += 1;
                }
                let object = ObjectKey::object(object_kind, s, n);
                let (x, y) = (am.get(n), bm.get(n));
                let mut diffs = Vec::new();
                match (x, y) {
                    (Some(x), Some(y)) => {
                        let mut at = Walk {
                            object: &object,
                            member: None,
                            out: &mut diffs,
                        };
                        at.diff(&format!("{s}.{n}"), x, y, 0);
                    }
                    _ => diffs.push(Difference {
                        object,
                        path: format!("{kind} {s}.{n}"),
                        live: x.is_some().to_string(),
                        replay: y.is_some().to_string(),
                    }),
                }
                if diffs.is_empty() {
                    if is_table {
                        out.tables_equal += 1;
                    } else {
                        out.objects_equal += 1;
                    }
                } else {
                    out.differences.extend(diffs);
                }
            }
        }
        if a.comment != b.comment {
            out.differences.push(Difference {
                object: ObjectKey::schema(s),
                path: format!("schema {s} comment"),
                live: format!("{:?}", a.comment),
                replay: format!("{:?}", b.comment),
            });
        }
    }
    out
}

/// A walk down the JSON forms of one object on both sides.
struct Walk<'a> {
    object: &'a ObjectKey,
    /// The member the walk is in (a column, an index…), once it went into one.
    member: Option<ObjectKey>,
    out: &'a mut Vec<Difference>,
}

impl Walk<'_> {
    fn push(&mut self, path: String, live: Option<&Value>, replay: Option<&Value>) {
        self.out.push(Difference {
            object: self.member.clone().unwrap_or_else(|| self.object.clone()),
            path,
            live: short(live),
            replay: short(replay),
        });
    }

    /// The member key of the element named `name` of field `field` of the object (depth 1).
    fn member_of(&self, field: &str, name: &str, depth: usize) -> Option<ObjectKey> {
        if depth != 1 || self.member.is_some() {
            return None;
        }
        let kind = ObjectKind::of_member_field(field)?;
        Some(ObjectKey::member(
            kind,
            &self.object.schema,
            &self.object.name,
            name,
        ))
    }

    /// `depth`: 0 at the object, 1 in its fields' values.
    fn diff(&mut self, path: &str, a: &Value, b: &Value, depth: usize) {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for k in keys {
                    let sub = format!("{path}.{k}");
                    let saved = self.member.clone();
                    // `primary_key` is a member held directly, not in a list.
                    if depth == 0 && k == "primary_key" {
                        let name = x.get(k).or(y.get(k)).and_then(|v| v.get("name"));
                        if let Some(m) = name
                            .and_then(Value::as_str)
                            .and_then(|n| self.member_of(k, n, 1))
                        {
                            self.member = Some(m);
                        }
                    }
                    // An empty list is left out of the JSON form: one side's list of named
                    // members against nothing is each member against nothing.
                    let none = Value::Array(Vec::new());
                    match (x.get(k), y.get(k)) {
                        (Some(p), Some(q)) => self.diff(&sub, p, q, depth + 1),
                        (Some(p @ Value::Array(_)), None) => self.diff(&sub, p, &none, depth + 1),
                        (None, Some(q @ Value::Array(_))) => self.diff(&sub, &none, q, depth + 1),
                        (p, q) => self.push(sub, p, q),
                    }
                    self.member = saved;
                }
            }
            (Value::Array(x), Value::Array(y)) => {
                let field = path.rsplit('.').next().unwrap_or("");
                match (names(x), names(y)) {
                    (Some(xn), Some(yn)) if xn != yn => self.diff_named(path, field, x, y, depth),
                    _ if x.len() == y.len() => {
                        for (i, (p, q)) in x.iter().zip(y).enumerate() {
                            let name = p.get("name").and_then(Value::as_str);
                            let label = name.map_or_else(|| format!("[{i}]"), |n| format!("[{n}]"));
                            let saved = self.member.clone();
                            if let Some(m) = name.and_then(|n| self.member_of(field, n, depth)) {
                                self.member = Some(m);
                            }
                            self.diff(&format!("{path}{label}"), p, q, depth + 1);
                            self.member = saved;
                        }
                    }
                    _ => self.push(path.to_string(), Some(a), Some(b)),
                }
            }
            _ if a == b => {}
            _ => self.push(path.to_string(), Some(a), Some(b)),
        }
    }

    /// Lists of named elements (columns, constraints, indexes, policies) whose names differ:
    /// matched by name, each element only one side has is a difference of its own, and a
    /// different order of the same names is one difference of the list.
    fn diff_named(&mut self, path: &str, field: &str, x: &[Value], y: &[Value], depth: usize) {
        let name_of = |v: &Value| {
            v.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let xs: Vec<String> = x.iter().map(name_of).collect();
        let ys: Vec<String> = y.iter().map(name_of).collect();
        let mut all: Vec<&String> = xs.iter().collect();
        all.extend(ys.iter().filter(|n| !xs.contains(n)));
        for n in all {
            let p = xs.iter().position(|m| m == n).map(|i| &x[i]);
            let q = ys.iter().position(|m| m == n).map(|i| &y[i]);
            let saved = self.member.clone();
            if let Some(m) = self.member_of(field, n, depth) {
                self.member = Some(m);
            }
            let sub = format!("{path}[{n}]");
            match (p, q) {
                (Some(p), Some(q)) => self.diff(&sub, p, q, depth + 1),
                (p, q) => self.push(sub, p, q),
            }
            self.member = saved;
        }
        let common_x: Vec<&String> = xs.iter().filter(|n| ys.contains(n)).collect();
        let common_y: Vec<&String> = ys.iter().filter(|n| xs.contains(n)).collect();
        if common_x != common_y {
            self.out.push(Difference {
                object: self.member.clone().unwrap_or_else(|| self.object.clone()),
                path: format!("{path} order"),
                live: format!("{common_x:?}"),
                replay: format!("{common_y:?}"),
            });
        }
    }
}

/// The `name` of every element, when each is an object with one.
fn names(list: &[Value]) -> Option<Vec<&str>> {
    list.iter()
        .map(|v| v.get("name").and_then(Value::as_str))
        .collect()
}

fn short(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let s = v.to_string();
            match s.char_indices().nth(300) {
                Some((i, _)) => format!("{}…", &s[..i]),
                None => s,
            }
        }
    }
}

/// The order of the views' `pg_class` rows (the order `db pull` lists views in) on both sides:
/// a difference naming both orders when they are not the same. Only views both sides have, in
/// the schemas `keep` keeps, whose replayed order is known ([`crate::catalog::View::row_order`]
/// is not 0), are compared; materialized views are left out (db pull does not print them).
pub fn compare_view_order(
    live: &Catalog,
    replayed: &Catalog,
    keep: &dyn Fn(&str) -> bool,
) -> Option<Difference> {
    let order = |c: &Catalog, other: &Catalog| -> Vec<String> {
        let mut views: Vec<(u64, String)> = c
            .schemas
            .iter()
            .filter(|(s, _)| keep(s))
            .flat_map(|(s, sc)| sc.views.values().map(move |v| (s, v)))
            .filter(|(s, v)| {
                !v.materialized
                    && other
                        .schemas
                        .get(*s)
                        .and_then(|o| o.views.get(&v.name))
                        .is_some()
            })
            .filter(|(s, v)| {
                replayed
                    .schemas
                    .get(*s)
                    .and_then(|r| r.views.get(&v.name))
                    .is_some_and(|r| r.row_order != 0)
            })
            .map(|(s, v)| (v.row_order, format!("{s}.{}", v.name)))
            .collect();
        views.sort();
        views.into_iter().map(|(_, n)| n).collect()
    };
    let (l, r) = (order(live, replayed), order(replayed, live));
    (l != r).then(|| Difference {
        object: ObjectKey::schema(""),
        path: "order of the views' rows".into(),
        live: l.join(", "),
        replay: r.join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Column, Schema, SqlType, Table};

    fn catalog(columns: &[(&str, Option<&str>)]) -> Catalog {
        let mut t = Table::new("t");
        for (name, default) in columns {
            t.columns.push(Column {
                name: name.to_string(),
                ty: SqlType::builtin("integer"),
                default: default.map(str::to_string),
                ..Default::default()
            });
        }
        let mut s = Schema::new("public");
        s.tables.insert("t".into(), t);
        let mut c = Catalog::default();
        c.schemas.insert("public".into(), s);
        c
    }

    #[test]
    fn equal_catalogs_have_no_difference() {
        let c = catalog(&[("id", None)]);
        let r = compare(&c, &c, &|_| true);
        assert!(r.is_equal());
        assert_eq!((r.tables, r.tables_equal), (1, 1));
    }

    #[test]
    fn a_value_is_a_difference_of_its_member() {
        let live = catalog(&[("id", Some("0"))]);
        let replay = catalog(&[("id", None)]);
        let r = compare(&live, &replay, &|_| true);
        assert_eq!(r.differences.len(), 1);
        let d = &r.differences[0];
        assert_eq!(
            d.to_string(),
            "public.t.columns[id].default: live=\"0\" replay=(absent)"
        );
        assert_eq!(d.object.to_string(), "column public.t.id");
        assert_eq!(r.tables_equal, 0);
    }

    #[test]
    fn a_member_one_side_lacks_is_named() {
        let live = catalog(&[("id", None), ("extra", None)]);
        let replay = catalog(&[("id", None)]);
        let r = compare(&live, &replay, &|_| true);
        assert_eq!(r.differences.len(), 1, "{:?}", r.differences);
        let d = &r.differences[0];
        assert_eq!(d.object.to_string(), "column public.t.extra");
        assert_eq!(d.path, "public.t.columns[extra]");
        assert_eq!(d.replay, "(absent)");
    }

    #[test]
    fn the_same_columns_in_another_order_differ() {
        let live = catalog(&[("a", None), ("b", None), ("c", None)]);
        let replay = catalog(&[("b", None), ("a", None)]);
        let r = compare(&live, &replay, &|_| true);
        let paths: Vec<&str> = r.differences.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["public.t.columns[c]", "public.t.columns order"]);
        assert_eq!(r.differences[1].object.to_string(), "table public.t");
    }

    #[test]
    fn a_list_one_side_has_none_of_names_each_member() {
        let live = catalog(&[("id", None)]);
        let mut replay = live.clone();
        let t = live.table("public", "t").unwrap().clone();
        let mut with_index = t;
        with_index.indexes.push(crate::catalog::Index {
            name: "t_id_idx".into(),
            method: "btree".into(),
            ..Default::default()
        });
        replay
            .schemas
            .get_mut("public")
            .unwrap()
            .tables
            .insert("t".into(), with_index);
        let r = compare(&live, &replay, &|_| true);
        assert_eq!(r.differences.len(), 1, "{:?}", r.differences);
        assert_eq!(
            r.differences[0].object.to_string(),
            "index public.t.t_id_idx"
        );
        assert_eq!(r.differences[0].live, "(absent)");
    }

    #[test]
    fn an_object_one_side_lacks() {
        let live = catalog(&[("id", None)]);
        let mut replay = live.clone();
        replay.schemas.get_mut("public").unwrap().tables.clear();
        let r = compare(&live, &replay, &|_| true);
        assert_eq!(
            r.differences[0].to_string(),
            "tables public.t: live=true replay=false"
        );
        assert_eq!(r.differences[0].object.to_string(), "table public.t");
    }
}
