//! Defaults and index predicates, normalised as Postgres stores them once the tables exist:
//! the SQL Prisma Migrate writes is parsed and printed by the same `pg_get_expr` normaliser
//! the SQL replay uses, against a catalog holding the lowered tables and enums (so that
//! `'ADMIN'` on an enum column prints as `'ADMIN'::"Role"`, and a table in a schema off the
//! search path is qualified).

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use crate::catalog::{choose_relation_name, Column, Sequence};
use crate::diagnostics::{Diagnostic, Span};
use crate::pg::deparse::{deparse_bool, serial_default, stored_default, ExprContext};

use super::defaults::DefaultSpec;
use super::Lowering;

/// Why a default or predicate written for the database is not one SQL expression.
#[derive(Debug)]
enum ExprError {
    /// sqlparser's error (tokenizer or parser).
    Parse(ParserError),
    /// More text after the expression: the token it begins with.
    Trailing(Token),
}

impl std::fmt::Display for ExprError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExprError::Parse(e) => write!(f, "{e}"),
            ExprError::Trailing(t) => write!(f, "unexpected `{t}` after the expression"),
        }
    }
}

/// Parses one SQL expression (all of `text`).
fn parse_expr(text: &str) -> Result<sqlparser::ast::Expr, ExprError> {
    let dialect = PostgreSqlDialect {};
    let mut p = Parser::new(&dialect)
        .try_with_sql(text)
        .map_err(ExprError::Parse)?;
    let e = p.parse_expr().map_err(ExprError::Parse)?;
    match p.peek_token().token {
        Token::EOF => Ok(e),
        t => Err(ExprError::Trailing(t)),
    }
}

/// The sequence behind a serial column of integer type `int` (`int2`, `int4`, `int8`).
fn serial_sequence(name: &str, int: &str, table: &str, column: &str) -> Sequence {
    let (data_type, max_value) = match int {
        "int2" => ("smallint", i64::from(i16::MAX)),
        "int4" => ("integer", i64::from(i32::MAX)),
        _ => ("bigint", i64::MAX),
    };
    Sequence {
        name: name.to_string(),
        data_type: data_type.to_string(),
        start: 1,
        increment: 1,
        min_value: 1,
        max_value,
        cache: 1,
        cycle: false,
        owned_by: Some((table.to_string(), column.to_string())),
    }
}

impl Lowering<'_> {
    /// Normalises the queued defaults and predicates (serial columns get their sequences).
    pub(super) fn expressions(&mut self) {
        self.serials();
        for (name, s) in &self.out.schemas {
            let c = self.ctx.schemas.entry(name.clone()).or_default();
            c.name = name.clone();
            c.tables = s.tables.clone();
            c.views = s.views.clone();
            c.enums = s.enums.clone();
            c.sequences = s.sequences.clone();
        }
        let mut problems: Vec<Diagnostic> = Vec::new();
        let mut defaults = Vec::new();
        for (schema, table, column, spec, span) in &self.pending {
            let DefaultSpec::Sql(sql) = spec else {
                continue;
            };
            let Some(t) = self.ctx.table(schema, table) else {
                continue;
            };
            let Some(col) = t.columns.get(*column) else {
                continue;
            };
            let ctx = ExprContext::new(&self.ctx, &self.search_path, &t.columns)
                .with_table(schema, table);
            match parse_expr(sql) {
                Ok(e) => defaults.push((
                    schema.clone(),
                    table.clone(),
                    *column,
                    stored_default(&e, &col.ty, &ctx),
                )),
                Err(e) => problems.push(Diagnostic::error(
                    format!("the default `{sql}` is not an SQL expression: {e}"),
                    Some(*span),
                )),
            }
        }
        let mut predicates = Vec::new();
        for (schema, table, index, span) in &self.predicates {
            let Some(t) = self.ctx.table(schema, table) else {
                continue;
            };
            let Some(i) = t.indexes.iter().position(|i| &i.name == index) else {
                continue;
            };
            let Some(text) = t.indexes[i].predicate.as_deref() else {
                continue;
            };
            let ctx = ExprContext::new(&self.ctx, &self.search_path, &t.columns)
                .with_table(schema, table);
            match parse_expr(text) {
                Ok(e) => {
                    predicates.push((schema.clone(), table.clone(), i, deparse_bool(&e, &ctx)))
                }
                Err(e) => problems.push(Diagnostic::error(
                    format!("the index predicate `{text}` is not an SQL expression: {e}"),
                    Some(*span),
                )),
            }
        }
        for (schema, table, column, text) in defaults {
            if let Some(c) = self.column_mut(&schema, &table, column) {
                c.default = text;
            }
        }
        for (schema, table, i, text) in predicates {
            if let Some(index) = self
                .out
                .table_mut(&schema, &table)
                .and_then(|t| t.indexes.get_mut(i))
            {
                index.predicate = Some(text);
            }
        }
        for d in problems {
            self.diags.push(d);
        }
    }

    fn column_mut(&mut self, schema: &str, table: &str, column: usize) -> Option<&mut Column> {
        self.out.table_mut(schema, table)?.columns.get_mut(column)
    }

    /// `autoincrement()` columns become serial columns: a sequence `{table}_{column}_seq`
    /// (named as Postgres names it, avoiding relations that exist) owned by the column, and
    /// the default `nextval('…'::regclass)`.
    fn serials(&mut self) {
        let serials: Vec<(String, String, usize, Span)> = self
            .pending
            .iter()
            .filter(|p| p.3 == DefaultSpec::Autoincrement)
            .map(|p| (p.0.clone(), p.1.clone(), p.2, p.4))
            .collect();
        for (schema, table, column, span) in serials {
            let Some(col) = self.column_mut(&schema, &table, column).cloned() else {
                continue;
            };
            let int = col.ty.name.as_str();
            if !(col.ty.is("int2") || col.ty.is("int4") || col.ty.is("int8")) || col.ty.is_array() {
                self.diags.push(Diagnostic::error(
                    format!(
                        "`autoincrement()` needs an integer column; `{}` is {}",
                        col.name,
                        col.ty.format(true)
                    ),
                    Some(span),
                ));
                continue;
            }
            let Some(s) = self.out.schemas.get(&schema) else {
                continue;
            };
            let seq_name = choose_relation_name(&table, Some(&col.name), "seq", &|n| {
                s.has_relation(n)
                    || s.tables.values().any(|t| {
                        t.primary_key.as_ref().is_some_and(|p| p.name == n)
                            || t.indexes.iter().any(|i| i.name == n)
                    })
            });
            let seq = serial_sequence(&seq_name, int, &table, &col.name);
            let ctx = ExprContext::new(&self.ctx, &self.search_path, &[]);
            let default = serial_default(&schema, &seq_name, &ctx);
            if let Some(s) = self.out.schemas.get_mut(&schema) {
                s.sequences.insert(seq_name, seq);
            }
            if let Some(c) = self.column_mut(&schema, &table, column) {
                c.default = Some(default);
            }
        }
    }
}
