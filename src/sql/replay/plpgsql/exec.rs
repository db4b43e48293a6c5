//! Running a parsed `DO` body against the replayer: blocks with their declarations and
//! exception handlers (the catalog rolled back to the block's start before a handler runs),
//! IF/CASE, control flow. Loops are in `loops`, single statements in `stmts`, expression
//! evaluation in `values`.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::ast::{Body, Kind, SId, Src};
use super::scope::{Scope, Val};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::sql::replay::guard::cast::Ty;
use crate::sql::replay::guard::errors::{Fail, PgError};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::{Replayer, Stmt};
use crate::sql::split::Lexed;

/// How a statement list ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Flow {
    Next,
    Exit(Option<String>),
    Continue(Option<String>),
    Return,
}

/// Why execution stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    /// PostgreSQL raises this error here.
    Pg(PgError, Span),
    /// The block cannot be evaluated; the message says why.
    Unknown(String),
}

pub(crate) type X<T> = Result<T, Stop>;

/// The state of one `DO` block's run.
pub(crate) struct Exec<'a> {
    pub stmt: Stmt<'a>,
    pub source: &'a SourceFile,
    pub lexed: &'a Lexed,
    pub body: &'a Body,
    /// For a single-quoted body (its positions are not the file's): report here.
    pub report_at: Option<Span>,
    pub scope: Scope,
    pub budget: usize,
    /// SQL statements this block may still run (see [`super::DoLimits`]).
    pub statements_left: usize,
    /// The limits the block started with (for the messages).
    limits: super::DoLimits,
    /// Parsed queries by source position.
    pub cache: HashMap<(usize, usize, usize), Rc<sqlparser::ast::Query>>,
    /// Compiled queries by source position, with the replayer's generation they were compiled
    /// at (see `Replayer::generation`): reused while nothing they resolved can have changed.
    pub compiled:
        HashMap<(usize, usize, usize), (u64, Rc<crate::sql::replay::guard::query::CQuery>)>,
    /// Errors being handled (innermost last), for `RAISE;` and `GET STACKED DIAGNOSTICS`.
    pub handling: Vec<PgError>,
    /// Cursors declared: name → query.
    pub cursors: HashMap<String, Src>,
}

impl<'a> Exec<'a> {
    pub(crate) fn new(
        stmt: Stmt<'a>,
        source: &'a SourceFile,
        lexed: &'a Lexed,
        body: &'a Body,
        report_at: Option<Span>,
        limits: super::DoLimits,
    ) -> Self {
        Exec {
            stmt,
            source,
            lexed,
            body,
            report_at,
            scope: Scope::new(),
            budget: limits.iterations,
            statements_left: limits.statements,
            limits,
            cache: HashMap::new(),
            compiled: HashMap::new(),
            handling: Vec::new(),
            cursors: HashMap::new(),
        }
    }

    /// The file span of a token range of the body.
    pub(crate) fn span(&self, range: &Range<usize>) -> Span {
        if let Some(s) = self.report_at {
            return s;
        }
        let n = self.lexed.tokens.len();
        let start = range.start.min(n);
        let end = range.end.max(start + 1).min(n);
        Span::new(
            self.stmt.file,
            self.lexed.offsets[start],
            self.lexed.offsets[end],
        )
    }

    pub(crate) fn src_span(&self, src: &Src) -> Span {
        match &src.own {
            Some(l) if self.report_at.is_none() => {
                let n = l.tokens.len();
                let start = src.toks.start.min(n);
                let end = src.toks.end.max(start + 1).min(n);
                Span::new(self.stmt.file, l.offsets[start], l.offsets[end])
            }
            _ => self.span(&src.toks),
        }
    }

    pub(crate) fn stmt_span(&self, id: SId) -> Span {
        self.span(&self.body.stmts[id].at)
    }

    /// Runs the body's top block.
    pub(crate) fn run(&mut self, r: &mut Replayer, diags: &mut Diagnostics) -> X<()> {
        let root = self.body.root;
        match self.exec(r, root, diags)? {
            Flow::Next | Flow::Return => Ok(()),
            Flow::Exit(_) | Flow::Continue(_) => Err(Stop::Pg(
                PgError::new(
                    "syntax_error",
                    "EXIT or CONTINUE cannot be used outside a loop",
                ),
                self.stmt_span(root),
            )),
        }
    }

    /// Runs a statement list.
    pub(crate) fn exec_list(
        &mut self,
        r: &mut Replayer,
        ids: &[SId],
        diags: &mut Diagnostics,
    ) -> X<Flow> {
        crate::sql::replay::deep(|| {
            for &id in ids {
                match self.exec(r, id, diags)? {
                    Flow::Next => {}
                    other => return Ok(other),
                }
            }
            Ok(Flow::Next)
        })
    }

