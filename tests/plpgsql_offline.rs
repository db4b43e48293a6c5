//! What replay says about `DO` blocks it cannot finish offline (PostgreSQL's own results for the
//! loop and statement forms are checked in `replay_vs_postgres` with `fixtures/replay/plpgsql_loops`):
//! a loop that never ends, a catalog column that is not modelled, a guard over table data the
//! history does not give. Each is a clear "not understood" naming what is missing, never a
//! wrong schema.

use schemagen::diagnostics::{Diagnostics, Sources};

/// Replays one migration file; the warnings' messages and the number not understood.
fn replay(sql: &str) -> (Vec<String>, usize, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("20240101000000_a.sql"), sql).unwrap();
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let (catalog, stats) =
        schemagen::replay_dir_with_stats(dir.path(), &mut sources, &mut diags).unwrap();
    let messages = diags.iter().map(|d| d.one_line(&sources)).collect();
    let tables = catalog.schemas["public"].tables.keys().cloned().collect();
    (messages, stats.not_understood, tables)
}

#[test]
fn a_loop_that_never_ends_is_stopped_with_its_limit() {
    let (messages, not_understood, tables) = replay(
        "DO $$ DECLARE i int := 0; BEGIN WHILE true LOOP i := i + 1; END LOOP; END $$;\n\
         create table after_loops (id int);",
    );
    assert_eq!(not_understood, 1, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("loops ran more than 1000000 iterations")),
        "{messages:?}"
    );
    assert!(messages.iter().all(|m| m.contains("20240101000000_a.sql:")));
    assert_eq!(tables, ["after_loops"]);
}

#[test]
fn an_unmodelled_catalog_column_names_the_catalog_and_the_column() {
    let (messages, not_understood, _) = replay(
        "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_class WHERE relpages = 1) THEN \
         CREATE TABLE x (id int); END IF; END $$;",
    );
    assert_eq!(not_understood, 1);
    assert!(
        messages
            .iter()
            .any(|m| m.contains("pg_catalog.pg_class.relpages is not modelled")),
        "{messages:?}"
    );
}

#[test]
fn a_guard_over_table_data_the_history_does_not_give_says_so() {
    let (messages, not_understood, tables) = replay(
        "create table s2 (id int, g int);\n\
         insert into s2 values (1, 1);\n\
         DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM s2 WHERE g IS NULL) THEN CREATE TABLE no_nulls (id int); END IF; END $$;\n\
         copy s2 (id, g) from '/tmp/rows.csv';\n\
         DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM s2 WHERE g IS NULL) THEN CREATE TABLE after_copy (id int); END IF; END $$;",
    );
    assert_eq!(not_understood, 1, "{messages:?}");
    assert!(
        messages.iter().any(|m| m
            .contains("depends on the data of table public.s2, which is not known")
            && m.contains("is not evaluated (COPY FROM '/tmp/rows.csv')")),
        "{messages:?}"
    );
    assert_eq!(tables, ["no_nulls", "s2"]);
}

/// "Not modelled" is said of the catalog relation PostgreSQL would read, never of the user's
/// table: an unqualified name follows the search path, `pg_catalog` first unless the path names
/// it (the same history in `fixtures/replay/do_blocks` is checked against PostgreSQL).
#[test]
fn a_users_table_named_like_a_catalog_relation_is_the_users_table() {
    let (messages, not_understood, tables) = replay(
        "create table public.pg_statistic (id int primary key);\n\
         set search_path = public, pg_catalog;\n\
         DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_statistic WHERE id = 1) THEN \
         CREATE TABLE from_users_table (id int); END IF; END $$;\n\
         reset search_path;\n\
         DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_statistic) THEN \
         CREATE TABLE from_catalog (id int); END IF; END $$;\n",
    );
    assert_eq!(not_understood, 1, "{messages:?}");
    assert!(
        tables.contains(&"from_users_table".to_string()),
        "{tables:?} {messages:?}"
    );
    // The default path reads pg_catalog.pg_statistic first, which is not modelled.
    assert!(
        messages.iter().any(|m| m
            .contains("the catalog relation pg_catalog.pg_statistic is not modelled")
            && m.contains(":5:1:")),
        "{messages:?}"
    );
    assert!(!messages.iter().any(|m| m.contains("public.pg_statistic")));
}

/// `RAISE` messages as PostgreSQL 15 prints them (each checked with psql): the options of
/// `USING` are separate (a comma ends one), a missing message is the ERRCODE as written or the
/// SQLSTATE, and a condition name is not case-folded.
#[test]
fn raise_messages_are_postgres_messages() {
    let (messages, _, _) = replay(
        "do $$ begin raise exception using message = 'boom2'; end $$;\n\
         do $$ begin raise exception using errcode = '22012'; end $$;\n\
         do $$ begin raise exception using errcode = 'Division_By_Zero'; end $$;\n\
         do $$ begin raise exception using hint = 'h'; end $$;\n\
         do $$ declare a int := 1; b text := 'x'; begin raise exception 'a=% b=%', a, b using errcode = 'P0002'; end $$;\n\
         do $$ begin raise exception using message = 'boom3', errcode = '22012'; end $$;",
    );
    let said: Vec<&str> = messages
        .iter()
        .map(|m| m.rsplit_once(": ").map_or(m.as_str(), |(_, msg)| msg))
        .collect();
    assert_eq!(
        said,
        [
            "boom2",
            "22012",
            "unrecognized exception condition \"Division_By_Zero\"",
            "P0001",
            "a=1 b=x",
            "boom3"
        ],
        "{messages:?}"
    );
}
