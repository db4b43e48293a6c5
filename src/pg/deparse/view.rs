//! A view's query: its output columns as `DefineVirtualRelation` stores them and its text as
//! `pg_get_viewdef` prints it.

mod fallback;
mod visit;

use fallback::{fallback, query_has_raw};
use sqlparser::ast::Query as SqlQuery;
use visit::{visit, visit_mut};

use super::analyze::Analyzer;
use super::node::Node;
use super::print::Printer;
use super::query::{FromItem, Query};
use super::typesys::Ty;
use super::ExprContext;
use crate::catalog::{truncate_identifier, Column, SqlType};

/// What PostgreSQL stores for `CREATE VIEW v [(names)] AS query`.
#[derive(Debug, Clone, Default)]
pub struct ViewQuery {
    /// The view's columns: names (the column list, else the query's output names), types with
    /// the modifiers the query keeps; always nullable, without defaults.
    pub columns: Vec<Column>,
    /// The query as `pg_get_viewdef(oid)` prints it (multi-line, ending in `;`), when every part
    /// of it was modelled; `None` otherwise.
    pub definition: Option<String>,
    /// Names of the columns whose type could not be inferred (they are given `text`); when
    /// the query could not be analysed at all, every column, named as written.
    pub untyped: Vec<String>,
    /// The tables and views the query reads, `(schema, name)` (empty when it could not be
    /// analysed).
    pub relations: Vec<(String, String)>,
    /// The analysed query, when the definition was printed: it prints the definition again
    /// after renames ([`AnalysedView`]).
    pub analysed: Option<AnalysedView>,
}

/// A view's analysed query. PostgreSQL stores a view as a query tree that refers to tables and
/// columns by number, so `pg_get_viewdef` follows later renames of the view's columns and of
/// the tables and columns it reads; this keeps what is needed to print it again.
#[derive(Debug, Clone)]
pub struct AnalysedView {
    query: Query,
}

impl AnalysedView {
    /// The definition, printed with the view's current column names (`pg_get_viewdef`).
    pub fn definition(&self, column_names: &[String], ctx: &ExprContext<'_>) -> String {
        print_view(&self.query, column_names, ctx)
    }

    /// `ALTER TABLE|VIEW rel RENAME COLUMN old TO new` on a table or view the query reads;
    /// whether the query reads that column.
    pub fn rename_column(&mut self, schema: &str, rel: &str, old: &str, new: &str) -> bool {
        let refnames = refnames(&self.query, schema, rel);
        let mut changed = false;
        visit_mut(
            &mut self.query,
            &mut |n| {
                if let Node::Var { name, rel, .. } = n {
                    if name == old && refnames.contains(rel) {
                        *name = new.to_string();
                        changed = true;
                    }
                }
            },
            &mut |_| {},
        );
        changed
    }

    /// Whether the query reads column `col` of `schema.rel` (PostgreSQL then records that the
    /// view depends on the column: dropping it, or changing its type, is refused).
    pub fn reads_column(&self, schema: &str, rel: &str, col: &str) -> bool {
        let refnames = refnames(&self.query, schema, rel);
        !refnames.is_empty() && reads_var(&self.query, col, |r| refnames.iter().any(|n| n == r))
    }

    /// `ALTER TABLE|VIEW name SET SCHEMA to` on a relation the query reads; whether it reads
    /// it.
    pub fn move_relation(&mut self, schema: &str, name: &str, to: &str) -> bool {
        let mut changed = false;
        visit_mut(&mut self.query, &mut |_| {}, &mut |f| {
            if let FromItem::Rel {
                schema: s, name: n, ..
            } = f
            {
                if s == schema && n == name {
                    *s = to.to_string();
                    changed = true;
                }
            }
        });
        changed
    }

    /// `ALTER TABLE|VIEW old RENAME TO new` on a relation the query reads; whether it reads
    /// it. A reference without an alias is named after the relation, and follows the rename.
    pub fn rename_relation(&mut self, schema: &str, old: &str, new: &str) -> bool {
        let mut renamed_refs = Vec::new();
        let mut changed = false;
        visit_mut(&mut self.query, &mut |_| {}, &mut |f| {
            if let FromItem::Rel {
                schema: s,
                name,
                refname,
                aliased,
                ..
            } = f
            {
                if s == schema && name == old {
                    *name = new.to_string();
                    changed = true;
                    if !*aliased && refname == old {
                        *refname = new.to_string();
                        renamed_refs.push(old.to_string());
                    }
                }
            }
        });
        if !renamed_refs.is_empty() {
            visit_mut(
                &mut self.query,
                &mut |n| match n {
                    Node::Var { rel, .. } | Node::WholeRow { rel, .. } if rel == old => {
                        *rel = new.to_string();
                    }
                    _ => {}
                },
                &mut |_| {},
            );
        }
        changed
    }

