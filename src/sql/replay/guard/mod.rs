//! Evaluating SQL expressions and queries offline, as the `DO` blocks of migrations run them:
//! guard conditions (`IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE …)`),
//! loop queries (`FOR r IN SELECT … FROM pg_proc p JOIN pg_namespace n …`), dynamic SQL
//! (`format('ALTER TABLE %I …', t)`), date arithmetic for partition names, and queries over the
//! user's own tables, answered from the rows the history itself inserted.
//!
//! Expressions and queries are compiled from sqlparser's AST ([`expr`], [`query`]) with every
//! column resolved to a slot, then run ([`eval`], [`run`]) over virtual catalog tables built from
//! the replayed catalog on demand ([`vtab`]): equality predicates are pushed into the catalog
//! lookups, rows borrow their text from the catalog, and joins on keys the lookup cannot use are
//! hash joins, so a query costs time in proportion to the rows it touches.

pub(crate) mod cast;
pub(crate) mod data;
pub(crate) mod datetime;
pub(crate) mod errors;
pub(crate) mod eval;
pub(crate) mod expr;
pub(crate) mod funcs;
pub(crate) mod group;
pub(crate) mod names;
pub(crate) mod query;
pub(crate) mod routines;
pub(crate) mod run;
pub(crate) mod skipped;
pub(crate) mod track;
pub(crate) mod value;
pub(crate) mod vtab;

pub(crate) use errors::Fail;
pub(crate) use track::Tracked;
pub(crate) use value::V;

use crate::catalog::Catalog;
use crate::sql::replay::Replayer;

/// Variables in scope (plpgsql's), looked up by name.
pub(crate) trait Vars {
    /// The value of a variable (`name`, or `label.name`); `Err` says why its value is not
    /// known.
    fn get(&self, name: &str) -> Option<Result<&V<'static>, &str>>;
}

/// What an evaluation reads: the replayer (catalog, search path, routines, table contents),
/// variables in scope and `EXECUTE … USING` parameters.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub r: &'a Replayer,
    pub vars: &'a dyn Vars,
    pub params: &'a [V<'static>],
    /// The transaction's start (`now()`), microseconds since the epoch.
    pub now: i64,
    /// Table contents are read as they were before the logged statement with this sequence
    /// number (see [`data`]): a logged `INSERT … SELECT` sees the tables as they were when it ran.
    pub as_of: u64,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(r: &'a Replayer, vars: &'a dyn Vars) -> Self {
        Ctx {
            r,
            vars,
            params: &[],
            now: r.tracked.now(),
            as_of: u64::MAX,
        }
    }

    pub(crate) fn catalog(&self) -> &'a Catalog {
        self.r.catalog()
    }

    pub(crate) fn tracked(&self) -> &'a Tracked {
        &self.r.tracked
    }
}
