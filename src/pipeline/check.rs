//! `schemagen check`: does `schema.prisma` agree with the migrations, in both directions?
//!
//! Two questions, each answered by a stage that already exists, so `check` can never disagree
//! with the commands it points to:
//! - would `schemagen sql-from-prisma` write a migration ([`sql_from_prisma`](super::sql_from_prisma)
//!   finds steps between the history and the schema)?
//! - would `schemagen prisma-from-sql` change the file ([`prisma_from_sql`](super::prisma_from_sql)
//!   renders something else)?
//!
//! Neither: up to date. Only the first: the schema has edits `db pull` would keep and no migration
//! has. Only the second: the file is not printed as `db pull` prints it. Both: they disagree on
//! something Prisma expresses, and only the user knows which side is newer, so
//! [`PrismaDrift::Diverged`] carries both remedies.

use std::path::PathBuf;

use super::{prisma_from_sql, sql_from_prisma, PrismaFromSql, SqlFromPrisma};
use crate::diagnostics::{Diagnostics, Sources};
use crate::error::{Error, Result};

/// How `schema.prisma` stands against the migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrismaDrift {
    /// The schema is what `prisma db pull` writes for the migrations.
    UpToDate,
    /// The schema file does not exist.
    Missing,
    /// The schema expresses changes no migration makes, and `db pull` would keep the file as it
    /// is (re-introspection keeps what is not in the database): the SQL of the migration
    /// `sql-from-prisma` would write (without its header), one statement per step.
    Ahead {
        /// The statements.
        sql: String,
    },
    /// They disagree on something Prisma expresses, which reads both ways: the schema was
    /// edited (a column added, a model removed, …), or a migration changed the database and the
    /// schema was not regenerated. Which one only the user knows, so both remedies are given:
    /// the statements `sql-from-prisma` would write and the diff `prisma-from-sql` would apply.
    Diverged {
        /// The statements `sql-from-prisma` would write (destructive ones included).
        sql: String,
        /// The destructive steps among them.
        breaking: Vec<String>,
        /// The diff `prisma-from-sql` would apply.
        diff: String,
    },
    /// The schema and the migrations agree on everything Prisma expresses, but `db pull` would
    /// print the file differently (its warnings' comments, attributes Prisma ignores, …): the unified diff from the file to what `prisma-from-sql` writes.
    Behind {
        /// The diff.
        diff: String,
    },
}

/// The result of [`check_prisma`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrismaCheck {
    /// The schema file checked.
    pub schema: PathBuf,
    /// How it stands.
    pub drift: PrismaDrift,
}

