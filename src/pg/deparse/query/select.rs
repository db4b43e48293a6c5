//! One `SELECT`: its target list, FROM, WHERE, GROUP BY, HAVING, WINDOW and DISTINCT.

use crate::pg::deparse::analyze::Analyzer;
use crate::pg::deparse::analyze_agg::sort_item;
use crate::pg::deparse::colname::figure_colname;
use crate::pg::deparse::node::Node;
use crate::pg::deparse::typesys::Ty;
use sqlparser::ast::{
    Distinct, Expr, GroupByExpr, NamedWindowExpr, OrderByKind, Query as SqlQuery, Select,
    SelectItem, SelectItemQualifiedWildcardKind,
};

use super::*;

/// A target-list entry: its expression and output name.
type Target = (Node, Option<String>);

impl Analyzer<'_, '_> {
    /// One SELECT. `names` are the range-table names of its FROM items ([`Self::assign_names`]);
    /// `resolve_unknowns` turns untyped literal outputs into `text` (all but set-operation
    /// inputs).
    pub(super) fn select(
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

    pub(super) fn select_inner(
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
                    if let Some(fields) = self.field_star(e)? {
                        out.targets.extend(fields);
                        continue;
                    }
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
                    let columns = self.rte_columns(&q)?;
                    out.targets.extend(columns);
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

    /// `(expr).*` in a target list (see [`crate::pg::deparse::FIELD_STAR`]): one field
    /// selection per attribute of the row type, named after it, as PostgreSQL expands it.
    /// `None` for any other expression.
    fn field_star(&mut self, e: &Expr) -> Result<Option<Vec<Target>>, Unsupported> {
        use sqlparser::ast::AccessExpr;
        let mut e = e;
        while let Expr::Nested(inner) = e {
            e = inner;
        }
        let Expr::CompoundFieldAccess { root, access_chain } = e else {
            return Ok(None);
        };
        let Some((AccessExpr::Dot(Expr::Identifier(star)), chain)) = access_chain.split_last()
        else {
            return Ok(None);
        };
        if star.quote_style.is_some() || star.value != crate::pg::deparse::FIELD_STAR {
            return Ok(None);
        }
        let base = if chain.is_empty() {
            self.expr(root)
        } else {
            self.field_access(root, chain, e)
        };
        // `(t).*`: the columns of the range-table entry, as `t.*`.
        if let Node::WholeRow { rel, .. } = &base {
            return self.rte_columns(rel).map(Some);
        }
        let fields = self.node_row_columns(&base).ok_or(Unsupported)?;
        Ok(Some(
            fields
                .into_iter()
                .map(|(field, ty, typmod)| {
                    let n = Node::FieldSelect {
                        arg: Box::new(base.clone()),
                        field: field.clone(),
                        ty,
                        typmod,
                    };
                    (n, Some(field))
                })
                .collect(),
        ))
    }

    /// `q.*`: the columns of range-table entry `q`.
    fn rte_columns(&self, q: &str) -> Result<Vec<Target>, Unsupported> {
        let rte = self
            .scopes
            .iter()
            .rev()
            .find_map(|s| s.iter().find(|r| r.lookup == q && r.rels.is_none()))
            .ok_or(Unsupported)?;
        if !rte.known {
            return Err(Unsupported);
        }
        (0..rte.columns.len())
            .map(|i| {
                let var = rte.var(i).ok_or(Unsupported)?;
                Ok((var, Some(rte.columns[i].0.clone())))
            })
            .collect()
    }

    /// One element of a grouping-sets GROUP BY: `()`, an expression or a parenthesised list,
    /// or a nested `ROLLUP` / `CUBE` / `GROUPING SETS`.
    pub(super) fn group_item(
        &mut self,
        group: &[Expr],
        targets: &[(Node, Option<String>)],
    ) -> GroupItem {
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
    pub(super) fn target_ref(&mut self, e: &Expr, targets: &[(Node, Option<String>)]) -> Node {
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
