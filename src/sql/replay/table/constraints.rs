//! Constraints as written (`PendingConstraint`): from table constraints and column options,
//! foreign-key actions and match types, deferrability, exclusion constraints as PostgreSQL prints
//! them.

use sqlparser::ast::{
    ConstraintCharacteristics, ConstraintReferenceMatchKind, DeferrableInitial, Expr, IndexColumn,
    NullsDistinctOption, ReferentialAction, TableConstraint,
};

use crate::catalog::{Deferrable, FkAction, ForeignKey, MatchType};
use crate::sql::replay::{fold, ReplayError, Replayer, SqlState, R};

use super::index_column_name;

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
        /// Up to the `WHERE` clause.
        definition: String,
        /// `WHERE (predicate)`.
        predicate: Option<Expr>,
        columns: Vec<String>,
    },
}

pub(super) fn deferrable(c: &Option<ConstraintCharacteristics>) -> Deferrable {
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

pub(super) fn fk_action(a: &Option<ReferentialAction>) -> FkAction {
    match a {
        None | Some(ReferentialAction::NoAction) => FkAction::NoAction,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
    }
}

impl Replayer {
    /// The columns of `ON DELETE SET NULL|DEFAULT (…)` for a foreign key, from the clauses the
    /// parser's pre-pass took out (matched by where the referenced table's name is). They must
    /// be among the key's columns.
    pub(super) fn on_delete_columns(
        &self,
        fk: &sqlparser::ast::ForeignKeyConstraint,
        key_columns: &[String],
    ) -> R<Vec<String>> {
        let Some(at) = fk
            .foreign_table
            .0
            .first()
            .and_then(|p| p.as_ident())
            .map(|i| i.span.start)
        else {
            return Ok(Vec::new());
        };
        let Some((_, cols)) = self.extras.set_columns.iter().find(|(l, _)| *l == at) else {
            return Ok(Vec::new());
        };
        let cols: Vec<String> = cols.iter().map(fold).collect();
        if let Some(c) = cols.iter().find(|c| !key_columns.contains(c)) {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                format!(
                    "column \"{c}\" referenced in ON DELETE SET action must be part of foreign key"
                ),
            ));
        }
        Ok(cols)
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
                    on_delete_columns: self
                        .on_delete_columns(fk, &fk.columns.iter().map(fold).collect::<Vec<_>>())?,
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
                definition: self.exclusion_text(x),
                predicate: x.where_clause.as_deref().cloned(),
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
}

/// Postgres drops an index constraint identical to an earlier one in the same command
/// (`transformIndexConstraints`): the primary key goes first, a later identical key is merged
/// into it (`UNIQUE PRIMARY KEY`), and a merged key that had no name takes the duplicate's, so
/// `id uuid PRIMARY KEY, CONSTRAINT t_id2_key UNIQUE (id)` is one primary key named `t_id2_key`.
pub(super) fn dedupe_keys(mut keys: Vec<PendingConstraint>) -> Vec<PendingConstraint> {
    fn same(a: &PendingConstraint, b: &PendingConstraint) -> bool {
        match (a, b) {
            (
                PendingConstraint::Key {
                    columns: c1,
                    include: i1,
                    nulls_not_distinct: n1,
                    deferrable: d1,
                    ..
                },
                PendingConstraint::Key {
                    columns: c2,
                    include: i2,
                    nulls_not_distinct: n2,
                    deferrable: d2,
                    ..
                },
            ) => c1 == c2 && i1 == i2 && n1 == n2 && d1 == d2,
            _ => false,
        }
    }
    let mut out: Vec<PendingConstraint> = Vec::new();
    if let Some(p) = keys
        .iter()
        .position(|k| matches!(k, PendingConstraint::Key { primary: true, .. }))
    {
        out.push(keys.remove(p));
    }
    for k in keys {
        if let Some(prior) = out.iter_mut().find(|o| same(o, &k)) {
            if let (
                PendingConstraint::Key {
                    name: prior_name, ..
                },
                PendingConstraint::Key { name, .. },
            ) = (prior, &k)
            {
                if prior_name.is_none() {
                    prior_name.clone_from(name);
                }
            }
            continue;
        }
        out.push(k);
    }
    out
}

pub(super) fn match_type(m: &Option<ConstraintReferenceMatchKind>) -> MatchType {
    match m {
        Some(ConstraintReferenceMatchKind::Full) => MatchType::Full,
        Some(ConstraintReferenceMatchKind::Partial) => MatchType::Partial,
        _ => MatchType::Simple,
    }
}

impl Replayer {
    /// `EXCLUDE USING method (elements) [WITH (parameters)]` as `pg_get_constraintdef` prints
    /// it (the `WHERE` clause is added with the table's columns known).
    fn exclusion_text(&self, x: &sqlparser::ast::ExcludeConstraint) -> String {
        let mut s = exclusion_head(x);
        let at = x
            .elements
            .first()
            .map(|e| sqlparser::ast::Spanned::span(&e.column.column.expr).start);
        if let Some((_, p)) = self
            .extras
            .exclusion_options
            .iter()
            .find(|(l, _)| Some(*l) == at)
        {
            s.push_str(&format!(" WITH ({p})"));
        }
        s
    }
}

fn exclusion_head(x: &sqlparser::ast::ExcludeConstraint) -> String {
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
    format!("EXCLUDE USING {method} ({})", elems.join(", "))
}
