//! Catalog printers: `pg_get_constraintdef`, `pg_get_indexdef`, `pg_get_viewdef`,
//! `pg_get_functiondef` and the function-signature printers, `obj_description`,
//! `col_description`, `pg_get_serial_sequence`, `pg_get_expr`.

use crate::catalog::{Deferrable, IndexTarget, Table};
use crate::sql::quote_ident;
use crate::sql::replay::guard::errors::{Fail, Res};
use crate::sql::replay::guard::funcs::{text, Arity, Builtin};
use crate::sql::replay::guard::value::{Obj, V};
use crate::sql::replay::guard::Ctx;

pub(crate) fn lookup(name: &str) -> Option<(Arity, Builtin)> {
    let f: (Arity, Builtin) = match name {
        "pg_get_constraintdef" => ((1, 2), |cx, a| match a.first() {
            Some(V::Oid(_, Obj::Con(s, t, n))) => {
                Ok(constraint_def(cx, s, t, n).map_or(V::Null, V::text))
            }
            _ => Ok(V::Null),
        }),
        "pg_get_indexdef" => ((1, 3), |cx, a| match a.first() {
            _ if a.len() == 3 && !matches!(a[1], V::Int(0)) => Err(Fail::unknown(
                "pg_get_indexdef() of one index column is not evaluated",
            )),
            Some(V::Oid(_, Obj::Rel(s, n))) => Ok(index_def(cx, s, n).map_or(V::Null, V::text)),
            _ => Ok(V::Null),
        }),
        "pg_get_viewdef" => ((1, 2), |cx, a| {
            let target = match a.first() {
                Some(V::Oid(_, Obj::Rel(s, n))) => Some((s.to_string(), n.to_string())),
                Some(V::Text(s)) => match cx.lookup_rel(s) {
                    Some(Obj::Rel(s, n)) => Some((s.into_owned(), n.into_owned())),
                    _ => None,
                },
                _ => None,
            };
            Ok(target
                .and_then(|(s, n)| cx.catalog().schemas.get(&s)?.views.get(&n))
                .map_or(V::Null, |v| V::text(v.definition.clone())))
        }),
        "pg_get_functiondef" => ((1, 1), |cx, a| {
            proc_text(cx, a, |cx, r| {
                let args = signature(cx, r);
                let ret = r.ret.as_ref().map(|t| cx.type_text(t)).unwrap_or_default();
                let kind = if r.kind == 'p' {
                    "PROCEDURE"
                } else {
                    "FUNCTION"
                };
                let mut s = format!(
                    "CREATE OR REPLACE {kind} {}.{}({args})\n",
                    quote_ident(&r.schema),
                    quote_ident(&r.name)
                );
                if r.kind != 'p' {
                    s.push_str(&format!(
                        " RETURNS {}{ret}\n",
                        if r.retset { "SETOF " } else { "" }
                    ));
                }
                s.push_str(&format!(" LANGUAGE {}\n", r.language));
                if r.security_definer {
                    s.push_str(" SECURITY DEFINER\n");
                }
                s.push_str(&format!("AS $function${}$function$\n", r.body));
                s
            })
        }),
        "pg_get_function_identity_arguments" => ((1, 1), |cx, a| proc_text(cx, a, signature)),
        "pg_get_function_arguments" => ((1, 1), |cx, a| proc_text(cx, a, signature)),
        "pg_get_function_result" => ((1, 1), |cx, a| {
            proc_text(cx, a, |cx, r| {
                let ret = r.ret.as_ref().map(|t| cx.type_text(t)).unwrap_or_default();
                if r.retset {
                    format!("SETOF {ret}")
                } else {
                    ret
                }
            })
        }),
        "obj_description" => ((1, 2), |cx, a| match a.first() {
            Some(V::Oid(_, Obj::Rel(s, n))) => {
                let sc = cx.catalog().schemas.get(s.as_ref());
                let c = sc.and_then(|sc| {
                    sc.tables
                        .get(n.as_ref())
                        .and_then(|t| t.comment.clone())
                        .or_else(|| sc.views.get(n.as_ref()).and_then(|v| v.comment.clone()))
                });
                Ok(c.map_or(V::Null, V::text))
            }
            Some(V::Oid(_, Obj::Namespace(n))) => Ok(cx
                .catalog()
                .schemas
                .get(n.as_ref())
                .and_then(|s| s.comment.clone())
                .map_or(V::Null, V::text)),
            Some(V::Null) | None => Ok(V::Null),
            _ => Err(Fail::unknown(
                "obj_description() of this object is not evaluated",
            )),
        }),
        "col_description" => ((2, 2), |cx, a| match (a.first(), a.get(1)) {
            (Some(V::Oid(_, Obj::Rel(s, n))), Some(V::Int(k))) => Ok(cx
                .catalog()
                .table(s, n)
                .and_then(|t| t.columns.get((*k as usize).wrapping_sub(1)))
                .and_then(|c| c.comment.clone())
                .map_or(V::Null, V::text)),
            _ => Ok(V::Null),
        }),
        "pg_get_serial_sequence" => ((2, 2), |cx, a| {
            if a.len() < 2 || a.iter().any(V::is_null) {
                return Ok(V::Null);
            }
            let table = text(cx, &a[0])?.into_owned();
            let col = crate::sql::replay::guard::names::fold_text(&text(cx, &a[1])?);
            let Some(Obj::Rel(s, n)) = cx.lookup_rel(&table) else {
                return Err(Fail::pg(
                    "undefined_table",
                    format!("relation \"{table}\" does not exist"),
                ));
            };
            let sc = &cx.catalog().schemas[s.as_ref()];
            let seq = sc.sequences.values().find(|q| {
                q.owned_by
                    .as_ref()
                    .is_some_and(|(t, c)| t == n.as_ref() && *c == col)
            });
            Ok(seq.map_or(V::Null, |q| {
                V::text(format!("{}.{}", quote_ident(&s), quote_ident(&q.name)))
            }))
        }),
        // `adbin`, `conbin`, `polqual` hold the expression's text here.
        "pg_get_expr" => ((2, 3), |_, a| Ok(a.into_iter().next().unwrap_or(V::Null))),
        _ => return None,
    };
    Some(f)
}

