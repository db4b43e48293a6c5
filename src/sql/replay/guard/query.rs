//! Queries compiled from sqlparser's AST: FROM items (virtual catalog tables, the user's
//! tables, `VALUES`, subqueries, `unnest`, `generate_series`) flattened into a left-deep join,
//! WHERE and ON split into conjuncts placed at the first FROM item that binds all their columns,
//! and equality conjuncts turned into lookup keys (pushed into the catalog scan when it can use
//! them, a hash join otherwise).

use sqlparser::ast::{
    Distinct, Expr, FunctionArg, FunctionArgExpr, GroupByExpr, JoinConstraint, JoinOperator,
    LimitClause, OrderByExpr, OrderByKind, Query, Select, SelectItem,
    SelectItemQualifiedWildcardKind, SetExpr, SetOperator, SetQuantifier, TableFactor, Value,
};

use super::errors::{Fail, Res};
use super::expr::{CAgg, CExpr, Cmp, Compiler, Level, SrcCols};
use super::value::V;
use super::vtab::{self, VTable};
use crate::catalog::Schema;
use crate::sql::replay::{fold, name_parts};

/// A compiled query.
#[derive(Debug)]
pub(crate) struct CQuery {
    pub body: Body,
    pub order: Vec<OrderKey>,
    pub limit: Option<CExpr>,
    pub offset: Option<CExpr>,
    pub columns: Vec<String>,
}

#[derive(Debug)]
pub(crate) enum Body {
    Select(Box<CSelect>),
    Values(Vec<Vec<CExpr>>),
    /// UNION/INTERSECT/EXCEPT, ALL?
    SetOp(SetOperator, bool, Box<CQuery>, Box<CQuery>),
}

/// An `ORDER BY` key: an output column, or an expression over the input row; descending,
/// nulls first.
#[derive(Debug)]
pub(crate) struct OrderKey {
    pub output: Option<usize>,
    pub expr: Option<CExpr>,
    pub desc: bool,
    pub nulls_first: bool,
}

/// A compiled `SELECT`.
#[derive(Debug)]
pub(crate) struct CSelect {
    pub sources: Vec<Source>,
    pub width: usize,
    /// Conjuncts evaluated before any FROM item is read (constants, variables).
    pub pre: Vec<CExpr>,
    /// Conjuncts to check once every FROM item is bound (those reading a LEFT-joined item).
    pub post: Vec<CExpr>,
    pub grouping: Option<Grouping>,
    pub proj: Vec<CExpr>,
    pub distinct: bool,
}

#[derive(Debug)]
pub(crate) struct Grouping {
    pub keys: Vec<CExpr>,
    pub aggs: Vec<CAgg>,
    pub having: Option<CExpr>,
}

/// One FROM item.
#[derive(Debug)]
pub(crate) struct Source {
    pub kind: SrcKind,
    pub offset: usize,
    pub ncols: usize,
    pub left: bool,
    /// Conjuncts checked when this item is bound (for a LEFT JOIN: its ON clause).
    pub conds: Vec<CExpr>,
    /// `column = value` keys: the value reads only earlier items, outer rows or variables.
    pub keys: Vec<(usize, CExpr)>,
    /// For each of `conds`, the key it gave (an index in `keys`), if it gave one.
    pub cond_keys: Vec<Option<usize>>,
    /// Whether the keys read earlier items and the scan cannot use them: build a hash table.
    pub hash: bool,
    pub used: u64,
}

