//! Expressions compiled from sqlparser's AST: column references resolved to slots of the row
//! being evaluated (or of an enclosing query's row), plpgsql variables told apart from columns
//! (an ambiguous name is PostgreSQL's error, as under `plpgsql.variable_conflict = error`),
//! functions resolved to built-ins, aggregates collected.

use sqlparser::ast::{
    AccessExpr, BinaryOperator, CastKind, DateTimeField, Expr, FunctionArg, FunctionArgExpr,
    FunctionArgumentClause, FunctionArguments, InTarget, Subscript, TrimWhereField, UnaryOperator,
    Value,
};

use super::cast::Ty;
use super::errors::{Fail, Res};
use super::funcs::{self, Builtin};
use super::query::CQuery;
use super::value::V;
use super::Ctx;
use crate::sql::replay::{fold, name_parts};

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Other binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    /// `~`, `~*`, `!~`, `!~*`: (case-insensitive, negated).
    Regex(bool, bool),
    /// `@>`, `<@`, `&&` on arrays.
    Contains,
    ContainedBy,
    Overlaps,
}

/// An aggregate call.
#[derive(Debug)]
pub(crate) struct CAgg {
    pub name: String,
    pub args: Vec<CExpr>,
    pub distinct: bool,
    pub filter: Option<CExpr>,
    /// `ORDER BY` inside the call (`string_agg(x, ',' ORDER BY x)`): key, descending.
    pub order: Vec<(CExpr, bool)>,
    pub star: bool,
}

/// A compiled expression.
#[derive(Debug)]
pub(crate) enum CExpr {
    Const(V<'static>),
    /// A column of the current row.
    Col(usize),
    /// A column of an enclosing query's row: levels up (1 = parent), slot.
    Outer(usize, usize),
    Var(String),
    Param(usize),
    Field(Box<CExpr>, String),
    Not(Box<CExpr>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Cmp(Cmp, Box<CExpr>, Box<CExpr>),
    Bin(Op, Box<CExpr>, Box<CExpr>),
    Neg(Box<CExpr>),
    IsNull(Box<CExpr>, bool),
    /// `IS [NOT] TRUE|FALSE|UNKNOWN`: the value tested for (`None` = unknown), negated.
    IsBool(Box<CExpr>, Option<bool>, bool),
    Distinct(Box<CExpr>, Box<CExpr>, bool),
    InList(Box<CExpr>, Vec<CExpr>, bool),
    InQuery(Box<CExpr>, Box<CQuery>, bool),
    Exists(Box<CQuery>, bool),
    Scalar(Box<CQuery>),
    ArrayQuery(Box<CQuery>),
    /// `x op ANY|ALL (array)`: all?
    Quant(Cmp, bool, Box<CExpr>, Box<CExpr>),
    QuantQuery(Cmp, bool, Box<CExpr>, Box<CQuery>),
    /// `LIKE`/`ILIKE`: case-insensitive, negated.
    Like(Box<CExpr>, Box<CExpr>, bool, bool),
    Between(Box<CExpr>, Box<CExpr>, Box<CExpr>, bool),
    Case(Option<Box<CExpr>>, Vec<(CExpr, CExpr)>, Option<Box<CExpr>>),
    Cast(Box<CExpr>, Ty),
    Func(Builtin, Vec<CExpr>),
    Agg(usize),
    Array(Vec<CExpr>),
    Row(Vec<CExpr>),
    /// `a[i]` or `a[lo:hi]` (slice when the second is present).
    Index(Box<CExpr>, Box<CExpr>, Option<Box<CExpr>>),
    /// Cannot be evaluated; evaluating it says why.
    Unknown(String),
}

fn b(e: CExpr) -> Box<CExpr> {
    Box::new(e)
}

/// The columns one FROM item gives a query level.
#[derive(Debug, Clone)]
pub(crate) struct SrcCols {
    pub alias: String,
    pub columns: Vec<String>,
    pub offset: usize,
    /// Columns whose values are computed; `None` = all. A reference to another column says
    /// which catalog column is missing.
    pub modelled: Option<&'static [&'static str]>,
    /// For messages: `information_schema.columns`.
    pub label: String,
    /// Which columns are referenced (the scan computes only those).
    pub used: u64,
}

/// One query level of name scope.
#[derive(Debug, Default)]
pub(crate) struct Level {
    pub sources: Vec<SrcCols>,
    /// Output column names visible to `ORDER BY` (with their projection index).
    pub outputs: Vec<String>,
    /// Aggregates collected while compiling a grouped select list.
    pub aggs: Option<Vec<CAgg>>,
}

/// Compiles expressions with the query levels in scope.
pub(crate) struct Compiler<'c, 'a> {
    pub cx: &'c Ctx<'a>,
    pub levels: Vec<Level>,
}

const NILADIC: &[&str] = &[
    "current_date",
    "current_timestamp",
    "localtimestamp",
    "current_user",
    "session_user",
    "current_role",
    "user",
    "current_schema",
    "current_catalog",
    "localtime",
    "current_time",
];

impl<'c, 'a> Compiler<'c, 'a> {
    pub(crate) fn new(cx: &'c Ctx<'a>) -> Self {
        Compiler {
            cx,
            levels: vec![Level::default()],
        }
    }

