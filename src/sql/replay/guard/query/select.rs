//! One `SELECT`: its FROM items joined left-deep, its projection (`*` expanded), `WHERE`, grouping,
//! `DISTINCT`.

use sqlparser::ast::{
    Distinct, Expr, GroupByExpr, JoinConstraint, JoinOperator, OrderByExpr, Select, SelectItem,
    SelectItemQualifiedWildcardKind, Value,
};

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::expr::{CExpr, Cmp, Compiler, Level, SrcCols};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::{fold, name_parts};

use super::conjuncts::{place_conjuncts, split_and};
use super::set::{column_name, output_key, set_direction};
use super::sources::add_source;
use super::{CSelect, Grouping, OrderKey, Source};

type Compiled = (CSelect, Vec<String>, Vec<OrderKey>);

pub(super) fn compile_select(
    c: &mut Compiler<'_, '_>,
    sel: &Select,
    order: &[&OrderByExpr],
) -> Res<Compiled> {
    c.levels.push(Level::default());
    let result = compile_select_in_level(c, sel, order);
    c.levels.pop();
    result
}

fn compile_select_in_level(
    c: &mut Compiler<'_, '_>,
    sel: &Select,
    order_by: &[&OrderByExpr],
) -> Res<Compiled> {
    let mut sources: Vec<Source> = Vec::new();
    let mut width = 0usize;
    let mut pool: Vec<CExpr> = Vec::new();
    compile_from(c, sel, &mut sources, &mut width, &mut pool)?;
    if let Some(w) = &sel.selection {
        let e = c.expr(w)?;
        split_and(e, &mut pool);
    }
    // Select list, HAVING, GROUP BY.
    if let Some(level) = c.levels.last_mut() {
        level.aggs = Some(Vec::new());
    }
    let (proj, columns) = compile_projection(c, sel)?;
    let having = match &sel.having {
        Some(h) => Some(c.expr(h)?),
        None => None,
    };
    c.levels.last_mut().expect("level").outputs = columns.clone();
    let mut order = Vec::new();
    for o in order_by {
        let mut key = match output_key(&o.expr, &columns)? {
            Some(k) => k,
            None => OrderKey {
                output: None,
                expr: Some(c.expr(&o.expr)?),
                desc: false,
                nulls_first: false,
            },
        };
        set_direction(&mut key, o);
        order.push(key);
    }
    let level = c.levels.last_mut().expect("level");
    let aggs = level.aggs.take().unwrap_or_default();
    let group_keys = compile_group_keys(c, sel, &columns)?;
    let grouping = if !aggs.is_empty() || !group_keys.is_empty() || having.is_some() {
        Some(Grouping {
            keys: group_keys,
            aggs,
            having,
        })
    } else {
        None
    };
    let level = c.levels.last().expect("level");
    for (s, cols) in sources.iter_mut().zip(&level.sources) {
        s.used = cols.used;
    }
    let (pre, post) = place_conjuncts(pool, &mut sources);
    let distinct = match &sel.distinct {
        Some(Distinct::Distinct) => true,
        Some(Distinct::On(_)) => return Err(Fail::unknown("DISTINCT ON is not evaluated")),
        _ => false,
    };
    Ok((
        CSelect {
            sources,
            width,
            pre,
            post,
            grouping,
            proj,
            distinct,
        },
        columns,
        order,
    ))
}

/// The FROM items of a `SELECT`, joined left-deep into `sources` (`width`: the row's slots so
/// far); inner joins' conditions go to `pool`, outer joins' stay with their item.
fn compile_from(
    c: &mut Compiler<'_, '_>,
    sel: &Select,
    sources: &mut Vec<Source>,
    width: &mut usize,
    pool: &mut Vec<CExpr>,
) -> Res<()> {
    for twj in &sel.from {
        add_source(c, &twj.relation, false, sources, width)?;
        for j in &twj.joins {
            let (constraint, left) = match &j.join_operator {
                JoinOperator::Join(k) | JoinOperator::Inner(k) => (Some(k), false),
                JoinOperator::Left(k) | JoinOperator::LeftOuter(k) => (Some(k), true),
                JoinOperator::CrossJoin(_) => (None, false),
                _ => return Err(Fail::unknown("RIGHT/FULL joins are not evaluated")),
            };
            add_source(c, &j.relation, left, sources, width)?;
            let on = match constraint {
                Some(JoinConstraint::On(e)) => Some(c.expr(e)?),
                Some(JoinConstraint::Using(cols)) => using_condition(c, cols, sources.len() - 1)?,
                Some(JoinConstraint::Natural) => {
                    return Err(Fail::unknown("NATURAL joins are not evaluated"))
                }
                Some(JoinConstraint::UsingAlias(..)) => {
                    return Err(Fail::unknown("USING … AS alias joins are not evaluated"))
                }
                Some(JoinConstraint::None) | None => None,
            };
            if let Some(on) = on {
                let last = sources.len() - 1;
                if left {
                    let mut conj = Vec::new();
                    split_and(on, &mut conj);
                    sources[last].conds = conj;
                } else {
                    split_and(on, pool);
                }
            }
        }
    }
    Ok(())
}

