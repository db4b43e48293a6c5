//! Walks over an analysed query: shared (questions about it) or mutable (renames). One macro
//! writes both, so they visit the same parts in the same order.

use crate::pg::deparse::node::Node;
use crate::pg::deparse::query::{FromItem, Query};

/// Defines a query walker, its FROM-item walker and its node walker over `$r` references
/// (`&` or `&mut`), with `$iter`/`$nodes`/`$children` the matching accessors.
macro_rules! walkers {
    ($query:ident, $from_fn:ident, $node_fn:ident, [$($r:tt)+], $iter:ident, $nodes:ident,
     $children:ident) => {
        /// Calls `node` on every expression and `from` on every FROM item of `q` and of the
        /// queries nested in it.
        pub(super) fn $query(
            q: $($r)+ Query,
            node: &mut dyn FnMut($($r)+ Node),
            from: &mut dyn FnMut($($r)+ FromItem),
        ) {
            for c in q.ctes.$iter() {
                $query($($r)+ c.query, node, from);
            }
            if let Some(op) = $($r)+ q.set_op {
                $query($($r)+ op.left, node, from);
                $query($($r)+ op.right, node, from);
            }
            for f in q.from.$iter() {
                $from_fn(f, node, from);
            }
            let mut roots: Vec<$($r)+ Node> = Vec::new();
            roots.extend(q.distinct.$iter().flatten());
            roots.extend(q.targets.$iter().map(|(n, _)| n));
            roots.extend(q.filter.$iter());
            roots.extend(q.group_by.$iter());
            roots.extend(q.grouping.$iter().flat_map(|g| g.$nodes()));
            roots.extend(q.having.$iter());
            roots.extend(q.order_by.$iter().map(|(n, _, _)| n));
            roots.extend(q.limit.$iter());
            roots.extend(q.offset.$iter());
            roots.extend(q.values.$iter().flatten().flatten());
            for (_, w) in q.windows.$iter() {
                roots.extend(w.$nodes());
            }
            for r in roots {
                $node_fn(r, node, from);
            }
        }

        /// Calls `from` on the FROM item and the items joined in it, `node` on the
        /// expressions in them (and in the queries nested in them).
        pub(super) fn $from_fn(
            f: $($r)+ FromItem,
            node: &mut dyn FnMut($($r)+ Node),
            from: &mut dyn FnMut($($r)+ FromItem),
        ) {
            from(f);
            match f {
                FromItem::Join {
                    left, right, on, ..
                } => {
                    $from_fn(left, node, from);
                    $from_fn(right, node, from);
                    if let Some(on) = on {
                        $node_fn(on, node, from);
                    }
                }
                FromItem::Subquery { query, .. } => $query(query, node, from),
                FromItem::Function { calls, .. } => {
                    for call in calls {
                        $node_fn(call, node, from);
                    }
                }
                FromItem::Rel { .. } | FromItem::Cte { .. } => {}
            }
        }

        /// Calls `node` on the expression and every sub-expression, `from` on the FROM
        /// items of its sub-selects.
        pub(super) fn $node_fn(
            n: $($r)+ Node,
            node: &mut dyn FnMut($($r)+ Node),
            from: &mut dyn FnMut($($r)+ FromItem),
        ) {
            node(n);
            if let Node::SubLink(s) = n {
                $query($($r)+ s.query, node, from);
            }
            for c in n.$children() {
                $node_fn(c, node, from);
            }
        }
    };
}

walkers!(visit_mut, visit_from_mut, visit_node_mut, [&mut], iter_mut, nodes_mut, children_mut);
walkers!(visit, visit_from, visit_node, [&], iter, nodes, children);
