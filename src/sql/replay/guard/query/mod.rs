//! Queries compiled from sqlparser's AST: FROM items (virtual catalog tables, the user's
//! tables, `VALUES`, subqueries, `unnest`, `generate_series`) flattened into a left-deep join,
//! WHERE and ON split into conjuncts placed at the first FROM item that binds all their columns,
//! and equality conjuncts turned into lookup keys (pushed into the catalog scan when it can use
//! them, a hash join otherwise).

mod conjuncts;
mod select;
mod set;
mod sources;

use sqlparser::ast::{Query, SetOperator};

use super::errors::Res;
use super::expr::{CAgg, CExpr, Compiler};
use super::vtab::VTable;

use set::compile_query_here;

/// A compiled query.
#[derive(Debug)]
pub(crate) struct CQuery {
    pub body: Body,
    pub order: Vec<OrderKey>,
    pub limit: Option<CExpr>,
    pub offset: Option<CExpr>,
    pub columns: Vec<String>,
}

#[derive(Debug)]
pub(crate) enum Body {
    Select(Box<CSelect>),
    Values(Vec<Vec<CExpr>>),
    /// UNION/INTERSECT/EXCEPT, ALL?
    SetOp(SetOperator, bool, Box<CQuery>, Box<CQuery>),
}

/// An `ORDER BY` key: an output column, or an expression over the input row; descending,
/// nulls first.
#[derive(Debug)]
pub(crate) struct OrderKey {
    pub output: Option<usize>,
    pub expr: Option<CExpr>,
    pub desc: bool,
    pub nulls_first: bool,
}

/// A compiled `SELECT`.
#[derive(Debug)]
pub(crate) struct CSelect {
    pub sources: Vec<Source>,
    pub width: usize,
    /// Conjuncts evaluated before any FROM item is read (constants, variables).
    pub pre: Vec<CExpr>,
    /// Conjuncts to check once every FROM item is bound (those reading a LEFT-joined item).
    pub post: Vec<CExpr>,
    pub grouping: Option<Grouping>,
    pub proj: Vec<CExpr>,
    pub distinct: bool,
}

#[derive(Debug)]
pub(crate) struct Grouping {
    pub keys: Vec<CExpr>,
    pub aggs: Vec<CAgg>,
    pub having: Option<CExpr>,
}

/// One FROM item.
#[derive(Debug)]
pub(crate) struct Source {
    pub kind: SrcKind,
    pub offset: usize,
    pub ncols: usize,
    pub left: bool,
    /// Conjuncts checked when this item is bound (for a LEFT JOIN: its ON clause).
    pub conds: Vec<CExpr>,
    /// `column = value` keys: the value reads only earlier items, outer rows or variables.
    pub keys: Vec<(usize, CExpr)>,
    /// For each of `conds`, the key it gave (an index in `keys`), if it gave one.
    pub cond_keys: Vec<Option<usize>>,
    /// Whether the keys read earlier items and the scan cannot use them: build a hash table.
    pub hash: bool,
    pub used: u64,
}

#[derive(Debug)]
pub(crate) enum SrcKind {
    Virtual(&'static VTable),
    User {
        schema: String,
        name: String,
        columns: Vec<String>,
    },
    Sub(Box<CQuery>),
    /// `unnest(a, …)` [WITH ORDINALITY].
    Unnest(Vec<CExpr>, bool),
    /// `generate_series(start, stop [, step])`.
    Series(Vec<CExpr>),
    /// A scalar function in FROM: one row.
    One(CExpr),
}

/// Compiles a query with the compiler's levels as outer scope.
pub(crate) fn compile_query(c: &mut Compiler<'_, '_>, q: &Query) -> Res<CQuery> {
    crate::sql::replay::deep(|| compile_query_here(c, q))
}
