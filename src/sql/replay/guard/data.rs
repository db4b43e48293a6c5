//! The contents of the user's tables, as far as the history itself gives them: a table created
//! by a plain `CREATE TABLE` starts empty, and the `INSERT`, `UPDATE`, `DELETE` and `TRUNCATE`
//! statements the history runs on it are logged (their text and the table's columns at that
//! point). A guard that reads the table (`IF NOT EXISTS (SELECT 1 FROM seances WHERE formation_id
//! IS NULL)`) replays the log with the evaluator. Anything else (`COPY`, `INSERT … SELECT` over
//! unknown data, a table from the base catalog, a log too large) makes the contents unknown, and
//! reading them says why.

use std::collections::HashMap;
use std::sync::Arc;

use sqlparser::ast::{
    AssignmentTarget, Expr, FromTable, OnConflictAction, OnInsert, SetExpr, Statement, TableFactor,
};

use super::errors::{Fail, Res};
use super::eval::{eval, truth, Env};
use super::expr::{Compiler, Level, SrcCols};
use super::value::V;
use super::Ctx;
use crate::sql::replay::{fold, name_parts};

/// Bytes of DML text kept per table before its contents are given up as unknown.
const MAX_LOG_BYTES: usize = 4 << 20;

/// A column as it was when a statement ran.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColSnap {
    pub name: String,
    pub default: Option<String>,
    /// Identity or generated: a value the history does not give.
    pub computed: bool,
}

#[derive(Debug)]
pub(crate) struct Entry {
    /// Position in the history (set by [`DataStore::logged`]).
    pub seq: u64,
    pub text: String,
    pub columns: Arc<Vec<ColSnap>>,
    /// `file:line:col`, for messages.
    pub at: String,
}

/// One step of a table's history.
#[derive(Debug, Clone)]
enum Item {
    /// A data-modifying statement.
    Dml(Arc<Entry>),
    /// `ALTER TABLE … RENAME COLUMN old TO new`: later statements use the new name.
    RenameColumn(u64, String, String),
}

impl Item {
    fn seq(&self) -> u64 {
        match self {
            Item::Dml(e) => e.seq,
            Item::RenameColumn(seq, ..) => *seq,
        }
    }
}

#[derive(Debug, Clone)]
enum State {
    Known(Vec<Item>, usize),
    Unknown(String),
}

/// Table contents, by (schema, table).
#[derive(Debug, Clone, Default)]
pub(crate) struct DataStore {
    tables: HashMap<(String, String), State>,
    /// The next log item's sequence number.
    next_seq: u64,
}

impl DataStore {
    /// A table created empty (`CREATE TABLE` without `AS`).
    pub(crate) fn created(&mut self, schema: &str, table: &str) {
        self.tables
            .insert((schema.into(), table.into()), State::Known(Vec::new(), 0));
    }

    /// A table whose contents cannot be followed from here on.
    pub(crate) fn unknown(&mut self, schema: &str, table: &str, why: String) {
        self.tables
            .insert((schema.into(), table.into()), State::Unknown(why));
    }

    /// `DROP TABLE`.
    pub(crate) fn dropped(&mut self, schema: &str, table: &str) {
        self.tables.remove(&(schema.to_string(), table.to_string()));
    }

    /// `ALTER TABLE … RENAME TO` / `SET SCHEMA`: the contents follow the table.
    pub(crate) fn moved(&mut self, from: (&str, &str), to: (&str, &str)) {
        if let Some(s) = self
            .tables
            .remove(&(from.0.to_string(), from.1.to_string()))
        {
            self.tables.insert((to.0.into(), to.1.into()), s);
        }
    }

    /// `ALTER TABLE … RENAME COLUMN`.
    pub(crate) fn column_renamed(&mut self, schema: &str, table: &str, old: &str, new: &str) {
        if let Some(State::Known(log, _)) = self
            .tables
            .get_mut(&(schema.to_string(), table.to_string()))
        {
            log.push(Item::RenameColumn(
                self.next_seq,
                old.to_string(),
                new.to_string(),
            ));
            self.next_seq += 1;
        }
    }

    /// `TRUNCATE`: known empty from here on.
    pub(crate) fn truncated(&mut self, schema: &str, table: &str) {
        self.created(schema, table);
    }

