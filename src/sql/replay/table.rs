//! CREATE TABLE and ALTER TABLE.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AlterColumnOperation, AlterTable, AlterTableOperation, ColumnDef, ColumnOption,
    ConstraintCharacteristics, ConstraintReferenceMatchKind, CreateTable, DataType,
    DeferrableInitial, Expr, GeneratedAs, IndexColumn, NullsDistinctOption, ReferentialAction,
    RenameTableNameKind, SequenceOptions, TableConstraint, Value,
};

use super::{fold, split_name, Outcome, ReplayError, Replayer, SqlState, Stmt, R};
use crate::catalog::{
    choose_constraint_name, choose_relation_name, name_addition, CheckConstraint, Column,
    Deferrable, ExclusionConstraint, FkAction, ForeignKey, Identity, IndexTarget, MatchType,
    PrimaryKey, QualifiedName, Sequence, SqlType, Table, UniqueConstraint,
};
use crate::diagnostics::Diagnostics;
use crate::sql::deparse::{deparse_bool, deparse_generated, serial_default, stored_default};
use crate::sql::types::{resolve_type, serial_kind};

/// A constraint written in a CREATE TABLE or ALTER TABLE, before it gets its name.
#[derive(Debug, Clone)]
pub(crate) enum PendingConstraint {
    Check {
        name: Option<String>,
        expr: Expr,
        no_inherit: bool,
        not_valid: bool,
    },
    Key {
        primary: bool,
        name: Option<String>,
        columns: Vec<String>,
        include: Vec<String>,
        nulls_not_distinct: bool,
        deferrable: Deferrable,
    },
    Foreign {
        name: Option<String>,
        fk: ForeignKey,
        references: sqlparser::ast::ObjectName,
        not_valid: bool,
    },
    Exclude {
        name: Option<String>,
        definition: String,
        columns: Vec<String>,
    },
}

fn deferrable(c: &Option<ConstraintCharacteristics>) -> Deferrable {
    match c {
        Some(ConstraintCharacteristics {
            initially: Some(DeferrableInitial::Deferred),
            ..
        }) => Deferrable::InitiallyDeferred,
        Some(ConstraintCharacteristics {
            deferrable: Some(true),
            ..
        }) => Deferrable::InitiallyImmediate,
        _ => Deferrable::NotDeferrable,
    }
}

fn fk_action(a: &Option<ReferentialAction>) -> FkAction {
    match a {
        None | Some(ReferentialAction::NoAction) => FkAction::NoAction,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
    }
}

/// Column name of an index column that is a plain column reference.
pub(crate) fn index_column_name(c: &IndexColumn) -> Option<String> {
    match &c.column.expr {
        Expr::Identifier(id) => Some(fold(id)),
        Expr::Nested(e) => match e.as_ref() {
            Expr::Identifier(id) => Some(fold(id)),
            _ => None,
        },
        _ => None,
    }
}

