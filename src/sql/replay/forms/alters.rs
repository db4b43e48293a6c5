//! `ALTER EXTENSION`, `ALTER INDEX`, `ALTER SEQUENCE` (and the sequence options of identity
//! columns), and statements that only name an object.

use sqlparser::ast::{Ident, ObjectName, SequenceOptions};

use crate::catalog::Sequence;
use crate::sql::parse::ast::{
    AlterIndex, AlterIndexAction, AlterSequence, AlterSequenceAction, SequenceClauses,
};
use crate::sql::replay::{
    fold, name_parts, split_name, undefined_relation, Outcome, ReplayError, Replayer, SqlState, R,
};

impl Replayer {
    /// `ALTER EXTENSION`: only `SET SCHEMA` changes what is modelled.
    pub(super) fn alter_extension(
        &mut self,
        name: &Ident,
        set_schema: Option<&Ident>,
    ) -> R<Outcome> {
        let n = fold(name);
        let Some(ext) = self.catalog.extensions.get(&n).cloned() else {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("extension \"{n}\" does not exist"),
            ));
        };
        let Some(target) = set_schema.map(fold) else {
            return Ok(Outcome::Understood);
        };
        if !self.catalog.schemas.contains_key(&target) {
            return Err(ReplayError::new(
                SqlState::InvalidSchemaName,
                format!("schema \"{target}\" does not exist"),
            ));
        }
        crate::sql::replay::objects::move_extension(&mut self.catalog, &n, &ext.schema, &target);
        Ok(Outcome::Understood)
    }

    /// The schema holding the index `name`.
    fn find_index(&self, name: &ObjectName) -> Option<(String, String)> {
        let (schema, n) = split_name(name);
        self.find_in_path(schema.as_deref(), &|s| s.index_owner(&n).is_some())
            .map(|s| (s, n))
    }

    /// `ALTER INDEX`.
    pub(super) fn alter_index_pg(&mut self, a: &AlterIndex) -> R<Outcome> {
        let Some(name) = &a.name else {
            return Ok(Outcome::Understood);
        };
        if self.find_index(name).is_none() {
            if a.if_exists {
                return Ok(Outcome::Understood);
            }
            let (schema, n) = split_name(name);
            return Err(undefined_relation(schema.as_deref(), &n));
        }
        match &a.action {
            AlterIndexAction::RenameTo(new) => {
                let new = name_parts(new).pop().unwrap_or_default();
                self.rename_relation(
                    name,
                    &ObjectName::from(vec![Ident::with_quote('"', new)]),
                    false,
                )?;
            }
            AlterIndexAction::AttachPartition(child) => {
                // Index partitions are not modelled: both indexes keep their names and tables.
                if self.find_index(child).is_none() {
                    let (schema, n) = split_name(child);
                    return Err(undefined_relation(schema.as_deref(), &n));
                }
            }
            AlterIndexAction::NoOp => {}
        }
        Ok(Outcome::Understood)
    }

    /// A statement that changes nothing modelled: the object must exist.
    pub(super) fn touch(&mut self, kind: &str, if_exists: bool, name: &ObjectName) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let found = self.find_in_path(schema.as_deref(), &|s| match kind {
            "materialized view" => s.views.get(&n).is_some_and(|v| v.materialized),
            "view" => s.views.contains_key(&n),
            "type" | "domain" => s.has_type(&n),
            _ => s.has_relation(&n),
        });
        match found {
            Some(_) => Ok(Outcome::Understood),
            None if if_exists => Ok(Outcome::Understood),
            None if kind == "type" || kind == "domain" => Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("type \"{n}\" does not exist"),
            )),
            None => Err(undefined_relation(schema.as_deref(), &n)),
        }
    }

    /// `ALTER SEQUENCE`.
    pub(super) fn alter_sequence(&mut self, a: &AlterSequence) -> R<Outcome> {
        let (schema, n) = split_name(&a.name);
        let Some(schema) = self.find_in_path(schema.as_deref(), &|s| s.sequences.contains_key(&n))
        else {
            if a.if_exists {
                return Ok(Outcome::Understood);
            }
            return Err(undefined_relation(schema.as_deref(), &n));
        };
        match &a.action {
            AlterSequenceAction::RenameTo(new) => {
                let old = ObjectName::from(vec![
                    Ident::with_quote('"', schema.clone()),
                    Ident::with_quote('"', n.clone()),
                ]);
                self.rename_relation(&old, new, false)?;
            }
            AlterSequenceAction::Options(clauses) => {
                let mut seq = self.catalog.schemas[&schema].sequences[&n].clone();
                if let Some(owner) = alter_sequence_options(&mut seq, clauses)? {
                    seq.owned_by = self.owned_by(owner.as_ref())?;
                }
                self.catalog
                    .schemas
                    .get_mut(&schema)
                    .expect("schema")
                    .sequences
                    .insert(n, seq);
            }
            AlterSequenceAction::NoOp => {}
        }
        Ok(Outcome::Understood)
    }
}

