//! What aggregate and window function calls carry besides their arguments: `ORDER BY` inside
//! the argument list, `FILTER (WHERE …)` and `OVER …` (`transformAggregateCall`,
//! `transformWindowFuncCall`, `transformWindowDefinitions`).

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentClause, FunctionArguments,
    OrderByExpr, WindowFrameBound, WindowFrameUnits, WindowSpec as SqlWindowSpec, WindowType,
};

use super::analyze::Analyzer;
use super::node::{AggExtra, Frame, FrameBound, Node, SortItem, WindowRef, WindowSpec};
use super::typesys::{CoercionContext, Ty};

impl Analyzer<'_, '_> {
    /// Attaches `ORDER BY`, `FILTER` and `OVER` of `f` to its analysed call `node`; `false` (and
    /// the call as it was) when the call has a clause that is not modelled (`WITHIN GROUP`,
    /// `IGNORE NULLS`, a `RANGE` offset…).
    pub fn attach_agg(&mut self, node: Node, f: &Function) -> (Node, bool) {
        let list = match &f.args {
            FunctionArguments::List(l) => Some(l),
            _ => None,
        };
        let clauses = list.map(|l| l.clauses.as_slice()).unwrap_or_default();
        if f.filter.is_none()
            && f.over.is_none()
            && clauses.is_empty()
            && f.within_group.is_empty()
            && f.null_treatment.is_none()
        {
            return (node, true);
        }
        let only_order_by = clauses
            .iter()
            .all(|c| matches!(c, FunctionArgumentClause::OrderBy(_)));
        if f.null_treatment.is_some() || !only_order_by {
            return (node, false);
        }
        let Node::Func(mut call) = node else {
            return (node, false);
        };
        let mut extra = AggExtra::default();
        if !f.within_group.is_empty() {
            // The sort keys were analysed as the last arguments (`function`).
            let n = call.args.len().saturating_sub(f.within_group.len());
            let keys = call.args.split_off(n);
            extra.within_group = true;
            extra.order = keys
                .into_iter()
                .zip(&f.within_group)
                .map(|(k, it)| sort_item(k, it))
                .collect();
        }
        for c in clauses {
            let FunctionArgumentClause::OrderBy(items) = c else {
                continue;
            };
            // A sort key written like an argument is that argument's target entry, coerced.
            let written: Vec<Option<&Expr>> = list
                .map(|l| {
                    l.args
                        .iter()
                        .map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(x),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            for it in items {
                let same_arg = (!call.variadic)
                    .then(|| written.iter().position(|w| *w == Some(&it.expr)))
                    .flatten()
                    .and_then(|i| call.args.get(i).cloned());
                let n = match same_arg {
                    Some(n) => n,
                    None => self.expr(&it.expr),
                };
                extra.order.push(sort_item(n, it));
            }
        }
        if let Some(w) = &f.filter {
            extra.filter = Some(self.boolean(w));
        }
        extra.over = match &f.over {
            None => None,
            Some(WindowType::NamedWindow(id)) => Some(WindowRef::Named(self.ident(id))),
            Some(WindowType::WindowSpec(spec)) => match self.window_spec(spec) {
                Some(w) => Some(WindowRef::Spec(w)),
                None => return (Node::Func(call), false),
            },
        };
        call.agg = Some(Box::new(extra));
        (Node::Func(call), true)
    }

    /// A window specification (`OVER (…)` or a `WINDOW` clause entry).
    pub fn window_spec(&mut self, spec: &SqlWindowSpec) -> Option<WindowSpec> {
        let mut out = WindowSpec {
            base: spec.window_name.as_ref().map(|n| self.ident(n)),
            ..Default::default()
        };
        for p in &spec.partition_by {
            let n = self.expr(p);
            out.partition.push(n);
        }
        for it in &spec.order_by {
            let n = self.expr(&it.expr);
            out.order.push(sort_item(n, it));
        }
        if let Some(f) = &spec.window_frame {
            let units = match f.units {
                WindowFrameUnits::Rows => "ROWS",
                WindowFrameUnits::Range => "RANGE",
                WindowFrameUnits::Groups => "GROUPS",
            };
            // ROWS and GROUPS offsets are bigint; a RANGE offset is what the sort key's
            // `in_range` support takes: an interval for date and time keys, else the key's own
            // type (the usual choice for an untyped or same-typed offset).
            let offset_ty = if units == "RANGE" {
                let key = out.order.first().map(|(n, _, _)| n.ty());
                match key {
                    Some(k)
                        if ["timestamp", "timestamptz", "date", "time", "timetz"]
                            .iter()
                            .any(|t| k.is(t)) =>
                    {
                        Ty::b("interval")
                    }
                    Some(k) if !k.is_opaque() => k,
                    _ => return None,
                }
            } else {
                Ty::b("int8")
            };
            let mut bound = |b: &WindowFrameBound| -> Option<FrameBound> {
                Some(match b {
                    WindowFrameBound::CurrentRow => FrameBound::Keyword("CURRENT ROW"),
                    WindowFrameBound::Preceding(None) => FrameBound::Keyword("UNBOUNDED PRECEDING"),
                    WindowFrameBound::Following(None) => FrameBound::Keyword("UNBOUNDED FOLLOWING"),
                    WindowFrameBound::Preceding(Some(x)) | WindowFrameBound::Following(Some(x)) => {
                        let n = self.expr(x);
                        let n = self.coerce_to_target(
                            n,
                            &offset_ty,
                            &[],
                            CoercionContext::Assignment,
                            false,
                        );
                        FrameBound::Offset(Box::new(n), matches!(b, WindowFrameBound::Preceding(_)))
                    }
                })
            };
            let start = bound(&f.start_bound)?;
            let end = match &f.end_bound {
                Some(e) => Some(bound(e)?),
                None => None,
            };
            out.frame = Some(Frame { units, start, end });
        }
        Some(out)
    }
}

/// A sort key with its direction and null ordering (`NULLS FIRST` by default for `DESC`).
pub(crate) fn sort_item(n: Node, it: &OrderByExpr) -> SortItem {
    let desc = matches!(it.options.sort, Some(sqlparser::ast::OrderBySort::Desc));
    let nulls_first = it.options.nulls_first.unwrap_or(desc);
    (n, desc, nulls_first)
}
