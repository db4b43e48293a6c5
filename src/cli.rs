//! The command line: `schemagen <command>`.
//!
//! Exit codes: 0 success; 1 `--check` found something out of date; 2 errors in the input (or a
//! failure to read or write), in which case nothing was written.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::{Diagnostics, Sources};

/// schemagen: Supabase SQL migrations as the single source of truth.
///
/// Replays supabase/migrations/*.sql offline into a schema catalog and generates the rest from it.
#[derive(Debug, Parser)]
#[command(name = "schemagen", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of `inspect`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable listing.
    #[default]
    Text,
    /// The catalog as JSON (see docs/catalog-json.md).
    Json,
}

/// Naming convention for `prisma-from-sql`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NamingArg {
    /// Exactly what `prisma db pull` writes (table and column names as they are).
    Prisma,
    /// PascalCase models and enums with `@@map`, camelCase fields with `@map`, relation
    /// fields named after their foreign-key columns.
    Pascal,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
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
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
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
        Command::Rust {
            migrations,
            out,
            stdout,
            check,
            keep_going,
            config,
        } => crate::builder::cli_rust(crate::builder::RustArgs {
            migrations,
            out,
            stdout,
            check,
            keep_going,
            config,
        }),
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
    let config = match crate::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let migrations = args
        .migrations
        .or(config.migrations)
        .unwrap_or_else(|| PathBuf::from("supabase/migrations"));
    let schema_path = args
        .schema
        .or(config.prisma.schema)
        .unwrap_or_else(|| PathBuf::from("prisma/schema.prisma"));
    let naming = match (args.naming, config.prisma.naming.as_deref()) {
        (Some(NamingArg::Pascal), _) | (None, Some("pascal")) => crate::prisma::Naming::Pascal,
        (Some(NamingArg::Prisma), _) | (None, None | Some("prisma")) => {
            crate::prisma::Naming::Prisma
        }
        (None, Some(other)) => {
            eprintln!(
                "error: schemagen.toml: [prisma] naming = \"{other}\": expected \"prisma\" or \"pascal\""
            );
            return ExitCode::from(2);
        }
    };
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let catalog = match crate::replay_dir(&migrations, &mut sources, &mut diags) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if report(&mut diags, &sources, args.keep_going) {
        return ExitCode::from(2);
    }
    let previous = match std::fs::read_to_string(&schema_path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            eprintln!("error: {}: {e}", schema_path.display());
            return ExitCode::from(2);
        }
    };
    let opts = crate::prisma::PrismaOptions {
        naming,
        ..Default::default()
    };
    let rendered = match crate::prisma::render_schema(&catalog, previous.as_deref(), &opts) {
        Ok(r) => r,
        Err(e) => {
            eprint!("{}", e.render(&schema_path.display().to_string()));
            eprintln!(
                "error: {} does not parse; nothing was written",
                schema_path.display()
            );
            return ExitCode::from(2);
        }
    };
    if !rendered.warnings.is_empty() {
        eprintln!("{}", rendered.warnings.trim_end());
    }
    for n in &rendered.notices {
        eprintln!("warning: {n}");
    }
    if args.stdout {
        let _ = std::io::stdout().write_all(rendered.text.as_bytes());
        return ExitCode::SUCCESS;
    }
    let old = previous.unwrap_or_default();
    if args.check {
        let diff = crate::output::unified_diff(&schema_path, &old, &rendered.text);
        if diff.is_empty() {
            eprintln!("{} is up to date", schema_path.display());
            return ExitCode::SUCCESS;
        }
        let _ = std::io::stdout().write_all(diff.as_bytes());
        eprintln!(
            "{} is out of date: run `schemagen prisma-from-sql` to update it",
            schema_path.display()
        );
        return ExitCode::from(1);
    }
    match crate::output::persist(&schema_path, &rendered.text) {
        Ok(crate::output::Written::Changed) => {
            eprintln!("wrote {}", schema_path.display());
            ExitCode::SUCCESS
        }
        Ok(crate::output::Written::Unchanged) => {
            eprintln!("{} is up to date", schema_path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Prints diagnostics to stderr; returns whether they stop the run.
fn report(diags: &mut Diagnostics, sources: &Sources, keep_going: bool) -> bool {
    if keep_going {
        diags.downgrade_errors();
    }
    let text = diags.render(sources);
    if !text.is_empty() {
        let _ = std::io::stderr().write_all(text.as_bytes());
    }
    if diags.has_errors() {
        eprintln!(
            "error: {} error(s), {} warning(s); nothing was written (use --keep-going to continue past errors)",
            diags.error_count(),
            diags.warning_count()
        );
        return true;
    }
    false
}

fn inspect(dir: &std::path::Path, format: Format, keep_going: bool, show_stats: bool) -> ExitCode {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let (catalog, stats) = match crate::replay_dir_with_stats(dir, &mut sources, &mut diags) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if report(&mut diags, &sources, keep_going) {
        return ExitCode::from(2);
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
        Format::Text => crate::catalog::text::render(&catalog, &|s| {
            !crate::supabase::MANAGED_SCHEMAS.contains(&s)
        }),
    };
    let _ = std::io::stdout().write_all(out.as_bytes());
    ExitCode::SUCCESS
}
