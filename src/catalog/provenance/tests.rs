use super::*;
use crate::catalog::Catalog;
use crate::catalog::Schema;
use crate::catalog::Table;
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
