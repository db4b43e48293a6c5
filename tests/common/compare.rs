//! Comparing a replayed catalog with the one read from PostgreSQL.
//!
//! Intended differences, not compared:
//! - the definition of a view whose query replay could not model entirely (replay then keeps the
//!   query as written, which is not `pg_get_viewdef`'s multi-line form ending in `;`): only the
//!   definitions replay printed are compared; view columns always are;
//! - the set of function names: replay records only functions created by the migrations and
//!   those of well-known extensions, Postgres lists every function;
//! - installed extensions: the test database lacks extensions that are not contrib modules
//!   (their CREATE EXTENSION lines are commented out before applying), replay records them.

#![allow(dead_code)]

use std::collections::BTreeSet;

use schemagen::catalog::Catalog;
use serde_json::Value;

/// The outcome of comparing two catalogs.
#[derive(Debug, Default)]
pub struct Comparison {
    pub tables: usize,
    pub tables_equal: usize,
    pub objects: usize,
    pub objects_equal: usize,
    /// Views replayed, and how many of them replay printed a `pg_get_viewdef` text for.
    pub views: usize,
    pub view_definitions_printed: usize,
    /// One line per difference: `schema.table: path: live=… replay=…`.
    pub differences: Vec<String>,
}

impl Comparison {
    pub fn merge(&mut self, o: Comparison) {
        self.tables += o.tables;
        self.tables_equal += o.tables_equal;
        self.objects += o.objects;
        self.objects_equal += o.objects_equal;
        self.views += o.views;
        self.view_definitions_printed += o.view_definitions_printed;
        self.differences.extend(o.differences);
    }
}

/// Drops what is not compared (see the module docs).
pub fn normalise(c: &Catalog) -> Catalog {
    let mut c = c.clone();
    c.extensions.clear();
    for s in c.schemas.values_mut() {
        s.functions.clear();
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
/// many views replay printed a definition for.
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

/// Compares every table (and enum, view, sequence, domain, composite) of the schemas `keep`
/// accepts.
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
            out.differences.push(format!(
                "schema {s}: live={} replay={}",
                live.schemas.contains_key(s),
                replayed.schemas.contains_key(s)
            ));
            continue;
        };
        let av = serde_json::to_value(a).unwrap();
        let bv = serde_json::to_value(b).unwrap();
        for kind in [
            "tables",
            "enums",
            "views",
            "sequences",
            "domains",
            "composites",
        ] {
            let empty = serde_json::Map::new();
            let am = av.get(kind).and_then(Value::as_object).unwrap_or(&empty);
            let bm = bv.get(kind).and_then(Value::as_object).unwrap_or(&empty);
            let names: BTreeSet<&String> = am.keys().chain(bm.keys()).collect();
            for n in names {
                let is_table = kind == "tables";
                if is_table {
                    out.tables += 1;
                } else {
                    out.objects += 1;
                }
                let (x, y) = (am.get(n), bm.get(n));
                let mut diffs = Vec::new();
                match (x, y) {
                    (Some(x), Some(y)) => json_diff(&format!("{s}.{n}"), x, y, &mut diffs),
                    _ => diffs.push(format!(
                        "{kind} {s}.{n}: live={} replay={}",
                        x.is_some(),
                        y.is_some()
                    )),
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
            out.differences.push(format!(
                "schema {s} comment: live={:?} replay={:?}",
                a.comment, b.comment
            ));
        }
    }
    out
}

fn json_diff(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => json_diff(&format!("{path}.{k}"), p, q, out),
                    (p, q) => {
                        out.push(format!("{path}.{k}: live={} replay={}", short(p), short(q)))
                    }
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                let label = p
                    .get("name")
                    .and_then(Value::as_str)
                    .map(|n| format!("[{n}]"))
                    .unwrap_or_else(|| format!("[{i}]"));
                json_diff(&format!("{path}{label}"), p, q, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!(
            "{path}: live={} replay={}",
            short(Some(a)),
            short(Some(b))
        )),
    }
}

fn short(v: Option<&Value>) -> String {
    match v {
        None => "(absent)".into(),
        Some(v) => {
            let s = v.to_string();
            if s.len() > 300 {
                format!(
                    "{}…",
                    &s[..s.char_indices().nth(300).map_or(s.len(), |(i, _)| i)]
                )
            } else {
                s
            }
        }
    }
}
