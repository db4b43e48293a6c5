//! `CREATE TABLE`: plain, `INHERITS`, `PARTITION OF` (with `col WITH OPTIONS …`), typed tables
//! (`OF type`), `LIKE t INCLUDING …` and `AS query`.

use sqlparser::ast::{ColumnDef, ColumnOption, CreateTable};

use super::table::PendingConstraint;
use super::{fold, split_name, Outcome, ReplayError, Replayer, SqlState, Stmt, R};
use crate::catalog::{
    choose_relation_name, name_addition, Column, ExclusionConstraint, IndexTarget, PrimaryKey,
    QualifiedName, Sequence, Table, UniqueConstraint,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::sql::parse::ast::LikeClause;

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
    /// `CREATE TABLE`.
    pub(crate) fn create_table(
        &mut self,
        stmt: Stmt<'_>,
        ct: &CreateTable,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        if ct.temporary {
            return Ok(Outcome::PassedOver);
        }
        let (schema, name) = split_name(&ct.name);
        let schema = self.target_schema(schema)?;
        {
            let s = &self.catalog.schemas[&schema];
            if self.relation_taken(&schema, &name) || s.has_type(&name) {
                if ct.if_not_exists {
                    return Ok(Outcome::Understood);
                }
                return Err(ReplayError::new(
                    SqlState::DuplicateTable,
                    format!("relation \"{name}\" already exists"),
                ));
            }
        }
        let mut table = Table::new(&name);
        if let Some(query) = &ct.query {
            match self.query_columns(ct, query, &name, stmt, diags) {
                Some(columns) => table.columns = columns,
                None => {
                    return Ok(Outcome::NotUnderstood(format!(
                        "the columns of table \"{name}\" (CREATE TABLE … AS) could not be inferred"
                    )))
                }
            }
        }
        let typed = self.extras.typed_table;
        self.inherited_columns(ct, &mut table)?;
        let likes = std::mem::take(&mut self.extras.likes);
        let mut like = Like::default();
        let mut pending = Vec::new();
        let from_parent = ct.partition_of.is_some();
        // `CREATE TABLE t (a, b) AS …`: the list names the query's columns.
        let defs = if ct.query.is_some() {
            &[][..]
        } else {
            &ct.columns[..]
        };
        let mut next_like = likes.iter().peekable();
        for (k, def) in defs.iter().enumerate() {
            while let Some(l) = next_like.next_if(|l| l.columns_before <= k) {
                self.like_columns(l, &schema, &name, &mut table, &mut like)?;
            }
            let n = fold(&def.name);
            if let Some(pos) = table.columns.iter().position(|c| c.name == n) {
                if from_parent {
                    // `col WITH OPTIONS …`: the options on top of the parent's (type's) column.
                    let (merged, mut cons) =
                        self.column_with_options(&schema, &name, def, &table.columns[pos])?;
                    table.columns[pos] = merged;
                    pending.append(&mut cons);
                    continue;
                }
                // A column repeated from a parent merges; a duplicate in the list is an error.
                if table.inherits.is_empty() {
                    return Err(ReplayError::new(
                        SqlState::DuplicateColumn,
                        format!("column \"{n}\" specified more than once"),
                    ));
                }
                table.columns.retain(|c| c.name != n);
            } else if from_parent {
                return Err(ReplayError::new(
                    SqlState::UndefinedColumn,
                    format!("column \"{n}\" does not exist"),
                ));
            }
            let (col, mut cons, seq) = self.column_from_def(&schema, &name, def, &table.columns)?;
            table.columns.push(col);
            pending.append(&mut cons);
            like.sequences.extend(seq);
        }
        for l in next_like {
            self.like_columns(l, &schema, &name, &mut table, &mut like)?;
        }
        let sequences = std::mem::take(&mut like.sequences);
        if let Some(p) = &ct.partition_by {
            let ctx = self.table_ctx(&schema, &name, &table.columns);
            table.partition_by = Some(super::table::partition_text(
                p,
                &self.extras.partition_key_suffixes,
                &|x| crate::pg::deparse::deparse_partition_key(x, &ctx),
            ));
        }
        for c in &ct.constraints {
            pending.push(self.pending_from_table_constraint(c, false)?);
        }
        // The table exists from here on (self references and name choices see it).
        let s = self
            .catalog
            .schemas
            .get_mut(&schema)
            .expect("schema exists");
        let seq_names: Vec<String> = sequences.iter().map(|q| q.name.clone()).collect();
        for seq in sequences {
            s.sequences.insert(seq.name.clone(), seq);
        }
        s.tables.insert(name.clone(), table);
        if let Err(e) = self.add_constraints(&schema, &name, pending) {
            // CREATE TABLE is atomic: a bad constraint leaves nothing behind.
            let s = self.catalog.schemas.get_mut(&schema).expect("schema");
            s.tables.remove(&name);
            for q in seq_names {
                s.sequences.remove(&q);
            }
            return Err(e);
        }
        for (src, comments) in like.indexes_from {
            self.copy_indexes(&src, &schema, &name, comments);
        }
        if let (Some(parent), false) = (&ct.partition_of, typed) {
            let (ps, pn) = self.resolve_table(parent)?;
            self.clone_to_partition(&ps, &pn, &schema, &name);
        }
        Ok(Outcome::Understood)
    }

    /// Columns from `INHERITS (…)`, `PARTITION OF parent` or `OF type`.
    fn inherited_columns(&self, ct: &CreateTable, table: &mut Table) -> R<()> {
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
    fn column_with_options(
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
    fn query_columns(
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
    fn like_columns(
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
                let mut seq = old
                    .cloned()
                    .unwrap_or_else(|| super::table::default_sequence(&seq_name, &c.ty.name));
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
    fn copy_indexes(&mut self, src: &(String, String), schema: &str, name: &str, comments: bool) {
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
            let add = name_addition(&super::objects::dedupe_index_column_names(
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

    /// A new partition gets its parent's keys and indexes (under names of its own, chosen as
    /// for a new index), and its checks and foreign keys (same names).
    pub(super) fn clone_to_partition(&mut self, ps: &str, pn: &str, schema: &str, name: &str) {
        let parent = self.catalog.schemas[ps].tables[pn].clone();
        if let Some(pk) = &parent.primary_key {
            let taken =
                |n: &str| self.relation_taken(schema, n) || self.constraint_taken(schema, n);
            let pk_name = choose_relation_name(name, None, "pkey", &taken);
            self.remember(&pk_name);
            self.table_mut(schema, name).primary_key = Some(PrimaryKey {
                name: pk_name,
                ..pk.clone()
            });
        }
        for u in &parent.uniques {
            let taken =
                |n: &str| self.relation_taken(schema, n) || self.constraint_taken(schema, n);
            let add = name_addition(&super::objects::dedupe_index_column_names(
                u.columns.iter().chain(&u.include).cloned().collect(),
            ));
            let n = choose_relation_name(name, Some(&add), "key", &taken);
            self.remember(&n);
            self.table_mut(schema, name).uniques.push(UniqueConstraint {
                name: n,
                ..u.clone()
            });
        }
        for i in &parent.indexes {
            self.clone_index_to_partition(schema, name, i);
        }
        let t = self.table_mut(schema, name);
        for c in &parent.checks {
            if !t.has_constraint(&c.name) {
                t.checks.push(c.clone());
            }
        }
        for f in &parent.foreign_keys {
            if !t.has_constraint(&f.name) {
                t.foreign_keys.push(f.clone());
            }
        }
    }

    /// An index created on a partitioned table also exists on each partition.
    pub(crate) fn clone_index_to_partition(
        &mut self,
        schema: &str,
        partition: &str,
        index: &crate::catalog::Index,
    ) {
        let cols: Vec<String> = index
            .keys
            .iter()
            .map(|k| match &k.target {
                IndexTarget::Column(c) => c.clone(),
                IndexTarget::Expression(_) => "expr".to_string(),
            })
            .chain(index.include.iter().cloned())
            .collect();
        let add = name_addition(&super::objects::dedupe_index_column_names(cols));
        let n = choose_relation_name(partition, Some(&add), "idx", &|n| {
            self.relation_taken(schema, n)
        });
        self.remember(&n);
        self.table_mut(schema, partition)
            .indexes
            .push(crate::catalog::Index {
                name: n,
                ..index.clone()
            });
    }
}

/// What `LIKE` brings besides columns.
#[derive(Default)]
struct Like {
    /// Sequences of identity (and serial) columns.
    sequences: Vec<Sequence>,
    /// The sources whose indexes are copied, with INCLUDING COMMENTS.
    indexes_from: Vec<((String, String), bool)>,
}
