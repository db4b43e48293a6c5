//! Parse analysis of function calls (`ParseFuncOrColumn`, `func_get_detail`) and of the
//! SQL-syntax calls (`AT TIME ZONE`, `EXTRACT`, `POSITION`, `SUBSTRING`, `TRIM`, `OVERLAY`,
//! `LIKE … ESCAPE`, `SIMILAR TO`), `IN`, `ANY`/`ALL`, and sub-selects.

mod resolve;

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, TrimWhereField,
};

use super::analyze::Analyzer;
use super::analyze_op::binary_op_name;
use super::node::{BoolOp, Node, SubLinkKind, Syntax};
use super::typesys::Ty;

impl Analyzer<'_, '_> {
    /// Expressions that are calls in Postgres's tree.
    pub fn call_like(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Function(f) if crate::pg::deparse::is_collation_for(f) => {
                let args = match &f.args {
                    FunctionArguments::List(l) => l
                        .args
                        .iter()
                        .filter_map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(self.expr(x)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                self.sql_call("pg_collation_for", args, Syntax::CollationFor, e)
            }
            Expr::Function(f) => self.function(f, e),
            Expr::AtTimeZone { .. }
            | Expr::Extract { .. }
            | Expr::BinaryOp {
                op: sqlparser::ast::BinaryOperator::Overlaps,
                ..
            }
            | Expr::Position { .. }
            | Expr::Substring { .. }
            | Expr::Trim { .. }
            | Expr::Overlay { .. }
            | Expr::Ceil { .. }
            | Expr::Floor { .. } => self.special_syntax_call(e),
            Expr::In {
                expr,
                target,
                negated,
                ..
            } => match target {
                InTarget::List(list) => self.in_list(expr, list, *negated),
                InTarget::Subquery(q) => {
                    let test = self.expr(expr);
                    let s = self.sublink(SubLinkKind::Any, Some(test), "=", q);
                    if *negated {
                        Node::Bool {
                            op: BoolOp::Not,
                            args: vec![s],
                        }
                    } else {
                        s
                    }
                }
                _ => self.raw(e),
            },
            Expr::Like { .. } | Expr::ILike { .. } | Expr::SimilarTo { .. } => {
                self.pattern_match(e)
            }
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
                let any = matches!(e, Expr::AnyOp { .. });
                let Some((_, name)) = binary_op_name(compare_op) else {
                    return self.raw(e);
                };
                let l = self.expr(left);
                let mut r_inner: &Expr = right;
                while let Expr::Nested(i) = r_inner {
                    r_inner = i;
                }
                if let Expr::Subquery(q) = r_inner {
                    let kind = if any {
                        SubLinkKind::Any
                    } else {
                        SubLinkKind::All
                    };
                    return self.sublink(kind, Some(l), &name, q);
                }
                let r = self.expr(right);
                self.scalar_array_op(&name, any, l, r)
            }
            Expr::Exists { subquery, negated } => {
                let s = self.sublink(SubLinkKind::Exists, None, "", subquery);
                if *negated {
                    Node::Bool {
                        op: BoolOp::Not,
                        args: vec![s],
                    }
                } else {
                    s
                }
            }
            Expr::Subquery(q) => self.sublink(SubLinkKind::Expr, None, "", q),
            _ => self.raw(e),
        }
    }

