//! The `schemagen` binary: see `schemagen --help`.

use std::process::ExitCode;

use clap::Parser;

mod cli;

// Replay allocates many small, short-lived values (tokens, names, expression trees); mimalloc
// handles that pattern markedly faster than the system allocator (see benches/replay.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli::run(cli)
}
