//! The `schemagen` binary: see `schemagen --help`.

use std::process::ExitCode;

use clap::Parser;

mod cli;

// Replay allocates many small, short-lived values (tokens, names, expression trees); mimalloc
// handles that pattern markedly faster than the system allocator (see benches/replay.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::Cli::try_parse() {
        Ok(cli) => cli::run(cli),
        // --help and --version print and succeed; a usage error exits with 64 (EX_USAGE).
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() {
                ExitCode::from(cli::USAGE)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
