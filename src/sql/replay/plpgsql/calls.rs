//! Calls of the history's own plpgsql routines where a migration runs them: `SELECT f(…)` (with
//! or without `FROM`: once per row) and `CALL p(…)` at the top level, `PERFORM f(…)` and
//! `CALL p(…)` in a `DO` block. PostgreSQL runs the body there, so a routine that creates or
//! alters tables (`EXECUTE format('CREATE TABLE %I …', name)`) changes the schema as a `DO` block
//! would. Routines whose body cannot change the schema are not run (their results are not
//! needed), nor are set-returning routines and routines in other languages.

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Query, SelectItem, SetExpr,
};

use super::scope::Val;
use super::{effects, parse, run_body, Invocation};
use crate::diagnostics::{Diagnostics, SourceFile};
use crate::sql::replay::guard::cast::Ty;
use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::routines::Routine;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::{Ctx, Vars};
use crate::sql::replay::{name_parts, Outcome, Replayer, Stmt, R};
use crate::sql::split::lex;

/// One call found: the routine and the argument expressions in parameter order (`None` where
/// the parameter's default applies).
struct Call<'q> {
    routine: u32,
    args: Vec<Option<&'q Expr>>,
}

/// The routine of the history a call names, when it is one replay runs: plpgsql, not
/// set-returning, a procedure for `CALL` and a function otherwise, and its body can change
/// the schema.
fn resolve<'q>(r: &Replayer, f: &'q Function, procedure: bool) -> Option<Call<'q>> {
    if f.over.is_some() || f.filter.is_some() || !f.within_group.is_empty() {
        return None;
    }
    let parts = name_parts(&f.name);
    let (schema, name) = match parts.as_slice() {
        [name] => (None, name.clone()),
        [schema, name] => (Some(schema.clone()), name.clone()),
        _ => return None,
    };
    let list = match &f.args {
        FunctionArguments::None => None,
        FunctionArguments::List(l) if l.clauses.is_empty() && l.duplicate_treatment.is_none() => {
            Some(l)
        }
        _ => return None,
    };
    let written: &[FunctionArg] = list.map_or(&[], |l| l.args.as_slice());
    let routines = &r.tracked.routines;
    let schemas = match schema {
        Some(s) => vec![s],
        None => r.effective_search_path(),
    };
    // The first schema of the path with a routine of that name decides (PostgreSQL's rule
    // when one candidate fits the number of arguments).
    let candidates: Vec<&Routine> = schemas
        .iter()
        .map(|s| {
            routines
                .named(s, &name)
                .filter(|x| (x.kind == 'p') == procedure)
                .filter(|x| fits(x, written))
                .collect::<Vec<_>>()
        })
        .find(|c| !c.is_empty())?;
    let [routine] = candidates.as_slice() else {
        return None;
    };
    if routine.language != "plpgsql" || routine.retset || !shapes_schema(routine) {
        return None;
    }
    let mut args: Vec<Option<&Expr>> = vec![None; routine.args.len()];
    let mut next = 0;
    for a in written {
        match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => {
                *args.get_mut(next)? = Some(e);
                next += 1;
            }
            named => {
                let (n, e) = named_arg(named)?;
                args[position(routine, &n)?] = Some(e);
            }
        }
    }
    Some(Call {
        routine: routine.id,
        args,
    })
}

/// A named argument (`name => value`, `name := value`): the name and the value.
fn named_arg(a: &FunctionArg) -> Option<(String, &Expr)> {
    match a {
        FunctionArg::Named {
            name,
            arg: FunctionArgExpr::Expr(e),
            ..
        } => Some((crate::sql::replay::fold(name), e)),
        FunctionArg::ExprNamed {
            name: Expr::Identifier(name),
            arg: FunctionArgExpr::Expr(e),
            ..
        } => Some((crate::sql::replay::fold(name), e)),
        _ => None,
    }
}

/// The position of the parameter called `name`.
fn position(routine: &Routine, name: &str) -> Option<usize> {
    routine.arg_names.iter().position(|a| a == name)
}

/// Whether `written` arguments can call `routine`: not more than its parameters, and the ones
/// left out have defaults (named arguments matched by name).
fn fits(routine: &Routine, written: &[FunctionArg]) -> bool {
    let n = routine.args.len();
    if written.len() > n {
        return false;
    }
    let mut given = vec![false; n];
    let mut next = 0;
    for a in written {
        match a {
            FunctionArg::Unnamed(_) => {
                given[next] = true;
                next += 1;
            }
            named => match named_arg(named).and_then(|(n, _)| position(routine, &n)) {
                Some(k) => given[k] = true,
                None => return false,
            },
        }
    }
    given
        .iter()
        .zip(&routine.defaults)
        .all(|(g, d)| *g || d.is_some())
}

