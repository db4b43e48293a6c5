//! Whole queries: `WITH`, set operations (`UNION`/`INTERSECT`/`EXCEPT`), `ORDER
//! BY`/`LIMIT`/`OFFSET`, and the names of output columns.

use sqlparser::ast::{
    Expr, LimitClause, OrderByExpr, OrderByKind, Query, SetExpr, SetQuantifier, Value,
};

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::expr::{CExpr, Compiler};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::{fold, name_parts};

use super::select::compile_select;
use super::{compile_query, Body, CQuery, CSelect, OrderKey, Source, SrcKind};

pub(super) fn compile_query_here(c: &mut Compiler<'_, '_>, q: &Query) -> Res<CQuery> {
    if q.with.is_some() {
        return Err(Fail::unknown("WITH queries are not evaluated"));
    }
    let order_list: Vec<&OrderByExpr> = match &q.order_by {
        Some(ob) => match &ob.kind {
            OrderByKind::Expressions(list) => list.iter().collect(),
            OrderByKind::All(_) => return Err(Fail::unknown("ORDER BY ALL is not evaluated")),
        },
        None => Vec::new(),
    };
    let (body, columns, order) = match q.body.as_ref() {
        SetExpr::Select(sel) => {
            let (sel, cols, order) = compile_select(c, sel, &order_list)?;
            (Body::Select(Box::new(sel)), cols, order)
        }
        other => {
            let (body, cols) = compile_set(c, other)?;
            let mut order = Vec::new();
            for o in &order_list {
                let mut key = output_key(&o.expr, &cols)?.ok_or_else(|| {
                    Fail::unknown("ORDER BY an expression over a set operation is not evaluated")
                })?;
                set_direction(&mut key, o);
                order.push(key);
            }
            (body, cols, order)
        }
    };
    let (mut limit, mut offset) = (None, None);
    match &q.limit_clause {
        Some(LimitClause::LimitOffset {
            limit: l,
            offset: o,
            ..
        }) => {
            if let Some(l) = l {
                limit = Some(c.expr(l)?);
            }
            if let Some(o) = o {
                offset = Some(c.expr(&o.value)?);
            }
        }
        Some(LimitClause::OffsetCommaLimit {
            offset: o,
            limit: l,
        }) => {
            limit = Some(c.expr(l)?);
            offset = Some(c.expr(o)?);
        }
        None => {}
    }
    if let Some(f) = &q.fetch {
        limit = match &f.quantity {
            Some(e) => Some(c.expr(e)?),
            None => Some(CExpr::Const(V::Int(1))),
        };
    }
    Ok(CQuery {
        body,
        order,
        limit,
        offset,
        columns,
    })
}

pub(super) fn set_direction(key: &mut OrderKey, o: &OrderByExpr) {
    key.desc = matches!(o.options.sort, Some(sqlparser::ast::OrderBySort::Desc));
    key.nulls_first = o.options.nulls_first.unwrap_or(key.desc);
}

/// An `ORDER BY` item naming an output column (by name or position).
pub(super) fn output_key(e: &Expr, columns: &[String]) -> Res<Option<OrderKey>> {
    let key = |i| OrderKey {
        output: Some(i),
        expr: None,
        desc: false,
        nulls_first: false,
    };
    match e {
        Expr::Value(v) => {
            if let Value::Number(n, _) = &v.value {
                let i: usize = n.parse().unwrap_or(0);
                if i == 0 || i > columns.len() {
                    return Err(Fail::pg(
                        "invalid_column_reference",
                        format!("ORDER BY position {n} is not in select list"),
                    ));
                }
                return Ok(Some(key(i - 1)));
            }
        }
        Expr::Identifier(id) => {
            if let Some(i) = columns.iter().position(|c| *c == fold(id)) {
                return Ok(Some(key(i)));
            }
        }
        _ => {}
    }
    Ok(None)
}

/// Compiles a query body (a set operation's side, `VALUES`, a parenthesized query).
fn compile_set(c: &mut Compiler<'_, '_>, s: &SetExpr) -> Res<(Body, Vec<String>)> {
    Ok(match s {
        SetExpr::Select(sel) => {
            let (sel, cols, _) = compile_select(c, sel, &[])?;
            (Body::Select(Box::new(sel)), cols)
        }
        SetExpr::Query(q) => {
            let q = compile_query(c, q)?;
            let cols = q.columns.clone();
            (
                Body::Select(Box::new(CSelect {
                    sources: vec![Source {
                        kind: SrcKind::Sub(Box::new(q)),
                        offset: 0,
                        ncols: cols.len(),
                        left: false,
                        conds: Vec::new(),
                        keys: Vec::new(),
                        cond_keys: Vec::new(),
                        hash: false,
                        used: u64::MAX,
                    }],
                    width: cols.len(),
                    pre: Vec::new(),
                    post: Vec::new(),
                    grouping: None,
                    proj: (0..cols.len()).map(CExpr::Col).collect(),
                    distinct: false,
                })),
                cols,
            )
        }
        SetExpr::Values(v) => {
            let mut rows = Vec::new();
            for r in &v.rows {
                rows.push(
                    r.content
                        .iter()
                        .map(|e| c.expr(e))
                        .collect::<Res<Vec<_>>>()?,
                );
            }
            let n = rows.first().map_or(0, Vec::len);
            let cols = (1..=n).map(|i| format!("column{i}")).collect();
            (Body::Values(rows), cols)
        }
        SetExpr::SetOperation {
            op,
            set_quantifier,
            left,
            right,
        } => {
            let all = matches!(set_quantifier, SetQuantifier::All);
            let (lb, lcols) = compile_set(c, left)?;
            let (rb, _) = compile_set(c, right)?;
            let wrap = |body, columns: Vec<String>| CQuery {
                body,
                order: Vec::new(),
                limit: None,
                offset: None,
                columns,
            };
            let rcols = lcols.clone();
            (
                Body::SetOp(
                    *op,
                    all,
                    Box::new(wrap(lb, lcols.clone())),
                    Box::new(wrap(rb, rcols)),
                ),
                lcols,
            )
        }
        other => return Err(Fail::unknown(format!("query `{other}` is not evaluated"))),
    })
}

/// The name PostgreSQL gives a result column written as `e`.
pub(crate) fn column_name(e: &Expr) -> String {
    match e {
        Expr::Identifier(id) => fold(id),
        Expr::CompoundIdentifier(ids) => ids.last().map(fold).unwrap_or_default(),
        Expr::Function(f) => name_parts(&f.name).pop().unwrap_or_default(),
        Expr::Cast {
            expr, data_type, ..
        } => match expr.as_ref() {
            Expr::Value(_) => {
                let t = data_type.to_string().to_ascii_lowercase().replace('"', "");
                t.rsplit('.').next().unwrap_or("?column?").to_string()
            }
            inner => column_name(inner),
        },
        Expr::Nested(inner) => column_name(inner),
        Expr::Exists { .. } => "exists".into(),
        Expr::Case { .. } => "case".into(),
        Expr::Array(_) => "array".into(),
        _ => "?column?".into(),
    }
}
