//! Tracking: the catalog before and after one statement compared, object by object, to record
//! where each was created, changed or dropped.

use crate::catalog::{Catalog, Schema, Table, View};
use std::collections::BTreeMap;

use super::*;

/// Which relations and types a statement may have changed: `None`, any; `Some(names)`, those
/// with one of these names, and any it created or dropped (found by a collection's size
/// changing, or by name).
pub type Scope<'a> = Option<&'a std::collections::HashSet<String>>;

/// Records in `now.provenance` what changed between `before` and `now`, as done by the statement
/// at `at`, and brings `before` up to `now` (copying only what changed). With a [`Scope`], only
/// the objects it accepts are compared, and objects created or dropped: a statement that can
/// change only the objects it names is recorded without comparing the whole catalog.
pub fn track(before: &mut Catalog, now: &mut Catalog, at: &Place, scope: Scope<'_>) {
    let Catalog {
        schemas,
        provenance,
        ..
    } = now;
    if scope.is_none() && before.schemas == *schemas {
        return;
    }
    let gone: Vec<String> = before
        .schemas
        .keys()
        .filter(|s| !schemas.contains_key(*s))
        .cloned()
        .collect();
    for s in gone {
        provenance.dropped_schema(&s);
        before.schemas.remove(&s);
    }
    for (name, schema) in schemas.iter() {
        match before.schemas.get_mut(name) {
            None => {
                provenance.created(ObjectKey::schema(name), at);
                let mut empty = Schema::new(name.clone());
                track_schema(&mut empty, schema, provenance, at, None);
                before.schemas.insert(name.clone(), empty);
            }
            Some(old) if scope.is_some() || old != schema => {
                track_schema(old, schema, provenance, at, scope)
            }
            Some(_) => {}
        }
    }
}

pub(super) fn track_schema(
    old: &mut Schema,
    new: &Schema,
    prov: &mut Provenance,
    at: &Place,
    scope: Scope<'_>,
) {
    let s = new.name.as_str();
    if old.comment != new.comment || old.functions != new.functions {
        prov.changed(ObjectKey::schema(s), at);
        old.comment.clone_from(&new.comment);
        old.functions.clone_from(&new.functions);
    }
    track_map(
        &mut old.tables,
        &new.tables,
        (ObjectKind::Table, s),
        prov,
        at,
        scope,
        &track_table,
    );
    track_map(
        &mut old.views,
        &new.views,
        (ObjectKind::View, s),
        prov,
        at,
        scope,
        &track_view,
    );
    track_map(
        &mut old.enums,
        &new.enums,
        (ObjectKind::Enum, s),
        prov,
        at,
        scope,
        &no_members,
    );
    track_map(
        &mut old.sequences,
        &new.sequences,
        (ObjectKind::Sequence, s),
        prov,
        at,
        scope,
        &no_members,
    );
    track_map(
        &mut old.composites,
        &new.composites,
        (ObjectKind::Composite, s),
        prov,
        at,
        scope,
        &no_members,
    );
    track_map(
        &mut old.domains,
        &new.domains,
        (ObjectKind::Domain, s),
        prov,
        at,
        scope,
        &|old: Option<&crate::catalog::Domain>, new: &crate::catalog::Domain, s, prov, at| {
            members(
                old.map(|d| &d.checks[..]),
                &new.checks,
                |c| &c.name,
                ObjectKind::Check,
                (s, &new.name),
                prov,
                at,
            )
        },
    );
}

/// For objects recorded whole (enums, sequences, composite types).
pub(super) fn no_members<T>(_: Option<&T>, _: &T, _: &str, _: &mut Provenance, _: &Place) {}

/// Diffs one collection of a schema: `members` records the members of a created or changed
/// object (given the old object when there was one).
pub(super) type MemberTracker<T> = dyn Fn(Option<&T>, &T, &str, &mut Provenance, &Place);