/// Distinct column names an expression refers to, in order of first appearance.
pub(crate) fn referenced_columns(expr: &Expr, columns: &[Column]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let _ = sqlparser::ast::visit_expressions(expr, |e| {
        let name = match e {
            Expr::Identifier(id) => Some(fold(id)),
            Expr::CompoundIdentifier(ids) => ids.last().map(fold),
            _ => None,
        };
        if let Some(n) = name {
            if columns.iter().any(|c| c.name == n) && !out.contains(&n) {
                out.push(n);
            }
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

/// Postgres's defaults for a sequence of a given integer type.
pub(crate) fn default_sequence(name: &str, int_type: &str) -> Sequence {
    let (data_type, max) = match int_type {
        "int2" => ("smallint", i16::MAX as i64),
        "int4" => ("integer", i32::MAX as i64),
        _ => ("bigint", i64::MAX),
    };
    Sequence {
        name: name.to_string(),
        data_type: data_type.to_string(),
        start: 1,
        increment: 1,
        min_value: 1,
        max_value: max,
        cache: 1,
        cycle: false,
        owned_by: None,
    }
}

/// Applies `CREATE SEQUENCE`/identity options to a sequence.
pub(crate) fn apply_sequence_options(
    seq: &mut Sequence,
    options: &[SequenceOptions],
) -> Option<sqlparser::ast::ObjectName> {
    let num = |e: &Expr| -> Option<i64> {
        match e {
            Expr::Value(v) => match &v.value {
                Value::Number(n, _) => n.parse().ok(),
                _ => None,
            },
            Expr::UnaryOp { op, expr } if op.to_string() == "-" => match expr.as_ref() {
                Expr::Value(v) => match &v.value {
                    Value::Number(n, _) => n.parse::<i64>().ok().map(|n| -n),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    };
    let mut owned_by = None;
    let mut start = None;
    let mut min = None;
    let mut max = None;
    for o in options {
        match o {
            SequenceOptions::DataType(dt) => {
                let t = dt.to_string().to_ascii_lowercase();
                let (name, bound) = match t.as_str() {
                    "smallint" | "int2" => ("smallint", i16::MAX as i64),
                    "integer" | "int" | "int4" => ("integer", i32::MAX as i64),
                    _ => ("bigint", i64::MAX),
                };
                seq.data_type = name.to_string();
                seq.max_value = bound;
            }
            SequenceOptions::IncrementBy(e, _) => {
                if let Some(n) = num(e) {
                    seq.increment = n;
                }
            }
            SequenceOptions::MinValue(e) => min = Some(e.as_ref().and_then(num)),
            SequenceOptions::MaxValue(e) => max = Some(e.as_ref().and_then(num)),
            SequenceOptions::StartWith(e, _) => start = num(e),
            SequenceOptions::Cache(e) => {
                if let Some(n) = num(e) {
                    seq.cache = n;
                }
            }
            SequenceOptions::Cycle(no) => seq.cycle = !*no,
            SequenceOptions::OwnedBy(o) => owned_by = o.clone(),
        }
    }
    let type_max = match seq.data_type.as_str() {
        "smallint" => i16::MAX as i64,
        "integer" => i32::MAX as i64,
        _ => i64::MAX,
    };
    let type_min = match seq.data_type.as_str() {
        "smallint" => i16::MIN as i64,
        "integer" => i32::MIN as i64,
        _ => i64::MIN,
    };
    if seq.increment < 0 {
        seq.min_value = min.flatten().unwrap_or(type_min);
        seq.max_value = max.flatten().unwrap_or(-1);
        seq.start = start.unwrap_or(seq.max_value);
    } else {
        seq.min_value = min.flatten().unwrap_or(1);
        seq.max_value = max.flatten().unwrap_or(type_max);
        seq.start = start.unwrap_or(seq.min_value);
    }
    owned_by
}

impl Replayer {
    /// `CREATE TABLE`.
    pub(crate) fn create_table(
        &mut self,
        stmt: Stmt<'_>,
        ct: &CreateTable,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let _ = (stmt, &diags);
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
        if ct.query.is_some() {
            return Ok(Outcome::NotUnderstood(
                "CREATE TABLE … AS: the column types of a query result are not inferred".into(),
            ));
        }
        let mut table = Table::new(&name);
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
        if let Some(parent) = &ct.partition_of {
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
        }
        if let Some(like) = &ct.like {
            let like = match like {
                sqlparser::ast::CreateTableLikeKind::Parenthesized(l)
                | sqlparser::ast::CreateTableLikeKind::Plain(l) => l,
            };
            let (ls, ln) = self.resolve_table(&like.name)?;
            let src = &self.catalog.schemas[&ls].tables[&ln];
            table.columns = src
                .columns
                .iter()
                .map(|c| Column {
                    name: c.name.clone(),
                    ty: c.ty.clone(),
                    not_null: c.not_null,
                    ..Default::default()
                })
                .collect();
        }
        if let Some(p) = &ct.partition_by {
            table.partition_by = Some(partition_text(p));
        }
        let mut pending = Vec::new();
        let mut sequences = Vec::new();
        for def in &ct.columns {
            if table.column(&fold(&def.name)).is_some() {
                let n = fold(&def.name);
                // A column repeated from a parent merges; a duplicate in the list is an error.
                if table.inherits.is_empty() || ct.partition_of.is_some() {
                    if ct.partition_of.is_some() {
                        continue;
                    }
                    return Err(ReplayError::new(
                        SqlState::DuplicateColumn,
                        format!("column \"{n}\" specified more than once"),
                    ));
                }
                table.columns.retain(|c| c.name != n);
            }
            let (col, mut cons, seq) = self.column_from_def(&schema, &name, def, &table.columns)?;
            table.columns.push(col);
            pending.append(&mut cons);
            sequences.extend(seq);
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
        if let Some(parent) = &ct.partition_of {
            let (ps, pn) = self.resolve_table(parent)?;
            self.clone_to_partition(&ps, &pn, &schema, &name);
        }
        Ok(Outcome::Understood)
    }

    /// A new partition gets its parent's keys and indexes (under names of its own, chosen as
    /// for a new index), and its checks and foreign keys (same names).
    fn clone_to_partition(&mut self, ps: &str, pn: &str, schema: &str, name: &str) {
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
            let add = name_addition(&u.columns);
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
        let add = name_addition(&cols);
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

    /// Builds a column from its definition: the column, its constraints and any sequence
    /// (serial or identity) it needs.
    pub(crate) fn column_from_def(
        &self,
        schema: &str,
        table: &str,
        def: &ColumnDef,
        existing: &[Column],
    ) -> R<(Column, Vec<PendingConstraint>, Option<Sequence>)> {
        let name = fold(&def.name);
        let mut col = Column {
            name: name.clone(),
            ..Default::default()
        };
        let mut seq = None;
        let taken = |n: &str| self.relation_taken(schema, n);
        if let Some(int) = serial_kind(&def.data_type) {
            col.ty = SqlType::builtin(int);
            col.not_null = true;
            let seq_name = choose_relation_name(table, Some(&name), "seq", &taken);
            let mut s = default_sequence(&seq_name, int);
            s.owned_by = Some((table.to_string(), name.clone()));
            col.default = Some(serial_default(schema, &seq_name, &self.expr_ctx(&[])));
            seq = Some(s);
        } else {
            col.ty = self.resolve_column_type(&def.data_type)?;
        }
        let mut cons = Vec::new();
        let mut default_expr = None;
        for opt in &def.options {
            let cname = opt.name.as_ref().map(fold);
            match &opt.option {
                ColumnOption::Null => col.not_null = false,
                ColumnOption::NotNull => col.not_null = true,
                ColumnOption::Default(e) => default_expr = Some(e.clone()),
                ColumnOption::PrimaryKey(pk) => cons.push(PendingConstraint::Key {
                    primary: true,
                    name: cname.or_else(|| pk.name.as_ref().map(fold)),
                    columns: vec![name.clone()],
                    include: Vec::new(),
                    nulls_not_distinct: false,
                    deferrable: deferrable(&pk.characteristics),
                }),
                ColumnOption::Unique(u) => cons.push(PendingConstraint::Key {
                    primary: false,
                    name: cname.or_else(|| u.name.as_ref().map(fold)),
                    columns: vec![name.clone()],
                    include: Vec::new(),
                    nulls_not_distinct: matches!(
                        u.nulls_distinct,
                        NullsDistinctOption::NotDistinct
                    ),
                    deferrable: deferrable(&u.characteristics),
                }),
                ColumnOption::ForeignKey(fk) => {
                    let fk_def = ForeignKey {
                        columns: vec![name.clone()],
                        referenced_columns: fk.referred_columns.iter().map(fold).collect(),
                        on_delete: fk_action(&fk.on_delete),
                        on_update: fk_action(&fk.on_update),
                        match_type: match_type(&fk.match_kind),
                        deferrable: deferrable(&fk.characteristics),
                        ..Default::default()
                    };
                    cons.push(PendingConstraint::Foreign {
                        name: cname.or_else(|| fk.name.as_ref().map(fold)),
                        fk: fk_def,
                        references: fk.foreign_table.clone(),
                        not_valid: false,
                    });
                }
                ColumnOption::Check(c) => cons.push(PendingConstraint::Check {
                    name: cname.or_else(|| c.name.as_ref().map(fold)),
                    expr: (*c.expr).clone(),
                    no_inherit: c.no_inherit,
                    not_valid: false,
                }),
                ColumnOption::Collation(c) => {
                    let parts = super::name_parts(c);
                    let coll = parts.last().cloned().unwrap_or_default();
                    col.collation = (coll != "default").then_some(coll);
                }
                ColumnOption::Generated {
                    generated_as,
                    sequence_options,
                    generation_expr,
                    ..
                } => match (generated_as, generation_expr) {
                    (_, Some(e)) => {
                        let mut cols = existing.to_vec();
                        cols.push(col.clone());
                        col.generated = Some(deparse_generated(
                            e,
                            &col.ty,
                            &self.table_ctx(schema, table, &cols),
                        ));
                    }
                    (GeneratedAs::Always | GeneratedAs::ByDefault, None) => {
                        col.identity = Some(if *generated_as == GeneratedAs::Always {
                            Identity::Always
                        } else {
                            Identity::ByDefault
                        });
                        col.not_null = true;
                        let seq_name = choose_relation_name(table, Some(&name), "seq", &taken);
                        let mut s = default_sequence(&seq_name, &col.ty.name);
                        if let Some(opts) = sequence_options {
                            apply_sequence_options(&mut s, opts);
                        }
                        s.owned_by = Some((table.to_string(), name.clone()));
                        seq = Some(s);
                    }
                    _ => {}
                },
                ColumnOption::Identity(_) => {
                    col.identity = Some(Identity::ByDefault);
                    col.not_null = true;
                }
                ColumnOption::Comment(c) => col.comment = Some(c.clone()),
                _ => {}
            }
        }
        if let Some(e) = default_expr {
            let mut cols = existing.to_vec();
            cols.push(col.clone());
            col.default = stored_default(&e, &col.ty, &self.table_ctx(schema, table, &cols));
        }
        Ok((col, cons, seq))
    }

    /// Resolves a written column type, or Postgres's error.
    pub(crate) fn resolve_column_type(&self, dt: &DataType) -> R<SqlType> {
        resolve_type(dt, &self.catalog, &self.search_path)
            .map_err(|m| ReplayError::new(SqlState::UndefinedObject, m))
    }

    /// How a relation name prints in a `::regclass` constant: qualified only when not the first
    /// match on the reading session's search path.
    pub(crate) fn regclass_text(&self, schema: &str, name: &str) -> String {
        // Visible when the first schema of the path that has (or, for a relation being
        // created, is to have) a relation of that name is its own.
        let visible = crate::sql::DISPLAY_SEARCH_PATH
            .iter()
            .find(|s| {
                **s == schema
                    || self
                        .catalog
                        .schemas
                        .get(**s)
                        .is_some_and(|sc| sc.has_relation(name))
            })
            .is_some_and(|s| *s == schema);
        let q = crate::sql::quote_ident(name);
        if visible {
            q
        } else {
            format!("{}.{}", crate::sql::quote_ident(schema), q)
        }
    }

    /// A table constraint as written, before naming.
    pub(crate) fn pending_from_table_constraint(
        &self,
        c: &TableConstraint,
        not_valid: bool,
    ) -> R<PendingConstraint> {
        let cols = |list: &[IndexColumn]| -> R<Vec<String>> {
            list.iter()
                .map(|c| {
                    index_column_name(c).ok_or_else(|| {
                        ReplayError::new(
                            SqlState::InvalidDefinition,
                            "expressions are not allowed in a key constraint",
                        )
                    })
                })
                .collect()
        };
        Ok(match c {
            TableConstraint::PrimaryKey(pk) => PendingConstraint::Key {
                primary: true,
                name: pk.name.as_ref().map(fold),
                columns: cols(&pk.columns)?,
                include: pk.include.iter().map(fold).collect(),
                nulls_not_distinct: false,
                deferrable: deferrable(&pk.characteristics),
            },
            TableConstraint::Unique(u) => PendingConstraint::Key {
                primary: false,
                name: u.name.as_ref().map(fold),
                columns: cols(&u.columns)?,
                include: u.include.iter().map(fold).collect(),
                nulls_not_distinct: matches!(u.nulls_distinct, NullsDistinctOption::NotDistinct),
                deferrable: deferrable(&u.characteristics),
            },
            TableConstraint::ForeignKey(fk) => PendingConstraint::Foreign {
                name: fk.name.as_ref().map(fold),
                fk: ForeignKey {
                    columns: fk.columns.iter().map(fold).collect(),
                    referenced_columns: fk.referred_columns.iter().map(fold).collect(),
                    on_delete: fk_action(&fk.on_delete),
                    on_update: fk_action(&fk.on_update),
                    match_type: match_type(&fk.match_kind),
                    deferrable: deferrable(&fk.characteristics),
                    ..Default::default()
                },
                references: fk.foreign_table.clone(),
                not_valid,
            },
            TableConstraint::Check(c) => PendingConstraint::Check {
                name: c.name.as_ref().map(fold),
                expr: (*c.expr).clone(),
                no_inherit: c.no_inherit,
                not_valid,
            },
            TableConstraint::Exclude(x) => PendingConstraint::Exclude {
                name: x.name.as_ref().map(fold),
                definition: exclusion_text(x),
                columns: x
                    .elements
                    .iter()
                    .filter_map(|e| index_column_name(&e.column))
                    .collect(),
            },
            TableConstraint::PrimaryKeyUsingIndex(_) | TableConstraint::UniqueUsingIndex(_) => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    "USING INDEX constraints are handled by ALTER TABLE",
                ))
            }
            other => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("constraint not supported by PostgreSQL: {other}"),
                ))
            }
        })
    }

    /// Names and adds constraints in the order Postgres does: CHECK constraints, then the
    /// indexes of PRIMARY KEY/UNIQUE/EXCLUDE, then FOREIGN KEYs.
    pub(crate) fn add_constraints(
        &mut self,
        schema: &str,
        table: &str,
        pending: Vec<PendingConstraint>,
    ) -> R<()> {
        let (checks, rest): (Vec<_>, Vec<_>) = pending
            .into_iter()
            .partition(|c| matches!(c, PendingConstraint::Check { .. }));
        let (keys, fks): (Vec<_>, Vec<_>) = rest
            .into_iter()
            .partition(|c| !matches!(c, PendingConstraint::Foreign { .. }));
        for c in checks.into_iter().chain(dedupe_keys(keys)).chain(fks) {
            self.add_constraint(schema, table, c)?;
        }
        Ok(())
    }

    fn add_constraint(&mut self, schema: &str, table: &str, c: PendingConstraint) -> R<()> {
        let s = &self.catalog.schemas[schema];
        let t = &s.tables[table];
        let duplicate = |n: &str| {
            ReplayError::new(
                SqlState::DuplicateObject,
                format!("constraint \"{n}\" for relation \"{table}\" already exists"),
            )
        };
        match c {
            PendingConstraint::Check {
                name,
                expr,
                no_inherit,
                not_valid,
            } => {
                let cols = referenced_columns(&expr, &t.columns);
                let name = match name {
                    Some(n) if t.has_constraint(&n) => return Err(duplicate(&n)),
                    Some(n) => n,
                    None => {
                        let col = (cols.len() == 1).then(|| cols[0].as_str());
                        choose_constraint_name(table, col, "check", &|n| {
                            self.constraint_taken(schema, n)
                        })
                    }
                };
                let expression = deparse_bool(&expr, &self.table_ctx(schema, table, &t.columns));
                self.remember(&name);
                let t = self.table_mut(schema, table);
                t.checks.push(CheckConstraint {
                    name,
                    expression,
                    validated: !not_valid,
                    no_inherit,
                });
            }
            PendingConstraint::Key {
                primary,
                name,
                columns,
                include,
                nulls_not_distinct,
                deferrable,
            } => {
                for c in columns.iter().chain(&include) {
                    if t.column(c).is_none() {
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{c}\" named in key does not exist"),
                        ));
                    }
                }
                if primary && t.primary_key.is_some() {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("multiple primary keys for table \"{table}\" are not allowed"),
                    ));
                }
                let taken =
                    |n: &str| self.relation_taken(schema, n) || self.constraint_taken(schema, n);
                let name = match name {
                    Some(n) if taken(&n) => {
                        return Err(ReplayError::new(
                            SqlState::DuplicateTable,
                            format!("relation \"{n}\" already exists"),
                        ))
                    }
                    Some(n) => n,
                    None if primary => choose_relation_name(table, None, "pkey", &taken),
                    None => {
                        let add = name_addition(&columns);
                        choose_relation_name(table, Some(&add), "key", &taken)
                    }
                };
                let key = UniqueConstraint {
                    name,
                    columns,
                    include,
                    nulls_not_distinct,
                    deferrable,
                };
                self.attach_key(schema, table, primary, key);
            }
            PendingConstraint::Exclude {
                name,
                definition,
                columns,
            } => {
                let taken =
                    |n: &str| self.relation_taken(schema, n) || self.constraint_taken(schema, n);
                let name = match name {
                    Some(n) => n,
                    None => {
                        let add = name_addition(&columns);
                        choose_relation_name(table, Some(&add), "excl", &taken)
                    }
                };
                self.remember(&name);
                self.table_mut(schema, table)
                    .exclusions
                    .push(ExclusionConstraint { name, definition });
            }
            PendingConstraint::Foreign {
                name,
                mut fk,
                references,
                not_valid,
            } => {
                for c in &fk.columns {
                    if t.column(c).is_none() {
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{c}\" referenced in foreign key constraint does not exist"),
                        ));
                    }
                }
                let (rs, rt) = self.resolve_table(&references)?;
                let target = &self.catalog.schemas[&rs].tables[&rt];
                if fk.referenced_columns.is_empty() {
                    match &target.primary_key {
                        Some(pk) => fk.referenced_columns = pk.columns.clone(),
                        None => {
                            return Err(ReplayError::new(
                                SqlState::UndefinedObject,
                                format!("there is no primary key for referenced table \"{rt}\""),
                            ))
                        }
                    }
                }
                for c in &fk.referenced_columns {
                    if target.column(c).is_none() {
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{c}\" referenced in foreign key constraint does not exist"),
                        ));
                    }
                }
                if fk.columns.len() != fk.referenced_columns.len() {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        "number of referencing and referenced columns for foreign key disagree",
                    ));
                }
                if !has_unique_on(target, &fk.referenced_columns) {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!(
                            "there is no unique constraint matching given keys for referenced table \"{rt}\""
                        ),
                    ));
                }
                let name = match name {
                    Some(n) if t.has_constraint(&n) => return Err(duplicate(&n)),
                    Some(n) => n,
                    None => {
                        let add = name_addition(&fk.columns);
                        choose_constraint_name(table, Some(&add), "fkey", &|n| {
                            self.constraint_taken(schema, n)
                        })
                    }
                };
                self.remember(&name);
                fk.name = name;
                fk.references = QualifiedName::new(rs, rt);
                fk.validated = !not_valid;
                self.table_mut(schema, table).foreign_keys.push(fk);
            }
        }
        Ok(())
    }

    /// Foreign keys that depend on what is being dropped: an error without CASCADE (naming the
    /// first), dropped with it.
    pub(crate) fn drop_dependent_fks(
        &mut self,
        what: &str,
        fks: Vec<(String, String, String)>,
        cascade: bool,
    ) -> R<()> {
        if let (Some((_, t, fk)), false) = (fks.first(), cascade) {
            return Err(depends_error(
                what,
                &format!("constraint {fk} on table {t}"),
            ));
        }
        for (s, t, fk) in fks {
            self.table_mut(&s, &t).foreign_keys.retain(|f| f.name != fk);
        }
        Ok(())
    }

    /// Every column `(schema, table, column)` for which `pred` holds.
    pub(crate) fn columns_where(
        &self,
        pred: &dyn Fn(&Column) -> bool,
    ) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for (sn, s) in &self.catalog.schemas {
            for t in s.tables.values() {
                for c in t.columns.iter().filter(|c| pred(c)) {
                    out.push((sn.clone(), t.name.clone(), c.name.clone()));
                }
            }
        }
        out
    }

    pub(crate) fn table_mut(&mut self, schema: &str, table: &str) -> &mut Table {
        self.catalog
            .table_mut(schema, table)
            .expect("table resolved before")
    }

    pub(crate) fn view_mut(&mut self, schema: &str, view: &str) -> &mut crate::catalog::View {
        self.catalog
            .view_mut(schema, view)
            .expect("view resolved before")
    }

    /// `ALTER TABLE`.
    pub(crate) fn alter_table(
        &mut self,
        stmt: Stmt<'_>,
        at: &AlterTable,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let _ = (stmt, &diags);
        if at.table_type.is_some() {
            return Ok(Outcome::PassedOver);
        }
        let (schema, table) = match self.resolve_table(&at.name) {
            Ok(x) => x,
            Err(e) => {
                let (sch, name) = split_name(&at.name);
                // ALTER TABLE also accepts views, sequences and indexes for renames and owners.
                if let Some(outcome) = self.alter_other_relation(sch.as_deref(), &name, at)? {
                    return Ok(outcome);
                }
                if at.if_exists {
                    return Ok(Outcome::Understood);
                }
                return Err(e);
            }
        };
        // A statement is atomic: a failing operation undoes the earlier ones. Only the altered
        // table is restored (effects on other tables, such as foreign keys dropped by CASCADE,
        // stay; they only happen in operations that succeeded).
        let single = at.operations.len() == 1;
        let snapshot = (!single).then(|| {
            let s = &self.catalog.schemas[&schema];
            (s.tables[&table].clone(), s.sequences.clone())
        });
        let mut name = table.clone();
        for op in &at.operations {
            match self.alter_table_op(&schema, &name, op) {
                Ok(Some(new_name)) => name = new_name,
                Ok(None) => {}
                Err(e) => {
                    if let Some((t, sequences)) = snapshot {
                        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
                        s.tables.remove(&name);
                        s.tables.insert(table, t);
                        s.sequences = sequences;
                    }
                    return Err(e);
                }
            }
        }
        Ok(Outcome::Understood)
    }

    /// ALTER TABLE on a view/sequence/index: renames and schema moves. `None` if no such relation.
    fn alter_other_relation(
        &mut self,
        schema: Option<&str>,
        name: &str,
        at: &AlterTable,
    ) -> R<Option<Outcome>> {
        let Some(s) = self.find_in_path(schema, &|s| s.has_relation(name)) else {
            return Ok(None);
        };
        for op in &at.operations {
            if let AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } = op
            {
                if self.catalog.schemas[&s].views.contains_key(name) {
                    self.rename_view_column(
                        &s,
                        name,
                        &fold(old_column_name),
                        &fold(new_column_name),
                    )?;
                }
            }
            if let AlterTableOperation::RenameTable { table_name } = op {
                let new = match table_name {
                    RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => n,
                };
                let old = sqlparser::ast::ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', s.clone()),
                    sqlparser::ast::Ident::with_quote('"', name.to_string()),
                ]);
                self.rename_relation(&old, new, true)?;
            }
        }
        Ok(Some(Outcome::Understood))
    }

    /// One ALTER TABLE operation; returns the new table name after a rename.
    fn alter_table_op(
        &mut self,
        schema: &str,
        table: &str,
        op: &AlterTableOperation,
    ) -> R<Option<String>> {
        match op {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                let n = fold(&column_def.name);
                if self.catalog.schemas[schema].tables[table]
                    .column(&n)
                    .is_some()
                {
                    if *if_not_exists {
                        return Ok(None);
                    }
                    return Err(ReplayError::new(
                        SqlState::DuplicateColumn,
                        format!("column \"{n}\" of relation \"{table}\" already exists"),
                    ));
                }
                let (col, cons, seq) = {
                    let existing = &self.catalog.schemas[schema].tables[table].columns;
                    self.column_from_def(schema, table, column_def, existing)?
                };
                let s = self.catalog.schemas.get_mut(schema).expect("schema");
                let seq_name = seq.as_ref().map(|q| q.name.clone());
                if let Some(seq) = seq {
                    s.sequences.insert(seq.name.clone(), seq);
                }
                let t = s.tables.get_mut(table).expect("table");
                let before = (!cons.is_empty()).then(|| t.clone());
                t.columns.push(col);
                if let Err(e) = self.add_constraints(schema, table, cons) {
                    // Atomic on its own: the new column goes with its failed constraints.
                    let s = self.catalog.schemas.get_mut(schema).expect("schema");
                    if let Some(before) = before {
                        s.tables.insert(table.to_string(), before);
                    }
                    if let Some(q) = seq_name {
                        s.sequences.remove(&q);
                    }
                    return Err(e);
                }
            }
            AlterTableOperation::AddConstraint {
                constraint,
                not_valid,
            } => match constraint {
                TableConstraint::PrimaryKeyUsingIndex(u) | TableConstraint::UniqueUsingIndex(u) => {
                    let primary = matches!(constraint, TableConstraint::PrimaryKeyUsingIndex(_));
                    self.constraint_using_index(schema, table, u, primary)?;
                }
                _ => {
                    let p = self.pending_from_table_constraint(constraint, *not_valid)?;
                    self.add_constraints(schema, table, vec![p])?;
                }
            },
            AlterTableOperation::DropConstraint {
                if_exists,
                name,
                drop_behavior,
            } => {
                let n = fold(name);
                let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
                if !self.drop_constraint(schema, table, &n, cascade)? && !*if_exists {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("constraint \"{n}\" of relation \"{table}\" does not exist"),
                    ));
                }
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                drop_behavior,
                ..
            } => {
                let cascade = matches!(drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
                for c in column_names {
                    let n = fold(c);
                    if self.catalog.schemas[schema].tables[table]
                        .column(&n)
                        .is_none()
                    {
                        if *if_exists {
                            continue;
                        }
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{n}\" of relation \"{table}\" does not exist"),
                        ));
                    }
                    self.drop_column(schema, table, &n, cascade)?;
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => {
                let (old, new) = (fold(old_column_name), fold(new_column_name));
                self.rename_column(schema, table, &old, &new)?;
                self.column_renamed(schema, table, &old, &new);
                self.tracked.data.column_renamed(schema, table, &old, &new);
            }
            AlterTableOperation::RenameTable { table_name } => {
                let new = match table_name {
                    RenameTableNameKind::As(n) | RenameTableNameKind::To(n) => n,
                };
                let (_, new_name) = split_name(new);
                let old = sqlparser::ast::ObjectName::from(vec![
                    sqlparser::ast::Ident::with_quote('"', schema.to_string()),
                    sqlparser::ast::Ident::with_quote('"', table.to_string()),
                ]);
                self.rename_relation(&old, new, true)?;
                return Ok(Some(new_name));
            }
            AlterTableOperation::RenameConstraint { old_name, new_name } => {
                self.rename_constraint(schema, table, &fold(old_name), &fold(new_name))?;
            }
            AlterTableOperation::AlterColumn { column_name, op } => {
                self.alter_column(schema, table, &fold(column_name), op)?;
            }
            AlterTableOperation::EnableRowLevelSecurity => {
                self.table_mut(schema, table).rls_enabled = true
            }
            AlterTableOperation::DisableRowLevelSecurity => {
                self.table_mut(schema, table).rls_enabled = false
            }
            AlterTableOperation::ForceRowLevelSecurity => {
                self.table_mut(schema, table).rls_forced = true
            }
            AlterTableOperation::NoForceRowLevelSecurity => {
                self.table_mut(schema, table).rls_forced = false
            }
            AlterTableOperation::ValidateConstraint { name } => {
                let n = fold(name);
                let t = self.table_mut(schema, table);
                let mut found = false;
                for fk in t.foreign_keys.iter_mut().filter(|f| f.name == n) {
                    fk.validated = true;
                    found = true;
                }
                for c in t.checks.iter_mut().filter(|c| c.name == n) {
                    c.validated = true;
                    found = true;
                }
                if !found && !t.has_constraint(&n) {
                    return Err(ReplayError::new(
                        SqlState::UndefinedObject,
                        format!("constraint \"{n}\" of relation \"{table}\" does not exist"),
                    ));
                }
            }
            AlterTableOperation::Inherit { parent } => {
                let (ps, pn) = self.resolve_table(parent)?;
                self.table_mut(schema, table)
                    .inherits
                    .push(QualifiedName::new(ps, pn));
            }
            AlterTableOperation::NoInherit { parent } => {
                let (ps, pn) = self.resolve_table(parent)?;
                let q = QualifiedName::new(ps, pn);
                self.table_mut(schema, table).inherits.retain(|p| *p != q);
            }
            AlterTableOperation::OwnerTo { .. }
            | AlterTableOperation::EnableTrigger { .. }
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::EnableAlwaysTrigger { .. }
            | AlterTableOperation::EnableReplicaTrigger { .. }
            | AlterTableOperation::EnableRule { .. }
            | AlterTableOperation::DisableRule { .. }
            | AlterTableOperation::EnableAlwaysRule { .. }
            | AlterTableOperation::EnableReplicaRule { .. }
            | AlterTableOperation::SetOptionsParens { .. }
            | AlterTableOperation::ResetOptions { .. }
            | AlterTableOperation::ReplicaIdentity { .. }
            | AlterTableOperation::SetLogged
            | AlterTableOperation::SetUnlogged
            | AlterTableOperation::ClusterBy { .. }
            | AlterTableOperation::SetTblProperties { .. } => {}
            AlterTableOperation::AttachPartitionOf { partition, .. } => {
                let (ps, pn) = self.resolve_table(partition)?;
                let parent = QualifiedName::new(schema, table);
                let t = self.table_mut(&ps, &pn);
                t.is_partition = true;
                t.inherits.push(parent);
            }
            AlterTableOperation::DetachPartitionOf { partition, .. } => {
                let (ps, pn) = self.resolve_table(partition)?;
                let parent = QualifiedName::new(schema, table);
                let t = self.table_mut(&ps, &pn);
                t.is_partition = false;
                t.inherits.retain(|p| *p != parent);
            }
            other => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("ALTER TABLE form not supported: {other}"),
                ))
            }
        }
        Ok(None)
    }

    /// `ADD CONSTRAINT … {PRIMARY KEY|UNIQUE} USING INDEX idx`: the index becomes the constraint
    /// (renamed to the constraint's name when one is given).
    fn constraint_using_index(
        &mut self,
        schema: &str,
        table: &str,
        u: &sqlparser::ast::ConstraintUsingIndex,
        primary: bool,
    ) -> R<()> {
        let idx_name = fold(&u.index_name);
        let t = self.table_mut(schema, table);
        let Some(pos) = t.indexes.iter().position(|i| i.name == idx_name) else {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("index \"{idx_name}\" does not exist"),
            ));
        };
        let idx = t.indexes.remove(pos);
        let columns: Vec<String> = idx
            .keys
            .iter()
            .filter_map(|k| match &k.target {
                IndexTarget::Column(c) => Some(c.clone()),
                IndexTarget::Expression(_) => None,
            })
            .collect();
        let name = u.name.as_ref().map(fold).unwrap_or(idx.name);
        let deferrable = deferrable(&u.characteristics);
        let key = UniqueConstraint {
            name,
            columns,
            include: idx.include,
            nulls_not_distinct: idx.nulls_not_distinct,
            deferrable,
        };
        self.attach_key(schema, table, primary, key);
        Ok(())
    }

    /// Adds a key constraint to a table: the primary key (its columns become NOT NULL) or a
    /// unique constraint.
    fn attach_key(&mut self, schema: &str, table: &str, primary: bool, key: UniqueConstraint) {
        self.remember(&key.name);
        let t = self.table_mut(schema, table);
        if primary {
            for c in &key.columns {
                if let Some(col) = t.column_mut(c) {
                    col.not_null = true;
                }
            }
            t.primary_key = Some(PrimaryKey {
                name: key.name,
                columns: key.columns,
                include: key.include,
                deferrable: key.deferrable,
            });
        } else {
            t.uniques.push(key);
        }
    }

    /// Drops a constraint by name; false if the table has none of that name.
    fn drop_constraint(&mut self, schema: &str, table: &str, name: &str, cascade: bool) -> R<bool> {
        let t = &self.catalog.schemas[schema].tables[table];
        let key_cols = if t.primary_key.as_ref().is_some_and(|p| p.name == name) {
            t.primary_key.as_ref().map(|p| p.columns.clone())
        } else {
            t.uniques
                .iter()
                .find(|u| u.name == name)
                .map(|u| u.columns.clone())
        };
        if let Some(cols) = key_cols {
            let dependents = self.fks_referencing(schema, table, Some(&cols));
            self.drop_dependent_fks(
                &format!("constraint {name} on table {table}"),
                dependents,
                cascade,
            )?;
        }
        let t = self.table_mut(schema, table);
        let before = constraint_count(t);
        if t.primary_key.as_ref().is_some_and(|p| p.name == name) {
            t.primary_key = None;
        }
        t.uniques.retain(|c| c.name != name);
        t.foreign_keys.retain(|c| c.name != name);
        t.checks.retain(|c| c.name != name);
        t.exclusions.retain(|c| c.name != name);
        Ok(constraint_count(t) != before)
    }

    /// Foreign keys (schema, table, name) that reference `schema.table` (on `cols`, if given).
    pub(crate) fn fks_referencing(
        &self,
        schema: &str,
        table: &str,
        cols: Option<&[String]>,
    ) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        for s in self.catalog.schemas.values() {
            for t in s.tables.values() {
                for fk in &t.foreign_keys {
                    if fk.references.schema == schema
                        && fk.references.name == table
                        && cols.is_none_or(|c| same_set(c, &fk.referenced_columns))
                        && !(s.name == schema && t.name == table && cols.is_none())
                    {
                        out.push((s.name.clone(), t.name.clone(), fk.name.clone()));
                    }
                }
            }
        }
        out
    }

    fn drop_column(&mut self, schema: &str, table: &str, col: &str, cascade: bool) -> R<()> {
        // Foreign keys elsewhere that need a key on this column.
        let mut dependents = Vec::new();
        for s in self.catalog.schemas.values() {
            for t in s.tables.values() {
                for fk in &t.foreign_keys {
                    if fk.references.schema == schema
                        && fk.references.name == table
                        && fk.referenced_columns.iter().any(|c| c == col)
                        && !(s.name == schema
                            && t.name == table
                            && fk.columns.iter().any(|c| c == col))
                    {
                        dependents.push((s.name.clone(), t.name.clone(), fk.name.clone()));
                    }
                }
            }
        }
        self.drop_dependent_fks(
            &format!("column {col} of table {table}"),
            dependents,
            cascade,
        )?;
        let t = self.table_mut(schema, table);
        t.columns.retain(|c| c.name != col);
        let uses = |cols: &[String]| cols.iter().any(|c| c == col);
        if t.primary_key
            .as_ref()
            .is_some_and(|p| uses(&p.columns) || uses(&p.include))
        {
            t.primary_key = None;
        }
        t.uniques.retain(|u| !uses(&u.columns) && !uses(&u.include));
        t.foreign_keys.retain(|f| !uses(&f.columns));
        let col_ident = crate::sql::quote_ident(col);
        t.checks.retain(|c| {
            !crate::sql::replay::objects::mentions_identifier(&c.expression, col, &col_ident)
        });
        t.indexes.retain(|i| {
            !i.keys.iter().any(|k| match &k.target {
                IndexTarget::Column(c) => c == col,
                IndexTarget::Expression(e) => {
                    crate::sql::replay::objects::mentions_identifier(e, col, &col_ident)
                }
            }) && !uses(&i.include)
                && !i.predicate.as_deref().is_some_and(|p| {
                    crate::sql::replay::objects::mentions_identifier(p, col, &col_ident)
                })
        });
        let s = self.catalog.schemas.get_mut(schema).expect("schema");
        s.sequences
            .retain(|_, seq| seq.owned_by.as_ref() != Some(&(table.to_string(), col.to_string())));
        Ok(())
    }

    fn rename_column(&mut self, schema: &str, table: &str, old: &str, new: &str) -> R<()> {
        let t = self.table_mut(schema, table);
        if t.column(new).is_some() {
            return Err(ReplayError::new(
                SqlState::DuplicateColumn,
                format!("column \"{new}\" of relation \"{table}\" already exists"),
            ));
        }
        let Some(c) = t.column_mut(old) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{old}\" does not exist"),
            ));
        };
        c.name = new.to_string();
        let ren = |v: &mut Vec<String>| {
            for c in v.iter_mut() {
                if c == old {
                    *c = new.to_string();
                }
            }
        };
        let ren_text =
            |s: &mut String| *s = crate::sql::replay::objects::rename_identifier(s, old, new);
        if let Some(pk) = &mut t.primary_key {
            ren(&mut pk.columns);
            ren(&mut pk.include);
        }
        for u in &mut t.uniques {
            ren(&mut u.columns);
            ren(&mut u.include);
        }
        for f in &mut t.foreign_keys {
            ren(&mut f.columns);
        }
        for c in &mut t.checks {
            ren_text(&mut c.expression);
        }
        for col in &mut t.columns {
            if let Some(g) = &mut col.generated {
                ren_text(g);
            }
        }
        for i in &mut t.indexes {
            ren(&mut i.include);
            for k in &mut i.keys {
                match &mut k.target {
                    IndexTarget::Column(c) if c == old => *c = new.to_string(),
                    IndexTarget::Expression(e) => ren_text(e),
                    _ => {}
                }
            }
            if let Some(p) = &mut i.predicate {
                ren_text(p);
            }
        }
        for p in &mut t.policies {
            if let Some(u) = &mut p.using {
                ren_text(u);
            }
            if let Some(w) = &mut p.with_check {
                ren_text(w);
            }
        }
        // Foreign keys pointing at the column, and sequences owned by it.
        for s in self.catalog.schemas.values_mut() {
            for t in s.tables.values_mut() {
                for f in &mut t.foreign_keys {
                    if f.references.schema == schema && f.references.name == table {
                        for c in f.referenced_columns.iter_mut() {
                            if c == old {
                                *c = new.to_string();
                            }
                        }
                    }
                }
            }
        }
        for seq in self
            .catalog
            .schemas
            .get_mut(schema)
            .expect("schema")
            .sequences
            .values_mut()
        {
            if seq.owned_by.as_ref() == Some(&(table.to_string(), old.to_string())) {
                seq.owned_by = Some((table.to_string(), new.to_string()));
            }
        }
        Ok(())
    }

    fn rename_constraint(&mut self, schema: &str, table: &str, old: &str, new: &str) -> R<()> {
        let t = self.table_mut(schema, table);
        if t.has_constraint(new) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("constraint \"{new}\" for relation \"{table}\" already exists"),
            ));
        }
        self.remember(new);
        let t = self.table_mut(schema, table);
        let mut found = false;
        let mut set = |n: &mut String| {
            if n == old {
                *n = new.to_string();
                found = true;
            }
        };
        if let Some(pk) = &mut t.primary_key {
            set(&mut pk.name);
        }
        t.uniques.iter_mut().for_each(|c| set(&mut c.name));
        t.foreign_keys.iter_mut().for_each(|c| set(&mut c.name));
        t.checks.iter_mut().for_each(|c| set(&mut c.name));
        t.exclusions.iter_mut().for_each(|c| set(&mut c.name));
        if !found {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("constraint \"{old}\" for table \"{table}\" does not exist"),
            ));
        }
        Ok(())
    }

    fn alter_column(
        &mut self,
        schema: &str,
        table: &str,
        col: &str,
        op: &AlterColumnOperation,
    ) -> R<()> {
        let t = &self.catalog.schemas[schema].tables[table];
        let Some(column) = t.column(col) else {
            return Err(ReplayError::new(
                SqlState::UndefinedColumn,
                format!("column \"{col}\" of relation \"{table}\" does not exist"),
            ));
        };
        match op {
            AlterColumnOperation::SetNotNull => self.column_mut(schema, table, col).not_null = true,
            AlterColumnOperation::DropNotNull => {
                if t.primary_key
                    .as_ref()
                    .is_some_and(|p| p.columns.iter().any(|c| c == col))
                {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("column \"{col}\" is in a primary key"),
                    ));
                }
                if column.identity.is_some() {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("column \"{col}\" of relation \"{table}\" is an identity column"),
                    ));
                }
                self.column_mut(schema, table, col).not_null = false;
            }
            AlterColumnOperation::SetDefault { value } => {
                let text = stored_default(
                    value,
                    &column.ty,
                    &self.table_ctx(schema, table, &t.columns),
                );
                self.column_mut(schema, table, col).default = text;
            }
            AlterColumnOperation::DropDefault => {
                self.column_mut(schema, table, col).default = None;
            }
            AlterColumnOperation::SetDataType { data_type, .. } => {
                let ty = if let Some(int) = serial_kind(data_type) {
                    SqlType::builtin(int)
                } else {
                    self.resolve_column_type(data_type)?
                };
                // Postgres re-coerces the default with an implicit cast, which prints as
                // before: the default text does not change.
                let default = column.default.clone();
                let c = self.column_mut(schema, table, col);
                c.ty = ty;
                c.default = default;
            }
            AlterColumnOperation::AddGenerated {
                generated_as,
                sequence_options,
            } => {
                if column.identity.is_some() {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("column \"{col}\" of relation \"{table}\" is already an identity column"),
                    ));
                }
                let s = &self.catalog.schemas[schema];
                let seq_name =
                    choose_relation_name(table, Some(col), "seq", &|n| s.has_relation(n));
                let mut seq = default_sequence(&seq_name, &column.ty.name);
                if let Some(opts) = sequence_options {
                    apply_sequence_options(&mut seq, opts);
                }
                seq.owned_by = Some((table.to_string(), col.to_string()));
                let c = self.column_mut(schema, table, col);
                c.identity = Some(if matches!(generated_as, Some(GeneratedAs::ByDefault)) {
                    Identity::ByDefault
                } else {
                    Identity::Always
                });
                c.not_null = true;
                self.catalog
                    .schemas
                    .get_mut(schema)
                    .expect("schema")
                    .sequences
                    .insert(seq.name.clone(), seq);
            }
            other => {
                return Err(ReplayError::new(
                    SqlState::InvalidDefinition,
                    format!("ALTER COLUMN form not supported: {other}"),
                ))
            }
        }
        Ok(())
    }

    pub(crate) fn column_mut(&mut self, schema: &str, table: &str, col: &str) -> &mut Column {
        self.table_mut(schema, table)
            .column_mut(col)
            .expect("column resolved before")
    }
}

