//! `sql-from-prisma --from-prisma-migrations prisma/migrations`: the folders Prisma Migrate
//! writes (`<timestamp>_<name>/migration.sql`) → Supabase migrations
//! (`supabase/migrations/<timestamp>_<name>.sql`), the timestamp kept.
//!
//! * A folder already converted is skipped: recognised by the Prisma checksum in the header of
//!   the file it was converted to (the SHA-256 of `migration.sql`, what `_prisma_migrations`
//!   records), or by content (an existing file with the same statements, comments and
//!   whitespace aside), or because everything it creates is already in the history (a
//!   baseline such as `0_init` made by `prisma migrate diff --from-empty`): every statement of
//!   it conflicts or changes nothing.
//! * A version taken by an existing Supabase file is an error naming both.
//! * History and converted files are replayed together in the order the Supabase CLI applies
//!   them. A statement that conflicts with what an earlier file created (`CREATE TABLE` of a
//!   table that exists, `CREATE TYPE` of an existing enum, `ADD CONSTRAINT` of an existing
//!   constraint, a drop of something already gone, …) is an error at its file and line; with
//!   `idempotent` it is rewritten guarded ([`crate::sql::rewrite::guard`]) instead.
//! * `BEGIN;` / `COMMIT;` statements (Prisma writes them around an enum's recreation) are
//!   commented out: the Supabase CLI applies each file in one transaction of its own.

mod folders;

use folders::{
    conflicts_of, converted_text, header, header_checksums, is_conflict, list_prisma_folders,
    same_shape, same_statements,
};
use std::path::PathBuf;

use sha2::{Digest, Sha256};

use crate::diagnostics::{Diagnostic, Diagnostics, FileId, Severity, Sources};
use crate::error::{Error, Result};
use crate::output::Outputs;
use crate::sql::replay::Replayer;
use crate::sql::rewrite;
use crate::sql::source::parse_migration_name;
use crate::sql::split::{lex, split};

/// The settings of [`from_prisma_migrations`].
#[derive(Debug, Clone)]
pub struct FromPrismaMigrations {
    /// Prisma Migrate's folder (`prisma/migrations`).
    pub prisma_migrations: PathBuf,
    /// The Supabase migrations folder (the history, and where the converted files go).
    pub migrations: PathBuf,
    /// Rewrite the statements that conflict with the history guarded.
    pub idempotent: bool,
}

impl FromPrismaMigrations {
    /// Settings with the defaults (`prisma/migrations` → `supabase/migrations`).
    pub fn new() -> Self {
        FromPrismaMigrations {
            prisma_migrations: PathBuf::from("prisma/migrations"),
            migrations: PathBuf::from("supabase/migrations"),
            idempotent: false,
        }
    }
}

impl Default for FromPrismaMigrations {
    fn default() -> Self {
        Self::new()
    }
}

/// What became of one Prisma migration folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderOutcome {
    /// Converted to a new file.
    Converted {
        /// The new file.
        path: PathBuf,
        /// Statements rewritten guarded (`idempotent`).
        guarded: usize,
        /// `BEGIN`/`COMMIT` statements commented out.
        transaction_statements: usize,
    },
    /// Converted before: this file is its conversion.
    AlreadyConverted {
        /// The existing file.
        path: PathBuf,
        /// How it was recognised: `"checksum"` (the header names the Prisma checksum) or
        /// `"content"` (the same statements).
        by: &'static str,
    },
    /// Everything it creates the history has already (a baseline): not converted.
    InHistory {
        /// Its statements that conflict with the history.
        conflicts: usize,
    },
}

/// One Prisma migration folder and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    /// Its `migration.sql`.
    pub source: PathBuf,
    /// The version (the folder's timestamp).
    pub version: String,
    /// The folder's name after the timestamp.
    pub name: String,
    /// What became of it.
    pub outcome: FolderOutcome,
}

/// What [`from_prisma_migrations`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertedMigrations {
    /// The new files; nothing is written yet: the caller [creates](Outputs::create_new) them.
    pub outputs: Outputs,
    /// Every folder, in Prisma's order.
    pub folders: Vec<Folder>,
}

