//! Parse analysis (`transformExpr`): sqlparser's [`Expr`] → [`Node`], with names resolved,
//! types inferred and coercions inserted as Postgres inserts them.

use sqlparser::ast::{CastKind, DataType, Expr, Ident, ObjectName, UnaryOperator, Value};

use crate::catalog::SqlType;
use crate::pg::types::resolve_type;

use super::consts;
use super::node::{BoolOp, CoerceKind, Node};
use super::typesys::{CoercionContext, Ty};
use super::ExprContext;

/// A range-table entry visible to column references.
#[derive(Debug, Clone)]
pub(crate) struct Rte {
    /// Name printed for it (alias, or relation name made unique).
    pub refname: String,
    /// Name column references use to qualify (alias if given, else the relation name).
    pub lookup: String,
    /// Columns: name, type, modifiers.
    pub columns: Vec<(String, Ty, Vec<i64>)>,
    /// Whether the columns are known (a relation missing from the catalog accepts any name).
    pub known: bool,
    /// For the merged columns of a `JOIN … USING` (an entry that is not a FROM item of its
    /// own): the range-table name each column's reference prints with (empty: unqualified).
    pub rels: Option<Vec<String>>,
    /// A function returning a scalar: its whole row is its single column.
    pub scalar: bool,
    /// The row type of a table or view (its whole-row reference has this type, not `record`).
    pub rowtype: Option<Ty>,
}

impl Rte {
    /// An entry for a FROM item.
    pub fn new(refname: &str, lookup: &str, columns: Vec<(String, Ty, Vec<i64>)>) -> Self {
        Rte {
            refname: refname.to_string(),
            lookup: lookup.to_string(),
            columns,
            known: true,
            rels: None,
            scalar: false,
            rowtype: None,
        }
    }

    /// The reference to column `i`.
    pub fn var(&self, i: usize) -> Option<Node> {
        let (name, ty, typmod) = self.columns.get(i)?;
        let rel = match &self.rels {
            Some(r) => r.get(i).cloned().unwrap_or_default(),
            None => self.refname.clone(),
        };
        Some(Node::Var {
            name: name.clone(),
            rel,
            ty: ty.clone(),
            typmod: typmod.clone(),
        })
    }
}

/// A `WITH` query visible to FROM items: its name and output columns.
#[derive(Debug, Clone)]
pub(crate) struct CteInfo {
    /// Name.
    pub name: String,
    /// Columns: name, type, modifiers.
    pub columns: Vec<(String, Ty, Vec<i64>)>,
    /// Their collations, when not the default.
    pub collations: Vec<Option<String>>,
}

/// Transforms expressions of one statement.
pub(crate) struct Analyzer<'a, 'c> {
    /// Names, catalog, paths.
    pub ctx: &'a ExprContext<'c>,
    /// Range-table scopes, innermost last.
    pub scopes: Vec<Vec<Rte>>,
    /// Every range-table name assigned so far (sub-select names are made unique).
    pub used_names: Vec<String>,
    /// `WITH` queries visible, per query level, innermost last.
    pub ctes: Vec<Vec<CteInfo>>,
    /// Range-table names chosen ahead for the FROM items of the query level being analysed,
    /// in FROM order (`set_rtable_names` names a level's entries before any sub-select's).
    pub pending_names: std::collections::VecDeque<String>,
    /// Set when something was not modelled and was kept as written: the printed text is then
    /// only a guess.
    pub unmodelled: std::cell::Cell<bool>,
    /// Collations of FROM item columns that are not the default, by (range-table name,
    /// column).
    pub collations: super::collation::ColumnCollations,
}

impl<'a, 'c> Analyzer<'a, 'c> {
    /// An analyzer whose outer scope is the context's table.
    pub fn new(ctx: &'a ExprContext<'c>) -> Self {
        let name = ctx.table.map(|t| t.1.to_string()).unwrap_or_default();
        let rte = Rte {
            rowtype: ctx.table.map(|(schema, table)| Ty {
                schema: schema.to_string(),
                name: table.to_string(),
                array: false,
            }),
            ..Rte::new(
                &name,
                &name,
                ctx.columns
                    .iter()
                    .map(|c| (c.name.clone(), Ty::from_sql(&c.ty), c.ty.modifiers.clone()))
                    .collect(),
            )
        };
        Analyzer {
            ctx,
            scopes: vec![vec![rte]],
            used_names: vec![name],
            ctes: Vec::new(),
            pending_names: Default::default(),
            unmodelled: Default::default(),
            collations: Default::default(),
        }
    }

