//! Views outside the analysed subset: printed as sqlparser prints them, and how to tell.

use crate::catalog::{truncate_identifier, Column, SqlType};
use crate::pg::deparse::colname::figure_colname;
use crate::pg::deparse::node::{Node, WindowRef};
use crate::pg::deparse::query::{FromItem, Query};
use crate::pg::deparse::ExprContext;
use sqlparser::ast::{Query as SqlQuery, SelectItem, SetExpr};

use super::*;

/// The columns guessed from the select list alone: names as written, `text` types.
pub(super) fn fallback(
    query: &SqlQuery,
    column_names: &[String],
    ctx: &ExprContext<'_>,
) -> ViewQuery {
    let mut body = query.body.as_ref();
    loop {
        match body {
            SetExpr::SetOperation { left, .. } => body = left,
            SetExpr::Query(q) => body = q.body.as_ref(),
            _ => break,
        }
    }
    let mut out = ViewQuery::default();
    let SetExpr::Select(sel) = body else {
        return out;
    };
    let fold = |id: &sqlparser::ast::Ident| {
        if id.quote_style.is_some() {
            id.value.clone()
        } else {
            id.value.to_lowercase()
        }
    };
    for (i, item) in sel.projection.iter().enumerate() {
        let name = match item {
            SelectItem::UnnamedExpr(e) => {
                figure_colname(e, ctx).unwrap_or_else(|| "?column?".into())
            }
            SelectItem::ExprWithAlias { alias, .. } => fold(alias),
            // `*` cannot be expanded without knowing the FROM items.
            _ => return ViewQuery::default(),
        };
        let name = truncate_identifier(column_names.get(i).unwrap_or(&name));
        out.untyped.push(name.clone());
        out.columns.push(Column {
            name,
            ty: SqlType::builtin("text"),
            ..Default::default()
        });
    }
    out
}

/// Whether an analysed query holds an expression kept as written.
pub(super) fn query_has_raw(q: &Query) -> bool {
    if q.raw.is_some()
        || q.values.iter().flatten().flatten().any(node_has_raw)
        || q.ctes.iter().any(|c| query_has_raw(&c.query))
        || q.set_op
            .as_ref()
            .is_some_and(|op| query_has_raw(&op.left) || query_has_raw(&op.right))
        || q.from.iter().any(from_has_raw)
    {
        return true;
    }
    let mut nodes: Vec<&Node> = Vec::new();
    nodes.extend(q.distinct.iter().flatten());
    nodes.extend(q.targets.iter().map(|(n, _)| n));
    nodes.extend(q.filter.iter());
    nodes.extend(q.group_by.iter());
    nodes.extend(q.grouping.iter().flat_map(|g| g.nodes()));
    nodes.extend(q.having.iter());
    if q.set_op.is_none() {
        nodes.extend(q.order_by.iter().map(|(n, _, _)| n));
    }
    nodes.extend(q.limit.iter());
    nodes.extend(q.offset.iter());
    for (_, w) in &q.windows {
        nodes.extend(w.partition.iter());
        nodes.extend(w.order.iter().map(|(n, _, _)| n));
    }
    nodes.into_iter().any(node_has_raw)
}

pub(super) fn from_has_raw(f: &FromItem) -> bool {
    match f {
        FromItem::Rel { .. } | FromItem::Cte { .. } => false,
        FromItem::Join {
            left, right, on, ..
        } => from_has_raw(left) || from_has_raw(right) || on.as_deref().is_some_and(node_has_raw),
        FromItem::Subquery { query, .. } => query_has_raw(query),
        FromItem::Function { calls, .. } => calls.iter().any(node_has_raw),
    }
}

pub(super) fn node_has_raw(n: &Node) -> bool {
    let mut found = false;
    n.walk(&mut |x| match x {
        Node::Raw { .. } => found = true,
        Node::SubLink(s) => found |= query_has_raw(&s.query),
        Node::Func(f) => {
            if let Some(agg) = &f.agg {
                found |= agg.order.iter().any(|(n, _, _)| node_has_raw(n))
                    || agg.filter.as_ref().is_some_and(node_has_raw);
                if let Some(WindowRef::Spec(w)) = &agg.over {
                    found |= w.partition.iter().any(node_has_raw)
                        || w.order.iter().any(|(n, _, _)| node_has_raw(n));
                }
            }
        }
        Node::Var { ty, .. } if ty.is_opaque() => found = true,
        _ => {}
    });
    found
}