/// Whether a routine's body has a statement that can change the schema (one that cannot be
/// read counts: running it says why it is not understood).
fn shapes_schema(routine: &Routine) -> bool {
    let tmp = SourceFile::new(std::path::PathBuf::new(), routine.body.clone());
    let Ok(lexed) = lex(&tmp, 0, tmp.text.len()) else {
        return true;
    };
    match parse::parse_body(&tmp, &lexed) {
        Ok(body) => effects::of(&body, &lexed, &[body.root]).schema,
        Err(_) => true,
    }
}

/// The routine calls at the top of a `SELECT`'s target list (`SELECT f(…), g(…) [FROM …]`).
fn calls_of_query<'q>(r: &Replayer, q: &'q Query) -> Vec<Call<'q>> {
    let SetExpr::Select(select) = q.body.as_ref() else {
        return Vec::new();
    };
    select
        .projection
        .iter()
        .filter_map(|item| match item {
            SelectItem::UnnamedExpr(Expr::Function(f))
            | SelectItem::ExprWithAlias {
                expr: Expr::Function(f),
                ..
            } => resolve(r, f, false),
            _ => None,
        })
        .collect()
}

/// The argument values of `calls` for each row `q` gives (without `q`, one row): the query
/// with the arguments as its target list, evaluated as a guard query.
fn argument_rows(
    r: &Replayer,
    vars: &dyn Vars,
    q: Option<&Query>,
    calls: &[Call<'_>],
) -> Res<Vec<Vec<V<'static>>>> {
    let mut items: Vec<SelectItem> = calls
        .iter()
        .flat_map(|c| c.args.iter().flatten())
        .map(|e| SelectItem::UnnamedExpr((*e).clone()))
        .collect();
    // One more column, so a call without arguments still gets a row per row of `q`.
    items.push(SelectItem::UnnamedExpr(Expr::value(
        sqlparser::ast::Value::Number("1".into(), false),
    )));
    let query = match q {
        Some(q) => {
            let mut q = q.clone();
            if let SetExpr::Select(s) = q.body.as_mut() {
                s.projection = items;
            }
            q
        }
        None => {
            let text = items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let dialect = sqlparser::dialect::PostgreSqlDialect {};
            sqlparser::parser::Parser::new(&dialect)
                .try_with_sql(&format!("SELECT {text}"))
                .and_then(|mut p| p.parse_query())
                .map(|q| *q)
                .map_err(|e| Fail::Unknown(format!("the arguments could not be read: {e}")))?
        }
    };
    crate::sql::replay::guard::run::query_rows(&Ctx::new(r, vars), &query).map(|(_, rows)| rows)
}

