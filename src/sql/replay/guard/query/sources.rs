//! FROM items: virtual catalog tables, the user's tables, `VALUES`, subqueries, `unnest`,
//! `generate_series`.

use sqlparser::ast::{FunctionArg, FunctionArgExpr, TableFactor};

use crate::catalog::Schema;
use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::expr::{CExpr, Compiler, SrcCols};
use crate::sql::replay::guard::vtab;
use crate::sql::replay::{fold, name_parts};

use super::{Source, SrcKind};

pub(super) fn add_source(
    c: &mut Compiler<'_, '_>,
    tf: &TableFactor,
    left: bool,
    sources: &mut Vec<Source>,
    width: &mut usize,
) -> Res<()> {
    let (kind, alias, columns, modelled, label) = match tf {
        TableFactor::Table {
            name, alias, args, ..
        } => table_item(c, tf, name, alias.as_ref(), args.as_ref())?,
        TableFactor::Derived {
            subquery, alias, ..
        } => {
            let q = c.subquery(subquery)?;
            let mut cols = q.columns.clone();
            let alias_name = alias.as_ref().map(|a| fold(&a.name)).unwrap_or_default();
            if let Some(a) = alias {
                for (i, ac) in a.columns.iter().enumerate() {
                    if i < cols.len() {
                        cols[i] = fold(&ac.name);
                    }
                }
            }
            (
                SrcKind::Sub(Box::new(q)),
                alias_name,
                cols,
                None,
                "subquery".to_string(),
            )
        }
        TableFactor::UNNEST {
            alias,
            array_exprs,
            with_ordinality,
            ..
        } => unnest_item(c, alias.as_ref(), array_exprs, *with_ordinality)?,
        TableFactor::NestedJoin { .. } => {
            return Err(Fail::unknown("parenthesized joins are not evaluated"))
        }
        other => {
            return Err(Fail::unknown(format!(
                "FROM item `{other}` is not evaluated"
            )))
        }
    };
    let ncols = columns.len();
    let level = c.levels.last_mut().expect("level");
    level.sources.push(SrcCols {
        alias,
        columns,
        offset: *width,
        modelled,
        label,
        used: 0,
    });
    sources.push(Source {
        kind,
        offset: *width,
        ncols,
        left,
        conds: Vec::new(),
        keys: Vec::new(),
        cond_keys: Vec::new(),
        hash: false,
        used: 0,
    });
    *width += ncols;
    Ok(())
}

/// A FROM item: its source, alias, column names, the catalog columns it models and its label.
type Item = (
    SrcKind,
    String,
    Vec<String>,
    Option<&'static [&'static str]>,
    String,
);

/// A named FROM item: a table function (`unnest(…)`, `generate_series(…)`, a scalar function)
/// or a relation.
fn table_item(
    c: &mut Compiler<'_, '_>,
    tf: &TableFactor,
    name: &sqlparser::ast::ObjectName,
    alias: Option<&sqlparser::ast::TableAlias>,
    args: Option<&sqlparser::ast::TableFunctionArgs>,
) -> Res<Item> {
    let parts = name_parts(name);
    let table = parts.last().cloned().unwrap_or_default();
    let schema = (parts.len() > 1).then(|| parts[parts.len() - 2].clone());
    let alias_name = alias
        .as_ref()
        .map(|a| fold(&a.name))
        .unwrap_or_else(|| table.clone());
    if let Some(args) = args {
        let mut exprs = Vec::new();
        for a in &args.args {
            match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => exprs.push(c.expr(e)?),
                _ => return Err(Fail::unknown("table function arguments are not evaluated")),
            }
        }
        let with_ord = matches!(
            tf,
            TableFactor::Table {
                with_ordinality: true,
                ..
            }
        );
        let col_alias: Vec<String> = alias
            .as_ref()
            .map(|a| a.columns.iter().map(|c| fold(&c.name)).collect())
            .unwrap_or_default();
        let (kind, mut cols) = match table.as_str() {
            "unnest" => {
                let n = exprs.len();
                let mut cols: Vec<String> = if n == 1 {
                    vec![alias_name.clone()]
                } else {
                    (0..n).map(|_| "unnest".to_string()).collect()
                };
                if with_ord {
                    cols.push("ordinality".into());
                }
                (SrcKind::Unnest(exprs, with_ord), cols)
            }
            "generate_series" => (SrcKind::Series(exprs), vec![alias_name.clone()]),
            other => match c.call(other, exprs)? {
                e @ CExpr::Func(..) => (SrcKind::One(e), vec![alias_name.clone()]),
                _ => {
                    return Err(Fail::unknown(format!(
                        "function {other}() in FROM is not evaluated"
                    )))
                }
            },
        };
        for (i, a) in col_alias.into_iter().enumerate() {
            if i < cols.len() {
                cols[i] = a;
            }
        }
        Ok((kind, alias_name, cols, None, table))
    } else {
        let (kind, cols, modelled, label) = relation(c, schema.as_deref(), &table)?;
        let mut cols = cols;
        if let Some(a) = alias {
            for (i, ac) in a.columns.iter().enumerate() {
                if i < cols.len() {
                    cols[i] = fold(&ac.name);
                }
            }
        }
        Ok((kind, alias_name, cols, modelled, label))
    }
}

