//! `sql-from-prisma`: the edited `schema.prisma` → a new timestamped Supabase migration.
//!
//! Replay the history → lower the schema (with the history as context) → diff on what Prisma
//! expresses → write the SQL (`emit::sql`) → a new file `<version>_<slug>.sql` whose version is
//! greater than every existing one.

mod names;
#[cfg(test)]
mod tests;

pub use names::slug;
pub(crate) use names::{next_version, utc_stamp};

use std::path::PathBuf;

use crate::catalog::{Catalog, SqlType};
use crate::diagnostics::{Diagnostics, FileId, Sources};
use crate::diff::{self, Pair, Rename, Scope};
use crate::emit::prisma::defaults::{parse_default, DbDefault};
use crate::emit::prisma::family::Family;
use crate::emit::sql::{self, SqlOptions};
use crate::error::{Error, Result};
use crate::output::Outputs;
use crate::prisma::lower::{lower_files, LowerOptions};
use crate::psl::resolved::Previous;
use crate::sql::source::parse_migration_name;

/// The settings of [`sql_from_prisma`].
#[derive(Debug, Clone)]
pub struct SqlFromPrisma {
    /// The migrations folder (the history, and where the new file goes).
    pub migrations: PathBuf,
    /// The edited schema.
    pub schema: PathBuf,
    /// The migration's name (the file's slug is made from it as Prisma makes it).
    pub name: String,
    /// Guarded DDL that applies twice.
    pub idempotent: bool,
    /// Write destructive steps (otherwise they stop the run).
    pub allow_destructive: bool,
    /// Also write a rollback file in `rollbacks/` next to the migrations folder.
    pub down: bool,
    /// `--rename` values: `old=new` (a table), `table.old=new` (a column of `table`).
    pub renames: Vec<String>,
    /// The time the version is made from (UTC seconds since the epoch); `None`: now.
    pub now: Option<u64>,
    /// Errors in the history become warnings (`--keep-going`): the migration is made from the
    /// catalog replayed past them. Errors of the schema and of the new migration still stop.
    pub keep_going: bool,
}

impl SqlFromPrisma {
    /// Settings with the defaults (`supabase/migrations`, `prisma/schema.prisma`).
    pub fn new(name: impl Into<String>) -> Self {
        SqlFromPrisma {
            migrations: PathBuf::from("supabase/migrations"),
            schema: PathBuf::from("prisma/schema.prisma"),
            name: name.into(),
            idempotent: false,
            allow_destructive: false,
            down: false,
            renames: Vec::new(),
            now: None,
            keep_going: false,
        }
    }
}

/// What [`sql_from_prisma`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlMigration {
    /// The new migration (and rollback) files; nothing is written yet: the caller
    /// [creates](Outputs::create_new) them.
    pub outputs: Outputs,
    /// The migration file's path.
    pub path: PathBuf,
    /// The rollback file's path, with `down`.
    pub down_path: Option<PathBuf>,
    /// The migration's SQL (header included).
    pub sql: String,
    /// The destructive steps (each as its `-- BREAKING:` message).
    pub breaking: Vec<String>,
    /// The new version.
    pub version: String,
    /// The versions of the migrations folder before it, sorted.
    pub history: Vec<String>,
}

/// What [`apply_migration`] did.
#[cfg(feature = "db")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The database, as a URL without its password.
    pub target: String,
    /// The version recorded.
    pub version: String,
    /// The statements run and recorded.
    pub statements: usize,
}