/// Runs each call for each row of argument values.
fn run_calls(
    r: &mut Replayer,
    stmt: Stmt<'_>,
    calls: &[Call<'_>],
    rows: Vec<Vec<V<'static>>>,
    diags: &mut Diagnostics,
) -> R<Outcome> {
    let mut outcome = Outcome::PassedOver;
    for row in rows {
        let mut values = row.into_iter();
        for call in calls {
            let Some(routine) = r.tracked.routines.get(call.routine).cloned() else {
                return Ok(Outcome::NotUnderstood(
                    "a routine it calls was dropped by a routine called before it".into(),
                ));
            };
            let mut params = Vec::with_capacity(routine.args.len());
            let mut null_arg = false;
            for (k, ty) in routine.args.iter().enumerate() {
                let ty = Ty::parse(&ty.to_string());
                let value = match call.args[k] {
                    Some(_) => {
                        let v = values.next().unwrap_or(V::Null);
                        null_arg |= matches!(v, V::Null);
                        let cx = Ctx::new(r, &NoVars);
                        match cx.cast(v, &ty) {
                            Ok(v) => Val::Known(v.into_owned()),
                            Err(Fail::Pg(e)) => return Err(raised(e)),
                            Err(Fail::Unknown(m)) => Val::Unknown(m),
                        }
                    }
                    None => default_value(r, &routine, k, &ty),
                };
                params.push((routine.arg_names[k].clone(), ty, value));
            }
            if routine.strict && null_arg {
                continue;
            }
            let signature = format!(
                "{}.{}({})",
                routine.schema,
                routine.name,
                routine
                    .args
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let invocation = Invocation {
                name: routine.name.clone(),
                signature,
                params,
            };
            let tmp = SourceFile::new(stmt.source.path.clone(), routine.body.clone());
            let lexed = match lex(&tmp, 0, tmp.text.len()) {
                Ok(l) => l,
                Err((_, m)) => {
                    return Ok(Outcome::NotUnderstood(format!(
                        "the body of {} could not be read: {m}",
                        invocation.signature
                    )))
                }
            };
            r.ran_routine = true;
            let saved = routine
                .search_path
                .clone()
                .map(|p| std::mem::replace(&mut r.search_path, p));
            let result = run_body(
                r,
                stmt,
                &tmp,
                &lexed,
                Some(stmt.raw.span),
                Some(&invocation),
                diags,
            );
            if let Some(p) = saved {
                r.search_path = p;
            }
            match result? {
                Outcome::NotUnderstood(m) => {
                    return Ok(Outcome::NotUnderstood(format!(
                        "{}: {m}",
                        invocation.signature
                    )))
                }
                Outcome::PassedOver => {}
                other => outcome = other,
            }
        }
    }
    Ok(outcome)
}

/// A parameter's default, evaluated (unknown when it cannot be).
fn default_value(r: &Replayer, routine: &Routine, k: usize, ty: &Ty) -> Val {
    let Some(Some(e)) = routine.defaults.get(k) else {
        return Val::Unknown(format!("parameter {} has no value", k + 1));
    };
    let text = format!("SELECT {e}");
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let Ok(q) = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(&text)
        .and_then(|mut p| p.parse_query())
    else {
        return Val::Unknown("a parameter default could not be read".into());
    };
    let cx = Ctx::new(r, &NoVars);
    let one = || -> Res<V<'static>> {
        let (_, rows) = crate::sql::replay::guard::run::query_rows(&cx, &q)?;
        let out = rows
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .unwrap_or(V::Null);
        Ok(cx.cast(out, ty)?.into_owned())
    };
    match one() {
        Ok(v) => Val::Known(v),
        Err(Fail::Pg(e)) => Val::Unknown(e.message),
        Err(Fail::Unknown(m)) => Val::Unknown(m),
    }
}

/// No variables (a top-level statement's arguments, a parameter default).
struct NoVars;

impl Vars for NoVars {
    fn get(&self, _: &str) -> Option<Result<&V<'static>, &str>> {
        None
    }
}

/// `SELECT f(…) [FROM …]` calling routines of the history: runs them, once per row, with
/// `vars` in scope for the arguments (a `DO` block's variables for `PERFORM`). `None` when the
/// query calls none that replay runs.
pub(crate) fn select_calls(
    r: &mut Replayer,
    stmt: Stmt<'_>,
    q: &Query,
    vars: Option<&dyn Vars>,
    diags: &mut Diagnostics,
) -> Option<R<Outcome>> {
    let vars = vars.unwrap_or(&NoVars);
    let calls = calls_of_query(r, q);
    if calls.is_empty() {
        return None;
    }
    let plain = matches!(q.body.as_ref(), SetExpr::Select(s) if s.from.is_empty() && s.selection.is_none())
        && q.limit_clause.is_none()
        && q.order_by.is_none();
    evaluate_and_run(
        r,
        stmt,
        vars,
        (!plain).then_some(q),
        &calls,
        "a routine it calls",
        diags,
    )
}

/// `CALL p(…)` of a procedure of the history; `None` when replay does not run it.
pub(crate) fn call_statement(
    r: &mut Replayer,
    stmt: Stmt<'_>,
    f: &Function,
    vars: Option<&dyn Vars>,
    diags: &mut Diagnostics,
) -> Option<R<Outcome>> {
    let vars = vars.unwrap_or(&NoVars);
    let call = resolve(r, f, true)?;
    evaluate_and_run(r, stmt, vars, None, &[call], "the procedure", diags)
}

/// Evaluates the arguments of `calls` (for each row of `q`, else once) and runs them.
fn evaluate_and_run(
    r: &mut Replayer,
    stmt: Stmt<'_>,
    vars: &dyn Vars,
    q: Option<&Query>,
    calls: &[Call<'_>],
    what: &str,
    diags: &mut Diagnostics,
) -> Option<R<Outcome>> {
    Some(match argument_rows(r, vars, q, calls) {
        Ok(rows) => run_calls(r, stmt, calls, rows, diags),
        Err(Fail::Pg(e)) => Err(raised(e)),
        Err(Fail::Unknown(m)) => Ok(Outcome::NotUnderstood(format!(
            "the arguments of {what} are not known: {m}"
        ))),
    })
}

/// A PostgreSQL error raised while evaluating, as the statement's error.
fn raised(e: crate::sql::replay::guard::errors::PgError) -> crate::sql::replay::ReplayError {
    crate::sql::replay::ReplayError::new(crate::sql::replay::SqlState::Raised(e.cond), e.message)
}
