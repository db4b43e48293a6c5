//! The command line: `schemagen <command>`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// schemagen: Supabase SQL migrations as the single source of truth.
#[derive(Debug, Parser)]
#[command(name = "schemagen", version, about, long_about = None)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Replay the migrations and print the resulting schema catalog.
    Inspect {
        /// Migrations folder.
        #[arg(long, default_value = "supabase/migrations")]
        migrations: std::path::PathBuf,
    },
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let _ = cli;
    ExitCode::SUCCESS
}
