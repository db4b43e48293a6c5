//! A view's query: its output columns as `DefineVirtualRelation` stores them and its text as
//! `pg_get_viewdef` prints it.

use sqlparser::ast::{Query as SqlQuery, SelectItem, SetExpr};

use super::analyze::Analyzer;
use super::colname::figure_colname;
use super::node::{Node, WindowRef};
use super::print::Printer;
use super::query::{FromItem, Query};
use super::ExprContext;
use crate::catalog::{truncate_identifier, Column, SqlType};

/// What PostgreSQL stores for `CREATE VIEW v [(names)] AS query`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewQuery {
    /// The view's columns: names (the column list, else the query's output names), types with
    /// the modifiers the query keeps; always nullable, without defaults.
    pub columns: Vec<Column>,
    /// The query as `pg_get_viewdef(oid)` prints it (multi-line, ending in `;`), when every part
    /// of it was modelled; `None` otherwise.
    pub definition: Option<String>,
    /// Names of the columns whose type could not be inferred (they are given `text`); when
    /// the query could not be analysed at all, every column, named as written.
    pub untyped: Vec<String>,
}

/// The output columns and definition of a view over `query`; `column_names` is the column
/// list written after the view's name (it renames the first columns).
pub fn view_query(query: &SqlQuery, column_names: &[String], ctx: &ExprContext<'_>) -> ViewQuery {
    super::guarded(
        || fallback(query, column_names, ctx),
        || analyse(query, column_names, ctx),
    )
}

fn analyse(query: &SqlQuery, column_names: &[String], ctx: &ExprContext<'_>) -> ViewQuery {
    let mut a = Analyzer::new(ctx);
    a.scopes.clear();
    // The view's rule holds the range-table entries `old` and `new` before the query's own.
    a.used_names = vec!["old".into(), "new".into()];
    let Ok(q) = a.query(query) else {
        return fallback(query, column_names, ctx);
    };
    let mut out = ViewQuery::default();
    let mut names = Vec::new();
    for (i, (name, ty, typmod)) in q.output().into_iter().enumerate() {
        let name = truncate_identifier(column_names.get(i).unwrap_or(&name));
        let ty = if ty.is_opaque() || ty.is_unknown() || ty.schema.is_empty() {
            out.untyped.push(name.clone());
            SqlType::builtin("text")
        } else {
            ty.to_sql(&typmod)
        };
        names.push(name.clone());
        out.columns.push(Column {
            name,
            ty,
            ..Default::default()
        });
    }
    // A renamed VALUES view prints as a SELECT over `"*VALUES*"` (not modelled).
    let renamed_values = q.values.is_some() && !column_names.is_empty();
    if !a.unmodelled.get() && !query_has_raw(&q) && !renamed_values {
        let mut p = Printer::new(ctx, false);
        p.colnames_visible = true;
        p.result_names = Some(names);
        p.query(&q);
        p.buf.push(';');
        out.definition = Some(p.buf);
    }
    out
}

/// The columns guessed from the select list alone: names as written, `text` types.
fn fallback(query: &SqlQuery, column_names: &[String], ctx: &ExprContext<'_>) -> ViewQuery {
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
fn query_has_raw(q: &Query) -> bool {
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

fn from_has_raw(f: &FromItem) -> bool {
    match f {
        FromItem::Rel { .. } | FromItem::Cte { .. } => false,
        FromItem::Join {
            left, right, on, ..
        } => from_has_raw(left) || from_has_raw(right) || on.as_deref().is_some_and(node_has_raw),
        FromItem::Subquery { query, .. } => query_has_raw(query),
        FromItem::Function { call, .. } => node_has_raw(call),
    }
}

fn node_has_raw(n: &Node) -> bool {
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
