//! `pg_namespace`, `pg_type`, `pg_enum`, `pg_constraint`, `pg_policy`/`pg_policies`,
//! `pg_trigger`, `pg_extension`, roles, `pg_description` and small fixed catalogs.

mod constraints;
mod fixed;
mod policies;
mod types;

use std::borrow::Cow;

use super::{oid, VTable};
use crate::sql::replay::guard::value::{Obj, V};

use constraints::PG_CONSTRAINT;
use fixed::{
    PG_AM, PG_AUTHID, PG_DATABASE, PG_DESCRIPTION, PG_EVENT_TRIGGER, PG_LANGUAGE, PG_PUBLICATION,
    PG_ROLES, PG_USER,
};
use policies::{PG_EXTENSION, PG_POLICIES, PG_POLICY, PG_TRIGGER};
use types::{PG_ENUM, PG_NAMESPACE, PG_TYPE};

pub(super) const TABLES: &[&VTable] = &[
    &PG_NAMESPACE,
    &PG_TYPE,
    &PG_ENUM,
    &PG_CONSTRAINT,
    &PG_POLICY,
    &PG_POLICIES,
    &PG_TRIGGER,
    &PG_EXTENSION,
    &PG_ROLES,
    &PG_USER,
    &PG_AUTHID,
    &PG_PUBLICATION,
    &PG_DESCRIPTION,
    &PG_EVENT_TRIGGER,
    &PG_LANGUAGE,
    &PG_AM,
    &PG_DATABASE,
];

const PG: &str = "pg_catalog";

fn role<'a>(name: &'a str) -> V<'a> {
    oid(Obj::Role(Cow::Borrowed(name)))
}
