//! Single statements: assignment, SQL (replayed, or evaluated for `SELECT … INTO`), `EXECUTE`
//! of dynamic SQL, `PERFORM`, `RAISE`, `ASSERT`, `GET DIAGNOSTICS`.

mod sql;

use super::ast::{Kind, Level, SId, Src};
use super::exec::{Exec, Flow, Stop, X};
use super::scope::Val;
use crate::diagnostics::Diagnostics;
use crate::sql::replay::guard::errors::{condition_of, sqlstate, Fail, PgError, Res};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Ctx;
use crate::sql::replay::{ReplayError, Replayer};

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
        let mut errcode = None;
        for (name, v) in options {
            let text = match self.value(r, v) {
                Ok(v) => Ctx::new(r, &self.scope).out_text(&v),
                Err(_) => "…".into(),
            };
            match name.as_str() {
                "message" => e.message = text,
                "errcode" => {
                    // A SQLSTATE (five digits or upper-case letters) or a condition name, as
                    // written (PostgreSQL does not fold its case).
                    if text.len() == 5
                        && text
                            .bytes()
                            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
                    {
                        e.cond = condition_of(&text).unwrap_or("raise_exception");
                        e.code = Some(text.clone());
                    } else if let Some(code) = sqlstate(&text) {
                        e.cond = condition_of(code).unwrap_or("raise_exception");
                        e.code = None;
                    } else {
                        return Ok(PgError::new(
                            "undefined_object",
                            format!("unrecognized exception condition \"{text}\""),
                        ));
                    }
                    errcode = Some(text);
                }
                _ => {}
            }
        }
        // PostgreSQL's message when none is given: the condition as written, else the SQLSTATE.
        if e.message.is_empty() {
            e.message = errcode.unwrap_or_else(|| e.sqlstate());
        }
        Ok(e)
    }

    /// The end of a call of a routine of the history (`PERFORM f()`, `CALL p()`).
    pub(crate) fn called(
        &mut self,
        id: SId,
        outcome: crate::sql::replay::R<crate::sql::replay::Outcome>,
    ) -> X<()> {
        match outcome {
            Ok(crate::sql::replay::Outcome::NotUnderstood(m)) => Err(Stop::Unknown(m)),
            Ok(_) => {
                self.scope.set_found(Val::Known(V::Bool(true)));
                Ok(())
            }
            Err(e) => Err(Stop::Pg(pg_error(e), self.stmt_span(id))),
        }
    }

    fn perform(&mut self, r: &mut Replayer, id: SId, q: &Src, diags: &mut Diagnostics) -> X<()> {
        // `PERFORM set_config('search_path', …)` changes name resolution: replay it as a SELECT.
        let text = self.text_of(&q.toks);
        if text.to_ascii_lowercase().contains("set_config") {
            self.run_text(r, id, &format!("SELECT {text}"), None, &[], diags)?;
        }
        let query = match self.parsed(q, true) {
            Ok(query) => query,
            Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.stmt_span(id))),
            Err(Fail::Unknown(m)) => {
                self.scope.set_found(Val::Unknown(format!("PERFORM: {m}")));
                return Ok(());
            }
        };
        // A routine of the history that can change the schema: run.
        if let Some(outcome) =
            super::calls::select_calls(r, self.stmt, &query, Some(&self.scope), diags)
        {
            return self.called(id, outcome);
        }
        match self.run_query(r, &query, &[]) {
            Ok((_, rows)) => self.scope.set_found(Val::Known(V::Bool(!rows.is_empty()))),
            Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.stmt_span(id))),
            Err(Fail::Unknown(m)) => self.scope.set_found(Val::Unknown(format!("PERFORM: {m}"))),
        }
        Ok(())
    }
}