/// Applies a new migration (its file already written at `migration.path`) to the database at
/// `db_url` as the Supabase CLI does: in one transaction, recorded in
/// `supabase_migrations.schema_migrations` (see [`crate::db::history`]). The database's history
/// must be the migrations folder's (what `supabase migration up` checks): every earlier file
/// recorded, none recorded that the folder lacks.
///
/// # Errors
/// [`Error::Config`] for a bad URL or a history that does not match, [`Error::Connect`] (the
/// target named without its password), [`Error::Apply`] when a statement fails (the
/// transaction rolled back: nothing applied, nothing recorded).
#[cfg(feature = "db")]
pub fn apply_migration(db_url: &str, migration: &SqlMigration) -> Result<Applied> {
    use crate::db::history;
    let mut client = crate::db::connect(db_url)?;
    let target = crate::db::display_target(db_url);
    let remote = history::applied_versions(&mut client)
        .map_err(|e| Error::Apply(e.to_string()))?
        .unwrap_or_default();
    let listed = |v: &[String]| {
        let mut s = v.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
        if v.len() > 5 {
            s.push_str(&format!(" and {} more", v.len() - 5));
        }
        s
    };
    let unknown: Vec<String> = remote
        .iter()
        .filter(|v| !migration.history.contains(v))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(Error::Config(format!(
            "{target} records migration(s) the migrations folder does not have: {}; pull them into the folder (or `supabase migration repair --status reverted VERSION`) first",
            listed(&unknown)
        )));
    }
    let missing: Vec<String> = migration
        .history
        .iter()
        .filter(|v| !remote.contains(v))
        .cloned()
        .collect();
    if !missing.is_empty() {
        return Err(Error::Config(format!(
            "{target} does not record migration(s) of the folder: {}; apply them first (`supabase migration up --db-url …`), or, when the database has them already, record them (`supabase migration repair --status applied VERSION`)",
            listed(&missing)
        )));
    }
    let file_name = migration
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let (version, name) = parse_migration_name(file_name)
        .ok_or_else(|| Error::Config(format!("{file_name}: not a migration file name")))?;
    let file = crate::diagnostics::SourceFile::new(migration.path.clone(), migration.sql.clone());
    let statements = history::apply_file(&mut client, &file, version, name)
        .map_err(|e| Error::Apply(e.to_string()))?;
    Ok(Applied {
        target,
        version: version.to_string(),
        statements: statements.len(),
    })
}

