//! Collations of query outputs (`assign_collations_walker`, simplified): a view column keeps the
//! collation of what it selects (`name text COLLATE "C"` selected, or an expression over it, is
//! `"C"` too).
//!
//! Collatable types are `text`, `varchar`, `bpchar`, `name` (whose own collation is `C`),
//! `citext` and domains and arrays over them. A leaf has its column's collation (or its type's);
//! an explicit `COLLATE` wins; otherwise the inputs' collations merge, a non-default one beating
//! the default and two different non-default ones conflicting (no collation).

use std::collections::HashMap;

use super::analyze::Analyzer;
use super::node::{Node, SubLinkKind};
use super::query::Query;
use super::typesys::Ty;

/// A collation and how it was derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Coll {
    /// Not collatable.
    None,
    /// Derived from the inputs (`"default"` for the database default).
    Implicit(String),
    /// `COLLATE x`.
    Explicit(String),
    /// Two different implicit collations: none.
    Conflict,
}

impl Coll {
    fn merge(self, other: Coll) -> Coll {
        match (self, other) {
            (x, Coll::None) | (Coll::None, x) => x,
            (Coll::Explicit(x), Coll::Explicit(y)) if x != y => Coll::Conflict,
            (Coll::Explicit(x), _) | (_, Coll::Explicit(x)) => Coll::Explicit(x),
            (Coll::Conflict, _) | (_, Coll::Conflict) => Coll::Conflict,
            (Coll::Implicit(x), Coll::Implicit(y)) => {
                if x == y || y == "default" {
                    Coll::Implicit(x)
                } else if x == "default" {
                    Coll::Implicit(y)
                } else {
                    Coll::Conflict
                }
            }
        }
    }

    /// The collation a column stores when it differs from its type's own (`None` otherwise),
    /// as the catalog writes it (`C`, `und-x-icu`).
    pub fn column_collation(&self, type_collation: Option<&str>) -> Option<String> {
        match self {
            Coll::Implicit(c) | Coll::Explicit(c)
                if c != "default" && Some(c.as_str()) != type_collation =>
            {
                Some(c.clone())
            }
            _ => None,
        }
    }
}

/// Collations of FROM item columns by (range-table name, column name).
pub(crate) type ColumnCollations = HashMap<(String, String), String>;

impl Analyzer<'_, '_> {
    /// The collation of a type's values, when the type is collatable: `default`, or `C` for
    /// `name`.
    pub fn type_collation(&self, ty: &Ty) -> Option<&'static str> {
        let base = self.ctx.base_type(&ty.elem());
        match (base.schema.as_str(), base.name.as_str()) {
            ("pg_catalog", "text" | "varchar" | "bpchar") => Some("default"),
            ("pg_catalog", "name") => Some("C"),
            (_, "citext") => Some("default"),
            _ => None,
        }
    }

    /// `exprCollation` after collation assignment.
    pub fn collation_of(&self, n: &Node) -> Coll {
        let own = |ty: &Ty| match self.type_collation(ty) {
            Some(c) => Coll::Implicit(c.to_string()),
            None => Coll::None,
        };
        match n {
            Node::Collate { collation, .. } => {
                let last = collation.rsplit('.').next().unwrap_or(collation);
                Coll::Explicit(last.trim_matches('"').replace("\"\"", "\""))
            }
            Node::Var { name, rel, ty, .. } => {
                match self.collations.get(&(rel.clone(), name.clone())) {
                    Some(c) if self.type_collation(ty).is_some() => Coll::Implicit(c.clone()),
                    _ => own(ty),
                }
            }
            Node::Const { ty, .. } | Node::SqlValue { ty, .. } | Node::Raw { ty, .. } => own(ty),
            Node::SubLink(s) if matches!(s.kind, SubLinkKind::Expr | SubLinkKind::Array) => {
                match self.output_collation(&s.query, 0) {
                    Some(c) if self.type_collation(&s.ty).is_some() => Coll::Implicit(c),
                    _ => own(&s.ty),
                }
            }
            _ => {
                let ty = n.ty();
                if self.type_collation(&ty).is_none() {
                    return Coll::None;
                }
                let inputs: Vec<&Node> = match n {
                    // The conditions of a CASE do not count, only its results.
                    Node::Case { whens, default, .. } => whens
                        .iter()
                        .map(|(_, r)| r)
                        .chain(std::iter::once(default.as_ref()))
                        .collect(),
                    // Nor the sort keys and filter of an aggregate.
                    Node::Func(f) => f.args.iter().collect(),
                    _ => n.children(),
                };
                let merged = inputs
                    .into_iter()
                    .map(|i| self.collation_of(i))
                    .fold(Coll::None, Coll::merge);
                match merged {
                    Coll::None => own(&ty),
                    c => c,
                }
            }
        }
    }

    /// The collation of output column `i` of a query (`None`: the default, or none).
    pub fn output_collation(&self, q: &Query, i: usize) -> Option<String> {
        let coll = self.output_coll(q, i);
        match coll {
            Coll::Implicit(c) | Coll::Explicit(c) => Some(c),
            _ => None,
        }
    }

    /// [`Self::output_collation`] with how it was derived.
    pub fn output_coll(&self, q: &Query, i: usize) -> Coll {
        if let Some(op) = &q.set_op {
            let c = self
                .output_coll(&op.left, i)
                .merge(self.output_coll(&op.right, i));
            // A set operation's column has the inputs' common collation, implicitly.
            return match c {
                Coll::Explicit(c) => Coll::Implicit(c),
                c => c,
            };
        }
        if let Some(rows) = &q.values {
            return rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|n| self.collation_of(n))
                .fold(Coll::None, Coll::merge);
        }
        q.targets
            .get(i)
            .map(|(n, _)| self.collation_of(n))
            .unwrap_or(Coll::None)
    }

    /// Records the collations of a FROM item's columns that differ from the default.
    pub fn remember_collations(&mut self, refname: &str, columns: &[(String, Option<String>)]) {
        for (name, c) in columns {
            if let Some(c) = c.as_ref().filter(|c| *c != "default") {
                self.collations
                    .insert((refname.to_string(), name.clone()), c.clone());
            }
        }
    }
}
