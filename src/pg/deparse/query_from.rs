//! FROM items (`transformFromClause`): tables and views, joins, sub-selects, `WITH` query
//! references and set-returning functions; their range-table names (`set_rtable_names`) and
//! the columns `*` expands to.

use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgumentList, FunctionArguments, JoinConstraint,
    JoinOperator, ObjectName, TableAlias, TableFactor, TableWithJoins,
};

use super::analyze::{Analyzer, Rte};
use super::node::Node;
use super::query::{FromItem, OutColumn, Unsupported};
use super::typesys::Ty;
use crate::catalog::quote_ident;
use crate::pg::types::resolve_type;

impl Analyzer<'_, '_> {
    /// Chooses the range-table names of a query level's FROM items, in FROM order, unique
    /// against every name of the enclosing levels and the earlier items (`set_rtable_names`:
    /// `t`, then `t_1`…), and reserves them. Views also hold the entries `old` and `new`.
    pub fn assign_names(&mut self, from: &[TableWithJoins]) -> Vec<String> {
        let mut wanted = Vec::new();
        for twj in from {
            self.wanted_names(&twj.relation, &mut wanted);
            for j in &twj.joins {
                self.wanted_names(&j.relation, &mut wanted);
            }
        }
        wanted.iter().map(|w| self.unique_name(w)).collect()
    }

    fn wanted_names(&self, tf: &TableFactor, out: &mut Vec<String>) {
        let alias = |a: &Option<TableAlias>| a.as_ref().map(|a| self.ident(&a.name));
        let last = |n: &ObjectName| self.name_parts(n).pop().unwrap_or_default();
        match tf {
            TableFactor::Table { name, alias: a, .. }
            | TableFactor::Function { name, alias: a, .. } => {
                out.push(alias(a).unwrap_or_else(|| last(name)))
            }
            TableFactor::UNNEST { alias: a, .. } => {
                out.push(alias(a).unwrap_or_else(|| "unnest".into()))
            }
            TableFactor::Derived { alias: a, .. } => {
                out.push(alias(a).unwrap_or_else(|| "unnamed_subquery".into()))
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias: a,
            } => {
                self.wanted_names(&table_with_joins.relation, out);
                for j in &table_with_joins.joins {
                    self.wanted_names(&j.relation, out);
                }
                if let Some(a) = alias(a) {
                    out.push(a);
                }
            }
            _ => out.push("?".into()),
        }
    }

    /// The next name [`Self::assign_names`] chose (or a fresh one).
    fn next_name(&mut self, wanted: &str) -> String {
        match self.pending_names.pop_front() {
            Some(n) => n,
            None => self.unique_name(wanted),
        }
    }

    /// `set_rtable_names`: a name not used by any enclosing or earlier range-table entry.
    pub fn unique_name(&mut self, wanted: &str) -> String {
        if !self.used_names.iter().any(|n| n == wanted) {
            self.used_names.push(wanted.to_string());
            return wanted.to_string();
        }
        let mut i = 1;
        loop {
            let candidate = format!("{wanted}_{i}");
            if !self.used_names.contains(&candidate) {
                self.used_names.push(candidate.clone());
                return candidate;
            }
            i += 1;
        }
    }

    /// A FROM list entry with its joins.
    pub fn range_item(&mut self, twj: &TableWithJoins) -> Result<FromItem, Unsupported> {
        let mut item = self.table_factor(&twj.relation)?;
        for j in &twj.joins {
            let right = self.table_factor(&j.relation)?;
            let (kind, constraint) = match &j.join_operator {
                JoinOperator::Join(c) | JoinOperator::Inner(c) => (" JOIN ", Some(c)),
                JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (" LEFT JOIN ", Some(c)),
                JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (" RIGHT JOIN ", Some(c)),
                JoinOperator::FullOuter(c) => (" FULL JOIN ", Some(c)),
                JoinOperator::CrossJoin(_) => (" CROSS JOIN ", None),
                _ => return Err(Unsupported),
            };
            let mut on = None;
            let mut using = Vec::new();
            match constraint {
                Some(JoinConstraint::On(e)) => on = Some(Box::new(self.boolean(e))),
                Some(JoinConstraint::Using(cols)) => {
                    for c in cols {
                        using.push(self.name_parts(c).pop().unwrap_or_default());
                    }
                }
                Some(JoinConstraint::Natural) => {
                    let l = self.item_columns(&item)?;
                    let r = self.item_columns(&right)?;
                    for (name, _) in &l {
                        if r.iter().any(|(n, _)| n == name) && !using.contains(name) {
                            using.push(name.clone());
                        }
                    }
                }
                Some(JoinConstraint::None) | None => {}
                Some(JoinConstraint::UsingAlias(..)) => return Err(Unsupported),
            }
            let kind = if kind == " JOIN " && on.is_none() && using.is_empty() {
                " CROSS JOIN "
            } else {
                kind
            };
            item = FromItem::Join {
                kind,
                left: Box::new(item),
                right: Box::new(right),
                on,
                using,
            };
            if let FromItem::Join { using, .. } = &item {
                if !using.is_empty() {
                    // Unqualified references to a merged column find the join's column.
                    let merged = self.merged_columns(&item)?;
                    let rte = Rte {
                        rels: Some(
                            merged
                                .iter()
                                .map(|(_, n)| match n {
                                    Node::Var { rel, .. } => rel.clone(),
                                    _ => String::new(),
                                })
                                .collect(),
                        ),
                        ..Rte::new(
                            "",
                            "",
                            merged
                                .iter()
                                .map(|(name, n)| (name.clone(), n.ty(), n.expr_typmod()))
                                .collect(),
                        )
                    };
                    let _ = using;
                    if let Some(scope) = self.scopes.last_mut() {
                        scope.insert(0, rte);
                    }
                }
            }
        }
        Ok(item)
    }

