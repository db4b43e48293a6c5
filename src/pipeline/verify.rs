//! Verify → replay against PostgreSQL itself (`schemagen inspect --verify-with URL`): apply the
//! migrations to a scratch database on a real server, read it back with the live reader, and
//! compare with the catalog replay builds from the same files, object by object, naming for
//! each object that differs the statement that last touched it in the replay.
//!
//! The scratch database gets a unique name ([`SCRATCH_PREFIX`]…), the Supabase base schemas
//! (schemagen's prelude when the server's new databases lack them), and is dropped whatever
//! happens. Replay starts from the base schemas as the server has them, so a server with newer
//! Supabase schemas than schemagen's built-in ones verifies the migrations, not the base.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::catalog::{Catalog, ObjectKey, Place, Touches};
use crate::db::apply::Applier;
use crate::db::{read_catalog, Scratch};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity, Sources};
use crate::diff::compare::{compare, Comparison, Difference};
use crate::error::{Error, Result};
use crate::sql;

pub use crate::db::{Interrupt, SCRATCH_PREFIX};

/// What to verify, and where.
#[derive(Clone)]
pub struct Verify {
    /// The migrations folder.
    pub migrations: PathBuf,
    /// The server: a `postgresql://user:password@host:port/dbname` URL (or libpq's key-value
    /// form). Its database is only used to create and drop the scratch database.
    pub url: String,
}

impl std::fmt::Debug for Verify {
    /// Without the URL, which may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verify")
            .field("migrations", &self.migrations)
            .finish_non_exhaustive()
    }
}

/// The outcome of a verification that ran to the end.
#[derive(Debug)]
pub struct Verification {
    /// The server, as a URL without password or database.
    pub server: String,
    /// The scratch database's name (dropped).
    pub database: String,
    /// Whether schemagen's Supabase prelude was loaded (the server's new databases lacked the
    /// Supabase schemas).
    pub prelude_loaded: bool,
    /// How many differences the server's Supabase base schemas have with schemagen's built-in
    /// ones (replay started from the server's).
    pub base_differences: usize,
    /// Migration files applied.
    pub files: usize,
    /// Statements applied.
    pub statements: usize,
    /// The replay's statement counts.
    pub stats: sql::replay::ReplayStats,
    /// Errors replay reported (each a difference: PostgreSQL applied every statement).
    pub replay_errors: usize,
    /// The comparison of the database (live) with the replayed catalog.
    pub comparison: Comparison,
    /// The replayed catalog, with its provenance.
    pub replayed: Catalog,
    /// For each object of the database that a migration wrote, the statement that wrote it
    /// last (the `xmin` of its catalog rows, see the module docs).
    pub live_provenance: BTreeMap<ObjectKey, Place>,
}

impl Verification {
    /// Whether replay built what PostgreSQL built, without an error.
    pub fn is_equal(&self) -> bool {
        self.comparison.is_equal() && self.replay_errors == 0
    }

    /// The differences, object by object: for each object that differs, what differs and where
    /// the replay created and last changed it. Empty when equal.
    pub fn report(&self) -> String {
        let mut out = report_differences(&self.comparison, &self.replayed, &|object, first| {
            self.live_line(object, first)
        });
        if self.replay_errors > 0 {
            out.push_str(&format!(
                "replay: {} error(s) where PostgreSQL applied every statement (listed above)\n",
                self.replay_errors
            ));
        }
        out
    }

    /// Where PostgreSQL last wrote `object` (its table's record when it has none).
    fn live_line(&self, object: &ObjectKey, first: &Difference) -> String {
        let absent = first.live == "(absent)" || first.live == "false";
        if let Some(p) = self.live_provenance.get(object) {
            return format!("PostgreSQL: last written at {p}");
        }
        let owner = object.member.as_ref().and_then(|_| {
            self.live_provenance
                .range(
                    ObjectKey::object(
                        crate::catalog::ObjectKind::Schema,
                        &object.schema,
                        &object.name,
                    )..,
                )
                .take_while(|(k, _)| k.schema == object.schema && k.name == object.name)
                .find(|(k, _)| k.member.is_none())
        });
        match (absent, owner) {
            (true, Some((k, p))) => {
                format!("PostgreSQL: not built; its {k} was last written at {p}")
            }
            (true, None) => "PostgreSQL: not built".to_string(),
            (false, _) => {
                "PostgreSQL: from the Supabase base schemas, not written by any migration"
                    .to_string()
            }
        }
    }

    /// One line: what was verified and how it came out.
    pub fn summary(&self) -> String {
        let c = &self.comparison;
        let differing = self.comparison.differences.len();
        let verdict = if self.is_equal() {
            "replay built the same schema".to_string()
        } else {
            let objects: std::collections::BTreeSet<&ObjectKey> =
                c.differences.iter().map(|d| &d.object).collect();
            format!(
                "{differing} difference(s) in {} object(s){}",
                objects.len(),
                if self.replay_errors > 0 {
                    format!(", {} replay error(s)", self.replay_errors)
                } else {
                    String::new()
                }
            )
        };
        format!(
            "verified against {} (scratch database {}, dropped): {} file(s), {} statement(s) applied; {} table(s) and {} other object(s) compared: {verdict}",
            self.server, self.database, self.files, self.statements, c.tables, c.objects
        )
    }
}

