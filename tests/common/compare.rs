//! Comparing a replayed catalog with the one read from PostgreSQL: the library's comparer (the
//! one `inspect --verify-with` reports with; intended differences are listed in its docs).

#![allow(dead_code, unused_imports)]

pub use schemagen::pipeline::compare::{
    compare, compare_view_order, is_viewdef_form, normalise, Comparison, Difference,
};

/// The differences, one per line, joined with `sep`.
pub fn joined(differences: &[Difference], sep: &str) -> String {
    differences
        .iter()
        .map(Difference::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}
