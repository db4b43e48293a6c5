//! WHERE and ON split into conjuncts, each placed at the first FROM item that binds all its
//! columns; equality conjuncts become lookup keys.

use crate::sql::replay::guard::expr::{CExpr, Cmp};

use super::{Body, CQuery, Source, SrcKind};

pub(super) fn split_and(e: CExpr, out: &mut Vec<CExpr>) {
    match e {
        CExpr::And(l, r) => {
            split_and(*l, out);
            split_and(*r, out);
        }
        other => out.push(other),
    }
}

/// Slots of the current level an expression reads (subqueries' outer references included).
fn slots(e: &CExpr, depth: usize, out: &mut Vec<usize>) {
    use CExpr::*;
    match e {
        Col(s) if depth == 0 => out.push(*s),
        Outer(up, s) if *up == depth => out.push(*s),
        Col(_) | Outer(..) | Const(_) | Var(_) | Param(_) | Agg(_) | Unknown(_) => {}
        Field(x, _) | Not(x) | Neg(x) | IsNull(x, _) | IsBool(x, _, _) | Cast(x, _) => {
            slots(x, depth, out)
        }
        And(a, b)
        | Or(a, b)
        | Cmp(_, a, b)
        | Bin(_, a, b)
        | Distinct(a, b, _)
        | Quant(_, _, a, b)
        | Like(a, b, _, _) => {
            slots(a, depth, out);
            slots(b, depth, out);
        }
        Between(a, b, c, _) => {
            slots(a, depth, out);
            slots(b, depth, out);
            slots(c, depth, out);
        }
        InList(x, items, _) => {
            slots(x, depth, out);
            items.iter().for_each(|i| slots(i, depth, out));
        }
        Func(_, items) | Array(items) | Row(items) => {
            items.iter().for_each(|i| slots(i, depth, out))
        }
        Case(o, whens, el) => {
            if let Some(o) = o {
                slots(o, depth, out);
            }
            for (w, t) in whens {
                slots(w, depth, out);
                slots(t, depth, out);
            }
            if let Some(e) = el {
                slots(e, depth, out);
            }
        }
        Index(x, a, b) => {
            slots(x, depth, out);
            slots(a, depth, out);
            if let Some(b) = b {
                slots(b, depth, out);
            }
        }
        InQuery(x, q, _) | QuantQuery(_, _, x, q) => {
            slots(x, depth, out);
            query_slots(q, depth + 1, out);
        }
        Exists(q, _) | Scalar(q) | ArrayQuery(q) => query_slots(q, depth + 1, out),
    }
}

fn query_slots(q: &CQuery, depth: usize, out: &mut Vec<usize>) {
    match &q.body {
        Body::Select(s) => {
            for e in s.pre.iter().chain(&s.post).chain(&s.proj) {
                slots(e, depth, out);
            }
            for src in &s.sources {
                for e in &src.conds {
                    slots(e, depth, out);
                }
                for (_, e) in &src.keys {
                    slots(e, depth, out);
                }
                match &src.kind {
                    SrcKind::Sub(q) => query_slots(q, depth + 1, out),
                    SrcKind::Unnest(a, _) | SrcKind::Series(a) => {
                        a.iter().for_each(|e| slots(e, depth, out))
                    }
                    SrcKind::One(e) => slots(e, depth, out),
                    _ => {}
                }
            }
            if let Some(g) = &s.grouping {
                for e in g.keys.iter().chain(g.having.iter()) {
                    slots(e, depth, out);
                }
                for a in &g.aggs {
                    a.args.iter().for_each(|e| slots(e, depth, out));
                    if let Some(f) = &a.filter {
                        slots(f, depth, out);
                    }
                }
            }
        }
        Body::Values(rows) => rows.iter().flatten().for_each(|e| slots(e, depth, out)),
        Body::SetOp(_, _, l, r) => {
            query_slots(l, depth, out);
            query_slots(r, depth, out);
        }
    }
    if let Some(l) = &q.limit {
        slots(l, depth, out);
    }
}

