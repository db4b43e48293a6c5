//! The SQL reader against PostgreSQL 15's grammar. Every statement in `tests/fixtures/grammar/`
//! (the clause forms of the CREATE/ALTER TABLE, INDEX, TYPE, VIEW, MATERIALIZED VIEW, DOMAIN,
//! SEQUENCE, EXTENSION and COMMENT synopses, expression forms, and malformed statements) is run
//! in PostgreSQL after `setup.sql` (and rolled back), and replayed by schemagen after the same
//! setup:
//! - PostgreSQL accepts it → schemagen reads and applies it: no error, nothing "not understood",
//!   and the catalog it replays equals the one read back from PostgreSQL (before the rollback);
//! - PostgreSQL raises a syntax error → schemagen reports an error (at a token of the statement).
//!
//! Statements PostgreSQL rejects for other reasons are judged only in the files of
//! [`EVERY_ERROR_JUDGED`] (the replay tests cover the other errors).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::compare::compare;
use common::pg::PgCluster;
use schemagen::diagnostics::{Diagnostics, Severity, Sources};
use schemagen::sql::replay::Replayer;

/// Files whose statements PostgreSQL rejects for any reason must be errors in schemagen too
/// (elsewhere only syntax errors are judged: the catalog does not model every rule PostgreSQL
/// checks, such as operator classes, collations or roles).
const EVERY_ERROR_JUDGED: &[&str] = &[
    "dependents.sql",
    "names.sql",
    "pseudo_types.sql",
    "references.sql",
];

fn statements(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .split("\n--\n")
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

enum Pg {
    /// Applied; the catalog read back.
    Ok(schemagen::catalog::Catalog),
    SyntaxError(String),
    /// Rejected for another reason.
    OtherError(String),
}

#[test]
fn every_grammar_form_is_read_as_postgres_reads_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/grammar");
    let setup = std::fs::read_to_string(dir.join("setup.sql")).unwrap();
    let db = PgCluster::shared().create_database("grammar");
    let mut client = db.client();
    let mut tx = client.transaction().unwrap();
    tx.batch_execute(&setup).unwrap();

    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let setup_id = sources.add("setup.sql", setup.clone());
    let base_catalog = schemagen::sql::supabase::base_catalog();
    // The test database is a plain one: the Supabase schemas of the replay's base are not
    // compared (`public` is).
    let supabase: BTreeSet<String> = base_catalog
        .schemas
        .keys()
        .filter(|s| s.as_str() != "public")
        .cloned()
        .collect();
    let keep = |s: &str| !supabase.contains(s);
    let mut base = Replayer::new(base_catalog);
    base.replay_file(&sources, setup_id, &mut diags);
    assert!(
        diags.is_empty(),
        "setup replays cleanly:\n{}",
        diags.render(&sources)
    );
    let live = schemagen::db::read_catalog_in(&mut tx).unwrap();
    let c = compare(&live, base.catalog(), &keep);
    assert!(
        c.differences.is_empty() && c.tables > 0,
        "setup replays as PostgreSQL applies it:\n{}",
        common::compare::joined(&c.differences, "\n")
    );

    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql") && !p.ends_with("setup.sql"))
        .collect();
    files.sort();
    let (mut checked, mut failures) = (0, Vec::new());
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (n, sql) in statements(&file).into_iter().enumerate() {
            let mut sp = tx.savepoint("s").unwrap();
            let pg = match sp.batch_execute(&sql) {
                Ok(()) => Pg::Ok(schemagen::db::read_catalog_in(&mut sp).unwrap()),
                Err(e) => match e.as_db_error() {
                    Some(db) if *db.code() == postgres::error::SqlState::SYNTAX_ERROR => {
                        Pg::SyntaxError(db.message().to_string())
                    }
                    Some(db) => Pg::OtherError(format!("{}: {}", db.code().code(), db.message())),
                    None => Pg::OtherError(e.to_string()),
                },
            };
            sp.rollback().unwrap();

            let mut r = base.clone();
            let id = sources.add(format!("{name}#{}", n + 1), sql.clone());
            let mut d = Diagnostics::new();
            r.replay_file(&sources, id, &mut d);
            let errors: Vec<String> = d
                .iter()
                .filter(|x| x.severity == Severity::Error)
                .map(|x| x.one_line(&sources))
                .collect();
            let not_understood = r.stats().not_understood;
            checked += 1;
            let verdict = match &pg {
                Pg::Ok(live) if errors.is_empty() && not_understood == 0 => {
                    let c = compare(live, r.catalog(), &keep);
                    (!c.differences.is_empty()).then(|| {
                        format!(
                            "the replayed catalog differs from PostgreSQL's:\n      {}",
                            common::compare::joined(&c.differences, "\n      ")
                        )
                    })
                }
                Pg::Ok(_) => Some(format!(
                    "PostgreSQL accepts it, schemagen: {}",
                    d.render_short(&sources).trim()
                )),
                Pg::SyntaxError(_) if !errors.is_empty() => None,
                Pg::SyntaxError(m) => Some(format!(
                    "PostgreSQL: syntax error ({m}), schemagen reports no error"
                )),
                Pg::OtherError(_) if !errors.is_empty() => None,
                Pg::OtherError(_) if !EVERY_ERROR_JUDGED.contains(&name.as_str()) => None,
                Pg::OtherError(m) => Some(format!(
                    "PostgreSQL rejects it ({m}), schemagen reports no error"
                )),
            };
            if let Some(v) = verdict {
                failures.push(format!("{name}#{}: {sql}\n    {v}", n + 1));
            }
        }
    }
    println!("{checked} statements checked");
    assert!(checked > 300, "only {checked} statements");
    assert!(
        failures.is_empty(),
        "{} of {checked} statements read differently from PostgreSQL:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