/// Compares `schema.prisma` with the migrations, both ways (see the module documentation).
/// Nothing is written.
///
/// # Errors
/// As [`prisma_from_sql`] and [`sql_from_prisma`]: errors in the migrations or the schema, a
/// file that cannot be read.
pub fn check_prisma(
    settings: &PrismaFromSql,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<PrismaCheck> {
    let schema = settings.schema.clone();
    let rendered = prisma_from_sql(settings, sources, diags)?;
    if !schema.exists() {
        return Ok(PrismaCheck {
            schema,
            drift: PrismaDrift::Missing,
        });
    }
    // sql-from-prisma takes what `db pull` cannot print (a default it prints as `[]`, a domain
    // array it prints as `Unsupported`) as the history has it, so its steps are edits.
    let ahead = steps_against(settings, &schema, sources, diags)?.map(|m| Steps {
        sql: statements(&m.sql),
        breaking: m.breaking,
    });
    let stale = rendered.outputs.check()?;
    let diff = (!stale.is_empty()).then(|| stale.into_iter().map(|s| s.diff).collect::<String>());
    let drift = match (ahead, diff) {
        (None, None) => PrismaDrift::UpToDate,
        (None, Some(diff)) => PrismaDrift::Behind { diff },
        (Some(m), None) => PrismaDrift::Ahead { sql: m.sql },
        (Some(m), Some(diff)) => PrismaDrift::Diverged {
            sql: m.sql,
            breaking: m.breaking,
            diff,
        },
    };
    Ok(PrismaCheck { schema, drift })
}

/// Steps sql-from-prisma would write.
struct Steps {
    sql: String,
    breaking: Vec<String>,
}

/// [`sql_from_prisma`] of the history against `schema`, writing nothing. The history was
/// replayed and reported by the caller: diagnostics go to a scratch list, which replaces the
/// caller's when the schema has errors (so they are reported once, with their files).
fn steps_against(
    settings: &PrismaFromSql,
    schema: &std::path::Path,
    caller_sources: &mut Sources,
    caller_diags: &mut Diagnostics,
) -> Result<Option<super::SqlMigration>> {
    let mut sql = SqlFromPrisma::new("check");
    sql.migrations = settings.migrations.clone();
    sql.schema = schema.to_path_buf();
    sql.allow_destructive = true;
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    match sql_from_prisma(&sql, &mut sources, &mut diags) {
        Err(e @ Error::Diagnostics { .. }) => {
            *caller_sources = sources;
            *caller_diags = diags;
            Err(e)
        }
        other => other,
    }
}

/// The migration's SQL without its header comment.
fn statements(sql: &str) -> String {
    let body: Vec<&str> = sql
        .lines()
        .skip_while(|l| l.starts_with("--") || l.trim().is_empty())
        .collect();
    let mut out = body.join("\n");
    out.push('\n');
    out
}

/// Schemas a live Supabase database holds that no migration of the project writes: the
/// managed ones ([`crate::sql::supabase::MANAGED_SCHEMAS`]) and the platform's own (migration
/// history, cron, pg_net, queues, realtime and analytics internals).
#[cfg(feature = "db")]
const PLATFORM_SCHEMAS: &[&str] = &[
    "supabase_migrations",
    "cron",
    "net",
    "pgmq",
    "pgtle",
    "_realtime",
    "_analytics",
    "pgsodium_masks",
    "information_schema",
];

/// How a live database stands against the migrations (`schemagen check --db-url`).
#[cfg(feature = "db")]
#[derive(Debug)]
pub struct DatabaseCheck {
    /// The database, as a URL without its password.
    pub target: String,
    /// Whether the database records applied migrations
    /// (`supabase_migrations.schema_migrations`).
    pub has_history: bool,
    /// Versions the database records that the folder lacks.
    pub unknown: Vec<String>,
    /// Versions of the folder the database does not record (not applied yet).
    pub pending: Vec<String>,
    /// The objects that differ (empty when equal, and when not compared: see `compared`).
    pub comparison: crate::diff::compare::Comparison,
    /// Whether the schemas were compared (only when the history matches the folder: a database
    /// behind or ahead of the folder differs for that reason alone).
    pub compared: bool,
    /// The differences, object by object, with the migration that last touched each.
    pub report: String,
}

#[cfg(feature = "db")]
impl DatabaseCheck {
    /// Whether the database is what the migrations build.
    pub fn is_up_to_date(&self) -> bool {
        self.unknown.is_empty()
            && self.pending.is_empty()
            && (!self.compared || self.comparison.is_equal())
    }
}

/// Compares a live database with the migrations: its recorded history with the folder, then
/// (when they match) its schemas with the replayed catalog, the Supabase managed and platform
/// schemas left out. A difference is a change made outside the migrations (the dashboard's
/// table editor, a hand-run statement) or a migration edited after it was applied. Nothing is
/// written to the database (it is only read).
///
/// # Errors
/// [`Error::Config`] for a bad URL, [`Error::Connect`] when the server cannot be reached,
/// [`Error::Database`] when it cannot be read; errors in the migrations
/// ([`Error::Diagnostics`]).
#[cfg(feature = "db")]
pub fn check_database(
    migrations: &std::path::Path,
    url: &str,
    sources: &mut Sources,
    diags: &mut Diagnostics,
) -> Result<DatabaseCheck> {
    let target = crate::db::display_target(url);
    let mut client = crate::db::connect(url)?;
    let recorded = crate::db::history::applied_versions(&mut client)
        .map_err(|e| Error::Config(format!("{target}: {e}")))?;
    let live = crate::db::read_catalog(&mut client)?;
    let (replayed, _) = super::replay_dir_with_provenance(migrations, sources, diags)?;
    super::stop_on_errors(diags)?;
    let local = super::sql_from_prisma::versions_read(sources);
    let has_history = recorded.is_some();
    let recorded = recorded.unwrap_or_default();
    let unknown: Vec<String> = recorded
        .iter()
        .filter(|v| !local.contains(v))
        .cloned()
        .collect();
    let pending: Vec<String> = if has_history {
        local
            .iter()
            .filter(|v| !recorded.contains(v))
            .cloned()
            .collect()
    } else {
        Vec::new()
    };
    let compared = unknown.is_empty() && pending.is_empty();
    let keep = |s: &str| {
        !crate::sql::supabase::is_managed_schema(s)
            && !PLATFORM_SCHEMAS.contains(&s)
            && !s.starts_with("pg_")
    };
    let comparison = if compared {
        crate::diff::compare::compare(&live, &replayed, &keep)
    } else {
        Default::default()
    };
    let report = super::verify::report_differences(&comparison, &replayed, &|_, _| String::new());
    Ok(DatabaseCheck {
        target,
        has_history,
        unknown,
        pending,
        comparison,
        compared,
        report,
    })
}
