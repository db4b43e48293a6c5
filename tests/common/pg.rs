//! A throwaway PostgreSQL 15 cluster for tests, started from the machine's binaries.
//!
//! `PgCluster::shared()` starts one cluster per test binary (initdb into a temp dir, trust auth,
//! loopback only) and stops it when the process exits. Each test makes its own database with
//! `create_database`, so tests can run in parallel. Nothing is skipped: if PostgreSQL 15 is not
//! installed the tests fail and say so.

#![allow(dead_code, unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// Where Debian's PostgreSQL 15 server binaries live (override with `SCHEMAGEN_PG_BIN`).
pub fn pg_bin() -> PathBuf {
    std::env::var_os("SCHEMAGEN_PG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"))
}

/// The Supabase prelude shipped in the shared folder.
pub fn prelude_path() -> PathBuf {
    shared_dir().join("supabase/prelude.sql")
}

/// The shared reference folder: `$SCHEMAGEN_SHARED`, else the first `shared/` holding
/// `supabase/prelude.sql` in an ancestor of the project root (`../shared` for the main checkout,
/// `../../shared` for a worktree under `wt/`).
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SCHEMAGEN_SHARED") {
        return PathBuf::from(dir);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .skip(1)
        .map(|a| a.join("shared"))
        .find(|d| d.join("supabase/prelude.sql").exists())
        .unwrap_or_else(|| root.join("../shared"))
}

/// A running cluster.
pub struct PgCluster {
    dir: tempfile::TempDir,
    pub port: u16,
    as_postgres_user: bool,
    counter: AtomicUsize,
    supabase_template: Mutex<bool>,
}

static SHARED: OnceLock<PgCluster> = OnceLock::new();
static STOP_ON_EXIT: Mutex<Option<(PathBuf, bool)>> = Mutex::new(None);

