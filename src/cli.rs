//! The command line: `schemagen <command>` (compiled into the binary only; the library knows
//! nothing of it). It parses flags, calls [`schemagen::pipeline`] and turns the result into
//! output and an exit code.
//!
//! Exit codes: 0 success; 1 `--check` found something out of date; 2 errors in the input (or a
//! failure to read or write), in which case nothing was written; 64 bad usage (flags).

mod check;
mod rust;
#[cfg(feature = "db")]
mod verify;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use schemagen::diagnostics::{Diagnostics, Sources};

use schemagen::output::{Outputs, Written};
use schemagen::pipeline::{self, Naming, PrismaFromSql};
use schemagen::Error;

/// schemagen: Supabase SQL migrations as the single source of truth.
///
/// Replays supabase/migrations/*.sql offline into a schema catalog and generates the rest from it.
#[derive(Debug, Parser)]
#[command(name = "schemagen", version, about, long_about = None, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The exit codes, listed in every `--help`.
pub(crate) const EXIT_CODES: &str = "Exit codes:
  0   done
  1   out of date (--check); drift (check); PostgreSQL built something else (inspect --verify-with)
  2   bad input: errors in the migrations, the schema or the configuration; nothing was written
      (inspect --verify-with: PostgreSQL rejected a migration, or the server could not be used)
  64  bad usage (unknown command or flag, bad flag value)
  130 interrupted (Ctrl-C)";

/// Exit code of a usage error (BSD's EX_USAGE).
pub(crate) const USAGE: u8 = 64;

/// Output format of `inspect`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A readable listing.
    #[default]
    Text,
    /// The catalog as JSON (see docs/catalog-json.md).
    Json,
}

