//! Evaluating the guard conditions of `DO` blocks against the catalog.
//!
//! Migrations guard DDL with conditions such as
//! `IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND
//! column_name = 'c') THEN …`. This module evaluates such conditions: a small query evaluator
//! over virtual `information_schema` and `pg_catalog` tables built from the catalog. Object ids
//! are modelled as text (`rel:public.t`, `type:public.e`, `ns:public`) so joins and `::regclass`
//! casts compare naturally. Anything outside that subset evaluates to [`Eval::Unknown`].

use sqlparser::ast::{
    BinaryOperator, CastKind, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments,
    InTarget, JoinConstraint, JoinOperator, Query, Select, SelectItem, SetExpr, TableFactor,
    UnaryOperator, Value,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::TokenWithSpan;

use crate::catalog::Catalog;
use crate::sql::replay::{name_parts, Replayer};

/// Result of evaluating a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Eval {
    True,
    False,
    /// Could not be evaluated; the message says why.
    Unknown(String),
}

/// A value during evaluation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
}

impl V {
    fn text(&self) -> Option<String> {
        match self {
            V::Null => None,
            V::Bool(b) => Some(if *b { "true".into() } else { "false".into() }),
            V::Int(i) => Some(i.to_string()),
            V::Str(s) => Some(s.clone()),
        }
    }
}

/// A constraint row: name, type, own columns, (target schema, table, columns).
type ConRow<'a> = (&'a str, &'a str, Vec<String>, (String, String, Vec<String>));

/// One row: `(relation alias, column, value)`.
type Row = Env;

type Res<T> = Result<T, String>;

/// Variables in scope: `(record, field, value)` triples (`FOR rec IN SELECT …` binds them).
pub(crate) type Env = Vec<(String, String, V)>;

fn parse_expr(tokens: &[TokenWithSpan]) -> Result<Expr, String> {
    let dialect = PostgreSqlDialect {};
    let mut p = Parser::new(&dialect).with_tokens_with_locations(tokens.to_vec());
    p.parse_expr().map_err(|e| format!("cannot parse: {e}"))
}

/// Evaluates a condition given as tokens (the text between `IF` and `THEN`).
pub(crate) fn eval_condition(r: &Replayer, tokens: &[TokenWithSpan], env: &Env) -> Eval {
    let expr = match parse_expr(tokens) {
        Ok(e) => e,
        Err(m) => return Eval::Unknown(m),
    };
    let ev = Evaluator { r };
    match ev.eval(&expr, env) {
        Ok(V::Bool(true)) => Eval::True,
        Ok(V::Bool(false)) | Ok(V::Null) => Eval::False,
        Ok(other) => Eval::Unknown(format!("not a boolean: {other:?}")),
        Err(m) => Eval::Unknown(m),
    }
}

/// Evaluates a text expression (the argument of a dynamic `EXECUTE`).
pub(crate) fn eval_text(
    r: &Replayer,
    tokens: &[TokenWithSpan],
    env: &Env,
) -> Result<String, String> {
    let expr = parse_expr(tokens)?;
    match (Evaluator { r }).eval(&expr, env)? {
        V::Null => Err("EXECUTE of NULL".into()),
        v => Ok(v.text().unwrap_or_default()),
    }
}

/// Runs a query (the `SELECT` of `FOR rec IN SELECT …`) and returns its rows as
/// `(column, value)` lists, named as Postgres names result columns.
pub(crate) fn query_rows(
    r: &Replayer,
    tokens: &[TokenWithSpan],
    env: &Env,
) -> Result<Vec<Vec<(String, V)>>, String> {
    let dialect = PostgreSqlDialect {};
    let mut p = Parser::new(&dialect).with_tokens_with_locations(tokens.to_vec());
    let q = p.parse_query().map_err(|e| format!("cannot parse: {e}"))?;
    let ev = Evaluator { r };
    let sel = select_of(&q)?;
    let rows = ev.rows(&q, env)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut full = env.clone();
        full.extend(row.iter().cloned());
        let mut projected = Vec::new();
        for item in &sel.projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let name = match e {
                        Expr::Identifier(id) => id.value.to_ascii_lowercase(),
                        Expr::CompoundIdentifier(ids) => ids
                            .last()
                            .map(|i| i.value.to_ascii_lowercase())
                            .unwrap_or_default(),
                        _ => "?column?".to_string(),
                    };
                    projected.push((name, ev.eval(e, &full)?));
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    projected.push((alias.value.to_ascii_lowercase(), ev.eval(expr, &full)?));
                }
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    projected.extend(row.iter().map(|(_, c, v)| (c.clone(), v.clone())));
                }
                _ => return Err("select list item is not evaluated".into()),
            }
        }
        out.push(projected);
    }
    Ok(out)
}

struct Evaluator<'a> {
    r: &'a Replayer,
}

