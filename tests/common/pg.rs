//! A throwaway PostgreSQL 15 cluster for tests, started from the machine's binaries.
//!
//! `PgCluster::shared()` starts one cluster per test binary (initdb into a temp dir, trust auth,
//! loopback only) and stops it when the process exits. Each test makes its own database with
//! `create_database`, so tests can run in parallel. If PostgreSQL 15 is not installed the tests
//! fail and say so (`scripts/test.sh` installs it). The Supabase prelude comes from the shared
//! folder: tests that load it call `shared::require(…, shared::PRELUDE)` first (see
//! `shared.rs`); tests that only need a Supabase-like database use `create_supabase_database`
//! or `Db::load_supabase`, which fall back to `schemagen supabase-base`'s SQL without it.

#![allow(dead_code, unsafe_code, unused_imports)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

// Re-exported: tests import these from `common::pg`.
pub use super::apply::{
    apply_migration_set, comment_out_unavailable_extensions, SetOutcome, UNAVAILABLE_EXTENSIONS,
};
use super::shared;

/// Where Debian's PostgreSQL 15 server binaries live (override with `SCHEMAGEN_PG_BIN`).
pub fn pg_bin() -> PathBuf {
    std::env::var_os("SCHEMAGEN_PG_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/postgresql/15/bin"))
}

/// The Supabase prelude shipped in the shared folder.
pub fn prelude_path() -> PathBuf {
    shared_dir().join(shared::PRELUDE)
}

/// The shared reference folder (see `shared.rs`), or `../shared` when there is none (reading
/// from it then fails). Tests call `shared::require` first, which skips them cleanly.
pub fn shared_dir() -> PathBuf {
    shared::shared_dir().unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"))
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
        Self::start_with(|_| String::new())
    }

    /// Starts a new cluster with TLS on (`ssl=on`): `certs` (a folder holding `server.crt` and
    /// `server.key`) are copied into the data folder before the start.
    #[allow(dead_code)]
    pub fn start_with_tls(certs: &Path) -> PgCluster {
        Self::start_with(|data| {
            for f in ["server.crt", "server.key"] {
                std::fs::copy(certs.join(f), data.join(f)).expect("copy the certificate");
            }
            if is_root() {
                let st = Command::new("chown")
                    .args(["postgres:postgres"])
                    .arg(data.join("server.crt"))
                    .arg(data.join("server.key"))
                    .status()
                    .expect("chown");
                assert!(st.success(), "chown of the certificate failed");
            }
            let key = data.join("server.key");
            let mut perms = std::fs::metadata(&key).expect("key").permissions();
            std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o600);
            std::fs::set_permissions(&key, perms).expect("chmod the key");
            " -c ssl=on".to_string()
        })
    }

    /// Starts a new cluster; `prepare` runs on the data folder after initdb and returns more
    /// server options.
    fn start_with(prepare: impl FnOnce(&Path) -> String) -> PgCluster {
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
        let extra = prepare(&data);
        let mut last_err = String::new();
        for _ in 0..5 {
            let port = free_port();
            let opts = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100{extra}",
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
    /// database into which the prelude (or, without the shared folder, the SQL of
    /// `schemagen supabase-base`: see [`Db::load_supabase`]) was loaded once (role creation is cluster-wide, so the
    /// prelude must not run concurrently).
    pub fn create_supabase_database(&self, prefix: &str) -> Db {
        {
            let mut made = self
                .supabase_template
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if !*made {
                let t = self.create_database_named("supabase_template");
                t.load_supabase();
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

    /// Drops a database made by this cluster (its disk space back: tests that make hundreds of
    /// databases drop those they are done with).
    pub fn drop_database(&self, db: Db) {
        let mut admin = self.client("postgres");
        let _ = admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
            db.name
        ));
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

/// Serialises what creates cluster-wide roles: two sessions doing that at once fail
/// (`duplicate key … pg_authid_rolname_index`).
static ROLES: Mutex<()> = Mutex::new(());

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

    /// Runs SQL text through `psql`, in one transaction or (`single_transaction == false`)
    /// statement by statement, stopping at the first error; psql's error output names the text
    /// `label` (e.g. the migration's file name) instead of a temp file.
    pub fn psql_labelled(
        &self,
        sql: &str,
        label: &str,
        single_transaction: bool,
    ) -> Result<(), String> {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut f, sql.as_bytes()).expect("write sql");
        self.run_psql(f.path(), single_transaction)
            .map_err(|e| e.replace(&f.path().display().to_string(), label))
    }

    /// Runs a SQL file through `psql -1 -v ON_ERROR_STOP=1` (how the Supabase CLI applies a
    /// migration: one transaction per file).
    pub fn psql_file(&self, path: &Path) -> Result<(), String> {
        self.run_psql(path, true)
    }

    fn run_psql(&self, path: &Path, single_transaction: bool) -> Result<(), String> {
        let mut cmd = Command::new("psql");
        cmd.args(["-X", "-q", "-v", "ON_ERROR_STOP=1"]);
        if single_transaction {
            cmd.arg("-1");
        }
        let out = cmd
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

    /// Makes this (empty) database a fresh Supabase project's: the shared folder's prelude when
    /// there is one, else the SQL `schemagen supabase-base` writes from the repository alone
    /// (`tests/supabase_base.rs` checks that it reads back as the base catalog replay starts
    /// from, and that its functions have the prelude's signatures).
    pub fn load_supabase(&self) {
        if prelude_path().is_file() {
            return self.load_prelude();
        }
        let _guard = ROLES.lock().unwrap_or_else(|e| e.into_inner());
        self.psql(&schemagen::pipeline::supabase_base_sql())
            .unwrap_or_else(|e| panic!("the base SQL failed: {e}"));
    }

    /// Loads the SQL of `schemagen supabase-base` (whether or not there is a prelude).
    pub fn load_supabase_base(&self) {
        let _guard = ROLES.lock().unwrap_or_else(|e| e.into_inner());
        self.psql(&schemagen::pipeline::supabase_base_sql())
            .unwrap_or_else(|e| panic!("the base SQL failed: {e}"));
    }

    /// Loads the Supabase prelude (roles, auth, storage, extensions).
    ///
    /// Loads are serialised: the prelude creates and grants cluster-wide roles, and two sessions
    /// doing that at once fail (`duplicate key … pg_authid_rolname_index`).
    pub fn load_prelude(&self) {
        let _guard = ROLES.lock().unwrap_or_else(|e| e.into_inner());
        let path = prelude_path();
        assert!(
            path.is_file(),
            "{} not found: call shared::require(…, shared::PRELUDE) first, or set SCHEMAGEN_SHARED",
            path.display()
        );
        self.psql_file(&path)
            .unwrap_or_else(|e| panic!("prelude failed: {e}"));
    }
}
