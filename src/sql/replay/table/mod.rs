//! CREATE TABLE and ALTER TABLE.

mod add;
mod changes;
mod columns;
mod constraints;

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, IndexColumn};

use super::{fold, ReplayError, Replayer, SqlState};
use crate::catalog::{Column, Table};

pub(crate) use columns::{apply_sequence_options, default_sequence};
pub(crate) use constraints::PendingConstraint;

/// Column name of an index column that is a plain column reference.
pub(crate) fn index_column_name(c: &IndexColumn) -> Option<String> {
    match &c.column.expr {
        Expr::Identifier(id) => Some(fold(id)),
        Expr::Nested(e) => match e.as_ref() {
            Expr::Identifier(id) => Some(fold(id)),
            _ => None,
        },
        _ => None,
    }
}

/// Distinct column names an expression refers to, in order of first appearance.
pub(crate) fn referenced_columns(expr: &Expr, columns: &[Column]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        let name = match e {
            Expr::Identifier(id) => Some(fold(id)),
            Expr::CompoundIdentifier(ids) => ids.last().map(fold),
            _ => None,
        };
        if let Some(n) = name {
            if columns.iter().any(|c| c.name == n) && !out.contains(&n) {
                out.push(n);
            }
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

impl Replayer {
    /// Every column `(schema, table, column)` for which `pred` holds.
    pub(crate) fn columns_where(
        &self,
        pred: &dyn Fn(&Column) -> bool,
    ) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for (sn, s) in &self.catalog.schemas {
            for t in s.tables.values() {
                for c in t.columns.iter().filter(|c| pred(c)) {
                    out.push((sn.clone(), t.name.clone(), c.name.clone()));
                }
            }
        }
        out
    }

    pub(crate) fn table_mut(&mut self, schema: &str, table: &str) -> &mut Table {
        self.catalog
            .table_mut(schema, table)
            .expect("table resolved before")
    }

    pub(crate) fn view_mut(&mut self, schema: &str, view: &str) -> &mut crate::catalog::View {
        self.catalog
            .view_mut(schema, view)
            .expect("view resolved before")
    }
}

impl Replayer {
    pub(crate) fn column_mut(&mut self, schema: &str, table: &str, col: &str) -> &mut Column {
        self.table_mut(schema, table)
            .column_mut(col)
            .expect("column resolved before")
    }
}

/// `cannot drop <what> because other objects depend on it (<dependent>)`.
pub(crate) fn depends_error(what: &str, dependent: &str) -> ReplayError {
    ReplayError::new(
        SqlState::DependentObjects,
        format!("cannot drop {what} because other objects depend on it ({dependent})"),
    )
}

/// `PARTITION BY method (keys)` as `pg_get_partkeydef` prints it: `RANGE (created_at)`,
/// `LIST (a COLLATE "C" text_pattern_ops)`, `RANGE (a, ((k + 1)))` (`suffixes`: the collation
/// and operator class after each key; `expr_key`: an expression key as printed).
pub(super) fn partition_text(
    e: &Expr,
    suffixes: &[String],
    expr_key: &dyn Fn(&Expr) -> String,
) -> String {
    let Expr::Function(f) = e else {
        return e.to_string();
    };
    let method = f.name.to_string().to_uppercase();
    let sqlparser::ast::FunctionArguments::List(list) = &f.args else {
        return format!("{method} ()");
    };
    let keys: Vec<String> = list
        .args
        .iter()
        .zip(suffixes.iter().chain(std::iter::repeat(&String::new())))
        .map(|(a, s)| {
            let key = match a {
                sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(
                    Expr::Identifier(id),
                )) => crate::sql::quote_ident(&fold(id)),
                sqlparser::ast::FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(x)) => {
                    expr_key(x)
                }
                other => other.to_string(),
            };
            format!("{key}{s}")
        })
        .collect();
    format!("{method} ({})", keys.join(", "))
}
