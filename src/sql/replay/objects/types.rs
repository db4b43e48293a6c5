//! `CREATE`/`ALTER TYPE` (enums, composites) and domains.

use sqlparser::ast::{
    AlterType, AlterTypeAddValuePosition, AlterTypeOperation, CreateDomain, DropDomain, Expr,
    Ident, ObjectName, UserDefinedTypeRangeOption, UserDefinedTypeRepresentation,
};

use crate::catalog::{CompositeType, Domain, EnumType, QualifiedName, RangeType};
use crate::pg::deparse::{deparse_bool, stored_default};
use crate::sql::replay::{fold, split_name, Outcome, ReplayError, Replayer, SqlState, R};

use super::text::replace_value_keyword;

impl Replayer {
    /// The schema of an existing type (enum, domain, composite), or `None`.
    pub(super) fn find_type(&self, name: &ObjectName) -> Option<(String, String)> {
        let (schema, n) = split_name(name);
        self.find_in_path(schema.as_deref(), &|s| s.has_type(&n))
            .map(|s| (s, n))
    }

    /// Whether the type `schema.name` is the one its bare name finds on the search path (how
    /// PostgreSQL decides to print it unqualified).
    pub(crate) fn type_visible(&self, schema: &str, name: &str) -> bool {
        self.find_in_path(None, &|s| s.has_type(name)).as_deref() == Some(schema)
    }

