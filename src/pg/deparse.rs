//! sqlparser expressions → the text Postgres prints for them after parse analysis.
//!
//! Prisma renders column defaults, index predicates and generated columns verbatim from
//! `pg_get_expr`, so schemagen has to print expressions exactly as PostgreSQL 15's
//! `ruleutils.c` does, without a database. This module does it in two steps:
//!
//! 1. `analyze` mirrors Postgres's parse analysis (`transformExpr`): it resolves columns,
//!    functions and operators (built-in ones from PostgreSQL 15's own catalog, see `pg::builtin::pg_data`;
//!    extension and user ones from the [`Catalog`]), infers types, and inserts the coercions
//!    Postgres inserts (`'x'` on a text column becomes `'x'::text`, `x IN ('a','b')` becomes
//!    `x = ANY (ARRAY[…])`, varchar operands are relabelled to text, …).
//! 2. `print` mirrors `get_rule_expr`: parenthesisation, implicit casts shown only where
//!    ruleutils shows them, names qualified only when not visible through the *reading*
//!    session's search path ([`ExprContext::display_path`]), constants through their type's
//!    output function (`consts`).
//!
//! Nothing here panics on unexpected input: what is not modelled is printed as sqlparser
//! prints it, as a best guess.
//!
//! # Use from the replay
//!
//! | object | call | Postgres's text |
//! |---|---|---|
//! | column `DEFAULT` | [`stored_default`] (`None`: no default stored) | `pg_get_expr(adbin, adrelid)` |
//! | `serial` column | [`serial_default`] | `nextval('t_id_seq'::regclass)` |
//! | `GENERATED ALWAYS AS (…)` | [`deparse_generated`] | `pg_get_expr(adbin, adrelid)` |
//! | `CHECK (…)` | [`deparse_bool`]; name from [`referenced_columns`] | inside `CHECK (…)` of `pg_get_constraintdef` |
//! | index `WHERE …` | [`deparse_bool`] | `pg_get_expr(indpred, indrelid)` |
//! | index expression key | [`deparse_index_key`] | `pg_get_indexdef(indexrelid, k, true)` |
//! | policy `USING` / `WITH CHECK` | [`deparse_bool`] | `pg_get_expr(polqual, polrelid)` |
//! | view / materialized view | [`view_query`] | `pg_get_viewdef(oid)`, the view's `pg_attribute` rows |
//!
//! The [`ExprContext`] carries the catalog as it is when the statement runs, the statement's
//! `search_path`, the table's columns (all of them: a `CHECK` in `CREATE TABLE` sees every
//! column) and name, and the signatures of user functions (unknown ones are guessed: their
//! literal arguments print as `'x'::text`). Column types come from
//! [`resolve_type`](crate::pg::types::resolve_type) (check
//! [`serial_kind`](crate::pg::types::serial_kind) first: `serial` is not a type). After
//! `ALTER COLUMN … TYPE`, Postgres re-coerces a stored default without changing its text in
//! the usual cases (`'x'::text` stays `'x'::text` on a varchar column), so the stored text can
//! be kept.

use sqlparser::ast::Expr;

use crate::catalog::{Catalog, Column, SqlType};

mod analyze;
mod analyze_agg;
mod analyze_call;
mod analyze_op;
mod coerce;
mod collation;
mod colname;
mod consts;
mod funcs;
mod new_enum_values;
mod node;
mod print;
mod query;
mod query_from;
mod query_print;
mod refs;
mod typesys;
mod view;
mod visibility;

/// The function name `COLLATION FOR (expr)` is read as (a name with a space, which an unquoted
/// identifier cannot be): `pg_collation_for(expr)` printed in its SQL syntax.
pub(crate) const COLLATION_FOR: &str = "collation for";

/// The name a FROM item `ROWS FROM (f(…), g(…))` is read as: a table function (a name with a
/// space) whose arguments are the calls.
pub(crate) const ROWS_FROM: &str = "rows from";