extern "C" fn stop_shared_cluster() {
    if let Ok(guard) = STOP_ON_EXIT.lock() {
        if let Some((data, as_pg)) = guard.as_ref() {
            let _ = pg_ctl(data, as_pg, &["stop", "-m", "immediate", "-w"]);
            if let Some(dir) = data.parent() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn run_as(as_pg: bool, program: &Path, args: &[&str]) -> Output {
    let mut cmd = if as_pg {
        let mut c = Command::new("runuser");
        c.arg("-u").arg("postgres").arg("--").arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

fn pg_ctl(data: &Path, as_pg: &bool, args: &[&str]) -> Output {
    let mut all = vec!["-D", data.to_str().unwrap()];
    all.extend_from_slice(args);
    run_as(*as_pg, &pg_bin().join("pg_ctl"), &all)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

impl PgCluster {
    /// The cluster shared by every test of this binary, started on first use.
    pub fn shared() -> &'static PgCluster {
        SHARED.get_or_init(|| {
            let c = PgCluster::start();
            *STOP_ON_EXIT.lock().unwrap() = Some((c.data_dir(), c.as_postgres_user));
            // SAFETY: registering a plain extern "C" function.
            unsafe {
                libc::atexit(stop_shared_cluster);
            }
            c
        })
    }

    /// Starts a new cluster (stopped on drop).
    pub fn start() -> PgCluster {
        let bin = pg_bin();
        assert!(
            bin.join("initdb").exists(),
            "PostgreSQL 15 server binaries not found in {} (install postgresql-15, or set SCHEMAGEN_PG_BIN)",
            bin.display()
        );
        let as_pg = is_root();
        let dir = tempfile::Builder::new()
            .prefix("schemagen-pg-")
            .tempdir()
            .expect("temp dir");
        if as_pg {
            let st = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(st.success(), "chown of the cluster dir failed");
        }
        let data = dir.path().join("data");
        let out = run_as(
            as_pg,
            &bin.join("initdb"),
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut last_err = String::new();
        for _ in 0..5 {
            let port = free_port();
            let opts = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
                dir.path().display()
            );
            let log = dir.path().join("log");
            let out = pg_ctl(
                &data,
                &as_pg,
                &["-o", &opts, "-l", log.to_str().unwrap(), "-w", "start"],
            );
            if out.status.success() {
                return PgCluster {
                    dir,
                    port,
                    as_postgres_user: as_pg,
                    counter: AtomicUsize::new(0),
                    supabase_template: Mutex::new(false),
                };
            }
            last_err = std::fs::read_to_string(&log).unwrap_or_default();
        }
        panic!("pg_ctl start failed: {last_err}");
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Creates a database that looks like a fresh Supabase project: a copy of a template
    /// database into which the prelude was loaded once (role creation is cluster-wide, so the
    /// prelude must not run concurrently).
    pub fn create_supabase_database(&self, prefix: &str) -> Db {
        {
            let mut made = self
                .supabase_template
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if !*made {
                let t = self.create_database_named("supabase_template");
                t.load_prelude();
                *made = true;
            }
        }
        self.create_database_from(prefix, "supabase_template")
    }

    fn create_database_named(&self, name: &str) -> Db {
        let mut admin = self.client("postgres");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))
            .expect("create database");
        Db {
            port: self.port,
            name: name.to_string(),
        }
    }

    /// A copy of database `from` (which must have no open connection).
    pub fn copy_database(&self, prefix: &str, from: &Db) -> Db {
        self.create_database_from(prefix, &from.name)
    }

    fn create_database_from(&self, prefix: &str, template: &str) -> Db {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let name: String = format!("{prefix}_{n}")
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut admin = self.client("postgres");
        admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            ))
            .expect("create database");
        Db {
            port: self.port,
            name,
        }
    }

    /// Creates a fresh, empty database with a unique name built from `prefix`.
    pub fn create_database(&self, prefix: &str) -> Db {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let name: String = format!("{prefix}_{n}")
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let mut admin = self.client("postgres");
        admin
            .batch_execute(&format!("CREATE DATABASE \"{name}\" TEMPLATE template0"))
            .expect("create database");
        Db {
            port: self.port,
            name,
        }
    }

    /// A client connected to database `db`.
    pub fn client(&self, db: &str) -> postgres::Client {
        connect(self.port, db)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = pg_ctl(
            &self.data_dir(),
            &self.as_postgres_user,
            &["stop", "-m", "immediate", "-w"],
        );
    }
}

fn connect(port: u16, db: &str) -> postgres::Client {
    postgres::Client::connect(
        &format!("host=127.0.0.1 port={port} user=postgres dbname={db}"),
        postgres::NoTls,
    )
    .unwrap_or_else(|e| panic!("connect to {db}: {e}"))
}

/// One database of a cluster.
pub struct Db {
    pub port: u16,
    pub name: String,
}

impl Db {
    /// A new client.
    pub fn client(&self) -> postgres::Client {
        connect(self.port, &self.name)
    }

    /// A connection URL.
    pub fn url(&self) -> String {
        format!(
            "postgresql://postgres@127.0.0.1:{}/{}?sslmode=disable",
            self.port, self.name
        )
    }

    /// Runs SQL text through `psql` in one transaction, stopping at the first error.
    /// Returns psql's error output on failure.
    pub fn psql(&self, sql: &str) -> Result<(), String> {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut f, sql.as_bytes()).expect("write sql");
        self.psql_file(f.path())
    }

    /// Runs a SQL file through `psql -1 -v ON_ERROR_STOP=1` (how the Supabase CLI applies a
    /// migration: one transaction per file).
    pub fn psql_file(&self, path: &Path) -> Result<(), String> {
        let out = Command::new("psql")
            .args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", &self.name])
            .arg("-f")
            .arg(path)
            .env("PGOPTIONS", "-c client_min_messages=warning")
            .output()
            .expect("run psql");
        if out.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// Loads the Supabase prelude (roles, auth, storage, extensions).
    ///
    /// Loads are serialised: the prelude creates and grants cluster-wide roles, and two sessions
    /// doing that at once fail (`duplicate key … pg_authid_rolname_index`).
    pub fn load_prelude(&self) {
        static PRELUDE: Mutex<()> = Mutex::new(());
        let _guard = PRELUDE.lock().unwrap_or_else(|e| e.into_inner());
        self.psql_file(&prelude_path())
            .unwrap_or_else(|e| panic!("prelude failed: {e}"));
    }
}

/// Extensions the prelude cannot provide (not PostgreSQL contrib modules).
pub const UNAVAILABLE_EXTENSIONS: &[&str] = &[
    "pg_graphql",
    "pgjwt",
    "pgsodium",
    "supabase_vault",
    "pg_net",
    "pg_cron",
    "http",
    "pg_jsonschema",
    "wrappers",
    "vector",
    "pgmq",
];

/// Comments out line-leading `CREATE|ALTER EXTENSION [IF NOT EXISTS] "name" …;` and
/// `COMMENT ON EXTENSION "name" …;` statements for extensions this machine cannot install,
/// keeping line numbers. Returns the text and the names commented out.
pub fn comment_out_unavailable_extensions(sql: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(sql.len());
    let mut names = Vec::new();
    let mut in_stmt = false;
    for line in sql.split_inclusive('\n') {
        let lower = line.trim_start().to_ascii_lowercase();
        let starts = [
            "create extension",
            "alter extension",
            "comment on extension",
        ]
        .iter()
        .any(|p| lower.starts_with(p));
        let hit = starts && {
            let rest = lower
                .replace("if not exists", " ")
                .replace(['"', ';', '('], " ");
            let words: Vec<&str> = rest.split_whitespace().collect();
            let at = if words.first() == Some(&"comment") {
                3
            } else {
                2
            };
            let name = words.get(at).copied().unwrap_or("");
            UNAVAILABLE_EXTENSIONS
                .contains(&name)
                .then(|| names.push(name.to_string()))
                .is_some()
        };
        if hit || in_stmt {
            if hit && lower.starts_with("create extension") {
                // Stand-ins for extensions that matter to the DDL of the corpus (pgvector is not
                // packaged for Debian 12; `wrappers` is Supabase's own).
                let words: Vec<String> = lower
                    .replace(['"', ';'], " ")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                let schema = words
                    .windows(2)
                    .find(|w| w[0] == "schema")
                    .map(|w| w[1].clone())
                    .unwrap_or_else(|| "public".into());
                match names.last().map(String::as_str) {
                    Some("vector") => out.push_str(&vector_stand_in(&schema)),
                    Some("wrappers") => out.push_str(&wrappers_stand_in(&schema)),
                    _ => {}
                }
                out.push(' ');
            }
            out.push_str("-- ");
            out.push_str(line);
            in_stmt = !line.contains(';');
        } else {
            out.push_str(line);
        }
    }
    (out, names)
}

/// SQL (one line) that creates a stand-in for pgvector's `vector` type in `schema`: a varlena
/// type with pgvector's typmod form (`vector(1536)`), made of built-in C functions, and the
/// `<=>`, `<->`, `<#>` operators (always 0), and `hnsw`/`ivfflat` access methods with
/// pgvector's operator class names (over the hash index handler), enough for the DDL and SQL function bodies of migrations to apply.
pub fn vector_stand_in(schema: &str) -> String {
    let s = format!("\"{schema}\"");
    format!(
        "DO $vector$ BEGIN IF to_regtype('{s}.vector') IS NULL THEN \
         CREATE TYPE {s}.vector; \
         CREATE FUNCTION {s}.vector_in(cstring, oid, integer) RETURNS {s}.vector AS 'textin' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE FUNCTION {s}.vector_out({s}.vector) RETURNS cstring AS 'textout' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE FUNCTION {s}.vector_typmod_in(cstring[]) RETURNS integer AS 'varchartypmodin' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE FUNCTION {s}.vector_typmod_out(integer) RETURNS cstring AS 'varchartypmodout' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE TYPE {s}.vector (INPUT = {s}.vector_in, OUTPUT = {s}.vector_out, TYPMOD_IN = {s}.vector_typmod_in, TYPMOD_OUT = {s}.vector_typmod_out, INTERNALLENGTH = variable, STORAGE = extended); \
         CREATE FUNCTION {s}.vector_distance({s}.vector, {s}.vector) RETURNS float8 AS 'select 0::float8' LANGUAGE sql IMMUTABLE; \
         CREATE OPERATOR {s}.<=> (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_distance); \
         CREATE OPERATOR {s}.<-> (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_distance); \
         CREATE OPERATOR {s}.<#> (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_distance); \
         CREATE FUNCTION {s}.vector_hash({s}.vector) RETURNS integer AS 'select 0' LANGUAGE sql IMMUTABLE; \
         CREATE FUNCTION {s}.vector_eq({s}.vector, {s}.vector) RETURNS boolean AS 'select false' LANGUAGE sql IMMUTABLE; \
         CREATE OPERATOR {s}.= (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_eq); \
         IF NOT EXISTS (SELECT FROM pg_am WHERE amname = 'hnsw') THEN CREATE ACCESS METHOD hnsw TYPE INDEX HANDLER hashhandler; END IF; \
         IF NOT EXISTS (SELECT FROM pg_am WHERE amname = 'ivfflat') THEN CREATE ACCESS METHOD ivfflat TYPE INDEX HANDLER hashhandler; END IF; \
         CREATE OPERATOR CLASS {s}.vector_cosine_ops FOR TYPE {s}.vector USING hnsw AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_ip_ops FOR TYPE {s}.vector USING hnsw AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_l2_ops FOR TYPE {s}.vector USING hnsw AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_cosine_ops FOR TYPE {s}.vector USING ivfflat AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_ip_ops FOR TYPE {s}.vector USING ivfflat AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_l2_ops FOR TYPE {s}.vector USING ivfflat AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         END IF; END $vector$;"
    )
}

/// SQL (one line) that creates stand-ins for the FDW handlers of Supabase's `wrappers`
/// extension (postgres_fdw's C handler, no validator), so `CREATE FOREIGN DATA WRAPPER … HANDLER
/// stripe_fdw_handler` and the servers and foreign tables over it apply.
pub fn wrappers_stand_in(schema: &str) -> String {
    let s = format!("\"{schema}\"");
    let mut sql = String::from("DO $wrappers$ BEGIN ");
    for w in [
        "stripe",
        "airtable",
        "bigquery",
        "clickhouse",
        "firebase",
        "s3",
        "logflare",
        "auth0",
        "cognito",
        "mssql",
        "redis",
    ] {
        sql.push_str(&format!(
            "IF to_regproc('{s}.{w}_fdw_handler') IS NULL THEN CREATE FUNCTION {s}.{w}_fdw_handler() RETURNS fdw_handler AS '$libdir/postgres_fdw', 'postgres_fdw_handler' LANGUAGE c STRICT; END IF; "
        ));
    }
    sql.push_str("END $wrappers$;");
    sql
}

/// What happened when a migration set was applied.
#[derive(Debug, Default)]
pub struct SetOutcome {
    /// Files applied successfully.
    pub applied: usize,
    /// Files the Supabase CLI would apply.
    pub total: usize,
    /// First failing file and psql's message.
    pub failure: Option<(PathBuf, String)>,
    /// Extension statements commented out.
    pub commented_extensions: Vec<String>,
}

/// Applies every file of a migrations folder the Supabase CLI would apply, in its order, one
/// psql session and transaction per file, after commenting out unavailable extensions.
/// Stops at the first failing file.
pub fn apply_migration_set(db: &Db, dir: &Path) -> SetOutcome {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            schemagen::sql::source::parse_migration_name(&name)
                .map(|(v, _)| (v.to_string(), e.path()))
        })
        .collect();
    files.sort();
    let mut outcome = SetOutcome {
        total: files.len(),
        ..Default::default()
    };
    for (_, path) in files {
        let text = std::fs::read_to_string(&path).expect("read migration");
        let (text, names) = comment_out_unavailable_extensions(&text);
        outcome.commented_extensions.extend(names);
        if let Err(e) = db.psql(&text) {
            outcome.failure = Some((path, e));
            break;
        }
        outcome.applied += 1;
    }
    outcome
}