    fn is_var(&self, name: &str) -> bool {
        self.cx.vars.get(name).is_some()
    }

    /// Finds a column by name among the levels, nearest first: (levels up, slot).
    fn find_column(&mut self, qual: Option<&str>, name: &str) -> Res<Option<(usize, usize)>> {
        let depth = self.levels.len();
        for up in 0..depth {
            let level = &mut self.levels[depth - 1 - up];
            let mut hit: Option<(usize, usize)> = None;
            let mut qual_seen = false;
            for (si, s) in level.sources.iter().enumerate() {
                if qual.is_some_and(|q| q != s.alias) {
                    continue;
                }
                qual_seen = true;
                if let Some(ci) = s.columns.iter().position(|c| c == name) {
                    if hit.is_some() {
                        return Err(Fail::pg(
                            "ambiguous_column",
                            format!("column reference \"{name}\" is ambiguous"),
                        ));
                    }
                    hit = Some((si, ci));
                }
            }
            if let Some((si, ci)) = hit {
                let s = &mut level.sources[si];
                if let Some(m) = s.modelled {
                    if !m.contains(&name) {
                        return Err(Fail::unknown(format!(
                            "the catalog column {}.{name} is not modelled",
                            s.label
                        )));
                    }
                }
                if ci < 64 {
                    s.used |= 1 << ci;
                }
                return Ok(Some((up, s.offset + ci)));
            }
            if qual.is_some() && qual_seen {
                return Err(Fail::pg(
                    "undefined_column",
                    format!("column {}.{name} does not exist", qual.unwrap_or_default()),
                ));
            }
        }
        Ok(None)
    }

    fn column_ref(up: usize, slot: usize) -> CExpr {
        if up == 0 {
            CExpr::Col(slot)
        } else {
            CExpr::Outer(up, slot)
        }
    }

    fn has_alias(&self, alias: &str) -> bool {
        self.levels
            .iter()
            .any(|l| l.sources.iter().any(|s| s.alias == alias))
    }

    fn ident(&mut self, name: String) -> Res<CExpr> {
        let col = self.find_column(None, &name)?;
        let var = self.is_var(&name);
        match (col, var) {
            (Some(_), true) => Err(Fail::pg(
                "ambiguous_column",
                format!(
                    "column reference \"{name}\" is ambiguous (it could refer to either a \
                     PL/pgSQL variable or a table column)"
                ),
            )),
            (Some((up, slot)), false) => Ok(Self::column_ref(up, slot)),
            (None, true) => Ok(CExpr::Var(name)),
            (None, false) if NILADIC.contains(&name.as_str()) => self.call(&name, Vec::new()),
            (None, false) if name == "found" => Ok(CExpr::Const(V::Bool(false))),
            (None, false) => {
                if let Some(i) = self
                    .levels
                    .last()
                    .and_then(|l| l.outputs.iter().position(|o| *o == name))
                {
                    return Ok(CExpr::Unknown(format!(
                        "output column {name} ({i}) used in an expression"
                    )));
                }
                Err(Fail::pg(
                    "undefined_column",
                    format!("column \"{name}\" does not exist"),
                ))
            }
        }
    }

