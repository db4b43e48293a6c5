//! Virtual catalog tables: `information_schema` and `pg_catalog` relations answered from the
//! replayed catalog, one scan function per table. Column lists are PostgreSQL 15's, complete
//! (so names resolve, and conflict with plpgsql variables, as they would); `modelled` says which
//! columns have values. A scan gets the equality keys the query fixes (`table_name = 't'`,
//! `attrelid = 'x'::regclass`) and reads only the matching part of the catalog; it computes only
//! the columns the query reads.

mod info_schema;
mod pg_class;
mod pg_misc;
mod pg_proc;
pub(crate) mod printers;

use std::borrow::Cow;

use super::errors::Res;
use super::value::{Obj, V};
use super::Ctx;
use crate::catalog::{Schema, Table};

/// Equality keys and needed columns given to a scan.
pub(crate) struct Keys<'k, 'v> {
    pub eq: &'k [(usize, V<'v>)],
    pub needed: u64,
}

impl Keys<'_, '_> {
    /// The text a column is fixed to.
    pub(crate) fn text(&self, col: usize) -> Option<&str> {
        self.eq.iter().find_map(|(c, v)| match v {
            V::Text(s) if *c == col => Some(s.as_ref()),
            _ => None,
        })
    }

    /// The object id a column is fixed to.
    pub(crate) fn obj(&self, col: usize) -> Option<&Obj<'_>> {
        self.eq.iter().find_map(|(c, v)| match v {
            V::Oid(_, o) if *c == col => Some(o),
            _ => None,
        })
    }

    /// Whether the query reads a column.
    pub(crate) fn need(&self, col: usize) -> bool {
        col >= 64 || self.needed & (1 << col) != 0
    }

    /// The relation a column is fixed to (`attrelid = 'public.t'::regclass`).
    pub(crate) fn rel(&self, col: usize) -> Option<(&str, &str)> {
        match self.obj(col) {
            Some(Obj::Rel(s, n)) => Some((s, n)),
            _ => None,
        }
    }

    /// The schema a namespace-id column is fixed to.
    pub(crate) fn ns(&self, col: usize) -> Option<&str> {
        match self.obj(col) {
            Some(Obj::Namespace(n)) => Some(n),
            _ => None,
        }
    }
}

/// A row consumer; `false` stops the scan.
pub(crate) type Out<'o, 'a> = dyn FnMut(&[V<'a>]) -> Res<bool> + 'o;

/// A scan function.
pub(crate) type Scan = for<'a> fn(&Ctx<'a>, &Keys<'_, '_>, &mut Out<'_, 'a>) -> Res<()>;

/// A virtual catalog table.
#[derive(Debug)]
pub(crate) struct VTable {
    pub schema: &'static str,
    pub name: &'static str,
    pub columns: &'static [&'static str],
    pub modelled: &'static [&'static str],
    /// Columns whose equality key narrows the scan cheaply (else joins on them hash).
    pub indexed: &'static [&'static str],
    pub scan: Scan,
}

/// The modelled table `schema.name`.
pub(crate) fn find(schema: &str, name: &str) -> Option<&'static VTable> {
    let all: [&[&'static VTable]; 4] = [
        info_schema::TABLES,
        pg_class::TABLES,
        pg_misc::TABLES,
        pg_proc::TABLES,
    ];
    all.iter()
        .flat_map(|t| t.iter())
        .find(|t| t.schema == schema && t.name == name)
        .copied()
}

/// Relations PostgreSQL 15 has in `information_schema` / `pg_catalog` (so a reference to one
/// that is not modelled says so, and any other name is PostgreSQL's "does not exist").
pub(crate) fn exists_in_postgres(schema: &str, name: &str) -> bool {
    let list = match schema {
        "information_schema" => INFORMATION_SCHEMA_RELATIONS,
        _ => PG_CATALOG_RELATIONS,
    };
    list.split(' ').any(|n| n == name)
}

const INFORMATION_SCHEMA_RELATIONS: &str = "_pg_foreign_data_wrappers _pg_foreign_servers _pg_foreign_table_columns _pg_foreign_tables _pg_user_mappings administrable_role_authorizations applicable_roles attributes character_sets check_constraint_routine_usage check_constraints collation_character_set_applicability collations column_column_usage column_domain_usage column_options column_privileges column_udt_usage columns constraint_column_usage constraint_table_usage data_type_privileges domain_constraints domain_udt_usage domains element_types enabled_roles foreign_data_wrapper_options foreign_data_wrappers foreign_server_options foreign_servers foreign_table_options foreign_tables information_schema_catalog_name key_column_usage parameters referential_constraints role_column_grants role_routine_grants role_table_grants role_udt_grants role_usage_grants routine_column_usage routine_privileges routine_routine_usage routine_sequence_usage routine_table_usage routines schemata sequences sql_features sql_implementation_info sql_parts sql_sizing table_constraints table_privileges tables transforms triggered_update_columns triggers udt_privileges usage_privileges user_defined_types user_mapping_options user_mappings view_column_usage view_routine_usage view_table_usage views";

