//! The `schemagen` binary: see `schemagen --help`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = schemagen::cli::Cli::parse();
    schemagen::cli::run(cli)
}
