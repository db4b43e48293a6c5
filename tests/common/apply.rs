//! Applying migration sets to a test database as the Supabase CLI does, and the extensions a
//! stock PostgreSQL 15 lacks.
//!
//! The Supabase CLI (`supabase migration up`, `db push`, `db reset`; `pkg/migration/apply.go` and
//! `file.go` of supabase/cli) applies each file the way `^[0-9]+_.*\.sql$` names them, in version
//! order, after `RESET ALL`, as ONE pipelined batch of its statements plus the insert of the
//! history row — one implicit transaction per file. [`apply_migration_set`] does the same with
//! one `psql --single-transaction` session per file.
//!
//! A file that fails that way but applies statement by statement (autocommit, what `psql -f`
//! does) is applied so and listed in [`SetOutcome::statement_by_statement`]: such a history
//! cannot be applied by the CLI as it stands (checked with the real CLI 2.117.0 on
//! `musta96__kruxt-beta`: `ALTER TYPE … ADD VALUE 'triaged'` and a function using `'triaged'` in
//! one file fail with `unsafe use of new value "triaged"`, SQLSTATE 55P04), yet it is how its
//! authors applied it, and how the corpus's `expected.prisma` files were made.
//!
//! Extensions that are not contrib modules (pg_net, pg_cron, pgmq, …) are available when the
//! stand-ins of the shared folder's `supabase/extensions/` are installed (`scripts/test.sh`
//! does); their `CREATE EXTENSION` lines then run as written. Those of extensions the server does
//! not offer are commented out, with an SQL stand-in for pgvector's `vector` type and for the
//! FDW handlers of Supabase's `wrappers`.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::pg::Db;

/// Extensions that are not PostgreSQL contrib modules: available only as stand-ins (see the
/// module docs) or, for `vector`, never on Debian 12's packages.
pub const UNAVAILABLE_EXTENSIONS: &[&str] = &[
    "pg_graphql",
    "pgjwt",
    "pgsodium",
    "supabase_vault",
    "pg_net",
    "pg_cron",
    "http",
    "pg_jsonschema",
    "wrappers",
    "vector",
    "pgmq",
    "pg_tle",
    "hypopg",
    "index_advisor",
    "plpgsql_check",
];

