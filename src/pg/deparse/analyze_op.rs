//! Parse analysis of operators: `make_op`, `make_scalar_array_op`, `make_distinct_op`,
//! `transformAExprIn`, AND/OR flattening.

use sqlparser::ast::{BinaryOperator, Expr};

use super::analyze::Analyzer;
use super::funcs::Oper;
use super::node::{BoolOp, Node};
use super::typesys::{resolve_polymorphic, CoercionContext, Ty};

/// The Postgres operator name of a sqlparser binary operator.
pub(crate) fn binary_op_name(op: &BinaryOperator) -> Option<(Option<String>, String)> {
    use BinaryOperator as B;
    let s = match op {
        B::Plus => "+",
        B::Minus => "-",
        B::Multiply => "*",
        B::Divide => "/",
        B::Modulo => "%",
        B::StringConcat => "||",
        B::Gt => ">",
        B::Lt => "<",
        B::GtEq => ">=",
        B::LtEq => "<=",
        B::Eq => "=",
        B::NotEq => "<>",
        B::Spaceship => "<=>",
        B::BitwiseOr => "|",
        B::BitwiseAnd => "&",
        B::BitwiseXor | B::PGBitwiseXor => "#",
        B::PGBitwiseShiftLeft => "<<",
        B::PGBitwiseShiftRight => ">>",
        B::PGExp => "^",
        B::PGOverlap => "&&",
        B::PGRegexMatch => "~",
        B::PGRegexIMatch => "~*",
        B::PGRegexNotMatch => "!~",
        B::PGRegexNotIMatch => "!~*",
        B::PGLikeMatch => "~~",
        B::PGILikeMatch => "~~*",
        B::PGNotLikeMatch => "!~~",
        B::PGNotILikeMatch => "!~~*",
        B::PGStartsWith => "^@",
        B::Arrow => "->",
        B::LongArrow => "->>",
        B::HashArrow => "#>",
        B::HashLongArrow => "#>>",
        B::AtAt => "@@",
        B::AtArrow => "@>",
        B::ArrowAt => "<@",
        B::HashMinus => "#-",
        B::AtQuestion => "@?",
        B::Question => "?",
        B::QuestionAnd => "?&",
        B::QuestionPipe => "?|",
        B::DoubleHash => "##",
        B::LtDashGt => "<->",
        B::AndLt => "&<",
        B::AndGt => "&>",
        B::LtLtPipe => "<<|",
        B::Custom(s) => return Some((None, s.clone())),
        B::PGCustomBinaryOperator(parts) => {
            let (op, schema) = parts.split_last()?;
            // `OPERATOR("extensions".~)` (pg_dump --quote-all-identifiers): the schema part
            // keeps its quotes in sqlparser's tree.
            let schema = schema.last().map(|s| {
                match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    Some(quoted) => quoted.replace("\"\"", "\""),
                    None => s.to_lowercase(),
                }
            });
            return Some((schema, op.clone()));
        }
        _ => return None,
    };
    Some((None, s.to_string()))
}