    /// `CREATE TYPE`.
    pub(crate) fn create_type(
        &mut self,
        name: &ObjectName,
        repr: Option<&UserDefinedTypeRepresentation>,
    ) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let schema = self.target_schema(schema)?;
        if self.catalog.schemas[&schema].has_type(&n) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("type \"{n}\" already exists"),
            ));
        }
        match repr {
            Some(UserDefinedTypeRepresentation::Enum { labels }) => {
                let mut values: Vec<String> = Vec::with_capacity(labels.len());
                for l in labels {
                    enum_label_fits(l)?;
                    if values.contains(&l.value) {
                        // PostgreSQL finds it when inserting into pg_enum.
                        return Err(ReplayError::new(
                            SqlState::UniqueViolation,
                            format!(
                                "duplicate key value violates unique constraint \
                                 \"pg_enum_typid_label_index\": enum label \"{}\" is listed twice",
                                l.value
                            ),
                        )
                        .at(l.span.start));
                    }
                    values.push(l.value.clone());
                }
                self.catalog
                    .schemas
                    .get_mut(&schema)
                    .expect("schema")
                    .enums
                    .insert(
                        n.clone(),
                        EnumType {
                            name: n,
                            values,
                            comment: None,
                        },
                    );
                Ok(Outcome::Understood)
            }
            Some(UserDefinedTypeRepresentation::Composite { attributes }) => {
                let mut attrs = Vec::new();
                for a in attributes {
                    attrs.push((fold(&a.name), self.resolve_column_type(&a.data_type)?));
                }
                if self.catalog.schemas[&schema].has_relation(&n) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateTable,
                        format!("relation \"{n}\" already exists"),
                    ));
                }
                self.catalog
                    .schemas
                    .get_mut(&schema)
                    .expect("schema")
                    .composites
                    .insert(
                        n.clone(),
                        CompositeType {
                            name: n,
                            attributes: attrs,
                        },
                    );
                Ok(Outcome::Understood)
            }
            Some(UserDefinedTypeRepresentation::Range { options }) => {
                self.create_range(&schema, n, options)
            }
            _ => Ok(Outcome::NotUnderstood(
                "only enum, composite and range types are modelled (base and shell types are not)"
                    .into(),
            )),
        }
    }

    /// `CREATE TYPE n AS RANGE (…)`: the range type and the multirange type PostgreSQL makes
    /// with it (`MULTIRANGE_TYPE_NAME`, else the name with `range` made `multirange`, else with
    /// `_multirange` added).
    fn create_range(
        &mut self,
        schema: &str,
        n: String,
        options: &[UserDefinedTypeRangeOption],
    ) -> R<Outcome> {
        let mut subtype = None;
        let mut multirange = None;
        let mut seen: Vec<&'static str> = Vec::new();
        for o in options {
            let attr = match o {
                UserDefinedTypeRangeOption::Subtype(_) => "subtype",
                UserDefinedTypeRangeOption::SubtypeOpClass(_) => "subtype_opclass",
                UserDefinedTypeRangeOption::Collation(_) => "collation",
                UserDefinedTypeRangeOption::Canonical(_) => "canonical",
                UserDefinedTypeRangeOption::SubtypeDiff(_) => "subtype_diff",
                UserDefinedTypeRangeOption::MultirangeTypeName(_) => "multirange_type_name",
            };
            if seen.contains(&attr) {
                return Err(ReplayError::new(
                    SqlState::SyntaxError,
                    "conflicting or redundant options".to_string(),
                ));
            }
            seen.push(attr);
            match o {
                UserDefinedTypeRangeOption::Subtype(dt) => subtype = Some(dt),
                UserDefinedTypeRangeOption::MultirangeTypeName(m) => multirange = Some(m),
                // A canonical function takes the range type, so it needs a shell type first,
                // which is not modelled.
                UserDefinedTypeRangeOption::Canonical(_) => {
                    return Ok(Outcome::NotUnderstood(
                        "range types with a CANONICAL function are not modelled".into(),
                    ))
                }
                _ => {}
            }
        }
        let Some(subtype) = subtype else {
            return Err(ReplayError::new(
                SqlState::Raised("invalid_object_definition"),
                "type attribute \"subtype\" is required".to_string(),
            ));
        };
        let subtype = self.resolve_column_type(subtype)?;
        let (mschema, mname) = match multirange {
            Some(m) => {
                let (ms, mn) = split_name(m);
                (self.target_schema(ms)?, mn)
            }
            None => (schema.to_string(), multirange_type_name(&n)),
        };
        if self.catalog.schemas[&mschema].has_type(&mname) || (mschema == schema && mname == n) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("type \"{mname}\" already exists"),
            ));
        }
        let range = QualifiedName::new(schema, &n);
        self.catalog
            .schemas
            .get_mut(&mschema)
            .expect("schema")
            .multiranges
            .insert(mname, range);
        self.catalog
            .schemas
            .get_mut(schema)
            .expect("schema")
            .ranges
            .insert(n.clone(), RangeType { name: n, subtype });
        Ok(Outcome::Understood)
    }

    /// `ALTER TYPE`: enum values and renames.
    pub(crate) fn alter_type(&mut self, a: &AlterType) -> R<Outcome> {
        let Some((schema, n)) = self.find_type(&a.name) else {
            let (s, n) = split_name(&a.name);
            let shown = s.map(|s| format!("{s}.{n}")).unwrap_or(n);
            return Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("type \"{shown}\" does not exist"),
            ));
        };
        let s = self.catalog.schemas.get_mut(&schema).expect("schema");
        match &a.operation {
            AlterTypeOperation::AddValue(add) => {
                let Some(e) = s.enums.get_mut(&n) else {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("\"{n}\" is not an enum"),
                    ));
                };
                enum_label_fits(&add.value)?;
                let v = add.value.value.clone();
                if e.values.contains(&v) {
                    if add.if_not_exists {
                        return Ok(Outcome::Understood);
                    }
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("enum label \"{v}\" already exists"),
                    )
                    .at(add.value.span.start));
                }
                let pos = match &add.position {
                    None => e.values.len(),
                    Some(AlterTypeAddValuePosition::Before(b))
                    | Some(AlterTypeAddValuePosition::After(b)) => {
                        let Some(i) = e.values.iter().position(|x| *x == b.value) else {
                            return Err(ReplayError::new(
                                SqlState::InvalidDefinition,
                                format!("\"{}\" is not an existing enum label", b.value),
                            )
                            .at(b.span.start));
                        };
                        if matches!(add.position, Some(AlterTypeAddValuePosition::After(_))) {
                            i + 1
                        } else {
                            i
                        }
                    }
                };
                e.values.insert(pos, v.clone());
                if !self.autocommit {
                    self.new_enum_values.push((schema.clone(), n.clone(), v));
                }
            }
            AlterTypeOperation::RenameValue(r) => {
                let Some(e) = s.enums.get_mut(&n) else {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("\"{n}\" is not an enum"),
                    ));
                };
                enum_label_fits(&r.to)?;
                if e.values.contains(&r.to.value) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("enum label \"{}\" already exists", r.to.value),
                    )
                    .at(r.to.span.start));
                }
                let Some(v) = e.values.iter_mut().find(|v| **v == r.from.value) else {
                    return Err(ReplayError::new(
                        SqlState::InvalidDefinition,
                        format!("\"{}\" is not an existing enum label", r.from.value),
                    )
                    .at(r.from.span.start));
                };
                *v = r.to.value.clone();
                // Defaults mention labels as literals: follow the rename.
                let (from, to) = (
                    crate::sql::quote_literal(&r.from.value),
                    crate::sql::quote_literal(&r.to.value),
                );
                for sc in self.catalog.schemas.values_mut() {
                    for t in sc.tables.values_mut() {
                        for c in &mut t.columns {
                            if c.ty.schema == schema && c.ty.name == n {
                                if let Some(d) = &mut c.default {
                                    if d.starts_with(&format!("{from}::")) {
                                        *d = d.replacen(&from, &to, 1);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            AlterTypeOperation::Rename(r) => {
                let new = fold(&r.new_name);
                if s.has_type(&new) {
                    return Err(ReplayError::new(
                        SqlState::DuplicateObject,
                        format!("type \"{new}\" already exists"),
                    ));
                }
                if let Some(mut e) = s.enums.remove(&n) {
                    e.name = new.clone();
                    s.enums.insert(new.clone(), e);
                } else if let Some(mut d) = s.domains.remove(&n) {
                    d.name = new.clone();
                    s.domains.insert(new.clone(), d);
                } else if let Some(mut c) = s.composites.remove(&n) {
                    c.name = new.clone();
                    s.composites.insert(new.clone(), c);
                } else if let Some(mut r) = s.ranges.remove(&n) {
                    // Its multirange type keeps its name and follows it.
                    r.name = new.clone();
                    s.ranges.insert(new.clone(), r);
                    for sc in self.catalog.schemas.values_mut() {
                        for m in sc.multiranges.values_mut() {
                            if m.schema == schema && m.name == n {
                                m.name = new.clone();
                            }
                        }
                    }
                } else if let Some(m) = s.multiranges.remove(&n) {
                    s.multiranges.insert(new.clone(), m);
                }
                self.rename_type_references(&schema, &n, &new);
            }
        }
        Ok(Outcome::Understood)
    }

    /// Column types (and defaults' casts) follow a type rename.
    pub(crate) fn rename_type_references(&mut self, schema: &str, old: &str, new: &str) {
        let old_cast = format!("::{}", crate::sql::quote_ident(old));
        let new_cast = format!("::{}", crate::sql::quote_ident(new));
        for sc in self.catalog.schemas.values_mut() {
            for t in sc.tables.values_mut() {
                for c in &mut t.columns {
                    if c.ty.schema == schema && c.ty.name == old {
                        c.ty.name = new.to_string();
                        if let Some(d) = &mut c.default {
                            *d = d.replace(&old_cast, &new_cast);
                        }
                    }
                }
            }
            for d in sc.domains.values_mut() {
                if d.base.schema == schema && d.base.name == old {
                    d.base.name = new.to_string();
                }
            }
            let types = sc
                .composites
                .values_mut()
                .flat_map(|c| c.attributes.iter_mut().map(|(_, ty)| ty))
                .chain(sc.ranges.values_mut().map(|r| &mut r.subtype));
            for ty in types {
                if ty.schema == schema && ty.name == old {
                    ty.name = new.to_string();
                }
            }
        }
    }

    /// `CREATE DOMAIN`.
    pub(crate) fn create_domain(&mut self, d: &CreateDomain) -> R<Outcome> {
        let written: Vec<(Option<String>, Expr)> = d
            .constraints
            .iter()
            .filter_map(|c| match c {
                sqlparser::ast::TableConstraint::Check(c) => {
                    Some((c.name.as_ref().map(fold), (*c.expr).clone()))
                }
                _ => None,
            })
            .collect();
        self.define_domain(&d.name, &d.data_type, d.default.as_ref(), false, &written)
    }

    /// Adds a domain (`CREATE DOMAIN`, from sqlparser's AST or the token-level fallback).
    pub(crate) fn define_domain(
        &mut self,
        name: &ObjectName,
        data_type: &sqlparser::ast::DataType,
        default: Option<&Expr>,
        not_null: bool,
        checks: &[(Option<String>, Expr)],
    ) -> R<Outcome> {
        let (schema, n) = split_name(name);
        let schema = self.target_schema(schema)?;
        if self.catalog.schemas[&schema].has_type(&n) {
            return Err(ReplayError::new(
                SqlState::DuplicateObject,
                format!("type \"{n}\" already exists"),
            ));
        }
        let base = self.resolve_column_type(data_type)?;
        let default = default.and_then(|e| stored_default(e, &base, &self.expr_ctx(&[])));
        let checks = self.domain_checks(&n, &base, checks);
        let domain = Domain {
            name: n.clone(),
            base,
            not_null,
            default,
            checks,
        };
        self.catalog
            .schemas
            .get_mut(&schema)
            .expect("schema")
            .domains
            .insert(n, domain);
        Ok(Outcome::Understood)
    }

    /// A domain's CHECK constraints: named `{domain}_check` (numbered) unless named, the
    /// expression printed with `VALUE` for the value.
    pub(crate) fn domain_checks(
        &self,
        domain: &str,
        base: &crate::catalog::SqlType,
        written: &[(Option<String>, Expr)],
    ) -> Vec<crate::catalog::CheckConstraint> {
        let value = crate::catalog::Column {
            name: "value".into(),
            ty: base.clone(),
            ..Default::default()
        };
        let cols = [value];
        let ctx = self.expr_ctx(&cols);
        let mut out: Vec<crate::catalog::CheckConstraint> = Vec::new();
        for (name, e) in written {
            let name = name.clone().unwrap_or_else(|| {
                crate::catalog::choose_constraint_name(domain, None, "check", &|n| {
                    out.iter().any(|c| c.name == n)
                })
            });
            let text = deparse_bool(e, &ctx);
            out.push(crate::catalog::CheckConstraint {
                name,
                expression: replace_value_keyword(&text),
                validated: true,
                no_inherit: false,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// `DROP DOMAIN`.
    pub(crate) fn drop_domain(&mut self, d: &DropDomain) -> R<Outcome> {
        let (schema, n) = split_name(&d.name);
        match self.find_in_path(schema.as_deref(), &|s| s.domains.contains_key(&n)) {
            Some(s) => {
                let cascade =
                    matches!(d.drop_behavior, Some(sqlparser::ast::DropBehavior::Cascade));
                self.drop_type(&s, &n, cascade)?;
                Ok(Outcome::Understood)
            }
            None if d.if_exists => Ok(Outcome::Understood),
            None => Err(ReplayError::new(
                SqlState::UndefinedObject,
                format!("type \"{n}\" does not exist"),
            )),
        }
    }
}

/// PostgreSQL's `makeMultirangeTypeName`: the first `range` in the name becomes `multirange`,
/// else `_multirange` is added (to the name cut to `NAMEDATALEN - 12` bytes); clipped to 63
/// bytes.
fn multirange_type_name(range: &str) -> String {
    let name = match range.find("range") {
        Some(i) => format!("{}multi{}", &range[..i], &range[i..]),
        None => {
            let mut cut = range.len().min(crate::catalog::NAMEDATALEN - 12);
            while !range.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}_multirange", &range[..cut])
        }
    };
    crate::catalog::truncate_identifier(&name)
}

/// PostgreSQL's limit on an enum label: `NAMEDATALEN - 1` bytes.
fn enum_label_fits(label: &Ident) -> R<()> {
    if label.value.len() <= 63 {
        return Ok(());
    }
    Err(ReplayError::new(
        SqlState::InvalidParameterValue,
        format!(
            "invalid enum label \"{}\": labels must be 63 bytes or less ({} bytes)",
            label.value,
            label.value.len()
        ),
    )
    .at(label.span.start))
}