/// Where the replay created and last changed `object` (its table's record when it has none).
fn provenance_line(replayed: &Catalog, object: &ObjectKey, absent: bool) -> String {
    let describe = |t: &Touches| match &t.created {
        Some(c) if *c == t.changed => format!("created at {c}, not changed since"),
        Some(c) => format!("last changed at {} (created at {c})", t.changed),
        None => format!(
            "last changed at {} (it comes from the Supabase base schemas)",
            t.changed
        ),
    };
    let p = &replayed.provenance;
    if let Some(t) = p.get(object) {
        return format!("replay: {}", describe(t));
    }
    let owner = object.member.as_ref().and_then(|_| p.owner(object));
    match (absent, owner) {
        (true, Some((k, t))) => format!(
            "replay: not built by the replay; its {k} was {}",
            describe(t)
        ),
        (true, None) => "replay: not built by the replay".to_string(),
        (false, _) => {
            "replay: from the Supabase base schemas, not changed by any migration".to_string()
        }
    }
}

/// The differences of `comparison`, object by object: what differs (`database=… replay=…`),
/// where the replay created and last changed the object, and `live_line`'s line.
pub(crate) fn report_differences(
    comparison: &Comparison,
    replayed: &Catalog,
    live_line: &dyn Fn(&ObjectKey, &Difference) -> String,
) -> String {
    let mut groups: Vec<(&ObjectKey, Vec<&Difference>)> = Vec::new();
    let mut at: BTreeMap<&ObjectKey, usize> = BTreeMap::new();
    for d in &comparison.differences {
        match at.get(&d.object) {
            Some(&i) => groups[i].1.push(d),
            None => {
                at.insert(&d.object, groups.len());
                groups.push((&d.object, vec![d]));
            }
        }
    }
    let mut out = String::new();
    for (object, diffs) in groups {
        out.push_str(&format!("{object}:\n"));
        for d in &diffs {
            out.push_str(&format!(
                "  {}: PostgreSQL={} replay={}\n",
                d.path, d.live, d.replay
            ));
        }
        let absent = diffs
            .iter()
            .all(|d| d.replay == "(absent)" || d.replay == "false");
        out.push_str(&format!(
            "  {}\n",
            provenance_line(replayed, object, absent)
        ));
        let line = live_line(object, diffs[0]);
        if !line.is_empty() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    out
}

/// Applies the migrations to a scratch database on the server, reads it back, replays the same
/// files and compares (see the module docs). `interrupt` stops the run between two statements
/// (and cancels the one running); the scratch database is dropped on every path.
///
/// Diagnostics of the replay go to `diags`; a file PostgreSQL rejects is an error there too,
/// naming the file, line and column of PostgreSQL's error position, and the run stops with
/// [`Error::Diagnostics`].
///
/// # Errors
/// The migrations folder cannot be read or lists two files with one version; the server
/// cannot be reached, refuses to create a database, or the Supabase base schemas cannot be
/// loaded; a migration fails ([`Error::Diagnostics`]); [`Error::Interrupted`].
pub fn verify(
    settings: &Verify,
    interrupt: &Interrupt,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<Verification> {
    super::replay::check_migrations_folder(&settings.migrations)?;
    let mut listing = Diagnostics::new();
    sql::source::list_migrations(&settings.migrations, &mut listing)?;
    if listing.has_errors() {
        return Err(stop(
            diags,
            listing
                .into_iter()
                .filter(|d| d.severity == Severity::Error),
        ));
    }

    let mut scratch = Scratch::create(&settings.url, interrupt)?;
    let prelude_loaded = scratch.ensure_supabase_base(interrupt)?;
    let mut client = scratch.connect(interrupt)?;
    let base = read_catalog(&mut client).map_err(|e| interrupt.or(e))?;
    let base_differences = compare(&base, &sql::supabase::base_catalog(), &|_| true)
        .differences
        .len();

    let mut replay_diags = Diagnostics::new();
    let replayed =
        super::replay_dir_from(&settings.migrations, base, true, sources, &mut replay_diags)?;
    if replayed.files.iter().any(|(_, read)| !read) {
        // A file that cannot be read cannot be applied either.
        return Err(stop(
            diags,
            replay_diags
                .into_iter()
                .filter(|d| d.severity == Severity::Error && d.span.is_none()),
        ));
    }

    let mut statements = 0;
    let mut side = scratch.connect(interrupt)?;
    // A Ctrl-C cancels what the migrations run, not the marks.
    interrupt.watch(&client);
    let mut applier = Applier::new(&mut client, &mut side, interrupt);
    for (id, _) in &replayed.files {
        match applier.apply_file(sources.get(*id), *id)? {
            Ok(n) => statements += n,
            Err(d) => return Err(stop(diags, std::iter::once(*d))),
        }
    }
    let marks = applier.finish()?;
    let live = read_catalog(&mut client).map_err(|e| interrupt.or(e))?;
    let written = crate::db::written::written(&mut client).map_err(|e| interrupt.or(e))?;
    let live_provenance = written
        .into_iter()
        .filter_map(|(k, xmins)| marks.last_writer(&xmins).map(|p| (k, p.clone())))
        .collect();
    drop((client, side));
    let (server, database) = (scratch.server().to_string(), scratch.name().to_string());
    if let Err(e) = scratch.drop_now() {
        diags.push(Diagnostic::warning(e.to_string(), None));
    }

    let replay_errors = replay_diags.error_count();
    diags.extend(replay_diags);
    let comparison = compare(&live, &replayed.catalog, &|_| true);
    Ok(Verification {
        server,
        database,
        prelude_loaded,
        base_differences,
        files: replayed.files.len(),
        statements,
        stats: replayed.stats,
        replay_errors,
        comparison,
        replayed: replayed.catalog,
        live_provenance,
    })
}

/// Adds `errors` to `diags` and returns the error that stops the run.
fn stop(diags: &mut Diagnostics, errors: impl Iterator<Item = Diagnostic>) -> Error {
    for d in errors {
        diags.push(d);
    }
    Error::Diagnostics {
        errors: diags.error_count(),
        warnings: diags.warning_count(),
    }
}
