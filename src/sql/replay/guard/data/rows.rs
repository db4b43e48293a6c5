//! Replaying a table's log into rows: `INSERT` (with defaults, `ON CONFLICT`, unique keys),
//! `UPDATE` (also `… FROM`), `DELETE` (also `… USING`) and `COPY … FROM stdin` run by the
//! evaluator.

use sqlparser::ast::{
    AssignmentTarget, CopyLegacyOption, CopyOption, CopyPayload, CopyTarget, Expr, FromTable,
    Ident, OnConflictAction, OnInsert, SetExpr, Statement, TableFactor,
};

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::eval::{eval, truth, Env};
use crate::sql::replay::guard::expr::{Compiler, Level, SrcCols};
use crate::sql::replay::guard::value::V;
use crate::sql::replay::guard::Ctx;
use crate::sql::replay::{fold, name_parts};

use super::{ColSnap, Entry};

/// Rows being rebuilt: values by column name.
pub(super) struct Rows {
    pub(super) columns: Vec<String>,
    pub(super) rows: Vec<Vec<V<'static>>>,
}

impl Rows {
    /// Follows the table's columns: added columns take their default in existing rows, dropped
    /// columns go.
    pub(super) fn align(&mut self, cols: &[ColSnap], cx: &Ctx<'_>) -> Res<()> {
        if self.columns.len() == cols.len()
            && self.columns.iter().zip(cols).all(|(a, b)| *a == b.name)
        {
            return Ok(());
        }
        let mut new_rows: Vec<Vec<V<'static>>> =
            vec![Vec::with_capacity(cols.len()); self.rows.len()];
        for c in cols {
            match self.columns.iter().position(|x| *x == c.name) {
                Some(i) => {
                    for (r, nr) in self.rows.iter().zip(&mut new_rows) {
                        nr.push(r[i].clone());
                    }
                }
                None => {
                    for nr in &mut new_rows {
                        nr.push(default_value(cx, c)?);
                    }
                }
            }
        }
        self.columns = cols.iter().map(|c| c.name.clone()).collect();
        self.rows = new_rows;
        Ok(())
    }
}

/// A column's default for a new row: evaluated when it is a constant expression, a value the
/// history does not give otherwise (`now()`, `gen_random_uuid()`, sequences).
fn default_value(cx: &Ctx<'_>, c: &ColSnap) -> Res<V<'static>> {
    if c.computed {
        return Ok(V::Opaque);
    }
    let Some(text) = &c.default else {
        return Ok(V::Null);
    };
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let expr = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(text)
        .and_then(|mut p| p.parse_expr());
    let Ok(expr) = expr else {
        return Ok(V::Opaque);
    };
    let mut comp = Compiler::new(cx);
    let Ok(ce) = comp.expr(&expr) else {
        return Ok(V::Opaque);
    };
    match eval(&ce, &Env::new(cx)) {
        Ok(v) => Ok(v.into_owned()),
        Err(_) => Ok(V::Opaque),
    }
}

fn parse(e: &Entry) -> Res<Statement> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let mut stmts = sqlparser::parser::Parser::parse_sql(&dialect, &e.text)
        .map_err(|m| Fail::unknown(format!("sqlparser: {m}")))?;
    match stmts.len() {
        1 => Ok(stmts.remove(0)),
        n => Err(Fail::unknown(format!("{n} statements"))),
    }
}

/// A compiler whose only FROM item is the table being changed.
fn row_compiler<'c, 'a>(cx: &'c Ctx<'a>, alias: &str, cols: &[String]) -> Compiler<'c, 'a> {
    let mut c = Compiler::new(cx);
    c.levels.push(Level {
        sources: vec![SrcCols {
            alias: alias.to_string(),
            columns: cols.to_vec(),
            offset: 0,
            modelled: None,
            label: alias.to_string(),
            used: 0,
        }],
        outputs: Vec::new(),
        aggs: None,
    });
    c
}