pub(super) fn track_map<T: Clone + PartialEq>(
    old: &mut BTreeMap<String, T>,
    new: &BTreeMap<String, T>,
    (kind, schema): (ObjectKind, &str),
    prov: &mut Provenance,
    at: &Place,
    scope: Scope<'_>,
    members: &MemberTracker<T>,
) {
    let one = |old: &mut BTreeMap<String, T>,
               n: &String,
               obj: Option<&T>,
               prov: &mut Provenance| match (old.get(n), obj) {
        (None, None) => {}
        (Some(_), None) => {
            prov.dropped(kind, schema, n);
            old.remove(n);
        }
        (None, Some(obj)) => {
            prov.created(ObjectKey::object(kind, schema, n), at);
            members(None, obj, schema, prov, at);
            old.insert(n.clone(), obj.clone());
        }
        (Some(o), Some(obj)) if o != obj => {
            prov.changed(ObjectKey::object(kind, schema, n), at);
            members(Some(o), obj, schema, prov, at);
            old.insert(n.clone(), obj.clone());
        }
        (Some(_), Some(_)) => {}
    };
    match scope {
        // As many objects as before: what the statement named is all it can have changed,
        // created or dropped.
        Some(names) if old.len() == new.len() => {
            for n in names {
                one(old, n, new.get(n), prov);
            }
        }
        _ => {
            if scope.is_none() && old == new {
                return;
            }
            let gone: Vec<String> = old
                .keys()
                .filter(|n| !new.contains_key(*n))
                .cloned()
                .collect();
            for n in &gone {
                one(old, n, None, prov);
            }
            for (n, obj) in new {
                if !old.contains_key(n) || scope.is_none_or(|names| names.contains(n)) {
                    one(old, n, Some(obj), prov);
                }
            }
        }
    }
}

pub(super) fn track_table(
    old: Option<&Table>,
    new: &Table,
    schema: &str,
    prov: &mut Provenance,
    at: &Place,
) {
    let owner = (schema, new.name.as_str());
    members(
        old.map(|t| &t.columns[..]),
        &new.columns,
        |c| &c.name,
        ObjectKind::Column,
        owner,
        prov,
        at,
    );
    members(
        old.map(|t| t.primary_key.as_slice()),
        new.primary_key.as_slice(),
        |c| &c.name,
        ObjectKind::PrimaryKey,
        owner,
        prov,
        at,
    );
    members(
        old.map(|t| &t.uniques[..]),
        &new.uniques,
        |c| &c.name,
        ObjectKind::Unique,
        owner,
        prov,
        at,
    );
    members(
        old.map(|t| &t.foreign_keys[..]),
        &new.foreign_keys,
        |c| &c.name,
        ObjectKind::ForeignKey,
        owner,
        prov,
        at,
    );
    members(
        old.map(|t| &t.checks[..]),
        &new.checks,
        |c| &c.name,
        ObjectKind::Check,
        owner,
        prov,
        at,
    );
    members(
        old.map(|t| &t.exclusions[..]),
        &new.exclusions,
        |c| &c.name,
        ObjectKind::Exclusion,
        owner,
        prov,
        at,
    );
    members(
        old.map(|t| &t.indexes[..]),
        &new.indexes,
        |c| &c.name,
        ObjectKind::Index,
        owner,
        prov,
        at,
    );
    members(
        old.map(|t| &t.policies[..]),
        &new.policies,
        |c| &c.name,
        ObjectKind::Policy,
        owner,
        prov,
        at,
    );
}

pub(super) fn track_view(
    old: Option<&View>,
    new: &View,
    schema: &str,
    prov: &mut Provenance,
    at: &Place,
) {
    let owner = (schema, new.name.as_str());
    members(
        old.map(|v| &v.columns[..]),
        &new.columns,
        |c| &c.name,
        ObjectKind::Column,
        owner,
        prov,
        at,
    );
    members(
        old.map(|v| &v.indexes[..]),
        &new.indexes,
        |c| &c.name,
        ObjectKind::Index,
        owner,
        prov,
        at,
    );
}

/// Records the members of one list (matched by name) that were created, changed or dropped.
pub(super) fn members<T: PartialEq>(
    old: Option<&[T]>,
    new: &[T],
    name: impl Fn(&T) -> &String,
    kind: ObjectKind,
    (schema, owner): (&str, &str),
    prov: &mut Provenance,
    at: &Place,
) {
    let old = old.unwrap_or(&[]);
    if old == new {
        return;
    }
    for o in old {
        if !new.iter().any(|n| name(n) == name(o)) {
            prov.dropped_member(&ObjectKey::member(kind, schema, owner, name(o)));
        }
    }
    for n in new {
        let key = || ObjectKey::member(kind, schema, owner, name(n));
        match old.iter().find(|o| name(o) == name(n)) {
            None => prov.created(key(), at),
            Some(o) if o != n => prov.changed(key(), at),
            Some(_) => {}
        }
    }
}
