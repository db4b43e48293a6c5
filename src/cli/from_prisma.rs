//! `schemagen sql-from-prisma` and `schemagen convert-prisma-migrations`: the way back from
//! `schema.prisma` to a Supabase migration.

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{self};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::*;

pub(super) struct SqlArgs {
    pub(super) create_only: bool,
    pub(super) db_url: Option<String>,
    pub(super) name: String,
    pub(super) schema: Option<PathBuf>,
    pub(super) migrations: Option<PathBuf>,
    pub(super) stdout: bool,
    pub(super) idempotent: bool,
    pub(super) allow_destructive: bool,
    pub(super) down: bool,
    pub(super) rename: Vec<String>,
    pub(super) from_prisma_migrations: Option<PathBuf>,
    pub(super) config: Option<PathBuf>,
    pub(super) keep_going: bool,
}

pub(super) fn sql_from_prisma(args: SqlArgs) -> ExitCode {
    if let Some(dir) = args.from_prisma_migrations.clone() {
        return convert_prisma_migrations(dir, args);
    }
    let args_stdout = args.stdout;
    if !args.create_only && !args.stdout && args.db_url.is_none() {
        eprintln!(
            "error: pass --db-url URL to write the migration and apply it there, or --create-only to only write it"
        );
        return ExitCode::from(USAGE);
    }
    #[cfg(not(feature = "db"))]
    if args.db_url.is_some() {
        eprintln!("error: --db-url needs schemagen built with the `db` feature");
        return ExitCode::from(USAGE);
    }
    let config = match schemagen::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(&e, !args_stdout),
    };
    let mut settings = pipeline::SqlFromPrisma::new(args.name);
    settings.migrations = args
        .migrations
        .or(config.migrations)
        .unwrap_or_else(|| PathBuf::from("supabase/migrations"));
    settings.schema = args
        .schema
        .or(config.prisma.schema)
        .unwrap_or_else(|| PathBuf::from("prisma/schema.prisma"));
    settings.idempotent = args.idempotent;
    settings.allow_destructive = args.allow_destructive;
    settings.down = args.down;
    settings.renames = args.rename;
    settings.keep_going = args.keep_going;
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let result = pipeline::sql_from_prisma(&settings, &mut sources, &mut diags);
    print_diagnostics(&diags, &sources, false);
    let migration = match result {
        Ok(Some(m)) => m,
        Ok(None) => {
            eprintln!(
                "{} and {} agree on everything Prisma expresses: no migration written",
                settings.schema.display(),
                settings.migrations.display()
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(&e, !args_stdout),
    };
    for b in &migration.breaking {
        eprintln!("warning: destructive step: {b}");
    }
    if args.stdout {
        let _ = std::io::stdout().write_all(migration.sql.as_bytes());
        return ExitCode::SUCCESS;
    }
    if let Err(e) = migration.outputs.create_new() {
        return fail(&e, !args_stdout);
    }
    for (path, _) in migration.outputs.iter() {
        eprintln!("wrote {}", path.display());
    }
    #[cfg(feature = "db")]
    if let Some(url) = &args.db_url {
        match pipeline::apply_migration(url, &migration) {
            Ok(a) => eprintln!(
                "applied {} to {}: {} statement(s) in one transaction, recorded as version {} in supabase_migrations.schema_migrations",
                migration.path.display(),
                a.target,
                a.statements,
                a.version
            ),
            Err(e) => {
                // Nothing was applied: the files written for it go too.
                for (path, _) in migration.outputs.iter() {
                    let _ = std::fs::remove_file(path);
                }
                eprintln!("error: {e}");
                eprintln!(
                    "error: {} was not applied; the file(s) written for it were removed",
                    migration.path.display()
                );
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

/// `sql-from-prisma --from-prisma-migrations DIR`.
pub(super) fn convert_prisma_migrations(dir: PathBuf, args: SqlArgs) -> ExitCode {
    let config = match schemagen::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail_without_keep_going(&e, true),
    };
    let mut settings = pipeline::FromPrismaMigrations::new();
    settings.prisma_migrations = dir;
    settings.migrations = args
        .migrations
        .or(config.migrations)
        .unwrap_or_else(|| PathBuf::from("supabase/migrations"));
    settings.idempotent = args.idempotent;
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let result = pipeline::from_prisma_migrations(&settings, &mut sources, &mut diags);
    print_diagnostics(&diags, &sources, false);
    let converted = match result {
        Ok(c) => c,
        Err(e) => return fail_without_keep_going(&e, true),
    };
    if let Err(e) = converted.outputs.create_new() {
        return fail_without_keep_going(&e, true);
    }
    let mut written = 0;
    for f in &converted.folders {
        match &f.outcome {
            pipeline::FolderOutcome::Converted {
                path,
                guarded,
                transaction_statements,
            } => {
                written += 1;
                let mut notes = Vec::new();
                if *guarded > 0 {
                    notes.push(format!("{guarded} statement(s) guarded"));
                }
                if *transaction_statements > 0 {
                    notes.push(format!(
                        "{transaction_statements} transaction statement(s) commented out"
                    ));
                }
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join(", "))
                };
                eprintln!("wrote {} from {}{notes}", path.display(), f.source.display());
            }
            pipeline::FolderOutcome::AlreadyConverted { path, by } => eprintln!(
                "skipped {}: already converted as {} (recognised by its {by})",
                f.source.display(),
                path.display()
            ),
            pipeline::FolderOutcome::InHistory { conflicts } => eprintln!(
                "skipped {}: the Supabase history already creates everything it does ({conflicts} statement(s) conflict, nothing else changes)",
                f.source.display()
            ),
        }
    }
    eprintln!(
        "{written} Prisma migration(s) converted, {} skipped",
        converted.folders.len() - written
    );
    ExitCode::SUCCESS
}
