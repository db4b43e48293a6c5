//! Catalog × Catalog → the ordered steps that turn one into the other (for `sql-from-prisma`:
//! the catalog the migrations build, and the one the edited `schema.prisma` lowers to).
//!
//! Only the input shape exists so far: [`Pair`]. The steps come with `sql-from-prisma`.
// Nothing calls this module yet.
#![allow(dead_code)]

use crate::catalog::Catalog;

/// The two sides of a diff.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pair<'a> {
    /// What exists (the catalog the migrations build).
    pub previous: &'a Catalog,
    /// What is wanted.
    pub next: &'a Catalog,
}

impl<'a> Pair<'a> {
    /// A pair.
    pub(crate) fn new(previous: &'a Catalog, next: &'a Catalog) -> Self {
        Pair { previous, next }
    }

    /// Whether there is nothing to do.
    pub(crate) fn is_unchanged(&self) -> bool {
        self.previous == self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Schema, Table};

    #[test]
    fn a_pair_is_unchanged_only_when_both_sides_are_equal() {
        let mut a = Catalog::default();
        a.schemas.insert("public".into(), Schema::default());
        let b = a.clone();
        assert!(Pair::new(&a, &b).is_unchanged());
        let mut c = a.clone();
        if let Some(s) = c.schemas.get_mut("public") {
            s.tables.insert("t".into(), Table::new("t"));
        }
        assert!(!Pair::new(&a, &c).is_unchanged());
        assert!(!Pair::new(&c, &a).is_unchanged());
    }
}