impl Evaluator<'_> {
    fn catalog(&self) -> &Catalog {
        self.r.catalog()
    }

    fn eval(&self, e: &Expr, row: &Row) -> Res<V> {
        Ok(match e {
            Expr::Nested(e) => self.eval(e, row)?,
            Expr::Value(v) => match &v.value {
                Value::Null => V::Null,
                Value::Boolean(b) => V::Bool(*b),
                Value::Number(n, _) => n.parse().map(V::Int).unwrap_or(V::Str(n.clone())),
                Value::SingleQuotedString(s)
                | Value::EscapedStringLiteral(s)
                | Value::DoubleQuotedString(s) => V::Str(s.clone()),
                other => return Err(format!("literal {other}")),
            },
            Expr::Identifier(id) => self.column(row, None, &id.value.to_ascii_lowercase())?,
            Expr::CompoundIdentifier(ids) => {
                let col = ids
                    .last()
                    .map(|i| i.value.to_ascii_lowercase())
                    .unwrap_or_default();
                let rel = ids
                    .get(ids.len().saturating_sub(2))
                    .map(|i| i.value.to_ascii_lowercase());
                self.column(row, rel.as_deref(), &col)?
            }
            Expr::Exists { subquery, negated } => {
                let n = self.rows(subquery, row)?.len();
                V::Bool((n > 0) != *negated)
            }
            Expr::Subquery(q) => self.scalar(q, row)?,
            Expr::UnaryOp {
                op: UnaryOperator::Not,
                expr,
            } => match self.eval(expr, row)? {
                V::Bool(b) => V::Bool(!b),
                V::Null => V::Null,
                other => return Err(format!("NOT of {other:?}")),
            },
            Expr::IsNull(e) => V::Bool(self.eval(e, row)? == V::Null),
            Expr::IsNotNull(e) => V::Bool(self.eval(e, row)? != V::Null),
            Expr::IsTrue(e) => V::Bool(self.eval(e, row)? == V::Bool(true)),
            Expr::IsFalse(e) => V::Bool(self.eval(e, row)? == V::Bool(false)),
            Expr::In {
                expr,
                target,
                negated,
                ..
            } => {
                let v = self.eval(expr, row)?;
                let found = match target {
                    InTarget::List(list) => {
                        let mut found = false;
                        for x in list {
                            if self.eval(x, row)? == v {
                                found = true;
                            }
                        }
                        found
                    }
                    InTarget::Subquery(q) => self.column_values(q, row)?.contains(&v),
                    _ => return Err("IN form is not evaluated".into()),
                };
                V::Bool(found != *negated)
            }
            Expr::Like {
                negated,
                expr,
                pattern,
                ..
            }
            | Expr::ILike {
                negated,
                expr,
                pattern,
                ..
            } => {
                let ci = matches!(e, Expr::ILike { .. });
                let (Some(s), Some(p)) = (
                    self.eval(expr, row)?.text(),
                    self.eval(pattern, row)?.text(),
                ) else {
                    return Ok(V::Null);
                };
                let (s, p) = if ci {
                    (s.to_lowercase(), p.to_lowercase())
                } else {
                    (s, p)
                };
                V::Bool(like(&s, &p) != *negated)
            }
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right, row)?,
            Expr::Cast {
                expr,
                data_type,
                kind: CastKind::DoubleColon | CastKind::Cast,
                ..
            } => self.cast(self.eval(expr, row)?, data_type)?,
            Expr::Function(f) => self.function(f, row)?,
            other => return Err(format!("expression `{other}` is not evaluated")),
        })
    }

    fn binary(&self, left: &Expr, op: &BinaryOperator, right: &Expr, row: &Row) -> Res<V> {
        match op {
            BinaryOperator::And => {
                let l = self.eval(left, row)?;
                if l == V::Bool(false) {
                    return Ok(V::Bool(false));
                }
                let r = self.eval(right, row)?;
                Ok(match (l, r) {
                    (V::Bool(a), V::Bool(b)) => V::Bool(a && b),
                    (_, V::Bool(false)) => V::Bool(false),
                    _ => V::Null,
                })
            }
            BinaryOperator::Or => {
                let l = self.eval(left, row)?;
                if l == V::Bool(true) {
                    return Ok(V::Bool(true));
                }
                let r = self.eval(right, row)?;
                Ok(match (l, r) {
                    (V::Bool(a), V::Bool(b)) => V::Bool(a || b),
                    (_, V::Bool(true)) => V::Bool(true),
                    _ => V::Null,
                })
            }
            BinaryOperator::StringConcat => {
                let l = self.eval(left, row)?;
                let r = self.eval(right, row)?;
                Ok(match (l.text(), r.text()) {
                    (Some(a), Some(b)) => V::Str(a + &b),
                    _ => V::Null,
                })
            }
            _ => {
                let l = self.eval(left, row)?;
                let r = self.eval(right, row)?;
                if l == V::Null || r == V::Null {
                    return Ok(V::Null);
                }
                let ord = match (&l, &r) {
                    (V::Int(a), V::Int(b)) => a.cmp(b),
                    _ => l.text().cmp(&r.text()),
                };
                Ok(V::Bool(match op {
                    BinaryOperator::Eq => ord.is_eq(),
                    BinaryOperator::NotEq => !ord.is_eq(),
                    BinaryOperator::Lt => ord.is_lt(),
                    BinaryOperator::LtEq => ord.is_le(),
                    BinaryOperator::Gt => ord.is_gt(),
                    BinaryOperator::GtEq => ord.is_ge(),
                    other => return Err(format!("operator {other} is not evaluated")),
                }))
            }
        }
    }

    fn cast(&self, v: V, dt: &DataType) -> Res<V> {
        let t = dt.to_string().to_ascii_lowercase();
        let Some(s) = v.text() else {
            return Ok(V::Null);
        };
        Ok(match t.as_str() {
            "regclass" => match self.regclass(&s) {
                Some(oid) => V::Str(oid),
                None => return Err(format!("relation \"{s}\" does not exist")),
            },
            "regtype" => match self.regtype(&s) {
                Some(oid) => V::Str(oid),
                None => return Err(format!("type \"{s}\" does not exist")),
            },
            "regnamespace" => V::Str(format!("ns:{}", fold_text(&s))),
            "int" | "integer" | "bigint" | "int4" | "int8" => {
                V::Int(s.parse().map_err(|_| format!("not an integer: {s}"))?)
            }
            _ => V::Str(s),
        })
    }

    fn function(&self, f: &sqlparser::ast::Function, row: &Row) -> Res<V> {
        let name = name_parts(&f.name).pop().unwrap_or_default();
        let args: Vec<&Expr> = match &f.args {
            FunctionArguments::List(l) => l
                .args
                .iter()
                .filter_map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                    _ => None,
                })
                .collect(),
            FunctionArguments::None => Vec::new(),
            FunctionArguments::Subquery(_) => return Err("function over a subquery".into()),
        };
        let arg = |i: usize| -> Res<V> {
            match args.get(i) {
                Some(e) => self.eval(e, row),
                None => Err(format!("{name}() needs an argument")),
            }
        };
        Ok(match name.as_str() {
            "to_regclass" => match arg(0)?.text() {
                Some(s) => self.regclass(&s).map(V::Str).unwrap_or(V::Null),
                None => V::Null,
            },
            "to_regtype" => match arg(0)?.text() {
                Some(s) => self.regtype(&s).map(V::Str).unwrap_or(V::Null),
                None => V::Null,
            },
            "to_regnamespace" => match arg(0)?.text() {
                Some(s) if self.catalog().schemas.contains_key(&fold_text(&s)) => {
                    V::Str(format!("ns:{}", fold_text(&s)))
                }
                _ => V::Null,
            },
            "lower" => arg(0)?
                .text()
                .map(|s| V::Str(s.to_lowercase()))
                .unwrap_or(V::Null),
            "upper" => arg(0)?
                .text()
                .map(|s| V::Str(s.to_uppercase()))
                .unwrap_or(V::Null),
            "current_schema" => V::Str(
                self.r
                    .effective_path()
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "public".into()),
            ),
            "quote_ident" => arg(0)?
                .text()
                .map(|s| V::Str(crate::sql::quote_ident(&s)))
                .unwrap_or(V::Null),
            "quote_literal" => arg(0)?
                .text()
                .map(|s| V::Str(crate::sql::quote_literal(&s)))
                .unwrap_or(V::Null),
            "concat" => {
                let mut out = String::new();
                for i in 0..args.len() {
                    out.push_str(&arg(i)?.text().unwrap_or_default());
                }
                V::Str(out)
            }
            "format" => {
                let fmt = arg(0)?.text().unwrap_or_default();
                let mut vals = Vec::new();
                for i in 1..args.len() {
                    vals.push(arg(i)?);
                }
                V::Str(format_sql(&fmt, &vals)?)
            }
            "coalesce" => {
                for i in 0..args.len() {
                    let v = arg(i)?;
                    if v != V::Null {
                        return Ok(v);
                    }
                }
                V::Null
            }
            other => return Err(format!("function {other}() is not evaluated")),
        })
    }

    /// `'schema.name'` or `'name'` → `rel:schema.name`, resolved like `::regclass`.
    fn regclass(&self, text: &str) -> Option<String> {
        let (schema, name) = split_text_name(text);
        let s = self
            .r
            .find_in_path(schema.as_deref(), &|s| s.has_relation(&name))?;
        Some(format!("rel:{s}.{name}"))
    }

    fn regtype(&self, text: &str) -> Option<String> {
        let (schema, name) = split_text_name(text);
        let s = self
            .r
            .find_in_path(schema.as_deref(), &|s| s.has_type(&name))?;
        Some(format!("type:{s}.{name}"))
    }

    fn column(&self, row: &Row, rel: Option<&str>, col: &str) -> Res<V> {
        row.iter()
            .rev()
            .find(|(r, c, _)| c == col && rel.is_none_or(|x| x == r))
            .map(|(_, _, v)| v.clone())
            .ok_or_else(|| format!("column {col} is not known"))
    }

    fn scalar(&self, q: &Query, outer: &Row) -> Res<V> {
        let sel = select_of(q)?;
        let rows = self.rows(q, outer)?;
        match sel.projection.first() {
            Some(
                SelectItem::UnnamedExpr(Expr::Function(f))
                | SelectItem::ExprWithAlias {
                    expr: Expr::Function(f),
                    ..
                },
            ) if name_parts(&f.name).pop().as_deref() == Some("count") => {
                Ok(V::Int(rows.len() as i64))
            }
            Some(SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) => {
                match rows.first() {
                    Some(r) => {
                        let mut full = outer.clone();
                        full.extend(r.iter().cloned());
                        self.eval(e, &full)
                    }
                    None => Ok(V::Null),
                }
            }
            _ => Err("scalar subquery shape".into()),
        }
    }

    fn column_values(&self, q: &Query, outer: &Row) -> Res<Vec<V>> {
        let sel = select_of(q)?;
        let rows = self.rows(q, outer)?;
        let Some(SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }) =
            sel.projection.first()
        else {
            return Err("IN subquery shape".into());
        };
        rows.iter()
            .map(|r| {
                let mut full = outer.clone();
                full.extend(r.iter().cloned());
                self.eval(e, &full)
            })
            .collect()
    }

    /// The rows a SELECT produces (before projection), each carrying the outer row's values.
    fn rows(&self, q: &Query, outer: &Row) -> Res<Vec<Row>> {
        let sel = select_of(q)?;
        let mut filters = Vec::new();
        if let Some(w) = &sel.selection {
            equality_filters(w, &mut filters);
        }
        let filters = &filters;
        let mut rows: Vec<Row> = vec![Vec::new()];
        for twj in &sel.from {
            rows = self.join(rows, &twj.relation, None, outer, filters)?;
            for j in &twj.joins {
                let on = match &j.join_operator {
                    JoinOperator::Join(c)
                    | JoinOperator::Inner(c)
                    | JoinOperator::LeftOuter(c)
                    | JoinOperator::Left(c) => match c {
                        JoinConstraint::On(e) => Some(e),
                        JoinConstraint::None => None,
                        _ => return Err("JOIN … USING is not evaluated".into()),
                    },
                    JoinOperator::CrossJoin(_) => None,
                    _ => return Err("join kind is not evaluated".into()),
                };
                let left_outer = matches!(
                    j.join_operator,
                    JoinOperator::LeftOuter(_) | JoinOperator::Left(_)
                );
                if left_outer {
                    return Err("LEFT JOIN is not evaluated".into());
                }
                rows = self.join(rows, &j.relation, on, outer, filters)?;
            }
        }
        let mut out = Vec::new();
        for r in rows {
            let keep = match &sel.selection {
                Some(w) => {
                    let mut full = outer.clone();
                    full.extend(r.iter().cloned());
                    self.eval(w, &full)? == V::Bool(true)
                }
                None => true,
            };
            if keep {
                out.push(r);
            }
        }
        Ok(out)
    }

    fn join(
        &self,
        left: Vec<Row>,
        rel: &TableFactor,
        on: Option<&Expr>,
        outer: &Row,
        filters: &[Filter],
    ) -> Res<Vec<Row>> {
        let TableFactor::Table { name, alias, .. } = rel else {
            return Err("FROM item is not a table".into());
        };
        let parts = name_parts(name);
        let table = parts.last().cloned().unwrap_or_default();
        let schema = if parts.len() > 1 {
            parts[parts.len() - 2].clone()
        } else {
            String::new()
        };
        let alias = alias
            .as_ref()
            .map(|a| a.name.value.to_ascii_lowercase())
            .unwrap_or_else(|| table.clone());
        let mine: Vec<&Filter> = filters
            .iter()
            .filter(|f| f.rel.as_deref().is_none_or(|r| r == alias))
            .collect();
        let right = self.virtual_table(&schema, &table, &mine)?;
        let mut out = Vec::new();
        for l in &left {
            for r in &right {
                let mut row = l.clone();
                row.extend(r.iter().map(|(c, v)| (alias.clone(), c.clone(), v.clone())));
                let keep = match on {
                    Some(e) => {
                        let mut full = outer.clone();
                        full.extend(row.iter().cloned());
                        self.eval(e, &full)? == V::Bool(true)
                    }
                    None => true,
                };
                if keep {
                    out.push(row);
                }
            }
        }
        Ok(out)
    }

    /// The rows of a virtual catalog table: `(column, value)` lists.
    fn virtual_table(
        &self,
        schema: &str,
        table: &str,
        filters: &[&Filter],
    ) -> Res<Vec<Vec<(String, V)>>> {
        let c = self.catalog();
        let s = |x: &str| V::Str(x.to_string());
        // `col = 'literal'` conditions of the WHERE clause, checked before a row is kept (and,
        // through `skip`, before a table's columns are even listed).
        let skip = |col: &str, val: &str| filters.iter().any(|f| f.col == col && f.value != val);
        // The tables of a schema, narrowed to one when the query names it.
        let want = |col: &str| {
            filters
                .iter()
                .find(|f| f.col == col)
                .map(|f| f.value.clone())
        };
        let tables_named = |sc, col: &str| tables_named(sc, want(col).as_deref());
        let mut rows: Vec<Vec<(String, V)>> = Vec::new();
        let mut push = |cols: &[(&str, V)]| {
            let rejected = cols.iter().any(|(k, v)| match v {
                V::Str(x) => skip(k, x),
                _ => false,
            });
            if !rejected {
                rows.push(
                    cols.iter()
                        .map(|(k, v)| (k.to_string(), v.clone()))
                        .collect(),
                );
            }
        };
        let is_info = schema == "information_schema";
        if !(is_info || schema.is_empty() || schema == "pg_catalog") {
            return Err(format!("{schema}.{table} is not a catalog table"));
        }
        match (is_info, table) {
            (true, "schemata") => {
                for n in c.schemas.keys() {
                    push(&[("schema_name", s(n)), ("catalog_name", s("postgres"))]);
                }
            }
            (true, "tables") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.keys() {
                        push(&[
                            ("table_schema", s(&sc.name)),
                            ("table_name", s(t)),
                            ("table_type", s("BASE TABLE")),
                            ("table_catalog", s("postgres")),
                        ]);
                    }
                    for v in sc.views.values().filter(|v| !v.materialized) {
                        push(&[
                            ("table_schema", s(&sc.name)),
                            ("table_name", s(&v.name)),
                            ("table_type", s("VIEW")),
                            ("table_catalog", s("postgres")),
                        ]);
                    }
                }
            }
            (true, "views") => {
                for sc in c.schemas.values() {
                    for v in sc.views.values().filter(|v| !v.materialized) {
                        push(&[("table_schema", s(&sc.name)), ("table_name", s(&v.name))]);
                    }
                }
            }
            (true, "columns") => {
                for sc in c.schemas.values() {
                    if skip("table_schema", &sc.name) {
                        continue;
                    }
                    for t in tables_named(sc, "table_name") {
                        for (i, col) in t.columns.iter().enumerate() {
                            push(&[
                                ("table_catalog", s("postgres")),
                                ("table_schema", s(&sc.name)),
                                ("table_name", s(&t.name)),
                                ("column_name", s(&col.name)),
                                ("ordinal_position", V::Int(i as i64 + 1)),
                                ("is_nullable", s(if col.not_null { "NO" } else { "YES" })),
                                ("data_type", s(&info_data_type(c, &col.ty))),
                                ("udt_name", s(&col.ty.udt_name())),
                                ("udt_schema", s(&col.ty.schema)),
                                (
                                    "column_default",
                                    col.default.clone().map(V::Str).unwrap_or(V::Null),
                                ),
                            ]);
                        }
                    }
                }
            }
            (true, "table_constraints")
            | (true, "key_column_usage")
            | (true, "constraint_column_usage") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.values() {
                        let mut cons: Vec<ConRow> = Vec::new();
                        let own =
                            |cols: &[String]| (sc.name.clone(), t.name.clone(), cols.to_vec());
                        if let Some(pk) = &t.primary_key {
                            cons.push((
                                &pk.name,
                                "PRIMARY KEY",
                                pk.columns.clone(),
                                own(&pk.columns),
                            ));
                        }
                        for u in &t.uniques {
                            cons.push((&u.name, "UNIQUE", u.columns.clone(), own(&u.columns)));
                        }
                        for f in &t.foreign_keys {
                            cons.push((
                                &f.name,
                                "FOREIGN KEY",
                                f.columns.clone(),
                                (
                                    f.references.schema.clone(),
                                    f.references.name.clone(),
                                    f.referenced_columns.clone(),
                                ),
                            ));
                        }
                        for ck in &t.checks {
                            cons.push((&ck.name, "CHECK", Vec::new(), own(&[])));
                        }
                        for (name, kind, cols, target) in cons {
                            let base = [
                                ("constraint_schema", s(&sc.name)),
                                ("constraint_name", s(name)),
                                ("constraint_catalog", s("postgres")),
                            ];
                            match table {
                                "table_constraints" => {
                                    let mut r: Vec<(&str, V)> = base.to_vec();
                                    r.extend([
                                        ("table_schema", s(&sc.name)),
                                        ("table_name", s(&t.name)),
                                        ("constraint_type", s(kind)),
                                    ]);
                                    push(&r);
                                }
                                "key_column_usage" => {
                                    for (i, col) in cols.iter().enumerate() {
                                        let mut r: Vec<(&str, V)> = base.to_vec();
                                        r.extend([
                                            ("table_schema", s(&sc.name)),
                                            ("table_name", s(&t.name)),
                                            ("column_name", s(col)),
                                            ("ordinal_position", V::Int(i as i64 + 1)),
                                        ]);
                                        push(&r);
                                    }
                                }
                                _ => {
                                    for col in &target.2 {
                                        let mut r: Vec<(&str, V)> = base.to_vec();
                                        r.extend([
                                            ("table_schema", s(&target.0)),
                                            ("table_name", s(&target.1)),
                                            ("column_name", s(col)),
                                        ]);
                                        push(&r);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (true, "routines") => {
                for sc in c.schemas.values() {
                    for f in &sc.functions {
                        push(&[
                            ("routine_schema", s(&sc.name)),
                            ("routine_name", s(f)),
                            ("specific_schema", s(&sc.name)),
                        ]);
                    }
                }
            }
            (true, "sequences") => {
                for sc in c.schemas.values() {
                    for q in sc.sequences.keys() {
                        push(&[("sequence_schema", s(&sc.name)), ("sequence_name", s(q))]);
                    }
                }
            }
            // Not modelled (they do not shape tables, views or types): always empty.
            (true, "triggers")
            | (false, "pg_trigger")
            | (false, "pg_event_trigger")
            | (true, "foreign_data_wrappers")
            | (true, "foreign_servers")
            | (true, "foreign_tables")
            | (false, "pg_foreign_data_wrapper")
            | (false, "pg_foreign_server")
            | (false, "pg_foreign_table")
            | (false, "pg_publication_tables")
            | (false, "pg_subscription") => {}
            (false, "pg_namespace") => {
                for n in c.schemas.keys() {
                    push(&[("oid", s(&format!("ns:{n}"))), ("nspname", s(n))]);
                }
            }
            (false, "pg_class") => {
                for sc in c.schemas.values() {
                    let ns = s(&format!("ns:{}", sc.name));
                    let mut rel = |name: &str, kind: &str| {
                        push(&[
                            ("oid", s(&format!("rel:{}.{}", sc.name, name))),
                            ("relname", s(name)),
                            ("relnamespace", ns.clone()),
                            ("relkind", s(kind)),
                        ])
                    };
                    for t in sc.tables.values() {
                        rel(&t.name, if t.partition_by.is_some() { "p" } else { "r" });
                        for i in &t.indexes {
                            rel(&i.name, "i");
                        }
                        if let Some(pk) = &t.primary_key {
                            rel(&pk.name, "i");
                        }
                        for u in &t.uniques {
                            rel(&u.name, "i");
                        }
                    }
                    for v in sc.views.values() {
                        rel(&v.name, if v.materialized { "m" } else { "v" });
                    }
                    for q in sc.sequences.keys() {
                        rel(q, "S");
                    }
                    for ct in sc.composites.keys() {
                        rel(ct, "c");
                    }
                }
            }
            (false, "pg_tables") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.keys() {
                        push(&[("schemaname", s(&sc.name)), ("tablename", s(t))]);
                    }
                }
            }
            (false, "pg_views") | (false, "pg_matviews") => {
                let mat = table == "pg_matviews";
                for sc in c.schemas.values() {
                    for v in sc.views.values().filter(|v| v.materialized == mat) {
                        push(&[
                            ("schemaname", s(&sc.name)),
                            ("viewname", s(&v.name)),
                            ("matviewname", s(&v.name)),
                        ]);
                    }
                }
            }
            (false, "pg_indexes") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.values() {
                        let mut names: Vec<&str> =
                            t.indexes.iter().map(|i| i.name.as_str()).collect();
                        names.extend(t.primary_key.iter().map(|p| p.name.as_str()));
                        names.extend(t.uniques.iter().map(|u| u.name.as_str()));
                        for n in names {
                            push(&[
                                ("schemaname", s(&sc.name)),
                                ("tablename", s(&t.name)),
                                ("indexname", s(n)),
                            ]);
                        }
                    }
                }
            }
            (false, "pg_type") => {
                for sc in c.schemas.values() {
                    let ns = s(&format!("ns:{}", sc.name));
                    let mut ty = |name: &str, kind: &str| {
                        push(&[
                            ("oid", s(&format!("type:{}.{}", sc.name, name))),
                            ("typname", s(name)),
                            ("typnamespace", ns.clone()),
                            ("typtype", s(kind)),
                        ])
                    };
                    for e in sc.enums.keys() {
                        ty(e, "e");
                    }
                    for d in sc.domains.keys() {
                        ty(d, "d");
                    }
                    for ct in sc.composites.keys() {
                        ty(ct, "c");
                    }
                    for t in sc.tables.keys() {
                        ty(t, "c");
                    }
                }
            }
            (false, "pg_enum") => {
                for sc in c.schemas.values() {
                    for e in sc.enums.values() {
                        for (i, v) in e.values.iter().enumerate() {
                            push(&[
                                ("enumtypid", s(&format!("type:{}.{}", sc.name, e.name))),
                                ("enumlabel", s(v)),
                                ("enumsortorder", V::Int(i as i64 + 1)),
                            ]);
                        }
                    }
                }
            }
            (false, "pg_constraint") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.values() {
                        let rel = s(&format!("rel:{}.{}", sc.name, t.name));
                        let ns = s(&format!("ns:{}", sc.name));
                        let mut con = |name: &str, kind: &str, target: Option<String>| {
                            push(&[
                                ("oid", s(&format!("con:{}.{}.{}", sc.name, t.name, name))),
                                ("conname", s(name)),
                                ("conrelid", rel.clone()),
                                ("connamespace", ns.clone()),
                                ("contype", s(kind)),
                                (
                                    "confrelid",
                                    target.map(V::Str).unwrap_or(V::Str("0".into())),
                                ),
                            ])
                        };
                        if let Some(pk) = &t.primary_key {
                            con(&pk.name, "p", None);
                        }
                        for u in &t.uniques {
                            con(&u.name, "u", None);
                        }
                        for f in &t.foreign_keys {
                            con(
                                &f.name,
                                "f",
                                Some(format!("rel:{}.{}", f.references.schema, f.references.name)),
                            );
                        }
                        for ck in &t.checks {
                            con(&ck.name, "c", None);
                        }
                        for x in &t.exclusions {
                            con(&x.name, "x", None);
                        }
                    }
                }
            }
            (false, "pg_attribute") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.values() {
                        for (i, col) in t.columns.iter().enumerate() {
                            push(&[
                                ("attrelid", s(&format!("rel:{}.{}", sc.name, t.name))),
                                ("attname", s(&col.name)),
                                ("attnum", V::Int(i as i64 + 1)),
                                ("attisdropped", V::Bool(false)),
                                ("attnotnull", V::Bool(col.not_null)),
                            ]);
                        }
                    }
                }
            }
            (false, "pg_index") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.values() {
                        for i in &t.indexes {
                            push(&[
                                ("indexrelid", s(&format!("rel:{}.{}", sc.name, i.name))),
                                ("indrelid", s(&format!("rel:{}.{}", sc.name, t.name))),
                                ("indisunique", V::Bool(i.unique)),
                            ]);
                        }
                    }
                }
            }
            (false, "pg_policies") | (false, "pg_policy") => {
                for sc in c.schemas.values() {
                    for t in sc.tables.values() {
                        for p in &t.policies {
                            push(&[
                                ("schemaname", s(&sc.name)),
                                ("tablename", s(&t.name)),
                                ("policyname", s(&p.name)),
                                ("polname", s(&p.name)),
                                ("polrelid", s(&format!("rel:{}.{}", sc.name, t.name))),
                                ("cmd", s(&p.command.to_uppercase())),
                            ]);
                        }
                    }
                }
            }
            (false, "pg_extension") => {
                for e in c.extensions.values() {
                    push(&[
                        ("extname", s(&e.name)),
                        ("extnamespace", s(&format!("ns:{}", e.schema))),
                    ]);
                }
            }
            (false, "pg_proc") => {
                for sc in c.schemas.values() {
                    for f in &sc.functions {
                        push(&[
                            ("proname", s(f)),
                            ("pronamespace", s(&format!("ns:{}", sc.name))),
                        ]);
                    }
                }
            }
            (false, "pg_sequences") => {
                for sc in c.schemas.values() {
                    for q in sc.sequences.keys() {
                        push(&[("schemaname", s(&sc.name)), ("sequencename", s(q))]);
                    }
                }
            }
            (false, "pg_roles") | (false, "pg_user") | (false, "pg_authid") => {
                for r in crate::sql::supabase::ROLES {
                    push(&[("rolname", s(r)), ("usename", s(r))]);
                }
            }
            (false, "pg_publication") => {
                push(&[("pubname", s("supabase_realtime"))]);
            }
            _ => {
                return Err(format!(
                    "the catalog table {}{table} is not modelled",
                    if schema.is_empty() {
                        String::new()
                    } else {
                        format!("{schema}.")
                    }
                ))
            }
        }
        Ok(rows)
    }
}