/// The field name `(expr).*` is read as (field selection of every attribute of a row value):
/// an unquoted `*`, which no identifier is. sqlparser takes `.*` only after a dotted name.
pub(crate) const FIELD_STAR: &str = "*";

/// Whether `f` is `COLLATION FOR (expr)`.
pub(crate) fn is_collation_for(f: &sqlparser::ast::Function) -> bool {
    matches!(f.name.0.as_slice(), [p] if p.as_ident().is_some_and(|i| i.quote_style.is_none() && i.value == COLLATION_FOR))
}

pub(crate) use new_enum_values::{watch as watch_new_enum_values, NewEnumValue};
pub use refs::referenced_columns;
pub use view::{analyse_bool, view_query, AnalysedExpr, AnalysedView, ViewQuery};

/// What an expression can refer to, and how names are resolved and printed.
#[derive(Debug, Clone, Copy)]
pub struct ExprContext<'a> {
    /// The catalog (types, enums, domains, extensions, tables for sub-selects).
    pub catalog: &'a Catalog,
    /// `search_path` in effect where the expression was written (used to resolve names).
    pub search_path: &'a [String],
    /// Columns of the table the expression belongs to (empty for none).
    pub columns: &'a [Column],
    /// `(schema, name)` of the table the expression belongs to, when there is one. Sub-selects
    /// print the table's columns qualified with this name.
    pub table: Option<(&'a str, &'a str)>,
    /// `search_path` of the session that *reads* the catalog (`pg_get_expr` qualifies a
    /// function, type or relation only when it is not visible through it). Defaults to
    /// [`supabase_display_path`]: `"$user", public, extensions` (the role default of `postgres`
    /// on Supabase), `pg_catalog` implicitly first.
    pub display_path: &'a [String],
    /// Signatures of user-defined functions (from `CREATE FUNCTION`). Functions the catalog
    /// only names are still found, with an unknown signature.
    pub functions: &'a [FunctionSig],
    /// The same signatures indexed by schema and name ([`ExprContext::with_function_index`]),
    /// used instead of `functions` when set.
    pub function_index: Option<&'a FunctionSigs>,
    /// Whether string literals and quoted identifiers in the AST are still escaped as written
    /// (`'it''s'`), as they are when the tokens come from a tokenizer run with
    /// `with_unescape(false)`. `false` (the default) for ASTs from `Parser::parse_sql`.
    pub raw_strings: bool,
}

/// The signature of a user-defined function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSig {
    /// Schema.
    pub schema: String,
    /// Name (folded).
    pub name: String,
    /// Input parameter types (a VARIADIC parameter as its array type).
    pub args: Vec<SqlType>,
    /// Return type (`SETOF t` as `t`).
    pub ret: SqlType,
    /// Whether the last parameter is VARIADIC.
    pub variadic: bool,
    /// How many trailing parameters have defaults.
    pub defaults: usize,
    /// The columns of the rows it returns, when declared: `RETURNS TABLE (…)` or `OUT`
    /// parameters (`ret` is then `record`, or the single column's type). Empty otherwise.
    pub out_columns: Vec<(String, SqlType)>,
}

/// User function signatures by schema and name, each name's signatures in the order they were
/// recorded (a signature recorded again moves to the end), as replay keeps them.
#[derive(Debug, Clone, Default)]
pub struct FunctionSigs {
    by_name: std::collections::HashMap<String, std::collections::HashMap<String, Vec<FunctionSig>>>,
}

impl FunctionSigs {
    /// The signatures of `schema.name`.
    pub fn named(&self, schema: &str, name: &str) -> &[FunctionSig] {
        self.by_name
            .get(schema)
            .and_then(|m| m.get(name))
            .map_or(&[], Vec::as_slice)
    }

