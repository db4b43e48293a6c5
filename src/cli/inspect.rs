//! `schemagen inspect`: the replayed catalog as text or JSON.

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{self};
use schemagen::Error;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::*;

pub(super) struct InspectArgs {
    pub(super) migrations: Option<PathBuf>,
    pub(super) format: Format,
    pub(super) keep_going: bool,
    pub(super) stats: bool,
    pub(super) quiet: bool,
    pub(super) config: Option<PathBuf>,
    pub(super) verify_with: Option<String>,
}

pub(super) fn inspect(args: InspectArgs) -> ExitCode {
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
    let passed_over = if keep_going {
        diags.downgrade_errors()
    } else {
        0
    };
    print_diagnostics(&diags, &sources, args.quiet);
    if passed_over > 0 {
        eprintln!(
            "{passed_over} error(s) passed over by --keep-going: the catalog may lack what those statements make"
        );
    }
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