/// The extensions the server of `db` can create (`pg_available_extensions`).
pub fn available_extensions(db: &Db) -> BTreeSet<String> {
    db.client()
        .query("SELECT name FROM pg_available_extensions", &[])
        .expect("pg_available_extensions")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Comments out line-leading `CREATE|ALTER EXTENSION [IF NOT EXISTS] "name" …;` and
/// `COMMENT ON EXTENSION "name" …;` statements for every extension of
/// [`UNAVAILABLE_EXTENSIONS`], keeping line numbers. Returns the text and the names commented out.
pub fn comment_out_unavailable_extensions(sql: &str) -> (String, Vec<String>) {
    comment_out_extensions(sql, &|name| UNAVAILABLE_EXTENSIONS.contains(&name))
}

/// [`comment_out_unavailable_extensions`] for the extensions of [`UNAVAILABLE_EXTENSIONS`] that
/// are not in `available` (those run as written).
pub fn comment_out_missing_extensions(
    sql: &str,
    available: &BTreeSet<String>,
) -> (String, Vec<String>) {
    comment_out_extensions(sql, &|name| {
        UNAVAILABLE_EXTENSIONS.contains(&name) && !available.contains(name)
    })
}

fn comment_out_extensions(sql: &str, missing: &dyn Fn(&str) -> bool) -> (String, Vec<String>) {
    let mut out = String::with_capacity(sql.len());
    let mut names = Vec::new();
    let mut in_stmt = false;
    for line in sql.split_inclusive('\n') {
        let lower = line.trim_start().to_ascii_lowercase();
        let starts = [
            "create extension",
            "alter extension",
            "comment on extension",
        ]
        .iter()
        .any(|p| lower.starts_with(p));
        let hit = starts && {
            let rest = lower
                .replace("if not exists", " ")
                .replace(['"', ';', '('], " ");
            let words: Vec<&str> = rest.split_whitespace().collect();
            let at = if words.first() == Some(&"comment") {
                3
            } else {
                2
            };
            let name = words.get(at).copied().unwrap_or("");
            missing(name)
                .then(|| names.push(name.to_string()))
                .is_some()
        };
        if hit || in_stmt {
            if hit && lower.starts_with("create extension") {
                // Stand-ins for extensions that matter to the DDL of the corpus (pgvector is not
                // packaged for Debian 12; `wrappers` is Supabase's own).
                let words: Vec<String> = lower
                    .replace(['"', ';'], " ")
                    .split_whitespace()
                    .map(str::to_string)
                    .collect();
                let schema = words
                    .windows(2)
                    .find(|w| w[0] == "schema")
                    .map(|w| w[1].clone())
                    .unwrap_or_else(|| "public".into());
                match names.last().map(String::as_str) {
                    Some("vector") => out.push_str(&vector_stand_in(&schema)),
                    Some("wrappers") => out.push_str(&wrappers_stand_in(&schema)),
                    _ => {}
                }
                out.push(' ');
            }
            out.push_str("-- ");
            out.push_str(line);
            in_stmt = !line.contains(';');
        } else {
            out.push_str(line);
        }
    }
    (out, names)
}

/// What happened when a migration set was applied.
#[derive(Debug, Default)]
pub struct SetOutcome {
    /// Files applied successfully.
    pub applied: usize,
    /// Files the Supabase CLI would apply.
    pub total: usize,
    /// First failing file and psql's message (as the Supabase CLI would apply it).
    pub failure: Option<(PathBuf, String)>,
    /// Files that fail in one transaction, as the Supabase CLI applies them, but apply statement
    /// by statement, with the error of the one-transaction attempt.
    pub statement_by_statement: Vec<(PathBuf, String)>,
    /// Extension statements commented out.
    pub commented_extensions: Vec<String>,
}

impl SetOutcome {
    /// One line per file that applies only statement by statement, for the test's report.
    pub fn notes(&self, set: &str) -> Vec<String> {
        self.statement_by_statement
            .iter()
            .map(|(path, e)| {
                format!(
                    "{set}: {} applies only statement by statement; the Supabase CLI (one transaction per file) fails: {}",
                    path.file_name().unwrap_or_default().to_string_lossy(),
                    first_error(e)
                )
            })
            .collect()
    }
}

/// The first `ERROR:` line of psql's output (else its first line).
pub fn first_error(psql_output: &str) -> &str {
    psql_output
        .lines()
        .find(|l| l.contains("ERROR:"))
        .or_else(|| psql_output.lines().next())
        .unwrap_or("")
}

/// The files of a migrations folder the Supabase CLI would apply, in its order.
pub fn migration_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            schemagen::sql::source::parse_migration_name(&name)
                .map(|(v, _)| (v.to_string(), e.path()))
        })
        .collect();
    files.sort();
    files.into_iter().map(|(_, p)| p).collect()
}

/// Applies every file of a migrations folder the Supabase CLI would apply, in its order, one
/// psql session and transaction per file (see the module docs for files that only apply
/// statement by statement), after commenting out extensions the server does not offer.
/// Stops at the first failing file.
pub fn apply_migration_set(db: &Db, dir: &Path) -> SetOutcome {
    let files = migration_files(dir);
    let available = available_extensions(db);
    let mut outcome = SetOutcome {
        total: files.len(),
        ..Default::default()
    };
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read migration");
        let (text, names) = comment_out_missing_extensions(&text, &available);
        outcome.commented_extensions.extend(names);
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        // A file that rolls back a transaction block of its own: `supabase migration up`
        // (2.117.0, measured) commits what came before its first BEGIN, COMMIT or ROLLBACK and
        // runs the rest statement by statement, so `ROLLBACK` undoes only its own block. psql
        // without `-1` ends such a file the same way; with `-1` the ROLLBACK would undo the
        // whole file.
        let lower = text.to_ascii_lowercase();
        let single = !(lower.contains("rollback") || lower.contains("abort"));
        if let Err(e) = db.psql_labelled(&text, &label, single) {
            if db.psql_labelled(&text, &label, false).is_ok() {
                outcome.statement_by_statement.push((path, e));
            } else {
                outcome.failure = Some((path, e));
                break;
            }
        }
        outcome.applied += 1;
    }
    outcome
}

