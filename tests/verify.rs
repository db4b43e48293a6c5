//! `schemagen inspect --verify-with URL` against the harness's PostgreSQL 15: every corpus set
//! PostgreSQL applies verifies (exit 0); histories schemagen cannot model are reported object by
//! object with the migration that last touched each (exit 1); a migration PostgreSQL rejects is
//! named at PostgreSQL's error position (exit 2); the scratch database is gone afterwards, also
//! after an error and after Ctrl-C; the URL's password is never printed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::apply::{apply_migration_set, available_extensions, comment_out_missing_extensions};
use common::pg::PgCluster;
use common::shared::{self, CORPUS, PRELUDE};
use schemagen::pipeline::verify::SCRATCH_PREFIX;

fn url(cluster: &PgCluster) -> String {
    format!("postgresql://postgres@127.0.0.1:{}/postgres", cluster.port)
}

fn verify(migrations: &Path, url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_schemagen"))
        .args(["inspect", "--migrations"])
        .arg(migrations)
        .args(["--verify-with", url])
        .output()
        .expect("run schemagen")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The scratch databases left on the server.
fn scratch_databases(cluster: &PgCluster) -> Vec<String> {
    cluster
        .client("postgres")
        .query(
            "SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1",
            &[&SCRATCH_PREFIX],
        )
        .expect("pg_database")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Extensions the server lacks that get no stand-in here: pgvector's type shapes columns, and
/// replay cannot model the SQL stand-in the differential tests give it (a base type).
const NO_STAND_IN: &[&str] = &["vector"];

/// A copy of a set's migrations with the `CREATE EXTENSION` statements of extensions the server
/// lacks commented out, as the differential tests apply them (but [`NO_STAND_IN`]).
fn with_extensions_commented_out(
    dir: &Path,
    available: &std::collections::BTreeSet<String>,
) -> tempfile::TempDir {
    let mut available = available.clone();
    available.extend(NO_STAND_IN.iter().map(|s| s.to_string()));
    let copy = tempfile::tempdir().expect("temp dir");
    for e in std::fs::read_dir(dir).expect("read set") {
        let path = e.expect("entry").path();
        let Ok(sql) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (sql, _) = comment_out_missing_extensions(&sql, &available);
        std::fs::write(copy.path().join(path.file_name().unwrap()), sql).expect("write copy");
    }
    copy
}

/// The extension of an `extension "x" is not available` error.
fn missing_extension(stderr: &str) -> Option<String> {
    let at = stderr.find("extension \"")? + "extension \"".len();
    let rest = &stderr[at..];
    let name = &rest[..rest.find('"')?];
    rest[name.len()..]
        .starts_with("\" is not available")
        .then(|| name.to_string())
}

/// How one corpus set came out.
enum Verdict {
    /// Exit 0, with whether extension stand-ins were needed.
    Verified(bool),
    /// Exit 2, and PostgreSQL applying the set as the Supabase CLI does fails too: why.
    DoesNotApply(String),
    /// Anything else: the test fails.
    Wrong(String),
}

fn check_set(cluster: &PgCluster, name: &str, dir: &Path) -> Verdict {
    let server = url(cluster);
    let mut out = verify(dir, &server);
    let mut stand_ins = None;
    let probe = cluster.create_database(&format!("{name}_extensions"));
    let available = available_extensions(&probe);
    if let Some(x) = missing_extension(&text(&out.stderr)) {
        if !NO_STAND_IN.contains(&x.as_str()) && !available.contains(&x) {
            let copy = with_extensions_commented_out(dir, &available);
            out = verify(copy.path(), &server);
            stand_ins = Some(copy);
        }
    }
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    match out.status.code() {
        Some(0) if stdout.is_empty() && stderr.contains("replay built the same schema") => {
            Verdict::Verified(stand_ins.is_some())
        }
        Some(2) if missing_extension(&stderr).is_some_and(|x| !available.contains(&x)) => {
            let x = missing_extension(&stderr).unwrap_or_default();
            Verdict::DoesNotApply(format!(
                "needs extension {x}, which this server does not offer"
            ))
        }
        Some(2) if stderr.contains("have the same version") => {
            // The Supabase CLI refuses two files with one version.
            let mut diags = schemagen::diagnostics::Diagnostics::new();
            schemagen::sql::source::list_migrations(dir, &mut diags).expect("list");
            if diags.has_errors() {
                Verdict::DoesNotApply("two files with one version".into())
            } else {
                Verdict::Wrong(format!(
                    "exit 2, yet no two files share a version:\n{stderr}"
                ))
            }
        }
        Some(2) => {
            // PostgreSQL itself, applying the files one transaction each with psql, must fail
            // in the file schemagen named.
            let applied_dir = stand_ins.as_ref().map_or(dir, |c| c.path());
            // (The Supabase CLI's one transaction per file, as psql --single-transaction.)
            let db = cluster.create_supabase_database(&format!("{name}_psql"));
            let outcome = apply_migration_set(&db, applied_dir);
            let failed = outcome
                .failure
                .as_ref()
                .map(|(f, _)| f)
                .or(outcome.statement_by_statement.first().map(|(f, _)| f));
            match failed.and_then(|f| f.file_name()) {
                Some(file) if stderr.contains(&*file.to_string_lossy()) => {
                    let first = stderr.lines().next().unwrap_or("").to_string();
                    Verdict::DoesNotApply(format!("{}: {first}", file.to_string_lossy()))
                }
                _ => Verdict::Wrong(format!(
                    "exit 2, but psql applies it (or fails elsewhere: {failed:?}):\n{stderr}"
                )),
            }
        }
        code => Verdict::Wrong(format!("exit {code:?}:\n{stdout}{stderr}")),
    }
}

#[test]
fn every_corpus_set_postgres_applies_verifies() {
    let test = "every_corpus_set_postgres_applies_verifies";
    let Some(shared_dir) = shared::require(test, &[CORPUS, PRELUDE]) else {
        return;
    };
    let cluster = PgCluster::shared();
    let sets: Vec<(String, PathBuf)> = shared::corpus_sets(&shared_dir)
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, p.join("migrations"))
        })
        .collect();
    // One set at a time: migrations change cluster-wide roles (`ALTER ROLE authenticated SET
    // statement_timeout`), which two sessions cannot do at once ("tuple concurrently updated").
    let started = Instant::now();
    let results: Vec<(String, Verdict, Duration)> = sets
        .iter()
        .map(|(name, dir)| {
            let t = Instant::now();
            (name.clone(), check_set(cluster, name, dir), t.elapsed())
        })
        .collect();
    let (mut verified, mut wrong) = (0, Vec::new());
    for (name, verdict, took) in &results {
        let line = match verdict {
            Verdict::Verified(false) => "verified".to_string(),
            Verdict::Verified(true) => {
                "verified (extensions the server lacks commented out)".to_string()
            }
            Verdict::DoesNotApply(why) => format!("does not apply: {why}"),
            Verdict::Wrong(why) => {
                wrong.push(format!("{name}: {why}"));
                "WRONG".to_string()
            }
        };
        if matches!(verdict, Verdict::Verified(_)) {
            verified += 1;
        }
        println!("{name}: {line} ({:.1} s)", took.as_secs_f64());
    }
    println!(
        "inspect --verify-with: {verified} of {} corpus sets verified, {:.1} s",
        results.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    assert!(verified > 0, "no corpus set verified");
    assert_eq!(scratch_databases(cluster), Vec::<String>::new());
}