#[derive(Debug)]
pub(crate) enum SrcKind {
    Virtual(&'static VTable),
    User {
        schema: String,
        name: String,
        columns: Vec<String>,
    },
    Sub(Box<CQuery>),
    /// `unnest(a, …)` [WITH ORDINALITY].
    Unnest(Vec<CExpr>, bool),
    /// `generate_series(start, stop [, step])`.
    Series(Vec<CExpr>),
    /// A scalar function in FROM: one row.
    One(CExpr),
}

/// Compiles a query with the compiler's levels as outer scope.
pub(crate) fn compile_query(c: &mut Compiler<'_, '_>, q: &Query) -> Res<CQuery> {
    crate::sql::replay::deep(|| compile_query_here(c, q))
}

fn compile_query_here(c: &mut Compiler<'_, '_>, q: &Query) -> Res<CQuery> {
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

fn set_direction(key: &mut OrderKey, o: &OrderByExpr) {
    key.desc = matches!(o.options.sort, Some(sqlparser::ast::OrderBySort::Desc));
    key.nulls_first = o.options.nulls_first.unwrap_or(key.desc);
}

/// An `ORDER BY` item naming an output column (by name or position).
fn output_key(e: &Expr, columns: &[String]) -> Res<Option<OrderKey>> {
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

type Compiled = (CSelect, Vec<String>, Vec<OrderKey>);

fn compile_select(c: &mut Compiler<'_, '_>, sel: &Select, order: &[&OrderByExpr]) -> Res<Compiled> {
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
    for twj in &sel.from {
        add_source(c, &twj.relation, false, &mut sources, &mut width)?;
        for j in &twj.joins {
            let (constraint, left) = match &j.join_operator {
                JoinOperator::Join(k) | JoinOperator::Inner(k) => (Some(k), false),
                JoinOperator::Left(k) | JoinOperator::LeftOuter(k) => (Some(k), true),
                JoinOperator::CrossJoin(_) => (None, false),
                _ => return Err(Fail::unknown("RIGHT/FULL joins are not evaluated")),
            };
            add_source(c, &j.relation, left, &mut sources, &mut width)?;
            let on = match constraint {
                Some(JoinConstraint::On(e)) => Some(c.expr(e)?),
                Some(JoinConstraint::Using(cols)) => {
                    let i = sources.len() - 1;
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
                                    format!(
                                    "column \"{name}\" specified in USING clause does not exist"
                                ),
                                ))
                            }
                        }
                    }
                    conj.into_iter()
                        .reduce(|a, b| CExpr::And(Box::new(a), Box::new(b)))
                }
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
                    split_and(on, &mut pool);
                }
            }
        }
    }
    if let Some(w) = &sel.selection {
        let e = c.expr(w)?;
        split_and(e, &mut pool);
    }
    // Select list, HAVING, GROUP BY.
    if let Some(level) = c.levels.last_mut() {
        level.aggs = Some(Vec::new());
    }
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
    let group_keys = match &sel.group_by {
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
    };
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

fn split_and(e: CExpr, out: &mut Vec<CExpr>) {
    match e {
        CExpr::And(l, r) => {
            split_and(*l, out);
            split_and(*r, out);
        }
        other => out.push(other),
    }
}

/// Slots of the current level an expression reads (subqueries' outer references included).
fn slots(e: &CExpr, depth: usize, out: &mut Vec<usize>) {
    use CExpr::*;
    match e {
        Col(s) if depth == 0 => out.push(*s),
        Outer(up, s) if *up == depth => out.push(*s),
        Col(_) | Outer(..) | Const(_) | Var(_) | Param(_) | Agg(_) | Unknown(_) => {}
        Field(x, _) | Not(x) | Neg(x) | IsNull(x, _) | IsBool(x, _, _) | Cast(x, _) => {
            slots(x, depth, out)
        }
        And(a, b)
        | Or(a, b)
        | Cmp(_, a, b)
        | Bin(_, a, b)
        | Distinct(a, b, _)
        | Quant(_, _, a, b)
        | Like(a, b, _, _) => {
            slots(a, depth, out);
            slots(b, depth, out);
        }
        Between(a, b, c, _) => {
            slots(a, depth, out);
            slots(b, depth, out);
            slots(c, depth, out);
        }
        InList(x, items, _) => {
            slots(x, depth, out);
            items.iter().for_each(|i| slots(i, depth, out));
        }
        Func(_, items) | Array(items) | Row(items) => {
            items.iter().for_each(|i| slots(i, depth, out))
        }
        Case(o, whens, el) => {
            if let Some(o) = o {
                slots(o, depth, out);
            }
            for (w, t) in whens {
                slots(w, depth, out);
                slots(t, depth, out);
            }
            if let Some(e) = el {
                slots(e, depth, out);
            }
        }
        Index(x, a, b) => {
            slots(x, depth, out);
            slots(a, depth, out);
            if let Some(b) = b {
                slots(b, depth, out);
            }
        }
        InQuery(x, q, _) | QuantQuery(_, _, x, q) => {
            slots(x, depth, out);
            query_slots(q, depth + 1, out);
        }
        Exists(q, _) | Scalar(q) | ArrayQuery(q) => query_slots(q, depth + 1, out),
    }
}