    /// The tables and views the query reads.
    pub fn relations(&self) -> Vec<(String, String)> {
        relations(&self.query)
    }
}

/// A table's stored boolean expression (a policy's `USING` or `WITH CHECK`), analysed.
/// PostgreSQL keeps it as a tree that refers to tables and columns by number, so `pg_policies`
/// prints later renames of the table, of its columns and of the relations its sub-selects read;
/// this keeps what is needed to print it again. The table's own columns are `Var`s named after
/// the table (the outer range-table entry, printed as a prefix inside sub-selects).
#[derive(Debug, Clone)]
pub struct AnalysedExpr {
    /// The expression, as the filter of an otherwise empty query (so the view's walkers apply).
    query: Query,
}

impl AnalysedExpr {
    /// The expression as `pg_get_expr` prints it in `ctx` (the table's current name and
    /// columns).
    pub fn print(&self, ctx: &ExprContext<'_>) -> String {
        match &self.query.filter {
            Some(n) => super::print::print_expr(ctx, n, false),
            None => String::new(),
        }
    }

    /// Whether the expression reads column `col` of `schema.rel`; `own` is its table.
    pub fn reads_column(&self, schema: &str, rel: &str, col: &str, own: (&str, &str)) -> bool {
        let mut refnames = refnames(&self.query, schema, rel);
        if own == (schema, rel) {
            refnames.push(rel.to_string());
        }
        !refnames.is_empty() && reads_var(&self.query, col, |r| refnames.iter().any(|n| n == r))
    }

    /// Column `old` of `schema.rel` renamed to `new`; `own` is the expression's table. Whether
    /// the expression reads that column.
    pub fn rename_column(
        &mut self,
        schema: &str,
        rel: &str,
        old: &str,
        new: &str,
        own: (&str, &str),
    ) -> bool {
        let mut a = AnalysedView {
            query: std::mem::take(&mut self.query),
        };
        let mut changed = a.rename_column(schema, rel, old, new);
        if own == (schema, rel) {
            visit_mut(
                &mut a.query,
                &mut |n| {
                    if let Node::Var { name, rel: r, .. } = n {
                        if name == old && r == rel {
                            *name = new.to_string();
                            changed = true;
                        }
                    }
                },
                &mut |_| {},
            );
        }
        self.query = a.query;
        changed
    }

    /// Relation `schema.old` renamed to `new`; `own` is the expression's table (before the
    /// rename). Whether the expression names it.
    pub fn rename_relation(
        &mut self,
        schema: &str,
        old: &str,
        new: &str,
        own: (&str, &str),
    ) -> bool {
        let mut a = AnalysedView {
            query: std::mem::take(&mut self.query),
        };
        let mut changed = a.rename_relation(schema, old, new);
        if own == (schema, old) {
            visit_mut(
                &mut a.query,
                &mut |n| match n {
                    Node::Var { rel, .. } | Node::WholeRow { rel, .. } if rel == old => {
                        *rel = new.to_string();
                        changed = true;
                    }
                    _ => {}
                },
                &mut |_| {},
            );
        }
        self.query = a.query;
        changed
    }

    /// Relation `schema.name` moved to schema `to`; whether the expression's sub-selects read
    /// it.
    pub fn move_relation(&mut self, schema: &str, name: &str, to: &str) -> bool {
        let mut a = AnalysedView {
            query: std::mem::take(&mut self.query),
        };
        let changed = a.move_relation(schema, name, to);
        self.query = a.query;
        changed
    }

    /// The tables and views the expression's sub-selects read (not its own table).
    pub fn relations(&self) -> Vec<(String, String)> {
        relations(&self.query)
    }

    /// Whether the expression's sub-selects read relation `schema.rel`.
    pub fn reads_relation(&self, schema: &str, rel: &str) -> bool {
        !refnames(&self.query, schema, rel).is_empty()
    }
}

