//! Applying the statements schemagen's own parsers read ([`PgStatement`]): `ALTER INDEX`,
//! `ALTER SEQUENCE`, `ALTER DOMAIN`, `CREATE DOMAIN`, composite types' attributes, `SET SCHEMA`,
//! and statements that only name an object.

use sqlparser::ast::{Ident, ObjectName, SequenceOptions};

use super::{
    fold, name_parts, split_name, undefined_relation, Outcome, ReplayError, Replayer, SqlState,
    Stmt, R,
};
use crate::catalog::{choose_constraint_name, Sequence};
use crate::diagnostics::Diagnostics;
use crate::pg::deparse::stored_default;
use crate::sql::parse::ast::{
    AlterDomain, AlterDomainAction, AlterIndex, AlterIndexAction, AlterSequence,
    AlterSequenceAction, AttributeAction, PgStatement, SequenceClauses,
};

impl Replayer {
    /// Applies a statement read by schemagen's own parsers.
    pub(crate) fn apply_pg(
        &mut self,
        stmt: Stmt<'_>,
        pg: &PgStatement,
        diags: &mut Diagnostics,
    ) -> R<Outcome> {
        let _ = (stmt, &diags);
        match pg {
            PgStatement::AlterTable(at) => self.alter_table(at),
            PgStatement::AlterIndex(a) => self.alter_index_pg(a),
            PgStatement::AlterSequence(a) => self.alter_sequence(a),
            PgStatement::AlterDomain(a) => self.alter_domain(a),
            PgStatement::AlterTypeAttributes { name, actions } => {
                self.alter_type_attributes(name, actions)
            }
            PgStatement::SetSchema {
                kind,
                if_exists,
                name,
                schema,
            } => self.set_schema(kind, *if_exists, name, schema),
            PgStatement::Touch {
                kind,
                if_exists,
                name,
            } => match name {
                Some(name) => self.touch(kind, *if_exists, name),
                None => Ok(Outcome::Understood),
            },
            PgStatement::AlterExtension { name, set_schema } => {
                self.alter_extension(name, set_schema.as_ref())
            }
            PgStatement::CreateDomain(d) => {
                let checks: Vec<(Option<String>, sqlparser::ast::Expr)> = d
                    .checks
                    .iter()
                    .map(|(n, e)| (n.as_ref().map(fold), e.clone()))
                    .collect();
                self.define_domain(
                    &d.name,
                    &d.data_type,
                    d.default.as_ref(),
                    d.not_null,
                    &checks,
                )
            }
        }
    }

    /// `ALTER EXTENSION`: only `SET SCHEMA` changes what is modelled.
    fn alter_extension(&mut self, name: &Ident, set_schema: Option<&Ident>) -> R<Outcome> {
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
        super::objects::move_extension(&mut self.catalog, &n, &ext.schema, &target);
        Ok(Outcome::Understood)
    }

    /// The schema holding the index `name`.
    fn find_index(&self, name: &ObjectName) -> Option<(String, String)> {
        let (schema, n) = split_name(name);
        self.find_in_path(schema.as_deref(), &|s| s.index_owner(&n).is_some())
            .map(|s| (s, n))
    }

