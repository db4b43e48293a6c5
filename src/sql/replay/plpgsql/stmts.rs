//! Single statements: assignment, SQL (replayed, or evaluated for `SELECT … INTO`), `EXECUTE`
//! of dynamic SQL, `PERFORM`, `RAISE`, `ASSERT`, `GET DIAGNOSTICS`.

use sqlparser::tokenizer::Token;

use super::ast::{Into, Kind, Level, SId, Src};
use super::exec::{Exec, Flow, Stop, X};
use super::scope::Val;
use crate::diagnostics::{Diagnostics, SourceFile};
use crate::sql::replay::guard::errors::{condition_of, sqlstate, Fail, PgError, Res};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Ctx;
use crate::sql::replay::{word_of, ReplayError, Replayer, Stmt};
use crate::sql::split::{is_trivia, lex, split, Lexed, RawStatement};

/// A replayer error as PostgreSQL's.
pub(crate) fn pg_error(e: ReplayError) -> PgError {
    let cond = e.code.condition();
    let cond = crate::sql::replay::guard::errors::sqlstate(cond)
        .and_then(condition_of)
        .unwrap_or("internal_error");
    PgError::new(cond, e.message)
}

impl<'a> Exec<'a> {
    pub(crate) fn exec_simple(
        &mut self,
        r: &mut Replayer,
        id: SId,
        diags: &mut Diagnostics,
    ) -> X<Flow> {
        let body = self.body;
        let st = &body.stmts[id];
        let span = self.stmt_span(id);
        match &st.kind {
            Kind::Assign { target, expr } => {
                match self.value(r, expr) {
                    Ok(v) => self.assign(r, target, v, id)?,
                    Err(Fail::Pg(e)) => return Err(Stop::Pg(e, span)),
                    Err(Fail::Unknown(m)) => self.scope.forget(target.var(), &m),
                }
                Ok(Flow::Next)
            }
            Kind::Raise {
                level,
                cond,
                message,
                params,
                options,
            } => {
                if *level == Level::Notice {
                    return Ok(Flow::Next);
                }
                Err(Stop::Pg(
                    self.raise(r, cond.as_deref(), message.as_deref(), params, options)?,
                    span,
                ))
            }
            Kind::Assert { cond, message } => match self.condition(r, cond) {
                Ok(Some(true)) | Err(Fail::Unknown(_)) => Ok(Flow::Next),
                Ok(_) => {
                    let msg = match message.as_ref().map(|m| self.value(r, m)) {
                        Some(Ok(v)) if !v.is_null() => Ctx::new(r, &self.scope).out_text(&v),
                        _ => "assertion failed".into(),
                    };
                    Err(Stop::Pg(PgError::new("assert_failure", msg), span))
                }
                Err(Fail::Pg(e)) => Err(Stop::Pg(e, span)),
            },
            Kind::Perform(q) => {
                self.perform(r, id, q, diags)?;
                Ok(Flow::Next)
            }
            Kind::Execute { expr, into, using } => {
                let text = match self.value(r, expr) {
                    Ok(V::Null) => {
                        return Err(Stop::Pg(
                            PgError::new(
                                "null_value_not_allowed",
                                "query string argument of EXECUTE is null",
                            ),
                            span,
                        ))
                    }
                    Ok(v) => Ctx::new(r, &self.scope).out_text(&v),
                    Err(Fail::Pg(e)) => return Err(Stop::Pg(e, span)),
                    Err(Fail::Unknown(m)) => {
                        let passed_over = super::effects::leading_literal(self.lexed, expr)
                            .is_some_and(|t| !super::effects::text_shapes_schema(&t));
                        if passed_over {
                            if let Some(i) = into {
                                for t in &i.targets {
                                    self.scope.forget(t.var(), &m);
                                }
                            }
                            return Ok(Flow::Next);
                        }
                        return Err(Stop::Unknown(format!(
                            "EXECUTE of SQL built at run time: {m}"
                        )));
                    }
                };
                let mut params = Vec::new();
                for u in using {
                    match self.value(r, u) {
                        Ok(v) => params.push(v),
                        Err(Fail::Pg(e)) => return Err(Stop::Pg(e, span)),
                        Err(Fail::Unknown(m)) => {
                            return Err(Stop::Unknown(format!("EXECUTE … USING: {m}")))
                        }
                    }
                }
                self.run_text(r, id, &text, into.as_ref(), &params, diags)?;
                Ok(Flow::Next)
            }
            Kind::GetDiag { stacked, items } => {
                for (t, item) in items {
                    let v = self.diagnostic_item(*stacked, item);
                    match v {
                        Ok(v) => self.assign(r, t, v, id)?,
                        Err(f) => self.scope.forget(t.var(), f.message()),
                    }
                }
                Ok(Flow::Next)
            }
            Kind::Sql { into } => {
                self.sql(r, id, into.as_ref(), diags)?;
                Ok(Flow::Next)
            }
            _ => Ok(Flow::Next),
        }
    }

