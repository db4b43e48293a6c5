//! Expressions compiled from sqlparser's AST: column references resolved to slots of the row
//! being evaluated (or of an enclosing query's row), plpgsql variables told apart from columns
//! (an ambiguous name is PostgreSQL's error, as under `plpgsql.variable_conflict = error`),
//! functions resolved to built-ins, aggregates collected.

mod calls;
mod compile;

use super::cast::Ty;
use super::errors::{Fail, Res};
use super::funcs::Builtin;
use super::query::CQuery;
use super::value::V;
use super::Ctx;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Other binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    /// `~`, `~*`, `!~`, `!~*`: (case-insensitive, negated).
    Regex(bool, bool),
    /// `@>`, `<@`, `&&` on arrays.
    Contains,
    ContainedBy,
    Overlaps,
}

/// An aggregate call.
#[derive(Debug)]
pub(crate) struct CAgg {
    pub name: String,
    pub args: Vec<CExpr>,
    pub distinct: bool,
    pub filter: Option<CExpr>,
    /// `ORDER BY` inside the call (`string_agg(x, ',' ORDER BY x)`): key, descending.
    pub order: Vec<(CExpr, bool)>,
    pub star: bool,
}

/// A compiled expression.
#[derive(Debug)]
pub(crate) enum CExpr {
    Const(V<'static>),
    /// A column of the current row.
    Col(usize),
    /// A column of an enclosing query's row: levels up (1 = parent), slot.
    Outer(usize, usize),
    Var(String),
    Param(usize),
    Field(Box<CExpr>, String),
    Not(Box<CExpr>),
    And(Box<CExpr>, Box<CExpr>),
    Or(Box<CExpr>, Box<CExpr>),
    Cmp(Cmp, Box<CExpr>, Box<CExpr>),
    Bin(Op, Box<CExpr>, Box<CExpr>),
    Neg(Box<CExpr>),
    IsNull(Box<CExpr>, bool),
    /// `IS [NOT] TRUE|FALSE|UNKNOWN`: the value tested for (`None` = unknown), negated.
    IsBool(Box<CExpr>, Option<bool>, bool),
    Distinct(Box<CExpr>, Box<CExpr>, bool),
    InList(Box<CExpr>, Vec<CExpr>, bool),
    InQuery(Box<CExpr>, Box<CQuery>, bool),
    Exists(Box<CQuery>, bool),
    Scalar(Box<CQuery>),
    ArrayQuery(Box<CQuery>),
    /// `x op ANY|ALL (array)`: all?
    Quant(Cmp, bool, Box<CExpr>, Box<CExpr>),
    QuantQuery(Cmp, bool, Box<CExpr>, Box<CQuery>),
    /// `LIKE`/`ILIKE`: case-insensitive, negated.
    Like(Box<CExpr>, Box<CExpr>, bool, bool),
    Between(Box<CExpr>, Box<CExpr>, Box<CExpr>, bool),
    Case(Option<Box<CExpr>>, Vec<(CExpr, CExpr)>, Option<Box<CExpr>>),
    Cast(Box<CExpr>, Ty),
    Func(Builtin, Vec<CExpr>),
    Agg(usize),
    Array(Vec<CExpr>),
    Row(Vec<CExpr>),
    /// `a[i]` or `a[lo:hi]` (slice when the second is present).
    Index(Box<CExpr>, Box<CExpr>, Option<Box<CExpr>>),
    /// Cannot be evaluated; evaluating it says why.
    Unknown(String),
}

fn b(e: CExpr) -> Box<CExpr> {
    Box::new(e)
}

/// The columns one FROM item gives a query level.
#[derive(Debug, Clone)]
pub(crate) struct SrcCols {
    pub alias: String,
    pub columns: Vec<String>,
    pub offset: usize,
    /// Columns whose values are computed; `None` = all. A reference to another column says
    /// which catalog column is missing.
    pub modelled: Option<&'static [&'static str]>,
    /// For messages: `information_schema.columns`.
    pub label: String,
    /// Which columns are referenced (the scan computes only those).
    pub used: u64,
}

/// One query level of name scope.
#[derive(Debug, Default)]
pub(crate) struct Level {
    pub sources: Vec<SrcCols>,
    /// Output column names visible to `ORDER BY` (with their projection index).
    pub outputs: Vec<String>,
    /// Aggregates collected while compiling a grouped select list.
    pub aggs: Option<Vec<CAgg>>,
}

/// Compiles expressions with the query levels in scope.
pub(crate) struct Compiler<'c, 'a> {
    pub cx: &'c Ctx<'a>,
    pub levels: Vec<Level>,
}

