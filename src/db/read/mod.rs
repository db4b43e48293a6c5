//! `pg_catalog` queries → [`Catalog`].
//!
//! [`read_catalog`] reads a live database into the same [`Catalog`] that replaying its migrations
//! must produce: it is the oracle of the replay engine's differential tests and the input of the
//! drift check. Every text field comes from the function Prisma's schema engine uses for the same
//! thing (`schema-engine/sql-schema-describer/src/postgres.rs`), so that what is rendered from the
//! catalog matches `prisma db pull`:
//!
//! | field | function |
//! |---|---|
//! | [`Column::default`], [`Column::generated`] | `pg_get_expr(adbin, adrelid)` (not pretty) |
//! | [`CheckConstraint::expression`] | `pg_get_constraintdef(oid)` without `CHECK (…)`, ` NO INHERIT`, ` NOT VALID` |
//! | [`ExclusionConstraint::definition`] | `pg_get_constraintdef(oid)` |
//! | [`Index::predicate`] | `pg_get_expr(indpred, indrelid)` (not pretty) |
//! | [`IndexTarget::Expression`] | `pg_get_indexdef(indexrelid, k, true)` |
//! | [`Policy::using`], [`Policy::with_check`] | `pg_get_expr(polqual / polwithcheck, polrelid)` (as `pg_policies`) |
//! | [`View::definition`] | `pg_get_viewdef(oid)` (as `pg_views.definition`) |
//! | [`Table::partition_by`] | `pg_get_partkeydef(oid)` |
//! | [`Domain::default`] | `pg_get_expr(typdefaultbin, 0)` |
//! | [`Sequence::data_type`] | `format_type(seqtypid, NULL)` |
//!
//! These functions qualify a name with its schema when the schema is not on the `search_path`, so
//! the reader runs with [`SEARCH_PATH`], the one a Supabase `postgres` session has.
//!
//! Objects that belong to an extension (`pg_depend.deptype = 'e'`: pgcrypto's functions,
//! pg_stat_statements' views, the schema `net` pg_net's script creates, the composite types of
//! `http`…) are not listed; the extension itself is, in
//! [`Catalog::extensions`]. Replaying `CREATE EXTENSION` cannot know what an extension contains.
//!
//! [`Column::default`]: crate::catalog::Column::default
//! [`Column::generated`]: crate::catalog::Column::generated
//! [`CheckConstraint::expression`]: crate::catalog::CheckConstraint::expression
//! [`ExclusionConstraint::definition`]: crate::catalog::ExclusionConstraint::definition
//! [`Index::predicate`]: crate::catalog::Index::predicate
//! [`IndexTarget::Expression`]: crate::catalog::IndexTarget::Expression
//! [`Policy::using`]: crate::catalog::Policy::using
//! [`Policy::with_check`]: crate::catalog::Policy::with_check
//! [`View::definition`]: crate::catalog::View::definition
//! [`Table::partition_by`]: crate::catalog::Table::partition_by
//! [`Domain::default`]: crate::catalog::Domain::default
//! [`Sequence::data_type`]: crate::catalog::Sequence::data_type

mod constraints;
mod indexes;
mod objects;
mod tables;
mod types;

use std::collections::HashMap;

use crate::catalog::{Catalog, Schema};
use crate::error::Result;

/// The `search_path` the reader sets (transaction-locally) while it reads: Supabase's default
/// for the `postgres` role without `"$user"`. Names in schemas outside it are printed qualified
/// (`auth.uid()`, `'x'::auth.factor_type`), names in it bare (`uuid_generate_v4()`).
pub const SEARCH_PATH: &str = "public, extensions";

/// Reads every schema of the database `client` is connected to, except Postgres's own
/// (`pg_catalog`, `information_schema`, `pg_toast*`, `pg_temp*`), into a [`Catalog`].
///
/// Runs in one read-only, repeatable-read transaction (one consistent snapshot) with
/// [`SEARCH_PATH`], which it rolls back at the end. Lists come sorted as [`Catalog::sort`] sorts.
///
/// # Errors
/// When a query fails.
pub fn read_catalog(client: &mut postgres::Client) -> Result<Catalog> {
    let tx = client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    read_in(tx)
}