/// Naming convention for `prisma-from-sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum NamingArg {
    /// Exactly what `prisma db pull` writes (table and column names as they are).
    Prisma,
    /// PascalCase models and enums with `@@map`, camelCase fields with `@map`, relation
    /// fields named after their foreign-key columns.
    Pascal,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Replay the migrations and print the resulting schema catalog and the diagnostics.
    #[command(after_help = EXIT_CODES)]
    Inspect {
        /// Migrations folder [default: supabase/migrations, or `migrations` in schemagen.toml].
        #[arg(long)]
        migrations: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Report errors as warnings and go on with the best catalog that can be built.
        #[arg(long)]
        keep_going: bool,
        /// Also print statement counts (understood, passed over, not understood) to stderr.
        #[arg(long)]
        stats: bool,
        /// Print errors only: no warnings.
        #[arg(long, short)]
        quiet: bool,
        /// Configuration file [default: schemagen.toml in this folder or a parent, up to the
        /// repository root].
        #[arg(long)]
        config: Option<PathBuf>,
        /// Check the replay against PostgreSQL: apply the migrations, as the Supabase CLI does,
        /// to a scratch database created (and always dropped) on this server, on top of the
        /// Supabase base schemas, read it back and print every object that differs from the
        /// replayed catalog with the migration that last touched it (exit 1 on a difference).
        /// The role needs CREATEDB, and superuser on a server without Supabase's schemas.
        #[arg(
            long,
            value_name = "postgresql://USER:PASSWORD@HOST:PORT/DB",
            conflicts_with_all = ["format", "keep_going"]
        )]
        verify_with: Option<String>,
    },
    /// Replay the migrations and update schema.prisma as `prisma db pull` would render that
    /// database, keeping the hand edits Prisma's re-introspection keeps.
    #[command(after_help = EXIT_CODES)]
    PrismaFromSql {
        /// Migrations folder [default: supabase/migrations, or `migrations` in schemagen.toml].
        #[arg(long)]
        migrations: Option<PathBuf>,
        /// The schema to update, a file or a folder of .prisma files [default: `[prisma]
        /// schema`, else where Prisma finds it: prisma.config.ts `schema`, package.json
        /// `prisma.schema`, prisma/schema.prisma, ./schema.prisma, prisma/schema/].
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Print the schema to stdout instead of writing the file.
        #[arg(long, conflicts_with = "check")]
        stdout: bool,
        /// Write nothing; exit 1 with a unified diff when the file is out of date (for CI and
        /// pre-commit hooks).
        #[arg(long)]
        check: bool,
        /// Naming of new models, fields and relations [default: prisma, or `[prisma] naming`].
        #[arg(long, value_enum)]
        naming: Option<NamingArg>,
        /// Report errors in the migrations as warnings and go on.
        #[arg(long)]
        keep_going: bool,
        /// Write what this Prisma major's `db pull` writes (5, 6 or 7) [default: `[prisma]
        /// version`, else the prisma/@prisma/client version in package.json, else 6 when the
        /// datasource has a `url`, else 7].
        #[arg(long, value_name = "MAJOR", value_parser = clap::value_parser!(u32).range(5..=7))]
        prisma_version: Option<u32>,
        /// Print errors and the summary line only: no `db pull` warnings, no notices.
        #[arg(long, short)]
        quiet: bool,
        /// Configuration file [default: schemagen.toml in this folder or a parent, up to the
        /// repository root].
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Replay the migrations and write typed Rust structs for the tables, views and types
    /// (settings in `[rust]` of schemagen.toml).
    Rust {
        /// Migrations folder [default: supabase/migrations, or `migrations` in schemagen.toml].
        #[arg(long)]
        migrations: Option<PathBuf>,
        /// Output: a `.rs` file (one module per schema inside), or a folder (`mod.rs` and one
        /// file per schema) [default: `[rust] out`, else src/db/tables.rs].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print the file to stdout instead of writing it.
        #[arg(long, conflicts_with = "check")]
        stdout: bool,
        /// Write nothing; exit 1 with a unified diff when the output is out of date.
        #[arg(long)]
        check: bool,
        /// Report errors in the migrations as warnings and go on.
        #[arg(long)]
        keep_going: bool,
        /// Configuration file [default: ./schemagen.toml if present].
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Check that schema.prisma (and the Rust output of `[rust] out`) agree with the
    /// migrations, both ways: exit 1 with what to run when the schema has changes no migration
    /// makes, or lags behind the migrations (for CI and pre-commit hooks).
    #[command(after_help = EXIT_CODES)]
    Check {
        /// Migrations folder [default: supabase/migrations, or `migrations` in schemagen.toml].
        #[arg(long)]
        migrations: Option<PathBuf>,
        /// The schema [default: `[prisma] schema`, else where Prisma finds it].
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Compare with what this Prisma major's `db pull` writes (5, 6 or 7) [default: as
        /// prisma-from-sql detects it].
        #[arg(long, value_name = "MAJOR", value_parser = clap::value_parser!(u32).range(5..=7))]
        prisma_version: Option<u32>,
        /// Also compare a live database with the migrations: its recorded history
        /// (supabase_migrations.schema_migrations) with the folder, then its schemas with what
        /// the migrations build (Supabase's own schemas left out); only read.
        /// postgresql://user:password@host:port/db (the password is never printed).
        #[arg(long, value_name = "URL")]
        db_url: Option<String>,
        /// Print errors and the verdict only.
        #[arg(long, short)]
        quiet: bool,
        /// Configuration file [default: schemagen.toml in this folder or a parent, up to the
        /// repository root].
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write the changes of schema.prisma since the migrations as a new, timestamped Supabase
    /// migration (supabase/migrations/<UTC YYYYMMDDHHMMSS>_<name>.sql).
    SqlFromPrisma {
        /// Only create the migration file; without it, --db-url is required and the file is
        /// also applied there.
        #[arg(long, conflicts_with = "db_url")]
        create_only: bool,
        /// Apply the new file to this database as the Supabase CLI does (one transaction,
        /// recorded in supabase_migrations.schema_migrations): postgresql://user:password@host:port/db
        /// (the password is never printed).
        #[arg(long, value_name = "URL", conflicts_with = "stdout")]
        db_url: Option<String>,
        /// The migration's name; the file name's slug is made from it as Prisma makes it.
        #[arg(long, default_value = "schema_changes")]
        name: String,
        /// The edited schema [default: prisma/schema.prisma, or `[prisma] schema`].
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Migrations folder [default: supabase/migrations, or `migrations` in schemagen.toml].
        #[arg(long)]
        migrations: Option<PathBuf>,
        /// Print the migration instead of writing it.
        #[arg(long)]
        stdout: bool,
        /// Guarded DDL (IF NOT EXISTS, DO blocks) that applies twice.
        #[arg(long)]
        idempotent: bool,
        /// Write destructive steps (drops, narrowing type changes, SET NOT NULL without a
        /// default); without it they are listed and nothing is written.
        #[arg(long)]
        allow_destructive: bool,
        /// Also write a rollback file in supabase/rollbacks/ (outside the folder the Supabase
        /// CLI applies).
        #[arg(long)]
        down: bool,
        /// A real rename instead of drop + add: OLD=NEW for a table, TABLE.OLD=NEW for a column
        /// (TABLE by its new name). Repeatable.
        #[arg(long, value_name = "OLD=NEW")]
        rename: Vec<String>,
        /// Convert Prisma Migrate's folders instead: each DIR/<timestamp>_<name>/migration.sql
        /// becomes supabase/migrations/<timestamp>_<name>.sql (folders converted before are
        /// skipped; with --idempotent, statements that conflict with the history are rewritten
        /// guarded).
        #[arg(
            long,
            value_name = "DIR",
            conflicts_with_all = ["name", "schema", "stdout", "allow_destructive", "down", "rename", "db_url"]
        )]
        from_prisma_migrations: Option<PathBuf>,
        /// Configuration file [default: ./schemagen.toml if present].
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Print the SQL that builds a fresh Supabase project's database (auth, storage, realtime…
    /// schemas, roles, functions, publication) in an empty PostgreSQL database, from the base
    /// catalog schemagen replays migrations on.
    SupabaseBase,
}

/// Runs a parsed command line; returns the process exit code.
pub(crate) fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Inspect {
            migrations,
            format,
            keep_going,
            stats,
            quiet,
            config,
            verify_with,
        } => inspect(InspectArgs {
            migrations,
            format,
            keep_going,
            stats,
            quiet,
            config,
            verify_with,
        }),
        Command::PrismaFromSql {
            migrations,
            schema,
            stdout,
            check,
            naming,
            keep_going,
            prisma_version,
            quiet,
            config,
        } => prisma_from_sql(PrismaArgs {
            migrations,
            schema,
            stdout,
            check,
            naming,
            keep_going,
            prisma_version,
            quiet,
            config,
        }),
        Command::Rust {
            migrations,
            out,
            stdout,
            check,
            keep_going,
            config,
        } => rust::run(rust::RustArgs {
            migrations,
            out,
            stdout,
            check,
            keep_going,
            config,
        }),
        Command::Check {
            migrations,
            schema,
            prisma_version,
            db_url,
            quiet,
            config,
        } => check::run(check::CheckArgs {
            migrations,
            schema,
            prisma_version,
            db_url,
            quiet,
            config,
        }),
        Command::SupabaseBase => {
            let _ = std::io::stdout().write_all(pipeline::supabase_base_sql().as_bytes());
            ExitCode::SUCCESS
        }
        Command::SqlFromPrisma {
            create_only,
            db_url,
            name,
            schema,
            migrations,
            stdout,
            idempotent,
            allow_destructive,
            down,
            rename,
            from_prisma_migrations,
            config,
        } => sql_from_prisma(SqlArgs {
            create_only,
            db_url,
            name,
            schema,
            migrations,
            stdout,
            idempotent,
            allow_destructive,
            down,
            rename,
            from_prisma_migrations,
            config,
        }),
    }
}