fn source_of(slot: usize, sources: &[Source]) -> usize {
    sources
        .iter()
        .position(|s| slot >= s.offset && slot < s.offset + s.ncols)
        .unwrap_or(0)
}

/// Places each conjunct at the first FROM item binding all it reads, and derives lookup keys.
pub(super) fn place_conjuncts(
    pool: Vec<CExpr>,
    sources: &mut [Source],
) -> (Vec<CExpr>, Vec<CExpr>) {
    let mut pre = Vec::new();
    let mut post = Vec::new();
    // Keys from LEFT JOIN ON clauses.
    for i in 0..sources.len() {
        if sources[i].left {
            let conds = std::mem::take(&mut sources[i].conds);
            let mut cond_keys = Vec::with_capacity(conds.len());
            for c in &conds {
                cond_keys.push(add_key(c, i, sources));
            }
            sources[i].conds = conds;
            sources[i].cond_keys = cond_keys;
        }
    }
    for c in pool {
        let mut s = Vec::new();
        slots(&c, 0, &mut s);
        if s.is_empty() {
            pre.push(c);
            continue;
        }
        let at = s.iter().map(|x| source_of(*x, sources)).max().unwrap_or(0);
        let reads_left = s.iter().any(|x| sources[source_of(*x, sources)].left);
        if reads_left {
            post.push(c);
            continue;
        }
        let key = add_key(&c, at, sources);
        // Conditions placed before (a LEFT JOIN's ON clause) gave no key record: align.
        let n = sources[at].conds.len();
        sources[at].cond_keys.resize(n, None);
        sources[at].cond_keys.push(key);
        sources[at].conds.push(c);
    }
    for src in sources.iter_mut() {
        let reads_earlier = src.keys.iter().any(|(_, e)| {
            let mut s = Vec::new();
            slots(e, 0, &mut s);
            !s.is_empty()
        });
        let usable = match &src.kind {
            SrcKind::Virtual(vt) => src
                .keys
                .iter()
                .any(|(col, _)| vt.indexed.contains(&vt.columns[*col])),
            _ => false,
        };
        src.hash = reads_earlier && !usable;
    }
    (pre, post)
}

/// `col = expr` where `col` belongs to item `i` and `expr` reads only earlier items: the
/// index of the key added.
fn add_key(c: &CExpr, i: usize, sources: &mut [Source]) -> Option<usize> {
    let CExpr::Cmp(Cmp::Eq, l, r) = c else {
        return None;
    };
    let own = |e: &CExpr| match e {
        CExpr::Col(s) if source_of(*s, sources) == i && *s >= sources[i].offset => {
            Some(*s - sources[i].offset)
        }
        _ => None,
    };
    let earlier = |e: &CExpr| {
        let mut s = Vec::new();
        slots(e, 0, &mut s);
        s.iter().all(|x| source_of(*x, sources) < i) && !matches!(e, CExpr::Unknown(_))
    };
    let key = match (own(l), own(r)) {
        (Some(col), None) if earlier(r) => Some((col, clone_expr(r))),
        (None, Some(col)) if earlier(l) => Some((col, clone_expr(l))),
        _ => None,
    };
    if let Some((col, Some(e))) = key {
        sources[i].keys.push((col, e));
        return Some(sources[i].keys.len() - 1);
    }
    None
}

/// A copy of a simple key expression (columns, constants, variables, casts, functions).
fn clone_expr(e: &CExpr) -> Option<CExpr> {
    Some(match e {
        CExpr::Col(s) => CExpr::Col(*s),
        CExpr::Outer(u, s) => CExpr::Outer(*u, *s),
        CExpr::Const(v) => CExpr::Const(v.clone()),
        CExpr::Var(n) => CExpr::Var(n.clone()),
        CExpr::Param(p) => CExpr::Param(*p),
        CExpr::Field(b, f) => CExpr::Field(Box::new(clone_expr(b)?), f.clone()),
        CExpr::Cast(b, t) => CExpr::Cast(Box::new(clone_expr(b)?), t.clone()),
        CExpr::Func(f, args) => {
            CExpr::Func(*f, args.iter().map(clone_expr).collect::<Option<Vec<_>>>()?)
        }
        _ => return None,
    })
}
