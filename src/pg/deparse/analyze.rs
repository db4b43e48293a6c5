//! Parse analysis (`transformExpr`): sqlparser's [`Expr`] → [`Node`], with names resolved,
//! types inferred and coercions inserted as Postgres inserts them.

mod columns;
mod constructs;
mod operands;

pub(crate) use operands::number_const;
use operands::quote_always;

use sqlparser::ast::{CastKind, Expr, Ident, ObjectName};

use crate::catalog::SqlType;

use super::node::{BoolOp, Node};
use super::typesys::{CoercionContext, Ty};
use super::ExprContext;

/// A range-table entry visible to column references.
#[derive(Debug, Clone)]
pub(crate) struct Rte {
    /// Name printed for it (alias, or relation name made unique).
    pub refname: String,
    /// Name column references use to qualify (alias if given, else the relation name).
    pub lookup: String,
    /// Columns: name, type, modifiers.
    pub columns: Vec<(String, Ty, Vec<i64>)>,
    /// Whether the columns are known (a relation missing from the catalog accepts any name).
    pub known: bool,
    /// For the merged columns of a `JOIN … USING` (an entry that is not a FROM item of its
    /// own): the range-table name each column's reference prints with (empty: unqualified).
    pub rels: Option<Vec<String>>,
    /// A function returning a scalar: its whole row is its single column.
    pub scalar: bool,
    /// The row type of a table or view (its whole-row reference has this type, not `record`).
    pub rowtype: Option<Ty>,
}

impl Rte {
    /// An entry for a FROM item.
    pub fn new(refname: &str, lookup: &str, columns: Vec<(String, Ty, Vec<i64>)>) -> Self {
        Rte {
            refname: refname.to_string(),
            lookup: lookup.to_string(),
            columns,
            known: true,
            rels: None,
            scalar: false,
            rowtype: None,
        }
    }

    /// The reference to column `i`.
    pub fn var(&self, i: usize) -> Option<Node> {
        let (name, ty, typmod) = self.columns.get(i)?;
        let rel = match &self.rels {
            Some(r) => r.get(i).cloned().unwrap_or_default(),
            None => self.refname.clone(),
        };
        Some(Node::Var {
            name: name.clone(),
            rel,
            ty: ty.clone(),
            typmod: typmod.clone(),
        })
    }
}

/// A `WITH` query visible to FROM items: its name and output columns.
#[derive(Debug, Clone)]
pub(crate) struct CteInfo {
    /// Name.
    pub name: String,
    /// Columns: name, type, modifiers.
    pub columns: Vec<(String, Ty, Vec<i64>)>,
    /// Their collations, when not the default.
    pub collations: Vec<Option<String>>,
}

/// Transforms expressions of one statement.
pub(crate) struct Analyzer<'a, 'c> {
    /// Names, catalog, paths.
    pub ctx: &'a ExprContext<'c>,
    /// Range-table scopes, innermost last.
    pub scopes: Vec<Vec<Rte>>,
    /// Every range-table name assigned so far (sub-select names are made unique).
    pub used_names: Vec<String>,
    /// `WITH` queries visible, per query level, innermost last.
    pub ctes: Vec<Vec<CteInfo>>,
    /// Range-table names chosen ahead for the FROM items of the query level being analysed,
    /// in FROM order (`set_rtable_names` names a level's entries before any sub-select's).
    pub pending_names: std::collections::VecDeque<String>,
    /// Set when something was not modelled and was kept as written: the printed text is then
    /// only a guess.
    pub unmodelled: std::cell::Cell<bool>,
    /// Collations of FROM item columns that are not the default, by (range-table name,
    /// column).
    pub collations: super::collation::ColumnCollations,
}

impl<'a, 'c> Analyzer<'a, 'c> {
    /// An analyzer whose outer scope is the context's table.
    pub fn new(ctx: &'a ExprContext<'c>) -> Self {
        let name = ctx.table.map(|t| t.1.to_string()).unwrap_or_default();
        let rte = Rte {
            rowtype: ctx.table.map(|(schema, table)| Ty {
                schema: schema.to_string(),
                name: table.to_string(),
                array: false,
            }),
            ..Rte::new(
                &name,
                &name,
                ctx.columns
                    .iter()
                    .map(|c| (c.name.clone(), Ty::from_sql(&c.ty), c.ty.modifiers.clone()))
                    .collect(),
            )
        };
        Analyzer {
            ctx,
            scopes: vec![vec![rte]],
            used_names: vec![name],
            ctes: Vec::new(),
            pending_names: Default::default(),
            unmodelled: Default::default(),
            collations: Default::default(),
        }
    }

    /// An expression coerced to a column type for storage (`cookDefault`).
    pub fn assignment(&mut self, e: &Expr, target: &SqlType) -> Node {
        let node = self.expr(e);
        let ty = Ty::from_sql(target);
        self.coerce_to_target(
            node,
            &ty,
            &target.modifiers,
            CoercionContext::Assignment,
            false,
        )
    }

    /// A boolean expression (`coerce_to_boolean`).
    pub fn boolean(&mut self, e: &Expr) -> Node {
        let node = self.expr(e);
        self.coerce_to_bool(node)
    }

    /// `coerce_to_boolean`.
    pub fn coerce_to_bool(&mut self, node: Node) -> Node {
        let bool_ty = Ty::b("bool");
        if node.ty() == bool_ty || node.ty().is_opaque() {
            return node;
        }
        self.coerce_to_target(node, &bool_ty, &[], CoercionContext::Assignment, false)
    }