#[test]
fn a_history_schemagen_cannot_model_is_reported_with_provenance() {
    let cluster = PgCluster::start();
    let dir = Path::new("tests/fixtures/verify/unmodelled/migrations");
    let out = verify(dir, &url(&cluster));
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    expectorate::assert_contents("tests/fixtures/verify/unmodelled/expected.txt", &stdout);
    // The default the function changed: in the replay, last set by 20240102's ALTER; in
    // PostgreSQL, last written by the SELECT that called the function.
    let dir_s = "tests/fixtures/verify/unmodelled/migrations";
    let status = format!(
        "column public.notes.status:\n  public.notes.columns[status].default: PostgreSQL=\"'open'::text\" replay=\"'new'::text\"\n  replay: last changed at {dir_s}/20240102000000_status.sql:3:1 (created at {dir_s}/20240101000000_init.sql:1:1)\n  PostgreSQL: last written at {dir_s}/20240103000000_by_function.sql:13:1\n"
    );
    assert!(stdout.contains(&status), "{stdout}");
    // The column and the index only the function made: the replay names their table's last
    // change, PostgreSQL the statement that made them.
    for object in [
        "column public.notes.archived:",
        "index public.notes.notes_archived_idx:",
    ] {
        let at = stdout
            .find(object)
            .unwrap_or_else(|| panic!("{object} in {stdout}"));
        let lines: Vec<&str> = stdout[at..].lines().take(4).collect();
        assert_eq!(
            lines[2],
            format!("  replay: not built by the replay; its table public.notes was last changed at {dir_s}/20240102000000_status.sql:3:1 (created at {dir_s}/20240101000000_init.sql:1:1)"),
            "{stdout}"
        );
        assert_eq!(
            lines[3],
            format!("  PostgreSQL: last written at {dir_s}/20240103000000_by_function.sql:13:1"),
            "{stdout}"
        );
    }
    assert!(
        stderr.contains("3 difference(s) in 3 object(s)"),
        "{stderr}"
    );
    assert_eq!(scratch_databases(&cluster), Vec::<String>::new());
}