/// The tables of a schema, or just the one called `name`.
fn tables_named<'a>(
    sc: &'a crate::catalog::Schema,
    name: Option<&str>,
) -> Vec<&'a crate::catalog::Table> {
    match name {
        Some(n) => sc.tables.get(n).into_iter().collect(),
        None => sc.tables.values().collect(),
    }
}

/// A `[rel.]col = 'literal'` conjunct of a WHERE clause.
struct Filter {
    rel: Option<String>,
    col: String,
    value: String,
}

/// Collects the `col = 'literal'` conjuncts at the top of a WHERE clause (under ANDs only).
fn equality_filters(e: &Expr, out: &mut Vec<Filter>) {
    match e {
        Expr::Nested(inner) => equality_filters(inner, out),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            equality_filters(left, out);
            equality_filters(right, out);
        }
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } => {
            let lit = |e: &Expr| match e {
                Expr::Value(v) => match &v.value {
                    Value::SingleQuotedString(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            };
            let col = |e: &Expr| match e {
                Expr::Identifier(id) => Some((None, id.value.to_ascii_lowercase())),
                Expr::CompoundIdentifier(ids) if ids.len() == 2 => Some((
                    Some(ids[0].value.to_ascii_lowercase()),
                    ids[1].value.to_ascii_lowercase(),
                )),
                _ => None,
            };
            if let (Some((rel, col)), Some(value)) = (col(left), lit(right)) {
                out.push(Filter { rel, col, value });
            } else if let (Some((rel, col)), Some(value)) = (col(right), lit(left)) {
                out.push(Filter { rel, col, value });
            }
        }
        _ => {}
    }
}

