//! Queries: sub-selects inside expressions (`EXISTS (…)`, `x IN (SELECT …)`, `(SELECT …)`,
//! `ARRAY(SELECT …)`) and view queries, analysed as `transformSelectStmt` does (simplified)
//! and printed as `get_query_def` prints them (`query_print`), with pretty indentation.
//!
//! Modelled: `SELECT` lists with `*` and `t.*`, FROM items (`query_from`: tables, views, joins
//! with `ON`/`USING`/`NATURAL`, sub-selects, `WITH` queries, set-returning functions), `WHERE`,
//! `GROUP BY`, `HAVING`, `WINDOW`, `DISTINCT [ON]`, `ORDER BY`, `LIMIT`/`OFFSET`, set operations
//! (with the common column types of `transformSetOperationTree`) and `WITH [RECURSIVE]`. A
//! sub-select outside that subset is printed as sqlparser prints it.

mod select;
mod set_ops;

use sqlparser::ast::{Query as SqlQuery, SetExpr};

use super::analyze::Analyzer;
use super::node::{Node, SortItem, SubLink, SubLinkKind, WindowSpec};
use super::typesys::Ty;

/// An output column: name, type, type modifiers.
pub(crate) type OutColumn = (String, Ty, Vec<i64>);

/// An analysed query.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    /// `WITH` queries.
    pub ctes: Vec<Cte>,
    /// `WITH RECURSIVE`.
    pub recursive: bool,
    /// `DISTINCT` (empty list) or `DISTINCT ON (…)`.
    pub distinct: Option<Vec<Node>>,
    /// Output columns: expression and result name (`None`: `?column?`).
    pub targets: Vec<(Node, Option<String>)>,
    /// FROM items.
    pub from: Vec<FromItem>,
    /// WHERE.
    pub filter: Option<Node>,
    /// GROUP BY.
    pub group_by: Vec<Node>,
    /// GROUP BY with grouping sets (`ROLLUP`, `CUBE`, `GROUPING SETS`), printed instead of
    /// `group_by` when not empty.
    pub grouping: Vec<GroupItem>,
    /// HAVING.
    pub having: Option<Node>,
    /// `WINDOW name AS (…)`.
    pub windows: Vec<(String, WindowSpec)>,
    /// ORDER BY (of a set operation: output column numbers, as `Raw` nodes).
    pub order_by: Vec<SortItem>,
    /// LIMIT.
    pub limit: Option<Node>,
    /// The limit is `FETCH FIRST n ROWS WITH TIES`.
    pub with_ties: bool,
    /// OFFSET.
    pub offset: Option<Node>,
    /// `UNION` / `INTERSECT` / `EXCEPT` of two queries (the other fields but `WITH`, `ORDER
    /// BY`, `LIMIT` and `OFFSET` are then empty).
    pub set_op: Option<Box<SetOp>>,
    /// Text printed instead, for queries outside the modelled subset.
    pub raw: Option<String>,
    /// `VALUES (…), (…)`: the rows, coerced to the column types (the other fields are then
    /// empty); the columns are `column1`, `column2`…
    pub values: Option<Vec<Vec<Node>>>,
}

/// An item of a GROUP BY with grouping sets.
#[derive(Debug, Clone)]
pub(crate) enum GroupItem {
    /// `()`.
    Empty,
    /// Expressions grouped together: `(a, b)`, or `a`.
    Simple(Vec<Node>),
    /// `ROLLUP(`, `CUBE(` or `GROUPING SETS (`, and the sets inside.
    Sets(&'static str, Vec<GroupItem>),
}

impl GroupItem {
    /// The expressions in it, mutably.
    pub fn nodes_mut(&mut self) -> Vec<&mut Node> {
        match self {
            GroupItem::Empty => Vec::new(),
            GroupItem::Simple(v) => v.iter_mut().collect(),
            GroupItem::Sets(_, items) => items.iter_mut().flat_map(|i| i.nodes_mut()).collect(),
        }
    }

