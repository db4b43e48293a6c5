//! Casts (`::type`, `CAST`), `ARRAY[…]` constructors and `CASE`.

use crate::pg::deparse::node::{CoerceKind, Node};
use crate::pg::deparse::typesys::{CoercionContext, Ty};
use crate::pg::types::resolve_type;
use sqlparser::ast::{DataType, Expr};

use super::*;

impl<'a, 'c> Analyzer<'a, 'c> {
    /// `x::type`, `CAST(x AS type)`.
    pub(super) fn type_cast(&mut self, x: &Expr, dt: &DataType) -> Node {
        // ARRAY[…]::t[] passes the element type down.
        let mut inner = x;
        while let Expr::Nested(i) = inner {
            inner = i;
        }
        if let Expr::Array(arr) = inner {
            if let Ok(t) = resolve_type(dt, self.ctx.catalog, self.ctx.search_path) {
                if t.array_dims > 0 {
                    let ty = Ty::from_sql(&t);
                    let node = self.array(&arr.elem, Some((&ty.elem(), &t.modifiers)));
                    return self.coerce_to_target(
                        node,
                        &ty,
                        &t.modifiers,
                        CoercionContext::Explicit,
                        true,
                    );
                }
            }
        }
        let node = self.expr(x);
        self.cast_node(node, dt)
    }

    pub(super) fn cast_node(&mut self, node: Node, dt: &DataType) -> Node {
        match resolve_type(dt, self.ctx.catalog, self.ctx.search_path) {
            Ok(t) => {
                let ty = Ty::from_sql(&t);
                self.coerce_to_target(node, &ty, &t.modifiers, CoercionContext::Explicit, true)
            }
            // An unknown type: keep the cast as written.
            Err(_) => Node::Coerce {
                arg: Box::new(node),
                ty: Ty {
                    schema: String::new(),
                    name: dt.to_string().to_lowercase(),
                    array: false,
                },
                typmod: Vec::new(),
                explicit: true,
                kind: CoerceKind::Relabel,
            },
        }
    }

    /// `ARRAY[…]`, with an element type when under a cast.
    pub fn array(&mut self, elems: &[Expr], target: Option<(&Ty, &Vec<i64>)>) -> Node {
        let mut nodes: Vec<Node> = elems
            .iter()
            .map(|e| {
                let mut inner = e;
                while let Expr::Nested(i) = inner {
                    inner = i;
                }
                match (inner, target) {
                    (Expr::Array(sub), Some((t, m))) => self.array(&sub.elem, Some((t, m))),
                    _ => self.expr(e),
                }
            })
            .collect();
        let multidim = nodes.iter().any(|n| matches!(n, Node::Array { .. }));
        let elem_ty = match target {
            Some((t, _)) => t.clone(),
            None => {
                let types: Vec<Ty> = nodes
                    .iter()
                    .map(|n| if multidim { n.ty().elem() } else { n.ty() })
                    .collect();
                if types.is_empty() {
                    Ty::b("text")
                } else {
                    self.ctx
                        .select_common_type(&types)
                        .unwrap_or_else(|| types[0].clone())
                }
            }
        };
        if !multidim {
            nodes = nodes
                .into_iter()
                .map(|n| match target {
                    Some((t, m)) => self.coerce_to_target(n, t, m, CoercionContext::Explicit, true),
                    None => self.coerce_arg(n, &elem_ty),
                })
                .collect();
        } else {
            nodes = nodes
                .into_iter()
                .map(|n| match n {
                    Node::Array { elems, .. } => Node::Array {
                        ty: elem_ty.clone().array_of(),
                        elems: elems
                            .into_iter()
                            .map(|x| self.coerce_arg(x, &elem_ty))
                            .collect(),
                    },
                    other => other,
                })
                .collect();
        }
        Node::Array {
            ty: elem_ty.array_of(),
            elems: nodes,
        }
    }

    /// `CASE`.
    pub(super) fn case(
        &mut self,
        operand: Option<&Expr>,
        conditions: &[sqlparser::ast::CaseWhen],
        else_result: Option<&Expr>,
    ) -> Node {
        let arg = operand.map(|o| self.expr(o));
        let mut whens = Vec::new();
        let mut results = Vec::new();
        for cw in conditions {
            let w = match &arg {
                Some(a) => {
                    let rhs = self.expr(&cw.condition);
                    let test = Node::Raw {
                        text: "<case>".into(),
                        ty: a.ty(),
                    };
                    match self.make_op(None, "=", Some(test), rhs) {
                        Node::Op { mut args, .. } if args.len() == 2 => args.remove(1),
                        other => other,
                    }
                }
                None => self.boolean(&cw.condition),
            };
            whens.push(w);
            results.push(self.expr(&cw.result));
        }
        let default = match else_result {
            Some(e) => self.expr(e),
            None => Node::null(),
        };
        let mut types = vec![default.ty()];
        types.extend(results.iter().map(Node::ty));
        let ty = self
            .ctx
            .select_common_type(&types)
            .unwrap_or_else(|| Ty::b("text"));
        let default = self.coerce_arg(default, &ty);
        let results = self.coerce_all(results, &ty);
        Node::Case {
            arg: arg.map(Box::new),
            whens: whens.into_iter().zip(results).collect(),
            default: Box::new(default),
            ty,
        }
    }
}
