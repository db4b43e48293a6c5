//! Compiling expressions: every form of sqlparser's `Expr` the guards meet, binary operators,
//! literals.

use sqlparser::ast::{
    AccessExpr, BinaryOperator, CastKind, DateTimeField, Expr, InTarget, Subscript, TrimWhereField,
    UnaryOperator, Value,
};

use crate::sql::replay::fold;
use crate::sql::replay::guard::cast::Ty;
use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::value::V;

use super::{b, CExpr, Cmp, Compiler, Op};

impl<'c, 'a> Compiler<'c, 'a> {
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
            other => self.compound_expr(other)?,
        })
    }

    /// The forms of [`Compiler::expr_here`] after the predicates: quantified comparisons, `CASE`,
    /// subqueries, arrays and rows, function calls, subscripts and field access.
    fn compound_expr(&mut self, e: &Expr) -> Res<CExpr> {
        Ok(match e {
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
            other => self.special_expr(other)?,
        })
    }

    /// The forms of [`Compiler::compound_expr`] after function calls: the SQL-standard syntax of
    /// functions (`EXTRACT`, `POSITION`, `SUBSTRING`, `TRIM`, `CEIL`, `FLOOR`), `COLLATE`, `AT TIME
    /// ZONE`; anything else is not evaluated.
    fn special_expr(&mut self, e: &Expr) -> Res<CExpr> {
        Ok(match e {
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
