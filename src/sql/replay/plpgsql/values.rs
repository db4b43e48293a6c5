//! Expressions of a `DO` body, evaluated as plpgsql evaluates them (`SELECT <expression>`),
//! queries run for their rows, assignment with conversion to the declared type, declarations.

use std::rc::Rc;

use sqlparser::ast::Query;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::ast::{Decl, SId, Src, Target};
use super::exec::{Exec, Stop, X};
use super::scope::Val;
use crate::sql::replay::guard::cast::Ty;
use crate::sql::replay::guard::errors::{Fail, PgError, Res};
use crate::sql::replay::guard::eval::{truth, Env};
use crate::sql::replay::guard::expr::Compiler;
use crate::sql::replay::guard::query::CQuery;
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Ctx;
use crate::sql::replay::{word_of, Replayer};
use crate::sql::split::is_trivia;

type Table = (Vec<String>, Vec<Vec<V<'static>>>);

fn parse_tokens(tokens: Vec<TokenWithSpan>, as_select: bool) -> Res<Query> {
    let mut toks = Vec::with_capacity(tokens.len() + 1);
    if as_select {
        toks.push(TokenWithSpan::wrap(Token::make_keyword("SELECT")));
    }
    toks.extend(tokens);
    let dialect = PostgreSqlDialect {};
    let mut p = sqlparser::parser::Parser::new(&dialect).with_tokens_with_locations(toks);
    let q = p.parse_query().map_err(|e| {
        Fail::pg(
            "syntax_error",
            format!(
                "syntax error: {}",
                e.to_string().trim_start_matches("sql parser error: ")
            ),
        )
    })?;
    match p.peek_token().token {
        Token::EOF | Token::SemiColon => Ok(*q),
        other => Err(Fail::pg(
            "syntax_error",
            format!("syntax error at or near \"{other}\""),
        )),
    }
}

impl Exec<'_> {
    fn tokens_of(&self, src: &Src) -> Vec<TokenWithSpan> {
        let toks = match &src.own {
            Some(l) => {
                &l.tokens[src.toks.start.min(l.tokens.len())..src.toks.end.min(l.tokens.len())]
            }
            None => {
                &self.lexed.tokens[src.toks.start.min(self.lexed.tokens.len())
                    ..src.toks.end.min(self.lexed.tokens.len())]
            }
        };
        toks.iter()
            .filter(|t| !is_trivia(&t.token) && !matches!(t.token, Token::EOF))
            .cloned()
            .collect()
    }

    /// The parsed form of an expression (`as_select`) or query source, cached by position.
    pub(crate) fn parsed(&mut self, src: &Src, as_select: bool) -> Res<Rc<Query>> {
        let own = src.own.as_ref().map_or(0, |l| Rc::as_ptr(l) as usize);
        let key = (own ^ usize::from(as_select), src.toks.start, src.toks.end);
        if let Some(q) = self.cache.get(&key) {
            return Ok(q.clone());
        }
        let q = Rc::new(parse_tokens(self.tokens_of(src), as_select)?);
        self.cache.insert(key, q.clone());
        Ok(q)
    }

    /// The compiled form of an expression (`as_select`) or query source, reused while the
    /// replayer's generation is the one it was compiled at.
    fn compiled(&mut self, r: &Replayer, src: &Src, as_select: bool) -> Res<Rc<CQuery>> {
        let own = src.own.as_ref().map_or(0, |l| Rc::as_ptr(l) as usize);
        let key = (own ^ usize::from(as_select), src.toks.start, src.toks.end);
        if let Some((generation, cq)) = self.compiled.get(&key) {
            if *generation == r.generation {
                return Ok(cq.clone());
            }
        }
        let q = self.parsed(src, as_select)?;
        let cq = {
            let cx = Ctx::new(r, &self.scope);
            let mut comp = Compiler::new(&cx);
            Rc::new(comp.subquery(&q)?)
        };
        self.compiled.insert(key, (r.generation, cq.clone()));
        Ok(cq)
    }

    /// Runs a compiled query: column names and owned rows.
    fn run_compiled(&self, r: &Replayer, cq: &CQuery, params: &[V<'static>]) -> Res<Table> {
        let cx = Ctx {
            params,
            ..Ctx::new(r, &self.scope)
        };
        let env = Env::new(&cx);
        let mut rows = Vec::new();
        crate::sql::replay::guard::run::rows(cq, &env, &mut |row| {
            rows.push(row.into_iter().map(V::into_owned).collect());
            Ok(true)
        })?;
        Ok((cq.columns.clone(), rows))
    }

    /// Runs a parsed query: column names and owned rows.
    pub(crate) fn run_query(&self, r: &Replayer, q: &Query, params: &[V<'static>]) -> Res<Table> {
        let cx = Ctx {
            params,
            ..Ctx::new(r, &self.scope)
        };
        crate::sql::replay::guard::run::query_rows(&cx, q)
    }

    /// An expression's value.
    pub(crate) fn value(&mut self, r: &Replayer, src: &Src) -> Res<V<'static>> {
        let cq = self.compiled(r, src, true)?;
        let (cols, mut rows) = self.run_compiled(r, &cq, &[])?;
        if cols.len() != 1 {
            return Err(Fail::pg(
                "syntax_error",
                format!("query returned {} columns", cols.len()),
            ));
        }
        match rows.len() {
            0 => Ok(V::Null),
            1 => Ok(rows.pop().and_then(|mut r| r.pop()).unwrap_or(V::Null)),
            _ => Err(Fail::pg(
                "cardinality_violation",
                "query returned more than one row",
            )),
        }
    }

    /// A condition's truth (`None` for NULL).
    pub(crate) fn condition(&mut self, r: &Replayer, src: &Src) -> Res<Option<bool>> {
        truth(self.value(r, src)?)
    }

    /// The rows of a query source.
    pub(crate) fn query_rows(
        &mut self,
        r: &Replayer,
        src: &Src,
        params: &[V<'static>],
    ) -> Res<Table> {
        let cq = self.compiled(r, src, false)?;
        self.run_compiled(r, &cq, params)
    }

    /// `FOR … IN EXECUTE text USING …`: the rows of a query built at run time.
    pub(crate) fn execute_query_rows(
        &mut self,
        r: &Replayer,
        expr: &Src,
        using: &[Src],
    ) -> Res<Table> {
        let text = match self.value(r, expr)? {
            V::Null => {
                return Err(Fail::pg(
                    "null_value_not_allowed",
                    "query string argument of EXECUTE is null",
                ))
            }
            v => Ctx::new(r, &self.scope).out_text(&v),
        };
        let mut params = Vec::new();
        for u in using {
            params.push(self.value(r, u)?);
        }
        let dialect = PostgreSqlDialect {};
        let q = sqlparser::parser::Parser::new(&dialect)
            .try_with_sql(&text)
            .and_then(|mut p| p.parse_query())
            .map_err(|e| Fail::pg("syntax_error", format!("syntax error in EXECUTE: {e}")))?;
        self.run_query(r, &q, &params)
    }

    /// Assigns a value to a target, converted to its declared type.
    pub(crate) fn assign(&mut self, r: &Replayer, t: &Target, v: V<'static>, id: SId) -> X<()> {
        let span = self.stmt_span(id);
        let missing = |name: &str| {
            Stop::Pg(
                PgError::new(
                    "undefined_object",
                    format!("variable \"{name}\" does not exist"),
                ),
                span,
            )
        };
        let base = match t {
            Target::Var(n) | Target::Field(n, _) | Target::Element(n, _) => n,
        };
        if self.scope.find(base).is_some_and(|v| v.constant) {
            return Err(Stop::Pg(
                PgError::new(
                    "syntax_error",
                    format!("variable \"{base}\" is declared CONSTANT"),
                ),
                span,
            ));
        }
        match t {
            Target::Var(name) => {
                let ty = self
                    .scope
                    .find(name)
                    .ok_or_else(|| missing(name))?
                    .ty
                    .clone();
                let converted = {
                    let cx = Ctx::new(r, &self.scope);
                    cx.cast(v, &ty).map(V::into_owned)
                };
                let val = match converted {
                    Ok(v) => v,
                    Err(Fail::Pg(e)) => return Err(Stop::Pg(e, span)),
                    Err(Fail::Unknown(m)) => {
                        self.scope.forget(name, &m);
                        return Ok(());
                    }
                };
                let var = self.scope.find_mut(name).ok_or_else(|| missing(name))?;
                if var.not_null && val.is_null() {
                    return Err(Stop::Pg(
                        PgError::new("null_value_not_allowed", format!("null value cannot be assigned to variable \"{name}\" declared NOT NULL")),
                        span,
                    ));
                }
                var.value = Val::Known(val);
                Ok(())
            }
            Target::Field(name, field) => {
                let var = self.scope.find_mut(name).ok_or_else(|| missing(name))?;
                match &mut var.value {
                    Val::Known(V::Record(fields)) => {
                        match fields.iter_mut().find(|(k, _)| k == field) {
                            Some((_, x)) => *x = v,
                            None => fields.push((field.clone().into(), v)),
                        }
                        Ok(())
                    }
                    Val::Unknown(_) => Ok(()),
                    _ => Err(Stop::Pg(
                        PgError::new(
                            "object_not_in_prerequisite_state",
                            format!("record \"{name}\" is not assigned yet"),
                        ),
                        span,
                    )),
                }
            }
            Target::Element(name, idx) => {
                let i = match self
                    .value(r, idx)
                    .and_then(|x| crate::sql::replay::guard::funcs::int(&x))
                {
                    Ok(i) => i,
                    Err(Fail::Pg(e)) => return Err(Stop::Pg(e, span)),
                    Err(Fail::Unknown(m)) => {
                        self.scope.forget(name, &m);
                        return Ok(());
                    }
                };
                let var = self.scope.find_mut(name).ok_or_else(|| missing(name))?;
                if let Val::Known(cur) = &mut var.value {
                    if cur.is_null() {
                        *cur = V::Array(Vec::new());
                    }
                    if let V::Array(items) = cur {
                        if i >= 1 {
                            let k = i as usize - 1;
                            if k >= items.len() {
                                items.resize(k + 1, V::Null);
                            }
                            items[k] = v;
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Declares a variable with its initial value.
    pub(crate) fn declare(&mut self, r: &Replayer, d: &Decl) -> X<()> {
        let span = self.span(&d.at);
        if let Some(q) = &d.cursor {
            self.cursors.insert(d.name.clone(), q.clone());
            self.scope
                .declare(&d.name, Ty::Text, Val::Known(V::Null), false, false);
            return Ok(());
        }
        let Some(ty_toks) = &d.ty else {
            // ALIAS FOR: parameters do not exist in a DO block.
            return Err(Stop::Pg(
                PgError::new(
                    "undefined_parameter",
                    format!("cannot alias \"{}\": DO blocks take no parameters", d.name),
                ),
                span,
            ));
        };
        let ty = self.decl_type(r, ty_toks.clone());
        let value = match &d.default {
            None => Val::Known(V::Null),
            Some(src) => match self.value(r, src) {
                Ok(v) => {
                    let cx = Ctx::new(r, &self.scope);
                    match cx.cast(v, &ty) {
                        Ok(v) => Val::Known(v.into_owned()),
                        Err(Fail::Pg(e)) => return Err(Stop::Pg(e, span)),
                        Err(Fail::Unknown(m)) => Val::Unknown(m),
                    }
                }
                Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.src_span(src))),
                Err(Fail::Unknown(m)) => Val::Unknown(m),
            },
        };
        if d.not_null && matches!(value, Val::Known(V::Null)) {
            return Err(Stop::Pg(
                PgError::new(
                    "null_value_not_allowed",
                    format!(
                        "variable \"{}\" must have a default value, since it's declared NOT NULL",
                        d.name
                    ),
                ),
                span,
            ));
        }
        self.scope
            .declare(&d.name, ty, value, d.constant, d.not_null);
        Ok(())
    }

    /// A declared type: `%ROWTYPE` is a record, `x%TYPE` another variable's or a column's type.
    fn decl_type(&self, r: &Replayer, toks: std::ops::Range<usize>) -> Ty {
        let sig: Vec<&Token> = self.lexed.tokens[toks]
            .iter()
            .map(|t| &t.token)
            .filter(|t| !is_trivia(t))
            .collect();
        let n = sig.len();
        if n >= 2 && matches!(sig[n - 2], Token::Mod) {
            let what = word_of(sig[n - 1]);
            if what == "rowtype" {
                return Ty::Record;
            }
            if what == "type" {
                let names: Vec<String> = sig[..n - 2]
                    .iter()
                    .filter_map(|t| match t {
                        Token::Word(w) if w.quote_style.is_some() => Some(w.value.clone()),
                        Token::Word(w) => Some(w.value.to_ascii_lowercase()),
                        _ => None,
                    })
                    .collect();
                if let [v] = names.as_slice() {
                    if let Some(var) = self.scope.find(v) {
                        return var.ty.clone();
                    }
                }
                if names.len() >= 2 {
                    let col = &names[names.len() - 1];
                    let table = &names[names.len() - 2];
                    let schema = (names.len() >= 3).then(|| names[names.len() - 3].as_str());
                    if let Some(s) = r.find_in_path(schema, &|sc| sc.tables.contains_key(table)) {
                        if let Some(c) = r.catalog().table(&s, table).and_then(|t| t.column(col)) {
                            return Ty::parse(&c.ty.format(true));
                        }
                    }
                }
                return Ty::Any;
            }
        }
        let text: String = sig
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        Ty::parse(&text)
    }
}
