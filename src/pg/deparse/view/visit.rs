//! Walks over an analysed query that may change it (renames).

use crate::pg::deparse::node::Node;
use crate::pg::deparse::query::{FromItem, Query};

/// Calls `node` on every expression and `from` on every FROM item of `q` and of the queries
/// nested in it.
pub(super) fn visit_mut(
    q: &mut Query,
    node: &mut dyn FnMut(&mut Node),
    from: &mut dyn FnMut(&mut FromItem),
) {
    for c in &mut q.ctes {
        visit_mut(&mut c.query, node, from);
    }
    if let Some(op) = &mut q.set_op {
        visit_mut(&mut op.left, node, from);
        visit_mut(&mut op.right, node, from);
    }
    for f in &mut q.from {
        visit_from_mut(f, node, from);
    }
    let mut roots: Vec<&mut Node> = Vec::new();
    roots.extend(q.distinct.iter_mut().flatten());
    roots.extend(q.targets.iter_mut().map(|(n, _)| n));
    roots.extend(q.filter.iter_mut());
    roots.extend(q.group_by.iter_mut());
    roots.extend(q.grouping.iter_mut().flat_map(|g| g.nodes_mut()));
    roots.extend(q.having.iter_mut());
    roots.extend(q.order_by.iter_mut().map(|(n, _, _)| n));
    roots.extend(q.limit.iter_mut());
    roots.extend(q.offset.iter_mut());
    roots.extend(q.values.iter_mut().flatten().flatten());
    for (_, w) in &mut q.windows {
        roots.extend(w.nodes_mut());
    }
    for r in roots {
        visit_node_mut(r, node, from);
    }
}

pub(super) fn visit_from_mut(
    f: &mut FromItem,
    node: &mut dyn FnMut(&mut Node),
    from: &mut dyn FnMut(&mut FromItem),
) {
    from(f);
    match f {
        FromItem::Join {
            left, right, on, ..
        } => {
            visit_from_mut(left, node, from);
            visit_from_mut(right, node, from);
            if let Some(on) = on {
                visit_node_mut(on, node, from);
            }
        }
        FromItem::Subquery { query, .. } => visit_mut(query, node, from),
        FromItem::Function { call, .. } => visit_node_mut(call, node, from),
        FromItem::Rel { .. } | FromItem::Cte { .. } => {}
    }
}

pub(super) fn visit_node_mut(
    n: &mut Node,
    node: &mut dyn FnMut(&mut Node),
    from: &mut dyn FnMut(&mut FromItem),
) {
    node(n);
    if let Node::SubLink(s) = n {
        visit_mut(&mut s.query, node, from);
    }
    for c in n.children_mut() {
        visit_node_mut(c, node, from);
    }
}
