//! FROM items that name a relation or call a function: their columns and aliases.

use crate::catalog::quote_ident;
use crate::pg::deparse::analyze::{Analyzer, Rte};
use crate::pg::deparse::node::Node;
use crate::pg::deparse::query::{FromItem, OutColumn, Unsupported};
use crate::pg::deparse::typesys::Ty;
use crate::pg::deparse::ROWS_FROM;
use crate::pg::types::resolve_type;
use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList, FunctionArguments,
    ObjectName, TableAlias,
};

impl Analyzer<'_, '_> {
    /// A table, view or `WITH` query reference.
    pub(super) fn relation(
        &mut self,
        name: &ObjectName,
        alias: Option<&TableAlias>,
    ) -> Result<FromItem, Unsupported> {
        let parts = self.name_parts(name);
        let relname = parts.last().cloned().unwrap_or_default();
        let lookup = alias
            .map(|a| self.ident(&a.name))
            .unwrap_or_else(|| relname.clone());
        if parts.len() == 1 {
            let cte = self
                .ctes
                .iter()
                .rev()
                .find_map(|level| level.iter().find(|c| c.name == relname))
                .cloned();
            if let Some(cte) = cte {
                let refname = self.next_name(&lookup);
                let mut columns = cte.columns.clone();
                let col_aliases = match alias {
                    Some(a) => self.apply_aliases(&mut columns, a)?,
                    None => Vec::new(),
                };
                let collations: Vec<(String, Option<String>)> = columns
                    .iter()
                    .map(|c| c.0.clone())
                    .zip(cte.collations.iter().cloned())
                    .collect();
                self.remember_collations(&refname, &collations);
                self.push_rte(Rte::new(&refname, &lookup, columns));
                return Ok(FromItem::Cte {
                    name: relname,
                    refname,
                    aliased: alias.is_some(),
                    col_aliases,
                });
            }
        }
        let (schema, relname) = self
            .ctx
            .resolve_relation(&parts)
            .unwrap_or_else(|| ("public".into(), relname));
        let refname = self.next_name(&lookup);
        let mut columns: Vec<OutColumn> = Vec::new();
        let mut collations: Vec<Option<String>> = Vec::new();
        let mut known = false;
        if let Some(s) = self.ctx.catalog.schemas.get(&schema) {
            let cols = s
                .tables
                .get(&relname)
                .map(|t| &t.columns)
                .or_else(|| s.views.get(&relname).map(|v| &v.columns));
            if let Some(cols) = cols {
                known = true;
                columns = cols
                    .iter()
                    .map(|c| (c.name.clone(), Ty::from_sql(&c.ty), c.ty.modifiers.clone()))
                    .collect();
                collations = cols.iter().map(|c| c.collation.clone()).collect();
            }
        }
        if !known {
            self.unmodelled.set(true);
        }
        let mut col_aliases = Vec::new();
        if let Some(a) = alias {
            if known {
                let real: Vec<String> = columns.iter().map(|c| c.0.clone()).collect();
                self.apply_aliases(&mut columns, a)?;
                // Printed only when a name differs from the column's own.
                if columns.iter().zip(&real).any(|(c, r)| c.0 != *r) {
                    col_aliases = columns.iter().map(|c| quote_ident(&c.0)).collect();
                }
            } else if !a.columns.is_empty() {
                return Err(Unsupported);
            }
        }
        let named: Vec<(String, Option<String>)> = columns
            .iter()
            .map(|c| c.0.clone())
            .zip(collations)
            .collect();
        self.remember_collations(&refname, &named);
        self.push_rte(Rte {
            known,
            rowtype: known.then(|| Ty {
                schema: schema.clone(),
                name: relname.clone(),
                array: false,
            }),
            ..Rte::new(&refname, &lookup, columns)
        });
        Ok(FromItem::Rel {
            schema,
            name: relname,
            refname,
            aliased: alias.is_some(),
            col_aliases,
        })
    }

