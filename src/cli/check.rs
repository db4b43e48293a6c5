//! `schemagen check`: drift between the migrations and the files generated from them, for CI and
//! pre-commit hooks. Exit 0 when everything agrees, 1 on drift (with what to run), 2 on bad input.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use schemagen::diagnostics::{Diagnostics, Sources};
use schemagen::pipeline::{self, PrismaDrift, PrismaFromSql};

use super::{fail_without_keep_going, print_diagnostics};

/// Arguments of `schemagen check`.
pub(crate) struct CheckArgs {
    pub migrations: Option<PathBuf>,
    pub schema: Option<PathBuf>,
    pub prisma_version: Option<u32>,
    pub db_url: Option<String>,
    pub quiet: bool,
    pub config: Option<PathBuf>,
}

/// `schemagen check`.
pub(crate) fn run(args: CheckArgs) -> ExitCode {
    let config = match schemagen::config::Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail_without_keep_going(&e, false),
    };
    let schema_named = args.schema.is_some() || config.prisma.schema.is_some();
    let rust_out = config.rust.out.clone();
    let settings = PrismaFromSql::resolve(config, args.migrations, args.schema, None, false)
        .and_then(|s| s.with_prisma_major(args.prisma_version));
    let settings = match settings {
        Ok(s) => s,
        Err(e) => return fail_without_keep_going(&e, false),
    };
    let mut drift = false;
    if !schema_named && !settings.schema.exists() {
        eprintln!(
            "no schema.prisma found (prisma/schema.prisma, ./schema.prisma, package.json, prisma.config.ts): the Prisma check is skipped"
        );
    } else {
        let mut sources = Sources::new();
        let mut diags = Diagnostics::new();
        let result = pipeline::check_prisma(&settings, &mut sources, &mut diags);
        print_diagnostics(&diags, &sources, args.quiet);
        let checked = match result {
            Ok(c) => c,
            Err(e) => return fail_without_keep_going(&e, false),
        };
        let (schema, migrations) = (checked.schema.display(), settings.migrations.display());
        match checked.drift {
            PrismaDrift::UpToDate => {
                eprintln!("{schema} agrees with {migrations}");
            }
            PrismaDrift::Missing => {
                drift = true;
                eprintln!("{schema} does not exist: run `schemagen prisma-from-sql` to write it");
            }
            PrismaDrift::Ahead { sql } => {
                drift = true;
                let _ = std::io::stdout().write_all(sql.as_bytes());
                eprintln!(
                    "{schema} has changes no migration in {migrations} makes (the SQL above): run `schemagen sql-from-prisma --create-only --name <name>` to write them as a migration"
                );
            }
            PrismaDrift::Diverged {
                sql,
                breaking,
                diff,
            } => {
                drift = true;
                let _ = std::io::stdout().write_all(diff.as_bytes());
                let _ = std::io::stdout().write_all(sql.as_bytes());
                let allow = if breaking.is_empty() {
                    ""
                } else {
                    " --allow-destructive"
                };
                eprintln!(
                    "{schema} and {migrations} disagree (the diff, then the SQL above):\n  if the migrations are newer, run `schemagen prisma-from-sql` (it applies the diff);\n  if you edited the schema, run `schemagen sql-from-prisma --create-only{allow} --name <name>` (it writes the SQL as a migration)."
                );
                for b in &breaking {
                    eprintln!("  destructive step: {b}");
                }
            }
            PrismaDrift::Behind { diff } => {
                drift = true;
                let _ = std::io::stdout().write_all(diff.as_bytes());
                eprintln!(
                    "{schema} agrees with {migrations} on everything Prisma expresses, but is not printed as `prisma db pull` prints it (the diff above): run `schemagen prisma-from-sql`"
                );
            }
        }
    }
    if rust_out.is_some() {
        let code = super::rust::run(super::rust::RustArgs {
            migrations: Some(settings.migrations.clone()),
            out: None,
            stdout: false,
            check: true,
            keep_going: false,
            config: args.config.clone(),
        });
        if code == ExitCode::from(1) {
            drift = true;
        } else if code != ExitCode::SUCCESS {
            return code;
        }
    }
    if let Some(url) = &args.db_url {
        match check_database(&settings.migrations, url, args.quiet) {
            Ok(true) => drift = true,
            Ok(false) => {}
            Err(code) => return code,
        }
    }
    if drift {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `--db-url`: the live database against the migrations; `Ok(true)` on drift.
fn check_database(migrations: &std::path::Path, url: &str, quiet: bool) -> Result<bool, ExitCode> {
    let mut sources = Sources::new();
    let mut diags = Diagnostics::new();
    let result = pipeline::check_database(migrations, url, &mut sources, &mut diags);
    print_diagnostics(&diags, &sources, quiet);
    let c = result.map_err(|e| fail_without_keep_going(&e, false))?;
    let (db, folder) = (&c.target, migrations.display());
    if !c.has_history {
        eprintln!(
            "{db} records no migrations (no supabase_migrations.schema_migrations): compared as if every file of {folder} were applied"
        );
    }
    if !c.unknown.is_empty() {
        eprintln!(
            "{db} records migration(s) {folder} does not have: {}; pull them (`supabase migration fetch` / `supabase db pull`) or repair the history (`supabase migration repair --status reverted VERSION`)",
            c.unknown.join(", ")
        );
    }
    if !c.pending.is_empty() {
        eprintln!(
            "{db} has not applied {} migration(s) of {folder}: {}; apply them (`supabase db push` / `supabase migration up`), then check again",
            c.pending.len(),
            c.pending.join(", ")
        );
    }
    if c.compared {
        if c.comparison.is_equal() {
            eprintln!(
                "{db} is what {folder} builds ({} table(s) and {} other object(s) compared)",
                c.comparison.tables, c.comparison.objects
            );
        } else {
            let _ = std::io::stdout().write_all(c.report.as_bytes());
            eprintln!(
                "{db} differs from what {folder} builds ({} difference(s) above, PostgreSQL = the database): a change made outside the migrations, or a migration edited after it was applied; write it as a migration (`supabase db diff -f <name>`) or undo it",
                c.comparison.differences.len()
            );
        }
    }
    Ok(!c.is_up_to_date())
}
