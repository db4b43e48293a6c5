//! SQL statements in a block: replayed (dynamic SQL of `EXECUTE` too), or evaluated with their `INTO` targets for `SELECT … INTO`.

use sqlparser::tokenizer::Token;

use crate::diagnostics::{Diagnostics, SourceFile};
use crate::sql::replay::guard::errors::{Fail, PgError};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::plpgsql::ast::{Into, SId, Src};
use crate::sql::replay::plpgsql::exec::{Exec, Stop, X};
use crate::sql::replay::plpgsql::scope::Val;
use crate::sql::replay::{word_of, Replayer, Stmt};
use crate::sql::split::{is_trivia, lex, split, Lexed, RawStatement};

use super::pg_error;

impl<'a> Exec<'a> {
    /// The source text of a token range of the body.
    pub(crate) fn text_of(&self, toks: &std::ops::Range<usize>) -> String {
        let n = self.lexed.tokens.len();
        let a = self.lexed.offsets[toks.start.min(n)];
        let b = self.lexed.offsets[toks.end.min(n)];
        self.source.text[a..b].to_string()
    }

    /// A static SQL statement of the body.
    pub(super) fn sql(
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
                if first == "call" {
                    if let Some(outcome) = self.call(r, id, diags) {
                        return self.called(id, outcome);
                    }
                }
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

    /// `CALL p(…)` of a procedure of the history that can change the schema, its arguments
    /// evaluated with the block's variables; `None` for any other `CALL`.
    fn call(
        &mut self,
        r: &mut Replayer,
        id: SId,
        diags: &mut Diagnostics,
    ) -> Option<crate::sql::replay::R<crate::sql::replay::Outcome>> {
        let at = self.body.stmts[id].at.clone();
        let tokens = self.tokens_of_range(&at);
        let parsed =
            crate::sql::parse::parse_statement(&tokens, crate::sql::parse::RECURSION_LIMIT);
        let Ok(crate::sql::parse::Parsed::Sql(ast, _)) = parsed else {
            return None;
        };
        let sqlparser::ast::Statement::Call(f) = ast.as_ref() else {
            return None;
        };
        crate::sql::replay::plpgsql::call_statement(r, self.stmt, f, Some(&self.scope), diags)
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
