//! Printing queries as `get_query_def` / `get_sublink_expr` / `get_setop_query` /
//! `get_with_clause` / `get_from_clause` print them (pretty indentation, range-table names as
//! prefixes).

use super::node::{CoerceKind, Node, SubLink, SubLinkKind};
use super::print::{Printer, INDENT_JOIN, INDENT_STD, INDENT_VAR};
use super::query::{FromItem, GroupItem, Query, SetOp};
use crate::catalog::quote_ident;

impl Printer<'_, '_> {
    /// `get_sublink_expr`.
    pub fn sublink(&mut self, s: &SubLink) {
        if s.kind == SubLinkKind::Array {
            self.buf.push_str("ARRAY(");
        } else {
            self.buf.push('(');
        }
        if let Some(t) = &s.test {
            self.expr(t, true);
        }
        let need_paren = match s.kind {
            SubLinkKind::Exists => {
                self.buf.push_str("EXISTS ");
                true
            }
            SubLinkKind::Any => {
                if s.op == "=" {
                    self.buf.push_str(" IN ");
                } else {
                    self.buf.push_str(&format!(" {} ANY ", s.op));
                }
                true
            }
            SubLinkKind::All => {
                self.buf.push_str(&format!(" {} ALL ", s.op));
                true
            }
            SubLinkKind::Expr | SubLinkKind::Array => false,
        };
        if need_paren {
            self.buf.push('(');
        }
        self.sub_query(&s.query, false);
        self.buf.push_str(if need_paren { "))" } else { ")" });
    }

    /// `get_query_def` for a query nested in the one being printed, at the current
    /// indentation; `visible` is its `colNamesVisible`.
    fn sub_query(&mut self, q: &Query, visible: bool) {
        let saved = (
            self.indent,
            self.varprefix,
            self.colnames_visible,
            self.result_names.take(),
        );
        self.colnames_visible = visible;
        self.query(q);
        (
            self.indent,
            self.varprefix,
            self.colnames_visible,
            self.result_names,
        ) = saved;
    }

    /// `get_query_def` for a SELECT (with its `WITH` clause, or a set operation).
    pub fn query(&mut self, q: &Query) {
        if let Some(raw) = &q.raw {
            self.buf.push_str(raw);
            return;
        }
        self.with_clause(q);
        if let Some(set_op) = &q.set_op {
            self.set_op(set_op);
        } else {
            self.basic_select(q);
        }
        if !q.order_by.is_empty() {
            self.keyword(" ORDER BY ", -INDENT_STD, INDENT_STD, 1);
            self.order_list(&q.order_by);
        }
        if let Some(o) = &q.offset {
            self.keyword(" OFFSET ", -INDENT_STD, INDENT_STD, 0);
            self.expr(o, false);
        }
        if let (Some(l), true) = (&q.limit, q.with_ties) {
            self.keyword(" FETCH FIRST ", -INDENT_STD, INDENT_STD, 0);
            self.buf.push('(');
            self.expr(l, false);
            self.buf.push_str(") ROWS WITH TIES");
        } else if let Some(l) = &q.limit {
            self.keyword(" LIMIT ", -INDENT_STD, INDENT_STD, 0);
            match l {
                Node::Const { value: None, .. } => self.buf.push_str("ALL"),
                l => self.expr(l, false),
            }
        }
    }

    /// `get_with_clause`.
    fn with_clause(&mut self, q: &Query) {
        if q.ctes.is_empty() {
            return;
        }
        self.indent += INDENT_STD;
        self.buf.push(' ');
        let mut sep = if q.recursive {
            "WITH RECURSIVE "
        } else {
            "WITH "
        };
        for c in &q.ctes {
            self.buf.push_str(sep);
            self.buf.push_str(&quote_ident(&c.name));
            if !c.aliases.is_empty() {
                let cols: Vec<String> = c.aliases.iter().map(|a| quote_ident(a)).collect();
                self.buf.push('(');
                self.buf.push_str(&cols.join(", "));
                self.buf.push(')');
            }
            self.buf.push_str(" AS ");
            match c.materialized {
                Some(true) => self.buf.push_str("MATERIALIZED "),
                Some(false) => self.buf.push_str("NOT MATERIALIZED "),
                None => {}
            }
            self.buf.push('(');
            self.keyword("", 0, 0, 0);
            self.sub_query(&c.query, true);
            self.keyword("", 0, 0, 0);
            self.buf.push(')');
            sep = ", ";
        }
        self.indent -= INDENT_STD;
        self.keyword("", 0, 0, 0);
    }

