//! `schemagen rust`: the same generation as [`schemagen::Builder`], written to a file or a folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use schemagen::config::Config;
use schemagen::output::{Outputs, Written};
use schemagen::{render_error, Builder, Error};

/// Arguments of `schemagen rust`.
pub struct RustArgs {
    pub migrations: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub stdout: bool,
    pub check: bool,
    pub keep_going: bool,
    pub config: Option<PathBuf>,
}

/// `schemagen rust`: the same generation as the Builder, written to a file or a folder.
pub fn run(args: RustArgs) -> std::process::ExitCode {
    let fail = |e: &Error| {
        eprint!("{}", render_error(e));
        ExitCode::from(2)
    };
    let config_out = match &args.config {
        Some(p) => Config::load(Some(p)),
        None => Config::load(None),
    };
    let config_out = match config_out {
        Ok(c) => c.rust.out,
        Err(e) => return fail(&e),
    };
    let out = args
        .out
        .or(config_out)
        .unwrap_or_else(|| PathBuf::from("src/db/tables.rs"));
    let mut b = Builder::new();
    if let Some(m) = &args.migrations {
        b.migrations_dir(m);
    }
    if let Some(c) = &args.config {
        b.config_file(c);
    }
    b.keep_going(args.keep_going);
    let as_file = out.extension().is_some_and(|e| e == "rs");
    b.per_schema_files(!as_file);
    let report = match b.run() {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if !report.warnings.is_empty() {
        eprint!("{}", report.warnings);
    }
    for f in &report.fallbacks {
        eprintln!("warning: no Rust type for {f}: the field is a String");
    }
    let (root, outputs) = if as_file {
        let name = out.file_name().map(PathBuf::from).unwrap_or_default();
        let mut o = Outputs::new();
        if let Some((_, text)) = report.outputs.iter().next() {
            o.insert(name, text.to_string());
        }
        (out.parent().map(Path::to_path_buf).unwrap_or_default(), o)
    } else {
        (out.clone(), report.outputs)
    };
    if args.stdout {
        let mut so = std::io::stdout().lock();
        for (_, text) in outputs.iter() {
            let _ = so.write_all(text.as_bytes());
        }
        return ExitCode::SUCCESS;
    }
    if args.check {
        let stale = match outputs.rooted(&root).check() {
            Ok(s) => s,
            Err(e) => return fail(&e),
        };
        if stale.is_empty() {
            eprintln!("{} is up to date", out.display());
            return ExitCode::SUCCESS;
        }
        for s in &stale {
            let _ = std::io::stdout().write_all(s.diff.as_bytes());
        }
        eprintln!(
            "{} is out of date: run `schemagen rust` to update it",
            out.display()
        );
        return ExitCode::from(1);
    }
    match outputs.rooted(&root).persist() {
        Ok(written) => {
            for (p, w) in written {
                match w {
                    Written::Changed => eprintln!("wrote {}", p.display()),
                    Written::Unchanged => eprintln!("{} is up to date", p.display()),
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}
