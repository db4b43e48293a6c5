//! Column references, whole-row references and field selection (`(row).field`, `t.*`).

use crate::pg::deparse::node::Node;
use crate::pg::deparse::typesys::{CoercionContext, Ty};
use sqlparser::ast::Expr;

use super::*;

impl<'a, 'c> Analyzer<'a, 'c> {
    /// A column reference (`col`, `tab.col`, `schema.tab.col`).
    pub(super) fn column_ref(&mut self, parts: &[String], whole: &Expr) -> Node {
        let (qual, col) = match parts {
            [c] => (None, c.as_str()),
            [t, c] => (Some(t.as_str()), c.as_str()),
            [_, t, c] => (Some(t.as_str()), c.as_str()),
            [_, _, t, c] => (Some(t.as_str()), c.as_str()),
            _ => return self.raw(whole),
        };
        for scope in self.scopes.iter().rev() {
            let matches = |rte: &&Rte| qual.is_none_or(|q| rte.lookup == q);
            for rte in scope.iter().filter(matches) {
                if let Some(i) = rte.columns.iter().position(|c| c.0 == col) {
                    if let Some(v) = rte.var(i) {
                        return v;
                    }
                }
            }
            // A relation the catalog does not know: assume the column is its.
            if let Some(rte) = scope.iter().filter(matches).find(|r| !r.known) {
                self.unmodelled.set(true);
                return Node::Var {
                    name: col.to_string(),
                    rel: rte.refname.clone(),
                    ty: Ty::opaque(),
                    typmod: Vec::new(),
                };
            }
        }
        // A bare table name is a whole-row reference.
        if qual.is_none() {
            if let Some(n) = self.whole_row(col) {
                return n;
            }
            if let Some(n) = self.sql_value_function(col, None) {
                return n;
            }
        }
        let rel = qual
            .map(str::to_string)
            .or_else(|| {
                self.scopes
                    .last()
                    .and_then(|s| s.first())
                    .map(|r| r.refname.clone())
            })
            .unwrap_or_default();
        self.unmodelled.set(true);
        Node::Var {
            name: col.to_string(),
            rel,
            ty: Ty::opaque(),
            typmod: Vec::new(),
        }
    }

    /// `rel.*` or a bare `rel` as a value: the whole row of a FROM item (the single column of a
    /// function returning a scalar).
    pub fn whole_row(&mut self, rel: &str) -> Option<Node> {
        for scope in self.scopes.iter().rev() {
            if let Some(rte) = scope.iter().find(|r| r.lookup == rel && r.rels.is_none()) {
                if rte.scalar {
                    return rte.var(0);
                }
                return Some(Node::WholeRow {
                    rel: rte.refname.clone(),
                    ty: rte.rowtype.clone().unwrap_or_else(|| Ty::b("record")),
                });
            }
        }
        None
    }

    /// `(x).field`, `x[i]`, `x[a:b]`.
    pub(in crate::pg::deparse) fn field_access(
        &mut self,
        root: &Expr,
        chain: &[sqlparser::ast::AccessExpr],
        whole: &Expr,
    ) -> Node {
        use sqlparser::ast::{AccessExpr, Subscript};
        // `t.col[1]`: the dotted names before the first subscript are a column reference.
        let mut chain = chain;
        let mut node = match root {
            Expr::Identifier(_) | Expr::CompoundIdentifier(_)
                if matches!(chain.first(), Some(AccessExpr::Dot(Expr::Identifier(_)))) =>
            {
                let mut parts: Vec<String> = match root {
                    Expr::CompoundIdentifier(ids) => ids.iter().map(|i| self.ident(i)).collect(),
                    Expr::Identifier(id) => vec![self.ident(id)],
                    _ => Vec::new(),
                };
                while let Some(AccessExpr::Dot(Expr::Identifier(f))) = chain.first() {
                    parts.push(self.ident(f));
                    chain = &chain[1..];
                }
                self.column_ref(&parts, whole)
            }
            _ => self.expr(root),
        };
        for acc in chain {
            match acc {
                AccessExpr::Subscript(Subscript::Index { index }) => {
                    let i = self.expr(index);
                    let i = self.coerce_to_target(
                        i,
                        &Ty::b("int4"),
                        &[],
                        CoercionContext::Assignment,
                        false,
                    );
                    let base = node.ty();
                    let ty = if base.is("jsonb") {
                        base.clone()
                    } else {
                        base.elem()
                    };
                    node = Node::Subscript {
                        arg: Box::new(node),
                        subs: vec![(Some(i), None, false)],
                        ty,
                    };
                }
                AccessExpr::Subscript(Subscript::Slice {
                    lower_bound,
                    upper_bound,
                    ..
                }) => {
                    let mut b = |x: &Option<Expr>| {
                        x.as_ref().map(|x| {
                            let n = self.expr(x);
                            self.coerce_to_target(
                                n,
                                &Ty::b("int4"),
                                &[],
                                CoercionContext::Assignment,
                                false,
                            )
                        })
                    };
                    let lo = b(lower_bound);
                    let hi = b(upper_bound);
                    let ty = node.ty();
                    node = Node::Subscript {
                        arg: Box::new(node),
                        subs: vec![(lo, hi, true)],
                        ty,
                    };
                }
                AccessExpr::Dot(Expr::Identifier(id)) => {
                    let field = self.ident(id);
                    let (ty, typmod) = self
                        .node_row_columns(&node)
                        .and_then(|cols| cols.into_iter().find(|(n, _, _)| *n == field))
                        .map(|(_, t, m)| (t, m))
                        .unwrap_or_else(|| (Ty::opaque(), Vec::new()));
                    node = Node::FieldSelect {
                        arg: Box::new(node),
                        field,
                        ty,
                        typmod,
                    };
                }
                AccessExpr::Dot(_) => return self.raw(whole),
            }
        }
        node
    }
}