/// Replays the history, lowers the schema, diffs them and writes the SQL. `Ok(None)`: the
/// schema and the history agree on everything Prisma expresses (no file).
///
/// # Errors
/// [`Error::Diagnostics`] when the migrations or the schema have errors (reported in `diags`
/// with file, line and column), [`Error::Schema`] when the schema does not parse,
/// [`Error::Destructive`] when a step would lose data and `allow_destructive` is off,
/// [`Error::Config`] for a bad `--rename`, [`Error::Io`] when a file cannot be read.
pub fn sql_from_prisma(
    settings: &SqlFromPrisma,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<Option<SqlMigration>> {
    let history = super::replay_dir(&settings.migrations, sources, diags)?;
    if settings.keep_going {
        diags.downgrade_errors();
    }
    super::stop_on_errors(diags)?;
    // The versions of the files replay read (their names follow the Supabase CLI's rule).
    let existing = versions_read(sources);
    let files = sources.len();
    // One file, or a folder of `.prisma` files.
    let schema = crate::prisma::files::SchemaFiles::load(&settings.schema)?.ok_or_else(|| {
        Error::io(
            &settings.schema,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        )
    })?;
    let parsed = schema.parse()?;
    let ast = parsed.ast;
    let placed: Vec<(usize, FileId)> = schema
        .files
        .iter()
        .zip(&parsed.starts)
        .map(|((path, text), &start)| (start, sources.add(path.clone(), text.clone())))
        .collect();
    let opts = LowerOptions {
        context: Some(&history),
        ..Default::default()
    };
    // What `db pull` would write is lowered on a second thread meanwhile (it needs only the
    // history and the schema's own blocks).
    let (mut lowered, pulled) = std::thread::scope(|s| {
        let pulled = std::thread::Builder::new()
            .name("schemagen-pulled".into())
            .spawn_scoped(s, || pulled_catalog(&history, &ast, &opts));
        let lowered = lower_files(&ast, &placed, &opts, diags);
        let pulled = match pulled {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            // No thread: the same work here.
            Err(_) => pulled_catalog(&history, &ast, &opts),
        };
        (lowered, pulled)
    });
    super::stop_on_errors(diags)?;
    if let Some(pulled) = &pulled {
        keep_what_pull_cannot_print(&mut lowered, &history, pulled);
    }
    let prev = Previous::new(&ast);
    let mut schemas = prev.schemas();
    if schemas.is_empty() {
        schemas.push(opts.default_schema.clone());
    }
    let scope = Scope {
        schemas,
        relation_mode_prisma: prev.relation_mode_prisma(),
        partial_indexes: prev.has_preview_feature("partialIndexes"),
    };
    let renames = parse_renames(&settings.renames)?;
    let up = diff::diff(
        Pair::new(&history, &lowered),
        &scope,
        &renames,
        &same_default,
    )
    .map_err(|e| Error::Config(e.0))?;
    if up.is_empty() {
        return Ok(None);
    }
    let breaking = up.breaking();
    if !breaking.is_empty() && !settings.allow_destructive {
        return Err(Error::Destructive { steps: breaking });
    }
    let sql_opts = SqlOptions {
        idempotent: settings.idempotent,
    };
    let body = sql::render(&up, &history, &lowered, sql_opts);

    let now = settings.now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0)
    });
    let version = next_version(&utc_stamp(now), existing.iter().map(String::as_str));
    let file_name = format!("{version}_{}.sql", slug(&settings.name));
    let path = settings.migrations.join(&file_name);
    let rollbacks = settings
        .migrations
        .parent()
        .map(|p| p.join("rollbacks"))
        .unwrap_or_else(|| PathBuf::from("rollbacks"));
    let down_path = settings
        .down
        .then(|| rollbacks.join(format!("{version}_{}.down.sql", slug(&settings.name))));
    let latest = existing.iter().max().cloned();
    let mut header = format!(
        "-- Generated by schemagen {} (sql-from-prisma)\n-- schema: {}\n-- migrations: {} ({} file(s){})\n",
        env!("CARGO_PKG_VERSION"),
        settings.schema.display(),
        settings.migrations.display(),
        files,
        latest
            .map(|v| format!(", latest {v}"))
            .unwrap_or_default()
    );
    if let Some(d) = &down_path {
        header.push_str(&format!("-- rollback: {}\n", d.display()));
    }
    header.push('\n');
    let text = format!("{header}{body}");
    if may_meet_dependents(&up) {
        fails_on_history(&settings.migrations, &path, &text, sources, diags)?;
    }
    let mut outputs = Outputs::new();
    outputs.insert(path.clone(), text.clone());
    if let Some(d) = &down_path {
        let reversed: Vec<Rename> = reverse_renames(&renames);
        let down = diff::diff(
            Pair::new(&lowered, &history),
            &scope,
            &reversed,
            &same_default,
        )
        .map_err(|e| Error::Config(e.0))?;
        let body = sql::render(&down, &lowered, &history, sql_opts);
        let text = format!(
            "-- Rollback of {} (schemagen {}). Not in the migrations folder: apply it by hand\n-- (psql -f), then remove the migration's row from supabase_migrations.schema_migrations.\n\n{body}",
            file_name,
            env!("CARGO_PKG_VERSION")
        );
        outputs.insert(d.clone(), text);
    }
    Ok(Some(SqlMigration {
        outputs,
        path,
        down_path,
        sql: text,
        breaking,
        version,
        history: existing,
    }))
}

