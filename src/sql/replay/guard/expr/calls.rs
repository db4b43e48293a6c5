//! Compiling function calls, aggregates and subqueries.

use sqlparser::ast::{
    Expr, FunctionArg, FunctionArgExpr, FunctionArgumentClause, FunctionArguments,
};

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::funcs;
use crate::sql::replay::guard::query::CQuery;
use crate::sql::replay::name_parts;

use super::{CAgg, CExpr, Compiler};

impl<'c, 'a> Compiler<'c, 'a> {
    /// A built-in call by name (or why it cannot be evaluated).
    pub(crate) fn call(&mut self, name: &str, args: Vec<CExpr>) -> Res<CExpr> {
        let Some(((min, max), f)) = funcs::lookup(name) else {
            return Ok(CExpr::Unknown(format!(
                "function {name}() is not evaluated"
            )));
        };
        let n = args.len();
        if n >= usize::from(min) && (max == funcs::ANY || n <= usize::from(max)) {
            return Ok(CExpr::Func(f, args));
        }
        if self.cx.tracked().routines.has_name_anywhere(name) {
            // An overload the history defines, with this number of arguments.
            return Ok(CExpr::Unknown(format!(
                "the user-defined function {name}() is not evaluated"
            )));
        }
        Err(Fail::pg(
            "undefined_function",
            format!(
                "function {name}() with {n} argument{} does not exist",
                if n == 1 { "" } else { "s" }
            ),
        ))
    }

    pub(super) fn function(&mut self, f: &sqlparser::ast::Function) -> Res<CExpr> {
        let parts = name_parts(&f.name);
        let name = parts.last().cloned().unwrap_or_default();
        let schema = (parts.len() > 1).then(|| parts[parts.len() - 2].clone());
        if f.over.is_some() {
            return Ok(CExpr::Unknown(format!(
                "window function {name}() is not evaluated"
            )));
        }
        if let Some(s) = schema.as_deref().filter(|s| *s != "pg_catalog") {
            return Ok(CExpr::Unknown(format!(
                "function {s}.{name}() is not evaluated"
            )));
        }
        let list = match &f.args {
            FunctionArguments::None => return self.call(&name, Vec::new()),
            FunctionArguments::Subquery(q) if name == "array" => {
                return Ok(CExpr::ArrayQuery(Box::new(self.subquery(q)?)))
            }
            FunctionArguments::Subquery(_) => {
                return Ok(CExpr::Unknown(format!("{name}(SELECT …) is not evaluated")))
            }
            FunctionArguments::List(l) => l,
        };
        let mut args = Vec::new();
        let mut star = false;
        for a in &list.args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(e),
                FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => star = true,
                _ => {
                    return Ok(CExpr::Unknown(format!(
                        "arguments of {name}() are not evaluated"
                    )))
                }
            }
        }
        if funcs::is_aggregate(&name) {
            return self.aggregate(&name, f, list, &args, star);
        }
        if funcs::lookup(&name).is_none() && self.cx.tracked().routines.has_name_anywhere(&name) {
            return Ok(CExpr::Unknown(format!(
                "the user-defined function {name}() is not evaluated"
            )));
        }
        let args = args.iter().map(|e| self.expr(e)).collect::<Res<Vec<_>>>()?;
        self.call(&name, args)
    }

    fn aggregate(
        &mut self,
        name: &str,
        f: &sqlparser::ast::Function,
        list: &sqlparser::ast::FunctionArgumentList,
        args: &[&Expr],
        star: bool,
    ) -> Res<CExpr> {
        let Some(level) = self.levels.last() else {
            return Ok(CExpr::Unknown("aggregate outside a query".into()));
        };
        if level.aggs.is_none() {
            return Err(Fail::pg(
                "grouping_error",
                format!("aggregate functions are not allowed here ({name})"),
            ));
        }
        // Arguments are evaluated over the input rows: compile them without the aggregate
        // collection in place (nested aggregates are an error in PostgreSQL too).
        let saved = self.levels.last_mut().and_then(|l| l.aggs.take());
        let mut compiled = Vec::new();
        let mut filter = None;
        let mut order = Vec::new();
        let result = (|| -> Res<()> {
            for a in args {
                compiled.push(self.expr(a)?);
            }
            if let Some(fl) = &f.filter {
                filter = Some(self.expr(fl)?);
            }
            for c in &list.clauses {
                if let FunctionArgumentClause::OrderBy(obs) = c {
                    for ob in obs {
                        let desc =
                            matches!(ob.options.sort, Some(sqlparser::ast::OrderBySort::Desc));
                        order.push((self.expr(&ob.expr)?, desc));
                    }
                }
            }
            for ob in &f.within_group {
                order.push((self.expr(&ob.expr)?, false));
            }
            Ok(())
        })();
        if let Some(l) = self.levels.last_mut() {
            l.aggs = saved;
        }
        result?;
        let aggs = self
            .levels
            .last_mut()
            .and_then(|l| l.aggs.as_mut())
            .ok_or_else(|| Fail::unknown("aggregate outside a query"))?;
        aggs.push(CAgg {
            name: name.to_string(),
            args: compiled,
            distinct: matches!(
                list.duplicate_treatment,
                Some(sqlparser::ast::DuplicateTreatment::Distinct)
            ),
            filter,
            order,
            star,
        });
        Ok(CExpr::Agg(aggs.len() - 1))
    }

    /// Compiles a subquery with this compiler's levels as its outer scope.
    pub(crate) fn subquery(&mut self, q: &sqlparser::ast::Query) -> Res<CQuery> {
        crate::sql::replay::guard::query::compile_query(self, q)
    }
}
