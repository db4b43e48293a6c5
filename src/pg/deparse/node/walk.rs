//! What a node knows of itself: its type and type modifier (`exprType`, `exprTypmod`), and
//! its sub-nodes (walks over the tree).

use crate::pg::deparse::typesys::Ty;

use super::*;

/// The direct sub-nodes of a node, shared or mutable: `direct_children!(node, &Node, iter,
/// as_ref, nodes)` or `direct_children!(node, &mut Node, iter_mut, as_mut, nodes_mut)`.
macro_rules! direct_children {
    ($node:expr, $ref:ty, $iter:ident, $as:ident, $nodes:ident) => {{
        let mut out: Vec<$ref> = Vec::new();
        match $node {
            Node::Func(c) => {
                let FuncCall { args, agg, .. } = c.$as();
                out.extend(args.$iter());
                if let Some(agg) = agg {
                    let AggExtra {
                        order,
                        filter,
                        over,
                        ..
                    } = agg.$as();
                    out.extend(order.$iter().map(|(n, _, _)| n));
                    out.extend(filter.$iter());
                    if let Some(WindowRef::Spec(w)) = over {
                        out.extend(w.$nodes());
                    }
                }
            }
            Node::Op { args, .. }
            | Node::Bool { args, .. }
            | Node::Distinct { args, .. }
            | Node::NullIf { args, .. }
            | Node::ScalarArray { args, .. }
            | Node::Coalesce { args, .. }
            | Node::MinMax { args, .. }
            | Node::Row { args } => out.extend(args.$iter()),
            Node::Array { elems, .. } => out.extend(elems.$iter()),
            Node::NullTest { arg, .. }
            | Node::BoolTest { arg, .. }
            | Node::Coerce { arg, .. }
            | Node::FieldSelect { arg, .. }
            | Node::Collate { arg, .. }
            | Node::Named { arg, .. } => out.push(arg),
            Node::Subscript { arg, subs, .. } => {
                out.push(arg);
                for (a, b, _) in subs {
                    out.extend(a.$iter());
                    out.extend(b.$iter());
                }
            }
            Node::Case {
                arg,
                whens,
                default,
                ..
            } => {
                out.extend(arg.$iter().map(|a| a.$as()));
                for (w, r) in whens {
                    out.push(w);
                    out.push(r);
                }
                out.push(default);
            }
            Node::SubLink(s) => out.extend(s.test.$iter()),
            Node::Const { .. }
            | Node::Var { .. }
            | Node::WholeRow { .. }
            | Node::SqlValue { .. }
            | Node::Raw { .. } => {}
        }
        out
    }};
}

impl Node {
    /// `exprType`.
    pub fn ty(&self) -> Ty {
        match self {
            Node::Const { ty, .. }
            | Node::Var { ty, .. }
            | Node::WholeRow { ty, .. }
            | Node::Op { ty, .. }
            | Node::NullIf { ty, .. }
            | Node::Array { ty, .. }
            | Node::Coerce { ty, .. }
            | Node::Case { ty, .. }
            | Node::Coalesce { ty, .. }
            | Node::MinMax { ty, .. }
            | Node::SqlValue { ty, .. }
            | Node::FieldSelect { ty, .. }
            | Node::Subscript { ty, .. }
            | Node::Raw { ty, .. } => ty.clone(),
            Node::Func(f) => f.ty.clone(),
            Node::Bool { .. }
            | Node::NullTest { .. }
            | Node::BoolTest { .. }
            | Node::Distinct { .. }
            | Node::ScalarArray { .. } => Ty::b("bool"),
            Node::SubLink(s) => s.ty.clone(),
            Node::Row { .. } => Ty::b("record"),
            Node::Collate { arg, .. } | Node::Named { arg, .. } => arg.ty(),
        }
    }

    /// `exprTypmod` (empty for -1).
    pub fn typmod(&self) -> Vec<i64> {
        match self {
            Node::Const { typmod, .. } | Node::Var { typmod, .. } | Node::Coerce { typmod, .. } => {
                typmod.clone()
            }
            Node::SqlValue { typmod, .. } => typmod.iter().copied().collect(),
            Node::Collate { arg, .. } => arg.typmod(),
            _ => Vec::new(),
        }
    }