/// The schema `db pull` would write over `ast` for the history (re-introspection), lowered:
/// see [`keep_what_pull_cannot_print`]. `None` when it does not lower cleanly.
fn pulled_catalog(
    history: &Catalog,
    ast: &crate::psl::ast::SchemaAst,
    opts: &LowerOptions<'_>,
) -> Option<Catalog> {
    let prev = Previous::new(ast);
    let rendered = crate::emit::prisma::render(
        history,
        &prev,
        &crate::emit::prisma::PrismaOptions::default(),
    );
    let pulled_ast = crate::prisma::parse(&rendered.text).ok()?;
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let id = sources.add(PathBuf::from("schema.prisma"), rendered.text);
    let pulled = lower_files(&pulled_ast, &[(0, id)], opts, &mut diags);
    (!diags.has_errors()).then_some(pulled)
}

/// Where `db pull` cannot print what the history built (a `jsonb[]` default it prints as `[]`, a
/// domain array it prints as `Unsupported("email[]")`, an enum default it prints as
/// `dbgenerated(…)`), the schema it writes lowers to something else than the history, and a
/// schema just written by `prisma-from-sql` would give steps no one asked for. So the schema
/// `db pull` would write (re-introspecting the user's schema) is lowered too (`pulled`, from
/// [`pulled_catalog`]), and each column or enum of `lowered` that is exactly what that schema
/// says is taken as the history has it: only what the user changed is a step.
fn keep_what_pull_cannot_print(lowered: &mut Catalog, history: &Catalog, pulled: &Catalog) {
    // The columns taken from the history may have its domains (of any schema) as types, and
    // the domains of its extensions (`lo`), known through the extension.
    for (en, e) in &history.extensions {
        lowered
            .extensions
            .entry(en.clone())
            .or_insert_with(|| e.clone());
    }
    for (sn, h) in &history.schemas {
        if h.domains.is_empty() {
            continue;
        }
        let schema = lowered
            .schemas
            .entry(sn.clone())
            .or_insert_with(|| crate::catalog::Schema {
                name: sn.clone(),
                ..Default::default()
            });
        for (dn, d) in &h.domains {
            schema
                .domains
                .entry(dn.clone())
                .or_insert_with(|| d.clone());
        }
    }
    for (sn, schema) in &mut lowered.schemas {
        let (Some(p), Some(h)) = (pulled.schemas.get(sn), history.schemas.get(sn)) else {
            continue;
        };
        for (en, e) in &mut schema.enums {
            if let (Some(pe), Some(he)) = (p.enums.get(en), h.enums.get(en)) {
                if pe == e {
                    *e = he.clone();
                }
            }
        }
        for (tn, table) in &mut schema.tables {
            let (Some(pt), Some(ht)) = (p.tables.get(tn), h.tables.get(tn)) else {
                continue;
            };
            for col in &mut table.columns {
                let pc = pt.columns.iter().find(|c| c.name == col.name);
                let hc = ht.columns.iter().find(|c| c.name == col.name);
                if let (Some(pc), Some(hc)) = (pc, hc) {
                    if pc == col {
                        *col = hc.clone();
                    }
                }
            }
        }
    }
}

/// Whether a step can fail on objects of the history that Prisma does not show (a view, a
/// policy, a generated column or a routine reading a column whose type changes or that is
/// dropped, an enum recreated or dropped while something uses it).
fn may_meet_dependents(d: &crate::diff::Diff) -> bool {
    use crate::diff::{ColumnChange, Step, TableChange};
    d.steps.iter().any(|p| match &p.step {
        Step::AlterEnum { recreate, .. } => *recreate,
        Step::DropEnum { .. } | Step::DropTable { .. } => true,
        Step::AlterTable { changes, .. } => changes.iter().any(|c| match c {
            TableChange::DropColumn { .. } => true,
            TableChange::AlterColumn { changes, .. } => changes.contains(&ColumnChange::SetType),
            _ => false,
        }),
        _ => false,
    })
}

