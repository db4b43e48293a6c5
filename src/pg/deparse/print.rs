//! Printing analysed expressions as `ruleutils.c` does (`get_rule_expr` and friends), in normal
//! or pretty (`PRETTYFLAG_PAREN`) mode. Indentation (`PRETTYFLAG_INDENT`) is always on, as in
//! `pg_get_expr`, `pg_get_constraintdef` and `pg_get_indexdef`.

mod calls;
mod constants;
mod parens;

use super::node::{BoolOp, CoerceKind, Node};
use super::ExprContext;
use crate::catalog::quote_ident;
use parens::is_simple;

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
            Node::Op { .. }
            | Node::Bool { .. }
            | Node::NullTest { .. }
            | Node::BoolTest { .. }
            | Node::Distinct { .. }
            | Node::NullIf { .. }
            | Node::ScalarArray { .. } => self.operator_expr(n),
            Node::Array { .. } | Node::Coerce { .. } | Node::Case { .. } => {
                self.constructor_expr(n, showimplicit)
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

    /// `ARRAY[…]`, coercions and casts, `CASE`: from `get_rule_expr`.
    fn constructor_expr(&mut self, n: &Node, showimplicit: bool) {
        match n {
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
            // Only called for the nodes above.
            _ => {}
        }
    }

    /// Operators, boolean connectives and tests (`IS NULL`, `IS TRUE`, `IS DISTINCT FROM`,
    /// `NULLIF`, `op ANY (array)`): the operator part of `get_rule_expr`.
    fn operator_expr(&mut self, n: &Node) {
        match n {
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
            // Only called for the nodes above.
            _ => {}
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
}