const PG_CATALOG_RELATIONS: &str = "pg_aggregate pg_am pg_amop pg_amproc pg_attrdef pg_attribute pg_auth_members pg_authid pg_available_extension_versions pg_available_extensions pg_backend_memory_contexts pg_cast pg_class pg_collation pg_config pg_constraint pg_conversion pg_cursors pg_database pg_db_role_setting pg_default_acl pg_depend pg_description pg_enum pg_event_trigger pg_extension pg_file_settings pg_foreign_data_wrapper pg_foreign_server pg_foreign_table pg_group pg_hba_file_rules pg_ident_file_mappings pg_index pg_indexes pg_inherits pg_init_privs pg_language pg_largeobject pg_largeobject_metadata pg_locks pg_matviews pg_namespace pg_opclass pg_operator pg_opfamily pg_parameter_acl pg_partitioned_table pg_policies pg_policy pg_prepared_statements pg_prepared_xacts pg_proc pg_publication pg_publication_namespace pg_publication_rel pg_publication_tables pg_range pg_replication_origin pg_replication_origin_status pg_replication_slots pg_rewrite pg_roles pg_rules pg_seclabel pg_seclabels pg_sequence pg_sequences pg_settings pg_shadow pg_shdepend pg_shdescription pg_shmem_allocations pg_shseclabel pg_stat_activity pg_stat_all_indexes pg_stat_all_tables pg_stat_archiver pg_stat_bgwriter pg_stat_database pg_stat_database_conflicts pg_stat_gssapi pg_stat_progress_analyze pg_stat_progress_basebackup pg_stat_progress_cluster pg_stat_progress_copy pg_stat_progress_create_index pg_stat_progress_vacuum pg_stat_recovery_prefetch pg_stat_replication pg_stat_replication_slots pg_stat_slru pg_stat_ssl pg_stat_subscription pg_stat_subscription_stats pg_stat_sys_indexes pg_stat_sys_tables pg_stat_user_functions pg_stat_user_indexes pg_stat_user_tables pg_stat_wal pg_stat_wal_receiver pg_stat_xact_all_tables pg_stat_xact_sys_tables pg_stat_xact_user_functions pg_stat_xact_user_tables pg_statio_all_indexes pg_statio_all_sequences pg_statio_all_tables pg_statio_sys_indexes pg_statio_sys_sequences pg_statio_sys_tables pg_statio_user_indexes pg_statio_user_sequences pg_statio_user_tables pg_statistic pg_statistic_ext pg_statistic_ext_data pg_stats pg_stats_ext pg_stats_ext_exprs pg_subscription pg_subscription_rel pg_tables pg_tablespace pg_timezone_abbrevs pg_timezone_names pg_transform pg_trigger pg_ts_config pg_ts_config_map pg_ts_dict pg_ts_parser pg_ts_template pg_type pg_user pg_user_mapping pg_user_mappings pg_views";

// ---- helpers shared by the scans ---------------------------------------------------------

pub(crate) fn t<'a>(s: &'a str) -> V<'a> {
    V::Text(Cow::Borrowed(s))
}

pub(crate) fn yes_no<'a>(b: bool) -> V<'a> {
    t(if b { "YES" } else { "NO" })
}

pub(crate) fn rel<'a>(schema: &'a str, name: &'a str) -> Obj<'a> {
    Obj::Rel(Cow::Borrowed(schema), Cow::Borrowed(name))
}

pub(crate) fn ns<'a>(schema: &'a str) -> Obj<'a> {
    Obj::Namespace(Cow::Borrowed(schema))
}

pub(crate) fn oid<'a>(o: Obj<'a>) -> V<'a> {
    V::Oid(super::value::Reg::Oid, o)
}

/// The schemas a scan visits: the one fixed by a key, or all.
pub(crate) fn schemas<'a>(cx: &Ctx<'a>, only: Option<&str>) -> Vec<&'a Schema> {
    let c = cx.catalog();
    match only {
        Some(n) => c.schemas.get(n).into_iter().collect(),
        None => c.schemas.values().collect(),
    }
}

/// The tables of a schema: the one fixed by a key, or all.
pub(crate) fn tables<'a>(sc: &'a Schema, only: Option<&str>) -> Vec<&'a Table> {
    match only {
        Some(n) => sc.tables.get(n).into_iter().collect(),
        None => sc.tables.values().collect(),
    }
}

/// Every index-like relation of a table: (name, unique, primary, exclusion).
pub(crate) fn table_indexes(t: &Table) -> Vec<(&str, bool, bool, bool)> {
    let mut out: Vec<(&str, bool, bool, bool)> = Vec::new();
    if let Some(pk) = &t.primary_key {
        out.push((&pk.name, true, true, false));
    }
    out.extend(
        t.uniques
            .iter()
            .map(|u| (u.name.as_str(), true, false, false)),
    );
    out.extend(
        t.exclusions
            .iter()
            .map(|x| (x.name.as_str(), false, false, true)),
    );
    out.extend(
        t.indexes
            .iter()
            .map(|i| (i.name.as_str(), i.unique, false, false)),
    );
    out
}

/// The attribute number of a column (1-based), 0 when not a column.
pub(crate) fn attnum(t: &Table, col: &str) -> i64 {
    t.columns
        .iter()
        .position(|c| c.name == col)
        .map_or(0, |i| i as i64 + 1)
}
