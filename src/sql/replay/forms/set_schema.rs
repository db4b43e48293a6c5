//! `ALTER … SET SCHEMA` of tables, views, sequences, types and functions.

use sqlparser::ast::{Ident, ObjectName};

use crate::sql::replay::{
    fold, split_name, undefined_relation, Outcome, ReplayError, Replayer, SqlState, R,
};

impl Replayer {
    /// `ALTER {TABLE|VIEW|MATERIALIZED VIEW|SEQUENCE|TYPE|DOMAIN} … SET SCHEMA s`.
    pub(in crate::sql::replay) fn set_schema(
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
    // A range type moves without its multirange type, and a multirange type without its range.
    let range = src.ranges.remove(&n);
    let multirange = src.multiranges.remove(&n);
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
    let is_type =
        en.is_some() || comp.is_some() || dom.is_some() || range.is_some() || multirange.is_some();
    let moved_range = range.is_some();
    let moved_table = table.is_some();
    let moved_relation = moved_table || view.is_some();
    if let Some(t) = table {
        dst.tables.insert(n.clone(), t);
        r.tracked.data.moved((&from, &n), (&target, &n));
    }
    if moved_relation {
        r.tracked
            .triggers
            .relation_moved((&from, &n), (&target, &n));
    }
    if let Some(v) = view {
        r.row_clock += 1;
        dst.views.insert(
            n.clone(),
            crate::catalog::View {
                row_order: r.row_clock,
                ..v
            },
        );
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
    if let Some(rt) = range {
        dst.ranges.insert(n.clone(), rt);
    }
    if let Some(m) = multirange {
        dst.multiranges.insert(n.clone(), m);
    }
    if moved_range {
        for s in r.catalog.schemas.values_mut() {
            for m in s.multiranges.values_mut() {
                if m.schema == from && m.name == n {
                    m.schema = target.clone();
                }
            }
        }
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
        if is_type {
            // Domains, composite attributes and ranges over the type follow it.
            let follow = |ty: &mut crate::catalog::SqlType| {
                if ty.schema == from && ty.name == n {
                    ty.schema = target.clone();
                }
            };
            s.domains.values_mut().for_each(|d| follow(&mut d.base));
            s.composites
                .values_mut()
                .flat_map(|c| c.attributes.iter_mut())
                .for_each(|(_, ty)| follow(ty));
            s.ranges.values_mut().for_each(|rt| follow(&mut rt.subtype));
        }
    }
    if moved_relation {
        r.relation_moved(&from, &n, &target);
    }
    Ok(Outcome::Understood)
}
