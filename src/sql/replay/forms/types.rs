//! `ALTER DOMAIN`, and the attributes of composite types (`ALTER TYPE … ADD|DROP|ALTER ATTRIBUTE`).

use sqlparser::ast::{Ident, ObjectName};

use crate::catalog::choose_constraint_name;
use crate::pg::deparse::stored_default;
use crate::sql::parse::ast::{AlterDomain, AlterDomainAction, AttributeAction};
use crate::sql::replay::{fold, split_name, Outcome, ReplayError, Replayer, SqlState, R};

impl Replayer {
    /// `ALTER DOMAIN`.
    pub(super) fn alter_domain(&mut self, a: &AlterDomain) -> R<Outcome> {
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
    pub(super) fn alter_type_attributes(
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