/// Replays the history and then `text` (the migration about to be written at `path`): an error
/// PostgreSQL would raise applying it (`cannot alter type of a column used by a view or rule`)
/// stops the run before anything is written, reported at the generated statement.
fn fails_on_history(
    migrations: &std::path::Path,
    path: &std::path::Path,
    text: &str,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<()> {
    let mut replayed = Sources::new();
    let mut check = Diagnostics::new();
    super::replay_dir_then(
        migrations,
        crate::sql::supabase::base_catalog(),
        false,
        Some((path.to_path_buf(), text.to_string())),
        &mut replayed,
        &mut check,
    )?;
    let Some(generated) = replayed.len().checked_sub(1).map(FileId) else {
        return Ok(());
    };
    let mut shown = None;
    let mut failed = false;
    // PostgreSQL stops at the first error of a migration: the later ones follow from it.
    if let Some(d) = check.iter().find(|d| {
        d.severity == crate::diagnostics::Severity::Error
            && d.span.is_some_and(|s| s.file == generated)
    }) {
        {
            failed = true;
            let id = *shown.get_or_insert_with(|| sources.add(path, text.to_string()));
            let mut d = d.clone();
            if let Some(s) = d.span.as_mut() {
                s.file = id;
            }
            diags.push(d.with_help(
                "the migration schemagen would write fails on this history (an object Prisma does not show depends on what it changes); nothing was written: change that object in a migration of your own first",
            ));
        }
    }
    if failed {
        return super::stop_on_errors(diags);
    }
    Ok(())
}

/// Parses `--rename` values.
fn parse_renames(raw: &[String]) -> Result<Vec<Rename>> {
    raw.iter()
        .map(|r| {
            let bad = || {
                Error::Config(format!(
                    "--rename {r}: expected OLD=NEW (a table) or TABLE.OLD=NEW (a column)"
                ))
            };
            let (lhs, to) = r.split_once('=').ok_or_else(bad)?;
            let (table, from) = match lhs.split_once('.') {
                Some((t, c)) => (Some(t.to_string()), c.to_string()),
                None => (None, lhs.to_string()),
            };
            if from.is_empty() || to.is_empty() || table.as_deref() == Some("") {
                return Err(bad());
            }
            Ok(Rename {
                table,
                from,
                to: to.to_string(),
            })
        })
        .collect()
}

/// The renames of the way back.
fn reverse_renames(renames: &[Rename]) -> Vec<Rename> {
    let table_back = |t: &str| {
        renames
            .iter()
            .find(|r| r.table.is_none() && r.to == t)
            .map(|r| r.from.clone())
            .unwrap_or_else(|| t.to_string())
    };
    renames
        .iter()
        .map(|r| Rename {
            table: r.table.as_deref().map(table_back),
            from: r.to.clone(),
            to: r.from.clone(),
        })
        .collect()
}

/// Whether Prisma reads two defaults of a column of type `ty` as the same value.
fn same_default(c: &Catalog, ty: &SqlType, a: &str, b: &str) -> bool {
    let family = if c.enum_type(&ty.schema, &ty.name).is_some() {
        Family::Enum(0)
    } else {
        crate::pg::typemap::by_pg_name(&ty.name, &ty.schema)
            .map(|m| Family::from(m.scalar))
            .unwrap_or_else(|| Family::Unsupported(ty.name.clone()))
    };
    match (
        parse_default(a, &family, ty.is_array()),
        parse_default(b, &family, ty.is_array()),
    ) {
        (Some(DbDefault::DbGenerated(x)), Some(DbDefault::DbGenerated(y))) => x == y,
        (Some(x), Some(y)) => x == y,
        (None, None) => true,
        _ => false,
    }
}

/// The versions of the migration files in `sources` (their names follow the Supabase CLI's
/// rule), sorted.
pub(crate) fn versions_read(sources: &Sources) -> Vec<String> {
    let mut versions: Vec<String> = (0..sources.len())
        .filter_map(|i| {
            let path = &sources.get(FileId(i)).path;
            let name = path.file_name()?.to_str()?;
            parse_migration_name(name).map(|(v, _)| v.to_string())
        })
        .collect();
    versions.sort();
    versions
}
