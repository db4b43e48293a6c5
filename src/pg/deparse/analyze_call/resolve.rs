//! Function calls resolved against the catalog (`ParseFuncOrColumn`): the candidates, the
//! chosen function, and calls that are really casts.

use crate::pg::deparse::analyze::Analyzer;
use crate::pg::deparse::funcs::Func;
use crate::pg::deparse::node::{FuncCall, Node, SubLinkKind, Syntax};
use crate::pg::deparse::typesys::{resolve_polymorphic, CoercionContext, Path, Ty};
use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, ObjectName};

impl Analyzer<'_, '_> {
    /// A function call as written (`f(…)`, `schema.f(…)`, `COALESCE(…)`, `CURRENT_USER`).
    pub(super) fn function(&mut self, f: &Function, whole: &Expr) -> Node {
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
                    return grouping_call(args);
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
                    // `transformAExprNullIf`: an `=` operator expression yielding its first
                    // argument as coerced to the operator's input type (`varchar` → `text`).
                    let ty = a.ty();
                    return match self.make_op(None, "=", Some(a), b) {
                        Node::Op { args, .. } => {
                            let ty = args.first().map(Node::ty).unwrap_or(ty);
                            Node::NullIf { args, ty }
                        }
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
            None => self.unknown_call(schema, name, args, star, distinct),
        };
        let (node, modelled) = self.attach_agg(node, f);
        if !modelled {
            self.unmodelled.set(true);
        }
        node
    }

    /// A call of a function the catalog does not have: kept as written, its arguments as
    /// analysed (unknown literals as `text`).
    fn unknown_call(
        &mut self,
        schema: Option<String>,
        name: String,
        args: Vec<Node>,
        star: bool,
        distinct: bool,
    ) -> Node {
        let args = args
            .into_iter()
            .map(|a| {
                if a.is_unknown_literal() {
                    self.coerce_to_target(a, &Ty::b("text"), &[], CoercionContext::Implicit, false)
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

    pub(super) fn common(&self, args: &[Node]) -> Ty {
        let types: Vec<Ty> = args.iter().map(Node::ty).collect();
        self.ctx
            .select_common_type(&types)
            .unwrap_or_else(|| Ty::b("text"))
    }

    pub(super) fn coalesce(&mut self, args: Vec<Node>) -> Node {
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
    pub(super) fn function_as_cast(
        &mut self,
        schema: Option<&str>,
        name: &str,
        arg: &Node,
    ) -> Option<Node> {
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

/// `GROUPING(…)`: a call of `int4` type Postgres represents with its own node.
fn grouping_call(args: Vec<Node>) -> Node {
    Node::Func(Box::new(FuncCall {
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
    }))
}