    /// Calls Postgres's grammar writes with their own syntax (`AT TIME ZONE`, `EXTRACT`,
    /// `OVERLAPS`, `POSITION`, `SUBSTRING`, `TRIM`, `OVERLAY`, `CEIL`/`FLOOR`).
    fn special_syntax_call(&mut self, e: &Expr) -> Node {
        match e {
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                let ts = self.expr(timestamp);
                let tz = self.expr(time_zone);
                self.sql_call("timezone", vec![tz, ts], Syntax::AtTimeZone, e)
            }
            Expr::Extract { field, expr, .. } => {
                let f = field.to_string().to_lowercase();
                let f = f.trim_matches(['\'', '"']).to_string();
                let field = Node::Const {
                    ty: Ty::unknown(),
                    typmod: Vec::new(),
                    value: Some(f),
                };
                let x = self.expr(expr);
                self.sql_call("extract", vec![field, x], Syntax::Extract, e)
            }
            // `(a, b) OVERLAPS (c, d)` is `overlaps(a, b, c, d)` (both sides must be pairs).
            Expr::BinaryOp {
                left,
                op: sqlparser::ast::BinaryOperator::Overlaps,
                right,
            } => match (left.as_ref(), right.as_ref()) {
                (Expr::Tuple(l), Expr::Tuple(r)) if l.len() == 2 && r.len() == 2 => {
                    let args = l.iter().chain(r).map(|x| self.expr(x)).collect();
                    self.sql_call("overlaps", args, Syntax::Overlaps, e)
                }
                _ => self.raw(e),
            },
            Expr::Position { expr, r#in } => {
                let needle = self.expr(expr);
                let hay = self.expr(r#in);
                self.sql_call("position", vec![hay, needle], Syntax::Position, e)
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                special,
                shorthand,
            } => {
                let mut args = vec![self.expr(expr)];
                let from = match substring_from {
                    Some(f) => self.expr(f),
                    None => super::analyze::number_const("1", false),
                };
                args.push(from);
                if let Some(f) = substring_for {
                    args.push(self.expr(f));
                }
                let syntax = if *special || *shorthand {
                    Syntax::Call
                } else {
                    Syntax::Substring
                };
                let name = if *shorthand { "substr" } else { "substring" };
                self.sql_call(name, args, syntax, e)
            }
            Expr::Trim {
                trim_where,
                trim_what,
                expr,
                ..
            } => {
                let (fname, kw) = match trim_where {
                    Some(TrimWhereField::Leading) => ("ltrim", "LEADING"),
                    Some(TrimWhereField::Trailing) => ("rtrim", "TRAILING"),
                    _ => ("btrim", "BOTH"),
                };
                let mut args = vec![self.expr(expr)];
                if let Some(w) = trim_what {
                    args.push(self.expr(w));
                }
                self.sql_call(fname, args, Syntax::Trim(kw), e)
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let mut args = vec![
                    self.expr(expr),
                    self.expr(overlay_what),
                    self.expr(overlay_from),
                ];
                if let Some(f) = overlay_for {
                    args.push(self.expr(f));
                }
                self.sql_call("overlay", args, Syntax::Overlay, e)
            }
            Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => {
                let name = if matches!(e, Expr::Ceil { .. }) {
                    "ceil"
                } else {
                    "floor"
                };
                let x = self.expr(expr);
                self.sql_call(name, vec![x], Syntax::Call, e)
            }
            _ => self.raw(e),
        }
    }

    /// `LIKE`, `ILIKE` (with `ANY`/`ALL` and `ESCAPE`) and `SIMILAR TO`.
    fn pattern_match(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Like {
                negated,
                expr,
                pattern,
                escape_char,
                any,
            }
            | Expr::ILike {
                negated,
                expr,
                pattern,
                escape_char,
                any,
            } => {
                let ci = matches!(e, Expr::ILike { .. });
                let op = match (ci, negated) {
                    (false, false) => "~~",
                    (false, true) => "!~~",
                    (true, false) => "~~*",
                    (true, true) => "!~~*",
                };
                // `LIKE ANY (array)`, and `LIKE ALL (array)` (which sqlparser reads as a call
                // of a function `all`).
                let quantified = if *any {
                    Some((true, pattern.as_ref()))
                } else {
                    match pattern.as_ref() {
                        Expr::Function(f) if f.name.0.len() == 1 => {
                            let n = f.name.to_string().to_lowercase();
                            match (&f.args, n.as_str()) {
                                (FunctionArguments::List(l), "all" | "any" | "some")
                                    if l.args.len() == 1 =>
                                {
                                    match &l.args[0] {
                                        FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => {
                                            Some((n != "all", x))
                                        }
                                        _ => None,
                                    }
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    }
                };
                if let Some((any, arr)) = quantified {
                    if escape_char.is_none() {
                        let l = self.expr(expr);
                        let r = self.expr(arr);
                        return self.scalar_array_op(op, any, l, r);
                    }
                }
                let l = self.expr(expr);
                let mut p = self.expr(pattern);
                if let Some(esc) = escape_char {
                    let esc = self.expr(esc);
                    p = self.sql_call("like_escape", vec![p, esc], Syntax::Call, e);
                }
                self.make_op(None, op, Some(l), p)
            }
            Expr::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => {
                let l = self.expr(expr);
                let mut args = vec![self.expr(pattern)];
                if let Some(esc) = escape_char {
                    args.push(self.expr(esc));
                }
                let p = self.sql_call("similar_to_escape", args, Syntax::Call, e);
                self.make_op(None, if *negated { "!~" } else { "~" }, Some(l), p)
            }
            _ => self.raw(e),
        }
    }

    /// A call of a built-in function written with SQL syntax.
    fn sql_call(&mut self, name: &str, args: Vec<Node>, syntax: Syntax, whole: &Expr) -> Node {
        match self.resolve_call(None, name, args, false) {
            Some(Node::Func(mut f)) => {
                f.syntax = syntax;
                Node::Func(f)
            }
            Some(other) => other,
            None => self.raw(whole),
        }
    }
}