    /// The expressions in it.
    pub fn nodes(&self) -> Vec<&Node> {
        match self {
            GroupItem::Empty => Vec::new(),
            GroupItem::Simple(v) => v.iter().collect(),
            GroupItem::Sets(_, items) => items.iter().flat_map(|i| i.nodes()).collect(),
        }
    }
}

/// A set operation.
#[derive(Debug, Clone)]
pub(crate) struct SetOp {
    /// `UNION`, `INTERSECT` or `EXCEPT`.
    pub op: &'static str,
    /// `ALL`.
    pub all: bool,
    /// Left input.
    pub left: Query,
    /// Right input.
    pub right: Query,
    /// Result column types and modifiers (`select_common_type`, `select_common_typmod`).
    pub columns: Vec<(Ty, Vec<i64>)>,
}

/// A `WITH` query.
#[derive(Debug, Clone)]
pub(crate) struct Cte {
    /// Name.
    pub name: String,
    /// Column names written after the name.
    pub aliases: Vec<String>,
    /// `MATERIALIZED` (true) or `NOT MATERIALIZED` (false).
    pub materialized: Option<bool>,
    /// The query.
    pub query: Query,
}

/// A FROM item.
#[derive(Debug, Clone)]
pub(crate) enum FromItem {
    /// A table or view.
    Rel {
        /// Schema.
        schema: String,
        /// Name.
        name: String,
        /// Range-table name.
        refname: String,
        /// Whether an alias was written.
        aliased: bool,
        /// Column alias list to print, quoted (empty: none).
        col_aliases: Vec<String>,
    },
    /// A join.
    Join {
        /// `" JOIN "`, `" LEFT JOIN "`, …
        kind: &'static str,
        /// Left input.
        left: Box<FromItem>,
        /// Right input.
        right: Box<FromItem>,
        /// ON condition.
        on: Option<Box<Node>>,
        /// USING columns (also those of a NATURAL join).
        using: Vec<String>,
    },
    /// A sub-select.
    Subquery {
        /// The query.
        query: Box<Query>,
        /// Range-table name (its alias).
        refname: String,
        /// `LATERAL`.
        lateral: bool,
        /// Column alias list to print, quoted (empty: none).
        col_aliases: Vec<String>,
    },
    /// A set-returning function.
    Function {
        /// The calls: one, or those of `ROWS FROM (…)`.
        calls: Vec<Node>,
        /// Range-table name.
        refname: String,
        /// `LATERAL` (written, or implied by a reference to an earlier FROM item).
        lateral: bool,
        /// `WITH ORDINALITY`.
        ordinality: bool,
        /// Column alias list to print, or column definitions (`a integer`), as printed.
        col_aliases: Vec<String>,
    },
    /// A reference to a `WITH` query.
    Cte {
        /// The `WITH` query's name.
        name: String,
        /// Range-table name.
        refname: String,
        /// Whether an alias was written.
        aliased: bool,
        /// Column alias list to print, quoted (empty: none).
        col_aliases: Vec<String>,
    },
}

/// The query is outside the modelled subset.
pub(crate) struct Unsupported;

impl Query {
    /// The output columns: names (of the leftmost input for a set operation), types and
    /// modifiers.
    pub fn output(&self) -> Vec<OutColumn> {
        if let Some(op) = &self.set_op {
            return op
                .left
                .output()
                .into_iter()
                .zip(&op.columns)
                .map(|((name, _, _), (ty, typmod))| (name, ty.clone(), typmod.clone()))
                .collect();
        }
        if let Some(rows) = &self.values {
            let Some(first) = rows.first() else {
                return Vec::new();
            };
            return (0..first.len())
                .map(|i| {
                    let col: Vec<&Node> = rows.iter().filter_map(|r| r.get(i)).collect();
                    let ty = first[i].ty();
                    let typmod = common_typmod(&col, &ty);
                    (format!("column{}", i + 1), ty, typmod)
                })
                .collect();
        }
        self.targets
            .iter()
            .map(|(n, name)| {
                (
                    name.clone().unwrap_or_else(|| "?column?".into()),
                    n.ty(),
                    n.expr_typmod(),
                )
            })
            .collect()
    }
}

/// `select_common_typmod`: the inputs' typmod when they all have type `ty` and agree on it.
fn common_typmod(nodes: &[&Node], ty: &Ty) -> Vec<i64> {
    let Some(first) = nodes.first() else {
        return Vec::new();
    };
    let m = first.expr_typmod();
    if nodes.iter().all(|n| n.ty() == *ty && n.expr_typmod() == m) {
        m
    } else {
        Vec::new()
    }
}

impl Analyzer<'_, '_> {
    /// A sub-link over a query.
    pub fn sublink(
        &mut self,
        kind: SubLinkKind,
        test: Option<Node>,
        op: &str,
        q: &SqlQuery,
    ) -> Node {
        let saved_names = self.used_names.len();
        let query = match self.query(q) {
            Ok(query) => query,
            Err(Unsupported) => {
                self.unmodelled.set(true);
                Query {
                    raw: Some(q.to_string()),
                    ..Default::default()
                }
            }
        };
        // Sibling sub-selects do not see each other's range-table names.
        self.used_names.truncate(saved_names);
        let first = query.output().into_iter().next();
        let first_ty = first.map(|c| c.1).unwrap_or_else(Ty::opaque);
        let (test, op) = match (kind, test) {
            (SubLinkKind::Any | SubLinkKind::All, Some(t)) => {
                let probe = Node::Raw {
                    text: String::new(),
                    ty: first_ty.clone(),
                };
                match self.make_op(None, op, Some(t), probe) {
                    Node::Op { mut args, oper, .. } if args.len() == 2 => {
                        args.truncate(1);
                        (args.pop(), oper.name)
                    }
                    _ => (None, op.to_string()),
                }
            }
            (_, t) => (t, op.to_string()),
        };
        let ty = match kind {
            SubLinkKind::Exists | SubLinkKind::Any | SubLinkKind::All => Ty::b("bool"),
            SubLinkKind::Expr => first_ty,
            SubLinkKind::Array => {
                if first_ty.is_opaque() {
                    first_ty
                } else {
                    first_ty.array_of()
                }
            }
        };
        Node::SubLink(Box::new(SubLink {
            kind,
            test,
            op,
            query,
            ty,
        }))
    }

