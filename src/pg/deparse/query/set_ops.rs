//! `WITH` queries, set operations (`UNION`/`INTERSECT`/`EXCEPT` with their common column types),
//! `VALUES`, and the `ORDER BY`/`LIMIT`/`OFFSET` of a query.

use crate::pg::deparse::analyze::{Analyzer, CteInfo};
use crate::pg::deparse::analyze_agg::sort_item;
use crate::pg::deparse::node::Node;
use crate::pg::deparse::typesys::Ty;
use sqlparser::ast::{
    CteAsMaterialized, Expr, LimitClause, OrderByKind, Query as SqlQuery, SetExpr, SetOperator,
    SetQuantifier,
};

use super::*;

impl Analyzer<'_, '_> {
    /// A `WITH` query; it is visible to the ones after it and to the query's FROM items.
    pub(super) fn cte(
        &mut self,
        c: &sqlparser::ast::Cte,
        recursive: bool,
    ) -> Result<Cte, Unsupported> {
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

    pub(super) fn cte_info(&self, name: &str, aliases: &[String], query: &Query) -> CteInfo {
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
    pub(super) fn set_expr(&mut self, body: &SetExpr) -> Result<Query, Unsupported> {
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
    pub(super) fn combine(
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
    pub(super) fn values(&mut self, v: &sqlparser::ast::Values) -> Result<Query, Unsupported> {
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
    pub(super) fn set_op_sort_limit(
        &mut self,
        out: &mut Query,
        q: &SqlQuery,
    ) -> Result<(), Unsupported> {
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

    pub(super) fn limit_offset(
        &mut self,
        out: &mut Query,
        q: &SqlQuery,
    ) -> Result<(), Unsupported> {
        if let Some(f) = &q.fetch {
            // `FETCH FIRST n ROWS ONLY` is a LIMIT.
            if f.percent || out.limit.is_some() {
                return Err(Unsupported);
            }
            out.with_ties = f.with_ties;
            let n = match &f.quantity {
                Some(e) => self.expr(e),
                None => crate::pg::deparse::analyze::number_const("1", false),
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
}
