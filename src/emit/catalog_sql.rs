//! A whole [`Catalog`] → the SQL that builds it in an empty database, in dependency order:
//! schemas, extensions, types, sequences, tables, routines, keys and checks, indexes,
//! foreign keys, views, comments, row level security and policies. Reading that database back
//! ([`crate::db::read_catalog`]) gives the catalog again.
//!
//! The catalog keeps only the names of functions: each is written from the [`Routine`] given
//! for it, else as a stub without arguments returning `void`.

mod tables;

use std::fmt::Write as _;
use tables::{index, tables};

use crate::catalog::{quote_ident as q, quote_literal as lit, Catalog, Deferrable};

/// The definition of a function the catalog names.
#[derive(Debug, Clone, Copy)]
pub struct Routine {
    /// Schema.
    pub schema: &'static str,
    /// Name.
    pub name: &'static str,
    /// Its arguments as `pg_get_function_arguments` prints them.
    pub arguments: &'static str,
    /// Its result as `pg_get_function_result` prints it.
    pub result: &'static str,
    /// `sql` or `plpgsql`.
    pub language: &'static str,
    /// The body.
    pub body: &'static str,
}

fn qn(schema: &str, name: &str) -> String {
    format!("{}.{}", q(schema), q(name))
}

fn deferrable(d: Deferrable) -> &'static str {
    match d {
        Deferrable::NotDeferrable => "",
        Deferrable::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
        Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

fn list(cols: &[String]) -> String {
    cols.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ")
}

/// The statements (without `;`) that build `catalog` in an empty database whose `public` schema
/// exists. Functions are written from `routines` (by schema and name), else as stubs.
pub fn render(catalog: &Catalog, routines: &[Routine]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    schemas_and_types(catalog, &mut out);
    for s in catalog.schemas.values() {
        for seq in s.sequences.values().filter(|q| !is_identity_sequence(s, q)) {
            out.push(format!(
                "CREATE SEQUENCE {} AS {} {}",
                qn(&s.name, &seq.name),
                seq.data_type,
                sequence_options(seq)
            ));
        }
    }
    let mut constraints = Vec::new();
    let mut fks = Vec::new();
    let mut after = Vec::new();
    tables(catalog, &mut out, &mut constraints, &mut fks, &mut after);
    for s in catalog.schemas.values() {
        for seq in s.sequences.values().filter(|q| !is_identity_sequence(s, q)) {
            if let Some((t, c)) = &seq.owned_by {
                after.push(format!(
                    "ALTER SEQUENCE {} OWNED BY {}.{}",
                    qn(&s.name, &seq.name),
                    qn(&s.name, t),
                    q(c)
                ));
            }
        }
    }
    // After the tables: a `LANGUAGE sql` body is checked when it is created.
    out.extend(routine_statements(catalog, routines));
    out.extend(constraints);
    out.extend(after);
    out.extend(fks);
    views_and_comments(catalog, &mut out);
    out
}

/// Schemas, extensions, enum and composite types, domains, range types (with their multirange
/// types).
fn schemas_and_types(catalog: &Catalog, out: &mut Vec<String>) {
    for s in catalog.schemas.values() {
        if s.name != "public" {
            out.push(format!("CREATE SCHEMA IF NOT EXISTS {}", q(&s.name)));
        }
    }
    for e in catalog.extensions.values() {
        if e.name != "plpgsql" {
            out.push(format!(
                "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
                q(&e.name),
                q(&e.schema)
            ));
        }
    }
    for s in catalog.schemas.values() {
        for e in s.enums.values() {
            let labels: Vec<String> = e.values.iter().map(|v| lit(v)).collect();
            out.push(format!(
                "CREATE TYPE {} AS ENUM ({})",
                qn(&s.name, &e.name),
                labels.join(", ")
            ));
        }
        for c in s.composites.values() {
            let attrs: Vec<String> = c
                .attributes
                .iter()
                .map(|(n, t)| format!("{} {}", q(n), t.format(true)))
                .collect();
            out.push(format!(
                "CREATE TYPE {} AS ({})",
                qn(&s.name, &c.name),
                attrs.join(", ")
            ));
        }
        for d in s.domains.values() {
            let mut st = format!(
                "CREATE DOMAIN {} AS {}",
                qn(&s.name, &d.name),
                d.base.format(true)
            );
            if let Some(def) = &d.default {
                let _ = write!(st, " DEFAULT {def}");
            }
            if d.not_null {
                st.push_str(" NOT NULL");
            }
            for c in &d.checks {
                let _ = write!(st, " CONSTRAINT {} CHECK ({})", q(&c.name), c.expression);
            }
            out.push(st);
        }
        for r in s.ranges.values() {
            let mut st = format!(
                "CREATE TYPE {} AS RANGE (SUBTYPE = {}",
                qn(&s.name, &r.name),
                r.subtype.format(true)
            );
            let multirange = catalog.schemas.values().find_map(|ms| {
                ms.multiranges
                    .iter()
                    .find(|(_, of)| of.schema == s.name && of.name == r.name)
                    .map(|(m, _)| qn(&ms.name, m))
            });
            if let Some(m) = multirange {
                let _ = write!(st, ", MULTIRANGE_TYPE_NAME = {m}");
            }
            st.push(')');
            out.push(st);
        }
    }
}

/// Whether `seq` is the sequence of an identity column (made with the column).
fn is_identity_sequence(schema: &crate::catalog::Schema, seq: &crate::catalog::Sequence) -> bool {
    seq.owned_by.as_ref().is_some_and(|(t, c)| {
        schema
            .tables
            .get(t)
            .and_then(|t| t.columns.iter().find(|x| &x.name == c))
            .is_some_and(|x| x.identity.is_some())
    })
}

/// The options of `CREATE SEQUENCE` (`AS type` is the column's own type for an identity
/// sequence: PostgreSQL refuses it).
fn sequence_options(seq: &crate::catalog::Sequence) -> String {
    format!(
        "START {} INCREMENT {} MINVALUE {} MAXVALUE {} CACHE {}{}",
        seq.start,
        seq.increment,
        seq.min_value,
        seq.max_value,
        seq.cache,
        if seq.cycle { " CYCLE" } else { "" }
    )
}

/// `CREATE FUNCTION` for the routines of every schema (with their bodies when known).
fn routine_statements(catalog: &Catalog, routines: &[Routine]) -> Vec<String> {
    let mut routines_sql = Vec::new();
    for s in catalog.schemas.values() {
        for f in &s.functions {
            let r = routines.iter().find(|r| r.schema == s.name && r.name == *f);
            routines_sql.push(match r {
                Some(r) => {
                    let tag = if r.body.contains("$$") {
                        "$body$"
                    } else {
                        "$$"
                    };
                    format!(
                        "CREATE FUNCTION {}({}) RETURNS {} LANGUAGE {} AS {tag}{}{tag}",
                        qn(&s.name, f),
                        r.arguments,
                        r.result,
                        r.language,
                        r.body
                    )
                }
                None => format!(
                    "CREATE FUNCTION {}() RETURNS void LANGUAGE sql AS $$ $$",
                    qn(&s.name, f)
                ),
            });
        }
    }
    routines_sql
}

/// Views with their indexes and comments, then comments on enums and schemas.
fn views_and_comments(catalog: &Catalog, out: &mut Vec<String>) {
    for s in catalog.schemas.values() {
        for v in s.views.values() {
            let mut st = format!(
                "CREATE {}VIEW {}",
                if v.materialized { "MATERIALIZED " } else { "" },
                qn(&s.name, &v.name)
            );
            if !v.options.is_empty() {
                let _ = write!(st, " WITH ({})", v.options.join(", "));
            }
            let _ = write!(st, " AS{}", v.definition.trim_end().trim_end_matches(';'));
            out.push(st);
            for i in &v.indexes {
                out.push(index(&s.name, &v.name, i));
            }
            if let Some(c) = &v.comment {
                out.push(format!(
                    "COMMENT ON {}VIEW {} IS {}",
                    if v.materialized { "MATERIALIZED " } else { "" },
                    qn(&s.name, &v.name),
                    lit(c)
                ));
            }
        }
        for e in s.enums.values() {
            if let Some(c) = &e.comment {
                out.push(format!(
                    "COMMENT ON TYPE {} IS {}",
                    qn(&s.name, &e.name),
                    lit(c)
                ));
            }
        }
        if let Some(c) = &s.comment {
            out.push(format!("COMMENT ON SCHEMA {} IS {}", q(&s.name), lit(c)));
        }
    }
}
