//! Printing analysed expressions as `ruleutils.c` does (`get_rule_expr` and friends), in normal
//! or pretty (`PRETTYFLAG_PAREN`) mode. Indentation (`PRETTYFLAG_INDENT`) is always on, as in
//! `pg_get_expr`, `pg_get_constraintdef` and `pg_get_indexdef`.

use super::consts::quote_const;
use super::funcs::Oper;
use super::node::{
    BoolOp, CoerceKind, FrameBound, FuncCall, Node, SortItem, Syntax, WindowRef, WindowSpec,
};
use super::typesys::Ty;
use super::ExprContext;
use crate::catalog::quote_ident;

/// Prints an expression.
pub(crate) fn print_expr(ctx: &ExprContext<'_>, node: &Node, pretty: bool) -> String {
    let mut p = Printer::new(ctx, pretty);
    p.expr(node, false);
    p.buf
}

/// `looks_like_function`: index keys that need no extra parentheses.
pub(crate) fn looks_like_function(node: &Node) -> bool {
    matches!(
        node,
        Node::Func(_)
            | Node::Coalesce { .. }
            | Node::MinMax { .. }
            | Node::NullIf { .. }
            | Node::SqlValue { .. }
    )
}

/// `PRETTYINDENT_STD`.
pub(crate) const INDENT_STD: i32 = 8;
/// `PRETTYINDENT_VAR`.
pub(crate) const INDENT_VAR: i32 = 4;
/// `PRETTYINDENT_JOIN`.
pub(crate) const INDENT_JOIN: i32 = 4;
const INDENT_LIMIT: i32 = 40;

/// Printer state (`deparse_context`).
pub(crate) struct Printer<'a, 'c> {
    /// Names and paths.
    pub ctx: &'a ExprContext<'c>,
    /// `PRETTYFLAG_PAREN`.
    pub pretty: bool,
    /// Current indentation level.
    pub indent: i32,
    /// Prefix column references with their range-table name.
    pub varprefix: bool,
    /// `colNamesVisible`: the output column names of the query being printed matter, so every
    /// output column that is not a plain column reference shows its name (`AS "?column?"`).
    pub colnames_visible: bool,
    /// The view's column names, which the outputs of its top-level query (and of each input of
    /// a top-level set operation) print as (`resultDesc`).
    pub result_names: Option<Vec<String>>,
    /// Output.
    pub buf: String,
}

impl<'a, 'c> Printer<'a, 'c> {
    /// A printer at indentation 0, no prefixes.
    pub fn new(ctx: &'a ExprContext<'c>, pretty: bool) -> Self {
        Printer {
            ctx,
            pretty,
            indent: 0,
            varprefix: false,
            colnames_visible: false,
            result_names: None,
            buf: String::new(),
        }
    }

    /// `appendContextKeyword`.
    pub fn keyword(&mut self, s: &str, before: i32, after: i32, plus: i32) {
        self.indent += before;
        while self.buf.ends_with(' ') {
            self.buf.pop();
        }
        self.buf.push('\n');
        let amount = if self.indent < INDENT_LIMIT {
            self.indent.max(0) + plus
        } else {
            let a = INDENT_LIMIT + (self.indent - INDENT_LIMIT) / (INDENT_STD / 2);
            a % INDENT_LIMIT + plus
        };
        for _ in 0..amount {
            self.buf.push(' ');
        }
        self.buf.push_str(s);
        self.indent += after;
        if self.indent < 0 {
            self.indent = 0;
        }
    }

    fn open(&mut self) {
        if !self.pretty {
            self.buf.push('(');
        }
    }

    fn close(&mut self) {
        if !self.pretty {
            self.buf.push(')');
        }
    }

    /// `get_rule_expr_paren`.
    pub fn expr_paren(&mut self, n: &Node, showimplicit: bool, parent: &Node) {
        let need = self.pretty && !is_simple(n, parent, self.pretty);
        if need {
            self.buf.push('(');
        }
        self.expr(n, showimplicit);
        if need {
            self.buf.push(')');
        }
    }

