//! `schemagen prisma-from-sql`: the migrations replayed and rendered as `schema.prisma`.

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::output::Written;
use schemagen::pipeline::{self, Naming, PrismaFromSql};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::*;

pub(super) struct PrismaArgs {
    pub(super) migrations: Option<PathBuf>,
    pub(super) schema: Option<PathBuf>,
    pub(super) stdout: bool,
    pub(super) check: bool,
    pub(super) naming: Option<NamingArg>,
    pub(super) keep_going: bool,
    pub(super) prisma_version: Option<u32>,
    pub(super) quiet: bool,
    pub(super) config: Option<PathBuf>,
}

pub(super) fn prisma_from_sql(args: PrismaArgs) -> ExitCode {
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
        )?
        .with_prisma_major(args.prisma_version)
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
    print_diagnostics(&diags, &sources, args.quiet);
    let rendered = match result {
        Ok(r) => r,
        Err(e) => return fail(&e, true),
    };
    if !args.quiet {
        if !rendered.warnings.is_empty() {
            eprintln!("{}", rendered.warnings.trim_end());
        }
        for n in &rendered.notices {
            eprintln!("warning: {n}");
        }
    }
    let (major, from) = &rendered.prisma_major;
    let from = match from.as_str() {
        "set" => String::new(),
        "default" => " (no Prisma version found in package.json)".to_string(),
        f => format!(" (from {f})"),
    };
    let warning_count = rendered
        .warnings
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .count()
        + rendered.notices.len();
    let passed_over = diags.passed_over_count();
    let other_warnings = diags.warning_count() - passed_over;
    let totals = || {
        let mut t = format!(
            "{} models, views and enums as Prisma {major}'s db pull writes them{from}; {} warning(s){}",
            rendered.blocks,
            warning_count + other_warnings,
            if args.quiet && warning_count + other_warnings > 0 { " (hidden by --quiet)" } else { "" }
        );
        if passed_over > 0 {
            t.push_str(&format!(
                "; {passed_over} error(s) passed over by --keep-going (what those statements make may be missing)"
            ));
        }
        t
    };
    // A schema in several files: one line per file, then the totals once.
    let files = rendered.outputs.len();
    let summary = |state: &str, path: &std::path::Path| {
        if files > 1 {
            eprintln!("{} {state}", path.display());
        } else {
            eprintln!("{} {state}: {}", path.display(), totals());
        }
    };
    let total_line = || {
        if files > 1 {
            eprintln!(
                "{} ({files} files): {}",
                settings.schema.display(),
                totals()
            );
        }
    };
    if args.stdout {
        for (path, text) in rendered.outputs.iter() {
            if files > 1 {
                let _ = writeln!(std::io::stdout(), "// {}", path.display());
            }
            let _ = std::io::stdout().write_all(text.as_bytes());
        }
        return ExitCode::SUCCESS;
    }
    if args.check {
        let code = check(&rendered.outputs, &summary);
        total_line();
        return code;
    }
    match rendered.outputs.persist() {
        Ok(written) => {
            for (path, w) in written {
                match w {
                    Written::Changed => summary("written", &path),
                    Written::Unchanged => summary("is up to date, not touched", &path),
                }
            }
            total_line();
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, true),
    }
}

/// The command line of this run without `--check`: what to run to update the files.
pub(super) fn update_command() -> String {
    let mut words = vec!["schemagen".to_string()];
    words.extend(
        std::env::args()
            .skip(1)
            .filter(|a| a != "--check")
            .map(|a| shell_quote(&a)),
    );
    words.join(" ")
}

pub(super) fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
