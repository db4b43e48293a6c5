//! Parse analysis of function calls (`ParseFuncOrColumn`, `func_get_detail`) and of the
//! SQL-syntax calls (`AT TIME ZONE`, `EXTRACT`, `POSITION`, `SUBSTRING`, `TRIM`, `OVERLAY`,
//! `LIKE … ESCAPE`, `SIMILAR TO`), `IN`, `ANY`/`ALL`, and sub-selects.

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, InTarget, ObjectName,
    TrimWhereField,
};

use super::analyze::Analyzer;
use super::analyze_op::binary_op_name;
use super::funcs::Func;
use super::node::{BoolOp, FuncCall, Node, SubLinkKind, Syntax};
use super::typesys::{resolve_polymorphic, CoercionContext, Path, Ty};

impl Analyzer<'_, '_> {
    /// Expressions that are calls in Postgres's tree.
    pub fn call_like(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Function(f) if crate::pg::deparse::is_collation_for(f) => {
                let args = match &f.args {
                    FunctionArguments::List(l) => l
                        .args
                        .iter()
                        .filter_map(|a| match a {
                            FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => Some(self.expr(x)),
                            _ => None,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                self.sql_call("pg_collation_for", args, Syntax::CollationFor, e)
            }
            Expr::Function(f) => self.function(f, e),
            Expr::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                let ts = self.expr(timestamp);
                let tz = self.expr(time_zone);
                self.sql_call("timezone", vec![tz, ts], Syntax::AtTimeZone, e)
            }
            Expr::Extract { field, expr, .. } => {
                let f = field.to_string().to_lowercase();
                let f = f.trim_matches(['\'', '"']).to_string();
                let field = Node::Const {
                    ty: Ty::unknown(),
                    typmod: Vec::new(),
                    value: Some(f),
                };
                let x = self.expr(expr);
                self.sql_call("extract", vec![field, x], Syntax::Extract, e)
            }
            // `(a, b) OVERLAPS (c, d)` is `overlaps(a, b, c, d)` (both sides must be pairs).
            Expr::BinaryOp {
                left,
                op: sqlparser::ast::BinaryOperator::Overlaps,
                right,
            } => match (left.as_ref(), right.as_ref()) {
                (Expr::Tuple(l), Expr::Tuple(r)) if l.len() == 2 && r.len() == 2 => {
                    let args = l.iter().chain(r).map(|x| self.expr(x)).collect();
                    self.sql_call("overlaps", args, Syntax::Overlaps, e)
                }
                _ => self.raw(e),
            },
            Expr::Position { expr, r#in } => {
                let needle = self.expr(expr);
                let hay = self.expr(r#in);
                self.sql_call("position", vec![hay, needle], Syntax::Position, e)
            }
            Expr::Substring {
                expr,
                substring_from,
                substring_for,
                special,
                shorthand,
            } => {
                let mut args = vec![self.expr(expr)];
                let from = match substring_from {
                    Some(f) => self.expr(f),
                    None => super::analyze::number_const("1", false),
                };
                args.push(from);
                if let Some(f) = substring_for {
                    args.push(self.expr(f));
                }
                let syntax = if *special || *shorthand {
                    Syntax::Call
                } else {
                    Syntax::Substring
                };
                let name = if *shorthand { "substr" } else { "substring" };
                self.sql_call(name, args, syntax, e)
            }
            Expr::Trim {
                trim_where,
                trim_what,
                expr,
                ..
            } => {
                let (fname, kw) = match trim_where {
                    Some(TrimWhereField::Leading) => ("ltrim", "LEADING"),
                    Some(TrimWhereField::Trailing) => ("rtrim", "TRAILING"),
                    _ => ("btrim", "BOTH"),
                };
                let mut args = vec![self.expr(expr)];
                if let Some(w) = trim_what {
                    args.push(self.expr(w));
                }
                self.sql_call(fname, args, Syntax::Trim(kw), e)
            }
            Expr::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let mut args = vec![
                    self.expr(expr),
                    self.expr(overlay_what),
                    self.expr(overlay_from),
                ];
                if let Some(f) = overlay_for {
                    args.push(self.expr(f));
                }
                self.sql_call("overlay", args, Syntax::Overlay, e)
            }
            Expr::Ceil { expr, .. } | Expr::Floor { expr, .. } => {
                let name = if matches!(e, Expr::Ceil { .. }) {
                    "ceil"
                } else {
                    "floor"
                };
                let x = self.expr(expr);
                self.sql_call(name, vec![x], Syntax::Call, e)
            }
            Expr::In {
                expr,
                target,
                negated,
                ..
            } => match target {
                InTarget::List(list) => self.in_list(expr, list, *negated),
                InTarget::Subquery(q) => {
                    let test = self.expr(expr);
                    let s = self.sublink(SubLinkKind::Any, Some(test), "=", q);
                    if *negated {
                        Node::Bool {
                            op: BoolOp::Not,
                            args: vec![s],
                        }
                    } else {
                        s
                    }
                }
                _ => self.raw(e),
            },
            Expr::Like {
                negated,
                expr,
                pattern,
                escape_char,
                any,
            }
            | Expr::ILike {
                negated,
                expr,
                pattern,
                escape_char,
                any,
            } => {
                let ci = matches!(e, Expr::ILike { .. });
                let op = match (ci, negated) {
                    (false, false) => "~~",
                    (false, true) => "!~~",
                    (true, false) => "~~*",
                    (true, true) => "!~~*",
                };
                // `LIKE ANY (array)`, and `LIKE ALL (array)` (which sqlparser reads as a call
                // of a function `all`).
                let quantified = if *any {
                    Some((true, pattern.as_ref()))
                } else {
                    match pattern.as_ref() {
                        Expr::Function(f) if f.name.0.len() == 1 => {
                            let n = f.name.to_string().to_lowercase();
                            match (&f.args, n.as_str()) {
                                (FunctionArguments::List(l), "all" | "any" | "some")
                                    if l.args.len() == 1 =>
                                {
                                    match &l.args[0] {
                                        FunctionArg::Unnamed(FunctionArgExpr::Expr(x)) => {
                                            Some((n != "all", x))
                                        }
                                        _ => None,
                                    }
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    }
                };
                if let Some((any, arr)) = quantified {
                    if escape_char.is_none() {
                        let l = self.expr(expr);
                        let r = self.expr(arr);
                        return self.scalar_array_op(op, any, l, r);
                    }
                }
                let l = self.expr(expr);
                let mut p = self.expr(pattern);
                if let Some(esc) = escape_char {
                    let esc = self.expr(esc);
                    p = self.sql_call("like_escape", vec![p, esc], Syntax::Call, e);
                }
                self.make_op(None, op, Some(l), p)
            }
            Expr::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => {
                let l = self.expr(expr);
                let mut args = vec![self.expr(pattern)];
                if let Some(esc) = escape_char {
                    args.push(self.expr(esc));
                }
                let p = self.sql_call("similar_to_escape", args, Syntax::Call, e);
                self.make_op(None, if *negated { "!~" } else { "~" }, Some(l), p)
            }
            Expr::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | Expr::AllOp {
                left,
                compare_op,
                right,
            } => {
                let any = matches!(e, Expr::AnyOp { .. });
                let Some((_, name)) = binary_op_name(compare_op) else {
                    return self.raw(e);
                };
                let l = self.expr(left);
                let mut r_inner: &Expr = right;
                while let Expr::Nested(i) = r_inner {
                    r_inner = i;
                }
                if let Expr::Subquery(q) = r_inner {
                    let kind = if any {
                        SubLinkKind::Any
                    } else {
                        SubLinkKind::All
                    };
                    return self.sublink(kind, Some(l), &name, q);
                }
                let r = self.expr(right);
                self.scalar_array_op(&name, any, l, r)
            }
            Expr::Exists { subquery, negated } => {
                let s = self.sublink(SubLinkKind::Exists, None, "", subquery);
                if *negated {
                    Node::Bool {
                        op: BoolOp::Not,
                        args: vec![s],
                    }
                } else {
                    s
                }
            }
            Expr::Subquery(q) => self.sublink(SubLinkKind::Expr, None, "", q),
            _ => self.raw(e),
        }
    }

    /// A call of a built-in function written with SQL syntax.
    fn sql_call(&mut self, name: &str, args: Vec<Node>, syntax: Syntax, whole: &Expr) -> Node {
        match self.resolve_call(None, name, args, false) {
            Some(Node::Func(mut f)) => {
                f.syntax = syntax;
                Node::Func(f)
            }
            Some(other) => other,
            None => self.raw(whole),
        }
    }

    /// A function call as written (`f(…)`, `schema.f(…)`, `COALESCE(…)`, `CURRENT_USER`).
    fn function(&mut self, f: &Function, whole: &Expr) -> Node {
        let parts = self.name_parts(&f.name);
        let unqualified = parts.len() == 1;
        let name = parts.last().cloned().unwrap_or_default();
        let schema = if parts.len() >= 2 {
            Some(parts[parts.len() - 2].clone())
        } else {
            None
        };
        let quoted = f
            .name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .is_some_and(|i| i.quote_style.is_some());
        let list = match &f.args {
            FunctionArguments::None => {
                if unqualified && !quoted {
                    if let Some(n) = self.sql_value_function(&name, None) {
                        return n;
                    }
                }
                return self.raw(whole);
            }
            FunctionArguments::Subquery(q) if unqualified && !quoted && name == "array" => {
                return self.sublink(SubLinkKind::Array, None, "", q);
            }
            FunctionArguments::Subquery(_) => return self.raw(whole),
            FunctionArguments::List(l) => l,
        };
        let mut star = false;
        let mut args = Vec::new();
        let mut names: Vec<Option<String>> = Vec::new();
        for a in &list.args {
            let (n, fa) = match a {
                FunctionArg::Unnamed(fa) => (None, fa),
                FunctionArg::Named { name, arg, .. } => (Some(self.ident(name)), arg),
                FunctionArg::ExprNamed { name, arg, .. } => match name {
                    Expr::Identifier(id) => (Some(self.ident(id)), arg),
                    _ => (None, arg),
                },
            };
            match fa {
                FunctionArgExpr::Expr(x) => {
                    args.push(self.expr(x));
                    names.push(n);
                }
                FunctionArgExpr::QualifiedWildcard(q) => {
                    let rel = self.name_parts(q).pop().unwrap_or_default();
                    match self.whole_row(&rel) {
                        Some(w) => {
                            args.push(w);
                            names.push(n);
                        }
                        None => return self.raw(whole),
                    }
                }
                _ => star = true,
            }
        }
        // `WITHIN GROUP (ORDER BY …)`: the sort keys are the aggregated arguments, after the
        // direct ones (split again by `attach_agg`).
        for it in &f.within_group {
            args.push(self.expr(&it.expr));
            names.push(None);
        }
        let distinct = list
            .duplicate_treatment
            .is_some_and(|d| matches!(d, sqlparser::ast::DuplicateTreatment::Distinct));
        if unqualified && !quoted {
            match name.as_str() {
                "coalesce" => return self.coalesce(args),
                "row" => return Node::Row { args },
                "grouping" if !args.is_empty() => {
                    return Node::Func(Box::new(FuncCall {
                        func: Func {
                            schema: String::new(),
                            name: "grouping".into(),
                            args: Vec::new(),
                            ret: Ty::b("int4"),
                            variadic: None,
                            ndefaults: 0,
                            kind: b'f',
                            opaque: false,
                        },
                        args,
                        ty: Ty::b("int4"),
                        syntax: Syntax::Grouping,
                        variadic: false,
                        star: false,
                        distinct: false,
                        agg: None,
                    }));
                }
                "greatest" | "least" => {
                    let ty = self.common(&args);
                    let args = self.coerce_all(args, &ty);
                    return Node::MinMax {
                        greatest: name == "greatest",
                        args,
                        ty,
                    };
                }
                "nullif" if args.len() == 2 => {
                    let mut it = args.into_iter();
                    let (a, b) = (
                        it.next().unwrap_or_else(Node::null),
                        it.next().unwrap_or_else(Node::null),
                    );
                    let ty = a.ty();
                    return match self.make_op(None, "=", Some(a), b) {
                        Node::Op { args, .. } => Node::NullIf { args, ty },
                        other => other,
                    };
                }
                "current_timestamp" | "current_time" | "localtime" | "localtimestamp" => {
                    let p = match args.first() {
                        Some(Node::Const { value: Some(v), .. }) => v.parse().ok(),
                        _ => None,
                    };
                    if let Some(n) = self.sql_value_function(&name, p) {
                        return n;
                    }
                }
                _ => {}
            }
        }
        let has_names = names.iter().any(Option::is_some);
        let args: Vec<Node> = args
            .into_iter()
            .zip(names)
            .map(|(a, n)| match n {
                Some(name) => Node::Named {
                    name,
                    arg: Box::new(a),
                },
                None => a,
            })
            .collect();
        let node = match self.resolve_call(schema.as_deref(), &name, args.clone(), has_names) {
            Some(Node::Func(mut fc)) => {
                fc.star = star;
                fc.distinct = distinct;
                Node::Func(fc)
            }
            Some(other) => other,
            None => {
                // Unknown function: keep the call, arguments as analysed.
                let args = args
                    .into_iter()
                    .map(|a| {
                        if a.is_unknown_literal() {
                            self.coerce_to_target(
                                a,
                                &Ty::b("text"),
                                &[],
                                CoercionContext::Implicit,
                                false,
                            )
                        } else {
                            a
                        }
                    })
                    .collect();
                Node::Func(Box::new(FuncCall {
                    func: Func {
                        schema: schema.unwrap_or_default(),
                        name,
                        args: Vec::new(),
                        ret: Ty::opaque(),
                        variadic: None,
                        ndefaults: 0,
                        kind: b'f',
                        opaque: true,
                    },
                    args,
                    ty: Ty::opaque(),
                    syntax: Syntax::Call,
                    variadic: false,
                    star,
                    distinct,
                    agg: None,
                }))
            }
        };
        let (node, modelled) = self.attach_agg(node, f);
        if !modelled {
            self.unmodelled.set(true);
        }
        node
    }

    fn common(&self, args: &[Node]) -> Ty {
        let types: Vec<Ty> = args.iter().map(Node::ty).collect();
        self.ctx
            .select_common_type(&types)
            .unwrap_or_else(|| Ty::b("text"))
    }

    fn coalesce(&mut self, args: Vec<Node>) -> Node {
        let ty = self.common(&args);
        let args = self.coerce_all(args, &ty);
        Node::Coalesce { args, ty }
    }

    /// `func_get_detail` + argument coercion; `None` when no function matches.
    pub fn resolve_call(
        &mut self,
        schema: Option<&str>,
        name: &str,
        args: Vec<Node>,
        has_names: bool,
    ) -> Option<Node> {
        let inputs: Vec<Ty> = args
            .iter()
            .map(|a| match a {
                Node::Named { arg, .. } => arg.ty(),
                a => a.ty(),
            })
            .collect();
        let path = self.ctx.search_path;
        let cands = self.ctx.func_candidates(schema, name, args.len(), path);
        let exact = cands.iter().position(|(_, a)| *a == inputs);
        let chosen = match exact {
            Some(i) => Some(i),
            None => {
                if args.len() == 1 && !has_names {
                    if let Some(n) = self.function_as_cast(schema, name, &args[0]) {
                        return Some(n);
                    }
                }
                let cand_args: Vec<Vec<Ty>> = cands.iter().map(|(_, a)| a.clone()).collect();
                let rets: Vec<Ty> = cands.iter().map(|(f, _)| f.ret.clone()).collect();
                self.ctx.select_candidate(&inputs, &cand_args, &rets)
            }
        };
        let (func, declared) = cands.into_iter().nth(chosen?)?;
        let (declared, ret) =
            if declared.iter().any(Ty::is_polymorphic) || func.ret.is_polymorphic() {
                resolve_polymorphic(self.ctx, &inputs, &declared, &func.ret)
                    .unwrap_or((declared, func.ret.clone()))
            } else {
                (declared, func.ret.clone())
            };
        let nfixed = func.args.len().saturating_sub(1);
        let mut coerced: Vec<Node> = args
            .into_iter()
            .zip(&declared)
            .map(|(a, d)| {
                if d.is_opaque() {
                    return if a.is_unknown_literal() {
                        self.coerce_arg(a, &Ty::b("text"))
                    } else {
                        a
                    };
                }
                match a {
                    Node::Named { name, arg } => Node::Named {
                        name,
                        arg: Box::new(self.coerce_arg(*arg, d)),
                    },
                    a => self.coerce_arg(a, d),
                }
            })
            .collect();
        let mut variadic = false;
        if let Some(elem) = &func.variadic {
            if !elem.is("any") && coerced.len() > nfixed && !func.opaque {
                let tail = coerced.split_off(nfixed);
                let elem_ty = declared
                    .get(nfixed)
                    .cloned()
                    .unwrap_or_else(|| elem.clone());
                coerced.push(Node::Array {
                    ty: elem_ty.array_of(),
                    elems: tail,
                });
                variadic = true;
            }
        }
        Some(Node::Func(Box::new(FuncCall {
            func,
            args: coerced,
            ty: ret,
            syntax: Syntax::Call,
            variadic,
            star: false,
            distinct: false,
            agg: None,
        })))
    }

    /// `typename(x)` treated as a cast (`FUNCDETAIL_COERCION`).
    fn function_as_cast(&mut self, schema: Option<&str>, name: &str, arg: &Node) -> Option<Node> {
        let dt = match schema {
            Some(s) => sqlparser::ast::DataType::Custom(
                ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', s),
                    sqlparser::ast::Ident::with_quote('"', name),
                ]),
                Vec::new(),
            ),
            None => sqlparser::ast::DataType::Custom(
                ObjectName::from(vec![sqlparser::ast::Ident::with_quote('"', name)]),
                Vec::new(),
            ),
        };
        let t = crate::pg::types::resolve_type(&dt, self.ctx.catalog, self.ctx.search_path).ok()?;
        let target = Ty::from_sql(&t);
        let src = arg.ty();
        let is_coercion = if src.is_unknown() && arg.is_const() {
            true
        } else {
            match self
                .ctx
                .coercion_pathway(&target, &src, CoercionContext::Explicit)
            {
                Path::Relabel => true,
                Path::CoerceViaIo => {
                    !(src.is("record") || self.ctx.category(&src) == b'C')
                        || self.ctx.category(&target) != b'S'
                }
                _ => false,
            }
        };
        if !is_coercion {
            return None;
        }
        Some(self.coerce_type(arg.clone(), &target, CoercionContext::Explicit, true))
    }
}
