//! The command line: `schemagen <command>` (compiled into the binary only; the library knows
//! nothing of it). It parses flags, calls [`schemagen::pipeline`] and turns the result into
//! output and an exit code.
//!
//! Exit codes: 0 success; 1 `--check` found something out of date; 2 errors in the input (or a
//! failure to read or write), in which case nothing was written.

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
#[command(name = "schemagen", version, about, long_about = None)]
pub(crate) struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub(crate) command: Command,
}

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
    Inspect {
        /// Migrations folder.
        #[arg(long, default_value = "supabase/migrations")]
        migrations: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Report errors as warnings and go on with the best catalog that can be built.
        #[arg(long)]
        keep_going: bool,
        /// Also print statement counts (understood, passed over, not understood) to stderr.
        #[arg(long)]
        stats: bool,
    },
    /// Replay the migrations and update schema.prisma as `prisma db pull` would render that
    /// database, keeping the hand edits Prisma's re-introspection keeps.
    PrismaFromSql {
        /// Migrations folder [default: supabase/migrations, or `migrations` in schemagen.toml].
        #[arg(long)]
        migrations: Option<PathBuf>,
        /// The schema to update [default: prisma/schema.prisma, or `[prisma] schema`].
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
        /// Configuration file [default: ./schemagen.toml if present].
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write the changes of schema.prisma since the migrations as a new, timestamped Supabase
    /// migration (supabase/migrations/<UTC YYYYMMDDHHMMSS>_<name>.sql).
    SqlFromPrisma {
        /// Only create the migration file (applying it is not implemented: required).
        #[arg(long)]
        create_only: bool,
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
        /// Configuration file [default: ./schemagen.toml if present].
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

/// Runs a parsed command line; returns the process exit code.
pub(crate) fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Inspect {
            migrations,
            format,
            keep_going,
            stats,
        } => inspect(&migrations, format, keep_going, stats),
        Command::PrismaFromSql {
            migrations,
            schema,
            stdout,
            check,
            naming,
            keep_going,
            config,
        } => prisma_from_sql(PrismaArgs {
            migrations,
            schema,
            stdout,
            check,
            naming,
            keep_going,
            config,
        }),
        Command::SqlFromPrisma {
            create_only,
            name,
            schema,
            migrations,
            stdout,
            idempotent,
            allow_destructive,
            down,
            rename,
            config,
        } => sql_from_prisma(SqlArgs {
            create_only,
            name,
            schema,
            migrations,
            stdout,
            idempotent,
            allow_destructive,
            down,
            rename,
            config,
        }),
    }
}

struct SqlArgs {
    create_only: bool,
    name: String,
    schema: Option<PathBuf>,
    migrations: Option<PathBuf>,
    stdout: bool,
    idempotent: bool,
    allow_destructive: bool,
    down: bool,
    rename: Vec<String>,
    config: Option<PathBuf>,
}

fn sql_from_prisma(args: SqlArgs) -> ExitCode {
    if !args.create_only && !args.stdout {
        eprintln!(
            "error: applying the migration to a database is not implemented yet; pass --create-only (or --stdout)"
        );
        return ExitCode::from(2);
    }
    let config = match schemagen::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&e),
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
    print_diagnostics(&diags, &sources);
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
        Err(e) => return fail(&e),
    };
    for b in &migration.breaking {
        eprintln!("warning: destructive step: {b}");
    }
    if args.stdout {
        let _ = std::io::stdout().write_all(migration.sql.as_bytes());
        return ExitCode::SUCCESS;
    }
    match migration.outputs.create_new() {
        Ok(()) => {
            for (path, _) in migration.outputs.iter() {
                eprintln!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

struct PrismaArgs {
    migrations: Option<PathBuf>,
    schema: Option<PathBuf>,
    stdout: bool,
    check: bool,
    naming: Option<NamingArg>,
    keep_going: bool,
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
        )
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
    print_diagnostics(&diags, &sources);
    let rendered = match result {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if !rendered.warnings.is_empty() {
        eprintln!("{}", rendered.warnings.trim_end());
    }
    for n in &rendered.notices {
        eprintln!("warning: {n}");
    }
    if args.stdout {
        for (_, text) in rendered.outputs.iter() {
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        return ExitCode::SUCCESS;
    }
    if args.check {
        return check(&rendered.outputs);
    }
    match rendered.outputs.persist() {
        Ok(written) => {
            for (path, w) in written {
                match w {
                    Written::Changed => eprintln!("wrote {}", path.display()),
                    Written::Unchanged => eprintln!("{} is up to date", path.display()),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

/// `--check`: the diffs on stdout, exit status 1 when a file is out of date.
fn check(outputs: &Outputs) -> ExitCode {
    let stale = match outputs.check() {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    for (path, _) in outputs.iter() {
        match stale.iter().find(|s| s.path == path) {
            None => eprintln!("{} is up to date", path.display()),
            Some(s) => {
                let _ = std::io::stdout().write_all(s.diff.as_bytes());
                eprintln!(
                    "{} is out of date: run `schemagen prisma-from-sql` to update it",
                    path.display()
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

/// Prints the diagnostics of a run to stderr.
fn print_diagnostics(diags: &Diagnostics, sources: &Sources) {
    let text = diags.render(sources);
    if !text.is_empty() {
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
}

/// Reports an error that stopped the run; exit status 2.
fn fail(e: &Error) -> ExitCode {
    match e {
        Error::Diagnostics { errors, warnings } => eprintln!(
            "error: {errors} error(s), {warnings} warning(s); nothing was written (use --keep-going to continue past errors)"
        ),
        Error::Schema { located, .. } => {
            eprint!("{located}");
            eprintln!("error: {e}");
        }
        e => eprintln!("error: {e}"),
    }
    ExitCode::from(2)
}

fn inspect(dir: &std::path::Path, format: Format, keep_going: bool, show_stats: bool) -> ExitCode {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let (catalog, stats) = match pipeline::replay_dir_with_stats(dir, &mut sources, &mut diags) {
        Ok(x) => x,
        Err(e) => return fail(&e),
    };
    if keep_going {
        diags.downgrade_errors();
    }
    print_diagnostics(&diags, &sources);
    if diags.has_errors() {
        return fail(&Error::Diagnostics {
            errors: diags.error_count(),
            warnings: diags.warning_count(),
        });
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
