//! Queries: sub-selects inside expressions (`EXISTS (…)`, `x IN (SELECT …)`, `(SELECT …)`,
//! `ARRAY(SELECT …)`) and view queries, analysed as `transformSelectStmt` does (simplified)
//! and printed as `get_query_def` prints them (`query_print`), with pretty indentation.
//!
//! Modelled: `SELECT` lists with `*` and `t.*`, FROM items (`query_from`: tables, views, joins
//! with `ON`/`USING`/`NATURAL`, sub-selects, `WITH` queries, set-returning functions), `WHERE`,
//! `GROUP BY`, `HAVING`, `WINDOW`, `DISTINCT [ON]`, `ORDER BY`, `LIMIT`/`OFFSET`, set operations
//! (with the common column types of `transformSetOperationTree`) and `WITH [RECURSIVE]`. A
//! sub-select outside that subset is printed as sqlparser prints it.

use sqlparser::ast::{
    CteAsMaterialized, Distinct, Expr, GroupByExpr, LimitClause, NamedWindowExpr, OrderByKind,
    Query as SqlQuery, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, SetOperator,
    SetQuantifier,
};

use super::analyze::{Analyzer, CteInfo};
use super::analyze_agg::sort_item;
use super::colname::figure_colname;
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
        /// The call.
        call: Box<Node>,
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

    /// A `WITH` query; it is visible to the ones after it and to the query's FROM items.
    fn cte(&mut self, c: &sqlparser::ast::Cte, recursive: bool) -> Result<Cte, Unsupported> {
        if c.from.is_some() {
            return Err(Unsupported);
        }
        let name = self.ident(&c.alias.name);
        let aliases: Vec<String> = c
            .alias
            .columns
            .iter()
            .map(|a| self.ident(&a.name))
            .collect();
        let materialized = c.materialized.as_ref().map(|m| match m {
            CteAsMaterialized::Materialized => true,
            CteAsMaterialized::NotMaterialized => false,
        });
        let level = self.ctes.len() - 1;
        let query = match c.query.body.as_ref() {
            SetExpr::SetOperation {
                op: SetOperator::Union,
                left,
                right,
                set_quantifier,
            } if recursive && c.query.with.is_none() && c.query.order_by.is_none() => {
                // `non_recursive UNION [ALL] recursive`: the non-recursive term gives the
                // columns the recursive one sees.
                self.scopes.push(Vec::new());
                self.ctes.push(Vec::new());
                let result = (|| {
                    let l = self.set_expr(left)?;
                    let info = self.cte_info(&name, &aliases, &l);
                    self.ctes[level].push(info);
                    let r = self.set_expr(right)?;
                    self.combine("UNION", matches!(set_quantifier, SetQuantifier::All), l, r)
                })();
                self.ctes.pop();
                self.scopes.pop();
                result?
            }
            _ => self.query(&c.query)?,
        };
        let info = self.cte_info(&name, &aliases, &query);
        self.ctes[level].retain(|i| i.name != name);
        self.ctes[level].push(info);
        Ok(Cte {
            name,
            aliases,
            materialized,
            query,
        })
    }

    fn cte_info(&self, name: &str, aliases: &[String], query: &Query) -> CteInfo {
        let mut columns = query.output();
        for (c, a) in columns.iter_mut().zip(aliases) {
            c.0 = a.clone();
        }
        let collations = (0..columns.len())
            .map(|i| self.output_collation(query, i))
            .collect();
        CteInfo {
            name: name.to_string(),
            columns,
            collations,
        }
    }

    /// One input of a set operation, analysed as its own query level.
    fn set_expr(&mut self, body: &SetExpr) -> Result<Query, Unsupported> {
        match body {
            SetExpr::Select(sel) => {
                let saved = self.used_names.len();
                self.scopes.push(Vec::new());
                let names = self.assign_names(&sel.from);
                let result = self.select(sel, None, names, false);
                self.scopes.pop();
                self.used_names.truncate(saved);
                result
            }
            SetExpr::Query(q) => {
                let saved = self.used_names.len();
                let result = self.query(q);
                self.used_names.truncate(saved);
                result
            }
            SetExpr::Values(v) => self.values(v),
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                let op = match op {
                    SetOperator::Union => "UNION",
                    SetOperator::Intersect => "INTERSECT",
                    SetOperator::Except => "EXCEPT",
                    _ => return Err(Unsupported),
                };
                let all = match set_quantifier {
                    SetQuantifier::All => true,
                    SetQuantifier::Distinct | SetQuantifier::None => false,
                    _ => return Err(Unsupported),
                };
                let left = self.set_expr(left)?;
                let right = self.set_expr(right)?;
                self.combine(op, all, left, right)
            }
            _ => Err(Unsupported),
        }
    }

    /// `transformSetOperationTree` for one node: the common type of each column pair; an
    /// untyped literal of an input is coerced to it in place.
    fn combine(
        &mut self,
        op: &'static str,
        all: bool,
        mut left: Query,
        mut right: Query,
    ) -> Result<Query, Unsupported> {
        let lcols = left.output();
        let rcols = right.output();
        if lcols.len() != rcols.len() {
            return Err(Unsupported);
        }
        let mut columns = Vec::new();
        for (i, (l, r)) in lcols.iter().zip(&rcols).enumerate() {
            let ty = self
                .ctx
                .select_common_type(&[l.1.clone(), r.1.clone()])
                .unwrap_or_else(|| Ty::b("text"));
            let typmod = if l.1 == ty && r.1 == ty && l.2 == r.2 {
                l.2.clone()
            } else {
                Vec::new()
            };
            for side in [&mut left, &mut right] {
                if side.set_op.is_some() {
                    continue;
                }
                if let Some((n, _)) = side.targets.get_mut(i) {
                    if n.is_unknown_literal() {
                        let node = std::mem::replace(n, Node::null());
                        *n = self.coerce_arg(node, &ty);
                    }
                }
            }
            columns.push((ty, typmod));
        }
        Ok(Query {
            set_op: Some(Box::new(SetOp {
                op,
                all,
                left,
                right,
                columns,
            })),
            ..Default::default()
        })
    }

    /// `VALUES (…), (…)` (`transformValuesClause`): each column coerced to its rows' common
    /// type (`text` for untyped literals only).
    fn values(&mut self, v: &sqlparser::ast::Values) -> Result<Query, Unsupported> {
        if v.explicit_row {
            return Err(Unsupported);
        }
        let mut rows: Vec<Vec<Node>> = Vec::new();
        for r in &v.rows {
            rows.push(r.content.iter().map(|e| self.expr(e)).collect());
        }
        let width = rows.first().map_or(0, Vec::len);
        if width == 0 || rows.iter().any(|r| r.len() != width) {
            return Err(Unsupported);
        }
        for i in 0..width {
            let types: Vec<Ty> = rows.iter().map(|r| r[i].ty()).collect();
            let ty = self
                .ctx
                .select_common_type(&types)
                .unwrap_or_else(|| Ty::b("text"));
            for r in &mut rows {
                let node = std::mem::replace(&mut r[i], Node::null());
                r[i] = self.coerce_arg(node, &ty);
            }
        }
        Ok(Query {
            values: Some(rows),
            ..Default::default()
        })
    }

    /// `ORDER BY` (as output column numbers), `LIMIT` and `OFFSET` of a set operation.
    fn set_op_sort_limit(&mut self, out: &mut Query, q: &SqlQuery) -> Result<(), Unsupported> {
        if let Some(ob) = &q.order_by {
            let OrderByKind::Expressions(items) = &ob.kind else {
                return Err(Unsupported);
            };
            let names: Vec<String> = out.output().into_iter().map(|c| c.0).collect();
            for it in items {
                let idx = match &it.expr {
                    Expr::Value(v) => match &v.value {
                        sqlparser::ast::Value::Number(n, _) => n.parse::<usize>().ok(),
                        _ => None,
                    },
                    Expr::Identifier(id) => {
                        let name = self.ident(id);
                        names.iter().position(|n| *n == name).map(|i| i + 1)
                    }
                    _ => None,
                };
                let Some(idx) = idx.filter(|i| (1..=names.len()).contains(i)) else {
                    return Err(Unsupported);
                };
                let n = Node::Raw {
                    text: idx.to_string(),
                    ty: Ty::opaque(),
                };
                out.order_by.push(sort_item(n, it));
            }
        }
        self.limit_offset(out, q)
    }

    fn limit_offset(&mut self, out: &mut Query, q: &SqlQuery) -> Result<(), Unsupported> {
        if let Some(f) = &q.fetch {
            // `FETCH FIRST n ROWS ONLY` is a LIMIT.
            if f.percent || out.limit.is_some() {
                return Err(Unsupported);
            }
            out.with_ties = f.with_ties;
            let n = match &f.quantity {
                Some(e) => self.expr(e),
                None => super::analyze::number_const("1", false),
            };
            out.limit = Some(self.coerce_arg(n, &Ty::b("int8")));
        }
        match &q.limit_clause {
            None => Ok(()),
            Some(LimitClause::LimitOffset {
                limit,
                offset,
                limit_by,
            }) if limit_by.is_empty() => {
                if let Some(l) = limit {
                    let n = self.expr(l);
                    out.limit = Some(self.coerce_arg(n, &Ty::b("int8")));
                }
                if let Some(o) = offset {
                    let n = self.expr(&o.value);
                    out.offset = Some(self.coerce_arg(n, &Ty::b("int8")));
                }
                Ok(())
            }
            _ => Err(Unsupported),
        }
    }

    /// One SELECT. `names` are the range-table names of its FROM items ([`Self::assign_names`]);
    /// `resolve_unknowns` turns untyped literal outputs into `text` (all but set-operation
    /// inputs).
    fn select(
        &mut self,
        sel: &Select,
        q: Option<&SqlQuery>,
        names: Vec<String>,
        resolve_unknowns: bool,
    ) -> Result<Query, Unsupported> {
        let saved = std::mem::replace(&mut self.pending_names, names.into());
        let result = self.select_inner(sel, q, resolve_unknowns);
        self.pending_names = saved;
        result
    }

    fn select_inner(
        &mut self,
        sel: &Select,
        q: Option<&SqlQuery>,
        resolve_unknowns: bool,
    ) -> Result<Query, Unsupported> {
        if sel.top.is_some()
            || sel.into.is_some()
            || !sel.lateral_views.is_empty()
            || sel.prewhere.is_some()
            || !sel.connect_by.is_empty()
            || !sel.cluster_by.is_empty()
            || !sel.distribute_by.is_empty()
            || !sel.sort_by.is_empty()
            || sel.qualify.is_some()
            || sel.exclude.is_some()
        {
            return Err(Unsupported);
        }
        let mut out = Query::default();
        for twj in &sel.from {
            let item = self.range_item(twj)?;
            out.from.push(item);
        }
        for item in &sel.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let n = self.expr(e);
                    out.targets.push((n, figure_colname(e, self.ctx)));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let n = self.expr(expr);
                    out.targets.push((n, Some(self.ident(alias))));
                }
                SelectItem::Wildcard(_) => {
                    for f in &out.from {
                        for (name, n) in self.item_columns(f)? {
                            out.targets.push((n, Some(name)));
                        }
                    }
                }
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(n),
                    _,
                ) => {
                    let q = self.name_parts(n).pop().unwrap_or_default();
                    let rte = self
                        .scopes
                        .iter()
                        .rev()
                        .find_map(|s| s.iter().find(|r| r.lookup == q && r.rels.is_none()))
                        .cloned()
                        .ok_or(Unsupported)?;
                    if !rte.known {
                        return Err(Unsupported);
                    }
                    for i in 0..rte.columns.len() {
                        let var = rte.var(i).ok_or(Unsupported)?;
                        out.targets.push((var, Some(rte.columns[i].0.clone())));
                    }
                }
                _ => return Err(Unsupported),
            }
        }
        if resolve_unknowns {
            for (n, _) in &mut out.targets {
                if n.ty().is_unknown() {
                    let node = std::mem::replace(n, Node::null());
                    *n = self.coerce_arg(node, &Ty::b("text"));
                }
            }
        }
        out.distinct = match &sel.distinct {
            None | Some(Distinct::All) => None,
            Some(Distinct::Distinct) => Some(Vec::new()),
            Some(Distinct::On(exprs)) => Some(
                exprs
                    .iter()
                    .map(|e| self.target_ref(e, &out.targets))
                    .collect(),
            ),
        };
        if let Some(w) = &sel.selection {
            out.filter = Some(self.boolean(w));
        }
        match &sel.group_by {
            GroupByExpr::Expressions(exprs, mods) if mods.is_empty() => {
                let sets = exprs
                    .iter()
                    .any(|e| matches!(e, Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_)));
                for e in exprs {
                    if sets {
                        let item = self.group_item(std::slice::from_ref(e), &out.targets);
                        out.grouping.push(item);
                    } else {
                        let n = self.target_ref(e, &out.targets);
                        out.group_by.push(n);
                    }
                }
            }
            _ => return Err(Unsupported),
        }
        if let Some(h) = &sel.having {
            out.having = Some(self.boolean(h));
        }
        for w in &sel.named_window {
            let name = self.ident(&w.0);
            let NamedWindowExpr::WindowSpec(spec) = &w.1 else {
                return Err(Unsupported);
            };
            let spec = self.window_spec(spec).ok_or(Unsupported)?;
            out.windows.push((name, spec));
        }
        if let Some(ob) = q.and_then(|q| q.order_by.as_ref()) {
            let OrderByKind::Expressions(items) = &ob.kind else {
                return Err(Unsupported);
            };
            for it in items {
                let n = self.target_ref(&it.expr, &out.targets);
                out.order_by.push(sort_item(n, it));
            }
        }
        if let Some(q) = q {
            self.limit_offset(&mut out, q)?;
        }
        Ok(out)
    }

    /// One element of a grouping-sets GROUP BY: `()`, an expression or a parenthesised list,
    /// or a nested `ROLLUP` / `CUBE` / `GROUPING SETS`.
    fn group_item(&mut self, group: &[Expr], targets: &[(Node, Option<String>)]) -> GroupItem {
        match group {
            [] => GroupItem::Empty,
            [Expr::Rollup(g) | Expr::Cube(g) | Expr::GroupingSets(g)] => {
                let kind = match &group[0] {
                    Expr::Rollup(_) => "ROLLUP(",
                    Expr::Cube(_) => "CUBE(",
                    _ => "GROUPING SETS (",
                };
                let items = g.iter().map(|x| self.group_item(x, targets)).collect();
                GroupItem::Sets(kind, items)
            }
            // Inside GROUPING SETS sqlparser reads `ROLLUP (a)` / `CUBE (a)` as calls.
            [Expr::Function(f)]
                if f.name.0.len() == 1
                    && matches!(
                        f.name.to_string().to_lowercase().as_str(),
                        "rollup" | "cube"
                    ) =>
            {
                let kind = if f.name.to_string().eq_ignore_ascii_case("rollup") {
                    "ROLLUP("
                } else {
                    "CUBE("
                };
                let args: Vec<Expr> = match &f.args {
                    sqlparser::ast::FunctionArguments::List(l) => l
                        .args
                        .iter()
                        .filter_map(|a| match a {
                            sqlparser::ast::FunctionArg::Unnamed(
                                sqlparser::ast::FunctionArgExpr::Expr(x),
                            ) => Some(x.clone()),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let items = args
                    .iter()
                    .map(|a| match a {
                        Expr::Tuple(xs) => self.group_item(xs, targets),
                        x => self.group_item(std::slice::from_ref(x), targets),
                    })
                    .collect();
                GroupItem::Sets(kind, items)
            }
            exprs => GroupItem::Simple(exprs.iter().map(|e| self.target_ref(e, targets)).collect()),
        }
    }

    /// An ORDER BY / GROUP BY item: an output column number or name, or an expression.
    fn target_ref(&mut self, e: &Expr, targets: &[(Node, Option<String>)]) -> Node {
        if let Expr::Value(v) = e {
            if let sqlparser::ast::Value::Number(n, _) = &v.value {
                if let Ok(i) = n.parse::<usize>() {
                    if let Some((node, _)) = targets.get(i.wrapping_sub(1)) {
                        return node.clone();
                    }
                }
            }
        }
        if let Expr::Identifier(id) = e {
            let name = self.ident(id);
            let is_column = self
                .scopes
                .last()
                .is_some_and(|s| s.iter().any(|r| r.columns.iter().any(|c| c.0 == name)));
            if !is_column {
                if let Some((node, _)) = targets.iter().find(|(_, n)| n.as_deref() == Some(&name)) {
                    return node.clone();
                }
            }
        }
        self.expr(e)
    }
}