/// [`read_catalog`] inside a transaction already open: what it sees, uncommitted changes
/// included, read in a savepoint rolled back at the end.
///
/// # Errors
/// When a query fails.
pub fn read_catalog_in(tx: &mut postgres::Transaction<'_>) -> Result<Catalog> {
    read_in(tx.savepoint("schemagen_read_catalog")?)
}

fn read_in(mut tx: postgres::Transaction<'_>) -> Result<Catalog> {
    tx.batch_execute(&format!("SET LOCAL search_path TO {SEARCH_PATH}"))?;
    let mut reader = Reader {
        tx: &mut tx,
        catalog: Catalog::default(),
        rels: HashMap::new(),
    };
    reader.read()?;
    let mut catalog = reader.catalog;
    tx.rollback()?;
    catalog.sort();
    Ok(catalog)
}

/// Kinds of `pg_class` rows the catalog keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RelKind {
    /// `r` or `p`.
    Table,
    /// `v` or `m`.
    View,
    /// `c`.
    Composite,
}

/// A relation the reader has put into the catalog, by `pg_class.oid`.
#[derive(Debug, Clone)]
struct Rel {
    schema: String,
    name: String,
    kind: RelKind,
}

/// The state of one read: the transaction, the catalog being filled and the relations in it.
struct Reader<'a, 'b> {
    tx: &'a mut postgres::Transaction<'b>,
    catalog: Catalog,
    rels: HashMap<u32, Rel>,
}

/// `WHERE` condition on `pg_namespace n` keeping the user's schemas.
const USER_SCHEMA: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'";

/// `WHERE` condition: the object `oid` of catalog `class` does not belong to an extension.
fn not_in_extension(class: &str, oid: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '{class}'::regclass \
         AND dep.objid = {oid} AND dep.deptype = 'e')"
    )
}

impl Reader<'_, '_> {
    fn read(&mut self) -> Result<()> {
        self.read_schemas()?;
        self.read_extensions()?;
        self.read_relations()?;
        self.read_columns()?;
        self.read_inherits()?;
        self.read_constraints()?;
        self.read_indexes()?;
        self.read_policies()?;
        self.read_sequences()?;
        self.read_enums()?;
        self.read_domains()?;
        self.read_ranges()?;
        self.read_functions()?;
        Ok(())
    }

    fn read_schemas(&mut self) -> Result<()> {
        let sql = format!(
            "SELECT n.nspname::text, obj_description(n.oid, 'pg_namespace')
             FROM pg_namespace n WHERE {USER_SCHEMA} AND {}",
            not_in_extension("pg_namespace", "n.oid")
        );
        for row in self.tx.query(&sql, &[])? {
            let name: String = row.try_get(0)?;
            let mut schema = Schema::new(name.clone());
            schema.comment = row.try_get(1)?;
            self.catalog.schemas.insert(name, schema);
        }
        Ok(())
    }

    fn read_extensions(&mut self) -> Result<()> {
        let sql = "SELECT e.extname::text, n.nspname::text
             FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace";
        for row in self.tx.query(sql, &[])? {
            let name: String = row.try_get(0)?;
            let schema: String = row.try_get(1)?;
            self.catalog
                .extensions
                .insert(name.clone(), crate::catalog::Extension { name, schema });
        }
        Ok(())
    }

    /// The schema called `name` (created on the fly if a query returns an object in a schema
    /// the schema query did not list, which only a concurrent `CREATE SCHEMA` could do).
    fn schema_mut(&mut self, name: &str) -> &mut Schema {
        self.catalog
            .schemas
            .entry(name.to_string())
            .or_insert_with(|| Schema::new(name))
    }
}

/// Names in `pg_catalog` bare, others as `schema.name` (collations, opclasses).
fn qualified_unless_pg_catalog(schema: &str, name: &str) -> String {
    if schema == "pg_catalog" {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}
