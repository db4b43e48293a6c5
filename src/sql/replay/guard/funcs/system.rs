//! Built-ins about the catalog and the session: object-id lookups (`to_regclass`…), visibility,
//! `format_type`, the catalog printers (`pg_get_constraintdef`…), `current_schema`, `current_user`,
//! `version`.

use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::value::{Obj, Reg, V};
use crate::sql::replay::guard::Ctx;

use super::{strict, Arity, Builtin};

/// Catalog and session built-ins by name.
pub(super) fn lookup(name: &str) -> Option<(Arity, Builtin)> {
    let f: (Arity, Builtin) = match name {
        "to_regclass" => ((1, 1), |cx, a| to_reg(cx, a, Reg::Class)),
        "to_regtype" => ((1, 1), |cx, a| to_reg(cx, a, Reg::Type)),
        "to_regproc" => ((1, 1), |cx, a| to_reg(cx, a, Reg::Proc)),
        "to_regprocedure" => ((1, 1), |cx, a| to_reg(cx, a, Reg::Procedure)),
        "to_regnamespace" => ((1, 1), |cx, a| to_reg(cx, a, Reg::Namespace)),
        "to_regrole" => ((1, 1), |cx, a| to_reg(cx, a, Reg::Role)),
        "current_schema" => ((0, 0), |cx, _| {
            Ok(cx
                .r
                .effective_path()
                .into_iter()
                .next()
                .map(V::text)
                .unwrap_or(V::Null))
        }),
        "current_schemas" => ((1, 1), |cx, _| {
            Ok(V::Array(cx.path().into_iter().map(V::text).collect()))
        }),
        "current_user" | "session_user" | "current_role" | "user" => {
            ((0, 0), |_, _| Ok(V::text("postgres")))
        }
        "pg_get_userbyid" => ((1, 1), |_, _| Ok(V::text("postgres"))),
        "current_database" | "current_catalog" => ((0, 0), |_, _| Ok(V::text("postgres"))),
        "version" => ((0, 0), |_, _| Ok(V::text("PostgreSQL 15"))),
        "current_setting" => ((1, 2), current_setting),
        "gen_random_uuid" | "uuid_generate_v4" | "random" | "txid_current" => {
            ((0, 0), |_, _| Ok(V::Opaque))
        }
        "nextval" => ((1, 1), |_, _| Ok(V::Opaque)),
        "pg_typeof" => ((1, 1), |_, _| {
            Err(Fail::unknown("pg_typeof() is not evaluated"))
        }),
        "pg_table_is_visible" | "pg_type_is_visible" | "pg_function_is_visible" => {
            ((1, 1), |cx, a| {
                strict(a, |a| match &a[0] {
                    V::Oid(reg, o) => {
                        let t = cx.reg_text(*reg, o);
                        Ok(V::Bool(
                            !t.contains('.') || (t.starts_with('"') && !t.contains("\".")),
                        ))
                    }
                    _ => Ok(V::Bool(false)),
                })
            })
        }
        "format_type" => ((2, 2), |cx, a| match a.first() {
            Some(V::Oid(_, Obj::Type(s, n))) => Ok(V::text(
                cx.type_text(&crate::sql::replay::guard::names::type_from_obj(s, n)),
            )),
            Some(V::Null) | None => Ok(V::Null),
            _ => Err(Fail::unknown("format_type() of this id is not evaluated")),
        }),
        "pg_get_constraintdef"
        | "pg_get_indexdef"
        | "pg_get_functiondef"
        | "pg_get_viewdef"
        | "pg_get_function_identity_arguments"
        | "pg_get_function_arguments"
        | "pg_get_function_result"
        | "obj_description"
        | "col_description"
        | "pg_get_serial_sequence"
        | "pg_get_expr" => return crate::sql::replay::guard::vtab::printers::lookup(name),
        _ => return None,
    };
    Some(f)
}

/// The server settings a history may test (Supabase's PostgreSQL 15 as configured for a
/// project), by lower-case name.
const SETTINGS: &[(&str, &str)] = &[
    ("server_version_num", "150008"),
    ("server_version", "15.8"),
    ("timezone", "UTC"),
    ("datestyle", "ISO, MDY"),
    ("intervalstyle", "postgres"),
    ("server_encoding", "UTF8"),
    ("client_encoding", "UTF8"),
    ("max_identifier_length", "63"),
    ("standard_conforming_strings", "on"),
    ("integer_datetimes", "on"),
    ("block_size", "8192"),
];

/// `current_setting(name [, missing_ok])`: the server's version and fixed settings, and the
/// session's `search_path`; other settings (custom `app.*` ones may have been set by the
/// session) are not evaluated.
fn current_setting<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>) -> Res<V<'e>> {
    strict(a, |a| {
        let name = match a.first() {
            Some(V::Text(n)) => n.to_lowercase(),
            _ => {
                return Err(Fail::unknown(
                    "current_setting() of this argument is not evaluated",
                ))
            }
        };
        if name == "search_path" {
            let path: Vec<String> =
                cx.r.search_path
                    .iter()
                    .map(|s| crate::catalog::quote_ident(s))
                    .collect();
            return Ok(V::text(if path.is_empty() {
                "\"\"".to_string()
            } else {
                path.join(", ")
            }));
        }
        match SETTINGS.iter().find(|(n, _)| *n == name) {
            Some((_, v)) => Ok(V::text(*v)),
            None => Err(Fail::unknown(format!(
                "current_setting('{name}') is not evaluated"
            ))),
        }
    })
}

fn to_reg<'e>(cx: &Ctx<'_>, a: Vec<V<'e>>, reg: Reg) -> Res<V<'e>> {
    let Some(v) = a.into_iter().next() else {
        return Err(Fail::pg(
            "undefined_function",
            "to_reg*() needs an argument",
        ));
    };
    let t = match &v {
        V::Null => return Ok(V::Null),
        V::Text(s) => s.to_string(),
        other => {
            return Err(Fail::pg(
                "undefined_function",
                format!("function to_reg*({}) does not exist", other.type_name()),
            ))
        }
    };
    match cx.reg_from_text(reg, &t) {
        Ok(v) => Ok(v.into_owned()),
        Err(Fail::Pg(e)) if e.cond.starts_with("undefined") => Ok(V::Null),
        Err(e) => Err(e),
    }
}