    fn compound(&mut self, parts: Vec<String>) -> Res<CExpr> {
        let n = parts.len();
        let (qual, col) = (&parts[n - 2], &parts[n - 1]);
        if self.has_alias(qual) {
            return match self.find_column(Some(qual), col)? {
                Some((up, slot)) => Ok(Self::column_ref(up, slot)),
                None => Err(Fail::pg(
                    "undefined_column",
                    format!("column {qual}.{col} does not exist"),
                )),
            };
        }
        // `label.var`, `rec.field`, `label.rec.field`.
        let joined = parts[..2].join(".");
        if n >= 2 && self.is_var(&joined) {
            let mut e = CExpr::Var(joined);
            for f in &parts[2..] {
                e = CExpr::Field(b(e), f.clone());
            }
            return Ok(e);
        }
        if self.is_var(&parts[0]) {
            let mut e = CExpr::Var(parts[0].clone());
            for f in &parts[1..] {
                e = CExpr::Field(b(e), f.clone());
            }
            return Ok(e);
        }
        Err(Fail::pg(
            "undefined_table",
            format!("missing FROM-clause entry for table \"{qual}\""),
        ))
    }

    /// Compiles an expression.
    pub(crate) fn expr(&mut self, e: &Expr) -> Res<CExpr> {
        crate::sql::replay::deep(|| self.expr_here(e))
    }

