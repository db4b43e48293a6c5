//! Function and aggregate calls, with their window specifications and `ORDER BY` lists.

use crate::catalog::quote_ident;
use crate::pg::deparse::node::{
    FrameBound, FuncCall, Node, SortItem, Syntax, WindowRef, WindowSpec,
};
use crate::pg::deparse::typesys::Ty;

use super::*;

impl<'a, 'c> Printer<'a, 'c> {
    /// `generate_function_name`.
    pub(super) fn func_name(&self, f: &FuncCall) -> String {
        let name = &f.func.name;
        if f.func.schema.is_empty() {
            return quote_ident(name);
        }
        let mut types: Vec<Ty> = f
            .args
            .iter()
            .map(|a| match a {
                Node::Named { arg, .. } => arg.ty(),
                a => a.ty(),
            })
            .collect();
        if let Some(agg) = f.agg.as_ref().filter(|a| a.within_group) {
            types.extend(agg.order.iter().map(|(n, _, _)| n.ty()));
        }
        let visible = self.ctx.function_visible(&f.func, &types, f.variadic);
        if visible {
            quote_ident(name)
        } else {
            format!("{}.{}", quote_ident(&f.func.schema), quote_ident(name))
        }
    }

    /// `get_func_expr` (and `get_agg_expr` for aggregates).
    pub(super) fn func(&mut self, f: &FuncCall, n: &Node) {
        let args = &f.args;
        match f.syntax {
            Syntax::AtTimeZone if args.len() == 2 => {
                self.buf.push('(');
                self.expr_paren(&args[1], false, n);
                self.buf.push_str(" AT TIME ZONE ");
                self.expr_paren(&args[0], false, n);
                self.buf.push(')');
                return;
            }
            Syntax::Position if args.len() == 2 => {
                self.buf.push_str("POSITION((");
                self.expr(&args[1], false);
                self.buf.push_str(") IN (");
                self.expr(&args[0], false);
                self.buf.push_str("))");
                return;
            }
            Syntax::Substring if args.len() >= 2 && args[1].ty().is("int4") => {
                self.buf.push_str("SUBSTRING(");
                self.expr(&args[0], false);
                self.buf.push_str(" FROM ");
                self.expr(&args[1], false);
                if let Some(a) = args.get(2) {
                    self.buf.push_str(" FOR ");
                    self.expr(a, false);
                }
                self.buf.push(')');
                return;
            }
            Syntax::Trim(kw) if !args.is_empty() => {
                self.buf.push_str("TRIM(");
                self.buf.push_str(kw);
                if let Some(a) = args.get(1) {
                    self.buf.push(' ');
                    self.expr(a, false);
                }
                self.buf.push_str(" FROM ");
                self.expr(&args[0], false);
                self.buf.push(')');
                return;
            }
            Syntax::Extract if args.len() == 2 => {
                self.buf.push_str("EXTRACT(");
                if let Node::Const { value: Some(v), .. } = &args[0] {
                    self.buf.push_str(v);
                }
                self.buf.push_str(" FROM ");
                self.expr(&args[1], false);
                self.buf.push(')');
                return;
            }
            Syntax::Overlaps if args.len() == 4 => {
                self.buf.push_str("((");
                self.expr(&args[0], false);
                self.buf.push_str(", ");
                self.expr(&args[1], false);
                self.buf.push_str(") OVERLAPS (");
                self.expr(&args[2], false);
                self.buf.push_str(", ");
                self.expr(&args[3], false);
                self.buf.push_str("))");
                return;
            }
            Syntax::CollationFor if args.len() == 1 => {
                self.buf.push_str("COLLATION FOR (");
                self.expr(&args[0], false);
                self.buf.push(')');
                return;
            }
            Syntax::Grouping => {
                self.buf.push_str("GROUPING(");
                self.list(args, true);
                self.buf.push(')');
                return;
            }
            Syntax::Overlay if args.len() >= 3 => {
                self.buf.push_str("OVERLAY(");
                self.expr(&args[0], false);
                self.buf.push_str(" PLACING ");
                self.expr(&args[1], false);
                self.buf.push_str(" FROM ");
                self.expr(&args[2], false);
                if let Some(a) = args.get(3) {
                    self.buf.push_str(" FOR ");
                    self.expr(a, false);
                }
                self.buf.push(')');
                return;
            }
            _ => {}
        }
        let name = self.func_name(f);
        self.buf.push_str(&name);
        self.buf.push('(');
        if f.distinct {
            self.buf.push_str("DISTINCT ");
        }
        if f.star {
            self.buf.push('*');
        }
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            if f.variadic && i + 1 == args.len() {
                self.buf.push_str("VARIADIC ");
            }
            self.expr(a, true);
        }
        if let Some(agg) = &f.agg {
            if agg.within_group {
                self.buf.push_str(") WITHIN GROUP (ORDER BY ");
                self.order_list(&agg.order);
            } else if agg.over.is_none() && !agg.order.is_empty() {
                self.buf.push_str(" ORDER BY ");
                self.order_list(&agg.order);
            }
            if let Some(filter) = &agg.filter {
                self.buf.push_str(") FILTER (WHERE ");
                self.expr(filter, false);
            }
            match &agg.over {
                Some(WindowRef::Named(w)) => {
                    self.buf.push_str(") OVER ");
                    self.buf.push_str(&quote_ident(w));
                    return;
                }
                Some(WindowRef::Spec(spec)) => {
                    self.buf.push_str(") OVER ");
                    self.window_spec(spec);
                    return;
                }
                None => {}
            }
        }
        self.buf.push(')');
    }

    /// `get_rule_windowspec`.
    pub fn window_spec(&mut self, w: &WindowSpec) {
        self.buf.push('(');
        let mut need_space = false;
        if let Some(base) = &w.base {
            self.buf.push_str(&quote_ident(base));
            need_space = true;
        }
        if !w.partition.is_empty() && w.base.is_none() {
            if need_space {
                self.buf.push(' ');
            }
            self.buf.push_str("PARTITION BY ");
            for (i, p) in w.partition.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.sort_group_item(p);
            }
            need_space = true;
        }
        if !w.order.is_empty() {
            if need_space {
                self.buf.push(' ');
            }
            self.buf.push_str("ORDER BY ");
            self.order_list(&w.order);
            need_space = true;
        }
        if let Some(f) = &w.frame {
            if need_space {
                self.buf.push(' ');
            }
            self.buf.push_str(f.units);
            self.buf.push(' ');
            if f.end.is_some() {
                self.buf.push_str("BETWEEN ");
            }
            self.frame_bound(&f.start);
            if let Some(e) = &f.end {
                self.buf.push_str("AND ");
                self.frame_bound(e);
            }
            self.buf.pop();
        }
        self.buf.push(')');
    }

    pub(super) fn frame_bound(&mut self, b: &FrameBound) {
        match b {
            FrameBound::Keyword(k) => {
                self.buf.push_str(k);
                self.buf.push(' ');
            }
            FrameBound::Offset(n, preceding) => {
                self.expr(n, false);
                self.buf.push_str(if *preceding {
                    " PRECEDING "
                } else {
                    " FOLLOWING "
                });
            }
        }
    }

    /// `get_rule_orderby`: sort keys with `DESC` and the non-default null orderings.
    pub fn order_list(&mut self, items: &[SortItem]) {
        for (i, (e, desc, nulls_first)) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            self.sort_group_item(e);
            if *desc {
                self.buf.push_str(" DESC");
            }
            if *nulls_first && !*desc {
                self.buf.push_str(" NULLS FIRST");
            } else if !*nulls_first && *desc {
                self.buf.push_str(" NULLS LAST");
            }
        }
    }
}