    /// An expression coerced to a column type for storage (`cookDefault`).
    pub fn assignment(&mut self, e: &Expr, target: &SqlType) -> Node {
        let node = self.expr(e);
        let ty = Ty::from_sql(target);
        self.coerce_to_target(
            node,
            &ty,
            &target.modifiers,
            CoercionContext::Assignment,
            false,
        )
    }

    /// A boolean expression (`coerce_to_boolean`).
    pub fn boolean(&mut self, e: &Expr) -> Node {
        let node = self.expr(e);
        self.coerce_to_bool(node)
    }

    /// `coerce_to_boolean`.
    pub fn coerce_to_bool(&mut self, node: Node) -> Node {
        let bool_ty = Ty::b("bool");
        if node.ty() == bool_ty || node.ty().is_opaque() {
            return node;
        }
        self.coerce_to_target(node, &bool_ty, &[], CoercionContext::Assignment, false)
    }

    /// The text of an identifier as Postgres folds it.
    pub fn ident(&self, id: &Ident) -> String {
        match id.quote_style {
            Some(_) if self.ctx.raw_strings => id.value.replace("\"\"", "\""),
            Some(_) => id.value.clone(),
            None => id.value.to_lowercase(),
        }
    }

    /// The folded parts of an object name.
    pub fn name_parts(&self, name: &ObjectName) -> Vec<String> {
        name.0
            .iter()
            .map(|p| match p.as_ident() {
                Some(id) => self.ident(id),
                None => p.to_string(),
            })
            .collect()
    }

    /// A string literal's value. sqlparser always processes the escapes of `E'…'` strings;
    /// plain strings keep their doubled quotes when tokenized without unescaping.
    fn string_value(&self, s: &str, escaped: bool) -> String {
        if self.ctx.raw_strings && !escaped {
            s.replace("''", "'")
        } else {
            s.to_string()
        }
    }