const NILADIC: &[&str] = &[
    "current_date",
    "current_timestamp",
    "localtimestamp",
    "current_user",
    "session_user",
    "current_role",
    "user",
    "current_schema",
    "current_catalog",
    "localtime",
    "current_time",
];

impl<'c, 'a> Compiler<'c, 'a> {
    pub(crate) fn new(cx: &'c Ctx<'a>) -> Self {
        Compiler {
            cx,
            levels: vec![Level::default()],
        }
    }

    fn is_var(&self, name: &str) -> bool {
        self.cx.vars.get(name).is_some()
    }

    /// Finds a column by name among the levels, nearest first: (levels up, slot).
    fn find_column(&mut self, qual: Option<&str>, name: &str) -> Res<Option<(usize, usize)>> {
        let depth = self.levels.len();
        for up in 0..depth {
            let level = &mut self.levels[depth - 1 - up];
            let mut hit: Option<(usize, usize)> = None;
            let mut qual_seen = false;
            for (si, s) in level.sources.iter().enumerate() {
                if qual.is_some_and(|q| q != s.alias) {
                    continue;
                }
                qual_seen = true;
                if let Some(ci) = s.columns.iter().position(|c| c == name) {
                    if hit.is_some() {
                        return Err(Fail::pg(
                            "ambiguous_column",
                            format!("column reference \"{name}\" is ambiguous"),
                        ));
                    }
                    hit = Some((si, ci));
                }
            }
            if let Some((si, ci)) = hit {
                let s = &mut level.sources[si];
                if let Some(m) = s.modelled {
                    if !m.contains(&name) {
                        return Err(Fail::unknown(format!(
                            "the catalog column {}.{name} is not modelled",
                            s.label
                        )));
                    }
                }
                if ci < 64 {
                    s.used |= 1 << ci;
                }
                return Ok(Some((up, s.offset + ci)));
            }
            if qual.is_some() && qual_seen {
                return Err(Fail::pg(
                    "undefined_column",
                    format!("column {}.{name} does not exist", qual.unwrap_or_default()),
                ));
            }
        }
        Ok(None)
    }

    fn column_ref(up: usize, slot: usize) -> CExpr {
        if up == 0 {
            CExpr::Col(slot)
        } else {
            CExpr::Outer(up, slot)
        }
    }

    fn has_alias(&self, alias: &str) -> bool {
        self.levels
            .iter()
            .any(|l| l.sources.iter().any(|s| s.alias == alias))
    }

    fn ident(&mut self, name: String) -> Res<CExpr> {
        let col = self.find_column(None, &name)?;
        let var = self.is_var(&name);
        match (col, var) {
            (Some(_), true) => Err(Fail::pg(
                "ambiguous_column",
                format!(
                    "column reference \"{name}\" is ambiguous (it could refer to either a \
                     PL/pgSQL variable or a table column)"
                ),
            )),
            (Some((up, slot)), false) => Ok(Self::column_ref(up, slot)),
            (None, true) => Ok(CExpr::Var(name)),
            (None, false) if NILADIC.contains(&name.as_str()) => self.call(&name, Vec::new()),
            (None, false) if name == "found" => Ok(CExpr::Const(V::Bool(false))),
            (None, false) => {
                if let Some(i) = self
                    .levels
                    .last()
                    .and_then(|l| l.outputs.iter().position(|o| *o == name))
                {
                    return Ok(CExpr::Unknown(format!(
                        "output column {name} ({i}) used in an expression"
                    )));
                }
                Err(Fail::pg(
                    "undefined_column",
                    format!("column \"{name}\" does not exist"),
                ))
            }
        }
    }

    fn compound(&mut self, parts: Vec<String>) -> Res<CExpr> {
        let n = parts.len();
        let (qual, col) = (&parts[n - 2], &parts[n - 1]);
        if self.has_alias(qual) {
            return match self.find_column(Some(qual), col)? {
                Some((up, slot)) => Ok(Self::column_ref(up, slot)),
                None => Err(Fail::pg(
                    "undefined_column",
                    format!("column {qual}.{col} does not exist"),
                )),
            };
        }
        // `label.var`, `rec.field`, `label.rec.field`.
        let joined = parts[..2].join(".");
        if n >= 2 && self.is_var(&joined) {
            let mut e = CExpr::Var(joined);
            for f in &parts[2..] {
                e = CExpr::Field(b(e), f.clone());
            }
            return Ok(e);
        }
        if self.is_var(&parts[0]) {
            let mut e = CExpr::Var(parts[0].clone());
            for f in &parts[1..] {
                e = CExpr::Field(b(e), f.clone());
            }
            return Ok(e);
        }
        Err(Fail::pg(
            "undefined_table",
            format!("missing FROM-clause entry for table \"{qual}\""),
        ))
    }
}
