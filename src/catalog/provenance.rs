//! Where each object of a catalog comes from: the statement that created it and the one that
//! last changed it ([`Provenance`], kept in [`Catalog::provenance`](super::Catalog::provenance)).
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

#[cfg(test)]
mod tests;
mod track;

pub use track::{track, Scope};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

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
