//! Sub-selects inside expressions (`EXISTS (…)`, `x IN (SELECT …)`, `(SELECT …)`,
//! `ARRAY(SELECT …)`): analysed (`transformSelectStmt`, simplified) and printed as
//! `get_query_def` prints them, with pretty indentation. Queries outside the modelled subset
//! (set operations, CTEs, sub-selects or functions in FROM) are printed as sqlparser prints
//! them.

use sqlparser::ast::{
    Distinct, Expr, GroupByExpr, JoinConstraint, JoinOperator, LimitClause, OrderByKind,
    Query as SqlQuery, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableFactor,
    TableWithJoins,
};

use super::analyze::{Analyzer, Rte};
use super::node::{Node, SubLink, SubLinkKind};
use super::typesys::Ty;

/// An analysed sub-select.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    /// `DISTINCT` (empty list) or `DISTINCT ON (…)`.
    pub distinct: Option<Vec<Node>>,
    /// Output columns: expression and result name.
    pub targets: Vec<(Node, Option<String>)>,
    /// FROM items.
    pub from: Vec<FromItem>,
    /// WHERE.
    pub filter: Option<Node>,
    /// GROUP BY.
    pub group_by: Vec<Node>,
    /// HAVING.
    pub having: Option<Node>,
    /// ORDER BY: expression, DESC, NULLS FIRST.
    pub order_by: Vec<(Node, bool, bool)>,
    /// LIMIT.
    pub limit: Option<Node>,
    /// OFFSET.
    pub offset: Option<Node>,
    /// `UNION` / `INTERSECT` / `EXCEPT` of two queries (the other fields are then empty).
    pub set_op: Option<Box<SetOp>>,
    /// Text printed instead, for queries outside the modelled subset.
    pub raw: Option<String>,
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
        /// USING columns.
        using: Vec<String>,
    },
}