pub(super) fn apply(cx: &Ctx<'_>, t: &mut Rows, e: &Entry) -> Res<()> {
    let cx = &Ctx {
        as_of: e.seq,
        ..*cx
    };
    match parse(e)? {
        Statement::Insert(ins) => insert(cx, t, e, &ins),
        Statement::Copy {
            source,
            to,
            target,
            options,
            legacy_options,
            payload,
        } => {
            if to {
                return Ok(());
            }
            let (sqlparser::ast::CopySource::Table { columns, .. }, CopyTarget::Stdin) =
                (&source, &target)
            else {
                return Err(Fail::unknown(format!("COPY FROM {target}")));
            };
            copy(
                cx,
                t,
                e,
                columns,
                &options,
                &legacy_options,
                payload.as_ref(),
            )
        }
        Statement::Update(up) => {
            let from = match &up.from {
                Some(
                    sqlparser::ast::UpdateTableFromKind::AfterSet(f)
                    | sqlparser::ast::UpdateTableFromKind::BeforeSet(f),
                ) => Some(f.as_slice()),
                None => None,
            };
            let alias = match &up.table.relation {
                TableFactor::Table { name, alias, .. } => alias
                    .as_ref()
                    .map(|a| fold(&a.name))
                    .unwrap_or_else(|| name_parts(name).pop().unwrap_or_default()),
                _ => return Err(Fail::unknown("UPDATE target".to_string())),
            };
            let mut comp = row_compiler(cx, &alias, &t.columns);
            // With `FROM`, a row is updated when the join finds a row for it, and the `SET`
            // expressions read the first one found (PostgreSQL takes an arbitrary one).
            let filter = match (from, &up.selection) {
                (Some(from), w) => {
                    Some(comp.expr(&joined("EXISTS (SELECT 1", from, w.as_ref())?)?)
                }
                (None, Some(w)) => Some(comp.expr(w)?),
                (None, None) => None,
            };
            let mut sets = Vec::new();
            for a in &up.assignments {
                let AssignmentTarget::ColumnName(col) = &a.target else {
                    return Err(Fail::unknown("UPDATE SET (a, b) = …".to_string()));
                };
                let name = name_parts(col).pop().unwrap_or_default();
                let Some(i) = t.columns.iter().position(|c| *c == name) else {
                    return Err(Fail::pg(
                        "undefined_column",
                        format!("column \"{name}\" does not exist"),
                    ));
                };
                let value = match &a.value {
                    Expr::Identifier(id)
                        if id.value.eq_ignore_ascii_case("default") && id.quote_style.is_none() =>
                    {
                        crate::sql::replay::guard::expr::CExpr::Const(default_value(
                            cx,
                            &e.columns[i],
                        )?)
                    }
                    v => match from {
                        Some(from) => comp.expr(&joined(
                            &format!("(SELECT {v}"),
                            from,
                            up.selection.as_ref(),
                        )?)?,
                        None => comp.expr(v)?,
                    },
                };
                sets.push((i, value));
            }
            for row in &mut t.rows {
                let env = Env {
                    cx,
                    row,
                    outer: &[],
                    aggs: &[],
                };
                let hit = match &filter {
                    Some(f) => truth(eval(f, &env)?)? == Some(true),
                    None => true,
                };
                if hit {
                    let mut new = Vec::new();
                    for (i, v) in &sets {
                        new.push((*i, eval(v, &env)?.into_owned()));
                    }
                    for (i, v) in new {
                        row[i] = v;
                    }
                }
            }
            Ok(())
        }
        Statement::Delete(del) => {
            let from = match &del.from {
                FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
            };
            let alias = match from.first().map(|f| &f.relation) {
                Some(TableFactor::Table { name, alias, .. }) => alias
                    .as_ref()
                    .map(|a| fold(&a.name))
                    .unwrap_or_else(|| name_parts(name).pop().unwrap_or_default()),
                _ => return Err(Fail::unknown("DELETE target".to_string())),
            };
            let mut comp = row_compiler(cx, &alias, &t.columns);
            // With `USING`, a row goes when the join finds a row for it.
            let filter = match (&del.using, &del.selection) {
                (Some(using), w) => comp.expr(&joined("EXISTS (SELECT 1", using, w.as_ref())?)?,
                (None, Some(w)) => comp.expr(w)?,
                (None, None) => {
                    t.rows.clear();
                    return Ok(());
                }
            };
            let mut keep = Vec::with_capacity(t.rows.len());
            for row in std::mem::take(&mut t.rows) {
                let env = Env {
                    cx,
                    row: &row,
                    outer: &[],
                    aggs: &[],
                };
                let hit = truth(eval(&filter, &env)?)? == Some(true);
                if !hit {
                    keep.push(row);
                }
            }
            t.rows = keep;
            Ok(())
        }
        other => Err(Fail::unknown(format!(
            "`{}`",
            other.to_string().chars().take(40).collect::<String>()
        ))),
    }
}

