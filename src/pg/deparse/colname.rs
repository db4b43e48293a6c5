//! `FigureColname`: the name Postgres gives a SELECT output column written without `AS`.
//!
//! The rules work on the raw parse tree, before analysis, and rank each guess: a column
//! reference, a function call (`count`, `coalesce`, `extract`, `btrim`…) or a keyword-like
//! construct (`array`, `row`, `exists`) is a strong name (2), a cast's type name is a weak one
//! (1) that a strong name inside the cast wins over (`x::text` is `x`, `'a'::text` is `text`), as
//! is `case` against the name of the `ELSE` result (`CASE … ELSE status END` is `status`).
//! Everything else (operators, literals, `IS NULL`, `IN`…) has no name: `?column?`.

use sqlparser::ast::{
    AccessExpr, DataType, Expr, FunctionArguments, Ident, SelectItem, SetExpr, TrimWhereField,
};

use super::ExprContext;
use crate::pg::types::resolve_type;

/// The output column name Postgres gives `e`, or `None` for `?column?`.
pub(crate) fn figure_colname(e: &Expr, ctx: &ExprContext<'_>) -> Option<String> {
    let (name, strength) = figure(e, ctx);
    (strength > 0).then_some(name).flatten()
}

/// An identifier as Postgres folds it.
fn fold(id: &Ident) -> String {
    if id.quote_style.is_some() {
        id.value.clone()
    } else {
        id.value.to_lowercase()
    }
}

fn strong(name: &str) -> (Option<String>, u8) {
    (Some(name.to_string()), 2)
}

/// `FigureColnameInternal`: a name and its strength (0: none).
fn figure(e: &Expr, ctx: &ExprContext<'_>) -> (Option<String>, u8) {
    match e {
        Expr::Identifier(id) => (Some(fold(id)), 2),
        Expr::CompoundIdentifier(ids) => match ids.last() {
            Some(id) => (Some(fold(id)), 2),
            None => (None, 0),
        },
        Expr::Nested(x) => figure(x, ctx),
        Expr::Collate { expr, .. } => figure(expr, ctx),
        Expr::CompoundFieldAccess { root, access_chain } => {
            let field = access_chain.iter().rev().find_map(|a| match a {
                AccessExpr::Dot(Expr::Identifier(id)) => Some(fold(id)),
                _ => None,
            });
            match field {
                Some(f) => (Some(f), 2),
                None => figure(root, ctx),
            }
        }
        Expr::Function(f) if crate::pg::deparse::is_collation_for(f) => {
            (Some("pg_collation_for".to_string()), 2)
        }
        Expr::Function(f) => {
            let Some(last) = f.name.0.last().and_then(|p| p.as_ident()) else {
                return (None, 0);
            };
            // `ARRAY(SELECT …)` is a sub-link named `array`, like the function form.
            if let FunctionArguments::Subquery(_) = f.args {
                return strong("array");
            }
            (Some(fold(last)), 2)
        }
        Expr::Cast {
            expr, data_type, ..
        } => {
            let inner = figure(expr, ctx);
            if inner.1 > 1 {
                inner
            } else {
                (Some(cast_type_name(data_type, ctx)), 1)
            }
        }
        Expr::TypedString(ts) => (Some(cast_type_name(&ts.data_type, ctx)), 1),
        Expr::Interval(_) => (Some("interval".into()), 1),
        Expr::Case { else_result, .. } => {
            let inner = else_result
                .as_deref()
                .map(|x| figure(x, ctx))
                .unwrap_or((None, 0));
            if inner.1 > 1 {
                inner
            } else {
                (Some("case".into()), 1)
            }
        }
        Expr::Array(_) => strong("array"),
        Expr::Tuple(_) => strong("row"),
        Expr::Exists { negated: false, .. } => strong("exists"),
        Expr::Subquery(q) => match q.body.as_ref() {
            SetExpr::Select(s) => match s.projection.first() {
                Some(SelectItem::UnnamedExpr(x)) => {
                    (Some(figure_colname(x, ctx).unwrap_or("?column?".into())), 2)
                }
                Some(SelectItem::ExprWithAlias { alias, .. }) => (Some(fold(alias)), 2),
                _ => (None, 0),
            },
            _ => (None, 0),
        },
        Expr::Extract { .. } => strong("extract"),
        Expr::Position { .. } => strong("position"),
        Expr::Overlay { .. } => strong("overlay"),
        Expr::Ceil { .. } => strong("ceil"),
        Expr::Floor { .. } => strong("floor"),
        Expr::AtTimeZone { .. } => strong("timezone"),
        Expr::Substring { shorthand, .. } => {
            strong(if *shorthand { "substr" } else { "substring" })
        }
        Expr::Trim { trim_where, .. } => strong(match trim_where {
            Some(TrimWhereField::Leading) => "ltrim",
            Some(TrimWhereField::Trailing) => "rtrim",
            _ => "btrim",
        }),
        _ => (None, 0),
    }
}

/// The type name `FigureColname` uses for a cast: the last name of the type as the grammar
/// stores it (`integer` is `int4`, `timestamp with time zone` is `timestamptz`, `text[]` is
/// `text`).
fn cast_type_name(dt: &DataType, ctx: &ExprContext<'_>) -> String {
    if let Ok(t) = resolve_type(dt, ctx.catalog, ctx.search_path) {
        return t.name;
    }
    match dt {
        DataType::Array(sqlparser::ast::ArrayElemTypeDef::AngleBracket(inner))
        | DataType::Array(sqlparser::ast::ArrayElemTypeDef::SquareBracket(inner, _))
        | DataType::Array(sqlparser::ast::ArrayElemTypeDef::Parenthesis(inner)) => {
            cast_type_name(inner, ctx)
        }
        DataType::Custom(name, _) => name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(fold)
            .unwrap_or_default(),
        other => other.to_string().to_lowercase(),
    }
}
