//! `CREATE TABLE`: plain, `INHERITS`, `PARTITION OF` (with `col WITH OPTIONS …`), typed tables
//! (`OF type`), `LIKE t INCLUDING …` and `AS query`.

mod sources;

use sqlparser::ast::CreateTable;

use super::{fold, split_name, Outcome, ReplayError, Replayer, SqlState, Stmt, R};
use crate::catalog::{
    choose_relation_name, name_addition, IndexTarget, PrimaryKey, Table, UniqueConstraint,
};
use crate::diagnostics::Diagnostics;

use sources::Like;

impl Replayer {
    /// `CREATE TABLE`.
    pub(crate) fn create_table(
        &mut self,
        stmt: Stmt<'_>,
        ct: &CreateTable,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        if ct.temporary {
            let (_, name) = split_name(&ct.name);
            self.temp_relations.insert(name);
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
                Some(columns) => {
                    super::objects::views::storable_columns(&columns)?;
                    table.columns = columns
                }
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
        // A new relation has no triggers (a view of that name dropped on a path that did not
        // forget its triggers).
        self.tracked.triggers.forget_relation(&schema, &name);
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
}

impl Replayer {
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