fn select_of(q: &Query) -> Res<&Select> {
    match q.body.as_ref() {
        SetExpr::Select(s) => Ok(s),
        _ => Err("only simple SELECTs are evaluated".into()),
    }
}

/// plpgsql's `format()`: `%s`, `%I` (identifier), `%L` (literal), `%%`.
fn format_sql(fmt: &str, vals: &[V]) -> Res<String> {
    let mut out = String::new();
    let mut it = fmt.chars();
    let mut next = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let spec = it.next().ok_or("format() ends in %")?;
        if spec == '%' {
            out.push('%');
            continue;
        }
        let v = vals.get(next).ok_or("format() has too few arguments")?;
        next += 1;
        match spec {
            's' => out.push_str(&v.text().unwrap_or_default()),
            'I' => out.push_str(&crate::sql::quote_ident(
                &v.text().ok_or("format(%I) of NULL")?,
            )),
            'L' => match v.text() {
                Some(t) => out.push_str(&crate::sql::quote_literal(&t)),
                None => out.push_str("NULL"),
            },
            other => return Err(format!("format() conversion %{other} is not evaluated")),
        }
    }
    Ok(out)
}

/// `information_schema.columns.data_type` for a type.
fn info_data_type(c: &Catalog, ty: &crate::catalog::SqlType) -> String {
    if ty.is_array() {
        return "ARRAY".into();
    }
    if ty.schema != "pg_catalog" {
        return if c
            .schemas
            .get(&ty.schema)
            .is_some_and(|s| s.domains.contains_key(&ty.name))
        {
            c.schemas[&ty.schema].domains[&ty.name].base.format(false)
        } else {
            "USER-DEFINED".into()
        };
    }
    let plain = crate::catalog::SqlType {
        modifiers: Vec::new(),
        ..ty.clone()
    };
    match ty.name.as_str() {
        "bpchar" => "character".into(),
        "timestamp" => "timestamp without time zone".into(),
        "timestamptz" => "timestamp with time zone".into(),
        "time" => "time without time zone".into(),
        "timetz" => "time with time zone".into(),
        _ => plain.format(false),
    }
}