    /// `get_rule_expr`.
    pub fn expr(&mut self, n: &Node, showimplicit: bool) {
        match n {
            Node::Const { ty, typmod, value } => self.constant(ty, typmod, value.as_deref(), 0),
            Node::Var { name, rel, .. } => {
                if self.varprefix && !rel.is_empty() {
                    self.buf.push_str(&quote_ident(rel));
                    self.buf.push('.');
                }
                self.buf.push_str(&quote_ident(name));
            }
            Node::WholeRow { rel, .. } => {
                self.buf.push_str(&quote_ident(rel));
                self.buf.push_str(".*");
            }
            Node::Func(f) => self.func(f, n),
            Node::Op { oper, args, .. } => {
                self.open();
                if args.len() == 2 {
                    self.expr_paren(&args[0], true, n);
                    let name = self.oper_name(oper, Some(&args[0].ty()), &args[1].ty());
                    self.buf.push(' ');
                    self.buf.push_str(&name);
                    self.buf.push(' ');
                    self.expr_paren(&args[1], true, n);
                } else if let Some(a) = args.first() {
                    let name = self.oper_name(oper, None, &a.ty());
                    self.buf.push_str(&name);
                    self.buf.push(' ');
                    self.expr_paren(a, true, n);
                }
                self.close();
            }
            Node::Bool { op, args } => match op {
                BoolOp::Not => {
                    self.open();
                    self.buf.push_str("NOT ");
                    if let Some(a) = args.first() {
                        self.expr_paren(a, false, n);
                    }
                    self.close();
                }
                BoolOp::And | BoolOp::Or => {
                    self.open();
                    for (i, a) in args.iter().enumerate() {
                        if i > 0 {
                            self.buf
                                .push_str(if *op == BoolOp::And { " AND " } else { " OR " });
                        }
                        self.expr_paren(a, false, n);
                    }
                    self.close();
                }
            },
            Node::NullTest { arg, not } => {
                self.open();
                self.expr_paren(arg, true, n);
                self.buf
                    .push_str(if *not { " IS NOT NULL" } else { " IS NULL" });
                self.close();
            }
            Node::BoolTest { arg, test } => {
                self.open();
                self.expr_paren(arg, true, n);
                self.buf.push_str(test);
                self.close();
            }
            Node::Distinct { args, .. } => {
                self.open();
                self.expr_paren(&args[0], true, n);
                self.buf.push_str(" IS DISTINCT FROM ");
                self.expr_paren(&args[1], true, n);
                self.close();
            }
            Node::NullIf { args, .. } => {
                self.buf.push_str("NULLIF(");
                self.list(args, true);
                self.buf.push(')');
            }
            Node::ScalarArray { oper, any, args } => {
                self.open();
                self.expr_paren(&args[0], true, n);
                let rt = args[1].ty();
                let elem = self.ctx.base_type(&rt).elem();
                let name = self.oper_name(oper, Some(&args[0].ty()), &elem);
                self.buf.push(' ');
                self.buf.push_str(&name);
                self.buf.push_str(if *any { " ANY (" } else { " ALL (" });
                self.expr_paren(&args[1], true, n);
                if let Node::SubLink(s) = &args[1] {
                    if s.kind == super::node::SubLinkKind::Expr {
                        let t = self.format_type(&s.ty, &[]);
                        self.buf.push_str("::");
                        self.buf.push_str(&t);
                    }
                }
                self.buf.push(')');
                self.close();
            }
            Node::Array { ty, elems } => {
                self.buf.push_str("ARRAY[");
                self.list(elems, true);
                self.buf.push(']');
                if elems.is_empty() {
                    let t = self.format_type(ty, &[]);
                    self.buf.push_str("::");
                    self.buf.push_str(&t);
                }
            }
            Node::Coerce {
                arg,
                ty,
                typmod,
                explicit,
                kind,
            } => {
                if !explicit && !showimplicit {
                    if *kind == CoerceKind::Domain {
                        self.expr(arg, false);
                    } else {
                        self.expr_paren(arg, false, n);
                    }
                } else {
                    self.coercion(arg, ty, typmod, n);
                }
            }
            Node::Case {
                arg,
                whens,
                default,
                ..
            } => {
                self.keyword("CASE", 0, INDENT_VAR, 0);
                if let Some(a) = arg {
                    self.buf.push(' ');
                    self.expr(a, true);
                }
                for (w, r) in whens {
                    self.keyword("WHEN ", 0, 0, 0);
                    self.expr(w, false);
                    self.buf.push_str(" THEN ");
                    self.expr(r, true);
                }
                self.keyword("ELSE ", 0, 0, 0);
                self.expr(default, true);
                self.keyword("END", -INDENT_VAR, 0, 0);
            }
            Node::Coalesce { args, .. } => {
                self.buf.push_str("COALESCE(");
                self.list(args, true);
                self.buf.push(')');
            }
            Node::MinMax { greatest, args, .. } => {
                self.buf
                    .push_str(if *greatest { "GREATEST(" } else { "LEAST(" });
                self.list(args, true);
                self.buf.push(')');
            }
            Node::SqlValue { name, typmod, .. } => {
                self.buf.push_str(name);
                if let Some(p) = typmod {
                    self.buf.push_str(&format!("({p})"));
                }
            }
            Node::SubLink(s) => self.sublink(s),
            Node::Row { args } => {
                self.buf.push_str("ROW(");
                self.list(args, true);
                self.buf.push(')');
            }
            Node::FieldSelect { arg, field, .. } => {
                let parens = !matches!(**arg, Node::Subscript { .. } | Node::FieldSelect { .. });
                if parens {
                    self.buf.push('(');
                }
                self.expr(arg, true);
                if parens {
                    self.buf.push(')');
                }
                self.buf.push('.');
                self.buf.push_str(&quote_ident(field));
            }
            Node::Subscript { arg, subs, .. } => {
                let parens = !matches!(**arg, Node::Var { .. } | Node::FieldSelect { .. });
                if parens {
                    self.buf.push('(');
                }
                self.expr(arg, showimplicit);
                if parens {
                    self.buf.push(')');
                }
                for (lo, hi, slice) in subs {
                    self.buf.push('[');
                    if *slice {
                        if let Some(l) = lo {
                            self.expr(l, false);
                        }
                        self.buf.push(':');
                        if let Some(h) = hi {
                            self.expr(h, false);
                        }
                    } else if let Some(l) = lo {
                        self.expr(l, false);
                    }
                    self.buf.push(']');
                }
            }
            Node::Collate { arg, collation } => {
                self.open();
                self.expr_paren(arg, showimplicit, n);
                self.buf.push_str(" COLLATE ");
                self.buf.push_str(collation);
                self.close();
            }
            Node::Named { name, arg } => {
                self.buf.push_str(&quote_ident(name));
                self.buf.push_str(" => ");
                self.expr(arg, showimplicit);
            }
            Node::Raw { text, .. } => self.buf.push_str(text),
        }
    }

