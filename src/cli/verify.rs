//! `schemagen inspect --verify-with URL`: prints the differences on stdout, the summary and
//! the diagnostics on stderr; exit 0 equal, 1 different, 2 bad input or an unusable server,
//! 130 interrupted.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::verify::{verify, Interrupt, Verify};
use schemagen::Error;

use super::{fail_without_keep_going, print_diagnostics};

/// Exit code of an interrupted run (128 + SIGINT).
const INTERRUPTED: u8 = 130;

pub(crate) fn run(migrations: PathBuf, url: String, stats: bool, quiet: bool) -> ExitCode {
    let interrupt = Interrupt::new();
    let on_signal = interrupt.clone();
    let hits = std::sync::atomic::AtomicUsize::new(0);
    // First Ctrl-C: stop at the next step and drop the scratch database; a second one: now.
    let _ = ctrlc::set_handler(move || {
        if hits.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            eprintln!("interrupted: dropping the scratch database (Ctrl-C again to quit now)");
            on_signal.trigger();
        } else {
            std::process::exit(i32::from(INTERRUPTED));
        }
    });
    let settings = Verify { migrations, url };
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let result = verify(&settings, &interrupt, &mut sources, &mut diags);
    print_diagnostics(&diags, &sources, quiet);
    let v = match result {
        Ok(v) => v,
        Err(Error::Interrupted) => {
            eprintln!("error: interrupted; the scratch database was dropped");
            return ExitCode::from(INTERRUPTED);
        }
        Err(Error::Diagnostics { errors, .. }) => {
            eprintln!(
                "error: {errors} error(s): nothing to compare; the scratch database, if one was made, was dropped"
            );
            return ExitCode::from(2);
        }
        Err(e) => return fail_without_keep_going(&e, false),
    };
    if v.prelude_loaded {
        eprintln!(
            "note: the server's new databases lack the Supabase schemas: schemagen's Supabase prelude was loaded first"
        );
    }
    if v.base_differences > 0 {
        eprintln!(
            "note: the server's Supabase schemas differ from schemagen's built-in ones ({} difference(s)); the replay started from the server's",
            v.base_differences
        );
    }
    if stats {
        let s = &v.stats;
        eprintln!(
            "{} file(s), {} statement(s): {} understood, {} passed over, {} not understood, {} error(s)",
            s.files, s.statements, s.understood, s.passed_over, s.not_understood, s.errors
        );
    }
    let _ = std::io::stdout().write_all(v.report().as_bytes());
    eprintln!("{}", v.summary());
    if v.is_equal() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