/// Folds a name given as text the way `::regclass` input does (`"A"` keeps case, `A` folds).
fn fold_text(s: &str) -> String {
    if let Some(q) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        q.replace("\"\"", "\"")
    } else {
        s.to_ascii_lowercase()
    }
}

fn split_text_name(text: &str) -> (Option<String>, String) {
    // Split on a dot outside quotes.
    let mut in_q = false;
    let mut cut = None;
    for (i, ch) in text.char_indices() {
        match ch {
            '"' => in_q = !in_q,
            '.' if !in_q => cut = Some(i),
            _ => {}
        }
    }
    match cut {
        Some(i) => (Some(fold_text(&text[..i])), fold_text(&text[i + 1..])),
        None => (None, fold_text(text)),
    }
}

/// SQL LIKE with `%` and `_`.
fn like(s: &str, p: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    let p: Vec<char> = p.chars().collect();
    fn go(s: &[char], p: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('%') => (0..=s.len()).any(|i| go(&s[i..], &p[1..])),
            Some('_') => !s.is_empty() && go(&s[1..], &p[1..]),
            Some('\\') if p.len() > 1 => s.first() == Some(&p[1]) && go(&s[1..], &p[2..]),
            Some(c) => s.first() == Some(c) && go(&s[1..], &p[1..]),
        }
    }
    go(&s, &p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("users_pkey", "users%"));
        assert!(like("abc", "a_c"));
        assert!(!like("abc", "a_"));
    }

    #[test]
    fn text_names() {
        assert_eq!(
            split_text_name("public.\"My.Table\""),
            (Some("public".into()), "My.Table".into())
        );
        assert_eq!(split_text_name("Users"), (None, "users".into()));
    }
}
