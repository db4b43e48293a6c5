//! The columns an expression refers to, syntactically.

use sqlparser::ast::{
    AccessExpr, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, InTarget, Subscript,
};

/// Distinct column names an expression refers to, in first-appearance order: bare identifiers
/// and the last part of qualified ones (`t.col` → `col`), folded as Postgres folds them.
/// Sub-selects are not entered, and identifiers that are keyword functions without
/// parentheses (`CURRENT_USER`) are not columns.
///
/// Postgres names an unnamed CHECK constraint `{table}_{col}_check` when exactly one column is
/// referenced, else `{table}_check`.
pub fn referenced_columns(expr: &Expr) -> Vec<String> {
    let mut out = Vec::new();
    walk(expr, &mut out);
    out
}

fn fold(id: &Ident) -> String {
    if id.quote_style.is_some() {
        id.value.clone()
    } else {
        id.value.to_lowercase()
    }
}

fn add(out: &mut Vec<String>, name: String) {
    if !out.contains(&name) {
        out.push(name);
    }
}

fn walk(e: &Expr, out: &mut Vec<String>) {
    let mut w = |x: &Expr| walk(x, out);
    match e {
        Expr::Identifier(id) => {
            let name = fold(id);
            let keyword = id.quote_style.is_none()
                && matches!(
                    name.as_str(),
                    "current_date"
                        | "current_time"
                        | "current_timestamp"
                        | "localtime"
                        | "localtimestamp"
                        | "current_user"
                        | "current_role"
                        | "session_user"
                        | "user"
                        | "current_catalog"
                        | "current_schema"
                );
            if !keyword {
                add(out, name);
            }
        }
        Expr::CompoundIdentifier(ids) => {
            if let Some(last) = ids.last() {
                add(out, fold(last));
            }
        }
        Expr::CompoundFieldAccess { root, access_chain } => {
            w(root);
            for a in access_chain {
                match a {
                    AccessExpr::Subscript(Subscript::Index { index }) => walk(index, out),
                    AccessExpr::Subscript(Subscript::Slice {
                        lower_bound,
                        upper_bound,
                        stride,
                    }) => {
                        for x in [lower_bound, upper_bound, stride].into_iter().flatten() {
                            walk(x, out);
                        }
                    }
                    AccessExpr::Dot(_) => {}
                }
            }
        }
        Expr::IsFalse(x)
        | Expr::IsNotFalse(x)
        | Expr::IsTrue(x)
        | Expr::IsNotTrue(x)
        | Expr::IsNull(x)
        | Expr::IsNotNull(x)
        | Expr::IsUnknown(x)
        | Expr::IsNotUnknown(x)
        | Expr::Nested(x)
        | Expr::UnaryOp { expr: x, .. }
        | Expr::Collate { expr: x, .. }
        | Expr::Cast { expr: x, .. }
        | Expr::Extract { expr: x, .. }
        | Expr::Ceil { expr: x, .. }
        | Expr::Floor { expr: x, .. } => w(x),
        Expr::IsDistinctFrom(a, b)
        | Expr::IsNotDistinctFrom(a, b)
        | Expr::BinaryOp {
            left: a, right: b, ..
        }
        | Expr::AnyOp {
            left: a, right: b, ..
        }
        | Expr::AllOp {
            left: a, right: b, ..
        }
        | Expr::AtTimeZone {
            timestamp: a,
            time_zone: b,
        }
        | Expr::Position { expr: a, r#in: b } => {
            walk(a, out);
            walk(b, out);
        }
        Expr::In { expr, target, .. } => {
            w(expr);
            if let InTarget::List(list) = target {
                list.iter().for_each(|x| walk(x, out));
            }
        }
        Expr::Between {
            expr, low, high, ..
        } => {
            walk(expr, out);
            walk(low, out);
            walk(high, out);
        }
        Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::SimilarTo { .. }
        | Expr::Substring { .. }
        | Expr::Trim { .. }
        | Expr::Overlay { .. } => walk_string_ops(e, out),
        Expr::Function(f) => {
            if let FunctionArguments::List(l) = &f.args {
                for a in &l.args {
                    let arg = match a {
                        FunctionArg::Unnamed(a)
                        | FunctionArg::Named { arg: a, .. }
                        | FunctionArg::ExprNamed { arg: a, .. } => a,
                    };
                    if let FunctionArgExpr::Expr(x) = arg {
                        walk(x, out);
                    }
                }
            }
            if let Some(x) = &f.filter {
                walk(x, out);
            }
        }
        Expr::Case {
            operand,
            conditions,
            else_result,
            ..
        } => {
            if let Some(x) = operand {
                walk(x, out);
            }
            for c in conditions {
                walk(&c.condition, out);
                walk(&c.result, out);
            }
            if let Some(x) = else_result {
                walk(x, out);
            }
        }
        Expr::Tuple(items) => items.iter().for_each(|x| walk(x, out)),
        Expr::Array(a) => a.elem.iter().for_each(|x| walk(x, out)),
        Expr::Interval(i) => walk(&i.value, out),
        _ => {}
    }
}

/// [`walk`] for pattern matching (`LIKE`, `ILIKE`, `SIMILAR TO`) and the string functions SQL
/// writes with their own syntax (`SUBSTRING`, `TRIM`, `OVERLAY`).
fn walk_string_ops(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Like {
            expr,
            pattern,
            escape_char,
            ..
        }
        | Expr::ILike {
            expr,
            pattern,
            escape_char,
            ..
        }
        | Expr::SimilarTo {
            expr,
            pattern,
            escape_char,
            ..
        } => {
            walk(expr, out);
            walk(pattern, out);
            if let Some(x) = escape_char {
                walk(x, out);
            }
        }
        Expr::Substring {
            expr,
            substring_from,
            substring_for,
            ..
        } => {
            walk(expr, out);
            for x in [substring_from, substring_for].into_iter().flatten() {
                walk(x, out);
            }
        }
        Expr::Trim {
            expr, trim_what, ..
        } => {
            walk(expr, out);
            if let Some(x) = trim_what {
                walk(x, out);
            }
        }
        Expr::Overlay {
            expr,
            overlay_what,
            overlay_from,
            overlay_for,
        } => {
            walk(expr, out);
            walk(overlay_what, out);
            walk(overlay_from, out);
            if let Some(x) = overlay_for {
                walk(x, out);
            }
        }
        // Only called for the expressions above.
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn refs(e: &str) -> Vec<String> {
        let expr = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(e)
            .unwrap()
            .parse_expr()
            .unwrap();
        referenced_columns(&expr)
    }

    #[test]
    fn columns_in_order() {
        assert_eq!(refs("char_length(currency) = 3"), ["currency"]);
        assert_eq!(refs("a > 0 AND B < a AND t.c IS NULL"), ["a", "b", "c"]);
        assert_eq!(refs("\"Mixed\" <> ''"), ["Mixed"]);
        assert_eq!(refs("created_at <= CURRENT_TIMESTAMP"), ["created_at"]);
        assert!(refs("auth.uid() IS NOT NULL").is_empty());
        assert_eq!(refs("x IN (1, y) AND EXISTS (SELECT z FROM t)"), ["x", "y"]);
        assert_eq!(
            refs("CASE WHEN k THEN v::int ELSE coalesce(w, 0) END > 0"),
            ["k", "v", "w"]
        );
        assert_eq!(refs("s BETWEEN lo AND hi"), ["s", "lo", "hi"]);
    }
}
