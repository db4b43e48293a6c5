//! `CREATE`/`ALTER INDEX`, and the column names PostgreSQL gives index keys.

use sqlparser::ast::{AlterIndexOperation, CreateIndex, Expr, IndexType, ObjectName};

use crate::catalog::{choose_relation_name, name_addition, Index, IndexKey, IndexTarget};
use crate::pg::deparse::{deparse_bool, deparse_index_key};
use crate::sql::replay::table::index_column_name;
use crate::sql::replay::{
    fold, name_parts, split_name, undefined_relation, Outcome, ReplayError, Replayer, SqlState, R,
};

impl Replayer {
    /// `CREATE [UNIQUE] INDEX`.
    pub(crate) fn create_index(&mut self, ci: &CreateIndex) -> R<Outcome> {
        let (schema, rel) = {
            let (s, n) = split_name(&ci.table_name);
            match self.find_in_path(s.as_deref(), &|sc| {
                sc.tables.contains_key(&n) || sc.views.get(&n).is_some_and(|v| v.materialized)
            }) {
                Some(found) => (found, n),
                None => return Err(undefined_relation(s.as_deref(), &n)),
            }
        };
        let columns = match self.catalog.schemas[&schema].tables.get(&rel) {
            Some(t) => t.columns.clone(),
            None => self.catalog.schemas[&schema].views[&rel].columns.clone(),
        };
        let ctx = self.table_ctx(&schema, &rel, &columns);
        let (mut keys, mut col_names) = index_keys(ci, &columns, &ctx)?;
        let include: Vec<String> = ci.include.iter().map(fold).collect();
        col_names.extend(include.iter().cloned());
        let name = match &ci.name {
            Some(n) => {
                let n = name_parts(n).pop().unwrap_or_default();
                if self.relation_taken(&schema, &n) {
                    if ci.if_not_exists {
                        return Ok(Outcome::Understood);
                    }
                    return Err(ReplayError::new(
                        SqlState::DuplicateTable,
                        format!("relation \"{n}\" already exists"),
                    ));
                }
                n
            }
            None => {
                let names = dedupe_index_column_names(col_names);
                let add = name_addition(&names);
                choose_relation_name(&rel, Some(&add), "idx", &|n| {
                    self.relation_taken(&schema, n)
                })
            }
        };
        let method = index_method(ci.using.as_ref());
        // A default class named explicitly is the same as none (pg_index keeps only the oid).
        for k in &mut keys {
            if k.opclass
                .as_deref()
                .is_some_and(|o| crate::pg::builtin::opclasses::is_default_opclass(&method, o))
            {
                k.opclass = None;
            }
        }
        for k in &keys {
            if let (IndexTarget::Column(c), None) = (&k.target, &k.opclass) {
                if let Some(column) = columns.iter().find(|x| &x.name == c) {
                    self.require_default_opclass(&method, column)?;
                }
            }
        }
        let index = Index {
            name,
            unique: ci.unique,
            method,
            keys,
            include,
            predicate: ci.predicate.as_ref().map(|p| deparse_bool(p, &ctx)),
            nulls_not_distinct: ci.nulls_distinct == Some(false),
            comment: None,
        };
        self.remember(&index.name);
        // `ON ONLY`: the partitions do not get the index.
        let partitioned = !self.extras.index_on_only
            && self.catalog.schemas[&schema]
                .tables
                .get(&rel)
                .is_some_and(|t| t.partition_by.is_some());
        let partitions = if partitioned {
            self.partitions_of(&schema, &rel)
        } else {
            Vec::new()
        };
        for (ps, pt) in partitions {
            self.clone_index_to_partition(&ps, &pt, &index);
        }
        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
        match s.tables.get_mut(&rel) {
            Some(t) => t.indexes.push(index),
            None => s.views.get_mut(&rel).expect("view").indexes.push(index),
        }
        Ok(Outcome::Understood)
    }

    /// The partitions of `schema.rel`, at any schema.
    fn partitions_of(&self, schema: &str, rel: &str) -> Vec<(String, String)> {
        self.catalog
            .schemas
            .values()
            .flat_map(|sc| {
                sc.tables
                    .values()
                    .filter(|t| {
                        t.is_partition
                            && t.inherits
                                .iter()
                                .any(|p| p.schema == schema && p.name == rel)
                    })
                    .map(|t| (sc.name.clone(), t.name.clone()))
            })
            .collect()
    }

    /// `ALTER INDEX … RENAME TO`.
    pub(crate) fn alter_index(
        &mut self,
        name: &ObjectName,
        op: &AlterIndexOperation,
    ) -> R<Outcome> {
        let AlterIndexOperation::RenameIndex { index_name } = op;
        let new = name_parts(index_name).pop().unwrap_or_default();
        self.rename_relation(
            name,
            &ObjectName::from(vec![sqlparser::ast::Ident::with_quote('"', new)]),
            false,
        )?;
        Ok(Outcome::Understood)
    }
}

