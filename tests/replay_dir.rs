//! `replay_dir` prepares files on worker threads while it replays them in order: the result
//! must be exactly what replaying the files one by one gives, with every diagnostic still
//! pointing at the right file, line and column (file ids line up across skipped files).

use std::path::Path;

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::sql::replay::Replayer;

/// 150 migrations (several batches per worker), one of them not UTF-8, one with a psql
/// meta-command, one with an error, one with a `DO` block.
fn write_history(dir: &Path) {
    for i in 0..150u32 {
        let path = dir.join(format!(
            "{:014}_step_{i}.sql",
            20240101000000u64 + u64::from(i)
        ));
        let body: Vec<u8> = match i {
            50 => b"create table bad (note text default '\xff');\n".to_vec(),
            70 => format!(
                "create table t{i} (id int primary key);\nalter table missing_{i} add column x int;\n"
            )
            .into_bytes(),
            90 => format!("\\restrict abc\ncreate table t{i} (id int primary key);\n").into_bytes(),
            120 => format!(
                "do $$ begin if not exists (select 1 from information_schema.tables \
                 where table_name = 't{i}') then create table t{i} (id int); end if; end $$;\n"
            )
            .into_bytes(),
            _ => format!(
                "create table t{i} (id int primary key, parent int references t0 (id));\n\
                 create index on t{i} (parent);\n"
            )
            .into_bytes(),
        };
        std::fs::write(path, body).unwrap();
    }
    std::fs::write(dir.join("README.md"), "not a migration").unwrap();
}

#[test]
fn threaded_replay_equals_file_by_file_replay() {
    let tmp = tempfile::tempdir().unwrap();
    write_history(tmp.path());

    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let (catalog, stats) =
        schemagen::replay_dir_with_stats(tmp.path(), &mut sources, &mut diags).unwrap();

    // The same files, read and replayed one after the other on this thread.
    let mut seq_sources = Sources::new();
    let mut seq_diags = Diagnostics::new();
    let files =
        schemagen::sql::source::read_migrations(tmp.path(), &mut seq_sources, &mut seq_diags)
            .unwrap();
    let mut replayer = Replayer::new(schemagen::sql::supabase::base_catalog());
    for f in &files {
        replayer.replay_file(&seq_sources, f.file, &mut seq_diags);
    }
    let (seq_catalog, seq_stats) = replayer.finish_with_stats();

    assert_eq!(catalog, seq_catalog);
    assert_eq!(stats, seq_stats);
    assert_eq!(stats.files, 149, "the non-UTF-8 file is skipped");
    assert_eq!(catalog.schemas["public"].tables.len(), 149);
    let render = |d: &Diagnostics, s: &Sources| {
        d.iter()
            .map(|d| {
                let at = d.span.map(|sp| s.location(sp)).unwrap_or_default();
                format!("{:?} {at} {}", d.severity, d.message)
            })
            .collect::<Vec<_>>()
    };
    let threaded = render(&diags, &sources);
    assert_eq!(threaded, render(&seq_diags, &seq_sources));
    let mentions = |needle: &str| threaded.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(mentions("README.md"), 1, "{threaded:#?}");
    assert_eq!(
        mentions("_step_50.sql:1:38: not valid UTF-8"),
        1,
        "{threaded:#?}"
    );
    assert_eq!(
        mentions("_step_70.sql:2:1 relation \"missing_70\" does not exist"),
        1,
        "{threaded:#?}"
    );
    assert_eq!(mentions("_step_90.sql:1:1"), 1, "{threaded:#?}");
}

#[test]
fn unreadable_folder_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope");
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let err = schemagen::replay_dir(&missing, &mut sources, &mut diags).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn a_file_that_cannot_be_read_stops_the_replay_with_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    write_history(tmp.path());
    // Listed like any migration, but reading it fails (a dangling symlink), late in the order.
    std::os::unix::fs::symlink(
        tmp.path().join("gone"),
        tmp.path().join("20240101000140_dangling.sql"),
    )
    .unwrap();
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let err = schemagen::replay_dir(tmp.path(), &mut sources, &mut diags).unwrap_err();
    assert!(
        err.to_string().contains("20240101000140_dangling.sql"),
        "{err}"
    );
}
