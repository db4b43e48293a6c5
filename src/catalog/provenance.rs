//! Where each object of a catalog comes from: the statement that created it and the one that
//! last changed it ([`Provenance`], kept in [`Catalog::provenance`]).
//!
//! Provenance is not part of a catalog's value: two catalogs that differ only in it are equal,
//! and it is never serialised, so every rendered output stays the same whether it was recorded
//! or not. Replay records it on request (`inspect --verify-with` names, for every object that
//! differs from PostgreSQL's, the migration that last touched it).
//!
//! [`track`] records by comparison: after each statement the catalog is compared with a copy of
//! the one before, object by object, so every way a statement can change an object (a `DO`
//! block, a cascade, a rename of something it refers to) is seen without the replay code
//! having to report it. A statement that can change only the objects it names (the replay
//! decides, see `changes_only_what_it_names` in `sql::replay`) gets a [`Scope`]: only those
//! are compared, with the objects created or dropped; the result is tested equal to comparing
//! everything on every corpus set. A rename is a drop and a creation.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use super::{Catalog, Schema, Table, View};

/// What kind of object an [`ObjectKey`] names. Relations and types (`Table` … `Domain`) live in a
/// schema; the others are members of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectKind {
    /// A schema (its comment, its set of function names).
    Schema,
    /// A table.
    Table,
    /// A view or materialized view.
    View,
    /// An enum type.
    Enum,
    /// A sequence.
    Sequence,
    /// A composite type.
    Composite,
    /// A domain.
    Domain,
    /// A column of a table or view.
    Column,
    /// A primary key.
    PrimaryKey,
    /// A unique constraint.
    Unique,
    /// A foreign key.
    ForeignKey,
    /// A check constraint of a table or domain.
    Check,
    /// An exclusion constraint.
    Exclusion,
    /// An index of a table or materialized view.
    Index,
    /// A row-level security policy.
    Policy,
}

impl ObjectKind {
    /// The noun for messages: `table`, `column`, `foreign key`, …
    pub fn noun(self) -> &'static str {
        match self {
            ObjectKind::Schema => "schema",
            ObjectKind::Table => "table",
            ObjectKind::View => "view",
            ObjectKind::Enum => "enum",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Composite => "composite type",
            ObjectKind::Domain => "domain",
            ObjectKind::Column => "column",
            ObjectKind::PrimaryKey => "primary key",
            ObjectKind::Unique => "unique constraint",
            ObjectKind::ForeignKey => "foreign key",
            ObjectKind::Check => "check constraint",
            ObjectKind::Exclusion => "exclusion constraint",
            ObjectKind::Index => "index",
            ObjectKind::Policy => "policy",
        }
    }

    /// The kind of a schema-level collection by its field name in the catalog's JSON form
    /// (`tables`, `views`, `enums`, `sequences`, `composites`, `domains`).
    pub fn of_collection(field: &str) -> Option<ObjectKind> {
        Some(match field {
            "tables" => ObjectKind::Table,
            "views" => ObjectKind::View,
            "enums" => ObjectKind::Enum,
            "sequences" => ObjectKind::Sequence,
            "composites" => ObjectKind::Composite,
            "domains" => ObjectKind::Domain,
            _ => return None,
        })
    }

    /// The kind of a member by the field of its parent that holds it in the JSON form
    /// (`columns`, `primary_key`, `uniques`, `foreign_keys`, `checks`, `exclusions`,
    /// `indexes`, `policies`).
    pub fn of_member_field(field: &str) -> Option<ObjectKind> {
        Some(match field {
            "columns" => ObjectKind::Column,
            "primary_key" => ObjectKind::PrimaryKey,
            "uniques" => ObjectKind::Unique,
            "foreign_keys" => ObjectKind::ForeignKey,
            "checks" => ObjectKind::Check,
            "exclusions" => ObjectKind::Exclusion,
            "indexes" => ObjectKind::Index,
            "policies" => ObjectKind::Policy,
            _ => return None,
        })
    }

    /// Whether objects of this kind are members of a relation or type.
    pub fn is_member(self) -> bool {
        self >= ObjectKind::Column
    }
}

/// Names one object of a catalog: `schema` and `name` (the schema's own name for
/// [`ObjectKind::Schema`]), and for a member its parent's name in `name` and its own in
/// `member`. Keys sort by schema, then relation, so an object's members follow it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// The schema.
    pub schema: String,
    /// The relation or type (empty for a schema).
    pub name: String,
    /// What kind of object.
    pub kind: ObjectKind,
    /// A member's own name (the column, constraint, index or policy).
    pub member: Option<String>,
}

impl ObjectKey {
    /// A schema.
    pub fn schema(schema: &str) -> Self {
        ObjectKey {
            schema: schema.to_string(),
            name: String::new(),
            kind: ObjectKind::Schema,
            member: None,
        }
    }

    /// A relation or type of `kind` in `schema`.
    pub fn object(kind: ObjectKind, schema: &str, name: &str) -> Self {
        ObjectKey {
            schema: schema.to_string(),
            name: name.to_string(),
            kind,
            member: None,
        }
    }