/// The positions of the named columns among the table's (an `INSERT` or `COPY` column list).
fn positions(t: &Rows, names: impl Iterator<Item = String>) -> Res<Vec<usize>> {
    names
        .map(|n| {
            t.columns.iter().position(|x| *x == n).ok_or_else(|| {
                Fail::pg("undefined_column", format!("column \"{n}\" does not exist"))
            })
        })
        .collect()
}

fn insert(cx: &Ctx<'_>, t: &mut Rows, e: &Entry, ins: &sqlparser::ast::Insert) -> Res<()> {
    let targets: Vec<usize> = if ins.columns.is_empty() {
        (0..t.columns.len()).collect()
    } else {
        positions(
            t,
            ins.columns
                .iter()
                .map(|c| name_parts(c).pop().unwrap_or_default()),
        )?
    };
    let Some(source) = &ins.source else {
        // DEFAULT VALUES
        let row = (0..t.columns.len())
            .map(|i| default_value(cx, &e.columns[i]))
            .collect::<Res<Vec<_>>>()?;
        t.rows.push(row);
        return Ok(());
    };
    let mut new_rows: Vec<Vec<V<'static>>> = Vec::new();
    match source.body.as_ref() {
        SetExpr::Values(values) if source.with.is_none() => {
            let mut comp = Compiler::new(cx);
            for r in &values.rows {
                let mut row: Vec<Option<V<'static>>> = vec![None; t.columns.len()];
                for (k, x) in r.content.iter().enumerate() {
                    let Some(&col) = targets.get(k) else {
                        return Err(Fail::pg(
                            "syntax_error",
                            "INSERT has more expressions than target columns",
                        ));
                    };
                    let v = match x {
                        Expr::Identifier(id)
                            if id.value.eq_ignore_ascii_case("default")
                                && id.quote_style.is_none() =>
                        {
                            default_value(cx, &e.columns[col])?
                        }
                        x => {
                            let ce = comp.expr(x)?;
                            eval(&ce, &Env::new(cx))?.into_owned()
                        }
                    };
                    row[col] = Some(v);
                }
                new_rows.push(finish_row(cx, e, row)?);
            }
        }
        _ => {
            let mut comp = Compiler::new(cx);
            let q = comp.subquery(source)?;
            let env = Env::new(cx);
            for r in crate::sql::replay::guard::run::collect(&q, &env)? {
                let mut row: Vec<Option<V<'static>>> = vec![None; t.columns.len()];
                for (k, v) in r.into_iter().enumerate() {
                    if let Some(&col) = targets.get(k) {
                        row[col] = Some(v.into_owned());
                    }
                }
                new_rows.push(finish_row(cx, e, row)?);
            }
        }
    }
    match &ins.on {
        None => t.rows.extend(new_rows),
        Some(OnInsert::OnConflict(oc)) => {
            if !matches!(oc.action, OnConflictAction::DoNothing) {
                return Err(Fail::unknown("ON CONFLICT DO UPDATE".to_string()));
            }
            let keys = unique_keys(cx, e);
            for row in new_rows {
                let mut conflict = false;
                for key in &keys {
                    // A value a sequence or a random UUID gives is new: no conflict on it.
                    if key.iter().any(|&i| fresh(&e.columns[i], &row[i])) {
                        continue;
                    }
                    for existing in &t.rows {
                        let mut same = true;
                        for &i in key {
                            match cx.equal(&existing[i], &row[i])? {
                                Some(true) => {}
                                _ => same = false,
                            }
                        }
                        conflict |= same && !key.is_empty();
                    }
                }
                if !conflict {
                    t.rows.push(row);
                }
            }
        }
        Some(_) => return Err(Fail::unknown("INSERT … ON DUPLICATE KEY".to_string())),
    }
    Ok(())
}

