//! `LOOP`, `WHILE`, integer `FOR`, `FOR … IN query | EXECUTE | cursor`, `FOREACH … IN ARRAY`,
//! with labels, EXIT/CONTINUE and the iteration budget.

use super::ast::{Kind, Rows, SId, Target};
use super::exec::{Exec, Flow, Stop, X};
use super::scope::Val;
use crate::diagnostics::Diagnostics;
use crate::sql::replay::guard::cast::Ty;
use crate::sql::replay::guard::errors::{Fail, PgError};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::Replayer;

/// What one iteration's flow means for the loop.
enum After {
    Go,
    Break,
    Leave(Flow),
}

fn after(flow: Flow, label: &Option<String>) -> After {
    match flow {
        Flow::Next => After::Go,
        Flow::Exit(None) => After::Break,
        Flow::Exit(Some(l)) if label.as_ref() == Some(&l) => After::Break,
        Flow::Continue(None) => After::Go,
        Flow::Continue(Some(l)) if label.as_ref() == Some(&l) => After::Go,
        other => After::Leave(other),
    }
}

impl Exec<'_> {
    pub(crate) fn exec_loop(
        &mut self,
        r: &mut Replayer,
        id: SId,
        diags: &mut Diagnostics,
    ) -> X<Flow> {
        let body = self.body;
        let st = &body.stmts[id];
        match &st.kind {
            Kind::Loop { label, body: b } => loop {
                self.tick()?;
                match after(self.exec_list(r, b, diags)?, label) {
                    After::Go => {}
                    After::Break => return Ok(Flow::Next),
                    After::Leave(f) => return Ok(f),
                }
            },
            Kind::While { .. } => self.exec_while(r, id, diags),
            Kind::ForInt { .. } => self.exec_for_int(r, id, diags),
            Kind::ForRows { .. } => self.exec_for_rows(r, id, diags),
            Kind::Foreach { .. } => self.exec_foreach(r, id, diags),
            _ => Ok(Flow::Next),
        }
    }

    /// `WHILE cond LOOP … END LOOP`.
    fn exec_while(&mut self, r: &mut Replayer, id: SId, diags: &mut Diagnostics) -> X<Flow> {
        let body = self.body;
        let Kind::While {
            label,
            cond,
            body: b,
        } = &body.stmts[id].kind
        else {
            return Ok(Flow::Next);
        };
        loop {
            match self.condition(r, cond) {
                Ok(Some(true)) => {}
                Ok(_) => return Ok(Flow::Next),
                Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.src_span(cond))),
                Err(Fail::Unknown(m)) => {
                    return self.pass_over(
                        r,
                        b,
                        &format!("WHILE condition: {m}"),
                        self.src_span(cond),
                        diags,
                    )
                }
            }
            self.tick()?;
            match after(self.exec_list(r, b, diags)?, label) {
                After::Go => {}
                After::Break => return Ok(Flow::Next),
                After::Leave(f) => return Ok(f),
            }
        }
    }

    /// `FOR i IN [REVERSE] lo..hi [BY step] LOOP`.
    fn exec_for_int(&mut self, r: &mut Replayer, id: SId, diags: &mut Diagnostics) -> X<Flow> {
        let body = self.body;
        let Kind::ForInt {
            label,
            var,
            reverse,
            lower,
            upper,
            step,
            body: b,
        } = &body.stmts[id].kind
        else {
            return Ok(Flow::Next);
        };
        let int = |this: &mut Self, r: &Replayer, s: &super::ast::Src, what: &str| -> X<i64> {
            match this.value(r, s).and_then(|v| match v {
                V::Null => Err(Fail::pg(
                    "null_value_not_allowed",
                    format!("{what} of FOR loop cannot be null"),
                )),
                v => crate::sql::replay::guard::funcs::int(&v),
            }) {
                Ok(i) => Ok(i),
                Err(Fail::Pg(e)) => Err(Stop::Pg(e, this.src_span(s))),
                Err(Fail::Unknown(m)) => Err(Stop::Unknown(format!("FOR loop bound: {m}"))),
            }
        };
        let lo = match int(self, r, lower, "lower bound") {
            Err(Stop::Unknown(m)) => return self.pass_over(r, b, &m, self.src_span(lower), diags),
            other => other?,
        };
        let hi = match int(self, r, upper, "upper bound") {
            Err(Stop::Unknown(m)) => return self.pass_over(r, b, &m, self.src_span(upper), diags),
            other => other?,
        };
        let by = match step {
            Some(s) => int(self, r, s, "BY value")?,
            None => 1,
        };
        if by <= 0 {
            return Err(Stop::Pg(
                PgError::new(
                    "invalid_parameter_value",
                    "BY value of FOR loop must be greater than zero",
                ),
                self.stmt_span(id),
            ));
        }
        self.scope.push(None);
        self.scope
            .declare(var, Ty::Int, Val::Known(V::Null), false, false);
        // `FOR i IN [REVERSE] first..last`: counts from the first expression to the
        // last, down with REVERSE (`REVERSE 10..1`).
        let (first, last) = (lo, hi);
        let mut i = first;
        let mut ran = false;
        let result = loop {
            let done = if *reverse { i < last } else { i > last };
            if done {
                break Ok(Flow::Next);
            }
            if let Err(e) = self.tick() {
                break Err(e);
            }
            ran = true;
            if let Some(v) = self.scope.find_mut(var) {
                v.value = Val::Known(V::Int(i));
            }
            match self.exec_list(r, b, diags) {
                Err(e) => break Err(e),
                Ok(f) => match after(f, label) {
                    After::Go => {}
                    After::Break => break Ok(Flow::Next),
                    After::Leave(f) => break Ok(f),
                },
            }
            i = if *reverse {
                i.saturating_sub(by)
            } else {
                i.saturating_add(by)
            };
            if (i == i64::MAX && !*reverse) || (i == i64::MIN && *reverse) {
                break Ok(Flow::Next);
            }
        };
        self.scope.pop();
        self.scope.set_found(Val::Known(V::Bool(ran)));
        result
    }

    /// `FOR targets IN query | EXECUTE … | cursor LOOP`.
    fn exec_for_rows(&mut self, r: &mut Replayer, id: SId, diags: &mut Diagnostics) -> X<Flow> {
        let body = self.body;
        let Kind::ForRows {
            label,
            targets,
            rows,
            body: b,
        } = &body.stmts[id].kind
        else {
            return Ok(Flow::Next);
        };
        let fetched = match rows {
            Rows::Query(q) => self.query_rows(r, q, &[]),
            Rows::Execute { expr, using } => self.execute_query_rows(r, expr, using),
            Rows::Cursor(name) => match self.cursors.get(name).cloned() {
                Some(q) => self.query_rows(r, &q, &[]),
                None => Err(Fail::pg(
                    "undefined_object",
                    format!("cursor \"{name}\" does not exist"),
                )),
            },
        };
        let (columns, data) = match fetched {
            Ok(x) => x,
            Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.stmt_span(id))),
            Err(Fail::Unknown(m)) => {
                let at = self.stmt_span(id);
                self.scope.set_found(Val::Unknown(m.clone()));
                return self.pass_over(r, b, &format!("FOR query: {m}"), at, diags);
            }
        };
        let ran = !data.is_empty();
        for row in data {
            self.tick()?;
            self.assign_row(r, targets, &columns, row, id)?;
            match after(self.exec_list(r, b, diags)?, label) {
                After::Go => {}
                After::Break => break,
                After::Leave(f) => {
                    self.scope.set_found(Val::Known(V::Bool(ran)));
                    return Ok(f);
                }
            }
        }
        self.scope.set_found(Val::Known(V::Bool(ran)));
        Ok(Flow::Next)
    }

    /// `FOREACH targets [SLICE n] IN ARRAY expr LOOP`.
    fn exec_foreach(&mut self, r: &mut Replayer, id: SId, diags: &mut Diagnostics) -> X<Flow> {
        let body = self.body;
        let Kind::Foreach {
            label,
            targets,
            slice,
            array,
            body: b,
        } = &body.stmts[id].kind
        else {
            return Ok(Flow::Next);
        };
        let items = match self.value(r, array) {
            Ok(V::Array(items)) => items,
            Ok(V::Null) => {
                return Err(Stop::Pg(
                    PgError::new(
                        "null_value_not_allowed",
                        "FOREACH expression must not be null",
                    ),
                    self.src_span(array),
                ))
            }
            Ok(V::Text(s)) => match crate::sql::replay::guard::value::parse_array_text(&s) {
                Ok(V::Array(items)) => items,
                _ => {
                    return Err(Stop::Pg(
                        PgError::new(
                            "datatype_mismatch",
                            "FOREACH expression must yield an array",
                        ),
                        self.src_span(array),
                    ))
                }
            },
            Ok(other) => {
                return Err(Stop::Pg(
                    PgError::new(
                        "datatype_mismatch",
                        format!(
                            "FOREACH expression must yield an array, not type {}",
                            other.type_name()
                        ),
                    ),
                    self.src_span(array),
                ))
            }
            Err(Fail::Pg(e)) => return Err(Stop::Pg(e, self.src_span(array))),
            Err(Fail::Unknown(m)) => {
                return self.pass_over(
                    r,
                    b,
                    &format!("FOREACH array: {m}"),
                    self.src_span(array),
                    diags,
                )
            }
        };
        let elements = slices(items, *slice);
        for el in elements {
            self.tick()?;
            match targets.as_slice() {
                [t] => self.assign(r, t, el, id)?,
                many => {
                    let fields = match el {
                        V::Record(f) => f.into_iter().map(|(_, v)| v).collect(),
                        other => vec![other],
                    };
                    for (t, v) in many.iter().zip(fields) {
                        self.assign(r, t, v, id)?;
                    }
                }
            }
            match after(self.exec_list(r, b, diags)?, label) {
                After::Go => {}
                After::Break => break,
                After::Leave(f) => return Ok(f),
            }
        }
        Ok(Flow::Next)
    }

    /// Assigns a fetched row to loop targets: a record, or scalars column by column.
    pub(crate) fn assign_row(
        &mut self,
        r: &Replayer,
        targets: &[Target],
        columns: &[String],
        row: Vec<V<'static>>,
        id: SId,
    ) -> X<()> {
        if let [t] = targets {
            let is_record = match t {
                Target::Var(v) => self
                    .scope
                    .find(v)
                    .is_none_or(|var| matches!(var.ty, Ty::Record | Ty::Any)),
                _ => false,
            };
            if is_record || columns.len() > 1 {
                let rec = V::Record(
                    columns
                        .iter()
                        .cloned()
                        .map(std::borrow::Cow::Owned)
                        .zip(row)
                        .collect(),
                );
                if is_record {
                    return self.assign(r, t, rec, id);
                }
                let first = match rec {
                    V::Record(mut f) if !f.is_empty() => f.swap_remove(0).1,
                    _ => V::Null,
                };
                return self.assign(r, t, first, id);
            }
            return self.assign(r, t, row.into_iter().next().unwrap_or(V::Null), id);
        }
        let mut it = row.into_iter();
        for t in targets {
            self.assign(r, t, it.next().unwrap_or(V::Null), id)?;
        }
        Ok(())
    }
}

/// The elements FOREACH visits: every element (SLICE 0), or sub-arrays of `n` dimensions.
fn slices(items: Vec<V<'static>>, n: usize) -> Vec<V<'static>> {
    fn depth(v: &V<'_>) -> usize {
        match v {
            V::Array(items) => 1 + items.first().map_or(0, depth),
            _ => 0,
        }
    }
    fn go(items: Vec<V<'static>>, n: usize, out: &mut Vec<V<'static>>) {
        for i in items {
            match i {
                V::Array(inner) if depth(&V::Array(inner.clone())) > n => go(inner, n, out),
                other => out.push(other),
            }
        }
    }
    let mut out = Vec::new();
    let whole = V::Array(items);
    if n > 0 && depth(&whole) == n {
        return vec![whole];
    }
    let V::Array(items) = whole else {
        return out;
    };
    go(items, n, &mut out);
    out
}