    /// A member of `kind` called `member` of relation or type `name`.
    pub fn member(kind: ObjectKind, schema: &str, name: &str, member: &str) -> Self {
        ObjectKey {
            schema: schema.to_string(),
            name: name.to_string(),
            kind,
            member: Some(member.to_string()),
        }
    }

    /// `schema.name[.member]`.
    pub fn qualified(&self) -> String {
        match (&self.kind, &self.member) {
            (ObjectKind::Schema, _) => self.schema.clone(),
            (_, Some(m)) => format!("{}.{}.{m}", self.schema, self.name),
            (_, None) => format!("{}.{}", self.schema, self.name),
        }
    }
}

impl fmt::Display for ObjectKey {
    /// `table public.t`, `column public.t.id`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.noun(), self.qualified())
    }
}

/// A place in a migration: file (as the run named it), 1-based line and column (in characters).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// The file.
    pub file: Arc<str>,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for Place {
    /// `file:line:column`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// Where one object was created and last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Touches {
    /// The statement that created it; `None` when it came with the catalog replay started from
    /// (the Supabase base schemas).
    pub created: Option<Place>,
    /// The statement that changed it last (its creation when nothing changed it since).
    pub changed: Place,
}

/// Where each object of a catalog comes from (see the module docs). Always equal to any other
/// `Provenance`: it is not part of a catalog's value.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    objects: BTreeMap<ObjectKey, Touches>,
}

impl PartialEq for Provenance {
    fn eq(&self, _: &Provenance) -> bool {
        true
    }
}

impl Eq for Provenance {}

impl Provenance {
    /// Where `key` was created and last changed, if a recorded statement touched it.
    pub fn get(&self, key: &ObjectKey) -> Option<&Touches> {
        self.objects.get(key)
    }

    /// The record of the relation or type a member belongs to (`key` itself when it is one).
    pub fn owner(&self, key: &ObjectKey) -> Option<(&ObjectKey, &Touches)> {
        let from = ObjectKey::object(ObjectKind::Schema, &key.schema, &key.name);
        self.objects
            .range(from..)
            .take_while(|(k, _)| k.schema == key.schema && k.name == key.name)
            .find(|(k, _)| k.member.is_none() && k.kind != ObjectKind::Schema)
    }

    /// Every object with its record, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&ObjectKey, &Touches)> {
        self.objects.iter()
    }

    /// How many objects have a record.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    fn created(&mut self, key: ObjectKey, at: &Place) {
        self.objects.insert(
            key,
            Touches {
                created: Some(at.clone()),
                changed: at.clone(),
            },
        );
    }

    fn changed(&mut self, key: ObjectKey, at: &Place) {
        match self.objects.get_mut(&key) {
            Some(t) => t.changed = at.clone(),
            None => {
                self.objects.insert(
                    key,
                    Touches {
                        created: None,
                        changed: at.clone(),
                    },
                );
            }
        }
    }

    /// Forgets a relation or type and its members.
    fn dropped(&mut self, kind: ObjectKind, schema: &str, name: &str) {
        let from = ObjectKey::object(ObjectKind::Schema, schema, name);
        let doomed: Vec<ObjectKey> = self
            .objects
            .range(from..)
            .take_while(|(k, _)| k.schema == schema && k.name == name)
            .filter(|(k, _)| k.kind == kind || k.kind.is_member())
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.objects.remove(&k);
        }
    }

    fn dropped_member(&mut self, key: &ObjectKey) {
        self.objects.remove(key);
    }

    fn dropped_schema(&mut self, schema: &str) {
        let from = ObjectKey::schema(schema);
        let doomed: Vec<ObjectKey> = self
            .objects
            .range(from..)
            .take_while(|(k, _)| k.schema == schema)
            .map(|(k, _)| k.clone())
            .collect();
        for k in doomed {
            self.objects.remove(&k);
        }
    }
}

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

