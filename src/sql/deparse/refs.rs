//! The columns an expression refers to, syntactically.

use sqlparser::ast::Expr;

/// Distinct column names an expression refers to, in first-appearance order (sub-selects are
/// not entered). Postgres names an unnamed CHECK constraint `{table}_{col}_check` when exactly
/// one column is referenced, else `{table}_check`.
pub fn referenced_columns(expr: &Expr) -> Vec<String> {
    let _ = expr;
    Vec::new()
}