    /// The columns a FROM item shows to `*`, with the reference each one is.
    pub fn item_columns(&self, item: &FromItem) -> Result<Vec<(String, Node)>, Unsupported> {
        match item {
            FromItem::Join {
                left, right, using, ..
            } => {
                let mut out = self.merged_columns(item)?;
                let l = self.item_columns(left)?;
                let r = self.item_columns(right)?;
                for (name, n) in l.into_iter().chain(r) {
                    if !using.contains(&name) {
                        out.push((name, n));
                    }
                }
                Ok(out)
            }
            FromItem::Rel { refname, .. }
            | FromItem::Subquery { refname, .. }
            | FromItem::Function { refname, .. }
            | FromItem::Cte { refname, .. } => {
                let rte = self
                    .scopes
                    .last()
                    .and_then(|s| s.iter().find(|r| r.refname == *refname && r.rels.is_none()))
                    .ok_or(Unsupported)?;
                if !rte.known {
                    return Err(Unsupported);
                }
                (0..rte.columns.len())
                    .map(|i| {
                        let n = rte.var(i).ok_or(Unsupported)?;
                        Ok((rte.columns[i].0.clone(), n))
                    })
                    .collect()
            }
        }
    }

    /// The merged columns of a `JOIN … USING`: the left input's column (the right one's for a
    /// RIGHT JOIN; an unqualified reference for a FULL JOIN, which merges both).
    fn merged_columns(&self, item: &FromItem) -> Result<Vec<(String, Node)>, Unsupported> {
        let FromItem::Join {
            kind,
            left,
            right,
            using,
            ..
        } = item
        else {
            return Ok(Vec::new());
        };
        if using.is_empty() {
            return Ok(Vec::new());
        }
        let l = self.item_columns(left)?;
        let r = self.item_columns(right)?;
        let mut out = Vec::new();
        for u in using {
            let ln = l.iter().find(|(n, _)| n == u).map(|c| c.1.clone());
            let rn = r.iter().find(|(n, _)| n == u).map(|c| c.1.clone());
            let (Some(ln), Some(rn)) = (ln, rn) else {
                return Err(Unsupported);
            };
            if ln.ty() != rn.ty() {
                return Err(Unsupported);
            }
            let n = match *kind {
                " RIGHT JOIN " => rn,
                " FULL JOIN " => Node::Var {
                    name: u.clone(),
                    rel: String::new(),
                    ty: ln.ty(),
                    typmod: if ln.expr_typmod() == rn.expr_typmod() {
                        ln.expr_typmod()
                    } else {
                        Vec::new()
                    },
                },
                _ => ln,
            };
            out.push((u.clone(), n));
        }
        Ok(out)
    }