fn track_schema(
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
        &|old: Option<&super::Domain>, new: &super::Domain, s, prov, at| {
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
fn no_members<T>(_: Option<&T>, _: &T, _: &str, _: &mut Provenance, _: &Place) {}

/// Diffs one collection of a schema: `members` records the members of a created or changed
/// object (given the old object when there was one).
type MemberTracker<T> = dyn Fn(Option<&T>, &T, &str, &mut Provenance, &Place);

fn track_map<T: Clone + PartialEq>(
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

fn track_table(old: Option<&Table>, new: &Table, schema: &str, prov: &mut Provenance, at: &Place) {
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

fn track_view(old: Option<&View>, new: &View, schema: &str, prov: &mut Provenance, at: &Place) {
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
fn members<T: PartialEq>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Column, Index, SqlType};

    fn track_all(before: &mut Catalog, now: &mut Catalog, at: &Place) {
        track(before, now, at, None);
    }

    fn at(line: usize) -> Place {
        Place {
            file: Arc::from("m.sql"),
            line,
            column: 1,
        }
    }

    fn column(name: &str) -> Column {
        Column {
            name: name.into(),
            ty: SqlType::builtin("integer"),
            ..Default::default()
        }
    }

    #[test]
    fn creation_change_and_drop_are_recorded_per_object() {
        let mut before = Catalog::default();
        before
            .schemas
            .insert("public".into(), Schema::new("public"));
        let mut now = before.clone();
        let public = now.schemas.get_mut("public").unwrap();
        let mut t = Table::new("t");
        t.columns.push(column("id"));
        public.tables.insert("t".into(), t);
        track_all(&mut before, &mut now, &at(1));
        let table = ObjectKey::object(ObjectKind::Table, "public", "t");
        let id = ObjectKey::member(ObjectKind::Column, "public", "t", "id");
        assert_eq!(now.provenance.get(&table).unwrap().changed, at(1));
        assert_eq!(now.provenance.get(&id).unwrap().created, Some(at(1)));
        assert_eq!(before, now);

        // A new column and an index: the table changes, `id` does not.
        let t = now.table_mut("public", "t").unwrap();
        t.columns.push(column("n"));
        t.indexes.push(Index {
            name: "t_n_idx".into(),
            method: "btree".into(),
            ..Default::default()
        });
        track_all(&mut before, &mut now, &at(2));
        let n = ObjectKey::member(ObjectKind::Column, "public", "t", "n");
        let idx = ObjectKey::member(ObjectKind::Index, "public", "t", "t_n_idx");
        let touches = now.provenance.get(&table).unwrap();
        assert_eq!(
            (touches.created.clone(), touches.changed.clone()),
            (Some(at(1)), at(2))
        );
        assert_eq!(now.provenance.get(&id).unwrap().changed, at(1));
        assert_eq!(now.provenance.get(&n).unwrap().created, Some(at(2)));
        assert_eq!(now.provenance.get(&idx).unwrap().created, Some(at(2)));

        // Nothing changed: nothing recorded.
        track_all(&mut before, &mut now, &at(3));
        assert_eq!(now.provenance.get(&table).unwrap().changed, at(2));

        // A default on `id`.
        now.table_mut("public", "t").unwrap().columns[0].default = Some("0".into());
        track_all(&mut before, &mut now, &at(4));
        assert_eq!(now.provenance.get(&id).unwrap().changed, at(4));
        assert_eq!(now.provenance.get(&n).unwrap().changed, at(2));

        // Dropping the table forgets it and its members.
        now.schemas.get_mut("public").unwrap().tables.clear();
        track_all(&mut before, &mut now, &at(5));
        assert!(now.provenance.is_empty(), "{:?}", now.provenance);
        assert_eq!(before, now);
    }

    #[test]
    fn a_scope_compares_what_it_accepts_and_finds_every_creation() {
        let mut before = Catalog::default();
        let mut s = Schema::new("public");
        s.tables.insert("a".into(), Table::new("a"));
        s.tables.insert("b".into(), Table::new("b"));
        before.schemas.insert("public".into(), s);
        let mut now = before.clone();
        now.table_mut("public", "a")
            .unwrap()
            .columns
            .push(column("x"));
        now.table_mut("public", "b")
            .unwrap()
            .columns
            .push(column("y"));
        now.schemas
            .get_mut("public")
            .unwrap()
            .tables
            .insert("c".into(), Table::new("c"));
        let only_a: std::collections::HashSet<String> = ["a".to_string()].into();
        track(&mut before, &mut now, &at(1), Some(&only_a));
        let key = |n: &str| ObjectKey::object(ObjectKind::Table, "public", n);
        assert!(now.provenance.get(&key("a")).is_some());
        assert!(now.provenance.get(&key("b")).is_none(), "outside the scope");
        assert_eq!(now.provenance.get(&key("c")).unwrap().created, Some(at(1)));
        // The next full comparison finds what the scope left out.
        track_all(&mut before, &mut now, &at(2));
        assert_eq!(now.provenance.get(&key("b")).unwrap().changed, at(2));
    }

    #[test]
    fn objects_of_the_starting_catalog_have_no_creation() {
        let mut before = Catalog::default();
        let mut s = Schema::new("auth");
        s.tables.insert("users".into(), Table::new("users"));
        before.schemas.insert("auth".into(), s);
        let mut now = before.clone();
        now.table_mut("auth", "users")
            .unwrap()
            .columns
            .push(column("x"));
        track_all(&mut before, &mut now, &at(7));
        let users = ObjectKey::object(ObjectKind::Table, "auth", "users");
        assert_eq!(
            now.provenance.get(&users),
            Some(&Touches {
                created: None,
                changed: at(7)
            })
        );
    }

    #[test]
    fn provenance_is_not_part_of_the_value() {
        let mut a = Catalog::default();
        let b = Catalog::default();
        a.provenance.created(ObjectKey::schema("x"), &at(1));
        assert_eq!(a, b);
        assert_eq!(a.to_json(), b.to_json());
    }

    #[test]
    fn keys_of_a_relation_sort_together() {
        let t = ObjectKey::object(ObjectKind::Table, "public", "t");
        let c = ObjectKey::member(ObjectKind::Column, "public", "t", "a");
        let u = ObjectKey::object(ObjectKind::Table, "public", "u");
        assert!(t < c && c < u);
        assert_eq!(c.to_string(), "column public.t.a");
    }
}
