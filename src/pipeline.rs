//! The pipelines: the only place where readers, the catalog and writers are put together. The
//! command line (and, later, the `build.rs` builder) call these functions and nothing else.

use crate::catalog::Catalog;
use crate::diagnostics::Diagnostics;
use crate::error::{Error, Result};
use crate::sql;

mod check;
mod from_prisma_migrations;
mod prisma_from_sql;
mod replay;
mod sql_from_prisma;
#[cfg(feature = "db")]
pub mod verify;

pub use crate::diff::compare;
pub use crate::emit::prisma::{Naming, PrismaOptions, Rendered};
pub use crate::prisma::{ParseError, SchemaError};
pub use crate::sql::replay::ReplayStats;
#[cfg(feature = "db")]
pub use check::{check_database, DatabaseCheck};
pub use check::{check_prisma, PrismaCheck, PrismaDrift};
pub use from_prisma_migrations::{
    from_prisma_migrations, prisma_checksum, ConvertedMigrations, Folder, FolderOutcome,
    FromPrismaMigrations,
};
pub use prisma_from_sql::{prisma_from_sql, render_schema, PrismaFromSql, PrismaSchema};
#[cfg(feature = "db")]
pub(crate) use replay::replay_dir_from;
pub(crate) use replay::replay_dir_then;
pub use replay::{replay_dir, replay_dir_with_provenance, replay_dir_with_stats};
#[cfg(feature = "db")]
pub use sql_from_prisma::{apply_migration, Applied};
pub use sql_from_prisma::{slug, sql_from_prisma, SqlFromPrisma, SqlMigration};

// Catalog → text (inspect)

/// The readable listing of `schemagen inspect`: the project's own schemas (the schemas Supabase
/// manages are left out).
pub fn catalog_text(catalog: &Catalog) -> String {
    crate::emit::text::render(catalog, &|s| !sql::supabase::MANAGED_SCHEMAS.contains(&s))
}

/// The SQL that builds a fresh Supabase project's database (the schemas of
/// [`sql::supabase::base_catalog`], Supabase's roles, functions, publication and grants) in an
/// empty PostgreSQL 15 database, from the repository alone: what `schemagen supabase-base`
/// prints. Reading that database back gives the base catalog.
pub fn supabase_base_sql() -> String {
    use crate::emit::catalog_sql::{render, Routine};
    let routines: Vec<Routine> = sql::supabase::base_sql::ROUTINES
        .iter()
        .map(
            |&(schema, name, arguments, result, language, body)| Routine {
                schema,
                name,
                arguments,
                result,
                language,
                body,
            },
        )
        .collect();
    let mut statements = sql::supabase::base_sql::prologue();
    statements.extend(render(&sql::supabase::base_catalog(), &routines));
    statements.extend(sql::supabase::base_sql::epilogue());
    let mut out = format!(
        "-- A fresh Supabase project's database, written by schemagen {} (supabase-base) from its\n-- base catalog (src/sql/supabase/base.json). Apply as a superuser to an empty database.\n\n",
        env!("CARGO_PKG_VERSION")
    );
    for s in statements {
        out.push_str(&s);
        out.push_str(";\n\n");
    }
    out
}

/// [`Error::Diagnostics`] when `diags` holds an error: the run stops there.
pub(crate) fn stop_on_errors(diags: &Diagnostics) -> Result<()> {
    if diags.has_errors() {
        return Err(Error::Diagnostics {
            errors: diags.error_count(),
            warnings: diags.warning_count(),
        });
    }
    Ok(())
}