    fn expr_here(&mut self, e: &Expr) -> Res<CExpr> {
        Ok(match e {
            Expr::Nested(e) => self.expr(e)?,
            Expr::Value(v) => match &v.value {
                Value::Placeholder(p) => {
                    match p.strip_prefix('$').and_then(|n| n.parse::<usize>().ok()) {
                        Some(n) if n >= 1 => CExpr::Param(n - 1),
                        _ => CExpr::Const(literal(&v.value)?),
                    }
                }
                other => CExpr::Const(literal(other)?),
            },
            Expr::Identifier(id) => self.ident(fold(id))?,
            Expr::CompoundIdentifier(ids) => self.compound(ids.iter().map(fold).collect())?,
            Expr::TypedString(ts) => {
                let text = literal(&ts.value.value)?;
                CExpr::Cast(b(CExpr::Const(text)), Ty::parse(&ts.data_type.to_string()))
            }
            Expr::Interval(iv) => {
                let value = self.expr(&iv.value)?;
                let unit = iv.leading_field.as_ref().map(field_name);
                match unit {
                    Some(u) => CExpr::Cast(
                        b(CExpr::Bin(
                            Op::Concat,
                            b(value),
                            b(CExpr::Const(V::text(format!(" {u}")))),
                        )),
                        Ty::Interval,
                    ),
                    None => CExpr::Cast(b(value), Ty::Interval),
                }
            }
            Expr::Cast {
                expr,
                data_type,
                kind: CastKind::Cast | CastKind::DoubleColon,
                ..
            } => CExpr::Cast(b(self.expr(expr)?), Ty::parse(&data_type.to_string())),
            Expr::UnaryOp { op, expr } => {
                let inner = self.expr(expr)?;
                match op {
                    UnaryOperator::Not => CExpr::Not(b(inner)),
                    UnaryOperator::Minus => CExpr::Neg(b(inner)),
                    UnaryOperator::Plus => inner,
                    other => CExpr::Unknown(format!("operator {other} is not evaluated")),
                }
            }
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right)?,
            Expr::IsNull(e) => CExpr::IsNull(b(self.expr(e)?), false),
            Expr::IsNotNull(e) => CExpr::IsNull(b(self.expr(e)?), true),
            Expr::IsTrue(e) => CExpr::IsBool(b(self.expr(e)?), Some(true), false),
            Expr::IsNotTrue(e) => CExpr::IsBool(b(self.expr(e)?), Some(true), true),
            Expr::IsFalse(e) => CExpr::IsBool(b(self.expr(e)?), Some(false), false),
            Expr::IsNotFalse(e) => CExpr::IsBool(b(self.expr(e)?), Some(false), true),
            Expr::IsUnknown(e) => CExpr::IsBool(b(self.expr(e)?), None, false),
            Expr::IsNotUnknown(e) => CExpr::IsBool(b(self.expr(e)?), None, true),
            Expr::IsDistinctFrom(l, r) => {
                CExpr::Distinct(b(self.expr(l)?), b(self.expr(r)?), false)
            }
            Expr::IsNotDistinctFrom(l, r) => {
                CExpr::Distinct(b(self.expr(l)?), b(self.expr(r)?), true)
            }
            Expr::In {
                expr,
                target,
                negated,
                ..
            } => {
                let x = self.expr(expr)?;
                match target {
                    InTarget::List(list) => {
                        let items = list.iter().map(|i| self.expr(i)).collect::<Res<_>>()?;
                        CExpr::InList(b(x), items, *negated)
                    }
                    InTarget::Subquery(q) => {
                        CExpr::InQuery(b(x), Box::new(self.subquery(q)?), *negated)
                    }
                    InTarget::Unnest(a) => {
                        let arr = self.expr(a)?;
                        let any = CExpr::Quant(Cmp::Eq, false, b(x), b(arr));
                        if *negated {
                            CExpr::Not(b(any))
                        } else {
                            any
                        }
                    }
                    _ => CExpr::Unknown("IN form is not evaluated".into()),
                }
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => CExpr::Between(
                b(self.expr(expr)?),
                b(self.expr(low)?),
                b(self.expr(high)?),
                *negated,
            ),
            Expr::Like {
                negated,
                expr,
                pattern,
                escape_char: None,
                any: false,
            } => CExpr::Like(b(self.expr(expr)?), b(self.expr(pattern)?), false, *negated),
            Expr::ILike {
                negated,
                expr,
                pattern,
                escape_char: None,
                any: false,
            } => CExpr::Like(b(self.expr(expr)?), b(self.expr(pattern)?), true, *negated),
            Expr::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | Expr::AllOp {
                left,
                compare_op,
                right,
            } => {
                let all = matches!(e, Expr::AllOp { .. });
                let Some(op) = cmp_of(compare_op) else {
                    return Ok(CExpr::Unknown(format!("{compare_op} ANY is not evaluated")));
                };
                let l = self.expr(left)?;
                match right.as_ref() {
                    Expr::Subquery(q) => {
                        CExpr::QuantQuery(op, all, b(l), Box::new(self.subquery(q)?))
                    }
                    r => CExpr::Quant(op, all, b(l), b(self.expr(r)?)),
                }
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => {
                let operand = match operand {
                    Some(o) => Some(b(self.expr(o)?)),
                    None => None,
                };
                let mut whens = Vec::new();
                for w in conditions {
                    whens.push((self.expr(&w.condition)?, self.expr(&w.result)?));
                }
                let otherwise = match else_result {
                    Some(e) => Some(b(self.expr(e)?)),
                    None => None,
                };
                CExpr::Case(operand, whens, otherwise)
            }
            Expr::Exists { subquery, negated } => {
                CExpr::Exists(Box::new(self.subquery(subquery)?), *negated)
            }
            Expr::Subquery(q) => CExpr::Scalar(Box::new(self.subquery(q)?)),
            Expr::Array(a) => {
                CExpr::Array(a.elem.iter().map(|x| self.expr(x)).collect::<Res<_>>()?)
            }
            Expr::Tuple(items) => {
                CExpr::Row(items.iter().map(|x| self.expr(x)).collect::<Res<_>>()?)
            }
            Expr::Function(f) => self.function(f)?,
            Expr::CompoundFieldAccess { root, access_chain } => {
                let mut e = self.expr(root)?;
                for a in access_chain {
                    e = match a {
                        AccessExpr::Subscript(Subscript::Index { index }) => {
                            CExpr::Index(b(e), b(self.expr(index)?), None)
                        }
                        AccessExpr::Subscript(Subscript::Slice {
                            lower_bound,
                            upper_bound,
                            ..
                        }) => {
                            let lo = match lower_bound {
                                Some(x) => self.expr(x)?,
                                None => CExpr::Const(V::Int(1)),
                            };
                            let hi = match upper_bound {
                                Some(x) => self.expr(x)?,
                                None => CExpr::Const(V::Int(i64::MAX)),
                            };
                            CExpr::Index(b(e), b(lo), Some(b(hi)))
                        }
                        AccessExpr::Dot(Expr::Identifier(id)) => CExpr::Field(b(e), fold(id)),
                        _ => return Ok(CExpr::Unknown("field access is not evaluated".into())),
                    };
                }
                e
            }
            Expr::Extract { field, expr, .. } => {
                let arg = self.expr(expr)?;
                self.call(
                    "date_part",
                    vec![CExpr::Const(V::text(field_name(field))), arg],
                )?
            }
            Expr::Position { expr, r#in } => {
                let (needle, hay) = (self.expr(expr)?, self.expr(r#in)?);
                self.call("strpos", vec![hay, needle])?
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![self.expr(expr)?];
                args.push(match substring_from {
                    Some(f) => self.expr(f)?,
                    None => CExpr::Const(V::Int(1)),
                });
                if let Some(n) = substring_for {
                    args.push(self.expr(n)?);
                }
                self.call("substr", args)?
            }
            Expr::Trim {
                expr,
                trim_where,
                trim_what,
                trim_characters,
            } => {
                let mut args = vec![self.expr(expr)?];
                if let Some(w) = trim_what {
                    args.push(self.expr(w)?);
                } else if let Some(cs) = trim_characters {
                    if let Some(c) = cs.first() {
                        args.push(self.expr(c)?);
                    }
                }
                let name = match trim_where {
                    Some(TrimWhereField::Leading) => "ltrim",
                    Some(TrimWhereField::Trailing) => "rtrim",
                    _ => "btrim",
                };
                self.call(name, args)?
            }
            Expr::Ceil { expr, .. } => {
                let a = self.expr(expr)?;
                self.call("ceil", vec![a])?
            }
            Expr::Floor { expr, .. } => {
                let a = self.expr(expr)?;
                self.call("floor", vec![a])?
            }
            Expr::Collate { expr, .. } => self.expr(expr)?,
            Expr::AtTimeZone { timestamp, .. } => CExpr::Cast(b(self.expr(timestamp)?), Ty::Ts),
            other => CExpr::Unknown(format!("expression `{other}` is not evaluated")),
        })
    }

    fn binary(&mut self, left: &Expr, op: &BinaryOperator, right: &Expr) -> Res<CExpr> {
        let l = self.expr(left)?;
        let r = self.expr(right)?;
        if let Some(c) = cmp_of(op) {
            return Ok(CExpr::Cmp(c, b(l), b(r)));
        }
        let op = match op {
            BinaryOperator::And => return Ok(CExpr::And(b(l), b(r))),
            BinaryOperator::Or => return Ok(CExpr::Or(b(l), b(r))),
            BinaryOperator::Plus => Op::Add,
            BinaryOperator::Minus => Op::Sub,
            BinaryOperator::Multiply => Op::Mul,
            BinaryOperator::Divide => Op::Div,
            BinaryOperator::Modulo => Op::Mod,
            BinaryOperator::PGExp => Op::Pow,
            BinaryOperator::StringConcat => Op::Concat,
            BinaryOperator::PGRegexMatch => Op::Regex(false, false),
            BinaryOperator::PGRegexIMatch => Op::Regex(true, false),
            BinaryOperator::PGRegexNotMatch => Op::Regex(false, true),
            BinaryOperator::PGRegexNotIMatch => Op::Regex(true, true),
            BinaryOperator::PGLikeMatch => return Ok(CExpr::Like(b(l), b(r), false, false)),
            BinaryOperator::PGILikeMatch => return Ok(CExpr::Like(b(l), b(r), true, false)),
            BinaryOperator::PGNotLikeMatch => return Ok(CExpr::Like(b(l), b(r), false, true)),
            BinaryOperator::PGNotILikeMatch => return Ok(CExpr::Like(b(l), b(r), true, true)),
            BinaryOperator::AtArrow => Op::Contains,
            BinaryOperator::ArrowAt => Op::ContainedBy,
            BinaryOperator::PGOverlap => Op::Overlaps,
            other => return Ok(CExpr::Unknown(format!("operator {other} is not evaluated"))),
        };
        Ok(CExpr::Bin(op, b(l), b(r)))
    }

    /// A built-in call by name (or why it cannot be evaluated).
    pub(crate) fn call(&mut self, name: &str, args: Vec<CExpr>) -> Res<CExpr> {
        Ok(match funcs::lookup(name) {
            Some(f) => CExpr::Func(f, args),
            None => CExpr::Unknown(format!("function {name}() is not evaluated")),
        })
    }

    fn function(&mut self, f: &sqlparser::ast::Function) -> Res<CExpr> {
        let parts = name_parts(&f.name);
        let name = parts.last().cloned().unwrap_or_default();
        let schema = (parts.len() > 1).then(|| parts[parts.len() - 2].clone());
        if f.over.is_some() {
            return Ok(CExpr::Unknown(format!(
                "window function {name}() is not evaluated"
            )));
        }
        if let Some(s) = schema.as_deref().filter(|s| *s != "pg_catalog") {
            return Ok(CExpr::Unknown(format!(
                "function {s}.{name}() is not evaluated"
            )));
        }
        let list = match &f.args {
            FunctionArguments::None => return self.call(&name, Vec::new()),
            FunctionArguments::Subquery(q) if name == "array" => {
                return Ok(CExpr::ArrayQuery(Box::new(self.subquery(q)?)))
            }
            FunctionArguments::Subquery(_) => {
                return Ok(CExpr::Unknown(format!("{name}(SELECT …) is not evaluated")))
            }
            FunctionArguments::List(l) => l,
        };
        let mut args = Vec::new();
        let mut star = false;
        for a in &list.args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(e),
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => star = true,
                _ => {
                    return Ok(CExpr::Unknown(format!(
                        "arguments of {name}() are not evaluated"
                    )))
                }
            }
        }
        if funcs::is_aggregate(&name) {
            return self.aggregate(&name, f, list, &args, star);
        }
        if funcs::lookup(&name).is_none() && self.cx.tracked().routines.has_name_anywhere(&name) {
            return Ok(CExpr::Unknown(format!(
                "the user-defined function {name}() is not evaluated"
            )));
        }
        let args = args.iter().map(|e| self.expr(e)).collect::<Res<Vec<_>>>()?;
        self.call(&name, args)
    }

    fn aggregate(
        &mut self,
        name: &str,
        f: &sqlparser::ast::Function,
        list: &sqlparser::ast::FunctionArgumentList,
        args: &[&Expr],
        star: bool,
    ) -> Res<CExpr> {
        let Some(level) = self.levels.last() else {
            return Ok(CExpr::Unknown("aggregate outside a query".into()));
        };
        if level.aggs.is_none() {
            return Err(Fail::pg(
                "grouping_error",
                format!("aggregate functions are not allowed here ({name})"),
            ));
        }
        // Arguments are evaluated over the input rows: compile them without the aggregate
        // collection in place (nested aggregates are an error in PostgreSQL too).
        let saved = self.levels.last_mut().and_then(|l| l.aggs.take());
        let mut compiled = Vec::new();
        let mut filter = None;
        let mut order = Vec::new();
        let result = (|| -> Res<()> {
            for a in args {
                compiled.push(self.expr(a)?);
            }
            if let Some(fl) = &f.filter {
                filter = Some(self.expr(fl)?);
            }
            for c in &list.clauses {
                if let FunctionArgumentClause::OrderBy(obs) = c {
                    for ob in obs {
                        let desc =
                            matches!(ob.options.sort, Some(sqlparser::ast::OrderBySort::Desc));
                        order.push((self.expr(&ob.expr)?, desc));
                    }
                }
            }
            for ob in &f.within_group {
                order.push((self.expr(&ob.expr)?, false));
            }
            Ok(())
        })();
        if let Some(l) = self.levels.last_mut() {
            l.aggs = saved;
        }
        result?;
        let aggs = self
            .levels
            .last_mut()
            .and_then(|l| l.aggs.as_mut())
            .ok_or_else(|| Fail::unknown("aggregate outside a query"))?;
        aggs.push(CAgg {
            name: name.to_string(),
            args: compiled,
            distinct: matches!(
                list.duplicate_treatment,
                Some(sqlparser::ast::DuplicateTreatment::Distinct)
            ),
            filter,
            order,
            star,
        });
        Ok(CExpr::Agg(aggs.len() - 1))
    }

    /// Compiles a subquery with this compiler's levels as its outer scope.
    pub(crate) fn subquery(&mut self, q: &sqlparser::ast::Query) -> Res<CQuery> {
        super::query::compile_query(self, q)
    }
}

fn cmp_of(op: &BinaryOperator) -> Option<Cmp> {
    Some(match op {
        BinaryOperator::Eq => Cmp::Eq,
        BinaryOperator::NotEq => Cmp::Ne,
        BinaryOperator::Lt => Cmp::Lt,
        BinaryOperator::LtEq => Cmp::Le,
        BinaryOperator::Gt => Cmp::Gt,
        BinaryOperator::GtEq => Cmp::Ge,
        _ => return None,
    })
}

fn field_name(f: &DateTimeField) -> String {
    f.to_string().to_ascii_lowercase()
}

/// A literal's value.
pub(crate) fn literal(v: &Value) -> Res<V<'static>> {
    Ok(match v {
        Value::Null => V::Null,
        Value::Boolean(b) => V::Bool(*b),
        Value::Number(n, _) => match n.parse::<i64>() {
            Ok(i) => V::Int(i),
            Err(_) => V::Float(
                n.parse()
                    .map_err(|_| Fail::unknown(format!("number {n} is not evaluated")))?,
            ),
        },
        Value::SingleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::NationalStringLiteral(s)
        | Value::TripleSingleQuotedString(s) => V::text(s.clone()),
        Value::DollarQuotedString(d) => V::text(d.value.clone()),
        Value::Placeholder(p) => {
            return Err(Fail::pg(
                "syntax_error",
                format!("syntax error at or near \"{p}\""),
            ))
        }
        other => return Err(Fail::unknown(format!("literal {other} is not evaluated"))),
    })
}