    /// Logs a DML statement on a table.
    pub(crate) fn logged(&mut self, schema: &str, table: &str, mut entry: Entry) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        let key = (schema.to_string(), table.to_string());
        let Some(state) = self.tables.get_mut(&key) else {
            return;
        };
        if let State::Known(log, bytes) = state {
            *bytes += entry.text.len();
            if *bytes > MAX_LOG_BYTES {
                *state = State::Unknown(format!(
                    "more than {} MB of rows were written to it",
                    MAX_LOG_BYTES >> 20
                ));
            } else {
                log.push(Item::Dml(Arc::new(entry)));
            }
        }
    }

    /// The rows of a table, with values in the order of `columns` (its current columns).
    pub(crate) fn rows(
        &self,
        cx: &Ctx<'_>,
        schema: &str,
        table: &str,
        columns: &[String],
    ) -> Res<Vec<Vec<V<'static>>>> {
        let key = (schema.to_string(), table.to_string());
        let log = match self.tables.get(&key) {
            Some(State::Known(log, _)) => log,
            Some(State::Unknown(why)) => {
                return Err(Fail::unknown(format!(
                    "depends on the data of table {schema}.{table}, which is not known: {why}"
                )))
            }
            None => {
                return Err(Fail::unknown(format!(
                    "depends on the data of table {schema}.{table}, which is not known (the table was not created \
                     by a CREATE TABLE of this history)"
                )))
            }
        };
        let mut t = Rows {
            columns: Vec::new(),
            rows: Vec::new(),
        };
        for item in log.iter().take_while(|i| i.seq() < cx.as_of) {
            let e = match item {
                Item::Dml(e) => e,
                Item::RenameColumn(_, old, new) => {
                    for c in &mut t.columns {
                        if c == old {
                            c.clone_from(new);
                        }
                    }
                    continue;
                }
            };
            t.align(&e.columns, cx)?;
            apply(cx, &mut t, e).map_err(|f| match f {
                Fail::Unknown(m) => Fail::unknown(format!(
                    "depends on the data of table {schema}.{table}, which is not known: the statement at {} is not \
                     evaluated ({m})",
                    e.at
                )),
                other => other,
            })?;
        }
        let current: Vec<ColSnap> = columns
            .iter()
            .map(|c| ColSnap {
                name: c.clone(),
                default: None,
                computed: false,
            })
            .collect();
        t.align(&current, cx)?;
        Ok(t.rows)
    }
}

/// Rows being rebuilt: values by column name.
struct Rows {
    columns: Vec<String>,
    rows: Vec<Vec<V<'static>>>,
}

impl Rows {
    /// Follows the table's columns: added columns take their default in existing rows, dropped
    /// columns go.
    fn align(&mut self, cols: &[ColSnap], cx: &Ctx<'_>) -> Res<()> {
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

fn apply(cx: &Ctx<'_>, t: &mut Rows, e: &Entry) -> Res<()> {
    let cx = &Ctx {
        as_of: e.seq,
        ..*cx
    };
    match parse(e)? {
        Statement::Insert(ins) => insert(cx, t, e, &ins),
        Statement::Update(up) => {
            if up.from.is_some() {
                return Err(Fail::unknown("UPDATE … FROM".to_string()));
            }
            let alias = match &up.table.relation {
                TableFactor::Table { name, alias, .. } => alias
                    .as_ref()
                    .map(|a| fold(&a.name))
                    .unwrap_or_else(|| name_parts(name).pop().unwrap_or_default()),
                _ => return Err(Fail::unknown("UPDATE target".to_string())),
            };
            let mut comp = row_compiler(cx, &alias, &t.columns);
            let filter = match &up.selection {
                Some(w) => Some(comp.expr(w)?),
                None => None,
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
                        super::expr::CExpr::Const(default_value(cx, &e.columns[i])?)
                    }
                    v => comp.expr(v)?,
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
            if del.using.is_some() {
                return Err(Fail::unknown("DELETE … USING".to_string()));
            }
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
            let Some(w) = &del.selection else {
                t.rows.clear();
                return Ok(());
            };
            let filter = comp.expr(w)?;
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

fn insert(cx: &Ctx<'_>, t: &mut Rows, e: &Entry, ins: &sqlparser::ast::Insert) -> Res<()> {
    let targets: Vec<usize> = if ins.columns.is_empty() {
        (0..t.columns.len()).collect()
    } else {
        let mut out = Vec::new();
        for c in &ins.columns {
            let n = name_parts(c).pop().unwrap_or_default();
            match t.columns.iter().position(|x| *x == n) {
                Some(i) => out.push(i),
                None => {
                    return Err(Fail::pg(
                        "undefined_column",
                        format!("column \"{n}\" does not exist"),
                    ))
                }
            }
        }
        out
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
            for r in super::run::collect(&q, &env)? {
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

/// A name with its schema when one is written.
pub(crate) type QualifiedName = (Option<String>, String);

/// The table a DML statement writes: its verb and the (schema-optional) name, from tokens.
pub(crate) fn dml_target(
    words: &[(String, Option<String>)],
) -> Option<(&'static str, Vec<QualifiedName>)> {
    let w = |i: usize| words.get(i).map(|(w, _)| w.as_str()).unwrap_or("");
    let mut i = 1;
    let verb = match w(0) {
        "insert" if w(1) == "into" => {
            i = 2;
            "insert"
        }
        "update" => "update",
        "delete" if w(1) == "from" => {
            i = 2;
            "delete"
        }
        "truncate" => {
            if w(1) == "table" {
                i = 2;
            }
            "truncate"
        }
        "copy" => "copy",
        "merge" if w(1) == "into" => {
            i = 2;
            "merge"
        }
        _ => return None,
    };
    if w(i) == "only" {
        i += 1;
    }
    // name [. name] [, name …] (TRUNCATE lists several).
    let mut out = Vec::new();
    while let Some((_, Some(id))) = words.get(i).cloned() {
        if w(i + 1) == "." {
            let Some((_, Some(name))) = words.get(i + 2).cloned() else {
                break;
            };
            out.push((Some(id), name));
            i += 3;
        } else {
            out.push((None, id));
            i += 1;
        }
        if verb == "truncate" && w(i) == "," {
            i += 1;
            continue;
        }
        break;
    }
    Some((verb, out))
}