/// The bounds of a sequence's data type.
fn type_bounds(data_type: &str) -> (i64, i64) {
    match data_type {
        "smallint" => (i16::MIN as i64, i16::MAX as i64),
        "integer" => (i32::MIN as i64, i32::MAX as i64),
        _ => (i64::MIN, i64::MAX),
    }
}

/// An integer option value (`5`, `-5`).
fn number(e: &sqlparser::ast::Expr) -> Option<i64> {
    use sqlparser::ast::{Expr, UnaryOperator, Value};
    match e {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => number(expr).and_then(|n| n.checked_neg()),
        Expr::UnaryOp {
            op: UnaryOperator::Plus,
            expr,
        } => number(expr),
        Expr::Nested(e) => number(e),
        _ => None,
    }
}

/// Applies `ALTER SEQUENCE` options as PostgreSQL does (`init_params` with `isInit` false):
/// only what is given changes, except that a bound that was the old data type's bound follows a
/// new `AS` type and `NO MINVALUE`/`NO MAXVALUE` go back to the defaults. Returns `OWNED BY`
/// when given. Errors are PostgreSQL's.
pub(crate) fn alter_sequence_options(
    seq: &mut Sequence,
    clauses: &SequenceClauses,
) -> R<Option<Option<ObjectName>>> {
    let invalid = |m: String| ReplayError::new(SqlState::InvalidDefinition, m);
    let (old_min, old_max) = type_bounds(&seq.data_type);
    let (mut reset_min, mut reset_max) = (false, false);
    let (mut min_given, mut max_given) = (None, None);
    let mut owned = None;
    for o in &clauses.options {
        match o {
            SequenceOptions::DataType(dt) => {
                let t = dt.to_string().to_ascii_lowercase();
                seq.data_type = match t.as_str() {
                    "smallint" | "int2" => "smallint",
                    "integer" | "int" | "int4" => "integer",
                    "bigint" | "int8" => "bigint",
                    _ => {
                        return Err(invalid(
                            "sequence type must be smallint, integer, or bigint".into(),
                        ))
                    }
                }
                .to_string();
                reset_max |= seq.max_value == old_max;
                reset_min |= seq.min_value == old_min;
            }
            SequenceOptions::IncrementBy(e, _) => {
                seq.increment =
                    number(e).ok_or_else(|| invalid("INCREMENT must be a number".into()))?;
                if seq.increment == 0 {
                    return Err(invalid("INCREMENT must not be zero".into()));
                }
            }
            SequenceOptions::MinValue(e) => min_given = Some(e.as_ref().and_then(number)),
            SequenceOptions::MaxValue(e) => max_given = Some(e.as_ref().and_then(number)),
            SequenceOptions::StartWith(e, _) => {
                seq.start = number(e).ok_or_else(|| invalid("START must be a number".into()))?;
            }
            SequenceOptions::Cache(e) => {
                seq.cache = number(e).ok_or_else(|| invalid("CACHE must be a number".into()))?;
                if seq.cache <= 0 {
                    return Err(invalid(format!(
                        "CACHE ({}) must be greater than zero",
                        seq.cache
                    )));
                }
            }
            SequenceOptions::Cycle(no) => seq.cycle = !*no,
            SequenceOptions::OwnedBy(o) => owned = Some(o.clone()),
        }
    }
    let (type_min, type_max) = type_bounds(&seq.data_type);
    match max_given {
        Some(Some(v)) => seq.max_value = v,
        Some(None) | None if max_given.is_some() || reset_max => {
            seq.max_value = if seq.increment > 0 || reset_max {
                type_max
            } else {
                -1
            };
        }
        _ => {}
    }
    match min_given {
        Some(Some(v)) => seq.min_value = v,
        Some(None) | None if min_given.is_some() || reset_min => {
            seq.min_value = if seq.increment < 0 || reset_min {
                type_min
            } else {
                1
            };
        }
        _ => {}
    }
    if seq.max_value > type_max || seq.max_value < type_min {
        return Err(invalid(format!(
            "MAXVALUE ({}) is out of range for sequence data type {}",
            seq.max_value, seq.data_type
        )));
    }
    if seq.min_value > type_max || seq.min_value < type_min {
        return Err(invalid(format!(
            "MINVALUE ({}) is out of range for sequence data type {}",
            seq.min_value, seq.data_type
        )));
    }
    if seq.min_value >= seq.max_value {
        return Err(invalid(format!(
            "MINVALUE ({}) must be less than MAXVALUE ({})",
            seq.min_value, seq.max_value
        )));
    }
    if seq.start < seq.min_value {
        return Err(invalid(format!(
            "START value ({}) cannot be less than MINVALUE ({})",
            seq.start, seq.min_value
        )));
    }
    if seq.start > seq.max_value {
        return Err(invalid(format!(
            "START value ({}) cannot be greater than MAXVALUE ({})",
            seq.start, seq.max_value
        )));
    }
    Ok(owned)
}