impl Analyzer<'_, '_> {
    /// A binary operator expression.
    pub fn binary(&mut self, left: &Expr, op: &BinaryOperator, right: &Expr) -> Node {
        match op {
            BinaryOperator::And | BinaryOperator::Or => {
                let bop = if *op == BinaryOperator::And {
                    BoolOp::And
                } else {
                    BoolOp::Or
                };
                let l = self.boolean(left);
                let r = self.boolean(right);
                // The grammar flattens `a AND b AND c` (left-nested) into one node.
                match l {
                    Node::Bool { op, mut args } if op == bop => {
                        args.push(r);
                        Node::Bool { op, args }
                    }
                    l => Node::Bool {
                        op: bop,
                        args: vec![l, r],
                    },
                }
            }
            BinaryOperator::Overlaps => Node::Raw {
                text: format!("{left} OVERLAPS {right}"),
                ty: Ty::b("bool"),
            },
            _ => {
                let Some((schema, name)) = binary_op_name(op) else {
                    return self.raw(&Expr::BinaryOp {
                        left: Box::new(left.clone()),
                        op: op.clone(),
                        right: Box::new(right.clone()),
                    });
                };
                let l = self.expr(left);
                let r = self.expr(right);
                // `ROW(a, b) = ROW(x, y)` is `a = x AND b = y` (`<>`: OR of `<>`), as
                // `make_row_comparison_op` builds it.
                if let (Node::Row { args: la }, Node::Row { args: ra }) = (&l, &r) {
                    if schema.is_none()
                        && la.len() == ra.len()
                        && la.len() > 1
                        && (name == "=" || name == "<>")
                    {
                        let (Node::Row { args: la }, Node::Row { args: ra }) = (l, r) else {
                            unreachable!()
                        };
                        let args = la
                            .into_iter()
                            .zip(ra)
                            .map(|(a, b)| self.make_op(None, &name, Some(a), b))
                            .collect();
                        let op = if name == "=" { BoolOp::And } else { BoolOp::Or };
                        return Node::Bool { op, args };
                    }
                    // `<`, `<=`, … compare the rows (`RowCompareExpr`), each pair coerced.
                    if schema.is_none()
                        && la.len() == ra.len()
                        && la.len() > 1
                        && matches!(name.as_str(), "<" | "<=" | ">" | ">=")
                    {
                        let (Node::Row { args: la }, Node::Row { args: ra }) = (l, r) else {
                            unreachable!()
                        };
                        let mut oper = None;
                        let (mut lo, mut ro) = (Vec::new(), Vec::new());
                        for (a, b) in la.into_iter().zip(ra) {
                            match self.make_op(None, &name, Some(a), b) {
                                Node::Op {
                                    oper: o, mut args, ..
                                } if args.len() == 2 => {
                                    oper.get_or_insert(o);
                                    ro.push(args.pop().unwrap_or_else(Node::null));
                                    lo.push(args.pop().unwrap_or_else(Node::null));
                                }
                                other => return other,
                            }
                        }
                        // (The rows have two or more columns: `oper` is set.)
                        let Some(oper) = oper else {
                            return Node::null();
                        };
                        return Node::Op {
                            oper,
                            args: vec![Node::Row { args: lo }, Node::Row { args: ro }],
                            ty: Ty::b("bool"),
                        };
                    }
                }
                self.make_op(schema.as_deref(), &name, Some(l), r)
            }
        }
    }

    /// `make_op`: resolves the operator and coerces the operands to its input types.
    pub fn make_op(
        &mut self,
        schema: Option<&str>,
        name: &str,
        left: Option<Node>,
        right: Node,
    ) -> Node {
        let lt = left.as_ref().map(|l| l.ty());
        let rt = right.ty();
        // An operand of unknown signature takes the other side's type.
        let (lt2, rt2) = match (&lt, &rt) {
            (Some(l), r) if l.is_opaque() && !r.is_opaque() => (Some(r.clone()), r.clone()),
            (Some(l), r) if r.is_opaque() && !l.is_opaque() => (Some(l.clone()), l.clone()),
            _ => (lt.clone(), rt.clone()),
        };
        let path = self.ctx.search_path;
        let Some(oper) = self
            .ctx
            .resolve_operator(schema, name, lt2.as_ref(), &rt2, path)
        else {
            return self.unresolved_op(schema, name, left, right);
        };
        let mut actual = Vec::new();
        let mut declared = Vec::new();
        if let (Some(l), Some(d)) = (&lt2, &oper.left) {
            actual.push(l.clone());
            declared.push(d.clone());
        }
        actual.push(rt2.clone());
        declared.push(oper.right.clone());
        let (declared, ret) =
            if declared.iter().any(Ty::is_polymorphic) || oper.result.is_polymorphic() {
                resolve_polymorphic(self.ctx, &actual, &declared, &oper.result)
                    .unwrap_or((declared, oper.result.clone()))
            } else {
                (declared, oper.result.clone())
            };
        let mut args = Vec::new();
        let mut d = declared.into_iter();
        if let Some(l) = left {
            let t = d.next().unwrap_or_else(Ty::opaque);
            args.push(self.coerce_arg(l, &t));
        }
        let t = d.next().unwrap_or_else(Ty::opaque);
        args.push(self.coerce_arg(right, &t));
        Node::Op {
            oper,
            args,
            ty: ret,
        }
    }

