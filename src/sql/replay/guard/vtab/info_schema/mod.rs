//! `information_schema` views.

mod columns;
mod constraints;
mod relations;
mod routines;

use super::VTable;

pub(crate) use columns::info_data_type;
use columns::{COLUMNS, DOMAINS};
use constraints::{
    CHECK_CONSTRAINTS, CONSTRAINT_COLUMN_USAGE, CONSTRAINT_TABLE_USAGE, KEY_COLUMN_USAGE,
    REFERENTIAL_CONSTRAINTS, TABLE_CONSTRAINTS,
};
use relations::{SCHEMATA, SEQUENCES, TABLES_VIEW, VIEWS};
pub(super) use routines::ROUTINES;
use routines::TRIGGERS;

pub(super) const TABLES: &[&VTable] = &[
    &SCHEMATA,
    &TABLES_VIEW,
    &COLUMNS,
    &VIEWS,
    &TABLE_CONSTRAINTS,
    &KEY_COLUMN_USAGE,
    &CONSTRAINT_COLUMN_USAGE,
    &CONSTRAINT_TABLE_USAGE,
    &REFERENTIAL_CONSTRAINTS,
    &CHECK_CONSTRAINTS,
    &ROUTINES,
    &SEQUENCES,
    &TRIGGERS,
    &DOMAINS,
];

const IS: &str = "information_schema";
