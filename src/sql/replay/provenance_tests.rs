//! Provenance recorded through real replay: creation, changes by plain statements and by `DO`
//! blocks, statements that change nothing.

use crate::catalog::{ObjectKey, ObjectKind, Place};
use crate::diagnostics::{Diagnostics, Sources};
use crate::sql::replay::Replayer;
use crate::sql::supabase::base_catalog;

fn place(file: &str, line: usize) -> Place {
    Place {
        file: file.into(),
        line,
        column: 1,
    }
}

#[test]
fn replay_records_where_each_object_was_created_and_last_changed() {
    let mut sources = Sources::new();
    let first = sources.add(
        "0001_init.sql",
        "create table public.t (id int primary key, a text);\n\
         create index t_a on public.t (a);\n\
         grant select on public.t to anon;\n"
            .into(),
    );
    let second = sources.add(
        "0002_more.sql",
        "alter table public.t add column b int;\n\
         do $$ begin execute 'alter table public.t alter column a set default ''x'''; end $$;\n\
         comment on table public.t is 'T';\n"
            .into(),
    );
    let mut diags = Diagnostics::new();
    let mut replayer = Replayer::new(base_catalog());
    replayer.record_provenance();
    replayer.replay_file(&sources, first, &mut diags);
    replayer.replay_file(&sources, second, &mut diags);
    assert!(diags.is_empty(), "{}", diags.render(&sources));
    let catalog = replayer.finish();
    let p = &catalog.provenance;
    let member = |kind, name: &str| ObjectKey::member(kind, "public", "t", name);
    let of = |key: &ObjectKey| {
        let t = p.get(key).unwrap_or_else(|| panic!("no record for {key}"));
        (t.created.clone(), t.changed.clone())
    };
    let table = ObjectKey::object(ObjectKind::Table, "public", "t");
    assert_eq!(
        of(&table),
        (Some(place("0001_init.sql", 1)), place("0002_more.sql", 3))
    );
    assert_eq!(
        of(&member(ObjectKind::Column, "id")),
        (Some(place("0001_init.sql", 1)), place("0001_init.sql", 1))
    );
    assert_eq!(
        of(&member(ObjectKind::Column, "a")),
        (Some(place("0001_init.sql", 1)), place("0002_more.sql", 2))
    );
    assert_eq!(
        of(&member(ObjectKind::Column, "b")),
        (Some(place("0002_more.sql", 1)), place("0002_more.sql", 1))
    );
    assert_eq!(
        of(&member(ObjectKind::PrimaryKey, "t_pkey")),
        (Some(place("0001_init.sql", 1)), place("0001_init.sql", 1))
    );
    assert_eq!(
        of(&member(ObjectKind::Index, "t_a")),
        (Some(place("0001_init.sql", 2)), place("0001_init.sql", 2))
    );
    // The Supabase base schemas were not touched.
    assert!(p.iter().all(|(k, _)| k.schema == "public"), "{p:?}");
}

#[test]
fn without_recording_there_is_no_provenance() {
    let mut sources = Sources::new();
    let file = sources.add("0001_init.sql", "create table t (id int);\n".into());
    let mut diags = Diagnostics::new();
    let mut replayer = Replayer::new(base_catalog());
    replayer.replay_file(&sources, file, &mut diags);
    assert!(replayer.finish().provenance.is_empty());
}
