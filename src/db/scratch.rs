//! A scratch database: created with a unique name on a server, given the Supabase base schemas,
//! and always dropped — at the end, on an error, on a panic and on Ctrl-C ([`Interrupt`]).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// The prefix of every scratch database's name (`schemagen_verify_<time>_<pid>_<n>`), so that
/// one left behind by a killed run can be recognised.
pub const SCRATCH_PREFIX: &str = "schemagen_verify_";

/// Stops a run that talks to a database: [`Interrupt::trigger`] (from a Ctrl-C handler, another
/// thread) cancels the query running and makes the run end at the next step, dropping what it
/// created. Clones share one state.
#[derive(Clone, Default)]
pub struct Interrupt {
    inner: Arc<InterruptState>,
}

#[derive(Default)]
struct InterruptState {
    triggered: AtomicBool,
    /// Cancels the query of the connection doing the work.
    cancel: Mutex<Option<postgres::CancelToken>>,
}

impl std::fmt::Debug for Interrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interrupt")
            .field("triggered", &self.is_triggered())
            .finish()
    }
}

impl Interrupt {
    /// A new, untriggered interrupt.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to stop: cancels the query running, if any.
    pub fn trigger(&self) {
        self.inner.triggered.store(true, Ordering::SeqCst);
        let token = self
            .inner
            .cancel
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(token) = token {
            // Over TLS when the server offers it (`prefer`), as libpq sends cancel requests.
            if let Ok(tls) = super::tls::connector(&super::tls::Verify::Nothing) {
                let _ = token.cancel_query(tls);
            }
        }
    }

    /// Whether [`Interrupt::trigger`] was called.
    pub fn is_triggered(&self) -> bool {
        self.inner.triggered.load(Ordering::SeqCst)
    }

    /// From now on, a trigger cancels the queries of `client`.
    pub(crate) fn watch(&self, client: &postgres::Client) {
        *self.inner.cancel.lock().unwrap_or_else(|e| e.into_inner()) = Some(client.cancel_token());
    }

    /// `Err(Error::Interrupted)` once triggered.
    pub(crate) fn check(&self) -> Result<()> {
        if self.is_triggered() {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// `e`, or [`Error::Interrupted`] when the run was interrupted (a cancelled query fails).
    pub(crate) fn or(&self, e: Error) -> Error {
        if self.is_triggered() {
            Error::Interrupted
        } else {
            e
        }
    }
}

/// A database created for one run, dropped when this value is dropped (or by [`Scratch::drop_now`],
/// which reports a failure).
pub struct Scratch {
    /// The connection to the database named in the URL, which created the scratch database and
    /// drops it.
    admin: postgres::Client,
    /// How to connect to the scratch database.
    config: super::Target,
    name: String,
    server: String,
    dropped: bool,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch")
            .field("name", &self.name)
            .field("server", &self.server)
            .finish()
    }
}

/// A name no other run uses: the time, the process and a counter.
fn unique_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    format!("{SCRATCH_PREFIX}{secs}_{}_{n}", std::process::id())
}

impl Scratch {
    /// Connects to `url` (see [`crate::db::connect`]) and creates a database with a unique name
    /// (from `template0`) on that server. Needs the right to create databases.
    ///
    /// # Errors
    /// [`Error::Config`] for a bad URL, [`Error::Connect`] when the server cannot be reached,
    /// [`Error::Database`] when the database cannot be created.
    pub fn create(url: &str, interrupt: &Interrupt) -> Result<Scratch> {
        let config = super::parse_url(url)?;
        let server = super::redacted(&config.config);
        let admin = super::connect_config(&config)?;
        interrupt.watch(&admin);
        interrupt.check()?;
        let mut scratch = Scratch {
            admin,
            config,
            name: unique_name(),
            server,
            dropped: true,
        };
        let sql = format!(
            "CREATE DATABASE {} TEMPLATE template0",
            crate::catalog::quote_ident(&scratch.name)
        );
        scratch
            .admin
            .batch_execute(&sql)
            .map_err(|e| interrupt.or(e.into()))?;
        scratch.dropped = false;
        scratch.config.config.dbname(&scratch.name);
        Ok(scratch)
    }

    /// The scratch database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server, as a URL without password or database.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// A new connection to the scratch database (watched by `interrupt`).
    ///
    /// # Errors
    /// When connecting fails.
    pub fn connect(&self, interrupt: &Interrupt) -> Result<postgres::Client> {
        let client = super::connect_config(&self.config)?;
        interrupt.watch(&client);
        Ok(client)
    }

    /// Gives the scratch database the Supabase base schemas when it lacks them (a stock
    /// PostgreSQL server): loads [`crate::sql::supabase::PRELUDE_SQL`] in one transaction.
    /// Returns whether it did. Loads are serialised on the server (an advisory lock in the
    /// database of the URL): the prelude creates cluster-wide roles, which two sessions cannot
    /// do at once.
    ///
    /// # Errors
    /// When a query fails (the prelude needs a superuser).
    pub fn ensure_supabase_base(&mut self, interrupt: &Interrupt) -> Result<bool> {
        let mut client = self.connect(interrupt)?;
        let has = client
            .query_one(
                "SELECT to_regnamespace('auth') IS NOT NULL AND to_regnamespace('storage') IS NOT NULL",
                &[],
            )
            .map_err(|e| interrupt.or(e.into()))?;
        if has.get::<_, bool>(0) {
            return Ok(false);
        }
        // Any constant: the lock only orders schemagen's own prelude loads.
        const LOCK: i64 = 0x7363_6865_6d61_6765;
        self.admin
            .execute("SELECT pg_advisory_lock($1)", &[&LOCK])
            .map_err(|e| interrupt.or(e.into()))?;
        interrupt.watch(&client);
        let loaded = client.batch_execute(&format!(
            "BEGIN;\n{}\nCOMMIT;",
            crate::sql::supabase::PRELUDE_SQL
        ));
        interrupt.watch(&self.admin);
        let _ = self
            .admin
            .execute("SELECT pg_advisory_unlock($1)", &[&LOCK]);
        loaded.map_err(|e| {
            interrupt.or(Error::Prelude {
                message: super::describe(&e),
            })
        })?;
        Ok(true)
    }

    /// Drops the scratch database now (its other connections are ended first).
    ///
    /// # Errors
    /// When it cannot be dropped; the name is in the message.
    pub fn drop_now(mut self) -> Result<()> {
        self.drop_database()
    }

    fn drop_database(&mut self) -> Result<()> {
        if self.dropped {
            return Ok(());
        }
        self.dropped = true;
        let quoted = crate::catalog::quote_ident(&self.name);
        // The run's own connections are closed, but their server processes may still be
        // exiting; PostgreSQL waits 5 s for them, which a loaded machine can exceed: retry
        // while the database is still in use (SQLSTATE 55006).
        let mut attempts = 0;
        let result = loop {
            let result = self
                .admin
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = $1 AND pid <> pg_backend_pid()",
                    &[&self.name],
                )
                .and_then(|_| {
                    self.admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {quoted}"))
                });
            attempts += 1;
            match result {
                Err(e)
                    if attempts < 6
                        && e.code() == Some(&postgres::error::SqlState::OBJECT_IN_USE) =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(500));
                }
                result => break result,
            }
        };
        result.map_err(|e| Error::Config(format!(
            "could not drop the scratch database {quoted} on {}: {}; drop it by hand (DROP DATABASE {quoted})",
            self.server,
            super::describe(&e)
        )))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(e) = self.drop_database() {
            eprintln!("warning: {e}");
        }
    }
}