fn proc_text<'e>(
    cx: &Ctx<'_>,
    a: Vec<V<'e>>,
    f: impl Fn(&Ctx<'_>, &crate::sql::replay::guard::routines::Routine) -> String,
) -> Res<V<'e>> {
    match a.first() {
        Some(V::Oid(_, Obj::Proc(id))) => Ok(cx
            .tracked()
            .routines
            .get(*id)
            .map_or(V::Null, |r| V::text(f(cx, r)))),
        Some(V::Null) | None => Ok(V::Null),
        Some(V::Opaque) => Err(Fail::unknown("a routine whose signature is not known")),
        _ => Ok(V::Null),
    }
}

/// Arguments as `pg_get_function_identity_arguments` prints them (names, then types).
fn signature(cx: &Ctx<'_>, r: &crate::sql::replay::guard::routines::Routine) -> String {
    r.args
        .iter()
        .zip(r.arg_names.iter().chain(std::iter::repeat(&String::new())))
        .map(|(ty, n)| {
            let ty = cx.type_text(ty);
            if n.is_empty() {
                ty
            } else {
                format!("{} {ty}", quote_ident(n))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn deferrable(d: Deferrable) -> &'static str {
    match d {
        Deferrable::NotDeferrable => "",
        Deferrable::InitiallyImmediate => " DEFERRABLE",
        Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

fn cols(c: &[String]) -> String {
    c.iter()
        .map(|x| quote_ident(x))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `pg_get_constraintdef` of a table's constraint.
pub(crate) fn constraint_def(
    cx: &Ctx<'_>,
    schema: &str,
    table: &str,
    name: &str,
) -> Option<String> {
    let c = cx.catalog();
    let t = c.table(schema, table)?;
    if let Some(pk) = t.primary_key.as_ref().filter(|p| p.name == name) {
        let inc = include(&pk.include);
        return Some(format!(
            "PRIMARY KEY ({}){inc}{}",
            cols(&pk.columns),
            deferrable(pk.deferrable)
        ));
    }
    if let Some(u) = t.uniques.iter().find(|u| u.name == name) {
        let nnd = if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        };
        let inc = include(&u.include);
        return Some(format!(
            "UNIQUE{nnd} ({}){inc}{}",
            cols(&u.columns),
            deferrable(u.deferrable)
        ));
    }
    if let Some(f) = t.foreign_keys.iter().find(|f| f.name == name) {
        let mut s = format!(
            "FOREIGN KEY ({}) REFERENCES {}({})",
            cols(&f.columns),
            cx.rel_text(&f.references.schema, &f.references.name),
            cols(&f.referenced_columns)
        );
        if f.match_type == crate::catalog::MatchType::Full {
            s.push_str(" MATCH FULL");
        }
        if !f.on_update.is_default() {
            s.push_str(&format!(" ON UPDATE {}", f.on_update.sql()));
        }
        if !f.on_delete.is_default() {
            s.push_str(&format!(" ON DELETE {}", f.on_delete.sql()));
        }
        s.push_str(deferrable(f.deferrable));
        if !f.validated {
            s.push_str(" NOT VALID");
        }
        return Some(s);
    }
    if let Some(ck) = t.checks.iter().find(|c| c.name == name) {
        let mut s = format!("CHECK ({})", ck.expression);
        if ck.no_inherit {
            s.push_str(" NO INHERIT");
        }
        if !ck.validated {
            s.push_str(" NOT VALID");
        }
        return Some(s);
    }
    t.exclusions
        .iter()
        .find(|x| x.name == name)
        .map(|x| x.definition.clone())
}

fn include(c: &[String]) -> String {
    if c.is_empty() {
        String::new()
    } else {
        format!(" INCLUDE ({})", cols(c))
    }
}

/// `pg_get_indexdef` of an index (or of the index behind a key constraint).
pub(crate) fn index_def(cx: &Ctx<'_>, schema: &str, name: &str) -> Option<String> {
    let sc = cx.catalog().schemas.get(schema)?;
    let on = |t: &str, only: bool| {
        format!(
            "ON {}{}.{}",
            if only { "ONLY " } else { "" },
            quote_ident(schema),
            quote_ident(t)
        )
    };
    let owner: Option<&Table> = sc.tables.values().find(|t| {
        t.primary_key.as_ref().is_some_and(|p| p.name == name)
            || t.uniques.iter().any(|u| u.name == name)
            || t.indexes.iter().any(|i| i.name == name)
    });
    if let Some(t) = owner {
        let partitioned = t.partition_by.is_some();
        if let Some(pk) = t.primary_key.as_ref().filter(|p| p.name == name) {
            return Some(format!(
                "CREATE UNIQUE INDEX {} {} USING btree ({}){}",
                quote_ident(name),
                on(&t.name, partitioned),
                cols(&pk.columns),
                include(&pk.include)
            ));
        }
        if let Some(u) = t.uniques.iter().find(|u| u.name == name) {
            return Some(format!(
                "CREATE UNIQUE INDEX {} {} USING btree ({}){}{}",
                quote_ident(name),
                on(&t.name, partitioned),
                cols(&u.columns),
                include(&u.include),
                if u.nulls_not_distinct {
                    " NULLS NOT DISTINCT"
                } else {
                    ""
                }
            ));
        }
        let i = t.indexes.iter().find(|i| i.name == name)?;
        return Some(index_text(i, &on(&t.name, partitioned)));
    }
    for v in sc.views.values() {
        if let Some(i) = v.indexes.iter().find(|i| i.name == name) {
            return Some(index_text(i, &on(&v.name, false)));
        }
    }
    None
}

fn index_text(i: &crate::catalog::Index, on: &str) -> String {
    let keys: Vec<String> = i
        .keys
        .iter()
        .map(|k| {
            let mut s = match &k.target {
                IndexTarget::Column(c) => quote_ident(c),
                IndexTarget::Expression(e) => e.clone(),
            };
            if let Some(c) = &k.collation {
                s.push_str(&format!(" COLLATE {c}"));
            }
            if let Some(o) = &k.opclass {
                s.push_str(&format!(" {o}"));
            }
            if k.descending {
                s.push_str(" DESC");
                if !k.nulls_first {
                    s.push_str(" NULLS LAST");
                }
            } else if k.nulls_first {
                s.push_str(" NULLS FIRST");
            }
            s
        })
        .collect();
    let mut s = format!(
        "CREATE {}INDEX {} {on} USING {} ({})",
        if i.unique { "UNIQUE " } else { "" },
        quote_ident(&i.name),
        i.method,
        keys.join(", ")
    );
    s.push_str(&include(&i.include));
    if i.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &i.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}