/// `{head} FROM {from} [WHERE {filter}] LIMIT 1)`: a subquery over the other tables of an
/// `UPDATE … FROM` or `DELETE … USING`, correlated with the row of the target table.
fn joined(head: &str, from: &[sqlparser::ast::TableWithJoins], filter: Option<&Expr>) -> Res<Expr> {
    let from = from
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let filter = filter.map(|w| format!(" WHERE {w}")).unwrap_or_default();
    let text = format!("{head} FROM {from}{filter} LIMIT 1)");
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(&text)
        .and_then(|mut p| p.parse_expr())
        .map_err(|m| Fail::unknown(format!("sqlparser: {m}")))
}

/// `COPY … FROM stdin`: the data lines become rows (columns not listed take their default).
fn copy(
    cx: &Ctx<'_>,
    t: &mut Rows,
    e: &Entry,
    columns: &[Ident],
    options: &[CopyOption],
    legacy: &[CopyLegacyOption],
    payload: Option<&CopyPayload>,
) -> Res<()> {
    let targets: Vec<usize> = if columns.is_empty() {
        (0..t.columns.len())
            .filter(|&i| !e.columns[i].generated)
            .collect()
    } else {
        positions(t, columns.iter().map(fold))?
    };
    let format = super::copy::Format::new(options, legacy).map_err(Fail::unknown)?;
    let data = payload.map_or("", |p| p.data.as_str());
    for fields in format.rows(data).map_err(Fail::unknown)? {
        if fields.len() != targets.len() {
            return Err(Fail::unknown(format!(
                "a COPY line has {} field(s) for {} column(s)",
                fields.len(),
                targets.len()
            )));
        }
        let mut row: Vec<Option<V<'static>>> = vec![None; t.columns.len()];
        for (field, &col) in fields.into_iter().zip(&targets) {
            row[col] = Some(match field {
                None => V::Null,
                Some(s) => cx.cast(V::text(s), &e.columns[col].ty)?.into_owned(),
            });
        }
        t.rows.push(finish_row(cx, e, row)?);
    }
    Ok(())
}

/// Whether `v`, the value of column `c` in a new row, is one the history does not give and no
/// other row holds: from an identity, a sequence or a random UUID.
fn fresh(c: &ColSnap, v: &V<'_>) -> bool {
    if !matches!(v, V::Opaque) {
        return false;
    }
    let generates = |d: &str| {
        let d = d.to_ascii_lowercase();
        [
            "nextval(",
            "gen_random_uuid(",
            "uuid_generate_v4(",
            "uuid_generate_v1(",
        ]
        .iter()
        .any(|f| d.contains(f))
    };
    (c.computed && !c.generated) || c.default.as_deref().is_some_and(generates)
}

fn finish_row(cx: &Ctx<'_>, e: &Entry, row: Vec<Option<V<'static>>>) -> Res<Vec<V<'static>>> {
    row.into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Some(v) => Ok(v),
            None => default_value(cx, &e.columns[i]),
        })
        .collect()
}

/// The column positions of the table's primary key and unique constraints (by the current
/// catalog).
fn unique_keys(cx: &Ctx<'_>, e: &Entry) -> Vec<Vec<usize>> {
    let names: Vec<&str> = e.columns.iter().map(|c| c.name.as_str()).collect();
    let pos = |cols: &[String]| -> Option<Vec<usize>> {
        cols.iter()
            .map(|c| names.iter().position(|n| n == c))
            .collect()
    };
    let _ = cx;
    let mut out = Vec::new();
    for sc in cx.catalog().schemas.values() {
        for t in sc.tables.values() {
            let same = t.columns.len() == names.len()
                && t.columns.iter().zip(&names).all(|(c, n)| c.name == *n);
            if !same {
                continue;
            }
            if let Some(k) = t.primary_key.as_ref().and_then(|p| pos(&p.columns)) {
                out.push(k);
            }
            out.extend(t.uniques.iter().filter_map(|u| pos(&u.columns)));
            return out;
        }
    }
    out
}