fn query_slots(q: &CQuery, depth: usize, out: &mut Vec<usize>) {
    match &q.body {
        Body::Select(s) => {
            for e in s.pre.iter().chain(&s.post).chain(&s.proj) {
                slots(e, depth, out);
            }
            for src in &s.sources {
                for e in &src.conds {
                    slots(e, depth, out);
                }
                for (_, e) in &src.keys {
                    slots(e, depth, out);
                }
                match &src.kind {
                    SrcKind::Sub(q) => query_slots(q, depth + 1, out),
                    SrcKind::Unnest(a, _) | SrcKind::Series(a) => {
                        a.iter().for_each(|e| slots(e, depth, out))
                    }
                    SrcKind::One(e) => slots(e, depth, out),
                    _ => {}
                }
            }
            if let Some(g) = &s.grouping {
                for e in g.keys.iter().chain(g.having.iter()) {
                    slots(e, depth, out);
                }
                for a in &g.aggs {
                    a.args.iter().for_each(|e| slots(e, depth, out));
                    if let Some(f) = &a.filter {
                        slots(f, depth, out);
                    }
                }
            }
        }
        Body::Values(rows) => rows.iter().flatten().for_each(|e| slots(e, depth, out)),
        Body::SetOp(_, _, l, r) => {
            query_slots(l, depth, out);
            query_slots(r, depth, out);
        }
    }
    if let Some(l) = &q.limit {
        slots(l, depth, out);
    }
}

fn source_of(slot: usize, sources: &[Source]) -> usize {
    sources
        .iter()
        .position(|s| slot >= s.offset && slot < s.offset + s.ncols)
        .unwrap_or(0)
}

/// Places each conjunct at the first FROM item binding all it reads, and derives lookup keys.
fn place_conjuncts(pool: Vec<CExpr>, sources: &mut [Source]) -> (Vec<CExpr>, Vec<CExpr>) {
    let mut pre = Vec::new();
    let mut post = Vec::new();
    // Keys from LEFT JOIN ON clauses.
    for i in 0..sources.len() {
        if sources[i].left {
            let conds = std::mem::take(&mut sources[i].conds);
            let mut cond_keys = Vec::with_capacity(conds.len());
            for c in &conds {
                cond_keys.push(add_key(c, i, sources));
            }
            sources[i].conds = conds;
            sources[i].cond_keys = cond_keys;
        }
    }
    for c in pool {
        let mut s = Vec::new();
        slots(&c, 0, &mut s);
        if s.is_empty() {
            pre.push(c);
            continue;
        }
        let at = s.iter().map(|x| source_of(*x, sources)).max().unwrap_or(0);
        let reads_left = s.iter().any(|x| sources[source_of(*x, sources)].left);
        if reads_left {
            post.push(c);
            continue;
        }
        let key = add_key(&c, at, sources);
        // Conditions placed before (a LEFT JOIN's ON clause) gave no key record: align.
        let n = sources[at].conds.len();
        sources[at].cond_keys.resize(n, None);
        sources[at].cond_keys.push(key);
        sources[at].conds.push(c);
    }
    for src in sources.iter_mut() {
        let reads_earlier = src.keys.iter().any(|(_, e)| {
            let mut s = Vec::new();
            slots(e, 0, &mut s);
            !s.is_empty()
        });
        let usable = match &src.kind {
            SrcKind::Virtual(vt) => src
                .keys
                .iter()
                .any(|(col, _)| vt.indexed.contains(&vt.columns[*col])),
            _ => false,
        };
        src.hash = reads_earlier && !usable;
    }
    (pre, post)
}

/// `col = expr` where `col` belongs to item `i` and `expr` reads only earlier items: the
/// index of the key added.
fn add_key(c: &CExpr, i: usize, sources: &mut [Source]) -> Option<usize> {
    let CExpr::Cmp(Cmp::Eq, l, r) = c else {
        return None;
    };
    let own = |e: &CExpr| match e {
        CExpr::Col(s) if source_of(*s, sources) == i && *s >= sources[i].offset => {
            Some(*s - sources[i].offset)
        }
        _ => None,
    };
    let earlier = |e: &CExpr| {
        let mut s = Vec::new();
        slots(e, 0, &mut s);
        s.iter().all(|x| source_of(*x, sources) < i) && !matches!(e, CExpr::Unknown(_))
    };
    let key = match (own(l), own(r)) {
        (Some(col), None) if earlier(r) => Some((col, clone_expr(r))),
        (None, Some(col)) if earlier(l) => Some((col, clone_expr(l))),
        _ => None,
    };
    if let Some((col, Some(e))) = key {
        sources[i].keys.push((col, e));
        return Some(sources[i].keys.len() - 1);
    }
    None
}

