//! `pg_class` and the relation views built on it (`pg_tables`, `pg_views`, `pg_matviews`,
//! `pg_indexes`, `pg_sequences`), with `pg_index`, `pg_attribute`, `pg_attrdef`, `pg_sequence`
//! and `pg_inherits`.

mod attributes;
mod class;
mod indexes;
mod sequences;

use std::borrow::Cow;

use super::{oid, Keys, VTable};
use crate::sql::replay::guard::value::{Obj, V};

use attributes::{PG_ATTRDEF, PG_ATTRIBUTE};
use class::{PG_CLASS, PG_MATVIEWS, PG_TABLES, PG_VIEWS};
use indexes::{PG_INDEX, PG_INDEXES};
use sequences::{PG_INHERITS, PG_SEQUENCE, PG_SEQUENCES};

pub(super) const TABLES: &[&VTable] = &[
    &PG_CLASS,
    &PG_TABLES,
    &PG_VIEWS,
    &PG_MATVIEWS,
    &PG_INDEXES,
    &PG_INDEX,
    &PG_ATTRIBUTE,
    &PG_ATTRDEF,
    &PG_SEQUENCES,
    &PG_SEQUENCE,
    &PG_INHERITS,
];

const PG: &str = "pg_catalog";

fn role<'a>() -> V<'a> {
    oid(Obj::Role(Cow::Borrowed("postgres")))
}

/// The relation a key fixes, as (schema, name) filters.
fn rel_filter<'k>(
    k: &'k Keys<'_, '_>,
    oid_col: usize,
    name_col: usize,
    ns_col: usize,
) -> (Option<&'k str>, Option<&'k str>) {
    match k.rel(oid_col) {
        Some((s, n)) => (Some(s), Some(n)),
        None => (k.ns(ns_col), k.text(name_col)),
    }
}