/// SQL (one line) that creates a stand-in for pgvector's `vector` type in `schema`: a varlena
/// type with pgvector's typmod form (`vector(1536)`), made of built-in C functions, and the
/// `<=>`, `<->`, `<#>` operators (always 0), and `hnsw`/`ivfflat` access methods with
/// pgvector's operator class names (over the hash index handler), enough for the DDL and SQL function bodies of migrations to apply.
pub fn vector_stand_in(schema: &str) -> String {
    let s = format!("\"{schema}\"");
    format!(
        "DO $vector$ BEGIN IF to_regtype('{s}.vector') IS NULL THEN \
         CREATE TYPE {s}.vector; \
         CREATE FUNCTION {s}.vector_in(cstring, oid, integer) RETURNS {s}.vector AS 'textin' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE FUNCTION {s}.vector_out({s}.vector) RETURNS cstring AS 'textout' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE FUNCTION {s}.vector_typmod_in(cstring[]) RETURNS integer AS 'varchartypmodin' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE FUNCTION {s}.vector_typmod_out(integer) RETURNS cstring AS 'varchartypmodout' LANGUAGE internal IMMUTABLE STRICT; \
         CREATE TYPE {s}.vector (INPUT = {s}.vector_in, OUTPUT = {s}.vector_out, TYPMOD_IN = {s}.vector_typmod_in, TYPMOD_OUT = {s}.vector_typmod_out, INTERNALLENGTH = variable, STORAGE = extended); \
         CREATE FUNCTION {s}.vector_distance({s}.vector, {s}.vector) RETURNS float8 AS 'select 0::float8' LANGUAGE sql IMMUTABLE; \
         CREATE OPERATOR {s}.<=> (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_distance); \
         CREATE OPERATOR {s}.<-> (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_distance); \
         CREATE OPERATOR {s}.<#> (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_distance); \
         CREATE FUNCTION {s}.vector_hash({s}.vector) RETURNS integer AS 'select 0' LANGUAGE sql IMMUTABLE; \
         CREATE FUNCTION {s}.vector_eq({s}.vector, {s}.vector) RETURNS boolean AS 'select false' LANGUAGE sql IMMUTABLE; \
         CREATE OPERATOR {s}.= (LEFTARG = {s}.vector, RIGHTARG = {s}.vector, PROCEDURE = {s}.vector_eq); \
         IF NOT EXISTS (SELECT FROM pg_am WHERE amname = 'hnsw') THEN CREATE ACCESS METHOD hnsw TYPE INDEX HANDLER hashhandler; END IF; \
         IF NOT EXISTS (SELECT FROM pg_am WHERE amname = 'ivfflat') THEN CREATE ACCESS METHOD ivfflat TYPE INDEX HANDLER hashhandler; END IF; \
         CREATE OPERATOR CLASS {s}.vector_cosine_ops FOR TYPE {s}.vector USING hnsw AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_ip_ops FOR TYPE {s}.vector USING hnsw AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_l2_ops FOR TYPE {s}.vector USING hnsw AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_cosine_ops FOR TYPE {s}.vector USING ivfflat AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_ip_ops FOR TYPE {s}.vector USING ivfflat AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         CREATE OPERATOR CLASS {s}.vector_l2_ops FOR TYPE {s}.vector USING ivfflat AS OPERATOR 1 {s}.=, FUNCTION 1 {s}.vector_hash({s}.vector); \
         END IF; END $vector$;"
    )
}

/// SQL (one line) that creates stand-ins for the FDW handlers of Supabase's `wrappers`
/// extension (postgres_fdw's C handler, no validator), so `CREATE FOREIGN DATA WRAPPER … HANDLER
/// stripe_fdw_handler` and the servers and foreign tables over it apply.
pub fn wrappers_stand_in(schema: &str) -> String {
    let s = format!("\"{schema}\"");
    let mut sql = String::from("DO $wrappers$ BEGIN ");
    for w in [
        "stripe",
        "airtable",
        "bigquery",
        "clickhouse",
        "firebase",
        "s3",
        "logflare",
        "auth0",
        "cognito",
        "mssql",
        "redis",
    ] {
        sql.push_str(&format!(
            "IF to_regproc('{s}.{w}_fdw_handler') IS NULL THEN CREATE FUNCTION {s}.{w}_fdw_handler() RETURNS fdw_handler AS '$libdir/postgres_fdw', 'postgres_fdw_handler' LANGUAGE c STRICT; END IF; "
        ));
    }
    sql.push_str("END $wrappers$;");
    sql
}