/// A copy of a simple key expression (columns, constants, variables, casts, functions).
fn clone_expr(e: &CExpr) -> Option<CExpr> {
    Some(match e {
        CExpr::Col(s) => CExpr::Col(*s),
        CExpr::Outer(u, s) => CExpr::Outer(*u, *s),
        CExpr::Const(v) => CExpr::Const(v.clone()),
        CExpr::Var(n) => CExpr::Var(n.clone()),
        CExpr::Param(p) => CExpr::Param(*p),
        CExpr::Field(b, f) => CExpr::Field(Box::new(clone_expr(b)?), f.clone()),
        CExpr::Cast(b, t) => CExpr::Cast(Box::new(clone_expr(b)?), t.clone()),
        CExpr::Func(f, args) => {
            CExpr::Func(*f, args.iter().map(clone_expr).collect::<Option<Vec<_>>>()?)
        }
        _ => return None,
    })
}

fn add_source(
    c: &mut Compiler<'_, '_>,
    tf: &TableFactor,
    left: bool,
    sources: &mut Vec<Source>,
    width: &mut usize,
) -> Res<()> {
    let (kind, alias, columns, modelled, label) = match tf {
        TableFactor::Table {
            name, alias, args, ..
        } => {
            let parts = name_parts(name);
            let table = parts.last().cloned().unwrap_or_default();
            let schema = (parts.len() > 1).then(|| parts[parts.len() - 2].clone());
            let alias_name = alias
                .as_ref()
                .map(|a| fold(&a.name))
                .unwrap_or_else(|| table.clone());
            if let Some(args) = args {
                let mut exprs = Vec::new();
                for a in &args.args {
                    match a {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => exprs.push(c.expr(e)?),
                        _ => {
                            return Err(Fail::unknown("table function arguments are not evaluated"))
                        }
                    }
                }
                let with_ord = matches!(
                    tf,
                    TableFactor::Table {
                        with_ordinality: true,
                        ..
                    }
                );
                let col_alias: Vec<String> = alias
                    .as_ref()
                    .map(|a| a.columns.iter().map(|c| fold(&c.name)).collect())
                    .unwrap_or_default();
                let (kind, mut cols) = match table.as_str() {
                    "unnest" => {
                        let n = exprs.len();
                        let mut cols: Vec<String> = if n == 1 {
                            vec![alias_name.clone()]
                        } else {
                            (0..n).map(|_| "unnest".to_string()).collect()
                        };
                        if with_ord {
                            cols.push("ordinality".into());
                        }
                        (SrcKind::Unnest(exprs, with_ord), cols)
                    }
                    "generate_series" => (SrcKind::Series(exprs), vec![alias_name.clone()]),
                    other => match c.call(other, exprs)? {
                        e @ CExpr::Func(..) => (SrcKind::One(e), vec![alias_name.clone()]),
                        _ => {
                            return Err(Fail::unknown(format!(
                                "function {other}() in FROM is not evaluated"
                            )))
                        }
                    },
                };
                for (i, a) in col_alias.into_iter().enumerate() {
                    if i < cols.len() {
                        cols[i] = a;
                    }
                }
                (kind, alias_name, cols, None, table)
            } else {
                let (kind, cols, modelled, label) = relation(c, schema.as_deref(), &table)?;
                let mut cols = cols;
                if let Some(a) = alias {
                    for (i, ac) in a.columns.iter().enumerate() {
                        if i < cols.len() {
                            cols[i] = fold(&ac.name);
                        }
                    }
                }
                (kind, alias_name, cols, modelled, label)
            }
        }
        TableFactor::Derived {
            subquery, alias, ..
        } => {
            let q = c.subquery(subquery)?;
            let mut cols = q.columns.clone();
            let alias_name = alias.as_ref().map(|a| fold(&a.name)).unwrap_or_default();
            if let Some(a) = alias {
                for (i, ac) in a.columns.iter().enumerate() {
                    if i < cols.len() {
                        cols[i] = fold(&ac.name);
                    }
                }
            }
            (
                SrcKind::Sub(Box::new(q)),
                alias_name,
                cols,
                None,
                "subquery".to_string(),
            )
        }
        TableFactor::UNNEST {
            alias,
            array_exprs,
            with_ordinality,
            ..
        } => {
            let exprs = array_exprs
                .iter()
                .map(|e| c.expr(e))
                .collect::<Res<Vec<_>>>()?;
            let alias_name = alias
                .as_ref()
                .map(|a| fold(&a.name))
                .unwrap_or_else(|| "unnest".into());
            let mut cols: Vec<String> = vec![alias_name.clone(); exprs.len()];
            if *with_ordinality {
                cols.push("ordinality".into());
            }
            if let Some(a) = alias {
                for (i, ac) in a.columns.iter().enumerate() {
                    if i < cols.len() {
                        cols[i] = fold(&ac.name);
                    }
                }
            }
            (
                SrcKind::Unnest(exprs, *with_ordinality),
                alias_name,
                cols,
                None,
                "unnest".into(),
            )
        }
        TableFactor::NestedJoin { .. } => {
            return Err(Fail::unknown("parenthesized joins are not evaluated"))
        }
        other => {
            return Err(Fail::unknown(format!(
                "FROM item `{other}` is not evaluated"
            )))
        }
    };
    let ncols = columns.len();
    let level = c.levels.last_mut().expect("level");
    level.sources.push(SrcCols {
        alias,
        columns,
        offset: *width,
        modelled,
        label,
        used: 0,
    });
    sources.push(Source {
        kind,
        offset: *width,
        ncols,
        left,
        conds: Vec::new(),
        keys: Vec::new(),
        cond_keys: Vec::new(),
        hash: false,
        used: 0,
    });
    *width += ncols;
    Ok(())
}

