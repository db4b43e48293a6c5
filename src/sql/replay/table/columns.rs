//! Columns from their definitions: types, defaults, identity and serial sequences, generated
//! columns, and the `regclass` text of sequence defaults.

use sqlparser::ast::{
    ColumnDef, ColumnOption, DataType, Expr, GeneratedAs, NullsDistinctOption, SequenceOptions,
    Value,
};

use crate::catalog::{choose_relation_name, Column, ForeignKey, Identity, Sequence, SqlType};
use crate::pg::deparse::{deparse_generated, serial_default, stored_default};
use crate::pg::types::{resolve_type, serial_kind};
use crate::sql::replay::{fold, ReplayError, Replayer, SqlState, R};

use super::constraints::{deferrable, fk_action, match_type, PendingConstraint};

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
    /// Builds a column from its definition: the column, its constraints and any sequence
    /// (serial or identity) it needs.
    pub(crate) fn column_from_def(
        &self,
        schema: &str,
        table: &str,
        def: &ColumnDef,
        existing: &[Column],
    ) -> R<(Column, Vec<PendingConstraint>, Option<Sequence>)> {
        self.column_from_def_typed(schema, table, def, existing, None)
    }

    /// [`Replayer::column_from_def`] with the column's type given (a typed table's or a
    /// partition's column) instead of read from the definition.
    pub(crate) fn column_from_def_typed(
        &self,
        schema: &str,
        table: &str,
        def: &ColumnDef,
        existing: &[Column],
        given: Option<SqlType>,
    ) -> R<(Column, Vec<PendingConstraint>, Option<Sequence>)> {
        let name = fold(&def.name);
        let mut col = Column {
            name: name.clone(),
            ..Default::default()
        };
        let mut seq = None;
        let taken = |n: &str| self.relation_taken(schema, n);
        if let Some(ty) = given {
            col.ty = ty;
        } else if let Some(int) = serial_kind(&def.data_type) {
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
        let null = def.options.iter().any(|o| o.option == ColumnOption::Null);
        if null
            && def
                .options
                .iter()
                .any(|o| o.option == ColumnOption::NotNull)
        {
            return Err(ReplayError::new(
                SqlState::SyntaxError,
                format!(
                    "conflicting NULL/NOT NULL declarations for column \"{name}\" of table \"{table}\""
                ),
            ));
        }
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
                    cons.push(self.column_foreign_key(fk, &name, cname)?)
                }
                ColumnOption::Check(c) => cons.push(PendingConstraint::Check {
                    name: cname.or_else(|| c.name.as_ref().map(fold)),
                    expr: (*c.expr).clone(),
                    no_inherit: c.no_inherit,
                    not_valid: false,
                }),
                ColumnOption::Collation(c) => {
                    let parts = crate::sql::replay::name_parts(c);
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
                        seq = Some(self.identity_column(
                            schema,
                            table,
                            def,
                            &mut col,
                            *generated_as,
                            sequence_options.as_deref(),
                        )?);
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

    /// The sequence of an identity column (`GENERATED … AS IDENTITY`), which `col` becomes.
    fn identity_column(
        &self,
        schema: &str,
        table: &str,
        def: &ColumnDef,
        col: &mut Column,
        generated_as: GeneratedAs,
        sequence_options: Option<&[SequenceOptions]>,
    ) -> R<Sequence> {
        let name = fold(&def.name);
        let taken = |n: &str| self.relation_taken(schema, n);
        col.identity = Some(if generated_as == GeneratedAs::Always {
            Identity::Always
        } else {
            Identity::ByDefault
        });
        col.not_null = true;
        // `SEQUENCE NAME n` among the options names the sequence.
        let seq_name = match self.identity_sequence_name(&def.name) {
            Some(n) if taken(&n) => {
                return Err(ReplayError::new(
                    SqlState::DuplicateTable,
                    format!("relation \"{n}\" already exists"),
                ))
            }
            Some(n) => n,
            None => choose_relation_name(table, Some(&name), "seq", &taken),
        };
        let mut s = default_sequence(&seq_name, &col.ty.name);
        if let Some(opts) = sequence_options {
            apply_sequence_options(&mut s, opts);
        }
        s.owned_by = Some((table.to_string(), name.clone()));
        Ok(s)
    }

    /// A column's `REFERENCES` clause, as a pending foreign key on that column.
    fn column_foreign_key(
        &self,
        fk: &sqlparser::ast::ForeignKeyConstraint,
        name: &str,
        cname: Option<String>,
    ) -> R<PendingConstraint> {
        let fk_def = ForeignKey {
            columns: vec![name.to_string()],
            referenced_columns: fk.referred_columns.iter().map(fold).collect(),
            on_delete: fk_action(&fk.on_delete),
            on_delete_columns: self.on_delete_columns(fk, &[name.to_string()])?,
            on_update: fk_action(&fk.on_update),
            match_type: match_type(&fk.match_kind),
            deferrable: deferrable(&fk.characteristics),
            ..Default::default()
        };
        Ok(PendingConstraint::Foreign {
            name: cname.or_else(|| fk.name.as_ref().map(fold)),
            fk: fk_def,
            references: fk.foreign_table.clone(),
            not_valid: false,
        })
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

    /// `SEQUENCE NAME n` of the identity column called `column`: the first the pre-pass took
    /// out after the column's name.
    fn identity_sequence_name(&self, column: &sqlparser::ast::Ident) -> Option<String> {
        let after = column.span.start;
        self.extras
            .identity_sequences
            .iter()
            .filter(|(l, _)| *l > after)
            .min_by_key(|(l, _)| *l)
            .and_then(|(_, n)| crate::sql::replay::name_parts(n).pop())
    }
}