struct SqlArgs {
    create_only: bool,
    db_url: Option<String>,
    name: String,
    schema: Option<PathBuf>,
    migrations: Option<PathBuf>,
    stdout: bool,
    idempotent: bool,
    allow_destructive: bool,
    down: bool,
    rename: Vec<String>,
    from_prisma_migrations: Option<PathBuf>,
    config: Option<PathBuf>,
}

fn sql_from_prisma(args: SqlArgs) -> ExitCode {
    if let Some(dir) = args.from_prisma_migrations.clone() {
        return convert_prisma_migrations(dir, args);
    }
    let args_stdout = args.stdout;
    if !args.create_only && !args.stdout && args.db_url.is_none() {
        eprintln!(
            "error: pass --db-url URL to write the migration and apply it there, or --create-only to only write it"
        );
        return ExitCode::from(USAGE);
    }
    #[cfg(not(feature = "db"))]
    if args.db_url.is_some() {
        eprintln!("error: --db-url needs schemagen built with the `db` feature");
        return ExitCode::from(USAGE);
    }
    let config = match schemagen::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&e, !args_stdout),
    };
    let mut settings = pipeline::SqlFromPrisma::new(args.name);
    settings.migrations = args
        .migrations
        .or(config.migrations)
        .unwrap_or_else(|| PathBuf::from("supabase/migrations"));
    settings.schema = args
        .schema
        .or(config.prisma.schema)
        .unwrap_or_else(|| PathBuf::from("prisma/schema.prisma"));
    settings.idempotent = args.idempotent;
    settings.allow_destructive = args.allow_destructive;
    settings.down = args.down;
    settings.renames = args.rename;
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let result = pipeline::sql_from_prisma(&settings, &mut sources, &mut diags);
    print_diagnostics(&diags, &sources, false);
    let migration = match result {
        Ok(Some(m)) => m,
        Ok(None) => {
            eprintln!(
                "{} and {} agree on everything Prisma expresses: no migration written",
                settings.schema.display(),
                settings.migrations.display()
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(&e, !args_stdout),
    };
    for b in &migration.breaking {
        eprintln!("warning: destructive step: {b}");
    }
    if args.stdout {
        let _ = std::io::stdout().write_all(migration.sql.as_bytes());
        return ExitCode::SUCCESS;
    }
    if let Err(e) = migration.outputs.create_new() {
        return fail(&e, !args_stdout);
    }
    for (path, _) in migration.outputs.iter() {
        eprintln!("wrote {}", path.display());
    }
    #[cfg(feature = "db")]
    if let Some(url) = &args.db_url {
        match pipeline::apply_migration(url, &migration) {
            Ok(a) => eprintln!(
                "applied {} to {}: {} statement(s) in one transaction, recorded as version {} in supabase_migrations.schema_migrations",
                migration.path.display(),
                a.target,
                a.statements,
                a.version
            ),
            Err(e) => {
                // Nothing was applied: the files written for it go too.
                for (path, _) in migration.outputs.iter() {
                    let _ = std::fs::remove_file(path);
                }
                eprintln!("error: {e}");
                eprintln!(
                    "error: {} was not applied; the file(s) written for it were removed",
                    migration.path.display()
                );
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// `sql-from-prisma --from-prisma-migrations DIR`.
fn convert_prisma_migrations(dir: PathBuf, args: SqlArgs) -> ExitCode {
    let config = match schemagen::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&e, true),
    };
    let mut settings = pipeline::FromPrismaMigrations::new();
    settings.prisma_migrations = dir;
    settings.migrations = args
        .migrations
        .or(config.migrations)
        .unwrap_or_else(|| PathBuf::from("supabase/migrations"));
    settings.idempotent = args.idempotent;
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let result = pipeline::from_prisma_migrations(&settings, &mut sources, &mut diags);
    print_diagnostics(&diags, &sources, false);
    let converted = match result {
        Ok(c) => c,
        Err(e) => return fail(&e, true),
    };
    if let Err(e) = converted.outputs.create_new() {
        return fail(&e, true);
    }
    let mut written = 0;
    for f in &converted.folders {
        match &f.outcome {
            pipeline::FolderOutcome::Converted {
                path,
                guarded,
                transaction_statements,
            } => {
                written += 1;
                let mut notes = Vec::new();
                if *guarded > 0 {
                    notes.push(format!("{guarded} statement(s) guarded"));
                }
                if *transaction_statements > 0 {
                    notes.push(format!(
                        "{transaction_statements} transaction statement(s) commented out"
                    ));
                }
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join(", "))
                };
                eprintln!("wrote {} from {}{notes}", path.display(), f.source.display());
            }
            pipeline::FolderOutcome::AlreadyConverted { path, by } => eprintln!(
                "skipped {}: already converted as {} (recognised by its {by})",
                f.source.display(),
                path.display()
            ),
            pipeline::FolderOutcome::InHistory { conflicts } => eprintln!(
                "skipped {}: the Supabase history already creates everything it does ({conflicts} statement(s) conflict, nothing else changes)",
                f.source.display()
            ),
        }
    }
    eprintln!(
        "{written} Prisma migration(s) converted, {} skipped",
        converted.folders.len() - written
    );
    ExitCode::SUCCESS
}

struct PrismaArgs {
    migrations: Option<PathBuf>,
    schema: Option<PathBuf>,
    stdout: bool,
    check: bool,
    naming: Option<NamingArg>,
    keep_going: bool,
    prisma_version: Option<u32>,
    quiet: bool,
    config: Option<PathBuf>,
}

fn prisma_from_sql(args: PrismaArgs) -> ExitCode {
    let settings = schemagen::config::Config::load(args.config.as_deref()).and_then(|config| {
        let naming = args.naming.map(|n| match n {
            NamingArg::Prisma => Naming::Prisma,
            NamingArg::Pascal => Naming::Pascal,
        });
        PrismaFromSql::resolve(
            config,
            args.migrations,
            args.schema,
            naming,
            args.keep_going,
        )?
        .with_prisma_major(args.prisma_version)
    });
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let result = pipeline::prisma_from_sql(&settings, &mut sources, &mut diags);
    print_diagnostics(&diags, &sources, args.quiet);
    let rendered = match result {
        Ok(r) => r,
        Err(e) => return fail(&e, true),
    };
    if !args.quiet {
        if !rendered.warnings.is_empty() {
            eprintln!("{}", rendered.warnings.trim_end());
        }
        for n in &rendered.notices {
            eprintln!("warning: {n}");
        }
    }
    let (major, from) = &rendered.prisma_major;
    let from = match from.as_str() {
        "set" => String::new(),
        "default" => " (no Prisma version found in package.json)".to_string(),
        f => format!(" (from {f})"),
    };
    let warning_count = rendered
        .warnings
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .count()
        + rendered.notices.len();
    let totals = || {
        format!(
            "{} models, views and enums as Prisma {major}'s db pull writes them{from}; {warning_count} warning(s){}",
            rendered.blocks,
            if args.quiet && warning_count > 0 { " (hidden by --quiet)" } else { "" }
        )
    };
    // A schema in several files: one line per file, then the totals once.
    let files = rendered.outputs.len();
    let summary = |state: &str, path: &std::path::Path| {
        if files > 1 {
            eprintln!("{} {state}", path.display());
        } else {
            eprintln!("{} {state}: {}", path.display(), totals());
        }
    };
    let total_line = || {
        if files > 1 {
            eprintln!(
                "{} ({files} files): {}",
                settings.schema.display(),
                totals()
            );
        }
    };
    if args.stdout {
        for (path, text) in rendered.outputs.iter() {
            if files > 1 {
                let _ = writeln!(std::io::stdout(), "// {}", path.display());
            }
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        return ExitCode::SUCCESS;
    }
    if args.check {
        let code = check(&rendered.outputs, &summary);
        total_line();
        return code;
    }
    match rendered.outputs.persist() {
        Ok(written) => {
            for (path, w) in written {
                match w {
                    Written::Changed => summary("written", &path),
                    Written::Unchanged => summary("is up to date, not touched", &path),
                }
            }
            total_line();
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, true),
    }
}

/// The command line of this run without `--check`: what to run to update the files.
fn update_command() -> String {
    let mut words = vec!["schemagen".to_string()];
    words.extend(
        std::env::args()
            .skip(1)
            .filter(|a| a != "--check")
            .map(|a| shell_quote(&a)),
    );
    words.join(" ")
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// `--check`: the diffs on stdout, exit status 1 when a file is out of date.
fn check(outputs: &Outputs, summary: &dyn Fn(&str, &std::path::Path)) -> ExitCode {
    let stale = match outputs.check() {
        Ok(s) => s,
        Err(e) => return fail(&e, true),
    };
    for (path, _) in outputs.iter() {
        match stale.iter().find(|s| s.path == path) {
            None => summary("is up to date", path),
            Some(s) => {
                let _ = std::io::stdout().write_all(s.diff.as_bytes());
                let state = if path.exists() {
                    "is out of date"
                } else {
                    "does not exist"
                };
                eprintln!(
                    "{} {state}: run `{}` to write it",
                    path.display(),
                    update_command()
                );
            }
        }
    }
    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Prints the diagnostics of a run to stderr (errors only with `quiet`).
pub(crate) fn print_diagnostics(diags: &Diagnostics, sources: &Sources, quiet: bool) {
    let text = if quiet {
        let mut errors = Diagnostics::new();
        for d in diags
            .iter()
            .filter(|d| d.severity == schemagen::diagnostics::Severity::Error)
        {
            errors.push(d.clone());
        }
        errors.render(sources)
    } else {
        diags.render(sources)
    };
    if !text.is_empty() {
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// Reports an error that stopped the run; exit status 2. `writes`: the command writes files (so
/// the message says that nothing was written).
pub(crate) fn fail(e: &Error, writes: bool) -> ExitCode {
    match e {
        Error::Diagnostics { errors, warnings } => eprintln!(
            "error: {errors} error(s), {warnings} warning(s){} (use --keep-going to continue past errors)",
            if writes { "; nothing was written" } else { "" }
        ),
        Error::Schema { located, .. } => {
            eprint!("{located}");
            eprintln!("error: {e}");
        }
        e => eprintln!("error: {e}"),
    }
    ExitCode::from(2)
}

struct InspectArgs {
    migrations: Option<PathBuf>,
    format: Format,
    keep_going: bool,
    stats: bool,
    quiet: bool,
    config: Option<PathBuf>,
    verify_with: Option<String>,
}

fn inspect(args: InspectArgs) -> ExitCode {
    let config = match schemagen::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&e, false),
    };
    let dir = args
        .migrations
        .or(config.migrations)
        .unwrap_or_else(|| config.root.unwrap_or_default().join("supabase/migrations"));
    if let Some(url) = args.verify_with {
        #[cfg(feature = "db")]
        return verify::run(dir, url, args.stats, args.quiet);
        #[cfg(not(feature = "db"))]
        {
            let _ = url;
            eprintln!("error: --verify-with needs schemagen built with the `db` feature");
            return ExitCode::from(2);
        }
    }
    let (format, keep_going, show_stats) = (args.format, args.keep_going, args.stats);
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let (catalog, stats) = match pipeline::replay_dir_with_stats(&dir, &mut sources, &mut diags) {
        Ok(x) => x,
        Err(e) => return fail(&e, false),
    };
    if keep_going {
        diags.downgrade_errors();
    }
    print_diagnostics(&diags, &sources, args.quiet);
    if diags.has_errors() {
        return fail(
            &Error::Diagnostics {
                errors: diags.error_count(),
                warnings: diags.warning_count(),
            },
            false,
        );
    }
    if show_stats {
        eprintln!(
            "{} file(s), {} statement(s): {} understood, {} passed over, {} not understood, {} error(s)",
            stats.files,
            stats.statements,
            stats.understood,
            stats.passed_over,
            stats.not_understood,
            stats.errors
        );
    }
    let out = match format {
        Format::Json => catalog.to_json(),
        Format::Text => pipeline::catalog_text(&catalog),
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