/// The condition of `JOIN … USING (cols)` with the FROM item `i` (the last one bound): each
/// column equal to the same-named column of an earlier item.
fn using_condition(
    c: &mut Compiler<'_, '_>,
    cols: &[sqlparser::ast::ObjectName],
    i: usize,
) -> Res<Option<CExpr>> {
    let mut conj = Vec::new();
    for col in cols {
        let name = name_parts(col).pop().unwrap_or_default();
        let level = c.levels.last().expect("level");
        let right = &level.sources[i];
        let r = right.columns.iter().position(|x| *x == name);
        let l = level.sources[..i].iter().find_map(|s| {
            s.columns
                .iter()
                .position(|x| *x == name)
                .map(|k| s.offset + k)
        });
        let r_slot = r.map(|r| right.offset + r);
        // The columns compared are read: scans compute them and rows copy them.
        let level = c.levels.last_mut().expect("level");
        for slot in [l, r_slot].into_iter().flatten() {
            if let Some(s) = level
                .sources
                .iter_mut()
                .find(|s| slot >= s.offset && slot < s.offset + s.columns.len())
            {
                if slot - s.offset < 64 {
                    s.used |= 1 << (slot - s.offset);
                }
            }
        }
        match (l, r_slot) {
            (Some(l), Some(r)) => conj.push(CExpr::Cmp(
                Cmp::Eq,
                Box::new(CExpr::Col(l)),
                Box::new(CExpr::Col(r)),
            )),
            _ => {
                return Err(Fail::pg(
                    "undefined_column",
                    format!("column \"{name}\" specified in USING clause does not exist"),
                ))
            }
        }
    }
    Ok(conj
        .into_iter()
        .reduce(|a, b| CExpr::And(Box::new(a), Box::new(b))))
}

/// The select list: the compiled expressions and the output column names (`*` expanded).
fn compile_projection(c: &mut Compiler<'_, '_>, sel: &Select) -> Res<(Vec<CExpr>, Vec<String>)> {
    let mut proj = Vec::new();
    let mut columns = Vec::new();
    for item in &sel.projection {
        match item {
            SelectItem::UnnamedExpr(e) => {
                columns.push(column_name(e));
                proj.push(c.expr(e)?);
            }
            SelectItem::ExprWithAlias { expr, alias } => {
                columns.push(fold(alias));
                proj.push(c.expr(expr)?);
            }
            SelectItem::ExprWithAliases { .. } => {
                return Err(Fail::pg(
                    "syntax_error",
                    "multiple column aliases are not SQL",
                ))
            }
            SelectItem::Wildcard(_) => {
                let level = c.levels.last_mut().expect("level");
                for s in &mut level.sources {
                    expand(s, &mut columns, &mut proj);
                }
            }
            SelectItem::QualifiedWildcard(kind, _) => {
                let alias = match kind {
                    SelectItemQualifiedWildcardKind::ObjectName(n) => {
                        name_parts(n).pop().unwrap_or_default()
                    }
                    _ => return Err(Fail::unknown("wildcard form is not evaluated")),
                };
                let level = c.levels.last_mut().expect("level");
                let Some(s) = level.sources.iter_mut().find(|s| s.alias == alias) else {
                    return Err(Fail::pg(
                        "undefined_table",
                        format!("missing FROM-clause entry for table \"{alias}\""),
                    ));
                };
                expand(s, &mut columns, &mut proj);
            }
        }
    }
    Ok((proj, columns))
}

/// The GROUP BY keys (an output name or position stands for its select-list expression).
fn compile_group_keys(
    c: &mut Compiler<'_, '_>,
    sel: &Select,
    columns: &[String],
) -> Res<Vec<CExpr>> {
    Ok(match &sel.group_by {
        GroupByExpr::Expressions(exprs, _) => {
            let mut keys = Vec::new();
            for e in exprs {
                // GROUP BY an output name or position.
                let by_output = match e {
                    Expr::Value(v) => match &v.value {
                        Value::Number(n, _) => n.parse::<usize>().ok().map(|i| i.saturating_sub(1)),
                        _ => None,
                    },
                    Expr::Identifier(id) => {
                        let n = fold(id);
                        let is_input = c
                            .levels
                            .last()
                            .is_some_and(|l| l.sources.iter().any(|s| s.columns.contains(&n)));
                        if is_input {
                            None
                        } else {
                            columns.iter().position(|x| *x == n)
                        }
                    }
                    _ => None,
                };
                match by_output.and_then(|i| sel.projection.get(i)) {
                    Some(
                        SelectItem::UnnamedExpr(pe) | SelectItem::ExprWithAlias { expr: pe, .. },
                    ) => keys.push(c.expr(pe)?),
                    _ => keys.push(c.expr(e)?),
                }
            }
            keys
        }
        GroupByExpr::All(_) => return Err(Fail::unknown("GROUP BY ALL is not evaluated")),
    })
}

/// `*` / `alias.*`: every column of a FROM item (unmodelled catalog columns give values that
/// are not known, so reading them says so).
fn expand(s: &mut SrcCols, columns: &mut Vec<String>, proj: &mut Vec<CExpr>) {
    for (k, col) in s.columns.iter().enumerate() {
        columns.push(col.clone());
        let modelled = s.modelled.is_none_or(|m| m.contains(&col.as_str()));
        if modelled {
            if k < 64 {
                s.used |= 1 << k;
            }
            proj.push(CExpr::Col(s.offset + k));
        } else {
            proj.push(CExpr::Const(V::Opaque));
        }
    }
}
