//! `INSERT`, `UPDATE` and `DELETE` while the transaction has added enum labels (`ALTER TYPE …
//! ADD VALUE`): PostgreSQL 15 refuses a constant read as one of them ("unsafe use of new
//! value", 55P04) until the transaction commits. DML is otherwise passed over; here its
//! constants are coerced as PostgreSQL coerces them (`VALUES` and `SET` to their target
//! columns, `WHERE` as a condition over the table), so that the watch of the statement (see
//! [`crate::pg::deparse::watch_new_enum_values`]) sees a new label read.

use sqlparser::ast::{
    AssignmentTarget, Expr, FromTable, SetExpr, Statement, TableFactor, TableObject,
};

use super::{name_parts, Replayer, Stmt};
use crate::pg::deparse::{deparse_bool, stored_default};
use crate::sql::parse::{parse_statement, Parsed, RECURSION_LIMIT};

impl Replayer {
    /// Coerces the constants of a DML statement (see the module). Nothing else is done with
    /// it, and what cannot be read is left alone.
    pub(crate) fn coerce_dml_constants(&self, stmt: Stmt<'_>) {
        if self.new_enum_values.is_empty()
            || !matches!(
                stmt.words(1).first().map(String::as_str),
                Some("insert" | "update" | "delete")
            )
        {
            return;
        }
        let Ok(Parsed::Sql(parsed, _)) = parse_statement(stmt.tokens(), RECURSION_LIMIT) else {
            return;
        };
        match *parsed {
            Statement::Insert(i) => {
                let TableObject::TableName(name) = &i.table else {
                    return;
                };
                let Some(SetExpr::Values(values)) = i.source.as_ref().map(|q| q.body.as_ref())
                else {
                    return;
                };
                let names: Vec<String> = i
                    .columns
                    .iter()
                    .filter_map(|c| name_parts(c).pop())
                    .collect();
                self.coerce_in(name, |ctx, columns| {
                    for row in &values.rows {
                        for (k, e) in row.iter().enumerate() {
                            let column = if names.is_empty() {
                                columns.get(k)
                            } else {
                                names
                                    .get(k)
                                    .and_then(|n| columns.iter().find(|c| &c.name == n))
                            };
                            if let Some(c) = column {
                                let _ = stored_default(e, &c.ty, ctx);
                            }
                        }
                    }
                });
            }
            Statement::Update(u) => {
                let TableFactor::Table {
                    name, alias: None, ..
                } = &u.table.relation
                else {
                    return;
                };
                let assignments: Vec<(String, &Expr)> = u
                    .assignments
                    .iter()
                    .filter_map(|a| match &a.target {
                        AssignmentTarget::ColumnName(c) => Some((name_parts(c).pop()?, &a.value)),
                        AssignmentTarget::Tuple(_) => None,
                    })
                    .collect();
                let selection = u.selection.as_ref().filter(|_| u.from.is_none());
                self.coerce_in(name, |ctx, columns| {
                    for (n, e) in &assignments {
                        if let Some(c) = columns.iter().find(|c| &c.name == n) {
                            let _ = stored_default(e, &c.ty, ctx);
                        }
                    }
                    if let Some(w) = selection {
                        let _ = deparse_bool(w, ctx);
                    }
                });
            }
            Statement::Delete(d) => {
                let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &d.from;
                let [from] = from.as_slice() else {
                    return;
                };
                let TableFactor::Table {
                    name, alias: None, ..
                } = &from.relation
                else {
                    return;
                };
                if d.using.is_some() || !from.joins.is_empty() {
                    return;
                }
                if let Some(w) = &d.selection {
                    self.coerce_in(name, |ctx, _| {
                        let _ = deparse_bool(w, ctx);
                    });
                }
            }
            _ => {}
        }
    }

    /// Runs `f` with an expression context over the columns of table `name`, when the
    /// catalog has it.
    fn coerce_in(
        &self,
        name: &sqlparser::ast::ObjectName,
        f: impl FnOnce(&crate::pg::deparse::ExprContext<'_>, &[crate::catalog::Column]),
    ) {
        let Ok((schema, table)) = self.resolve_table(name) else {
            return;
        };
        let columns = &self.catalog.schemas[&schema].tables[&table].columns;
        let ctx = self.table_ctx(&schema, &table, columns);
        f(&ctx, columns);
    }
}