/// `cannot drop <what> because other objects depend on it (<dependent>)`.
pub(crate) fn depends_error(what: &str, dependent: &str) -> ReplayError {
    ReplayError::new(
        SqlState::DependentObjects,
        format!("cannot drop {what} because other objects depend on it ({dependent})"),
    )
}

fn constraint_count(t: &Table) -> usize {
    usize::from(t.primary_key.is_some())
        + t.uniques.len()
        + t.foreign_keys.len()
        + t.checks.len()
        + t.exclusions.len()
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// Whether the referenced table has a PK, unique constraint or non-partial unique index on
/// exactly these columns (in any order).
fn has_unique_on(t: &Table, cols: &[String]) -> bool {
    t.primary_key
        .as_ref()
        .is_some_and(|p| same_set(&p.columns, cols))
        || t.uniques.iter().any(|u| same_set(&u.columns, cols))
        || t.indexes.iter().any(|i| {
            i.unique
                && i.predicate.is_none()
                && i.keys.len() == cols.len()
                && i.keys.iter().all(|k| match &k.target {
                    IndexTarget::Column(c) => cols.contains(c),
                    IndexTarget::Expression(_) => false,
                })
        })
}

/// Postgres drops an index constraint identical to an earlier one in the same command.
fn dedupe_keys(keys: Vec<PendingConstraint>) -> Vec<PendingConstraint> {
    let mut out: Vec<PendingConstraint> = Vec::new();
    for k in keys {
        if let PendingConstraint::Key {
            primary,
            columns,
            include,
            nulls_not_distinct,
            deferrable,
            name,
        } = &k
        {
            let dup = out.iter_mut().find(|o| {
                matches!(o, PendingConstraint::Key { columns: c, include: i, nulls_not_distinct: n, deferrable: d, .. }
                    if c == columns && i == include && n == nulls_not_distinct && d == deferrable)
            });
            if let Some(PendingConstraint::Key {
                primary: p,
                name: prior_name,
                ..
            }) = dup
            {
                if *primary {
                    *p = true;
                    if prior_name.is_none() {
                        *prior_name = name.clone();
                    }
                }
                continue;
            }
        }
        out.push(k);
    }
    out
}

fn match_type(m: &Option<ConstraintReferenceMatchKind>) -> MatchType {
    match m {
        Some(ConstraintReferenceMatchKind::Full) => MatchType::Full,
        Some(ConstraintReferenceMatchKind::Partial) => MatchType::Partial,
        _ => MatchType::Simple,
    }
}

fn partition_text(e: &Expr) -> String {
    // pg_get_partkeydef: `RANGE (created_at)`, `LIST (region)`, `HASH (id)`.
    let s = e.to_string();
    match s.find('(') {
        Some(i) => format!("{} ({}", s[..i].trim().to_uppercase(), &s[i + 1..]),
        None => s,
    }
}

fn exclusion_text(x: &sqlparser::ast::ExcludeConstraint) -> String {
    let method = x
        .index_method
        .as_ref()
        .map(fold)
        .unwrap_or_else(|| "btree".to_string());
    let elems: Vec<String> = x
        .elements
        .iter()
        .map(|e| format!("{} WITH {}", e.column.column.expr, e.operator))
        .collect();
    let mut s = format!("EXCLUDE USING {method} ({})", elems.join(", "));
    if let Some(w) = &x.where_clause {
        s.push_str(&format!(" WHERE ({w})"));
    }
    s
}