    /// `ALTER INDEX`.
    fn alter_index_pg(&mut self, a: &AlterIndex) -> R<Outcome> {
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
    fn touch(&mut self, kind: &str, if_exists: bool, name: &ObjectName) -> R<Outcome> {
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
    fn alter_sequence(&mut self, a: &AlterSequence) -> R<Outcome> {
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

    /// `ALTER DOMAIN`.
    fn alter_domain(&mut self, a: &AlterDomain) -> R<Outcome> {
        let (schema, n) = split_name(&a.name);
        let Some(schema) = self.find_in_path(schema.as_deref(), &|s| s.domains.contains_key(&n))
        else {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("type \"{n}\" does not exist"),
            ));
        };
        let domain = self.catalog.schemas[&schema].domains[&n].clone();
        let mut d = domain.clone();
        let missing = |c: &Ident| {
            ReplayError::new(
                SqlState::UndefinedObject,
                format!(
                    "constraint \"{}\" of domain \"{n}\" does not exist",
                    fold(c)
                ),
            )
        };
        match &a.action {
            AlterDomainAction::SetDefault(e) => {
                d.default = stored_default(e, &d.base, &self.expr_ctx(&[]));
            }
            AlterDomainAction::DropDefault => d.default = None,
            AlterDomainAction::NotNull(b) => d.not_null = *b,
            AlterDomainAction::AddCheck {
                name,
                expr,
                not_valid,
            } => {
                let name = match name {
                    Some(c) => {
                        let c = fold(c);
                        if d.checks.iter().any(|x| x.name == c) {
                            return Err(ReplayError::new(
                                SqlState::DuplicateObject,
                                format!("constraint \"{c}\" for domain \"{n}\" already exists"),
                            ));
                        }
                        c
                    }
                    None => choose_constraint_name(&n, None, "check", &|x| {
                        d.checks.iter().any(|c| c.name == x)
                    }),
                };
                let mut check = self
                    .domain_checks(&n, &d.base, &[(Some(name), expr.clone())])
                    .remove(0);
                check.validated = !not_valid;
                d.checks.push(check);
                d.checks.sort_by(|a, b| a.name.cmp(&b.name));
            }
            AlterDomainAction::DropConstraint { name, if_exists } => {
                let c = fold(name);
                if !d.checks.iter().any(|x| x.name == c) {
                    if *if_exists {
                        return Ok(Outcome::Understood);
                    }
                    return Err(missing(name));
                }
                d.checks.retain(|x| x.name != c);
            }
            AlterDomainAction::RenameConstraint(old, new) => {
                let (o, nn) = (fold(old), fold(new));
                if d.checks.iter().any(|x| x.name == nn) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("constraint \"{nn}\" for domain \"{n}\" already exists"),
                    ));
                }
                let Some(c) = d.checks.iter_mut().find(|x| x.name == o) else {
                    return Err(missing(old));
                };
                c.name = nn;
                d.checks.sort_by(|a, b| a.name.cmp(&b.name));
            }
            AlterDomainAction::ValidateConstraint(c) => {
                let name = fold(c);
                let Some(x) = d.checks.iter_mut().find(|x| x.name == name) else {
                    return Err(missing(c));
                };
                x.validated = true;
            }
            AlterDomainAction::RenameTo(new) => {
                let new = fold(new);
                let s = self.catalog.schemas.get_mut(&schema).expect("schema");
                if s.has_type(&new) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("type \"{new}\" already exists"),
                    ));
                }
                s.domains.remove(&n);
                d.name = new.clone();
                s.domains.insert(new.clone(), d);
                self.rename_type_references(&schema, &n, &new);
                return Ok(Outcome::Understood);
            }
            AlterDomainAction::NoOp => {}
        }
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .domains
            .insert(n, d);
        Ok(Outcome::Understood)
    }

    /// `ALTER TYPE name {ADD|DROP|ALTER|RENAME} ATTRIBUTE …` on a composite type.
    fn alter_type_attributes(
        &mut self,
        name: &ObjectName,
        actions: &[AttributeAction],
    ) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let Some(schema) = self.find_in_path(schema.as_deref(), &|s| s.has_type(&n)) else {
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("type \"{n}\" does not exist"),
            ));
        };
        let Some(mut comp) = self.catalog.schemas[&schema].composites.get(&n).cloned() else {
            return Err(ReplayError::new(
                SqlState::InvalidDefinition,
                format!("\"{n}\" is not a composite type"),
            ));
        };
        let exists = |attrs: &[(String, crate::catalog::SqlType)], a: &str| {
            attrs.iter().any(|(x, _)| x == a)
        };
        for action in actions {
            match action {
                AttributeAction::Add {
                    name, data_type, ..
                } => {
                    let a = fold(name);
                    if exists(&comp.attributes, &a) {
                        return Err(ReplayError::new(
                            SqlState::DuplicateColumn,
                            format!("column \"{a}\" of relation \"{n}\" already exists"),
                        ));
                    }
                    let ty = self.resolve_column_type(data_type)?;
                    comp.attributes.push((a, ty));
                }
                AttributeAction::Drop {
                    name, if_exists, ..
                } => {
                    let a = fold(name);
                    if !exists(&comp.attributes, &a) {
                        if *if_exists {
                            continue;
                        }
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{a}\" of relation \"{n}\" does not exist"),
                        ));
                    }
                    comp.attributes.retain(|(x, _)| *x != a);
                }
                AttributeAction::AlterType {
                    name, data_type, ..
                } => {
                    let a = fold(name);
                    if let Some(user) = self.composite_user(&schema, &n) {
                        return Err(ReplayError::new(
                            SqlState::InvalidDefinition,
                            format!("cannot alter type \"{n}\" because column \"{user}\" uses it"),
                        ));
                    }
                    let ty = self.resolve_column_type(data_type)?;
                    let Some(slot) = comp.attributes.iter_mut().find(|(x, _)| *x == a) else {
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{a}\" of relation \"{n}\" does not exist"),
                        ));
                    };
                    slot.1 = ty;
                }
                AttributeAction::Rename { name, to, .. } => {
                    let (a, b) = (fold(name), fold(to));
                    if exists(&comp.attributes, &b) {
                        return Err(ReplayError::new(
                            SqlState::DuplicateColumn,
                            format!("column \"{b}\" of relation \"{n}\" already exists"),
                        ));
                    }
                    let Some(slot) = comp.attributes.iter_mut().find(|(x, _)| *x == a) else {
                        return Err(ReplayError::new(
                            SqlState::UndefinedColumn,
                            format!("column \"{a}\" does not exist"),
                        ));
                    };
                    slot.0 = b;
                }
            }
        }
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .composites
            .insert(n, comp);
        Ok(Outcome::Understood)
    }

    /// A table column (`table.column`) whose type is the composite `schema.name`.
    fn composite_user(&self, schema: &str, name: &str) -> Option<String> {
        self.catalog.schemas.values().find_map(|s| {
            s.tables.values().find_map(|t| {
                t.columns
                    .iter()
                    .find(|c| c.ty.schema == schema && c.ty.name == name)
                    .map(|c| format!("{}.{}", t.name, c.name))
            })
        })
    }
}