    /// The text of an identifier as Postgres folds it.
    pub fn ident(&self, id: &Ident) -> String {
        match id.quote_style {
            Some(_) if self.ctx.raw_strings => id.value.replace("\"\"", "\""),
            Some(_) => id.value.clone(),
            None => id.value.to_lowercase(),
        }
    }

    /// The folded parts of an object name.
    pub fn name_parts(&self, name: &ObjectName) -> Vec<String> {
        name.0
            .iter()
            .map(|p| match p.as_ident() {
                Some(id) => self.ident(id),
                None => p.to_string(),
            })
            .collect()
    }

    /// A string literal's value. sqlparser always processes the escapes of `E'…'` strings;
    /// plain strings keep their doubled quotes when tokenized without unescaping.
    fn string_value(&self, s: &str, escaped: bool) -> String {
        if self.ctx.raw_strings && !escaped {
            s.replace("''", "'")
        } else {
            s.to_string()
        }
    }

    /// `transformExpr`.
    pub fn expr(&mut self, e: &Expr) -> Node {
        match e {
            Expr::Nested(inner) => self.expr(inner),
            Expr::Value(v) => self.value(&v.value, false),
            Expr::Identifier(id) => {
                let name = self.ident(id);
                self.column_ref(&[name], e)
            }
            Expr::CompoundIdentifier(ids) => {
                let parts: Vec<String> = ids.iter().map(|i| self.ident(i)).collect();
                self.column_ref(&parts, e)
            }
            Expr::UnaryOp { op, expr } => self.unary(*op, expr, e),
            Expr::BinaryOp {
                op: sqlparser::ast::BinaryOperator::Overlaps,
                ..
            } => self.call_like(e),
            Expr::BinaryOp { left, op, right } => self.binary(left, op, right),
            Expr::Cast {
                kind,
                expr,
                data_type,
                ..
            } => {
                if matches!(kind, CastKind::TryCast | CastKind::SafeCast) {
                    return self.raw(e);
                }
                self.type_cast(expr, data_type)
            }
            Expr::TypedString(ts) => {
                let lit = self.value(&ts.value.value, false);
                self.cast_node(lit, &ts.data_type)
            }
            Expr::Interval(iv) => {
                let lit = self.expr(&iv.value);
                let ty = Ty::b("interval");
                self.coerce_to_target(lit, &ty, &[], CoercionContext::Explicit, true)
            }
            Expr::IsNull(x) | Expr::IsNotNull(x) => {
                let arg = self.expr(x);
                Node::NullTest {
                    arg: Box::new(arg),
                    not: matches!(e, Expr::IsNotNull(_)),
                }
            }
            Expr::IsTrue(x)
            | Expr::IsNotTrue(x)
            | Expr::IsFalse(x)
            | Expr::IsNotFalse(x)
            | Expr::IsUnknown(x)
            | Expr::IsNotUnknown(x) => {
                let test = match e {
                    Expr::IsTrue(_) => " IS TRUE",
                    Expr::IsNotTrue(_) => " IS NOT TRUE",
                    Expr::IsFalse(_) => " IS FALSE",
                    Expr::IsNotFalse(_) => " IS NOT FALSE",
                    Expr::IsUnknown(_) => " IS UNKNOWN",
                    _ => " IS NOT UNKNOWN",
                };
                let arg = self.boolean(x);
                Node::BoolTest {
                    arg: Box::new(arg),
                    test,
                }
            }
            Expr::IsDistinctFrom(a, b) => self.distinct(a, b),
            Expr::IsNotDistinctFrom(a, b) => {
                let d = self.distinct(a, b);
                Node::Bool {
                    op: BoolOp::Not,
                    args: vec![d],
                }
            }
            Expr::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let (op1, op2, bop) = if *negated {
                    ("<", ">", BoolOp::Or)
                } else {
                    (">=", "<=", BoolOp::And)
                };
                let x1 = self.expr(expr);
                let x2 = self.expr(expr);
                let lo = self.expr(low);
                let hi = self.expr(high);
                let a = self.make_op(None, op1, Some(x1), lo);
                let b = self.make_op(None, op2, Some(x2), hi);
                Node::Bool {
                    op: bop,
                    args: vec![a, b],
                }
            }
            Expr::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(operand.as_deref(), conditions, else_result.as_deref()),
            Expr::Array(arr) => self.array(&arr.elem, None),
            Expr::Collate { expr, collation } => {
                let arg = self.expr(expr);
                let parts = self.name_parts(collation);
                let coll = match parts.as_slice() {
                    [s, n] if s != "pg_catalog" => {
                        format!("{}.{}", crate::catalog::quote_ident(s), quote_always(n))
                    }
                    _ => quote_always(parts.last().map(String::as_str).unwrap_or("")),
                };
                Node::Collate {
                    arg: Box::new(arg),
                    collation: coll,
                }
            }
            Expr::Tuple(items) => {
                let args = items.iter().map(|x| self.expr(x)).collect();
                Node::Row { args }
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                self.field_access(root, access_chain, e)
            }
            _ => self.call_like(e),
        }
    }

    /// What sqlparser prints, as a last resort.
    pub fn raw(&self, e: &Expr) -> Node {
        self.unmodelled.set(true);
        Node::Raw {
            text: e.to_string(),
            ty: Ty::opaque(),
        }
    }
}
