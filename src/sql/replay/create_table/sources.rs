//! Columns a new table takes from elsewhere: its parents (`INHERITS`, `PARTITION OF` with `WITH OPTIONS`), `AS query`, and `LIKE` with its `INCLUDING` options (indexes copied too).

use sqlparser::ast::{ColumnDef, ColumnOption, CreateTable};

use crate::catalog::{
    choose_relation_name, name_addition, Column, ExclusionConstraint, QualifiedName, Sequence,
    Table, UniqueConstraint,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::sql::parse::ast::LikeClause;
use crate::sql::replay::table::PendingConstraint;
use crate::sql::replay::{fold, split_name, ReplayError, Replayer, SqlState, Stmt, R};

/// What `LIKE t INCLUDING …` copies besides names, types, collations and NOT NULL.
#[derive(Debug, Clone, Copy, Default)]
struct LikeOptions {
    comments: bool,
    constraints: bool,
    defaults: bool,
    generated: bool,
    identity: bool,
    indexes: bool,
}

impl LikeOptions {
    /// The options in the order written (`INCLUDING ALL EXCLUDING INDEXES`).
    fn from(written: &[(bool, String)]) -> Self {
        let mut o = LikeOptions::default();
        for (on, what) in written {
            let on = *on;
            match what.as_str() {
                "comments" => o.comments = on,
                "constraints" => o.constraints = on,
                "defaults" => o.defaults = on,
                "generated" => o.generated = on,
                "identity" => o.identity = on,
                "indexes" => o.indexes = on,
                "all" => {
                    o = LikeOptions {
                        comments: on,
                        constraints: on,
                        defaults: on,
                        generated: on,
                        identity: on,
                        indexes: on,
                    }
                }
                // COMPRESSION, STATISTICS, STORAGE: not modelled.
                _ => {}
            }
        }
        o
    }
}

impl Replayer {
    /// Columns from `INHERITS (…)`, `PARTITION OF parent` or `OF type`.
    pub(super) fn inherited_columns(&self, ct: &CreateTable, table: &mut Table) -> R<()> {
        if let Some(parents) = &ct.inherits {
            for p in parents {
                let (ps, pn) = self.resolve_table(p)?;
                let parent = &self.catalog.schemas[&ps].tables[&pn];
                for c in &parent.columns {
                    if table.column(&c.name).is_none() {
                        let mut c = c.clone();
                        c.identity = None;
                        c.comment = None;
                        table.columns.push(c);
                    }
                }
                table.inherits.push(QualifiedName::new(ps, pn));
            }
        }
        let Some(parent) = &ct.partition_of else {
            return Ok(());
        };
        if self.extras.typed_table {
            // `CREATE TABLE t OF type`: the composite type's attributes are the columns.
            let (s, n) = split_name(parent);
            let Some(ts) = self.find_in_path(s.as_deref(), &|sc| sc.has_type(&n)) else {
                return Err(ReplayError::new(
                    SqlState::UndefinedObject,
                    format!("type \"{n}\" does not exist"),
                ));
            };
            let Some(comp) = self.catalog.schemas[&ts].composites.get(&n) else {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("type {n} is not a composite type"),
                ));
            };
            table.columns = comp
                .attributes
                .iter()
                .map(|(a, ty)| Column {
                    name: a.clone(),
                    ty: ty.clone(),
                    ..Default::default()
                })
                .collect();
            return Ok(());
        }
        let (ps, pn) = self.resolve_table(parent)?;
        let p = &self.catalog.schemas[&ps].tables[&pn];
        table.columns = p
            .columns
            .iter()
            .map(|c| Column {
                comment: None,
                identity: None,
                ..c.clone()
            })
            .collect();
        table.is_partition = true;
        table.inherits.push(QualifiedName::new(ps, pn));
        Ok(())
    }

    /// `col WITH OPTIONS …` of a partition or typed table: `NOT NULL` and `DEFAULT` change the
    /// column, the other options are its constraints.
    pub(super) fn column_with_options(
        &self,
        schema: &str,
        table: &str,
        def: &ColumnDef,
        existing: &Column,
    ) -> R<(Column, Vec<PendingConstraint>)> {
        let mut typed = def.clone();
        typed.data_type = sqlparser::ast::DataType::Unspecified;
        let (col, cons, _) =
            self.column_from_def_typed(schema, table, &typed, &[], Some(existing.ty.clone()))?;
        let mut merged = existing.clone();
        for o in &def.options {
            match o.option {
                ColumnOption::NotNull => merged.not_null = true,
                ColumnOption::Default(_) => merged.default = col.default.clone(),
                ColumnOption::Collation(_) => merged.collation = col.collation.clone(),
                _ => {}
            }
        }
        Ok((merged, cons))
    }

    /// `CREATE TABLE … AS query`: the columns of the query's result, inferred as for a view.
    pub(super) fn query_columns(
        &self,
        ct: &CreateTable,
        query: &sqlparser::ast::Query,
        name: &str,
        stmt: Stmt<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Vec<Column>> {
        let names: Vec<String> = ct.columns.iter().map(|c| fold(&c.name)).collect();
        let shape = crate::pg::deparse::view_query(query, &names, &self.expr_ctx(&[]));
        if shape.columns.is_empty() {
            return None;
        }
        if !shape.untyped.is_empty() {
            diags.push(
                Diagnostic::warning(
                    format!(
                        "the type of column(s) {} of \"{name}\" (CREATE TABLE … AS) could not be \
                         inferred; they are given type text",
                        shape.untyped.join(", ")
                    ),
                    Some(stmt.raw.span),
                )
                .with_label(format!("in `{}`", stmt.head())),
            );
        }
        Some(
            shape
                .columns
                .into_iter()
                .map(|c| Column {
                    name: c.name,
                    ty: c.ty,
                    collation: c.collation,
                    ..Default::default()
                })
                .collect(),
        )
    }

    /// `LIKE source [INCLUDING …]`: the source's columns (names, types, collations, NOT NULL,
    /// and what the options include), its CHECK constraints and identity sequences when asked.
    pub(super) fn like_columns(
        &self,
        like: &LikeClause,
        schema: &str,
        name: &str,
        table: &mut Table,
        out: &mut Like,
    ) -> R<()> {
        let (ls, ln) = self.resolve_table(&like.source)?;
        let options = LikeOptions::from(&like.options);
        let src = &self.catalog.schemas[&ls].tables[&ln];
        for c in &src.columns {
            if table.column(&c.name).is_some() {
                return Err(ReplayError::new(
                    SqlState::DuplicateColumn,
                    format!("column \"{}\" specified more than once", c.name),
                ));
            }
            let mut col = Column {
                name: c.name.clone(),
                ty: c.ty.clone(),
                not_null: c.not_null,
                collation: c.collation.clone(),
                ..Default::default()
            };
            if options.defaults && c.generated.is_none() {
                col.default = c.default.clone();
            }
            if options.generated {
                col.generated = c.generated.clone();
            }
            if options.comments {
                col.comment = c.comment.clone();
            }
            if let (true, Some(identity)) = (options.identity, c.identity) {
                col.identity = Some(identity);
                let old = self.catalog.schemas[&ls].sequences.values().find(|q| {
                    q.owned_by
                        .as_ref()
                        .is_some_and(|(t, oc)| *t == ln && *oc == c.name)
                });
                let taken = |n: &str| {
                    self.relation_taken(schema, n) || out.sequences.iter().any(|q| q.name == n)
                };
                let seq_name = choose_relation_name(name, Some(&c.name), "seq", &taken);
                let mut seq = old.cloned().unwrap_or_else(|| {
                    crate::sql::replay::table::default_sequence(&seq_name, &c.ty.name)
                });
                seq.name = seq_name;
                // PostgreSQL 15 copies the sequence's options but not its type: the new
                // sequence is a bigint one.
                seq.data_type = "bigint".into();
                seq.owned_by = Some((name.to_string(), c.name.clone()));
                out.sequences.push(seq);
            }
            table.columns.push(col);
        }
        if options.constraints {
            // CHECK constraints keep their names and text.
            table
                .checks
                .extend(src.checks.iter().map(|c| crate::catalog::CheckConstraint {
                    validated: true,
                    ..c.clone()
                }));
        }
        if options.indexes {
            out.indexes_from.push(((ls, ln), options.comments));
        }
        Ok(())
    }

    /// `LIKE … INCLUDING INDEXES`: the source's keys, exclusions and indexes, under names chosen
    /// for the new table (comments kept with `INCLUDING COMMENTS`).
    pub(super) fn copy_indexes(
        &mut self,
        src: &(String, String),
        schema: &str,
        name: &str,
        comments: bool,
    ) {
        let source = self.catalog.schemas[&src.0].tables[&src.1].clone();
        let taken =
            |r: &Replayer, n: &str| r.relation_taken(schema, n) || r.constraint_taken(schema, n);
        if let Some(pk) = &source.primary_key {
            let n = choose_relation_name(name, None, "pkey", &|n| taken(self, n));
            self.remember(&n);
            let key = UniqueConstraint {
                name: n,
                columns: pk.columns.clone(),
                include: pk.include.clone(),
                nulls_not_distinct: false,
                deferrable: pk.deferrable,
            };
            self.attach_key(schema, name, true, key);
        }
        for u in &source.uniques {
            let add = name_addition(&crate::sql::replay::objects::dedupe_index_column_names(
                u.columns.iter().chain(&u.include).cloned().collect(),
            ));
            let n = choose_relation_name(name, Some(&add), "key", &|n| taken(self, n));
            self.remember(&n);
            self.attach_key(
                schema,
                name,
                false,
                UniqueConstraint {
                    name: n,
                    ..u.clone()
                },
            );
        }
        for x in &source.exclusions {
            let n = choose_relation_name(name, None, "excl", &|n| taken(self, n));
            self.remember(&n);
            self.table_mut(schema, name)
                .exclusions
                .push(ExclusionConstraint {
                    name: n,
                    definition: x.definition.clone(),
                });
        }
        for i in &source.indexes {
            let mut i = i.clone();
            if !comments {
                i.comment = None;
            }
            self.clone_index_to_partition(schema, name, &i);
        }
    }
}

/// What `LIKE` brings besides columns.
#[derive(Default)]
pub(super) struct Like {
    /// Sequences of identity (and serial) columns.
    pub(super) sequences: Vec<Sequence>,
    /// The sources whose indexes are copied, with INCLUDING COMMENTS.
    pub(super) indexes_from: Vec<((String, String), bool)>,
}