/// A boolean expression of a table as `pg_get_expr` prints it, and its analysed tree when
/// every part of it was modelled (see [`AnalysedExpr`]).
pub fn analyse_bool(
    expr: &sqlparser::ast::Expr,
    ctx: &ExprContext<'_>,
) -> (String, Option<AnalysedExpr>) {
    super::guarded(
        || (expr.to_string(), None),
        || {
            let mut a = Analyzer::new(ctx);
            let node = a.boolean(expr);
            let text = super::print::print_expr(ctx, &node, false);
            let query = Query {
                filter: Some(node),
                ..Query::default()
            };
            let modelled = !a.unmodelled.get() && !query_has_raw(&query);
            (text, modelled.then_some(AnalysedExpr { query }))
        },
    )
}

/// The tables and views a query reads (each once).
fn relations(q: &Query) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    visit(q, &mut |_| {}, &mut |f| {
        if let FromItem::Rel { schema, name, .. } = f {
            if !out.iter().any(|(s, n)| s == schema && n == name) {
                out.push((schema.clone(), name.clone()));
            }
        }
    });
    out
}

/// The names by which `q` and the queries nested in it refer to relation `schema.rel`.
fn refnames(q: &Query, schema: &str, rel: &str) -> Vec<String> {
    let mut out = Vec::new();
    visit(q, &mut |_| {}, &mut |f| {
        if let FromItem::Rel {
            schema: s,
            name,
            refname,
            ..
        } = f
        {
            if s == schema && name == rel {
                out.push(refname.clone());
            }
        }
    });
    out
}

/// Whether `q` reads column `col` of a relation referred to by a name `is_ref` accepts.
fn reads_var(q: &Query, col: &str, is_ref: impl Fn(&str) -> bool) -> bool {
    let mut found = false;
    visit(
        q,
        &mut |n| {
            if let Node::Var { name, rel, .. } = n {
                found |= name == col && is_ref(rel);
            }
        },
        &mut |_| {},
    );
    found
}

/// `pg_get_viewdef`: the top-level query's outputs named as the view's columns.
fn print_view(q: &Query, names: &[String], ctx: &ExprContext<'_>) -> String {
    let mut p = Printer::new(ctx, false);
    p.colnames_visible = true;
    p.result_names = Some(names.to_vec());
    p.query(q);
    p.buf.push(';');
    p.buf
}

/// The output columns and definition of a view over `query`; `column_names` is the column
/// list written after the view's name (it renames the first columns).
pub fn view_query(query: &SqlQuery, column_names: &[String], ctx: &ExprContext<'_>) -> ViewQuery {
    super::guarded(
        || fallback(query, column_names, ctx),
        || analyse(query, column_names, ctx),
    )
}

fn analyse(query: &SqlQuery, column_names: &[String], ctx: &ExprContext<'_>) -> ViewQuery {
    let mut a = Analyzer::new(ctx);
    a.scopes.clear();
    // The view's rule holds the range-table entries `old` and `new` before the query's own.
    a.used_names = vec!["old".into(), "new".into()];
    let Ok(q) = a.query(query) else {
        return fallback(query, column_names, ctx);
    };
    let mut out = ViewQuery::default();
    let mut names = Vec::new();
    for (i, (name, ty, typmod)) in q.output().into_iter().enumerate() {
        let name = truncate_identifier(column_names.get(i).unwrap_or(&name));
        let ty = if ty.is_opaque() || ty.is_unknown() || ty.schema.is_empty() {
            out.untyped.push(name.clone());
            SqlType::builtin("text")
        } else {
            ty.to_sql(&typmod)
        };
        names.push(name.clone());
        let collation = a
            .output_coll(&q, i)
            .column_collation(a.type_collation(&Ty::from_sql(&ty)));
        out.columns.push(Column {
            name,
            ty,
            collation,
            ..Default::default()
        });
    }
    out.relations = relations(&q);
    // A renamed VALUES view prints as a SELECT over `"*VALUES*"` (not modelled).
    let renamed_values = q.values.is_some() && !column_names.is_empty();
    if !a.unmodelled.get() && !query_has_raw(&q) && !renamed_values {
        out.definition = Some(print_view(&q, &names, ctx));
        out.analysed = Some(AnalysedView { query: q });
    }
    out
}