    /// `transformExpr`.
    pub fn expr(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Nested(inner) => self.expr(inner),
            Expr::Value(v) => self.value(&v.value, false),
            Expr::Identifier(id) => {
                let name = self.ident(id);
                self.column_ref(&[name], e)
            }
            Expr::CompoundIdentifier(ids) => {
                let parts: Vec<String> = ids.iter().map(|i| self.ident(i)).collect();
                self.column_ref(&parts, e)
            }
            Expr::UnaryOp { op, expr } => self.unary(*op, expr, e),
            Expr::BinaryOp {
                op: sqlparser::ast::BinaryOperator::Overlaps,
                ..
            } => self.call_like(e),
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            Expr::Cast {
                kind,
                expr,
                data_type,
                ..
            } => {
                if matches!(kind, CastKind::TryCast | CastKind::SafeCast) {
                    return self.raw(e);
                }
                self.type_cast(expr, data_type)
            }
            Expr::TypedString(ts) => {
                let lit = self.value(&ts.value.value, false);
                self.cast_node(lit, &ts.data_type)
            }
            Expr::Interval(iv) => {
                let lit = self.expr(&iv.value);
                let ty = Ty::b("interval");
                self.coerce_to_target(lit, &ty, &[], CoercionContext::Explicit, true)
            }
            Expr::IsNull(x) | Expr::IsNotNull(x) => {
                let arg = self.expr(x);
                Node::NullTest {
                    arg: Box::new(arg),
                    not: matches!(e, Expr::IsNotNull(_)),
                }
            }
            Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x) => {
                let test = match e {
                    Expr::IsTrue(_) => " IS TRUE",
                    Expr::IsNotTrue(_) => " IS NOT TRUE",
                    Expr::IsFalse(_) => " IS FALSE",
                    Expr::IsNotFalse(_) => " IS NOT FALSE",
                    Expr::IsUnknown(_) => " IS UNKNOWN",
                    _ => " IS NOT UNKNOWN",
                };
                let arg = self.boolean(x);
                Node::BoolTest {
                    arg: Box::new(arg),
                    test,
                }
            }
            Expr::IsDistinctFrom(a, b) => self.distinct(a, b),
            Expr::IsNotDistinctFrom(a, b) => {
                let d = self.distinct(a, b);
                Node::Bool {
                    op: BoolOp::Not,
                    args: vec![d],
                }
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let (op1, op2, bop) = if *negated {
                    ("<", ">", BoolOp::Or)
                } else {
                    (">=", "<=", BoolOp::And)
                };
                let x1 = self.expr(expr);
                let x2 = self.expr(expr);
                let lo = self.expr(low);
                let hi = self.expr(high);
                let a = self.make_op(None, op1, Some(x1), lo);
                let b = self.make_op(None, op2, Some(x2), hi);
                Node::Bool {
                    op: bop,
                    args: vec![a, b],
                }
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(operand.as_deref(), conditions, else_result.as_deref()),
            Expr::Array(arr) => self.array(&arr.elem, None),
            Expr::Collate { expr, collation } => {
                let arg = self.expr(expr);
                let parts = self.name_parts(collation);
                let coll = match parts.as_slice() {
                    [s, n] if s != "pg_catalog" => {
                        format!("{}.{}", crate::catalog::quote_ident(s), quote_always(n))
                    }
                    _ => quote_always(parts.last().map(String::as_str).unwrap_or("")),
                };
                Node::Collate {
                    arg: Box::new(arg),
                    collation: coll,
                }
            }
            Expr::Tuple(items) => {
                let args = items.iter().map(|x| self.expr(x)).collect();
                Node::Row { args }
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                self.field_access(root, access_chain, e)
            }
            _ => self.call_like(e),
        }
    }

    /// What sqlparser prints, as a last resort.
    pub fn raw(&self, e: &Expr) -> Node {
        self.unmodelled.set(true);
        Node::Raw {
            text: e.to_string(),
            ty: Ty::opaque(),
        }
    }

    /// A literal.
    pub fn value(&mut self, v: &Value, negate: bool) -> Node {
        let text = |s: String| Node::Const {
            ty: Ty::unknown(),
            typmod: Vec::new(),
            value: Some(s),
        };
        match v {
            Value::Number(n, _) => number_const(n, negate),
            Value::SingleQuotedString(s) => text(self.string_value(s, false)),
            Value::EscapedStringLiteral(s) => text(self.string_value(s, true)),
            Value::DollarQuotedString(d) => text(d.value.clone()),
            Value::UnicodeStringLiteral(s) => text(s.clone()),
            Value::NationalStringLiteral(s) => {
                let lit = text(self.string_value(s, false));
                self.coerce_to_target(lit, &Ty::b("bpchar"), &[], CoercionContext::Explicit, true)
            }
            Value::Boolean(b) => Node::Const {
                ty: Ty::b("bool"),
                typmod: Vec::new(),
                value: Some(if *b { "true" } else { "false" }.into()),
            },
            Value::Null => Node::null(),
            // Bit-string constants (`B'1010'`, `X'AF'`) are of type bit.
            Value::SingleQuotedByteStringLiteral(s) | Value::HexStringLiteral(s) => {
                let bits = match v {
                    Value::HexStringLiteral(_) => consts::hex_bits(s),
                    _ => consts::binary_bits(s),
                };
                match bits {
                    Some(b) => Node::Const {
                        ty: Ty::b("bit"),
                        typmod: Vec::new(),
                        value: Some(b),
                    },
                    None => Node::Raw {
                        text: v.to_string(),
                        ty: Ty::unknown(),
                    },
                }
            }
            other => Node::Raw {
                text: other.to_string(),
                ty: Ty::unknown(),
            },
        }
    }

    fn unary(&mut self, op: UnaryOperator, x: &Expr, whole: &Expr) -> Node {
        match op {
            UnaryOperator::Not => {
                let arg = self.boolean(x);
                Node::Bool {
                    op: BoolOp::Not,
                    args: vec![arg],
                }
            }
            UnaryOperator::Minus => {
                let mut inner = x;
                while let Expr::Nested(i) = inner {
                    inner = i;
                }
                if let Expr::Value(v) = inner {
                    if let Value::Number(..) = v.value {
                        return self.value(&v.value, true);
                    }
                }
                let arg = self.expr(x);
                self.make_op(None, "-", None, arg)
            }
            UnaryOperator::Plus => {
                let arg = self.expr(x);
                self.make_op(None, "+", None, arg)
            }
            UnaryOperator::PGSquareRoot => {
                let arg = self.expr(x);
                self.make_op(None, "|/", None, arg)
            }
            UnaryOperator::PGCubeRoot => {
                let arg = self.expr(x);
                self.make_op(None, "||/", None, arg)
            }
            UnaryOperator::PGAbs => {
                let arg = self.expr(x);
                self.make_op(None, "@", None, arg)
            }
            UnaryOperator::BitwiseNot | UnaryOperator::PGPrefixFactorial => {
                let arg = self.expr(x);
                self.make_op(None, "~", None, arg)
            }
            _ => self.raw(whole),
        }
    }

    /// A column reference (`col`, `tab.col`, `schema.tab.col`).
    fn column_ref(&mut self, parts: &[String], whole: &Expr) -> Node {
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

    /// `CURRENT_TIMESTAMP` and friends (`SQLValueFunction`).
    pub fn sql_value_function(&self, name: &str, precision: Option<i64>) -> Option<Node> {
        let (printed, ty): (&'static str, &str) = match name {
            "current_date" => ("CURRENT_DATE", "date"),
            "current_time" => ("CURRENT_TIME", "timetz"),
            "current_timestamp" => ("CURRENT_TIMESTAMP", "timestamptz"),
            "localtime" => ("LOCALTIME", "time"),
            "localtimestamp" => ("LOCALTIMESTAMP", "timestamp"),
            "current_role" => ("CURRENT_ROLE", "name"),
            "current_user" => ("CURRENT_USER", "name"),
            "user" => ("USER", "name"),
            "session_user" => ("SESSION_USER", "name"),
            "current_catalog" => ("CURRENT_CATALOG", "name"),
            "current_schema" => ("CURRENT_SCHEMA", "name"),
            _ => return None,
        };
        Some(Node::SqlValue {
            name: printed,
            typmod: precision,
            ty: Ty::b(ty),
        })
    }

    /// `x::type`, `CAST(x AS type)`.
    fn type_cast(&mut self, x: &Expr, dt: &DataType) -> Node {
        // ARRAY[…]::t[] passes the element type down.
        let mut inner = x;
        while let Expr::Nested(i) = inner {
            inner = i;
        }
        if let Expr::Array(arr) = inner {
            if let Ok(t) = resolve_type(dt, self.ctx.catalog, self.ctx.search_path) {
                if t.array_dims > 0 {
                    let ty = Ty::from_sql(&t);
                    let node = self.array(&arr.elem, Some((&ty.elem(), &t.modifiers)));
                    return self.coerce_to_target(
                        node,
                        &ty,
                        &t.modifiers,
                        CoercionContext::Explicit,
                        true,
                    );
                }
            }
        }
        let node = self.expr(x);
        self.cast_node(node, dt)
    }

    fn cast_node(&mut self, node: Node, dt: &DataType) -> Node {
        match resolve_type(dt, self.ctx.catalog, self.ctx.search_path) {
            Ok(t) => {
                let ty = Ty::from_sql(&t);
                self.coerce_to_target(node, &ty, &t.modifiers, CoercionContext::Explicit, true)
            }
            // An unknown type: keep the cast as written.
            Err(_) => Node::Coerce {
                arg: Box::new(node),
                ty: Ty {
                    schema: String::new(),
                    name: dt.to_string().to_lowercase(),
                    array: false,
                },
                typmod: Vec::new(),
                explicit: true,
                kind: CoerceKind::Relabel,
            },
        }
    }

    /// `ARRAY[…]`, with an element type when under a cast.
    pub fn array(&mut self, elems: &[Expr], target: Option<(&Ty, &Vec<i64>)>) -> Node {
        let mut nodes: Vec<Node> = elems
            .iter()
            .map(|e| {
                let mut inner = e;
                while let Expr::Nested(i) = inner {
                    inner = i;
                }
                match (inner, target) {
                    (Expr::Array(sub), Some((t, m))) => self.array(&sub.elem, Some((t, m))),
                    _ => self.expr(e),
                }
            })
            .collect();
        let multidim = nodes.iter().any(|n| matches!(n, Node::Array { .. }));
        let elem_ty = match target {
            Some((t, _)) => t.clone(),
            None => {
                let types: Vec<Ty> = nodes
                    .iter()
                    .map(|n| if multidim { n.ty().elem() } else { n.ty() })
                    .collect();
                if types.is_empty() {
                    Ty::b("text")
                } else {
                    self.ctx
                        .select_common_type(&types)
                        .unwrap_or_else(|| types[0].clone())
                }
            }
        };
        if !multidim {
            nodes = nodes
                .into_iter()
                .map(|n| match target {
                    Some((t, m)) => self.coerce_to_target(n, t, m, CoercionContext::Explicit, true),
                    None => self.coerce_arg(n, &elem_ty),
                })
                .collect();
        } else {
            nodes = nodes
                .into_iter()
                .map(|n| match n {
                    Node::Array { elems, .. } => Node::Array {
                        ty: elem_ty.clone().array_of(),
                        elems: elems
                            .into_iter()
                            .map(|x| self.coerce_arg(x, &elem_ty))
                            .collect(),
                    },
                    other => other,
                })
                .collect();
        }
        Node::Array {
            ty: elem_ty.array_of(),
            elems: nodes,
        }
    }

    /// `CASE`.
    fn case(
        &mut self,
        operand: Option<&Expr>,
        conditions: &[sqlparser::ast::CaseWhen],
        else_result: Option<&Expr>,
    ) -> Node {
        let arg = operand.map(|o| self.expr(o));
        let mut whens = Vec::new();
        let mut results = Vec::new();
        for cw in conditions {
            let w = match &arg {
                Some(a) => {
                    let rhs = self.expr(&cw.condition);
                    let test = Node::Raw {
                        text: "<case>".into(),
                        ty: a.ty(),
                    };
                    match self.make_op(None, "=", Some(test), rhs) {
                        Node::Op { mut args, .. } if args.len() == 2 => args.remove(1),
                        other => other,
                    }
                }
                None => self.boolean(&cw.condition),
            };
            whens.push(w);
            results.push(self.expr(&cw.result));
        }
        let default = match else_result {
            Some(e) => self.expr(e),
            None => Node::null(),
        };
        let mut types = vec![default.ty()];
        types.extend(results.iter().map(Node::ty));
        let ty = self
            .ctx
            .select_common_type(&types)
            .unwrap_or_else(|| Ty::b("text"));
        let default = self.coerce_arg(default, &ty);
        let results = self.coerce_all(results, &ty);
        Node::Case {
            arg: arg.map(Box::new),
            whens: whens.into_iter().zip(results).collect(),
            default: Box::new(default),
            ty,
        }
    }

    /// `(x).field`, `x[i]`, `x[a:b]`.
    fn field_access(
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
                    let ty = self
                        .ctx
                        .field_type(&node.ty(), &field)
                        .unwrap_or_else(Ty::opaque);
                    node = Node::FieldSelect {
                        arg: Box::new(node),
                        field,
                        ty,
                    };
                }
                AccessExpr::Dot(_) => return self.raw(whole),
            }
        }
        node
    }
}

/// `make_const` for a numeric literal: int4, int8 or numeric.
pub(crate) fn number_const(n: &str, negate: bool) -> Node {
    let text = if negate {
        format!("-{n}")
    } else {
        n.to_string()
    };
    let is_int = n.bytes().all(|b| b.is_ascii_digit());
    if is_int {
        if let Ok(v) = text.parse::<i64>() {
            if i32::try_from(v).is_ok() {
                return Node::Const {
                    ty: Ty::b("int4"),
                    typmod: Vec::new(),
                    value: Some(v.to_string()),
                };
            }
            return Node::Const {
                ty: Ty::b("int8"),
                typmod: Vec::new(),
                value: Some(v.to_string()),
            };
        }
    }
    let value = consts::normalize_numeric(&text).unwrap_or(text);
    Node::Const {
        ty: Ty::b("numeric"),
        typmod: Vec::new(),
        value: Some(value),
    }
}

/// `quote_identifier` that always quotes (collation names are printed quoted).
fn quote_always(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