    /// A function in FROM: `unnest(a) x`, `generate_series(1, 3) g(n)`,
    /// `jsonb_to_recordset(j) AS r(a int, b text)`; or `ROWS FROM (f(…), g(…))`, whose calls
    /// are its arguments (`transformRangeFunction`).
    pub(super) fn function_item(
        &mut self,
        name: &ObjectName,
        args: &[FunctionArg],
        lateral: bool,
        ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Result<FromItem, Unsupported> {
        let calls: Vec<(String, Expr)> = if is_rows_from(name) {
            let mut calls = Vec::new();
            for a in args {
                match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e @ Expr::Function(f))) => {
                        let fname = self.name_parts(&f.name).pop().unwrap_or_default();
                        calls.push((fname, e.clone()));
                    }
                    _ => return Err(Unsupported),
                }
            }
            calls
        } else {
            let fname = self.name_parts(name).pop().unwrap_or_default();
            vec![(fname, call_expr(name, args))]
        };
        let first = calls.first().map(|c| c.0.clone()).ok_or(Unsupported)?;
        let wanted = alias.map(|a| self.ident(&a.name)).unwrap_or(first);
        let refname = self.next_name(&wanted);
        let nodes: Vec<Node> = calls.iter().map(|(_, e)| self.expr(e)).collect();
        let lateral = lateral || nodes.iter().any(Node::contains_vars);
        let cols = if let [node] = nodes.as_slice() {
            self.function_columns(node, &calls[0].0, &wanted, ordinality, alias)
        } else {
            self.rows_from_columns(&nodes, &calls, ordinality, alias)
        };
        let cols = match cols {
            Ok(c) => c,
            Err(Unsupported) => {
                // Columns unknown (a function returning a type not in the catalog): references
                // to them are left untyped, the rest of the query is still analysed.
                self.unmodelled.set(true);
                self.push_rte(Rte {
                    known: false,
                    ..Rte::new(&refname, &wanted, Vec::new())
                });
                return Ok(FromItem::Function {
                    calls: nodes,
                    refname,
                    lateral,
                    ordinality,
                    col_aliases: Vec::new(),
                });
            }
        };
        self.push_rte(Rte {
            scalar: cols.scalar,
            rowtype: cols.rowtype,
            ..Rte::new(&refname, &wanted, cols.columns)
        });
        Ok(FromItem::Function {
            calls: nodes,
            refname,
            lateral,
            ordinality,
            col_aliases: cols.col_aliases,
        })
    }

    /// The columns of `ROWS FROM (…)` with several calls: each call's columns in turn (a
    /// scalar one named after its function), then `ordinality`; renamed by the alias's list.
    fn rows_from_columns(
        &self,
        nodes: &[Node],
        calls: &[(String, Expr)],
        ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Result<FunctionColumns, Unsupported> {
        if alias.is_some_and(|a| a.columns.iter().any(|c| c.data_type.is_some())) {
            return Err(Unsupported);
        }
        let mut columns = Vec::new();
        for (node, (fname, _)) in nodes.iter().zip(calls) {
            columns.extend(
                self.function_columns(node, fname, fname, false, None)?
                    .columns,
            );
        }
        if ordinality {
            columns.push(("ordinality".into(), Ty::b("int8"), Vec::new()));
        }
        if let Some(a) = alias {
            self.apply_aliases(&mut columns, a)?;
        }
        let col_aliases = columns.iter().map(|c| quote_ident(&c.0)).collect();
        Ok(FunctionColumns {
            columns,
            scalar: false,
            rowtype: None,
            col_aliases,
        })
    }

    /// The columns a user function declares (`RETURNS TABLE`, OUT parameters), for a call.
    pub(in crate::pg::deparse) fn declared_columns(
        &self,
        f: &crate::pg::deparse::node::FuncCall,
    ) -> Option<Vec<OutColumn>> {
        self.ctx
            .sigs_named(&f.func.schema, &f.func.name)
            .into_iter()
            .find(|s| {
                s.args.len() == f.func.args.len()
                    && s.args
                        .iter()
                        .zip(&f.func.args)
                        .all(|(a, b)| Ty::from_sql(a) == *b)
            })
            .map(|s| {
                s.out_columns
                    .iter()
                    .map(|(n, t)| (n.clone(), Ty::from_sql(t), t.modifiers.clone()))
                    .collect::<Vec<OutColumn>>()
            })
            .filter(|c| !c.is_empty())
    }

    /// The fields of a row value: the attributes of its composite type, or the OUT
    /// parameters of the function returning it (`RETURNS record`).
    pub(in crate::pg::deparse) fn node_row_columns(&self, node: &Node) -> Option<Vec<OutColumn>> {
        if let Node::Func(f) = node {
            if !f.func.opaque && f.ty.is("record") {
                return self.declared_columns(f);
            }
        }
        self.ctx.row_columns(&node.ty())
    }

    /// The columns of a function in FROM (`addRangeTableEntryForFunction`): its column
    /// definition list, its OUT parameters, the attributes of the composite type it returns, or
    /// its single scalar result (named after the alias, else the function).
    pub(super) fn function_columns(
        &self,
        node: &Node,
        fname: &str,
        wanted: &str,
        ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Result<FunctionColumns, Unsupported> {
        let Node::Func(f) = &node else {
            return Err(Unsupported);
        };
        if f.func.opaque {
            return Err(Unsupported);
        }
        let coldefs = alias.is_some_and(|a| a.columns.iter().any(|c| c.data_type.is_some()));
        let mut scalar = false;
        let mut rowtype = None;
        let mut columns: Vec<OutColumn> = Vec::new();
        let mut col_aliases = Vec::new();
        if coldefs {
            let a = alias.ok_or(Unsupported)?;
            for c in &a.columns {
                let dt = c.data_type.as_ref().ok_or(Unsupported)?;
                let t = resolve_type(dt, self.ctx.catalog, self.ctx.search_path)
                    .map_err(|_| Unsupported)?;
                let name = self.ident(&c.name);
                col_aliases.push(format!(
                    "{} {}",
                    quote_ident(&name),
                    crate::pg::deparse::print::Printer::new(self.ctx, false)
                        .format_type(&Ty::from_sql(&t), &t.modifiers)
                ));
                columns.push((name, Ty::from_sql(&t), t.modifiers.clone()));
            }
        } else {
            let declared = self.declared_columns(f);
            // A function returning a composite type (`RETURNS [SETOF] t` for a table, a view
            // or a `CREATE TYPE … AS (…)` type): its attributes (`TYPEFUNC_COMPOSITE`).
            let composite = || {
                let cols = self.ctx.row_columns(&f.ty)?;
                (!cols.is_empty()).then_some(cols)
            };
            columns = match declared.clone().or_else(|| out_columns(fname, &f.ty)) {
                Some(cols) => cols,
                None if composite().is_some() => {
                    rowtype = (!ordinality).then(|| f.ty.clone());
                    composite().unwrap_or_default()
                }
                None => {
                    let ty = f.ty.clone();
                    let known_scalar = !ty.is_opaque()
                        && !ty.is("record")
                        && !matches!(
                            self.ctx.type_info(&ty).kind,
                            crate::pg::deparse::typesys::TyKind::Composite
                        );
                    if !known_scalar {
                        return Err(Unsupported);
                    }
                    scalar = true;
                    vec![(wanted.to_string(), ty, Vec::new())]
                }
            };
            if columns.len() == 1 && (declared.is_some() || out_columns(fname, &f.ty).is_some()) {
                scalar = true;
            }
            if ordinality {
                columns.push(("ordinality".into(), Ty::b("int8"), Vec::new()));
                scalar = false;
            }
            if let Some(a) = alias {
                self.apply_aliases(&mut columns, a)?;
            }
            // A function's column list is always printed.
            col_aliases = columns.iter().map(|c| quote_ident(&c.0)).collect();
        }
        Ok(FunctionColumns {
            columns,
            scalar,
            rowtype,
            col_aliases,
        })
    }
}

/// Whether a FROM item's name is the one `ROWS FROM (…)` is read as.
pub(super) fn is_rows_from(name: &ObjectName) -> bool {
    matches!(name.0.as_slice(), [p] if p.as_ident().is_some_and(|i| i.quote_style.is_none() && i.value == ROWS_FROM))
}

/// The call `name(args)` as an expression.
fn call_expr(name: &ObjectName, args: &[FunctionArg]) -> Expr {
    Expr::Function(Function {
        name: name.clone(),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args.to_vec(),
            clauses: Vec::new(),
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: Vec::new(),
    })
}

/// What a function in FROM gives its range-table entry.
pub(super) struct FunctionColumns {
    /// Its columns (after the alias's column names, with `ordinality`).
    columns: Vec<OutColumn>,
    /// Whether it returns a scalar: its whole row is its single column.
    scalar: bool,
    /// The composite type it returns (the type of its whole row; `record` otherwise).
    rowtype: Option<Ty>,
    /// The column list to print after its alias.
    col_aliases: Vec<String>,
}

/// The output columns of built-in set-returning functions with OUT parameters.
pub(super) fn out_columns(name: &str, ret: &Ty) -> Option<Vec<OutColumn>> {
    let col = |n: &str, t: &str| (n.to_string(), Ty::b(t), Vec::new());
    Some(match name {
        "jsonb_each" => vec![col("key", "text"), col("value", "jsonb")],
        "json_each" => vec![col("key", "text"), col("value", "json")],
        "jsonb_each_text" | "json_each_text" => vec![col("key", "text"), col("value", "text")],
        "jsonb_array_elements"
        | "json_array_elements"
        | "jsonb_array_elements_text"
        | "json_array_elements_text" => vec![("value".into(), ret.clone(), Vec::new())],
        _ => return None,
    })
}