    /// `exprTypmod`: the type modifiers the expression's result keeps (a column's, a length
    /// coercion's; `CASE`, `COALESCE`, `GREATEST`/`LEAST` and `ARRAY[…]` when every input agrees;
    /// a scalar or `ARRAY` sub-select's first column's). Empty for -1.
    pub fn expr_typmod(&self) -> Vec<i64> {
        /// The common typmod of `nodes` when they all have type `ty` and the same typmod.
        fn agreed<'n>(mut nodes: impl Iterator<Item = &'n Node>, ty: &Ty) -> Vec<i64> {
            let Some(first) = nodes.next() else {
                return Vec::new();
            };
            if first.ty() != *ty {
                return Vec::new();
            }
            let m = first.expr_typmod();
            if m.is_empty() {
                return m;
            }
            for n in nodes {
                if n.ty() != *ty || n.expr_typmod() != m {
                    return Vec::new();
                }
            }
            m
        }
        match self {
            Node::Const { typmod, .. } | Node::Var { typmod, .. } | Node::Coerce { typmod, .. } => {
                typmod.clone()
            }
            Node::SqlValue { typmod, .. } => typmod.iter().copied().collect(),
            Node::Collate { arg, .. } => arg.expr_typmod(),
            Node::Case {
                whens, default, ty, ..
            } => agreed(
                std::iter::once(default.as_ref()).chain(whens.iter().map(|(_, r)| r)),
                ty,
            ),
            Node::Coalesce { args, ty } | Node::MinMax { args, ty, .. } => agreed(args.iter(), ty),
            Node::NullIf { args, .. } => args.first().map(Node::expr_typmod).unwrap_or_default(),
            Node::Array { elems, ty } => {
                if elems.iter().any(|e| matches!(e, Node::Array { .. })) {
                    agreed(elems.iter(), ty)
                } else {
                    agreed(elems.iter(), &ty.elem())
                }
            }
            Node::SubLink(s) if matches!(s.kind, SubLinkKind::Expr | SubLinkKind::Array) => s
                .query
                .output()
                .first()
                .map(|c| c.2.clone())
                .unwrap_or_default(),
            Node::Subscript { arg, .. } => arg.expr_typmod(),
            Node::FieldSelect { typmod, .. } => typmod.clone(),
            _ => Vec::new(),
        }
    }

    /// Whether this is a `Const` (NULL or not).
    pub fn is_const(&self) -> bool {
        matches!(self, Node::Const { .. })
    }

    /// An untyped literal (`'x'` or `NULL` before coercion).
    pub fn is_unknown_literal(&self) -> bool {
        matches!(self, Node::Const { ty, .. } if ty.is_unknown())
    }

    /// `NULL` constant of type `unknown`.
    pub fn null() -> Node {
        Node::Const {
            ty: Ty::unknown(),
            typmod: Vec::new(),
            value: None,
        }
    }

    /// Whether the expression contains a column of the current query level.
    pub fn contains_vars(&self) -> bool {
        let mut found = false;
        self.walk(&mut |n| {
            if matches!(n, Node::Var { .. } | Node::WholeRow { .. }) {
                found = true;
            }
        });
        found
    }

    /// The direct sub-nodes, mutably (with those of aggregate and window clauses; not the
    /// queries of sub-selects).
    pub fn children_mut(&mut self) -> Vec<&mut Node> {
        direct_children!(self, &mut Node, iter_mut, as_mut, nodes_mut)
    }

    /// The direct sub-nodes (with those of aggregate and window clauses; not the queries of
    /// sub-selects).
    pub fn children(&self) -> Vec<&Node> {
        direct_children!(self, &Node, iter, as_ref, nodes)
    }

    /// Calls `f` on this node and every sub-node (not descending into sub-selects).
    pub fn walk(&self, f: &mut dyn FnMut(&Node)) {
        f(self);
        match self {
            Node::Func(c) => c.args.iter().for_each(|a| a.walk(f)),
            Node::Op { args, .. }
            | Node::Bool { args, .. }
            | Node::Distinct { args, .. }
            | Node::NullIf { args, .. }
            | Node::ScalarArray { args, .. }
            | Node::Coalesce { args, .. }
            | Node::MinMax { args, .. }
            | Node::Row { args } => args.iter().for_each(|a| a.walk(f)),
            Node::Array { elems, .. } => elems.iter().for_each(|a| a.walk(f)),
            Node::NullTest { arg, .. }
            | Node::BoolTest { arg, .. }
            | Node::Coerce { arg, .. }
            | Node::FieldSelect { arg, .. }
            | Node::Collate { arg, .. }
            | Node::Named { arg, .. } => arg.walk(f),
            Node::Subscript { arg, subs, .. } => {
                arg.walk(f);
                for (a, b, _) in subs {
                    if let Some(a) = a {
                        a.walk(f);
                    }
                    if let Some(b) = b {
                        b.walk(f);
                    }
                }
            }
            Node::Case {
                arg,
                whens,
                default,
                ..
            } => {
                if let Some(a) = arg {
                    a.walk(f);
                }
                for (w, r) in whens {
                    w.walk(f);
                    r.walk(f);
                }
                default.walk(f);
            }
            Node::SubLink(s) => {
                if let Some(t) = &s.test {
                    t.walk(f);
                }
            }
            Node::Const { .. }
            | Node::Var { .. }
            | Node::WholeRow { .. }
            | Node::SqlValue { .. }
            | Node::Raw { .. } => {}
        }
    }
}