impl Replayer {
    /// `ALTER {TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|TYPE|DOMAIN} … SET SCHEMA s`.
    pub(super) fn set_schema(
        &mut self,
        kind: &str,
        if_exists: bool,
        name: &ObjectName,
        schema: &Ident,
    ) -> R<Outcome> {
        let _ = kind;
        set_schema_impl(self, if_exists, name, schema)
    }
}

/// `ALTER … SET SCHEMA s`: moves a table, view, sequence or type (with the sequences its
/// columns own).
fn set_schema_impl(
    r: &mut Replayer,
    if_exists: bool,
    name: &ObjectName,
    target: &Ident,
) -> R<Outcome> {
    let target = fold(target);
    if !r.catalog.schemas.contains_key(&target) {
        return Err(ReplayError::new(
            SqlState::InvalidSchemaName,
            format!("schema \"{target}\" does not exist"),
        ));
    }
    let (schema, n) = split_name(name);
    let Some(from) = r.find_in_path(schema.as_deref(), &|s| s.has_relation(&n) || s.has_type(&n))
    else {
        if if_exists {
            return Ok(Outcome::Understood);
        }
        return Err(undefined_relation(schema.as_deref(), &n));
    };
    if from == target {
        return Ok(Outcome::Understood);
    }
    let dst = &r.catalog.schemas[&target];
    if dst.has_relation(&n) || dst.has_type(&n) {
        return Err(ReplayError::new(
            SqlState::DuplicateObject,
            format!("relation \"{n}\" already exists in schema \"{target}\""),
        ));
    }
    let src = r.catalog.schemas.get_mut(&from).expect("schema");
    let table = src.tables.remove(&n);
    let view = src.views.remove(&n);
    let seq = src.sequences.remove(&n);
    let en = src.enums.remove(&n);
    let comp = src.composites.remove(&n);
    let dom = src.domains.remove(&n);
    // Sequences owned by a moved table move with it.
    let owned: Vec<String> = if table.is_some() {
        src.sequences
            .iter()
            .filter(|(_, q)| q.owned_by.as_ref().is_some_and(|(t, _)| *t == n))
            .map(|(k, _)| k.clone())
            .collect()
    } else {
        Vec::new()
    };
    let owned: Vec<_> = owned
        .into_iter()
        .filter_map(|k| src.sequences.remove(&k))
        .collect();
    let dst = r.catalog.schemas.get_mut(&target).expect("schema");
    let is_type = en.is_some() || comp.is_some() || dom.is_some();
    let moved_table = table.is_some();
    let moved_relation = moved_table || view.is_some();
    if let Some(t) = table {
        dst.tables.insert(n.clone(), t);
        r.tracked.data.moved((&from, &n), (&target, &n));
    }
    if let Some(v) = view {
        dst.views.insert(n.clone(), v);
    }
    if let Some(q) = seq {
        dst.sequences.insert(n.clone(), q);
    }
    for q in owned {
        dst.sequences.insert(q.name.clone(), q);
    }
    if let Some(e) = en {
        dst.enums.insert(n.clone(), e);
    }
    if let Some(c) = comp {
        dst.composites.insert(n.clone(), c);
    }
    if let Some(d) = dom {
        dst.domains.insert(n.clone(), d);
    }
    for s in r.catalog.schemas.values_mut() {
        for t in s.tables.values_mut() {
            if moved_table {
                for f in &mut t.foreign_keys {
                    if f.references.schema == from && f.references.name == n {
                        f.references.schema = target.clone();
                    }
                }
            }
            if is_type {
                for c in &mut t.columns {
                    if c.ty.schema == from && c.ty.name == n {
                        c.ty.schema = target.clone();
                    }
                }
            }
        }
    }
    if moved_relation {
        r.relation_moved(&from, &n, &target);
    }
    Ok(Outcome::Understood)
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