    /// Forgets every signature of `schema.name`.
    pub fn remove_name(&mut self, schema: &str, name: &str) {
        if let Some(m) = self.by_name.get_mut(schema) {
            m.remove(name);
            if m.is_empty() {
                self.by_name.remove(schema);
            }
        }
    }

    /// Records a signature, replacing the one with the same argument types.
    pub fn record(&mut self, sig: FunctionSig) {
        let list = self
            .by_name
            .entry(sig.schema.clone())
            .or_default()
            .entry(sig.name.clone())
            .or_default();
        list.retain(|f| f.args != sig.args);
        list.push(sig);
    }
}

/// `"$user", public, extensions`: the search path of role `postgres` on Supabase.
pub fn supabase_display_path() -> &'static [String] {
    static P: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    P.get_or_init(|| vec!["$user".into(), "public".into(), "extensions".into()])
}

impl<'a> ExprContext<'a> {
    /// A context with the Supabase display path, no table and no function signatures.
    pub fn new(catalog: &'a Catalog, search_path: &'a [String], columns: &'a [Column]) -> Self {
        ExprContext {
            catalog,
            search_path,
            columns,
            table: None,
            display_path: supabase_display_path(),
            functions: &[],
            function_index: None,
            raw_strings: false,
        }
    }

    /// The table the expression belongs to.
    pub fn with_table(mut self, schema: &'a str, name: &'a str) -> Self {
        self.table = Some((schema, name));
        self
    }

    /// The reading session's search path.
    pub fn with_display_path(mut self, path: &'a [String]) -> Self {
        self.display_path = path;
        self
    }

    /// User function signatures.
    pub fn with_functions(mut self, functions: &'a [FunctionSig]) -> Self {
        self.functions = functions;
        self
    }

    /// User function signatures, indexed.
    pub fn with_function_index(mut self, index: &'a FunctionSigs) -> Self {
        self.function_index = Some(index);
        self
    }

    /// The user function signatures of `schema.name`, in the order they were recorded.
    pub(crate) fn sigs_named(&self, schema: &str, name: &str) -> Vec<&'a FunctionSig> {
        match self.function_index {
            Some(ix) => ix.named(schema, name).iter().collect(),
            None => self
                .functions
                .iter()
                .filter(|f| f.schema == schema && f.name == name)
                .collect(),
        }
    }

    /// Whether literals in the AST are still escaped (see [`ExprContext::raw_strings`]).
    pub fn with_raw_strings(mut self, raw: bool) -> Self {
        self.raw_strings = raw;
        self
    }
}

/// Runs `f`; if it panics (a bug: nothing should), falls back to sqlparser's text.
fn guarded<T>(fallback: impl FnOnce() -> T, f: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| fallback())
}

/// A column default, coerced to the column type, as `pg_get_expr(adbin, adrelid)` prints it
/// (`'x'` on text → `'x'::text`, `0` on bigint → `0`, `-1` on bigint → `'-1'::integer`).
///
/// Postgres stores no default at all for `DEFAULT NULL` (see [`stored_default`]); this
/// function then returns `NULL`.
pub fn deparse_default(expr: &Expr, target: &SqlType, ctx: &ExprContext<'_>) -> String {
    stored_default(expr, target, ctx).unwrap_or_else(|| "NULL".to_string())
}

/// Like [`deparse_default`], but `None` when Postgres would store no default: the default is
/// a NULL constant (`DEFAULT NULL`, `DEFAULT NULL::text`) on a column whose type is not a
/// domain.
pub fn stored_default(expr: &Expr, target: &SqlType, ctx: &ExprContext<'_>) -> Option<String> {
    guarded(
        || Some(expr.to_string()),
        || {
            let mut a = analyze::Analyzer::new(ctx);
            let node = a.assignment(expr, target);
            if matches!(node, node::Node::Const { value: None, .. }) {
                return None;
            }
            Some(print::print_expr(ctx, &node, false))
        },
    )
}