#[test]
fn a_migration_postgres_rejects_is_named_at_its_error_position() {
    let cluster = PgCluster::start();
    let dir = Path::new("tests/fixtures/verify/rejected/migrations");
    let out = verify(dir, &url(&cluster));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: PostgreSQL: type \"no_such_type\" does not exist (SQLSTATE 42704)"),
        "{stderr}"
    );
    assert!(
        stderr
            .contains("tests/fixtures/verify/rejected/migrations/20240102000000_bad_type.sql:3:8"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(scratch_databases(&cluster), Vec::<String>::new());
}

#[test]
fn the_password_is_never_printed() {
    let cluster = PgCluster::start();
    let secret = "s3cret-Pa55word";
    let dir = Path::new("tests/fixtures/verify/rejected/migrations");
    let with_password = format!(
        "postgresql://postgres:{secret}@127.0.0.1:{}/postgres",
        cluster.port
    );
    // A closed port: the connection error names the server without the password.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let unreachable = format!("postgresql://postgres:{secret}@127.0.0.1:{closed}/postgres");
    let malformed = format!("postgresql://postgres:{secret}@127.0.0.1:port/postgres");
    for (url, code, says) in [
        (with_password.as_str(), 2, "PostgreSQL: type"),
        (
            unreachable.as_str(),
            2,
            "cannot connect to postgresql://postgres@127.0.0.1",
        ),
        (malformed.as_str(), 2, "invalid database URL"),
    ] {
        let out = verify(dir, url);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(code), "{all}");
        assert!(all.contains(says), "{all}");
        assert!(!all.contains(secret), "the password was printed:\n{all}");
    }
}

#[test]
fn ctrl_c_drops_the_scratch_database() {
    let cluster = PgCluster::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("20240101000000_slow.sql"),
        "create table public.t (id int);\nselect pg_sleep(600);\n",
    )
    .unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_schemagen"))
        .args(["inspect", "--migrations"])
        .arg(dir.path())
        .args(["--verify-with", &url(&cluster)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait (a bounded while, against a hang) until the migration sleeps in the scratch database.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut client = cluster.client("postgres");
    loop {
        let sleeping: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'select pg_sleep%' AND starts_with(datname, $1)",
                &[&SCRATCH_PREFIX],
            )
            .unwrap()
            .get(0);
        if sleeping > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the migration never ran");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(scratch_databases(&cluster).len(), 1);
    // SAFETY: sending SIGINT to our own child.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(scratch_databases(&cluster), Vec::<String>::new());
}

/// The provenance replay records comparing only what each statement names equals the one it
/// records comparing the whole catalog after every statement, on every corpus set and on the
/// replay fixtures.
#[test]
fn narrow_provenance_equals_comparing_everything() {
    let test = "narrow_provenance_equals_comparing_everything";
    let Some(shared_dir) = shared::require(test, &[CORPUS]) else {
        return;
    };
    use schemagen::diagnostics::{Diagnostics, Sources};
    use schemagen::sql::replay::Replayer;
    let mut dirs: Vec<PathBuf> = shared::corpus_sets(&shared_dir)
        .into_iter()
        .map(|p| p.join("migrations"))
        .collect();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/replay");
    for e in std::fs::read_dir(&fixtures).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            dirs.push(p);
        }
    }
    dirs.sort();
    let mut objects = 0;
    for dir in &dirs {
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let mut files = Vec::new();
        for m in schemagen::sql::source::list_migrations(dir, &mut diags).unwrap() {
            if let Ok(Ok(text)) = schemagen::sql::source::read_migration(&m.path) {
                files.push(sources.add(m.path, text));
            }
        }
        let record = |exhaustive: bool| {
            let mut r = Replayer::new(schemagen::sql::supabase::base_catalog());
            if exhaustive {
                r.record_provenance_exhaustively();
            } else {
                r.record_provenance();
            }
            for id in &files {
                r.replay_file(&sources, *id, &mut Diagnostics::new());
            }
            let c = r.finish();
            c.provenance
                .iter()
                .map(|(k, t)| (k.clone(), t.clone()))
                .collect::<Vec<_>>()
        };
        let (narrow, everything) = (record(false), record(true));
        objects += everything.len();
        let differ: Vec<String> = everything
            .iter()
            .filter(|e| !narrow.contains(e))
            .map(|(k, t)| format!("{k}: {t:?}"))
            .chain(
                narrow
                    .iter()
                    .filter(|e| !everything.contains(e))
                    .map(|(k, t)| format!("narrow only: {k}: {t:?}")),
            )
            .take(20)
            .collect();
        assert!(
            differ.is_empty(),
            "{}: provenance differs:\n{}",
            dir.display(),
            differ.join("\n")
        );
    }
    println!(
        "{} sets and fixtures, {objects} objects with provenance",
        dirs.len()
    );
    assert!(objects > 0);
}