/// `FigureColnameInternal`: the name Postgres gives an expression (a function's name, a
/// column's, a cast's type…) and how sure it is (2 strong, 1 weak); `None` when it has none.
fn figure_colname(e: &Expr) -> Option<(String, u8)> {
    match e {
        Expr::Identifier(id) => Some((fold(id), 2)),
        Expr::CompoundIdentifier(ids) => ids.last().map(|i| (fold(i), 2)),
        Expr::Nested(inner) => figure_colname(inner),
        Expr::Function(f) => name_parts(&f.name).pop().map(|n| (n, 2)),
        Expr::Cast {
            expr, data_type, ..
        } => match figure_colname(expr) {
            Some((n, 2)) => Some((n, 2)),
            other => {
                let t = data_type.to_string();
                let last = t
                    .split('(')
                    .next()
                    .unwrap_or("")
                    .rsplit('.')
                    .next()
                    .unwrap_or("")
                    .trim_matches('"')
                    .to_ascii_lowercase();
                if last.is_empty() {
                    other
                } else {
                    Some((last, 1))
                }
            }
        },
        Expr::Case { .. } => Some(("case".into(), 1)),
        Expr::Array(_) => Some(("array".into(), 2)),
        _ => None,
    }
}

/// Postgres names index columns for a generated index name: plain columns by name,
/// expressions `expr`, repeated names get a number (`expr1`).
pub(in crate::sql::replay) fn dedupe_index_column_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        let mut cur = n.clone();
        let mut i = 1;
        while out.contains(&cur) {
            cur = format!("{n}{i}");
            i += 1;
        }
        out.push(cur);
    }
    out
}

/// The keys of `CREATE INDEX` (each a column of `columns`, or an expression printed as
/// `pg_get_indexdef` prints it) and the names PostgreSQL derives from them for the index name.
fn index_keys(
    ci: &CreateIndex,
    columns: &[crate::catalog::Column],
    ctx: &crate::pg::deparse::ExprContext<'_>,
) -> R<(Vec<IndexKey>, Vec<String>)> {
    let mut keys = Vec::new();
    let mut col_names = Vec::new();
    for c in &ci.columns {
        // `key COLLATE c`: the key's collation (`index_elem`'s `opt_collate`).
        let (key, collation) = match &c.column.expr {
            sqlparser::ast::Expr::Collate { expr, collation } => (
                expr.as_ref(),
                Some(name_parts(collation).pop().unwrap_or_default()),
            ),
            e => (e, None),
        };
        let mut c = c.clone();
        c.column.expr = key.clone();
        let c = &c;
        let target = match index_column_name(c) {
            Some(n) => {
                if !columns.is_empty() && !columns.iter().any(|col| col.name == n) {
                    return Err(ReplayError::new(
                        SqlState::UndefinedColumn,
                        format!("column \"{n}\" does not exist"),
                    ));
                }
                IndexTarget::Column(n)
            }
            None => IndexTarget::Expression(deparse_index_key(&c.column.expr, ctx)),
        };
        col_names.push(match &target {
            IndexTarget::Column(n) => n.clone(),
            IndexTarget::Expression(_) => figure_colname(&c.column.expr)
                .map(|(n, _)| n)
                .unwrap_or_else(|| "expr".to_string()),
        });
        let descending = matches!(
            c.column.options.sort,
            Some(sqlparser::ast::OrderBySort::Desc)
        );
        keys.push(IndexKey {
            target,
            opclass: c
                .operator_class
                .as_ref()
                .map(|o| name_parts(o).pop().unwrap_or_default()),
            collation,
            descending,
            nulls_first: c.column.options.nulls_first.unwrap_or(descending),
        });
    }
    Ok((keys, col_names))
}

/// The access method of `USING method` (`btree` when there is none).
fn index_method(using: Option<&IndexType>) -> String {
    match using {
        None => "btree".to_string(),
        Some(IndexType::BTree) => "btree".into(),
        Some(IndexType::Hash) => "hash".into(),
        Some(IndexType::GIN) => "gin".into(),
        Some(IndexType::GiST) => "gist".into(),
        Some(IndexType::SPGiST) => "spgist".into(),
        Some(IndexType::BRIN) => "brin".into(),
        Some(IndexType::Bloom) => "bloom".into(),
        Some(IndexType::Custom(id)) => fold(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_column_names() {
        assert_eq!(
            dedupe_index_column_names(vec!["expr".into(), "a".into(), "expr".into()]),
            vec!["expr", "a", "expr1"]
        );
    }
}
