//! When a sub-expression needs parentheses (`isSimpleNode` of Postgres's `ruleutils.c`).

use crate::pg::deparse::node::{BoolOp, CoerceKind, Node, Syntax};

/// `isSimpleNode`.
pub(super) fn is_simple(n: &Node, parent: &Node, pretty: bool) -> bool {
    match n {
        Node::Var { .. } | Node::Const { .. } | Node::WholeRow { .. } => true,
        Node::Subscript { .. }
        | Node::Array { .. }
        | Node::Row { .. }
        | Node::Coalesce { .. }
        | Node::MinMax { .. }
        | Node::SqlValue { .. }
        | Node::NullIf { .. }
        | Node::Func(_)
        | Node::Case { .. } => true,
        Node::FieldSelect { .. } => !matches!(parent, Node::FieldSelect { .. }),
        Node::Coerce { arg, kind, .. } => {
            if *kind == CoerceKind::Func {
                true
            } else {
                is_simple(arg, n, pretty)
            }
        }
        Node::Op { .. } => {
            if pretty {
                if let Node::Op { args: pargs, .. } = parent {
                    let op = simple_binary_op(n);
                    let pop = simple_binary_op(parent);
                    if let (Some(op), Some(pop)) = (op, pop) {
                        let lo = |o: &str| o == "+" || o == "-";
                        let hi = |o: &str| o == "*" || o == "/" || o == "%";
                        if !(lo(op) || hi(op)) || !(lo(pop) || hi(pop)) {
                            return false;
                        }
                        if hi(op) && lo(pop) {
                            return true;
                        }
                        if lo(op) && hi(pop) {
                            return false;
                        }
                        return pargs.first().is_some_and(|first| std::ptr::eq(first, n));
                    }
                    return false;
                }
            }
            depends_on_parent(parent)
        }
        Node::SubLink(_)
        | Node::NullTest { .. }
        | Node::BoolTest { .. }
        | Node::Distinct { .. } => depends_on_parent(parent),
        Node::Bool { op, .. } => match parent {
            Node::Bool { op: pop, .. } => {
                if pretty {
                    match op {
                        BoolOp::Not | BoolOp::And => {
                            matches!(pop, BoolOp::And | BoolOp::Or)
                        }
                        BoolOp::Or => *pop == BoolOp::Or,
                    }
                } else {
                    false
                }
            }
            _ => depends_on_parent(parent),
        },
        _ => false,
    }
}

pub(super) fn depends_on_parent(parent: &Node) -> bool {
    match parent {
        Node::Func(f) => f.syntax == Syntax::Call,
        Node::Coerce { .. } => false,
        Node::Bool { .. }
        | Node::Subscript { .. }
        | Node::Array { .. }
        | Node::Row { .. }
        | Node::Coalesce { .. }
        | Node::MinMax { .. }
        | Node::NullIf { .. }
        | Node::Case { .. } => true,
        _ => false,
    }
}

pub(super) fn simple_binary_op(n: &Node) -> Option<&str> {
    match n {
        Node::Op { oper, args, .. } if args.len() == 2 => Some(oper.name.as_str()),
        _ => None,
    }
}