/// The SHA-256 of a file's bytes in hex: the checksum Prisma Migrate records for a
/// `migration.sql` in `_prisma_migrations.checksum`.
pub fn prisma_checksum(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header line that names the checksum of the converted Prisma migration.
const CHECKSUM_LINE: &str = "-- prisma checksum: ";

/// A Prisma migration being converted.
struct Pending {
    folder: usize,
    source: PathBuf,
    file: FileId,
    version: String,
    target: PathBuf,
    checksum: String,
}

/// Converts the Prisma migration folders that are not converted yet.
///
/// # Errors
/// [`Error::Diagnostics`] when the history has errors, or a converted file conflicts with it
/// (without `idempotent`) or fails on top of it (reported in `diags` with file, line and
/// column); [`Error::Config`] when a folder's version is taken by another Supabase file (both
/// named) or a folder is missing; [`Error::Io`] when a file cannot be read.
pub fn from_prisma_migrations(
    settings: &FromPrismaMigrations,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<ConvertedMigrations> {
    // The history alone must replay cleanly: errors found later are the converted files'.
    let history = super::replay_dir(&settings.migrations, sources, diags)?;
    super::stop_on_errors(diags)?;
    let existing = supabase_migrations(sources);
    let (mut folders, pending) = sort_out(settings, history, &existing, sources, diags)?;

    let mut run = Converting {
        settings,
        replayer: Replayer::new(crate::sql::supabase::base_catalog()),
        outputs: Outputs::new(),
        converted_before: Vec::new(),
        latest_history: existing
            .iter()
            .filter_map(|(n, _)| parse_migration_name(n).map(|(v, _)| v.to_string()))
            .max(),
    };
    for entry in apply_order(&existing, &pending) {
        match entry {
            Entry::History(id) => run.history_file(id, sources, diags),
            Entry::Converted(k) => {
                let p = &pending[k];
                if let Some(outcome) = run.convert(p, sources, diags) {
                    folders[p.folder].outcome = outcome;
                }
            }
        }
    }
    super::stop_on_errors(diags)?;
    Ok(ConvertedMigrations {
        outputs: run.outputs,
        folders,
    })
}

/// The Supabase migration files of the history (name, file).
fn supabase_migrations(sources: &Sources) -> Vec<(String, FileId)> {
    (0..sources.len())
        .filter_map(|i| {
            let name = sources
                .get(FileId(i))
                .path
                .file_name()?
                .to_str()?
                .to_string();
            parse_migration_name(&name)?;
            Some((name, FileId(i)))
        })
        .collect()
}

/// Reads every Prisma migration folder and sorts them out: converted already (by checksum or
/// content), a baseline the history holds already, or to convert. A version taken by another
/// Supabase file stops the run, every clash named.
fn sort_out(
    settings: &FromPrismaMigrations,
    history: crate::catalog::Catalog,
    existing: &[(String, FileId)],
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<(Vec<Folder>, Vec<Pending>)> {
    let listed = list_prisma_folders(&settings.prisma_migrations, diags)?;
    let mut folders = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    // On top of the whole history (and the Prisma migrations before): what is there already.
    let mut on_top = Replayer::new(history);
    let mut clashes = Vec::new();
    for (dir_name, source) in listed {
        let bytes = std::fs::read(&source).map_err(|e| Error::io(&source, e))?;
        let text = match crate::sql::source::read_migration(&source)? {
            Ok(t) => t,
            Err(d) => {
                diags.push(*d);
                continue;
            }
        };
        let checksum = prisma_checksum(&bytes);
        let (version, name) = parse_migration_name(&format!("{dir_name}.sql"))
            .map(|(v, n)| (v.to_string(), n.to_string()))
            .unwrap_or_default();
        let file = sources.add(source.clone(), text);
        let recognised = existing.iter().find_map(|(_, id)| {
            let f = sources.get(*id);
            if header_checksums(&f.text).any(|c| c == checksum) {
                Some((f.path.clone(), "checksum"))
            } else if same_statements(f, sources.get(file)) {
                Some((f.path.clone(), "content"))
            } else {
                None
            }
        });
        let i = folders.len();
        folders.push(Folder {
            source: source.clone(),
            version: version.clone(),
            name: name.clone(),
            outcome: FolderOutcome::InHistory { conflicts: 0 },
        });
        if let Some((path, by)) = recognised {
            folders[i].outcome = FolderOutcome::AlreadyConverted { path, by };
            continue;
        }
        // A baseline: everything it creates the history has already.
        let before = on_top.catalog().clone();
        let mut probe = on_top.clone();
        let mut local = Diagnostics::new();
        probe.replay_file(sources, file, &mut local);
        let errors: Vec<&Diagnostic> = local
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let all_conflicts = !errors.is_empty() && errors.iter().all(|d| is_conflict(d));
        let unchanged = same_shape(probe.catalog(), &before);
        on_top = probe;
        if all_conflicts && unchanged {
            folders[i].outcome = FolderOutcome::InHistory {
                conflicts: errors.len(),
            };
            continue;
        }
        let target = settings.migrations.join(format!("{dir_name}.sql"));
        if let Some((other, _)) = existing
            .iter()
            .find(|(n, _)| parse_migration_name(n).is_some_and(|(v, _)| v == version))
        {
            clashes.push(format!(
                "{} would become {}, but version {version} is taken by {}: rename the Prisma folder's timestamp (or remove the Supabase file) and run again",
                source.display(),
                target.display(),
                settings.migrations.join(other).display()
            ));
            continue;
        }
        pending.push(Pending {
            folder: i,
            source,
            file,
            version,
            target,
            checksum,
        });
    }
    if !clashes.is_empty() {
        return Err(Error::Config(clashes.join("\n")));
    }
    Ok((folders, pending))
}

/// A file of the combined history: a Supabase migration, or the converted folder `pending[k]`.
#[derive(Clone, Copy)]
enum Entry {
    History(FileId),
    Converted(usize),
}

/// History and converted files in the order the Supabase CLI applies them (version, then name).
fn apply_order(existing: &[(String, FileId)], pending: &[Pending]) -> Vec<Entry> {
    let mut order: Vec<(String, String, Entry)> = existing
        .iter()
        .map(|(n, id)| {
            let v = parse_migration_name(n).map(|(v, _)| v).unwrap_or("");
            (v.to_string(), n.clone(), Entry::History(*id))
        })
        .collect();
    for (k, p) in pending.iter().enumerate() {
        let n = p
            .target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        order.push((p.version.clone(), n, Entry::Converted(k)));
    }
    order.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    order.into_iter().map(|(_, _, e)| e).collect()
}

/// The combined history replayed in order while the converted files are written.
struct Converting<'s> {
    settings: &'s FromPrismaMigrations,
    replayer: Replayer,
    outputs: Outputs,
    /// The Prisma folders converted so far (named when a later history file fails).
    converted_before: Vec<PathBuf>,
    latest_history: Option<String>,
}

impl Converting<'_> {
    /// A Supabase file: its errors are the converted files' doing (it replayed cleanly alone).
    fn history_file(&mut self, id: FileId, sources: &Sources, diags: &mut Diagnostics) {
        let mut local = Diagnostics::new();
        self.replayer.replay_file(sources, id, &mut local);
        for mut d in local.into_iter().filter(|d| d.severity == Severity::Error) {
            d.help = Some(format!(
                "this file replays cleanly without the converted Prisma migrations sorted before it: {}",
                self.converted_before
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            diags.push(d);
        }
    }

    /// Converts one folder: statements that conflict with the history are guarded
    /// (`--idempotent`) or reported; the file as written is replayed. None when it is not
    /// written.
    fn convert(
        &mut self,
        p: &Pending,
        sources: &mut Sources,
        diags: &mut Diagnostics,
    ) -> Option<FolderOutcome> {
        let mut probe = self.replayer.clone();
        let mut local = Diagnostics::new();
        probe.replay_file(sources, p.file, &mut local);
        let source = sources.get(p.file);
        let Ok(lexed) = lex(source, 0, source.text.len()) else {
            // The replay reported where the file cannot be split.
            diags.extend(local);
            return None;
        };
        let statements = split(p.file, &lexed, &mut Diagnostics::new());
        let (conflicts, others) = conflicts_of(&local, &statements, p.file);
        let mut guarded = Vec::new();
        let mut unguarded = false;
        for (s, d) in &conflicts {
            let g = if self.settings.idempotent {
                rewrite::guard(&source.text, &lexed, &statements[*s])
            } else {
                None
            };
            match g {
                Some(g) => guarded.push((*s, g)),
                None => {
                    unguarded = true;
                    diags.push(unguarded_conflict(d, self.settings.idempotent));
                }
            }
        }
        if unguarded {
            // Go on with the file as Postgres would leave it, to report the rest.
            self.replayer = probe;
            diags.extend(others);
            self.converted_before.push(p.source.clone());
            return None;
        }
        let (body, transaction_statements) =
            converted_text(&source.text, &lexed, &statements, &guarded);
        let header = header(
            &p.source,
            &p.checksum,
            guarded.len(),
            transaction_statements,
        );
        let text = format!("{header}\n{body}");
        let id = sources.add(p.target.clone(), text.clone());
        // The file as written, replayed: what is left is a real error.
        let mut after = Diagnostics::new();
        self.replayer.replay_file(sources, id, &mut after);
        diags.extend(after);
        if let Some(latest) = self.latest_history.as_ref().filter(|l| **l > p.version) {
            diags.push(Diagnostic::warning(
                format!(
                    "{}: version {} is older than the latest Supabase migration ({latest}): `supabase db reset` applies it before that one, and `supabase db push` refuses it without --include-all",
                    p.target.display(),
                    p.version,
                ),
                None,
            ));
        }
        self.outputs.insert(p.target.clone(), text);
        self.converted_before.push(p.source.clone());
        Some(FolderOutcome::Converted {
            path: p.target.clone(),
            guarded: guarded.len(),
            transaction_statements,
        })
    }
}

/// The error for a statement that conflicts with the history and is not guarded.
fn unguarded_conflict(d: &Diagnostic, idempotent: bool) -> Diagnostic {
    if idempotent {
        Diagnostic::error(
            format!(
                "conflicts with what an earlier migration created, and has no guarded form: {}",
                d.message
            ),
            d.span,
        )
        .with_help("edit the Prisma migration (or the history) so that they agree")
    } else {
        Diagnostic::error(
            format!(
                "conflicts with what an earlier migration created: {}",
                d.message
            ),
            d.span,
        )
        .with_help(
            "pass --idempotent to rewrite the conflicting statements guarded (IF NOT EXISTS, DO blocks)",
        )
    }
}