    /// One FROM item (without its joins).
    fn table_factor(&mut self, tf: &TableFactor) -> Result<FromItem, Unsupported> {
        match tf {
            TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => self.range_item(table_with_joins),
            TableFactor::Table {
                name,
                alias,
                args: None,
                with_hints,
                version: None,
                with_ordinality: false,
                partitions,
                json_path: None,
                sample: None,
                index_directives,
                inheritance: None,
            } if with_hints.is_empty() && partitions.is_empty() && index_directives.is_empty() => {
                self.relation(name, alias.as_ref())
            }
            TableFactor::Table {
                name,
                alias,
                args: Some(args),
                with_ordinality,
                ..
            } if args.settings.is_none() => {
                self.function_item(name, &args.args, false, *with_ordinality, alias.as_ref())
            }
            TableFactor::Function {
                lateral,
                name,
                args,
                with_ordinality,
                alias,
            } => self.function_item(name, args, *lateral, *with_ordinality, alias.as_ref()),
            TableFactor::UNNEST {
                alias,
                array_exprs,
                with_offset: false,
                with_offset_alias: None,
                with_ordinality,
            } if array_exprs.len() == 1 => {
                let name = ObjectName::from(vec![sqlparser::ast::Ident::new("unnest")]);
                let args = vec![FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(
                    array_exprs[0].clone(),
                ))];
                self.function_item(&name, &args, false, *with_ordinality, alias.as_ref())
            }
            TableFactor::Derived {
                lateral,
                subquery,
                alias: Some(alias),
                sample: None,
            } => {
                let wanted = self.ident(&alias.name);
                let refname = self.next_name(&wanted);
                let saved = self.used_names.len();
                let query = self.query(subquery);
                self.used_names.truncate(saved);
                let query = query?;
                let mut columns = query.output();
                let col_aliases = self.apply_aliases(&mut columns, alias)?;
                let lookup = self.ident(&alias.name);
                let collations: Vec<(String, Option<String>)> = (0..columns.len())
                    .map(|i| (columns[i].0.clone(), self.output_collation(&query, i)))
                    .collect();
                self.remember_collations(&refname, &collations);
                self.push_rte(Rte::new(&refname, &lookup, columns));
                Ok(FromItem::Subquery {
                    query: Box::new(query),
                    refname,
                    lateral: *lateral,
                    col_aliases,
                })
            }
            _ => Err(Unsupported),
        }
    }

    fn push_rte(&mut self, rte: Rte) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(rte);
        }
    }

    /// Renames columns by an alias's column list; the names to print after the alias (all
    /// columns) when the list is given.
    fn apply_aliases(
        &self,
        columns: &mut [OutColumn],
        alias: &TableAlias,
    ) -> Result<Vec<String>, Unsupported> {
        if alias.columns.len() > columns.len() {
            return Err(Unsupported);
        }
        if alias.columns.iter().any(|c| c.data_type.is_some()) {
            return Err(Unsupported);
        }
        for (c, a) in columns.iter_mut().zip(&alias.columns) {
            c.0 = self.ident(&a.name);
        }
        Ok(if alias.columns.is_empty() {
            Vec::new()
        } else {
            columns.iter().map(|c| quote_ident(&c.0)).collect()
        })
    }

    /// A table, view or `WITH` query reference.
    fn relation(
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
    /// `jsonb_to_recordset(j) AS r(a int, b text)`.
    fn function_item(
        &mut self,
        name: &ObjectName,
        args: &[FunctionArg],
        lateral: bool,
        ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Result<FromItem, Unsupported> {
        let fname = self.name_parts(name).pop().unwrap_or_default();
        let wanted = alias.map(|a| self.ident(&a.name)).unwrap_or(fname.clone());
        let refname = self.next_name(&wanted);
        let call = Expr::Function(Function {
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
        });
        let node = self.expr(&call);
        let (columns, scalar, col_aliases) =
            match self.function_columns(&node, &fname, &wanted, ordinality, alias) {
                Ok(c) => c,
                Err(Unsupported) => {
                    // Columns unknown (a function returning a row type): references to them
                    // are left untyped, the rest of the query is still analysed.
                    self.unmodelled.set(true);
                    let lateral = lateral || node.contains_vars();
                    self.push_rte(Rte {
                        known: false,
                        ..Rte::new(&refname, &wanted, Vec::new())
                    });
                    return Ok(FromItem::Function {
                        call: Box::new(node),
                        refname,
                        lateral,
                        ordinality,
                        col_aliases: Vec::new(),
                    });
                }
            };
        let lateral = lateral || node.contains_vars();
        self.push_rte(Rte {
            scalar,
            ..Rte::new(&refname, &wanted, columns)
        });
        Ok(FromItem::Function {
            call: Box::new(node),
            refname,
            lateral,
            ordinality,
            col_aliases,
        })
    }

    /// The columns of a function in FROM: its column definition list, its OUT parameters, or
    /// its single scalar result (named after the alias, else the function); whether it is
    /// scalar; the column list to print.
    fn function_columns(
        &self,
        node: &Node,
        fname: &str,
        wanted: &str,
        ordinality: bool,
        alias: Option<&TableAlias>,
    ) -> Result<(Vec<OutColumn>, bool, Vec<String>), Unsupported> {
        let Node::Func(f) = &node else {
            return Err(Unsupported);
        };
        if f.func.opaque {
            return Err(Unsupported);
        }
        let coldefs = alias.is_some_and(|a| a.columns.iter().any(|c| c.data_type.is_some()));
        let mut scalar = false;
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
                    super::print::Printer::new(self.ctx, false)
                        .format_type(&Ty::from_sql(&t), &t.modifiers)
                ));
                columns.push((name, Ty::from_sql(&t), t.modifiers.clone()));
            }
        } else {
            // The columns a user function declares (`RETURNS TABLE`, OUT parameters).
            let declared = self
                .ctx
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
                .filter(|c| !c.is_empty());
            columns = match declared.clone().or_else(|| out_columns(fname, &f.ty)) {
                Some(cols) => cols,
                None => {
                    let ty = f.ty.clone();
                    let known_scalar = !ty.is_opaque()
                        && !ty.is("record")
                        && !matches!(
                            self.ctx.type_info(&ty).kind,
                            super::typesys::TyKind::Composite
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
        Ok((columns, scalar, col_aliases))
    }
}

/// The output columns of built-in set-returning functions with OUT parameters.
fn out_columns(name: &str, ret: &Ty) -> Option<Vec<OutColumn>> {
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