    /// A query at a new level: its own range-table scope and `WITH` queries.
    pub fn query(&mut self, q: &SqlQuery) -> Result<Query, Unsupported> {
        if !q.locks.is_empty() || q.for_clause.is_some() {
            return Err(Unsupported);
        }
        self.scopes.push(Vec::new());
        self.ctes.push(Vec::new());
        let result = self.query_level(q);
        self.ctes.pop();
        self.scopes.pop();
        result
    }

    fn query_level(&mut self, q: &SqlQuery) -> Result<Query, Unsupported> {
        // The level's FROM items are named before any sub-select (in WITH or FROM) is.
        let names = match q.body.as_ref() {
            SetExpr::Select(sel) => Some(self.assign_names(&sel.from)),
            _ => None,
        };
        let mut ctes = Vec::new();
        let mut recursive = false;
        if let Some(with) = &q.with {
            recursive = with.recursive;
            for c in &with.cte_tables {
                let saved = self.used_names.len();
                let cte = self.cte(c, recursive);
                self.used_names.truncate(saved);
                ctes.push(cte?);
            }
        }
        let mut out = match q.body.as_ref() {
            SetExpr::Select(sel) => self.select(sel, Some(q), names.unwrap_or_default(), true)?,
            body @ SetExpr::SetOperation { .. } => {
                let mut out = self.set_expr(body)?;
                self.set_op_sort_limit(&mut out, q)?;
                out
            }
            SetExpr::Query(inner) if q.with.is_none() && q.order_by.is_none() => {
                return self.query(inner);
            }
            SetExpr::Values(v) if q.order_by.is_none() && q.limit_clause.is_none() => {
                self.values(v)?
            }
            _ => return Err(Unsupported),
        };
        out.ctes = ctes;
        out.recursive = recursive;
        Ok(out)
    }
}