    fn diagnostic_item(&self, stacked: bool, item: &str) -> Res<V<'static>> {
        if stacked {
            let Some(e) = self.handling.last() else {
                return Err(Fail::unknown(
                    "GET STACKED DIAGNOSTICS outside an exception handler",
                ));
            };
            return Ok(match item {
                "returned_sqlstate" => V::text(e.sqlstate()),
                "message_text" => V::text(e.message.clone()),
                _ => V::text(String::new()),
            });
        }
        match item {
            "pg_context" => Ok(V::text("PL/pgSQL function inline_code_block")),
            _ => Err(Fail::unknown(format!(
                "GET DIAGNOSTICS {}: the row count is not known",
                item.to_uppercase()
            ))),
        }
    }

    fn raise(
        &mut self,
        r: &Replayer,
        cond: Option<&str>,
        message: Option<&str>,
        params: &[Src],
        options: &[(String, Src)],
    ) -> X<PgError> {
        if cond.is_none() && message.is_none() && options.is_empty() {
            return match self.handling.last() {
                Some(e) => Ok(e.clone()),
                None => Ok(PgError::new(
                    "syntax_error",
                    "RAISE without parameters cannot be used outside an exception handler",
                )),
            };
        }
        let mut values = Vec::new();
        for p in params {
            values.push(match self.value(r, p) {
                Ok(V::Null) => "<NULL>".to_string(),
                Ok(v) => Ctx::new(r, &self.scope).out_text(&v),
                Err(_) => "…".to_string(),
            });
        }
        let mut e = PgError::new("raise_exception", String::new());
        if let Some(fmt) = message {
            let mut out = String::new();
            let mut it = values.into_iter();
            let mut chars = fmt.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '%' {
                    if chars.peek() == Some(&'%') {
                        chars.next();
                        out.push('%');
                    } else {
                        out.push_str(&it.next().unwrap_or_default());
                    }
                } else {
                    out.push(c);
                }
            }
            e.message = out;
        }
        let set_cond = |e: &mut PgError, c: &str| {
            if let Some(code) = c
                .strip_prefix("sqlstate '")
                .and_then(|x| x.strip_suffix('\''))
            {
                e.code = Some(code.to_ascii_uppercase());
                e.cond = condition_of(code).unwrap_or("raise_exception");
            } else if c.len() == 5
                && c.chars().all(|x| x.is_ascii_alphanumeric())
                && condition_of(c).is_some()
            {
                e.cond = condition_of(c).unwrap_or("raise_exception");
            } else if let Some(code) = sqlstate(c) {
                e.cond = condition_of(code).unwrap_or("raise_exception");
            } else {
                e.code = Some(c.to_ascii_uppercase());
            }
        };
        if let Some(c) = cond {
            set_cond(&mut e, c);
            if e.message.is_empty() {
                e.message = c.to_string();
            }
        }
        for (name, v) in options {
            let text = match self.value(r, v) {
                Ok(v) => Ctx::new(r, &self.scope).out_text(&v),
                Err(_) => "…".into(),
            };
            match name.as_str() {
                "message" => e.message = text,
                "errcode" => set_cond(&mut e, &text.to_ascii_lowercase()),
                _ => {}
            }
        }
        Ok(e)
    }

    fn perform(&mut self, r: &mut Replayer, id: SId, q: &Src, diags: &mut Diagnostics) -> X<()> {
        // `PERFORM set_config('search_path', …)` changes name resolution: replay it as a SELECT.
        let text = self.text_of(&q.toks);
        if text.to_ascii_lowercase().contains("set_config") {
            self.run_text(r, id, &format!("SELECT {text}"), None, &[], diags)?;
        }
        match self
            .parsed(q, true)
            .and_then(|query| self.run_query(r, &query, &[]))
        {
            Ok((_, rows)) => self.scope.set_found(Val::Known(V::Bool(!rows.is_empty()))),
            Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.stmt_span(id))),
            Err(Fail::Unknown(m)) => self.scope.set_found(Val::Unknown(format!("PERFORM: {m}"))),
        }
        Ok(())
    }

    /// The source text of a token range of the body.
    pub(crate) fn text_of(&self, toks: &std::ops::Range<usize>) -> String {
        let n = self.lexed.tokens.len();
        let a = self.lexed.offsets[toks.start.min(n)];
        let b = self.lexed.offsets[toks.end.min(n)];
        self.source.text[a..b].to_string()
    }

    /// A static SQL statement of the body.
    fn sql(
        &mut self,
        r: &mut Replayer,
        id: SId,
        into: Option<&(Into, std::ops::Range<usize>)>,
        diags: &mut Diagnostics,
    ) -> X<()> {
        let body = self.body;
        let st = &body.stmts[id];
        let span = self.stmt_span(id);
        let first = self.lexed.tokens[st.at.clone()]
            .iter()
            .find(|t| !is_trivia(&t.token))
            .map(|t| word_of(&t.token))
            .unwrap_or_default();
        let is_query = matches!(first.as_str(), "select" | "values" | "table")
            || (first == "with" && !self.has_dml(&st.at));
        match into {
            Some((i, cut)) if is_query => {
                let src = Src::of(st.at.start..cut.start);
                let rest = Src::of(cut.end..st.at.end);
                let mut tokens = self.tokens_of_range(&src.toks);
                tokens.extend(self.tokens_of_range(&rest.toks));
                let result = parse_query_tokens(tokens)
                    .and_then(|q| self.run_query(r, &q, &[]));
                self.store_into(r, id, i, result)
            }
            Some((i, cut)) => {
                // DML … RETURNING … INTO: replayed without its INTO; the targets are not known.
                let text = format!("{} {}", self.text_of(&(st.at.start..cut.start)), self.text_of(&(cut.end..st.at.end)));
                for t in &i.targets {
                    self.scope.forget(t.var(), "RETURNING … INTO is not evaluated");
                }
                self.scope.set_found(Val::Unknown("the rows a statement changed are not known".into()));
                self.run_text(r, id, &text, None, &[], diags)
            }
            None if is_query && first != "with" => Err(Stop::Pg(
                PgError::new("syntax_error", "query has no destination for result data (use PERFORM to discard the results of a SELECT)"),
                span,
            )),
            None => {
                let raw = RawStatement {
                    span: if self.report_at.is_some() {
                        crate::diagnostics::Span::new(self.stmt.file, self.lexed.offsets[st.at.start], self.lexed.offsets[st.at.end.min(self.lexed.tokens.len())])
                    } else {
                        span
                    },
                    tokens: st.at.clone(),
                };
                let inner = Stmt {
                    source: self.source,
                    file: self.stmt.file,
                    lexed: self.lexed,
                    raw: &raw,
                };
                let outcome = r.run(inner, diags);
                if matches!(first.as_str(), "insert" | "update" | "delete" | "merge") {
                    self.scope.set_found(Val::Unknown("the rows a statement changed are not known".into()));
                }
                match outcome {
                    Ok(o) => {
                        self.report(r, inner, o, diags);
                        Ok(())
                    }
                    // At the token the error is about, when the body is read where it stands
                    // in the file.
                    Err(e) => {
                        let at = e.span.filter(|_| self.report_at.is_none()).unwrap_or(span);
                        Err(Stop::Pg(pg_error(e), at))
                    }
                }
            }
        }
    }

    fn has_dml(&self, r: &std::ops::Range<usize>) -> bool {
        self.lexed.tokens[r.clone()].iter().any(|t| {
            matches!(
                word_of(&t.token).as_str(),
                "insert" | "update" | "delete" | "merge"
            )
        })
    }

    fn tokens_of_range(
        &self,
        r: &std::ops::Range<usize>,
    ) -> Vec<sqlparser::tokenizer::TokenWithSpan> {
        self.lexed.tokens[r.start.min(self.lexed.tokens.len())..r.end.min(self.lexed.tokens.len())]
            .iter()
            .filter(|t| !is_trivia(&t.token) && !matches!(t.token, Token::EOF))
            .cloned()
            .collect()
    }

    /// `SELECT … INTO [STRICT] targets`: assigns the first row (or NULLs), sets `FOUND`.
    fn store_into(
        &mut self,
        r: &Replayer,
        id: SId,
        into: &Into,
        result: Result<(Vec<String>, Vec<Vec<V<'static>>>), Fail>,
    ) -> X<()> {
        let span = self.stmt_span(id);
        let (cols, rows) = match result {
            Ok(x) => x,
            Err(Fail::Pg(e)) => return Err(Stop::Pg(e, span)),
            Err(Fail::Unknown(m)) => {
                for t in &into.targets {
                    self.scope.forget(t.var(), &m);
                }
                self.scope.set_found(Val::Unknown(m));
                return Ok(());
            }
        };
        if into.strict && rows.len() != 1 {
            let (cond, msg) = if rows.is_empty() {
                ("no_data_found", "query returned no rows")
            } else {
                ("too_many_rows", "query returned more than one row")
            };
            return Err(Stop::Pg(PgError::new(cond, msg), span));
        }
        self.scope.set_found(Val::Known(V::Bool(!rows.is_empty())));
        let row = rows
            .into_iter()
            .next()
            .unwrap_or_else(|| vec![V::Null; cols.len()]);
        self.assign_row(r, &into.targets, &cols, row, id)
    }

    /// Reports a statement run inside the block (counted in the statistics).
    fn report(
        &self,
        r: &mut Replayer,
        inner: Stmt<'_>,
        o: crate::sql::replay::Outcome,
        diags: &mut Diagnostics,
    ) {
        if self.report_at.is_some() {
            r.report(self.stmt, Ok(o), diags);
        } else {
            r.report(inner, Ok(o), diags);
        }
    }

    /// Runs SQL text given to `EXECUTE` (problems are reported at the EXECUTE statement).
    pub(crate) fn run_text(
        &mut self,
        r: &mut Replayer,
        id: SId,
        text: &str,
        into: Option<&Into>,
        params: &[V<'static>],
        diags: &mut Diagnostics,
    ) -> X<()> {
        self.count_statement()?;
        let span = self.stmt_span(id);
        let tmp = SourceFile::new(self.source.path.clone(), text.to_string());
        let lexed: Lexed = match lex(&tmp, 0, tmp.text.len()) {
            Ok(l) => l,
            Err((_, m)) => {
                return Err(Stop::Pg(
                    PgError::new("syntax_error", format!("in EXECUTE: {m}")),
                    span,
                ))
            }
        };
        let mut d = Diagnostics::new();
        let parts = split(self.stmt.file, &lexed, &mut d);
        let body = self.body;
        let at = &body.stmts[id].at;
        let outer = RawStatement {
            span: crate::diagnostics::Span::new(
                self.stmt.file,
                self.lexed.offsets[at.start.min(self.lexed.tokens.len())],
                self.lexed.offsets[at.end.min(self.lexed.tokens.len())],
            ),
            tokens: at.clone(),
        };
        let report_stmt = if self.report_at.is_some() {
            self.stmt
        } else {
            Stmt {
                source: self.source,
                file: self.stmt.file,
                lexed: self.lexed,
                raw: &outer,
            }
        };
        for raw in &parts {
            let inner = Stmt {
                source: &tmp,
                file: self.stmt.file,
                lexed: &lexed,
                raw,
            };
            let first = inner.words(1).pop().unwrap_or_default();
            if matches!(first.as_str(), "select" | "values" | "table" | "with")
                && (into.is_some() || first != "with")
            {
                // A query: evaluated when its result is stored; otherwise it changes nothing.
                if let Some(i) = into {
                    let dialect = sqlparser::dialect::PostgreSqlDialect {};
                    let result = sqlparser::parser::Parser::new(&dialect)
                        .try_with_sql(inner.text())
                        .and_then(|mut p| p.parse_query())
                        .map_err(|e| Fail::pg("syntax_error", e.to_string()))
                        .and_then(|q| self.run_query(r, &q, params));
                    self.store_into(r, id, i, result)?;
                } else {
                    let o = r
                        .run(inner, diags)
                        .map_err(|e| Stop::Pg(pg_error(e), span))?;
                    r.report(report_stmt, Ok(o), diags);
                }
                continue;
            }
            if let Some(i) = into {
                for t in &i.targets {
                    self.scope
                        .forget(t.var(), "RETURNING … INTO is not evaluated");
                }
            }
            match r.run(inner, diags) {
                Ok(o) => r.report(report_stmt, Ok(o), diags),
                Err(e) => return Err(Stop::Pg(pg_error(e), span)),
            }
        }
        Ok(())
    }
}

/// Parses a query from tokens.
pub(crate) fn parse_query_tokens(
    tokens: Vec<sqlparser::tokenizer::TokenWithSpan>,
) -> Result<std::rc::Rc<sqlparser::ast::Query>, Fail> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let mut p = sqlparser::parser::Parser::new(&dialect).with_tokens_with_locations(tokens);
    p.parse_query()
        .map(|q| std::rc::Rc::new(*q))
        .map_err(|e| Fail::pg("syntax_error", e.to_string()))
}