struct Unsupported;

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
            Err(Unsupported) => Query {
                raw: Some(q.to_string()),
                ..Default::default()
            },
        };
        // Sibling sub-selects do not see each other's range-table names.
        self.used_names.truncate(saved_names);
        let first_ty = query
            .targets
            .first()
            .map(|(n, _)| n.ty())
            .unwrap_or_else(Ty::opaque);
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

    fn query(&mut self, q: &SqlQuery) -> Result<Query, Unsupported> {
        if q.with.is_some() || q.fetch.is_some() || !q.locks.is_empty() {
            return Err(Unsupported);
        }
        match q.body.as_ref() {
            SetExpr::Select(sel) => {
                self.scopes.push(Vec::new());
                let result = self.select(sel, Some(q));
                self.scopes.pop();
                result
            }
            body @ SetExpr::SetOperation { .. } => {
                if q.order_by.is_some() || q.limit_clause.is_some() {
                    return Err(Unsupported);
                }
                self.set_expr(body)
            }
            _ => Err(Unsupported),
        }
    }

    /// One input of a set operation, analysed as its own query level.
    fn set_expr(&mut self, body: &SetExpr) -> Result<Query, Unsupported> {
        match body {
            SetExpr::Select(sel) => {
                let saved = self.used_names.len();
                self.scopes.push(Vec::new());
                let result = self.select(sel, None);
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
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                use sqlparser::ast::{SetOperator, SetQuantifier};
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
                let targets = left.targets.clone();
                Ok(Query {
                    targets,
                    set_op: Some(Box::new(SetOp {
                        op,
                        all,
                        left,
                        right,
                    })),
                    ..Default::default()
                })
            }
            _ => Err(Unsupported),
        }
    }

    fn select(&mut self, sel: &Select, q: Option<&SqlQuery>) -> Result<Query, Unsupported> {
        let mut out = Query::default();
        let mut from = Vec::new();
        for twj in &sel.from {
            from.push(self.range_item(twj)?);
        }
        out.from = from;
        for item in &sel.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let n = self.expr(e);
                    out.targets.push((n, figure_colname(e)));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let n = self.expr(expr);
                    out.targets.push((n, Some(self.ident(alias))));
                }
                SelectItem::Wildcard(_) => {
                    if has_using(&out.from) {
                        return Err(Unsupported);
                    }
                    for rte in self.scopes.last().cloned().unwrap_or_default() {
                        out.targets.extend(expand_star(&rte)?);
                    }
                }
                SelectItem::QualifiedWildcard(
                    SelectItemQualifiedWildcardKind::ObjectName(n),
                    _,
                ) => {
                    let q = self.name_parts(n).pop().unwrap_or_default();
                    let rte = self
                        .scopes
                        .last()
                        .and_then(|s| s.iter().find(|r| r.lookup == q))
                        .cloned()
                        .ok_or(Unsupported)?;
                    out.targets.extend(expand_star(&rte)?);
                }
                _ => return Err(Unsupported),
            }
        }
        out.distinct = match &sel.distinct {
            None | Some(Distinct::All) => None,
            Some(Distinct::Distinct) => Some(Vec::new()),
            Some(Distinct::On(exprs)) => Some(exprs.iter().map(|e| self.expr(e)).collect()),
        };
        if let Some(w) = &sel.selection {
            out.filter = Some(self.boolean(w));
        }
        match &sel.group_by {
            GroupByExpr::Expressions(exprs, mods) if mods.is_empty() => {
                for e in exprs {
                    let n = self.target_ref(e, &out.targets);
                    out.group_by.push(n);
                }
            }
            _ => return Err(Unsupported),
        }
        if let Some(h) = &sel.having {
            out.having = Some(self.boolean(h));
        }
        if let Some(ob) = q.and_then(|q| q.order_by.as_ref()) {
            let OrderByKind::Expressions(items) = &ob.kind else {
                return Err(Unsupported);
            };
            for it in items {
                let n = self.target_ref(&it.expr, &out.targets);
                let desc = matches!(it.options.sort, Some(sqlparser::ast::OrderBySort::Desc));
                let nulls_first = it.options.nulls_first.unwrap_or(desc);
                out.order_by.push((n, desc, nulls_first));
            }
        }
        match q.and_then(|q| q.limit_clause.as_ref()) {
            None => {}
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
            }
            _ => return Err(Unsupported),
        }
        Ok(out)
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

    fn range_item(&mut self, twj: &TableWithJoins) -> Result<FromItem, Unsupported> {
        let mut item = self.table_factor(&twj.relation)?;
        for j in &twj.joins {
            let right = self.table_factor(&j.relation)?;
            let (kind, constraint) = match &j.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) => (" JOIN ", Some(c)),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (" LEFT JOIN ", Some(c)),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (" RIGHT JOIN ", Some(c)),
                JoinOperator::FullOuter(c) => (" FULL JOIN ", Some(c)),
                JoinOperator::CrossJoin(_) => (" CROSS JOIN ", None),
                _ => return Err(Unsupported),
            };
            let mut on = None;
            let mut using = Vec::new();
            match constraint {
                Some(JoinConstraint::On(e)) => on = Some(Box::new(self.boolean(e))),
                Some(JoinConstraint::Using(cols)) => {
                    for c in cols {
                        using.push(self.name_parts(c).pop().unwrap_or_default());
                    }
                }
                Some(JoinConstraint::None) | None => {}
                Some(JoinConstraint::Natural | JoinConstraint::UsingAlias(..)) => {
                    return Err(Unsupported)
                }
            }
            let kind = if kind == " JOIN " && on.is_none() && using.is_empty() {
                " CROSS JOIN "
            } else {
                kind
            };
            item = FromItem::Join {
                kind,
                left: Box::new(item),
                right: Box::new(right),
                on,
                using,
            };
        }
        Ok(item)
    }

    fn table_factor(&mut self, tf: &TableFactor) -> Result<FromItem, Unsupported> {
        if let TableFactor::NestedJoin {
            table_with_joins,
            alias: None,
        } = tf
        {
            return self.range_item(table_with_joins);
        }
        let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = tf
        else {
            return Err(Unsupported);
        };
        let parts = self.name_parts(name);
        let (schema, relname) = self
            .ctx
            .resolve_relation(&parts)
            .unwrap_or_else(|| ("public".into(), parts.last().cloned().unwrap_or_default()));
        let alias_name = alias.as_ref().map(|a| self.ident(&a.name));
        let wanted = alias_name.clone().unwrap_or_else(|| relname.clone());
        let refname = self.unique_name(&wanted);
        let mut columns: Vec<(String, Ty, Vec<i64>)> = Vec::new();
        let mut known = false;
        if let Some(s) = self.ctx.catalog.schemas.get(&schema) {
            let cols = s
                .tables
                .get(&relname)
                .map(|t| &t.columns)
                .or_else(|| s.views.get(&relname).map(|v| &v.columns));
            if let Some(cols) = cols {
                known = true;
                columns = cols
                    .iter()
                    .map(|c| (c.name.clone(), Ty::from_sql(&c.ty), c.ty.modifiers.clone()))
                    .collect();
            }
        }
        if let Some(a) = alias {
            for (i, c) in a.columns.iter().enumerate() {
                if let Some(col) = columns.get_mut(i) {
                    col.0 = self.ident(&c.name);
                }
            }
        }
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Rte {
                refname: refname.clone(),
                lookup: wanted,
                columns,
                known,
            });
        }
        Ok(FromItem::Rel {
            schema,
            name: relname,
            refname,
            aliased: alias.is_some(),
        })
    }

    /// `set_rtable_names`: a name not used by any enclosing or earlier range-table entry.
    fn unique_name(&mut self, wanted: &str) -> String {
        if !self.used_names.iter().any(|n| n == wanted) {
            self.used_names.push(wanted.to_string());
            return wanted.to_string();
        }
        let mut i = 1;
        loop {
            let candidate = format!("{wanted}_{i}");
            if !self.used_names.contains(&candidate) {
                self.used_names.push(candidate.clone());
                return candidate;
            }
            i += 1;
        }
    }
}

