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