/// `UNNEST(array, …) [WITH ORDINALITY]`.
fn unnest_item(
    c: &mut Compiler<'_, '_>,
    alias: Option<&sqlparser::ast::TableAlias>,
    array_exprs: &[sqlparser::ast::Expr],
    with_ordinality: bool,
) -> Res<Item> {
    let exprs = array_exprs
        .iter()
        .map(|e| c.expr(e))
        .collect::<Res<Vec<_>>>()?;
    let alias_name = alias
        .as_ref()
        .map(|a| fold(&a.name))
        .unwrap_or_else(|| "unnest".into());
    let mut cols: Vec<String> = vec![alias_name.clone(); exprs.len()];
    if with_ordinality {
        cols.push("ordinality".into());
    }
    if let Some(a) = alias {
        for (i, ac) in a.columns.iter().enumerate() {
            if i < cols.len() {
                cols[i] = fold(&ac.name);
            }
        }
    }
    Ok((
        SrcKind::Unnest(exprs, with_ordinality),
        alias_name,
        cols,
        None,
        "unnest".into(),
    ))
}

/// A relation's source, column names, the catalog columns it models (for messages) and its
/// label.
type Relation = (
    SrcKind,
    Vec<String>,
    Option<&'static [&'static str]>,
    String,
);

/// A named relation in FROM: a catalog table or view, or one of the user's tables. An
/// unqualified name is looked up as PostgreSQL does: along the search path, with `pg_catalog`
/// first unless the path names it (then in its place), so "not modelled" is said only of the
/// catalog relation PostgreSQL would read, never of the user's table of the same name.
fn relation(c: &Compiler<'_, '_>, schema: Option<&str>, table: &str) -> Res<Relation> {
    let catalog = |cs: &'static str| -> Option<Res<Relation>> {
        match vtab::find(cs, table) {
            Some(vt) => {
                let cols = vt.columns.iter().map(|s| s.to_string()).collect();
                Some(Ok((
                    SrcKind::Virtual(vt),
                    cols,
                    Some(vt.modelled),
                    format!("{cs}.{table}"),
                )))
            }
            None if vtab::exists_in_postgres(cs, table) => Some(Err(Fail::unknown(format!(
                "the catalog relation {cs}.{table} is not modelled (schemagen answers only the \
                 catalog relations it models, so this is not evaluated offline)"
            )))),
            None => None,
        }
    };
    let r = c.cx.r;
    let has = |s: &Schema| s.tables.contains_key(table) || s.views.contains_key(table);
    let found = match schema {
        Some(cs @ ("pg_catalog" | "information_schema")) => {
            let cs: &'static str = if cs == "pg_catalog" {
                "pg_catalog"
            } else {
                "information_schema"
            };
            if let Some(rel) = catalog(cs) {
                return rel;
            }
            None
        }
        Some(_) => r.find_in_path(schema, &has),
        None => {
            let path = r.effective_search_path();
            let mut order: Vec<&str> = path.iter().map(String::as_str).collect();
            if !order.contains(&"pg_catalog") {
                order.insert(0, "pg_catalog");
            }
            let mut hit = None;
            for s in order {
                match s {
                    "pg_catalog" | "information_schema" => {
                        let cs = if s == "pg_catalog" {
                            "pg_catalog"
                        } else {
                            "information_schema"
                        };
                        if let Some(rel) = catalog(cs) {
                            return rel;
                        }
                    }
                    _ if r.catalog().schemas.get(s).is_some_and(&has) => {
                        hit = Some(s.to_string());
                        break;
                    }
                    _ => {}
                }
            }
            hit
        }
    };
    let Some(s) = found else {
        let shown = match schema {
            Some(s) => format!("{s}.{table}"),
            None => table.to_string(),
        };
        return Err(Fail::pg(
            "undefined_table",
            format!("relation \"{shown}\" does not exist"),
        ));
    };
    let sc = &r.catalog().schemas[&s];
    let columns: Vec<String> = match sc.tables.get(table) {
        Some(t) => t.columns.iter().map(|c| c.name.clone()).collect(),
        None => sc.views[table]
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect(),
    };
    Ok((
        SrcKind::User {
            schema: s.clone(),
            name: table.to_string(),
            columns: columns.clone(),
        },
        columns,
        None,
        format!("{s}.{table}"),
    ))
}