    fn exec(&mut self, r: &mut Replayer, id: SId, diags: &mut Diagnostics) -> X<Flow> {
        let body = self.body;
        let st = &body.stmts[id];
        match &st.kind {
            Kind::Block {
                label,
                decls,
                body: stmts,
                handlers,
            } => {
                self.scope.push(label.clone());
                let result = self.block(r, id, decls, stmts, handlers, diags);
                self.scope.pop();
                match result? {
                    Flow::Exit(Some(l)) if label.as_ref() == Some(&l) => Ok(Flow::Next),
                    other => Ok(other),
                }
            }
            Kind::If {
                branches,
                otherwise,
            } => {
                for (k, (cond, stmts)) in branches.iter().enumerate() {
                    match self.condition(r, cond) {
                        Ok(Some(true)) => return self.exec_list(r, stmts, diags),
                        Ok(_) => {}
                        Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.src_span(cond))),
                        Err(Fail::Unknown(m)) => {
                            let mut rest: Vec<SId> = branches[k..]
                                .iter()
                                .flat_map(|(_, b)| b.iter().copied())
                                .collect();
                            rest.extend(otherwise);
                            return self.pass_over(
                                r,
                                &rest,
                                &format!("IF condition: {m}"),
                                self.src_span(cond),
                                diags,
                            );
                        }
                    }
                }
                self.exec_list(r, otherwise, diags)
            }
            Kind::Case {
                operand,
                whens,
                otherwise,
            } => self.case(r, id, operand.as_ref(), whens, otherwise.as_deref(), diags),
            Kind::Loop { .. }
            | Kind::While { .. }
            | Kind::ForInt { .. }
            | Kind::ForRows { .. }
            | Kind::Foreach { .. } => self.exec_loop(r, id, diags),
            Kind::Exit { cont, label, when } => {
                if let Some(w) = when {
                    match self.condition(r, w) {
                        Ok(Some(true)) => {}
                        Ok(_) => return Ok(Flow::Next),
                        Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.src_span(w))),
                        Err(Fail::Unknown(m)) => {
                            return Err(Stop::Unknown(format!("EXIT WHEN condition: {m}")))
                        }
                    }
                }
                Ok(if *cont {
                    Flow::Continue(label.clone())
                } else {
                    Flow::Exit(label.clone())
                })
            }
            Kind::Return => Ok(Flow::Return),
            Kind::Null => Ok(Flow::Next),
            Kind::Other(None) => Ok(Flow::Next),
            Kind::Other(Some(m)) => Err(Stop::Unknown(m.clone())),
            _ => self.exec_simple(r, id, diags),
        }
    }

    fn block(
        &mut self,
        r: &mut Replayer,
        id: SId,
        decls: &[super::ast::Decl],
        stmts: &[SId],
        handlers: &[super::ast::Handler],
        diags: &mut Diagnostics,
    ) -> X<Flow> {
        for d in decls {
            self.declare(r, d)?;
        }
        if handlers.is_empty() {
            return self.exec_list(r, stmts, diags);
        }
        // A single statement that fails changes nothing (statements are atomic); a longer
        // protected body is rolled back from a copy.
        let atomic = stmts.len() == 1
            && matches!(
                self.body.stmts[stmts[0]].kind,
                Kind::Sql { .. }
                    | Kind::Execute { .. }
                    | Kind::Perform(_)
                    | Kind::Raise { .. }
                    | Kind::Null
                    | Kind::Assign { .. }
            );
        // The catalog and what replay keeps beside it (tracked objects, views' and policies'
        // analysed trees, which renames update).
        let snapshot = (!atomic).then(|| {
            (
                r.catalog.clone(),
                r.tracked.clone(),
                r.search_path.clone(),
                r.views.clone(),
                r.policy_trees.clone(),
            )
        });
        let mut local = Diagnostics::new();
        match self.exec_list(r, stmts, &mut local) {
            Err(Stop::Pg(e, span)) => {
                let Some(h) = handlers
                    .iter()
                    .find(|h| h.conds.iter().any(|c| e.caught_by(c)))
                else {
                    diags.extend(local);
                    return Err(Stop::Pg(e, span));
                };
                if let Some((catalog, tracked, path, views, policy_trees)) = snapshot {
                    r.generation += 1;
                    let (depth, bytes) = (r.tracked.do_depth, r.tracked.do_bytes);
                    r.catalog = catalog;
                    r.tracked = tracked;
                    r.tracked.do_depth = depth;
                    r.tracked.do_bytes = bytes;
                    r.search_path = path;
                    r.views = views;
                    r.policy_trees = policy_trees;
                }
                self.scope.push(None);
                self.scope.declare(
                    "sqlstate",
                    Ty::Text,
                    Val::Known(V::text(e.sqlstate())),
                    false,
                    false,
                );
                self.scope.declare(
                    "sqlerrm",
                    Ty::Text,
                    Val::Known(V::text(e.message.clone())),
                    false,
                    false,
                );
                self.handling.push(e);
                let result = self.exec_list(r, &h.body, diags);
                self.handling.pop();
                self.scope.pop();
                let _ = id;
                result
            }
            other => {
                diags.extend(local);
                other
            }
        }
    }

    fn case(
        &mut self,
        r: &mut Replayer,
        id: SId,
        operand: Option<&Src>,
        whens: &[(Vec<Src>, Vec<SId>)],
        otherwise: Option<&[SId]>,
        diags: &mut Diagnostics,
    ) -> X<Flow> {
        let op = match operand {
            Some(o) => match self.value(r, o) {
                Ok(v) => Some(v),
                Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.src_span(o))),
                Err(Fail::Unknown(m)) => {
                    let all: Vec<SId> = whens
                        .iter()
                        .flat_map(|(_, b)| b.iter().copied())
                        .chain(otherwise.into_iter().flatten().copied())
                        .collect();
                    return self.pass_over(
                        r,
                        &all,
                        &format!("CASE operand: {m}"),
                        self.src_span(o),
                        diags,
                    );
                }
            },
            None => None,
        };
        for (k, (vals, stmts)) in whens.iter().enumerate() {
            for v in vals {
                let hit = match &op {
                    Some(o) => self.value(r, v).and_then(|x| {
                        let cx = crate::sql::replay::guard::Ctx::new(r, &self.scope);
                        cx.equal(o, &x)
                    }),
                    None => self.condition(r, v),
                };
                match hit {
                    Ok(Some(true)) => return self.exec_list(r, stmts, diags),
                    Ok(_) => {}
                    Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.src_span(v))),
                    Err(Fail::Unknown(m)) => {
                        let rest: Vec<SId> = whens[k..]
                            .iter()
                            .flat_map(|(_, b)| b.iter().copied())
                            .chain(otherwise.into_iter().flatten().copied())
                            .collect();
                        return self.pass_over(
                            r,
                            &rest,
                            &format!("CASE condition: {m}"),
                            self.src_span(v),
                            diags,
                        );
                    }
                }
            }
        }
        match otherwise {
            Some(o) => self.exec_list(r, o, diags),
            None => Err(Stop::Pg(
                PgError::new("case_not_found", "case not found"),
                self.stmt_span(id),
            )),
        }
    }

    /// Statements that would run or not depending on something that cannot be evaluated:
    /// passed over when they cannot change the schema (their variables are then not known, the
    /// tables they write have unknown contents), else the block is not understood.
    pub(crate) fn pass_over(
        &mut self,
        r: &mut Replayer,
        ids: &[SId],
        why: &str,
        at: Span,
        diags: &mut Diagnostics,
    ) -> X<Flow> {
        let effects = super::effects::of(self.body, self.lexed, ids);
        if effects.schema || effects.control {
            return Err(Stop::Unknown(why.to_string()));
        }
        for v in &effects.assigned {
            self.scope.forget(v, why);
        }
        for (schema, table) in &effects.writes {
            if let Some(s) = r.find_in_path(schema.as_deref(), &|sc| sc.tables.contains_key(table))
            {
                r.tracked.data.unknown(
                    &s,
                    table,
                    format!("a statement that was passed over writes it ({why})"),
                );
            }
        }
        if effects.raises || !effects.writes.is_empty() {
            diags.push(
                Diagnostic::warning(
                    format!(
                        "not evaluated: {why}; the statements it guards change no schema object, \
                         so they were passed over{}",
                        if effects.raises {
                            " (assuming the exception they raise is not raised)"
                        } else {
                            ""
                        }
                    ),
                    Some(at),
                )
                .with_label("in this DO block"),
            );
        }
        Ok(Flow::Next)
    }

    /// Counts a SQL statement run.
    pub(crate) fn count_statement(&mut self) -> X<()> {
        if self.statements_left == 0 {
            return Err(Stop::Unknown(format!(
                "ran more than {} SQL statements (a loop PostgreSQL would not finish in a migration)",
                self.limits.statements
            )));
        }
        self.statements_left -= 1;
        Ok(())
    }

    /// Counts a loop iteration.
    pub(crate) fn tick(&mut self) -> X<()> {
        if self.budget == 0 {
            return Err(Stop::Unknown(format!(
                "loops ran more than {} iterations (PostgreSQL would not finish this block)",
                self.limits.iterations
            )));
        }
        self.budget -= 1;
        Ok(())
    }
}
