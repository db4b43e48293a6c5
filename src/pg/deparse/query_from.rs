//! FROM items (`transformFromClause`): tables and views, joins, sub-selects, `WITH` query
//! references and set-returning functions; their range-table names (`set_rtable_names`) and
//! the columns `*` expands to.

mod relations;

use sqlparser::ast::{
    FunctionArg, JoinConstraint, JoinOperator, ObjectName, TableAlias, TableFactor, TableWithJoins,
};

use super::analyze::{Analyzer, Rte};
use super::node::Node;
use super::query::{FromItem, OutColumn, Unsupported};
use crate::catalog::quote_ident;

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
            // `ROWS FROM (f(…), …)` is named after its first function.
            TableFactor::Table {
                name,
                alias: a,
                args: Some(sqlparser::ast::TableFunctionArgs { args, .. }),
                ..
            }
            | TableFactor::Function {
                name,
                alias: a,
                args,
                ..
            } if relations::is_rows_from(name) => {
                let first = args.first().and_then(|arg| match arg {
                    FunctionArg::Unnamed(sqlparser::ast::FunctionArgExpr::Expr(
                        sqlparser::ast::Expr::Function(f),
                    )) => Some(last(&f.name)),
                    _ => None,
                });
                out.push(alias(a).or(first).unwrap_or_else(|| "?".into()))
            }
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
}