/// A relation's source, column names, the catalog columns it models (for messages) and its
/// label.
type Relation = (
    SrcKind,
    Vec<String>,
    Option<&'static [&'static str]>,
    String,
);

/// A named relation in FROM: a catalog table or view, or one of the user's tables. An
/// unqualified name is looked up as PostgreSQL does: along the search path, with `pg_catalog`
/// first unless the path names it (then in its place), so "not modelled" is said only of the
/// catalog relation PostgreSQL would read, never of the user's table of the same name.
fn relation(c: &Compiler<'_, '_>, schema: Option<&str>, table: &str) -> Res<Relation> {
    let catalog = |cs: &'static str| -> Option<Res<Relation>> {
        match vtab::find(cs, table) {
            Some(vt) => {
                let cols = vt.columns.iter().map(|s| s.to_string()).collect();
                Some(Ok((
                    SrcKind::Virtual(vt),
                    cols,
                    Some(vt.modelled),
                    format!("{cs}.{table}"),
                )))
            }
            None if vtab::exists_in_postgres(cs, table) => Some(Err(Fail::unknown(format!(
                "the catalog relation {cs}.{table} is not modelled (schemagen answers only the \
                 catalog relations it models, so this is not evaluated offline)"
            )))),
            None => None,
        }
    };
    let r = c.cx.r;
    let has = |s: &Schema| s.tables.contains_key(table) || s.views.contains_key(table);
    let found = match schema {
        Some(cs @ ("pg_catalog" | "information_schema")) => {
            let cs: &'static str = if cs == "pg_catalog" {
                "pg_catalog"
            } else {
                "information_schema"
            };
            if let Some(rel) = catalog(cs) {
                return rel;
            }
            None
        }
        Some(_) => r.find_in_path(schema, &has),
        None => {
            let path = r.effective_search_path();
            let mut order: Vec<&str> = path.iter().map(String::as_str).collect();
            if !order.contains(&"pg_catalog") {
                order.insert(0, "pg_catalog");
            }
            let mut hit = None;
            for s in order {
                match s {
                    "pg_catalog" | "information_schema" => {
                        let cs = if s == "pg_catalog" {
                            "pg_catalog"
                        } else {
                            "information_schema"
                        };
                        if let Some(rel) = catalog(cs) {
                            return rel;
                        }
                    }
                    _ if r.catalog().schemas.get(s).is_some_and(&has) => {
                        hit = Some(s.to_string());
                        break;
                    }
                    _ => {}
                }
            }
            hit
        }
    };
    let Some(s) = found else {
        let shown = match schema {
            Some(s) => format!("{s}.{table}"),
            None => table.to_string(),
        };
        return Err(Fail::pg(
            "undefined_table",
            format!("relation \"{shown}\" does not exist"),
        ));
    };
    let sc = &r.catalog().schemas[&s];
    let columns: Vec<String> = match sc.tables.get(table) {
        Some(t) => t.columns.iter().map(|c| c.name.clone()).collect(),
        None => sc.views[table]
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect(),
    };
    Ok((
        SrcKind::User {
            schema: s.clone(),
            name: table.to_string(),
            columns: columns.clone(),
        },
        columns,
        None,
        format!("{s}.{table}"),
    ))
}