    fn unresolved_op(
        &mut self,
        schema: Option<&str>,
        name: &str,
        left: Option<Node>,
        right: Node,
    ) -> Node {
        let bool_ops = [
            "=", "<>", "<", ">", "<=", ">=", "~~", "~~*", "!~~", "!~~*", "@>", "<@", "?", "&&",
        ];
        let ty = if bool_ops.contains(&name) {
            Ty::b("bool")
        } else {
            left.as_ref().map(Node::ty).unwrap_or_else(|| right.ty())
        };
        let mut args: Vec<Node> = left.into_iter().collect();
        args.push(right);
        // Unknown literals become text, the most common operand type.
        let args = args
            .into_iter()
            .map(|a| {
                if a.is_unknown_literal() {
                    self.coerce_to_target(a, &Ty::b("text"), &[], CoercionContext::Implicit, false)
                } else {
                    a
                }
            })
            .collect::<Vec<_>>();
        let oper = Oper {
            schema: schema.unwrap_or_default().to_string(),
            name: name.to_string(),
            left: (args.len() == 2).then(|| args[0].ty()),
            right: args.last().map(Node::ty).unwrap_or_else(Ty::opaque),
            result: ty.clone(),
        };
        Node::Op { oper, args, ty }
    }

    /// `IS DISTINCT FROM` (`make_distinct_op`).
    pub fn distinct(&mut self, a: &Expr, b: &Expr) -> Node {
        let l = self.expr(a);
        let r = self.expr(b);
        match self.make_op(None, "=", Some(l), r) {
            Node::Op { args, .. } => Node::Distinct { args },
            other => other,
        }
    }

    /// `make_scalar_array_op`.
    pub fn scalar_array_op(&mut self, name: &str, any: bool, left: Node, right: Node) -> Node {
        let lt = left.ty();
        let at = right.ty();
        let rt = if at.is_unknown() {
            Ty::unknown()
        } else if at.array {
            self.ctx.base_type(&at).elem()
        } else {
            at.clone()
        };
        let path = self.ctx.search_path;
        let Some(oper) = self.ctx.resolve_operator(None, name, Some(&lt), &rt, path) else {
            return Node::ScalarArray {
                oper: Oper {
                    schema: String::new(),
                    name: name.into(),
                    left: Some(lt),
                    right: rt,
                    result: Ty::b("bool"),
                },
                any,
                args: vec![left, right],
            };
        };
        let declared = vec![
            oper.left.clone().unwrap_or_else(Ty::opaque),
            oper.right.clone(),
        ];
        let (declared, _) = if declared.iter().any(Ty::is_polymorphic) {
            resolve_polymorphic(self.ctx, &[lt.clone(), rt.clone()], &declared, &oper.result)
                .unwrap_or((declared, oper.result.clone()))
        } else {
            (declared, oper.result.clone())
        };
        let res_atype = if oper.right.is_polymorphic() {
            at
        } else {
            declared[1].clone().array_of()
        };
        let l = self.coerce_arg(left, &declared[0]);
        let r = self.coerce_arg(right, &res_atype);
        Node::ScalarArray {
            oper,
            any,
            args: vec![l, r],
        }
    }

    /// `x [NOT] IN (…)`: `transformAExprIn`.
    pub fn in_list(&mut self, x: &Expr, list: &[Expr], negated: bool) -> Node {
        let (opname, use_or) = if negated { ("<>", false) } else { ("=", true) };
        let lexpr = self.expr(x);
        let rexprs: Vec<Node> = list.iter().map(|e| self.expr(e)).collect();
        let (rvars, rnonvars): (Vec<Node>, Vec<Node>) =
            rexprs.iter().cloned().partition(Node::contains_vars);
        let mut result: Option<Node> = None;
        let mut remaining = rexprs;
        if rnonvars.len() > 1 {
            let mut types = vec![lexpr.ty()];
            types.extend(rnonvars.iter().map(Node::ty));
            let scalar = self.ctx.select_common_type(&types).filter(|t| {
                types
                    .iter()
                    .all(|x| self.ctx.can_coerce(x, t, CoercionContext::Implicit))
                    && !t.is("record")
                    && !t.array
            });
            if let Some(scalar) = scalar {
                let elems = self.coerce_all(rnonvars, &scalar);
                let arr = Node::Array {
                    ty: scalar.array_of(),
                    elems,
                };
                result = Some(self.scalar_array_op(opname, use_or, lexpr.clone(), arr));
                remaining = rvars;
            }
        }
        for r in remaining {
            let cmp = self.make_op(None, opname, Some(lexpr.clone()), r);
            let cmp = self.coerce_to_bool(cmp);
            result = Some(match result {
                None => cmp,
                Some(prev) => Node::Bool {
                    op: if use_or { BoolOp::Or } else { BoolOp::And },
                    args: vec![prev, cmp],
                },
            });
        }
        result.unwrap_or_else(|| Node::Const {
            ty: Ty::b("bool"),
            typmod: Vec::new(),
            value: Some((!use_or).to_string()),
        })
    }
}