/// `rte.*`: one output column per column of the range-table entry.
fn expand_star(rte: &Rte) -> Result<Vec<(Node, Option<String>)>, Unsupported> {
    if !rte.known {
        return Err(Unsupported);
    }
    Ok(rte
        .columns
        .iter()
        .map(|(name, ty, typmod)| {
            let var = Node::Var {
                name: name.clone(),
                rel: rte.refname.clone(),
                ty: ty.clone(),
                typmod: typmod.clone(),
            };
            (var, Some(name.clone()))
        })
        .collect())
}

/// Whether a FROM list has a `JOIN … USING` (whose merged columns `*` would show once).
fn has_using(items: &[FromItem]) -> bool {
    items.iter().any(|i| match i {
        FromItem::Rel { .. } => false,
        FromItem::Join {
            left, right, using, ..
        } => {
            !using.is_empty()
                || has_using(std::slice::from_ref(left))
                || has_using(std::slice::from_ref(right))
        }
    })
}

/// `FigureColname`: the result name Postgres gives an unnamed output column.
fn figure_colname(e: &Expr) -> Option<String> {
    let fold = |id: &sqlparser::ast::Ident| {
        if id.quote_style.is_some() {
            id.value.clone()
        } else {
            id.value.to_lowercase()
        }
    };
    match e {
        Expr::Identifier(id) => Some(fold(id)),
        Expr::CompoundIdentifier(ids) => ids.last().map(fold),
        Expr::Nested(x) => figure_colname(x),
        Expr::Function(f) => {
            let last = f.name.0.last()?.as_ident()?;
            Some(fold(last))
        }
        Expr::Cast {
            expr, data_type, ..
        } => figure_colname(expr).or_else(|| Some(cast_type_name(data_type))),
        Expr::Case { .. } => Some("case".into()),
        Expr::Array(_) => Some("array".into()),
        Expr::Exists { .. } => Some("exists".into()),
        Expr::Subquery(q) => match q.body.as_ref() {
            SetExpr::Select(s) => match s.projection.first() {
                Some(SelectItem::UnnamedExpr(x)) => figure_colname(x),
                Some(SelectItem::ExprWithAlias { alias, .. }) => Some(fold(alias)),
                _ => None,
            },
            _ => None,
        },
        Expr::Extract { .. } => Some("extract".into()),
        Expr::Position { .. } => Some("position".into()),
        Expr::Substring { shorthand, .. } => {
            Some(if *shorthand { "substr" } else { "substring" }.into())
        }
        Expr::Trim { .. } => Some("btrim".into()),
        Expr::Tuple(_) => Some("row".into()),
        _ => None,
    }
}

/// The type name `FigureColname` uses for a cast (the last name of the written type).
fn cast_type_name(dt: &sqlparser::ast::DataType) -> String {
    use sqlparser::ast::DataType as D;
    match dt {
        D::Int(_) | D::Integer(_) | D::Int4(_) => "int4".into(),
        D::BigInt(_) | D::Int8(_) => "int8".into(),
        D::SmallInt(_) | D::Int2(_) => "int2".into(),
        D::Text => "text".into(),
        D::Uuid => "uuid".into(),
        D::Varchar(_) | D::CharacterVarying(_) | D::CharVarying(_) => "varchar".into(),
        D::Char(_) | D::Character(_) => "bpchar".into(),
        D::Bool | D::Boolean => "bool".into(),
        D::Real | D::Float4 => "float4".into(),
        D::DoublePrecision | D::Float8 => "float8".into(),
        D::Numeric(_) | D::Decimal(_) | D::Dec(_) => "numeric".into(),
        D::Timestamp(_, tz) => match tz {
            sqlparser::ast::TimezoneInfo::WithTimeZone | sqlparser::ast::TimezoneInfo::Tz => {
                "timestamptz".into()
            }
            _ => "timestamp".into(),
        },
        D::JSONB => "jsonb".into(),
        D::JSON => "json".into(),
        D::Date => "date".into(),
        D::Array(_) => "array".into(),
        D::Custom(name, _) => name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| {
                if i.quote_style.is_some() {
                    i.value.clone()
                } else {
                    i.value.to_lowercase()
                }
            })
            .unwrap_or_default(),
        other => other.to_string().to_lowercase(),
    }
}