    /// Comma-separated expressions.
    pub fn list(&mut self, items: &[Node], showimplicit: bool) {
        for (i, a) in items.iter().enumerate() {
            if i > 0 {
                self.buf.push_str(", ");
            }
            self.expr(a, showimplicit);
        }
    }

    /// `get_const_expr`; `showtype` -1 never labels, 0 labels when needed, 1 always.
    pub fn constant(&mut self, ty: &Ty, typmod: &[i64], value: Option<&str>, showtype: i32) {
        let Some(v) = value else {
            self.buf.push_str("NULL");
            if showtype >= 0 {
                let t = self.format_type(ty, typmod);
                self.buf.push_str("::");
                self.buf.push_str(&t);
            }
            return;
        };
        let mut needlabel = false;
        if ty.is("int4") {
            if v.starts_with('-') {
                self.buf.push_str(&quote_const(v));
                needlabel = true;
            } else {
                self.buf.push_str(v);
            }
        } else if ty.is("numeric") {
            if v.as_bytes().first().is_some_and(u8::is_ascii_digit) && v.contains(['e', 'E', '.']) {
                self.buf.push_str(v);
            } else {
                self.buf.push_str(&quote_const(v));
                needlabel = true;
            }
        } else if ty.is("bool") {
            self.buf.push_str(if v == "t" || v == "true" {
                "true"
            } else {
                "false"
            });
        } else {
            self.buf.push_str(&quote_const(v));
        }
        if showtype < 0 {
            return;
        }
        if ty.is("bool") || ty.is_unknown() {
            needlabel = false;
        } else if ty.is("int4") {
        } else if ty.is("numeric") {
            needlabel |= !typmod.is_empty();
        } else {
            needlabel = true;
        }
        if needlabel || showtype > 0 {
            let t = self.format_type(ty, typmod);
            self.buf.push_str("::");
            self.buf.push_str(&t);
        }
    }

    /// `get_coercion_expr`.
    fn coercion(&mut self, arg: &Node, ty: &Ty, typmod: &[i64], parent: &Node) {
        match arg {
            Node::Const {
                ty: cty,
                typmod: ctm,
                value,
            } if cty == ty && ctm.is_empty() => {
                self.constant(cty, ctm, value.as_deref(), -1);
            }
            _ => {
                self.open();
                self.expr_paren(arg, false, parent);
                self.close();
            }
        }
        let t = self.format_type(ty, typmod);
        self.buf.push_str("::");
        self.buf.push_str(&t);
    }

    /// `format_type_with_typemod`: qualified only when not visible.
    pub fn format_type(&self, ty: &Ty, typmod: &[i64]) -> String {
        if ty.schema.is_empty() {
            return ty.name.clone();
        }
        let qualify = ty.schema != "pg_catalog" && !self.ctx.type_visible(&ty.schema, &ty.name);
        ty.to_sql(typmod).format(qualify)
    }

    fn oper_name(&self, oper: &Oper, left: Option<&Ty>, right: &Ty) -> String {
        let found = self
            .ctx
            .resolve_operator(None, &oper.name, left, right, self.ctx.display_path);
        if found.is_some_and(|o| o.schema == oper.schema) || oper.schema.is_empty() {
            oper.name.clone()
        } else {
            format!("OPERATOR({}.{})", quote_ident(&oper.schema), oper.name)
        }
    }

    /// `generate_function_name`.
    fn func_name(&self, f: &FuncCall) -> String {
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
    fn func(&mut self, f: &FuncCall, n: &Node) {
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

    fn frame_bound(&mut self, b: &FrameBound) {
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

/// `isSimpleNode`.
fn is_simple(n: &Node, parent: &Node, pretty: bool) -> bool {
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

fn depends_on_parent(parent: &Node) -> bool {
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

fn simple_binary_op(n: &Node) -> Option<&str> {
    match n {
        Node::Op { oper, args, .. } if args.len() == 2 => Some(oper.name.as_str()),
        _ => None,
    }
}