/// The default of a `serial` column, as `pg_get_expr` prints it:
/// `nextval('t_id_seq'::regclass)`, the sequence name quoted as needed and qualified when its
/// schema is not visible through [`ExprContext::display_path`].
pub fn serial_default(seq_schema: &str, seq_name: &str, ctx: &ExprContext<'_>) -> String {
    let name = ctx.relation_name(seq_schema, seq_name);
    format!("nextval({}::regclass)", consts::quote_const(&name))
}

/// A generated column's expression (`GENERATED ALWAYS AS (expr) STORED`), coerced to the
/// column type, as `pg_get_expr(adbin, adrelid)` prints it.
pub fn deparse_generated(expr: &Expr, target: &SqlType, ctx: &ExprContext<'_>) -> String {
    guarded(
        || expr.to_string(),
        || {
            let mut a = analyze::Analyzer::new(ctx);
            let node = a.assignment(expr, target);
            print::print_expr(ctx, &node, false)
        },
    )
}

/// A boolean expression as Postgres prints it: the text inside `CHECK (…)` of
/// `pg_get_constraintdef`, a partial index predicate (`pg_get_expr(indpred, indrelid)`), a
/// policy's `USING` / `WITH CHECK` (`pg_get_expr(polqual, polrelid)`).
pub fn deparse_bool(expr: &Expr, ctx: &ExprContext<'_>) -> String {
    guarded(
        || expr.to_string(),
        || {
            let mut a = analyze::Analyzer::new(ctx);
            let node = a.boolean(expr);
            print::print_expr(ctx, &node, false)
        },
    )
}

/// Any expression, uncoerced, as `pg_get_expr` prints it (non-pretty).
pub fn deparse_expr(expr: &Expr, ctx: &ExprContext<'_>) -> String {
    deparse_expr_pretty(expr, ctx, false)
}

/// Any expression, uncoerced; `pretty` selects `ruleutils`'s pretty mode (fewer parentheses),
/// used by `pg_get_indexdef(…, true)`.
pub fn deparse_expr_pretty(expr: &Expr, ctx: &ExprContext<'_>, pretty: bool) -> String {
    guarded(
        || expr.to_string(),
        || {
            let mut a = analyze::Analyzer::new(ctx);
            let node = a.expr(expr);
            print::print_expr(ctx, &node, pretty)
        },
    )
}

/// An index key expression as `pg_get_indexdef(indexrelid, k, true)` prints it: pretty mode,
/// wrapped in parentheses unless it is a function call (`lower(email)`, `(data ->> 'k'::text)`).
///
/// A top-level `COLLATE` belongs to the index column (its collation), not to the expression,
/// and is left out, as `pg_get_indexdef(…, k, …)` leaves it out.
pub fn deparse_index_key(expr: &Expr, ctx: &ExprContext<'_>) -> String {
    let mut expr = expr;
    while let Expr::Collate { expr: inner, .. } | Expr::Nested(inner) = expr {
        expr = inner;
    }
    guarded(
        || format!("({expr})"),
        || {
            let mut a = analyze::Analyzer::new(ctx);
            let node = a.expr(expr);
            let text = print::print_expr(ctx, &node, true);
            if print::looks_like_function(&node) {
                text
            } else {
                format!("({text})")
            }
        },
    )
}

/// A partition key expression as `pg_get_partkeydef` prints it: like an index key, but
/// without pretty-printing's dropped parentheses (`((k + 1))`).
pub fn deparse_partition_key(expr: &Expr, ctx: &ExprContext<'_>) -> String {
    let mut expr = expr;
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    guarded(
        || format!("({expr})"),
        || {
            let mut a = analyze::Analyzer::new(ctx);
            let node = a.expr(expr);
            let text = print::print_expr(ctx, &node, false);
            if print::looks_like_function(&node) {
                text
            } else {
                format!("({text})")
            }
        },
    )
}

#[cfg(test)]
mod tests;