    /// `get_basic_select_query`.
    fn basic_select(&mut self, q: &Query) {
        self.varprefix = true;
        self.indent += INDENT_STD;
        if let Some(rows) = &q.values {
            // `get_values_def`.
            self.buf.push_str(" VALUES ");
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.buf.push('(');
                for (j, v) in row.iter().enumerate() {
                    if j > 0 {
                        self.buf.push(',');
                    }
                    self.expr(v, false);
                }
                self.buf.push(')');
            }
            return;
        }
        self.buf.push_str(" SELECT");
        if let Some(on) = &q.distinct {
            self.buf.push_str(" DISTINCT");
            if !on.is_empty() {
                self.buf.push_str(" ON (");
                self.list(on, false);
                self.buf.push(')');
            }
        }
        let mut sep = " ";
        for (i, (node, name)) in q.targets.iter().enumerate() {
            self.buf.push_str(sep);
            sep = ", ";
            let mut item = Printer::new(self.ctx, self.pretty);
            item.indent = self.indent;
            item.varprefix = self.varprefix;
            item.expr(node, true);
            // `get_variable` at the top of a target list: a whole row carries its type, so that
            // it is not expanded into its columns.
            if let Node::WholeRow { ty, .. } = node {
                let t = item.format_type(ty, &[]);
                item.buf.push_str("::");
                item.buf.push_str(&t);
            }
            let attname = match node {
                Node::Var { name: col, .. } => Some(col.as_str()),
                _ if self.colnames_visible => None,
                _ => Some("?column?"),
            };
            let colname = self
                .result_names
                .as_ref()
                .and_then(|r| r.get(i))
                .map(String::as_str)
                .or(name.as_deref())
                .unwrap_or("?column?");
            if attname != Some(colname) {
                item.buf.push_str(" AS ");
                item.buf.push_str(&quote_ident(colname));
            }
            if item.buf.starts_with('\n') {
                while self.buf.ends_with(' ') {
                    self.buf.pop();
                }
            } else if i > 0 {
                self.keyword("", -INDENT_STD, INDENT_STD, INDENT_VAR);
            }
            self.buf.push_str(&item.buf);
        }
        for (i, f) in q.from.iter().enumerate() {
            if i == 0 {
                self.keyword(" FROM ", -INDENT_STD, INDENT_STD, 2);
                self.range_item(f);
            } else {
                self.buf.push_str(", ");
                let mut item = Printer::new(self.ctx, self.pretty);
                item.indent = self.indent;
                item.varprefix = self.varprefix;
                item.range_item(f);
                if item.buf.starts_with('\n') {
                    while self.buf.ends_with(' ') {
                        self.buf.pop();
                    }
                } else {
                    self.keyword("", -INDENT_STD, INDENT_STD, INDENT_VAR);
                }
                self.buf.push_str(&item.buf);
            }
        }
        if let Some(w) = &q.filter {
            self.keyword(" WHERE ", -INDENT_STD, INDENT_STD, 1);
            self.expr(w, false);
        }
        if !q.grouping.is_empty() {
            self.keyword(" GROUP BY ", -INDENT_STD, INDENT_STD, 1);
            for (i, g) in q.grouping.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.grouping_set(g, true);
            }
        } else if !q.group_by.is_empty() {
            self.keyword(" GROUP BY ", -INDENT_STD, INDENT_STD, 1);
            for (i, g) in q.group_by.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.sort_group_item(g);
            }
        }
        if let Some(h) = &q.having {
            self.keyword(" HAVING ", -INDENT_STD, INDENT_STD, 0);
            self.expr(h, false);
        }
        for (i, (name, spec)) in q.windows.iter().enumerate() {
            if i == 0 {
                self.keyword(" WINDOW ", -INDENT_STD, INDENT_STD, 1);
            } else {
                self.buf.push_str(", ");
            }
            self.buf.push_str(&quote_ident(name));
            self.buf.push_str(" AS ");
            self.window_spec(spec);
        }
    }

    /// `get_rule_groupingset`.
    fn grouping_set(&mut self, g: &GroupItem, omit_parens: bool) {
        match g {
            GroupItem::Empty => self.buf.push_str("()"),
            GroupItem::Simple(nodes) => {
                let parens = !omit_parens || nodes.len() != 1;
                if parens {
                    self.buf.push('(');
                }
                for (i, n) in nodes.iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(", ");
                    }
                    self.sort_group_item(n);
                }
                if parens {
                    self.buf.push(')');
                }
            }
            GroupItem::Sets(kind, items) => {
                self.buf.push_str(kind);
                let omit_child = !kind.starts_with("GROUPING");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.buf.push_str(", ");
                    }
                    self.grouping_set(item, omit_child);
                }
                self.buf.push(')');
            }
        }
    }

    /// `get_setop_query`.
    fn set_op(&mut self, op: &SetOp) {
        let left_paren = op
            .left
            .set_op
            .as_ref()
            .is_some_and(|l| l.op != op.op || l.all != op.all);
        let mut subindent = 0;
        if left_paren {
            self.buf.push('(');
            subindent = INDENT_STD;
            self.keyword("", subindent, 0, 0);
        }
        self.set_op_input(&op.left);
        if left_paren {
            self.keyword(") ", -subindent, 0, 0);
        } else {
            self.keyword("", -subindent, 0, 0);
        }
        self.buf.push_str(op.op);
        self.buf.push(' ');
        if op.all {
            self.buf.push_str("ALL ");
        }
        let right_paren = op.right.set_op.is_some();
        let subindent = if right_paren {
            self.buf.push('(');
            INDENT_STD
        } else {
            0
        };
        self.keyword("", subindent, 0, 0);
        // The right input's column names are not visible.
        let visible = std::mem::replace(&mut self.colnames_visible, false);
        self.set_op_input(&op.right);
        self.colnames_visible = visible;
        self.indent -= subindent;
        if right_paren {
            self.keyword(")", 0, 0, 0);
        }
    }

    /// A set-operation input: a nested set operation, or a query at the current indentation.
    fn set_op_input(&mut self, q: &Query) {
        if let Some(inner) = &q.set_op {
            self.set_op(inner);
        } else {
            let (indent, prefix) = (self.indent, self.varprefix);
            self.query(q);
            self.indent = indent;
            self.varprefix = prefix;
        }
    }

    /// `get_rule_sortgroupclause`.
    pub(crate) fn sort_group_item(&mut self, e: &Node) {
        match e {
            Node::Const { ty, typmod, value } => self.constant(ty, typmod, value.as_deref(), 1),
            Node::Var { .. } => self.expr(e, true),
            _ => {
                // A function call or a cast through a function (`FuncExpr`) gets parentheses.
                let paren = self.pretty
                    || matches!(
                        e,
                        Node::Func(_)
                            | Node::Coerce {
                                kind: CoerceKind::Func,
                                ..
                            }
                    );
                if paren {
                    self.buf.push('(');
                }
                self.expr(e, true);
                if paren {
                    self.buf.push(')');
                }
            }
        }
    }

    /// `get_from_clause_item`.
    fn range_item(&mut self, f: &FromItem) {
        match f {
            FromItem::Rel {
                schema,
                name,
                refname,
                aliased,
                col_aliases,
            } => {
                self.buf.push_str(&self.ctx.relation_name(schema, name));
                if *aliased || refname != name || !col_aliases.is_empty() {
                    self.buf.push(' ');
                    self.buf.push_str(&quote_ident(refname));
                }
                self.column_aliases(col_aliases);
            }
            FromItem::Subquery {
                query,
                refname,
                lateral,
                col_aliases,
            } => {
                if *lateral {
                    self.buf.push_str("LATERAL ");
                }
                self.buf.push('(');
                self.sub_query(query, true);
                self.buf.push(')');
                self.buf.push(' ');
                self.buf.push_str(&quote_ident(refname));
                self.column_aliases(col_aliases);
            }
            FromItem::Function {
                calls,
                refname,
                lateral,
                ordinality,
                col_aliases,
            } => {
                if *lateral {
                    self.buf.push_str("LATERAL ");
                }
                if let [call] = calls.as_slice() {
                    self.expr(call, true);
                } else {
                    self.buf.push_str("ROWS FROM(");
                    for (i, call) in calls.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.expr(call, true);
                    }
                    self.buf.push(')');
                }
                if *ordinality {
                    self.buf.push_str(" WITH ORDINALITY");
                }
                self.buf.push(' ');
                self.buf.push_str(&quote_ident(refname));
                self.column_aliases(col_aliases);
            }
            FromItem::Cte {
                name,
                refname,
                aliased,
                col_aliases,
            } => {
                self.buf.push_str(&quote_ident(name));
                if *aliased || refname != name || !col_aliases.is_empty() {
                    self.buf.push(' ');
                    self.buf.push_str(&quote_ident(refname));
                }
                self.column_aliases(col_aliases);
            }
            FromItem::Join {
                kind,
                left,
                right,
                on,
                using,
            } => {
                let paren_right = self.pretty && matches!(**right, FromItem::Join { .. });
                if !self.pretty {
                    self.buf.push('(');
                }
                self.range_item(left);
                self.keyword(kind, -INDENT_STD, INDENT_STD, INDENT_JOIN);
                if paren_right {
                    self.buf.push('(');
                }
                self.range_item(right);
                if paren_right {
                    self.buf.push(')');
                }
                if !using.is_empty() {
                    self.buf.push_str(" USING (");
                    let cols: Vec<String> = using.iter().map(|c| quote_ident(c)).collect();
                    self.buf.push_str(&cols.join(", "));
                    self.buf.push(')');
                } else if let Some(on) = on {
                    self.buf.push_str(" ON ");
                    if !self.pretty {
                        self.buf.push('(');
                    }
                    self.expr(on, false);
                    if !self.pretty {
                        self.buf.push(')');
                    }
                } else if *kind != " CROSS JOIN " {
                    self.buf.push_str(" ON TRUE");
                }
                if !self.pretty {
                    self.buf.push(')');
                }
            }
        }
    }

    /// `get_column_alias_list`: `(a, b)` after a FROM item's alias.
    fn column_aliases(&mut self, cols: &[String]) {
        if !cols.is_empty() {
            self.buf.push('(');
            self.buf.push_str(&cols.join(", "));
            self.buf.push(')');
        }
    }
}
