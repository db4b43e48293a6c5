//! The command line: `schemagen <command>` (compiled into the binary only; the library knows
//! nothing of it). It parses flags, calls [`schemagen::pipeline`] and turns the result into
//! output and an exit code.
//!
//! Exit codes: 0 success; 1 `--check` found something out of date; 2 errors in the input (or a
//! failure to read or write), in which case nothing was written; 64 bad usage (flags).

mod check;
mod from_prisma;
mod from_sql;
mod inspect;
mod rust;
#[cfg(feature = "db")]
mod verify;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use schemagen::diagnostics::{Diagnostics, Sources};

use schemagen::output::Outputs;
use schemagen::pipeline;
use schemagen::Error;

use from_prisma::{sql_from_prisma, SqlArgs};
use from_sql::{prisma_from_sql, update_command, PrismaArgs};
use inspect::{inspect, InspectArgs};

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
        /// Report errors in the migrations as warnings and make the migration from what
        /// replays (errors in the schema and in the new migration still stop the run).
        #[arg(long, conflicts_with = "from_prisma_migrations")]
        keep_going: bool,
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
            keep_going,
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
            keep_going,
        }),
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

/// Prints the diagnostics of a run to stderr (with `quiet`, only errors and the errors
/// `--keep-going` passed over).
pub(crate) fn print_diagnostics(diags: &Diagnostics, sources: &Sources, quiet: bool) {
    let text = if quiet {
        let mut errors = Diagnostics::new();
        for d in diags
            .iter()
            .filter(|d| d.severity == schemagen::diagnostics::Severity::Error || d.passed_over)
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
    fail_with(e, writes, true)
}

/// [`fail`] for a command without `--keep-going` (its message does not offer it).
pub(crate) fn fail_without_keep_going(e: &Error, writes: bool) -> ExitCode {
    fail_with(e, writes, false)
}

fn fail_with(e: &Error, writes: bool, keep_going: bool) -> ExitCode {
    match e {
        Error::Diagnostics { errors, warnings } => eprintln!(
            "error: {errors} error(s), {warnings} warning(s){}{}",
            if writes { "; nothing was written" } else { "" },
            if keep_going {
                " (use --keep-going to continue past errors)"
            } else {
                ""
            }
        ),
        Error::Schema { located, .. } => {
            eprint!("{located}");
            eprintln!("error: {e}");
        }
        e => eprintln!("error: {e}"),
    }
    ExitCode::from(2)
}
